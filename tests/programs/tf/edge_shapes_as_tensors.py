# Shapes and NumPy arrays where TF ops take tensors: TF converts them (torch takes no torch.Size or array there).
import numpy as np
import tensorflow as tf

x = tf.reshape(tf.linspace(0.5, 2.0, 12), (4, 3))
dims = tf.cast(x.shape, tf.float32)
at_least_two = tf.maximum(x.shape, 2)
count = tf.reduce_prod(x.shape)
mean = tf.reduce_sum(x) / tf.cast(tf.reduce_prod(x.shape), tf.float32)
rows = tf.cast(len([x, x]), tf.float32)
rounded = tf.cast([1.5, -2.5], tf.int32)
weights = tf.cast(np.linspace(0.0, 1.0, 3), tf.float32)
w = tf.Variable([0.5, -0.5, 2.0])
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(x * w * weights) / tf.cast(x.shape[0], tf.float32)
gw = tape.gradient(loss, w)
listed = x.shape.as_list()
width = tf.zeros(listed[1:])
like_x = tf.reshape(tf.range(12.0), tf.shape(x))
halves = tf.fill(tf.shape(x), 0.5)
seven = tf.cast(7, tf.float32)
with tf.GradientTape() as tape2:
    tape2.watch(x)
    scattered = tf.tensor_scatter_nd_update(x * 2.0, [[0, 1], [3, 2]], [9.0, -1.0])
    total = tf.reduce_sum(scattered * like_x)
gx = tape2.gradient(total, x)
