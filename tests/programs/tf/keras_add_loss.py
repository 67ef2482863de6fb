# add_loss() in call() and .losses: the losses of the last outermost call (each call starts afresh), the layer's own
# first, then its sublayers'; differentiable like any tensor.
import tensorflow as tf


class ActivityRegularization(tf.keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_sum(inputs))
        return inputs


class Outer(tf.keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.activity = ActivityRegularization(0.5)
        self.dense = tf.keras.layers.Dense(2)

    def call(self, inputs):
        y = self.dense(self.activity(inputs))
        self.add_loss(tf.reduce_mean(y ** 2))
        self.add_loss([tf.reduce_max(y), tf.reduce_min(y)])
        return y


layer = Outer()
n_before = len(layer.losses)
x = tf.random.normal([3, 4])
y1 = layer(x)
n_once = len(layer.losses)
y2 = layer(x * 2.0)
n_twice = len(layer.losses)
inner_losses = layer.activity.losses
with tf.GradientTape() as tape:
    out = layer(x)
    loss = tf.reduce_sum(out) + sum(layer.losses)
grads = tape.gradient(loss, layer.trainable_weights)
losses = layer.losses
