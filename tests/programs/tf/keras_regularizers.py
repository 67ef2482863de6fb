# kernel_regularizer= / bias_regularizer= of Dense: a Keras layer's .losses adds each regularized weight's penalty
# (l2: factor * sum(w ** 2), l1: factor * sum(|w|); the strings 'l1'/'l2' with factor 0.01), after add_loss() values.
import tensorflow as tf
from tensorflow import keras


class Outer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.l2(1e-3))
        self.head = keras.layers.Dense(2, kernel_regularizer="l1", bias_regularizer=tf.keras.regularizers.L2(l2=0.1))

    def call(self, inputs):
        h = self.head(self.dense(inputs))
        self.add_loss(tf.reduce_mean(h))
        return h


layer = Outer()
n_unbuilt = len(layer.losses)
x = tf.random.normal([4, 5])
with tf.GradientTape() as tape:
    out = layer(x)
    penalties = layer.losses
    loss = tf.reduce_sum(out ** 2) + tf.add_n(penalties)
grads = tape.gradient(loss, layer.trainable_weights)
optimizer = keras.optimizers.SGD(learning_rate=0.1)
optimizer.apply_gradients(zip(grads, layer.trainable_weights))
after_step = layer.losses
