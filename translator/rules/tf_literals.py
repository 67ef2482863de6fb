"""TF converts Python lists of floats and NumPy arrays to tensors wherever a tensor is expected (`x * [3.0, 4.0]`,
`w * xs` with `xs = np.linspace(...)`, `tf.matmul([[1.0, 2.0]], w)`); PyTorch does not, so such operands become
`torch.tensor(...)` / `torch.as_tensor(...)` where they meet a tensor.

Only float lists count (`[0] * n` and shapes like `[2, 3]` are left alone), and only names whose every binding is a
NumPy value or a float list.

A shape or a size (`t.shape`, `t.shape[0]`, `len(xs)`) given to a TF op where it takes a tensor (`tf.cast(x.shape[0],
tf.float32)`, `tf.reduce_prod(x.shape)`, `tf.maximum(x.shape, 1)`: the table's `tensor_params`) is an int32 tensor in
TF; torch takes no torch.Size or int there, so it becomes `torch.tensor(t.shape, dtype=torch.int32)`. Where every
tensor argument is a number (`tf.exp(1.0)`, `tf.maximum(3.0, 4.0)`), the first becomes a tensor.

`t.shape.as_list()` becomes `list(t.shape)`, `t.shape.rank` `t.dim()` and `t.shape.num_elements()` `t.numel()`
(a TensorShape's; torch.Size has none of them); `tf.shape(t)` given where a TF op takes a shape (`tf.reshape(x,
tf.shape(t))`, `tf.zeros(tf.shape(t))`: a parameter not in `tensor_params`) becomes `t.shape`, which torch takes there.

A NumPy array meeting a TF tensor in arithmetic is converted to the tensor's dtype (`W * X` with W float32 and X
float64 is float32 in TF; torch would promote to float64, and TF refuses the float64 tensor written back): where the
tensor is a name or an attribute, `W * torch.as_tensor(X, dtype=W.dtype)`. A function's parameter counts as NumPy
where a call of the function in the file passes it a NumPy value (`def model(x): return W * x` called with a NumPy
array: torch's `W * x` would call W.numpy(), which raises on a tensor requiring grad), and as a tensor where every
call passes one; a call of a function of the file is a tensor where every value it returns is one.

`a // b` on a TF tensor becomes `(a // b).detach()`: TF records no gradient through floor division (None where it is
the only path, A27; the tape rule guards the backward then), torch's backward raises on it.
"""
from __future__ import annotations

import libcst as cst

from .. import table as api_table
from ..templates import parse_template_expression
from ..walk import Visitor, walk
from .tf_facts import Facts, has_float, target_names

ARITHMETIC = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.MatrixMultiply, cst.Power, cst.FloorDivide)
# TF functions that take any array-like themselves (the creation ops, whose torch translations do too; tf.is_tensor,
# which asks whether it was given a tensor): their arguments are left alone.
# ndarray methods that return ndarrays (what an array operand of a TF op is often written as).
ARRAY_METHODS = ("reshape", "astype", "copy", "flatten", "ravel", "squeeze", "transpose")
SAME_DTYPE = ("x", "y", "a", "b")  # the inputs of TF's binary ops, which share one dtype (their `T`)
CONVERTING = ("tensorflow.Variable", "tensorflow.constant", "tensorflow.convert_to_tensor", "tensorflow.is_tensor")


def foreign_kind(ctx, expr: cst.BaseExpression, through_calls: bool = True) -> str | None:
    """"list" / "numpy" for an operand (an original node) PyTorch won't take as a tensor, else None (a parameter some
    call of its function passes a NumPy value: "numpy")."""
    if has_float(expr):
        return "list"
    if (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "numpy"
            and not expr.args):
        return "numpy"  # `tf.nn.softmax(logits.numpy())`: TF takes the array back
    if isinstance(expr, cst.Call) and (ctx.qualname(expr.func) or "").startswith("numpy."):
        return "numpy"  # `tf.cast(np.ones(2), tf.float32)`
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and _numpy_generator(ctx, expr.func.value):
        return "numpy"  # `rng.randint(0, 256, size=(10, 4))` of `rng = np.random.RandomState(0)`
    sides = [expr.left, expr.right] if isinstance(expr, cst.BinaryOperation) and isinstance(
        expr.operator, ARITHMETIC) else [expr.left, *(c.comparator for c in expr.comparisons)] if isinstance(
        expr, cst.Comparison) else None
    if sides:  # `x_train / 255.0`, `pred_y == target_y` of arrays: an array
        kinds = {"number" if _is_number(side) else foreign_kind(ctx, side, through_calls) for side in sides}
        return "numpy" if "numpy" in kinds and kinds <= {"numpy", "number"} else None
    if isinstance(expr, cst.Subscript) or isinstance(expr, cst.Call) and isinstance(
            expr.func, cst.Attribute) and expr.func.attr.value in ARRAY_METHODS:
        # `x[0:32]`, `x.reshape(-1, 784)`, `x.astype("float32")` of an array: an array
        array = expr.value if isinstance(expr, cst.Subscript) else expr.func.value
        return "numpy" if foreign_kind(ctx, array, through_calls) == "numpy" else None
    if isinstance(expr, cst.List) and expr.elements and all(  # a tuple may be a structure (tf.data's elements)
            _is_number(e.value) or foreign_kind(ctx, e.value, through_calls) for e in expr.elements):
        return "numpy" if any(foreign_kind(ctx, e.value, through_calls) == "numpy" for e in expr.elements) else None
    if isinstance(expr, cst.Name):
        if id(expr) in _NumpyComprehensions.of(ctx).elements:
            return "numpy"  # `x1` of `[x1 + x2 for (x1, x2) in x]` over a NumPy array: a NumPy scalar or row
        facts = Facts.of(ctx)
        kind = facts.kind_of(expr)
        if kind in ("unknown", "constant"):  # Facts' "constant" includes NumPy arithmetic (`x_train / 255.0`)
            binding = facts.reaching(expr)
            if binding is not None and isinstance(binding.value, (cst.Subscript, cst.Call, cst.BinaryOperation,
                                                                   cst.Comparison)) \
                    and foreign_kind(ctx, binding.value, False) == "numpy":
                return "numpy"  # `data = np.arange(8).reshape(2, 4)`: a textually earlier binding, so this ends
            if binding is not None and id(binding.value) in _NumpyComprehensions.of(ctx).lists:
                return "numpy"  # `y_ = [[x1 + x2 + 0.01] for (x1, x2) in x]`: a list of NumPy values
        passed = Functions.of(ctx).arguments(expr) if through_calls else None
        if kind == "unknown" and passed and any(foreign_kind(ctx, a, False) == "numpy" for a in passed):
            return "numpy"
        return {"numbers": "list", "numpy": "numpy"}.get(kind)
    return None


class _NumpyComprehensions(Visitor):
    """List comprehensions over NumPy arrays (`[[x1 + x2] for (x1, x2) in x]`): the reads of their targets in the
    element (NumPy scalars or rows), and those whose element is then NumPy values or a list of them."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.elements: set[int] = set()  # ids of the targets' reads in the element
        self.lists: set[int] = set()  # ids of the comprehensions giving lists of NumPy values

    @classmethod
    def of(cls, ctx) -> "_NumpyComprehensions":
        if "tf_literals_comprehensions" not in ctx.cache:
            ctx.cache["tf_literals_comprehensions"] = found = cls(ctx)
            if any(q.split(".")[0] == "numpy" for q in ctx.aliases.values()):
                walk(ctx.module, found)
        return ctx.cache["tf_literals_comprehensions"]

    def visit_ListComp(self, node: cst.ListComp) -> None:
        loops, names = node.for_in, set()
        while loops is not None:
            if loops.ifs or foreign_kind(self.ctx, loops.iter, False) != "numpy":
                return
            names |= {n.value for n in target_names(loops.target)}
            loops = loops.inner_for_in
        reads = _Reads(names)
        walk(node.elt, reads)
        self.elements |= reads.found
        if foreign_kind(self.ctx, node.elt, False) == "numpy":
            self.lists.add(id(node))


class _Reads(cst.CSTVisitor):
    def __init__(self, names: set[str]):
        self.names, self.found = names, set()

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names:
            self.found.add(id(node))


def _numpy_generator(ctx, expr: cst.BaseExpression) -> bool:
    """A name whose reaching binding is NumPy's generator (`np.random.RandomState(0)`, `np.random.default_rng()`)."""
    if not isinstance(expr, cst.Name):
        return False
    binding = Facts.of(ctx).reaching(expr)
    value = binding.value if binding is not None else None
    return isinstance(value, cst.Call) and (ctx.qualname(value.func) or "").startswith("numpy.random.")


def as_tensor(ctx, expr: cst.BaseExpression, foreign: str, like: cst.BaseExpression | None = None):
    """`expr` as a torch tensor; of `like`'s dtype where given (the tensor a NumPy operand meets)."""
    func = "torch.tensor" if foreign == "list" and not isinstance(expr, cst.Name) else "torch.as_tensor"
    dtype = [_keyword("dtype", cst.Attribute(like, cst.Name("dtype")))] if like is not None else []
    return cst.Call(func=ctx.ref(func), args=[cst.Arg(expr, comma=cst.Comma(
        whitespace_after=cst.SimpleWhitespace(" ")) if dtype else cst.MaybeSentinel.DEFAULT), *dtype])


class Functions(Visitor):
    """The file's module-level functions (defined once), the calls of each by name, and the values each returns."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.defs: dict[str, list[cst.FunctionDef]] = {}
        self.calls: dict[str, list[cst.Call]] = {}
        self.returns: dict[int, list[cst.BaseExpression | None]] = {}  # id(FunctionDef) -> returned values
        self._functions: list[cst.FunctionDef] = []

    @classmethod
    def of(cls, ctx) -> "Functions":
        if "tf_literals_functions" not in ctx.cache:
            ctx.cache["tf_literals_functions"] = functions = cls(ctx)
            walk(ctx.module, functions)
        return ctx.cache["tf_literals_functions"]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.defs.setdefault(node.name.value, []).append(node)
        self.returns[id(node)] = []
        self._functions.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Return(self, node: cst.Return) -> None:
        if self._functions:
            self.returns[id(self._functions[-1])].append(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self.calls.setdefault(node.func.value, []).append(node)

    def function(self, name: str) -> cst.FunctionDef | None:
        found = self.defs.get(name, [])
        return found[0] if len(found) == 1 else None

    def arguments(self, name: cst.Name) -> list[cst.BaseExpression] | None:
        """What the file's calls pass for `name` where it is read as a parameter of its function (None where a call
        does not pass it plainly, or it is no parameter)."""
        binding = Facts.of(self.ctx).reaching(name)
        function = binding.scope if binding is not None and binding.value is None else None
        if not isinstance(function, cst.FunctionDef) or self.function(function.name.value) is not function:
            return None
        params = function.params.params
        index = next((i for i, p in enumerate(params) if p.name.value == name.value), None)
        calls = self.calls.get(function.name.value, [])
        if index is None or not calls:
            return None
        passed = []
        for call in calls:
            keyword = [a.value for a in call.args if a.keyword is not None and a.keyword.value == name.value]
            positional = [a for a in call.args if a.keyword is None]
            if any(a.star for a in call.args) or not keyword and len(positional) <= index:
                return None
            passed.append(keyword[0] if keyword else positional[index].value)
        return passed

    def returned(self, call: cst.Call) -> list[cst.BaseExpression] | None:
        """The values a call of a function of the file returns (None where it is no such call)."""
        function = self.function(call.func.value) if isinstance(call.func, cst.Name) else None
        values = self.returns[id(function)] if function is not None else []
        return values if values and None not in values else None


class TfForeignOperandRule:
    def __init__(self, ctx):
        self.ctx = ctx
        functions = Functions(ctx)
        ctx.share_pass(functions, lambda: ctx.cache.setdefault("tf_literals_functions", functions))

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation):
        if isinstance(original.operator, cst.FloorDivide) and (self._tensor(original.left)
                                                                or self._tensor(original.right)):
            # TF has no gradient through floor division (None, A27); torch's backward raises on it.
            inner = updated.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            updated = cst.Call(cst.Attribute(inner, cst.Name("detach")), [])
        if not isinstance(original.operator, ARITHMETIC):
            return updated
        left, right = foreign_kind(self.ctx, original.left), foreign_kind(self.ctx, original.right)
        if bool(left) == bool(right) or _is_number(original.left) or _is_number(original.right):
            return updated  # both foreign (NumPy or list arithmetic), or neither, or scaled by a number
        side, foreign = ("left", left) if left else ("right", right)
        other = "right" if left else "left"
        like = self._dtype_source(getattr(original, other), getattr(updated, other)) if foreign == "numpy" else None
        return updated.with_changes(**{side: as_tensor(self.ctx, getattr(updated, side), foreign, like)})

    def _dtype_source(self, original: cst.BaseExpression, updated: cst.BaseExpression, depth: int = 0):
        """A name or attribute (its translation) holding a TF tensor of `original`'s dtype, the dtype TF converts a
        NumPy operand to: `original` itself, or a tensor operand of arithmetic on tensors (TF mixes no dtypes)."""
        if _dotted(original):
            return updated if self._tensor(original) else None
        if depth > 8 or not self._tensor(original) or type(original) is not type(updated):
            return None
        if isinstance(original, cst.UnaryOperation):
            return self._dtype_source(original.expression, updated.expression, depth + 1)
        if isinstance(original, cst.BinaryOperation) and isinstance(original.operator, ARITHMETIC):
            return (self._dtype_source(original.left, updated.left, depth + 1)
                    or self._dtype_source(original.right, updated.right, depth + 1))
        return None

    def _tensor(self, expr: cst.BaseExpression, depth: int = 0) -> bool:
        """Certainly a TF tensor or variable (an original node): a TF call, a name last bound to one, an attribute
        some `self.w = tf.Variable(...)` binds, or arithmetic or indexing on one."""
        facts = Facts.of(self.ctx)
        if depth > 8:
            return False
        functions = Functions.of(self.ctx)
        if isinstance(expr, cst.Call):
            returned = functions.returned(expr)
            if returned:
                return all(self._tensor(r, depth + 1) for r in returned)
            return self.ctx.is_source_framework(self.ctx.qualname(expr.func) or "")
        if isinstance(expr, cst.BinaryOperation):
            return self._tensor(expr.left, depth + 1) or self._tensor(expr.right, depth + 1)
        if isinstance(expr, (cst.UnaryOperation, cst.Subscript)):
            return self._tensor(getattr(expr, "expression", None) or expr.value, depth + 1)
        if isinstance(expr, cst.Attribute):
            return facts.holds_variable(expr)
        binding = facts.reaching(expr) if isinstance(expr, cst.Name) else None
        passed = functions.arguments(expr) if binding is not None and binding.value is None else None
        if passed:  # a parameter every call passes a tensor
            return all(self._tensor(a, depth + 1) for a in passed)
        return binding is not None and binding.value is not None and self._tensor(binding.value, depth + 1)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.BaseExpression):
        if original.attr.value == "rank" and _is_shape_attribute(original.value):
            return cst.Call(cst.Attribute(updated.value.value, cst.Name("dim")), [])
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if isinstance(original.func, cst.Attribute) and not original.args and _is_shape_attribute(original.func.value):
            if original.func.attr.value == "as_list":
                return cst.Call(cst.Name("list"), [cst.Arg(updated.func.value)])
            if original.func.attr.value == "num_elements":
                return cst.Call(cst.Attribute(updated.func.value.value, cst.Name("numel")), [])
        qualified = self.ctx.qualname(original.func)
        if (not self.ctx.is_source_framework(qualified) or qualified in CONVERTING
                or self.ctx.is_consumed(original.func)):
            return updated  # not a TF op, or one an earlier rule already rewrote whole
        table = api_table.load()
        entries = [e for e in table.overloads(qualified, "tf") if not e.sides["tf"].is_template]
        positional = [p.name for p in entries[0].sides["tf"].params if p.kind == "positional"] if entries else []
        params = [a.keyword.value if a.keyword else positional[i] if i < len(positional) else None
                  for i, a in enumerate(original.args)]
        tensors = [a.value for a, p in zip(original.args, params) if p in table.tensor_params]
        if tensors and all(_is_number(t) for t in tensors):
            # tf.exp(1.0), tf.maximum(3.0, 4.0): TF makes tensors of the numbers, torch's ops take none: the first
            # becomes one (the result's dtype follows it, float32 or TF's int32)
            first = params.index(next(p for p in params if p in table.tensor_params))
            arg = updated.args[first]
            value = cst.Call(self.ctx.ref("torch.tensor"), [cst.Arg(arg.value)] + (
                [] if isinstance(_unsigned(tensors[0]), cst.Float) else [_keyword("dtype", self.ctx.ref("torch.int32"))]))
            updated = updated.with_changes(args=[*updated.args[:first], arg.with_changes(value=value),
                                                 *updated.args[first + 1:]])
        args = []
        for i, (before, after) in enumerate(zip(original.args, updated.args)):
            param = params[i]
            if _is_shape(before.value) and param in table.tensor_params:
                args.append(after.with_changes(value=cst.Call(self.ctx.ref("torch.tensor"), [
                    cst.Arg(after.value), _keyword("dtype", self.ctx.ref("torch.int32"))])))
                continue
            if param not in table.tensor_params and self._shape_call(before.value) and isinstance(
                    after.value, cst.Call) and _is_shape(after.value.args[0].value):
                # tf.reshape(x, tf.shape(y)): a shape where torch wants one (torch.Size), not the int32 tensor
                args.append(after.with_changes(value=after.value.args[0].value))
                continue
            foreign = foreign_kind(self.ctx, before.value) if before.keyword is None or (
                entries and param in table.tensor_params) else None  # `labels=y`: a table op's tensor parameter
            if foreign is None and entries and param in table.tensor_params and self._list_of_values(before.value):
                args.append(after.with_changes(value=parse_template_expression(
                    "torch.stack([torch.as_tensor(v) for v in {values}])", values=after.value)))
                continue  # `tf.reduce_mean(losses)`: TF packs a list of tensors (or numbers), as torch.stack does
            like = self._peer_dtype(original, updated, params, i) if foreign == "numpy" else None
            args.append(after.with_changes(value=as_tensor(self.ctx, after.value, foreign, like)) if foreign else after)
        return updated.with_changes(args=args)

    def _peer_dtype(self, original: cst.Call, updated: cst.Call, params: list, index: int):
        """For a NumPy argument of an op whose inputs share one dtype (`tf.greater(y, y_)`, `tf.matmul(a, b)`: TF's x/y,
        a/b), a tensor argument of that dtype, which TF converts the array to (None where there is none)."""
        if params[index] not in SAME_DTYPE:
            return None
        return next((like for i, param in enumerate(params) if i != index and param in SAME_DTYPE and (
            like := self._dtype_source(original.args[i].value, updated.args[i].value)) is not None), None)

    def _list_of_values(self, expr: cst.BaseExpression) -> bool:
        """A list display or comprehension of values that are not all numbers, or a name whose reaching binding is
        one (`losses = []` filled by append)."""
        if isinstance(expr, cst.Name):
            binding = Facts.of(self.ctx).reaching(expr)
            expr = binding.value if binding is not None else None
        if isinstance(expr, cst.ListComp):
            return True
        return isinstance(expr, cst.List) and not (expr.elements and all(
            _is_number(e.value) for e in expr.elements if isinstance(e, cst.Element)))

    def _shape_call(self, expr: cst.BaseExpression) -> bool:
        return isinstance(expr, cst.Call) and self.ctx.qualname(expr.func) == "tensorflow.shape" and len(
            expr.args) == 1 and expr.args[0].keyword is None


def _dotted(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) or isinstance(expr, cst.Attribute) and _dotted(expr.value)


def _is_shape_attribute(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Attribute) and expr.attr.value == "shape"


def _is_shape(expr: cst.BaseExpression) -> bool:
    """`t.shape`, `t.shape[0]`, `len(xs)`: a torch.Size or a Python int where TF makes an int32 tensor."""
    if isinstance(expr, cst.Subscript):
        expr = expr.value
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "len":
        return True
    return isinstance(expr, cst.Attribute) and expr.attr.value == "shape"


def _unsigned(expr: cst.BaseExpression) -> cst.BaseExpression:
    while isinstance(expr, cst.UnaryOperation):
        expr = expr.expression
    return expr


def _is_number(expr: cst.BaseExpression) -> bool:
    return isinstance(_unsigned(expr), (cst.Integer, cst.Float))


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value, keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
