# tf.print writes to stderr (or output_stream=) at every call, in a tf.function too: print(..., file=sys.stderr).
import sys
import tensorflow as tf

x = tf.constant([1.5, 2.0])
tf.print("x:", x)
tf.print("sum", tf.reduce_sum(x), output_stream=sys.stdout, sep="|", end="!\n")
tf.print(x, name="p")


@tf.function
def f(v):
    tf.print("in f", v)
    return v * 2


y = f(x)
z = f(x)
