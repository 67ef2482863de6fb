# D2L's MySequential keeps its blocks in an attribute named `modules` (d2l model construction); the translation's
# KerasLayer helper must not call that attribute.
import tensorflow as tf


class MySequential(tf.keras.Model):
    def __init__(self, *args):
        super().__init__()
        self.modules = args

    def call(self, X):
        for module in self.modules:
            X = module(X)
        return X


net = MySequential(tf.keras.layers.ReLU(), tf.keras.layers.ReLU())
x = tf.Variable([[-1.0, 2.0], [0.5, -0.25]])
with tf.GradientTape() as tape:
    y = net(x * 3.0)
    loss = tf.reduce_sum(y ** 2)
dx = tape.gradient(loss, x)
