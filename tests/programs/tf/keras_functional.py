# The Keras functional API: layers called on keras.Input are built there (weights drawn at that call, from the input's
# shape); keras.Model(inputs, outputs) lists the weights in Keras' order (by depth from the inputs, then as first
# reached from the outputs), converts its inputs to the Inputs' dtype and passes training= on.
import numpy as np
import tensorflow as tf

x = tf.random.normal([6, 4])
y = tf.random.normal([6, 4])
a = tf.keras.Input(shape=(4,))
b = tf.keras.Input(shape=(4,), name="other")
shared = tf.keras.layers.Dense(5, activation="tanh")
h1 = shared(a)
h2 = shared(b)
side = tf.keras.layers.Dense(3, name="side")(h1)
deep = tf.keras.layers.Dense(3)(tf.keras.layers.Dense(5, activation=tf.nn.relu)(h2))
model = tf.keras.Model(inputs=[a, b], outputs=[side, deep])
side_out, deep_out = model([x, y])
with tf.GradientTape() as tape:
    s, d = model([x, y], training=True)
    loss = tf.reduce_sum(s ** 2) + tf.reduce_mean(d)
grads = tape.gradient(loss, model.trainable_variables)
shapes = [tuple(v.shape) for v in model.trainable_weights]

# a chain from one Input, a model called as a layer, uint8 inputs converted to the Input's float32
images = (np.arange(24) % 3).astype(np.uint8).reshape(6, 4)
inputs = tf.keras.Input(shape=(4,), name="digits")
z = tf.keras.layers.Dense(6, activation="relu")(inputs)
z = tf.keras.layers.BatchNormalization()(z)
inner = tf.keras.Model(inputs, tf.keras.layers.Dense(2)(z))
c = tf.keras.Input(shape=(4,))
outer = tf.keras.Model(inputs=c, outputs=tf.keras.layers.Dense(1)(inner(c)))
optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
for step in range(2):
    with tf.GradientTape() as tape:
        out = outer(images, training=True)
        chain_loss = tf.reduce_mean(out ** 2)
    chain_grads = tape.gradient(chain_loss, outer.trainable_weights)
    optimizer.apply_gradients(zip(chain_grads, outer.trainable_weights))
moving = outer.non_trainable_variables
inference = outer(images)
