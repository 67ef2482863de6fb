# Snapshots of a Keras layer's weights and of a gradient taken with .numpy() before training changes them: TF copies,
# torch's .numpy() shares the parameter's memory.
import tensorflow as tf

layer = tf.keras.layers.Dense(2)
x = tf.constant([[1.0, 2.0, 3.0]])
layer(x)
before = [w.numpy() for w in layer.trainable_weights]
kernel_before = layer.kernel.numpy()
opt = tf.keras.optimizers.SGD(learning_rate=0.5)
for step in range(2):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x) ** 2)
    grads = tape.gradient(loss, layer.trainable_weights)
    opt.apply_gradients(zip(grads, layer.trainable_weights))
after = [w.numpy() for w in layer.trainable_weights]
