# Framework functions handed to the file's own functions and classes, or stored in attributes, and called later
# through them (Chollet's NaiveDense(..., activation=tf.nn.relu), then `self.activation(x)`): the translation passes
# lambdas over the functions' required parameters, and the gradients flow through them.
import tensorflow as tf


class Squash:
    def __init__(self, activation):
        self.activation = activation
        self.bounded = tf.math.sigmoid

    def __call__(self, x):
        return self.bounded(self.activation(x))


def dense(x, w, activation):
    return activation(tf.matmul(x, w))


def apply(fn, value):
    return fn(features=value)  # by the parameter's name


w1 = tf.Variable(tf.random.normal((3, 4), stddev=0.5))
w2 = tf.Variable(tf.random.normal((4, 2), stddev=0.5))
x = tf.random.normal([5, 3])
with tf.GradientTape() as tape:
    out = Squash(tf.nn.softmax)(dense(dense(x, w1, activation=tf.nn.relu), w2, tf.math.tanh))
    shifted = apply(tf.nn.relu, out - 0.55)
    loss = tf.reduce_sum(shifted * out)
dw1, dw2 = tape.gradient(loss, [w1, w2])
