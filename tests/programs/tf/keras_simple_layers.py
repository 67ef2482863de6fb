# Keras layers without weights: Flatten, ReLU, Softmax, Dropout (passes everything through unless training=True),
# Activation; in Sequentials, one given its input shape.
import tensorflow as tf

x = tf.random.normal([6, 2, 3])
model = tf.keras.Sequential([
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(8),
    tf.keras.layers.ReLU(),
    tf.keras.layers.Dropout(0.5),
    tf.keras.layers.Dense(4),
    tf.keras.layers.Activation("tanh"),
    tf.keras.layers.Dense(3),
    tf.keras.layers.Softmax(),
])
probs = model(x)  # inference: Dropout passes everything through
with tf.GradientTape() as tape:
    loss = -tf.reduce_mean(tf.math.log(model(x, training=False)[:, 0]))
grads = tape.gradient(loss, model.trainable_variables)
act = tf.keras.layers.Activation(tf.nn.softplus)(x)
soft0 = tf.keras.layers.Softmax(axis=1)(x)
drop_eval = tf.keras.layers.Dropout(0.3)(x)

built = tf.keras.Sequential([tf.keras.Input(shape=(5,)), tf.keras.layers.Dense(4), tf.keras.layers.Dropout(0.2),
                             tf.keras.layers.ReLU(), tf.keras.layers.BatchNormalization(), tf.keras.layers.Dense(1)])
first_kernel = built.trainable_variables[0]
flat = tf.random.normal([3, 5])
built_out = built(flat)
