# Gradient pairs bound to a name before apply_gradients (thswodn1234's 2020 course, 1001.py): a zip, consumed once.
import tensorflow as tf

x = tf.Variable(2.0)
y = tf.Variable(3.0)
opt = tf.keras.optimizers.SGD(learning_rate=0.1)
losses = []
for epoch in range(5):
    with tf.GradientTape() as tape:
        loss = x ** 2 + 3.0 * y ** 2
    losses.append(float(loss))
    dx, dy = tape.gradient(loss, [x, y])
    grads_and_vars = zip([dx, dy], [x, y])
    opt.apply_gradients(grads_and_vars)
