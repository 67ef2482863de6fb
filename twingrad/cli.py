"""The `twingrad` command: `translate` (TensorFlow <-> PyTorch source) and `compare` (run both, compare tensors).

Start-up imports only the standard library and the translator's light API module: `translate` must stay fast and
work without TensorFlow or PyTorch installed. libcst is loaded when a file is translated, the frameworks only by
`compare`.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from twingrad.translator.api import FRAMEWORKS, STYLES

if TYPE_CHECKING:
    from twingrad.translator import Translation

EXIT_OK, EXIT_FLAGGED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
STDIN = "-"

TRANSLATE_EPILOG = """\
exit status: 0 fully translated, 1 translated with flagged leftovers (marked `# twingrad: CODE ...`),
2 bad input (syntax error, unreadable or non-UTF-8 file, bad options; nothing is written),
3 internal error of the translator (nothing is written).

With -o, one file goes to OUT (or into OUT if it is a directory); a single directory is mirrored into OUT
(non-.py files copied); several PATHs go to OUT/<name of each PATH>. Files are translated in parallel, and
written (atomically) only when every input could be translated."""


class UsageError(Exception):
    """Options or PATHs that cannot work together (exit 2, reported like argparse's own errors)."""


@dataclass
class Job:
    path: str  # file to read, or "-" for stdin
    target: str | None  # file to write; None: stdout or --diff
    data: bytes | None = None  # stdin's bytes, read up front


@dataclass
class Outcome:
    path: str  # as shown in messages
    source: str | None  # file the bytes came from (None: stdin)
    target: str | None
    translation: Translation | None = None
    changed: bool = False
    diff: str = ""
    error: dict | None = None  # input that cannot be translated: path, line, col, message
    crash: str | None = None  # traceback of a translator failure


def error_text(err: dict) -> str:
    where = err["path"] if err["line"] is None else f"{err['path']}:{err['line']}:{err['col']}"
    return f"{where}: {err['message']}"


# ---------------------------------------------------------------------------------------------------------------
# translate


def translate_job(job: Job, options: argparse.Namespace) -> Outcome:
    """Read and translate one file. Runs in a worker process for directories, so it returns everything as data."""
    from twingrad.translator import TranslationInputError, translate

    name = "<stdin>" if job.path == STDIN else job.path
    outcome = Outcome(name, None if job.path == STDIN else job.path, job.target)
    try:
        data = job.data if job.path == STDIN else read_bytes(job.path)
    except OSError as err:
        outcome.error = {"path": name, "line": None, "col": None, "message": f"cannot read: {err.strerror}"}
        return outcome
    try:
        result = translate(data, to=options.to, style=options.style, path=name,
                           source_framework=options.source_framework)
    except TranslationInputError as err:
        outcome.error = {"path": err.path, "line": err.line, "col": err.col, "message": err.reason}
        return outcome
    except Exception:  # a translator bug: report it with its file instead of losing the other files' results
        outcome.crash = traceback.format_exc()
        return outcome
    outcome.translation = result
    outcome.changed = result.code.encode("utf-8") != data
    if options.diff and outcome.changed:
        outcome.diff = unified_diff(data.decode("utf-8"), result.code, name)
    return outcome


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def split_lines(text: str) -> list[str]:
    # Only "\n" ends a line here: str.splitlines would also split at form feeds and other separators.
    return re.findall(r"[^\n]*\n|[^\n]+", text)


def unified_diff(before: str, after: str, name: str) -> str:
    lines = difflib.unified_diff(split_lines(before), split_lines(after), f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def plan(args: argparse.Namespace) -> tuple[list[Job], list[tuple[str, str]]]:
    """The files to translate with where each goes, and the (source, target) non-.py files to copy."""
    paths, out = args.paths, args.output
    if STDIN in paths:
        if len(paths) > 1 or args.in_place:
            raise UsageError("'-' (stdin) must be the only PATH and cannot be used with --in-place")
        return [Job(STDIN, out, sys.stdin.buffer.read())], []
    several = len(paths) > 1 or os.path.isdir(paths[0])
    if several and not (out or args.in_place or args.diff):
        raise UsageError("only one file can go to stdout: give -o DIR, --in-place or --diff for "
                         "several files or a directory")
    if several and out and os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"{out} is not a directory (several files or a directory go into a directory)")
    jobs, copies, roots = [], [], {}
    skip = os.path.realpath(out) if out else None  # an output directory inside the input tree is not input
    for path in paths:
        root = None
        if out:
            mirror = len(paths) == 1 and (os.path.isdir(path) or not os.path.isdir(out))
            root = out if mirror else os.path.join(out, os.path.basename(os.path.normpath(path)))
            if root in roots:
                raise UsageError(f"{roots[root]} and {path} would both be written to {root}")
            roots[root] = path
        if not os.path.isdir(path):
            jobs.append(Job(path, root or (path if args.in_place else None)))
            continue
        for source, relative in walk(path, skip):
            target = os.path.join(root, relative) if root else (source if args.in_place else None)
            if source.endswith(".py"):
                jobs.append(Job(source, target))
            elif root:
                copies.append((source, target))
    return jobs, copies


def walk(top: str, skip: str | None):
    for directory, subdirs, files in os.walk(top):
        subdirs[:] = sorted(d for d in subdirs if d != "__pycache__"
                            and os.path.realpath(os.path.join(directory, d)) != skip)
        for name in sorted(files):
            source = os.path.join(directory, name)
            yield source, os.path.relpath(source, top)


def run_jobs(jobs: list[Job], args: argparse.Namespace) -> list[Outcome]:
    work = partial(translate_job, options=args)
    workers = min(args.jobs or available_cores(), len(jobs))
    if workers <= 1:
        return [work(job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor

    import libcst  # noqa: F401  (loaded before the workers fork, so none of them imports it again: ~0.3 s each)

    # Biggest files first, so that the workers finish at about the same time.
    order = sorted(range(len(jobs)), key=lambda i: -file_size(jobs[i].path))
    with ProcessPoolExecutor(workers) as pool:
        done = dict(zip(order, pool.map(work, [jobs[i] for i in order])))
    return [done[i] for i in range(len(jobs))]


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def atomic_write(target: str, data: bytes, mode: int | None) -> None:
    """Write through a temp file in the target's directory and os.replace: the target is old or new, never half."""
    target = os.path.realpath(target)  # a symlink stays a link: what it points to is replaced
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(temp, default_mode() if mode is None else mode)  # mkstemp makes it 0600
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_outputs(outcomes: list[Outcome], copies: list[tuple[str, str]]) -> list[dict]:
    """Write translations and copies; each failure is returned as an error (the others are still written)."""
    failures = []

    def put(target: str, source: str | None, data: bytes | None) -> None:
        try:
            mode = None if source is None else os.stat(source).st_mode & 0o7777
            atomic_write(target, read_bytes(source) if data is None else data, mode)
        except OSError as err:
            failures.append({"path": target, "line": None, "col": None, "message": f"not written: {err}"})

    for o in outcomes:
        # In place with nothing to change: leave the file (and its mtime) alone.
        if o.target is not None and (o.changed or o.target != o.source):
            put(o.target, o.source, o.translation.code.encode("utf-8"))
    for source, target in copies:
        put(target, source, None)
    return failures


def summarize(translated: list[Outcome], failed: int, copied: int) -> dict:
    flagged = {o.path: dict(Counter(d.code for d in o.translation.diagnostics if d.level == "error"))
               for o in translated if o.translation.flagged}
    by_code = Counter(d.code for o in translated for d in o.translation.diagnostics)
    changed = sum(o.changed for o in translated)
    return {"files": len(translated) + failed, "changed": changed, "unchanged": len(translated) - changed,
            "failed": failed, "copied": copied, "flagged": flagged, "by_code": dict(by_code.most_common())}


def print_summary(summary: dict) -> None:
    lines = [f"twingrad: {summary['files']} Python files: {summary['changed']} changed, "
             f"{summary['unchanged']} unchanged, {summary['failed']} failed; {summary['copied']} other files copied"]
    if summary["flagged"]:
        lines.append(f"twingrad: {len(summary['flagged'])} files flagged (left partly untranslated):")
        lines += [f"  {path}: " + ", ".join(f"{code} x{n}" for code, n in counts.items())
                  for path, counts in summary["flagged"].items()]
    if summary["by_code"]:
        lines.append("twingrad: diagnostics by code: "
                     + ", ".join(f"{code} x{n}" for code, n in summary["by_code"].items()))
    print("\n".join(lines), file=sys.stderr)


def cmd_translate(args: argparse.Namespace) -> int:
    if args.source_framework == args.to:
        raise UsageError(f"--from and --to are both {args.to}")
    if args.json and args.diff:
        raise UsageError("--json and --diff cannot be combined")
    jobs, copies = plan(args)
    outcomes = run_jobs(jobs, args)
    translated = [o for o in outcomes if o.translation is not None]
    errors = [o.error for o in outcomes if o.error]
    crashes = [o for o in outcomes if o.crash]
    for o in outcomes:
        if o.error:
            print(error_text(o.error), file=sys.stderr)
        elif o.crash:
            print(f"{o.path}: internal error in the translator, please report it:\n{o.crash}", file=sys.stderr)
        else:
            for d in o.translation.diagnostics:
                print(d.format(), file=sys.stderr)
    if not (errors or crashes):  # all or nothing: one bad input and no file is written
        for failure in write_outputs(outcomes, copies):
            errors.append(failure)
            print(error_text(failure), file=sys.stderr)
    status = (EXIT_INTERNAL if crashes else EXIT_BAD_INPUT if errors
              else EXIT_FLAGGED if any(o.translation.flagged for o in translated) else EXIT_OK)
    summary = summarize(translated, len(outcomes) - len(translated), len(copies))
    if len(jobs) > 1 or copies or any(os.path.isdir(p) for p in args.paths):
        print_summary(summary)

    if args.json:
        files = [{"path": o.path, "output": o.target, "source_framework": o.translation.source_framework,
                  "target_framework": o.translation.target_framework, "changed": o.changed,
                  "flagged": o.translation.flagged, "code": o.translation.code,
                  "diagnostics": [d.to_json() for d in o.translation.diagnostics]} for o in translated]
        crash_list = [{"path": o.path, "traceback": o.crash} for o in crashes]
        document = {"exit_code": status, "files": files, "errors": errors, "crashes": crash_list,
                    "summary": summary}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif args.diff:
        sys.stdout.buffer.write("".join(o.diff for o in translated).encode("utf-8"))
    elif not (args.output or args.in_place) and translated:
        sys.stdout.buffer.write(translated[0].translation.code.encode("utf-8"))
    return status


# ---------------------------------------------------------------------------------------------------------------
# compare


def world_json(world) -> dict:
    return {"ok": world.ok, "error_type": world.error_type, "error": world.error,
            "stdout": world.stdout, "stderr": world.stderr}


def cmd_compare(args: argparse.Namespace) -> int:
    from twingrad.kernel.runner import compare_source
    from twingrad.translator import TranslationInputError
    from twingrad.translator.engine import decode_source

    tolerances = {name: getattr(args, name) for name in ("rtol", "atol") if getattr(args, name) is not None}
    try:
        source = decode_source(read_bytes(args.file), args.file)
        twin = compare_source(source, args.file, source_framework=args.source_framework, **tolerances)
    except OSError as err:
        print(f"{args.file}: cannot read: {err.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TranslationInputError as err:
        print(err, file=sys.stderr)
        return EXIT_BAD_INPUT
    translation = twin.translation
    diagnostics = translation.diagnostics if translation else []
    for d in diagnostics:
        print(d.format(), file=sys.stderr)
    worlds = {"TensorFlow": twin.tf, "PyTorch": twin.torch}
    # A run that raised leaves values missing on one side, which the comparison alone would not call a mismatch.
    failed = [name for name, world in worlds.items() if not world.ok]
    status = EXIT_OK if twin.comparison.ok and not failed else EXIT_FLAGGED
    if args.json:
        document = {
            "exit_code": status, "path": args.file, "source_framework": twin.source_framework,
            "translation": None if translation is None else {
                "code": translation.code, "flagged": translation.flagged,
                "diagnostics": [d.to_json() for d in diagnostics]},
            "translation_error": twin.translation_error,
            "worlds": {"tf": world_json(twin.tf), "torch": world_json(twin.torch)},
            "comparison": twin.comparison.to_json(),
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return status
    for name in failed:
        print(f"{args.file}: the {name} run failed:\n{worlds[name].error}", file=sys.stderr)
    print(twin.comparison.to_text())
    return status


# ---------------------------------------------------------------------------------------------------------------
# command line


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twingrad", description="Translate autodiff code between TensorFlow and PyTorch, "
                                     "and compare the gradients of both versions.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    tr = commands.add_parser(
        "translate", help="translate TensorFlow (GradientTape) code to PyTorch (backward) or back",
        description="Translate Python files; output on stdout, diagnostics (file:line:col: CODE message) on stderr.",
        epilog=TRANSLATE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    tr.add_argument("--to", required=True, choices=FRAMEWORKS, help="target framework")
    tr.add_argument("--from", dest="source_framework", choices=FRAMEWORKS,
                    help="source framework (default: detected from the imports)")
    tr.add_argument("--style", choices=STYLES, default="backward",
                    help="PyTorch gradient style: loss.backward() or torch.autograd.grad (default: backward)")
    where = tr.add_mutually_exclusive_group()
    where.add_argument("--diff", action="store_true", help="print a unified diff instead of the translation")
    where.add_argument("-o", "--output", metavar="OUT", help="write to file or directory OUT")
    where.add_argument("--in-place", action="store_true", help="rewrite the files (atomically)")
    tr.add_argument("--json", action="store_true", help="print one JSON document with code and diagnostics")
    tr.add_argument("-j", "--jobs", type=positive_int, metavar="N",
                    help="worker processes for several files (default: the machine's cores)")
    tr.add_argument("paths", nargs="+", metavar="PATH", help="Python file or directory, or - for stdin")
    tr.set_defaults(run=cmd_translate)

    cmp = commands.add_parser(
        "compare", help="run a program and its translation, compare every named tensor",
        description="Translate FILE, run the original and the translation (each in its own framework's world, "
                    "with the same random draws) and print every gradient and other named tensor side by side "
                    "with the largest differences.",
        epilog="exit status: 0 all values match, 1 a value differs, a value the original leaves is missing from the "
               "translation, or a run failed; 2 bad input.")
    cmp.add_argument("file", metavar="FILE", help="Python program using TensorFlow or PyTorch")
    cmp.add_argument("--from", dest="source_framework", choices=FRAMEWORKS,
                     help="framework of FILE (default: detected from the imports)")
    cmp.add_argument("--json", action="store_true", help="print one JSON document")
    cmp.add_argument("--rtol", type=float, metavar="R", help="relative tolerance (default 1e-5)")
    cmp.add_argument("--atol", type=float, metavar="A", help="absolute tolerance (default 1e-6)")
    cmp.set_defaults(run=cmd_compare)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as err:
        parser.exit(EXIT_BAD_INPUT, f"twingrad {args.command}: error: {err}\n")
