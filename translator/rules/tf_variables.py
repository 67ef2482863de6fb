"""tf.Variable → a PyTorch leaf tensor; assign* → in-place updates under torch.no_grad(); `.numpy()` → detached.

Codes:
  TG302 error  `assign*` used inside an expression (only statement form is translated); `v.name` where the name TF
               gives is not known statically (a computed `name=`, a variable made inside a name scope, attributes of
               that name holding several variables); `trainable=` given other than as True/False (torch's
               requires_grad, and which gradients are None, would be decided by the translation, not the value);
               `v.trainable` of an integer variable (True in TF: torch's integer tensors cannot require grad)

`v.name` of a name bound to a tf.Variable (or `m.w.name`, where every `.w = ...` of the file makes a tf.Variable of
one name) becomes TF's name, a string: "Variable:0", or "<name>:0" for a literal `name=` (a torch tensor has none:
`.name` is None there).

tf.Variable keeps its initial value's dtype (numpy float64 stays float64, Python floats are float32, Python ints are
int32 and never get gradients: semantics.md A13, B1); `trainable=False` gives a tensor without requires_grad (A14);
assignments are not differentiable in TF, hence no_grad (A18, D11). `v.trainable` of a name bound to a float
tf.Variable becomes `v.requires_grad`, which the translation sets as trainable says.
"""
from __future__ import annotations

import libcst as cst

from ..codegen import code_of
from ..templates import parse_template_expression, parse_template_statement
from .tf_facts import Facts, bound_arguments, is_int_tensor_init
from .tf_literals import as_tensor, foreign_kind

VARIABLE = "tensorflow.Variable"
ASSIGN_METHODS = {"assign": "copy_", "assign_add": "add_", "assign_sub": "sub_"}


class TfVariableRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self._statement_calls: set[int] = set()
        self._name_scopes = 0  # `with tf.name_scope(...)` blocks open at this point of the walk
        self._scoped: set[int] = set()  # ids of tf.Variable calls made inside one (TF prefixes their names)

    def visit_With(self, node: cst.With) -> None:
        self._name_scopes += self._opens_name_scope(node)

    def leave_With(self, original: cst.With, updated: cst.With) -> cst.With:
        self._name_scopes -= self._opens_name_scope(original)
        return updated

    def _opens_name_scope(self, node: cst.With) -> int:
        return any(isinstance(i.item, cst.Call) and (self.ctx.qualname(i.item.func) or "").endswith("name_scope")
                   for i in node.items)

    # -- v.name ---------------------------------------------------------------------------------------------------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.BaseExpression) -> cst.BaseExpression:
        if original.attr.value == "trainable" and isinstance(original.value, cst.Name):
            kind = Facts.of(self.ctx).kind_of(original.value)
            if kind == "int":
                self.ctx.report(original, "TG302", "trainable of an integer variable: True in TF, and torch's integer "
                                "tensors cannot require grad; left as is")
            elif kind in ("variable", "frozen"):
                return updated.with_changes(attr=cst.Name("requires_grad"))
            return updated
        if original.attr.value != "name":
            return updated
        facts = Facts.of(self.ctx)
        holder = original.value
        if isinstance(holder, cst.Name):
            use = facts.uses.get(id(holder))
            binding = facts.binding_before(holder.value, *use) if use else None
            values = [binding.value] if binding is not None else []
        elif isinstance(holder, cst.Attribute):  # `model.w.name`: every `.w = ...` of the file
            values = facts.attribute_values.get(holder.attr.value, [])
        else:
            return updated
        variables = [v for v in values if isinstance(v, cst.Call) and self.ctx.qualname(v.func) == VARIABLE]
        if not variables:
            return updated
        names = {self._variable_name(v) for v in variables}
        if len(variables) < len(values) or len(names) > 1 or None in names:
            self.ctx.report(original, "TG302", "the name TF gives this variable is not known statically (a computed "
                            "name, a name scope, several variables); torch tensors have none; left as is")
            return updated
        text = names.pop()
        return cst.SimpleString(f'"{text}"' if '"' not in text else repr(text))

    def _variable_name(self, call: cst.Call) -> str | None:
        """TF's name for the variable a tf.Variable call makes, where it is known statically."""
        name = bound_arguments(call).get("name")
        if id(call) in self._scoped or not (name is None or isinstance(name, cst.SimpleString)):
            return None
        return f"{'Variable' if name is None else name.evaluated_value}:0"

    # -- tf.Variable(...) ---------------------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.qualname(original.func) == VARIABLE:
            return self._variable(original, updated)
        func = original.func
        if isinstance(func, cst.Attribute) and not original.args:
            if func.attr.value == "numpy":
                return self._numpy(original, updated)
        if (isinstance(func, cst.Attribute) and func.attr.value in ASSIGN_METHODS
                and id(original) not in self._statement_calls):
            self.ctx.report(original, "TG302", f"{func.attr.value}() inside an expression is not translated",
                            suggestion="make the assignment a statement of its own")
        return updated

    def _variable(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        self.ctx.consume(original.func)
        if self._name_scopes:
            self._scoped.add(id(original))
        before, after = bound_arguments(original), bound_arguments(updated)
        init = after.get("initial_value")
        if init is None:
            self.ctx.report(original, "TG302", "tf.Variable without an initial value is not translated")
            return updated
        trainable = after.get("trainable")
        if trainable is not None and code_of(trainable) not in ("True", "False"):
            self.ctx.report(original, "TG302", "tf.Variable(trainable=) is translated only as True or False")
            return updated
        wants_grad = not (isinstance(trainable, cst.Name) and trainable.value == "False")
        if is_int_tensor_init(original):
            wants_grad = False
        dtype = after.get("dtype")
        if is_int_tensor_init(original) and dtype is None:
            dtype = self.ctx.ref("torch.int32")  # TF's default integer width (B1)
        init_before = before["initial_value"]
        creates_tensor = isinstance(init_before, cst.Call) and self.ctx.is_source_framework(
            self.ctx.qualname(init_before.func))
        if creates_tensor:
            # A fresh tensor from a creation op: make it the leaf itself.
            expr = init if dtype is None else parse_template_expression("{t}.to({d})", t=init, d=dtype)
            if wants_grad and not is_int_tensor_init(init_before, self.ctx.qualname(init_before.func)):
                expr = parse_template_expression("{t}.requires_grad_()", t=expr)
            return expr
        args = [cst.Arg(init)]
        if dtype is not None:
            args.append(_kwarg("dtype", dtype))
        if wants_grad:
            args.append(_kwarg("requires_grad", cst.Name("True")))
        return cst.Call(func=self.ctx.ref("torch.tensor"), args=args)

    def _numpy(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """`t.numpy()` → `t.detach().numpy()`; a variable's snapshot is copied, as TF copies it (B28)."""
        receiver = updated.func.value
        expr = parse_template_expression("{t}.detach().numpy()", t=receiver)
        if self._may_hold_variable(original.func.value):
            expr = parse_template_expression("{t}.copy()", t=expr)
        return expr

    def _may_hold_variable(self, receiver: cst.BaseExpression) -> bool:
        """A variable, or what may be one (a loop's name over a layer's weights, a Keras layer's `kernel`): torch's
        array shares the parameter's memory, which a later update changes. A value computed by an op or arithmetic
        (TF's own constants) needs no copy."""
        facts = Facts.of(self.ctx)
        if facts.holds_variable(receiver):
            return True
        if isinstance(receiver, cst.Name):
            return facts.kind_of(receiver) in ("unknown", "frozen")
        return isinstance(receiver, (cst.Attribute, cst.Subscript))

    # -- v.assign(...) statements -----------------------------------------------------------------------------------------
    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        for small in node.body:
            call = _statement_call(small)
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value in ASSIGN_METHODS:
                self._statement_calls.add(id(call))

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if len(updated.body) != 1:
            return updated
        call = _statement_call(updated.body[0])
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in ASSIGN_METHODS
                and id(_statement_call(original.body[0])) in self._statement_calls):
            return updated
        if len(call.args) != 1:
            self.ctx.report(original, "TG302", f"{call.func.attr.value}() with options is not translated")
            return updated
        method = ASSIGN_METHODS[call.func.attr.value]
        value = call.args[0].value
        foreign = foreign_kind(self.ctx, _statement_call(original.body[0]).args[0].value)
        if foreign:  # TF converts a list or NumPy array here; torch's in-place ops want a tensor
            value = as_tensor(self.ctx, value, foreign)
        update = parse_template_expression("{v}.{m}({e})", v=call.func.value, m=cst.Name(method), e=value)
        small = updated.body[0].with_changes(value=update)
        statement = parse_template_statement("with {no_grad}():\n    {small}\n", no_grad=self.ctx.ref("torch.no_grad"),
                                             small=small)
        return statement.with_changes(leading_lines=updated.leading_lines)


def _statement_call(small: cst.BaseSmallStatement) -> cst.BaseExpression | None:
    """The call a statement is: `v.assign(e)`, or `_ = v.assign(e)` (the result discarded: TF returns the variable,
    or for a Keras variable a snapshot, where torch returns the tensor itself, so only a discarded one is exact)."""
    if isinstance(small, cst.Expr):
        return small.value
    if (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
            and small.targets[0].target.value == "_"):
        return small.value
    return None


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
