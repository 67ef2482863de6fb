"""What both forward-mode rules (tf_forwardprop.py, torch_forward_ad.py) must know of a block: the names it reads
and assigns, and whether it may reach a primal's tensor through a name other than the primal's.

TF's ForwardAccumulator follows tensor objects (any name holding a watched tensor carries its tangent); torch's
forward AD follows the dual tensor `make_dual` returns. A translation renames one into the other, so it is exact
only where the block reaches the primals through their own names alone.
"""
from __future__ import annotations

import builtins
from collections import Counter, defaultdict

import libcst as cst

from ..walk import walk

# Framework functions that return the tensors they are given (in containers), not new ones.
CONTAINER_FUNCTIONS = ("tensorflow.nest.", "tensorflow.identity_n", "torch.utils._pytree.")


class Names(cst.CSTVisitor):
    """Names used and assigned (with the values assigned), parameters, functions, calls and `with` statements in a
    subtree, in one walk."""

    def __init__(self):
        self.uses: Counter[str] = Counter()  # name -> how many places read or bind it (not attributes, keywords)
        self.assigned: Counter[str] = Counter()  # name -> how many places assign it
        self.values: dict[str, list[cst.BaseExpression]] = defaultdict(list)  # name -> what is assigned to it
        self.parameters: set[str] = set()  # of functions and lambdas
        self.definitions: set[str] = set()  # functions and classes
        self.functions: dict[str, cst.FunctionDef] = {}
        self.calls: list[cst.Call] = []
        self.withs: list[cst.With] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.uses[node.value] += 1

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk(node.value, self)  # `obj.attr` reads `obj` only
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)  # not the keyword's name
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._targets(target.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target, node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._targets(node.target, node.iter)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._targets(node.asname.name, node.item)

    def visit_Param(self, node: cst.Param) -> None:
        self.parameters.add(node.name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.definitions.add(node.name.value)
        self.functions[node.name.value] = node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.definitions.add(node.name.value)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_With(self, node: cst.With) -> None:
        self.withs.append(node)

    def _targets(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self.assigned[target.value] += 1
            self.values[target.value].append(value if value is not None else cst.Name("None"))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:  # each name may hold any part of the value
                self._targets(element.value.value if isinstance(element, cst.StarredElement) else element.value,
                              value)


def names_in(node: cst.CSTNode) -> Names:
    found = Names()
    walk(node, found)
    return found


def argument(call: cst.Call, index: int, name: str) -> cst.BaseExpression | None:
    for i, arg in enumerate(call.args):
        if (arg.keyword is not None and arg.keyword.value == name) or (arg.keyword is None and i == index):
            return arg.value
    return None


class Aliasing:
    """Which names of a file may hold a primal's tensor object."""

    def __init__(self, ctx, module: cst.Module):
        self.ctx = ctx
        self.file = names_in(module)
        self.framework = {"tf": "tensorflow.", "torch": "torch."}[ctx.origin]

    def reaches(self, body: Names, primals: set[str], held: set[str]) -> str | None:
        """Why the block may reach a tangent-carrying tensor through a name other than `primals` (TF follows the
        tensor, torch the dual), or None. The names the block reads, and the globals of the file's functions it
        calls, must not be or hold `held` (the tensors only the primal names may carry), or a parameter's unknown
        value."""
        reads = set(body.uses) - set(body.assigned) - body.parameters
        for function in {c.func.value for c in body.calls if isinstance(c.func, cst.Name)} & set(self.file.functions):
            inner = names_in(self.file.functions[function])
            globals_ = set(inner.uses) - set(inner.assigned) - inner.parameters
            if globals_ & primals:  # it would see the primal, not the dual
                return f"whose block calls {function}(), which reads a primal as a global"
            reads |= globals_
        for read in sorted(reads - primals - self.file.definitions):
            if read in self.ctx.aliases or hasattr(builtins, read):
                continue
            if read in held:
                return f"whose block reads `{read}`, which holds a primal's tensor"
            if read in self.file.parameters or read not in self.file.values:
                return f"whose block reads `{read}`, which may hold a primal's tensor"
            if self.holds(read) & (primals | held):
                return f"whose block reads `{read}`, which may hold a primal's tensor"
        return None

    def holds(self, name: str) -> set[str]:
        """The names whose tensors `name` may hold: through plain assignments, containers, indexing and calls
        other than the framework's ops (which make new tensors), transitively."""
        found, pending = set(), [name]
        while pending:
            for value in self.file.values.get(pending.pop(), []):
                for held in self.aliases(value) - found:
                    found.add(held)
                    pending.append(held)
        return found

    def aliases(self, expr: cst.BaseExpression) -> set[str]:
        if isinstance(expr, cst.Name):
            return {expr.value}
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            return set().union(*(self.aliases(e.value) for e in expr.elements))
        if isinstance(expr, (cst.Subscript, cst.Attribute)):
            return self.aliases(expr.value)
        if isinstance(expr, cst.Call):
            qualified = self.ctx.qualname(expr.func) or ""
            if qualified.startswith(self.framework) and not qualified.startswith(CONTAINER_FUNCTIONS):
                return set()  # a framework op: a new tensor
            return set().union(self.aliases(expr.func), *(self.aliases(a.value) for a in expr.args))
        return set()  # arithmetic and literals make new values

