"""`x[idx]` with an index tensor, in a PyTorch file -> `tf.gather(x, idx)`; with a mask -> `tf.boolean_mask(x, m)`.

torch indexes by an integer tensor along the first axis (semantics B13: `tf.gather` takes the same whole slices);
a TF tensor takes only ints, slices and scalar tensors as indices. The index must certainly be a tensor made by
`torch.tensor(...)`, `torch.as_tensor(...)`, `torch.arange(...)` or `torch.randperm(...)`, or a name every binding
in the file gives one (`batch_indices = torch.tensor(indices[i:j])`); a mask is one whose data has True/False
literals or whose dtype is torch.bool (`tf.boolean_mask` selects as torch does). Where torch would take an index
of unknown data as a mask, or wrap a negative index, TF's gather raises: an error, never other numbers.
No diagnostics.
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
        if id(original) in self._stores or len(original.slice) != 1 or not isinstance(original.slice[0].slice,
                                                                                          cst.Index):
            return updated
        kind = self._index_tensor(original.slice[0].slice.value)
        if kind is None:
            return updated
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return cst.Call(self.ctx.ref(f"tensorflow.{kind}"), [
            cst.Arg(updated.value, comma=comma), cst.Arg(updated.slice[0].slice.value)])


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
