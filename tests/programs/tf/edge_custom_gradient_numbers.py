# A custom gradient called with Python numbers: TF converts them to tensors (torch's ops would refuse them).
import tensorflow as tf


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))
    return tf.math.log(1 + e), grad


@tf.custom_gradient
def scaled(x, s):
    def grad(upstream):
        return upstream * s, upstream * x
    return x * s, grad


small = log1pexp(2.0)
large = log1pexp(100.0)
x = tf.Variable([0.5, -1.0])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(scaled(x, 3.0) + log1pexp(x))
gx = tape.gradient(y, x)
