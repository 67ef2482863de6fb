# Keras Dense layers: kernel layout, variable order, activations in every spelling, gradients and jacobians.
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

x = tf.random.normal([4, 3])

relu_layer = tf.keras.layers.Dense(5, activation="relu")
tanh_layer = layers.Dense(2, activation=tf.nn.tanh)
elu_layer = keras.layers.Dense(5, activation=keras.activations.elu)
plain = layers.Dense(3, use_bias=False, name="no_bias")
soft = layers.Dense(4, activation="softmax")
leaky = layers.Dense(4, activation=tf.nn.leaky_relu)

with tf.GradientTape(persistent=True) as tape:
    h = relu_layer(x)
    h2 = elu_layer(h)
    out = tanh_layer(h2)
    loss = tf.reduce_sum(out ** 2)
    p = plain(x)
    probs = soft(p)
    lk = leaky(x)
    side = tf.reduce_sum(probs * tf.range(4, dtype=tf.float32)) + tf.reduce_sum(lk)

kernel = relu_layer.kernel          # Keras layout: (in, out)
bias = relu_layer.bias
n_vars = len(relu_layer.trainable_variables)
grads = tape.gradient(loss, relu_layer.trainable_variables)
kernel_grad = tape.gradient(loss, tanh_layer.kernel)
plain_vars = plain.trainable_variables
plain_grads = tape.gradient(side, plain.trainable_variables)
leaky_grads = tape.gradient(side, leaky.variables)
jac = tape.jacobian(out, elu_layer.kernel)
del tape

# float64 input: Keras computes in the layer's float32
x64 = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
from_numpy = relu_layer(x64)

# 3-D input: the kernel applies to the last axis
seq = tf.random.normal([2, 4, 3])
seq_out = relu_layer(seq)

# a hand-written update of the kernel, as the Hessian example of TF's guide does
relu_layer.kernel.assign_sub(0.1 * grads[0])
updated = relu_layer(x)
