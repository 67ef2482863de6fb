"""Run a program in a TF world and a PyTorch world and collect the values it leaves behind.

A *world* is an interpreter in which the other framework cannot be imported (a meta-path blocker makes
`import torch` fail in the TF world, `import tensorflow` / `import keras` fail in the torch world) and in
which random draws come from twingrad's seeded streams (see `twingrad.kernel.draws`), so that both worlds
see the same inputs and initial weights.

`run_world(source, path, world)` runs a whole program in a fresh subprocess (clean imports, a timeout,
crash isolation) and returns a `WorldResult`: every named value the program left in its module namespace
as NumPy arrays (or None), its stdout/stderr, and the traceback if it raised. `compare_source` translates a
program with `twingrad.translator.translate`, runs both versions and compares them (`twingrad.kernel.compare`).

This module never imports TensorFlow or PyTorch itself; the `World` class is also what the kernel's
persistent worker processes use.
"""
from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import linecache
import os
import pickle
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field

import numpy as np

from .draws import PATCHES, Draws

WORLDS = ("tf", "torch")
FRAMEWORK_ROOTS = {"tensorflow": "tf", "keras": "tf", "tf_keras": "tf", "torch": "torch"}  # top-level module -> world
# Each world blocks the other framework's top-level modules.
BLOCKED = {world: tuple(root for root, owner in FRAMEWORK_ROOTS.items() if owner != world) for world in WORLDS}
DEFAULT_TIMEOUT = 300.0
MAX_ITEMS = 100  # elements of a list/tuple/dict that are flattened into named values
MAX_DEPTH = 4    # levels of nested containers that are flattened


def other(world: str) -> str:
    return "torch" if world == "tf" else "tf"


@dataclass
class WorldResult:
    world: str                         # "tf" | "torch"
    values: dict = field(default_factory=dict)  # name -> np.ndarray | None, in definition order
    stdout: str = ""
    stderr: str = ""
    error: str | None = None           # formatted traceback (user frames only) or a process failure
    error_type: str | None = None      # e.g. "ZeroDivisionError", "Timeout", "Crash"
    last: str | None = None            # kernel cells: repr of the final expression's value (IPython's Out)
    seconds: float | None = None       # time the program itself ran (the framework's own compute)

    @property
    def ok(self) -> bool:
        return self.error is None


# --- inside a world -------------------------------------------------------------------------------------

class _Blocked(importlib.abc.Loader):
    def __init__(self, message: str):
        self.message = message

    def create_module(self, spec):
        raise ModuleNotFoundError(self.message, name=spec.name)

    def exec_module(self, module) -> None:
        pass


class _WorldImports(importlib.abc.MetaPathFinder):
    """Blocks the other framework and patches random creators right after a framework module loads."""

    def __init__(self, world: str, draws: Draws):
        self.world, self.blocked, self.draws = world, BLOCKED[world], draws

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.blocked:
            framework = "TensorFlow" if self.world == "tf" else "PyTorch"
            # A spec whose loading fails: `import` raises, while probes like importlib.util.find_spec (torch.optim
            # runs them for tensorflow on first use) get an origin-less spec instead of an exception.
            return importlib.machinery.ModuleSpec(name, _Blocked(
                f"No module named {name!r}: twingrad runs this code in its {framework} world, "
                f"where {name.partition('.')[0]} cannot be imported"))
        patch = PATCHES.get(name)
        if patch is None:
            return None
        spec = next((s for f in sys.meta_path if f is not self and hasattr(f, "find_spec")
                     for s in [f.find_spec(name, path, target)] if s is not None), None)
        if spec is not None and spec.loader is not None:
            exec_module = spec.loader.exec_module

            def exec_and_patch(module):
                exec_module(module)
                patch(module, self.draws)
                if name in FRAMEWORK_ROOTS:
                    # Importing TensorFlow draws from Python's `random`: restart both shared generators after
                    # the framework loads, so the program's own draws line up between the worlds.
                    random.seed(self.draws.seed)
                    np.random.seed(self.draws.seed)

            spec.loader.exec_module = exec_and_patch
        return spec


class World:
    """One world inside the current process: install() once, then run() programs in one namespace."""

    def __init__(self, world: str, seed: int = 0):
        if world not in WORLDS:
            raise ValueError(f"unknown world {world!r} (expected one of {', '.join(WORLDS)})")
        self.world = world
        self.draws = Draws(seed)
        self.namespace: dict = {"__name__": "__main__", "__builtins__": __builtins__}

    def install(self) -> None:
        # Modules of the blocked framework already loaded would defeat the blocker.
        loaded = [m for m in sys.modules if m.partition(".")[0] in BLOCKED[self.world]]
        if loaded:
            raise RuntimeError(f"cannot make a {self.world} world: {loaded[0]} is already imported")
        sys.meta_path.insert(0, _WorldImports(self.world, self.draws))
        # Python's and NumPy's own generators are shared code in both worlds: the same seed keeps them in step.
        random.seed(self.draws.seed)
        np.random.seed(self.draws.seed)

    def run(self, source: str, path: str, *, keep_last: bool = False):
        """Execute source in the namespace; return (error_type, formatted traceback, last value).

        error_type and traceback are None on success; with keep_last, a final expression statement is
        evaluated on its own and its value returned (as IPython's Out[n]), else the last value is None.
        """
        # Tracebacks and inspect need the text even when `path` is not a file on disk (a cell, a translation).
        linecache.cache[path] = (len(source), None, source.splitlines(True), path)
        try:
            tree = compile(source, path, "exec", ast.PyCF_ONLY_AST)
            last = None
            if keep_last and tree.body and isinstance(tree.body[-1], ast.Expr):
                last = compile(ast.Expression(tree.body.pop().value), path, "eval")
            exec(compile(tree, path, "exec"), self.namespace)
            return None, None, eval(last, self.namespace) if last else None
        except BaseException as err:  # the user's error is a result; KeyboardInterrupt included
            return type(err).__name__, format_user_error(err), None


def format_user_error(err: BaseException) -> str:
    """The traceback without twingrad's own frames, so it points at the user's lines."""
    tb = err.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(err), err, tb))


def to_numpy(value):
    """(True, array or None) for a value worth comparing, (False, None) for anything else."""
    if value is None:
        return True, None
    if isinstance(value, type):  # classes: torch.Tensor itself has a .detach
        return False, None
    if isinstance(value, (bool, int, float, complex, np.number, np.bool_)):
        return True, np.asarray(value)
    if isinstance(value, np.ndarray):
        return (value.dtype != object), value
    module = type(value).__module__ or ""
    if module.startswith("torch") and hasattr(value, "detach"):
        tensor = value.detach().cpu()
        if tensor.layout is not sys.modules["torch"].strided:  # sparse tensors
            tensor = tensor.to_dense()
        if str(tensor.dtype) == "torch.bfloat16":  # NumPy has no bfloat16
            tensor = tensor.float()
        return True, tensor.resolve_conj().resolve_neg().numpy()
    if module.startswith(("tensorflow", "keras")) and hasattr(value, "numpy"):
        try:
            return True, np.asarray(value.numpy())
        except Exception:  # a symbolic (graph) tensor has no value
            return False, None
    return False, None


def _is_number(value) -> bool:
    # A 0-d array is a number too: TF's .numpy() of a scalar gives np.float32, torch's a 0-d array.
    return isinstance(value, (bool, int, float, np.number, np.bool_)) or (
        isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype != object)


def flatten(name: str, value, out: dict, depth: int = 0) -> None:
    """Add name -> array/None to out; containers become grads[0], grad['w'], ...; lists of numbers one array."""
    if isinstance(value, (list, tuple)) and value and all(_is_number(v) for v in value):
        out[name] = np.asarray(value)
    elif isinstance(value, (list, tuple, dict)):
        if depth < MAX_DEPTH:  # also ends self-containing lists
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in list(items)[:MAX_ITEMS]:
                flatten(f"{name}[{key!r}]", item, out, depth + 1)
    else:
        try:
            ok, array = to_numpy(value)
        except Exception:  # an object that will not convert is simply not compared
            return
        if ok:
            out[name] = array


def collect(namespace: dict, names=None) -> dict:
    """Named values worth comparing (not modules, functions, classes, or _private names); `names` restricts
    and orders the search (default: all of them)."""
    out: dict = {}
    for name in namespace if names is None else names:
        if not name.startswith("_") and name in namespace:
            flatten(name, namespace[name], out)
    return out


def collect_expressions(namespace: dict, expressions) -> dict:
    """Values reached through attributes of named ones (`x.grad`), which the other world holds under names."""
    out: dict = {}
    for expression in expressions:
        head, *attributes = expression.split(".")
        if head not in namespace:
            continue
        value = namespace[head]
        try:
            for attribute in attributes:
                value = getattr(value, attribute)
        except Exception:  # not there in this run: nothing to compare
            continue
        flatten(expression, value, out)
    return out


def rename_held(values: dict, names: dict[str, str]) -> None:
    """The translation's values under the original's expressions for them (`x_grad` -> `x.grad`: see
    Translation.names), so that they line up with what `collect_expressions` took from the original."""
    for expression, name in names.items():
        if name in values:
            values[expression] = values.pop(name)


def _child_main(argv: list[str]) -> int:
    """`python -m twingrad.kernel.runner WORLD SEED REQUEST RESULT`: run one program, pickle the outcome."""
    world_name, seed, request, result = argv
    with open(request, "rb") as f:
        source, path, expressions = pickle.load(f)
    world = World(world_name, int(seed))
    world.install()
    started = time.perf_counter()
    error_type, error, _ = world.run(source, path)
    seconds = time.perf_counter() - started
    sys.stdout.flush()
    sys.stderr.flush()
    with open(result, "wb") as f:
        pickle.dump({"values": {**collect(world.namespace), **collect_expressions(world.namespace, expressions)},
                     "error": error, "error_type": error_type,
                     "seconds": seconds}, f)
    return 0


# --- from outside: one fresh process per world ------------------------------------------------------------

# TensorFlow's start-up banners (printed by C++ before any log level applies): not the program's output.
_TF_BANNER = re.compile(r"^(WARNING: All log messages before absl::InitializeLog\(\).*|I0000 .*"
                        r"(port|cpu_feature_guard)\.cc:.*|To enable the following instructions:.*)\n?", re.M)


def world_env() -> dict:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TF's C++ start-up banners would drown the program's stderr
    env["PYTHONUNBUFFERED"] = "1"
    return env


class _Run:
    """A world subprocess in flight."""

    def __init__(self, source: str, path: str, world: str, seed: int, expressions=()):
        self.world = world
        self.dir = tempfile.TemporaryDirectory(prefix=f"twingrad-{world}-")
        self.request = os.path.join(self.dir.name, "request.pickle")
        self.result = os.path.join(self.dir.name, "result.pickle")
        with open(self.request, "wb") as f:
            pickle.dump((source, path, tuple(expressions)), f)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "twingrad.kernel.runner", world, str(seed), self.request, self.result],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=world_env(),
            text=True, errors="replace")

    def wait(self, timeout: float) -> WorldResult:
        try:
            error_type = error = None
            try:
                stdout, stderr = self.proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                stdout, stderr = self.proc.communicate()
                error_type, error = "Timeout", f"the {self.world} world did not finish within {timeout:g} s and was stopped"
            outcome = {"error_type": error_type, "error": error}
            if error is None and not os.path.exists(self.result):
                outcome.update(error_type="Crash",
                               error=f"the {self.world} world's process died (exit code {self.proc.returncode})")
            elif error is None:
                with open(self.result, "rb") as f:
                    outcome = pickle.load(f)
            return WorldResult(self.world, stdout=stdout, stderr=_TF_BANNER.sub("", stderr), **outcome)
        finally:
            self.dir.cleanup()


def run_world(source: str, path: str, world: str, *, seed: int = 0, timeout: float = DEFAULT_TIMEOUT) -> WorldResult:
    """Run a whole program in a fresh process of the given world."""
    if world not in WORLDS:
        raise ValueError(f"unknown world {world!r} (expected one of {', '.join(WORLDS)})")
    return _Run(source, path, world, seed).wait(timeout)


def run_pair(tf_source: str, tf_path: str, torch_source: str, torch_path: str, *, seed: int = 0,
             timeout: float = DEFAULT_TIMEOUT) -> tuple[WorldResult, WorldResult]:
    """Run a TF program and a PyTorch program side by side (two processes at once)."""
    runs = [_Run(tf_source, tf_path, "tf", seed), _Run(torch_source, torch_path, "torch", seed)]
    tf_result, torch_result = (run.wait(timeout) for run in runs)
    return tf_result, torch_result


# --- translate, run both, compare ---------------------------------------------------------------------------

@dataclass
class TwinResult:
    source_framework: str | None   # the original's framework ("tf" / "torch"), None for framework-free code
    translation: object | None     # twingrad.translator.Translation (None if the translator failed)
    translation_error: str | None  # the translator crashed: the original still ran on its own
    tf: WorldResult
    torch: WorldResult
    comparison: object             # twingrad.kernel.compare.Comparison


def translate_for_twin(source: str, path: str, *, source_framework: str | None = None, style: str = "backward"):
    """(origin, Translation or None, translator crash text or None).

    Raises twingrad.translator.TranslationInputError for input that cannot be translated at all.
    """
    from twingrad.translator import TranslationInputError, translate

    try:
        result = translate(source, to="tf" if source_framework == "torch" else "torch", style=style,
                           path=path, source_framework=source_framework)
        if result.source_framework == "torch" and source_framework is None:
            result = translate(source, to="tf", style=style, path=path)
    except TranslationInputError:
        raise
    except Exception as err:  # a translator bug must not hide the original's own run
        origin = source_framework or _detect(source)
        return origin, None, f"the translator failed: {type(err).__name__}: {err}"
    origin = result.source_framework if result.source_framework in WORLDS else None
    return origin, result, None


def framework_imports(tree: ast.Module):
    """(statement, framework) for each top-level import of TensorFlow/Keras or PyTorch."""
    for node in tree.body:
        modules = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                   [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
        frameworks = {FRAMEWORK_ROOTS.get(m.partition(".")[0]) for m in modules} - {None}
        if len(frameworks) == 1:
            yield node, frameworks.pop()


def _detect(source: str) -> str | None:
    """Which framework the program imports (used only when the translator itself failed)."""
    found = {framework for _, framework in framework_imports(ast.parse(source))}
    return found.pop() if len(found) == 1 else None


def plan(origin: str | None, source: str, path: str, translation) -> dict:
    """world -> (code, path) to run: the original in its world, the translation (if any) in the other;
    framework-free code (origin None) runs unchanged in both."""
    if origin is None:
        return {w: (source, path) for w in WORLDS}
    target = other(origin)
    runs = {origin: (source, path)}
    if translation is not None:
        runs[target] = (translation.code, f"{path} (translated to {'PyTorch' if target == 'torch' else 'TF'})")
    return runs


def run_twin(origin: str | None, source: str, path: str, translation, translation_error: str | None, *,
             seed: int = 0, timeout: float = DEFAULT_TIMEOUT, rtol: float = 1e-5, atol: float = 1e-6) -> TwinResult:
    """Run an original and its translation (see `plan`) in fresh worlds, side by side, and compare them."""
    from .compare import compare

    # What the original holds in attributes (a torch leaf's .grad) is compared with the translation's names for it.
    names = getattr(translation, "names", None) or {}
    runs = {w: _Run(code, code_path, w, seed, names if w == origin else ())
            for w, (code, code_path) in plan(origin, source, path, translation).items()}
    results = {w: runs[w].wait(timeout) if w in runs else
               WorldResult(w, error=translation_error, error_type="TranslatorError") for w in WORLDS}
    if origin is not None:
        rename_held(results[other(origin)].values, names)
    return TwinResult(origin, translation, translation_error, results["tf"], results["torch"],
                      compare(results["tf"].values, results["torch"].values, rtol=rtol, atol=atol,
                              origin=origin))


def compare_source(source: str, path: str = "<string>", *, source_framework: str | None = None,
                   style: str = "backward", seed: int = 0, timeout: float = DEFAULT_TIMEOUT,
                   rtol: float = 1e-5, atol: float = 1e-6) -> TwinResult:
    """Translate `source`, run the original and the translation in their worlds, and compare the values.

    Framework-free code runs unchanged in both worlds. If the translator crashes, the original still runs
    in its own world and the other side shows the translator's error.
    Raises twingrad.translator.TranslationInputError for input that cannot be translated at all.
    """
    origin, translation, translation_error = translate_for_twin(
        source, path, source_framework=source_framework, style=style)
    return run_twin(origin, source, path, translation, translation_error,
                    seed=seed, timeout=timeout, rtol=rtol, atol=atol)


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
