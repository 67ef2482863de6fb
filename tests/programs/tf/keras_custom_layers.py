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
