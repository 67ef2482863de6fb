# The example twingrad starts from: x² + y² at (3, 4), differentiated with a GradientTape.
import tensorflow as tf

x = tf.Variable(3.0)
y = tf.Variable(4.0)
with tf.GradientTape() as tape:
    z = x**2 + y**2
dx, dy = tape.gradient(z, [x, y])  # 6.0, 8.0
print("dz/dx =", dx.numpy(), " dz/dy =", dy.numpy())
