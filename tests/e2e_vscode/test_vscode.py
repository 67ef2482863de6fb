"""End to end in a real VS Code (code-server) with the packaged .vsix: what a user sees and can do.
Screenshots land in test-artifacts/vscode-e2e/."""
from __future__ import annotations

import json

import pytest

from twingrad.translator import TranslationInputError, translate

# A TensorFlow file in the style of TF's own autodiff guide (not the seed example): a tiny regression step.
REGRESSION_TF = """\
import tensorflow as tf

w = tf.Variable([[1.0], [2.0]], name="w")
b = tf.Variable(0.5, name="b")
x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
y_true = tf.constant([[1.0], [0.0]])

with tf.GradientTape() as tape:
    y = x @ w + b
    loss = tf.reduce_mean((y - y_true) ** 2)

dl_dw, dl_db = tape.gradient(loss, [w, b])
print(loss.numpy(), dl_dw.numpy(), dl_db.numpy())
"""
FILE = "regression.py"


def screen_lines(text: str) -> list[str]:
    """Monaco renders what fits on screen; compare non-blank lines without trailing spaces."""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def expected_torch() -> list[str]:
    return screen_lines(translate(REGRESSION_TF, to="torch", path=FILE).code)


def test_translate_from_the_palette_replaces_the_file_as_one_undoable_edit(code_server):
    folder = code_server.workspace("translate", {FILE: REGRESSION_TF})
    seen = code_server.drive("translate", folder, file=FILE)
    assert screen_lines(seen["before"]) == screen_lines(REGRESSION_TF)
    assert screen_lines(seen["after"]) == expected_torch()
    assert "GradientTape" not in seen["after"]
    assert screen_lines(seen["undone"]) == screen_lines(REGRESSION_TF)
    assert (folder / FILE).read_text() == REGRESSION_TF  # an edit in the editor, not a write behind its back


def test_preview_shows_a_diff_and_apply_puts_the_translation_in_the_file(code_server):
    folder = code_server.workspace("preview", {FILE: REGRESSION_TF})
    seen = code_server.drive("preview", folder, file=FILE)
    assert screen_lines(seen["original"]) == screen_lines(REGRESSION_TF)
    assert screen_lines(seen["modified"]) == expected_torch()
    assert "PyTorch" in seen["tabTitle"] and FILE in seen["tabTitle"]
    assert seen["buttons"] == ["Apply", "Discard"]
    assert screen_lines(seen["after"]) == expected_torch()


def test_the_context_menu_translates_just_the_selected_lines(code_server):
    folder = code_server.workspace("selection", {FILE: REGRESSION_TF})
    lines = REGRESSION_TF.splitlines(keepends=True)
    first = lines.index("with tf.GradientTape() as tape:\n")
    last = lines.index("dl_dw, dl_db = tape.gradient(loss, [w, b])\n")
    seen = code_server.drive("selection", folder, file=FILE, first=first + 1, last=last + 1,
                             inside="y = x @ w + b")
    # The selection is translated below the file's imports; what it needs and the file lacks comes first.
    alone = translate("import tensorflow as tf\n" + "".join(lines[first:last + 1]), to="torch").code
    needed = [line for line in screen_lines(alone) if line.startswith("import ") and line not in lines[0]]
    body = [line for line in screen_lines(alone) if not line.startswith("import ")]
    kept_above = [line.rstrip() for line in lines[1:first] if line.strip()]
    kept_below = [line.rstrip() for line in lines[last + 1:] if line.strip()]
    assert screen_lines(seen["after"]) == ["import tensorflow as tf", *needed, *kept_above, *body, *kept_below]
    for title in ("Translate Selection or File to PyTorch", "Translate Selection or File to TensorFlow",
                  "Preview Translation to PyTorch", "Preview Translation to TensorFlow",
                  "Compare Gradients of Current File"):
        assert any(title in item for item in seen["menu"]), title


def test_code_action_on_the_tape_block_converts_to_backward(code_server):
    folder = code_server.workspace("code-action", {FILE: REGRESSION_TF})
    tape_line = REGRESSION_TF.splitlines().index("    y = x @ w + b") + 1
    seen = code_server.drive("codeAction", folder, file=FILE, line=tape_line)
    assert any("Convert to PyTorch backward()" in action for action in seen["actions"])
    assert screen_lines(seen["after"]) == expected_torch()


def test_a_crashed_server_restarts_with_a_notice(code_server):
    folder = code_server.workspace("crash", {FILE: REGRESSION_TF})
    seen = code_server.drive("crash", folder, file=FILE, line=REGRESSION_TF.splitlines().index("    y = x @ w + b") + 1)
    assert "restarted" in seen["message"]
    assert seen["restarted"]
    assert screen_lines(seen["after"]) == expected_torch()


def test_a_file_that_does_not_parse_gets_a_clear_error_and_no_edit(code_server):
    broken = REGRESSION_TF.replace("loss = tf.reduce_mean((y - y_true) ** 2)", "loss = tf.reduce_mean((y - y_true) ** 2")
    folder = code_server.workspace("broken", {FILE: broken})
    seen = code_server.drive("brokenFile", folder, file=FILE)
    with pytest.raises(TranslationInputError) as error:
        translate(broken, to="torch")
    # where the translator found the problem, as file:line:col, and that nothing happened
    assert f"could not translate {FILE}:{error.value.line}:{error.value.col}: " in seen["message"]
    assert seen["message"].endswith("Nothing was changed.")
    assert seen["after"] == seen["before"]
    assert screen_lines(seen["after"]) == screen_lines(broken)


def test_an_interpreter_without_twingrad_is_one_notification_with_an_install_button(code_server,
                                                                                     python_without_twingrad):
    settings = json.dumps({"twingrad.interpreter": str(python_without_twingrad)})
    folder = code_server.workspace("missing", {FILE: REGRESSION_TF, ".vscode/settings.json": settings})
    seen = code_server.drive("missingTwingrad", folder, file=FILE)
    assert str(python_without_twingrad) in seen["message"]
    assert "Install twingrad[lsp]" in seen["buttons"]
    assert seen["after"] == seen["before"]  # the failed translate changed nothing
    assert seen["count"] == 1  # and said so once, not once more per attempt


def test_restricted_mode_translates_but_refuses_to_run_code(restricted_code_server):
    # An untrusted workspace may not pick the interpreter: this setting must be ignored, not run.
    settings = json.dumps({"twingrad.interpreter": "/nonexistent/evil-python"})
    folder = restricted_code_server.workspace("restricted", {FILE: REGRESSION_TF, ".vscode/settings.json": settings})
    seen = restricted_code_server.drive("restricted", folder, file=FILE)
    assert seen["restrictedIndicator"] >= 1
    assert screen_lines(seen["after"]) == expected_torch()
    assert "needs a trusted workspace" in seen["compareMessage"]


def test_compare_shows_the_side_by_side_table(code_server):
    folder = code_server.workspace("compare", {FILE: REGRESSION_TF})
    seen = code_server.drive("compare", folder, file=FILE)
    rows = {name: (tf, torch, status) for name, tf, torch, _shape, _diff, status in seen["rows"]}
    assert seen["heading"] == f"Gradients match: {FILE} ({len(rows)} values)"
    # d(mean((xw + b - y)^2))/dw and /db at these values, worked by hand: 39, 55 and 16
    assert rows["dl_dw"] == ("[[39], [55]]", "[[39], [55]]", "✓")
    assert rows["dl_db"] == ("16", "16", "✓")
    assert rows["loss"] == ("76.25", "76.25", "✓")


def test_in_a_notebook_the_command_translates_the_active_cell(code_server):
    cells = ["import tensorflow as tf\n\nx = tf.Variable(3.0)",
             "with tf.GradientTape() as tape:\n    y = x * x\ndy_dx = tape.gradient(y, x)"]
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                   "source": cell.splitlines(keepends=True)} for cell in cells],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    folder = code_server.workspace("notebook", {"tape.ipynb": json.dumps(notebook)})
    seen = code_server.drive("notebookCell", folder, file="tape.ipynb", cells=2, cell=1)
    assert [screen_lines(text) for text in seen["before"]] == [screen_lines(cell) for cell in cells]
    assert seen["after"][0] == seen["before"][0]  # only the active cell changes
    # The cell is translated with the imports above it (from the first cell); the import it needs goes on top.
    translated = screen_lines(translate("import tensorflow as tf\n" + cells[1], to="torch").code)
    assert screen_lines(seen["after"][1]) == ["import torch"] + [line for line in translated if "import" not in line]
    assert "GradientTape" not in seen["after"][1]
