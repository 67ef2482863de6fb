# A variable's name: TF's "Variable:0" or "<name>:0" (a torch tensor's .name is None).
import tensorflow as tf

v = tf.Variable(1.0)
w = tf.Variable([1.0, 2.0], name="weights")
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(w * v)
grads = dict(zip([v.name, w.name], tape.gradient(loss, [v, w])))
g_weights = grads["weights:0"]
name_lengths = [len(v.name), len(w.name)]


class Scale(tf.Module):
    def __init__(self):
        super().__init__()
        self.k = tf.Variable(3.0, name="k")

    def __call__(self, x):
        return x * self.k


module = Scale()
by_name = {module.k.name: module(2.0)}
doubled_k = by_name["k:0"]
