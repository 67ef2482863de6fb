"""`a @ b` in a PyTorch file -> the table's translation of `torch.matmul(a, b)`.

torch's `@` is `torch.matmul`: it takes 1-D operands (vector @ matrix, matrix @ vector, vector . vector) and
broadcasts batches, NumPy's rules. TF's `@` is `tf.linalg.matmul`, which rejects 1-D operands (semantics B12),
and whether an operand is 1-D is rarely known statically. So the operator becomes the call the API table maps
`torch.matmul` to (`tf.experimental.numpy.matmul`, which follows the same rules and is differentiable).
No diagnostics: the translation is exact.
"""
from __future__ import annotations

import libcst as cst

from .. import table as api_table


class TorchMatmulRule:
    def __init__(self, ctx):
        self.ctx = ctx

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation):
        if not isinstance(original.operator, cst.MatrixMultiply):
            return updated
        target = api_table.load().overloads("torch.matmul", "torch")[0].sides[self.ctx.to].name
        # a call binds tighter than any operator: the parentheses of `(a @ b).sum()` are not needed
        return cst.Call(self.ctx.ref(target), [
            cst.Arg(_bare(updated.left), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(_bare(updated.right))])


def _bare(node: cst.BaseExpression) -> cst.BaseExpression:
    """An operand as an argument needs no parentheses of its own (`(a + b) @ c` -> `matmul(a + b, c)`)."""
    return node.with_changes(lpar=[], rpar=[]) if getattr(node, "lpar", None) else node
