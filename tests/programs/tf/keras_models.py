# Keras models: a Model subclass (layers made in __init__, used in call), Sequential, training by hand.
import tensorflow as tf

x = tf.random.normal([8, 3])
y = tf.random.normal([8, 1])


class TwoLayer(tf.keras.Model):
    def __init__(self, hidden, **kwargs):
        super().__init__(**kwargs)
        # assigned in another order than they are called: Keras lists variables in assignment order
        self.head = tf.keras.layers.Dense(1)
        self.body = tf.keras.layers.Dense(hidden, activation="tanh")
        self.scale = tf.Variable(2.0)  # Keras 3 does not track a bare tf.Variable

    def call(self, inputs, training=False):
        return self.head(self.body(inputs)) * self.scale


model = TwoLayer(4, name="two_layer")
first = model(x)
shapes = [tuple(v.shape) for v in model.trainable_variables]
n_layers = len(model.layers)

optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)
losses = []
for step in range(5):
    with tf.GradientTape() as tape:
        pred = model(x, training=True)
        loss = tf.reduce_mean((pred - y) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    losses.append(loss.numpy())

# a second model: its gradients do not touch the first one's
probe = TwoLayer(2)
with tf.GradientTape() as tape:
    scaled = tf.reduce_sum(probe(x))
dscale = tape.gradient(scaled, probe.scale)

seq = tf.keras.Sequential([
    tf.keras.layers.Dense(6, activation=tf.nn.relu),
    tf.keras.layers.Dense(2),
])
seq.add(tf.keras.layers.Dense(1, activation="sigmoid"))
with tf.GradientTape() as tape:
    seq_out = seq(x)
    seq_loss = tf.reduce_mean(seq_out)
seq_grads = tape.gradient(seq_loss, seq.trainable_variables)
seq_vars = seq.variables
# Keras lists no non-trainable weights for layers without state (the translator once crashed on these)
fixed_weights = tf.constant(float(len(model.non_trainable_weights) + len(model.non_trainable_variables)))
