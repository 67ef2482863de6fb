# A single variable whose name reads like a list (`weights`, `params`): one tensor, one gradient (real fault F1:
# pl_03_autograd's round trip iterated it as a list of variables); a list of variables so named is still a list.
# (Names the file does not bind, a parameter or an attribute no assignment shows, are guessed from the name:
# gradient_functions.py, the Keras programs' `model.trainable_variables`.)
import tensorflow as tf

weights = tf.Variable(tf.ones([4]))
with tf.GradientTape() as tape:
    out = tf.reduce_sum(weights * 3)
g_weights = tape.gradient(out, weights)

params = tf.Variable([1.0, -2.0])
for step in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(params ** 2)
    grad = tape.gradient(loss, params)
    params.assign_sub(0.1 * grad)


class Scale(tf.Module):
    def __init__(self):
        super().__init__()
        self.weights = tf.Variable([2.0, 0.5])

    def __call__(self, x):
        return tf.reduce_sum(self.weights * x)


m = Scale()
with tf.GradientTape() as tape:
    y = m(tf.constant([1.0, 3.0]))
g_attribute = tape.gradient(y, m.weights)

a = tf.Variable(1.5)
b = tf.Variable(-0.5)
vars = [a, b]
with tf.GradientTape() as tape:
    z = a * a * b
g_list = tape.gradient(z, vars)

