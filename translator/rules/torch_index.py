"""`x[idx]` with an index tensor, in a PyTorch file -> `tf.gather(x, idx)`.

torch indexes by an integer tensor along the first axis (semantics B13: `tf.gather` takes the same whole slices);
a TF tensor takes only ints, slices and scalar tensors as indices. The index must certainly be a tensor made by
`torch.tensor(...)`, `torch.as_tensor(...)`, `torch.arange(...)` or `torch.randperm(...)`, or a name every binding
in the file gives one (`batch_indices = torch.tensor(indices[i:j])`). Where torch would take it as a mask (a
bool tensor) or wrap a negative index, TF's gather raises: an error, never other numbers. No diagnostics.
"""
from __future__ import annotations

import libcst as cst

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

    def _index_tensor(self, node, seen: frozenset = frozenset()) -> bool:
        if isinstance(node, cst.Call):
            return self.ctx.qualname(node.func) in INDEX_TENSORS
        if isinstance(node, cst.Name) and node.value not in seen:
            values = self.bindings.get(node.value)
            return bool(values) and all(v is not None and self._index_tensor(v, seen | {node.value}) for v in values)
        return False

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        if id(original) in self._stores or len(original.slice) != 1 or not isinstance(original.slice[0].slice,
                                                                                          cst.Index):
            return updated
        if not self._index_tensor(original.slice[0].slice.value):
            return updated
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return cst.Call(self.ctx.ref("tensorflow.gather"), [
            cst.Arg(updated.value, comma=comma), cst.Arg(updated.slice[0].slice.value)])
