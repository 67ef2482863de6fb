"""`class F(torch.autograd.Function)` with static `forward(ctx, ...)` / `backward(ctx, ...)` -> a plain class whose
`apply` is a `tf.custom_gradient` (semantics A19).

torch runs `forward` without recording it and connects its outputs to the inputs through `backward` only;
`tf.custom_gradient` does the same: it records f's result with the gradient function f returns. So the class keeps
its two methods (their bodies translated like any code) and gets

    @staticmethod
    @tf.custom_gradient
    def apply(*inputs):
        ctx = FunctionCtx()
        return F.forward(ctx, *inputs), lambda *grads: F.backward(ctx, *grads)

`F.apply(x)` and `relu = F.apply` then work unchanged. `FunctionCtx` (emitted once per file) keeps what forward
saves: `ctx.save_for_backward(...)` / `ctx.saved_tensors` and plain attributes. backward returns one gradient per
input (None for a non-tensor one), which is what TF's gradient function returns too; torch sums a gradient returned
in a broadcast shape down to the input's shape, TF does not: `input_shaped` does it.

TG514 (error) a Function using what this does not cover is left as is: methods other than static forward/backward
(`setup_context`, `vjp`, `jvp`), other decorators, `ctx.needs_input_grad`, `ctx.mark_dirty`,
`ctx.mark_non_differentiable`, `ctx.set_materialize_grads`, keyword-only or defaulted parameters.

The way back (tf_custom_gradient.py) recognises CTX_CLASS and APPLY as written here and restores the Function.
"""
from __future__ import annotations

import libcst as cst

from ..codegen import code_of
from ..walk import walk

FUNCTION = {"torch.autograd.Function", "torch.autograd.function.Function"}
ONCE = {"torch.autograd.function.once_differentiable"}  # first-order gradients are the same without it
CTX_OK = {"save_for_backward", "saved_tensors"}
CTX_REFUSED = {"needs_input_grad", "mark_dirty", "mark_non_differentiable", "set_materialize_grads",
               "saved_variables", "materialize_grads"}
CTX_CLASS = '''class {name}:
    """torch.autograd.Function's ctx: what forward keeps for backward."""

    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors

    @staticmethod
    def input_shaped(inputs, grads):
        """torch sums a gradient that backward returns in a broadcast shape down to its input's shape."""
        grads = grads if isinstance(grads, tuple) else (grads,)
        return [g if g is None else {tf}.reshape({tf}.reduce_sum(g, {tf}.raw_ops.BroadcastGradientArgs(
            s0={tf}.shape(g), s1={tf}.shape(x))[1]), {tf}.shape(x)) for x, g in zip(inputs, grads)]
'''
APPLY = '''@staticmethod
@{tf}.custom_gradient
def apply(*inputs):
    ctx = {ctx}()
    return {cls}.forward(ctx, *inputs), lambda *grads: ctx.input_shaped(inputs, {cls}.backward(ctx, *grads))
'''


class _CtxUses(cst.CSTVisitor):
    def __init__(self, name: str):
        self.name, self.refused = name, None

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == self.name and node.attr.value in CTX_REFUSED:
            self.refused = self.refused or node.attr.value


class TorchFunctionRule:
    code = "TG514"

    def __init__(self, ctx):
        self.ctx = ctx
        self.helper: str | None = None  # name of the emitted ctx class, once needed

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        bases = [b for b in original.bases if self.ctx.qualname(b.value) in FUNCTION]
        if not bases or original.keywords:
            return updated
        problem = self._problem(original)
        if problem:
            self.ctx.report(original, "TG514", f"torch.autograd.Function {problem}: not translated; left as is")
            return updated
        for base in bases:
            self.ctx.consume(base.value)
        for method in original.body.body:
            for decorator in getattr(method, "decorators", ()):
                if self.ctx.qualname(decorator.decorator) in ONCE:
                    self.ctx.consume(decorator.decorator)
        if self.helper is None:
            self.helper = self.ctx.new_name("FunctionCtx")
        apply = cst.parse_statement(APPLY.format(tf=code_of(self.ctx.ref("tensorflow")), ctx=self.helper,
                                                 cls=original.name.value))
        body = [*(m.with_changes(decorators=[d for d in m.decorators if self.ctx.qualname(d.decorator) not in ONCE])
                  if isinstance(m, cst.FunctionDef) else m for m in updated.body.body),
                apply.with_changes(leading_lines=[cst.EmptyLine(indent=False)])]
        kept = [b for b in updated.bases if self.ctx.qualname(b.value) not in FUNCTION]
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(bases=kept, lpar=cst.MaybeSentinel.DEFAULT, rpar=cst.MaybeSentinel.DEFAULT,
                                    body=updated.body.with_changes(body=body))

    def _problem(self, node: cst.ClassDef) -> str | None:
        methods = {}
        for stmt in node.body.body:
            if isinstance(stmt, cst.FunctionDef):
                methods[stmt.name.value] = stmt
        if set(methods) != {"forward", "backward"}:
            other = sorted(set(methods) ^ {"forward", "backward"})
            return f"with methods other than forward and backward ({', '.join(other)})"
        for method in methods.values():
            names = [self.ctx.qualname(d.decorator) or code_of(d.decorator) for d in method.decorators]
            if any(n != "staticmethod" and n not in ONCE for n in names) or "staticmethod" not in names:
                return f"{method.name.value} other than a @staticmethod"
            params = method.params
            if params.kwonly_params or params.star_kwarg or any(p.default for p in params.params) \
                    or not params.params:
                return f"{method.name.value} with keyword-only, defaulted or no parameters"
            uses = _CtxUses(params.params[0].name.value)
            walk(method.body, uses)
            if uses.refused:
                return f"using ctx.{uses.refused}"
        return None

    def leave_Module(self, original: cst.Module, updated: cst.Module):
        if self.helper is not None:
            self.ctx.define_at_top([CTX_CLASS.format(name=self.helper, tf=code_of(self.ctx.ref("tensorflow")))])
        return updated


