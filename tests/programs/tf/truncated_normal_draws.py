# Weights drawn by tf.random.truncated_normal between other draws (the Peking University course's iris network):
# in twin runs its translation, torch.nn.init.trunc_normal_, must draw the same numbers.
import tensorflow as tf

w1 = tf.Variable(tf.random.truncated_normal([4, 3], stddev=0.1))
noise = tf.random.normal([5, 4], stddev=0.5)
b1 = tf.Variable(tf.random.truncated_normal([3], mean=0.2, stddev=0.1))
x = tf.ones([5, 4]) + noise
with tf.GradientTape() as tape:
    y = tf.nn.softmax(tf.matmul(x, w1) + b1)
    loss = tf.reduce_mean(tf.square(y - 1.0 / 3.0))
dw1, db1 = tape.gradient(loss, [w1, b1])
