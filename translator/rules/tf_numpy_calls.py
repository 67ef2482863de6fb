"""NumPy functions given TF tensors compute on NumPy copies (TF converts; the tape does not see it: the gradient
through them is None). torch tensors that require grad refuse that conversion, so tensor arguments of `np.*`
calls are passed as `t.detach().numpy()`: the same numbers, and the same cut in the graph."""
from __future__ import annotations

import libcst as cst

from ..templates import parse_template_expression
from .tf_facts import Facts

TENSOR_KINDS = ("variable", "frozen", "int", "constant")


class TfNumpyCallRule:
    def __init__(self, ctx):
        self.ctx = ctx

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        qualified = self.ctx.qualname(original.func)
        if not (qualified and qualified.startswith("numpy.")):
            return updated
        facts = Facts.of(self.ctx)
        args = []
        for before, after in zip(original.args, updated.args):
            if isinstance(before.value, cst.Name) and facts.kind_of(before.value) in TENSOR_KINDS:
                after = after.with_changes(value=parse_template_expression("{t}.detach().numpy()", t=after.value))
            args.append(after)
        return updated.with_changes(args=args)
