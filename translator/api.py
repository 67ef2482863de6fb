"""Public entry point of the translator: `translate(source, to=...) -> Translation`.

Pure and static: the source is parsed with libcst and rewritten; it is never executed, and neither
TensorFlow nor PyTorch is imported here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

FRAMEWORKS = ("tf", "torch")
STYLES = ("backward", "autograd")


@dataclass(frozen=True)
class Diagnostic:
    """One finding, reported as `path:line:col: CODE message` (line and col are 1-based)."""

    line: int
    col: int
    code: str
    message: str
    level: str = "warning"  # "error" (left untranslated), "warning" (translated, check it), "info"
    suggestion: str | None = None
    path: str = "<string>"

    def format(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"
        return f"{text} (suggestion: {self.suggestion})" if self.suggestion else text

    def to_json(self) -> dict:
        return {
            "path": self.path, "line": self.line, "col": self.col, "code": self.code,
            "level": self.level, "message": self.message, "suggestion": self.suggestion,
        }


@dataclass
class Translation:
    code: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source_framework: str | None = None  # "tf", "torch", or None when the file uses neither
    target_framework: str = "torch"
    # What the original keeps in an attribute and the translation in a module-level name of its own, for
    # comparing them: {"x.grad": "x_grad"} (a PyTorch leaf's gradient, held by a variable in TF).
    names: dict[str, str] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        """True when something was left untranslated (an `error` diagnostic)."""
        return any(d.level == "error" for d in self.diagnostics)


class TranslationInputError(ValueError):
    """Input that cannot be translated at all (syntax error, undecodable bytes, bad options)."""

    def __init__(self, message: str, path: str = "<string>", line: int = 1, col: int = 1):
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path, self.line, self.col, self.reason = path, line, col, message


def translate(source: str | bytes, to: str = "torch", *, style: str = "backward",
              path: str = "<string>", source_framework: str | None = None) -> Translation:
    from .engine import run_translation

    if to not in FRAMEWORKS:
        raise TranslationInputError(f"unknown target framework {to!r} (expected one of {', '.join(FRAMEWORKS)})", path)
    if style not in STYLES:
        raise TranslationInputError(f"unknown style {style!r} (expected one of {', '.join(STYLES)})", path)
    return run_translation(source, to=to, style=style, path=path, source_framework=source_framework)
