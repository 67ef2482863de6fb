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

# Python control flow decides which ops are recorded.
import tensorflow as tf

x = tf.constant(1.0)
v0 = tf.Variable(2.0)
v1 = tf.Variable(2.0)

with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    if x > 0.0:
        result = v0
    else:
        result = v1**2

dv0, dv1 = tape.gradient(result, [v0, v1])
dx = tape.gradient(result, x)

# Tapes inside helper functions: sources arrive as parameters (a constant to watch, a variable, a list).
import tensorflow as tf


def derivative(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def gradients(loss_fn, variables):
    with tf.GradientTape() as tape:
        loss = loss_fn()
    return tape.gradient(loss, variables)


a = derivative(lambda t: tf.sin(t) * t, tf.constant(1.0))
v = tf.Variable(2.0)
b = derivative(lambda t: t**3, v)
b_again = derivative(lambda t: t**3, v)

w = tf.Variable([1.0, -2.0])
c = tf.Variable(0.5)
grads = gradients(lambda: tf.reduce_sum(w**2) * c, [w, c])
grads_twice = gradients(lambda: tf.reduce_sum(w**2) * c, [w, c])

# Nested tapes give higher-order derivatives; the inner gradient must be taken inside the outer block.
import tensorflow as tf

x = tf.Variable(1.0)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        y = x * x * x
    dy_dx = t1.gradient(y, x)
d2y_dx2 = t2.gradient(dy_dx, x)

c = tf.constant(3.0)
with tf.GradientTape() as outer:
    outer.watch(c)
    with tf.GradientTape() as inner:
        inner.watch(c)
        cube = c**3
    first = inner.gradient(cube, c)
second = outer.gradient(first, c)

# Jacobians of a vector function, and per-example jacobians of a batch.
import tensorflow as tf

x = tf.linspace(-2.0, 2.0, 5)
delta = tf.linspace(-3.0, 3.0, 4)
with tf.GradientTape() as tape:
    tape.watch(delta)
    y = tf.nn.sigmoid(x[:, tf.newaxis] + delta)
dy_dd = tape.jacobian(y, delta)

xb = tf.reshape(tf.linspace(-1.0, 1.0, 6), (2, 3))
with tf.GradientTape() as tape2:
    tape2.watch(xb)
    yb = tf.tanh(xb) * 2.0
jb = tape2.batch_jacobian(yb, xb)

# Keras BatchNormalization: batch statistics only under training=True, Keras' momentum and epsilon, the biased
# batch variance in the moving variance, variables listed trainable first, gradients through the batch statistics.
import tensorflow as tf

x = tf.random.normal([6, 4]) * 3.0 + 1.0

bn = tf.keras.layers.BatchNormalization()
inference_first = bn(x)  # Keras infers by default: moving statistics (0 and 1)
with tf.GradientTape() as tape:
    tape.watch(x)
    trained = bn(x, training=True)
    loss = tf.reduce_sum(tf.sin(trained) * tf.range(4, dtype=tf.float32))
dx, dgamma, dbeta = tape.gradient(loss, [x, bn.gamma, bn.beta])
moving_mean = bn.moving_mean
moving_variance = bn.moving_variance
after = bn(x, training=False)
n_trainable = len(bn.trainable_variables)
all_vars = bn.variables
frozen = bn.non_trainable_variables

# other options, and the channel axis of a 3-D input
bn3 = tf.keras.layers.BatchNormalization(axis=1, momentum=0.9, epsilon=0.01, center=False)
seq = tf.random.normal([2, 3, 5])
seq_out = bn3(seq, training=True)
seq_moving = bn3.moving_variance


class Net(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = tf.keras.layers.Dense(3)
        self.norm = tf.keras.layers.BatchNormalization()

    def call(self, inputs, training=False):
        return self.norm(self.dense(inputs), training=training)


net = Net()
batch = tf.random.normal([5, 4])
with tf.GradientTape() as tape:
    out = net(batch, training=True)
    net_loss = tf.reduce_mean(out ** 2 + out)
net_grads = tape.gradient(net_loss, net.trainable_variables)
net_variables = net.variables
net_eval = net(batch)

# Keras layers with build() and add_weight(): weights made at the first call from the input's shape, with each
# initialiser Keras names (its fans, its truncated normals), listed before the sublayers' variables.
import tensorflow as tf

class MyDenseLayer(tf.keras.layers.Layer):
  def __init__(self, num_outputs):
    super(MyDenseLayer, self).__init__()
    self.num_outputs = num_outputs

  def build(self, input_shape):
    self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), self.num_outputs])
    self.bias = self.add_weight(name="bias", shape=[self.num_outputs], initializer="random_normal")
    self.scale = self.add_weight(shape=(), initializer="ones")
    self.he = self.add_weight(shape=(3, 2, 4), initializer="he_normal")
    self.lecun = self.add_weight(shape=(5,), initializer="lecun_uniform")

  def call(self, inputs):
    return (tf.matmul(inputs, self.kernel) + self.bias) * self.scale + tf.reduce_sum(self.he) + tf.reduce_sum(self.lecun)

layer = MyDenseLayer(10)
x = tf.random.normal([10, 5])
with tf.GradientTape() as tape:
  y = layer(x)
  loss = tf.reduce_sum(y ** 2)
grads = tape.gradient(loss, layer.trainable_variables)
he = layer.he
lecun = layer.lecun
names = len(layer.variables)

class Block(tf.keras.Model):
  def __init__(self):
    super().__init__()
    self.inner = MyDenseLayer(3)
    self.dense = tf.keras.layers.Dense(2)
  def build(self, input_shape):
    self.w = self.add_weight(shape=(input_shape[-1],), initializer="glorot_normal")
  def call(self, x):
    return self.dense(self.inner(x * self.w))

block = Block()
with tf.GradientTape() as tape:
  out = tf.reduce_sum(block(x))
block_grads = tape.gradient(out, block.trainable_variables)

# The shape of TF's custom training walkthrough: a Sequential given its input shape, a Keras loss object fed NumPy
# labels, model(x, training=...) inside helper functions, SGD over model.trainable_variables.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
features = rng.normal(size=(32, 4)).astype(np.float32)
labels = rng.integers(0, 3, size=32)

model = tf.keras.Sequential([
  tf.keras.layers.Dense(10, activation=tf.nn.relu, input_shape=(4,)),
  tf.keras.layers.Dense(10, activation=tf.nn.relu),
  tf.keras.layers.Dense(3)
])
predictions = model(features)
soft = tf.nn.softmax(predictions[:5])
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

def loss(model, x, y, training):
  y_ = model(x, training=training)
  return loss_object(y_true=y, y_pred=y_)

l = loss(model, features, labels, training=False)

def grad(model, inputs, targets):
  with tf.GradientTape() as tape:
    loss_value = loss(model, inputs, targets, training=True)
  return loss_value, tape.gradient(loss_value, model.trainable_variables)

optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
loss_value, grads = grad(model, features, labels)
optimizer.apply_gradients(zip(grads, model.trainable_variables))
after = loss(model, features, labels, training=True).numpy()

train_loss_results = []
for epoch in range(5):
  loss_value, grads = grad(model, features, labels)
  optimizer.apply_gradients(zip(grads, model.trainable_variables))
  train_loss_results.append(loss_value.numpy())

# Keras Dense layers: kernel layout, variable order, activations in every spelling, gradients and jacobians.
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

x = tf.random.normal([4, 3])

relu_layer = tf.keras.layers.Dense(5, activation="relu")
tanh_layer = layers.Dense(2, activation=tf.nn.tanh)
elu_layer = keras.layers.Dense(5, activation=keras.activations.elu)
plain = layers.Dense(3, use_bias=False, name="no_bias")
soft = layers.Dense(4, activation="softmax")
leaky = layers.Dense(4, activation=tf.nn.leaky_relu)

with tf.GradientTape(persistent=True) as tape:
    h = relu_layer(x)
    h2 = elu_layer(h)
    out = tanh_layer(h2)
    loss = tf.reduce_sum(out ** 2)
    p = plain(x)
    probs = soft(p)
    lk = leaky(x)
    side = tf.reduce_sum(probs * tf.range(4, dtype=tf.float32)) + tf.reduce_sum(lk)

kernel = relu_layer.kernel          # Keras layout: (in, out)
bias = relu_layer.bias
n_vars = len(relu_layer.trainable_variables)
grads = tape.gradient(loss, relu_layer.trainable_variables)
kernel_grad = tape.gradient(loss, tanh_layer.kernel)
plain_vars = plain.trainable_variables
plain_grads = tape.gradient(side, plain.trainable_variables)
leaky_grads = tape.gradient(side, leaky.variables)
jac = tape.jacobian(out, elu_layer.kernel)
del tape

# float64 input: Keras computes in the layer's float32
x64 = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
from_numpy = relu_layer(x64)

# 3-D input: the kernel applies to the last axis
seq = tf.random.normal([2, 4, 3])
seq_out = relu_layer(seq)

# a hand-written update of the kernel, as the Hessian example of TF's guide does
relu_layer.kernel.assign_sub(0.1 * grads[0])
updated = relu_layer(x)

# Keras Embedding: the table drawn U(-0.05, 0.05) at the first call; lookups of int32 ids; a model trained over it.
import tensorflow as tf

ids = tf.constant([[1, 4, 2], [0, 3, 3]])
emb = tf.keras.layers.Embedding(5, 4)
vectors = emb(ids)
table = emb.embeddings

class Bag(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.embed = tf.keras.layers.Embedding(6, 3)
        self.out = tf.keras.layers.Dense(1)
    def call(self, tokens):
        return self.out(tf.reduce_mean(self.embed(tokens), axis=1))

model = Bag()
optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)
target = tf.constant([[1.0], [-1.0]])
for step in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(ids) - target) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
trained_table = model.embed.embeddings
final = model(ids)

