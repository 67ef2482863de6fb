# Linear regression with a Keras optimizer and apply_gradients, in a loop.
import numpy as np
import tensorflow as tf

optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)

xs = np.linspace(-1.0, 1.0, 20).astype(np.float32)
ys = 3.0 * xs + 2.0

w = tf.Variable(0.5)
b = tf.Variable(0.0)

losses = []
for step in range(25):
    with tf.GradientTape() as tape:
        pred = w * xs + b
        loss = tf.reduce_mean(tf.square(pred - ys))
    grads = tape.gradient(loss, [w, b])
    optimizer.apply_gradients(zip(grads, [w, b]))
    losses.append(float(loss))

final_w = w.numpy()
final_b = b.numpy()
