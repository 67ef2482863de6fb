"""Optimizers over a sublayer's `.variables` and a model's `.weights` (which hold the trainable variables here):
only the first layer moves in the first loop, every layer in the second (grads_and_vars= given by keyword)."""
import tensorflow as tf


class TwoDense(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = tf.keras.layers.Dense(4, activation=tf.nn.tanh)
        self.out = tf.keras.layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))


model = TwoDense()
x = tf.reshape(tf.range(15, dtype=tf.float32), (3, 5)) / 10.0
first_only = tf.keras.optimizers.SGD(learning_rate=0.1)
for step in range(2):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(model(x) ** 2)
    grads = tape.gradient(loss, model.hidden.variables)
    first_only.apply_gradients(zip(grads, model.hidden.variables))
everything = tf.keras.optimizers.Adam(learning_rate=0.01)
for step in range(2):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(model(x) ** 2)
    all_grads = tape.gradient(loss, model.weights)
    everything.apply_gradients(grads_and_vars=zip(all_grads, model.weights))
hidden_kernel = model.hidden.kernel
out_kernel = model.out.kernel
