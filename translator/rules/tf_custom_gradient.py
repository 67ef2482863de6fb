"""`@tf.custom_gradient` → a `torch.autograd.Function` computing the same values and first-order gradients (A19).

    @tf.custom_gradient                            class ClipGradientsFunction(torch.autograd.Function):
    def clip_gradients(y):                             @staticmethod
        def backward(dy):                              def forward(ctx, y):
            return tf.clip_by_norm(dy, 0.5)                def backward(dy): ...
        return y, backward                                 ctx.backward_fn = backward
                                                           return y
                                                       @staticmethod
                                                       def backward(ctx, *upstream): ... ctx.backward_fn(*upstream)
                                                   clip_gradients = ClipGradientsFunction.apply

The body runs unchanged as `forward` and its grad_fn closure is called by `backward`, so whatever it captured from
the forward pass is there. TF records the call as one op whose gradient is grad_fn (its inner ops do not count);
torch's Function does the same. A grad_fn returning a list is turned into the tuple torch requires.

Codes:
  TG307 error  a custom_gradient form not translated: a method, default/keyword/star parameters, a return that is not
               `return y, grad_fn`, other decorators, a body reading tf.Variables (TF's `variables=` form: the
               variables would have to become inputs of the Function), or a file that also takes higher-order
               gradients (torch runs forward without recording, so the second derivative through what grad_fn
               captured would be lost)
"""
from __future__ import annotations

import libcst as cst
from libcst.helpers import parse_template_statement

from .tf_facts import Facts

CUSTOM_GRADIENT = "tensorflow.custom_gradient"


class TfCustomGradientRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self._ctx_name: str | None = None  # forward's and backward's first parameter, one free name per file

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        decorator = next((d for d in original.decorators if self.ctx.qualname(d.decorator) == CUSTOM_GRADIENT), None)
        if decorator is None:
            return updated
        why = self._unsupported(original, decorator)
        if why:
            self.ctx.report(decorator, "TG307", f"@tf.custom_gradient {why}: not translated")
            return updated
        self.ctx.consume(decorator.decorator)
        self._ctx_name = self._ctx_name or self.ctx.new_name("ctx")
        ctx_name = cst.Name(self._ctx_name)
        body = updated.body.visit(_ReturnsToContext(ctx_name))
        forward = updated.with_changes(
            name=cst.Name("forward"), decorators=[cst.Decorator(cst.Name("staticmethod"))], leading_lines=[],
            params=updated.params.with_changes(params=[cst.Param(ctx_name), *updated.params.params]), body=body)
        backward = parse_template_statement(
            "@staticmethod\n"
            "def backward({ctx}, *upstream):\n"
            "    grads = {ctx}.backward_fn(*upstream)\n"
            "    return tuple(grads) if isinstance(grads, (list, tuple)) else grads  # torch wants a tuple\n",
            ctx=ctx_name)
        name = original.name.value
        class_name = self.ctx.new_name("".join(p[:1].upper() + p[1:] for p in name.split("_")) + "Function")
        function_class = cst.ClassDef(
            name=cst.Name(class_name), bases=[cst.Arg(self.ctx.ref("torch.autograd.Function"))],
            body=cst.IndentedBlock([forward, backward.with_changes(leading_lines=[cst.EmptyLine(indent=False)])]),
            leading_lines=[*updated.leading_lines, *original.decorators[0].leading_lines])
        blank = [cst.EmptyLine(indent=False)] * (2 if len(self.ctx.statements) == 1 else 1)  # PEP 8 after a class
        apply = parse_template_statement(f"{name} = {class_name}.apply\n").with_changes(leading_lines=blank)
        return cst.FlattenSentinel([function_class, apply])

    def _unsupported(self, original: cst.FunctionDef, decorator: cst.Decorator) -> str | None:
        if len(original.decorators) > 1:
            return "with other decorators"
        if any(isinstance(s, cst.ClassDef) for s in self.ctx.statements[:-1]):
            return "on a method"
        params = original.params
        if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.kwonly_params or params.star_kwarg \
                or params.posonly_params or any(p.default is not None for p in params.params):
            return "with default, keyword-only or star parameters"
        returns = _Returns()
        original.body.visit(returns)
        if not returns.found or returns.other:
            return "whose returns are not all `return y, grad_fn`"
        facts = Facts.of(self.ctx)
        if any(self._holds_variable(n, facts) for n in returns.names_read):
            return "reading tf.Variables (the `variables=` form)"
        if any(call.in_tape_bodies for call in facts.calls.values() if call.method in ("gradient", "jacobian", "batch_jacobian")):
            return "in a file taking higher-order gradients"
        return None

    def _holds_variable(self, name: cst.Name, facts: Facts) -> bool:
        binding = facts.binding_before(name.value, *facts.uses[id(name)]) if id(name) in facts.uses else None
        return binding is not None and isinstance(binding.value, cst.Call) and \
            self.ctx.qualname(binding.value.func) == "tensorflow.Variable"


class _Returns(cst.CSTVisitor):
    """The function's own return statements (not those of the grad_fn it defines) and the names its body reads."""

    def __init__(self):
        self.found = False
        self.other = False
        self.names_read: list[cst.Name] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # grad_fn: runs in the backward pass, where TF's variable watcher is off

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if isinstance(value, cst.Tuple) and len(value.elements) == 2 and not any(
                isinstance(e, cst.StarredElement) for e in value.elements):
            self.found = True
        else:
            self.other = True

    def visit_Name(self, node: cst.Name) -> None:
        self.names_read.append(node)


class _ReturnsToContext(cst.CSTTransformer):
    """`return y, grad_fn` → `ctx.backward_fn = grad_fn` then `return y` (outside nested functions)."""

    def __init__(self, ctx_name: cst.Name):
        self.ctx_name = ctx_name

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if len(updated.body) != 1 or not isinstance(updated.body[0], cst.Return):
            return updated
        value, grad_fn = (e.value for e in updated.body[0].value.elements)
        keep = parse_template_statement("{ctx}.backward_fn = {g}\n", ctx=self.ctx_name, g=grad_fn)
        result = updated.with_changes(body=[cst.Return(value=value)], leading_lines=[])
        return cst.FlattenSentinel([keep.with_changes(leading_lines=updated.leading_lines), result])
