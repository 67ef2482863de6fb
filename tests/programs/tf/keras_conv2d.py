# A small Keras CNN as the MNIST tutorials write it: Conv2D, MaxPooling2D (and its MaxPool2D alias), Flatten in
# Keras' (H, W, C) order, Dense; 'same' padding with a stride (TF pads the odd row and column at the end), dilation,
# no bias, an activation; a few training steps with a GradientTape, every gradient compared. Twin runs start the
# kernels from Keras' glorot-uniform draws in both worlds.
import tensorflow as tf

images = tf.random.normal([3, 12, 11, 2])
targets = tf.random.normal([3, 3])

model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(4, 3, activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Conv2D(5, (2, 3), strides=2, padding="same", use_bias=False),
    tf.keras.layers.MaxPool2D(pool_size=(2, 1), strides=1),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(3),
])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
for step in range(3):
    with tf.GradientTape() as tape:
        logits = model(images)
        loss = tf.reduce_mean(tf.square(logits - targets))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))

shapes = [list(v.shape) for v in model.trainable_variables]
first_kernel = model.layers[0].kernel

# a dilated convolution and an odd-sized 'same' one on their own, gradients with respect to the input too
dilated = tf.keras.layers.Conv2D(2, kernel_size=(3, 2), dilation_rate=2, padding="same")
odd = tf.keras.layers.Conv2D(3, 4, strides=(3, 2), padding="same")
x = tf.Variable(tf.random.normal([2, 9, 8, 2]))
with tf.GradientTape(persistent=True) as tape:
    d = dilated(x)
    o = odd(x)
    total = tf.reduce_sum(d ** 2) + tf.reduce_sum(o)
x_grad = tape.gradient(total, x)
dilated_grads = tape.gradient(total, dilated.trainable_variables)
odd_kernel_grad = tape.gradient(total, odd.kernel)
del tape

# given the input's shape, Keras builds (and draws) every layer at construction: the image's size follows the layers
built = tf.keras.Sequential([
    tf.keras.layers.Conv2D(3, 3, activation="relu", input_shape=(10, 9, 2)),
    tf.keras.layers.MaxPool2D(2),
    tf.keras.layers.Conv2D(4, (2, 3), strides=2, padding="same"),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(2),
])
built_kernels = [built.layers[0].kernel, built.layers[2].kernel, built.layers[4].kernel]
any_size = tf.keras.Sequential([tf.keras.Input(shape=(None, None, 2)), tf.keras.layers.Conv2D(2, 1),
                                tf.keras.layers.Dense(3)])
any_size_kernel = any_size.layers[0].kernel
with tf.GradientTape(persistent=True) as tape:
    built_out = built(images[:, :10, :9, :])
    any_out = any_size(images)
    both = tf.reduce_sum(built_out) + tf.reduce_sum(any_out ** 2)
built_grads = tape.gradient(both, built.trainable_variables)
any_size_grads = tape.gradient(both, any_size.trainable_variables)
del tape
