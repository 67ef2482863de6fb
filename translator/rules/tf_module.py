"""tf.Module → torch.nn.Module, with its variables as parameters and `trainable_variables` in TF's order.

A tf.Module collects the variables its attributes hold; `trainable_variables` lists them sorted by attribute path
(`b` before `w`, submodules recursively). torch.nn.Module registers `nn.Parameter` attributes, and sorting
`named_parameters()` by name gives the same order, so gradient lists line up with TF's.
tf.Module's constructor takes a `name`; nn.Module's takes nothing, so `super().__init__(...)` loses its arguments.
TF does not need that call (its own Core-API quickstart omits it); nn.Module refuses parameters before it, so an
`__init__` without it gets `super().__init__()` first (real fault F7).
"""
from __future__ import annotations

import libcst as cst

from ..templates import parse_template_expression, parse_template_statement
from ..walk import walk

MODULE = "tensorflow.Module"


class TfModuleRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self._classes: list[bool] = []  # for each enclosing class: is it a tf.Module subclass?

    @property
    def in_module_class(self) -> bool:
        return bool(self._classes) and self._classes[-1]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(any(self.ctx.qualname(base.value) == MODULE for base in node.bases))

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        if not self._classes.pop():
            return updated
        bases = []
        for before, after in zip(original.bases, updated.bases):
            if self.ctx.qualname(before.value) == MODULE:
                self.ctx.consume(before.value)
                after = after.with_changes(value=self.ctx.ref("torch.nn.Module"))
            bases.append(after)
        return updated.with_changes(bases=bases)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if not (self.in_module_class and original.name.value == "__init__") or _calls_init(original):
            return updated
        body = updated.body
        if not isinstance(body, cst.IndentedBlock):  # `def __init__(self): self.w = ...`
            call = parse_template_statement("super().__init__()\n").body[0]
            return updated.with_changes(body=body.with_changes(body=[call, *body.body]))
        at = 1 if original.get_docstring() is not None else 0
        call = parse_template_statement("super().__init__()\n")
        return updated.with_changes(body=body.with_changes(body=[*body.body[:at], call, *body.body[at:]]))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.in_module_class and _is_super_init(original):
            return updated.with_changes(args=[])
        if self.in_module_class and self.ctx.qualname(original.func) == "tensorflow.Variable":
            tensor = _without_requires_grad(updated)
            if tensor is not None:  # a trainable variable: register it as the module's parameter
                return cst.Call(func=self.ctx.ref("torch.nn.Parameter"), args=[cst.Arg(tensor)])
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        # `variables` also lists non-trainable ones; those are plain tensor attributes on the torch side.
        if (original.attr.value not in ("trainable_variables", "variables") or self.ctx.qualname(original.value)
                or self.ctx.is_consumed(original)):  # consumed: a Keras object's list (tf_keras.py)
            return updated
        return parse_template_expression("[param for _, param in sorted({m}.named_parameters())]",
                                         m=updated.value)


def _is_super_init(call: cst.Call) -> bool:
    func = call.func
    return (isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)
            and isinstance(func.value.func, cst.Name) and func.value.func.value == "super")


class _InitCalls(cst.CSTVisitor):
    def __init__(self):
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        self.found |= isinstance(node.func, cst.Attribute) and node.func.attr.value == "__init__"


def _calls_init(function: cst.FunctionDef) -> bool:
    """`super().__init__(...)`, `tf.Module.__init__(self)`, a base's `__init__` called some other way."""
    visitor = _InitCalls()
    walk(function.body, visitor)
    return visitor.found


def _without_requires_grad(expr: cst.BaseExpression) -> cst.BaseExpression | None:
    """The tensor a leaf expression makes, without its requires_grad (None if it does not ask for gradients)."""
    if not isinstance(expr, cst.Call):
        return None
    func = expr.func
    if isinstance(func, cst.Attribute) and func.attr.value == "requires_grad_" and not expr.args:
        return func.value  # `torch.randn(...).requires_grad_()`
    kept = [a for a in expr.args if not (a.keyword is not None and a.keyword.value == "requires_grad")]
    return expr.with_changes(args=kept) if len(kept) < len(expr.args) else None
