"""Forward mode (the TF guide's ForwardAccumulator): a jvp read inside and after the block, primals given as a
tuple and as a name holding one, a variable primal, outputs the primals do not reach (None; zeros on request), and
the gradient of a jvp."""
import tensorflow as tf

x = tf.constant([1.0, 2.0, 3.0])
v = tf.constant([1.0, 0.5, -1.0])
with tf.autodiff.ForwardAccumulator(primals=x, tangents=v) as acc:
    y = tf.reduce_sum(tf.sin(x) * x)
    inside = acc.jvp(y)
    z = y * y
after = acc.jvp(z)


def g(a, b):
    return a * tf.exp(b) + a ** 2


b0 = tf.constant([0.5, -0.5, 1.0])
with tf.autodiff.ForwardAccumulator((x, b0), (tf.ones([3]), v)) as acc2:
    out = g(x, b0)
pair_jvp = acc2.jvp(out)

pair = (x, x * 2)
with tf.autodiff.ForwardAccumulator(pair, (v, tf.ones([3]))) as acc3:
    held = g(*pair)
held_jvp = acc3.jvp(held)

w = tf.Variable([2.0, -1.0])
with tf.autodiff.ForwardAccumulator(w, tf.constant([0.0, 1.0])) as acc4:
    loss = tf.reduce_sum(w ** 3)
    unreached = tf.constant(2.0) * 3.0
loss_jvp = acc4.jvp(loss)
none_jvp = acc4.jvp(unreached)
zero_jvp = acc4.jvp(unreached, unconnected_gradients=tf.UnconnectedGradients.ZERO)
is_none = none_jvp is None

# reverse over forward: the gradient of a jvp (6 w t)
w2 = tf.Variable([1.0, -2.0])
with tf.GradientTape() as tape:
    with tf.autodiff.ForwardAccumulator(w2, tf.constant([1.0, 0.5])) as acc5:
        cubed = tf.reduce_sum(w2 ** 3)
    cubed_jvp = acc5.jvp(cubed)
grad_of_jvp = tape.gradient(cubed_jvp, w2)
