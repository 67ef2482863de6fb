"""A leaf's value in an f-string with a format spec: `f"{w:.3f}"` -> `f"{w.numpy():.3f}"`.

torch formats a 0-d tensor by its value (`Tensor.__format__` uses `item()`); the leaf becomes a tf.Variable, whose
`__format__` rejects any format spec (TypeError), while a NumPy value takes it as torch's does. Other tensors
become EagerTensors, which format like torch's.
"""
from __future__ import annotations

import libcst as cst

from .torch_plan import Plan


class TorchFormatRule:
    def __init__(self, ctx, plan: Plan):
        self.ctx, self.plan = ctx, plan

    def leave_FormattedStringExpression(self, original: cst.FormattedStringExpression,
                                        updated: cst.FormattedStringExpression):
        name = original.expression
        if original.format_spec is None or not isinstance(name, cst.Name) or self.plan.leaf_at(
                self.plan.scope(), self.ctx.statements[-1], name.value) is not True:
            return updated
        return updated.with_changes(expression=cst.Call(cst.Attribute(updated.expression, cst.Name("numpy")), []))
