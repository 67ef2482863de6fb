"""The IPython extension in an in-process IPython shell: %translate / %%translate / %%twin."""
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from twin_kernel_helpers import MIME


@pytest.fixture(scope="module")
def shell():
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "twingrad")
    yield ip
    ip.run_line_magic("unload_ext", "twingrad")


def run(shell, source):
    """Run a cell as a front-end would; return (result, rich outputs)."""
    with capture_output() as captured:
        result = shell.run_cell(source, store_history=True)
    return result, [o.data for o in captured.outputs]


def test_magics_are_registered_and_documented(shell):
    doc = shell.find_line_magic("translate").__doc__
    assert "--to {torch,tf}" in doc and "--next" in doc and "earlier cell" in doc
    assert "--seed" in shell.find_cell_magic("twin").__doc__


def test_translate_shows_the_previous_or_a_numbered_cell(shell):
    run(shell, "w_value = 1.0 + 2.0")
    number = len(shell.history_manager.input_hist_raw) - 1
    result, outputs = run(shell, "%translate")
    assert result.success and "w_value = 1.0 + 2.0" in outputs[0]["text/plain"]
    assert "<div class='twingrad-translation'>" in outputs[0]["text/html"]
    result, outputs = run(shell, f"%translate {number} --next")
    assert "w_value = 1.0 + 2.0" in outputs[0]["text/plain"]
    assert shell.rl_next_input.startswith("w_value = 1.0 + 2.0")


def test_mistakes_raise_usage_errors_naming_the_problem(shell):
    with pytest.raises(UsageError, match="invalid choice: 'jax'"):
        shell.run_line_magic("translate", "--to jax")
    with pytest.raises(UsageError, match="no earlier cell 999"):
        shell.run_line_magic("translate", "999")
    with pytest.raises(UsageError, match="nothing to translate"):
        shell.run_cell_magic("translate", "", "   \n")
    with pytest.raises(UsageError, match=r"<%%translate cell>:2:\d+: syntax error"):
        shell.run_cell_magic("translate", "", "x = 1\ny = (\n")
    with pytest.raises(UsageError, match="drop the argument"):
        shell.run_cell_magic("translate", "3", "x = 1\n")
    result, _ = run(shell, "%translate --style sideways")
    assert isinstance(result.error_in_exec, UsageError) and "invalid choice" in str(result.error_in_exec)


def test_config_sets_defaults_that_reach_the_translator(shell, monkeypatch):
    import twingrad.translator

    calls = []

    def recording(source, to="torch", **kwargs):  # what the magic asks of the translator is the subject here
        calls.append((to, kwargs["style"]))
        return twingrad.translator.Translation(source, source_framework=kwargs["source_framework"], target_framework=to)

    monkeypatch.setattr(twingrad.translator, "translate", recording)
    run(shell, '%config TwingradMagics.style = "autograd"')
    run(shell, '%config TwingradMagics.to = "tf"')
    try:
        result, _ = run(shell, "%%translate\nq = 2")
        assert result.success and calls[-1] == ("tf", "autograd")
        result, _ = run(shell, "%%translate --style backward --to torch\nq = 2")
        assert calls[-1] == ("torch", "backward")
    finally:
        run(shell, "%config TwingradMagics.style = 'backward'")
        run(shell, "%config TwingradMagics.to = None")
    run(shell, "%config TwingradMagics.style = 'sideways'")  # refused (IPython logs the TraitError)
    assert shell.magics_manager.registry["TwingradMagics"].style == "backward"


def test_twin_runs_both_worlds_and_shows_one_comparison(shell):
    # Framework-free code (no import statement of either framework) runs unchanged in both worlds.
    cell = ("%%twin --seed 3\nimport importlib\na = 2.0\nb = a ** 2\ntry:\n    importlib.import_module('torch')\n"
            "    has_torch = True\nexcept ImportError:\n    has_torch = False")
    result, outputs = run(shell, cell)
    assert result.success and len(outputs) == 1
    payload = outputs[0][MIME]
    found = {row["name"]: row for row in payload["rows"]}
    assert found["b"]["match"] and found["b"]["tf"]["value"] == 4.0
    assert found["has_torch"]["status"] == "mismatch"  # the TF world blocks PyTorch
    assert (found["has_torch"]["tf"]["value"], found["has_torch"]["torch"]["value"]) == (False, True)
    assert "✗ MISMATCH" in outputs[0]["text/plain"]


def test_twin_seed_example_gradients(shell):
    """Needs the translator engine: the seed example through %%twin, with the import in an earlier cell."""
    run(shell, "%%translate\nimport tensorflow as tf")  # history only: the magic does not execute the cell
    result, outputs = run(shell, "%%twin\nx = tf.Variable(3.0)\ny = tf.Variable(4.0)\n"
                                 "with tf.GradientTape() as tape:\n    z = x**2 + y**2\ndx, dy = tape.gradient(z, [x, y])")
    payload = outputs[0][MIME]
    assert payload["translation"]["error"] is None, payload["translation"]["error"]
    assert payload["worlds"]["tf"]["ok"] and payload["worlds"]["torch"]["ok"], payload["worlds"]
    found = {row["name"]: row for row in payload["rows"]}
    assert found["dx"]["match"] and found["dx"]["tf"]["value"] == 6.0
    assert found["dy"]["match"] and found["dy"]["torch"]["value"] == 8.0
