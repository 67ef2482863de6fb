"""Forward mode: `tf.autodiff.ForwardAccumulator` -> `torch.autograd.forward_ad`.

    with tf.autodiff.ForwardAccumulator(x, v) as acc:     with fwd.dual_level():
        y = f(x)                                              x_dual = fwd.make_dual(x, v)
    dy = acc.jvp(y)                                           y = f(x_dual)
                                                              y_jvp = fwd.unpack_dual(y).tangent
                                                          dy = y_jvp

TF pushes tangents through every op on the primal tensors themselves; torch only through the dual tensors
`make_dual` returns, so the block reads duals where it read the primals. The tangents exist only inside torch's
dual level: a `jvp` read after the block is taken at the block's end. An unconnected output has no tangent: None
in both (zeros with `unconnected_gradients=ZERO`).

TG113 (error) leaves an accumulator as is where that does not give TF's numbers: primals other than names, a block
assigning a primal or holding another tape or accumulator, a block that may reach a primal's tensor through
another name (a container or alias of it, a parameter, a global a called function of the file reads: TF follows
the tensor, the translation only the name), `jvp` of something other than a name the block assigns and nothing
else does, or the accumulator used otherwise.
"""
from __future__ import annotations

import builtins
from collections import Counter, defaultdict

import libcst as cst

from ..templates import parse_template_expression, parse_template_statement
from ..walk import walk

ACCUMULATOR = "tensorflow.autodiff.ForwardAccumulator"
TAPES = ("tensorflow.GradientTape", ACCUMULATOR)
FORWARD_AD = "torch.autograd.forward_ad"


class _Plan:
    def __init__(self, with_node: cst.With, primals: list[str], duals: dict[str, str]):
        self.with_node, self.primals, self.duals = with_node, primals, duals
        self.after: dict[str, str] = {}  # output name read by jvp after the block -> name of its tangent


class _Names(cst.CSTVisitor):
    """Names loaded and assigned (with the values assigned), parameters, calls and `with` statements in a subtree."""

    def __init__(self):
        self.loaded: set[str] = set()
        self.assigned: Counter[str] = Counter()  # name -> how many places assign it
        self.values: dict[str, list[cst.BaseExpression]] = defaultdict(list)  # name -> what is assigned to it
        self.parameters: set[str] = set()  # of functions and lambdas
        self.definitions: set[str] = set()  # functions and classes
        self.calls: list[cst.Call] = []
        self.withs: list[cst.With] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.loaded.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk(node.value, self)  # `obj.attr` reads `obj` only
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)  # not the keyword's name
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._targets(target.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target, node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._targets(node.target, node.iter)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._targets(node.asname.name, node.item)

    def visit_Param(self, node: cst.Param) -> None:
        self.parameters.add(node.name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.definitions.add(node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.definitions.add(node.name.value)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_With(self, node: cst.With) -> None:
        self.withs.append(node)

    def _targets(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self.assigned[target.value] += 1
            self.values[target.value].append(value if value is not None else cst.Name("None"))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:  # each name may hold any part of the value
                self._targets(element.value.value if isinstance(element, cst.StarredElement) else element.value,
                              value)


def names_in(node: cst.CSTNode) -> _Names:
    found = _Names()
    walk(node, found)
    return found


def _argument(call: cst.Call, index: int, name: str) -> cst.BaseExpression | None:
    for i, arg in enumerate(call.args):
        if (arg.keyword is not None and arg.keyword.value == name) or (arg.keyword is None and i == index):
            return arg.value
    return None


class _Rename(cst.CSTTransformer):
    def __init__(self, names: dict[str, str]):
        self.names = names

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        return updated.with_changes(value=self.names[updated.value]) if updated.value in self.names else updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)  # `obj.x`: only `obj` may be a primal

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(keyword=original.keyword)  # keyword names are not primals


class TfForwardAccumulatorRule:
    code = "TG113"

    def __init__(self, ctx):
        self.ctx = ctx
        self.plans: dict[int, _Plan] = {}  # id(original With) -> its plan
        self.accumulators: dict[str, _Plan] = {}  # the `as` name -> its plan
        self.refusals: dict[int, str] = {}  # id(original With) -> why it is left as is

    # -- planning, before the walk -----------------------------------------------------------------------------
    def visit_Module(self, module: cst.Module) -> None:
        if "ForwardAccumulator" not in self.ctx.text:
            return
        self.file = names_in(module)
        self.functions = {f.name.value: f for f in _functions(module)}
        withs = [w for w in self.file.withs if self._accumulator(w) is not None]
        in_tapes = {id(inner) for w in self.file.withs if self._tape(w) for inner in names_in(w.body).withs}
        names = _all_names(module)
        for node in withs:
            why, plan = ("inside a tape's block (reverse over forward)", None) if id(node) in in_tapes else \
                self._plan(node, withs, names)
            self.ctx.consume(self._accumulator(node).func)
            if why is not None:
                self.refusals[id(node)] = why
            else:
                self.plans[id(node)] = plan
                self.accumulators[node.items[0].asname.name.value] = plan

    def visit_With(self, node: cst.With) -> None:
        why = self.refusals.get(id(node))
        if why is not None:  # reported here, where the engine knows the statement to mark
            self.ctx.report(self._accumulator(node), self.code, f"tf.autodiff.ForwardAccumulator {why}: not translated")

    def _accumulator(self, node: cst.With) -> cst.Call | None:
        item = node.items[0].item
        if isinstance(item, cst.Call) and self.ctx.qualname(item.func) == ACCUMULATOR:
            return item
        return None

    def _plan(self, node: cst.With, withs: list[cst.With], names: list[str]) -> tuple[str | None, _Plan | None]:
        call = self._accumulator(node)
        if len(node.items) != 1 or not isinstance(node.items[0].asname, cst.AsName) or not isinstance(
                node.items[0].asname.name, cst.Name):
            return "without `as name` or beside other context managers", None
        name = node.items[0].asname.name.value
        if sum(1 for w in withs if w.items[0].asname and getattr(w.items[0].asname.name, "value", None) == name) > 1:
            return f"`{name}` names several accumulators", None
        if {a.keyword.value for a in call.args if a.keyword} - {"primals", "tangents"} or len(call.args) != 2:
            return "with arguments other than primals and tangents", None
        primals = _argument(call, 0, "primals")
        elements = [e.value for e in primals.elements] if isinstance(primals, (cst.Tuple, cst.List)) else [primals]
        if not all(isinstance(e, cst.Name) for e in elements):
            return "over primals other than names", None
        primal_names = [e.value for e in elements]
        body = names_in(node.body)
        if any(body.assigned[n] for n in primal_names):
            return "whose block assigns a primal", None
        if any(self._tape(w) for w in body.withs):
            return "around another tape or accumulator (forward over reverse)", None
        why = self._aliasing(body, set(primal_names))
        if why is not None:
            return why, None
        plan = _Plan(node, primal_names, {n: self.ctx.new_name(f"{n}_dual") for n in primal_names})
        inside = {id(c) for c in body.calls}
        jvps = [c for c in self.file.calls if isinstance(c.func, cst.Attribute) and c.func.attr.value == "jvp"
                and isinstance(c.func.value, cst.Name) and c.func.value.value == name]
        for jvp in jvps:
            target = _argument(jvp, 0, "target")
            if not isinstance(target, cst.Name) or {a.keyword.value for a in jvp.args if a.keyword} - {
                    "target", "unconnected_gradients"}:
                return "with jvp() of something other than a name", None
            if id(jvp) in inside:
                continue
            if not body.assigned[target.value] or self.file.assigned[target.value] != body.assigned[target.value]:
                return f"with jvp({target.value}) after the block of a name not assigned by the block alone", None
            plan.after.setdefault(target.value, self.ctx.new_name(f"{target.value}_jvp"))
        if names.count(name) != 1 + len(jvps):
            return f"with `{name}` used other than by jvp()", None
        return None, plan

    def _aliasing(self, body: _Names, primals: set[str]) -> str | None:
        """Why the block may reach a primal's tensor through another name (TF follows the tensor, the translation
        only the primal's name), or None. The names the block reads, and the globals of the file's functions it
        calls, must not hold a primal, a value a primal holds, or a parameter's unknown value."""
        held = set().union(*(self._holds(n) for n in primals)) - primals  # e.g. `x` for `pair = (x, x * 2)`
        reads = set(body.loaded) - set(body.assigned) - body.parameters
        for function in {c.func.value for c in body.calls if isinstance(c.func, cst.Name)} & set(self.functions):
            inner = names_in(self.functions[function])
            globals_ = set(inner.loaded) - set(inner.assigned) - inner.parameters
            if globals_ & primals:  # it would see the primal, not the dual
                return f"whose block calls {function}(), which reads a primal as a global"
            reads |= globals_
        for read in sorted(reads - primals - self.file.definitions):
            if read in self.ctx.aliases or hasattr(builtins, read):
                continue
            if read in held:
                return f"whose block reads `{read}`, which a primal holds"
            if read in self.file.parameters or read not in self.file.values:
                return f"whose block reads `{read}`, which may hold a primal's tensor"
            if self._holds(read) & (primals | held):
                return f"whose block reads `{read}`, which may hold a primal's tensor"
        return None

    def _holds(self, name: str) -> set[str]:
        """The names whose tensors `name` may hold: through plain assignments, containers, indexing and calls
        other than TF ops (TF ops make new tensors), transitively."""
        found, pending = set(), [name]
        while pending:
            for value in self.file.values.get(pending.pop(), []):
                for held in self._aliases(value) - found:
                    found.add(held)
                    pending.append(held)
        return found

    def _aliases(self, expr: cst.BaseExpression) -> set[str]:
        if isinstance(expr, cst.Name):
            return {expr.value}
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            return set().union(*(self._aliases(e.value) for e in expr.elements))
        if isinstance(expr, (cst.Subscript, cst.Attribute)):
            return self._aliases(expr.value)
        if isinstance(expr, cst.Call):
            qualified = self.ctx.qualname(expr.func) or ""
            if qualified.startswith("tensorflow.") and not qualified.startswith(("tensorflow.nest.",
                                                                                 "tensorflow.identity_n")):
                return set()
            return set().union(self._aliases(expr.func), *(self._aliases(a.value) for a in expr.args))
        return set()  # arithmetic and literals make new values

    def _tape(self, node: cst.With) -> bool:
        return any(isinstance(i.item, cst.Call) and self.ctx.qualname(i.item.func) in TAPES for i in node.items)

    # -- emitting ------------------------------------------------------------------------------------------------
    def leave_With(self, original: cst.With, updated: cst.With) -> cst.BaseStatement:
        plan = self.plans.get(id(original))
        if plan is None:
            return updated
        call = updated.items[0].item
        primals, tangents = _argument(call, 0, "primals"), _argument(call, 1, "tangents")
        fwd = self.ctx.ref(FORWARD_AD)
        if isinstance(primals, (cst.Tuple, cst.List)):
            duals = cst.Tuple([cst.Element(cst.Name(plan.duals[n])) for n in plan.primals])
            make = parse_template_statement("{d} = map({fwd}.make_dual, {p}, {t})\n", d=duals, fwd=fwd,
                                            p=primals, t=tangents)
        else:  # a name: a tensor, or a tuple/list of them (TF takes nested structures)
            values = self.file.values.get(primals.value, [])
            if values and all(isinstance(v, (cst.Tuple, cst.List)) for v in values):
                template = "{d} = type({p})(map({fwd}.make_dual, {p}, {t}))\n"
            elif values and not any(self._aliases(v) for v in values):  # made by TF ops: a tensor
                template = "{d} = {fwd}.make_dual({p}, {t})\n"
            else:
                template = ("{d} = type({p})(map({fwd}.make_dual, {p}, {t})) if isinstance({p}, (tuple, list)) "
                            "else {fwd}.make_dual({p}, {t})\n")
            make = parse_template_statement(template, d=cst.Name(plan.duals[plan.primals[0]]), fwd=fwd, p=primals,
                                            t=tangents)
        body = [s.visit(_Rename(plan.duals)) for s in updated.body.body]
        keep = [parse_template_statement("{j} = {fwd}.unpack_dual({y}).tangent\n", j=cst.Name(j), fwd=fwd,
                                         y=cst.Name(y)) for y, j in plan.after.items()]
        level = parse_template_expression("{fwd}.dual_level()", fwd=fwd)
        return updated.with_changes(items=[cst.WithItem(level)],
                                    body=updated.body.with_changes(body=[make, *body, *keep]))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "jvp" and isinstance(func.value, cst.Name)
                and func.value.value in self.accumulators):
            return updated
        plan = self.accumulators[func.value.value]
        target = _argument(original, 0, "target").value
        zero = _argument(original, 1, "unconnected_gradients")
        if zero is not None:
            self.ctx.consume(zero)
        tangent = (cst.Name(plan.after[target]) if target in plan.after and self._after(plan)
                   else parse_template_expression("{fwd}.unpack_dual({y}).tangent", fwd=self.ctx.ref(FORWARD_AD),
                                                  y=cst.Name(plan.duals.get(target, target))))
        if zero is not None and (self.ctx.qualname(zero) or "").endswith("UnconnectedGradients.ZERO"):
            return parse_template_expression("({torch}.zeros_like({y}) if {j} is None else {j})",
                                             torch=self.ctx.ref("torch"), y=cst.Name(target), j=tangent)
        return tangent

    def _after(self, plan: _Plan) -> bool:
        return not any(s is plan.with_node for s in self.ctx.statements)


def _all_names(node: cst.CSTNode) -> list[str]:
    found: list[str] = []

    class Collect(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.append(name.value)

    walk(node, Collect())
    return found


def _functions(module: cst.Module) -> list[cst.FunctionDef]:
    found: list[cst.FunctionDef] = []

    class Collect(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            found.append(node)

    walk(module, Collect())
    return found
