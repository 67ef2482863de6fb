"""Run-both equivalence, PyTorch -> TF: each program runs with TensorFlow unimportable, its translation with
PyTorch unimportable, and every name the PyTorch program leaves behind (values and stored gradients, None
included) must exist in the TF run with the same shape and numbers."""
from pathlib import Path

import pytest

from twingrad.kernel.runner import compare_source

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))

# Looser where float32 rounding, not the translation, sets the agreement: RMSprop's normalised steps on a stiff
# fit leave u equal to 4e-5, and the gradient at the end (u.grad) amplifies that to 4e-4 (with Adam: 5e-6).
TOLERANCE = {"polynomial_optim": {"rtol": 1e-3, "atol": 1e-5}}


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_translation_computes_what_torch_computes(program, assert_equivalent):
    twin = compare_source(program.read_text(), str(program), source_framework="torch",
                          **TOLERANCE.get(program.stem, {}))
    assert_equivalent(twin, "torch")
