# Values taken out to NumPy and handed back to TF ops, as beginners' code does (TF converts them; torch does not).
import tensorflow as tf

logits = tf.constant([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
probs = tf.nn.softmax(logits.numpy())
w = tf.Variable([0.5, -0.25, 1.0])
with tf.GradientTape() as tape:
    scores = tf.reduce_sum(w * probs, axis=1)
    total = tf.reduce_sum(tf.square(scores))
dw = tape.gradient(total, w)
top = tf.argmax(probs.numpy(), axis=1)
