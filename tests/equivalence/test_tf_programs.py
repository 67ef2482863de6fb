"""Run-both equivalence: each TF program (tests/programs/tf and the tf2torch fixture inputs) runs with PyTorch unimportable, its translation with TensorFlow
unimportable, and every name the TF program leaves behind must exist in the PyTorch run with the same shape and
numbers (gradients that TF gives as None must be None)."""
from pathlib import Path

import pytest

from twingrad.kernel.runner import compare_source

TESTS = Path(__file__).parent.parent
PROGRAMS = sorted([*(TESTS / "programs" / "tf").glob("*.py"), *(TESTS / "fixtures" / "tf2torch").glob("*.in.py")])


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.name.removesuffix(".py") for p in PROGRAMS])
@pytest.mark.parametrize("style", ["backward", "autograd"])
def test_translation_computes_what_tf_computes(program, style):
    twin = compare_source(program.read_text(), str(program), style=style)
    assert twin.source_framework == "tf"
    leftovers = [d.format() for d in twin.translation.diagnostics if d.level == "error"]
    assert not leftovers, "\n".join(leftovers)
    assert twin.tf.ok, twin.tf.error
    assert twin.torch.ok, f"{twin.torch.error}\n--- translation ---\n{twin.translation.code}"
    comparison = twin.comparison
    assert comparison.rows, "the program left no values to compare"
    assert not comparison.only_tf, f"missing in PyTorch: {[r.name for r in comparison.only_tf]}"
    assert comparison.ok, comparison.to_text() + "\n--- translation ---\n" + twin.translation.code
