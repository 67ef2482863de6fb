"""Code generation for libcst trees without libcst's per-node bookkeeping.

libcst's `Module.code` / `code_for_node` open a generator-based context manager (`record_syntactic_position`)
for most nodes, for the position provider's sake, even when no one records positions: a third of the time it
takes to print a translation. The output is the same: these are libcst's own `_codegen` methods.
"""
from __future__ import annotations

import contextlib

import libcst as cst
from libcst._nodes.expression import _BaseParenthesizedNode
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
    generate(node, state)
    return "".join(state.tokens)


def generate(node: cst.CSTNode, state: CodegenState) -> None:
    """`node._codegen(state)`, each expression's parentheses written by `_Parenthesized` in place of libcst's
    generator-based context manager (one per expression: 5% of a translation). Process-wide while it lasts, like
    engine.parse's: nothing prints libcst nodes in another thread meanwhile."""
    parenthesize = _BaseParenthesizedNode._parenthesize
    _BaseParenthesizedNode._parenthesize = _parenthesize
    try:
        node._codegen(state)
    finally:
        _BaseParenthesizedNode._parenthesize = parenthesize


def _parenthesize(node: cst.CSTNode, state: CodegenState) -> "_Parenthesized":
    return _Parenthesized(node, state)


class _Parenthesized:
    """libcst's `_BaseParenthesizedNode._parenthesize`: the left parentheses, the node's recorded position around
    its code, the right parentheses (not after an exception, as there)."""

    __slots__ = ("node", "state", "recording")

    def __init__(self, node: cst.CSTNode, state: CodegenState):
        self.node, self.state = node, state

    def __enter__(self) -> None:
        for lpar in self.node.lpar:
            lpar._codegen(self.state)
        self.recording = self.state.record_syntactic_position(self.node)
        self.recording.__enter__()

    def __exit__(self, kind, value, traceback) -> bool:
        self.recording.__exit__(kind, value, traceback)
        if kind is None:
            for rpar in self.node.rpar:
                rpar._codegen(self.state)
        return False
