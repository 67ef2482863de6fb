"""The engine's promises that hold whatever the rules do: untouched files stay byte-identical, bad input is
refused with a place, untranslatable code stays in place with a marker and a diagnostic."""
import pytest

from twingrad.translator import TranslationInputError, translate


def test_file_without_tensorflow_is_byte_identical():
    source = "import numpy as np  # keep me\n\n\ndef f(x):\n    return np.sum(x)   # odd  spacing\n"
    assert translate(source).code == source


def test_already_translated_code_is_left_alone():
    source = "import torch\nx = torch.tensor(3.0, requires_grad=True)\n(x * x).backward()\n"
    assert translate(source, to="torch").code == source


def test_syntax_error_is_reported_with_its_place():
    with pytest.raises(TranslationInputError) as err:
        translate("import tensorflow as tf\nx = tf.constant(1.0\n", path="bad.py")
    assert err.value.path == "bad.py" and err.value.line >= 2
    assert str(err.value).startswith("bad.py:")


def test_undecodable_bytes_are_reported_with_their_place():
    with pytest.raises(TranslationInputError) as err:
        translate(b"import tensorflow as tf\nx = '\xff'\n", path="latin.py")
    assert (err.value.line, err.value.col) == (2, 6)
    assert "UTF-8" in err.value.reason


def test_empty_file():
    result = translate("")
    assert result.code == "" and result.diagnostics == []


def test_unknown_tensorflow_api_stays_in_place_marked_and_reported():
    source = "import tensorflow as tf\n\nx = tf.Variable(1.0)\nq = tf.raw_ops.Mystery(x)\n"
    result = translate(source, path="m.py")
    assert result.flagged
    line = next(line for line in result.code.splitlines() if "Mystery" in line)
    assert line.startswith("q = tf.raw_ops.Mystery(x)") and "# twingrad: TG900" in line
    assert "import tensorflow as tf" in result.code  # still needed by the leftover
    assert any(d.format().startswith("m.py:4:5: TG900") for d in result.diagnostics)
    assert "torch.tensor(1.0, requires_grad=True)" in result.code


def test_imports_resolved_through_aliases_not_text():
    source = "from tensorflow import Variable as V, GradientTape\n\nw = V(2.0)\nwith GradientTape() as t:\n    y = w * w\ng = t.gradient(y, w)\n"
    result = translate(source)
    assert not result.flagged, result.code
    assert "tensorflow" not in result.code
    assert "y.backward()" in result.code and "g = w.grad" in result.code


def test_bad_options_are_refused():
    with pytest.raises(TranslationInputError):
        translate("x = 1\n", to="jax")
    with pytest.raises(TranslationInputError):
        translate("x = 1\n", style="fancy")


def test_a_comment_or_string_mentioning_tf_does_not_keep_its_import():
    source = "# see the tf docs\nimport tensorflow as tf\n\nx = tf.Variable(2.0)  # tf.Variable\nname = 'tf'\n"
    result = translate(source)
    assert "import tensorflow" not in result.code and "import torch" in result.code


def test_names_inside_a_multiline_import_are_not_uses():
    source = "from tensorflow import (\n    Variable,\n    constant,\n)\n\nx = Variable(2.0)\n"
    result = translate(source)
    assert "tensorflow" not in result.code


def test_a_file_importing_both_frameworks_translates_the_other_one():
    source = "import tensorflow as tf\nimport torch\n\nx = tf.Variable(1.0)\nt = torch.ones(2)\n"
    result = translate(source, to="torch")
    assert result.source_framework == "tf" and not result.flagged
    assert "tensorflow" not in result.code and "t = torch.ones(2)" in result.code


def test_parsing_leaves_libcst_validation_on():
    """The parser's nodes skip validation (valid by construction); nodes built later are checked again."""
    import libcst as cst

    translate("import tensorflow as tf\nx = tf.Variable(1.0)\n")
    with pytest.raises(TranslationInputError):
        translate("import tensorflow as tf\nx = (\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


def test_an_assign_whose_result_is_used_stays_flagged():
    """TF returns the variable (or a Keras variable's snapshot), torch's in-place op the tensor: only a discarded
    result (`_ = v.assign_sub(d)`) is translated."""
    source = "import tensorflow as tf\nv = tf.Variable(1.0)\n_ = v.assign_sub(0.5)\nkept = v.assign(2.0)\n"
    result = translate(source)
    assert [(d.line, d.code) for d in result.diagnostics if d.level == "error"] == [(4, "TG302")]
    assert "    _ = v.sub_(0.5)\n" in result.code and "kept = v.assign(2.0)  # twingrad: TG302" in result.code


def test_helper_definitions_go_after_docstring_and_imports_with_the_next_statements_comment_kept():
    source = ('"""Doc."""\nimport torch\nimport torch.nn as nn\n# seed first\ntorch.manual_seed(0)\n\n\n'
              'class Double(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n'
              '        return 2 * x\n\n    @staticmethod\n    def backward(ctx, g):\n        return 2 * g\n\n\n'
              'model = nn.Linear(2, 1)\nx = torch.ones(2, requires_grad=True)\nDouble.apply(x).sum().backward()\n')
    result = translate(source, to="tf")
    lines = result.code.splitlines()
    helpers = [i for i, line in enumerate(lines) if line.startswith("class ") and not line.startswith("class Double")]
    assert not result.flagged and lines[:2] == ['"""Doc."""', "import tensorflow as tf"]
    assert len(helpers) == 3  # torch.nn's module base and Linear, the autograd.Function's ctx
    assert all(lines[i - 2:i] == ["", ""] for i in helpers)
    seed = lines.index("tf.random.set_seed(0)")
    assert helpers[-1] < seed and lines[seed - 3:seed] == ["", "", "# seed first"]


def test_a_mark_quoting_multi_line_code_stays_one_comment():
    """A diagnostic message may quote code spanning lines (`code_of` of a call split over lines): its inline mark
    must still be one comment, or the statement cannot be built and the whole translation fails."""
    import libcst as cst

    from twingrad.translator.rewrite import _attach_marks

    line = cst.parse_statement("x = f(1)\n")
    marked = _attach_marks(line, ["TG519 tf.Variable(f(\n    1)) is not brought back; left as is"])
    assert cst.Module(body=[marked]).code == "x = f(1)  # twingrad: TG519 tf.Variable(f( 1)) is not brought back; left as is\n"


def test_printing_writes_what_libcst_writes_and_leaves_libcst_as_it_was():
    """codegen.generate writes parentheses through its own context manager while it prints, then restores libcst's."""
    import libcst as cst
    from libcst._nodes.expression import _BaseParenthesizedNode

    from twingrad.translator.codegen import code_of

    module = cst.parse_module("y = ((a + b)) * (c) - f((x), [(1, 2)], {(k): (v)})[(i)]\nz = (lambda t: (t))((2))\n")
    before = _BaseParenthesizedNode._parenthesize
    assert code_of(module, module) == module.code
    assert code_of(module.body[1].body[0].value) == "(lambda t: (t))((2))"
    assert _BaseParenthesizedNode._parenthesize is before
