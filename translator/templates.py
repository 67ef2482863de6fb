"""libcst's `parse_template_expression` / `parse_template_statement`, faster: rules build much of their output
from templates, and libcst's versions parse the template again at every use and walk the result twice with its
rebuilding visitor (about 1.7 ms a statement, more than parsing a 300-line file's worth of statements).

Here each template is parsed once, with the places of its placeholders noted. When every replacement is an
expression (nearly always), only the nodes on the paths to the placeholders are rebuilt; that is all libcst's
TemplateTransformer changes for expressions (its `leave_Name`), and no placeholder can be left for its
TemplateChecker to find. Other replacements (statements, arguments, parameters...) go through libcst's own
TemplateTransformer and TemplateChecker, run on the light walks. The same signatures, so rules import these.
"""
from __future__ import annotations

import dataclasses
import functools

import libcst as cst
from libcst.helpers._template import TemplateChecker, TemplateTransformer, mangle_template, unmangled_name

from .walk import NODE, SEQUENCE, SKIP, child_fields, kind_of, transform, walk


@functools.lru_cache(maxsize=None)
def _parsed(template: str, names: frozenset[str], statement: bool) -> tuple[cst.CSTNode, dict | str | None]:
    source = mangle_template(template, set(names))
    tree = cst.parse_statement(source) if statement else cst.parse_expression(source)
    return tree, _placeholders(tree, names)


def _placeholders(node: cst.CSTNode, names: frozenset[str]) -> dict | str | None:
    """Where the placeholder names are under `node`: the placeholder's name at a placeholder, else
    {field: plan} for a child node and {field: {index: plan}} for a sequence; None where there are none."""
    if isinstance(node, cst.Name):
        name = unmangled_name(node.value)
        return name if name in names else None
    plan = {}
    for field in child_fields(node):
        value = getattr(node, field)
        kind = kind_of(value)
        if kind == NODE:
            found = _placeholders(value, names)
            if found is not None:
                plan[field] = found
        elif kind == SEQUENCE:
            found = {i: sub for i, child in enumerate(value)
                     if kind_of(child) == NODE and (sub := _placeholders(child, names)) is not None}
            if found:
                plan[field] = found
    return plan or None


def _fill(node: cst.CSTNode, plan: dict | str, replacements: dict) -> cst.CSTNode:
    if isinstance(plan, str):
        return _clone(replacements[plan])  # a copy, as libcst's transformer makes: nodes are told apart by id
    changes = {}
    for field, sub in plan.items():
        value = getattr(node, field)
        if isinstance(value, (list, tuple)):
            items = list(value)
            for index, item_plan in sub.items():
                items[index] = _fill(items[index], item_plan, replacements)
            changes[field] = tuple(items)
        else:
            changes[field] = _fill(value, sub, replacements)
    return node.with_changes(**changes)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _clone(node: cst.CSTNode) -> cst.CSTNode:
    """libcst's `deep_clone` without re-validating every node (the copy of a valid tree is valid): a third of the
    cost of filling templates went there. Non-node values (strings, sentinels) are immutable and shared."""
    kind = type(node)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(field.name for field in dataclasses.fields(kind))
    copy = object.__new__(kind)
    for name in names:
        value = getattr(node, name)
        kind = kind_of(value)
        if kind == SEQUENCE:
            value = tuple(_clone(item) if kind_of(item) in (NODE, SKIP) else item for item in value)
        elif kind in (NODE, SKIP):
            value = _clone(value)
        object.__setattr__(copy, name, value)
    return copy


def _filled(template: str, replacements: dict, statement: bool) -> cst.CSTNode:
    names = frozenset(replacements)
    tree, plan = _parsed(template, names, statement)
    if all(isinstance(value, cst.BaseExpression) for value in replacements.values()):
        return tree if plan is None else _fill(tree, plan, replacements)
    tree = transform(tree, TemplateTransformer(replacements))
    walk(tree, TemplateChecker(set(names)))
    return tree


def parse_template_expression(template: str, **replacements) -> cst.BaseExpression:
    return _filled(template, replacements, statement=False)


def parse_template_statement(template: str, **replacements) -> cst.SimpleStatementLine | cst.BaseCompoundStatement:
    tree = _filled(template, replacements, statement=True)
    if not isinstance(tree, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        raise TypeError(f"Expected a statement but got a {type(tree).__qualname__}!")
    return tree
