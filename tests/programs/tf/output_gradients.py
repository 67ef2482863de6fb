# output_gradients seeds the backward pass.
import tensorflow as tf

x = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape() as tape:
    y = x * x
weighted = tape.gradient(y, x, output_gradients=tf.constant([1.0, 0.5, 0.25]))
