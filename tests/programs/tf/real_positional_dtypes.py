# Arguments given by position where the keyword is usual (real fault F3, from a course's gradient-descent demo:
# `tf.Variable(tf.constant(5, tf.float32))` was read as an int32 value and its translation got no gradient).
import tensorflow as tf

w = tf.Variable(tf.constant(5, tf.float32))
for step in range(2):
    with tf.GradientTape() as tape:
        loss = tf.square(w + 1)
    grads = tape.gradient(loss, w)
    w.assign_sub(0.2 * grads)

c = tf.constant(2, tf.float32)  # a float constant: watched, it gets a gradient
with tf.GradientTape() as tape:
    tape.watch(c)
    cc = c * c
g_c = tape.gradient(cc, c)

frozen = tf.Variable(1.5, False)  # trainable=False by position: TF gives it no gradient
v = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = v * v * frozen
g_v, g_frozen = tape.gradient(y, [v, frozen])
