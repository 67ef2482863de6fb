"""`twingrad compare` end to end: runs both worlds for real (TensorFlow and PyTorch in subprocesses)."""
from __future__ import annotations

import json
import re

from cli_helpers import TF_LINEAR, run

# Framework-free, so it runs unchanged in both worlds, but it can tell them apart: a made-up disagreement.
WORLD_DEPENDENT = """\
try:
    __import__("torch")
    x = [1.0, 2.0, 3.001]
except ImportError:
    x = [1.0, 2.0, 3.0]
same = 5
"""


def test_values_that_differ_exit_1_and_show_the_difference(tmp_path):
    program = tmp_path / "differ.py"
    program.write_text(WORLD_DEPENDENT)
    proc = run("compare", str(program))
    assert proc.returncode == 1, proc.stderr
    rows = {line.split()[0]: line for line in proc.stdout.decode().splitlines()[3:]}
    assert "MISMATCH" in rows["x"] and re.search(r"\b0\.001\b", rows["x"])  # largest absolute difference
    assert "MISMATCH" not in rows["same"]


def test_tolerances_reach_the_comparison(tmp_path):
    program = tmp_path / "differ.py"
    program.write_text(WORLD_DEPENDENT)
    proc = run("compare", str(program), "--atol", "0.01", "--json")
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)
    assert document["exit_code"] == 0 and document["comparison"]["atol"] == 0.01
    row = {r["name"]: r for r in document["comparison"]["rows"]}["x"]
    assert row["match"] and abs(row["max_abs_diff"] - 0.001) < 1e-9


def test_a_failing_run_is_not_a_match(tmp_path):
    program = tmp_path / "raises.py"
    program.write_text("a = 1.0\ntry:\n    __import__('torch')\nexcept ImportError:\n    raise SystemExit('no')\n")
    proc = run("compare", str(program))
    assert proc.returncode == 1
    assert "the TensorFlow run failed" in proc.stderr.decode()


def test_syntax_error_exit_2_with_place(tmp_path):
    program = tmp_path / "bad.py"
    program.write_text("import tensorflow as tf\nx = = 1\n")
    proc = run("compare", str(program))
    assert proc.returncode == 2
    assert re.match(rf"{re.escape(str(program))}:2:\d+: syntax error", proc.stderr.decode()), proc.stderr
    assert proc.stdout == b""


def test_missing_file_and_bad_option_exit_2(tmp_path):
    assert run("compare", str(tmp_path / "nope.py")).returncode == 2
    proc = run("compare", "--rtol", "much", str(tmp_path / "nope.py"))
    assert proc.returncode == 2 and b"invalid float value" in proc.stderr


def test_tf_program_and_its_translation_agree(tmp_path):
    """Needs the translator engine: the gradient of the translated program must match TensorFlow's."""
    program = tmp_path / "linear.py"
    program.write_text(TF_LINEAR)
    proc = run("compare", str(program), "--json")
    document = json.loads(proc.stdout)
    assert proc.returncode == document["exit_code"] == 0, (proc.stderr, document["worlds"])
    assert document["source_framework"] == "tf"
    assert ".backward()" in document["translation"]["code"]
    rows = {r["name"]: r for r in document["comparison"]["rows"]}
    assert rows["grad"]["match"] and rows["grad"]["tf"]["shape"] == [2, 2]
    assert rows["loss"]["match"]
