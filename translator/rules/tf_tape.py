"""TF GradientTape → PyTorch autograd, computing the gradients TF computes (semantics.md, section A).

Codes:
  TG101 info     a gradient TF returns as None is emitted as None (source never watched, integer, non-trainable,
                 or target computed outside the tape)
  TG102 info     a tensor computed before the tape is detached inside it: TF's tape did not record it
  TG103 info     tape.reset() inside the block: what the block computed so far is detached
  TG110 error    tape method with no PyTorch translation; watched_variables() the block does not answer statically
                 (watched_variables() becomes the tuple of the variables TF watched: tf_watched.py)
  TG111 error    gradient sources of a shape we cannot map (nested structures; jacobian sources held in a name
                 whose tensors may carry a torch history; sources reading a name a comprehension binds)
  TG112 error    a tape used where its `with` block is not visible (passed in, stored) cannot be translated

Style: `backward()` and `.grad` where that computes TF's numbers (a fresh leaf gradient, one call per tape), with
`.grad` reset first where an earlier backward could have accumulated into it; `torch.autograd.grad` otherwise
(intermediate sources, persistent tapes with several calls, gradients taken inside a tape: create_graph, ZERO for
unconnected sources) or everywhere with style="autograd".
"""
from __future__ import annotations

import libcst as cst

from ..codegen import code_of
from ..templates import parse_template_expression, parse_template_statement
from ..walk import path_to, walk
from .tf_facts import Facts, Tape, TapeCall
from .tf_watched import Unknowable, watched_variables

GRADIENT_METHODS = ("gradient", "jacobian", "batch_jacobian")
LIST_HINTS = ("variables", "weights", "params", "parameters", "vars")


def _arg(call: cst.Call, index: int, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    positional = [a for a in call.args if a.keyword is None]
    return positional[index].value if index < len(positional) else None


class TfTapeRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self.facts: Facts | None = None
        if "GradientTape" in ctx.text:
            Facts.in_shared_pass(ctx)  # read in visit_Module
        self._prefix: dict[int, list[cst.BaseStatement]] = {}  # id(original statement) -> statements to put before it
        self._backward_calls = 0
        # Names bound by the comprehensions around the tape call being translated (None outside any): the call runs
        # once per element, with values the file's facts know nothing of (real faults U7, U7b, U8).
        self._local: set[str] | None = None

    def visit_Module(self, node: cst.Module) -> None:
        if "GradientTape" in self.ctx.text:
            self.facts = Facts.of(self.ctx)

    # -- the with block ---------------------------------------------------------------------------------------------
    def leave_With(self, original: cst.With, updated: cst.With):
        tapes = self.facts.tapes.get(id(original), []) if self.facts else []
        if not tapes:
            return self._stop_recording(original, updated)
        for tape in tapes:
            self.ctx.consume(tape.call.func)
        detached = sorted({name for tape in tapes for name in self._recorded_outside(tape)})
        for name in detached:
            self.ctx.report(original, "TG102", f"{name} was computed before the tape, which TF does not record: "
                            "detached inside it", level="info")
        preamble = [parse_template_statement(f"{name} = {name}.detach()\n") for name in detached]
        others = [after for before, after in zip(original.items, updated.items)
                  if not any(before.item is tape.call for tape in tapes)]
        if others:  # other context managers in the same `with` stay
            return updated.with_changes(items=[*others[:-1], others[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)],
                                        body=updated.body.with_changes(body=[*preamble, *updated.body.body]))
        statements = preamble + list(updated.body.body)
        first = statements[0]
        statements[0] = first.with_changes(leading_lines=[*updated.leading_lines, *first.leading_lines])
        return cst.FlattenSentinel(statements)

    def _stop_recording(self, original: cst.With, updated: cst.With):
        """`with tape.stop_recording():` → `with torch.no_grad():`."""
        if len(original.items) != 1 or not isinstance(original.items[0].item, cst.Call):
            return updated
        info = self.facts.calls.get(id(original.items[0].item)) if self.facts else None
        if info is None or info.method != "stop_recording":
            return updated
        no_grad = cst.Call(func=self.ctx.ref("torch.no_grad"))
        return updated.with_changes(items=[updated.items[0].with_changes(item=no_grad, asname=None)])

    def _recorded_outside(self, tape: Tape) -> list[str]:
        """Names read in the block that were computed, outside every tape, from differentiable tensors (A12)."""
        if tape.enclosing:
            return []
        reads = _names_read(tape.node.body)
        found = []
        for name in sorted(reads - tape.assigned):
            binding = self.facts.binding_before(name, tape.order, tape.scope)
            if binding is None or binding.in_tapes or binding.value is None:
                continue
            if isinstance(binding.value, cst.Call) and self.ctx.is_source_framework(self.ctx.qualname(binding.value.func)):
                continue  # a fresh variable or constant: not a recorded computation
            if any(self.facts.kind(read) == "variable" for read in _names_read(binding.value)):
                found.append(name)
        return found

    # -- statements holding tape calls --------------------------------------------------------------------------------------
    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if self.facts is None:
            return updated
        if len(original.body) == 1:
            replaced = self._whole_statement(original.body[0])
            if replaced is not None:
                return replaced
        prefix = self._prefix.pop(id(original), None)
        if prefix:  # put there after the other rules' hooks (an optimizer's apply_gradients may hold the call)
            self.ctx.put_before(original, prefix)
        return updated

    def _whole_statement(self, small: cst.BaseSmallStatement):
        """`tape.watch(x)` and `del tape` are statements of their own."""
        if isinstance(small, cst.Del) and isinstance(small.target, cst.Name):
            if any(t.name == small.target.value for tapes in self.facts.tapes.values() for t in tapes):
                return cst.RemovalSentinel.REMOVE
        if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
            return None
        info = self.facts.calls.get(id(small.value))
        if info is not None and info.method == "reset" and info.tape in info.in_tape_bodies:
            return self._reset(small, info)
        if info is None or info.method != "watch":
            return None
        watched = small.value.args[0].value
        if isinstance(watched, cst.Name) and self.facts.kind_of(watched) == "list":
            # a name holding a tuple or list of tensors: TF watches each (a tuple has no requires_grad_)
            return parse_template_statement("for {p} in {s}:\n    {p}.requires_grad_()\n",
                                            p=cst.Name(self.ctx.new_name("t")), s=watched)
        elements = [e.value for e in watched.elements] if isinstance(watched, (cst.List, cst.Tuple)) else [watched]
        statements = []
        for element in elements:
            if isinstance(element, cst.Name) and self.facts.kind_of(element) == "int":
                self.ctx.report(small, "TG101", f"{element.value} is an integer tensor: TF gives it no gradient",
                                level="info")
                continue
            statements.append(parse_template_statement("{x}.requires_grad_()\n", x=element))
        return cst.FlattenSentinel(statements) if statements else cst.RemovalSentinel.REMOVE

    def _reset(self, statement: cst.BaseSmallStatement, info: TapeCall):
        """`tape.reset()` forgets what the tape recorded so far: detach every tensor the block computed before it."""
        names = sorted({name for name, bindings in self.facts.bindings.items() for b in bindings
                        if info.tape in b.in_tapes and b.order < info.order})
        if not names:
            return cst.RemovalSentinel.REMOVE
        self.ctx.report(statement, "TG103", f"tape.reset(): {', '.join(names)} detached, as TF forgets them",
                        level="info")
        return cst.FlattenSentinel([parse_template_statement(f"{n} = {n}.detach()\n") for n in names])

    # -- the calls ----------------------------------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        info = self.facts.calls.get(id(original)) if self.facts else None
        if self.ctx.is_consumed(original):  # brought back whole by another rule (tf_torch_helpers' backward loop)
            return updated
        if info is None:
            if self.facts and any(c is original for c in self.facts.unknown_tape_calls):
                self.ctx.report(original, "TG112", "a tape whose `with` block is not in this function cannot be "
                                "translated", suggestion="compute the gradient where the tape is opened")
            return updated
        if info.method in ("watch", "stop_recording") or (info.method == "reset" and info.tape in info.in_tape_bodies):
            return updated
        if info.method == "watched_variables":
            return self._watched_variables(original, info, updated)
        if info.method not in GRADIENT_METHODS:
            self.ctx.report(original, "TG110", f"tape.{info.method}() has no PyTorch translation")
            return updated
        target, sources = _arg(updated, 0, "target"), _arg(updated, 1, "sources")
        if target is None or sources is None:
            self.ctx.report(original, "TG110", "gradient call without target and sources")
            return updated
        original_target = _arg(original, 0, "target")
        self._local = _comprehension_names(info.statement, original)
        if _names_read(_arg(original, 1, "sources")) & (self._local or set()):
            # a tensor or a list of them? watched by the tape or not (TF: None, torch.autograd.grad raises)?
            self.ctx.report(original, "TG111", "gradient sources bound by a comprehension are not translated",
                            suggestion="sources the comprehension does not bind")
            return updated
        if info.method != "gradient":
            return self._jacobian(original, info, target, sources)
        if self._target_outside(info, original_target):
            self.ctx.report(original, "TG101", "the target was computed outside the tape: TF returns None",
                            level="info")
            return self._structure(original, sources, lambda s, kind: cst.Name("None"))
        if _is_nested_structure(sources):
            self.ctx.report(original, "TG111", "nested source structures are not translated")
            return updated
        options = self._options(original, info, updated)
        kinds = [self._source_kind(info.tape, e) for e in _elements(sources)]
        if kinds and all(k == "none" for k in kinds) and not options["zero"]:
            return self._structure(original, sources, lambda s, kind: cst.Name("None"))
        if options["zero"] or not self._backward_ok(original, info, sources, options):
            grads = self._autograd(original, info, target, sources, options)
            if not self._may_leave_graph(target, info):
                return grads
            # TF answers None when nothing differentiable reached the target; autograd.grad would raise (A15).
            nones = self._structure(original, sources, lambda s, kind: parse_template_expression(
                "{z}({s})", z=self.ctx.ref("torch.zeros_like"), s=s) if options["zero"] else cst.Name("None"))
            return cst.IfExp(test=parse_template_expression("{t}.requires_grad", t=target), body=grads, orelse=nones)
        return self._backward(original, info, target, sources, options)

    def _watched_variables(self, original: cst.Call, info: TapeCall, updated: cst.Call) -> cst.BaseExpression:
        """The tuple of the variables TF's tape watched, known from reading its block (tf_watched.py)."""
        if info.tape in info.in_tape_bodies:
            self.ctx.report(original, "TG110", "tape.watched_variables() inside its own block is not translated",
                            suggestion="call it after the `with` block")
            return updated
        try:
            names = watched_variables(self.ctx, self.facts, info.tape, info.order)
        except Unknowable as why:
            self.ctx.report(original, "TG110", f"tape.watched_variables(): {why}")
            return updated
        self.ctx.consume(original.func)
        return cst.Tuple([cst.Element(cst.Name(n)) for n in names])

    def _options(self, original: cst.Call, info: TapeCall, updated: cst.Call) -> dict:
        unconnected = _arg(updated, 3, "unconnected_gradients")
        if unconnected is not None:
            self.ctx.consume(_arg(original, 3, "unconnected_gradients"))
        return {
            "output_gradients": _arg(updated, 2, "output_gradients"),
            "zero": unconnected is not None and code_of(unconnected).endswith("ZERO"),
            "create_graph": bool(info.in_tape_bodies),
            "retain_graph": (info.tape.persistent or info.tape.shares_block) and not info.in_tape_bodies,
        }

    def _target_outside(self, info: TapeCall, target: cst.BaseExpression) -> bool:
        """TF records nothing outside the `with` block: a target computed there has no gradient (A9, A12)."""
        inside = info.tape in info.in_tape_bodies
        if isinstance(target, cst.Name) and target.value in (self._local or ()):
            return False  # an element of the comprehension: whether it was recorded is known when it runs
        if isinstance(target, cst.Name):
            binding = self.facts.binding_before(target.value, info.order, info.tape.scope)
            if binding is None or binding.value is None:
                return False
            return info.tape not in binding.in_tapes and self.facts.kind(target.value) not in ("variable",)
        if isinstance(target, (cst.List, cst.Tuple, cst.Dict)):
            return False
        return not inside and not isinstance(target, (cst.Attribute, cst.Subscript))

    def _source_kind(self, tape: Tape, expr: cst.BaseExpression) -> str:
        """leaf | none | intermediate | unknown, for one source expression (as bound when the tape opened)."""
        if not isinstance(expr, cst.Name):
            return "unknown"
        name = expr.value
        if name in tape.assigned:
            return "intermediate"
        kind = self.facts.kind_at(name, tape.order, tape.scope)
        watched = name in tape.watched_names()
        if kind == "int":
            return "none"
        if kind == "variable":
            return "leaf" if tape.watches_accessed_variables or watched else "none"
        if kind in ("frozen", "constant"):
            return "leaf" if watched else "none"
        return "unknown"

    def _backward_ok(self, original: cst.Call, info: TapeCall, sources, options) -> bool:
        if self.ctx.style != "backward" or options["create_graph"] or self._local is not None:
            return False  # (a backward() before the statement would run once, not per element of a comprehension)
        if (info.tape.persistent and len(info.tape.calls) > 1) or info.tape.shares_block:
            return False
        if not isinstance(info.statement, cst.SimpleStatementLine):
            return False  # backward() must go on a line of its own before the statement
        kinds = [self._source_kind(info.tape, e) for e in _elements(sources)]
        return "intermediate" not in kinds

    # -- backward() style ---------------------------------------------------------------------------------------------------
    def _backward(self, original, info: TapeCall, target, sources, options) -> cst.BaseExpression:
        tape = info.tape
        self._backward_calls += 1
        reset_needed = info.in_loop or info.in_function or self._backward_calls > 1
        prefix: list[cst.BaseStatement] = []
        # Not the first backward: it must not add into the .grad of leaves that are not its sources, which
        # gradients read earlier may still be holding (TF's gradient calls are independent): `inputs=`.
        inputs = None
        if reset_needed:
            many = _is_dict_name(sources, self.facts, info) or _is_sequence_name(sources, self.facts, info)
            param = cst.Name(self.ctx.new_name("param")) if many else None
            prefix += self._resets(info, sources, param)
            inputs = self._inputs(info, sources, param)
        leaves_now = None
        if isinstance(inputs, cst.List) and any(self._rebound_in_loop(e.value.value, tape) for e in inputs.elements):
            # A source the loop rebinds after the tape may be a computed tensor on a later pass: TF gives it no
            # gradient (None), and backward(inputs=) would give one to a non-leaf. Only the leaves of this pass.
            leaves_now = cst.Name(self.ctx.new_name("leaves"))
            prefix.append(parse_template_statement("{k} = [{s} for {s} in {l} if {s}.is_leaf]\n", k=leaves_now,
                                                   s=cst.Name(self.ctx.new_name("source")), l=inputs))
            inputs = leaves_now
        target_expr, scalar = self._target(target, info)
        seed = options["output_gradients"]
        args = [cst.Arg(seed if seed is not None else parse_template_expression(
            "{ones}({t})", ones=self.ctx.ref("torch.ones_like"), t=target_expr))] if seed is not None or not scalar \
            else []
        if inputs is not None:
            args.append(cst.Arg(inputs, keyword=cst.Name("inputs"), equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))))
        backward = cst.SimpleStatementLine([cst.Expr(cst.Call(
            func=cst.Attribute(value=target_expr, attr=cst.Name("backward")), args=_with_commas(args)))])
        if self._may_leave_graph(target, info):
            # TF answers None when nothing differentiable reached the target; backward() would raise (A15).
            backward = cst.If(test=parse_template_expression("{t}.requires_grad", t=target_expr),
                              body=cst.IndentedBlock(body=[backward]))
        if leaves_now is not None:  # backward() refuses an empty inputs=
            backward = cst.If(test=leaves_now, body=cst.IndentedBlock(body=[backward]))
        prefix.append(backward)
        self._prefix.setdefault(id(info.statement), []).extend(prefix)
        self.ctx.consume(original.func)
        return self._structure(original, sources, self._grad_attr)

    def _rebound_in_loop(self, name: str, tape: Tape) -> bool:
        return tape.in_loop and any(b.order > tape.order and b.scope is tape.scope
                                    for b in self.facts.bindings.get(name, []))

    def _may_leave_graph(self, target: cst.BaseExpression, info: TapeCall) -> bool:
        """The target is computed from NumPy values only, or through NumPy, stop_gradient or `//` (TF has no
        gradient through floor division, the translation detaches it): it may not be connected to any source."""
        if not isinstance(target, cst.Name):
            return False
        if target.value in (self._local or ()):
            return True  # a comprehension's element, which may be a constant
        binding = self.facts.binding_before(target.value, info.order, info.tape.scope)
        if binding is None or binding.value is None:
            return False
        collected = _collect(binding.value)
        calls = [self.ctx.qualname(n.func) or "" for n in collected.calls]
        if any(q.startswith("numpy.") or q.endswith("stop_gradient") for q in calls):
            return True
        if collected.floor_division and not any(self.facts.kind_of(n) == "variable" for n in collected.undivided):
            return True  # no variable read outside the `//`
        names = [n for n in _name_nodes(binding.value) if n.value not in self.ctx.aliases]
        return bool(names) and all(self.facts.kind_of(n) == "numpy" for n in names)

    @staticmethod
    def _grad_attr(source: cst.BaseExpression, kind: str) -> cst.BaseExpression:
        return cst.Name("None") if kind == "none" else cst.Attribute(value=source, attr=cst.Name("grad"))

    def _inputs(self, info: TapeCall, sources, param: cst.Name | None) -> cst.BaseExpression | None:
        """The sources as backward()'s `inputs=`: variables by name, or those of a list that require grad; None
        where that cannot be told (the backward then goes without)."""
        if param is not None:
            values = _values(sources, self.facts, info)
            if isinstance(values, cst.ListComp) and _is_copy(values):
                values = values.for_in.iter  # `[param for param in m.parameters()]`: iterate the parameters
            return parse_template_expression("[{p} for {p} in {s} if {p}.requires_grad]", p=param, s=values)
        elements = _elements(sources)
        kinds = [self._source_kind(info.tape, e) for e in elements]
        leaves = [e for e, kind in zip(elements, kinds) if kind == "leaf"]
        if not leaves or any(kind not in ("leaf", "none") for kind in kinds):
            return None
        return cst.List([cst.Element(e) for e in leaves])

    def _resets(self, info: TapeCall, sources, param: cst.Name | None) -> list[cst.BaseStatement]:
        if param is not None:
            return [parse_template_statement("for {p} in {s}:\n    {p}.grad = None\n", p=param,
                                             s=_values(sources, self.facts, info))]
        return [parse_template_statement("{s}.grad = None\n", s=element) for element in _elements(sources)
                if self._source_kind(info.tape, element) != "none"]

    def _target(self, target: cst.BaseExpression, info: TapeCall) -> tuple[cst.BaseExpression, bool]:
        """A list or dict of targets is differentiated as the sum of their sums, as TF does (A1, A2)."""
        if isinstance(target, (cst.List, cst.Tuple, cst.Dict)):
            parts = [e.value for e in target.elements]
            total = " + ".join(code_of(p) + ".sum()" for p in parts)
            return cst.parse_expression(f"({total})" if len(parts) > 1 else total), True
        local = _names_read(target) & (self._local or set())
        return target, not local and self.facts.is_scalar(target, info.order, info.tape.scope)

    # -- torch.autograd.grad style --------------------------------------------------------------------------------------------
    def _autograd(self, original, info: TapeCall, target, sources, options) -> cst.BaseExpression:
        self.ctx.consume(original.func)
        target_expr, scalar = self._target(target, info)
        tape = info.tape

        def grad_call(inputs: cst.BaseExpression, retain: bool) -> cst.BaseExpression:
            kwargs = []
            seed = options["output_gradients"]
            if seed is not None:
                kwargs.append(("grad_outputs", seed))
            elif not scalar:
                kwargs.append(("grad_outputs", parse_template_expression("{o}({t})", o=self.ctx.ref("torch.ones_like"),
                                                                         t=target_expr)))
            if retain:
                kwargs.append(("retain_graph", cst.Name("True")))
            if options["create_graph"]:
                kwargs.append(("create_graph", cst.Name("True")))
            kwargs.append(("allow_unused", cst.Name("True")))
            if options["zero"]:
                kwargs.append(("materialize_grads", cst.Name("True")))
            args = [cst.Arg(target_expr), cst.Arg(inputs)] + [
                cst.Arg(value=v, keyword=cst.Name(k), equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
                for k, v in kwargs]
            return cst.Call(func=self.ctx.ref("torch.autograd.grad"), args=args)

        retain = options["retain_graph"]
        zero_none = options["zero"]

        def missing(source):
            if zero_none:
                return parse_template_expression("{z}({s})", z=self.ctx.ref("torch.zeros_like"), s=source)
            return cst.Name("None")

        if isinstance(sources, (cst.List, cst.Tuple)):
            elements = [e.value for e in sources.elements]
            kinds = [self._source_kind(tape, e) for e in elements]
            if "none" not in kinds:
                call = grad_call(cst.List([cst.Element(e) for e in elements]), retain)
                if isinstance(sources, cst.Tuple) or self._unpacked(info):
                    return call
                return cst.Call(func=cst.Name("list"), args=[cst.Arg(call)])
            live = [i for i, k in enumerate(kinds) if k != "none"]
            items = []
            for i, (element, kind) in enumerate(zip(elements, kinds)):
                if kind == "none":
                    self.ctx.report(original, "TG101", f"{code_of(element)} gets no gradient in TF: None", level="info")
                    items.append(missing(element))
                else:
                    keep = retain or i != live[-1]
                    items.append(cst.Subscript(value=grad_call(element, keep),
                                               slice=[cst.SubscriptElement(cst.Index(cst.Integer("0")))]))
            container = cst.Tuple if isinstance(sources, cst.Tuple) else cst.List
            return container([cst.Element(i) for i in items])
        if isinstance(sources, cst.Dict):
            keys = cst.List([cst.Element(e.key) for e in sources.elements])
            values = cst.List([cst.Element(e.value) for e in sources.elements])
            return parse_template_expression("dict(zip({k}, {g}))", k=keys, g=grad_call(values, retain))
        if _is_dict_name(sources, self.facts, info):
            values = parse_template_expression("list({s}.values())", s=sources)
            return parse_template_expression("dict(zip({s}.keys(), {g}))", s=sources, g=grad_call(values, retain))
        if _is_sequence_name(sources, self.facts, info):
            call = grad_call(sources, retain)  # a tuple, as TF answers for a tuple of sources
            return call if _is_tuple_name(sources, self.facts, info) else parse_template_expression("list({g})", g=call)
        if self._source_kind(tape, sources) == "none":
            self.ctx.report(original, "TG101", f"{code_of(sources)} gets no gradient in TF: None", level="info")
            return missing(sources)
        grad = cst.Subscript(value=grad_call(sources, retain), slice=[cst.SubscriptElement(cst.Index(cst.Integer("0")))])
        if isinstance(sources, cst.Name) and self._rebound_in_loop(sources.value, tape):
            # on a later pass the source may be a computed tensor: TF gives it no gradient, autograd.grad would
            return cst.IfExp(test=parse_template_expression("{s}.is_leaf", s=sources), body=grad, orelse=missing(sources))
        return grad

    def _unpacked(self, info: TapeCall) -> bool:
        statement = info.statement
        if not isinstance(statement, cst.SimpleStatementLine) or not isinstance(statement.body[0], cst.Assign):
            return False
        targets = statement.body[0].targets
        return len(targets) == 1 and isinstance(targets[0].target, (cst.Tuple, cst.List))

    def _structure(self, original, sources, per_source) -> cst.BaseExpression:
        """The sources' structure with each source replaced (by its gradient, or None)."""
        info = self.facts.calls[id(original)]
        tape = info.tape
        self.ctx.consume(original.func)
        if isinstance(sources, (cst.List, cst.Tuple)):
            elements = [e.with_changes(value=per_source(e.value, self._source_kind(tape, e.value)))
                        for e in sources.elements]
            if self._unpacked(self.facts.calls[id(original)]):
                return cst.Tuple(elements, lpar=[], rpar=[])  # `dx, dy = x.grad, y.grad`
            return sources.with_changes(elements=elements)
        if isinstance(sources, cst.Dict):
            return sources.with_changes(elements=[
                e.with_changes(value=per_source(e.value, self._source_kind(tape, e.value))) for e in sources.elements])
        if _is_dict_name(sources, self.facts, info):
            value = per_source(cst.Name("v"), "unknown")
            return parse_template_expression("{k: {v} for k, v in {s}.items()}", v=value, s=sources)
        if _is_sequence_name(sources, self.facts, info):
            value = per_source(cst.Name("p"), "unknown")
            if _is_tuple_name(sources, self.facts, info):  # TF answers in the sources' structure
                return parse_template_expression("tuple({v} for p in {s})", v=value, s=sources)
            return parse_template_expression("[{v} for p in {s}]", v=value, s=sources)
        return per_source(sources, self._source_kind(tape, sources))

    # -- jacobians ------------------------------------------------------------------------------------------------------------
    def _jacobian(self, original, info: TapeCall, target, sources) -> cst.BaseExpression:
        """TF's jacobian is None when no element of the target reaches the source (zeros with ZERO); its
        batch_jacobian is zeros then. Elements that do not reach it are zero rows in both (A16)."""
        many = _is_dict_name(sources, self.facts, info) or _is_sequence_name(sources, self.facts, info)
        if _is_nested_structure(sources) or (many and not self._made_there(sources, info)) or (
                info.method == "batch_jacobian" and (many or isinstance(sources, (cst.List, cst.Tuple, cst.Dict)))):
            self.ctx.report(original, "TG111", f"tape.{info.method} over these sources is not translated",
                            suggestion="one jacobian call per source")
            return original
        self.ctx.consume(original.func)
        for arg in original.args[2:]:  # unconnected_gradients, parallel_iterations, experimental_use_pfor
            self.ctx.consume(arg.value)
        # TF gives the sources' structure, each jacobian on its own (None where that source is unconnected).
        if isinstance(sources, (cst.List, cst.Tuple, cst.Dict)):
            return sources.with_changes(elements=[e.with_changes(value=self._one_jacobian(
                original, info, target, e.value)) for e in sources.elements])
        if many:
            each = cst.Name(self.ctx.new_name("source"))
            jacobian = self._one_jacobian(original, info, target, each)
            if _is_dict_name(sources, self.facts, info):
                return parse_template_expression("{{k}: {j} for {k}, {p} in {s}.items()}", j=jacobian, p=each,
                                                 s=sources, k=cst.Name(self.ctx.new_name("key")))
            form = "tuple({j} for {p} in {s})" if _is_tuple_name(sources, self.facts, info) else "[{j} for {p} in {s}]"
            return parse_template_expression(form, j=jacobian, p=each, s=sources)
        return self._one_jacobian(original, info, target, sources)

    def _made_there(self, sources: cst.BaseExpression, info: TapeCall) -> bool:
        """A name holding a display of tensors each made by a TF call of literals (`(tf.constant(1.0), w)`, w a
        tf.Variable): in torch none carries the history of an earlier tape's watch, which TF's tape would not see
        (`(x, x * 2)` with x watched before: torch's jacobian for x would go through x * 2 too)."""
        value = _value_at(sources, self.facts, info)
        if not isinstance(value, (cst.List, cst.Tuple, cst.Dict)):
            return True  # trainable_variables, watched_variables(), a comprehension: variables
        for element in value.elements:
            tensor = element.value
            if isinstance(tensor, cst.Name):
                binding = self.facts.binding_before(tensor.value, info.order, info.tape.scope)
                tensor = binding.value if binding is not None else None
            if not (isinstance(tensor, cst.Call) and self.ctx.is_source_framework(self.ctx.qualname(tensor.func))
                    and all(n.value in self.ctx.aliases for n in _name_nodes(tensor))):
                return False
        return True

    def _one_jacobian(self, original, info: TapeCall, target, sources) -> cst.BaseExpression:
        unconnected = _arg(original, 2, "unconnected_gradients")
        zero = unconnected is not None and code_of(unconnected).endswith("ZERO")
        batch = info.method == "batch_jacobian"
        shape = "{y}.shape + {x}.shape[1:]" if batch else "{y}.shape + {x}.shape"
        zeros = parse_template_expression("{zeros}(" + shape + ", dtype={y}.dtype)", zeros=self.ctx.ref("torch.zeros"),
                                          x=sources, y=target)
        if self._source_kind(info.tape, sources) == "none":
            if batch or zero:
                return zeros
            self.ctx.report(original, "TG101", f"{code_of(sources)} gets no gradient in TF: None", level="info")
            return cst.Name("None")
        create = ", create_graph=True" if info.in_tape_bodies else ""
        grad = self.ctx.ref("torch.autograd.grad")
        stack = self.ctx.ref("torch.stack")
        # One backward pass per output element, over the recorded graph; unconnected parts are zeros.
        if not batch:
            template = ("{stack}([{grad}(y_i, {x}, retain_graph=True, allow_unused=True, materialize_grads=True"
                        + create + ")[0] for y_i in {y}.reshape(-1)]).reshape({y}.shape + {x}.shape)")
        else:
            template = ("{stack}([{grad}(y_j.sum(), {x}, retain_graph=True, allow_unused=True, materialize_grads=True"
                        + create + ")[0] for y_j in {y}.reshape({y}.shape[0], -1).unbind(1)], dim=1)"
                        ".reshape({y}.shape + {x}.shape[1:])")
        jacobian = parse_template_expression(template, stack=stack, grad=grad, x=sources, y=target)
        if self._reaches(target, sources, info):
            return jacobian
        if batch or zero:  # a target off the graph has no rows to differentiate: zeros
            return cst.IfExp(test=parse_template_expression("{y}.requires_grad", y=target), body=jacobian,
                             orelse=zeros)
        connected = parse_template_expression(
            "{y}.requires_grad and {grad}({y}.sum(), {x}, retain_graph=True, allow_unused=True)[0] is not None",
            y=target, x=sources, grad=grad)
        return cst.IfExp(test=connected, body=jacobian, orelse=cst.Name("None"))

    def _reaches(self, target: cst.BaseExpression, source: cst.BaseExpression, info: TapeCall, depth: int = 0) -> bool:
        """A static proof that the target depends on the source (a watched leaf) through smooth ops taped in the
        block: then TF's jacobian is a tensor and no runtime check is needed."""
        if depth > 8 or not isinstance(target, cst.Name) or not isinstance(source, cst.Name):
            return False
        if target.value in (self._local or ()):
            return False
        if depth == 0 and self._source_kind(info.tape, source) != "leaf":
            return False
        binding = self.facts.binding_before(target.value, info.order, info.tape.scope)
        if binding is None or binding.value is None or info.tape not in binding.in_tapes:
            return False
        names = _smooth_names(binding.value, self.ctx)
        if names is None:
            return False
        return source.value in names or any(
            self._reaches(cst.Name(n), source, info, depth + 1) for n in names if n in info.tape.assigned)


# Elementwise-smooth or structural TF ops: a path through them from the source to the target is a real dependence
# with a gradient (no cast, rounding, comparison or stop_gradient can hide it).
SMOOTH = {"stack", "concat", "reshape", "transpose", "expand_dims", "squeeze", "exp", "log", "sin", "cos", "tanh",
          "sigmoid", "softplus", "square", "reduce_sum", "reduce_mean", "matmul", "multiply", "add", "subtract"}


SMOOTH_OPERATORS = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.Power, cst.MatrixMultiply)  # not //, %


def _smooth_names(expr: cst.BaseExpression, ctx) -> set[str] | None:
    """The names an expression reads, when it is built only from arithmetic, indexing and SMOOTH ops; else None."""
    if isinstance(expr, cst.Name):
        return {expr.value}
    if isinstance(expr, (cst.Integer, cst.Float)):
        return set()
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, SMOOTH_OPERATORS):
        parts = [_smooth_names(expr.left, ctx), _smooth_names(expr.right, ctx)]
    elif isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
        parts = [_smooth_names(expr.expression, ctx)]
    elif isinstance(expr, cst.Subscript):
        parts = [_smooth_names(expr.value, ctx)]
    elif isinstance(expr, (cst.List, cst.Tuple)):
        parts = [_smooth_names(e.value, ctx) for e in expr.elements]
    elif isinstance(expr, cst.Call):
        qualified = ctx.qualname(expr.func) or ""
        if not qualified.startswith("tensorflow.") or qualified.rsplit(".", 1)[-1] not in SMOOTH:
            return None
        parts = [_smooth_names(a.value, ctx) for a in expr.args if a.keyword is None]
    else:
        return None
    if any(p is None for p in parts):
        return None
    return set().union(*parts)


def _comprehension_names(statement: cst.CSTNode, call: cst.Call) -> set[str] | None:
    """The names bound by the comprehensions and lambdas of `statement` that evaluate `call` once per element or
    invocation (not in a comprehension's first iterable, which runs once); None when there is none."""
    path = path_to(statement, call) or []
    names = None
    for i, node in enumerate(path):
        if isinstance(node, cst.Lambda):
            names = (names or set()) | {p.name.value for p in node.params.params}
        elif isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            if path[i + 1:i + 3] == [node.for_in, node.for_in.iter]:
                continue
            names = names or set()
            loop = node.for_in
            while loop is not None:
                names |= {n.value for n in _name_nodes(loop.target)}
                loop = loop.inner_for_in
    return names


def _values(sources: cst.BaseExpression, facts: Facts, at: TapeCall) -> cst.BaseExpression:
    """The tensors of a list or dict of sources, to iterate over."""
    return parse_template_expression("{s}.values()", s=sources) if _is_dict_name(sources, facts, at) else sources


def _is_copy(comprehension: cst.ListComp) -> bool:
    """`[x for x in it]`."""
    loop = comprehension.for_in
    return (isinstance(comprehension.elt, cst.Name) and isinstance(loop.target, cst.Name)
            and comprehension.elt.value == loop.target.value and not loop.ifs and loop.inner_for_in is None)


def _with_commas(args: list[cst.Arg]) -> list[cst.Arg]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=comma) for a in args[:-1]] + args[-1:]


def _elements(sources: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(sources, (cst.List, cst.Tuple, cst.Dict)):
        return [e.value for e in sources.elements]
    return [sources]


def _is_nested_structure(sources: cst.BaseExpression) -> bool:
    return any(isinstance(e, (cst.List, cst.Tuple, cst.Dict)) for e in _elements(sources)) and isinstance(
        sources, (cst.List, cst.Tuple, cst.Dict))


# A name's kind is that of the binding that reaches the tape call (a notebook may rebind `inputs` to one tensor
# later: not the tuple the call differentiates with respect to, real fault N2). The name hints (`weights`, `params`)
# only guess where the file does not show what is bound: `weights = tf.Variable(...)` is one variable (real fault F1).
def _is_sequence_name(expr: cst.BaseExpression, facts: Facts, at: TapeCall) -> bool:
    if isinstance(expr, cst.ListComp):
        return True  # e.g. a tf.Module's trainable_variables, already rewritten
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value in ("list", "tuple"):
        return True
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        # `a.trainable_variables + b.trainable_variables`: TF adds sequences only to sequences
        return any(isinstance(side, (cst.List, cst.Tuple)) or _is_sequence_name(side, facts, at)
                   for side in (expr.left, expr.right))
    if isinstance(expr, cst.Name):
        if _is_watched_variables(_value_at(expr, facts, at), facts):
            return True  # `watched = tape.watched_variables()`: a tuple of variables
        kind = facts.kind_at(expr.value, at.order, at.tape.scope)
        return kind == "list" if kind != "unknown" else expr.value.endswith(LIST_HINTS)
    if isinstance(expr, cst.Attribute):
        kinds = {facts.value_kind(v) for v in facts.attribute_values.get(expr.attr.value, [])}
        return kinds == {"list"} if kinds and "unknown" not in kinds else expr.attr.value.endswith(LIST_HINTS)
    return False


def _is_tuple_name(expr: cst.BaseExpression, facts: Facts, at: TapeCall) -> bool:
    value = _value_at(expr, facts, at)
    return isinstance(value, cst.Tuple) or isinstance(value, cst.Call) and isinstance(value.func, cst.Name) \
        and value.func.value == "tuple"


def _value_at(expr: cst.BaseExpression, facts: Facts, at: TapeCall) -> cst.BaseExpression | None:
    """What a name is bound to where the tape call reads it."""
    binding = facts.binding_before(expr.value, at.order, at.tape.scope) if isinstance(expr, cst.Name) else None
    return binding.value if binding is not None else None


def _is_watched_variables(value: cst.BaseExpression | None, facts: Facts) -> bool:
    info = facts.calls.get(id(value)) if isinstance(value, cst.Call) else None
    return info is not None and info.method == "watched_variables"


def _is_dict_name(expr: cst.BaseExpression, facts: Facts, at: TapeCall) -> bool:
    return isinstance(expr, cst.Name) and facts.kind_at(expr.value, at.order, at.tape.scope) == "dict"


class _Collect(cst.CSTVisitor):
    """Calls, and names read (not attribute names), in an expression."""

    def __init__(self):
        self.calls: list[cst.Call] = []
        self.names: list[cst.Name] = []
        self.floor_division = False
        self.undivided: list[cst.Name] = []  # names read outside any `//`
        self._divisions = 0

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.FloorDivide):
            self.floor_division = True
            self._divisions += 1

    def leave_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        self._divisions -= isinstance(node.operator, cst.FloorDivide)

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)
        if not self._divisions:
            self.undivided.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)  # not the keyword's name
        return False


def _collect(expr: cst.CSTNode) -> _Collect:
    collect = _Collect()
    walk(expr, collect)
    return collect


def _calls(expr: cst.CSTNode) -> list[cst.Call]:
    return _collect(expr).calls


def _name_nodes(expr: cst.CSTNode) -> list[cst.Name]:
    return _collect(expr).names


def _names_read(node: cst.CSTNode) -> set[str]:
    return {n.value for n in _name_nodes(node)}
