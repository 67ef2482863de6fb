# A plain Python class holding variables and listing them in a `weights` property (Deep Learning with Python's
# NaiveDense/NaiveSequential), trained by a Keras optimizer over that list: the list is the class's own, not a
# Keras object's (torch's optimizer takes the same tensors, not a parameters() the class does not have).
import tensorflow as tf


class NaiveDense:
    def __init__(self, input_size, output_size):
        self.W = tf.Variable(tf.random.uniform((input_size, output_size), minval=0, maxval=1e-1))
        self.b = tf.Variable(tf.zeros((output_size,)))

    def __call__(self, inputs):
        return tf.nn.relu(tf.matmul(inputs, self.W) + self.b)

    @property
    def weights(self):
        return [self.W, self.b]


model = NaiveDense(4, 3)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
x = tf.random.normal([5, 4])
for step in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(model(x))
    gradients = tape.gradient(loss, model.weights)
    optimizer.apply_gradients(zip(gradients, model.weights))
W, b = model.W, model.b
