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
