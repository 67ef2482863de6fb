# A tf.Module model trained by hand, the way TF's basic training loop guide does it.
import tensorflow as tf

TRUE_W, TRUE_B = 3.0, 2.0
x = tf.linspace(-2.0, 2.0, 40)
y = x * TRUE_W + TRUE_B + tf.sin(3.0 * x)


class MyModel(tf.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def __call__(self, x):
        return self.w * x + self.b


def loss(target_y, predicted_y):
    return tf.reduce_mean(tf.square(target_y - predicted_y))


def train(model, x, y, learning_rate):
    with tf.GradientTape() as t:
        current_loss = loss(y, model(x))
    dw, db = t.gradient(current_loss, [model.w, model.b])
    model.w.assign_sub(learning_rate * dw)
    model.b.assign_sub(learning_rate * db)


model = MyModel(name="linear")
weights, biases = [], []
for epoch in range(10):
    train(model, x, y, learning_rate=0.1)
    weights.append(model.w.numpy())
    biases.append(model.b.numpy())
final_loss = loss(y, model(x))

with tf.GradientTape() as tape:
    final = loss(y, model(x))
grads_in_tf_order = tape.gradient(final, model.trainable_variables)
