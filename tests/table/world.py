"""Run many small programs in ONE framework and report their outputs and gradients (a subprocess worker).

    python world.py tf|torch  < {"programs": {name: code}, "checks": [[qualified, [names], [positional names]], ...]}
                              > pickle {"runs": {name: result}, "checks": [problem or None, ...]}

Only the requested framework is imported. Every program sees the same sample tensors (SAMPLES, from a fixed
NumPy seed); float samples are watched, and the gradient of the sum of all float outputs is taken w.r.t. each.
"""
from __future__ import annotations

import importlib
import inspect
import json
import pickle
import re
import sys

import numpy as np


def samples() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    f32 = np.float32
    a = rng.normal(size=(2, 3)).astype(f32)
    a[0, 1] = 0.0  # a kink for relu & co.
    c = rng.normal(size=(2, 3)).astype(f32)
    c[0, 0], c[1, 2] = a[0, 0], a[1, 2]  # ties with a: maximum/minimum gradients (A22)
    m = rng.normal(size=(3, 3)).astype(f32)
    prob = rng.uniform(0.1, 1.0, size=(2, 3)).astype(f32)
    return {
        "a": a, "c": c,
        "p": rng.uniform(0.5, 2.0, size=(2, 3)).astype(f32),
        "u": rng.uniform(-0.8, 0.8, size=(2, 3)).astype(f32),
        "g": rng.uniform(1.2, 3.0, size=(2, 3)).astype(f32),
        "b": rng.normal(size=(3, 4)).astype(f32),
        "m": (m @ m.T + 3 * np.eye(3)).astype(f32),  # symmetric positive definite
        "v": rng.normal(size=(3,)).astype(f32),
        "t": rng.normal(size=(2, 3, 4)).astype(f32),
        "prob": prob / prob.sum(axis=1, keepdims=True),
        "z": np.array([[1, 0, 1], [0, 0, 1]], f32),
        "n": np.array([1.0, np.nan, -2.0, 0.0], f32),
        "i": np.array([[0, 3, 1], [4, 2, 2]], np.int32),
        "k": np.array([2, 0, 1, 2], np.int32),
        "lab": np.array([2, 0], np.int32),
        "mask": np.array([[True, False, True], [False, True, True]]),
    }


def leaves(value) -> list:
    """Flatten outputs: tensors, (named)tuples and lists of them, shapes, Python numbers."""
    if isinstance(value, (list, tuple)) and not all(isinstance(v, int) for v in value):
        return [x for v in value for x in leaves(v)]
    return [value]


class Framework:
    def __init__(self, world: str):
        self.world = world
        if world == "tf":
            import tensorflow as tf
            self.tf = tf
        else:
            import torch
            self.torch = torch

    def tensors(self, arrays: dict) -> dict:
        if self.world == "tf":
            return {k: self.tf.constant(v) for k, v in arrays.items()}
        return {k: self.torch.tensor(v, requires_grad=v.dtype.kind == "f") for k, v in arrays.items()}

    def record(self, value):
        """(dtype name, shape, numpy array) or ("other", type name, None)."""
        if self.world == "tf":
            if isinstance(value, self.tf.TensorShape):
                value = tuple(value.as_list())
            if isinstance(value, (self.tf.Tensor, self.tf.Variable)):
                arr = value.numpy()
                return value.dtype.name, arr.shape, arr
        elif isinstance(value, self.torch.Tensor):
            arr = value.detach().numpy()
            return str(value.dtype).removeprefix("torch."), arr.shape, arr
        if isinstance(value, (bool, int, float, tuple)):
            arr = np.asarray(value)
            return type(value).__name__ if not isinstance(value, tuple) else "shape", arr.shape, arr
        return "other", type(value).__name__, None

    def run(self, code: str, inputs: dict) -> dict:
        floats = [k for k, v in inputs.items() if v.dtype.kind == "f"]
        if self.world == "tf":
            tf = self.tf
            xs = self.tensors(inputs)
            with tf.GradientTape(persistent=True) as tape:
                for f in floats:
                    tape.watch(xs[f])
                ns = dict(xs)
                exec(compile(code, "<program>", "exec"), ns)
                outs = leaves(ns["out"])
                total = [tf.reduce_sum(tf.cast(o, tf.float64)) for o in outs
                         if isinstance(o, tf.Tensor) and o.dtype.is_floating]
                total = tf.add_n(total) if total else None
            grads = tape.gradient(total, [xs[f] for f in floats]) if total is not None else [None] * len(floats)
            grads = [None if g is None else tf.convert_to_tensor(g).numpy() for g in grads]
        else:
            torch = self.torch
            xs = self.tensors(inputs)
            ns = dict(xs)
            exec(compile(code, "<program>", "exec"), ns)
            outs = leaves(ns["out"])
            total = [o.double().sum() for o in outs
                     if isinstance(o, torch.Tensor) and o.dtype.is_floating_point and o.requires_grad]
            if total:
                grads = torch.autograd.grad(sum(total), [xs[f] for f in floats], allow_unused=True)
                grads = [None if g is None else g.numpy() for g in grads]
            else:
                grads = [None] * len(floats)
        return {"outputs": [self.record(o) for o in outs], "grads": dict(zip(floats, grads))}

    # -- signature checks --------------------------------------------------------------------------------------------
    def resolve(self, qualified: str):
        if qualified.startswith("tensorflow.keras."):
            try:  # the table's keras.* names: Keras 3 itself, which tf.keras only partly re-exports
                return self.resolve(qualified.removeprefix("tensorflow."))
            except (ImportError, AttributeError):
                pass
        parts = qualified.split(".")
        obj = importlib.import_module(parts[0])
        for i, part in enumerate(parts[1:], 1):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                obj = importlib.import_module(".".join(parts[: i + 1]))
        return obj

    def signatures(self, obj, qualified: str) -> list[list[tuple[str, bool]]]:
        """The API's known signatures as [(parameter name, positional?)], from inspect, docstrings, ATen schemas."""
        name = qualified.rsplit(".", 1)[1]
        method = qualified.startswith("torch.Tensor.")
        found = []
        try:
            params = inspect.signature(obj).parameters.values()
            found.append([(p.name, p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)) for p in params
                          if p.kind != p.VAR_KEYWORD])
        except (TypeError, ValueError):
            pass
        if self.world == "torch":
            for line in (obj.__doc__ or "").splitlines():
                match = re.match(rf"\s*(?:[\w.]*\.)?{re.escape(name)}\((.*)\)\s*->", line)
                if match:
                    sig, keyword = [], False
                    for part in match.group(1).split(","):
                        part = part.strip()
                        if part == "*":
                            keyword = True
                        elif part:
                            sig.append((re.sub(r"[=:].*", "", part).strip(" *"), not keyword))
                    found.append(sig)
            if obj is self.torch.Tensor or isinstance(obj, type(self.torch.FloatTensor)):
                # the legacy constructors (torch.Tensor, FloatTensor, ...) are C types Python shows no signature of:
                # the one torch's docs give for data, `torch.Tensor(data)` (try it: a list gives its values)
                found.append([("data", True)] if obj(self.torch.tensor([1.0]).tolist()).tolist() == [1.0] else [])
            aten = f"aten::linalg_{name}" if qualified.startswith("torch.linalg.") else f"aten::{name}"
            for schema in self.torch._C._jit_get_schemas_for_operator(aten):
                # torch's bindings call the first tensor `input` in functions, `self` in methods (the receiver)
                args = [a for a in schema.arguments if not (method and a.name == "self")]
                found.append([("input" if a.name == "self" else a.name, not a.kwarg_only) for a in args])
        return found

    def check(self, qualified: str, params: list[str], positional: list[str]) -> str | None:
        """Does `qualified` exist, take every name in `params`, and bind `positional` in this order?"""
        try:
            obj = self.resolve(qualified)
        except (ImportError, AttributeError) as err:
            return f"does not exist: {err}"
        if not params:
            return None  # a name a template uses (a function or a dtype): existing is enough
        sigs = self.signatures(obj, qualified)
        if not sigs:
            return "no signature found to check against"
        names = {n for sig in sigs for n, _ in sig}
        missing = [p for p in params if p not in names]
        if missing:
            return f"unknown parameters {missing}; has {sorted(names)}"
        if not any([n for n, pos in sig if pos][: len(positional)] == positional for sig in sigs):
            return f"positional order {positional} matches none of {sigs}"
        return None


def main() -> None:
    world = sys.argv[1]
    request = json.load(sys.stdin)
    fw = Framework(world)
    inputs = samples()
    runs = {}
    for name, code in request["programs"].items():
        try:
            runs[name] = fw.run(code, inputs)
        except Exception as err:  # reported per program, compared by the test
            runs[name] = {"error": f"{type(err).__name__}: {err}"}
    checks = [fw.check(*check) for check in request["checks"]]
    sys.stdout.buffer.write(pickle.dumps({"runs": runs, "checks": checks}))


if __name__ == "__main__":
    main()
