# add_weight(trainable=False) (a non-trainable weight: in `weights` and `non_trainable_weights`, after the layer's
# trainable ones, not in `trainable_weights`) and add_weight(dtype=...) (a weight of that dtype).
import tensorflow as tf


class ComputeSum(tf.keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.scale = self.add_weight(shape=(input_dim,), initializer="random_normal")
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)
        self.steps = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False)
        self.wide = self.add_weight(shape=(input_dim, 2), initializer="glorot_uniform", dtype=tf.float64)

    def call(self, inputs):
        self.total.assign_add(tf.reduce_sum(inputs, axis=0))
        self.steps.assign_add(1)
        return self.total * self.scale


x = tf.ones((2, 3))
layer = ComputeSum(3)
first = layer(x)
second = layer(x * 2.0)
with tf.GradientTape() as tape:
    wide_sum = tf.reduce_sum(tf.matmul(tf.ones((1, 3), tf.float64), layer.wide))
    loss = tf.reduce_sum(layer(x)) + tf.cast(wide_sum, tf.float32)
grads = tape.gradient(loss, layer.trainable_weights)
# read after the last call: a Keras weight's .numpy() copies, its translation's aliases the buffer (reported)
n_weights = len(layer.weights)
n_trainable = len(layer.trainable_weights)
n_fixed = len(layer.non_trainable_weights)
fixed = [w.numpy() for w in layer.non_trainable_weights]
all_weights = [w.numpy() for w in layer.weights]
steps = layer.steps.numpy()
