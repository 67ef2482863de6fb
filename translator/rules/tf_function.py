"""TG301: `@tf.function` / `tf.function(f)` have no PyTorch meaning (PyTorch runs eagerly): dropped, and said so.

`tf.executing_eagerly()` is True where PyTorch runs (api_table.json), but False while tf.function or Keras (building a
model symbolically) traces the function it is in: in a function of a file that uses either, it is left as is (TG201).
"""
from __future__ import annotations

import libcst as cst

FUNCTION = "tensorflow.function"
EAGERLY = "tensorflow.executing_eagerly"


class TfFunctionRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self._depth = 0  # enclosing functions and lambdas

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._depth += 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._depth += 1

    def leave_Lambda(self, original: cst.Lambda, updated: cst.Lambda) -> cst.BaseExpression:
        self._depth -= 1
        return updated

    def _is_tf_function(self, expr: cst.BaseExpression) -> bool:
        target = expr.func if isinstance(expr, cst.Call) else expr
        return self.ctx.qualname(target) == FUNCTION

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._depth -= 1
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
        if self._depth and self.ctx.qualname(original.func) == EAGERLY and (
                "function" in self.ctx.text or "keras" in self.ctx.text):
            self.ctx.consume(original.func)
            self.ctx.report(original, "TG201", "tf.executing_eagerly() in a function tf.function or Keras may trace, "
                                               "where it is False (PyTorch: always True); left as is")
            return updated
        # `tf.function(f)` -> `f`; `tf.function(f, jit_compile=True)` likewise: options only tune tracing.
        if self.ctx.qualname(original.func) != FUNCTION or not updated.args or updated.args[0].keyword is not None:
            return updated
        self.ctx.consume(original.func)
        self.ctx.report(original, "TG301", "tf.function dropped: PyTorch runs eagerly", level="info")
        return updated.args[0].value
