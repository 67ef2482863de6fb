# The Peking University TF2 course's custom loss: labels are a nested Python list built by a comprehension over a
# NumPy array (NumPy float64 values), which TF converts to the other operand's dtype in arithmetic and in
# tf.greater / tf.where.
import numpy as np
import tensorflow as tf

rdm = np.random.RandomState(seed=23455)
x = rdm.rand(16, 2)
y_ = [[x1 + x2 + (rdm.rand() / 10.0 - 0.05)] for (x1, x2) in x]
x = tf.cast(x, dtype=tf.float32)
w1 = tf.Variable([[0.3], [-0.2]])
cost, profit = 1, 99

for step in range(3):
    with tf.GradientTape() as tape:
        y = tf.matmul(x, w1)
        loss_mse = tf.reduce_mean(tf.square(y_ - y))
        loss = tf.reduce_sum(tf.where(tf.greater(y, y_), (y - y_) * cost, (y_ - y) * profit)) + loss_mse
    grads = tape.gradient(loss, w1)
    w1.assign_sub(0.002 * grads)
