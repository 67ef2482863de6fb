"""tf_optimizers.py over a Module's parameters (the form PyTorch -> TF writes: apply_gradients([(p.grad, p) for p in
model.parameters() if ...])): translated where torch.optim, which takes its parameters at construction, updates
what Keras, which takes them at the first apply_gradients, updates; flagged otherwise."""
from pathlib import Path

import pytest

from twingrad.translator import translate

HELPERS = (Path(__file__).parents[1] / "fixtures" / "tf2torch" / "torch_nn_helpers.in.py").read_text()
HELPERS = HELPERS[:HELPERS.index("\nclass Block")]  # the helper classes and imports

APPLY = "opt.apply_gradients([(p.grad, p) for p in {params} if getattr(p, 'grad', None) is not None])\n"
TRAIN = """
with tf.GradientTape() as tape:
    loss = tf.math.reduce_sum(net(tf.ones([2, 3])))
for v, g in zip(tape.watched_variables(), tape.gradient(loss, tape.watched_variables())):
    v.grad = accumulate_grad(getattr(v, 'grad', None), g)
"""
NET = "net = TorchSequential(TorchLinear(3, 1))\n"
OPT = "opt = tf.keras.optimizers.SGD(learning_rate=0.1)\n"


@pytest.mark.parametrize("program,code", [
    (NET + OPT + NET + TRAIN + APPLY.format(params="net.parameters()"), "TG303"),  # net rebound in between
    (NET + OPT + "net.append(TorchLinear(1, 1))\n" + TRAIN + APPLY.format(params="net.parameters()"), "TG303"),
    (NET + OPT + TRAIN + APPLY.format(params="net.parameters()") + APPLY.format(params="net[0].parameters()"),
     "TG303"),  # Keras updates the first layer only at the second step
    (NET + OPT + TRAIN + APPLY.format(params="list(net.parameters())"), "TG303"),
    (NET + OPT + TRAIN + APPLY.format(params="net.parameters()").replace("(p.grad, p)", "(p.grad * 2, p)"), "TG304"),
    (NET + OPT + TRAIN + APPLY.format(params="net.parameters()").replace("getattr(p, 'grad', None)", "p.trainable"),
     "TG304"),
])
def test_refused(program, code):
    result = translate(HELPERS + program, to="torch", path="optimizer.py")
    errors = [d.code for d in result.diagnostics if d.level == "error"]
    assert code in errors, result.code
    assert f"# twingrad: {code}" in result.code


def test_translated():
    result = translate(HELPERS + NET + OPT + TRAIN + APPLY.format(params="net.parameters()"), to="torch")
    assert not result.flagged, [d.format() for d in result.diagnostics]
    assert "opt = torch.optim.SGD(net.parameters(), lr=0.1" in result.code
    assert result.code.endswith("loss.backward()\nopt.step()\n")


# apply_gradients in a function whose variables the optimizer's construction cannot name (real fault F10: it read
# the function's parameter there, a NameError): its own variables, calls passing other variables, calls not seen.
HELPER = """import tensorflow as tf
w1 = tf.Variable(1.0)
w2 = tf.Variable(2.0)
opt = tf.keras.optimizers.SGD(learning_rate=0.1)
def update(grads, weights):
    opt.apply_gradients(zip(grads, weights))
"""


@pytest.mark.parametrize("program", [
    HELPER + "update([1.0], [w1])\nupdate([1.0], [w2])\n",  # Keras raises at the second; torch would update both
    HELPER + "callback = update\ncallback([1.0], [w1])\n",
    HELPER + "update([1.0], *[[w1]])\n",
    HELPER.replace("def update(grads, weights):\n", "def update(grads):\n    weights = [w1]\n") + "update([1.0])\n",
    HELPER.replace("def update(", "class Trainer:\n    def update(self, ").replace("    opt.", "        opt.")
    + "Trainer().update([1.0], [w1])\n",
    # the optimizer passed under another name: its apply_gradients there stayed Keras' on torch's optimizer
    HELPER.replace("def update(grads, weights):\n    opt.", "def update(grads, weights, o):\n    o.")
    + "opt.apply_gradients(zip([1.0], [w1]))\nupdate([1.0], [w1], opt)\n",
    HELPER + "update([1.0], [w1])\noptimizers = [opt]\n",
])
def test_apply_gradients_in_a_function_refused(program):
    result = translate(program, to="torch", path="optimizer.py")
    assert "TG303" in [d.code for d in result.diagnostics if d.level == "error"], result.code
    assert "torch.optim.SGD(" not in result.code


def test_optimizer_passed_to_a_parameter_of_its_name():
    """`def update(grads, weights, opt)` called with `opt`: the parameter is taken for the optimizer, as it is."""
    program = HELPER.replace("def update(grads, weights):", "def update(grads, weights, opt):") + \
        "update([1.0], [w1], opt)\n"
    result = translate(program, to="torch", path="optimizer.py")
    assert not result.flagged, result.code
    assert "opt = torch.optim.SGD([w1]" in result.code and "    opt.step()\n" in result.code


BOUND = """import tensorflow as tf

x = tf.Variable(2.0)
opt = tf.keras.optimizers.SGD(learning_rate=0.1)
with tf.GradientTape() as tape:
    loss = x ** 2
pairs = zip(tape.gradient(loss, [x]), [x])
opt.apply_gradients(pairs)
"""


@pytest.mark.parametrize("after, flagged", [
    ("", False),
    ("print('pairs')  # pairs: a string and a comment read nothing\n", False),
    ("print(list(pairs))\n", True),  # another read of the zip: it would see other pairs in the two frameworks
])
def test_pairs_bound_to_a_name_read_nowhere_else(after, flagged):
    result = translate(BOUND + after, to="torch")
    assert ("TG304" in {d.code for d in result.diagnostics}) == flagged
    assert ("for grad, param in pairs:" in result.code) != flagged
