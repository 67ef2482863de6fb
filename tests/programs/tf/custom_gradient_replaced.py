# A notebook's first try at a custom gradient, replaced by the next cell's plain function before any call, in a file
# that also takes a second derivative: no gradient can go through the replaced function.
import tensorflow as tf


@tf.custom_gradient
def softplus(z):
    exp = tf.exp(z)

    def softplus_gradients(grad):
        return grad / (1 + 1 / exp)

    return tf.math.log(exp + 1), softplus_gradients


def softplus(z):
    return tf.where(z > 30.0, z, tf.math.log(tf.exp(z) + 1.0))


x = tf.Variable([0.5, 100.0])
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        y = tf.reduce_sum(softplus(x) * x)
    dy_dx = inner.gradient(y, x)
d2y_dx2 = outer.gradient(dy_dx, x)
