"""Diagnostics are placed where libcst's PositionProvider places nodes, whether only the statements holding them
are generated (the usual way) or the whole module is (where Python's parser cannot vouch for the lines)."""
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from twingrad.translator import rewrite
from twingrad.translator.engine import parse

TESTS = Path(__file__).parent.parent
TRICKY = '''#!/usr/bin/env python
"""Docstring."""

# a comment before
import tensorflow as tf ; import numpy as np


@tf.function
# a comment between decorator and def
def f(x, y=(1,
            2)):
    s = """a
    multi-line string"""
    return x * 2  # trailing


class C:
    w = tf.Variable(1.0)

    # footer-ish comment


if True: z = f(3); q = [i for i in
                        range(3)]
'''
SOURCES = {"tricky": TRICKY, **{p.stem: p.read_text() for p in sorted((TESTS / "programs" / "tf").glob("*.py"))[:8]}}


def nodes_with_paths(module: cst.Module):
    """Every Name and Call and statement, each with the statements enclosing it (itself included), outermost first,
    as the engine reports them."""
    found = []

    class Collect(cst.CSTVisitor):
        path: tuple = ()

        def on_visit(self, node):
            if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                self.path += (node,)
            if isinstance(node, (cst.Name, cst.Call, cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                found.append((node, self.path))
            return True

        def on_leave(self, node):
            if self.path and node is self.path[-1]:
                self.path = self.path[:-1]

    module.visit(Collect())
    return found


def libcst_starts(module: cst.Module) -> dict[int, tuple[int, int]]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return {id(node): (r.start.line, r.start.column + 1) for node, r in wrapper.resolve(PositionProvider).items()}


@pytest.mark.parametrize("name", SOURCES)
def test_statement_by_statement_positions_match_libcst(name):
    text = SOURCES[name]
    module = parse(text, name)
    reports = nodes_with_paths(module)
    expected = libcst_starts(module)
    assert rewrite.start_positions(module, text, reports) == {id(n): expected[id(n)] for n, _ in reports}


def test_unknown_statements_and_untrusted_lines_fall_back_to_the_whole_module(monkeypatch):
    module = parse(TRICKY, "tricky")
    reports = nodes_with_paths(module)
    expected = {id(n): p for n, p in zip([n for n, _ in reports],
                                          rewrite.start_positions(module, TRICKY, reports).values())}
    assert rewrite.start_positions(module, TRICKY, [(n, ()) for n, _ in reports]) == expected
    generated = []
    real_starts, real_lines = rewrite._starts, rewrite._statement_lines
    monkeypatch.setattr(rewrite, "_starts", lambda root, *a: generated.append(root) or real_starts(root, *a))
    monkeypatch.setattr(rewrite, "_statement_lines", lambda *a: {k: v + 1 for k, v in real_lines(*a).items()})
    assert rewrite.start_positions(module, TRICKY, reports) == expected
    assert generated[-1] is module  # the shifted lines were noticed


def test_only_the_innermost_statement_is_generated(monkeypatch):
    module = parse(TRICKY, "tricky")
    reports = [(n, path) for n, path in nodes_with_paths(module) if len(path) > 1 and isinstance(n, cst.Call)]
    generated = []
    real_starts = rewrite._starts
    monkeypatch.setattr(rewrite, "_starts", lambda root, *a: generated.append(root) or real_starts(root, *a))
    rewrite.start_positions(module, TRICKY, reports)
    assert generated and all(root is not module and root not in module.body for root in generated)
