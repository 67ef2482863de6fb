# Tutorials draw integer tensors (labels, indices) with tf.random.uniform and an integer dtype: torch's uniform_
# takes no integer tensor, torch.randint draws the same half-open range.
import tensorflow as tf

labels = tf.random.uniform(shape=(2, 3), minval=0, maxval=10, dtype=tf.int32)
offsets = tf.random.uniform([4], -4, 4, dtype=tf.int64)
table = tf.constant([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5])
picked = tf.gather(table, labels[0])
