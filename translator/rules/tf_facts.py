"""What the TF→PyTorch autodiff rules need to know about a file before rewriting it.

One read-only pass over the original tree: the GradientTape blocks, the tape method calls that belong to each, and what
each name is bound to (a variable, a constant, a list of tensors...). Name kinds are resolved lazily, because the
file's imports are registered by the engine as it walks, after this pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .. import table as api_table
from ..codegen import code_of
from ..walk import Visitor, is_statement, walk

TAPE = "tensorflow.GradientTape"
TAPE_METHODS = {"gradient", "jacobian", "batch_jacobian", "watch", "stop_recording", "reset", "watched_variables"}
REDUCTIONS = ("reduce_", "norm", "l2_loss", "tensordot", "losses.")


@dataclass(eq=False)
class Tape:
    name: str
    node: cst.With
    call: cst.Call  # the tf.GradientTape(...) call
    scope: cst.CSTNode
    order: int
    enclosing: list["Tape"]
    in_loop: bool
    in_function: bool
    assigned: set[str] = field(default_factory=set)  # names bound anywhere in the block
    watched: list[cst.BaseExpression] = field(default_factory=list)
    calls: list[cst.Call] = field(default_factory=list)  # gradient/jacobian calls, in order

    def keyword(self, name: str) -> cst.BaseExpression | None:
        for arg in self.call.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return arg.value
        return None

    @property
    def shares_block(self) -> bool:
        """Opened in one `with` together with other tapes: their gradient calls share one recorded graph."""
        return isinstance(self.node, cst.With) and sum(
            isinstance(i.item, cst.Call) and i.asname is not None for i in self.node.items) > 1

    @property
    def persistent(self) -> bool:
        value = self.keyword("persistent") or (self.call.args[0].value if self.call.args and not self.call.args[0].keyword else None)
        return isinstance(value, cst.Name) and value.value == "True"

    @property
    def watches_accessed_variables(self) -> bool:
        value = self.keyword("watch_accessed_variables")
        return not (isinstance(value, cst.Name) and value.value == "False")

    def watched_names(self) -> set[str]:
        names = set()
        for expr in self.watched:
            elements = expr.elements if isinstance(expr, (cst.List, cst.Tuple)) else [expr]
            for el in elements:
                value = el.value if isinstance(el, cst.BaseElement) else el
                if isinstance(value, cst.Name):
                    names.add(value.value)
        return names


@dataclass
class TapeCall:
    tape: Tape
    method: str
    statement: cst.CSTNode  # the innermost statement holding the call
    order: int
    in_tape_bodies: list[Tape]  # tapes whose `with` block holds the call
    in_loop: bool
    in_function: bool


@dataclass
class Binding:
    value: cst.BaseExpression | None  # None for bindings we can't see through (for targets, parameters, imports)
    order: int
    scope: cst.CSTNode
    in_tapes: list[Tape]


class FactsCollector(Visitor):
    def __init__(self, ctx):
        self.ctx = ctx
        self.order = 0
        self.tapes: dict[int, list[Tape]] = {}  # id(With) -> the tapes it opens (`with T() as a, T() as b:`)
        self.calls: dict[int, TapeCall] = {}  # id(Call) -> TapeCall
        self.unknown_tape_calls: list[cst.Call] = []
        self.bindings: dict[str, list[Binding]] = {}
        self.variable_attributes: set[str] = set()  # `self.w = tf.Variable(...)` -> "w"
        self.attribute_values: dict[str, list] = {}  # "w" -> every value assigned to an attribute `.w`
        self.uses: dict[int, tuple[int, cst.CSTNode]] = {}  # id(Name) -> (order, scope) where it is read
        self._scopes: list[cst.CSTNode] = []
        self._open_tapes: list[Tape] = []
        self._statements: list[cst.CSTNode] = []
        self._loops = 0
        self._tapes_by_name: dict[tuple[int, str], list[Tape]] = {}
        self._outer: list[tuple[int, list[Tape]]] = []  # loop depth and open tapes of enclosing functions

    # -- structure ---------------------------------------------------------------------------------------------------
    def on_visit(self, node: cst.CSTNode) -> bool:
        self.order += 1
        if is_statement(node):
            self._statements.append(node)
        return super().on_visit(node)

    def on_leave(self, node: cst.CSTNode) -> None:
        if is_statement(node):
            self._statements.pop()
        super().on_leave(node)

    def visit_Module(self, node: cst.Module) -> None:
        self._scopes.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(node)
        self._outer.append((self._loops, self._open_tapes))
        self._loops, self._open_tapes = 0, []
        for param in node.params.params:
            self._bind(param.name.value, None)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.pop()
        self._loops, self._open_tapes = self._outer.pop()

    def visit_For(self, node) -> None:
        self._loops += 1
        self._bind_target(node.target, None)

    def leave_For(self, node) -> None:
        self._loops -= 1

    def visit_While(self, node) -> None:
        self._loops += 1

    def leave_While(self, node) -> None:
        self._loops -= 1

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            call = item.item
            if (isinstance(call, cst.Call) and self.ctx.qualname(call.func) == TAPE
                    and item.asname is not None and isinstance(item.asname.name, cst.Name)):
                tape = Tape(item.asname.name.value, node, call, self._scopes[-1], self.order, list(self._open_tapes),
                            self._loops > 0, len(self._scopes) > 1)
                self.tapes.setdefault(id(node), []).append(tape)
                self._tapes_by_name.setdefault((id(self._scopes[-1]), tape.name), []).append(tape)
                self._open_tapes.append(tape)

    def leave_With(self, node: cst.With) -> None:
        for tape in self.tapes.get(id(node), []):
            self._open_tapes.remove(tape)

    # -- bindings -----------------------------------------------------------------------------------------------------
    def _bind(self, name: str, value: cst.BaseExpression | None) -> None:
        for tape in self._open_tapes:
            tape.assigned.add(name)
        self.bindings.setdefault(name, []).append(Binding(value, self.order, self._scopes[-1], list(self._open_tapes)))

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            # `c1, c2 = tf.constant(5.0), tf.constant(3.0)`: each name is bound to its own value (real fault U5: an
            # unwatched constant's kind was unknown, and a backward() ran where TF answers None)
            values = [e.value for e in value.elements] if isinstance(value, (cst.Tuple, cst.List)) and len(
                value.elements) == len(target.elements) and not any(
                isinstance(e, cst.StarredElement) for e in [*value.elements, *target.elements]) else None
            for i, el in enumerate(target.elements):
                self._bind_target(el.value, values[i] if values else None)

    # Bindings are recorded when the statement is left, so that `y = f(y)` reads the previous y.
    def leave_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._bind_target(t.target, node.value)
            if isinstance(t.target, cst.Attribute):
                self.attribute_values.setdefault(t.target.attr.value, []).append(node.value)
            if (isinstance(t.target, cst.Attribute) and isinstance(node.value, cst.Call)
                    and self.ctx.qualname(node.value.func) == "tensorflow.Variable"):
                self.variable_attributes.add(t.target.attr.value)

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target, node.value)

    def visit_Name(self, node: cst.Name) -> None:
        self.uses[id(node)] = (self.order, self._scopes[-1])

    # -- tape calls -----------------------------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in TAPE_METHODS):
            return
        candidates = self._tapes_by_name.get((id(self._scopes[-1]), func.value.value), [])
        tape = next((t for t in reversed(candidates) if t.order < self.order), None)
        if tape is None:
            if self.ctx.qualname(func.value) is None and func.attr.value in ("gradient", "jacobian", "batch_jacobian"):
                self.unknown_tape_calls.append(node)
            return
        method = func.attr.value
        if method == "watch" and node.args:
            tape.watched.append(node.args[0].value)
        if method in ("gradient", "jacobian", "batch_jacobian"):
            tape.calls.append(node)
        self.calls[id(node)] = TapeCall(tape, method, self._statements[-1], self.order, list(self._open_tapes),
                                        self._loops > 0, len(self._scopes) > 1)


class Facts:
    """Queries over the collected facts."""

    @classmethod
    def of(cls, ctx) -> "Facts":
        if "tf_facts" not in ctx.cache:
            collector = FactsCollector(ctx)
            walk(ctx.module, collector)
            ctx.cache["tf_facts"] = cls(ctx, collector)
        return ctx.cache["tf_facts"]

    @classmethod
    def in_shared_pass(cls, ctx) -> None:
        """For a rule that asks for the facts when it sees the module: collected in the pass the analyses share."""
        collector = FactsCollector(ctx)
        ctx.share_pass(collector, lambda: ctx.cache.setdefault("tf_facts", cls(ctx, collector)))

    def __init__(self, ctx, collector: FactsCollector):
        self.ctx = ctx
        self.tapes = collector.tapes
        self.calls = collector.calls
        self.unknown_tape_calls = collector.unknown_tape_calls
        self.bindings = collector.bindings
        self.variable_attributes = collector.variable_attributes
        self.attribute_values = collector.attribute_values
        self.uses = collector.uses

    def binding_before(self, name: str, order: int, scope: cst.CSTNode | None = None) -> Binding | None:
        """The last binding of `name` before `order` (same scope first, then module level)."""
        found = [b for b in self.bindings.get(name, []) if b.order < order]
        same = [b for b in found if scope is None or b.scope is scope]
        pool = same or [b for b in found if isinstance(b.scope, cst.Module)]
        return pool[-1] if pool else None

    def reaching(self, node: cst.Name) -> Binding | None:
        """The binding a name read (an original node) sees."""
        use = self.uses.get(id(node))
        return self.binding_before(node.value, *use) if use else None

    def holds_variable(self, expr: cst.BaseExpression) -> bool:
        """`w` bound to a tf.Variable, or `model.w` where some `self.w = tf.Variable(...)` exists."""
        if isinstance(expr, cst.Name):
            return self.kind_of(expr) in ("variable", "frozen")
        return isinstance(expr, cst.Attribute) and expr.attr.value in self.variable_attributes

    def kind_at(self, name: str, order: int, scope) -> str:
        """The kind of what `name` is bound to at a point of the file (notebooks rebind x, y, w... freely)."""
        binding = self.binding_before(name, order, scope)
        if binding is None or isinstance(binding.scope, cst.FunctionDef) and binding.scope is not scope:
            return self.kind(name)
        return self.value_kind(binding.value, frozenset({name}))

    def kind_of(self, node: cst.Name) -> str:
        """The kind of the binding a name read (an original node) sees."""
        use = self.uses.get(id(node))
        return self.kind_at(node.value, *use) if use else self.kind(node.value)

    def kind(self, name: str, _seen: frozenset = frozenset()) -> str:
        """variable | frozen | int | constant | numpy | numbers | list | dict | unknown, over all bindings."""
        if name in _seen:
            return "unknown"
        kinds = {self.value_kind(b.value, _seen | {name}) for b in self.bindings.get(name, [])}
        return kinds.pop() if len(kinds) == 1 else "unknown"

    def value_kind(self, value: cst.BaseExpression | None, _seen: frozenset = frozenset()) -> str:
        if isinstance(value, (cst.List, cst.Tuple)):
            return "numbers" if has_float(value) else "list"
        if isinstance(value, cst.Dict):
            return "dict"
        if isinstance(value, (cst.BinaryOperation, cst.UnaryOperation)):
            # Arithmetic on NumPy arrays stays NumPy; on tensors it gives tensors that tapes watch only when asked.
            operands = _operands(value)
            if all(isinstance(o, (cst.Integer, cst.Float)) or (isinstance(o, cst.Name) and o.value not in _seen and (
                    self.kind_of(o) if id(o) in self.uses else self.kind(o.value, _seen)) == "numpy")
                    or self.value_kind(o, _seen) == "numpy" for o in operands):
                return "numpy"
            return "constant"
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "astype":
            return self.value_kind(value.func.value, _seen)
        if _sequence_copy(value):  # `list([p for p in m.parameters() if ...])`, as PyTorch -> TF writes
            inner = value.args[0].value
            return "list" if isinstance(inner, (cst.ListComp, cst.GeneratorExp)) else self.value_kind(inner, _seen)
        if not isinstance(value, cst.Call):
            return "unknown"
        qualified = self.ctx.qualname(value.func)
        if qualified and qualified.startswith("numpy."):
            return "numpy"
        if qualified == "tensorflow.Variable":
            trainable = bound_arguments(value).get("trainable")
            if is_int_tensor_init(value):
                return "int"
            if isinstance(trainable, cst.Name) and trainable.value == "False":
                return "frozen"
            return "variable"
        if qualified and qualified.startswith("tensorflow."):
            return "int" if is_int_tensor_init(value, qualified) else "constant"
        return "unknown"

    def is_scalar(self, expr: cst.BaseExpression, order: int, scope=None, depth: int = 0) -> bool:
        """A conservative proof that an expression is a scalar tensor (else the caller sums it)."""
        if depth > 8:
            return False
        if isinstance(expr, (cst.Integer, cst.Float)):
            return True
        if isinstance(expr, cst.UnaryOperation):
            return self.is_scalar(expr.expression, order, scope, depth + 1)
        if isinstance(expr, cst.BinaryOperation) and not isinstance(expr.operator, cst.MatrixMultiply):
            return (self.is_scalar(expr.left, order, scope, depth + 1)
                    and self.is_scalar(expr.right, order, scope, depth + 1))
        if isinstance(expr, cst.Name):
            binding = self.binding_before(expr.value, order, scope)
            return binding is not None and binding.value is not None and self.is_scalar(
                binding.value, binding.order, binding.scope, depth + 1)
        if isinstance(expr, cst.Call):
            qualified = self.ctx.qualname(expr.func) or ""
            if qualified in VALUE_CONSTRUCTORS:
                bound = bound_arguments(expr, qualified)
                first = bound.get(_parameters(qualified)[0])
                return first is not None and _is_number(first) and bound.get("shape") is None
            if qualified.startswith("tensorflow.") and any(r in qualified for r in REDUCTIONS):
                axis = _keyword(expr, "axis")
                positional_axis = len([a for a in expr.args if a.keyword is None]) > 1 and "reduce_" in qualified
                return (axis is None or (isinstance(axis, cst.Name) and axis.value == "None")) and not positional_axis
        return False


def _sequence_copy(value: cst.BaseExpression | None) -> bool:
    """`list([...])`, `tuple((...))`, `list(<comprehension>)`: a list or tuple made from a display or comprehension."""
    return isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in ("list", "tuple") \
        and len(value.args) == 1 and isinstance(value.args[0].value, (cst.List, cst.Tuple, cst.ListComp,
                                                                       cst.GeneratorExp))


def _operands(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(expr, cst.BinaryOperation):
        return _operands(expr.left) + _operands(expr.right)
    if isinstance(expr, cst.UnaryOperation):
        return _operands(expr.expression)
    return [expr]


def target_names(target: cst.BaseExpression) -> list[cst.Name]:
    """The names an assignment or loop target binds (`x`, `(x1, x2)`, `[a, (b, c)]`)."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in target_names(e.value)]
    return []


def has_float(expr: cst.BaseExpression) -> bool:
    """A (nested) list or tuple literal of numbers with at least one float: tensor data rather than a shape."""
    if not isinstance(expr, (cst.List, cst.Tuple)) or not expr.elements:
        return False
    found = False
    for element in expr.elements:
        value = element.value
        while isinstance(value, cst.UnaryOperation):
            value = value.expression
        if isinstance(value, (cst.List, cst.Tuple)):
            if not has_float(value):
                return False
            found = True
        elif isinstance(value, cst.Float):
            found = True
        elif not isinstance(value, cst.Integer):
            return False
    return found


def _keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _is_number(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.UnaryOperation):
        return _is_number(expr.expression)
    return isinstance(expr, (cst.Integer, cst.Float))


def _only_ints(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.UnaryOperation):
        return _only_ints(expr.expression)
    if isinstance(expr, cst.Integer):
        return True
    if isinstance(expr, (cst.List, cst.Tuple)):
        return bool(expr.elements) and all(_only_ints(e.value) for e in expr.elements)
    return False


VALUE_CONSTRUCTORS = ("tensorflow.Variable", "tensorflow.constant", "tensorflow.convert_to_tensor")
# tf.Variable's parameters in order (the others' are api_table.json's signatures)
VARIABLE_PARAMETERS = ("initial_value", "trainable", "validate_shape", "caching_device", "name", "variable_def",
                       "dtype", "import_scope", "constraint", "synchronization", "aggregation", "shape")


def _parameters(qualified: str) -> tuple[str, ...]:
    if qualified == "tensorflow.Variable":
        return VARIABLE_PARAMETERS
    return tuple(p.name for p in api_table.load().overloads(qualified, "tf")[0].sides["tf"].params)


def bound_arguments(call: cst.Call, qualified: str = "tensorflow.Variable") -> dict[str, cst.BaseExpression]:
    """Parameter -> argument of a call of one of VALUE_CONSTRUCTORS, as Python binds them: `tf.constant(5,
    tf.float32)` gives its dtype second (real fault F3: read as an int32 value, its Variable got no gradient)."""
    names = _parameters(qualified)
    bound = {}
    for i, arg in enumerate(call.args):
        if arg.star:
            break  # what follows binds to parameters we cannot tell statically
        key = arg.keyword.value if arg.keyword is not None else (names[i] if i < len(names) else None)
        if key:
            bound[key] = arg.value
    return bound


def is_int_tensor_init(call: cst.Call, qualified: str | None = "tensorflow.Variable") -> bool:
    """tf.Variable(3) / tf.constant([1, 2]) without a float dtype: TF makes int32, which never gets a gradient.

    Only for constructors whose first argument is the value (for tf.zeros((2, 3)) it is a shape)."""
    if qualified not in VALUE_CONSTRUCTORS:
        return False
    bound = bound_arguments(call, qualified)
    if bound.get("dtype") is not None:
        return "int" in code_of(bound["dtype"])
    value = bound.get(_parameters(qualified)[0])
    if value is None or not _only_ints(value):
        return False
    hint = bound.get("dtype_hint")  # tf.convert_to_tensor's: followed where the value can take it
    return hint is None or "int" in code_of(hint)
