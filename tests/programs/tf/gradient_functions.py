# Tapes inside helper functions: sources arrive as parameters (a constant to watch, a variable, a list).
import tensorflow as tf


def derivative(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def gradients(loss_fn, variables):
    with tf.GradientTape() as tape:
        loss = loss_fn()
    return tape.gradient(loss, variables)


a = derivative(lambda t: tf.sin(t) * t, tf.constant(1.0))
v = tf.Variable(2.0)
b = derivative(lambda t: t**3, v)
b_again = derivative(lambda t: t**3, v)

w = tf.Variable([1.0, -2.0])
c = tf.Variable(0.5)
grads = gradients(lambda: tf.reduce_sum(w**2) * c, [w, c])
grads_twice = gradients(lambda: tf.reduce_sum(w**2) * c, [w, c])
