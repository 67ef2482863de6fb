# Keras' Adam computes its step size in float32 from float32-rounded learning rate and betas (0.999 is 0.99900001
# in float32: a 6e-6 relative step-size difference at the first step, where one step moves w by about lr).
import tensorflow as tf

w = tf.Variable(0.0)
lr = 1.0
opt = tf.keras.optimizers.Adam(learning_rate=lr)
with tf.GradientTape() as tape:
    loss = (w - 2.0) ** 2
grads = tape.gradient(loss, [w])
opt.apply_gradients(zip(grads, [w]))
first_step = w - 0.0

v = tf.Variable([0.5, -1.5, 3.0])
adam = tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.8, beta_2=0.99)
for step in range(20):
    with tf.GradientTape() as tape2:
        fit = tf.reduce_sum((v - 1.0) ** 2)
    adam.apply_gradients(zip(tape2.gradient(fit, [v]), [v]))
