"""Tree walks for the translator, lighter than libcst's own.

libcst's `node.visit(visitor)` rebuilds every node of the tree (each through its validating constructor) even when
nothing changes, and dispatches hooks for every whitespace and punctuation node; that was most of a translation's
time. These walks visit children in exactly libcst's order and call the same `visit_X`/`leave_X` hooks, but rebuild
only the nodes whose children changed, and skip trivia (whitespace, punctuation, operators), which no rule looks at.
"""
from __future__ import annotations

import dataclasses
import inspect
import re
from collections import defaultdict

import libcst as cst

# Nodes that hold only layout and punctuation: no rule hook runs on them and no name can occur inside them.
TRIVIA = (cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.TrailingWhitespace, cst.Newline, cst.Comment,
          cst.Comma, cst.Dot, cst.Colon, cst.Semicolon, cst.AssignEqual, cst.LeftParen, cst.RightParen,
          cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace,
          cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp, cst.Asynchronous,
          cst.ImportStar, cst.ParamStar, cst.ParamSlash)

# What a field's value is, by its type (isinstance on libcst's abstract classes is slow): a node to walk, trivia,
# a sequence, or any other value (strings, sentinels, None). All true, so that `_KINDS.get(t) or kind_of(v)` is a
# cache hit for every kind.
NODE, SKIP, SEQUENCE, VALUE = 1, 2, 3, 4
_KINDS: dict[type, int] = {}


def kind_of(value) -> int:
    kind = type(value)
    found = _KINDS.get(kind)
    if found is None:
        found = _KINDS[kind] = (SKIP if issubclass(kind, TRIVIA) else NODE) if issubclass(kind, cst.CSTNode) else (
            SEQUENCE if issubclass(kind, (list, tuple)) else VALUE)
    return found


_STATEMENTS: dict[type, bool] = {}


def is_statement(node: cst.CSTNode) -> bool:
    """A statement line or a compound statement (cached per type, like `kind_of`)."""
    kind = type(node)
    found = _STATEMENTS.get(kind)
    if found is None:
        found = _STATEMENTS[kind] = issubclass(kind, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return found


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
# Fields that by libcst's naming hold only whitespace or punctuation (test_walk checks the order against libcst).
_LAYOUT_FIELDS = {"lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorators", "footer",
                  "trailing_whitespace", "newline", "equal", "colon", "dot", "header"}


def child_fields(node: cst.CSTNode) -> tuple[str, ...]:
    """The fields that may hold a non-trivia child, in libcst's visiting order."""
    kind = type(node)
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _CHILD_FIELDS[kind] = tuple(
            name for name in _visiting_order(kind) if not name.startswith("whitespace") and name not in _LAYOUT_FIELDS)
    return fields


def _visiting_order(kind: type) -> list[str]:
    """The fields in the order the class's `_visit_and_replace_children` visits them, read from its source: some
    are visited only when present (an f-string's format_spec), so no single instance shows them all. Fields the
    source does not name (plain values, in practice) follow in declaration order."""
    try:
        source = inspect.getsource(kind._visit_and_replace_children)
    except (OSError, TypeError):  # no source at hand: declaration order
        source = ""
    visited = list(dict.fromkeys(re.findall(r'\(\s*self,\s*"(\w+)"', source)))
    declared = [field.name for field in dataclasses.fields(kind)]
    return [name for name in visited if name in declared] + [name for name in declared if name not in visited]


def walk(node: cst.CSTNode, visitor) -> None:
    """A read-only walk calling `visitor.on_visit(node)` (False: skip the children) and `visitor.on_leave(node)`.
    libcst visitors (`cst.CSTVisitor`) work too, their hooks looked up once per node type."""
    kind = type(visitor)
    on_visit, on_leave = _FAST.get(kind.on_visit, kind.on_visit), _FAST.get(kind.on_leave, kind.on_leave)
    if on_visit is Visitor.on_visit and on_leave is Visitor.on_leave:
        _walk_hooks(node, visitor, _VISITS[kind], _LEAVES[kind])
    else:
        _walk(node, visitor, on_visit, on_leave)


def _walk(node: cst.CSTNode, visitor, on_visit, on_leave) -> None:
    # The caches' lookups are inlined (a call per node and field was a fifth of a walk).
    if on_visit(visitor, node) is not False:
        for name in _CHILD_FIELDS.get(type(node)) or child_fields(node):
            value = getattr(node, name)
            kind = _KINDS.get(type(value)) or kind_of(value)
            if kind == NODE:
                _walk(value, visitor, on_visit, on_leave)
            elif kind == SEQUENCE:
                for child in value:
                    if (_KINDS.get(type(child)) or kind_of(child)) == NODE:
                        _walk(child, visitor, on_visit, on_leave)
    on_leave(visitor, node)


def _walk_hooks(node: cst.CSTNode, visitor, visits: dict, leaves: dict) -> None:
    """`_walk` for a plain `Visitor`: its hooks looked up here and called only where it has one (most node types
    have none; calling `on_visit`/`on_leave` for each node was a third of a walk)."""
    kind = type(node)
    hook = visits.get(kind, _UNKNOWN)
    if hook is _UNKNOWN:
        hook = _hook(_VISITS, type(visitor), "visit_", kind)
    if hook is None or hook(visitor, node) is not False:
        for name in _CHILD_FIELDS.get(kind) or child_fields(node):
            value = getattr(node, name)
            value_kind = _KINDS.get(type(value)) or kind_of(value)
            if value_kind == NODE:
                _walk_hooks(value, visitor, visits, leaves)
            elif value_kind == SEQUENCE:
                for child in value:
                    if (_KINDS.get(type(child)) or kind_of(child)) == NODE:
                        _walk_hooks(child, visitor, visits, leaves)
    hook = leaves.get(kind, _UNKNOWN)
    if hook is _UNKNOWN:
        hook = _hook(_LEAVES, type(visitor), "leave_", kind)
    if hook is not None:
        hook(visitor, node)


def path_to(root: cst.CSTNode, target: cst.CSTNode) -> list[cst.CSTNode] | None:
    """The nodes from `root` down to `target` (the very node, inside `root`), or None where it is not there
    (libcst's `node.children` rebuilds each node's children to list them)."""
    if root is target:
        return [root]
    for name in _CHILD_FIELDS.get(type(root)) or child_fields(root):
        value = getattr(root, name)
        kind = _KINDS.get(type(value)) or kind_of(value)
        for child in (value,) if kind == NODE else value if kind == SEQUENCE else ():
            if (_KINDS.get(type(child)) or kind_of(child)) == NODE:
                found = path_to(child, target)
                if found is not None:
                    return [root, *found]
    return None


def walk_all(node: cst.CSTNode, visitors: list) -> None:
    """Several read-only visitors in one walk, each seeing what `walk(node, visitor)` would show it (one that skips a
    node's children skips them for itself alone); for independent analyses, which then share the traversal."""
    _walk_all(node, tuple(visitors), {})


def _calls(visitors: tuple, kind: type) -> tuple[tuple, tuple]:
    """The (visitor, function) pairs to call on visiting and on leaving a node of a type: a plain Visitor's hooks
    where it has one, another visitor's own on_visit / on_leave."""
    visits, leaves = [], []
    for visitor in visitors:
        cls = type(visitor)
        on_visit, on_leave = _FAST.get(cls.on_visit, cls.on_visit), _FAST.get(cls.on_leave, cls.on_leave)
        if on_visit is Visitor.on_visit and on_leave is Visitor.on_leave:
            on_visit = _VISITS[cls].get(kind, _UNKNOWN)
            on_visit = _hook(_VISITS, cls, "visit_", kind) if on_visit is _UNKNOWN else on_visit
            on_leave = _LEAVES[cls].get(kind, _UNKNOWN)
            on_leave = _hook(_LEAVES, cls, "leave_", kind) if on_leave is _UNKNOWN else on_leave
        if on_visit is not None:
            visits.append((visitor, on_visit))
        if on_leave is not None:
            leaves.append((visitor, on_leave))
    return tuple(visits), tuple(leaves)


def _walk_all(node: cst.CSTNode, visitors: tuple, calls: dict) -> None:
    """`calls`: node type -> `_calls(visitors, type)`, filled as types are met."""
    kind = type(node)
    visits, leaves = calls.get(kind) or calls.setdefault(kind, _calls(visitors, kind))
    inside = visitors
    for visitor, hook in visits:
        if hook(visitor, node) is False:
            inside = tuple(v for v in inside if v is not visitor)
    if inside:
        inside_calls = calls if inside is visitors else {}
        for name in _CHILD_FIELDS.get(kind) or child_fields(node):
            value = getattr(node, name)
            value_kind = _KINDS.get(type(value)) or kind_of(value)
            if value_kind == NODE:
                _walk_all(value, inside, inside_calls)
            elif value_kind == SEQUENCE:
                for child in value:
                    if (_KINDS.get(type(child)) or kind_of(child)) == NODE:
                        _walk_all(child, inside, inside_calls)
    for visitor, hook in leaves:
        hook(visitor, node)


class Visitor:
    """Base for read-only visitors run by `walk`: dispatches to `visit_<Type>` / `leave_<Type>` methods."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        hook = _VISITS[type(self)].get(type(node), _UNKNOWN)
        if hook is _UNKNOWN:
            hook = _hook(_VISITS, type(self), "visit_", type(node))
        return True if hook is None else hook(self, node) is not False

    def on_leave(self, node: cst.CSTNode) -> None:
        hook = _LEAVES[type(self)].get(type(node), _UNKNOWN)
        if hook is _UNKNOWN:
            hook = _hook(_LEAVES, type(self), "leave_", type(node))
        if hook is not None:
            hook(self, node)


# libcst's dispatch (a getattr on a formatted name per node) replaced by the same lookup, cached:
# visitor class -> node type -> its visit_/leave_ method or None.
_FAST = {cst.CSTVisitor.on_visit: Visitor.on_visit, cst.CSTVisitor.on_leave: Visitor.on_leave}
_VISITS: dict[type, dict[type, object]] = defaultdict(dict)
_LEAVES: dict[type, dict[type, object]] = defaultdict(dict)
_UNKNOWN = object()


def _hook(table: dict, visitor: type, prefix: str, kind: type):
    hook = table[visitor][kind] = getattr(visitor, prefix + kind.__name__, None)
    return hook


def transform(node: cst.CSTNode, visitor):
    """libcst's transform protocol (`on_visit(node)`, `on_leave(original, updated)` returning the replacement, a
    `RemovalSentinel` or a `FlattenSentinel` in sequences), rebuilding only nodes whose children changed.
    libcst transformers (`cst.CSTTransformer`) work too, their hooks looked up once per node type."""
    kind = type(visitor)
    if kind.on_visit is cst.CSTTransformer.on_visit and kind.on_leave is cst.CSTTransformer.on_leave:
        visitor = _CachedDispatch(visitor)
    return _transform(node, visitor)


class _CachedDispatch:
    def __init__(self, transformer: cst.CSTTransformer):
        self.transformer, self.kind = transformer, type(transformer)

    def on_visit(self, node: cst.CSTNode) -> bool:
        hook = _VISITS[self.kind].get(type(node), _UNKNOWN)
        if hook is _UNKNOWN:
            hook = _hook(_VISITS, self.kind, "visit_", type(node))
        return True if hook is None else hook(self.transformer, node) is not False

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):
        hook = _LEAVES[self.kind].get(type(original), _UNKNOWN)
        if hook is _UNKNOWN:
            hook = _hook(_LEAVES, self.kind, "leave_", type(original))
        return updated if hook is None else hook(self.transformer, original, updated)


def _transform(node: cst.CSTNode, visitor):
    changes = None
    if visitor.on_visit(node) is not False:
        for name in _CHILD_FIELDS.get(type(node)) or child_fields(node):
            value = getattr(node, name)
            kind = _KINDS.get(type(value)) or kind_of(value)
            if kind == NODE:
                new = _transform(value, visitor)
                if new is not value:
                    if isinstance(new, (cst.RemovalSentinel, cst.FlattenSentinel)):
                        raise TypeError(f"{type(value).__name__} in {type(node).__name__}.{name} cannot be "
                                        f"removed or replaced by several nodes")
                    changes = changes or {}
                    changes[name] = new
            elif kind == SEQUENCE and value:
                items = _transform_sequence(value, visitor, body=name == "body" and type(node) in _BLOCKS)
                if items is not None:
                    changes = changes or {}
                    changes[name] = items
    return visitor.on_leave(node, node.with_changes(**changes) if changes else node)


_BLOCKS = (cst.Module, cst.IndentedBlock)


def _transform_sequence(children, visitor, *, body: bool):
    """The new children, or None when none changed. Like libcst, in a block's body a statement line that a rule
    emptied is dropped."""
    out, changed = [], False
    for child in children:
        new = child if (_KINDS.get(type(child)) or kind_of(child)) != NODE else _transform(child, visitor)
        if new is child:
            out.append(child)
            continue
        changed = True
        if isinstance(new, cst.RemovalSentinel):
            continue
        for item in new.nodes if isinstance(new, cst.FlattenSentinel) else (new,):
            if not (body and item._is_removable() and not child._is_removable()):
                out.append(item)
    return tuple(out) if changed else None
