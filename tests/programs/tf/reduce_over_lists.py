# TF reductions over Python lists of tensors (a loss averaged from parts inside the tape, an epoch's losses
# collected by append, a list of floats): TF packs the list into one tensor, gradients included.
import tensorflow as tf

w = tf.Variable([1.0, 2.0])
losses = []
for step in range(3):
    with tf.GradientTape() as tape:
        parts = [tf.reduce_sum(w * w), tf.reduce_sum(w) * float(step)]
        loss = tf.reduce_mean(parts)
    g = tape.gradient(loss, w)
    w.assign_sub(0.1 * g)
    losses.append(loss)
epoch_loss = tf.reduce_mean(losses)
floats = [1.0, float(epoch_loss)]
mean_of_floats = tf.reduce_mean(floats)
