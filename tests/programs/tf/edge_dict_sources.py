# Gradients with respect to a dict of variables made in the dict display (TF answers with a dict of gradients).
import tensorflow as tf

params = {"w": tf.Variable(1.0), "b": tf.Variable(0.0)}
xs = [1.0, 2.0, 3.0]
with tf.GradientTape() as tape:
    loss = 0.0
    for xv in xs:
        loss += (params["w"] * xv + params["b"] - 2 * xv) ** 2
grads = tape.gradient(loss, params)
gw = grads["w"]
