"""Language server for the editor (`python -m twingrad.lsp`, LSP over stdio).

It only ever translates statically (twingrad.translator, libcst): it never runs the user's code, so the
editor may start it in an untrusted workspace. Running code (compare) is the extension's job, behind trust.

Beyond standard LSP it answers one request:
  twingrad/translate {text, to, style?, path?, range?} -> {code, range, diagnostics, sourceFramework, flagged}
The reply's `code` replaces the reply's `range` of `text`. Without a request `range` the whole text is
translated and the reply's range covers just the lines that change (so the cursor and scroll position
survive); with one, those whole lines are translated (dedented, then re-indented) and replaced.
"""
from __future__ import annotations

import ast
import asyncio
import textwrap
from importlib.metadata import version

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from twingrad.translator import TranslationInputError, translate

CODE_ACTION_KIND = "refactor.rewrite.twingrad"
TRANSLATE = "twingrad/translate"
# LSP's RequestFailed: the request was valid but the input cannot be translated.
REQUEST_FAILED = -32803
DIAGNOSTICS_DELAY = 0.3  # seconds of quiet typing before the file is re-analysed
OTHER = {"tf": "torch", "torch": "tf"}

server = LanguageServer("twingrad", version("twingrad"))
_pending: dict[str, asyncio.Task] = {}


def _run(text: str, to: str, style: str = "backward", path: str = "<string>", source_framework: str | None = None):
    try:
        return translate(text, to=to, style=style, path=path, source_framework=source_framework)
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
        edit = _minimal_edit(text, result.code)
        return {**_response(result, edit.new_text, 0), "range": edit.range}
    lines = text.splitlines(keepends=True)
    first, last = rng.start.line, rng.end.line
    if not 0 <= first <= last < max(len(lines), 1):
        raise JsonRpcInvalidParams(f"range lines {first}..{last} are outside the text ({len(lines)} lines)")
    fragment = "".join(lines[first:last + 1])
    body = textwrap.dedent(fragment)
    # A fragment has no imports of its own: its framework is the one being translated away from.
    result = _run(body, to, style, path, source_framework=OTHER[to])
    code = textwrap.indent(result.code, _common_indent(fragment, body))
    if fragment.endswith("\n"):
        end = types.Position(last + 1, 0)
    else:  # the file's last line, without a newline of its own
        code, end = code.rstrip("\n"), types.Position(last, len(lines[last]) if lines else 0)
    return {**_response(result, code, first), "range": types.Range(types.Position(first, 0), end)}


def _common_indent(fragment: str, dedented: str) -> str:
    first = next((ln for ln in fragment.splitlines() if ln.strip()), "")
    first_dedented = next((ln for ln in dedented.splitlines() if ln.strip()), "")
    return first[:len(first) - len(first_dedented)]


def _response(result, code: str, line_offset: int) -> dict:
    return {
        "code": code,
        "diagnostics": [{**d.to_json(), "line": d.line + line_offset} for d in result.diagnostics],
        "sourceFramework": result.source_framework,
        "flagged": result.flagged,
    }


# --- diagnostics: what the translator would flag, as hints with its rule codes -------------------------

def _analyse(text: str, path: str):
    """Translate away from the file's framework; None when the text cannot be translated at all."""
    try:
        result = translate(text, to="torch", path=path)
        if result.source_framework == "torch":
            result = translate(text, to="tf", path=path)
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
    result = _run(doc.source, data["to"], path=doc.path or doc.uri)
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
    server.start_io()


if __name__ == "__main__":
    main()
