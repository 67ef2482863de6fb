# Several targets are summed, and so are the elements of a non-scalar target.
import tensorflow as tf

x = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as tape:
    y0 = x**2
    y1 = 1 / x
both = tape.gradient({"y0": y0, "y1": y1}, x)
first = tape.gradient(y0, x)

x4 = tf.Variable(2.0)
with tf.GradientTape() as tape4:
    y4 = x4 * [3.0, 4.0]
vector_grad = tape4.gradient(y4, x4)

s = tf.linspace(-10.0, 10.0, 201)
with tf.GradientTape() as tape5:
    tape5.watch(s)
    sig = tf.nn.sigmoid(s)
dsig = tape5.gradient(sig, s)
