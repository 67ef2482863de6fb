# TF ops given Python numbers (TF makes tensors of them; torch's ops take none), inside a tape and outside.
import tensorflow as tf

e = tf.exp(1.0)
root = tf.sqrt(2.0)
bigger = tf.maximum(3.0, 4.0)
total = tf.add(1, 2)
power = tf.math.pow(2.0, 3.0)
x = tf.Variable(0.5)
with tf.GradientTape() as tape:
    y = tf.sin(x) * tf.exp(1.0) + tf.math.pow(x, 2.0) * tf.math.log(10.0)
g = tape.gradient(y, x)
