"""`v.trainable` of variables: True for a float variable, False for one made with trainable=False (torch's
requires_grad, which the translation sets from trainable); the frozen one gets no gradient."""
import tensorflow as tf

w = tf.Variable([1.0, 2.0])
frozen = tf.Variable(3.0, trainable=False)
with tf.GradientTape() as tape:
    y = tf.reduce_sum(w * frozen)
gw, gf = tape.gradient(y, [w, frozen])
flags = [w.trainable, frozen.trainable]
count = (int(tf.size(w)) if w.trainable else 0) + (1 if frozen.trainable else 0)
