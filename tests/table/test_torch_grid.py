"""torch's float arange grids (translator/rules/torch_grid.py): the model of how torch's CPU kernels compute them
must hold for the kernels this machine can run (ATEN_CPU_CAPABILITY), and the grids it cannot show to be the same
on every CPU are flagged TG204, not translated."""
from __future__ import annotations

import json
import math
import os
import struct
import subprocess
import sys

import pytest

from twingrad.translator import translate
from twingrad.translator.rules.torch_grid import differing_index

GRIDS = [(-8.0, 8.0, 0.1), (-0.3, 0.3, 0.1), (0, 2.7, 0.13), (1, 2.5, 0.25), (-5.0, 5.0, 0.01), (0.1, 7.3, 0.07),
         (-1, 1, 0.003), (3.3, -2.2, -0.0137), (-0.5, 0.5, 0.125), (0, 1, 1 / 1024), (0, 1, 0.1)]
PROBE = """
import json, sys, torch
grids, dtype = json.loads(sys.argv[1]), getattr(torch, sys.argv[2])
print(json.dumps([torch.arange(*g, dtype=dtype).tolist() for g in grids]))
"""


def torch_grids(capability: str, dtype: str) -> list[list[float]]:
    env = dict(os.environ, ATEN_CPU_CAPABILITY=capability)
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(GRIDS), dtype], env=env, capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


def translated_value(start, step, i, dtype):
    """What the translation computes: start + i * step in double, rounded once."""
    value = float(start) + float(step) * i
    return struct.unpack("f", struct.pack("f", value))[0] if dtype == "float32" else value


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_grids_shown_alike_are_alike_on_every_kernel_here(dtype):
    # The kernels compute otherwise (AVX2 fuses the multiply-add, DEFAULT does not): a grid the model calls the
    # same everywhere must come out of each kernel as the translation computes it.
    runs = {cap: torch_grids(cap, dtype) for cap in ("default", "avx2", "avx512")}
    differing = 0
    for k, (start, end, step) in enumerate(GRIDS):
        n = math.ceil((end - start) / step)
        want = [translated_value(start, step, i, dtype) for i in range(n)]
        if differing_index(start, end, step, dtype) is None:
            assert all(run[k] == want for run in runs.values()), (start, end, step)
        else:
            differing += any(run[k] != want for run in runs.values())
    assert differing >= 3  # and the model does see the grids that do differ


@pytest.mark.parametrize("call", ["torch.arange(-8.0, 8.0, 0.1)", "torch.arange(-0.3, 0.3, 0.1)",
                                  "torch.arange(lo, hi, 0.25)", "torch.arange(0.0, 40000.0, 0.5)",
                                  "torch.arange(0, 1, step, dtype=torch.float32)"])
def test_grids_not_shown_alike_are_flagged(call):
    result = translate(f"import torch\nx = {call}\n", to="tf")
    assert [(d.code, d.level) for d in result.diagnostics] == [("TG204", "error")]
    assert call in result.code


@pytest.mark.parametrize("call", ["torch.arange(n)", "torch.arange(5.0)", "torch.arange(2, n, 3)",
                                  "torch.arange(0, n, dtype=torch.float32)", "torch.arange(1, 2.5, 0.25)"])
def test_integer_and_exact_grids_are_translated(call):
    result = translate(f"import torch\nx = {call}\n", to="tf")
    assert "TG204" not in [d.code for d in result.diagnostics] and "torch" not in result.code.split("\n", 1)[1]
