# tf.Module subclasses whose __init__ does not call super().__init__() (TF does not need it; TF's Core-API
# quickstart builds its model so, real fault F7): torch.nn.Module refuses parameters before its __init__ ran.
# (The quickstart's own forms, variables made at the first call and a module without __call__, are the fixture
# tf2torch/module_without_super_init: PyTorch -> TF does not take those back.)
import tensorflow as tf


class Linear(tf.Module):
    def __init__(self, n):
        self.w = tf.Variable(tf.ones([n, 1]) * 0.5)
        self.b = tf.Variable(0.1)

    def __call__(self, x):
        return tf.squeeze(tf.matmul(x, self.w) + self.b, axis=1)


class Scale(tf.Module):
    def __init__(self):
        self.k = tf.Variable(2.0)

    def __call__(self, x):
        return self.k * x


x = tf.constant([[1.0, 2.0], [3.0, 5.0], [4.0, -1.0]])
y = tf.constant([1.0, 2.0, 0.5])
model = Linear(2)
for epoch in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    for g, v in zip(grads, model.trainable_variables):
        v.assign_sub(0.01 * g)

scale = Scale()
with tf.GradientTape() as tape:
    scaled = tf.reduce_sum(scale(y))
g_scale = tape.gradient(scaled, scale.trainable_variables)
