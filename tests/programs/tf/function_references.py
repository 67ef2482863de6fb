# Functions bound to names and called through them (an activation chosen once, a loss picked by name): the
# translation binds the names to lambdas calling the torch functions, and the gradients flow through them.
import tensorflow as tf

activation = tf.math.tanh
squash = tf.math.sigmoid
w = tf.Variable(tf.random.normal([3, 2]))
x = tf.random.normal([4, 3])
with tf.GradientTape() as tape:
    hidden = activation(tf.matmul(x, w))
    out = squash(hidden) * 2.0
    loss = tf.reduce_sum(out)
dw = tape.gradient(loss, w)
