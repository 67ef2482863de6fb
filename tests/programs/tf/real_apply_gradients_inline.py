# Tutorials pass the tape's answer straight to the optimizer: apply_gradients(zip(tape.gradient(...), vars)).
import tensorflow as tf

w = tf.Variable(0.0)
opt = tf.keras.optimizers.Adam(learning_rate=0.5)
with tf.GradientTape() as t:
    loss = (w - 2.0) ** 2
opt.apply_gradients(zip(t.gradient(loss, [w]), [w]))
resid = w - 1.0

a = tf.Variable([1.0, -1.0])
b = tf.Variable(0.5)
sgd = tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
for step in range(3):
    with tf.GradientTape() as tape:
        fit = tf.reduce_sum((a * 3.0 + b - 1.0) ** 2)
    sgd.apply_gradients(zip(tape.gradient(fit, [a, b]), [a, b]))
