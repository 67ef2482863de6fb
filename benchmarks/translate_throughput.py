"""Whole-process translation throughput (lines/s) on real TensorFlow code, side by side in one run with:

  tf_upgrade_v2   `tf_upgrade_v2 --intree IN --outtree OUT` (TensorFlow's own source-to-source upgrader)
  twingrad        `twingrad translate --to torch IN -o OUT`
  bare libcst     one `python -c` process that does libcst.parse_module(text).code for every file

Each tool runs as its own process and is timed from launch to exit, N times (interleaved, so that load on the
machine hits all three alike); medians are reported with the ratios twingrad/tf_upgrade_v2 (throughput) and
twingrad/bare libcst (time). Files tf_upgrade_v2 crashes on are left out of the corpus for all three.

    .venv/bin/python benchmarks/translate_throughput.py [--corpus keras-tf-backend|tf-ops|DIR] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SITE = Path(sysconfig.get_paths()["purelib"])
CORPORA = {
    "keras-tf-backend": SITE / "keras" / "src" / "backend" / "tensorflow",  # ~13k lines
    "tf-ops": SITE / "tensorflow" / "python" / "ops",  # much larger: minutes per tf_upgrade_v2 run
}

BARE_LIBCST = """
import pathlib, sys, libcst
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):
    libcst.parse_module(path.read_text(encoding="utf-8")).code
"""

# Runs tf_upgrade_v2's converter on each file in one process and prints the files it fails on.
TF_UPGRADE_PREFLIGHT = """
import pathlib, sys, tempfile
from tensorflow.tools.compatibility import ast_edits, tf_upgrade_v2
upgrade = ast_edits.ASTCodeUpgrader(tf_upgrade_v2.TFAPIChangeSpec())
out = tempfile.mkdtemp()
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):
    try:
        upgrade.process_file(str(path), out + "/out.py")
    except Exception as err:
        print("FAILS", path, type(err).__name__, (str(err).splitlines() or [""])[0], sep="\\t")
"""


def copy_corpus(source: Path, into: Path) -> list[Path]:
    files = sorted(p for p in source.rglob("*.py") if "__pycache__" not in p.parts)
    if not files:
        sys.exit(f"no .py files under {source}")
    for path in files:
        target = into / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return [into / p.relative_to(source) for p in files]


def count_lines(files: list[Path]) -> int:
    return sum(p.read_bytes().count(b"\n") for p in files)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], ok_codes: tuple[int, ...]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children)."""
    cpu, start = children_cpu(), time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok_codes:
        tail = proc.stderr.decode(errors="replace")[-3000:]
        sys.exit(f"{' '.join(command)} exited {proc.returncode}:\n{tail}")
    return elapsed, children_cpu() - cpu


def profile(files: list[Path], lines: int) -> None:
    import cProfile
    import pstats

    from twingrad.translator import translate

    sources = [(str(p), p.read_bytes()) for p in files]
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for path, data in sources:
        translate(data, to="torch", path=path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"translate() over {len(files)} files, {lines} lines: {stats.total_tt:.2f} s CPU under the profiler")
    stats.sort_stats("cumulative").print_stats(r"translator|libcst/(metadata|_parser/entrypoints)", 30)


def compile_twingrad() -> None:
    """twingrad's modules compiled to bytecode, as an installed package's are (pip compiles them; tf_upgrade_v2 and
    libcst run from the venv's compiled files): in a source tree under PYTHONDONTWRITEBYTECODE (set in some shells
    and CI), every twingrad process would otherwise compile ~15k lines of its own source on start (0.16 s each)."""
    import compileall
    import importlib.util

    for package in ("twingrad", "twingrad.translator"):
        for folder in importlib.util.find_spec(package).submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="keras-tf-backend",
                        help=f"one of {', '.join(CORPORA)} or a directory of Python files")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tool (default 3)")
    parser.add_argument("--jobs", type=int, help="twingrad worker processes (default: twingrad's own)")
    parser.add_argument("--profile", action="store_true",
                        help="instead: translate the corpus in this process under cProfile and print where the "
                             "time goes (CPU seconds, cumulative)")
    args = parser.parse_args()
    corpus = CORPORA.get(args.corpus, Path(args.corpus))

    with tempfile.TemporaryDirectory(prefix="twingrad-bench-") as tmp:
        work = Path(tmp)
        corpus_in = work / "in"
        files = copy_corpus(corpus, corpus_in)
        preflight = subprocess.run([sys.executable, "-c", TF_UPGRADE_PREFLIGHT, str(corpus_in)],
                                   capture_output=True, text=True, check=True)
        for line in preflight.stdout.splitlines():
            if not line.startswith("FAILS\t"):  # the converter prints its own messages too
                continue
            _, path, error, message = line.split("\t")
            lines = count_lines([Path(path)])
            print(f"left out {Path(path).relative_to(corpus_in)} ({lines} lines): "
                  f"tf_upgrade_v2 fails with {error}: {message}")
            Path(path).unlink()
            files.remove(Path(path))
        lines = count_lines(files)
        if args.profile:
            profile(files, lines)
            return
        print(f"corpus: {corpus} -> {len(files)} files, {lines} lines; {args.repeat} runs each, "
              f"{os.cpu_count()} cores")

        compile_twingrad()
        jobs = ["-j", str(args.jobs)] if args.jobs else []
        tools = {
            "tf_upgrade_v2": (lambda out: [str(BIN / "tf_upgrade_v2"), "--intree", str(corpus_in), "--outtree",
                                           str(out), "--reportfile", str(work / "report.txt")], (0,)),
            # Exit 1 means "translated, with flagged leftovers": a normal outcome on code no one wrote for it.
            "twingrad": (lambda out: [str(BIN / "twingrad"), "translate", "--to", "torch", str(corpus_in),
                                      "-o", str(out), *jobs], (0, 1)),
            "bare libcst": (lambda out: [sys.executable, "-c", BARE_LIBCST, str(corpus_in)], (0,)),
        }
        times: dict[str, list[float]] = {name: [] for name in tools}
        cpu: dict[str, list[float]] = {name: [] for name in tools}
        for run in range(args.repeat):
            for name, (command, ok_codes) in tools.items():
                out = work / f"out-{run}-{name.replace(' ', '-')}"
                wall, used = timed(command(out), ok_codes)
                times[name].append(wall)
                cpu[name].append(used)
                shutil.rmtree(out, ignore_errors=True)
                print(f"  run {run + 1}: {name:<14} {wall:6.2f} s wall {used:6.2f} s CPU", flush=True)

    median = {name: statistics.median(t) for name, t in times.items()}
    median_cpu = {name: statistics.median(t) for name, t in cpu.items()}
    print(f"\n{'tool':<14} {'median s':>9} {'min s':>7} {'max s':>7} {'lines/s':>9} {'median CPU s':>13}")
    for name, t in times.items():
        print(f"{name:<14} {median[name]:9.2f} {min(t):7.2f} {max(t):7.2f} {lines / median[name]:9.0f} "
              f"{median_cpu[name]:13.2f}")
    # The targets are on wall time; CPU time (all processes, so twingrad's workers add up) shows the work done,
    # and is steadier than wall time when other jobs share the machine.
    for label, m in (("wall", median), ("CPU", median_cpu)):
        print(f"\n{label}: twingrad throughput / tf_upgrade_v2 throughput: "
              f"{m['tf_upgrade_v2'] / m['twingrad']:.2f}x (target >= 3x on wall)")
        print(f"{label}: twingrad time / bare libcst time:               "
              f"{m['twingrad'] / m['bare libcst']:.2f}x (target <= 1.5x on wall)")


if __name__ == "__main__":
    main()
