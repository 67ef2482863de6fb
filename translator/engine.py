"""The generic rewrite engine: parse, detect the source framework, run the rules in one traversal, render."""
from __future__ import annotations

import ast
import contextlib
import re

import libcst as cst
from libcst._nodes.base import CSTNode

from .api import Translation, TranslationInputError

_IMPORT_RE = {
    "tf": re.compile(r"^\s*(import|from)\s+(tensorflow|keras)\b", re.M),
    "torch": re.compile(r"^\s*(import|from)\s+torch\b", re.M),
}


def decode_source(source: str | bytes, path: str) -> str:
    if isinstance(source, str):
        return source
    try:
        return source.decode("utf-8")
    except UnicodeDecodeError as err:
        line = source.count(b"\n", 0, err.start) + 1
        col = err.start - (source.rfind(b"\n", 0, err.start) + 1) + 1
        raise TranslationInputError(
            f"not valid UTF-8: byte 0x{source[err.start]:02x} cannot be decoded", path, line, col) from None


@contextlib.contextmanager
def _parser_nodes_unvalidated():
    """libcst validates every node as it is constructed; the parser's nodes are valid by construction (libcst's
    CSTNode.__post_init__ notes the same), and skipping that is a fifth of parsing. Process-wide while it lasts:
    nothing builds nodes in another thread meanwhile (the CLI, kernel and server translate one file at a time)."""
    validate = CSTNode.__post_init__
    CSTNode.__post_init__ = _no_validation
    try:
        yield
    finally:
        CSTNode.__post_init__ = validate


def _no_validation(node) -> None:
    pass


def parse(text: str, path: str) -> cst.Module:
    try:
        with _parser_nodes_unvalidated():
            return cst.parse_module(text)
    except cst.ParserSyntaxError as err:
        # Python's own parser places errors better (libcst reports a missing colon on the next line).
        try:
            compile(text, path, "exec", ast.PyCF_ONLY_AST)
        except SyntaxError as py_err:
            raise TranslationInputError(f"syntax error: {py_err.msg}", path, py_err.lineno or 1,
                                        py_err.offset or 1) from None
        raise TranslationInputError(f"syntax error: {err.message}", path, err.raw_line, err.raw_column + 1) from None


def detect_framework(text: str, to: str | None = None) -> str | None:
    """The framework a file imports; in a file importing both, the one that is not the target."""
    found = [name for name, pattern in _IMPORT_RE.items() if pattern.search(text)]
    if len(found) > 1 and to in found:
        found.remove(to)
    return found[0] if found else None


def run_translation(source: str | bytes, *, to: str, style: str, path: str, source_framework: str | None) -> Translation:
    text = decode_source(source, path)
    module = parse(text, path)
    origin = source_framework or detect_framework(text, to)
    if origin in (None, to):
        # Nothing to translate (no framework, or already in the target one): byte-identical.
        return Translation(code=text, source_framework=origin, target_framework=to)
    from .rewrite import rewrite_module

    return rewrite_module(module, text, origin=origin, to=to, style=style, path=path)
