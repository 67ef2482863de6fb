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


def nodes_with_tops(module: cst.Module):
    """Every Name and Call and statement, each with its top-level statement."""
    found = []

    class Collect(cst.CSTVisitor):
        top = None

        def on_visit(self, node):
            if self.top is None and node in module.body:
                self.top = node
            if isinstance(node, (cst.Name, cst.Call, cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                found.append((node, self.top))
            return True

        def on_leave(self, node):
            if node is self.top:
                self.top = None

    module.visit(Collect())
    return found


def libcst_starts(module: cst.Module) -> dict[int, tuple[int, int]]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return {id(node): (r.start.line, r.start.column + 1) for node, r in wrapper.resolve(PositionProvider).items()}


@pytest.mark.parametrize("name", SOURCES)
def test_statement_by_statement_positions_match_libcst(name):
    text = SOURCES[name]
    module = parse(text, name)
    reports = nodes_with_tops(module)
    expected = libcst_starts(module)
    assert rewrite.start_positions(module, text, reports) == {id(n): expected[id(n)] for n, _ in reports}


def test_unknown_statements_and_untrusted_lines_fall_back_to_the_whole_module(monkeypatch):
    module = parse(TRICKY, "tricky")
    reports = nodes_with_tops(module)
    expected = {id(n): p for n, p in zip([n for n, _ in reports],
                                          rewrite.start_positions(module, TRICKY, reports).values())}
    assert rewrite.start_positions(module, TRICKY, [(n, None) for n, _ in reports]) == expected
    generated = []
    real_starts = rewrite._starts
    monkeypatch.setattr(rewrite, "_starts", lambda root, *a: generated.append(root) or real_starts(root, *a))
    monkeypatch.setattr(rewrite, "_first_lines", lambda m, t: {id(s): i + 2 for i, s in enumerate(m.body)})
    assert rewrite.start_positions(module, TRICKY, reports) == expected
    assert generated[-1] is module  # the shifted lines were noticed
