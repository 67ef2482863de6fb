# tf.cast to a dtype a function receives (a course's tf_cast(array, dtype) helper): torch's .to(dtype=...), which the
# way back reads as a cast, where a positional .to(p) could be a device.
import tensorflow as tf


def as_dtype_of(array, dtype):
    return tf.cast(array, dtype=dtype)


x = tf.Variable([1.0, 2.0])
with tf.GradientTape() as tape:
    y = as_dtype_of(x, tf.float64) * 2.0
g = tape.gradient(y, x)
