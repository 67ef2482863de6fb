"""`a @ b` in a PyTorch file -> the table's translation of `torch.matmul(a, b)`.

torch's `@` is `torch.matmul`: it takes 1-D operands (vector @ matrix, matrix @ vector, vector . vector) and
broadcasts batches, NumPy's rules. TF's `@` is `tf.linalg.matmul`, which rejects 1-D operands (semantics B12),
and whether an operand is 1-D is rarely known statically. So the operator becomes the call the API table maps
`torch.matmul` to (`tf.experimental.numpy.matmul`, which follows the same rules and is differentiable).
No diagnostics: the translation is exact. Two NumPy operands keep their `@`: the TF program computes it the same
way, and gets an array, not a tensor, back (so do an array's methods: `ops.py` asks `numpy_value` here). NumPy
operands: numpy calls, draws of a NumPy generator (`rng = np.random.RandomState(0)`; `rng.randn(6, 3)`), an array's
methods that give arrays (`.astype`, `.reshape`, ...), arithmetic and comparisons of arrays and numbers, and names
whose binding that reaches
the use is one (tf_facts' binding order: `X = rng.randn(6, 3)` before `X @ w`, though `X = torch.from_numpy(X)`
later); where that is not certain (a loop around the use rebinds the name, a function reads a name it does not
bind), every binding of the name in the file must be one. The same bindings tell `ops.py` (`list_value`) a name
certainly holds a list or tuple display, which `torch.Tensor(data)` makes a float32 tensor of, as `tf.constant` does.
"""
from __future__ import annotations

import libcst as cst

from .. import table as api_table
from ..walk import walk
from .tf_facts import Facts
from .tf_literals import ARRAY_METHODS
from .torch_device import Bindings
from .torch_plan import names_bound

GENERATORS = {"numpy.random.RandomState", "numpy.random.default_rng", "numpy.random.Generator"}


class TorchMatmulRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self.bindings: dict[str, list] = {}
        self.loops: list[cst.CSTNode] = []  # the loops around the node being walked
        ctx.cache["numpy_value"] = self._numpy  # asked by ops.py while the walk is at the node
        ctx.cache["list_value"] = self._list  # `torch.Tensor(data)` with data a name holding a list display
        ctx.cache["name_values"] = self._values  # what an index write's name may hold (torch_masked_assign.py)

    def visit_Module(self, node: cst.Module) -> None:
        visitor = Bindings()
        walk(node, visitor)
        self.bindings = visitor.values

    def visit_For(self, node: cst.For) -> None:
        self.loops.append(node)

    def leave_For(self, original: cst.For, updated: cst.For):
        self.loops.pop()
        return updated

    def visit_While(self, node: cst.While) -> None:
        self.loops.append(node)

    def leave_While(self, original: cst.While, updated: cst.While):
        self.loops.pop()
        return updated

    def _values(self, name: cst.Name) -> list:
        """What `name` may hold where it is read: the value of the binding that reaches the read, or, where that is
        not certain, of every binding in the file (None for a binding that is not `name = value`)."""
        facts = Facts.of(self.ctx)
        use = facts.uses.get(id(name))
        binding = facts.binding_before(name.value, *use) if use else None
        if binding is None or binding.scope is not use[1] or any(
                name.value in names_bound(loop.body) for loop in self.loops):
            return self.bindings.get(name.value) or [None]
        return [binding.value]

    def _numpy(self, node, seen: frozenset = frozenset()) -> bool:
        if isinstance(node, cst.Call):
            if (self.ctx.qualname(node.func) or "").split(".")[0] == "numpy":
                return True
            method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
            return method in ARRAY_METHODS and self._numpy(node.func.value, seen) or method is not None and \
                self._generator(node.func.value, seen)
        if isinstance(node, (cst.BinaryOperation, cst.Comparison)):  # `x / 255`, `pred == labels` of arrays
            sides = [node.left, node.right] if isinstance(node, cst.BinaryOperation) else [
                node.left, *(c.comparator for c in node.comparisons)]
            kinds = [isinstance(side, (cst.Integer, cst.Float)) or self._numpy(side, seen) for side in sides]
            return all(kinds) and not all(isinstance(side, (cst.Integer, cst.Float)) for side in sides)
        if isinstance(node, cst.Name) and node.value not in seen:
            return all(v is not None and self._numpy(v, seen | {node.value}) for v in self._values(node))
        return False

    def _list(self, node, seen: frozenset = frozenset()) -> bool:
        """A list or tuple display, or a name every value of which that may reach here is one (never a number:
        `torch.Tensor(3)` is an uninitialised tensor of 3 elements)."""
        if isinstance(node, (cst.List, cst.Tuple)):
            return True
        if isinstance(node, cst.Name) and node.value not in seen:
            return all(v is not None and self._list(v, seen | {node.value}) for v in self._values(node))
        return False

    def _generator(self, node, seen: frozenset) -> bool:
        """A NumPy random generator (its methods draw arrays)."""
        if isinstance(node, cst.Call):
            return self.ctx.qualname(node.func) in GENERATORS
        if isinstance(node, cst.Name) and node.value not in seen:
            return all(v is not None and self._generator(v, seen | {node.value}) for v in self._values(node))
        return False

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation):
        if not isinstance(original.operator, cst.MatrixMultiply) or (
                self._numpy(original.left) and self._numpy(original.right)):
            return updated
        target = api_table.load().overloads("torch.matmul", "torch")[0].sides[self.ctx.to].name
        # a call binds tighter than any operator: the parentheses of `(a @ b).sum()` are not needed
        return cst.Call(self.ctx.ref(target), [
            cst.Arg(_bare(updated.left), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(_bare(updated.right))])


def _bare(node: cst.BaseExpression) -> cst.BaseExpression:
    """An operand as an argument needs no parentheses of its own (`(a + b) @ c` -> `matmul(a + b, c)`)."""
    return node.with_changes(lpar=[], rpar=[]) if getattr(node, "lpar", None) else node
