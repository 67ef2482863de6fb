"""PyTorch autograd -> TF GradientTape: leaves, backward(), autograd.grad, .grad, no_grad, detach.

The plan (`torch_plan.py`) decides where tapes open; this rule writes the code:

* `x = torch.ones(2, requires_grad=True)` -> `x = tf.Variable(tf.ones(2))` and `x_grad = None` (a read of `.grad`
  before any backward is None); `x.requires_grad_()` -> `x = tf.Variable(x)`. A leaf no name holds (in a dict or
  list display, an attribute: `{"w": torch.tensor(1.0, requires_grad=True)}`) -> a `tf.Variable` in place, which
  the tape watches. `for t in xs: t.requires_grad_()` over a list or tuple display of tensors torch calls make, bound
  just before and nowhere else -> `xs = tuple(tf.Variable(t) for t in xs)` (a list for a list).
* The statements between the leaves and `loss.backward()` that compute what the loss needs go into
  `with tf.GradientTape() as tape:`; `loss.backward()` -> `x_grad, y_grad = tape.gradient(loss, [x, y])` over the
  leaves the loss can reach, or, where `.grad` may already hold a gradient, `x_grad = accumulate_grad(x_grad,
  grads[0])`: torch adds every backward into `.grad` (semantics A4; the emitted helper keeps the gradient of a leaf
  the target does not reach). `backward(gradient=v)` -> `output_gradients=v`. `x.grad` -> `x_grad`; `x.grad = None`, `x.grad.zero_()`, `optimizer.zero_grad()` reset it;
  `x.grad.mul_(v)`, `.add_`, `.sub_`, `.div_`, `.neg_`, `.clamp_(lo, hi)` -> `x_grad = x_grad * (v)` and so on.
* `torch.autograd.grad(y, xs, grad_outputs=v)` -> `tape.gradient(y, xs, output_gradients=v)` (a list where torch
  gives a tuple); `materialize_grads=True` -> `unconnected_gradients=tf.UnconnectedGradients.ZERO`;
  a second backward over values an earlier tape recorded (`retain_graph=True`, nothing new recorded since) -> that
  tape made persistent; `create_graph=True` and gradients that need newer values -> the later tape encloses the
  earlier one; a first-order gradient taken inside an enclosing tape is not recorded (`stop_recording`).
* `with torch.no_grad():` -> its body outside every tape (or under `stop_recording()` inside one); in-place
  updates of leaves there -> `assign_sub`/`assign_add`/`assign`, also through a function's parameter (or a loop
  variable over one) every call gives a leaf or a list of leaves (`sgd([w], [w.grad], lr)`). (`x.detach()` ->
  `tf.stop_gradient(x)` is the ops table's; the plan treats it as cutting the graph.) `x.data` ->
  `tf.stop_gradient(x)` for a leaf and for any value certainly a tensor (`(x * 2).data`, `loss.data`);
  `w.data = v` -> `w.assign(v)` for a leaf (also through such a parameter). Other in-place methods of a leaf there
  (`w.clamp_(-c, c)`) -> `w.assign(...)` of the table's out-of-place form; on a local tensor no leaf:
  `torch_inplace.py`.

Codes:
* TG501 (error) `.grad` of something that is not a leaf tensor of this module or function (non-leaf tensors,
  attributes, enclosing functions' leaves) is left as is; so are `requires_grad=` given a run-time value and
  `t.requires_grad_()` on a loop variable other than the form above (a variable made of the loop's name is not the
  container's tensor).
* TG502 (error) the gradient flows through a value computed outside the block of the backward call (an enclosing
  loop, the previous iteration) or by a caller (a function parameter some call passes on the graph): no tape can
  record it there; left as is.
* TG503 (error) a leaf updated in place outside `torch.no_grad()` (torch raises, A17), or a tensor updated in
  place through a function parameter (or a loop variable over one) some call gives something other than a leaf of
  the module (a TF tensor cannot change in place), or `t.data = v` of a tensor no leaf; left as is. (A name
  rebound to something else is no leaf from there on, as in torch, A7: its `.grad` reads are None.)
* TG504 (error) a backward/grad form not translated: `backward(create_graph=True)`, backward() inside an
  expression, a lambda or a one-line `if`, `is_grads_batched`, inputs that are neither a list nor a leaf, a
  gradient under no_grad, grad calls in a comprehension inside another gradient's tape, a backward no leaf reaches.
  (grad calls in a comprehension, or several in one statement, run inside one persistent tape.)
* TG507 (error) `.grad_fn`, `.retain_grad()`, `.register_hook()` (a tensor's or a graph node's), and
  `.requires_grad`/`.is_leaf` where the plan cannot be sure of torch's answer (values from calls it cannot see into,
  names bound several times, loop variables) have no TF counterpart; left as is. Where it is sure, they become
  the literal True/False; `p.requires_grad` of a loop variable over a Module's `parameters()`/`named_parameters()`
  -> `p.trainable` (a variable's); the output of a layer that always computes with a parameter (nn.Linear,
  twingrad's KerasDense) requires grad outside no_grad;
  a `create_graph=True` gradient's is not known (a function linear in the inputs gives one off the graph). Also
  `requires_grad_(False)` of a tensor that may require grad (freezing a Module's parameter: a TF variable's
  `trainable` is fixed when it is made); of one that certainly does not, it is dropped.
* TG509 (error) `torch.autograd.functional.jacobian`/`vjp`/`jvp`/`hessian` with `create_graph`, `strict` or a list
  of inputs is left as is; `J = jacobian(f, x)` -> a tape watching x around `f(x)`, then `tape.jacobian(...,
  unconnected_gradients=ZERO)` (torch gives zeros where the output does not depend on the input, TF None: A16);
  for a tuple of inputs (a tuple display, or a name last bound to one) `f(*inputs)` and one block per input;
  for f returning a tuple (a lambda's tuple body, or every return of a function of the file) one jacobian per output,
  as torch gives them (hessian of such an f: TG509, torch raises);
  `out, g = vjp(f, x, v)` -> `(outputs, tape.gradient(outputs, x, output_gradients=v, ...ZERO))`;
  `hessian(f, x)` -> the gradient taken inside an outer tape, then its jacobian (a tuple of inputs: TG509);
  `jvp(f, x, v)` -> `tf.autodiff.ForwardAccumulator(x, v)` around f(x), `(outputs, acc.jvp(outputs, ...ZERO))`.
* TG511 (error) a block whose statements another rule split or removed cannot get its tapes; left as is.
* TG513 (warning) `print(x.grad_fn)` (and `.next_functions` chains): torch's backward node has no TF counterpart;
  the print shows a placeholder (None where torch shows None: a leaf, a tensor off the graph). Elsewhere `.grad_fn`
  is TG507.
* TG508 (warning) `g = x.grad` keeps torch's gradient buffer, which the file changes in place somewhere
  (`zero_()`, a backward() adding into it: A5); the translation keeps the value of that moment (as `.clone()`).
  For a Module parameter's `p.grad` (kept in a name, also in a tuple) it is reported wherever it is kept.
TG505/TG506: optimizers, see `torch_optim.py`.
"""
from __future__ import annotations

import libcst as cst

from ..codegen import code_of
from ..templates import parse_template_expression, parse_template_statement
from ..walk import walk
from .torch_data import TorchDataRule
from .torch_device import TorchDeviceRule
from .torch_format import TorchFormatRule
from .torch_forward_ad import TorchForwardADRule
from .torch_func import TorchFuncRule
from .torch_function import TorchFunctionRule
from .torch_index import TorchIndexRule
from .torch_inplace import LocalInplace
from .torch_keras_helpers import TorchKerasHelpersRule
from .torch_masked_assign import TorchMaskedAssignRule
from .torch_matmul import TorchMatmulRule
from .torch_module import TorchModuleRule
from .torch_nn import TorchNNRule
from .torch_no_grad_function import TorchNoGradFunctionRule
from .torch_optim import TorchOptimizerRule
from .torch_plan import (EQUAL, GRAD_INPLACE, INPLACE_UPDATES, Plan, Site, is_false, is_true, keyword, method_call,
                         names_read, paren, single_call)
from .torch_promote import TorchPromoteRule

ACCUMULATE = '''def {name}(grad, new):
    """torch's backward() adds into .grad; a leaf the target does not reach keeps its .grad."""
    return grad if new is None else new if grad is None else grad + new
'''
ASSIGN_OPS = {cst.SubtractAssign: "assign_sub", cst.AddAssign: "assign_add"}
ASSIGN_BINARY = {cst.MultiplyAssign: "*", cst.DivideAssign: "/"}
NO_COUNTERPART = {"requires_grad", "grad_fn", "is_leaf"}
VARIABLE = {"torch.autograd.Variable", "torch.autograd.variable.Variable"}


def torch_rules(ctx) -> list:
    plan, nn = Plan(ctx), TorchNNRule(ctx)
    return [TorchTapeRule(ctx, plan), TorchOptimizerRule(ctx, plan), TorchMatmulRule(ctx), TorchDeviceRule(ctx),
            TorchFunctionRule(ctx), TorchMaskedAssignRule(ctx), TorchKerasHelpersRule(ctx, plan),
            TorchModuleRule(ctx, plan, nn), nn, TorchIndexRule(ctx),
            TorchNoGradFunctionRule(ctx, plan), TorchPromoteRule(ctx), TorchForwardADRule(ctx),
            TorchFuncRule(ctx), TorchDataRule(ctx), TorchFormatRule(ctx, plan)]


def line(template: str, **nodes) -> cst.SimpleStatementLine:
    return parse_template_statement(template, **nodes)


class TorchTapeRule:
    code = "TG501"

    def __init__(self, ctx, plan: Plan):
        self.ctx, self.plan = ctx, plan
        self.backward_calls: dict[int, cst.Call] = {}  # id(site) -> the translated .backward(...) call
        self.targets: dict[int, cst.BaseExpression] = {}  # id(site) -> the translated target to compute in the tape
        self.shown: set[int] = set()  # ids of the placeholders printed for .grad_fn chains
        self.holder_grads: dict[int, str] = {}  # id(new value of a Module parameter's .grad) -> code of that .grad
        self.local = LocalInplace(ctx, plan)

    # -- walking ---------------------------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self.plan.module = node
        self.plan.stack = [node]

    def visit_SimpleStatementLine(self, node) -> None:
        if not isinstance(node.body[0], (cst.Import, cst.ImportFrom)):
            self._statement(node)

    def visit_If(self, node) -> None:
        self._statement(node)

    visit_For = visit_While = visit_With = visit_Try = visit_ClassDef = visit_If

    def visit_FunctionDef(self, node) -> None:
        self._statement(node)
        self.plan.stack.append(node)

    def _statement(self, node) -> None:
        self.plan.ensure()
        for where, code, message in self.plan.refusals.get(id(node), ()):
            self.ctx.report(where, code, message)

    def leave_FunctionDef(self, original, updated):
        self.plan.stack.pop()
        names = sorted(self.plan.scopes[id(original)].global_grads) if id(original) in self.plan.scopes else []
        if not names:
            return updated
        body = list(updated.body.body)
        docstring = bool(body) and isinstance(body[0], cst.SimpleStatementLine) and isinstance(
            body[0].body[0], cst.Expr) and isinstance(body[0].body[0].value, cst.SimpleString)
        body.insert(int(docstring), cst.parse_statement(f"global {', '.join(names)}\n"))
        return updated.with_changes(body=updated.body.with_changes(body=body))

    # -- expressions -----------------------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        site = self.plan.site_calls.get(id(original))
        if site is not None:
            return self._site_call(site, original, updated)
        receiver = method_call(original, "requires_grad_")
        if receiver is not None and self.plan.leaf_value(original):
            return self._unnamed_leaf(original, updated.func.value)
        if receiver is not None and not (isinstance(receiver, cst.Name) and self.plan.scope().holder(receiver.value)):
            if original.args and is_false(original.args[0].value) and self.plan.requires_grad(
                    self.plan.scope(), receiver, self.ctx.statements[-1]) is False:
                return updated.func.value  # already off the graph: nothing changes
            self.ctx.report(original, "TG507", "requires_grad_() other than making a tensor a leaf (freezing a "
                            "Module's parameter: a TF variable's trainable is fixed when it is made); left as is")
            return updated
        if self.ctx.qualname(original.func) in VARIABLE and len(original.args) >= 1 and not original.args[0].keyword:
            self.ctx.consume(original.func)  # the pre-0.4 wrapper: a tensor is its own Variable now
            return updated.args[0].value
        if method_call(original, "retain_grad") is not None:
            self.ctx.report(original, "TG507", "retain_grad() has no TF counterpart (take tape.gradient with "
                            "respect to the tensor instead); left as is")
            return updated
        if method_call(original, "register_hook") is not None:
            self.ctx.report(original, "TG507", "register_hook() has no TF counterpart (a tape runs no hooks: change "
                            "the gradient tape.gradient returns, or make the tensor a tf.custom_gradient identity whose "
                            "gradient function applies the hook); left as is")
            return updated
        if id(self.ctx.statements[-1]) in self.plan.grad_inplace and original is self.ctx.statements[-1].body[0].value:
            return self._grad_inplace(original, updated)
        holder_grad = self._holder_grad(method_call(original, "zero_", *GRAD_INPLACE))
        if holder_grad is not None and original is self.ctx.statements[-1].body[0].value:
            # a Module parameter's gradient changed in place: the statement becomes `p.grad = ...` (leave_Expr)
            result = parse_template_expression("{z}({g})", z=self.ctx.ref("tensorflow.zeros_like"), g=updated.func.value) \
                if original.func.attr.value == "zero_" else self._grad_inplace(original, updated)
            self.holder_grads[id(result)] = holder_grad
            return result
        leaf = self._leaf(self.local.receiver(original))
        if leaf is not None:
            return self._inplace(original, updated, leaf)
        if self._passed(method_call(original, *INPLACE_UPDATES)) is None:
            self._passed_refused(original)
        elif self._passed(self.local.receiver(original)) is False:
            local = self.local.rewrite(original, updated)  # `h.add_(v)` on a local tensor
            if local is not None:
                return local
        flag = keyword(original, "requires_grad")
        if (self.ctx.qualname(original.func) or "").startswith("torch.") and flag is not None:
            args = [a for a in updated.args if not (a.keyword and a.keyword.value == "requires_grad")]
            tensor = updated.with_changes(args=[*args[:-1], *(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)
                                                               for a in args[-1:])])
            if is_true(flag):
                return self._unnamed_leaf(original, tensor)
            if not is_false(flag):
                self.ctx.report(original, "TG501", "requires_grad given a value known only at run time; left as is")
                return updated
            return tensor
        if method_call(original, "backward") is not None and not any(
                where is original for where, _, _ in self.plan.refusals.get(id(self.ctx.statements[-1]), ())) and \
                not any(self.plan.guards.get(id(s)) is False for s in self.ctx.statements):  # dropped: never runs
            self.ctx.report(original, "TG504", "backward() is translated only as a statement of its own in a "
                            "block (not in an expression, a lambda or a one-line if/for); left as is")
        return updated

    def _unnamed_leaf(self, original: cst.Call, tensor: cst.BaseExpression):
        """A leaf made by `original`: a named one the plan wraps in tf.Variable with its statement; an unnamed one (in
        a dict or list display, an argument, an attribute `self.w = ...`) is a variable too, which the tape watches
        (as a constant its gradient was silently None)."""
        statement = self.ctx.statements[-1]
        if self.plan.leaf_stmts.get(id(statement), ("",))[0] == "create" and statement.body[0].value is original:
            return tensor
        variable = self.ctx.ref("tensorflow.Variable")
        self.ctx.wrap_after(original, lambda translated: cst.Call(variable, [cst.Arg(translated)]))
        return tensor

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        attr, value = original.attr.value, original.value
        if id(updated.value) in self.shown:  # `.next_functions` of a printed grad_fn
            return self._shown(updated.value)
        if attr == "grad_fn" and self._printed():
            return self._grad_fn_printed(original)
        if attr == "grad" and isinstance(value, cst.Name) and not self.plan.attribute_mode:
            grad = self.plan.scope().grad_name(value.value)
            leaf = self.plan.leaf_at(self.plan.scope(), self.ctx.statements[-1], value.value)
            if grad is not None and leaf is False and not self._assigned(original):
                return cst.Name("None")  # the name holds a non-leaf tensor here: torch's .grad is None
            if grad is not None and leaf is None:
                grad = None  # reported below
            if grad is not None:
                if self._kept(original) and value.value in self.plan.scope().mutated:
                    self.ctx.report(original, "TG508", f"`{value.value}.grad` is kept in a name: torch's next "
                                    "backward() or zero_() changes that tensor in place (semantics A5), the TF value "
                                    f"stays as it is now, like `{value.value}.grad.clone()`", level="warning")
                return cst.Name(grad)
        in_grad_loop = any(id(st) in self.plan.grad_loops for st in self.ctx.statements)
        # a Module's parameter: its gradient is on it, as in torch
        if attr == "grad" and self._holder_value(value, written=self._assigned(original)):
            if self._assigned(original):
                return updated
            if self._kept(original, elements=True):
                self.ctx.report(original, "TG508", f"`{code_of(original)}` is kept in a name: a later backward() "
                                "adding into it or an in-place change of it changes torch's tensor, and so the kept "
                                "value (semantics A5); the TF value stays as it is now, like `.clone()`",
                                level="warning")
            return parse_template_expression("getattr({p}, 'grad', None)", p=updated.value)
        if attr == "grad" and not self.ctx.is_source_framework(self.ctx.qualname(original)) and not in_grad_loop:
            self.ctx.report(original, "TG501", f"`{code_of(original)}` is not the gradient of a leaf tensor "
                            "created in this module or function; left as is")
        elif attr == "data" and (self._grad_leaf(value) is not None or self._holder_grad(value) is not None):
            return updated.value
        elif attr == "data" and (self._leaf(value) is not None or self._graph_tensor(value) or self._tensor(
                value) or self._own_parameter(value)) and not self._assigned(original):
            return cst.Call(self.ctx.ref("tensorflow.stop_gradient"), [cst.Arg(updated.value.with_changes(
                lpar=[], rpar=[]))])
        elif attr == "requires_grad" and isinstance(value, cst.Name) and (self._holder_value(
                value, strict=True) or self._parameters_loop(value)) and not self._assigned(original):
            return updated.with_changes(attr=cst.Name("trainable"))  # a variable's (a tensor has none: it raises)
        elif attr in NO_COUNTERPART and id(self.ctx.statements[-1]) not in self.plan.leaf_stmts:
            known = self.plan.requires_grad(self.plan.scope(), value, self.ctx.statements[-1])
            if attr == "is_leaf" and known is not None:  # torch: tensors that do not require grad are leaves too
                known = not known or (isinstance(value, cst.Name) and value.value in self.plan.leaves_before.get(
                    id(self.ctx.statements[-1]), ()))
            if known is not None and attr != "grad_fn" and not self._assigned(original):
                return cst.Name(str(known))
            self.ctx.report(original, "TG507", f".{attr} has no TF counterpart; left as is")
        return updated

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        return self._shown(updated.value) if id(updated.value) in self.shown else updated

    def _printed(self) -> bool:
        """The statement is a `print(...)` call: what it shows is for the reader, not a value the program uses."""
        call = single_call(self.ctx.statements[-1])
        return call is not None and isinstance(call.func, cst.Name) and call.func.value == "print" and \
            "print" not in self.plan.scope().bound

    def _grad_fn_printed(self, original: cst.Attribute):
        """torch prints None for a leaf or a tensor off the graph, else its backward node: TF has none."""
        stmt = self.ctx.statements[-1]
        known = self.plan.requires_grad(self.plan.scope(), original.value, stmt)
        leaf = isinstance(original.value, cst.Name) and self.plan.leaf_at(self.plan.scope(), stmt,
                                                                           original.value.value) is True
        if known is False or leaf:
            return cst.Name("None")
        self.ctx.report(original, "TG513", "a printed .grad_fn (torch's backward node) shows a placeholder: TF "
                        "records the graph on the GradientTape", level="warning")
        quote = "'" if '"' in "".join(n.start for n in _strings(stmt)) else '"'
        return self._shown(cst.SimpleString(f"{quote}<grad_fn: recorded by tf.GradientTape>{quote}"))

    def _shown(self, node):
        self.shown.add(id(node))
        return node

    def _holder_grad(self, expr) -> str | None:
        """The code of `p.grad` / `p.grad.data` for a Module parameter p."""
        if isinstance(expr, cst.Attribute) and expr.attr.value == "data":
            expr = expr.value
        if isinstance(expr, cst.Attribute) and expr.attr.value == "grad" and self._holder_value(expr.value):
            return code_of(expr)
        return None

    def _holder_value(self, expr, strict: bool = False, written: bool = False) -> bool:
        """`model.w` (an attribute of a Module) or a name bound by `for p in model.parameters()` (any loop variable in
        attribute mode), in a file whose backward() calls put gradients on variables (or whose optimizers step with
        them, `p.grad = g` before `opt.step()`: written anything, read a variable); anything, where no gradient is
        kept in a name, unless strict (in-place updates: a variable, not any tensor; also `model[0].weight`, and in a
        file with no backward())."""
        if not self.plan.holder_sites and not strict:
            if not any(s.holder_optimizers for s in self.plan.scopes.values()):
                return False
            strict = not written  # what `p.grad = g` put there for the step: a Module's variable's
        if not isinstance(expr, (cst.Name, cst.Attribute, cst.Subscript)):
            return False
        if not strict and (not self.plan.named_leaves or self.plan.attribute_mode):
            return True  # every gradient of the file is on its variable
        scope = self.plan.scope()
        if isinstance(expr, cst.Attribute):
            root = expr
            while isinstance(root, cst.Attribute) and root.attr.value not in ("grad", "data") or strict and isinstance(
                    root, cst.Subscript) and root is not expr:  # a Sequential's or ModuleList's module
                root = root.value
            return isinstance(root, cst.Name) and scope.holder(root.value)
        if isinstance(expr, cst.Name):
            if self.plan.attribute_mode and self._loops(expr, named=False):
                return True  # `for param in params:` over variables passed in
            return self._parameters_loop(expr)
        return False

    def _loops(self, name: cst.Name, named: bool) -> list:
        """The for loops and comprehension clauses around the statement binding `name` (with named, also as the
        last of a pair: `for key, p in ...`)."""
        loops = [s for s in self.ctx.statements if isinstance(s, cst.For)] + _comprehension_loops(
            self.ctx.statements[-1])
        return [s for s in loops if isinstance(s.target, cst.Name) and s.target.value == name.value or named and (
            isinstance(s.target, cst.Tuple) and len(s.target.elements) == 2 and isinstance(
                s.target.elements[1].value, cst.Name) and s.target.elements[1].value.value == name.value)]

    def _parameters_loop(self, name: cst.Name) -> bool:
        """`name` runs over a Module's parameters() / named_parameters(), however wrapped (sorted(...), a
        comprehension): each is a variable."""
        loops = self._loops(name, named=True)
        return bool(loops) and "parameters()" in code_of(loops[-1].iter) and (
            isinstance(loops[-1].target, cst.Name) or "named_parameters()" in code_of(loops[-1].iter)) and any(
            self.plan.scope().holder(n) for n in names_read(loops[-1].iter))

    def _assigned(self, node) -> bool:
        statement = self.ctx.statements[-1]
        return isinstance(statement, cst.SimpleStatementLine) and any(
            isinstance(s, cst.Assign) and any(t.target is node for t in s.targets) for s in statement.body)

    def _grad_inplace(self, original: cst.Call, updated: cst.Call):
        """`x.grad.mul_(v)` -> `x_grad * (v)` (made `x_grad = ...` by leave_Expr); a form it does not know is refused."""
        method, grad = original.func.attr.value, updated.func.value
        args = [a.value for a in updated.args if a.keyword is None]
        alpha = keyword(updated, "alpha")
        if method == "neg_" and not updated.args:
            return parse_template_expression("-{g}", g=paren(grad))
        if method in ("clamp_", "clip_") and len(args) == 2 and len(updated.args) == 2:
            return parse_template_expression("{c}({g}, {lo}, {hi})", c=self.ctx.ref("tensorflow.clip_by_value"),
                                             g=grad, lo=args[0], hi=args[1])
        op = {"add_": "+", "sub_": "-", "mul_": "*", "div_": "/"}.get(method)
        if op and len(args) == 1 and (alpha is None or method in ("add_", "sub_")):
            value = args[0] if alpha is None else parse_template_expression("{v} * {a}", v=paren(args[0]), a=paren(alpha))
            return parse_template_expression(f"{{g}} {op} {{v}}", g=grad, v=paren(value))
        self.ctx.report(original, "TG507", f"in-place .grad.{method}(...) in this form is not translated; left as is")
        return updated

    def leave_Expr(self, original: cst.Expr, updated: cst.Expr):
        rebound = self.local.rebind(updated)
        if rebound is not None:
            return rebound
        if id(updated.value) in self.holder_grads:
            target = cst.parse_expression(self.holder_grads[id(updated.value)])
            return cst.Assign([cst.AssignTarget(target)], updated.value)
        leaf = self.plan.grad_inplace.get(id(self.ctx.statements[-1]))
        if leaf is None or original is not self.ctx.statements[-1].body[0] or isinstance(updated.value, cst.Call) \
                and method_call(updated.value, *GRAD_INPLACE) is not None:
            return updated
        grad = self.plan.scope().grad_name(leaf)
        return cst.Assign([cst.AssignTarget(cst.Name(grad))], updated.value)

    def _kept(self, node, elements: bool = False) -> bool:
        """`g = node` (or, with elements, `g, h = node, ...` and `gs = [node for ...]`)."""
        statement = self.ctx.statements[-1]
        if not (isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Assign)):
            return False
        value = statement.body[0].value
        return value is node or elements and (isinstance(value, (cst.Tuple, cst.List)) and any(
            e.value is node for e in value.elements) or getattr(value, "elt", None) is node)

    def _untaped(self, target) -> bool:
        """In-place on a leaf is an untaped update under no_grad, or on `x.data` anywhere."""
        data = isinstance(target, cst.Attribute) and target.attr.value == "data"
        return data or id(self.ctx.statements[-1]) in self.plan.in_no_grad

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        """`w.data = v` replaces the leaf's values off the graph: `w.assign(v)`."""
        target = original.targets[0].target
        if len(original.targets) != 1 or not (isinstance(target, cst.Attribute) and target.attr.value == "data") \
                or self._grad_leaf(target.value) is not None:
            return updated
        leaf = self._leaf(target)
        if leaf is None and self._tensor(target.value):
            self.ctx.report(original, "TG503", f"`{code_of(target)} = ...` changes a tensor that is not a leaf of this "
                            "module or function (a TF tensor cannot change in place); left as is")
        if leaf is None:  # not known to be a tensor: an attribute of the program's own
            return updated
        return cst.Expr(parse_template_expression("{x}.assign({v})", x=cst.parse_expression(leaf), v=updated.value))

    def leave_AugAssign(self, original: cst.AugAssign, updated: cst.AugAssign):
        leaf = self._leaf(original.target)
        if leaf is None and self._untaped(original.target) and self._passed(original.target) is None:
            self._passed_refused(original)  # under no_grad: an update of the caller's tensor, not a rebinding
        if leaf is not None and not self._untaped(original.target):
            self.ctx.report(original, "TG503", f"in-place update of leaf `{leaf}` outside torch.no_grad() (torch "
                            "raises, semantics A17); left as is")
        if leaf is None or not self._untaped(original.target):
            return updated
        op = type(original.operator)
        if op in ASSIGN_OPS:
            call = parse_template_expression(f"{{x}}.{ASSIGN_OPS[op]}({{v}})", x=cst.parse_expression(leaf),
                                             v=updated.value)
        elif op in ASSIGN_BINARY:
            call = parse_template_expression(f"{{x}}.assign({{x}} {ASSIGN_BINARY[op]} {{v}})",
                                             x=cst.parse_expression(leaf), v=paren(updated.value))
        else:
            self.ctx.report(original, "TG503", f"in-place `{code_of(original.operator).strip()}` on leaf `{leaf}` "
                            "is not translated; left as is")
            return updated
        return cst.Expr(call)

    def _inplace(self, original: cst.Call, updated: cst.Call, leaf: str):
        if not self._untaped(original.func.value):
            self.ctx.report(original, "TG503", f"in-place update of leaf `{leaf}` outside torch.no_grad() "
                            "(torch raises, semantics A17); left as is")
            return updated
        method, x = original.func.attr.value, cst.parse_expression(leaf)
        args = [a.value for a in updated.args if a.keyword is None]
        alpha = keyword(updated, "alpha")
        if method in ("sub_", "add_") and len(args) == 1:
            value = args[0] if alpha is None else parse_template_expression("{v} * {a}", v=paren(args[0]), a=paren(alpha))
            if isinstance(args[0], (cst.Integer, cst.Float)):  # assign_add takes only the variable's shape
                return parse_template_expression(f"{{x}}.assign({{x}} {'+' if method == 'add_' else '-'} {{v}})", x=x,
                                                 v=paren(value))
            return parse_template_expression(f"{{x}}.assign_{method[:3]}({{v}})", x=x, v=value)
        if method in ("mul_", "div_") and len(args) == 1:
            op = "*" if method == "mul_" else "/"
            return parse_template_expression(f"{{x}}.assign({{x}} {op} {{v}})", x=x, v=paren(args[0]))
        if method == "copy_" and len(args) == 1:
            return parse_template_expression("{x}.assign({v})", x=x, v=args[0])
        if method == "zero_" and not args:
            return parse_template_expression("{x}.assign({z}({x}))", x=x, z=self.ctx.ref("tensorflow.zeros_like"))
        if method == "fill_" and len(args) == 1:
            return parse_template_expression("{x}.assign({o}({x}) * {v})", x=x, v=paren(args[0]),
                                             o=self.ctx.ref("tensorflow.ones_like"))
        result = self.local.out_of_place(original, updated, x) if method not in INPLACE_UPDATES else None
        if result is not None:  # `w.clamp_(-c, c)` -> `w.assign(tf.clip_by_value(w, -c, c))`
            return parse_template_expression("{x}.assign({v})", x=x, v=result)
        self.ctx.report(original, "TG503", f"this in-place update of leaf `{leaf}` is not translated; left as is")
        return updated

    def _leaf(self, expr) -> str | None:
        """The leaf named by `x` or `x.data`, or a Module's parameter (`p`, `model.w`): its code."""
        if isinstance(expr, cst.Attribute) and expr.attr.value == "data":
            expr = expr.value
        if isinstance(expr, cst.Name) and (self.plan.leaf_at(self.plan.scope(), self.ctx.statements[-1], expr.value)
                                           or self._passed(expr) is True):
            return expr.value
        return code_of(expr) if self._holder_value(expr, strict=True) else None

    def _passed(self, expr) -> bool | None:
        """For `p` or `p.data`: True where p holds a leaf every caller passes, None where p is a parameter (or a
        loop variable over one) that some call gives something else, False otherwise."""
        if isinstance(expr, cst.Attribute) and expr.attr.value == "data":
            expr = expr.value
        return isinstance(expr, cst.Name) and self.plan.passed_leaf(self.plan.scope(), self.ctx.statements, expr.value)

    def _passed_refused(self, node) -> None:
        target = node.target if isinstance(node, cst.AugAssign) else node.func.value
        self.ctx.report(node, "TG503", f"in-place update of `{code_of(target)}`, taken from a function parameter some "
                        "call does not give a leaf tensor of the module (a TF variable): a TF tensor cannot change in "
                        "place; left as is")

    def _own_parameter(self, expr) -> bool:
        """`self.w` in a method of a Module class the Module rule translates, whose __init__ makes w a Parameter
        (a variable there, so `.data` is its detached value)."""
        from .torch_module import TorchModuleRule

        if not (isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == "self"):
            return False
        method = self.plan.stack[-1]
        for node in self.plan.module.body:
            if isinstance(node, cst.ClassDef) and node.name.value in (self.plan.module_classes or ()) \
                    and any(m is method for m in node.body.body):
                found = TorchModuleRule(self.ctx, self.plan).parameters(node)
                return not isinstance(found, str) and expr.attr.value in found[0]
        return False

    def _graph_tensor(self, expr) -> bool:
        """A name that holds a tensor computed from leaves (so `.data` is its detached value); not a method's `self`
        nor a holder (`self.data` of a data loader is its attribute)."""
        scope, method = self.plan.scope(), self.plan.stack[-1]
        this = method.params.params[0].name.value if id(method) in self.plan.methods and method.params.params else None
        return isinstance(expr, cst.Name) and expr.value in scope.carrying and expr.value not in scope.opaque \
            and not self._assigned(expr) and expr.value != this and not scope.holder(expr.value)

    def _tensor(self, expr) -> bool:
        return self.plan.tensor(self.plan.scope(), expr)

    def _grad_leaf(self, expr) -> str | None:
        if isinstance(expr, cst.Attribute) and expr.attr.value == "grad" and isinstance(expr.value, cst.Name):
            return expr.value.value if self.plan.scope().grad_name(expr.value.value) else None
        return None

    def _site_call(self, site: Site, original: cst.Call, updated: cst.Call):
        if site.kind == "backward":
            self.backward_calls[id(site)] = updated
            self.targets[id(site)] = updated.func.value
            return updated
        self.ctx.consume(original.func)
        target = keyword(updated, "outputs", 0)
        self.targets[id(site)] = target
        if site.deferred:
            return self._gradient_call(site.tape, target, updated)
        return self._gradient_call(site.tape, cst.Name(site.temp) if site.temp else target, updated)

    def _gradient_call(self, tape: str, target, updated: cst.Call) -> cst.Call:
        inputs = keyword(updated, "inputs", 1)
        if isinstance(inputs, cst.Tuple):
            inputs = cst.List(list(inputs.elements))
        elif isinstance(inputs, cst.Name) and self.plan.scope().grad_name(inputs.value) or self.plan.single_source(
                self.plan.scope(), inputs):
            inputs = cst.List([cst.Element(inputs)])
        args = [cst.Arg(target), cst.Arg(inputs)]
        seed = keyword(updated, "grad_outputs", 2)
        if seed is not None and code_of(seed) != "None":
            args.append(cst.Arg(seed, keyword=cst.Name("output_gradients"), equal=EQUAL))
        if is_true(keyword(updated, "materialize_grads", 8)):
            zero = cst.Attribute(cst.Attribute(self.ctx.ref("tensorflow"), cst.Name("UnconnectedGradients")),
                                 cst.Name("ZERO"))
            args.append(cst.Arg(zero, keyword=cst.Name("unconnected_gradients"), equal=EQUAL))
        return cst.Call(cst.Attribute(cst.Name(tape), cst.Name("gradient")), _commas(args))

    # -- statements and blocks -------------------------------------------------------------------------------------
    def leave_IndentedBlock(self, original, updated):
        return self._rebuild(original, updated)

    def leave_Module(self, original, updated):
        if self.plan.accumulate is not None:
            self.ctx.define_at_top([ACCUMULATE.format(name=self.plan.accumulate)])
        return self._rebuild(original, updated)

    def _rebuild(self, original, updated):
        plan = self.plan
        orig, upd = list(original.body), list(updated.body)
        special = (plan.leaf_stmts, plan.no_grad, plan.grad_zero, plan.grad_loops, plan.jacobians, plan.adam_steps,
                   plan.sites, plan.guards, plan.container_marks, plan.kept_lists)
        if not any(id(s) in table for s in orig for table in special):
            return updated
        if any(id(s) in plan.guards for s in orig) and len(orig) == len(upd):
            orig, upd = self._unguarded(orig, upd)
            if not orig:  # only a guard that never runs
                return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        if len(orig) != len(upd):  # another rule split or removed statements: the plan no longer lines up
            self.ctx.report(orig[0], "TG511", "this block's statements were rewritten by another rule, so no tape "
                            "was placed in it; left as is")
            return updated
        return updated.with_changes(body=self._emit(orig, upd, 0, len(orig), plan.groups.get(id(original), [])))

    def _unguarded(self, orig: list, upd: list) -> tuple[list, list]:
        """The statements as the plan saw them: a known `if t.requires_grad:` guard's body in its place (True), or
        nothing (False)."""
        out_orig, out_upd = [], []
        for o, u in zip(orig, upd):
            known = self.plan.guards.get(id(o))
            if known is None:
                out_orig.append(o)
                out_upd.append(u)
            elif known:
                inner_orig, inner_upd = self._unguarded(list(o.body.body), list(u.body.body))
                if inner_upd:  # the guard's comments and blank lines go to its first statement
                    inner_upd[0] = inner_upd[0].with_changes(leading_lines=[*u.leading_lines, *_moved(
                        inner_upd[0].leading_lines)])
                out_orig += inner_orig
                out_upd += inner_upd
        return out_orig, out_upd

    def _emit(self, orig: list, upd: list, lo: int, hi: int, sites: list[Site]) -> list:
        out, i = [], lo
        while i < hi:
            opening = [s for s in sites if s.start == i and s.index < hi and not s.shared and not s.root]
            if opening:
                site = max(opening, key=lambda s: s.index)
                inner = self._emit(orig, upd, i, site.index, sites)
                inner[:0] = [line("{t}.watch({x})\n", t=cst.Name(site.tape), x=cst.Name(n)) for n in site.watch]
                if site.deferred:
                    out.append(self._tape(site, inner + [upd[site.index]]))
                    i = site.index + 1
                    continue
                for each in [site, *(s for s in sites if s.root is site)]:  # targets are computed on the tape
                    if each.temp:
                        inner.append(line("{t} = {v}\n", t=cst.Name(each.temp), v=self.targets[id(each)]))
                out.append(self._tape(site, inner))
                out.extend(self._gradient(site, upd[site.index]))
                i = site.index + 1
            elif self.plan.sites.get(id(orig[i])) in sites and self.plan.sites[id(orig[i])].root:
                out.extend(self._gradient(self.plan.sites[id(orig[i])], upd[i]))
                i += 1
            else:
                out.extend(self._statement_out(orig[i], upd[i]))
                i += 1
        return out

    def _tape(self, site: Site, body: list) -> cst.With:
        leading = body[0].leading_lines if body else ()
        body = [body[0].with_changes(leading_lines=())] + body[1:] if body else [cst.SimpleStatementLine([cst.Pass()])]
        persistent = [cst.Arg(cst.Name("True"), keyword=cst.Name("persistent"), equal=EQUAL)] \
            if site.deferred or site.persistent else []
        item = cst.WithItem(cst.Call(self.ctx.ref("tensorflow.GradientTape"), persistent),
                            asname=cst.AsName(cst.Name(site.tape)))
        return cst.With([item], cst.IndentedBlock(body), leading_lines=leading)

    def _stopped(self, tapes: tuple[str, ...], body: list) -> list:
        if not tapes:
            return body
        items = [cst.WithItem(parse_template_expression(f"{t}.stop_recording()")) for t in tapes]
        leading = body[0].leading_lines
        body = [body[0].with_changes(leading_lines=())] + body[1:]
        return [cst.With(_commas(items), cst.IndentedBlock(body), leading_lines=leading)]

    def _gradient(self, site: Site, updated_stmt) -> list:
        outer = () if site.create_graph else site.outer
        if site.kind == "grad":
            return self._stopped(outer, [updated_stmt.with_changes(leading_lines=_moved(updated_stmt.leading_lines))])
        call = self.backward_calls[id(site)]
        scope = self.plan.scope()
        grads = [scope.grad_name(s) for s in site.sources]
        target = cst.Name(site.temp) if site.temp else call.func.value
        if site.holders:
            return self._stopped(outer, self._holder_gradient(site, call, target, updated_stmt))
        sources = cst.Name(site.sources[0]) if len(grads) == 1 else \
            cst.List(_commas([cst.Element(cst.Name(s)) for s in site.sources]))
        args = [cst.Arg(target), cst.Arg(sources)]
        seed = keyword(call, "gradient", 0)
        if seed is not None and code_of(seed) != "None":
            args.append(cst.Arg(seed, keyword=cst.Name("output_gradients"), equal=EQUAL))
        gradient = cst.Call(cst.Attribute(cst.Name(site.tape), cst.Name("gradient")), _commas(args))
        if site.fresh:
            stmts = [line(f"{', '.join(grads)} = {{g}}\n", g=gradient)]
        else:  # plain statements (not map(...)) keep the TF code in the shapes the way back expects
            new, add = self.plan.grads, self.plan.accumulate
            stmts = [line(f"{new} = {{g}}\n", g=gradient)]
            stmts += [cst.parse_statement(f"{g} = {add}({g}, {new}{'' if len(grads) == 1 else f'[{i}]'})\n")
                      for i, g in enumerate(grads)]
        stmts[0] = stmts[0].with_changes(leading_lines=_moved(updated_stmt.leading_lines))
        stmts[-1] = stmts[-1].with_changes(trailing_whitespace=updated_stmt.trailing_whitespace)
        return self._stopped(outer, stmts)

    def _holder_gradient(self, site: Site, call: cst.Call, target, updated_stmt) -> list:
        """A Module's parameters: the variables the tape watched, each gradient added into `p.grad` as torch does
        (a variable the target does not reach keeps its grad)."""
        seed = keyword(call, "gradient", 0)
        extra = f", output_gradients={code_of(seed)}" if seed is not None and code_of(seed) != "None" else ""
        v, g = self.ctx.new_name("variable"), self.ctx.new_name("grad")
        inputs = keyword(call, "inputs", 3)
        sources = f"{site.tape}.watched_variables()"
        out = []
        if inputs is not None:  # backward(inputs=...): only those get gradients
            sources = self.ctx.new_name("sources")
            out.append(line("{s} = list({i})\n", s=cst.Name(sources), i=inputs))
        text = (f"for {v}, {g} in zip({sources}, {site.tape}.gradient({code_of(target)}, {sources}{extra})):\n"
                f"    {v}.grad = {self.plan.accumulate}(getattr({v}, 'grad', None), {g})\n")
        out.append(cst.parse_statement(text))
        out[0] = out[0].with_changes(leading_lines=_moved(updated_stmt.leading_lines))
        return out

    def _jacobian(self, jac, updated) -> list:
        call = updated.body[0].value
        func, inputs = keyword(call, "func", 0), keyword(call, "inputs", 1)
        out = []
        if jac.inputs:
            out.append(line("{n} = {v}\n", n=cst.Name(jac.inputs), v=inputs))
            inputs = cst.Name(jac.inputs)
        if not isinstance(func, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)) and not func.lpar:
            func = func.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        tape, output = cst.Name(jac.tape), cst.Name(jac.output)
        zero = parse_template_expression("{tf}.UnconnectedGradients.ZERO", tf=self.ctx.ref("tensorflow"))
        # torch calls f(*inputs) for a tuple; TF's tape gives results in the structure of the sources (a tuple)
        body = [line("{t}.watch({x})\n", t=tape, x=inputs),
                line("{y} = {f}(*{x})\n" if jac.unpack else "{y} = {f}({x})\n", y=output, f=func, x=inputs)]
        # one jacobian per output of a tuple: several calls on one tape
        persistent = [cst.Arg(cst.Name("True"), keyword=cst.Name("persistent"), equal=cst.AssignEqual(
            cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))] if jac.tuple_outputs else []
        item = cst.WithItem(cst.Call(self.ctx.ref("tensorflow.GradientTape"), persistent), asname=cst.AsName(tape))
        if jac.kind == "jvp":  # forward mode: the accumulator pushes the tangents v through f
            seed = keyword(call, "v", 2) or parse_template_expression("{tf}.ones_like({x})", tf=self.ctx.ref(
                "tensorflow"), x=inputs)  # torch allows no v for a one-element input only
            item = cst.WithItem(parse_template_expression("{tf}.autodiff.ForwardAccumulator({x}, {v})", tf=self.ctx.ref(
                "tensorflow"), x=inputs, v=seed), asname=cst.AsName(tape))
            body = body[1:]
        if jac.kind == "hessian":  # the inner gradient is taken inside the outer tape, which records it
            inner, gradient = cst.Name(jac.inner[0]), cst.Name(jac.inner[1])
            first = cst.With([item.with_changes(asname=cst.AsName(inner))], cst.IndentedBlock(
                [line("{t}.watch({x})\n", t=inner, x=inputs), body[1]]))
            body = [body[0], first, line("{g} = {t}.gradient({y}, {x}, unconnected_gradients={z})\n", g=gradient,
                                         t=inner, y=output, x=inputs, z=zero)]
            output = gradient
        out.append(cst.With([item], cst.IndentedBlock(body)))
        # torch gives zeros for outputs that do not depend on the inputs (A16)
        if jac.tuple_outputs:  # torch gives a tuple of jacobians, one per output
            result = parse_template_expression(
                "tuple({t}.jacobian(output, {x}, unconnected_gradients={z}) for output in {y})", t=tape, y=output,
                x=inputs, z=zero)
        elif jac.kind in ("jacobian", "hessian"):
            result = parse_template_expression("{t}.jacobian({y}, {x}, unconnected_gradients={z})",
                                               t=tape, y=output, x=inputs, z=zero)
        elif jac.kind == "jvp":
            result = parse_template_expression("({y}, {t}.jvp({y}, unconnected_gradients={z}))", t=tape, y=output,
                                               z=zero)
        else:  # vjp: (f(inputs), v^T J), the product seeded by v like backward(v)
            seed = keyword(call, "v", 2)
            result = parse_template_expression(
                "({y}, {t}.gradient({y}, {x}, output_gradients={v}, unconnected_gradients={z}))", t=tape, y=output,
                x=inputs, z=zero, v=seed if seed is not None else cst.Name("None"))
        out += self._stopped(jac.outer, [updated.with_changes(body=[updated.body[0].with_changes(value=result)],
                                                              leading_lines=())])
        out[0] = out[0].with_changes(leading_lines=updated.leading_lines)
        return out

    def _statement_out(self, original, updated) -> list:
        plan, scope = self.plan, self.plan.scope()
        leaf = plan.leaf_stmts.get(id(original))
        if leaf is not None:
            kind, name = leaf
            if kind == "mark" and any(isinstance(s, cst.For) and isinstance(s.target, cst.Name) and s.target.value == name
                                      for s in self.ctx.statements):
                # `for t in inputs: t.requires_grad_()`: a variable made of the loop's name would not be the
                # container's tensor, whose gradient would then be None in TF
                self.ctx.report(original, "TG501", f"{name} is made to require grad through a loop variable: TF needs "
                                "variables in the container itself; left as is")
                return [original]
            variable = self.ctx.ref("tensorflow.Variable")
            if kind == "create":
                first = line("{x} = {V}({v})\n", x=cst.Name(name), V=variable, v=updated.body[0].value)
            else:
                first = line("{x} = {V}({x})\n", x=cst.Name(name), V=variable)
            first = first.with_changes(leading_lines=updated.leading_lines,
                                       trailing_whitespace=updated.trailing_whitespace)
            if plan.attribute_mode:  # the gradient will be an attribute of the variable
                return [first]
            return [first, cst.parse_statement(f"{scope.grad_name(name)} = None\n")]
        if id(original) in plan.container_marks:  # the container rebuilt of variables, which every tape watches
            name, is_tuple = plan.container_marks[id(original)]
            text = "{x} = tuple({V}({t}) for {t} in {x})\n" if is_tuple else "{x} = [{V}({t}) for {t} in {x}]\n"
            stmt = line(text, x=cst.Name(name), t=original.target, V=self.ctx.ref("tensorflow.Variable"))
            return [stmt.with_changes(leading_lines=updated.leading_lines)]
        if id(original) in plan.adam_steps:
            # torch adds eps after Adam's bias correction, Keras before it (D3): Keras' epsilon this step
            opt, eps, beta2 = plan.adam_steps[id(original)]
            epsilon = cst.parse_statement(
                f"{opt}.epsilon = {eps} * (1 - {beta2} ** (int({opt}.iterations) + 1)) ** 0.5"
                "  # torch adds eps after the bias correction\n")
            return [epsilon.with_changes(leading_lines=updated.leading_lines), updated.with_changes(leading_lines=())]
        if id(original) in plan.kept_lists:  # the tensors an optimizer steps over, as torch keeps them
            return [plan.kept_lists[id(original)].with_changes(leading_lines=updated.leading_lines),
                    updated.with_changes(leading_lines=())]
        if id(original) in plan.jacobians:
            return self._jacobian(plan.jacobians[id(original)], updated)
        if id(original) in plan.grad_loops:  # zip() pairs them up in order
            names = [scope.grad_name(n) for n in plan.grad_loops[id(original)]]
            stmt = line(f"{', '.join(names)}{',' if len(names) == 1 else ''} = {{g}}\n",
                        g=updated.iter.args[1].value)
            return [stmt.with_changes(leading_lines=updated.leading_lines)]
        if id(original) in plan.grad_zero:
            grad = scope.grad_name(plan.grad_zero[id(original)])
            stmt = line("{g} = {z}({g})\n", g=cst.Name(grad), z=self.ctx.ref("tensorflow.zeros_like"))
            return [stmt.with_changes(leading_lines=updated.leading_lines,
                                      trailing_whitespace=updated.trailing_whitespace)]
        if id(original) in plan.no_grad:
            body = list(updated.body.body)
            tapes = plan.no_grad[id(original)]
            if tapes:
                return [updated.with_changes(items=_commas(
                    [cst.WithItem(parse_template_expression(f"{t}.stop_recording()")) for t in tapes]))]
            body[0] = body[0].with_changes(leading_lines=[*updated.leading_lines, *body[0].leading_lines])
            return body
        return [updated]


class _FStrings(cst.CSTVisitor):
    def __init__(self):
        self.found = []

    def visit_FormattedString(self, node) -> None:
        self.found.append(node)


def _strings(node) -> list:
    """The f-strings in a statement (a literal put inside one must not reuse its quote)."""
    visitor = _FStrings()
    walk(node, visitor)
    return visitor.found


class _CompFors(cst.CSTVisitor):
    def __init__(self):
        self.found = []

    def visit_CompFor(self, node) -> None:
        self.found.append(node)


def _comprehension_loops(statement) -> list:
    """The `for ... in ...` clauses of the comprehensions in a simple statement."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return []
    visitor = _CompFors()
    walk(statement, visitor)
    return visitor.found


def _moved(lines) -> list:
    """Leading lines of a statement that moves into a deeper block: blank ones without its indentation."""
    return [ln.with_changes(indent=False) if ln.comment is None else ln for ln in lines]


def _commas(items: list) -> list:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [item.with_changes(comma=comma) for item in items[:-1]] + items[-1:]
