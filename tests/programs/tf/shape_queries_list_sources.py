# What PyTorch -> TF writes for a Module's parameters and torch's shape queries, read as TF: a TensorShape's rank
# and num_elements() (torch.Size has neither), and gradient sources held in `list([...])`, `tuple([...])` or
# `list(<comprehension>)`, which TF answers per variable.
import tensorflow as tf

w = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
b = tf.Variable(0.5)
rank = tf.constant(w.shape.rank)
size = tf.constant(w.shape.num_elements())
dims = tf.constant(w.shape.as_list())
sources = list([w, b])
for step in range(2):
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(w * w) * b
    grads = tape.gradient(y, sources)
    g_w, g_b = grads
kept = list([v for v in (w, b) if v.shape.rank > 0])
with tf.GradientTape() as tape3:
    u = tf.reduce_sum(w ** 3) + b
(g_kept,) = tape3.gradient(u, kept)
pair = tuple([w, b])
with tf.GradientTape() as tape2:
    z = tf.reduce_sum(w) * b
g_pair = tape2.gradient(z, pair)
is_tuple = tf.constant(isinstance(g_pair, tuple))
