# Training over tf.data batches: a shuffled dataset of (x, y) slices, batched (the last batch shorter), a
# validation dataset batched with drop_remainder, a dataset of one array's rows, and take() of both.
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
x_train = rng.uniform(-1, 1, (10, 3))  # float64: tf.data keeps NumPy's dtype
y_train = (np.dot(x_train, [1.0, -2.0, 0.5]) + 0.3).astype(np.float32)

train = tf.data.Dataset.from_tensor_slices((x_train.astype(np.float32), y_train))
train = train.shuffle(len(y_train)).batch(4).prefetch(1)
val = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(3, drop_remainder=True)
rows = tf.data.Dataset.from_tensor_slices(x_train).batch(5)

w = tf.Variable(tf.zeros([3]))
b = tf.Variable(0.0)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)

losses = []
for epoch in range(3):
    for step, (xb, yb) in enumerate(train):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.linalg.matvec(xb, w) + b - yb))
        dw, db = tape.gradient(loss, [w, b])
        optimizer.apply_gradients(zip([dw, db], [w, b]))
        losses.append(float(loss))

val_sizes = [int(xb.shape[0]) for xb, yb in val]
val_first = [xb for xb, yb in val][0]  # float64 in both
row_sums = [float(tf.reduce_sum(r)) for r in rows]
batches = len(train)
peek = [float(tf.reduce_sum(xb)) for xb, yb in train.take(2)]  # a fresh permutation
for i, r in enumerate(rows.take(1)):
    first_rows = r
# A buffer larger than the dataset, as tutorials write it: TfDataShuffle, the buffer shuffle TF runs.
big = tf.data.Dataset.from_tensor_slices(y_train).shuffle(buffer_size=1024).batch(4)
big_sums = [float(tf.reduce_sum(yb)) for yb in big]
