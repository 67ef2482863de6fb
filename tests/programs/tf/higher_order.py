# Nested tapes give higher-order derivatives; the inner gradient must be taken inside the outer block.
import tensorflow as tf

x = tf.Variable(1.0)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        y = x * x * x
    dy_dx = t1.gradient(y, x)
d2y_dx2 = t2.gradient(dy_dx, x)

c = tf.constant(3.0)
with tf.GradientTape() as outer:
    outer.watch(c)
    with tf.GradientTape() as inner:
        inner.watch(c)
        cube = c**3
    first = inner.gradient(cube, c)
second = outer.gradient(first, c)
