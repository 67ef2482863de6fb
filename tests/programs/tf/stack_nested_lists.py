# tf.stack packs each element through convert_to_tensor, so an element that is a list of tensors (tape.gradient
# with a list of sources returns one) is stacked first: Hands-On ML stacks per-target gradient lists this way.
import tensorflow as tf

w1, w2 = tf.Variable(5.0), tf.Variable(3.0)
with tf.GradientTape(persistent=True) as tape:
    z1 = 3 * w1 ** 2 + 2 * w1 * w2
    z2 = w1 * w2 + 2.0
jacobian = tf.stack([tape.gradient(z, [w1, w2]) for z in (z1, z2)])
columns = tf.stack([tape.gradient(z, (w1, w2)) for z in (z1, z2)], axis=1)
summed = tf.reduce_sum(tf.stack([tape.gradient(z, [w1, w2]) for z in [z1, z2]]), axis=0)
del tape
a = tf.constant([1.0, 2.0])
grid = tf.stack([[a, a * 2.0], (a + 1.0, a)])
mixed = tf.stack([a, tf.stack([a[0], a[1]])])
