# Tape gradients taken inside comprehensions (as Hands-On ML's autodiff notebook does): each element's gradient must be
# computed there, for that element, not once before the comprehension; and a name the comprehension binds is its
# own, whatever the file bound to that name earlier.
import tensorflow as tf

w1, w2 = tf.Variable(5.0), tf.Variable(3.0)
z = w1 + w2  # the comprehension below binds its own z
with tf.GradientTape(persistent=True) as tape:
    z1 = 3 * w1 ** 2 + 2 * w1 * w2
    z2 = w1 * w2
    z3 = tf.sin(w1) * w2
grads = [tape.gradient(z, [w1, w2]) for z in (z1, z2)]
stacked = tf.stack([tf.stack(tape.gradient(y, [w1, w2])) for y in (z1, z2, z3)])
del tape

# Hessian rows: the outer tape's gradient of each entry of the jacobian.
with tf.GradientTape(persistent=True) as hessian_tape:
    with tf.GradientTape() as jacobian_tape:
        f = 3 * w1 ** 2 + 2 * w1 * w2
    jacobians = jacobian_tape.gradient(f, [w1, w2])
hessians = [hessian_tape.gradient(jacobian, [w1, w2]) for jacobian in jacobians]
del hessian_tape

# Constants the tape never watched, with no variable in the computation: TF answers None for each.
c1, c2 = tf.constant(5.0), tf.constant(3.0)
with tf.GradientTape() as tape2:
    g = 3 * c1 ** 2 + 2 * c1 * c2
unwatched = tape2.gradient(g, [c1, c2])
