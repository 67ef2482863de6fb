"""TF -> PyTorch autodiff and optimizer code the rules cannot translate exactly is flagged, never guessed."""
import pytest

from twingrad.translator import translate

HEADER = "import tensorflow as tf\nw = tf.Variable(1.0)\nb = tf.Variable(2.0)\n"

OPTIMIZER = """
opt = tf.keras.optimizers.{opt}()
with tf.GradientTape() as tape:
    loss = w * b
grads = tape.gradient(loss, [w, b])
{line}
opt.apply_gradients(zip(grads, [w, b]))
"""

FLAGGED = {
    "gradient sources bound by a comprehension": ("TG111", """
with tf.GradientTape(persistent=True) as tape:
    y = w * b
gs = [tape.gradient(y, s) for s in (w, b)]
"""),
    "gradient sources listing a comprehension's name": ("TG111", """
c = tf.constant(3.0)
with tf.GradientTape(persistent=True) as tape:
    y = w * c
gs = [tape.gradient(y, [s]) for s in (w, c)]
"""),
    "watched_variables inside its block": ("TG110", """
with tf.GradientTape() as tape:
    y = w * b
    names = tape.watched_variables()
"""),
    "watched_variables after a call to user code": ("TG110", """
def f(x):
    return x * b
with tf.GradientTape() as tape:
    y = f(w)
vs = tape.watched_variables()
"""),
    "watched_variables of a block reading a parameter": ("TG110", """
def step(v):
    with tf.GradientTape() as tape:
        y = v * 2.0
    return tape.watched_variables()
"""),
    "watched_variables after the variable was rebound": ("TG110", """
with tf.GradientTape() as tape:
    y = w * 2.0
w = tf.Variable(5.0)
vs = tape.watched_variables()
"""),
    "watched_variables of a block aliasing a variable": ("TG110", """
with tf.GradientTape() as tape:
    u = w
    y = u * 2.0
vs = tape.watched_variables()
"""),
    "custom_gradient reading two variables (TF orders them by hash)": ("TG307", """
@tf.custom_gradient
def f(x):
    def grad(dy, variables=None):
        return dy * w * b, [dy * x * b, dy * x * w]
    return x * w * b, grad
"""),
    "custom_gradient reading a variable, grad_fn without variables= (TF raises)": ("TG307", """
@tf.custom_gradient
def f(x):
    return x * w, lambda dy: dy * w
"""),
    "custom_gradient with variables= reading an unknown name": ("TG307", """
from helpers import scale
@tf.custom_gradient
def f(x):
    def grad(dy, variables=None):
        return dy * w, [dy * x]
    return x * w * scale, grad
"""),
    "custom_gradient with a default parameter": ("TG307", """
@tf.custom_gradient
def f(x, scale=2.0):
    return x * scale, lambda dy: dy * scale
"""),
    "twingrad's Function form over a FunctionCtx other than its helper": ("TG307", """
class FunctionCtx:
    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors


class Double:
    @staticmethod
    def forward(ctx, x):
        return x * 2.0

    @staticmethod
    def backward(ctx, g):
        return g * 2.0

    @staticmethod
    @tf.custom_gradient
    def apply(*inputs):
        ctx = FunctionCtx()
        return Double.forward(ctx, *inputs), lambda *grads: ctx.input_shaped(inputs, Double.backward(ctx, *grads))
"""),
    "custom_gradient returning something else": ("TG307", """
@tf.custom_gradient
def f(x):
    return x
"""),
    "custom_gradient in a file taking second derivatives": ("TG307", """
@tf.custom_gradient
def f(x):
    e = tf.exp(x)
    return e, lambda dy: dy * e
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        y = f(w)
    g = inner.gradient(y, w)
h = outer.gradient(g, w)
"""),
    "setting a Keras optimizer's learning_rate": ("TG303", OPTIMIZER.format(opt="Adam", line="opt.learning_rate = 0.1")),
    "SGD's iterations (torch keeps no step count)": ("TG303", OPTIMIZER.format(opt="SGD", line="n = opt.iterations")),
    "RMSprop's epsilon (not placed like Adam's)": ("TG303", OPTIMIZER.format(opt="RMSprop", line="opt.epsilon = 1e-3")),
    "a schedule with SGD momentum (lr folded into the velocity)": ("TG303", OPTIMIZER.format(
        opt="SGD", line="").replace("SGD()", "SGD(tf.keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5), 0.9)")),
    "a cycling PolynomialDecay": ("TG303", """
schedule = tf.keras.optimizers.schedules.PolynomialDecay(0.1, 10, cycle=True)
"""),
    "a CosineDecay with warm-up": ("TG303", """
schedule = tf.keras.optimizers.schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=3)
"""),
    "clipnorm and clipvalue together (Keras raises)": ("TG303", OPTIMIZER.format(opt="SGD", line="").replace(
        "SGD()", "SGD(clipnorm=1.0, clipvalue=0.5)")),
    "clipnorm from a name": ("TG303", OPTIMIZER.format(opt="SGD", line="").replace("SGD()", "SGD(clipnorm=b)")),
    "minimize (Keras 3 optimizers have none)": ("TG304", OPTIMIZER.format(opt="SGD", line="opt.minimize(lambda: w * b, [w, b])")),
    "the name of a variable made in a name scope (TF prefixes it)": ("TG302", """
with tf.name_scope("block"):
    v = tf.Variable(0.0)
label = v.name
"""),
    "the name of a variable given a computed name": ("TG302", """
prefix = "layer"
v = tf.Variable(0.0, name=prefix + "_bias")
label = v.name
"""),
    "forward over reverse: a tape inside an accumulator": ("TG113", """
with tf.autodiff.ForwardAccumulator(w, tf.constant(1.0)) as acc:
    with tf.GradientTape() as tape:
        y = w * w
    g = tape.gradient(y, w)
hvp = acc.jvp(g)
"""),
    "an accumulator whose block calls a function reading the primal as a global": ("TG113", """
def f():
    return w * b
with tf.autodiff.ForwardAccumulator(w, tf.constant(1.0)) as acc:
    y = f()
d = acc.jvp(y)
"""),
    "jvp after the block of a name assigned outside it too": ("TG113", """
y = b * 2.0
with tf.autodiff.ForwardAccumulator(w, tf.constant(1.0)) as acc:
    y = w * b
d = acc.jvp(y)
"""),
    "an accumulator used other than by jvp": ("TG113", """
with tf.autodiff.ForwardAccumulator(w, tf.constant(1.0)) as acc:
    y = w * b
kept = [acc]
"""),
    "an accumulator whose block reads a container of the primal": ("TG113", """
pair = (w, b)
with tf.autodiff.ForwardAccumulator(w, tf.constant(1.0)) as acc:
    y = pair[0] * 2.0
d = acc.jvp(y)
"""),
    "an accumulator over a tuple whose block reads an element by its own name": ("TG113", """
pair = (w, b)
with tf.autodiff.ForwardAccumulator(pair, (tf.constant(1.0), tf.constant(0.0))) as acc:
    y = w * 2.0
d = acc.jvp(y)
"""),
    "an accumulator over an expression": ("TG113", """
with tf.autodiff.ForwardAccumulator(w * 2.0, tf.constant(1.0)) as acc:
    y = w * b
d = acc.jvp(y)
"""),
    "executing_eagerly where tf.function traces it (False there)": ("TG201", """
@tf.function
def f(x):
    return x if tf.executing_eagerly() else 2 * x
"""),
}


@pytest.mark.parametrize("case", FLAGGED, ids=list(FLAGGED))
def test_flagged(case):
    code, body = FLAGGED[case]
    result = translate(HEADER + body, to="torch")
    assert code in [d.code for d in result.diagnostics if d.level == "error"], result.code
    assert f"# twingrad: {code}" in result.code
