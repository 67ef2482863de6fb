"""Run-both equivalence: each TF program (tests/programs/tf and the tf2torch fixture inputs) runs with PyTorch
unimportable, its translation with TensorFlow unimportable, and every name the TF program leaves behind must exist
in the PyTorch run with the same shape and numbers (gradients that TF gives as None must be None)."""
from pathlib import Path

import pytest

from twingrad.kernel.runner import compare_source

TESTS = Path(__file__).parent.parent
PROGRAMS = sorted([*(TESTS / "programs" / "tf").glob("*.py"), *(TESTS / "fixtures" / "tf2torch").glob("*.in.py")])


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.name.removesuffix(".py") for p in PROGRAMS])
@pytest.mark.parametrize("style", ["backward", "autograd"])
def test_translation_computes_what_tf_computes(program, style, assert_equivalent):
    assert_equivalent(compare_source(program.read_text(), str(program), style=style), "tf")
