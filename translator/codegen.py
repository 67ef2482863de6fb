"""Code generation for libcst trees without libcst's per-node bookkeeping.

libcst's `Module.code` / `code_for_node` open a generator-based context manager (`record_syntactic_position`)
for most nodes, for the position provider's sake, even when no one records positions: a third of the time it
takes to print a translation. The output is the same: these are libcst's own `_codegen` methods.
"""
from __future__ import annotations

import contextlib

import libcst as cst
from libcst._nodes.internal import CodegenState

NO_RECORDING = contextlib.nullcontext()
_EMPTY = cst.Module(body=[])
_LEAVES = (cst.Name, cst.Integer, cst.Float, cst.SimpleString)


class PlainCodegen(CodegenState):
    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        return NO_RECORDING


def code_of(node: cst.CSTNode, module: cst.Module = _EMPTY) -> str:
    """`module.code_for_node(node)` (the module gives the indentation and newline; `code_of(m, m)` is `m.code`)."""
    if type(node) in _LEAVES and not node.lpar:
        return node.value  # most arguments: nothing to generate
    state = PlainCodegen(default_indent=module.default_indent, default_newline=module.default_newline)
    node._codegen(state)
    return "".join(state.tokens)
