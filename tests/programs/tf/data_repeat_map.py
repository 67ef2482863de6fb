# tf.data pipelines torch.utils.data has no class for: a shuffle over a repeated dataset (its buffer mixes passes),
# a buffer smaller than the dataset, map of a function over the components, take/skip inside a chain, a repeat
# of shuffled batches (cached before), training over `enumerate(ds.take(steps), 1)` as tutorials write it,
# as_numpy_iterator.
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(1)
x = rng.uniform(0, 255, (12, 3)).astype(np.uint8)
y = rng.randint(0, 2, 12).astype(np.uint8)


def prepare(features, label):
    return tf.cast(features, tf.float32) / 255.0, tf.cast(label, tf.float32)


train = tf.data.Dataset.from_tensor_slices((x, y)).map(prepare)
train = train.repeat().shuffle(20).batch(5).prefetch(1)

w = tf.Variable(tf.zeros([3]))
optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)
losses = []
for step, (xb, yb) in enumerate(train.take(7), 1):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.linalg.matvec(xb, w) - yb))
    optimizer.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    losses.append(float(loss) * step)

local = [float(r[0]) for r in tf.data.Dataset.from_tensor_slices(x).shuffle(4)]  # a 4-element buffer
cached = tf.data.Dataset.from_tensor_slices(y).cache()
epochs = [int(tf.reduce_sum(b)) for b in cached.shuffle(len(y)).batch(4).repeat(2)]
middle = [int(r[1]) for r in tf.data.Dataset.from_tensor_slices(x).skip(3).take(4)]
doubled = tf.data.Dataset.from_tensor_slices(y).map(lambda v: v * 2).batch(5, drop_remainder=True).shuffle(2)
doubled_sums = [int(tf.reduce_sum(b)) for b in doubled]
# Elements as NumPy values, and the first batch of a pass.
numpy_rows = [r for r in tf.data.Dataset.from_tensor_slices(x).take(3).as_numpy_iterator()]
first_x, first_y = next(tf.data.Dataset.from_tensor_slices((x, y)).batch(5).as_numpy_iterator())
labels = list(tf.data.Dataset.from_tensor_slices(y).as_numpy_iterator())  # NumPy scalars
peek_x, peek_y = next(iter(train))
