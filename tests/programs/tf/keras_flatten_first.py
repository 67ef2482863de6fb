# The shape of TF's beginner quickstart: a Sequential starting with Flatten(input_shape=(h, w)), so Keras builds it at
# construction with h * w input features; a Keras loss object on its logits.
import tensorflow as tf
x = tf.random.normal([3, 4, 5])
model = tf.keras.models.Sequential([
  tf.keras.layers.Flatten(input_shape=(4, 5)),
  tf.keras.layers.Dense(16, activation='relu'),
  tf.keras.layers.Dropout(0.2),
  tf.keras.layers.Dense(3)
])
first = model.trainable_variables[0]
predictions = model(x[:1])
probs = tf.nn.softmax(predictions)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
labels = tf.constant([1, 0, 2])
loss = loss_fn(labels[:1], predictions).numpy()
other = tf.keras.Sequential([tf.keras.Input(shape=(4, 5)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(2)])
other_out = other(x)
