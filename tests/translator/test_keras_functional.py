"""tf_keras_functional.py refuses (TG401, left as is) the functional-API forms it cannot translate exactly; the forms
it translates run in both frameworks in tests/programs/tf/keras_functional.py."""
import pytest

from twingrad.translator import translate

HEAD = "import tensorflow as tf\nfrom tensorflow import keras\n"
CHAIN = "h = keras.layers.Dense(3)(x)\nmodel = keras.Model(inputs=x, outputs=h)\n"


@pytest.mark.parametrize("program,line,message", [
    ("x = keras.Input(shape=(None, 4))\n" + CHAIN, 3, "literal tuple of numbers"),
    ("n = 4\nx = keras.Input(shape=(n,))\n" + CHAIN, 4, "literal tuple of numbers"),
    ("x = keras.Input(shape=(4,), batch_size=2)\n" + CHAIN, 3, "batch_size"),
    ("x = keras.Input(shape=(4,))\nh = keras.layers.Dense(3)(x)\ny = tf.nn.relu(h)\n", 5, "symbolic Keras tensor"),
    ("x = keras.Input(shape=(4,))\nprint(x.shape)\n", 4, "symbolic Keras tensor x used"),
    ("class L(keras.layers.Layer):\n    def call(self, v):\n        return v\n\n\n"
     "x = keras.Input(shape=(4,))\nh = L()(x)\n", 9, "not a Keras layer translated here"),
    ("x = keras.Input(shape=(4,))\nh = keras.layers.Dense(3)(x)\nmodel = keras.Model(inputs={'x': x}, outputs=h)\n",
     5, "dict"),
    ("x = keras.Input(shape=(4,))\nh = keras.layers.Dense(3)(x)\nmodel = keras.Model(inputs=h, outputs=h)\n",
     5, "names bound to keras.Input"),
    ("x = keras.Input(shape=(4,))\n" + CHAIN + "n = len(model.layers)\n", 6, "InputLayers"),
])
def test_refused(program, line, message):
    found = [d for d in translate(HEAD + program, to="torch", path="p.py").diagnostics
             if d.code == "TG401" and message in d.message]
    assert found and found[0].line == line and found[0].level == "error"


def test_translated_chain_is_not_flagged():
    result = translate(HEAD + "x = keras.Input(shape=(4,), name='x')\n" + CHAIN, to="torch", path="p.py")
    assert not [d for d in result.diagnostics if d.level == "error"]
    assert "KerasTensor.of(KerasDense(3), x)" in result.code and "KerasFunctional(inputs=x, outputs=h)" in result.code
