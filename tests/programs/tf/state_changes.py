# Assignments are not differentiable, and work done before the tape is not recorded.
import tensorflow as tf

x0 = tf.Variable(3.0)
x1 = tf.Variable(0.0)
with tf.GradientTape() as tape:
    x1.assign_add(x0)
    y = x1**2
dy_dx0 = tape.gradient(y, x0)
x1_after = x1.numpy()

w = tf.Variable(2.0)
h = w**2
with tf.GradientTape() as tape2:
    out = 3 * h + w
dout_dw = tape2.gradient(out, w)
