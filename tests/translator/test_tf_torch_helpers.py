"""tf_torch_helpers.py's refusals (TG519): a torch.nn helper use it does not bring back is flagged and left as is."""
from pathlib import Path

import pytest

from twingrad.translator import translate

HELPERS = (Path(__file__).parents[1] / "fixtures" / "tf2torch" / "torch_nn_helpers.in.py").read_text()
PROGRAM_START = HELPERS.index("\nclass Block")  # the helper classes and imports come first


@pytest.mark.parametrize("line,left", [
    ("ok = isinstance(block, TorchModule)\n", "isinstance(block, TorchModule)"),
    ("seq = TorchSequential(lambda input: tf.nn.relu(input) * 2)\n", "Sequential(lambda input:"),
    ("lin = TorchLinear(2, 3, dtype=tf.float64)\n", "TorchLinear(2, 3, dtype="),
])
def test_refused(line, left):
    result = translate(HELPERS + line, to="torch", path="helpers.py")
    errors = [d for d in result.diagnostics if d.level == "error"]
    assert [d.code for d in errors] == ["TG519"], [d.format() for d in errors]
    assert left in result.code and "# twingrad: TG519" in result.code
