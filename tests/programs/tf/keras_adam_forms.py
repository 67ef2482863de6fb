# Keras Adam forms whose PyTorch side sets torch's eps and lr for each step (Keras' epsilon placement, D3): AdamW,
# Adam with weight_decay (decoupled: torch's AdamW), an epsilon the program changes, gradients small enough for
# epsilon to matter; the step counts Keras keeps (`iterations`). Each comes back as the Keras optimizer it was.
import tensorflow as tf

w = tf.Variable([0.5, -1.0, 2.0])
adamw = tf.keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.05)
decayed = tf.Variable([1.0, -2.0])
adam_wd = tf.keras.optimizers.Adam(learning_rate=0.05, weight_decay=0.1, beta_2=0.9)
tiny = tf.Variable(1.0)
adam_eps = tf.keras.optimizers.Adam(learning_rate=1.0, epsilon=1e-3)
for step in range(4):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum((w - 1.0) ** 2) + tf.reduce_sum(decayed ** 2) + 1e-4 * tiny
    gw, gd, gt = tape.gradient(loss, [w, decayed, tiny])
    adamw.apply_gradients(zip([gw], [w]))
    adam_wd.apply_gradients(zip([gd], [decayed]))
    if step == 2:
        adam_eps.epsilon = 1e-5
    adam_eps.apply_gradients(zip([gt], [tiny]))
steps_taken = int(adam_eps.iterations)
adamw_steps = adamw.iterations
