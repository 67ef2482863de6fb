"""The language server over stdio: translate requests, errors, code actions and hint diagnostics."""
from __future__ import annotations

import textwrap

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from twingrad.translator import translate

from lsp_session import SEED_TF, lsp_test

URI = "file:///work/seed.py"


def apply(text: str, edits) -> str:
    """`text` with non-overlapping LSP edits applied (lsprotocol TextEdits, or a custom reply's namedtuples)."""
    lines = text.splitlines(keepends=True)

    def offset(pos) -> int:
        return sum(len(line) for line in lines[:pos.line]) + pos.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        new_text = edit.new_text if isinstance(edit, types.TextEdit) else edit.newText
        text = text[:offset(edit.range.start)] + new_text + text[offset(edit.range.end):]
    return text


@lsp_test
async def test_translate_request_answers_with_the_translators_pytorch(session):
    reply = await session.request("twingrad/translate", {"text": SEED_TF, "to": "torch", "path": "seed.py"})
    translated = apply(SEED_TF, reply.edits)
    assert "requires_grad=True" in translated
    assert "z.backward()" in translated
    assert "x.grad" in translated
    assert "GradientTape" not in translated
    assert reply.sourceFramework == "tf"
    assert translated == translate(SEED_TF, to="torch", path="seed.py").code


@lsp_test
async def test_bad_input_is_a_clear_error_and_the_server_keeps_serving(session):
    with pytest.raises(JsonRpcException) as syntax:
        await session.request("twingrad/translate", {"text": "x = (\n", "to": "torch", "path": "broken.py"})
    assert syntax.value.code == -32803
    assert "broken.py:" in syntax.value.message
    with pytest.raises(JsonRpcException) as target:
        await session.request("twingrad/translate", {"text": SEED_TF, "to": "jax"})
    assert target.value.code == -32602
    assert "'torch' or 'tf'" in target.value.message
    reply = await session.request("twingrad/translate", {"text": SEED_TF, "to": "torch"})
    assert "z.backward()" in apply(SEED_TF, reply.edits)


@lsp_test
async def test_a_selection_is_translated_in_place_with_the_imports_it_needs(session):
    text = """\
import tensorflow as tf


def f():
    x = tf.Variable(3.0)
    y = tf.Variable(4.0)
    with tf.GradientTape() as tape:
        z = x**2 + y**2
    dx, dy = tape.gradient(z, [x, y])
    return dx


print(tf.ones(2))
"""
    first = text.splitlines().index("    x = tf.Variable(3.0)")
    last = text.splitlines().index("    dx, dy = tape.gradient(z, [x, y])")
    reply = await session.request("twingrad/translate", {
        "text": text, "to": "torch", "range": {"start": {"line": first, "character": 4},
                                               "end": {"line": last, "character": 9}}})
    after = apply(text, reply.edits)
    selection = "".join(text.splitlines(keepends=True)[first:last + 1])
    translated = translate("import tensorflow as tf\n" + textwrap.dedent(selection), to="torch").code
    # the selection's lines, translated as the translator does them and indented back into f()
    body = [line for line in translated.splitlines() if "import" not in line and line.strip()]
    assert [line[4:] for line in after.splitlines() if line.startswith("    ") and "return" not in line] == body
    assert "z.backward()" in after and "GradientTape" not in after
    assert after.startswith("import tensorflow as tf\nimport torch\n")  # tf stays: print(tf.ones(2)) uses it
    assert after.endswith("    return dx\n\n\nprint(tf.ones(2))\n")
    assert [d.line for d in reply.diagnostics] == []


@lsp_test
async def test_a_range_outside_the_text_is_refused(session):
    with pytest.raises(JsonRpcException) as outside:
        await session.request("twingrad/translate", {
            "text": SEED_TF, "to": "torch", "range": {"start": {"line": 3, "character": 0},
                                                     "end": {"line": 40, "character": 0}}})
    assert outside.value.code == -32602


@lsp_test
async def test_code_action_on_a_tape_block_converts_the_file_to_pytorch(session):
    text = '"""A module docstring the edit leaves alone."""\n' + SEED_TF + "print(dx)\n"
    session.open(URI, text)
    tape_line = text.splitlines().index("    z = x**2 + y**2")
    here = types.Range(types.Position(tape_line, 4), types.Position(tape_line, 4))
    actions = await session.client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), here, types.CodeActionContext(diagnostics=[])))
    assert [(a.title, a.kind) for a in actions] == [("Convert to PyTorch backward()", "refactor.rewrite.twingrad")]
    resolved = await session.client.code_action_resolve_async(actions[0])
    [change] = resolved.edit.document_changes
    assert change.text_document.version == 1
    [edit] = change.edits
    assert apply(text, [edit]) == translate(text, to="torch").code
    # only the lines that change: not the docstring above, not the print below
    assert edit.range.start.line >= 1 and edit.range.end.line < len(text.splitlines())

    nothing = types.Range(types.Position(0, 0), types.Position(0, 0))  # the docstring is no autodiff site
    assert await session.client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), nothing, types.CodeActionContext(diagnostics=[]))) in (None, [], ())


@lsp_test
async def test_code_action_on_a_backward_site_offers_gradient_tape(session):
    torch_code = translate(SEED_TF, to="torch").code
    session.open(URI, torch_code)
    line = next(i for i, text in enumerate(torch_code.splitlines()) if ".backward()" in text)
    here = types.Range(types.Position(line, 0), types.Position(line, 0))
    actions = await session.client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), here, types.CodeActionContext(diagnostics=[])))
    assert [a.title for a in actions] == ["Convert to tf.GradientTape"]
    resolved = await session.client.code_action_resolve_async(actions[0])
    [edit] = resolved.edit.document_changes[0].edits
    assert apply(torch_code, [edit]) == translate(torch_code, to="tf").code


@lsp_test(initialization_options={"style": "autograd"})
async def test_code_actions_follow_the_clients_style(session):
    session.open(URI, SEED_TF)
    here = types.Range(types.Position(5, 4), types.Position(5, 4))
    [action] = await session.client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), here, types.CodeActionContext(diagnostics=[])))
    resolved = await session.client.code_action_resolve_async(action)
    [edit] = resolved.edit.document_changes[0].edits
    after = apply(SEED_TF, [edit])
    assert after == translate(SEED_TF, to="torch", style="autograd").code
    assert "torch.autograd.grad" in after and "backward()" not in after


@lsp_test
async def test_a_stale_code_action_is_refused_instead_of_editing(session):
    session.open(URI, SEED_TF)
    here = types.Range(types.Position(4, 0), types.Position(4, 0))
    actions = await session.client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), here, types.CodeActionContext(diagnostics=[])))
    session.replace(URI, SEED_TF + "w = 1\n")
    with pytest.raises(JsonRpcException, match="changed since"):
        await session.client.code_action_resolve_async(actions[0])


@lsp_test
async def test_what_the_translator_flags_is_published_as_hints_with_its_rule_codes(session):
    text = SEED_TF + "\n\nimage = tf.image.adjust_contrast(tf.ones([2, 2, 3]), 2.0)\n"
    expected = translate(text, to="torch", path="/work/seed.py").diagnostics
    assert expected, "the translator should flag tf.image.adjust_contrast"
    session.open(URI, text)
    published = await session.next_diagnostics(URI)
    assert [(d.range.start.line + 1, d.code) for d in published.diagnostics] == [(d.line, d.code) for d in expected]
    assert {d.severity for d in published.diagnostics} == {types.DiagnosticSeverity.Hint}
    assert {d.source for d in published.diagnostics} == {"twingrad"}

    session.replace(URI, SEED_TF)  # fixed: the hints go away
    assert not (await session.next_diagnostics(URI)).diagnostics


@lsp_test
async def test_findings_in_a_selection_point_at_the_files_lines(session):
    text = """\
import tensorflow as tf

x = tf.Variable([3.0, 4.0])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(x * x)
g = tape.gradient(y, x)
g = tf.image.adjust_contrast(g, 1.0)
print(g)
"""
    lines = text.splitlines()
    first, last = lines.index("with tf.GradientTape() as tape:"), lines.index("g = tf.image.adjust_contrast(g, 1.0)")
    alone = translate("import tensorflow as tf\n" + "\n".join(lines[first:last + 1]) + "\n", to="torch")
    assert alone.diagnostics, "the translator should flag tf.image.adjust_contrast"
    reply = await session.request("twingrad/translate", {
        "text": text, "to": "torch", "range": {"start": {"line": first, "character": 0},
                                               "end": {"line": last, "character": 0}}})
    # translated alone, the selection starts on line 2 (after the import); in the file, on line first + 1
    assert [(d.line, d.code) for d in reply.diagnostics] == [(d.line - 2 + first + 1, d.code) for d in alone.diagnostics]
    assert all("adjust_contrast" in lines[d.line - 1] for d in reply.diagnostics if d.code == "TG900")
    assert reply.flagged == alone.flagged
