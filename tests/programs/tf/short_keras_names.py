"""TF's short names for Keras modules (tf.optimizers, tf.losses: the same objects as tf.keras.*),
as older tutorials write them."""
import tensorflow as tf

w = tf.Variable([0.5, 0.5, 0.5])
x = tf.constant([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
target = tf.constant([1.0, -1.0])
mse = tf.losses.MeanSquaredError()
opt = tf.optimizers.SGD(learning_rate=0.05)
for step in range(3):
    with tf.GradientTape() as tape:
        loss = mse(target, tf.linalg.matvec(x, w))
    grads = tape.gradient(loss, [w])
    opt.apply_gradients(zip(grads, [w]))
