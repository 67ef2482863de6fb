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
