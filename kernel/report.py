"""One twin run (original + translation + comparison) as a Jupyter MIME bundle: text/html, text/plain and
application/vnd.twingrad.comparison+json. Used by the kernel and by the %%twin magic.

The JSON payload: {"version": 1, "rtol", "atol",
  "ok" (no mismatch, and no value of the original missing from the translation),
  "summary": {"match", "mismatch", "tf_only", "torch_only"},
  "rows": [{"name", "status" ("match" | "mismatch" | "tf only" | "torch only"), "match",
            "tf" / "torch": null (name absent) or {"is_none", "value" (nested lists; null above 1000 elements;
                    "nan"/"inf" as strings), "shape", "dtype", "summary", "truncated"},
            "max_abs_diff", "max_rel_diff", "note"}],
  "source_framework" ("tf" | "torch" | null), "target_framework",
  "translation": {"code", "diagnostics": [{"path", "line", "col", "code", "level", "message", "suggestion"}],
                  "error" (the translator crashed)},
  "worlds": {"tf" / "torch": {"ok", "error_type", "error" (traceback)}}}
"""
from __future__ import annotations

import html

from .compare import MIME
from .runner import WORLDS, TwinResult, other

NAMES = {"tf": "TF", "torch": "PyTorch"}


def highlight_html(code: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return highlight(code, PythonLexer(), HtmlFormatter(noclasses=True))


def _title(twin: TwinResult) -> str:
    if twin.source_framework is None:
        return "no framework code: ran unchanged in both worlds"
    origin = twin.source_framework
    return f"{NAMES[origin]} code, compared with its {NAMES[other(origin)]} translation"


def _errors(twin: TwinResult):
    for world in WORLDS:
        result = getattr(twin, world)
        if result.error:
            yield f"the {NAMES[world]} world raised {result.error_type}", result.error


def _diagnostics(twin: TwinResult) -> list[str]:
    return [d.format() for d in twin.translation.diagnostics] if twin.translation else []


def to_json(twin: TwinResult) -> dict:
    origin = twin.source_framework
    return {
        **twin.comparison.to_json(),
        "source_framework": origin,
        "target_framework": other(origin) if origin else None,
        "translation": {
            "code": twin.translation.code if twin.translation else None,
            "diagnostics": [d.to_json() for d in twin.translation.diagnostics] if twin.translation else [],
            "error": twin.translation_error,
        },
        "worlds": {w: {"ok": getattr(twin, w).ok, "error_type": getattr(twin, w).error_type,
                       "error": getattr(twin, w).error} for w in WORLDS},
    }


def to_text(twin: TwinResult) -> str:
    parts = [f"twingrad: {_title(twin)}", twin.comparison.to_text()]
    parts += [f"{title}:\n{error.rstrip()}" for title, error in _errors(twin)]
    diagnostics = _diagnostics(twin)
    if diagnostics:
        parts.append("translation diagnostics:\n" + "\n".join(f"  {d}" for d in diagnostics))
    if twin.source_framework and twin.translation:
        parts.append(f"translated code ({NAMES[other(twin.source_framework)]}):\n{twin.translation.code.rstrip()}")
    return "\n\n".join(parts)


def to_html(twin: TwinResult) -> str:
    parts = [f"<p style='margin:2px 0'><b>twingrad</b>: {html.escape(_title(twin))}</p>"]
    for title, error in _errors(twin):
        parts.append(f"<details open class='twingrad-error'><summary style='color:#900'>{html.escape(title)}"
                     f"</summary><pre>{html.escape(error)}</pre></details>")
    diagnostics = _diagnostics(twin)
    if diagnostics:
        items = "".join(f"<li><code>{html.escape(d)}</code></li>" for d in diagnostics)
        parts.append(f"<div class='twingrad-diagnostics'>translation diagnostics:<ul>{items}</ul></div>")
    parts.append(twin.comparison.to_html())
    if twin.source_framework and twin.translation:
        parts.append(f"<details class='twingrad-translation'><summary>translated code "
                     f"({NAMES[other(twin.source_framework)]})</summary>{highlight_html(twin.translation.code)}</details>")
    return f"<div class='twingrad-twin'>{''.join(parts)}</div>"


def bundle(twin: TwinResult) -> dict:
    return {"text/plain": to_text(twin), "text/html": to_html(twin), MIME: to_json(twin)}
