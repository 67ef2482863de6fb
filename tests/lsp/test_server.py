"""The language server over stdio: translate requests, errors, code actions and hint diagnostics."""
from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from twingrad.translator import translate

from lsp_session import SEED_TF, lsp_test

URI = "file:///work/seed.py"


def apply(text: str, rng, new_text: str) -> str:
    """`text` with `rng` (an LSP range, as lsprotocol or as the namedtuple of a custom reply) replaced."""
    lines = text.splitlines(keepends=True)

    def offset(pos) -> int:
        return sum(len(line) for line in lines[:pos.line]) + pos.character

    return text[:offset(rng.start)] + new_text + text[offset(rng.end):]


@lsp_test
async def test_translate_request_answers_with_the_translators_pytorch(session):
    reply = await session.request("twingrad/translate", {"text": SEED_TF, "to": "torch", "path": "seed.py"})
    translated = apply(SEED_TF, reply.range, reply.code)
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
    assert "z.backward()" in reply.code


@lsp_test
async def test_a_range_is_translated_as_whole_lines_and_keeps_its_indentation(session):
    body = "".join("    " + line if line.strip() else line for line in SEED_TF.splitlines(keepends=True)[2:])
    text = "import tensorflow as tf\n\n\ndef f():\n" + body + "    return dx\n"
    tape_line = text.splitlines().index("    with tf.GradientTape() as tape:")
    reply = await session.request("twingrad/translate", {
        "text": text, "to": "torch", "range": {"start": {"line": tape_line, "character": 6},
                                               "end": {"line": tape_line + 2, "character": 3}}})
    assert reply.range.start.line == tape_line and reply.range.start.character == 0
    assert reply.range.end.line == tape_line + 3 and reply.range.end.character == 0
    assert "backward()" in reply.code
    assert all(line.startswith("    ") for line in reply.code.splitlines() if line.strip())


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
    assert apply(text, edit.range, edit.new_text) == translate(text, to="torch").code
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
    assert apply(torch_code, edit.range, edit.new_text) == translate(torch_code, to="tf").code


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
    text = SEED_TF + "\n\n@tf.custom_gradient\ndef clip(v):\n    return v, lambda g: tf.clip_by_norm(g, 1.0)\n"
    expected = translate(text, to="torch", path="/work/seed.py").diagnostics
    assert expected, "the translator should flag a custom gradient"
    session.open(URI, text)
    published = await session.next_diagnostics(URI)
    assert [(d.range.start.line + 1, d.code) for d in published.diagnostics] == [(d.line, d.code) for d in expected]
    assert {d.severity for d in published.diagnostics} == {types.DiagnosticSeverity.Hint}
    assert {d.source for d in published.diagnostics} == {"twingrad"}

    session.replace(URI, SEED_TF)  # fixed: the hints go away
    assert not (await session.next_diagnostics(URI)).diagnostics
