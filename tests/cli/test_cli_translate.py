"""`twingrad translate` end to end: the real console script in a subprocess, checked by exit code, stdout/stderr."""
from __future__ import annotations

import json
import os
import re
import sys
import subprocess

import pytest

from cli_helpers import NO_FRAMEWORK, TF_LINEAR, TF_SQUARE, run, snapshot

DIAGNOSTIC = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>TG\d+) ", re.M)


def write(path, content: str | bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# -- input the translator has nothing to do with ------------------------------------------------------------------


def test_file_without_framework_comes_back_byte_identical(tmp_path):
    source = write(tmp_path / "plain.py", NO_FRAMEWORK)
    proc = run("translate", "--to", "torch", str(source))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, NO_FRAMEWORK, b"")


def test_empty_file(tmp_path):
    proc = run("translate", "--to", "torch", str(write(tmp_path / "empty.py", b"")))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")


def test_stdin_to_stdout():
    proc = run("translate", "--to", "tf", "-", stdin=NO_FRAMEWORK)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, NO_FRAMEWORK, b"")


def test_python_dash_m_is_the_same_command(tmp_path):
    source = write(tmp_path / "plain.py", NO_FRAMEWORK)
    proc = run("translate", "--to", "torch", str(source), module=True)
    assert (proc.returncode, proc.stdout) == (0, NO_FRAMEWORK)


# -- bad input: exit 2, the place and the problem on stderr, nothing written ---------------------------------------


def test_syntax_error_names_file_line_and_column(tmp_path):
    bad = write(tmp_path / "bad.py", "a = 1\nb = = 2\n")
    out = tmp_path / "out.py"
    proc = run("translate", "--to", "torch", str(bad), "-o", str(out))
    assert proc.returncode == 2
    assert re.match(rf"{re.escape(str(bad))}:2:\d+: syntax error", proc.stderr.decode()), proc.stderr
    assert proc.stdout == b""
    assert not out.exists()


def test_syntax_error_on_stdin_is_located_in_stdin():
    proc = run("translate", "--to", "torch", "-", stdin=b"import tensorflow as tf\nif x\n    pass\n")
    assert proc.returncode == 2
    assert re.match(r"<stdin>:2:\d+: syntax error", proc.stderr.decode()), proc.stderr
    assert proc.stdout == b""


def test_non_utf8_bytes_are_located(tmp_path):
    source = write(tmp_path / "latin1.py", b'x = 1\ny = "\xe9t\xe9"\n')
    proc = run("translate", "--to", "torch", str(source))
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith(f"{source}:2:6: not valid UTF-8"), proc.stderr
    assert proc.stdout == b""


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.py"
    proc = run("translate", "--to", "torch", str(missing))
    assert proc.returncode == 2
    assert proc.stderr.decode() == f"{missing}: cannot read: No such file or directory\n"


@pytest.mark.parametrize("args, complaint", [
    (["--to", "jax", "x.py"], "invalid choice: 'jax'"),
    (["x.py"], "--to"),
    (["--to", "torch", "--from", "torch", "x.py"], "--from and --to are both torch"),
    (["--to", "torch", "--diff", "-o", "out", "x.py"], "not allowed with argument"),
    (["--to", "torch", "--json", "--diff", "x.py"], "--json and --diff cannot be combined"),
    (["--to", "torch", "x.py", "y.py"], "only one file can go to stdout"),
    (["--to", "torch", "--in-place", "-"], "stdin"),
    (["--to", "torch", "-j", "0", "x.py"], "must be at least 1"),
    (["--to", "torch", "x.py", "y.py", "-o", "x.py"], "x.py is not a directory"),
])
def test_bad_options_exit_2_with_a_message(tmp_path, args, complaint):
    write(tmp_path / "x.py", "x = 1\n")
    write(tmp_path / "y.py", "y = 1\n")
    proc = run("translate", *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert complaint in proc.stderr.decode(), proc.stderr
    assert proc.stdout == b""


def test_one_bad_file_in_place_leaves_every_file_byte_identical(tmp_path):
    tree = tmp_path / "project"
    write(tree / "model.py", TF_SQUARE)
    write(tree / "pkg" / "train.py", TF_LINEAR)
    write(tree / "pkg" / "broken.py", TF_SQUARE + "def f(:\n")
    before = snapshot(tree)
    mtimes = {p: p.stat().st_mtime_ns for p in tree.rglob("*.py")}
    proc = run("translate", "--to", "torch", "--in-place", str(tree))
    assert proc.returncode == 2, proc.stderr
    assert f"{tree / 'pkg' / 'broken.py'}:" in proc.stderr.decode()
    assert snapshot(tree) == before  # also: no temp files left behind
    assert {p: p.stat().st_mtime_ns for p in tree.rglob("*.py")} == mtimes


def test_unwritable_target_leaves_nothing_half_written(tmp_path):
    source = write(tmp_path / "src" / "plain.py", NO_FRAMEWORK)
    out = tmp_path / "out"
    (out / "plain.py").mkdir(parents=True)  # os.replace cannot put a file over a directory
    proc = run("translate", "--to", "torch", str(tmp_path / "src"), "-o", str(out))
    assert proc.returncode == 2
    assert f"{out / 'plain.py'}: not written:" in proc.stderr.decode(), proc.stderr
    assert [p.name for p in out.rglob("*")] == ["plain.py"]  # the directory, and no temp file
    assert source.read_bytes() == NO_FRAMEWORK


# -- output to files and directories -------------------------------------------------------------------------------


def test_output_file(tmp_path):
    source = write(tmp_path / "plain.py", NO_FRAMEWORK)
    proc = run("translate", "--to", "torch", str(source), "-o", str(tmp_path / "new" / "out.py"))
    assert (proc.returncode, proc.stdout) == (0, b"")
    assert (tmp_path / "new" / "out.py").read_bytes() == NO_FRAMEWORK


def make_tree(root):
    """A small project: TF files, plain files, data files, a __pycache__ that is not worth copying."""
    write(root / "model.py", TF_SQUARE)
    write(root / "train" / "loop.py", TF_LINEAR)
    write(root / "train" / "util.py", NO_FRAMEWORK)
    write(root / "train" / "deep" / "empty.py", b"")
    for i in range(6):
        write(root / "more" / f"plain{i}.py", f"VALUE = {i}\n")
    write(root / "data" / "config.json", b'{"lr": 0.1}\n')
    write(root / "README", b"binary \x00\xff ok\n")
    write(root / "train" / "__pycache__" / "loop.cpython-311.pyc", b"\x00stale")
    os.chmod(root / "train" / "util.py", 0o750)
    return root


def test_directory_is_mirrored_into_output_in_parallel_as_file_by_file(tmp_path):
    tree = make_tree(tmp_path / "project")
    proc = run("translate", "--to", "torch", str(tree), "-o", str(tmp_path / "out"), "-j", "2")
    assert proc.returncode == 0, proc.stderr
    out = snapshot(tmp_path / "out")
    assert sorted(out) == sorted(k for k in snapshot(tree) if "__pycache__" not in k)
    for name in ["data/config.json", "README", "train/util.py", "train/deep/empty.py", "more/plain3.py"]:
        assert out[name] == (tree / name).read_bytes()
    assert (tmp_path / "out" / "train" / "util.py").stat().st_mode & 0o777 == 0o750
    for name in ["model.py", "train/loop.py"]:  # each as translated alone
        alone = run("translate", "--to", "torch", str(tree / name))
        assert alone.returncode == 0, alone.stderr
        assert out[name] == alone.stdout
    python_files = [p for p in tree.rglob("*.py") if "__pycache__" not in p.parts]
    summary = f"{len(python_files)} Python files: 2 changed, {len(python_files) - 2} unchanged, 0 failed; "
    assert summary + "2 other files copied" in proc.stderr.decode()


def test_parallel_and_serial_runs_agree(tmp_path):
    tree = make_tree(tmp_path / "project")
    serial = run("translate", "--to", "torch", str(tree), "-o", str(tmp_path / "serial"), "-j", "1")
    parallel = run("translate", "--to", "torch", str(tree), "-o", str(tmp_path / "parallel"), "-j", "2")
    assert serial.returncode == parallel.returncode == 0
    assert serial.stderr == parallel.stderr
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")


def test_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run("translate", "--to", "torch", str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert (proc.returncode, proc.stdout) == (0, b""), proc.stderr
    assert "0 Python files" in proc.stderr.decode()


def test_several_paths_go_under_their_names(tmp_path):
    make_tree(tmp_path / "project")
    single = write(tmp_path / "script.py", NO_FRAMEWORK)
    proc = run("translate", "--to", "torch", str(single), str(tmp_path / "project"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "script.py").read_bytes() == NO_FRAMEWORK
    assert (tmp_path / "out" / "project" / "data" / "config.json").exists()
    assert (tmp_path / "out" / "project" / "model.py").exists()


def test_several_paths_with_one_name_are_refused(tmp_path):
    a, b = write(tmp_path / "a" / "x.py", "x = 1\n"), write(tmp_path / "b" / "x.py", "x = 2\n")
    proc = run("translate", "--to", "torch", str(a), str(b), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "would both be written to" in proc.stderr.decode()
    assert not (tmp_path / "out").exists()


def test_output_directory_inside_the_input_is_not_read_as_input(tmp_path):
    tree = make_tree(tmp_path / "project")
    for _ in range(2):  # the second run would find out/ inside project/ and nest it if it were walked
        proc = run("translate", "--to", "torch", str(tree), "-o", str(tree / "out"))
        assert proc.returncode == 0, proc.stderr
    assert not (tree / "out" / "out").exists()
    assert (tree / "out" / "model.py").exists()


def test_in_place_leaves_files_without_framework_untouched(tmp_path):
    source = write(tmp_path / "plain.py", NO_FRAMEWORK)
    stat = source.stat()
    proc = run("translate", "--to", "torch", "--in-place", str(source))
    assert (proc.returncode, proc.stdout) == (0, b"")
    assert (source.stat().st_mtime_ns, source.stat().st_ino) == (stat.st_mtime_ns, stat.st_ino)


def test_diff_of_a_file_without_framework_is_empty(tmp_path):
    proc = run("translate", "--to", "torch", "--diff", str(write(tmp_path / "plain.py", NO_FRAMEWORK)))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")


def test_json_reports_input_errors_with_their_place(tmp_path):
    bad = write(tmp_path / "bad.py", "a = 1\nb = = 2\n")
    proc = run("translate", "--to", "torch", "--json", str(bad))
    assert proc.returncode == 2
    document = json.loads(proc.stdout)
    assert document["exit_code"] == 2 and document["files"] == []
    [error] = document["errors"]
    assert (error["path"], error["line"]) == (str(bad), 2)
    assert error["message"].startswith("syntax error")


# -- translation (needs the translator engine) ---------------------------------------------------------------------


def test_tf_to_torch_on_stdout(tmp_path):
    source = write(tmp_path / "square.py", TF_SQUARE)
    proc = run("translate", "--to", "torch", str(source))
    assert proc.returncode == 0, proc.stderr
    code = proc.stdout.decode()
    assert ".backward()" in code and "import torch" in code
    assert "GradientTape" not in code and "tensorflow" not in code
    compile(code, "translated", "exec")


def test_torch_to_tf_detects_the_source_framework(tmp_path):
    torch_program = "import torch\n\nx = torch.tensor(3.0, requires_grad=True)\ny = x * x\ny.backward()\ng = x.grad\n"
    proc = run("translate", "--to", "tf", "--json", str(write(tmp_path / "sq.py", torch_program)))
    assert proc.returncode == 0, proc.stderr
    [entry] = json.loads(proc.stdout)["files"]
    assert entry["source_framework"] == "torch" and "tf.GradientTape()" in entry["code"]
    assert "torch" not in entry["code"]


def test_autograd_style(tmp_path):
    proc = run("translate", "--to", "torch", "--style", "autograd", str(write(tmp_path / "sq.py", TF_SQUARE)))
    assert proc.returncode == 0, proc.stderr
    assert "torch.autograd.grad(" in proc.stdout.decode() and ".backward()" not in proc.stdout.decode()


def test_in_place_translates_atomically_and_keeps_the_mode(tmp_path):
    source = write(tmp_path / "square.py", TF_SQUARE)
    os.chmod(source, 0o754)
    expected = run("translate", "--to", "torch", str(source)).stdout
    proc = run("translate", "--to", "torch", "--in-place", str(source))
    assert (proc.returncode, proc.stdout) == (0, b""), proc.stderr
    assert source.read_bytes() == expected != TF_SQUARE.encode()
    assert source.stat().st_mode & 0o777 == 0o754
    assert [p.name for p in tmp_path.iterdir()] == ["square.py"]


def test_in_place_write_failing_midway_leaves_the_original_intact(tmp_path):
    source = write(tmp_path / "square.py", TF_SQUARE)
    translated = run("translate", "--to", "torch", str(source)).stdout
    assert len(translated) > 64
    # Python ignores SIGXFSZ, so the write past 64 bytes fails with EFBIG after a partial write.
    proc = run("translate", "--to", "torch", "--in-place", str(source), file_size_limit=64)
    assert proc.returncode == 2
    assert f"{source}: not written:" in proc.stderr.decode() and "too large" in proc.stderr.decode()
    assert source.read_bytes() == TF_SQUARE.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["square.py"]


def test_in_place_through_a_symlink_keeps_the_link(tmp_path):
    real = write(tmp_path / "real" / "square.py", TF_SQUARE)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    proc = run("translate", "--to", "torch", "--in-place", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and b".backward()" in real.read_bytes()


def test_diff_is_a_unified_diff_that_patch_applies(tmp_path):
    source = write(tmp_path / "square.py", TF_SQUARE)
    expected = run("translate", "--to", "torch", str(source)).stdout
    proc = run("translate", "--to", "torch", "--diff", "square.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    diff = proc.stdout.decode()
    assert diff.startswith("--- a/square.py\n+++ b/square.py\n@@ ")
    assert "-with tf.GradientTape() as tape:\n" in diff
    assert source.read_bytes() == TF_SQUARE.encode()  # --diff writes nothing
    patch = subprocess.run(["patch", "-p1", "-o", "-", "square.py"], input=proc.stdout, cwd=tmp_path,
                           capture_output=True)
    if patch.returncode == 127 or b"not found" in patch.stderr:
        pytest.skip("no patch(1) here")
    assert patch.stdout == expected


def test_json_document_has_code_and_diagnostics(tmp_path):
    source = write(tmp_path / "square.py", TF_SQUARE)
    text = run("translate", "--to", "torch", str(source)).stdout.decode()
    proc = run("translate", "--to", "torch", "--json", str(source))
    document = json.loads(proc.stdout)  # one document, nothing else on stdout
    assert document["exit_code"] == proc.returncode == 0
    [entry] = document["files"]
    assert entry["path"] == str(source) and entry["output"] is None
    assert (entry["source_framework"], entry["target_framework"]) == ("tf", "torch")
    assert entry["changed"] is True and entry["flagged"] is False
    assert entry["code"] == text
    for d in entry["diagnostics"]:
        assert set(d) == {"path", "line", "col", "code", "level", "message", "suggestion"}
    assert document["errors"] == [] and document["summary"]["changed"] == 1


FLAGGED = TF_SQUARE + """\
strategy = tf.distribute.MirroredStrategy()
"""


def test_untranslatable_code_is_flagged_exit_1(tmp_path):
    source = write(tmp_path / "dist.py", FLAGGED)
    proc = run("translate", "--to", "torch", str(source))
    assert proc.returncode == 1, proc.stderr
    diagnostics = [m.groupdict() for m in DIAGNOSTIC.finditer(proc.stderr.decode())]
    assert {"path": str(source), "line": "8"}.items() <= diagnostics[-1].items(), proc.stderr
    assert "# twingrad: " + diagnostics[-1]["code"] in proc.stdout.decode()
    assert ".backward()" in proc.stdout.decode()  # the rest is still translated


def test_directory_summary_counts_flagged_files_and_codes(tmp_path):
    tree = make_tree(tmp_path / "project")
    write(tree / "train" / "dist.py", FLAGGED)
    write(tree / "dist2.py", FLAGGED)
    proc = run("translate", "--to", "torch", str(tree), "-o", str(tmp_path / "out"), "--json")
    assert proc.returncode == 1, proc.stderr
    document = json.loads(proc.stdout)
    flagged = document["summary"]["flagged"]
    assert sorted(flagged) == sorted([str(tree / "train" / "dist.py"), str(tree / "dist2.py")])
    stderr = proc.stderr.decode()
    assert "2 files flagged" in stderr
    for path, counts in flagged.items():
        for code, n in counts.items():
            assert n == len([m for m in DIAGNOSTIC.finditer(stderr) if (m["path"], m["code"]) == (path, code)])
            assert f"{path}: " in stderr and f"{code} x" in stderr
    assert (tmp_path / "out" / "dist2.py").read_text().count("# twingrad: ") >= 1


def test_translate_imports_neither_framework(tmp_path):
    """The translate path must work without TensorFlow or PyTorch installed (and stay fast)."""
    source = write(tmp_path / "square.py", TF_SQUARE)
    probe = f"""
import sys
for name in ("tensorflow", "torch", "keras", "numpy"):
    sys.modules[name] = None  # importing them now raises ImportError
import twingrad.cli
assert "libcst" not in sys.modules, "libcst loaded at start-up"
status = twingrad.cli.main(["translate", "--to", "torch", {str(source)!r}])
sys.exit(status)
"""
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert b".backward()" in proc.stdout
