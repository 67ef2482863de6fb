"""`a @ b` in a PyTorch file -> the table's translation of `torch.matmul(a, b)`.

torch's `@` is `torch.matmul`: it takes 1-D operands (vector @ matrix, matrix @ vector, vector . vector) and
broadcasts batches, NumPy's rules. TF's `@` is `tf.linalg.matmul`, which rejects 1-D operands (semantics B12),
and whether an operand is 1-D is rarely known statically. So the operator becomes the call the API table maps
`torch.matmul` to (`tf.experimental.numpy.matmul`, which follows the same rules and is differentiable).
No diagnostics: the translation is exact. Two NumPy operands (numpy calls, or names every binding in the file
gives one) keep their `@`: the TF program computes it the same way, and gets an array, not a tensor, back.
"""
from __future__ import annotations

import libcst as cst

from .. import table as api_table
from ..walk import walk
from .torch_device import Bindings


class TorchMatmulRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self.bindings: dict[str, list] = {}

    def visit_Module(self, node: cst.Module) -> None:
        visitor = Bindings()
        walk(node, visitor)
        self.bindings = visitor.values

    def _numpy(self, node, seen: frozenset = frozenset()) -> bool:
        if isinstance(node, cst.Call):
            return (self.ctx.qualname(node.func) or "").split(".")[0] == "numpy"
        if isinstance(node, cst.Name) and node.value not in seen:
            values = self.bindings.get(node.value)
            return bool(values) and all(v is not None and self._numpy(v, seen | {node.value}) for v in values)
        return False

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation):
        if not isinstance(original.operator, cst.MatrixMultiply) or (
                self._numpy(original.left) and self._numpy(original.right)):
            return updated
        target = api_table.load().overloads("torch.matmul", "torch")[0].sides[self.ctx.to].name
        # a call binds tighter than any operator: the parentheses of `(a @ b).sum()` are not needed
        return cst.Call(self.ctx.ref(target), [
            cst.Arg(_bare(updated.left), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(_bare(updated.right))])


def _bare(node: cst.BaseExpression) -> cst.BaseExpression:
    """An operand as an argument needs no parentheses of its own (`(a + b) @ c` -> `matmul(a + b, c)`)."""
    return node.with_changes(lpar=[], rpar=[]) if getattr(node, "lpar", None) else node
