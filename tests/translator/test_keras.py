"""Keras code the translator must refuse (TG401) rather than translate into other numbers, and the forms of the
translation that tests/equivalence cannot see (names it must not take, imports it must not keep)."""
import pytest

from twingrad.translator import translate

HEAD = "import tensorflow as tf\n"


def errors(source: str) -> list[tuple[int, str]]:
    result = translate(HEAD + source, path="k.py")
    return [(d.line, d.code) for d in result.diagnostics if d.level == "error"]


@pytest.mark.parametrize("call", [
    "tf.keras.layers.Dense(3, kernel_initializer='he_normal')",  # another distribution
    "tf.keras.layers.Dense(3, kernel_regularizer=tf.keras.regularizers.L1L2(0.1, 0.2))",  # not in the table
    "tf.keras.layers.Dense(3, kernel_regularizer=penalty)",  # a value not known here
    "tf.keras.layers.Dense(3, activation='hard_silu')",  # an activation the table does not translate
    "tf.keras.layers.Dense(3, dtype='float64')",  # an argument the translation does not know
    "tf.keras.layers.Dense(*shape)",
])
def test_dense_forms_without_an_exact_translation_are_refused(call):
    source = f"layer = {call}\n"
    result = translate(HEAD + source, path="k.py")
    assert (2, "TG401") in [(d.line, d.code) for d in result.diagnostics]
    assert call in result.code and "# twingrad: TG401" in result.code


@pytest.mark.parametrize("line", [
    "model.compile(optimizer='sgd', loss='mse')",
    "model.fit(x, x, epochs=2)",
    "model.summary()",
    "weights = model.get_weights()",
])
def test_keras_training_and_model_methods_are_refused(line):
    source = "model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\nx = tf.ones([2, 3])\n" + line + "\n"
    assert (4, "TG401") in errors(source)


@pytest.mark.parametrize("call", [
    'self.add_weight("w", shape=(2,))',  # Keras 3 raises on a positional name
    "self.add_weight(shape=(2,), initializer=tf.keras.initializers.Orthogonal())",
    "self.add_weight(shape=(2,), initializer='identity')",
    "self.add_weight(shape=(2,), trainable=flag)",  # a parameter or a buffer: not known here
    "self.add_weight(shape=(2,), dtype='string')",
    "self.add_weight(shape=(2,), dtype='int32')",
    "self.add_weight(shape=(2,), regularizer='l2')",
])
def test_add_weight_forms_without_an_exact_translation_are_refused(call):
    source = ("class Scale(tf.keras.layers.Layer):\n"
              "    def build(self, input_shape):\n"
              f"        self.w = {call}\n"
              "    def call(self, x):\n"
              "        return x * self.w\n")
    assert (4, "TG401") in errors(source)


def test_an_add_weight_kept_by_no_name_is_refused():
    # Keras tracks it in trainable_variables; the torch helper's Parameter would be made and lost (unseen2 dragen).
    source = ("class Stack(tf.keras.layers.Layer):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.add_weight(name='k', shape=(2, 2))\n"
              "    def call(self, x):\n"
              "        return tf.matmul(x, self.trainable_variables[0])\n")
    assert errors(source) == [(5, "TG401")]  # the add_weight line, after the file's import


LAZY_LAYER = ("class Linear(tf.keras.layers.Layer):\n"
              "    def build(self, input_shape):\n"
              "        self.w = self.add_weight(shape=(input_shape[-1], 2))\n"
              "    def call(self, x):\n"
              "        return tf.matmul(x, self.w)\n"
              "layer = Linear()\n")
TRAIN = ("optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)\n"
         "x = tf.ones([3, 4])\n"
         "with tf.GradientTape() as tape:\n"
         "    loss = tf.reduce_sum(layer(x))\n"
         "grads = tape.gradient(loss, layer.trainable_weights)\n"
         "optimizer.apply_gradients(zip(grads, layer.trainable_weights))\n")


def test_an_optimizer_built_before_a_layer_builds_its_weights_is_refused():
    # keras.io's 'Keras for researchers': torch.optim would get an empty parameter list (unflagged, before)
    assert (8, "TG303") in errors(LAZY_LAYER + TRAIN)
    assert not errors(LAZY_LAYER + "built = layer(tf.ones([1, 4]))\n" + TRAIN)  # a first call builds it


@pytest.mark.parametrize("attribute", ["variables", "weights", "non_trainable_variables", "non_trainable_weights"])
def test_variable_lists_holding_a_dropout_seed_state_are_refused(attribute):
    # Keras 3's Dropout keeps its seed generator's state in a non-trainable variable torch has no counterpart of.
    source = ("model = tf.keras.Sequential([tf.keras.layers.Dense(2), tf.keras.layers.Dropout(0.5)])\n"
              f"y = model(tf.ones([1, 3]))\nlisted = model.{attribute}\n")
    assert (4, "TG401") in errors(source)


def test_variable_list_of_an_object_that_could_be_a_tf_module_is_refused():
    # tf.Module lists variables sorted by attribute name, Keras in assignment order: no single translation.
    source = ("class Lin(tf.Module):\n"
              "    def __init__(self):\n"
              "        self.w = tf.Variable(1.0)\n"
              "layer = tf.keras.layers.Dense(2)\n"
              "def grads_of(model, loss_fn):\n"
              "    with tf.GradientTape() as tape:\n"
              "        loss = loss_fn()\n"
              "    return tape.gradient(loss, model.trainable_variables)\n")
    assert (9, "TG401") in errors(source)


def test_imported_dense_name_is_not_reused_and_its_import_goes():
    source = ("from tensorflow.keras.layers import Dense\n"
              "layer = Dense(4, activation='relu')\n")
    result = translate(HEAD + source, path="k.py")
    assert not result.flagged
    assert "import tensorflow" not in result.code and "from tensorflow" not in result.code
    assert "layer = KerasDense(4, activation=torch.relu)" in result.code


def test_standalone_keras_package_is_translated_like_tf_keras():
    result = translate("import keras\nlayer = keras.layers.Dense(2, activation='sigmoid')\n", path="k.py")
    assert not result.flagged
    assert "layer = KerasDense(2, activation=torch.sigmoid)" in result.code and "import keras" not in result.code


def test_training_dependent_layer_inside_a_model_needs_an_explicit_training_flag():
    # Keras passes the model's training flag on to its layers; a torch module call does not.
    source = ("class Net(tf.keras.Model):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.norm = tf.keras.layers.BatchNormalization()\n"
              "    def call(self, x):\n"
              "        return self.norm(x)\n")
    assert (7, "TG401") in errors(source)


def test_forward_accepts_training_as_keras_call_does():
    source = ("class Net(tf.keras.Model):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n"
              "        self.dense = tf.keras.layers.Dense(2)\n"
              "    def call(self, x):\n"
              "        return self.dense(x)\n"
              "y = Net()(tf.ones([1, 2]), training=True)\n")
    result = translate(HEAD + source, path="k.py")
    assert not result.flagged and "def forward(self, x, training=None):" in result.code


def test_sequential_called_with_training():
    # nn.Sequential takes no training= and would not pass it on: the output's own Sequential does
    source = ("seq = tf.keras.Sequential([tf.keras.layers.BatchNormalization()])\n"
              "def run(model, x):\n"
              "    return model(x, training=True)\n")
    result = translate(HEAD + source)
    assert not result.flagged
    assert "seq = KerasSequential(KerasBatchNormalization())" in result.code


@pytest.mark.parametrize("layers", [
    "tf.keras.Input(shape=(2, 3)), tf.keras.layers.Dense(1)",  # more than one feature axis
    "tf.keras.layers.Dense(2, input_shape=(3,)), tf.keras.layers.Dense(n_out + 1)",  # a width we cannot repeat
    "tf.keras.layers.Dense(2, input_shape=(3,)), tf.keras.layers.BatchNormalization(axis=0)",
])
def test_sequential_that_cannot_be_built_at_construction_is_refused(layers):
    assert (2, "TG401") in errors(f"seq = tf.keras.Sequential([{layers}])\n")


def test_input_shape_outside_a_sequential_is_refused():
    assert (2, "TG401") in errors("layer = tf.keras.layers.Dense(2, input_shape=(3,))\n")


def test_freezing_a_layer_is_refused():
    # `layer.trainable = False` would only set an attribute on a torch module: the variables would still train.
    assert (3, "TG401") in errors("layer = tf.keras.layers.Dense(2)\nlayer.trainable = False\n")


def test_a_function_parameter_does_not_hide_what_a_module_level_name_holds():
    # `model` is a tf.Module at module level; the parameter of the same name inside train() says nothing about it.
    source = ("class Lin(tf.Module):\n"
              "    def __init__(self):\n"
              "        self.w = tf.Variable(1.0)\n"
              "class Deep(tf.keras.Model):\n"
              "    def call(self, x):\n"
              "        return x\n"
              "def train(model):\n"
              "    return model.w\n"
              "model = Lin()\n"
              "names = model.variables\n")
    result = translate(HEAD + source, path="k.py")
    assert not result.flagged
    assert "names = [param for _, param in sorted(model.named_parameters())]" in result.code


def test_dropout_under_training_warns_that_masks_differ():
    source = "drop = tf.keras.layers.Dropout(0.5)\ny = drop(tf.ones([2, 2]), training=True)\n"
    result = translate(HEAD + source)
    assert not result.flagged
    assert [(d.line, d.code, d.level) for d in result.diagnostics] == [(2, "TG402", "warning")]


@pytest.mark.parametrize("call", ["tf.keras.layers.ReLU(max_value=6.0)", "tf.keras.layers.Softmax(axis=ax)",
                                  "tf.keras.layers.Flatten(data_format='channels_first')"])
def test_layer_options_torch_modules_lack_are_refused(call):
    assert (2, "TG401") in errors(f"layer = {call}\n")


@pytest.mark.parametrize("call", [
    "tf.keras.layers.Conv2D(4, 3, data_format='channels_first')",  # NCHW: not the layout the helper keeps
    "tf.keras.layers.Conv2D(4, 3, groups=2)",
    "tf.keras.layers.Conv2D(4, 3, kernel_initializer='he_uniform')",
    "tf.keras.layers.MaxPooling2D(padding='same')",
    "tf.keras.layers.MaxPool2D(2, data_format='channels_first')",
])
def test_convolution_and_pooling_forms_without_an_exact_translation_are_refused(call):
    assert (2, "TG401") in errors(f"layer = {call}\n")


def test_convolution_arguments_computing_the_helpers_numbers_are_not_passed_on():
    source = ("conv = tf.keras.layers.Conv2D(4, 3, 1, 'same', 'channels_last', 2, 1, 'relu', "
              "kernel_initializer='glorot_uniform')\npool = tf.keras.layers.MaxPool2D(3, padding='valid')\n")
    result = translate(HEAD + source)
    assert not result.flagged
    assert "conv = KerasConv2D(4, 3, 1, 'same', dilation_rate=2, activation=torch.relu)" in result.code
    assert "pool = KerasMaxPooling2D(3)" in result.code


@pytest.mark.parametrize("layers", [
    "tf.keras.layers.Conv2D(2, k, input_shape=(8, 8, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)",
    "tf.keras.layers.Conv2D(2, 3, input_shape=(None, 8, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)",
    "tf.keras.layers.Conv2D(2, 3, input_shape=(8, 8, 1)), tf.keras.layers.MaxPooling2D(pool_size=size), "
    "tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)",
    "tf.keras.layers.Dense(2, input_shape=(3,)), tf.keras.layers.Conv2D(2, 1)",
])
def test_sequential_given_an_image_shape_whose_sizes_are_not_known_is_refused(layers):
    # Keras builds it at construction: the Dense after Flatten needs the image's size, which needs literal arguments
    assert (2, "TG401") in errors(f"seq = tf.keras.Sequential([{layers}])\n")
