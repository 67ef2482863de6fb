# A variable's name: TF's "Variable:0" or "<name>:0" (a torch tensor's .name is None).
import tensorflow as tf

v = tf.Variable(1.0)
w = tf.Variable([1.0, 2.0], name="weights")
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(w * v)
grads = dict(zip([v.name, w.name], tape.gradient(loss, [v, w])))
g_weights = grads["weights:0"]
name_lengths = [len(v.name), len(w.name)]
