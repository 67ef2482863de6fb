"""A Keras optimizer built before the model it trains (Keras takes the variables at the first apply_gradients,
torch.optim at construction: the construction moves after the model), and variables trained by another optimizer
built before them."""
import tensorflow as tf

optimizer = tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="tanh"), tf.keras.layers.Dense(1)])
x = tf.reshape(tf.range(8.0), [4, 2]) / 8.0
y = tf.constant([[1.0], [0.0], [1.0], [0.0]])
for step in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x) - y) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
kernel = tf.identity(model.layers[0].kernel)

plain = tf.keras.optimizers.SGD(learning_rate=0.05)
w = tf.Variable([1.0, -2.0])
b = tf.Variable(0.5)
for step in range(3):
    with tf.GradientTape() as tape:
        loss2 = tf.reduce_sum((w * 2.0 + b) ** 2)
    gw, gb = tape.gradient(loss2, [w, b])
    plain.apply_gradients(zip([gw, gb], [w, b]))
