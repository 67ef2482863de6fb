# Values TF converts where torch wants tensors: arrays taken out to NumPy and handed back, as beginners' code does,
# and a shape reduced like a tensor.
import tensorflow as tf

logits = tf.constant([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
probs = tf.nn.softmax(logits.numpy())
w = tf.Variable([0.5, -0.25, 1.0])
with tf.GradientTape() as tape:
    scores = tf.reduce_sum(w * probs, axis=1)
    total = tf.reduce_sum(tf.square(scores))
dw = tape.gradient(total, w)
top = tf.argmax(probs.numpy(), axis=1)
size = tf.reduce_prod(w.shape)
flat = tf.reshape(probs, [tf.reduce_prod(probs.shape)])
