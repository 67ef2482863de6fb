"""`@torch.no_grad()` on a function -> no decorator, and what the function returns cut off the tape.

torch records nothing the function computes, so its results are constants to any later gradient. TF records on
every open tape, so each returned tensor becomes `tf.stop_gradient(...)` (other values, Python numbers and
containers' non-tensor items, are returned as they are). Inside, the plan treats the body as under `no_grad` (in-place
updates of leaves become `assign_sub` and the like; a gradient taken there is refused, TG504). No diagnostics.
"""
from __future__ import annotations

import libcst as cst
from libcst.helpers import parse_template_expression


class _Returns(cst.CSTTransformer):
    """Wraps the values of the function's own return statements (not those of nested functions)."""

    def __init__(self, tf: cst.BaseExpression):
        super().__init__()
        self.tf = tf

    def visit_FunctionDef(self, node) -> bool:
        return False

    def visit_Lambda(self, node) -> bool:
        return False

    def visit_ClassDef(self, node) -> bool:
        return False

    def leave_Return(self, original: cst.Return, updated: cst.Return):
        if updated.value is None:
            return updated
        value = updated.value
        if isinstance(value, cst.Tuple) and not value.lpar:  # `return a, b` as one argument
            value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return updated.with_changes(value=parse_template_expression(
            "{tf}.nest.map_structure(lambda t: {tf}.stop_gradient(t) if {tf}.is_tensor(t) else t, {v})",
            tf=self.tf, v=value))


class TorchNoGradFunctionRule:
    def __init__(self, ctx, plan):
        self.ctx, self.plan = ctx, plan

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        decorator = self.plan.no_grad_decorator(original)
        if decorator is None:
            return updated
        self.ctx.consume(decorator.decorator.func)
        index = list(original.decorators).index(decorator)
        decorators = [d for i, d in enumerate(updated.decorators) if i != index]
        body = updated.body.visit(_Returns(self.ctx.ref("tensorflow")))
        return updated.with_changes(decorators=decorators, body=body)
