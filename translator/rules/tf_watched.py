"""The variables a GradientTape watched, as `tape.watched_variables()` returns them (used by tf_tape.py).

What TF 2.21 does (each point checked by running it):
- a trainable variable (integer ones included) is watched when an op inside the block *reads* it: arithmetic,
  indexing, a tf.* call (even tf.shape), `numpy()`, `value()`, `assign*()`, `print`, `float()`;
- naming it (`u = v`), asking `v.shape` / `v.dtype`, or passing it to tf.stop_gradient does not watch it;
- `tape.watch(v)` watches any variable, trainable or not; `watch_accessed_variables=False` keeps only those;
- the result is a tuple ordered by the variables' creation (their ids), not by access.

The block is read statically, so the answer is only given when every read is visible: a call to user code or to a
Keras object, a name whose value is not known (a parameter, a list of variables, an attribute), a variable rebound
or created inside the block, or a `reset()` makes it unknowable, and the caller flags it.
"""
from __future__ import annotations

import libcst as cst

from ..walk import walk
from .tf_facts import Binding, Facts, Tape

VARIABLE = "tensorflow.Variable"
# Methods and builtins that read a variable's value (and so make the tape watch it), and attributes that do not.
READING_METHODS = {"numpy", "value", "read_value", "assign", "assign_add", "assign_sub"}
INSPECTING_ATTRIBUTES = {"shape", "dtype", "name", "trainable", "device"}
READING_BUILTINS = {"print", "float", "int", "bool"}
HARMLESS_BUILTINS = {"range", "len", "abs", "min", "max", "sum", "zip", "enumerate", "list", "tuple", "isinstance"}
GRADIENT_METHODS = {"gradient", "jacobian", "batch_jacobian"}


class Unknowable(Exception):
    """Why the watched variables cannot be known statically."""


class _Reads(cst.CSTVisitor):
    """Classifies every name read in a tape's block."""

    def __init__(self, ctx, facts: Facts, tape: Tape):
        self.ctx, self.facts, self.tape = ctx, facts, tape
        self.read: dict[str, Binding] = {}
        self.watched: dict[str, Binding] = {}
        self._parents: list[cst.CSTNode] = []
        self._tape_names = {t.name for tapes in facts.tapes.values() for t in tapes}

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            raise Unknowable("the block defines a function or class")
        if isinstance(node, cst.Call):
            self._call(node)
        if isinstance(node, cst.Name) and self._is_read(node):
            self._name(node)
        self._parents.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._parents.pop()

    def _is_read(self, node: cst.Name) -> bool:
        """Not an attribute's name, a keyword, a binding target or a called function (those are checked in _call)."""
        parent = self._parents[-1] if self._parents else None
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return False
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return False
        if isinstance(parent, cst.Call) and parent.func is node:
            return False
        if isinstance(parent, (cst.AssignTarget, cst.For, cst.AugAssign, cst.AsName)) and \
                getattr(parent, "target", getattr(parent, "name", None)) is node:
            return False
        return node.value not in self.ctx.aliases and node.value not in self._tape_names

    def _call(self, call: cst.Call) -> None:
        func = call.func
        qualified = self.ctx.qualname(func) or ""
        if qualified == VARIABLE or qualified.startswith("tensorflow.keras."):
            raise Unknowable(f"the block calls {qualified.replace('tensorflow.', 'tf.')}")
        if qualified.startswith("tensorflow."):
            return
        if isinstance(func, cst.Name):
            if func.value not in READING_BUILTINS | HARMLESS_BUILTINS:
                raise Unknowable(f"the block calls {func.value}(), which may read variables")
            return
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in self._tape_names:
            if func.attr.value == "reset":
                raise Unknowable("the tape is reset in the block")
            return
        if isinstance(func, cst.Attribute):
            return  # a method of a value: its receiver is a name checked like any other
        raise Unknowable("the block calls a computed function")

    def _name(self, node: cst.Name) -> None:
        name = node.value
        binding = self._binding(node)
        is_variable = binding is not None and isinstance(binding.value, cst.Call) and \
            self.ctx.qualname(binding.value.func) == VARIABLE
        if not is_variable:
            if name in self.tape.assigned or self.facts.kind_of(node) in ("constant", "numpy", "numbers", "int"):
                return  # a tensor computed in the block, or a known non-variable value
            raise Unknowable(f"what {name} holds is not known statically")
        if name in self.tape.assigned:
            raise Unknowable(f"{name} is rebound inside the block")
        effect = self._effect(node)
        if effect == "watch":
            self.watched[name] = binding
        elif effect == "read":
            self.read[name] = binding
        elif effect == "unknown":
            raise Unknowable(f"whether the block reads {name} is not known statically")

    def _binding(self, node: cst.Name) -> Binding | None:
        use = self.facts.uses.get(id(node))
        return self.facts.binding_before(node.value, *use) if use else None

    def _effect(self, node: cst.Name) -> str:
        """read | watch | none | unknown: what this occurrence of a variable does to the tape."""
        parents = self._parents
        parent = parents[-1]
        if isinstance(parent, (cst.BinaryOperation, cst.UnaryOperation, cst.ComparisonTarget, cst.Comparison)):
            return "read"
        if isinstance(parent, cst.Subscript) and parent.value is node or isinstance(parent, cst.AugAssign):
            return "read"
        if isinstance(parent, cst.Attribute):
            called = len(parents) > 1 and isinstance(parents[-2], cst.Call) and parents[-2].func is parent
            if called and parent.attr.value in READING_METHODS:
                return "read"
            return "none" if not called and parent.attr.value in INSPECTING_ATTRIBUTES else "unknown"
        # an argument, directly or as an element of a list/tuple literal argument
        depth = len(parents) - 1
        if isinstance(parent, cst.Element) and len(parents) > 2 and isinstance(parents[-2], (cst.List, cst.Tuple)):
            depth -= 2
        if depth < 1 or not isinstance(parents[depth], cst.Arg) or not isinstance(parents[depth - 1], cst.Call):
            return "unknown"
        call = parents[depth - 1]
        qualified = self.ctx.qualname(call.func) or ""
        if qualified == "tensorflow.stop_gradient":
            return "none"
        if qualified.startswith("tensorflow.") or (isinstance(call.func, cst.Name) and call.func.value in READING_BUILTINS):
            return "read"
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in self._tape_names:
            if func.attr.value == "watch":
                return "watch"
            if func.attr.value in GRADIENT_METHODS:
                return "none"
        return "unknown"


def watched_variables(ctx, facts: Facts, tape: Tape, call_order: int) -> list[str]:
    """The names of the variables `tape.watched_variables()` returns at call_order (after the block), in TF's
    order; raises Unknowable."""
    reads = _Reads(ctx, facts, tape)
    walk(tape.node.body, reads)
    chosen = dict(reads.watched)
    if tape.watches_accessed_variables:
        for name, binding in reads.read.items():
            trainable = next((a.value for a in binding.value.args if a.keyword and a.keyword.value == "trainable"), None)
            if not (isinstance(trainable, cst.Name) and trainable.value == "False"):
                chosen[name] = binding
    scopes = {id(b.scope) for b in chosen.values()}
    if len(scopes) > 1:
        raise Unknowable("the variables are created in different functions: their creation order is not known")
    for name, binding in chosen.items():
        if facts.binding_before(name, call_order, tape.scope) is not binding:
            raise Unknowable(f"{name} is rebound between the tape and this call")
        if tape.in_loop and any(b.order > tape.order and b.scope is binding.scope for b in facts.bindings[name]):
            raise Unknowable(f"{name} is rebound later in the loop holding the tape")
    # TF orders them by the variables' ids, i.e. by creation: here the order of the statements creating them.
    return sorted(chosen, key=lambda name: chosen[name].order)
