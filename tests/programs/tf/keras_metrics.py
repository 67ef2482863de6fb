"""Keras metrics in a custom training loop (keras-io's writing_a_training_loop_from_scratch, cn_eager_execution):
update_state, result, reset_state, calling the metric, .name, sample weights; argmax ties, a last label axis of 1,
labels as integers and floats, BinaryAccuracy's threshold."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

m = tf.keras.metrics.Mean('loss')
m(0)
m(5)
half = m.result()
m([8, 9])
mean_name, mean_result = m.name, m.result()
m.reset_state()
empty = m.result()
m.update_state([[1.0, 2.0], [3.0, 5.0]], sample_weight=[1.0, 0.5])
weighted = m.result()

model = keras.Sequential([keras.layers.Dense(3)])
optimizer = keras.optimizers.SGD(learning_rate=0.1)
x = tf.random.normal([6, 4])
labels = np.array([0, 2, 1, 1, 0, 2], dtype="int64")
acc = keras.metrics.SparseCategoricalAccuracy()
for step in range(3):
    with tf.GradientTape() as tape:
        logits = model(x)
        loss = tf.reduce_mean(tf.square(logits - 1.0))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    acc.update_state(labels, logits)
train_acc = acc.result()
acc.reset_state()
acc.update_state(np.array([[0], [2], [1], [1], [0], [2]], dtype="uint8"), logits, sample_weight=[1.0, 1.0, 0.0, 2.0, 1.0, 1.0])
weighted_acc = float(acc.result())
acc_name = acc.name

ties = tf.constant([[1.0, 1.0, 0.0], [-0.0, 0.0, -1.0], [2.0, 3.0, 3.0]])
tie_acc = keras.metrics.SparseCategoricalAccuracy(name="ties")(tf.constant([1.0, 1.0, 1.0]), ties)
onehot = keras.metrics.CategoricalAccuracy()
cat_acc = onehot(tf.one_hot(tf.constant([0, 1, 2]), 3), ties)
binary = keras.metrics.BinaryAccuracy(threshold=0.4, dtype=None)
bin_acc = binary([[1], [0], [1], [0]], [[0.9], [0.45], [0.3], [0.1]])
bin_float = keras.metrics.BinaryAccuracy()([1.0, 0.0, 1.0], [0.5, 0.2, 0.7])
exact = keras.metrics.Accuracy()
exact_acc = exact([[1], [2], [3], [4]], [[0], [2], [3], [4]])
mse = keras.metrics.MeanSquaredError()
mse.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])
mse_result = mse.result()
mae = tf.keras.metrics.MeanAbsoluteError()
mae_result = mae(tf.constant([[0.5, 1.0], [2.0, 0.0]]), tf.constant([[1.0, 1.0], [1.0, 3.0]]), sample_weight=[0.7, 0.3])
