"""Helpers for running the real `twingrad` console script (and `python -m twingrad`) in a subprocess."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("twingrad")

# Small TF programs in the shape the translator is for (GradientTape -> backward()).
TF_SQUARE = """\
import tensorflow as tf

x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x * x
dy_dx = tape.gradient(y, x)
print(dy_dx)
"""

TF_LINEAR = """\
import tensorflow as tf

w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
x = tf.constant([[1.0, -1.0]])
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(tf.matmul(x, w) ** 2)
grad = tape.gradient(loss, w)
"""

# Plain Python with the awkward bytes a translator must not disturb: CRLF, tabs, non-ASCII, no final newline.
NO_FRAMEWORK = "# caf\u00e9 \u2014 no framework here\r\ndef f(a):\r\n\treturn a  *  2  # spacing kept\r\n\r\nprint(f(3))".encode()


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None, module: bool = False,
        file_size_limit: int | None = None) -> subprocess.CompletedProcess:
    """Run `twingrad ARGS` (or `python -m twingrad ARGS`) and return the process, stdout and stderr as bytes.

    file_size_limit (RLIMIT_FSIZE, bytes) makes any write to a file fail past that size, midway through.
    """
    assert module or SCRIPT.exists(), f"{SCRIPT} is missing: run scripts/setup"
    command = [sys.executable, "-m", "twingrad"] if module else [str(SCRIPT)]
    limit = None if file_size_limit is None else (
        lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit)))
    return subprocess.run(command + list(args), input=stdin if stdin is not None else b"", capture_output=True,
                          cwd=cwd, timeout=120, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                          preexec_fn=limit)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (relative path -> bytes), to check that nothing changed or to compare trees."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
