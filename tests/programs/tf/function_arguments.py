# Framework functions handed to the file's own classes and functions, or stored in attributes, and called later
# through them (Chollet's NaiveDense(..., activation=tf.nn.relu), then `self.activation(x)`): the translation passes
# lambdas over the functions' required parameters, and the gradients flow through them.
import tensorflow as tf


class Dense:
    def __init__(self, size_in, size_out, activation):
        self.activation = activation
        self.w = tf.Variable(tf.random.normal((size_in, size_out), stddev=0.5))
        self.squash = tf.math.sigmoid

    def __call__(self, x):
        return self.squash(self.activation(tf.matmul(x, self.w)))


def apply(fn, value):
    return fn(features=value)  # by the parameter's name


hidden = Dense(3, 4, activation=tf.nn.relu)
top = Dense(4, 2, tf.nn.softmax)
x = tf.random.normal([5, 3])
with tf.GradientTape() as tape:
    out = top(hidden(x))
    shifted = apply(tf.nn.relu, out - 0.55)
    loss = tf.reduce_sum(shifted * out)
dw1, dw2 = tape.gradient(loss, [hidden.w, top.w])
