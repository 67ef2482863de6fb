"""Index writes into a PyTorch tensor, `t[i] = v`: TF tensors take no item assignment (semantics B29).

* `t[mask] = 0` (a number through a mask) -> `t = tf.where(mask, tf.cast(0, t.dtype), t)`; a mask is a
  comparison (`x < 0`, possibly combined with `~`, `&`, `|`);
* `t[0] = 1.0`, `t[:, 1] = y`, `t[i, 2:] = v`, `t[d[w]] += 1`, `t[i][j] = v` (ints, slices of ints and names,
  `...`, None, other expressions but displays), `t[mask] = v`, `t[i] += v` (as `t[i] = t[i] + v`; also -=, *=, /=)
  -> t rebuilt with `tf.tensor_scatter_nd_update` at the flat positions `t[i]` names (TF's indexing selects them
  from a tensor of positions). An index other than a literal or a mask is passed through `tf.convert_to_tensor`:
  an int or an index tensor selects as torch's does (an index tensor TF does not take makes it raise, never give
  other numbers), and so does a list, which TF would otherwise read as a tuple of indices (`t[[0, 2]]` is torch's
  rows 0 and 2, TF's `t[0, 2]`). v is cast to t's dtype and broadcast to the selection's shape, as torch's copy does
  (a float literal float32 does not hold exactly, 0.1, as a float64 constant first: tf.cast would round it to
  float32 on its way into a float64 t).
* a leaf written into under `torch.no_grad()` (torch changes its values off the graph) -> `t.assign(...)` of the
  same rebuilt tensor.

Both give gradients as torch's in-place write does: 0 for the overwritten elements of the old t, the upstream
gradient of the written places for v (summed where v was broadcast). Rebinding the name is exact only when no other
name shares the tensor torch changes in place, so `t` must have been made just before in the same block (index
writes into it, and a loop whose body only writes into it, may come in between), as a new tensor: `x.clone()`, a
torch factory (`torch.zeros_like(...)`...), or arithmetic.

TG515 (error) an index write into a tensor that may be shared or is a leaf requiring grad outside no_grad (torch
raises) is left as is, and so is one through an index name some binding makes a list or tuple display (a NumPy
array, made by a numpy call just before, and a dict or list of the program's, one the write's name certainly holds,
are left alone: the same code works in the TF program).
"""
from __future__ import annotations

import struct

import libcst as cst

from ..templates import parse_template_expression, parse_template_statement
from ..walk import walk
from .torch_plan import is_true, keyword, method_call, names_bound, names_read, paren

FACTORIES = {"zeros", "ones", "zeros_like", "ones_like", "full", "full_like", "empty", "empty_like", "tensor",
             "rand", "randn", "rand_like", "randn_like", "arange", "linspace", "eye"}


def _mask(node) -> bool:
    if isinstance(node, cst.Comparison):
        return True
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.BitInvert):
        return _mask(node.expression)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.BitAnd, cst.BitOr)):
        return _mask(node.left) and _mask(node.right)
    return False


def _index(element: cst.BaseSlice) -> bool:
    """An index TF's tensor indexing takes as torch's does: an int, `...`, None, a mask, a slice of names and ints,
    or any other expression but a display (`t[[0, 2]]` picks rows in torch, `t[0, 2]` in TF: see _held) or a string
    (a dict's key)."""
    if isinstance(element, cst.Slice):
        return all(part is None or isinstance(part, (cst.Integer, cst.Name)) or _literal_int(part)
                   for part in (element.lower, element.upper, element.step))
    return not isinstance(element.value, (cst.List, cst.Tuple, cst.Set, cst.Dict, cst.ListComp, cst.SetComp,
                                          cst.DictComp, cst.GeneratorExp, cst.Slice, cst.BaseString))


def _literal_int(value) -> bool:
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        value = value.expression
    return isinstance(value, cst.Integer)


def _none(value) -> bool:
    return isinstance(value, cst.Name) and value.value == "None"


def _held(subscript: cst.Subscript, tf) -> cst.Subscript:
    """The index of a value held in an expression (`t[i]`, `t[d[w]]`) passed through tf.convert_to_tensor: an int or
    a tensor index as before, a mask too, but a list or tuple makes TF raise, where TF would index `t[[0, 2]]` as
    `t[0, 2]` and torch takes the rows 0 and 2 (chained subscripts `t[i][j]` each)."""
    value = _held(subscript.value, tf) if isinstance(subscript.value, cst.Subscript) else subscript.value
    elements = [e.with_changes(slice=cst.Index(parse_template_expression("{tf}.convert_to_tensor({v})", tf=tf,
                                                                          v=e.slice.value)))
                if isinstance(e.slice, cst.Index) and not (_literal_int(e.slice.value) or _mask(e.slice.value) or
                                                           isinstance(e.slice.value, cst.Ellipsis) or
                                                           _none(e.slice.value)) else e
                for e in subscript.slice]
    return subscript.with_changes(value=value, slice=elements)


def _container(value) -> bool:
    """A Python dict, list or set display or comprehension (`{}`, `[0.0] * 3`, `dict()`)."""
    if isinstance(value, cst.BinaryOperation):
        return _container(value.left) or _container(value.right)
    if isinstance(value, cst.Call):
        return isinstance(value.func, cst.Name) and value.func.value in ("dict", "list", "set")
    return isinstance(value, (cst.Dict, cst.List, cst.Set, cst.DictComp, cst.ListComp, cst.SetComp))


AUGMENTED = {cst.AddAssign: cst.Add, cst.SubtractAssign: cst.Subtract, cst.MultiplyAssign: cst.Multiply,
             cst.DivideAssign: cst.Divide}


def _target(small) -> cst.BaseExpression:
    return small.target if isinstance(small, cst.AugAssign) else small.targets[0].target


def _index_write(small) -> bool:
    """`t[...] = value` or `t[...] += value`."""
    return (isinstance(small, cst.AugAssign) or isinstance(small, cst.Assign) and len(small.targets) == 1) and \
        isinstance(_target(small), cst.Subscript)


def _writes_into(small, name: str) -> bool:
    """`name[...] = value` (or `+=`..., `name[i][j] = value`)."""
    if not _index_write(small):
        return False
    root = _target(small).value
    while isinstance(root, cst.Subscript):
        root = root.value
    return isinstance(root, cst.Name) and root.value == name


def _with_root(subscript: cst.Subscript, root) -> cst.Subscript:
    """`t[i][j]` with t replaced by root."""
    value = _with_root(subscript.value, root) if isinstance(subscript.value, cst.Subscript) else root
    return subscript.with_changes(value=value)


def _inexact_float32(node) -> bool:
    """A float literal float32 does not hold exactly (0.1; not 0.5 or 2.0)."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    if not isinstance(node, cst.Float):
        return False
    value = float(node.value)
    return struct.unpack("f", struct.pack("f", value))[0] != value if abs(value) < 3e38 else True


def _number(node) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


class _Places(cst.CSTVisitor):
    """id(statement) -> (its block's statements, its index); id(statement) -> the `for` loop whose body holds it."""

    def __init__(self):
        self.places: dict[int, tuple] = {}
        self.loops: dict[int, cst.For] = {}

    def _block(self, body) -> None:
        self.places.update({id(s): (body, i) for i, s in enumerate(body)})

    def visit_Module(self, node) -> None:
        self._block(node.body)

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.body, cst.IndentedBlock) and node.orelse is None:
            self.loops.update({id(s): node for s in node.body.body})

    def visit_IndentedBlock(self, node) -> None:
        self._block(node.body)


class TorchMaskedAssignRule:
    code = "TG515"

    def __init__(self, ctx):
        self.ctx = ctx
        self.places: dict[int, tuple] = {}
        self.loops: dict[int, cst.For] = {}

    def visit_Module(self, node: cst.Module) -> None:
        visitor = _Places()
        walk(node, visitor)
        self.places, self.loops = visitor.places, visitor.loops

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        small = original.body[0]
        if len(original.body) != 1 or not _index_write(small):
            return updated
        target = _target(small)
        subscripts = [target]  # `t[i][j]`: t[i], then [j] of it
        while isinstance(subscripts[0].value, cst.Subscript):
            subscripts.insert(0, subscripts[0].value)
        if not all(s.slice and all(_index(e.slice) for e in s.slice) for s in subscripts):
            return updated
        masked = len(subscripts) == 1 and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index) \
            and _mask(target.slice[0].slice.value)
        name = subscripts[0].value
        binding = self._binding(original, name.value) if isinstance(name, cst.Name) else None
        if binding is not None and (self.ctx.qualname(getattr(binding, "func", None) or cst.Name("_")) or "").split(
                ".")[0] == "numpy":
            return updated  # a NumPy array: the same code works in the TF program
        if binding is not None and _container(binding) or binding is None and isinstance(name, cst.Name) and all(
                v is not None and _container(v) for v in self.ctx.cache["name_values"](name)):
            return updated  # a dict or a list of the program's: the same code works in the TF program
        if self._list_index(subscripts):
            self.ctx.report(original, "TG515", "an index that may hold a list (torch takes the elements it lists, TF "
                            "would read it as a tuple of indices); left as is")
            return updated
        leaf = self._untaped_leaf(original, name)
        if not leaf and (binding is None or not self._new_tensor(binding)):
            self.ctx.report(original, "TG515", "an index write into a tensor is translated only into a tensor made "
                            "just before (x.clone(), a factory, arithmetic): TF tensors take no item assignment; left "
                            "as is")
            return updated
        new = updated.body[0]
        tf = self.ctx.ref("tensorflow")
        value = new.value
        if isinstance(new, cst.AugAssign):  # `t[i] += v`: t[i] = t[i] + v
            operator = AUGMENTED.get(type(new.operator))
            if operator is None:
                self.ctx.report(original, "TG515", f"an index write with {new.operator.operator.value} is not "
                                "translated; left as is")
                return updated
            value = cst.BinaryOperation(new.target, operator(), paren(new.value))
        elif not (_number(small.value) or self._tensor(small.value)):
            # `t[i] = i + j`: TF's cast takes a Python number too; its way back, `.to()`, a tensor only
            value = parse_template_expression("{tf}.convert_to_tensor({v})", tf=tf, v=value)
        elif _inexact_float32(small.value):
            # tf.cast makes a Python float a float32 first: `t[0] = 0.1` into a float64 t would lose digits torch keeps
            value = parse_template_expression("{tf}.constant({v}, dtype={tf}.float64)", tf=tf, v=value)
        if masked and _number(small.value) and isinstance(new, cst.Assign):
            result = parse_template_expression("{tf}.where({m}, {tf}.cast({v}, {t}.dtype), {t})", t=name, tf=tf,
                                               m=_target(new).slice[0].slice.value, v=value)
        else:  # the flat positions t[index] selects, from a tensor of positions indexed as torch indexes t
            selected = _with_root(_held(_target(new), tf), parse_template_expression(
                "{tf}.reshape({tf}.range({tf}.size({t})), {tf}.shape({t}))", tf=tf, t=name))
            result = parse_template_expression(
                "{tf}.reshape({tf}.tensor_scatter_nd_update({tf}.reshape({t}, [-1]), {tf}.reshape({p}, [-1, 1]), "
                "{tf}.reshape({tf}.broadcast_to({tf}.cast({v}, {t}.dtype), {tf}.shape({p})), [-1])), {tf}.shape({t}))",
                t=name, tf=tf, p=selected, v=value)
        stmt = parse_template_statement("{t}.assign({e})\n" if leaf else "{t} = {e}\n", t=name, e=result)
        return updated.with_changes(body=stmt.body)

    def _tensor(self, value) -> bool:
        plan = self.ctx.cache.get("torch_plan")
        return plan is not None and plan.tensor(plan.scope(), value)

    def _list_index(self, subscripts) -> bool:
        """An index name that some binding makes a list or tuple display (`idx = [0, 2]`; `t[idx] = v`)."""
        values = self.ctx.cache["name_values"]
        return any(isinstance(e.slice, cst.Index) and isinstance(e.slice.value, cst.Name) and any(
            isinstance(v, (cst.List, cst.Tuple, cst.ListComp)) for v in values(e.slice.value))
            for s in subscripts for e in s.slice)

    def _untaped_leaf(self, stmt, name) -> bool:
        """`name` is a leaf (a tf.Variable) written into under torch.no_grad(): the write is its `assign`."""
        plan = self.ctx.cache.get("torch_plan")
        return isinstance(name, cst.Name) and plan is not None and id(stmt) in plan.in_no_grad and \
            plan.leaf_at(plan.scope(), stmt, name.value) is True

    def _binding(self, stmt, name: str):
        """The value of `name = value`, the last statement before stmt to use `name` in its block (or, in the body of
        a `for` loop that uses `name` only to write into it, the block of the loop), else None. Index writes into
        `name` in between are translated as rebindings too."""
        body, index = self.places.get(id(stmt), ((), 0))
        for earlier in reversed(body[:index]):
            smalls = earlier.body if isinstance(earlier, cst.SimpleStatementLine) else [earlier]
            for small in reversed(smalls):
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                        small.targets[0].target, cst.Name) and small.targets[0].target.value == name:
                    return small.value
                if _writes_into(small, name):
                    continue
                if name in names_read(small) | names_bound(small):
                    return None  # used (perhaps shared, or bound otherwise) in between
        loop = self.loops.get(id(stmt))
        if loop is None or name in names_read(loop.target) | names_read(loop.iter) or any(
                s is not stmt and name in names_read(s) | names_bound(s) and not all(
                    _writes_into(small, name) for small in getattr(s, "body", [s]))
                for s in loop.body.body):
            return None
        return self._binding(loop, name)

    def _new_tensor(self, value) -> bool:
        if isinstance(value, cst.BinaryOperation):
            return True
        if not isinstance(value, cst.Call) or is_true(keyword(value, "requires_grad")):
            return False
        if method_call(value, "clone") is not None:
            return True
        qualified = self.ctx.qualname(value.func) or ""
        return qualified.startswith("torch.") and qualified.rpartition(".")[2] in FACTORIES
