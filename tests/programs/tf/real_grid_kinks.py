# Tutorials plot activations over a float grid: tf.range / tf.linspace values that land next to a kink (relu at 0,
# abs at 0) decide a gradient of 0 or 1, so the grid must be TF's to the last bit (TF computes start + i * delta in
# float32; torch.arange and torch.linspace compute otherwise).
import tensorflow as tf

x = tf.Variable(tf.range(-0.3, 0.3, 0.1))
with tf.GradientTape() as tape:
    y = tf.nn.relu(x)
dy_dx = tape.gradient(y, x)

grid = tf.range(-1.0, 1.0, 0.3)
long_grid = tf.range(0.1, 2.7, 0.13)

u = tf.linspace(-1.0, 1.0, 21)
with tf.GradientTape() as tape2:
    tape2.watch(u)
    v = tf.abs(u)
dv_du = tape2.gradient(v, u)
fine = tf.linspace(-2.5, 7.3, 33)
