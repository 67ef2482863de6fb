# A source the target does not depend on: None by default, zeros on request; integers never get gradients.
import tensorflow as tf

x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as tape:
    z = y * y
dz_dx = tape.gradient(z, x)

a = tf.Variable([2.0, 2.0])
b = tf.Variable(3.0)
with tf.GradientTape() as tape2:
    c = b**2
zeros = tape2.gradient(c, a, unconnected_gradients=tf.UnconnectedGradients.ZERO)

n = tf.constant(10)
with tf.GradientTape() as tape3:
    tape3.watch(n)
    m = n * n
dm_dn = tape3.gradient(m, n)
