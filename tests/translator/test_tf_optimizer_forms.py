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
