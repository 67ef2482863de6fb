# Tutorials gather rows (embeddings, one-hot lookups) with an index tensor of any rank: tf.gather puts the index's
# shape where the gathered axis was (params.shape[:axis] + indices.shape + params.shape[axis + 1:]); a scalar
# index drops the axis. Gradients add up over repeated indices.
import tensorflow as tf

table = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.0]])
pairs = tf.constant([[0, 1], [3, 3], [2, 0]])
with tf.GradientTape() as tape:
    rows = tf.gather(table, pairs)
    cols = tf.gather(table, [[2], [0]], axis=1)
    last = tf.gather(table, tf.constant([2, 2, 1]), axis=-1)
    one_row = tf.gather(table, 2)
    one_col = tf.gather(table, 1, axis=1)
    total = tf.reduce_sum(rows * rows) + tf.reduce_sum(cols) + tf.reduce_sum(last) + tf.reduce_sum(one_row * 3.0) \
        + tf.reduce_sum(one_col)
d_table = tape.gradient(total, table)
