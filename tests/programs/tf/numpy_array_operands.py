# A float64 NumPy array meeting a float32 Variable in arithmetic: TF converts the array to the Variable's dtype for
# the op. Module-level arrays, an array on the left, and an array that reaches the op through a function parameter
# (the linear-regression tutorial form: `def model(x): return W * x + b` called with a NumPy array).
import numpy as np
import tensorflow as tf

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([2.1, 3.9, 6.2, 7.8])
W = tf.Variable(0.5)
b = tf.Variable(0.1)


def linear_regression(x):
    return W * x + b


def mean_square(y_pred, y_true):
    return tf.reduce_mean(tf.square(y_pred - y_true))


with tf.GradientTape() as g:
    pred = linear_regression(X)
    loss = mean_square(pred, Y)
dW, db = g.gradient(loss, [W, b])

with tf.GradientTape() as g2:
    direct = tf.reduce_sum(W * X) + tf.reduce_sum(X * b)
dW_direct, db_direct = g2.gradient(direct, [W, b])

# The array meets arithmetic on tensors (its dtype is any tensor operand's: TF mixes none)
with tf.GradientTape() as g3:
    residual = tf.reduce_sum(tf.square(W * X + b - Y))
dW_residual = g3.gradient(residual, W)
