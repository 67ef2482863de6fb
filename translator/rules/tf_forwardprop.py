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

import libcst as cst

from ..templates import parse_template_expression, parse_template_statement
from .forward_mode import Aliasing, argument, names_in

ACCUMULATOR = "tensorflow.autodiff.ForwardAccumulator"
TAPES = ("tensorflow.GradientTape", ACCUMULATOR)
FORWARD_AD = "torch.autograd.forward_ad"


class _Plan:
    def __init__(self, with_node: cst.With, primals: list[str], duals: dict[str, str]):
        self.with_node, self.primals, self.duals = with_node, primals, duals
        self.after: dict[str, str] = {}  # output name read by jvp after the block -> name of its tangent


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
        self.aliasing = Aliasing(self.ctx, module)
        self.file = self.aliasing.file
        withs = [w for w in self.file.withs if self._accumulator(w) is not None]
        for node in withs:
            why, plan = self._plan(node, withs)
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

    def _plan(self, node: cst.With, withs: list[cst.With]) -> tuple[str | None, _Plan | None]:
        call = self._accumulator(node)
        if len(node.items) != 1 or not isinstance(node.items[0].asname, cst.AsName) or not isinstance(
                node.items[0].asname.name, cst.Name):
            return "without `as name` or beside other context managers", None
        name = node.items[0].asname.name.value
        if sum(1 for w in withs if w.items[0].asname and getattr(w.items[0].asname.name, "value", None) == name) > 1:
            return f"`{name}` names several accumulators", None
        if {a.keyword.value for a in call.args if a.keyword} - {"primals", "tangents"} or len(call.args) != 2:
            return "with arguments other than primals and tangents", None
        primals = argument(call, 0, "primals")
        elements = [e.value for e in primals.elements] if isinstance(primals, (cst.Tuple, cst.List)) else [primals]
        if not all(isinstance(e, cst.Name) for e in elements):
            return "over primals other than names", None
        primal_names = [e.value for e in elements]
        body = names_in(node.body)
        if any(body.assigned[n] for n in primal_names):
            return "whose block assigns a primal", None
        if any(self._tape(w) for w in body.withs):
            return "around another tape or accumulator (forward over reverse)", None
        held = set().union(*(self.aliasing.holds(n) for n in primal_names)) - set(primal_names)  # `x` of `p = (x, 2 * x)`
        why = self.aliasing.reaches(body, set(primal_names), held)
        if why is not None:
            return why, None
        plan = _Plan(node, primal_names, {n: self.ctx.new_name(f"{n}_dual") for n in primal_names})
        inside = {id(c) for c in body.calls}
        jvps = [c for c in self.file.calls if isinstance(c.func, cst.Attribute) and c.func.attr.value == "jvp"
                and isinstance(c.func.value, cst.Name) and c.func.value.value == name]
        for jvp in jvps:
            target = argument(jvp, 0, "target")
            if target is None or {a.keyword.value for a in jvp.args if a.keyword} - {"target", "unconnected_gradients"}:
                return "with jvp() given other arguments", None
            if not isinstance(target, cst.Name) and argument(jvp, 1, "unconnected_gradients") is not None:
                return "with jvp(<expression>, unconnected_gradients=...)", None  # zeros_like would evaluate it again
            if id(jvp) in inside:
                continue
            if not isinstance(target, cst.Name):
                return "with jvp() of something other than a name after the block", None
            if not body.assigned[target.value] or self.file.assigned[target.value] != body.assigned[target.value]:
                return f"with jvp({target.value}) after the block of a name not assigned by the block alone", None
            plan.after.setdefault(target.value, self.ctx.new_name(f"{target.value}_jvp"))
        if self.file.uses[name] != 1 + len(jvps):
            return f"with `{name}` used other than by jvp()", None
        return None, plan

    def _tape(self, node: cst.With) -> bool:
        return any(isinstance(i.item, cst.Call) and self.ctx.qualname(i.item.func) in TAPES for i in node.items)

    # -- emitting ------------------------------------------------------------------------------------------------
    def leave_With(self, original: cst.With, updated: cst.With) -> cst.BaseStatement:
        plan = self.plans.get(id(original))
        if plan is None:
            return updated
        call = updated.items[0].item
        primals, tangents = argument(call, 0, "primals"), argument(call, 1, "tangents")
        fwd = self.ctx.ref(FORWARD_AD)
        if isinstance(primals, (cst.Tuple, cst.List)) and isinstance(tangents, (cst.Tuple, cst.List)) and len(
                tangents.elements) == len(primals.elements):
            make = [parse_template_statement("{d} = {fwd}.make_dual({p}, {t})\n", d=cst.Name(plan.duals[n]), fwd=fwd,
                                             p=cst.Name(n), t=e.value) for n, e in zip(plan.primals, tangents.elements)]
        elif isinstance(primals, (cst.Tuple, cst.List)):
            duals = cst.Tuple([cst.Element(cst.Name(plan.duals[n])) for n in plan.primals])
            make = [parse_template_statement("{d} = map({fwd}.make_dual, {p}, {t})\n", d=duals, fwd=fwd,
                                             p=primals, t=tangents)]
        else:  # a name: a tensor, or a tuple/list of them (TF takes nested structures)
            values = self.file.values.get(primals.value, [])
            if values and all(isinstance(v, (cst.Tuple, cst.List)) for v in values):
                template = "{d} = type({p})(map({fwd}.make_dual, {p}, {t}))\n"
            elif values and not any(self.aliasing.aliases(v) for v in values):  # made by TF ops: a tensor
                template = "{d} = {fwd}.make_dual({p}, {t})\n"
            else:
                template = ("{d} = type({p})(map({fwd}.make_dual, {p}, {t})) if isinstance({p}, (tuple, list)) "
                            "else {fwd}.make_dual({p}, {t})\n")
            make = [parse_template_statement(template, d=cst.Name(plan.duals[plan.primals[0]]), fwd=fwd, p=primals,
                                             t=tangents)]
        body = [s.visit(_Rename(plan.duals)) for s in updated.body.body]
        keep = [parse_template_statement("{j} = {fwd}.unpack_dual({y}).tangent\n", j=cst.Name(j), fwd=fwd,
                                         y=cst.Name(y)) for y, j in plan.after.items()]
        level = parse_template_expression("{fwd}.dual_level()", fwd=fwd)
        return updated.with_changes(items=[cst.WithItem(level)],
                                    body=updated.body.with_changes(body=[*make, *body, *keep]))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "jvp" and isinstance(func.value, cst.Name)
                and func.value.value in self.accumulators):
            return updated
        plan = self.accumulators[func.value.value]
        target = argument(original, 0, "target")
        zero = argument(original, 1, "unconnected_gradients")
        if zero is not None:
            self.ctx.consume(zero)
        if self._after(plan):  # a name the block assigns (planned)
            tangent = cst.Name(plan.after[target.value])
        else:  # inside the block, where a primal is read as its dual
            y = cst.Name(plan.duals[target.value]) if isinstance(target, cst.Name) and target.value in plan.duals \
                else argument(updated, 0, "target")
            tangent = parse_template_expression("{fwd}.unpack_dual({y}).tangent", fwd=self.ctx.ref(FORWARD_AD), y=y)
        if zero is not None and (self.ctx.qualname(zero) or "").endswith("UnconnectedGradients.ZERO"):
            return parse_template_expression("({torch}.zeros_like({y}) if {j} is None else {j})",
                                             torch=self.ctx.ref("torch"), y=cst.Name(target.value), j=tangent)
        return tangent

    def _after(self, plan: _Plan) -> bool:
        return not any(s is plan.with_node for s in self.ctx.statements)
