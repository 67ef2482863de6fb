# Constants are differentiable only once watched; a persistent tape answers several questions.
import tensorflow as tf

x = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x**2
dy_dx = tape.gradient(y, x)

v = tf.constant([1, 3.0])
with tf.GradientTape(persistent=True) as tape2:
    tape2.watch(v)
    y2 = v * v
    z2 = y2 * y2
dz_dv = tape2.gradient(z2, v)
dy_dv = tape2.gradient(y2, v)
del tape2
