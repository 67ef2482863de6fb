"""Cells of a notebook session: which framework a cell is written in, and translating it in context.

A notebook imports TensorFlow or PyTorch once, in an early cell; later cells use `tf.` / `torch.` without
importing. `Session` remembers the framework imports seen so far, so a later cell's framework is known from
the aliases it uses, and the translator (which resolves names through imports) is given those imports as
a prelude ahead of the cell.
"""
from __future__ import annotations

import ast
import dataclasses

from .runner import WORLDS, framework_imports, translate_for_twin

_CELL_START = "# twingrad: cell starts here"


def names_in(source: str) -> list[str]:
    """Every plain name a cell mentions, in order of first appearance (the values worth showing)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    nodes = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Name)), key=lambda n: (n.lineno, n.col_offset))
    return list(dict.fromkeys(n.id for n in nodes))


@dataclasses.dataclass
class Session:
    imports: dict = dataclasses.field(default_factory=lambda: {w: [] for w in WORLDS})
    aliases: dict = dataclasses.field(default_factory=dict)  # imported name -> framework
    values: dict = dataclasses.field(default_factory=dict)   # name bound by a framework's cell -> framework

    def framework_of(self, source: str) -> str | None:
        """The cell's framework: from its own imports, else from the imported names it uses, else from the
        names it uses that earlier cells of one framework bound (`w.numpy()` on a TF variable is TF code);
        None if none of these."""
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return None
        found = {framework for _, framework in framework_imports(tree)}
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        for known in (self.aliases, self.values):
            found = found or {known[name] for name in used & set(known)}
        return found.pop() if len(found) == 1 else None

    def record(self, source: str) -> None:
        """Remember the cell's framework imports and the names it bound (call after it ran)."""
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return
        framework = self.framework_of(source)
        for name in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}:
            if framework:
                self.values[name] = framework
            else:
                self.values.pop(name, None)
        for node, imported in framework_imports(tree):
            statement = ast.get_source_segment(source, node)
            if statement not in self.imports[imported]:
                self.imports[imported].append(statement)
            for alias in node.names:
                self.aliases[(alias.asname or alias.name).partition(".")[0]] = imported

    def prelude(self, framework: str | None) -> str:
        """The framework imports seen so far, one per line."""
        return "\n".join(self.imports[framework]) if framework else ""

    def translate(self, source: str, path: str, *, style: str = "backward", source_framework: str | None = None):
        """(origin, Translation or None, translator error) for a cell, with the session's imports in front.

        The translated code keeps the translated imports at its top, so it runs on its own in the other world.
        Raises TranslationInputError for a cell that cannot be translated at all (line numbers are the cell's).
        """
        from twingrad.translator import TranslationInputError

        origin = source_framework or self.framework_of(source)
        prelude = self.prelude(origin)
        if not prelude:
            return translate_for_twin(source, path, source_framework=origin, style=style)
        offset = prelude.count("\n") + 2
        try:
            origin, translation, error = translate_for_twin(
                f"{prelude}\n{_CELL_START}\n{source}", path, source_framework=origin, style=style)
        except TranslationInputError as err:
            raise TranslationInputError(err.reason, err.path, max(1, err.line - offset), err.col) from None
        if translation is not None:
            translation.code = translation.code.replace(f"{_CELL_START}\n", "", 1)
            translation.diagnostics = [dataclasses.replace(d, line=d.line - offset)
                                       for d in translation.diagnostics if d.line > offset]
        return origin, translation, error
