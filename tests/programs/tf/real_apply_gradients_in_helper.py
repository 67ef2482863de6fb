# apply_gradients in a helper function that receives the variables as a parameter (Deep Learning with Python,
# ch. 2, `update_weights(gradients, weights)`; real fault F10: the torch optimizer, built where the Keras one is,
# read the helper's parameter name there). The variables are what every call passes, through further helpers too.
import tensorflow as tf

W = tf.Variable([[1.0, 2.0]])
b = tf.Variable([0.5])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


def update_weights(gradients, weights):
    optimizer.apply_gradients(zip(gradients, weights))


def training_step(variables, x):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.matmul(x, variables[0], transpose_b=True) + variables[1]) ** 2
    grads = tape.gradient(loss, variables)
    update_weights(grads, variables)
    return loss


x = tf.constant([[1.0, -1.0], [2.0, 0.5]])
losses = []
for step in range(3):
    losses.append(training_step([W, b], x))
