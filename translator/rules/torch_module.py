"""`class M(torch.nn.Module)` holding `torch.nn.Parameter`s -> `class M(tf.Module)` holding `tf.Variable`s.

* `torch.nn.Parameter(data)` -> `tf.Variable(data)` (`requires_grad=False` -> `trainable=False`); a named leaf
  `w = torch.nn.Parameter(data)` is the autograd rule's (it wraps `data` itself).
* The class gets `__call__` (torch's `model(x)` runs `forward`; a class may define `__call__` itself instead),
  `parameters()` and `named_parameters()`: the Parameters in the order `__init__` assigns them, which is torch's
  order (tf.Module's `trainable_variables` sorts them by name), so that optimizers and loops over
  `model.parameters()` see the same list.
* Gradients of these variables live on the variables (`p.grad`), as in torch: see `torch_plan.py` (holders).

TG516 (error) a Module this does not cover is left as is: other bases, submodules or Parameters assigned other
than as `self.name = torch.nn.Parameter(...)` statements of `__init__`, its own `parameters`, both or neither of
`forward` and `__call__`.
"""
from __future__ import annotations

import libcst as cst

from ..walk import walk
from .torch_plan import is_false, keyword

MODULE = {"torch.nn.Module", "torch.nn.modules.module.Module"}
PARAMETER = {"torch.nn.Parameter", "torch.nn.parameter.Parameter"}
CALL = '''def __call__(self, *args, **kwargs):
    return self.forward(*args, **kwargs)
'''
METHODS = '''def parameters(self):
    """torch's order: as __init__ assigns them."""
    return [{params}]

def named_parameters(self):
    return [{named}]
'''


class TorchModuleRule:
    code = "TG516"

    def __init__(self, ctx, plan):
        self.ctx, self.plan = ctx, plan

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.ctx.qualname(original.func) not in PARAMETER:
            return updated
        data, flag = keyword(updated, "data", 0), keyword(original, "requires_grad", 1)
        if data is None:
            return updated
        self.ctx.consume(original.func)
        if id(self.ctx.statements[-1]) in self.plan.leaf_stmts:
            return data  # the autograd rule makes the leaf statement's tf.Variable
        args = [cst.Arg(data)]
        if flag is not None and is_false(flag):
            args = [cst.Arg(data, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    cst.Arg(cst.Name("False"), keyword=cst.Name("trainable"),
                            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))]
        return cst.Call(self.ctx.ref("tensorflow.Variable"), args)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        bases = [b for b in original.bases if self.ctx.qualname(b.value) in MODULE]
        if not bases:
            return updated
        params = self.parameters(original)
        if isinstance(params, str):
            self.ctx.report(original, "TG516", f"torch.nn.Module {params}: not translated; left as is")
            return updated
        self.ctx.consume(bases[0].value)
        defined = {m.name.value for m in original.body.body if isinstance(m, cst.FunctionDef)}
        methods = cst.parse_module(("" if "__call__" in defined else CALL + "\n") + METHODS.format(
            params=", ".join(f"self.{p}" for p in params), named=", ".join(f"({p!r}, self.{p})" for p in params))).body
        body = [*updated.body.body, *(m.with_changes(leading_lines=[cst.EmptyLine(indent=False)]) for m in methods)]
        base = bases[0].with_changes(value=self.ctx.ref("tensorflow.Module"), comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(bases=[base], body=updated.body.with_changes(body=body))

    def parameters(self, node: cst.ClassDef) -> list[str] | str:
        """The Parameters `__init__` assigns, in order, or what keeps the class from being translated."""
        if len(node.bases) != 1 or node.keywords:
            return "with other bases"
        methods = {m.name.value: m for m in node.body.body if isinstance(m, cst.FunctionDef)}
        if ("forward" in methods) == ("__call__" in methods) or {"parameters", "named_parameters"} & set(methods) \
                or "__init__" not in methods:
            return "without __init__ and one of forward and __call__, or with its own parameters"
        params = []
        for stmt in methods["__init__"].body.body:
            small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
            value = small.value if isinstance(small, cst.Assign) else None
            qualified = self.ctx.qualname(value.func) if isinstance(value, cst.Call) else None
            if qualified in PARAMETER and len(small.targets) == 1 and isinstance(small.targets[0].target,
                                                                                  cst.Attribute) \
                    and isinstance(small.targets[0].target.value, cst.Name) \
                    and small.targets[0].target.value.value == "self":
                params.append(small.targets[0].target.attr.value)
        for method in methods.values():
            found = _TorchNN(self.ctx)
            walk(method.body, found)
            if found.count > sum(1 for _ in params if method is methods["__init__"]):
                return "with submodules or Parameters made other than by `self.name = torch.nn.Parameter(...)`"
        return params


class _TorchNN(cst.CSTVisitor):
    """Counts the torch.nn module and Parameter constructions (not functional calls, not losses used as values)."""

    def __init__(self, ctx):
        self.ctx, self.count = ctx, 0

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualname(node.func) or ""
        if qualified.startswith("torch.nn.") and not qualified.startswith(("torch.nn.functional", "torch.nn.init")):
            self.count += 1
