"""tf_variables.py's refusals around trainable (TG302): where torch's requires_grad cannot say what TF says."""
import pytest

from twingrad.translator import translate


@pytest.mark.parametrize("program,left", [
    # requires_grad would be decided by the translation, not by flag (a frozen variable got a gradient: silent)
    ("flag = False\nv = tf.Variable(2.0, trainable=flag)\n", "tf.Variable(2.0, trainable=flag)"),
    # TF says True; torch's integer tensors cannot require grad
    ("n = tf.Variable(4)\nt = n.trainable\n", "n.trainable"),
])
def test_refused(program, left):
    result = translate("import tensorflow as tf\n" + program, to="torch")
    errors = [d.code for d in result.diagnostics if d.level == "error"]
    assert errors == ["TG302"], [d.format() for d in result.diagnostics]
    assert left in result.code and "# twingrad: TG302" in result.code
