"""OpsRule behaviour that the per-entry checks do not show: diagnostics, imports, argument forms, the table API."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from twingrad.translator import table, translate
from twingrad.translator.table import load

TF = "import tensorflow as tf\n"
TORCH = "import torch\nimport torch.nn.functional as F\n"


def to_torch(body: str):
    return translate(TF + body, to="torch")


def to_tf(body: str):
    return translate(TORCH + body, to="tf")


@pytest.mark.parametrize("text", ["x = 1\n# tf.reduce_sum(x)\n", "import numpy as np\ny = np.sum([1, 2])\n"])
def test_a_file_without_tf_is_returned_byte_identical(text):
    result = translate(text, to="torch")
    assert result.code == text and not result.diagnostics


def test_a_torch_file_translated_to_torch_is_unchanged():
    text = TORCH + "y = x.sum(dim=1)  # keep\n"
    assert translate(text, to="torch").code == text


def test_dtype_constants_and_imports():
    result = to_torch("y = tf.zeros([2], dtype=tf.int64)\nd = tf.float16\n")
    assert result.code == "import torch\ny = torch.zeros([2], dtype=torch.int64)\nd = torch.float16\n"


def test_constants():
    assert to_torch("y = x[:, tf.newaxis]\n").code == "y = x[:, None]\n"
    result = to_torch("assert tf.__version__.startswith('2.')\n")  # a str's method on a constant that is not a dtype
    assert "assert torch.__version__.startswith('2.')" in result.code and not result.diagnostics


def test_a_dtype_inside_a_longer_name_is_left_for_the_engine_to_report():
    result = to_torch("big = tf.float32.max\n")
    assert "tf.float32.max" in result.code and [d.code for d in result.diagnostics] == ["TG900"]


def test_torch_device_arguments_are_dropped():
    assert "tf.zeros([2, 3], dtype=tf.float64)" in to_tf("z = torch.zeros(2, 3, dtype=torch.float64, device=dev)\n").code


def test_names_resolve_through_from_imports():
    result = translate("from tensorflow.math import reduce_sum\ny = reduce_sum(x, axis=0)\n", to="torch")
    assert result.code == "import torch\ny = torch.sum(x, dim=0, dtype=x.dtype)\n"  # x may be integer: TF keeps its dtype


def test_untranslatable_form_is_left_whole_marked_and_reported():
    result = to_torch("y = tf.argmax(x, axis=1, output_type=tf.int32)\n")
    assert result.code == TF + ("y = tf.argmax(x, axis=1, output_type=tf.int32)  # twingrad: TG202 tf.argmax: "
                                "argument 'output_type' not supported; left as is\n")
    assert result.flagged
    [diag] = result.diagnostics
    assert (diag.line, diag.col, diag.code, diag.level) == (2, 5, "TG202", "error")


def test_none_is_never_passed_where_it_means_something_else():
    result = to_tf("y = torch.argmax(x)\n")  # flattens in torch; tf.argmax(axis=None) reduces axis 0
    assert [d.code for d in result.diagnostics] == ["TG201"] and "torch.argmax(x)" in result.code


def test_overloads_are_chosen_by_the_arguments():
    code = to_torch("a = tf.transpose(x)\nb = tf.transpose(x, [1, 0])\nc = tf.where(m)\nd = tf.where(m, x, y)\n").code
    assert "a = x.permute(tuple(range(x.ndim - 1, -1, -1)))" in code
    assert "b = torch.permute(x, [1, 0])" in code
    assert "c = torch.nonzero(m)" in code and "d = torch.where(m, x, y)" in code


def test_split_count_and_sizes():
    code = to_torch("a = tf.split(x, 3)\nb = tf.split(x, [2, 1], axis=1)\n").code
    assert "a = torch.chunk(x, 3)" in code and "b = torch.split(x, [2, 1], dim=1)" in code
    result = to_tf("a = torch.split(x, 2)\n")  # pieces *of size* 2: tf.split would make 2 pieces (B15)
    assert result.flagged and "torch.split(x, 2)" in result.code


def test_defaults_that_differ_are_passed_and_equal_ones_omitted():
    assert "F.leaky_relu(x, negative_slope=0.2)" in to_torch("y = tf.nn.leaky_relu(x)\n").code
    assert "tf.nn.leaky_relu(x, alpha=0.01)" in to_tf("y = F.leaky_relu(x)\n").code
    assert "F.softmax(x, dim=-1)" in to_torch("y = tf.nn.softmax(x)\n").code
    assert "torch.sum(x, dtype=x.dtype)" in to_torch("y = tf.reduce_sum(x, axis=None, keepdims=False)\n").code


def test_keywords_are_kept_where_positions_would_change_meaning():
    code = to_tf("y = F.binary_cross_entropy_with_logits(z, t, reduction='none')\n").code
    assert "tf.nn.sigmoid_cross_entropy_with_logits(labels=t, logits=z)" in code
    assert "torch.normal(mean=1.0, std=2.0, size=[2])" in to_torch("y = tf.random.normal([2], 1.0, 2.0)\n").code


def test_template_arguments_are_evaluated_once_and_parenthesized():
    code = to_torch("y = tf.maximum(f(x), g(x))\nz = 1 / tf.nn.l2_loss(w + 1)\nc = tf.cast(a + b, tf.int32)\n").code
    assert code.count("f(x)") == 1 and code.count("g(x)") == 1 and "lambda" in code
    assert "z = 1 / (((w + 1) ** 2).sum() / 2)" in code
    assert "c = (a + b).to(torch.int32)" in code


def test_int_literals_get_the_source_frameworks_dtype():
    assert "torch.tensor([1, 2], dtype=torch.int32)" in to_torch("y = tf.constant([1, 2])\n").code
    assert "torch.tensor([1.0, 2])" in to_torch("y = tf.constant([1.0, 2])\n").code
    for same in ("[]", "True", "[[True], [False]]"):
        result = to_torch(f"y = tf.constant({same})\n")
        assert f"torch.tensor({same})" in result.code and not result.diagnostics
    assert "tf.range(3, dtype=tf.int64)" in to_tf("y = torch.arange(3)\n").code
    result = to_torch("y = tf.range(n)\n")  # a Python int in TF is int32, in torch int64: cannot know here
    assert [(d.code, d.level) for d in result.diagnostics] == [("TG203", "warning")]


def test_caveats_are_warnings_not_marks():
    result = to_torch("y = tf.reduce_mean(x)\n")
    assert [(d.code, d.level) for d in result.diagnostics] == [("TG203", "warning")]
    assert not result.flagged and "#" not in result.code


def test_torch_tensor_methods():
    code = to_tf("a = x.view(2, 3)\nb = x.view(shape)\nc = x.permute(1, 0)\nd = x.t()\ne = x.sum(dim=1)\n").code
    assert "a = tf.reshape(x, [2, 3])" in code and "b = tf.reshape(x, shape)" in code
    assert "c = tf.transpose(x, perm=[1, 0])" in code and "d = tf.transpose(x)" in code
    assert "e = tf.math.reduce_sum(x, axis=1)" in code


def test_torch_tensor_properties_but_not_on_self():
    code = to_tf("y = x @ w.T\nz = t.mT\nn = self.T\nm = x.t()\nopts.T = 5\nopts.T += 1\n").code
    assert "y = tf.experimental.numpy.matmul(x, tf.transpose(w))" in code and "z = tf.linalg.matrix_transpose(t)" in code
    assert "n = self.T" in code and "m = tf.transpose(x)" in code
    assert "opts.T = 5" in code and "opts.T += 1" in code


def test_a_starred_sequence_for_a_torch_varargs_parameter_is_the_sequence():
    result = to_tf("a = x.view(*s)\nb = torch.zeros(*x.size())\nc = torch.einsum('ij->', *ts)\nd = torch.zeros(2, *s)\n")
    assert "a = tf.reshape(x, s)" in result.code and "b = tf.zeros(x.shape)" in result.code
    assert "c = tf.einsum('ij->', *ts)" in result.code  # a varargs target takes it starred again
    assert [(d.line, d.code) for d in result.diagnostics] == [(6, "TG202")]  # not the only argument for *size


def test_a_method_of_self_is_the_objects_own():
    result = to_tf("class M:\n    def __init__(self):\n        self.flatten = torch.nn.Flatten()\n\n"
                   "    def __call__(self, x):\n        return self.flatten(x)\n")
    assert "return self.flatten(x)" in result.code and not result.diagnostics


def test_a_method_that_does_not_fit_is_a_warning_and_left_alone():
    result = to_tf("s = x.std()\nt = pattern.sub(repl, text)\n")  # sample std has no exact TF form
    assert "s = x.std()" in result.code and "t = pattern.sub(repl, text)" in result.code
    assert not result.flagged
    assert [(d.line, d.code, d.level) for d in result.diagnostics] == [(3, "TG201", "warning"), (4, "TG202", "warning")]


def test_a_failed_overload_adds_no_import():
    result = to_torch("y = tf.norm(x, ord=1, axis=tf.constant(0))\n")
    assert "import torch" not in result.code


def test_a_function_bound_to_a_name_called_with_its_required_arguments_becomes_a_lambda():
    result = to_torch("act = tf.math.tanh\ny = act(x) + act(2 * x)\n")
    assert "act = (lambda x: torch.tanh(x))\n" in result.code and not result.flagged
    back = translate(result.code, to="tf")
    assert "act = (lambda x: tf.math.tanh(x))\n" in back.code and not back.flagged


def test_a_function_passed_to_the_files_own_code_or_stored_becomes_a_lambda_over_its_required_parameters():
    result = to_torch("def run(f, v):\n    return f(v)\nclass A:\n    def __init__(self):\n"
                      "        self.f = tf.nn.softmax\ny = run(tf.nn.relu, x)\n")
    assert "self.f = (lambda logits: F.softmax(logits, dim=-1))" in result.code
    assert "y = run((lambda features: torch.relu(features)), x)" in result.code and not result.flagged
    back = translate(result.code, to="tf")
    assert "y = run((lambda features: tf.nn.relu(features)), x)" in back.code and not back.flagged


@pytest.mark.parametrize("body", [
    "act = tf.math.tanh\ny = act(x, name='t')\n",  # an argument the lambda would not take
    "act = tf.math.tanh\nlayers = [act]\n",  # used otherwise than called
    "ones = functools.partial(tf.ones, dtype=tf.int8)\n",  # passed: its calls are out of sight
    "y = tf.map_fn(tf.math.tanh, x)\n",  # a framework function given a function: its own rule decides
    "n = print(tf.math.tanh)\n",  # a function the file does not define
])
def test_other_function_references_are_left_and_reported(body):
    result = to_torch("import functools\n" + body)
    assert result.flagged and "TG900" in {d.code for d in result.diagnostics} and "lambda" not in result.code


def test_dtype_api_for_other_rules():
    assert table.dtype("tensorflow.float32", "torch") == "torch.float32"
    assert table.dtype("torch.long", "tf") == "tensorflow.int64"
    assert table.dtype("torch.float", "tf") == "tensorflow.float32"
    assert table.dtype("tensorflow.float32", "tf") is None
    assert table.dtype("tensorflow.reduce_sum", "torch") is None


def test_every_code_the_rule_emits_is_documented_in_the_table():
    source = Path(table.__file__).with_name("rules").joinpath("ops.py").read_text()
    assert set(re.findall(r'"(TG\d{3})"', source)) <= set(load().codes)


def test_table_entries_are_consistent():
    """Keys name parameters that exist on the side they belong to; template slots name source parameters."""
    problems = []
    for n, e in enumerate(load().entries):
        tf, torch = e.sides["tf"], e.sides["torch"]
        for k, v in e.args.items():
            if (not tf.is_template and tf.param(k) is None) or (not torch.is_template and torch.param(v) is None):
                problems.append(f"{n}: args {k}->{v}")
        for k in e.fixed:
            if sum(s.param(k) is not None for s in (tf, torch)) != 1:
                problems.append(f"{n}: fixed {k} must name a parameter of exactly one side")
        for k in e.values:
            if tf.param(k) is None and not (tf.is_template and torch.param(e.mapped(k, "tf")) is not None):
                problems.append(f"{n}: values {k} is not a tf parameter")
        for side in (tf, torch):
            if side.is_template:
                source = torch if side is tf else tf
                problems += [f"{n}: slot {s}" for s in re.findall(r"{(\w+)}", side.text) if source.param(s) is None]
        if (e.methods or e.properties) and torch.is_template:
            problems.append(f"{n}: methods and properties need a torch signature")
    assert not problems
