# Floor division on tensors a tape watches: TF records no gradient through it (None where it is the only path).
import tensorflow as tf

x = tf.Variable([3.5, -2.5, 7.0])
n = 7
half = n // 2
with tf.GradientTape() as tape:
    bins = x // 2.0
    z = tf.reduce_sum(bins * x)
g = tape.gradient(z, x)
with tf.GradientTape() as tape2:
    q = tf.reduce_sum(x // 2.0)
gq = tape2.gradient(q, x)
with tf.GradientTape() as tape3:
    steps = x // 0.5
    r = tf.reduce_sum(steps * x + x // 3.0)
gr = tape3.gradient(r, x)
