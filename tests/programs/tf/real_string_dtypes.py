# Tutorials name dtypes by string (dtype="float64"), which TF accepts wherever it takes a dtype.
import tensorflow as tf

z = tf.zeros((2,), dtype="float64")
ones = tf.ones([3], "float16")
k = tf.constant([1, 2], dtype="int64")
c = tf.cast(tf.constant([1.5, -2.5]), "int32")
x = tf.Variable(tf.constant([0.5, 2.0], dtype="float64"))
with tf.GradientTape() as tape:
    y = tf.reduce_sum(x * x + tf.cast(k, "float64"))
dy_dx = tape.gradient(y, x)
