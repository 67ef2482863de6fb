"""Where a translation cannot give TF's numbers in every run, the translated program stops with an error rather
than compute something else."""
from twingrad.kernel.runner import compare_source

ADAM_SKIPPED_VARIABLE = """\
import tensorflow as tf

a = tf.Variable(1.0)
b = tf.Variable([1.0, 2.0])
opt = tf.keras.optimizers.Adam(learning_rate=0.1)
for step in range(3):
    with tf.GradientTape() as tape:
        loss = a * a + (tf.reduce_sum(b * b) if step > 0 else 0.0)
    ga, gb = tape.gradient(loss, [a, b])
    opt.apply_gradients(zip([ga, gb], [a, b]))
"""


def test_adam_with_a_variable_skipped_at_some_steps_stops_in_torch():
    """b has no gradient at step 0: Keras' next bias corrections count 2 steps for it, torch's 1."""
    twin = compare_source(ADAM_SKIPPED_VARIABLE, "adam.py")
    assert twin.tf.ok and not twin.translation.flagged
    assert twin.torch.error_type == "RuntimeError" and "counts steps" in twin.torch.error


def test_adam_whose_variables_all_get_gradients_runs_and_matches():
    twin = compare_source(ADAM_SKIPPED_VARIABLE.replace("if step > 0 else 0.0", "if step >= 0 else 0.0"), "adam.py")
    assert twin.torch.ok, twin.torch.error
    assert twin.comparison.ok, twin.comparison.to_text()
