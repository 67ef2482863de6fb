"""Language server for the editor (`python -m twingrad.lsp`, LSP over stdio).

It only ever translates statically (twingrad.translator, libcst): it never runs the user's code, so the
editor may start it in an untrusted workspace. Running code (compare) is the extension's job, behind trust.

Beyond standard LSP it answers one request:
  twingrad/translate {text, to, style?, path?, range?} -> {edits, diagnostics, sourceFramework, flagged}
`edits` ([{range, newText}], non-overlapping) turn `text` into its translation. Without a `range` the whole
text is translated and the edit covers just the lines that change (so the cursor and scroll position
survive). With one, only those whole lines are translated, below the file's imports so that names resolve;
imports the translation needs and the file lacks come as a second edit.
"""
from __future__ import annotations

import ast
import asyncio
import functools
import gc
import textwrap
from importlib.metadata import version

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from twingrad.translator import TranslationInputError, translate
from twingrad.translator.api import STYLES

CODE_ACTION_KIND = "refactor.rewrite.twingrad"
TRANSLATE = "twingrad/translate"
# LSP's RequestFailed: the request was valid but the input cannot be translated.
REQUEST_FAILED = -32803
DIAGNOSTICS_DELAY = 0.3  # seconds of quiet typing before the file is re-analysed
OTHER = {"tf": "torch", "torch": "tf"}
# Separates a selection from the file's imports above it in what is translated (a statement survives rewriting).
SELECTION_MARK = "__twingrad_selection__ = None"

server = LanguageServer("twingrad", version("twingrad"))
_pending: dict[str, asyncio.Task] = {}
# The client's `twingrad.style`, for what the server translates on its own: code actions and hints.
_options = {"style": "backward"}


@server.feature(types.INITIALIZE)
def initialize(ls: LanguageServer, params: types.InitializeParams) -> None:
    style = (params.initialization_options or {}).get("style")
    if style in STYLES:
        _options["style"] = style


@functools.lru_cache(maxsize=16)
def _translate(text: str, to: str, style: str, path: str, source_framework: str | None):
    """translate(), remembered: the hints computed after each edit make the next translate request of the
    same text (the usual case: the user opens a file, then runs a command) an immediate answer.
    Call it with all five arguments, positionally: they are the cache key."""
    return translate(text, to=to, style=style, path=path, source_framework=source_framework)


def _run(text: str, to: str, style: str, path: str, source_framework: str | None = None):
    try:
        return _translate(text, to, style, path, source_framework)
    except TranslationInputError as e:
        raise JsonRpcException(str(e), REQUEST_FAILED, {"line": e.line, "col": e.col, "reason": e.reason}) from e


def _param(params, name: str, default=None):
    return getattr(params, name, default)


@server.feature(TRANSLATE)
def translate_request(ls: LanguageServer, params) -> dict:
    text, to = _param(params, "text"), _param(params, "to")
    if not isinstance(text, str) or to not in OTHER:
        raise JsonRpcInvalidParams("twingrad/translate needs `text` (a string) and `to` ('torch' or 'tf')")
    style, path = _param(params, "style", "backward"), _param(params, "path", "<string>")
    rng = _param(params, "range")
    if rng is None:
        result = _run(text, to, style, path)
        return _reply(result, [_minimal_edit(text, result.code)], result.diagnostics)
    return _translate_lines(text, rng.start.line, rng.end.line, to, style, path)


def _translate_lines(text: str, first: int, last: int, to: str, style: str, path: str) -> dict:
    lines = text.splitlines(keepends=True)
    if not 0 <= first <= last < len(lines):
        raise JsonRpcInvalidParams(f"range lines {first}..{last} are outside the text ({len(lines)} lines)")
    fragment = "".join(lines[first:last + 1])
    body = textwrap.dedent(fragment)
    header = _imports_above(text, first)
    source = "".join(header) + SELECTION_MARK + "\n" + body + ("" if body.endswith("\n") else "\n")
    result = _run(source, to, style, path, source_framework=OTHER[to])
    out = result.code.splitlines(keepends=True)
    cut = next((i for i, line in enumerate(out) if line.startswith(SELECTION_MARK)), None)
    if cut is None:
        raise JsonRpcException("the selection cannot be translated on its own; translate the whole file",
                               REQUEST_FAILED)
    code = textwrap.indent("".join(out[cut + 1:]), _common_indent(fragment, body))
    if fragment.endswith("\n"):
        end = types.Position(last + 1, 0)
    else:  # the file's last line, without a newline of its own
        code, end = code.rstrip("\n"), types.Position(last, len(lines[last]))
    edits = [types.TextEdit(types.Range(types.Position(first, 0), end), code)]
    present = {line.strip() for line in lines}
    missing = [line for line in out[:cut] if line.strip() and line.strip() not in present]
    if missing:
        at = types.Position(_line_after_imports(text, first), 0)
        edits.insert(0, types.TextEdit(types.Range(at, at), "".join(missing)))
    # Findings in the selection, moved from the translated source's lines to the file's.
    shift = first - len(header) - 1
    diagnostics = [d for d in result.diagnostics if d.line > len(header) + 1]
    return _reply(result, edits, diagnostics, shift)


def _top_level_imports(text: str, before: int) -> list[ast.stmt]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    return [node for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom)) and node.end_lineno - 1 < before]


def _imports_above(text: str, line: int) -> list[str]:
    lines = text.splitlines(keepends=True)
    return [row for node in _top_level_imports(text, line) for row in lines[node.lineno - 1:node.end_lineno]]


def _line_after_imports(text: str, line: int) -> int:
    imports = _top_level_imports(text, line)
    return imports[-1].end_lineno if imports else 0


def _common_indent(fragment: str, dedented: str) -> str:
    first = next((ln for ln in fragment.splitlines() if ln.strip()), "")
    first_dedented = next((ln for ln in dedented.splitlines() if ln.strip()), "")
    return first[:len(first) - len(first_dedented)]


def _reply(result, edits: list[types.TextEdit], diagnostics, line_shift: int = 0) -> dict:
    return {
        "edits": edits,
        "diagnostics": [{**d.to_json(), "line": d.line + line_shift} for d in diagnostics],
        "sourceFramework": result.source_framework,
        "flagged": any(d.level == "error" for d in diagnostics),
    }


# --- diagnostics: what the translator would flag, as hints with its rule codes -------------------------

def _analyse(text: str, path: str):
    """Translate away from the file's framework; None when the text cannot be translated at all."""
    try:
        result = _translate(text, "torch", _options["style"], path, None)
        if result.source_framework == "torch":
            result = _translate(text, "tf", _options["style"], path, None)
    except TranslationInputError:
        return None
    return result


def _lsp_diagnostics(text: str, path: str) -> list[types.Diagnostic]:
    result = _analyse(text, path)
    if result is None:
        return []  # a syntax error is the Python tooling's to report, not ours
    lines = text.splitlines()
    out = []
    for d in result.diagnostics:
        line = max(d.line - 1, 0)
        end = len(lines[line]) if line < len(lines) else 0
        message = f"{d.message} (suggestion: {d.suggestion})" if d.suggestion else d.message
        out.append(types.Diagnostic(
            range=types.Range(types.Position(line, max(d.col - 1, 0)), types.Position(line, end)),
            message=message, severity=types.DiagnosticSeverity.Hint, code=d.code, source="twingrad"))
    return out


def _schedule_diagnostics(ls: LanguageServer, uri: str) -> None:
    if (task := _pending.pop(uri, None)) is not None:
        task.cancel()

    async def publish():
        await asyncio.sleep(DIAGNOSTICS_DELAY)
        doc = ls.workspace.get_text_document(uri)
        diagnostics = _lsp_diagnostics(doc.source, doc.path or uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=doc.version))
        _pending.pop(uri, None)

    _pending[uri] = asyncio.ensure_future(publish())


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    _schedule_diagnostics(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    _schedule_diagnostics(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    if (task := _pending.pop(params.text_document.uri, None)) is not None:
        task.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


# --- code actions on a tf.GradientTape block or a backward() site ---------------------------------------

TITLES = {"torch": "Convert to PyTorch backward()", "tf": "Convert to tf.GradientTape"}


def _sites(text: str) -> list[tuple[int, int, str]]:
    """(first line, last line, target) of each autodiff site, 0-based lines; [] when the text does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    sites, tapes = [], set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and _callee_name(call) == "GradientTape":
                    sites.append((node.lineno - 1, node.end_lineno - 1, "torch"))
                    if isinstance(item.optional_vars, ast.Name):
                        tapes.add(item.optional_vars.id)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        if node.func.attr == "gradient" and isinstance(owner, ast.Name) and owner.id in tapes:
            sites.append((node.lineno - 1, node.end_lineno - 1, "torch"))
        elif node.func.attr == "backward" or ast.unparse(node.func) in ("torch.autograd.grad", "autograd.grad"):
            sites.append((node.lineno - 1, node.end_lineno - 1, "tf"))
    return sites


def _callee_name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[CODE_ACTION_KIND], resolve_provider=True))
def code_actions(ls: LanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    only = params.context.only
    if only and not any(CODE_ACTION_KIND.startswith(kind) for kind in only):
        return []
    doc = ls.workspace.get_text_document(params.text_document.uri)
    start, end = params.range.start.line, params.range.end.line
    targets = sorted({to for first, last, to in _sites(doc.source) if first <= end and start <= last})
    return [types.CodeAction(title=TITLES[to], kind=CODE_ACTION_KIND,
                             data={"uri": doc.uri, "version": doc.version, "to": to}) for to in targets]


@server.feature(types.CODE_ACTION_RESOLVE)
def resolve_code_action(ls: LanguageServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data
    doc = ls.workspace.get_text_document(data["uri"])
    if doc.version != data["version"]:
        raise JsonRpcException("the file changed since this action was offered; try it again", REQUEST_FAILED)
    # The whole file is translated: a tape block needs its variables and imports rewritten too.
    result = _run(doc.source, data["to"], _options["style"], doc.path or doc.uri)
    if result.code == doc.source:
        raise JsonRpcException("twingrad found nothing to translate here", REQUEST_FAILED)
    action.edit = types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
        edits=[_minimal_edit(doc.source, result.code)])])
    return action


def _minimal_edit(old: str, new: str) -> types.TextEdit:
    """One edit covering only the lines that differ, so the cursor and folding above and below survive."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    replaced = types.Range(types.Position(head, 0), types.Position(len(a) - tail, 0))
    if tail == 0 and a and not a[-1].endswith("\n"):  # the last line has no newline to end the range at
        replaced.end = types.Position(len(a) - 1, len(a[-1]))
    return types.TextEdit(range=replaced, new_text="".join(b[head:len(b) - tail]))


def main() -> None:
    # A translation makes some 10^5 short-lived objects (syntax trees hold no cycles): the default collector
    # thresholds ran collections through them, and through everything imported, for ~4% of a request's time.
    gc.freeze()
    gc.set_threshold(100_000, 50, 50)
    server.start_io()


if __name__ == "__main__":
    main()
