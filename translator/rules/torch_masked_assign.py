"""`t[mask] = 0` on a PyTorch tensor -> `t = tf.where(mask, tf.cast(0, t.dtype), t)`.

TF tensors take no item assignment (semantics B29), so the masked write becomes a select; its gradient is 0 at the
overwritten places, as torch's. Rebinding the name is exact only when no other name shares the tensor torch
changes in place, so `t` must have been made just before in the same block, as a new tensor: `x.clone()`, a
torch factory (`torch.zeros_like(...)`...), or arithmetic. The mask must be a comparison (`x < 0`, possibly
combined with `~`, `&`, `|`) and the value a number.

TG515 (error) a masked write in another form (a tensor that may be shared, a non-number value) is left as is
(a NumPy array, made by a numpy call just before, is left alone: the same code works in the TF program).
"""
from __future__ import annotations

import libcst as cst

from ..templates import parse_template_statement
from ..walk import walk
from .torch_plan import is_true, keyword, method_call, names_bound, names_read

FACTORIES = {"zeros", "ones", "zeros_like", "ones_like", "full", "full_like", "empty", "empty_like", "tensor",
             "rand", "randn", "rand_like", "randn_like", "arange", "linspace", "eye"}


def _mask(node) -> bool:
    if isinstance(node, cst.Comparison):
        return True
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.BitInvert):
        return _mask(node.expression)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.BitAnd, cst.BitOr)):
        return _mask(node.left) and _mask(node.right)
    return False


def _number(node) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


class _Places(cst.CSTVisitor):
    """id(statement) -> (its block's statements, its index)."""

    def __init__(self):
        self.places: dict[int, tuple] = {}

    def _block(self, body) -> None:
        self.places.update({id(s): (body, i) for i, s in enumerate(body)})

    def visit_Module(self, node) -> None:
        self._block(node.body)

    def visit_IndentedBlock(self, node) -> None:
        self._block(node.body)


class TorchMaskedAssignRule:
    code = "TG515"

    def __init__(self, ctx):
        self.ctx = ctx
        self.places: dict[int, tuple] = {}

    def visit_Module(self, node: cst.Module) -> None:
        visitor = _Places()
        walk(node, visitor)
        self.places = visitor.places

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        small = original.body[0]
        if len(original.body) != 1 or not isinstance(small, cst.Assign) or len(small.targets) != 1:
            return updated
        target = small.targets[0].target
        if not (isinstance(target, cst.Subscript) and len(target.slice) == 1
                and isinstance(target.slice[0].slice, cst.Index) and _mask(target.slice[0].slice.value)):
            return updated
        name = target.value
        binding = self._binding(original, name.value) if isinstance(name, cst.Name) else None
        if binding is not None and (self.ctx.qualname(getattr(binding, "func", None) or cst.Name("_")) or "").split(
                ".")[0] == "numpy":
            return updated  # a NumPy array: the same code works in the TF program
        if not (_number(small.value) and binding is not None and self._new_tensor(binding)):
            self.ctx.report(original, "TG515", "a masked write into a tensor is translated only for a number into "
                            "a tensor made just before (x.clone(), a factory, arithmetic): TF tensors take no item "
                            "assignment; left as is")
            return updated
        new = updated.body[0]
        mask = new.targets[0].target.slice[0].slice.value
        stmt = parse_template_statement("{t} = {tf}.where({m}, {tf}.cast({v}, {t}.dtype), {t})\n", t=name,
                                        tf=self.ctx.ref("tensorflow"), m=mask, v=new.value)
        return updated.with_changes(body=stmt.body)

    def _binding(self, stmt, name: str):
        """The value of `name = value`, the last statement before stmt in its block to use `name`, else None."""
        body, index = self.places.get(id(stmt), ((), 0))
        for earlier in reversed(body[:index]):
            smalls = earlier.body if isinstance(earlier, cst.SimpleStatementLine) else [earlier]
            for small in reversed(smalls):
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                        small.targets[0].target, cst.Name) and small.targets[0].target.value == name:
                    return small.value
                if name in names_read(small) | names_bound(small):
                    return None  # used (perhaps shared, or bound otherwise) in between
        return None

    def _new_tensor(self, value) -> bool:
        if isinstance(value, cst.BinaryOperation):
            return True
        if not isinstance(value, cst.Call) or is_true(keyword(value, "requires_grad")):
            return False
        if method_call(value, "clone") is not None:
            return True
        qualified = self.ctx.qualname(value.func) or ""
        return qualified.startswith("torch.") and qualified.rpartition(".")[2] in FACTORIES
