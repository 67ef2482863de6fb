"""torch.func (functorch) transforms -> TF helper functions the output defines (torch_func_table.json).

`grad(f)(x)`, `grad_and_value`, `vjp(f, *primals)`, `jvp(f, primals, tangents)`, `jacrev`/`jacfwd`, `hessian` and
`vmap` take functions and return functions; TF has tapes and accumulators instead, so each becomes a small helper
built on them, with torch's results: zeros (not None) for arguments the output does not depend on, tuples where
torch gives tuples, `(grad, aux)` with `has_aux`. The helpers compose as the transforms do (`jvp(grad(f), ...)`,
`jacrev(jacrev(f))`, `vmap(jacrev(f))`): an inner helper runs its tape inside the outer one's, which records it.
`vmap` maps f over the batch dimension one example at a time and stacks the results (the same numbers as torch's
batched kernels up to float rounding).

TG521 (error) leaves a transform as is where the helper would not compute torch's numbers: an option other than
argnums/has_aux/in_dims/out_dims, or one of those not a literal (nested in_dims, computed argnums).
"""
from __future__ import annotations

import functools
import json
import re
from importlib import resources

import libcst as cst

from ..codegen import code_of

CODE = "TG521"
PREFIX = "torch_func_"
ZERO = "tf.UnconnectedGradients.ZERO"

HELPERS = {
    "grad_and_value": f'''
def {PREFIX}grad_and_value(f, argnums=0, has_aux=False):
    """torch.func.grad_and_value: the gradient of f's scalar output with respect to the arguments `argnums` (zeros
    where the output does not depend on one), and the output."""
    def grad_and_value(*args):
        picked = argnums if isinstance(argnums, tuple) else (argnums,)
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch([args[i] for i in picked])
            output = f(*args)
        value, aux = output if has_aux else (output, None)
        grads = tape.gradient(value, [args[i] for i in picked], unconnected_gradients={ZERO})
        grads = tuple(grads) if isinstance(argnums, tuple) else grads[0]
        return (grads, (value, aux)) if has_aux else (grads, value)
    return grad_and_value
''',
    "grad": f'''
def {PREFIX}grad(f, argnums=0, has_aux=False):
    """torch.func.grad: torch.func.grad_and_value without the value (with has_aux: the gradient and aux)."""
    def grad(*args):
        grads, value = {PREFIX}grad_and_value(f, argnums, has_aux)(*args)
        return (grads, value[1]) if has_aux else grads
    return grad
''',
    "vjp": f'''
def {PREFIX}vjp(f, *primals, has_aux=False):
    """torch.func.vjp: f's output and a function of cotangents giving one vector-Jacobian product per primal
    (zeros where the output does not depend on it); it may be called many times."""
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(list(primals))
        output = f(*primals)
    value, aux = output if has_aux else (output, None)

    def vjp_fn(cotangents):
        return tuple(tape.gradient(value, list(primals), output_gradients=cotangents, unconnected_gradients={ZERO}))
    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)
''',
    "jvp": f'''
def {PREFIX}jvp(f, primals, tangents, has_aux=False):
    """torch.func.jvp: f's output at the primals and its Jacobian-vector product with the tangents."""
    with tf.autodiff.ForwardAccumulator(tuple(primals), tuple(tangents)) as accumulator:
        output = f(*primals)
    value, aux = output if has_aux else (output, None)
    product = accumulator.jvp(value, unconnected_gradients={ZERO})
    return (value, product, aux) if has_aux else (value, product)
''',
    "jacrev": f'''
def {PREFIX}jacrev(f, argnums=0, has_aux=False):
    """torch.func.jacrev/jacfwd: the Jacobian of f's output with respect to the arguments `argnums`, shaped
    output.shape + argument.shape (a tuple over outputs, each a tuple over argnums when argnums is a tuple)."""
    def jacobian(*args):
        picked = argnums if isinstance(argnums, tuple) else (argnums,)
        with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
            tape.watch([args[i] for i in picked])
            output = f(*args)
        value, aux = output if has_aux else (output, None)

        def of(out):
            jacobians = tuple(tape.jacobian(out, args[i], unconnected_gradients={ZERO}) for i in picked)
            return jacobians if isinstance(argnums, tuple) else jacobians[0]
        result = tuple(of(out) for out in value) if isinstance(value, (tuple, list)) else of(value)
        return (result, aux) if has_aux else result
    return jacobian
''',
    "hessian": f'''
def {PREFIX}hessian(f, argnums=0):
    """torch.func.hessian: the Jacobian of the Jacobian."""
    return {PREFIX}jacrev({PREFIX}jacrev(f, argnums), argnums)
''',
    "vmap": f'''
def {PREFIX}vmap(f, in_dims=0, out_dims=0):
    """torch.func.vmap: f applied to each slice along the arguments' `in_dims` (None: the whole argument), the
    results stacked along `out_dims`."""
    def batched(*args):
        dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
        size = next(int(tf.shape(a)[d]) for a, d in zip(args, dims) if d is not None)
        results = [f(*[a if d is None else tf.gather(a, i, axis=d) for a, d in zip(args, dims)])
                   for i in range(size)]
        return tf.nest.map_structure(lambda *slices: tf.stack(slices, axis=out_dims), *results)
    return batched
''',
}


@functools.lru_cache(maxsize=None)
def load() -> dict:
    return json.loads(resources.files("twingrad.translator").joinpath("torch_func_table.json").read_text())


class TorchFuncRule:
    code = CODE

    def __init__(self, ctx):
        self.ctx = ctx
        self.used: list[str] = []  # helpers the output defines, in the order they are needed

    def _entry(self, func: cst.BaseExpression) -> tuple[str, dict] | None:
        qualified = self.ctx.qualname(func) or ""
        for alias, module in load()["aliases"].items():
            if qualified.startswith(alias + "."):
                qualified = module + qualified[len(alias):]
        entry = load()["functions"].get(qualified)
        return (qualified, entry) if entry is not None else None

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        found = self._entry(original.func)
        if found is None:
            return updated
        qualified, entry = found
        self.ctx.consume(original.func)
        problem = self._problem(original, entry)
        if problem is not None:
            self.ctx.report(original, CODE, f"{qualified}({problem}): not translated to a TF helper")
            return updated
        self._use(entry["helper"])
        return updated.with_changes(func=cst.Name(PREFIX + entry["helper"]))

    def _problem(self, call: cst.Call, entry: dict) -> str | None:
        if re.search(rf"\b{PREFIX}", self.ctx.text):
            return f"a name of this file begins with {PREFIX}, as the helpers' names do"
        positional = [a for a in call.args if a.keyword is None and not a.star]
        given = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
        if entry["helper"] not in ("vjp", "jvp"):  # f, then the options in order
            if any(a.star for a in call.args) or len(positional) > 1 + len(entry["keywords"]):
                return "arguments other than the function and its options"
            given.update(zip(entry["keywords"], (a.value for a in positional[1:])))
        for name, value in given.items():
            if name not in entry["keywords"]:
                return f"{name}=..."
            if name in entry["literal"] and not _literal(value):
                return f"{name}={code_of(value)}, not a literal"
        return None

    def _use(self, helper: str) -> None:
        for needed in [helper, *load()["uses"].get(helper, [])]:
            if needed not in self.used:
                self.used.append(needed)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if self.used:
            self.ctx.define_at_top([helper_source(helper, code_of(self.ctx.ref("tensorflow")))
                                    for helper in self.used])
        return updated


def helper_source(helper: str, tf: str) -> str:
    """A helper's definition, written with the name the output gives tensorflow."""
    return re.sub(r"\btf\.", tf + ".", HELPERS[helper])


def _literal(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.Integer) or isinstance(value, cst.Name) and value.value in ("None", "True", "False"):
        return True
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        return isinstance(value.expression, cst.Integer)
    return isinstance(value, cst.Tuple) and all(_literal(e.value) for e in value.elements)
