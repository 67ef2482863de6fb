"""tf.keras.optimizers → torch.optim, driven by optimizer_table.json.

Codes:
  TG303 error  optimizer option or class with no exact torch.optim equivalent (use_ema, a clipnorm given by a name, ...);
               an optimizer attribute torch.optim has no counterpart for (reading fails, setting changes nothing)
               the variables may change between construction and the first apply_gradients (a name rebound, a
               module's attribute set or list appended to), or apply_gradients calls over different variables;
               variables the construction cannot name (apply_gradients in a function over its own variables, or
               over its parameters where not every call of it is seen)
  TG304 error  optimizer call other than apply_gradients(zip(grads, variables)) or apply_gradients([(p.grad, p)
               for p in variables if p.grad is not None]) (minimize, ...)
  TG305 info   optimizer construction moved after the variables it updates (torch needs them at construction, D1)
  TG306 warning  translated with a known numeric difference (the table's caveat, e.g. RMSprop's epsilon placement)

`opt.apply_gradients(zip(grads, vars))` becomes "set each .grad, then opt.step()": exact whatever happened to the
gradients in between (clipping, scaling), and None gradients are skipped as Keras skips them (D7). The form
PyTorch -> TF writes for a torch optimizer over a Module, `apply_gradients([(p.grad, p) for p in model.parameters()
if getattr(p, 'grad', None) is not None])`, keeps the gradients on the variables already: it becomes `opt.step()`,
which updates the parameters whose .grad is not None, as the filter does.

torch.optim takes its parameters at construction (moved after the variables' binding where that comes later, D1),
Keras at the first apply_gradients (and raises for other variables later): the variables must not change in between.
An apply_gradients in a function over its parameters (`def update(grads, weights)`) updates what the calls pass:
the construction gets that, where every call (through further functions too) is seen and passes the same variables.

A learning-rate schedule (tf.keras.optimizers.schedules.*) becomes the same function of the step, as a lambda; an
optimizer reading it is built with lr=1.0 and a LambdaLR over it, stepped after every step(), so that step k uses
schedule(k) as Keras does (D9). Keras' `iterations` reads torch's per-parameter step count; Adam's `epsilon = ...`
stays on the torch optimizer and is read where the step places epsilon as Keras does (D3). Adam's lr is set for
each step so that torch's step size is the one Keras computes in float32 from float32-rounded lr and betas
(restored after the step; not with weight_decay, which torch's AdamW scales by that lr).
Keras' clipnorm, global_clipnorm, clipvalue and weight_decay (decoupled: Adam's becomes torch's AdamW) are done
around step(), in Keras' order: clip the gradients, decay the variables that have one, update (D6, D10).
"""
from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import libcst as cst

from ..codegen import code_of
from ..rewrite import dotted
from ..templates import parse_template_expression, parse_template_statement
from ..walk import Visitor, walk
from .tf_facts import Facts

# Keras options every optimizer takes, reproduced around torch's step() (semantics.md D6, D10).
CLIPPING = ("clipnorm", "global_clipnorm", "clipvalue")
AROUND_STEP = (*CLIPPING, "weight_decay")


def load_optimizer_table() -> dict:
    return json.loads(resources.files("twingrad.translator").joinpath("optimizer_table.json").read_text())


def _literal(value) -> cst.BaseExpression:
    return cst.parse_expression(repr(value))


class _OptimizerUses(cst.CSTVisitor):
    """Which variables each optimizer name updates (from apply_gradients), and where optimizers are built."""

    def __init__(self, ctx, by_keras: dict):
        self.ctx = ctx
        self.by_keras = by_keras
        self.constructions: dict[int, str] = {}  # id(statement) -> optimizer name
        self.specs: dict[str, dict] = {}  # optimizer name -> its table entry
        self.given: dict[int, dict] = {}  # id(statement) -> keras argument name -> original value
        self.order = 0
        self.first_binding: dict[str, tuple[int, cst.CSTNode]] = {}
        self.construction_order: dict[int, int] = {}  # id(statement) -> its order
        self.applied: dict[str, list[tuple[int, cst.BaseExpression]]] = {}  # optimizer name -> (order, variables)
        # name -> orders of the statements that may change what it holds: bindings, and for the roots of a module's
        # parameters() its attributes set or lists appended to (`model.acts.append(...)`; `.grad` excepted)
        self.changes: dict[str, list[float]] = {}
        self.set_attributes: dict[str, set[str]] = {}  # optimizer name -> attributes assigned (`opt.epsilon = ...`)
        self.target_attributes: set[int] = set()  # id(Attribute) of those assignment targets
        self._statement = None
        # Functions, for apply_gradients in a function over its parameters (real fault F10): the variables are
        # what its calls pass, where the optimizer is built
        self.construction_scope: dict[int, cst.FunctionDef | None] = {}  # id(statement) -> its function
        self.applied_in: dict[int, cst.FunctionDef | None] = {}  # id(variables expression) -> its function
        self.enclosing: dict[int, cst.CSTNode | None] = {}  # id(FunctionDef) -> the def or class it is in
        self.defs: dict[str, int] = {}  # function name -> how many defs
        self.calls: dict[str, list[tuple[int, cst.Call, cst.FunctionDef | None]]] = {}  # by name: order, call, scope
        self.references: dict[str, int] = {}  # name -> Name nodes reading it (calls, defs and other uses)
        self._scopes: list[cst.CSTNode] = []  # enclosing defs and classes

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.enclosing[id(node)] = self._scopes[-1] if self._scopes else None
        self.defs[node.name.value] = self.defs.get(node.name.value, 0) + 1
        self._scopes.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._scopes.append(node)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self._scopes.pop()

    def visit_Name(self, node: cst.Name) -> None:
        self.references[node.value] = self.references.get(node.value, 0) + 1

    @property
    def _function(self) -> cst.FunctionDef | None:
        return self._scopes[-1] if self._scopes and isinstance(self._scopes[-1], cst.FunctionDef) else None

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.order += 1
        self._statement = node
        small = node.body[0] if len(node.body) == 1 else None
        if isinstance(small, cst.Assign):
            for target in small.targets:
                for name in _bound_names(target.target):
                    self.first_binding.setdefault(name, (self.order, node))
                self._change(target.target, self.order)
                if isinstance(target.target, cst.Attribute) and isinstance(target.target.value, cst.Name):
                    self.set_attributes.setdefault(target.target.value.value, set()).add(target.target.attr.value)
                    self.target_attributes.add(id(target.target))
            value = small.value
            if (isinstance(value, cst.Call) and self.ctx.qualname(value.func) in self.by_keras
                    and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)):
                self.given[id(node)] = self._given(value)
                self.constructions[id(node)] = small.targets[0].target.value
                self.construction_order[id(node)] = self.order
                self.construction_scope[id(node)] = self._function
                self.specs[small.targets[0].target.value] = self.by_keras[self.ctx.qualname(value.func)]

    def _given(self, call: cst.Call) -> dict:
        names = [row[0] for row in self.by_keras[self.ctx.qualname(call.func)]["params"]]
        return {arg.keyword.value if arg.keyword else names[i]: arg.value
                for i, arg in enumerate(call.args) if arg.keyword or i < len(names)}

    def _change(self, target: cst.BaseExpression, order: float) -> None:
        for name in _bound_names(target):
            self.changes.setdefault(name, []).append(order)
        if isinstance(target, (cst.Attribute, cst.Subscript)) and not (
                isinstance(target, cst.Attribute) and target.attr.value == "grad"):
            for name in _roots(target) or ():
                self.changes.setdefault(name, []).append(order)

    def visit_For(self, node: cst.For) -> None:
        self._change(node.target, self.order + 0.5)  # bound before the body's first statement

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name):
            self.calls.setdefault(func.value, []).append((self.order, node, self._function))
        if isinstance(func, cst.Attribute) and func.attr.value in ("append", "extend", "insert", "add_module"):
            self._change(func.value, self.order)
        if isinstance(func, cst.Attribute) and func.attr.value == "apply_gradients" and isinstance(func.value, cst.Name):
            pairs = _pairs(_applied(node, self.ctx))
            if pairs is not None:
                self.applied.setdefault(func.value.value, []).append((self.order, pairs[1]))
                self.applied_in[id(pairs[1])] = self._function

    def applies(self, construction: cst.SimpleStatementLine) -> list[tuple[int, cst.BaseExpression]]:
        """The apply_gradients (order, variables) of the optimizer a construction builds: those up to the next
        construction of its name (the first one's also those before it, in functions defined earlier); all of the
        name's where none is between."""
        name, order = self.constructions[id(construction)], self.construction_order[id(construction)]
        builds = sorted(self.construction_order[i] for i, n in self.constructions.items() if n == name)
        after = next((o for o in builds if o > order), float("inf"))
        applied = self.applied.get(name, [])
        between = [a for a in applied if order < a[0] < after or order == builds[0] and a[0] < order]
        scope = self.construction_scope[id(construction)]
        return [found for at, variables in between or applied
                for found in self._where_built(at, variables, self.applied_in[id(variables)], scope)]

    def _where_built(self, order: int, variables: cst.BaseExpression, scope, built_in, depth: int = 0) -> list:
        """(order, variables) as the construction's scope `built_in` sees the variables an apply_gradients in
        `scope` updates: through the calls of a function over its parameters (`def update(grads, weights):`,
        called as `update(grads, model.weights)`: the order is the call's), each path on its own; variables None
        where they are not known there (a function's own variables, calls not all seen, a method)."""
        if scope is None or scope is built_in:
            return [(order, variables)]
        local = self._locals(scope)
        roots = _roots(variables)
        read = roots if roots is not None else [n.value for n in _names(variables)]
        if not local & set(read):
            return [(order, variables)]  # globals
        params = {p.name.value: p for p in [*scope.params.posonly_params, *scope.params.params]}
        name = scope.name.value
        calls = self.calls.get(name, [])
        if (roots is None or depth > 8 or not set(read) & local <= set(params) or isinstance(
                self.enclosing[id(scope)], cst.ClassDef) or not calls
                or self.references.get(name, 0) != len(calls) + self.defs[name]):  # passed on, or a method
            return [(order, None)]
        found = []
        for at, call, caller in calls:
            given = _given_parameters(call, list(params))
            if given is None or not set(read) & local <= set(given):
                found.append((at, None))
                continue
            found += self._where_built(at, _substitute(variables, given), caller, built_in, depth + 1)
        return found

    def _locals(self, function: cst.FunctionDef) -> set[str]:
        facts = Facts.of(self.ctx)
        return {name for name, bindings in facts.bindings.items() if any(b.scope is function for b in bindings)} | {
            p.name.value for p in [*function.params.params, *function.params.posonly_params,
                                   *function.params.kwonly_params]}


def passed_on(node: cst.CSTNode, name: str, same_name: bool = False) -> bool:
    """Does node read `name` otherwise than as the receiver of an attribute (passed as an argument, put in a list,
    aliased, returned)? With `same_name`, an argument given to a parameter of the same name of a function of the file
    is no such read: TfOptimizerRule takes that parameter for the optimizer itself (`train(model, optimizer)` into
    `def train(model, optimizer)`), as Python does where every call passes it."""

    class Defs(cst.CSTVisitor):
        def __init__(self):
            self.params: dict[str, list[str] | None] = {}  # function name -> positional parameters (None: two defs)

        def visit_FunctionDef(self, function: cst.FunctionDef) -> None:
            names = [p.name.value for p in [*function.params.posonly_params, *function.params.params]]
            self.params[function.name.value] = None if function.name.value in self.params else names

    defs = Defs()
    walk(node, defs)

    class Reads(cst.CSTVisitor):
        def __init__(self):
            self.other = False

        def visit_Attribute(self, attribute: cst.Attribute) -> bool:
            if not isinstance(attribute.value, cst.Name):
                walk(attribute.value, self)
            return False  # `name.step`: a use the rules follow; `x.name`: no read of name

        def visit_AssignTarget(self, target: cst.AssignTarget) -> bool:
            return not isinstance(target.target, cst.Name)

        def visit_Arg(self, arg: cst.Arg) -> bool:
            walk(arg.value, self)  # `f(name=...)` names a keyword
            return False

        def visit_Call(self, call: cst.Call) -> bool:
            if dotted(call.func) == "getattr" and call.args and isinstance(call.args[0].value, cst.Name):
                for arg in call.args[1:]:  # `getattr(name, "epsilon", ...)`: an attribute (the Keras step's form)
                    walk(arg, self)
                return False
            params = defs.params.get(call.func.value) if same_name and isinstance(call.func, cst.Name) else None
            if params is None:
                return True
            for i, arg in enumerate(call.args):
                given = arg.keyword.value if arg.keyword else params[i] if i < len(params) and not arg.star else None
                if not (given == name and isinstance(arg.value, cst.Name) and arg.value.value == name):
                    walk(arg, self)
            return False

        def visit_Param(self, param: cst.Param) -> bool:
            return False

        def visit_FunctionDef(self, function: cst.FunctionDef) -> bool:
            walk(function.params, self)
            walk(function.body, self)
            return False

        def visit_Name(self, node: cst.Name) -> None:
            self.other |= node.value == name

    reads = Reads()
    walk(node, reads)
    return reads.other


def _bound_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for el in target.elements for n in _bound_names(el.value)]
    return []


def _roots(expr: cst.BaseExpression) -> list[str] | None:
    """The names an expression of variables reads them from (`w`, `[w, b]`, `model.layer.weight`,
    `model.parameters()`); None for another expression."""
    if isinstance(expr, cst.Name):
        return [expr.value]
    if isinstance(expr, (cst.List, cst.Tuple)):
        roots = [_roots(el.value) for el in expr.elements]
        return None if None in roots else [n for r in roots for n in r]
    if isinstance(expr, cst.Call) and not expr.args and isinstance(expr.func, cst.Attribute):
        return _roots(expr.func.value)
    if isinstance(expr, (cst.Attribute, cst.Subscript)):
        return _roots(expr.value)
    return None


def _given_parameters(call: cst.Call, names: list[str]) -> dict[str, cst.BaseExpression] | None:
    """Parameter -> argument of a call of a function with these positional parameters; None with *args/**kwargs."""
    if any(a.star for a in call.args):
        return None
    positional = [a.value for a in call.args if a.keyword is None]
    given = dict(zip(names, positional))
    given.update({a.keyword.value: a.value for a in call.args if a.keyword is not None})
    return given


def _substitute(expr: cst.BaseExpression, given: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
    """An expression of the forms `_roots` reads, with its root names replaced by the arguments given for them."""
    if isinstance(expr, cst.Name):
        return given.get(expr.value, expr)
    if isinstance(expr, (cst.List, cst.Tuple)):
        return expr.with_changes(elements=[e.with_changes(value=_substitute(e.value, given)) for e in expr.elements])
    if isinstance(expr, cst.Call):
        return expr.with_changes(func=_substitute(expr.func, given))
    return expr.with_changes(value=_substitute(expr.value, given))  # Attribute, Subscript


def _argument(call: cst.Call) -> cst.BaseExpression | None:
    """The one argument of apply_gradients, given by position or as grads_and_vars=."""
    if len(call.args) == 1 and not call.args[0].star and (
            call.args[0].keyword is None or call.args[0].keyword.value == "grads_and_vars"):
        return call.args[0].value
    return None


def _applied(call: cst.Call, ctx) -> cst.BaseExpression | None:
    """apply_gradients' argument (an original node); for a name, the zip it is bound to (`_bound_zip`)."""
    arg = _argument(call)
    return _bound_zip(arg, ctx) or arg if isinstance(arg, cst.Name) else arg


def _bound_zip(name: cst.Name, ctx) -> cst.Call | None:
    """`grads_and_vars = zip(grads, variables)` then `opt.apply_gradients(grads_and_vars)`: the zip, where the name
    is read nowhere else (a zip is consumed once: another read would see other pairs in the two frameworks)."""
    binding = Facts.of(ctx).reaching(name)
    value = binding.value if binding is not None else None
    if not isinstance(value, cst.Call) or _pairs(value) is None:
        return None
    if "name_counts" not in ctx.cache:  # once per file
        counts = _NameCounts()
        walk(ctx.module, counts)
        ctx.cache["name_counts"] = counts.counts
    return value if ctx.cache["name_counts"][name.value] == 2 else None


class _NameCounts(Visitor):
    """How often each name is written in the file, outside f-strings (as Python's tokenizer counts them: an
    f-string is one token to it; tokenizing the file took a twentieth of a translation)."""

    def __init__(self):
        self.counts: Counter = Counter()

    def visit_Name(self, node: cst.Name) -> None:
        self.counts[node.value] += 1

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        return False


def _pairs(arg: cst.BaseExpression | None) -> tuple[cst.BaseExpression | None, cst.BaseExpression] | None:
    """(gradients, variables) of an apply_gradients argument: `zip(grads, variables)`, or (None, variables) for
    the gradients kept on the variables, `[(p.grad, p) for p in variables if getattr(p, 'grad', None) is not None]`
    (what PyTorch -> TF writes for a torch optimizer over a Module's parameters; Keras skips None gradients as the
    filter does, torch's step() too). None for another form."""
    if isinstance(arg, cst.Call) and isinstance(arg.func, cst.Name) and arg.func.value == "zip" \
            and len(arg.args) == 2 and not any(a.keyword or a.star for a in arg.args):
        return arg.args[0].value, arg.args[1].value
    if not isinstance(arg, (cst.ListComp, cst.GeneratorExp)) or arg.for_in.inner_for_in is not None \
            or arg.for_in.asynchronous or not isinstance(arg.for_in.target, cst.Name) \
            or not isinstance(arg.elt, cst.Tuple) or len(arg.elt.elements) != 2:
        return None
    p = arg.for_in.target.value
    grad, variable = (code_of(e.value) for e in arg.elt.elements)
    grads = (f"{p}.grad", f"getattr({p}, 'grad', None)", f'getattr({p}, "grad", None)')
    kept = [f"{g} is not None" for g in grads]
    if variable != p or grad not in grads or len(arg.for_in.ifs) > 1 \
            or arg.for_in.ifs and code_of(arg.for_in.ifs[0].test) not in kept \
            or _roots(arg.for_in.iter) is None:
        return None
    return None, arg.for_in.iter


class TfOptimizerRule:
    def __init__(self, ctx):
        self.ctx = ctx
        table = load_optimizer_table()
        self.by_keras = {spec["keras"]: spec for spec in table["optimizers"].values()}
        self.keras_only = set(table["keras_only"])
        self.schedules = {f"tensorflow.keras.optimizers.schedules.{k}": v for k, v in table["schedules"].items()}
        self._schedule_names: set[str] = set()  # names bound to a translated schedule
        self._schedulers: dict[str, cst.BaseStatement] = {}  # optimizer name -> its LambdaLR statement
        self._around_step: dict[str, dict[str, cst.BaseExpression]] = {}  # optimizer name -> AROUND_STEP options
        self.uses: _OptimizerUses | None = None
        self._translated: dict[str, dict] = {}  # optimizer name -> table entry, once its construction is translated
        self._moved: dict[int, list[cst.BaseStatement]] = {}  # id(binding statement) -> statements to put after it

    def visit_Module(self, node: cst.Module) -> None:
        if "optimizers" in self.ctx.text and "apply_gradients" in self.ctx.text:
            self.uses = _OptimizerUses(self.ctx, self.by_keras)
            walk(node, self.uses)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self._is_int_of_iterations(original):
            return updated.args[0].value  # `int(opt.iterations)`: the translation is an int already
        qualified = self.ctx.qualname(original.func)
        if qualified and qualified.startswith("tensorflow.keras.optimizers.schedules."):
            return self._schedule(original, updated, qualified)
        if qualified and qualified.startswith("tensorflow.keras.optimizers."):
            return self._construct(original, updated, qualified)
        func = original.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "minimize" and self.uses
                and isinstance(func.value, cst.Name) and func.value.value in self.uses.constructions.values()):
            # Keras 3 optimizers (TF 2.16+) have no minimize(): TF raises AttributeError here.
            self.ctx.report(original, "TG304", "optimizer.minimize(): Keras 3 optimizers have none (TF raises)",
                            suggestion="compute the gradients with a GradientTape and call apply_gradients")
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        """A Keras optimizer's attributes on the torch optimizer: `iterations` is the step count torch keeps in each
        parameter's state; `epsilon = ...` on Adam is read by the step's epsilon correction (D3); others are flagged,
        as torch.optim has no such attribute (reading it fails; setting it would change nothing)."""
        spec = self._translated.get(original.value.value) if isinstance(original.value, cst.Name) else None
        attribute = original.attr.value
        if spec is None or attribute in ("apply_gradients", "minimize"):
            return updated
        if id(original) in self.uses.target_attributes:
            if attribute == "epsilon" and spec.get("epsilon_before_bias_correction"):
                return updated
            self.ctx.report(original, "TG303", f"setting optimizer.{attribute} is not translated")
            return updated
        if attribute == "iterations" and spec.get("step_in_state"):
            # Keras counts apply_gradients calls; torch counts steps per parameter: equal while every parameter
            # gets a gradient at every step, which is also when Keras' and torch's bias corrections agree.
            return parse_template_expression('int({opt}.state[{opt}.param_groups[0]["params"][0]].get("step", 0))',
                                             opt=updated.value)
        self.ctx.report(original, "TG303", f"optimizer.{attribute} has no torch.optim translation here")
        return updated

    def _is_int_of_iterations(self, call: cst.Call) -> bool:
        if not (isinstance(call.func, cst.Name) and call.func.value == "int" and len(call.args) == 1):
            return False
        arg = call.args[0].value
        return isinstance(arg, cst.Attribute) and arg.attr.value == "iterations" and isinstance(arg.value, cst.Name) \
            and self._translated.get(arg.value.value, {}).get("step_in_state", False)

    def _schedule(self, original: cst.Call, updated: cst.Call, qualified: str) -> cst.BaseExpression:
        """A Keras learning-rate schedule → the same function of the step, as a lambda (D9)."""
        spec = self.schedules.get(qualified)
        names = [row[0] for row in spec["params"]] if spec else []
        given = {arg.keyword.value if arg.keyword else names[i]: arg.value
                 for i, arg in enumerate(updated.args) if arg.keyword or i < len(names)}
        if spec is None or len(given) < len(updated.args) or any(n not in names for n in given):
            self.ctx.report(original, "TG303", f"{qualified.replace('tensorflow.', 'tf.')} with these arguments has "
                            "no translation")
            return updated
        code = {name: code_of(given[name]) if name in given else default for name, default in spec["params"]}
        variant = next((v for v in spec["variants"] if all(code[k] == w for k, w in v["when"].items())), None)
        if variant is None or any(code[n] is None for n in names if "{" + n + "}" in variant["lr"]):
            self.ctx.report(original, "TG303", f"{qualified.replace('tensorflow.', 'tf.')} with these options is not "
                            "translated")
            return updated
        self.ctx.consume(original.func)
        used = {n.value for arg in updated.args for n in _names(arg.value)}
        step = cst.Name("step" if "step" not in used else self.ctx.new_name("step"))
        values = {n: _parenthesized(given[n]) if n in given else cst.parse_expression(code[n])
                  for n in names if "{" + n + "}" in variant["lr"]}
        if "math." in variant["lr"]:
            self.ctx.ref("math.pi")  # the import
        body = parse_template_expression(variant["lr"], step=step, **values)
        statement = self.ctx.statements[-1] if self.ctx.statements else None
        if isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Assign) \
                and statement.body[0].value is original and isinstance(statement.body[0].targets[0].target, cst.Name):
            self._schedule_names.add(statement.body[0].targets[0].target.value)
        return cst.Lambda(params=cst.Parameters(params=[cst.Param(step)]), body=body)

    def _learning_rate_schedule(self, spec: dict, given: dict) -> cst.BaseExpression | None:
        """The translated schedule an optimizer reads its lr from (a lambda, or a name bound to one); None if
        learning_rate is a number. Raises ValueError with the reason when a schedule cannot be followed exactly."""
        value = given.get("learning_rate")
        if not (isinstance(value, cst.Lambda) or isinstance(value, cst.Name) and value.value in self._schedule_names):
            if isinstance(value, cst.Call):
                raise ValueError("a learning-rate schedule is not translated (torch schedulers step differently, D9)")
            return None
        for option in spec.get("lr_in_velocity", ()):
            if option in given and code_of(given[option]) not in ("0", "0.0"):
                raise ValueError(f"with {option}= Keras folds a changing learning rate into the velocity, torch "
                                 "does not (D5)")
        return value

    def _construct(self, original: cst.Call, updated: cst.Call, qualified: str) -> cst.BaseExpression:
        spec = self.by_keras.get(qualified)
        if spec is None:
            self.ctx.report(original, "TG303", f"{qualified.replace('tensorflow.', 'tf.')} has no exact torch.optim "
                            "equivalent here")
            return updated
        given: dict[str, cst.BaseExpression] = {}
        around: dict[str, cst.BaseExpression] = {}
        for i, (arg, before) in enumerate(zip(updated.args, original.args)):
            name = arg.keyword.value if arg.keyword else (spec["params"][i][0] if i < len(spec["params"]) else None)
            known = [row[0] for row in spec["params"]]
            if name in AROUND_STEP and name not in known:
                if code_of(arg.value) == "None":
                    continue
                if not isinstance(arg.value, (cst.Integer, cst.Float)):
                    self.ctx.report(before, "TG303", f"{name}= is translated only as a number")
                    return updated
                around[name] = arg.value
                continue
            if name in self.keras_only and name not in known:  # AdamW's weight_decay is torch's AdamW's
                self.ctx.report(before, "TG303", f"Keras optimizer option {name}= changes the update rule in a way "
                                f"{spec['torch']} does not reproduce")
                return updated
            if name not in known:
                self.ctx.report(before, "TG303", f"optimizer argument {name!r} is not translated")
                return updated
            given[name] = arg.value
        if sum(name in around for name in CLIPPING) > 1:
            self.ctx.report(original, "TG303", "Keras accepts only one of clipnorm, global_clipnorm, clipvalue")
            return updated
        if "weight_decay" in around and spec.get("epsilon_before_bias_correction"):
            # Keras' Adam with weight_decay is its AdamW: decoupled decay, which torch's AdamW does (D6).
            spec, given["weight_decay"] = self.by_keras["tensorflow.keras.optimizers.AdamW"], around.pop("weight_decay")
        try:
            schedule = self._learning_rate_schedule(spec, given)
        except ValueError as why:
            self.ctx.report(original, "TG303", str(why))
            return updated
        if schedule is not None:
            given["learning_rate"] = cst.Float("1.0")  # LambdaLR multiplies it by schedule(step)
        applies = self._applies()
        if not applies:
            self.ctx.report(original, "TG303", "the variables this optimizer updates were not found "
                            "(no apply_gradients(zip(grads, variables)) on it)")
            return updated
        if any(variables is None for _, variables in applies):
            self.ctx.report(original, "TG303", "the variables this optimizer updates are not known where it is built "
                            "(apply_gradients in a function, over its own variables or parameters whose calls are "
                            "not all seen): torch.optim takes them at construction",
                            suggestion="build the optimizer where the variables are")
            return updated
        name = self.uses.constructions[id(self.ctx.statements[-1])]
        if passed_on(self.ctx.module, name, same_name=True):
            # `train(opt)`, `[opt]`: an apply_gradients there is not seen as this optimizer's (and fails on torch's)
            self.ctx.report(original, "TG303", f"optimizer {name} used otherwise than as `{name}.apply_gradients(...)` "
                            "or another attribute (passed to a function, put in a list): not translated")
            return updated
        params = applies[0][1].deep_clone()
        changed = self._changed_before_update(self.ctx.statements[-1])
        if changed is not None:
            self.ctx.report(original, "TG303", f"{changed}: torch.optim takes the variables it updates at "
                            "construction, Keras at the first apply_gradients")
            return updated
        self.ctx.consume(original.func)
        self._translated[name] = spec
        self._around_step[name] = around
        if schedule is not None:
            scheduler = cst.Name(self.ctx.new_name(f"{name}_schedule"))
            self._schedulers[name] = parse_template_statement(
                "{s} = {LambdaLR}({opt}, {f})  # lr = schedule(step), read at every step as Keras does (D9)\n",
                s=scheduler, LambdaLR=self.ctx.ref("torch.optim.lr_scheduler.LambdaLR"), opt=cst.Name(name),
                f=schedule.deep_clone())
        if "caveat" in spec:
            self.ctx.report(original, "TG306", spec["caveat"], level="warning")
        args = [cst.Arg(params)]
        grouped: dict[str, list] = {}
        for keras_name, torch_name, keras_default, _ in spec["params"]:
            value = given.get(keras_name, _literal(keras_default))
            head, _, index = torch_name.partition(".")
            if index:
                grouped.setdefault(head, []).append(value)
                if len(grouped[head]) == 2:
                    args.append(_kwarg(head, cst.Tuple([cst.Element(v) for v in grouped[head]])))
            else:
                args.append(_kwarg(torch_name, value))
        return cst.Call(func=self.ctx.ref(spec["torch"]), args=args)

    def _applies(self) -> list[tuple[int, cst.BaseExpression | None]]:
        """The (order, variables) of the apply_gradients of the optimizer the current statement builds."""
        if self.uses is None:
            return []
        statement = self.ctx.statements[-1] if self.ctx.statements else None
        return self.uses.applies(statement) if id(statement) in self.uses.constructions else []

    # -- statements: apply_gradients, and moving a construction after its variables ------------------------------------
    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if self.uses is None:
            return updated
        small = updated.body[0] if len(updated.body) == 1 else None
        result = updated
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            result = self._apply_gradients(original, small.value) or updated
        name = self.uses.constructions.get(id(original))
        if name is not None and self._was_translated(updated):
            scheduler = [self._schedulers[name]] if name in self._schedulers else []
            later = self._later_binding(original)
            if later is not None:
                self._moved.setdefault(id(later), []).extend([updated.with_changes(leading_lines=[]), *scheduler])
                self.ctx.report(original, "TG305", f"{name} is built after the variables it updates: torch.optim "
                                "needs them at construction", level="info")
                return cst.RemovalSentinel.REMOVE
            if scheduler:
                result = cst.FlattenSentinel([result, *scheduler])
        moved = self._moved.pop(id(original), None)
        if moved:
            return cst.FlattenSentinel([result, *moved]) if not isinstance(result, cst.FlattenSentinel) \
                else cst.FlattenSentinel([*result.nodes, *moved])
        return result

    def _was_translated(self, statement: cst.SimpleStatementLine) -> bool:
        value = statement.body[0].value if isinstance(statement.body[0], cst.Assign) else None
        return isinstance(value, cst.Call) and self.ctx.qualname(value.func) is None

    def _later_binding(self, construction: cst.SimpleStatementLine):
        """The statement binding the last of the optimizer's variables, when that comes after the construction."""
        params = self.uses.applies(construction)[0][1]
        order = self.uses.construction_order[id(construction)]
        later = [self.uses.first_binding[n] for n in _roots(params) or () if n in self.uses.first_binding]
        later = [b for b in later if b[0] > order]
        return max(later, key=lambda b: b[0])[1] if later else None

    def _changed_before_update(self, construction: cst.SimpleStatementLine) -> str | None:
        """Why the variables torch.optim gets at construction may not be those Keras updates, or None. Keras takes
        its variables at the first apply_gradients (and raises for others later); torch.optim at construction."""
        applied = self.uses.applies(construction)
        if len({code_of(variables) for _, variables in applied}) > 1:
            return "apply_gradients over different variables"
        later = self._later_binding(construction)
        start = next(o for o, s in self.uses.first_binding.values() if s is later) if later is not None \
            else self.uses.construction_order[id(construction)]
        end = min((o for o, _ in applied if o > start), default=float("inf"))
        changed = sorted(n for n in _roots(applied[0][1]) or ()
                         if any(start < o < end for o in self.uses.changes.get(n, ())))
        if changed:
            return f"{', '.join(changed)} may change between the optimizer's construction and its first apply_gradients"
        return None

    def _apply_gradients(self, original: cst.SimpleStatementLine, call: cst.Call):
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "apply_gradients"
                and isinstance(func.value, cst.Name) and func.value.value in self.uses.constructions.values()):
            return None
        bound = self._bound_pairs(original.body[0].value, call)
        pairs = _pairs(_argument(call)) if bound is None else None
        if bound is None and pairs is None:
            self.ctx.report(original, "TG304", "apply_gradients is translated only in the forms "
                            "apply_gradients(zip(grads, variables)) and apply_gradients([(p.grad, p) for p in "
                            "variables if p.grad is not None])")
            return None
        statements = []
        # Fresh loop names: the loop must not rebind a name the program uses (the gradients are often called g).
        param, grad = cst.Name(self.ctx.new_name("param")), cst.Name(self.ctx.new_name("grad"))
        if bound is not None:
            statements.append(parse_template_statement("for {g}, {p} in {pairs}:\n    {p}.grad = {g}\n", p=param,
                                                       g=grad, pairs=bound))
        elif pairs[0] is not None:
            statements.append(parse_template_statement("for {p}, {g} in zip({vs}, {gs}):\n    {p}.grad = {g}\n",
                                                       p=param, g=grad, vs=pairs[1], gs=pairs[0]))
        if pairs is not None:
            statements += self._clip_and_decay(func.value, pairs[1])
        spec = self.uses.specs[func.value.value]
        saved = None
        if spec.get("epsilon_before_bias_correction"):
            epsilon = self._keras_epsilon(func.value, spec)
            construction = next(s for s, name in self.uses.constructions.items() if name == func.value.value)
            # not with weight_decay: torch's AdamW would decay by the lr set here
            if spec["torch"] == "torch.optim.Adam" and "weight_decay" not in self.uses.given[construction]:
                saved = cst.Name(self.ctx.new_name("keras_lr"))
                statements.append(parse_template_statement('{s} = [g["lr"] for g in {opt}.param_groups]\n', s=saved,
                                                           opt=func.value))
                epsilon = self._keras_step_size(func.value, spec, epsilon)
            statements.append(epsilon)
        statements.append(parse_template_statement("{opt}.step()\n", opt=func.value))
        statements[0] = statements[0].with_changes(leading_lines=original.leading_lines)
        if saved is not None:
            statements.append(parse_template_statement('for {g}, {lr} in zip({opt}.param_groups, {s}):\n    {g}["lr"] = {lr}\n',
                                                       s=saved, opt=func.value, g=cst.Name(self.ctx.new_name("group")),
                                                       lr=cst.Name(self.ctx.new_name("lr"))))
        scheduler = self._schedulers.get(func.value.value)
        if scheduler is not None:
            statements.append(parse_template_statement("{s}.step()\n", s=scheduler.body[0].targets[0].target))
        return cst.FlattenSentinel(statements)

    def _bound_pairs(self, original: cst.Call, call: cst.Call) -> cst.Name | None:
        """`opt.apply_gradients(pairs)` of `pairs = zip(grads, variables)`: the name, whose pairs the loop consumes as
        Keras does; None for another argument, or where Keras' clipping or weight decay need the variables."""
        arg = _argument(original)
        if not isinstance(arg, cst.Name) or _bound_zip(arg, self.ctx) is None or self._around_step.get(
                call.func.value.value):
            return None
        return _argument(call)

    def _clip_and_decay(self, optimizer: cst.Name, variables: cst.BaseExpression) -> list[cst.BaseStatement]:
        """Keras clips the gradients (clipnorm per variable, global_clipnorm over all, clipvalue elementwise), then
        decays the variables that have a gradient by lr * weight_decay, before the update (D6, D10)."""
        around = self._around_step.get(optimizer.value, {})
        statements = []
        if not around:
            return []
        common = dict(p=cst.Name(self.ctx.new_name("param")), vs=variables, norm="torch.linalg.vector_norm", clamp="torch.clamp", stack="torch.stack",
                      no_grad="torch.no_grad", opt=optimizer)

        def statement(template: str, **values) -> cst.BaseStatement:
            for key, value in common.items():  # only what the template names (libcst insists)
                if "{" + key + "}" in template:
                    values[key] = self.ctx.ref(value) if isinstance(value, str) else value.deep_clone()
            return parse_template_statement(template, **values)

        if "clipnorm" in around:
            statements.append(statement(
                "for {p} in {vs}:  # Keras' clipnorm: each gradient scaled to a norm of at most c (D10)\n"
                "    if {p}.grad is not None:\n"
                "        {p}.grad = {p}.grad * {c} / {clamp}({norm}({p}.grad), min={c})\n", c=around["clipnorm"]))
        if "global_clipnorm" in around:
            total = cst.Name(self.ctx.new_name("global_norm"))
            statements.append(statement(
                "{total} = {norm}({stack}([{norm}({p}.grad) for {p} in {vs} if {p}.grad is not None]))"
                "  # Keras' global_clipnorm (D10)\n", total=total))
            statements.append(statement(
                "for {p} in {vs}:\n"
                "    if {p}.grad is not None:\n"
                "        {p}.grad = {p}.grad * ({c} * {clamp}(1.0 / {total}, max=1.0 / {c}))\n",
                c=around["global_clipnorm"], total=total))
        if "clipvalue" in around:
            statements.append(statement(
                "for {p} in {vs}:  # Keras' clipvalue\n"
                "    if {p}.grad is not None:\n"
                "        {p}.grad = {clamp}({p}.grad, -{c}, {c})\n", c=around["clipvalue"]))
        if "weight_decay" in around:
            statements.append(statement(
                "with {no_grad}():  # Keras' weight_decay: w -= w * wd * lr before the update (D6)\n"
                "    for {p} in {vs}:\n"
                "        if {p}.grad is not None:\n"
                "            {p}.sub_({p} * {wd} * {opt}.param_groups[0][\"lr\"])\n",
                wd=around["weight_decay"]))
        return statements

    def _keras_epsilon(self, optimizer: cst.BaseExpression, spec: dict) -> cst.BaseStatement:
        """Keras adds epsilon before the bias correction: scale torch's eps by 1/sqrt(1 - beta_2**t) (D3)."""
        construction = next(s for s, name in self.uses.constructions.items() if name == optimizer.value)
        given = self.uses.given[construction]
        defaults = {row[0]: row[2] for row in spec["params"]}
        epsilon = given.get("epsilon") or _literal(defaults["epsilon"])
        if "epsilon" in self.uses.set_attributes.get(optimizer.value, ()):
            # the program sets Keras' epsilon (`opt.epsilon = ...`, kept on the torch optimizer): use it
            epsilon = parse_template_expression('getattr({opt}, "epsilon", {eps})', opt=optimizer, eps=epsilon)
        beta_2 = given.get("beta_2") or _literal(defaults["beta_2"])
        group = cst.Name(self.ctx.new_name("group"))
        # Keras counts steps once for all variables, torch per parameter: they part when a variable has no
        # gradient at some steps, and every bias correction after that would differ. Stop there, loudly.
        return parse_template_statement(
            "for {group} in {opt}.param_groups:  # Keras adds epsilon before the bias correction\n"
            "    if len({int({opt}.state[p].get(\"step\", 0)) for p in {group}[\"params\"] if p in {opt}.state or p.grad is not None}) > 1:\n"
            "        raise RuntimeError(\"twingrad: a variable had no gradient at some steps; Keras' Adam counts steps for all \"\n"
            "                           \"variables together, torch's per parameter (not translated)\")\n"
            "    {group}[\"eps\"] = {eps} / (1 - {b2} ** (int({opt}.state[{group}[\"params\"][0]].get(\"step\", 0)) + 1)) ** 0.5\n",
            group=group, opt=optimizer, eps=epsilon, b2=beta_2)


    def _keras_step_size(self, optimizer: cst.Name, spec: dict, loop: cst.For) -> cst.For:
        """Keras computes Adam's step size lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) in float32, from float32 lr
        and betas (0.999 becomes 0.99900001: 6e-6 relative at the first step); torch in double from the exact
        ones. torch's lr for this step is set so that its step size is Keras' (restored after the step: a schedule
        or the program may read it). Not bitwise: torch updates v as v * beta_2 + (1 - beta_2) * g**2, Keras as
        v + (g**2 - v) * (1 - beta_2), and divides in another order (float32 rounding, about 1e-7)."""
        construction = next(s for s, name in self.uses.constructions.items() if name == optimizer.value)
        given = self.uses.given[construction]
        defaults = {row[0]: row[2] for row in spec["params"]}
        b1, b2 = (given.get(k) or _literal(defaults[k]) for k in ("beta_1", "beta_2"))
        group = loop.target
        line = parse_template_statement(
            "{g}[\"lr\"] = float({tensor}({g}[\"lr\"], dtype={f32}) * {sqrt}(1 - {tensor}({b2}, dtype={f32}) ** {t}) / "
            "(1 - {tensor}({b1}, dtype={f32}) ** {t})) * (1 - {b1} ** {t}) / (1 - {b2} ** {t}) ** 0.5\n",
            g=group, tensor=self.ctx.ref("torch.tensor"), f32=self.ctx.ref("torch.float32"),
            sqrt=self.ctx.ref("torch.sqrt"), b1=b1, b2=b2,
            t=parse_template_expression('(int({opt}.state[{g}["params"][0]].get("step", 0)) + 1)', opt=optimizer,
                                        g=group))
        return loop.with_changes(body=loop.body.with_changes(body=[*loop.body.body, line]))


def _names(expr: cst.CSTNode) -> list[cst.Name]:
    found: list[cst.Name] = []

    class _Visit(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.append(node)

    walk(expr, _Visit())
    return found


def _parenthesized(expr: cst.BaseExpression) -> cst.BaseExpression:
    """An argument put into a template keeps its meaning as an operand (`a + b` in `x ** {p}`)."""
    if isinstance(expr, (cst.Name, cst.Integer, cst.Float, cst.Attribute, cst.Call, cst.Subscript, cst.List,
                         cst.Tuple, cst.SimpleString)) or expr.lpar:
        return expr
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
