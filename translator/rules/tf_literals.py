"""TF converts Python lists of floats to tensors in arithmetic (`x * [3.0, 4.0]`); PyTorch does not, so the list
becomes `torch.tensor([...])` (float32, as TF makes it). Lists without a float are left alone: `[0] * n` is list
repetition in both."""
from __future__ import annotations

import libcst as cst

ARITHMETIC = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.MatrixMultiply, cst.Power)


def _float_list(expr: cst.BaseExpression) -> bool:
    if not isinstance(expr, (cst.List, cst.Tuple)) or not expr.elements:
        return False
    found_float = False
    for element in expr.elements:
        value = element.value
        while isinstance(value, cst.UnaryOperation):
            value = value.expression
        if isinstance(value, (cst.List, cst.Tuple)):
            if not _float_list(value):
                return False
            found_float = True
        elif isinstance(value, cst.Float):
            found_float = True
        elif not isinstance(value, cst.Integer):
            return False
    return found_float


class TfListOperandRule:
    def __init__(self, ctx):
        self.ctx = ctx

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation):
        if not isinstance(original.operator, ARITHMETIC):
            return updated
        left, right = _float_list(original.left), _float_list(original.right)
        if left == right:
            return updated
        side = "left" if left else "right"
        tensor = cst.Call(func=self.ctx.ref("torch.tensor"), args=[cst.Arg(getattr(updated, side))])
        return updated.with_changes(**{side: tensor})
