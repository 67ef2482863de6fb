# Jacobians of a vector function, and per-example jacobians of a batch.
import tensorflow as tf

x = tf.linspace(-2.0, 2.0, 5)
delta = tf.linspace(-3.0, 3.0, 4)
with tf.GradientTape() as tape:
    tape.watch(delta)
    y = tf.nn.sigmoid(x[:, tf.newaxis] + delta)
dy_dd = tape.jacobian(y, delta)

xb = tf.reshape(tf.linspace(-1.0, 1.0, 6), (2, 3))
with tf.GradientTape() as tape2:
    tape2.watch(xb)
    yb = tf.tanh(xb) * 2.0
jb = tape2.batch_jacobian(yb, xb)
