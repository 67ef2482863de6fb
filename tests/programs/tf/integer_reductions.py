# Sums and products of integer tensors keep their dtype in TF (a uint8 sum wraps, an int8 one too); torch's widen
# to int64 unless given dtype=: the translation passes it where the input may be integer, not for float inputs.
import numpy as np
import tensorflow as tf

img = tf.constant(np.full((4, 4), 200, dtype=np.uint8))
s_img = tf.reduce_sum(img)
counts = tf.constant([1, 2, 3])
s_counts = tf.reduce_sum(counts, axis=0)
p_counts = tf.reduce_prod(counts)
c_counts = tf.cumsum(counts)
x = tf.constant([1.5, -2.0, 3.0])
s_x = tf.reduce_sum(x)
s_sq = tf.reduce_sum(tf.square(x - 1.0))
pos = tf.reduce_sum(tf.cast(x > 0, tf.int32))
small = tf.constant([100, 100], dtype=tf.int8)
s_small = tf.reduce_sum(small * 2)
mean_all = tf.reduce_sum(x) / 3.0
