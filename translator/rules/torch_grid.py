"""Whether every CPU gives the same values for torch's floating-point `torch.arange(start, end, step)`.

torch's CPU kernel (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp) computes in double and rounds to the
dtype, two ways in one loop: a vectorised one, for blocks of 2 V values, whose base `start + step * j` (j a
multiple of V) is rounded to the dtype before `base + k * step` is added for the V values; and a scalar one,
`start + step * i`, for the values left after the last block. V and whether `a + b * c` is fused into one rounding
depend on the CPU and the build: x86's AVX2 and AVX512 kernels take V = 8 floats (4 doubles) and fuse, the
DEFAULT kernel does not fuse (checked in torch 2.13 with ATEN_CPU_CAPABILITY); ARM's NEON takes V = 4 floats (2
doubles). Grids longer than torch's GRAIN_SIZE are cut among threads, as many pieces as threads: not checked.

A translation computes one grid: TF's `start + i * step` in double, rounded once (the DEFAULT scalar value), or
tf.range's, the same in the dtype itself. It is exact where every one of those ways gives the same value at every
index. Pure Python: the translator never imports a framework.
"""
from __future__ import annotations

import math
import struct
from fractions import Fraction

GRAIN_SIZE = 32768  # at::internal::GRAIN_SIZE: shorter grids run in one piece from index 0
LANES = {"float32": (4, 8), "float64": (2, 4)}  # V of the CPUs above, per dtype


def _round_float32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def _plain_round(x: float) -> float:
    return x


def differing_index(start: float, end: float, step: float, dtype: str) -> int | None:
    """The first index where torch's grid differs between CPUs (or from `start + i * step` in double, rounded
    once), None where it is the same everywhere; -1 for a grid longer than GRAIN_SIZE."""
    start, end, step = float(start), float(end), float(step)
    n = max(math.ceil((end - start) / step), 0)
    if n > GRAIN_SIZE:
        return -1
    round_to = _round_float32 if dtype == "float32" else _plain_round
    exact_start, exact_step = Fraction(start), Fraction(step)

    def fused(a: int, base: float) -> float:  # base + a * step, one rounding to double
        return float(Fraction(base) + a * exact_step)

    bases: dict[tuple[int, bool], float] = {}

    def base(j: int, fuse: bool) -> float:
        if (j, fuse) not in bases:
            bases[(j, fuse)] = round_to(fused(j, start) if fuse else start + step * j)
        return bases[(j, fuse)]

    start_rounded, step_rounded = round_to(start), round_to(step)
    for i in range(n):
        want = round_to(start + step * i)
        if round_to(fused(i, start)) != want or round_to(start_rounded + round_to(round_to(i) * step_rounded)) != want:
            return i
        for lanes in LANES[dtype]:
            if i >= n - n % (2 * lanes):
                continue  # among the scalar values after the last block of 2 V
            first = i - i % lanes  # of the V values holding i
            for fuse in (False, True):
                b = base(first, fuse)
                if round_to(float(Fraction(b) + (i - first) * exact_step) if fuse else b + (i - first) * step) != want:
                    return i
    return None
