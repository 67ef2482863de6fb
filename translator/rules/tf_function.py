"""TG301: `@tf.function` / `tf.function(f)` have no PyTorch meaning (PyTorch runs eagerly): dropped, and said so."""
from __future__ import annotations

import libcst as cst

FUNCTION = "tensorflow.function"


class TfFunctionRule:
    def __init__(self, ctx):
        self.ctx = ctx

    def _is_tf_function(self, expr: cst.BaseExpression) -> bool:
        target = expr.func if isinstance(expr, cst.Call) else expr
        return self.ctx.qualname(target) == FUNCTION

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        kept = []
        for before, after in zip(original.decorators, updated.decorators):
            if self._is_tf_function(before.decorator):
                target = before.decorator.func if isinstance(before.decorator, cst.Call) else before.decorator
                self.ctx.consume(target)
                self.ctx.report(before, "TG301", "@tf.function dropped: PyTorch runs eagerly", level="info")
            else:
                kept.append(after)
        if len(kept) == len(updated.decorators):
            return updated
        leading = updated.leading_lines if kept else [*updated.leading_lines, *original.decorators[0].leading_lines]
        return updated.with_changes(decorators=kept, leading_lines=leading)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        # `tf.function(f)` -> `f`; `tf.function(f, jit_compile=True)` likewise: options only tune tracing.
        if self.ctx.qualname(original.func) != FUNCTION or not updated.args or updated.args[0].keyword is not None:
            return updated
        self.ctx.consume(original.func)
        self.ctx.report(original, "TG301", "tf.function dropped: PyTorch runs eagerly", level="info")
        return updated.args[0].value
