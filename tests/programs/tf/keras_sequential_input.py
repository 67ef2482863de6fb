# Sequential models given their input shape (input_shape=, Input): Keras builds every layer, drawing its weights, at
# construction, so a model built later but called first still gets the later weights.
import tensorflow as tf
x = tf.random.normal([5, 4])
late = tf.keras.Sequential([tf.keras.layers.Dense(3), tf.keras.layers.Dense(2)])
model = tf.keras.Sequential([
    tf.keras.layers.Dense(10, activation=tf.nn.relu, input_shape=(4,)),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Dense(3)
])
n_before = len(model.trainable_variables)
k0 = model.trainable_variables[0]
other = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(2, activation="sigmoid")])
late_out = late(x)
out = model(x)
other_out = other(x)
with tf.GradientTape() as tape:
    loss = tf.reduce_mean(model(x, training=True) ** 2)
g = tape.gradient(loss, model.trainable_variables)
