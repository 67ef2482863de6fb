"""What a TF program shows statically about a tensor expression's dtype: float, a named integer dtype, or nothing.

For the ops whose torch form widens integer inputs where TF keeps their dtype (api_table.json's `keeps_dtype`):
a float input needs nothing written, an integer one `dtype=`. Conservative: "float" only where the TF program
could not run otherwise (an operand that is a float literal, `/`, a float-only function, a float constructor).
"""
from __future__ import annotations

import libcst as cst

from .. import table as api_table
from .tf_facts import Facts, bound_arguments, has_float


def _names(*names: str) -> set[str]:
    """Qualified names, with TF's top-level aliases of tf.math / tf.linalg functions (tf.exp, tf.matmul)."""
    return {f"tensorflow.{n}" for n in names} | {f"tensorflow.{n.split('.', 1)[1]}" for n in names
                                                 if n.startswith(("math.", "linalg."))}


# Functions whose result is float whatever runs (TF raises for integer inputs, or makes floats).
FLOAT_RESULTS = _names(
    "math.exp", "math.log", "math.log1p", "math.sqrt", "math.rsqrt", "math.sigmoid", "math.tanh", "math.softplus",
    "math.sin", "math.cos", "math.reduce_logsumexp", "nn.sigmoid", "nn.tanh", "nn.softmax", "nn.log_softmax",
    "nn.softplus", "nn.elu", "nn.selu", "nn.gelu")
# Constructors making float32 unless given another dtype=.
FLOAT_CONSTRUCTORS = _names("random.normal", "random.truncated_normal", "random.uniform", "ones", "zeros", "eye")
# Functions whose result has their first argument's dtype.
SAME_AS_FIRST = _names(
    "math.square", "math.abs", "math.negative", "math.reduce_sum", "math.reduce_prod", "math.reduce_max",
    "math.reduce_min", "math.cumsum", "math.cumprod", "linalg.matmul", "transpose", "reshape", "identity",
    "nn.relu", "math.maximum", "math.minimum", "math.add", "math.subtract", "math.multiply", "squeeze",
    "expand_dims", "gather", "tile")
VALUES = ("tensorflow.constant", "tensorflow.Variable", "tensorflow.convert_to_tensor")


def known_dtype(ctx, node: cst.BaseExpression, depth: int = 0) -> str | None:
    """"float", the qualified TF integer dtype (`tensorflow.int32`), or None where the code does not show it.
    `node` is an original node of the TF file."""
    if depth > 8:
        return None
    if isinstance(node, cst.Float):
        return "float"
    if isinstance(node, (cst.List, cst.Tuple)):
        return "float" if has_float(node) else None
    if isinstance(node, cst.UnaryOperation):
        return known_dtype(ctx, node.expression, depth + 1)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Divide):
            return "float"  # TF's truediv of integers gives floats
        left, right = (known_dtype(ctx, n, depth + 1) for n in (node.left, node.right))
        if isinstance(node.left, cst.Integer) or isinstance(node.right, cst.Integer):
            return right if isinstance(node.left, cst.Integer) else left  # `x * 2` keeps x's dtype in TF
        # TF adds no float to an integer tensor (it raises): one float operand shows both are
        return "float" if "float" in (left, right) else left if left == right else None
    if isinstance(node, cst.Subscript):
        return known_dtype(ctx, node.value, depth + 1)
    if isinstance(node, cst.Name):
        binding = Facts.of(ctx).reaching(node)
        return known_dtype(ctx, binding.value, depth + 1) if binding is not None and binding.value is not None \
            else None
    if not isinstance(node, cst.Call):
        return None
    qualified = api_table.expand(ctx.qualname(node.func) or "")
    if qualified in ("tensorflow.cast", "tensorflow.dtypes.cast"):
        given = node.args[1].value if len(node.args) > 1 and node.args[1].keyword is None else next(
            (a.value for a in node.args if a.keyword is not None and a.keyword.value == "dtype"), None)
        return _kind(ctx, given)
    dtype = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "dtype"), None)
    if qualified in VALUES:
        bound = bound_arguments(node, qualified)
        if bound.get("dtype") is not None:
            return _kind(ctx, bound["dtype"])
        value = bound.get("initial_value" if qualified == "tensorflow.Variable" else "value")
        return known_dtype(ctx, value, depth + 1) if value is not None and not isinstance(value, cst.Integer) \
            else None
    if qualified in FLOAT_RESULTS:
        return "float"
    if qualified in FLOAT_CONSTRUCTORS and sum(a.keyword is None for a in node.args) <= 1:  # no dtype by position
        return "float" if dtype is None else _kind(ctx, dtype)
    if qualified in SAME_AS_FIRST and node.args and not node.args[0].keyword:
        return known_dtype(ctx, node.args[0].value, depth + 1)
    return None


def _kind(ctx, dtype: cst.BaseExpression | None) -> str | None:
    name = api_table.expand(ctx.qualname(dtype) or "") if dtype is not None else ""
    if not api_table.load().is_dtype(name):
        return None
    kind = name.rsplit(".", 1)[-1]
    return "float" if kind.startswith(("float", "bfloat", "half", "double")) else name if "int" in kind else None
