# Gradients kept while later tapes differentiate through the same variables: each TF gradient call is
# independent, so what an earlier call returned must not change (torch's backward() adds into .grad in place).
import tensorflow as tf

w = tf.Variable([1.0, 2.0])
s = tf.Variable(2.0)
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(w * s)
g = tape.gradient(loss, [w])
with tf.GradientTape() as tape2:
    l2 = tf.reduce_sum(w * s * s)
ds = tape2.gradient(l2, s)

history = []
for step in range(3):
    with tf.GradientTape() as t1:
        a = tf.reduce_sum(w * w * s)
    dw = t1.gradient(a, w)
    with tf.GradientTape() as t2:
        b = tf.reduce_sum(w) * s
    dsb = t2.gradient(b, s)
    history.append((dw, dsb))
    s.assign_add(0.5)
