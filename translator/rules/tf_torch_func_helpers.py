"""twingrad's own torch.func helpers -> torch.func: the way back of `torch_func.py`.

PyTorch -> TF defines `torch_func_grad`, `torch_func_vjp`, ... in its output for the torch.func transforms. Back in
PyTorch each top-level function whose name and code are exactly such a helper's (torch_func.py's HELPERS, with the
file's name for tensorflow) is removed, nothing inside it translated, and its name becomes the transform again
(`torch_func_grad(f)(x)` -> `torch.func.grad(f)(x)`; jacfwd came as jacrev, which computes the same numbers).
A function of that name with other code is translated as any other.
"""
from __future__ import annotations

import re

import libcst as cst

from ..codegen import code_of
from .torch_func import HELPERS, PREFIX, helper_source, load


class TfTorchFuncHelpersRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self.helpers: dict[str, str] = {}  # name of a helper defined in the file -> the torch.func function

    def visit_Module(self, module: cst.Module) -> None:
        if PREFIX not in self.ctx.text:
            return
        tf = self._tensorflow()
        torch_names = {entry["helper"]: name for name, entry in reversed(load()["functions"].items())}
        for statement in module.body:
            helper = statement.name.value.removeprefix(PREFIX) if isinstance(statement, cst.FunctionDef) else None
            if helper in HELPERS and tf is not None and _same(statement, helper_source(helper, tf)):
                self.helpers[statement.name.value] = torch_names[helper]

    def _tensorflow(self) -> str | None:
        names = [local for local, qualified in self.ctx.aliases.items() if qualified == "tensorflow"]
        return names[0] if names else None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return node.name.value not in self.helpers  # removed whole: nothing inside is translated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        return cst.RemovalSentinel.REMOVE if original.name.value in self.helpers else updated

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        torch_name = self.helpers.get(original.value)
        return self.ctx.ref(torch_name) if torch_name is not None else updated


def _same(definition: cst.FunctionDef, source: str) -> bool:
    written = code_of(definition.with_changes(leading_lines=[]))
    return re.sub(r"\s+", " ", written).strip() == re.sub(r"\s+", " ", source).strip()
