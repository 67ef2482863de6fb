# Tutorials watch a tuple (or list) of constants held in a name, and ask for the gradient with respect to it: TF
# watches every tensor of the structure and answers in the same structure (a tuple for a tuple).
import tensorflow as tf

inputs = (tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]))
with tf.GradientTape() as tape:
    tape.watch(inputs)
    out = inputs[0] * inputs[1]
grads = tape.gradient(out, inputs)
is_tuple = tf.constant(isinstance(grads, tuple))
g0, g1 = grads

pair = [tf.constant(2.0), tf.constant(5.0)]
with tf.GradientTape(persistent=True) as tape2:
    tape2.watch(pair)
    prod = pair[0] ** 2 * pair[1]
dprod = tape2.gradient(prod, pair)
dsum = tape2.gradient(pair[0] + pair[1], pair)
is_list = tf.constant(isinstance(dprod, list))
