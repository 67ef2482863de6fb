import tensorflow as tf

x = tf.Variable(3.0)
y = tf.Variable(4.0)
with tf.GradientTape() as tape:
    z = x**2 + y**2
dx, dy = tape.gradient(z, [x, y])
