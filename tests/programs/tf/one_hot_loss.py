"""tf.one_hot in a softmax cross-entropy written out (aymericdamien's logistic regression): the PyTorch side
multiplies F.one_hot(...).float() by a bool mask (TF gives zeros for labels outside [0, depth)), which the way back
must cast to float (torch promotes bool to the other operand's dtype, TF's `*` casts the float to bool)."""
import tensorflow as tf

labels = tf.constant([0, 2, 1, 2])
depth = 3
targets = tf.one_hot(labels, depth)
outside = tf.one_hot(tf.constant([0, 3, -1]), 3)
W = tf.Variable(tf.constant([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5]]))
x = tf.constant([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [-1.0, 1.5]])
with tf.GradientTape() as tape:
    probabilities = tf.nn.softmax(tf.matmul(x, W))
    loss = tf.reduce_mean(-tf.reduce_sum(targets * tf.math.log(probabilities), 1))
dW = tape.gradient(loss, W)
