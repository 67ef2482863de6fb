# Keras LayerNormalization: epsilon 1e-3 (torch's default is 1e-5), gamma and beta, gradients through it.
import tensorflow as tf

x = tf.random.normal([4, 6]) * 0.01  # small features: the epsilon matters
norm = tf.keras.layers.LayerNormalization()
with tf.GradientTape() as tape:
    tape.watch(x)
    y = norm(x)
    loss = tf.reduce_sum(tf.sin(y) * tf.range(6, dtype=tf.float32))
dx, dgamma, dbeta = tape.gradient(loss, [x, norm.gamma, norm.beta])
plain = tf.keras.layers.LayerNormalization(epsilon=1e-5, center=False)(tf.random.normal([2, 3, 5]))
model = tf.keras.Sequential([tf.keras.Input(shape=(6,)), tf.keras.layers.Dense(3), tf.keras.layers.LayerNormalization()])
out = model(tf.random.normal([2, 6]))
n_vars = len(model.trainable_variables)
