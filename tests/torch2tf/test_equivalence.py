"""Run-both equivalence, PyTorch -> TF: each program runs with TensorFlow unimportable, its translation with
PyTorch unimportable, and every name the PyTorch program leaves behind (values and stored gradients, None
included) must exist in the TF run with the same shape and numbers."""
from pathlib import Path

import pytest

from twingrad.kernel.runner import compare_source

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_translation_computes_what_torch_computes(program):
    twin = compare_source(program.read_text(), str(program), source_framework="torch")
    assert twin.source_framework == "torch"
    leftovers = [d.format() for d in twin.translation.diagnostics if d.level == "error"]
    assert not leftovers, "\n".join(leftovers)
    assert twin.torch.ok, twin.torch.error
    assert twin.tf.ok, f"{twin.tf.error}\n--- translation ---\n{twin.translation.code}"
    comparison = twin.comparison
    assert comparison.rows, "the program left no values to compare"
    assert not comparison.only_torch, f"missing in TF: {[r.name for r in comparison.only_torch]}"
    assert comparison.ok, comparison.to_text() + "\n--- translation ---\n" + twin.translation.code
