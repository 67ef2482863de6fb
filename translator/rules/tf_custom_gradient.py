"""`@tf.custom_gradient` → a `torch.autograd.Function` computing the same values and first-order gradients (A19).

    @tf.custom_gradient                            class ClipGradientsFunction(torch.autograd.Function):
    def clip_gradients(y):                             @staticmethod
        def backward(dy):                              def forward(ctx, y):
            return tf.clip_by_norm(dy, 0.5)                def backward(dy): ...
        return y, backward                                 ctx.backward_fn = backward
                                                           return y
                                                       @staticmethod
                                                       def backward(ctx, *upstream): ... ctx.backward_fn(*upstream)
                                                   def clip_gradients(*args):
                                                       return ClipGradientsFunction.apply(
                                                           *(torch.as_tensor(arg) for arg in args))

The body runs unchanged as `forward` and its grad_fn closure is called by `backward`, so whatever it captured from
the forward pass is there. TF records the call as one op whose gradient is grad_fn (its inner ops do not count);
torch's Function does the same. A grad_fn returning a list is turned into the tuple torch requires. The wrapper
converts the arguments to tensors as TF does (`f(2.0)`: torch's ops refuse a Python number).

A body reading one trainable tf.Variable is TF's `variables=` form: TF hands the variable to
`grad_fn(*upstream, variables=[v])`, which returns (input gradients, variable gradients). The variable becomes one
more input of the Function (passed by the wrapper), so torch routes its gradient.

twingrad's own form of a torch.autograd.Function (torch_function.py: a class with static forward/backward whose
`apply` is a `tf.custom_gradient` over them, and the `FunctionCtx` helper class keeping what forward saves) comes
back as the Function: recognised by the code torch_function.py writes (the helper's name, a number appended where
it was taken, and its whole definition; `apply` exactly as written for its class), the helper class and the `apply`
methods are removed and the class derives from torch.autograd.Function again. The forward and backward bodies are
translated like any code; torch sums a gradient backward returns in a broadcast shape itself (the helper's
`input_shaped`), and records backward for higher-order gradients where TF's tape records grad_fn.

Codes:
  TG307 error  a custom_gradient form not translated: a method, default/keyword/star parameters, a return that is not
               `return y, grad_fn`, other decorators; a body reading several tf.Variables (TF hands them to grad_fn
               in an order set by hashing), reading names that may hold variables, or reading a variable without a
               grad_fn taking `variables` (TF raises); or a file that also takes higher-order gradients (torch runs
               forward without recording, so the second derivative through what grad_fn captured would be lost)
"""
from __future__ import annotations

import builtins
import functools
import re

import libcst as cst

from ..codegen import code_of
from ..templates import parse_template_statement
from ..walk import walk
from .tf_facts import Facts, target_names
from .torch_function import APPLY, CTX_CLASS

CUSTOM_GRADIENT = "tensorflow.custom_gradient"


class TfCustomGradientRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self._ctx_name: str | None = None  # forward's and backward's first parameter, one free name per file
        self._functions: _TwingradFunctions | None = None

    def visit_Module(self, node: cst.Module) -> None:
        if "FunctionCtx" in self.ctx.text:
            tf = {alias for alias, qualified in self.ctx.aliases.items() if qualified == "tensorflow"}
            self._functions = _TwingradFunctions(tf)
            walk(node, self._functions)

    # -- twingrad's own torch.autograd.Function form: the way back of torch_function.py --------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return self._functions is None or node.name.value not in self._functions.helpers

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        if self._functions is None:
            return updated
        if original.name.value in self._functions.helpers:
            return cst.RemovalSentinel.REMOVE
        if id(original) not in self._functions.classes:
            return updated
        bases = [*updated.bases, cst.Arg(self.ctx.ref("torch.autograd.Function"))]
        bases = [b.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                 for b in bases[:-1]] + bases[-1:]
        return updated.with_changes(bases=bases)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return self._functions is None or id(node) not in self._functions.applies

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        if self._functions is not None and id(original) in self._functions.applies:
            return cst.RemovalSentinel.REMOVE  # torch.autograd.Function has apply
        decorator = next((d for d in original.decorators if self.ctx.qualname(d.decorator) == CUSTOM_GRADIENT), None)
        if decorator is None:
            return updated
        try:
            captured = self._captured_variables(original)
        except ValueError as why:
            self.ctx.report(decorator, "TG307", f"@tf.custom_gradient {why}: not translated")
            return updated
        self.ctx.consume(decorator.decorator)
        self._ctx_name = self._ctx_name or self.ctx.new_name("ctx")
        ctx_name = cst.Name(self._ctx_name)
        body = updated.body.visit(_ReturnsToContext(ctx_name))
        variables = [cst.Param(cst.Name(v)) for v in captured]
        if captured:
            keep = parse_template_statement(f"{{ctx}}.variables = [{', '.join(captured)}]\n", ctx=ctx_name)
            body = body.with_changes(body=[keep, *body.body])
        forward = updated.with_changes(
            name=cst.Name("forward"), decorators=[cst.Decorator(cst.Name("staticmethod"))], leading_lines=[],
            params=updated.params.with_changes(params=[cst.Param(ctx_name), *updated.params.params, *variables]),
            body=body)
        if captured:
            backward = parse_template_statement(
                "@staticmethod\n"
                "def backward({ctx}, *upstream):\n"
                "    grads, variable_grads = {ctx}.backward_fn(*upstream, variables={ctx}.variables)\n"
                "    grads = list(grads) if isinstance(grads, (list, tuple)) else [grads]\n"
                "    return (*grads, *variable_grads)  # one per input: the arguments, then the variables\n",
                ctx=ctx_name)
        else:
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
        # TF converts the arguments to tensors (a Python number too: torch's ops in forward would refuse it, and
        # torch routes no gradient to it); the variables the body reads become inputs, read at each call as TF does.
        variables = "".join(f", {v}" for v in captured)
        apply = parse_template_statement(
            f"def {name}(*args):\n    return {class_name}.apply(*({{as_tensor}}(arg) for arg in args){variables})\n",
            as_tensor=self.ctx.ref("torch.as_tensor")).with_changes(leading_lines=blank)
        return cst.FlattenSentinel([function_class, apply])

    def _captured_variables(self, original: cst.FunctionDef) -> list[str]:
        """The trainable variables the body reads (TF's `variables=`); ValueError when not translated."""
        if len(original.decorators) > 1:
            raise ValueError("with other decorators")
        if any(isinstance(s, cst.ClassDef) for s in self.ctx.statements[:-1]):
            raise ValueError("on a method")
        params = original.params
        if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.kwonly_params or params.star_kwarg \
                or params.posonly_params or any(p.default is not None for p in params.params):
            raise ValueError("with default, keyword-only or star parameters")
        returns = _Returns()
        walk(original.body, returns)
        if not returns.found or returns.other:
            raise ValueError("whose returns are not all `return y, grad_fn`")
        facts = Facts.of(self.ctx)
        if not self._shadowed(original) and any(call.in_tape_bodies for call in facts.calls.values()
                                                if call.method in ("gradient", "jacobian", "batch_jacobian")):
            raise ValueError("in a file taking higher-order gradients")
        modules = {a for a, q in self.ctx.aliases.items() if q.split(".")[0] in ("tensorflow", "keras", "numpy", "math")}
        local = {p.name.value for p in params.params} | returns.bound | modules | set(dir(builtins))
        captured, unknown = set(), set()
        for name in returns.names_read:
            if name.value in local:
                continue
            kind = self._kind(name, facts)
            if kind == "variable":
                captured.add(name.value)
            elif kind == "unknown":
                unknown.add(name.value)
        takes_variables = [_takes_variables(returns.grad_fns.get(g)) for g in returns.returned_grad_fns]
        if captured and not all(takes_variables):
            raise ValueError("reading tf.Variables with a grad_fn without `variables` (TF raises)")
        if any(takes_variables) and unknown:
            raise ValueError(f"reading {', '.join(sorted(unknown))}, which may hold tf.Variables")
        if len(captured) > 1:
            raise ValueError("reading several tf.Variables (TF hands them to grad_fn in no fixed order)")
        return sorted(captured)

    def _shadowed(self, original: cst.FunctionDef) -> bool:
        """The next statement of the module defines the same name again (a notebook's first try, replaced at once):
        nothing can call this function, so no gradient goes through it."""
        body = self.ctx.module.body
        index = next((i for i, s in enumerate(body) if s is original), None)
        following = body[index + 1] if index is not None and index + 1 < len(body) else None
        return isinstance(following, cst.FunctionDef) and following.name.value == original.name.value

    def _kind(self, name: cst.Name, facts: Facts) -> str:
        """variable (trainable: TF's variable watcher sees it) | other | unknown, for a global the body reads."""
        binding = facts.binding_before(name.value, *facts.uses[id(name)]) if id(name) in facts.uses else None
        if binding is not None and isinstance(binding.value, cst.Call) and \
                self.ctx.qualname(binding.value.func) == "tensorflow.Variable":
            return "other" if facts.kind_of(name) == "frozen" else "variable"
        if binding is not None and isinstance(binding.value, (cst.Lambda,)):
            return "other"
        return "other" if facts.kind_of(name) in ("constant", "numpy", "numbers", "int") else "unknown"


def _takes_variables(grad_fn: cst.FunctionDef | cst.Lambda | None) -> bool:
    if grad_fn is None:
        return False
    params = grad_fn.params
    names = [p.name.value for p in (*params.params, *params.kwonly_params)]
    return "variables" in names or isinstance(params.star_kwarg, cst.Param)


class _Returns(cst.CSTVisitor):
    """The function's own return statements (not those of the grad_fn it defines) and the names its body reads."""

    def __init__(self):
        self.found = False
        self.other = False
        self.names_read: list[cst.Name] = []
        self.bound: set[str] = set()  # names the body binds (locals)
        self.grad_fns: dict[str, cst.FunctionDef] = {}  # the functions it defines
        self.returned_grad_fns: list[str | None] = []  # the name of each return's grad_fn

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.grad_fns[node.name.value] = node
        self.bound.add(node.name.value)
        return False  # grad_fn: runs in the backward pass, where TF's variable watcher is off

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.bound.update(n.value for n in target_names(node.target))

    def visit_For(self, node: cst.For) -> None:
        self.bound.update(n.value for n in target_names(node.target))

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk(node.value, self)  # `tf.exp`: `exp` is not a name read
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)  # a keyword is not a name read
        return False

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if isinstance(value, cst.Tuple) and len(value.elements) == 2 and not any(
                isinstance(e, cst.StarredElement) for e in value.elements):
            self.found = True
            grad_fn = value.elements[1].value
            self.returned_grad_fns.append(grad_fn.value if isinstance(grad_fn, cst.Name) else None)
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


class _TwingradFunctions(cst.CSTVisitor):
    """The FunctionCtx helper classes torch_function.py defines and the `apply` methods it writes over them
    (compared with its templates, ids of the original nodes); a helper whose name is used elsewhere stays (its
    applies too)."""

    def __init__(self, tf_aliases: set[str]):
        self.tf_aliases = tf_aliases
        self.helpers: set[str] = set()
        self.applies: dict[int, str] = {}  # id(apply FunctionDef) -> the helper it uses
        self.classes: dict[int, str] = {}  # id(ClassDef of a recognised Function) -> the helper it uses
        self.uses: dict[str, int] = {}  # helper name -> how often it is read outside its class and the applies

    def visit_Module(self, node: cst.Module) -> None:
        for stmt in node.body:
            if isinstance(stmt, cst.ClassDef) and _is_ctx_helper(stmt, self.tf_aliases):
                self.helpers.add(stmt.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if node.name.value in self.helpers:
            return False  # its own name is not a use
        methods = {m.name.value: m for m in node.body.body if isinstance(m, cst.FunctionDef)}
        apply = methods.get("apply")
        static = all(name in methods and [code_of(d.decorator) for d in methods[name].decorators] == ["staticmethod"]
                     for name in ("forward", "backward"))
        helper = next((h for h in self.helpers for tf in self.tf_aliases if apply is not None and apply.with_changes(
            leading_lines=[]).deep_equals(_apply(tf, h, node.name.value))), None) if static else None
        if helper is not None:
            self.applies[id(apply)] = self.classes[id(node)] = helper
        return True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return id(node) not in self.applies

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.helpers:
            self.uses[node.value] = self.uses.get(node.value, 0) + 1

    def leave_Module(self, original: cst.Module) -> None:
        """Forget the helpers (and their applies) used elsewhere: removing them would break those uses."""
        kept = {h for h in self.helpers if self.uses.get(h)}
        self.helpers -= kept
        self.applies = {k: h for k, h in self.applies.items() if h not in kept}
        self.classes = {k: h for k, h in self.classes.items() if h not in kept}


def _is_ctx_helper(node: cst.ClassDef, tf_aliases: set[str]) -> bool:
    if not re.fullmatch(r"FunctionCtx\d*", node.name.value):
        return False
    plain = node.with_changes(leading_lines=[])
    return any(plain.deep_equals(_ctx_class(node.name.value, tf)) for tf in tf_aliases)


@functools.lru_cache(maxsize=None)
def _ctx_class(name: str, tf: str) -> cst.ClassDef:
    return cst.parse_statement(CTX_CLASS.format(name=name, tf=tf))


@functools.lru_cache(maxsize=None)
def _apply(tf: str, ctx: str, cls: str) -> cst.FunctionDef:
    return cst.parse_statement(APPLY.format(tf=tf, ctx=ctx, cls=cls))
