"""Twin runs start torch.nn.Linear and its TF translation (TorchLinear) from the same weights (kernel/draws.py)."""
import math
import textwrap

import numpy as np

from twingrad.kernel.runner import compare_source

# Two layers, a data draw between them, and a bias-less layer: the weights stream must be consumed in the same
# order and layout on both sides, and the data stream must not shift.
PROGRAM = textwrap.dedent("""\
    import torch
    first = torch.nn.Linear(3, 5)
    noise = torch.randn(2, 3)
    second = torch.nn.Linear(5, 2, bias=False)
    w1, b1, w2 = first.weight.detach(), first.bias.detach(), second.weight.detach()
    out = second(first(noise))
""")


def test_linear_and_its_tf_helper_start_alike():
    twin = compare_source(PROGRAM, "draws.py", source_framework="torch")
    assert twin.torch.ok and twin.tf.ok, twin.tf.error or twin.torch.error
    assert "TorchLinear" in twin.translation.code
    assert not twin.comparison.only_torch and twin.comparison.ok, twin.comparison.to_text()
    w1, b1, w2 = (twin.torch.values[n] for n in ("w1", "b1", "w2"))
    # Keras Dense's start (glorot-uniform, zero bias) in torch's (out, in) layout, not torch's U(+-1/sqrt(in))
    assert w1.shape == (5, 3) and w2.shape == (2, 5) and not b1.any()
    assert np.abs(w1).max() <= math.sqrt(6 / 8) and np.abs(w1).max() > 1 / math.sqrt(3)


# Dropout in training mode, both ways: the masks (and the gradients through them) must line up, so the draws
# the masks take and the data draws after them stay in step.
TORCH_DROPOUT = textwrap.dedent("""\
    import torch
    x = torch.randn(4, 6, requires_grad=True)
    layer = torch.nn.Dropout(0.4)
    dropped = layer(x)
    functional = torch.nn.functional.dropout(x * 2, p=0.25)
    after = torch.randn(3)
    loss = (dropped * functional).sum() + after.sum()
    loss.backward()
    grad = x.grad
""")

TF_DROPOUT = textwrap.dedent("""\
    import tensorflow as tf
    x = tf.Variable(tf.random.normal([4, 6]))
    layer = tf.keras.layers.Dropout(0.4)
    with tf.GradientTape() as tape:
        dropped = layer(x, training=True)
        loss = tf.reduce_sum(dropped * x)
    grad = tape.gradient(loss, x)
    after = tf.random.normal([3])
""")


def dropout_twin(source, framework):
    twin = compare_source(source, "dropout.py", source_framework=framework)
    assert twin.torch.ok and twin.tf.ok, twin.tf.error or twin.torch.error
    assert not twin.comparison.only_torch and not twin.comparison.only_tf and twin.comparison.ok, \
        twin.comparison.to_text()
    return twin


def test_torch_dropout_masks_line_up_with_the_tf_translation():
    values = dropout_twin(TORCH_DROPOUT, "torch").torch.values
    dropped, x = values["dropped"], values["x"]
    dropped_out = dropped == 0
    assert 0 < dropped_out.sum() < dropped.size  # something dropped, something kept
    np.testing.assert_allclose(dropped[~dropped_out], x[~dropped_out] / 0.6, rtol=1e-6)


def test_keras_dropout_masks_line_up_with_the_torch_translation():
    values = dropout_twin(TF_DROPOUT, "tf").tf.values
    assert 0 < (values["dropped"] == 0).sum() < values["dropped"].size
