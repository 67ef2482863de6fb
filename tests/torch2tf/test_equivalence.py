"""Run-both equivalence, PyTorch -> TF: each program runs with TensorFlow unimportable, its translation with
PyTorch unimportable, and every name the PyTorch program leaves behind (values and stored gradients, None
included) must exist in the TF run with the same shape and numbers."""
from pathlib import Path

import pytest

from twingrad.kernel.runner import compare_source

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_translation_computes_what_torch_computes(program, assert_equivalent):
    assert_equivalent(compare_source(program.read_text(), str(program), source_framework="torch"), "torch")
