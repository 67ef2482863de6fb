# Gradients and an optimizer over two layers' variable lists added together (a.trainable_variables +
# b.trainable_variables): one list of sources, as TF adds sequences.
import tensorflow as tf

a = tf.keras.layers.Dense(2)
b = tf.keras.layers.Dense(1)
x = tf.random.normal([3, 4])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
for step in range(2):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(b(a(x)) ** 2)
    grads = tape.gradient(loss, a.trainable_variables + b.trainable_variables)
    optimizer.apply_gradients(zip(grads, a.trainable_variables + b.trainable_variables))
kernel = a.kernel
