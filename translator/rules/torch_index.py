"""`x[idx]` with an index tensor, in a PyTorch file -> `tf.gather(x, idx)`; with a mask -> `tf.boolean_mask(x, m)`;
after whole axes (`x[:, idx]`, `x[(slice(None),) * k + (idx,)]`) the same with `axis=`.

torch indexes by an integer tensor along the first axis (semantics B13: `tf.gather` takes the same whole slices);
a TF tensor takes only ints, slices and scalar tensors as indices. The index must certainly be a tensor made by
`torch.tensor(...)`, `torch.as_tensor(...)`, `torch.arange(...)` or `torch.randperm(...)`, or a name every binding
in the file gives one (`batch_indices = torch.tensor(indices[i:j])`); a mask is one whose data has True/False
literals or whose dtype is torch.bool (`tf.boolean_mask` selects as torch does). Where torch would take an index
of unknown data as a mask, or wrap a negative index, TF's gather raises: an error, never other numbers.
TG522 (error): a tensor index beside an integer, a partial slice or another tensor index, left as is.
"""
from __future__ import annotations

import libcst as cst

from ..codegen import code_of
from ..walk import walk
from .torch_device import Bindings

INDEX_TENSORS = {"torch.tensor", "torch.as_tensor", "torch.arange", "torch.randperm", "torch.LongTensor"}


class TorchIndexRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self.bindings: dict[str, list] = {}
        self._stores: set[int] = set()  # ids of subscripts assigned to (`x[idx] = v` is not a read)

    def visit_Module(self, node: cst.Module) -> None:
        visitor = Bindings()
        walk(node, visitor)
        self.bindings = visitor.values

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._stores.add(id(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._stores.add(id(node.target))

    def _index_tensor(self, node, seen: frozenset = frozenset()) -> str | None:
        """"gather" for an integer index tensor, "boolean_mask" for a mask, None where that is not certain."""
        if isinstance(node, cst.Call):
            if self.ctx.qualname(node.func) not in INDEX_TENSORS:
                return None
            return "boolean_mask" if _boolean(node) else "gather"
        if isinstance(node, cst.Name) and node.value not in seen:
            kinds = {self._index_tensor(v, seen | {node.value}) if v is not None else None
                     for v in self.bindings.get(node.value, [None])}
            return kinds.pop() if len(kinds) == 1 else None
        return None

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        if id(original) in self._stores:
            return updated
        found = self._selection(original, updated)
        if found is None:
            return updated
        kind, index, axis = found
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        args = [cst.Arg(updated.value, comma=comma), cst.Arg(index)]
        if axis is not None:
            args[1] = args[1].with_changes(comma=comma)
            args.append(cst.Arg(axis, keyword=cst.Name("axis"), equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))))
        return cst.Call(self.ctx.ref(f"tensorflow.{kind}"), args)

    def _selection(self, original: cst.Subscript, updated: cst.Subscript):
        """(kind, index, axis or None for the first) where an index tensor selects along one axis, every axis before
        it taken whole: `x[idx]`, `x[:, idx]`, and `x[(slice(None),) * k + (idx,)]` (TF -> PyTorch's tf.gather
        along axis k). A tensor index in any other place is flagged (TG522): a TF subscript takes none."""
        elements = original.slice
        if all(isinstance(e.slice, cst.Index) for e in elements) and len(elements) == 1:
            value = elements[0].slice.value
            leading = _leading_slices(value)
            if leading is not None:
                kind = self._index_tensor(leading[1])
                new = updated.slice[0].slice.value
                return (kind, new.right.elements[0].value, new.left.right) if kind else None
            kind = self._index_tensor(value)
            return (kind, updated.slice[0].slice.value, None) if kind else None
        kinds = [self._index_tensor(e.slice.value) if isinstance(e.slice, cst.Index) else None for e in elements]
        last = len(elements) - 1
        if kinds[last] and not any(kinds[:last]) and all(_whole(e.slice) for e in elements[:last]):
            return kinds[last], updated.slice[last].slice.value, cst.Integer(str(last))
        if any(kinds):
            self.ctx.report(original, "TG522", "a tensor index beside other indices: TF subscripts take no tensor "
                                               "index; only x[idx] and x[:, ..., :, idx] are translated")
        return None


def _whole(node) -> bool:
    """`:`, the whole axis."""
    return isinstance(node, cst.Slice) and node.lower is None and node.upper is None and node.step is None


def _leading_slices(node):
    """(k, idx) for `(slice(None),) * k + (idx,)`, else None."""
    if not (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)
            and isinstance(node.left, cst.BinaryOperation) and isinstance(node.left.operator, cst.Multiply)
            and isinstance(node.right, cst.Tuple) and len(node.right.elements) == 1):
        return None
    head = node.left.left
    if not (isinstance(head, cst.Tuple) and len(head.elements) == 1 and code_of(head.elements[0].value)
            .replace(" ", "") == "slice(None)"):
        return None
    return node.left.right, node.right.elements[0].value


def _boolean(call: cst.Call) -> bool:
    """A mask, not indices: `dtype=torch.bool`, or True/False literals in the data (torch masks with them)."""
    if any(a.keyword is not None and a.keyword.value == "dtype" and "bool" in code_of(a.value)
           for a in call.args):
        return True
    found = []

    class Literals(cst.CSTVisitor):
        def visit_Name(self, node) -> None:
            found.append(node.value in ("True", "False"))

    if call.args:
        call.args[0].value.visit(Literals())
    return any(found)
