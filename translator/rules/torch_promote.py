"""Arithmetic mixing an integer tensor with a float one, in a PyTorch file: torch promotes to the float dtype
(`x.pow(p)` with p int64 and x float32 is float32), TF refuses to mix dtypes (semantics B3). Where one operand is
certainly an integer tensor and the other certainly a float tensor (or a Python float), the integer tensor is cast
to the float's dtype: `x.unsqueeze(-1).pow(p)` -> `tf.math.pow(tf.expand_dims(x, -1), tf.cast(p, tf.float32))`.

Ops: `+ - * / // % **`, `torch.pow/add/sub/mul/div(a, b)` and the same methods (`a.pow(b)`). A dtype is certain for
`torch.tensor`/`as_tensor`/`arange` of number literals (ints: int64, any float: float32), a `dtype=` given,
`torch.randint`/`randperm` (int64), torch's float factories (`linspace`, `randn`, `ones`, ...: float32), `.float()`,
`.double()`, `.long()`, `.int()`, shape methods and indexing of such a tensor, the ops above of operands so known
(torch's result dtype), and a name every binding in the file gives one. Anything else is left as is (TF raises where the dtypes differ).

Booleans: torch promotes a bool operand to the other operand's dtype (`x * (x > 0)` is float32), TF's `*` casts the
other operand to bool instead (a logical and: `[2., .5] * [True, False]` is `[True, False]`) and its other operators
raise. A boolean operand (a comparison, `&`/`|`/`^` of booleans, `.bool()`, `torch.isnan`/`logical_and`/..., a
`dtype=torch.bool` or bool-literal tensor, a name every binding of which is one) is cast to the other operand's dtype
where it is known: a float tensor's, an integer tensor's held in a name (`tf.cast(mask, i.dtype)`), float32 against a
Python float and int64 against a Python int (for a bool tensor: a Python bool stays Python arithmetic there). Two
booleans are left as they are (`*`: a logical and in both). TG523 (error): `*` of a boolean and an operand whose
dtype is not known here (`x * (x > 0)` with x a parameter): left as is. The sum of a boolean (`(pred == y).sum()`,
`torch.sum(mask)`) counts its Trues as int64 in torch; TF's reduce_sum takes no bool: it is cast to int64 first.
"""
from __future__ import annotations

import libcst as cst

from ..codegen import code_of
from ..walk import walk
from .ops import _bare, _number_literals
from .torch_device import Bindings

FLOATS = {"torch.float32": "float32", "torch.float": "float32", "torch.float64": "float64",
          "torch.double": "float64", "torch.float16": "float16", "torch.half": "float16", "torch.bfloat16": "bfloat16"}
INTS = {"torch.int64", "torch.long", "torch.int32", "torch.int", "torch.int16", "torch.short", "torch.int8",
        "torch.uint8"}
FLOAT_FACTORIES = {"torch.linspace", "torch.logspace", "torch.randn", "torch.rand", "torch.ones", "torch.zeros",
                   "torch.empty", "torch.eye"}  # torch's default dtype, float32, unless dtype= says otherwise
INT_FACTORIES = {"torch.randint", "torch.randperm", "torch.LongTensor"}
LITERAL_FACTORIES = {"torch.tensor", "torch.as_tensor", "torch.arange"}
SAME_DTYPE = {"unsqueeze", "squeeze", "view", "reshape", "flatten", "t", "transpose", "permute", "clone", "detach",
              "contiguous", "expand", "repeat", "neg", "abs"}
CASTS = {"float": "float32", "double": "float64", "long": "int", "int": "int", "bool": "bool"}
BOOLS = {"torch.logical_and", "torch.logical_or", "torch.logical_xor", "torch.logical_not", "torch.isnan",
         "torch.isinf", "torch.isfinite", "torch.eq", "torch.ne", "torch.gt", "torch.ge", "torch.lt", "torch.le"}
COMPARISONS = (cst.LessThan, cst.GreaterThan, cst.LessThanEqual, cst.GreaterThanEqual, cst.Equal, cst.NotEqual)
LOGICAL = (cst.BitAnd, cst.BitOr, cst.BitXor)
UNKNOWN = object()  # a boolean's promoted dtype that is not known statically
OPS = {"pow", "add", "sub", "mul", "div"}
OPERATORS = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power)


class TorchPromoteRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self.bindings: dict[str, list] = {}

    def visit_Module(self, node: cst.Module) -> None:
        visitor = Bindings()
        walk(node, visitor)
        self.bindings = visitor.values

    def _dtype(self, node, seen: frozenset = frozenset()) -> str | None:
        """"int" for an integer tensor, a float dtype ("float32") for a float one, "python float" for a Python
        float; None where that is not certain."""
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
            node = node.expression
        if isinstance(node, cst.Float) or isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and \
                node.func.value == "float" and self.ctx.qualname(node.func) is None:
            return "python float"
        if isinstance(node, cst.Subscript):
            return "bool" if self._boolean(node.value, seen) else self._tensor_dtype(node.value, seen)
        if isinstance(node, cst.Comparison):  # a bool tensor where an operand is certainly a tensor
            operands = [node.left, *(c.comparator for c in node.comparisons)]
            return "bool" if self._boolean(node) and any(self._tensor_dtype(o, seen) for o in operands) else None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, LOGICAL):
            sides = (self._dtype(node.left, seen), self._dtype(node.right, seen))
            return "bool" if "bool" in sides and self._boolean(node, seen) else None
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.BitInvert):
            return "bool" if self._dtype(node.expression, seen) == "bool" else None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, OPERATORS):
            return _promoted(self._dtype(node.left, seen), self._dtype(node.right, seen),
                             isinstance(node.operator, cst.Divide))
        if isinstance(node, cst.Name) and node.value not in seen:
            kinds = {self._dtype(v, seen | {node.value}) if isinstance(v, cst.BaseExpression) else None
                     for v in self.bindings.get(node.value, [None])}
            return kinds.pop() if len(kinds) == 1 else None
        if not isinstance(node, cst.Call):
            return None
        qualified = self.ctx.qualname(node.func)
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if qualified is None and isinstance(node.func, cst.Attribute):  # a method of a tensor
            method = node.func.attr.value
            if method in CASTS and not node.args:
                return CASTS[method]
            if method in OPS and len(positional) == 1:
                return _promoted(self._tensor_dtype(node.func.value, seen), self._dtype(positional[0], seen),
                                 method == "div")
            if method == "sum" and self._boolean(node.func.value, seen):
                return "int"  # the number of Trues
            if f"torch.{method}" in BOOLS:
                return "bool"  # `x.eq(y)`, `x.isnan()`: torch's methods (NumPy arrays have none of these)
            if method in SAME_DTYPE and self._boolean(node.func.value, seen):
                return "bool"  # a boolean with a tensor's method is a bool tensor
            return self._tensor_dtype(node.func.value, seen) if method in SAME_DTYPE else None
        given = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "dtype"), None)
        if given is not None:
            return self._given(given, seen)
        if qualified in {f"torch.{op}" for op in OPS} and len(positional) == 2:
            return _promoted(self._dtype(positional[0], seen), self._dtype(positional[1], seen),
                             qualified == "torch.div")
        if qualified in BOOLS:
            return "bool"
        if qualified in FLOAT_FACTORIES:
            return "float32"
        if qualified in INT_FACTORIES:
            return "int"
        if qualified in LITERAL_FACTORIES:
            literals = [n for a in node.args if a.keyword is None for n in (_number_literals(a.value) or [None])]
            if not literals or None in literals:
                return None
            if any(isinstance(n, cst.Name) for n in literals):  # bools: a bool tensor if all are
                bools = qualified != "torch.arange" and all(isinstance(n, cst.Name) for n in literals)
                return "bool" if bools else None
            return "float32" if any(isinstance(n, cst.Float) for n in literals) else "int"
        return None

    def _tensor_dtype(self, node, seen: frozenset) -> str | None:
        dtype = self._dtype(node, seen)
        return None if dtype == "python float" else dtype

    def _given(self, node, seen: frozenset) -> str | None:
        """A `dtype=` value: torch.float64, or a name every binding of which is one (`dtype = torch.float`)."""
        if isinstance(node, cst.Name) and node.value not in seen:
            kinds = {self._given(v, seen | {node.value}) if isinstance(v, cst.BaseExpression) else None
                     for v in self.bindings.get(node.value, [None])}
            return kinds.pop() if len(kinds) == 1 else None
        qualified = self.ctx.qualname(node) or ""
        if qualified == "torch.bool":
            return "bool"
        return FLOATS.get(qualified) or ("int" if qualified in INTS else None)

    def _boolean(self, node, seen: frozenset = frozenset()) -> bool:
        """Certainly a boolean: a bool tensor, or a comparison (or `&`/`|`/`^` of them) whose operands may be Python
        values or arrays (a bool or a bool array then)."""
        if isinstance(node, cst.Comparison):
            return all(isinstance(c.operator, COMPARISONS) for c in node.comparisons)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, LOGICAL):
            return self._boolean(node.left, seen) and self._boolean(node.right, seen)
        if isinstance(node, cst.Name) and node.value not in seen:
            return all(isinstance(v, cst.BaseExpression) and self._boolean(v, seen | {node.value})
                       for v in self.bindings.get(node.value, [None]))
        return self._dtype(node, seen) == "bool"

    def _cast(self, operand, other_original, operand_original, divide: bool = False):
        """`operand` cast to the dtype torch promotes it to against the other operand: an integer tensor to the
        other's float dtype, a boolean to the other's dtype (`_bool_dtype`); else it."""
        if self._dtype(operand_original) == "int":
            other = self._dtype(other_original)
            other = "float32" if other == "python float" else other  # torch: int tensor * 0.5 is float32
            target = self.ctx.ref(f"tensorflow.{other}") if other in FLOATS.values() else None
        else:
            target = self._bool_dtype(operand_original, other_original, divide)
        if target is None or target is UNKNOWN:
            return operand
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return cst.Call(self.ctx.ref("tensorflow.cast"), [cst.Arg(_bare(operand), comma=comma), cst.Arg(target)])

    def _int64(self, operand):
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return cst.Call(self.ctx.ref("tensorflow.cast"), [cst.Arg(_bare(operand), comma=comma),
                                                          cst.Arg(self.ctx.ref("tensorflow.int64"))])

    def _bool_dtype(self, operand, other, divide: bool):
        """The TF dtype a boolean `operand` is cast to against `other` (torch's promotion); None where it stays as it
        is (not a boolean, or both are); UNKNOWN where torch's dtype is not known here."""
        if not self._boolean(operand) or self._boolean(other):
            return None
        dtype, tensor = self._dtype(other), self._dtype(operand) == "bool"
        number = other.expression if isinstance(other, cst.UnaryOperation) else other
        if dtype in FLOATS.values():
            return self.ctx.ref(f"tensorflow.{dtype}")
        if dtype == "int" and isinstance(other, cst.Name):
            return None if divide else cst.Attribute(other, cst.Name("dtype"))  # TF raises for bool / int
        if tensor and (dtype == "python float" or divide and isinstance(number, cst.Integer)):
            return self.ctx.ref("tensorflow.float32")  # torch's default dtype
        if tensor and isinstance(number, cst.Integer):
            return self.ctx.ref("tensorflow.int64")
        return UNKNOWN

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation):
        if not isinstance(original.operator, OPERATORS):
            return updated
        if isinstance(original.operator, cst.Multiply) and UNKNOWN in (
                self._bool_dtype(original.left, original.right, False),
                self._bool_dtype(original.right, original.left, False)):
            self.ctx.report(original, "TG523", f"`{code_of(original)}`: a boolean times a value whose dtype is not "
                            "known here: torch casts the boolean to the other operand's dtype, TF's `*` casts the "
                            "other operand to bool (a logical and); left as is",
                            suggestion="cast the boolean in the source: `(x > 0).float()`")
            return updated
        divide = isinstance(original.operator, cst.Divide)
        return updated.with_changes(left=self._cast(updated.left, original.right, original.left, divide),
                                    right=self._cast(updated.right, original.left, original.right, divide))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        positional = [a for a in original.args if a.keyword is None and not a.star]
        qualified = self.ctx.qualname(original.func) or ""
        method = original.func.attr.value if not qualified and isinstance(original.func, cst.Attribute) else None
        if method == "sum" and self._boolean(original.func.value):  # torch counts the Trues (int64), TF has no bool sum
            return updated.with_changes(func=updated.func.with_changes(value=self._int64(updated.func.value)))
        if qualified == "torch.sum" and positional and self._boolean(positional[0].value):
            index = original.args.index(positional[0])
            args = list(updated.args)
            args[index] = args[index].with_changes(value=self._int64(args[index].value))
            return updated.with_changes(args=args)
        if qualified in {f"torch.{op}" for op in OPS} and len(positional) >= 2:
            first, second = original.args.index(positional[0]), original.args.index(positional[1])
            args = list(updated.args)
            divide = qualified == "torch.div"
            args[first] = args[first].with_changes(value=self._cast(args[first].value, positional[1].value,
                                                                    positional[0].value, divide))
            args[second] = args[second].with_changes(value=self._cast(args[second].value, positional[0].value,
                                                                      positional[1].value, divide))
            return updated.with_changes(args=args)
        if not qualified and isinstance(original.func, cst.Attribute) and original.func.attr.value in OPS \
                and positional:
            receiver, index = original.func.value, original.args.index(positional[0])
            args = list(updated.args)
            divide = original.func.attr.value == "div"
            args[index] = args[index].with_changes(value=self._cast(args[index].value, receiver,
                                                                    positional[0].value, divide))
            func = updated.func.with_changes(value=self._cast(updated.func.value, positional[0].value, receiver,
                                                              divide))
            return updated.with_changes(func=func, args=args)
        return updated


def _promoted(left: str | None, right: str | None, divide: bool) -> str | None:
    """torch's result dtype of an arithmetic op, where certain: the float operand's, or int for two integer tensors
    (not for true division: its float dtype differs, B4); a bool tensor takes the other operand's."""
    if "bool" in (left, right) and left != right:
        other = right if left == "bool" else left
        return "float32" if other == "python float" else None if other == "int" and divide else other
    if left == right:
        return None if left == "python float" or (left == "int" and divide) else left
    if "int" in (left, right) and "python float" in (left, right):
        return "float32"
    floats = {left, right} - {"int", "python float"}
    return floats.pop() if len(floats) == 1 and None not in (left, right) else None
