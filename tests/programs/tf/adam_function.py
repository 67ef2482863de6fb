# A tf.function train step with Adam, called in a loop; the gradients are clipped before they are applied.
import tensorflow as tf

w = tf.Variable([[0.5, -0.25], [1.0, 0.75]])
data = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
target = tf.constant([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
opt = tf.keras.optimizers.Adam(learning_rate=0.05)


@tf.function
def train_step():
    with tf.GradientTape() as tape:
        logits = tf.matmul(data, w)
        loss = tf.reduce_mean(tf.square(tf.nn.sigmoid(logits) - target))
    grads = tape.gradient(loss, [w])
    grads = [tf.clip_by_value(g, -0.1, 0.1) for g in grads]
    opt.apply_gradients(zip(grads, [w]))
    return loss


trace = [float(train_step()) for _ in range(5)]
w_trained = w.numpy()
