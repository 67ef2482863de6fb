# Notebook-style code: the same names rebound from cell to cell, lists and NumPy arrays where tensors go,
# a tape reset, and a result computed through NumPy (which TF's tape cannot see).
import numpy as np
import tensorflow as tf

x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x**2
first = tape.gradient(y, x)

w = tf.Variable(tf.random.normal((3, 2)))
x = [[1.0, 2.0, 3.0]]
with tf.GradientTape() as tape:
    y = x @ w
    loss = tf.reduce_mean(y**2)
dw = tape.gradient(loss, w)

x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y_sq = y * y
    tape.reset()
    z = x * x + y_sq
after_reset = tape.gradient(z, {"x": x, "y": y})

x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
with tf.GradientTape() as tape:
    x2 = x**2
    y = np.mean(x2, axis=0)
    y = tf.reduce_mean(y, axis=0)
through_numpy = tape.gradient(y, x)
