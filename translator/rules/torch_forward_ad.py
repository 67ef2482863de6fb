"""Forward mode: `torch.autograd.forward_ad` -> `tf.autodiff.ForwardAccumulator`.

    with fwAD.dual_level():                              with tf.autodiff.ForwardAccumulator(x, v) as acc:
        x_dual = fwAD.make_dual(x, v)                        x_dual = x
        y = f(x_dual)                                        y = f(x_dual)
        jvp = fwAD.unpack_dual(y).tangent                    jvp = acc.jvp(y)
    after = fwAD.unpack_dual(y).tangent                  after = None

torch carries tangents on the dual tensors `make_dual` returns; TF on the primal tensors themselves, so the duals
become the primals. Tangents end with torch's dual level: `unpack_dual(y).tangent` after the block is None.

TG520 (error) leaves a dual level as is where that would not give torch's numbers: `make_dual` other than
`name = make_dual(name, tangent)` statements opening the block, a primal given twice, a block assigning a primal
or a dual, or reaching a primal's tensor by a name other than its dual's (TF would carry the tangent there too),
`unpack_dual` other than `.tangent`, `.primal` or `primal, tangent = unpack_dual(y)`.
"""
from __future__ import annotations

import libcst as cst

from ..rewrite import dotted
from ..templates import parse_template_expression, parse_template_statement
from ..walk import walk
from .forward_mode import Aliasing, argument, names_in

FORWARD_AD = "torch.autograd.forward_ad."


class TorchForwardADRule:
    code = "TG520"

    def __init__(self, ctx):
        self.ctx = ctx
        self.accumulators: dict[int, str] = {}  # id(original With) -> the accumulator's name
        self.refusals: dict[int, str] = {}  # id(original With) -> why it is left as is
        self.unpacks: set[int] = set()  # ids of the unpack_dual calls translated

    def _is(self, expr: cst.BaseExpression, name: str) -> bool:
        return isinstance(expr, cst.Call) and self.ctx.qualname(expr.func) == FORWARD_AD + name

    # -- planning, before the walk -----------------------------------------------------------------------------
    def visit_Module(self, module: cst.Module) -> None:
        if "forward_ad" not in self.ctx.text:
            return
        aliasing = Aliasing(self.ctx, module)
        for node in aliasing.file.withs:
            if len(node.items) == 1 and self._is(node.items[0].item, "dual_level"):
                why = self._refusal(node, aliasing)
                self.ctx.consume(node.items[0].item.func)  # left as is, TG520 says why
                for statement in node.body.body[:len(self._duals(node))]:
                    self.ctx.consume(self._opening(statement)[3])
                if why is None:
                    self.accumulators[id(node)] = self.ctx.new_name("accumulator")
                else:
                    self.refusals[id(node)] = why
        unpacks = _Unpacks(self)
        walk(module, unpacks)
        for call in unpacks.found:  # others stay, flagged as unknown
            self.unpacks.add(id(call))
            self.ctx.consume(call.func)

    def _refusal(self, node: cst.With, aliasing: Aliasing) -> str | None:
        if node.items[0].asname is not None:
            return "with `as`"
        duals = self._duals(node)
        if not duals:
            return "without `dual = make_dual(primal, tangent)` opening the block"
        rest = names_in(node.body.with_changes(body=node.body.body[len(duals):]))
        if any(self._is(call, "make_dual") for call in rest.calls):
            return "with make_dual() other than `name = make_dual(name, tangent)` statements opening the block"
        primals = [n for _, p, _ in duals for n in _names(p)]
        dual_names = {n for d, _, _ in duals for n in _names(d)}
        if len(set(primals)) != len(primals):
            return "with a primal given two tangents"
        if any(rest.assigned[n] for n in dual_names | set(primals)):
            return "whose block assigns a primal or a dual"
        held = set(primals).union(*(aliasing.holds(p) for p in primals))
        return aliasing.reaches(rest, dual_names, held)

    def _duals(self, node: cst.With) -> list[tuple[cst.BaseExpression, cst.BaseExpression, int]]:
        """(duals, primals, index of the statement) of the statements opening the block that make duals:
        `d = make_dual(p, t)`, `(d1, d2) = map(make_dual, (p1, p2), ts)`, `d = type(p)(map(make_dual, p, ts))`."""
        found = []
        for index, statement in enumerate(node.body.body):
            opening = self._opening(statement)
            if opening is None:
                break
            found.append((opening[0], opening[1], index))
        return found

    def _opening(self, statement: cst.BaseStatement) -> tuple | None:
        """(duals, primals, tangents, the reference to make_dual) of a statement making duals, or None."""
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and len(
            statement.body) == 1 else None
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
            return None
        target, value = small.targets[0].target, small.value
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Call) and dotted(value.func) is None and \
                isinstance(value.func.func, cst.Name) and value.func.func.value == "type" and len(value.args) == 1:
            value = value.args[0].value  # type(p)(map(...)): the container of p's type
        if self._is(value, "make_dual") and len(value.args) == 2:
            make, primal, tangent = value.func, argument(value, 0, "tensor"), argument(value, 1, "tangent")
        elif isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "map" and len(
                value.args) == 3 and self.ctx.qualname(value.args[0].value) == FORWARD_AD + "make_dual":
            make, primal, tangent = value.args[0].value, value.args[1].value, value.args[2].value
        else:
            return None
        names = lambda e: [x.value for x in e.elements] if isinstance(e, (cst.Tuple, cst.List)) else [e]
        if not all(isinstance(x, cst.Name) for x in [*names(target), *names(primal)]) or (
                isinstance(target, cst.Name) != isinstance(primal, cst.Name) and not isinstance(target, cst.Name)):
            return None
        return target, primal, tangent, make

    def visit_With(self, node: cst.With) -> None:
        why = self.refusals.get(id(node))
        if why is not None:  # reported here, where the engine knows the statement to mark
            self.ctx.report(node.items[0].item, self.code, f"forward_ad.dual_level {why}: not translated")

    # -- emitting ------------------------------------------------------------------------------------------------
    def leave_With(self, original: cst.With, updated: cst.With) -> cst.BaseStatement:
        name = self.accumulators.get(id(original))
        if name is None:
            return updated
        count = len(self._duals(original))
        openings = [self._opening(s) for s in updated.body.body[:count]]  # as the other rules translated them
        pack = (lambda items: items[0] if len(items) == 1 else cst.Tuple([cst.Element(i) for i in items]))
        accumulator = parse_template_expression("{tf}.autodiff.ForwardAccumulator({p}, {t})", tf=self.ctx.ref(
            "tensorflow"), p=pack([p for _, p, *_ in openings]), t=pack([t for _, _, t, _ in openings]))
        aliases = [parse_template_statement("{d} = {p}\n", d=d, p=p) for d, p, *_ in openings]
        return updated.with_changes(items=[cst.WithItem(accumulator, asname=cst.AsName(cst.Name(name)))],
                                    body=updated.body.with_changes(body=[*aliases, *updated.body.body[count:]]))

    def _accumulator(self) -> str | None:
        """The accumulator of the translated dual level the walk is in, "" outside every dual level, None inside
        one left as is."""
        for statement in reversed(self.ctx.statements):
            if isinstance(statement, cst.With) and len(statement.items) == 1 and self._is(
                    statement.items[0].item, "dual_level"):
                return self.accumulators.get(id(statement))
        return ""

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if id(original.value) not in self.unpacks or original.attr.value not in ("tangent", "primal"):
            return updated
        return self._unpacked(original.value, updated.value, original.attr.value) or updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        # primal, tangent = unpack_dual(y)
        target = original.targets[0].target
        if id(original.value) not in self.unpacks or not (isinstance(target, (cst.Tuple, cst.List)) and len(
                target.elements) == 2):
            return updated
        pair = [self._unpacked(original.value, updated.value, part) for part in ("primal", "tangent")]
        if None in pair:
            return updated
        return updated.with_changes(value=cst.Tuple([cst.Element(p) for p in pair]))

    def _unpacked(self, call: cst.Call, translated: cst.Call, part: str) -> cst.BaseExpression | None:
        accumulator = self._accumulator()
        if accumulator is None:
            return None
        tensor = argument(translated, 0, "tensor")
        if part == "primal":
            return tensor
        if accumulator == "":  # torch's tangents end with the dual level
            return cst.Name("None")
        return parse_template_expression("{a}.jvp({y})", a=cst.Name(accumulator), y=tensor)


class _Unpacks(cst.CSTVisitor):
    """The unpack_dual calls in the forms translated: `.tangent`, `.primal`, `primal, tangent = unpack_dual(name)`."""

    def __init__(self, rule: TorchForwardADRule):
        self.rule, self.found = rule, []

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in ("tangent", "primal") and self.rule._is(node.value, "unpack_dual"):
            self.found.append(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target
        if len(node.targets) == 1 and isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == 2 \
                and self.rule._is(node.value, "unpack_dual") and isinstance(argument(node.value, 0, "tensor"), cst.Name):
            self.found.append(node.value)  # of a name: the pair reads it twice


def _names(expr: cst.BaseExpression) -> list[str]:
    return [e.value.value for e in expr.elements] if isinstance(expr, (cst.Tuple, cst.List)) else [expr.value]
