# NumPy batches (a generator's draws, .astype, np.array, arithmetic, slices, .reshape) passed to functions whose TF
# ops take them as tensors (aymericdamien's and dragen1860's MNIST loops with their tf.data pipelines replaced by
# array slices): the torch translation must make tensors of them where torch's ops need tensors.
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
images = rng.randint(0, 256, size=(12, 2, 2)).astype(np.uint8)
labels = rng.randint(0, 3, size=(12,))
features = np.array(images, np.float32).reshape([-1, 4])
features = features / 255.0
W = tf.Variable(tf.ones([4, 3]) * 0.1)
b = tf.Variable(tf.zeros([3]))


def prepare(x):
    return tf.cast(x, tf.float32) * 2.0


def logits_of(x):
    return tf.matmul(x, W) + b


def loss_of(x, y):
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits_of(x)))


optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)
for step in range(3):
    batch_x, batch_y = features[step * 4:(step + 1) * 4], labels[step * 4:(step + 1) * 4]
    with tf.GradientTape() as tape:
        loss = loss_of(prepare(batch_x), batch_y)
    grads = tape.gradient(loss, [W, b])
    optimizer.apply_gradients(zip(grads, [W, b]))
raw = prepare(images[0].reshape(1, 4))
