# A Keras model fed NumPy float64 arrays: Keras converts them to float32 tensors before call(), which here multiplies
# the raw input before any layer.
import numpy as np
import tensorflow as tf

class Scale(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(2.0)
        self.d = tf.keras.layers.Dense(1)
    def call(self, x):
        return self.d(x * self.w)

m = Scale()
data = np.linspace(0.0, 1.0, 6).reshape(3, 2)
out = m(data)
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(m(data) ** 2)
g = tape.gradient(loss, m.trainable_variables)
