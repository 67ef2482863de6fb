"""torch.optim over lists of leaf tensors -> tf.keras.optimizers with apply_gradients (optimizer_table.json).

`opt = torch.optim.SGD([w, b], lr=0.1)` -> `opt = tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.0,
nesterov=False)`; `opt.zero_grad()` -> `w_grad = b_grad = None` (torch's default set_to_none);
`opt.step()` -> `opt.apply_gradients(zip([w_grad, b_grad], [w, b]))`.

Every hyperparameter of the shared table is written out with torch's value, since the Keras defaults differ
(semantics D2). SGD with (Nesterov) momentum is equal at a constant learning rate (D5). Codes:

* TG505 (error) optimizer left untranslated: parameters that are not a list of leaf tensors or the `parameters()`
  of a Module or of one of its submodules (`model.hidden.parameters()`), parameter groups, an optimizer the table does not pair with a Keras one (AdamW, NAdam: D8), or
  a setting Keras computes differently: `weight_decay` (torch adds it to the gradient, Keras decays the weights:
  D6), `dampening`, `maximize`, `lr_decay`, hyperparameters passed by position after `lr`,
  `zero_grad(set_to_none=False)`, `step(closure)`; uses of `param_groups`, `state`, `state_dict()` (learning-rate
  changes through them would also differ for SGD with momentum, D5), except twingrad's own Keras step below; an
  optimizer whose name is read otherwise than as `opt.step()`, `opt.zero_grad()` (passed to a function, put in a
  list: its steps there are not seen as its own, and a Keras optimizer has no step()). An optimizer not bound to a
  name (`self.opt = ...`) stays torch's too (TG900).
* TG506 (warning) translated, but Keras adds epsilon inside the square root (RMSprop, Adagrad: D4): equal while
  gradients are much larger than epsilon. Adam's epsilon, which Keras adds before the bias correction (D3), is
  set before every `apply_gradients` to `eps * sqrt(1 - beta_2 ** t)`, which puts it where torch has it.

The way back of a Keras Adam/AdamW step (tf_optimizers.py): TF -> PyTorch writes, around each `opt.step()`,
statements that put Keras' epsilon where torch adds it (`group["eps"] = ...` for each of `opt.param_groups`, D3)
and give torch Keras' float32 step size (`group["lr"]` set for the step, restored after it). A program whose every
step of an optimizer is in that form, and whose construction is the one TF -> PyTorch writes, steps as Keras does:
those statements are removed, `opt.step()` becomes `apply_gradients` without the epsilon correction above, and the
Keras optimizer gets torch's values (its eps is Keras' epsilon). The form is recognised by translating Keras programs
with placeholders for every hyperparameter and matching the program against the result (whitespace and comments
aside, names the translation makes up renamed consistently); anything else stays TG505. So is the form it writes for
Keras' `iterations` (`int(opt.state[opt.param_groups[0]["params"][0]].get("step", 0))`), which becomes
`int(opt.iterations)` again.
"""
from __future__ import annotations

import dataclasses
import functools

import libcst as cst

from ..codegen import code_of
from ..templates import parse_template_expression
from ..walk import transform, walk
from .tf_optimizers import load_optimizer_table, passed_on
from .torch_plan import EQUAL, keyword, method_call, paren, single_call

EPSILON_PLACEMENT = {"RMSprop": "D4", "Adagrad": "D4"}  # Adam's (D3) is set before every step instead
NEUTRAL = {"params", "foreach", "fused", "differentiable", "capturable"}  # no effect on the numbers
ZERO = {"0", "0.0", "0.", "False"}
TORCH_ONLY = {"param_groups", "state", "state_dict", "load_state_dict", "add_param_group", "defaults"}
_TABLE: dict = {}


def optimizers() -> dict:
    """torch qualified name -> table entry."""
    if not _TABLE:
        _TABLE.update({e["torch"]: e for e in load_optimizer_table()["optimizers"].values()})
    return _TABLE


def optimizer_params(call: cst.Call, qualified: str, assigned: dict, scope, name: str) -> list[str] | tuple | str:
    """The leaves the optimizer `name = call` updates, ("holder", path) for `path.parameters()` of a Module or a
    submodule of one (`model.hidden`), ("holders", the list) for `[*a.parameters(), *b.parameters()]` or a plain
    class object's `model.weights`, ("kept", the list) for `[model.W, model.B]` (tensors holders keep), or why it is
    not translated."""
    entry = optimizers().get(qualified)
    if entry is None:
        return f"{qualified} has no Keras optimizer in the table that computes the same updates; left as is"
    if passed_on(scope.node, name):
        # `train(model, opt)`, `[opt_a, opt_b]`: its step() and zero_grad() there are not seen as this optimizer's
        return f"optimizer {name} used otherwise than as `{name}.step()` / `{name}.zero_grad()`; left as is"
    known = {row[1].split(".")[0] for row in entry["params"]} | NEUTRAL
    if sum(1 for a in call.args if a.keyword is None) > 2 or any(a.star for a in call.args):
        return f"{qualified}: hyperparameters after lr given by position are not translated; left as is"
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value not in known and code_of(arg.value) not in ZERO:
            return f"{qualified}({arg.keyword.value}=...) is computed differently by Keras (or not at all); left as is"
    params = keyword(call, "params", 0)
    holder = method_call(params, "parameters") if isinstance(params, cst.Call) and not params.args else None
    root = holder
    while isinstance(root, cst.Attribute):  # `model.hidden.parameters()`: a submodule of a Module
        root = root.value
    if isinstance(root, cst.Name) and scope.holder(root.value) and _attribute_path(holder):
        return ("holder", code_of(holder))
    if isinstance(params, cst.List) and params.elements and all(
            isinstance(e, cst.StarredElement) and _holder_parameters(e.value, scope) for e in params.elements):
        return ("holders", code_of(params))  # `[*a.parameters(), *b.parameters()]`: several Modules' parameters
    if isinstance(params, cst.Attribute) and _attribute_path(params) and scope.plain_holder(_root_name(params)):
        return ("holders", code_of(params))  # `model.weights` of a plain class's object: leaves it made in __init__
    if isinstance(params, (cst.List, cst.Tuple)) and params.elements and all(
            isinstance(e, cst.Element) and isinstance(e.value, cst.Attribute) and _attribute_path(e.value)
            and scope.holder(_root_name(e.value)) for e in params.elements):
        return ("kept", code_of(params))  # `[model.W, model.B]`: tensors Modules hold, kept as the list held them
    if isinstance(params, cst.Name) and isinstance(assigned.get(params.value), (cst.List, cst.Tuple)):
        params = assigned[params.value]
    elements = [e.value for e in params.elements] if isinstance(params, (cst.List, cst.Tuple)) else None
    if not elements or not all(isinstance(e, cst.Name) and scope.grad_name(e.value) for e in elements):
        return "optimizer over something other than a list of leaf tensors (e.g. a module's parameters()); left as is"
    return [e.value for e in elements]


def _holder_parameters(node, scope) -> bool:
    """`m.parameters()` or `m.sub.parameters()` of a Module name m."""
    holder = method_call(node, "parameters") if isinstance(node, cst.Call) and not node.args else None
    root = holder
    while isinstance(root, cst.Attribute):
        root = root.value
    return isinstance(root, cst.Name) and scope.holder(root.value) and _attribute_path(holder)


def _root_name(node: cst.Attribute) -> str:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value


def _attribute_path(node) -> bool:
    """`model` or `model.hidden.fc`: names and attributes only (no calls or subscripts on the way)."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


class TorchOptimizerRule:
    code = "TG505"

    def __init__(self, ctx, plan):
        self.ctx, self.plan = ctx, plan
        self.keras_forms: set[int] = set()  # ids of the statements around Keras-form steps
        self.removed: set[int] = set()  # ids of their translations, removed once the tapes are placed

    def visit_Module(self, node: cst.Module) -> None:
        if "param_groups" in self.ctx.text:
            self.plan.ensure()
            for construction, steps, around in keras_steps(node):
                if self.plan.refusals.get(id(construction)):
                    continue  # the optimizer stays torch's: so does its form
                self.keras_forms |= around
                for step in steps:  # it steps as Keras does already: no epsilon correction (torch_autograd.py)
                    self.plan.adam_steps.pop(step, None)

    def visit_SimpleStatementLine(self, node) -> bool:
        return id(node) not in self.keras_forms

    visit_For = visit_SimpleStatementLine

    def leave_For(self, original: cst.For, updated: cst.For):
        if id(original) in self.keras_forms:
            self.removed.add(id(updated))  # not yet: the tapes are placed by position in the block
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module):
        return transform(updated, _Remove(self.removed)) if self.removed else updated

    def visit_Call(self, node: cst.Call) -> bool:
        return self._iterations(node) is None

    def _iterations(self, call: cst.Call) -> str | None:
        """The optimizer (translated here) whose Keras `iterations` this is in the form TF -> PyTorch writes, else
        None. Keras counts apply_gradients calls, as the form does while every parameter gets a gradient at every
        step."""
        if not (isinstance(call.func, cst.Name) and call.func.value == "int" and "param_groups" in self.ctx.text):
            return None
        bound: dict[str, str] = {}
        if not _same(_iterations_form(), call, None, bound):
            return None
        opt = bound["OPT"]
        return opt if self._params(cst.Name(opt)) is not None or self.plan.scope().holder_optimizer(opt) else None

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        opt = self._iterations(original)
        if opt is not None:
            return parse_template_expression("int({opt}.iterations)", opt=cst.Name(opt))
        qualified = self.ctx.qualname(original.func) or ""
        if qualified in optimizers() and self._constructed(original):
            return self._constructor(original, updated, qualified)
        receiver = method_call(original, "step")
        params = self._params(receiver)
        if params is None:
            return updated
        if original.args:
            self.ctx.report(original, "TG505", "optimizer.step(closure) is not translated; left as is")
            return updated
        holder = self.plan.scope().holder_optimizer(receiver.value)
        if holder is not None:  # a Module's parameters keep their gradients in p.grad; step() skips None ones
            p = self.ctx.new_name("param")
            return cst.parse_expression(f"{receiver.value}.apply_gradients([({p}.grad, {p}) for {p} in "
                                        f"{holder} if getattr({p}, 'grad', None) is not None])")
        grads = ", ".join(self.plan.scope().grad_name(p) for p in params)
        return cst.parse_expression(f"{receiver.value}.apply_gradients(zip([{grads}], [{', '.join(params)}]))")

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if original.attr.value in TORCH_ONLY and self._params(original.value) is not None:
            self.ctx.report(original, "TG505", f"optimizer.{original.attr.value} (torch's per-group settings and "
                            "state) has no Keras counterpart; left as is")
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        """`opt.zero_grad()` over a Module's parameters, `model.zero_grad()`: every parameter's grad set to None."""
        if id(original) in self.keras_forms:
            self.removed.add(id(updated))
            return updated
        receiver = method_call(single_call(original), "zero_grad")
        if not isinstance(receiver, cst.Name) or self.plan.refusals.get(id(original)):
            return updated
        scope = self.plan.scope()
        holder = scope.holder_optimizer(receiver.value) or (
            f"{receiver.value}.parameters()" if scope.holder(receiver.value) else None)
        call = single_call(original)
        if holder is None or call.args:
            return updated
        p = self.ctx.new_name("param")
        loop = cst.parse_statement(f"for {p} in {holder}:\n    {p}.grad = None\n")
        return loop.with_changes(leading_lines=updated.leading_lines)

    def leave_Expr(self, original: cst.Expr, updated: cst.Expr):
        call = single_call(cst.SimpleStatementLine([original]))
        params = self._params(method_call(call, "zero_grad"))
        if params is None or self.plan.refusals.get(id(self.ctx.statements[-1])) \
                or self.plan.scope().holder_optimizer(call.func.value.value):
            return updated
        names = [self.plan.scope().grad_name(p) for p in params]
        return cst.Assign(targets=[cst.AssignTarget(cst.Name(n)) for n in names], value=cst.Name("None"))

    def _params(self, receiver) -> list[str] | None:
        if isinstance(receiver, cst.Name):
            return self.plan.scope().optimizer(receiver.value)
        return None

    def _constructed(self, call: cst.Call) -> bool:
        statement = self.ctx.statements[-1] if self.ctx.statements else None
        # an optimizer the plan knows the steps of (`self.opt = ...` and others stay torch's: TG900)
        return not self.plan.refusals.get(id(statement)) and isinstance(statement, cst.SimpleStatementLine) \
            and isinstance(statement.body[0], cst.Assign) and statement.body[0].value is call \
            and self._params(statement.body[0].targets[0].target) is not None

    def _constructor(self, original: cst.Call, updated: cst.Call, qualified: str):
        entry = optimizers()[qualified]
        args = []
        for keras_name, torch_name, _, torch_default in entry["params"]:
            name, _, element = torch_name.partition(".")
            value = keyword(updated, name, 1 if name == "lr" else None)
            if value is None:
                value = cst.parse_expression(repr(torch_default))
            elif element:
                value = self._element(value, int(element))
            args.append(cst.Arg(value, keyword=cst.Name(keras_name), equal=EQUAL))
        self.ctx.consume(original.func)
        keras_name = entry["keras"].rsplit(".", 1)[1]
        if keras_name in EPSILON_PLACEMENT:
            self.ctx.report(original, "TG506", f"Keras {keras_name} adds epsilon at another place than torch "
                            f"(semantics {EPSILON_PLACEMENT[keras_name]}): equal while gradients are much larger "
                            "than epsilon", level="warning")
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return cst.Call(self.ctx.ref(entry["keras"]), [a.with_changes(comma=comma) for a in args[:-1]] + args[-1:])

    @staticmethod
    def _element(value: cst.BaseExpression, index: int) -> cst.BaseExpression:
        if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) > index:
            return value.elements[index].value
        return cst.Subscript(paren(value), [cst.SubscriptElement(cst.Index(cst.Integer(str(index))))])


# -- twingrad's own Keras steps (the way back of tf_optimizers.py) -----------------------------------------------------
KERAS_PROGRAM = """import tensorflow as tf
OPT = tf.keras.optimizers.{keras}({arguments})
{before}OPT.apply_gradients(zip(GRADS, VARIABLES))
"""
EPSILON_SET = "OPT.epsilon = EPSILON_SET\n"  # Keras' epsilon set by the program: the step reads it
# Nodes that only hold whitespace, comments or punctuation.
LAYOUT = (cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.TrailingWhitespace, cst.Comment, cst.Newline,
          cst.Comma, cst.LeftParen, cst.RightParen, cst.AssignEqual, cst.Colon, cst.Dot, cst.Semicolon,
          cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.MaybeSentinel)


@dataclasses.dataclass
class _KerasStep:
    construction: cst.BaseExpression  # `torch.optim.Adam(VARIABLES, lr=LEARNING_RATE, ...)`
    before: list[cst.BaseStatement]  # the statements before `OPT.step()`
    after: list[cst.BaseStatement]  # and after it
    placeholders: frozenset[str]
    fresh: frozenset[str]  # names the translation makes up (`keras_lr`, `group`): any name, consistently
    outside: frozenset[str]  # those of them that outlive their statement (not comprehensions')


@functools.lru_cache(maxsize=None)
def _iterations_form() -> cst.BaseExpression:
    """What TF -> PyTorch writes for a Keras optimizer's `iterations` (torch's step count of the first parameter)."""
    from ..api import translate

    program = KERAS_PROGRAM.format(keras="Adam", arguments="", before="") + "ITERATIONS = OPT.iterations\n"
    return cst.parse_module(translate(program, to="torch").code).body[-1].body[0].value


@functools.lru_cache(maxsize=None)
def _keras_step_forms() -> dict[str, list[_KerasStep]]:
    """torch optimizer -> the forms TF -> PyTorch writes for its Keras optimizer's steps: Keras programs with a
    placeholder for every hyperparameter, translated."""
    from ..api import translate  # the translator itself writes the forms

    forms: dict[str, list[_KerasStep]] = {}
    for entry in load_optimizer_table()["optimizers"].values():
        if not entry.get("epsilon_before_bias_correction"):
            continue
        names = [row[0].upper() for row in entry["params"]]
        arguments = ", ".join(f"{row[0]}={name}" for row, name in zip(entry["params"], names))
        placeholders = frozenset({"OPT", "GRADS", "VARIABLES", "EPSILON_SET", *names})
        for before in ("", EPSILON_SET):
            program = KERAS_PROGRAM.format(keras=entry["keras"].rsplit(".", 1)[1], arguments=arguments, before=before)
            body = cst.parse_module(translate(program, to="torch").code).body
            step = next(i for i, stmt in enumerate(body) if code_of(stmt).strip() == "OPT.step()")
            start = step
            while "param_groups" in code_of(body[start - 1]):
                start -= 1
            construction = next(stmt.body[0].value for stmt in body if isinstance(stmt, cst.SimpleStatementLine)
                                and isinstance(stmt.body[0], cst.Assign) and code_of(stmt.body[0].targets[0].target)
                                == "OPT")
            fresh = _Bound()
            for stmt in body[start:]:
                walk(stmt, fresh)
            forms.setdefault(entry["torch"], []).append(_KerasStep(
                construction, body[start:step], body[step + 1:], placeholders, frozenset(fresh.names | fresh.outside),
                frozenset(fresh.outside)))
    return forms


class _Remove(cst.CSTTransformer):
    def __init__(self, removed: set[int]):
        self.removed = removed

    def leave_SimpleStatementLine(self, original, updated):
        return cst.RemovalSentinel.REMOVE if id(original) in self.removed else updated

    leave_For = leave_SimpleStatementLine


class _Bound(cst.CSTVisitor):
    """Names a statement binds: assignment and loop targets (`outside`: they outlive the statement), and
    comprehension targets."""

    def __init__(self):
        self.names: set[str] = set()
        self.outside: set[str] = set()

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        walk(node.target, self._Names(self.outside))

    def visit_For(self, node: cst.For) -> None:
        walk(node.target, self._Names(self.outside))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        walk(node.target, self._Names(self.names))

    class _Names(cst.CSTVisitor):
        def __init__(self, names: set[str]):
            self.names = names

        def visit_Name(self, node: cst.Name) -> None:
            self.names.add(node.value)


def _same(pattern, node, form: _KerasStep | None, bound: dict[str, str]) -> bool:
    """Does node have the pattern's code, whitespace and comments aside? A placeholder (OPT, or the form's) stands
    for any expression (the same code wherever it is again), a fresh name of the form for any name (each a
    different one)."""
    placeholders, fresh = (form.placeholders, form.fresh) if form else ({"OPT"}, frozenset())
    if isinstance(pattern, cst.Name) and (pattern.value in placeholders or pattern.value in fresh):
        if pattern.value in fresh and not (isinstance(node, cst.Name) and node.value not in bound.values()
                                                or bound.get(pattern.value) == getattr(node, "value", None)):
            return False
        return bound.setdefault(pattern.value, code_of(node)) == code_of(node)
    if type(pattern) is not type(node):
        return False
    for field in dataclasses.fields(pattern):
        if field.name == "indent":
            continue
        mine, theirs = getattr(pattern, field.name), getattr(node, field.name)
        if field.name in ("attr", "keyword"):  # `x.lr`, `f(lr=...)`: no names read
            if not (mine is None and theirs is None or isinstance(theirs, cst.Name) and mine.value == theirs.value):
                return False
        elif isinstance(mine, (list, tuple)):
            mine, theirs = ([x for x in seq if not isinstance(x, LAYOUT)] for seq in (mine, theirs))
            if len(mine) != len(theirs) or not all(_same(a, b, form, bound) for a, b in zip(mine, theirs)):
                return False
        elif isinstance(mine, LAYOUT) or isinstance(theirs, LAYOUT):
            if not (isinstance(mine, LAYOUT) and isinstance(theirs, LAYOUT)):
                return False
        elif isinstance(mine, cst.CSTNode):
            if not _same(mine, theirs, form, bound):
                return False
        elif mine != theirs:
            return False
    return True


class _Steps(cst.CSTVisitor):
    """Each optimizer's constructions (`name = call`) and `name.step()` statements with their blocks."""

    def __init__(self):
        self.constructions: dict[str, list[cst.SimpleStatementLine]] = {}
        self.steps: dict[str, list[tuple[list, int]]] = {}  # name -> (block's statements, index of the step)
        self.names: dict[str, int] = {}  # how often each name occurs

    def visit_Module(self, node: cst.Module) -> None:
        self._block(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._block(node.body)

    def _block(self, body) -> None:
        for i, stmt in enumerate(body):
            receiver = method_call(single_call(stmt), "step")
            if isinstance(receiver, cst.Name) and not single_call(stmt).args:
                self.steps.setdefault(receiver.value, []).append((list(body), i))
            small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
            if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        self.constructions.setdefault(target.target.value, []).append(stmt)

    def visit_Name(self, node: cst.Name) -> None:
        self.names[node.value] = self.names.get(node.value, 0) + 1

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk(node.value, self)  # `x.lr`: `lr` is no name
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)  # `f(lr=...)`: neither
        return False


def keras_steps(module: cst.Module) -> list[tuple[cst.SimpleStatementLine, set[int], set[int]]]:
    """For each optimizer whose steps are in the form TF -> PyTorch writes for a Keras Adam/AdamW: its construction,
    the ids of its `opt.step()` statements and of the statements around them that the form adds. Every step of the
    optimizer must be in the form, its only construction the translation's, and the names the form binds used
    nowhere else."""
    found = _Steps()
    walk(module, found)
    out = []
    for name, sites in found.steps.items():
        constructions = found.constructions.get(name, [])
        if len(constructions) != 1:
            continue
        call = constructions[0].body[0].value
        for form in next((f for q, f in _keras_step_forms().items() if code_of(call.func) == q), []):
            bound = {"OPT": name}
            if not _same(form.construction, call, form, bound):
                continue
            matched = [_site(form, dict(bound), body, i, found.names) for body, i in sites]
            if all(m is not None for m in matched):
                out.append((constructions[0], {id(body[i]) for body, i in sites}, {s for m in matched for s in m}))
                break
    return out


def _site(form: _KerasStep, bound: dict, body: list, i: int, names: dict) -> set[int] | None:
    """The ids of the statements around the step at body[i] if they are the form's, else None."""
    start, end = i - len(form.before), i + 1 + len(form.after)
    if start < 0 or end > len(body):
        return None
    statements = [*body[start:i], *body[i + 1:end]]
    if not all(_same(p, s, form, bound) for p, s in zip([*form.before, *form.after], statements)):
        return None
    inside = _Steps()
    for stmt in statements:
        walk(stmt, inside)
    if any(names.get(bound[n], 0) != inside.names.get(bound[n], 0) for n in form.outside):
        return None  # a name the form binds is read elsewhere: it would be lost
    return {id(s) for s in statements}
