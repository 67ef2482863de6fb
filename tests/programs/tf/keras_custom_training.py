# The shape of TF's custom training walkthrough: a Sequential given its input shape, a Keras loss object fed NumPy
# labels, model(x, training=...) inside helper functions, SGD over model.trainable_variables.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
features = rng.normal(size=(32, 4)).astype(np.float32)
labels = rng.integers(0, 3, size=32)

model = tf.keras.Sequential([
  tf.keras.layers.Dense(10, activation=tf.nn.relu, input_shape=(4,)),
  tf.keras.layers.Dense(10, activation=tf.nn.relu),
  tf.keras.layers.Dense(3)
])
predictions = model(features)
soft = tf.nn.softmax(predictions[:5])
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

def loss(model, x, y, training):
  y_ = model(x, training=training)
  return loss_object(y_true=y, y_pred=y_)

l = loss(model, features, labels, training=False)

def grad(model, inputs, targets):
  with tf.GradientTape() as tape:
    loss_value = loss(model, inputs, targets, training=True)
  return loss_value, tape.gradient(loss_value, model.trainable_variables)

optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
loss_value, grads = grad(model, features, labels)
optimizer.apply_gradients(zip(grads, model.trainable_variables))
after = loss(model, features, labels, training=True).numpy()

train_loss_results = []
for epoch in range(5):
  loss_value, grads = grad(model, features, labels)
  optimizer.apply_gradients(zip(grads, model.trainable_variables))
  train_loss_results.append(loss_value.numpy())
