# Sources as a tensor, a list, a dict; a persistent tape with several gradient calls.
import tensorflow as tf

w = tf.Variable(tf.random.normal((3, 2)), name="w")
b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
x = [[1.0, 2.0, 3.0]]

with tf.GradientTape(persistent=True) as tape:
    y = tf.matmul(x, w) + b
    loss = tf.reduce_mean(y**2)

[dl_dw, dl_db] = tape.gradient(loss, [w, b])
my_vars = {"w": w, "b": b}
grad = tape.gradient(loss, my_vars)
grad_b = grad["b"]
only_w = tape.gradient(loss, w)
del tape
