# stop_recording and stop_gradient cut the recorded graph.
import tensorflow as tf

x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as tape:
    x_sq = x * x
    with tape.stop_recording():
        y_sq = y * y
    z = x_sq + y_sq
dz_dx, dz_dy = tape.gradient(z, [x, y])

with tf.GradientTape() as tape2:
    y_stopped = tf.stop_gradient(y * y)
    z2 = x * x + y_stopped + x * y
g2x, g2y = tape2.gradient(z2, [x, y])
