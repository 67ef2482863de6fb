"""The translator's own tree walks must visit what libcst's would, in libcst's order, and transform alike."""
from __future__ import annotations

import libcst as cst
import pytest

from twingrad.translator.walk import TRIVIA, Visitor, path_to, transform, walk, walk_all

SOURCE = '''\
"""doc"""
from __future__ import annotations
import tensorflow as tf  # comment


@tf.function
def f(x, *, y: int = 2, **kw) -> tf.Tensor:
    global g
    for i, (a, b) in enumerate(zip(x, y)):
        if a > b and not a:
            x = [v * 2.0 for v in x if v] + {k: v for k, v in kw.items()}[a:b:2]
        elif a:
            del a
        else:
            continue
    with tf.GradientTape() as t, open("p") as q:
        z = lambda u, *w: u if w else -u
        x @= f"{z!r:>{y}}" ; y += 1
    try:
        pass
    except (ValueError, tf.errors.InvalidArgumentError) as err:
        raise RuntimeError() from err
    finally:
        print(x, y, sep="")
    while (n := len(x)) > 0:
        yield await n
    return t.gradient(x, [y])


class C(tf.Module, metaclass=type):
    w: int
    @property
    def v(self): return self.w[..., 0]
'''


class Order(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def on_visit(self, node):
        if isinstance(node, TRIVIA):
            return False
        self.seen.append(label(node))
        return True


def label(node) -> str:
    value = getattr(node, "value", None)
    return type(node).__name__ + (f":{value}" if isinstance(value, str) else "")


class FastOrder(Visitor):
    def __init__(self):
        self.seen: list[str] = []

    def on_visit(self, node):
        self.seen.append(label(node))
        return True


def test_walk_visits_the_nodes_libcst_visits_in_its_order():
    module = cst.parse_module(SOURCE)
    theirs, ours = Order(), FastOrder()
    module.visit(theirs)
    walk(module, ours)
    assert ours.seen == theirs.seen
    assert len(ours.seen) > 200


class Hooks:
    """visit_/leave_ hooks only, one of which skips children (a lambda's): walked through the hook tables."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def visit_Name(self, node):
        self.seen.append(label(node))

    def visit_Lambda(self, node):
        self.seen.append("Lambda")
        return False

    def leave_FunctionDef(self, node):
        self.seen.append("/" + node.name.value)


class LibcstHooks(Hooks, cst.CSTVisitor):
    pass


class FastHooks(Hooks, Visitor):
    pass


def test_walk_calls_visit_and_leave_hooks_where_libcst_does():
    module = cst.parse_module(SOURCE)
    theirs, ours, plain = LibcstHooks(), FastHooks(), LibcstHooks()
    module.visit(theirs)
    walk(module, ours)
    walk(module, plain)  # a libcst visitor given to walk
    assert ours.seen == theirs.seen == plain.seen
    assert "Name:u" not in ours.seen and "Lambda" in ours.seen and "/f" in ours.seen


def test_walk_all_shows_each_visitor_what_its_own_walk_does():
    module = cst.parse_module(SOURCE)
    alone = [FastHooks(), FastOrder(), LibcstHooks()]
    for visitor in alone:
        walk(module, visitor)
    together = [FastHooks(), FastOrder(), LibcstHooks()]
    walk_all(module, together)
    assert [v.seen for v in together] == [v.seen for v in alone]
    assert "Name:u" in together[1].seen and "Name:u" not in together[0].seen  # skipped by one visitor alone


def test_path_to_is_the_chain_of_children_down_to_the_node():
    module = cst.parse_module(SOURCE)
    calls = []
    module.visit(type("Calls", (cst.CSTVisitor,), {"visit_Call": lambda self, node: calls.append(node)})())

    def by_children(node, target):
        if node is target:
            return [node]
        return next(([node, *found] for child in node.children if (found := by_children(child, target))), None)

    for call in calls:
        assert path_to(module, call) == by_children(module, call)
    assert len(calls) > 5 and path_to(module.body[0], calls[-1]) is None


class Rewrites:
    """Renames, removes a statement, flattens one into two, and replaces an expression."""

    def on_visit(self, node):
        return True

    def on_leave(self, original, updated):
        if isinstance(updated, cst.Name) and updated.value == "x":
            return updated.with_changes(value="xx")
        if isinstance(updated, cst.SimpleStatementLine) and updated.body and isinstance(updated.body[0], cst.Global):
            return cst.RemovalSentinel.REMOVE
        if isinstance(updated, cst.Del):
            return cst.RemovalSentinel.REMOVE  # leaves an empty line: dropped, as libcst does
        if isinstance(updated, cst.SimpleStatementLine) and updated.body and isinstance(updated.body[0], cst.Return):
            return cst.FlattenSentinel([cst.parse_statement("pass\n"), updated])
        if isinstance(updated, cst.Float):
            return cst.Integer("3")
        return updated


class LibcstRewrites(cst.CSTTransformer):
    def on_leave(self, original, updated):
        return Rewrites().on_leave(original, updated)


def test_transform_gives_libcst_output_and_keeps_untouched_nodes():
    module = cst.parse_module(SOURCE)
    ours = transform(module, Rewrites())
    assert ours.code == module.visit(LibcstRewrites()).code
    assert "global" not in ours.code and "del a" not in ours.code and "xx = [v * 3" in ours.code
    assert ours.body[-1] is module.body[-1]  # a statement nothing changed is the same object


def test_transform_refuses_to_remove_a_required_child():
    class RemoveNames:
        def on_visit(self, node):
            return True

        def on_leave(self, original, updated):
            return cst.RemovalSentinel.REMOVE if isinstance(updated, cst.Name) else updated

    with pytest.raises(TypeError, match="cannot be removed"):
        transform(cst.parse_module("a = b.c\n"), RemoveNames())


class HookedRewrites(cst.CSTTransformer):
    """A libcst transformer with per-type hooks (run through the cached dispatch)."""

    def visit_Lambda(self, node) -> bool:
        return False  # names inside lambdas keep their spelling

    def leave_Name(self, original, updated):
        return updated.with_changes(value=updated.value.upper()) if updated.value == "x" else updated

    def leave_Del(self, original, updated):
        return cst.RemovalSentinel.REMOVE


def test_transform_runs_libcst_transformer_hooks_as_libcst_does():
    module = cst.parse_module(SOURCE)
    ours = transform(module, HookedRewrites())
    assert ours.code == module.visit(HookedRewrites()).code
    assert "X = [v * 2.0" in ours.code and "del a" not in ours.code


def test_fields_libcst_visits_only_when_present_are_walked_whatever_came_first():
    """An f-string's format_spec is visited only when there is one: an f-string without one, walked first, must
    not hide it from later ones (the field list once came from the first instance seen)."""
    from twingrad.translator import walk as walk_module

    walk_module._CHILD_FIELDS.clear()  # as in a fresh process
    walk(cst.parse_module('x = f"{a}"\n'), FastOrder())
    ours = FastOrder()
    walk(cst.parse_module('y = f"{a:{width}}"\n'), ours)
    assert "Name:width" in ours.seen
