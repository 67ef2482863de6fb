# A hand-written training loop: assign_sub with the tape's gradients, inside a function.
import numpy as np
import tensorflow as tf

TRUE_W, TRUE_B = 3.0, 2.0
x = tf.constant(np.linspace(-2.0, 2.0, 50), dtype=tf.float32)
y = x * TRUE_W + TRUE_B

w = tf.Variable(5.0)
b = tf.Variable(0.0)


def loss_fn(target, predicted):
    return tf.reduce_mean(tf.square(target - predicted))


def train(x, y, learning_rate):
    with tf.GradientTape() as t:
        current_loss = loss_fn(y, w * x + b)
    dw, db = t.gradient(current_loss, [w, b])
    w.assign_sub(learning_rate * dw)
    b.assign_sub(learning_rate * db)
    return current_loss


history = [float(train(x, y, 0.1)) for epoch in range(10)]
w_final = w.numpy()
b_final = b.numpy()
