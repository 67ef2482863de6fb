# A tutorial takes a jacobian with respect to a tuple held in a name, and later reuses that name for one tensor
# (real fault N2): TF answers one jacobian per tensor of the tuple, in a tuple. The gradient over the same tuple
# answers per tensor too.
import tensorflow as tf

inputs = (tf.constant([1.0, 2.0]), tf.constant([3.0]))
with tf.GradientTape(persistent=True) as tape:
    tape.watch(inputs)
    out = 2 * tf.math.exp(inputs[0]) + 3 * inputs[1]
jac = tape.jacobian(out, inputs)
is_tuple = tf.constant(isinstance(jac, tuple))
jac0, jac1 = jac
grads = tape.gradient(out, inputs)
g0, g1 = grads

pair = [tf.constant([1.0, 2.0]), tf.constant([3.0])]
with tf.GradientTape() as tape2:
    tape2.watch(pair)
    prod = pair[0] * pair[1]
jac_pair = tape2.jacobian(prod, pair)
is_list = tf.constant(isinstance(jac_pair, list))
jp0, jp1 = jac_pair

inputs = tf.constant([3.0])  # the same names, later, hold one tensor
pair = tf.constant(4.0)
with tf.GradientTape() as tape3:
    tape3.watch(inputs)
    single = tf.math.exp(inputs)
jac_single = tape3.jacobian(single, inputs)
