"""The twingrad kernel over the real Jupyter protocol (jupyter_client, kernelspec in a temporary JUPYTER_PATH)."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from twin_kernel_helpers import comparison, execute, rows, streams


def test_install_writes_an_absolute_interpreter_and_refuses_two_places(jupyter_path):
    with open(os.path.join(jupyter_path, "kernels", "twingrad", "kernel.json")) as f:
        spec = json.load(f)
    assert spec["argv"][0] == os.path.abspath(sys.executable) and spec["language"] == "python"
    bad = subprocess.run([sys.executable, "-m", "twingrad.kernel", "install", "--user", "--prefix", "/tmp/x"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "not allowed with argument" in bad.stderr


def test_install_without_permission_says_what_to_do(monkeypatch, capsys):
    from jupyter_client.kernelspec import KernelSpecManager

    from twingrad.kernel.__main__ import install

    def refuse(self, source, name, user=False, prefix=None):
        raise PermissionError(13, "Permission denied", "/usr/local/share/jupyter/kernels/twingrad")

    monkeypatch.setattr(KernelSpecManager, "install_kernel_spec", refuse)
    assert install([]) == 1
    err = capsys.readouterr().err
    assert "/usr/local/share/jupyter/kernels/twingrad" in err and "--user" in err


def test_ready_for_input_before_any_framework_is_loaded_in_the_kernel(jupyter_path):
    """What makes start-up fast (benchmarks/kernel_overhead.py times it): the kernel process answers kernel_info
    without TensorFlow or PyTorch in it; the worlds load them in their own processes."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="twingrad")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        info = kc.kernel_info(reply=True)["content"]
        maps = Path(f"/proc/{km.provisioner.process.pid}/maps").read_text()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert info["language_info"]["name"] == "python" and info["implementation"] == "twingrad"
    assert "libtorch" not in maps and "_pywrap_tensorflow" not in maps


def test_framework_free_cells_run_in_both_worlds_with_persistent_state(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "import numpy as np\na = np.arange(3.0)\nb = a * 2")
    assert reply["status"] == "ok"
    payload = comparison(messages)
    assert payload["source_framework"] is None and payload["ok"]
    assert rows(payload)["b"]["tf"]["value"] == [0.0, 2.0, 4.0] == rows(payload)["b"]["torch"]["value"]
    reply, messages = execute(kc, "c = b + 1\nimport sys\nsees_torch = 'torch' in sys.modules")
    payload = comparison(messages)
    assert rows(payload)["c"]["match"] and rows(payload)["c"]["tf"]["value"] == [1.0, 3.0, 5.0]
    # The two worlds are different interpreters: a real mismatch, shown as one.
    sees = rows(payload)["sees_torch"]
    assert (sees["tf"]["value"], sees["torch"]["value"], sees["status"]) == (False, True, "mismatch")
    assert not payload["ok"] and payload["summary"]["mismatch"] == 1


def test_output_of_each_world_is_labelled(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "import sys\nprint('out')\nprint('err', file=sys.stderr)")
    assert reply["status"] == "ok"
    out, err = streams(messages, "stdout"), streams(messages, "stderr")
    assert "[TF] out\n" in out and "[PyTorch] out\n" in out
    assert "[TF] err\n" in err and "[PyTorch] err\n" in err


def test_an_exception_in_one_world_shows_its_traceback_and_the_other_worlds_values(kernel):
    _, kc = kernel
    code = "import sys\nflag = 1.5\nif 'tensorflow' in sys.modules:\n    raise ValueError('only in the TF world')\n"
    reply, messages = execute(kc, code)
    assert reply["status"] == "error" and reply["ename"] == "ValueError"
    assert any('File "<cell' in line and "line 4" in line for line in reply["traceback"])
    payload = comparison(messages)
    assert payload["worlds"]["tf"]["error_type"] == "ValueError" and payload["worlds"]["torch"]["ok"]
    assert rows(payload)["flag"]["torch"]["value"] == 1.5
    assert "twingrad-error" in [m for m in messages if m["msg_type"] == "display_data"][0]["content"]["data"]["text/html"]


def test_syntax_error_names_the_place_and_the_kernel_lives_on(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "x = 1\ny = (\n")
    assert reply["status"] == "error" and reply["ename"] == "SyntaxError" and "<cell" in reply["evalue"]
    reply, _ = execute(kc, "y = 1\n%timeit y + 1")
    assert reply["status"] == "error" and ":2:" in reply["evalue"] and "magics" in reply["evalue"]
    reply, messages = execute(kc, "x = 41 + 1")
    assert reply["status"] == "ok" and rows(comparison(messages))["x"]["tf"]["value"] == 42


def test_interrupt_stops_the_cell_and_keeps_the_kernel_and_its_state(kernel):
    km, kc = kernel
    execute(kc, "kept = 7")
    msg_id = kc.execute("import time\nfor _ in range(600):\n    time.sleep(0.1)\n")
    time.sleep(2)
    started = time.monotonic()
    km.interrupt_kernel()
    while True:
        reply = kc.get_shell_msg(timeout=30)
        if reply["parent_header"]["msg_id"] == msg_id:
            break
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - started < 5
    reply, messages = execute(kc, "after = kept + 1")
    assert reply["status"] == "ok" and rows(comparison(messages))["after"]["torch"]["value"] == 8


def test_a_dying_world_is_restarted_and_reported(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "import os\nos._exit(3)")
    assert reply["status"] == "error" and reply["ename"] == "Crash"
    assert "restarted" in comparison(messages)["worlds"]["torch"]["error"]
    reply, messages = execute(kc, "fresh = 1")
    assert reply["status"] == "ok" and rows(comparison(messages))["fresh"]["match"]


def test_a_world_dying_between_cells_is_restarted_at_the_next_cell(kernel):
    _, kc = kernel
    reply, _ = execute(kc, "import os, threading\nthreading.Timer(0.3, os._exit, [4]).start()")
    assert reply["status"] == "ok"
    time.sleep(2)
    reply, messages = execute(kc, "again = 2")
    assert reply["status"] == "ok" and rows(comparison(messages))["again"]["match"]
    assert "[TF] this world's process died between cells (exit code 4)" in streams(messages, "stderr")


def test_completion_inspection_and_execution_count(kernel):
    _, kc = kernel
    first, _ = execute(kc, "alpha_value = 12")
    second, _ = execute(kc, "beta = 1")
    assert second["execution_count"] == first["execution_count"] + 1
    reply = kc.complete("alpha_v", 7, reply=True, timeout=60)["content"]
    assert "alpha_value" in reply["matches"] and reply["cursor_start"] == 0 and reply["cursor_end"] == 7
    reply = kc.inspect("alpha_value", 3, reply=True, timeout=60)["content"]
    assert reply["found"] and "int" in reply["data"]["text/plain"]
    kc.is_complete("for i in range(3):")
    assert kc.get_shell_msg(timeout=30)["content"] == {"status": "incomplete", "indent": "    "}


def test_tf_cells_run_in_the_tf_world_and_complete_there(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "import tensorflow as tf\nv = tf.constant([1.0, 2.0]) * 3")
    assert reply["status"] == "ok"
    payload = comparison(messages)
    assert payload["source_framework"] == "tf" and rows(payload)["v"]["tf"]["value"] == [3.0, 6.0]
    reply = kc.complete("tf.reduce_su", 12, reply=True, timeout=60)["content"]
    assert "reduce_sum" in reply["matches"]


SEED_CELLS = ["import tensorflow as tf\nx = tf.Variable(3.0)\ny = tf.Variable(4.0)",
              "with tf.GradientTape() as tape:\n    z = x**2 + y**2\ndx, dy = tape.gradient(z, [x, y])"]


def test_seed_example_gradients_side_by_side(kernel):
    """Needs the translator engine: the seed example's gradients in both worlds, matching."""
    _, kc = kernel
    execute(kc, SEED_CELLS[0])
    reply, messages = execute(kc, SEED_CELLS[1])
    assert reply["status"] == "ok"
    payload = comparison(messages)
    assert payload["translation"]["error"] is None, payload["translation"]["error"]
    assert payload["worlds"]["torch"]["ok"], payload["worlds"]["torch"]["error"]
    found = rows(payload)
    for name, expected in (("dx", 6.0), ("dy", 8.0)):
        assert found[name]["status"] == "match"
        assert found[name]["tf"]["value"] == expected == found[name]["torch"]["value"]


def test_a_cell_using_only_earlier_tf_values_is_tf_code(kernel):
    _, kc = kernel
    execute(kc, "import tensorflow as tf\nwv = tf.Variable([1.0, 2.0])")
    reply, messages = execute(kc, "as_numpy = wv.numpy() * 2")  # no `tf.` here, yet TF code: .numpy() on a Variable
    payload = comparison(messages)
    assert reply["status"] == "ok" and payload["source_framework"] == "tf"
    assert payload["worlds"]["torch"]["ok"], payload["worlds"]["torch"]["error"]
    assert rows(payload)["as_numpy"]["match"] and rows(payload)["as_numpy"]["tf"]["value"] == [2.0, 4.0]


def test_pytorch_cells_are_compared_with_their_tf_translation(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "import torch\nxt = torch.tensor(3.0, requires_grad=True)\nyt = xt**3\nyt.backward()\ngt = xt.grad")
    assert reply["status"] == "ok"
    payload = comparison(messages)
    assert payload["source_framework"] == "torch" and payload["target_framework"] == "tf"
    assert payload["worlds"]["tf"]["ok"], payload["worlds"]["tf"]["error"]
    gt = rows(payload)["gt"]
    assert gt["status"] == "match" and gt["torch"]["value"] == 27.0 == gt["tf"]["value"]
    # the leaf's .grad itself, which TF keeps in a variable of the translation's own (Translation.names)
    held = rows(payload)["xt.grad"]
    assert held["status"] == "match" and held["torch"]["value"] == 27.0 == held["tf"]["value"]


def test_an_untranslatable_cell_shows_diagnostics_and_still_runs_in_its_framework(kernel):
    _, kc = kernel
    execute(kc, "import tensorflow as tf")
    code = ("xp = tf.Variable(1.0)\nwith tf.GradientTape() as tape:\n"
            "    yp = tf.py_function(lambda a: a * 2, [xp], tf.float32)\ngp = tape.gradient(yp, xp)")
    reply, messages = execute(kc, code)
    assert reply["status"] == "ok"  # the cell as written is fine; its translation is what failed
    payload = comparison(messages)
    flagged = [d for d in payload["translation"]["diagnostics"] if d["level"] == "error"]
    assert flagged and flagged[0]["line"] == 3 and flagged[0]["path"].startswith("<cell")
    assert payload["worlds"]["tf"]["ok"] and rows(payload)["gp"]["tf"]["value"] == 2.0
    assert not payload["worlds"]["torch"]["ok"]
    html = [m for m in messages if m["msg_type"] == "display_data"][0]["content"]["data"]["text/html"]
    assert "twingrad-diagnostics" in html and flagged[0]["code"] in html


def test_the_comparison_tolerance_is_kernel_config(jupyter_path):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="twingrad", extra_arguments=["--TwinKernel.rtol=0.5"])
    try:
        # 1.0 in the TF world, 1.2 in the PyTorch world: a 17 % difference, within rtol=0.5.
        reply, messages = execute(kc, "import sys\nv = 1.0 if 'tensorflow' in sys.modules else 1.2")
        payload = comparison(messages)
        assert payload["rtol"] == 0.5 and rows(payload)["v"]["match"]
        assert rows(payload)["v"]["tf"]["value"] == 1.0 and rows(payload)["v"]["torch"]["value"] == 1.2
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
