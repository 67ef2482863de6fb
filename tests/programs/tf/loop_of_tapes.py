# A fresh tape per iteration: every gradient is new, none accumulates (semantics.md A4).
import tensorflow as tf

x = tf.Variable(2.0)
seen = []
for i in range(3):
    with tf.GradientTape() as tape:
        y = x * x
    seen.append(tape.gradient(y, x))
g_first, g_second, g_third = seen
