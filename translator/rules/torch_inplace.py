"""PyTorch -> TF: in-place methods on a local tensor that is no leaf (`h = w * 2; h.add_(1.0); h.clamp_(max=5)`).

A TF tensor cannot change in place (`h.add_` is an AttributeError there). Rebinding the name to the out-of-place
result (`h = h + 1.0`, `h = tf.clip_by_value(...)`, through `api_table.json`'s entry for the method without its
underscore; `zero_()` -> `tf.zeros_like(h)`) computes torch's numbers, values and gradients alike, when nothing else
holds that tensor: torch changes every name, container and view sharing it, the rebinding only the name. So it is
done only for a name every binding of which makes a new tensor (arithmetic, a torch function or tensor method that
is no view and never returns its input) and whose value no other name, container, view or function gets before the
last in-place update (`g = h`, `lst.append(h)`, `v = h[0]`, `h.view(...)`, a loop over h, a closure reading it).
The plan (`torch_plan.py`) counts such a statement as writing h, so the tape records it.

TG503 (error) such an in-place method where that is not certain, under torch.no_grad() (torch changes the values of
a tensor that stays on the graph; a rebinding there would cut it), on a name bound elsewhere (a parameter, a
global), or with no out-of-place entry in the table (`m.addcmul_(a, b)` on a name certainly holding a tensor, or
a leaf): left as is. Leaves, a Module's parameters and `.grad` are
`torch_autograd.py`'s.
"""
from __future__ import annotations

import libcst as cst

from .. import table as api_table
from ..codegen import code_of
from .ops import Call, Unmatched
from .torch_plan import INPLACE_UPDATES, Plan, inplace_receiver

# Methods and torch functions whose result may share the input's memory (a view), or be the input itself.
VIEWS = {"view", "view_as", "reshape", "reshape_as", "t", "transpose", "permute", "squeeze", "unsqueeze", "expand",
         "expand_as", "narrow", "select", "flatten", "unflatten", "movedim", "moveaxis", "swapaxes", "swapdims",
         "split", "chunk", "unbind", "tensor_split", "contiguous", "to", "float", "double", "half", "bfloat16",
         "long", "int", "short", "bool", "type", "type_as", "cpu", "cuda", "detach", "as_strided", "diagonal",
         "unfold", "numpy", "as_tensor", "asarray", "from_numpy", "broadcast_to", "broadcast_tensors", "atleast_1d",
         "atleast_2d", "atleast_3d", "view_as_real", "view_as_complex", "meshgrid", "dropout", "alpha_dropout",
         "feature_alpha_dropout", "dropout1d", "dropout2d", "dropout3d", "identity", "T", "mT", "H", "mH", "real",
         "imag", "data"}
# Attributes that are no tensor sharing the value.
INFO = {"shape", "dtype", "ndim", "device", "requires_grad", "is_leaf", "grad_fn", "grad"}
# Tensor methods giving no tensor, or a copy.
COPIES = {"item", "tolist", "size", "dim", "numel", "nelement", "element_size", "stride", "clone", "backward",
          "is_contiguous", "data_ptr"}
READERS = {"print", "len", "float", "int", "bool", "str", "repr", "isinstance", "round", "format"}
SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


class LocalInplace:
    """Used by `torch_autograd.py`'s rule, after its own cases (leaves, a Module's parameters, function parameters)."""

    def __init__(self, ctx, plan: Plan):
        self.ctx, self.plan = ctx, plan
        self.table = api_table.load()
        self.rebinds: dict[int, str] = {}  # id(out-of-place result) -> the name it rebinds
        self.checked: dict[tuple[int, str], bool] = {}  # (id(scope node), name) -> rebinding is exact

    def receiver(self, call: cst.Call) -> cst.BaseExpression | None:
        """The receiver of an in-place method that has an out-of-place form (`x.clamp_(...)`: `x`)."""
        if not isinstance(call.func, cst.Attribute) or self.ctx.qualname(call.func) is not None:
            return None
        method = call.func.attr.value
        return call.func.value if method in INPLACE_UPDATES or method.endswith("_") and not method.endswith(
            "__") and self.table.methods(method[:-1]) else None

    def rewrite(self, original: cst.Call, updated: cst.Call):
        """`h.add_(v)` as a statement on a local name -> `h.add(v)` translated (made `h = ...` by rebind()); None
        where this is no such call."""
        statement = self.ctx.statements[-1]
        name = inplace_receiver(statement.body[0]) if isinstance(statement, cst.SimpleStatementLine) and \
            getattr(statement.body[0], "value", None) is original else None
        if name is None:
            return None
        scope = self.plan.scope()
        if self.receiver(original) is None:  # no out-of-place form: left as is, flagged where certainly a tensor
            if scope.grad_name(name) is not None or self.plan.tensor(scope, original.func.value):
                self.ctx.report(original, "TG503", f"in-place `{code_of(original.func)}(...)` has no out-of-place "
                                "form in the table: a TF tensor cannot change in place; left as is")
                return updated
            return None
        if scope.grad_name(name) is not None or scope.holder(name):
            self.ctx.report(original, "TG503", f"in-place `{code_of(original.func)}(...)` of a leaf or a Module is "
                            "translated only under torch.no_grad(), as sub_/add_/mul_/div_/copy_/zero_/fill_ or a "
                            "method the table has an out-of-place form of; left as is")
            return updated
        method = original.func.attr.value
        why = "under torch.no_grad() (the tensor stays on torch's graph with new values)" \
            if id(statement) in self.plan.in_no_grad else None if self._exact(scope, name) else \
            "other names, containers or views may share, or that is not certainly a new tensor here"
        result = None if why else self.out_of_place(original, updated, updated.func.value)
        if result is None:
            self.ctx.report(original, "TG503", f"in-place `{code_of(original.func)}(...)` on a tensor "
                            f"{why or 'in a form the table does not translate'}: a TF tensor cannot change in "
                            "place; left as is")
            return updated
        self.rebinds[id(result)] = name
        return result

    def rebind(self, updated: cst.Expr):
        """The statement `h = <result>` for a result of rewrite(), else None."""
        name = self.rebinds.pop(id(updated.value), None)
        return None if name is None else cst.Assign([cst.AssignTarget(cst.Name(name))], updated.value)

    def out_of_place(self, original: cst.Call, updated: cst.Call, receiver):
        """`x.clamp_(lo, hi)` -> what the table makes of `x.clamp(lo, hi)`; None if it has no entry that fits."""
        method = original.func.attr.value
        if method == "zero_":
            return cst.Call(self.ctx.ref("tensorflow.zeros_like"), [cst.Arg(receiver)])
        call = updated.with_changes(func=updated.func.with_changes(attr=cst.Name(method[:-1])))
        for entry in self.table.methods(method[:-1]):
            attempt = Call(self, entry, call, receiver)
            try:
                result = attempt.emit()
            except Unmatched:
                continue
            for note in attempt.notes + ([entry.caveat] if entry.caveat else []):
                self.ctx.report(original, "TG203", note, level="warning")
            return result
        return None

    # -- is the rebinding exact? --------------------------------------------------------------------------------------
    def _exact(self, scope, name: str) -> bool:
        key = (id(scope.node), name)
        if key not in self.checked:
            body = scope.node.body if isinstance(scope.node, cst.Module) else scope.node.body.body
            scan = _Scan(self, name)
            scan.block(body, ())
            self.checked[key] = scan.exact()
        return self.checked[key]

    def fresh(self, value) -> bool:
        """`value` makes a new tensor: arithmetic, or a torch function or method (no view) the table knows."""
        if isinstance(value, (cst.BinaryOperation, cst.UnaryOperation)):
            return True
        if not isinstance(value, cst.Call):
            return False
        qualified = self.ctx.qualname(value.func) or ""
        if qualified.startswith("torch."):
            return qualified.rsplit(".", 1)[1] not in VIEWS and bool(self.table.overloads(qualified, "torch"))
        if isinstance(value.func, cst.Attribute) and qualified == "":
            method = value.func.attr.value
            return method not in VIEWS and (method == "clone" or bool(self.table.methods(method)))
        return False


class _Scan:
    """Walks a scope's statements in order: where `name` is bound, updated in place, and read in a way that may let
    something else hold its tensor (with the loops around each)."""

    def __init__(self, rule: LocalInplace, name: str):
        self.rule, self.name = rule, name
        self.order = 0
        self.updates: list[tuple[int, tuple]] = []  # (order, loops) of in-place updates
        self.risks: list[tuple[int, tuple]] = []  # (order, loops) of reads or bindings that may share the tensor
        self.bound = False
        self.never = False  # read by code that runs at another time (a function, a lambda) or bound otherwise

    def exact(self) -> bool:
        if self.never or not self.bound or not self.updates:
            return False
        last = max(order for order, _ in self.updates)
        loops = {id(loop) for _, around in self.updates for loop in around}
        return all(order > last and not loops & {id(loop) for loop in around} for order, around in self.risks)

    def block(self, body, loops: tuple) -> None:
        for stmt in body:
            self.order += 1
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    self.small(small, loops)
            elif isinstance(stmt, SCOPES):
                self.expr(stmt, False, loops, inner=True)
            else:
                self.compound(stmt, loops)

    def compound(self, stmt, loops: tuple) -> None:
        if isinstance(stmt, cst.For):
            self.target(stmt.target)
            self.expr(stmt.iter, False, loops)  # its elements are views
        for header in ("test",):
            if getattr(stmt, header, None) is not None:
                self.expr(getattr(stmt, header), True, loops)
        for item in getattr(stmt, "items", ()):
            self.expr(item.item, False, loops)
            if item.asname is not None:
                self.target(item.asname.name)
        inner = loops + (stmt,) if isinstance(stmt, (cst.For, cst.While)) else loops
        for block in Plan._blocks(stmt):
            self.block(block.body, inner)
        for handler in getattr(stmt, "handlers", ()):
            if handler.name is not None:
                self.target(handler.name.name)

    def target(self, node) -> None:
        if self.name in _names(node):
            self.never = True  # bound by a loop, a `with`, an `except`: not certainly a new tensor

    def small(self, small, loops: tuple) -> None:
        here = (self.order, loops)
        if inplace_receiver(small) == self.name:
            self.updates.append(here)
            for arg in small.value.args:
                self.expr(arg.value, True, loops)
            return
        if isinstance(small, cst.Assign):
            for t in small.targets:
                if isinstance(t.target, cst.Name) and t.target.value == self.name:
                    self.bound = True
                    if not self.rule.fresh(small.value):
                        self.risks.append(here)
                elif self.name in _names(t.target):
                    self.risks.append(here)  # `h, g = ...`
                else:
                    self.expr(t.target, True, loops)
            self.expr(small.value, False, loops)
        elif isinstance(small, cst.AugAssign):
            if isinstance(small.target, cst.Name) and small.target.value == self.name:
                self.updates.append(here)  # `h += v` changes torch's tensor in place too
            else:
                self.expr(small.target, True, loops)
            self.expr(small.value, True, loops)
        elif isinstance(small, (cst.Global, cst.Nonlocal)):
            self.never |= any(n.name.value == self.name for n in small.names)
        elif isinstance(small, cst.Del):
            self.expr(small.target, True, loops)
        else:  # return, yield, an expression statement, assert, raise
            self.expr(small, isinstance(small, (cst.Assert,)), loops)

    def expr(self, node, safe: bool, loops: tuple, inner: bool = False) -> None:
        """`safe`: what node evaluates to is only computed with (an operand, a torch op's argument), not kept."""
        if isinstance(node, cst.Name):
            if node.value == self.name:
                if inner:
                    self.never = True
                elif not safe:
                    self.risks.append((self.order, loops))
            return
        if isinstance(node, SCOPES):
            inner = True
        if isinstance(node, cst.Subscript):
            self.expr(node.value, safe, loops, inner)  # a view
            for element in node.slice:
                for part in element.slice.children:  # an index or the bounds of a slice: only read
                    self.expr(part, True, loops, inner)
            return
        if isinstance(node, cst.Attribute):
            self.expr(node.value, safe if node.attr.value in VIEWS else node.attr.value in INFO, loops, inner)
            return
        if isinstance(node, cst.Call):
            self.call(node, safe, loops, inner)
            return
        operands = _operands(node)
        if operands is not None:  # a new value computed from them
            for operand in operands:
                self.expr(operand, True, loops, inner)
            return
        if isinstance(node, cst.IfExp):
            self.expr(node.test, True, loops, inner)
            self.expr(node.body, safe, loops, inner)
            self.expr(node.orelse, safe, loops, inner)
            return
        elif not isinstance(node, cst.BooleanOperation):  # `h or x` is h
            safe = False
        for child in node.children:
            self.expr(child, safe, loops, inner)

    def call(self, node: cst.Call, safe: bool, loops: tuple, inner: bool) -> None:
        rule = self.rule
        qualified = rule.ctx.qualname(node.func) or ""
        args_safe = False
        if isinstance(node.func, cst.Attribute) and not qualified:
            method = node.func.attr.value
            if method in VIEWS or inplace_receiver(cst.Expr(node)) is not None:
                receiver_safe = safe  # the result is the receiver's tensor
            else:
                receiver_safe = method in COPIES or bool(rule.table.methods(method))
            args_safe = method not in VIEWS and bool(rule.table.methods(method)) or method in COPIES
            self.expr(node.func.value, receiver_safe, loops, inner)
        elif qualified.startswith("torch."):
            view = qualified.rsplit(".", 1)[1] in VIEWS
            args_safe = safe if view else bool(rule.table.overloads(qualified, "torch"))
        elif isinstance(node.func, cst.Name) and node.func.value in READERS and not qualified:
            args_safe = True
        else:
            self.expr(node.func, True, loops, inner)
        for arg in node.args:
            self.expr(arg.value, args_safe, loops, inner)


def _operands(node) -> list | None:
    if isinstance(node, cst.BinaryOperation):
        return [node.left, node.right]
    if isinstance(node, cst.UnaryOperation):
        return [node.expression]
    if isinstance(node, cst.Comparison):
        return [node.left, *(c.comparator for c in node.comparisons)]
    if isinstance(node, cst.FormattedStringExpression):
        return [node.expression]
    return None


def _names(node) -> set[str]:
    if isinstance(node, cst.Name):
        return {node.value}
    if isinstance(node, (cst.Tuple, cst.List)):
        return set().union(*(_names(e.value) for e in node.elements))
    if isinstance(node, cst.StarredElement):
        return _names(node.value)
    return set()
