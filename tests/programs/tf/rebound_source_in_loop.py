# A tape's source rebound to a computed tensor later in the loop (TF's guide): the next pass's gradient is None.
import tensorflow as tf

x = tf.Variable(2.0)
gs = []
for _ in range(2):
    with tf.GradientTape() as t:
        y = x + 1
    gs.append(t.gradient(y, x))
    x = x + 1
g0, g1 = gs
