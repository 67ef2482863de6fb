"""torch.optim over lists of leaf tensors -> tf.keras.optimizers with apply_gradients (optimizer_table.json).

`opt = torch.optim.SGD([w, b], lr=0.1)` -> `opt = tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.0,
nesterov=False)`; `opt.zero_grad()` -> `w_grad = b_grad = None` (torch's default set_to_none);
`opt.step()` -> `opt.apply_gradients(zip([w_grad, b_grad], [w, b]))`.

Every hyperparameter of the shared table is written out with torch's value, since the Keras defaults differ
(semantics D2). SGD with (Nesterov) momentum is equal at a constant learning rate (D5). Codes:

* TG505 (error) optimizer left untranslated: parameters that are not a list of leaf tensors (e.g. a module's
  `parameters()`), parameter groups, an optimizer the table does not pair with a Keras one (AdamW, NAdam: D8), or
  a setting Keras computes differently: `weight_decay` (torch adds it to the gradient, Keras decays the weights:
  D6), `dampening`, `maximize`, `lr_decay`, hyperparameters passed by position after `lr`,
  `zero_grad(set_to_none=False)`, `step(closure)`; uses of `param_groups`, `state`, `state_dict()` (learning-rate
  changes through them would also differ for SGD with momentum, D5).
* TG506 (warning) translated, but Keras adds epsilon inside the square root (RMSprop, Adagrad: D4): equal while
  gradients are much larger than epsilon. Adam's epsilon, which Keras adds before the bias correction (D3), is
  set before every `apply_gradients` to `eps * sqrt(1 - beta_2 ** t)`, which puts it where torch has it.
"""
from __future__ import annotations

import libcst as cst

from ..codegen import code_of
from .tf_optimizers import load_optimizer_table
from .torch_plan import EQUAL, keyword, method_call, paren, single_call

EPSILON_PLACEMENT = {"RMSprop": "D4", "Adagrad": "D4"}  # Adam's (D3) is set before every step instead
NEUTRAL = {"params", "foreach", "fused", "differentiable", "capturable"}  # no effect on the numbers
ZERO = {"0", "0.0", "0.", "False"}
TORCH_ONLY = {"param_groups", "state", "state_dict", "load_state_dict", "add_param_group", "defaults"}
_TABLE: dict = {}


def optimizers() -> dict:
    """torch qualified name -> table entry."""
    if not _TABLE:
        _TABLE.update({e["torch"]: e for e in load_optimizer_table()["optimizers"].values()})
    return _TABLE


def optimizer_params(call: cst.Call, qualified: str, assigned: dict, scope) -> list[str] | tuple | str:
    """The leaves an optimizer updates, ("holder", name) for `name.parameters()` of a Module, or why it is not
    translated."""
    entry = optimizers().get(qualified)
    if entry is None:
        return f"{qualified} has no Keras optimizer in the table that computes the same updates; left as is"
    known = {row[1].split(".")[0] for row in entry["params"]} | NEUTRAL
    if sum(1 for a in call.args if a.keyword is None) > 2 or any(a.star for a in call.args):
        return f"{qualified}: hyperparameters after lr given by position are not translated; left as is"
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value not in known and code_of(arg.value) not in ZERO:
            return f"{qualified}({arg.keyword.value}=...) is computed differently by Keras (or not at all); left as is"
    params = keyword(call, "params", 0)
    holder = method_call(params, "parameters") if isinstance(params, cst.Call) and not params.args else None
    if isinstance(holder, cst.Name) and scope.holder(holder.value):
        return ("holder", holder.value)
    if isinstance(params, cst.Name) and isinstance(assigned.get(params.value), (cst.List, cst.Tuple)):
        params = assigned[params.value]
    elements = [e.value for e in params.elements] if isinstance(params, (cst.List, cst.Tuple)) else None
    if not elements or not all(isinstance(e, cst.Name) and scope.grad_name(e.value) for e in elements):
        return "optimizer over something other than a list of leaf tensors (e.g. a module's parameters()); left as is"
    return [e.value for e in elements]


class TorchOptimizerRule:
    code = "TG505"

    def __init__(self, ctx, plan):
        self.ctx, self.plan = ctx, plan

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        qualified = self.ctx.qualname(original.func) or ""
        if qualified in optimizers() and self._constructed(original):
            return self._constructor(original, updated, qualified)
        receiver = method_call(original, "step")
        params = self._params(receiver)
        if params is None:
            return updated
        if original.args:
            self.ctx.report(original, "TG505", "optimizer.step(closure) is not translated; left as is")
            return updated
        holder = self.plan.scope().holder_optimizer(receiver.value)
        if holder is not None:  # a Module's parameters keep their gradients in p.grad; step() skips None ones
            p = self.ctx.new_name("param")
            return cst.parse_expression(f"{receiver.value}.apply_gradients([({p}.grad, {p}) for {p} in "
                                        f"{holder} if getattr({p}, 'grad', None) is not None])")
        grads = ", ".join(self.plan.scope().grad_name(p) for p in params)
        return cst.parse_expression(f"{receiver.value}.apply_gradients(zip([{grads}], [{', '.join(params)}]))")

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if original.attr.value in TORCH_ONLY and self._params(original.value) is not None:
            self.ctx.report(original, "TG505", f"optimizer.{original.attr.value} (torch's per-group settings and "
                            "state) has no Keras counterpart; left as is")
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        """`opt.zero_grad()` over a Module's parameters, `model.zero_grad()`: every parameter's grad set to None."""
        receiver = method_call(single_call(original), "zero_grad")
        if not isinstance(receiver, cst.Name) or self.plan.refusals.get(id(original)):
            return updated
        scope = self.plan.scope()
        holder = scope.holder_optimizer(receiver.value) or (
            f"{receiver.value}.parameters()" if scope.holder(receiver.value) else None)
        call = single_call(original)
        if holder is None or call.args:
            return updated
        p = self.ctx.new_name("param")
        loop = cst.parse_statement(f"for {p} in {holder}:\n    {p}.grad = None\n")
        return loop.with_changes(leading_lines=updated.leading_lines)

    def leave_Expr(self, original: cst.Expr, updated: cst.Expr):
        call = single_call(cst.SimpleStatementLine([original]))
        params = self._params(method_call(call, "zero_grad"))
        if params is None or self.plan.refusals.get(id(self.ctx.statements[-1])) \
                or self.plan.scope().holder_optimizer(call.func.value.value):
            return updated
        names = [self.plan.scope().grad_name(p) for p in params]
        return cst.Assign(targets=[cst.AssignTarget(cst.Name(n)) for n in names], value=cst.Name("None"))

    def _params(self, receiver) -> list[str] | None:
        if isinstance(receiver, cst.Name):
            return self.plan.scope().optimizer(receiver.value)
        return None

    def _constructed(self, call: cst.Call) -> bool:
        statement = self.ctx.statements[-1] if self.ctx.statements else None
        return not self.plan.refusals.get(id(statement)) and isinstance(statement, cst.SimpleStatementLine) \
            and isinstance(statement.body[0], cst.Assign) and statement.body[0].value is call

    def _constructor(self, original: cst.Call, updated: cst.Call, qualified: str):
        entry = optimizers()[qualified]
        args = []
        for keras_name, torch_name, _, torch_default in entry["params"]:
            name, _, element = torch_name.partition(".")
            value = keyword(updated, name, 1 if name == "lr" else None)
            if value is None:
                value = cst.parse_expression(repr(torch_default))
            elif element:
                value = self._element(value, int(element))
            args.append(cst.Arg(value, keyword=cst.Name(keras_name), equal=EQUAL))
        self.ctx.consume(original.func)
        keras_name = entry["keras"].rsplit(".", 1)[1]
        if keras_name in EPSILON_PLACEMENT:
            self.ctx.report(original, "TG506", f"Keras {keras_name} adds epsilon at another place than torch "
                            f"(semantics {EPSILON_PLACEMENT[keras_name]}): equal while gradients are much larger "
                            "than epsilon", level="warning")
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return cst.Call(self.ctx.ref(entry["keras"]), [a.with_changes(comma=comma) for a in args[:-1]] + args[-1:])

    @staticmethod
    def _element(value: cst.BaseExpression, index: int) -> cst.BaseExpression:
        if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) > index:
            return value.elements[index].value
        return cst.Subscript(paren(value), [cst.SubscriptElement(cst.Index(cst.Integer(str(index))))])
