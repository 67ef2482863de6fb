"""The run-both core: real TF and PyTorch programs in their own worlds (subprocesses), compared by name."""
import textwrap

import numpy as np
import pytest

from twingrad.kernel.runner import compare_source, run_pair, run_world
from twingrad.kernel.compare import compare

SEED_EXAMPLE = textwrap.dedent("""\
    import tensorflow as tf
    x = tf.Variable(3.0)
    y = tf.Variable(4.0)
    with tf.GradientTape() as tape:
        z = x**2 + y**2
    dx, dy = tape.gradient(z, [x, y])
""")

TF_PROGRAM = textwrap.dedent("""\
    import tensorflow as tf
    x = tf.Variable(3.0)
    y = tf.Variable(4.0)
    w = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as tape:
        z = x**2 + y**2
    dx, dy = tape.gradient(z, [x, y])
    g_unused = tape.gradient(z, w)
    grads = {"x": dx, "y": dy}
    noise = tf.random.normal([2, 3])
    ints = tf.random.uniform([4], 0, 10, dtype=tf.int64)
    layer = tf.keras.layers.Dense(4)
    out = layer(tf.random.uniform([2, 3]))
    kernel, bias = layer.kernel, layer.bias
    trunc = tf.keras.initializers.TruncatedNormal(stddev=0.5)(shape=(1000,))
    trunc_default = tf.keras.initializers.TruncatedNormal(stddev=0.5)(shape=(1000,))
    tf.random.set_seed(7)
    reseeded = tf.random.normal([3])
    steps = [1.0, 0.5, 0.25]
    _private = tf.constant(1.0)
    print("hello from tf")
""")

# Written by hand in PyTorch, with two deliberate differences: zeros where TF gives None (semantics D7) and
# trunc_normal_'s default bounds, absolute +-2 instead of TF's +-2 stddev (B25).
TORCH_PROGRAM = textwrap.dedent("""\
    import torch
    x = torch.tensor(3.0, requires_grad=True)
    y = torch.tensor(4.0, requires_grad=True)
    w = torch.tensor(1.0, requires_grad=True)
    z = x**2 + y**2
    z.backward()
    dx, dy = x.grad, y.grad
    g_unused = torch.zeros(())
    grads = {"x": dx, "y": dy}
    noise = torch.randn(2, 3)
    ints = torch.randint(0, 10, (4,))
    layer = torch.nn.Linear(3, 4)
    out = layer(torch.rand(2, 3))
    kernel, bias = layer.weight.T, layer.bias
    trunc = torch.nn.init.trunc_normal_(torch.empty(1000), std=0.5, a=-1.0, b=1.0)
    trunc_default = torch.nn.init.trunc_normal_(torch.empty(1000), std=0.5)
    torch.manual_seed(7)
    reseeded = torch.randn(3)
    steps = [1.0, 0.5, 0.25]
    _private = torch.tensor(1.0)
    print("hello from torch")
""")


@pytest.fixture(scope="module")
def pair():
    tf_result, torch_result = run_pair(TF_PROGRAM, "prog_tf.py", TORCH_PROGRAM, "prog_torch.py")
    assert tf_result.ok, tf_result.error + tf_result.stderr
    assert torch_result.ok, torch_result.error + torch_result.stderr
    return tf_result, torch_result, compare(tf_result.values, torch_result.values)


def test_gradients_and_values_line_up_by_name(pair):
    tf_result, torch_result, comparison = pair
    assert tf_result.values["dx"] == 6.0 and tf_result.values["dy"] == 8.0
    assert comparison["dx"].match and comparison["dy"].match and comparison["z"].match
    assert comparison["grads['x']"].match and comparison["grads['y']"].match
    assert {r.name for r in comparison.mismatches} == {"g_unused", "trunc_default"}
    assert tf_result.values["g_unused"] is None and "None" in comparison["g_unused"].note
    assert not comparison.only_tf and not comparison.only_torch


def test_only_values_are_collected(pair):
    tf_result, torch_result, _ = pair
    for values in (tf_result.values, torch_result.values):
        assert not {"tf", "torch", "layer", "tape", "_private"} & set(values)
        assert values["steps"].tolist() == [1.0, 0.5, 0.25]
    assert tf_result.stdout.strip() == "hello from tf"
    assert torch_result.stdout.strip() == "hello from torch"


def test_random_draws_and_initial_weights_are_identical(pair):
    tf_result, torch_result, comparison = pair
    for name in ("noise", "ints", "out", "kernel", "bias", "trunc", "reseeded"):
        assert comparison[name].match, name
    noise = tf_result.values["noise"]
    assert noise.shape == (2, 3) and noise.std() > 0.1
    assert not np.allclose(tf_result.values["reseeded"], noise[0])   # set_seed(7) restarted the stream elsewhere
    kernel = tf_result.values["kernel"]                              # glorot-uniform bound for 3 -> 4
    assert np.abs(kernel).max() <= np.sqrt(6 / 7) and kernel.std() > 0.1
    assert np.abs(tf_result.values["trunc"]).max() <= 1.0
    assert np.abs(torch_result.values["trunc_default"]).max() > 1.0  # torch's absolute +-2 bounds


def test_each_world_blocks_the_other_framework_and_reports_user_errors():
    tf_side = "try:\n    import torch\nexcept ModuleNotFoundError as err:\n    print(err)\n"
    torch_side = textwrap.dedent("""\
        try:
            import keras
        except ModuleNotFoundError as err:
            print(err)
        before = 2.0
        def helper():
            return 1 / 0
        helper()
        after = 3.0
    """)
    tf_result, torch_result = run_pair(tf_side, "tf_side.py", torch_side, "torch_side.py")
    assert tf_result.ok and "TensorFlow world" in tf_result.stdout and "'torch'" in tf_result.stdout
    assert "PyTorch world" in torch_result.stdout and "'keras'" in torch_result.stdout
    assert torch_result.error_type == "ZeroDivisionError"
    assert 'File "torch_side.py", line 8, in <module>' in torch_result.error
    assert 'File "torch_side.py", line 7, in helper' in torch_result.error
    assert "runner.py" not in torch_result.error
    assert list(torch_result.values) == ["before"]  # values up to the error are still collected


def test_syntax_error_timeout_and_crash_are_reported():
    bad = run_world("x = (\n", "bad.py", "tf")
    assert bad.error_type == "SyntaxError" and 'File "bad.py", line 1' in bad.error
    slow = run_world("while True:\n    pass\n", "slow.py", "torch", timeout=2)
    assert slow.error_type == "Timeout" and "2 s" in slow.error
    dead = run_world("import os\nprint('going')\nos._exit(3)\n", "dead.py", "torch")
    assert dead.error_type == "Crash" and "exit code 3" in dead.error and dead.stdout == "going\n"


def test_framework_free_code_runs_unchanged_in_both_worlds():
    result = compare_source("a = [1.0, 2.0]\nb = sum(a) / 3\n", "plain.py")
    assert result.source_framework is None and result.translation.code.startswith("a = [1.0, 2.0]")
    assert result.tf.ok and result.torch.ok
    assert [r.name for r in result.comparison.matches] == ["a", "b"]


def test_a_translator_crash_still_runs_the_original(monkeypatch):
    import twingrad.translator

    def broken(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(twingrad.translator, "translate", broken)
    result = compare_source("import tensorflow as tf\nv = tf.constant(2.0) * 3\n", "orig.py")
    assert result.source_framework == "tf" and result.tf.ok and result.tf.values["v"] == 6.0
    assert result.torch.error_type == "TranslatorError" and "engine exploded" in result.torch.error
    assert [r.status for r in result.comparison.rows] == ["tf only"]


def test_untranslatable_input_is_refused_with_its_place():
    from twingrad.translator import TranslationInputError

    with pytest.raises(TranslationInputError) as info:
        compare_source("import tensorflow as tf\nx = (\n", "broken.py")
    assert info.value.path == "broken.py"


def test_seed_example_through_the_translator():
    """Needs the translator engine: the TF seed example, translated to PyTorch, gives the same gradients."""
    result = compare_source(SEED_EXAMPLE, "seed.py")
    assert result.translation_error is None, result.translation_error
    assert result.source_framework == "tf" and result.translation.code != SEED_EXAMPLE
    assert result.tf.ok and result.torch.ok, result.torch.error
    assert result.tf.values["dx"] == 6.0 and result.tf.values["dy"] == 8.0
    assert result.comparison["dx"].match and result.comparison["dy"].match


def test_collect_skips_what_it_cannot_compare_and_survives_odd_objects():
    from twingrad.kernel.runner import collect

    class Unconvertible:  # claims to be a TF tensor, but has no value (like a symbolic tensor)
        __module__ = "tensorflow.fake"

        def numpy(self):
            raise RuntimeError("no value")

    looped = [1.0, "x"]
    looped.append(looped)
    values = collect({"np": np, "f": print, "cls": Unconvertible, "odd": Unconvertible(), "_hidden": 1.0,
                      "text": "s", "looped": looped, "nested": {"w": [np.ones(2), None]}, "steps": (1, 2.5)})
    assert list(values) == ["looped[0]", "looped[2][0]", "looped[2][2][0]", "looped[2][2][2][0]",
                            "nested['w'][0]", "nested['w'][1]", "steps"]
    assert values["nested['w'][1]"] is None and values["steps"].tolist() == [1.0, 2.5]


TORCH_GRAD_ONLY = "import torch\nx = torch.tensor(3.0, requires_grad=True)\n(x ** 2).backward()\n"


def test_a_torch_leaf_gradient_is_compared_with_the_translation_s_name_for_it():
    """x.grad is never bound to a name in the PyTorch program; its TF translation keeps it in x_grad."""
    result = compare_source(TORCH_GRAD_ONLY, "grad.py", source_framework="torch")
    assert result.translation.names == {"x.grad": "x_grad"}
    assert result.torch.values["x.grad"] == 6.0 and result.tf.values["x.grad"] == 6.0
    assert result.comparison["x.grad"].match and "x_grad" not in result.tf.values


def test_a_wrong_translated_gradient_is_a_mismatch():
    from twingrad.kernel.runner import run_twin, translate_for_twin

    origin, translation, _ = translate_for_twin(TORCH_GRAD_ONLY, "grad.py", source_framework="torch")
    translation.code = translation.code.replace("tape.gradient(", "2 * tape.gradient(")
    result = run_twin(origin, TORCH_GRAD_ONLY, "grad.py", translation, None)
    assert result.tf.values["x.grad"] == 12.0 and not result.comparison["x.grad"].match
    assert not result.comparison.ok
