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
