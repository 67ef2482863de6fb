# tf.random.shuffle of a dataset's rows before a train/test split (TF's Core API quickstart), with an op seed.
import numpy as np
import tensorflow as tf

data = tf.constant(np.arange(24, dtype=np.float32).reshape(8, 3))
shuffled = tf.random.shuffle(data, seed=22)
train, test = shuffled[2:], shuffled[:2]
w = tf.Variable([[0.1], [-0.2], [0.3]])
with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.square(tf.matmul(train, w) - 1.0))
dw = tape.gradient(loss, w)
order = tf.random.shuffle(tf.range(5))
