"""Devices, PyTorch -> TF: placement never changes the numbers, and TF places tensors itself.

* `torch.device("cpu")` -> `"cpu"`: the device's name, which is what printing a torch.device shows;
* `x.to(device)`, `x.to(device=device)`, `model.to(device)` -> `x` (a tensor already on that device is returned
  as it is, a module returns itself), where the argument is certainly a device: a string literal naming the CPU,
  `torch.device(...)`, `t.device`, or a name every binding in the file gives such a value (`device = "cuda" if
  torch.cuda.is_available() else "cpu"`; a function's parameter that every call of the function gives one);
  `x.to(device, dtype)` keeps the cast;
* `torch.set_default_device(d)` (a statement of its own) -> `pass`, with a comment saying so;
* `torch.accelerator.current_accelerator().type` -> "cuda" where TF sees a GPU; without one it raises as torch's
  `None.type` does (IndexError instead of AttributeError).
* `torch.cuda.is_available()` and the like are the API table's (TF's view of the GPUs).

TG512 (error) `.cuda()`, `.to("cuda...")` (a GPU named outright: torch raises without one, TF would run on),
`.to(p)` with a parameter p not certainly given a device, and `torch.device(...)` with an index or a non-literal
argument are left as is.
"""
from __future__ import annotations

import libcst as cst

from ..codegen import code_of
from ..rewrite import dotted
from ..templates import parse_template_expression
from ..walk import walk
from .torch_plan import keyword

DEVICE = "torch.device"
CURRENT_ACCELERATOR = "torch.accelerator.current_accelerator"
SET_DEFAULT = "torch.set_default_device"
NEUTRAL = {"non_blocking", "copy", "memory_format"}  # .to() options that do not change the values


class Bindings(cst.CSTVisitor):
    """name -> every value assigned to it anywhere in the file (None for a binding that is not `name = value`, the
    cst.Param for a function's parameter); the functions each parameter belongs to, and the calls of each name."""

    def __init__(self):
        self.values: dict[str, list] = {}
        self.functions: dict[int, cst.FunctionDef] = {}  # id(Param) -> its function (not a lambda)
        self.calls: dict[str, list[cst.Call]] = {}  # name -> the calls `name(...)`
        self.names: dict[str, int] = {}  # name -> how often it is read

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.update({id(p): node for p in node.params.params})

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self.calls.setdefault(node.func.value, []).append(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.names[node.value] = self.names.get(node.value, 0) + 1

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.values.setdefault(target.target.value, []).append(node.value)
            else:
                for name in _names(target.target):
                    self.values.setdefault(name, []).append(None)

    def _other(self, target) -> None:
        for name in _names(target):
            self.values.setdefault(name, []).append(None)

    def visit_AugAssign(self, node) -> None:
        self._other(node.target)

    def visit_AnnAssign(self, node) -> None:
        self._other(node.target)

    def visit_For(self, node) -> None:
        self._other(node.target)

    def visit_Param(self, node) -> None:
        self.values.setdefault(node.name.value, []).append(node)

    def visit_AsName(self, node) -> None:
        self._other(node.name)


def _names(node) -> list[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)):
        return [n for e in node.elements for n in _names(e.value)]
    if isinstance(node, cst.StarredElement):
        return _names(node.value)
    return []


def _string(node) -> str | None:
    return node.evaluated_value if isinstance(node, cst.SimpleString) else None


class TorchDeviceRule:
    code = "TG512"

    def __init__(self, ctx):
        self.ctx = ctx
        self.bindings: dict[str, list] = {}
        self.functions: dict[int, cst.FunctionDef] = {}
        self.calls: dict[str, list[cst.Call]] = {}
        self.names: dict[str, int] = {}

    def visit_Module(self, node: cst.Module) -> None:
        visitor = Bindings()
        walk(node, visitor)
        self.bindings, self.functions, self.calls, self.names = (visitor.values, visitor.functions, visitor.calls,
                                                                 visitor.names)

    # -- what is certainly a device ------------------------------------------------------------------------------
    def is_device(self, node, seen: frozenset = frozenset()) -> bool:
        if _string(node) is not None:
            return True
        if isinstance(node, cst.Call):
            return self.ctx.qualname(node.func) == DEVICE
        if isinstance(node, cst.IfExp):
            return self.is_device(node.body, seen) and self.is_device(node.orelse, seen)
        if isinstance(node, cst.Attribute):
            return node.attr.value == "device" or self._accelerator_type(node)
        if isinstance(node, cst.Param):
            return self._param_is_device(node, seen)
        if isinstance(node, cst.Name) and node.value not in seen:
            values = self.bindings.get(node.value)
            return bool(values) and all(v is not None and self.is_device(v, seen | {node.value}) for v in values)
        return False

    def _param_is_device(self, param: cst.Param, seen: frozenset) -> bool:
        """Every call of the parameter's function passes a device for it (the function is only ever called by
        name, never passed on, and its name is bound once)."""
        func = self.functions.get(id(param))
        if func is None or param.star or func.params.star_arg is not cst.MaybeSentinel.DEFAULT:
            return False
        name = func.name.value
        calls = self.calls.get(name, [])
        if not calls or len(calls) + 1 != self.names.get(name, 0) or len(self.bindings.get(name, [])) > 0:
            return False  # also read otherwise than called (passed on, a method reached by `self.`), or rebound
        index = func.params.params.index(param)
        for call in calls:
            if any(a.star for a in call.args):
                return False
            given = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == param.name.value),
                         None)
            positional = [a.value for a in call.args if a.keyword is None]
            given = given or (positional[index] if index < len(positional) else param.default)
            if given is None or not self.is_device(given, seen):
                return False
        return True

    def _accelerator_type(self, node) -> bool:
        return isinstance(node, cst.Attribute) and node.attr.value == "type" and isinstance(node.value, cst.Call) \
            and self.ctx.qualname(node.value.func) == CURRENT_ACCELERATOR

    # -- rewriting -----------------------------------------------------------------------------------------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if not self._accelerator_type(original):
            return updated
        self.ctx.consume(original.value.func)
        return parse_template_expression('({tf}.config.list_physical_devices("GPU")[0] and "cuda")',
                                         tf=self.ctx.ref("tensorflow"))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        qualified = self.ctx.qualname(original.func)
        if qualified == DEVICE:
            return self._device(original, updated)
        if not isinstance(original.func, cst.Attribute) or qualified is not None:
            return updated
        method = original.func.attr.value
        if method == "cuda":
            self.ctx.consume(original.func)  # reported here: no other rule is to try it
            self.ctx.report(original, "TG512", ".cuda() moves to a GPU (torch raises without one); a TF "
                            "translation places tensors itself; left as is")
        elif method == "to":
            return self._to(original, updated)
        return updated

    def _device(self, original: cst.Call, updated: cst.Call):
        args = original.args
        if len(args) == 1 and args[0].keyword in (None,) and not args[0].star and (
                _string(args[0].value) is not None or self.is_device(args[0].value)):
            self.ctx.consume(original.func)
            return updated.args[0].value
        self.ctx.report(original, "TG512", "torch.device with an index or a computed name is not translated; "
                        "left as is")
        return updated

    def _to(self, original: cst.Call, updated: cst.Call):
        device = keyword(original, "device")
        position = None
        if device is None and original.args and original.args[0].keyword is None:
            device, position = original.args[0].value, 0
        if device is not None and not self.is_device(device) and isinstance(device, cst.Name) and any(
                isinstance(v, cst.Param) for v in self.bindings.get(device.value, [])):
            self.ctx.consume(original.func)
            self.ctx.report(original, "TG512", f".to({device.value}) with a parameter that the calls do not all give "
                            "a device (a dtype, a tensor, a GPU...): TF tensors have no .to(); left as is")
            return updated
        if device is None or not self.is_device(device):
            return updated
        name = _string(device)
        if name is not None and not name.startswith("cpu"):
            self.ctx.consume(original.func)
            self.ctx.report(original, "TG512", f".to({name!r}) names a device other than the CPU outright (torch "
                            "raises without it); left as is")
            return updated
        kept = [a for i, (a, o) in enumerate(zip(updated.args, original.args)) if i != position and not (
            o.keyword is not None and o.keyword.value in NEUTRAL | {"device"})]
        if not kept:
            self.ctx.consume(original.func)  # the receiver may be a call: the ops rule must not take it for this one
            return updated.func.value
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=kept)  # `.to(dtype)`: the cast, for the ops table

    def leave_SimpleStatementLine(self, original, updated):
        small = original.body[0]
        if not (len(original.body) == 1 and isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)
                and self.ctx.qualname(small.value.func) == SET_DEFAULT):
            return updated
        self.ctx.consume(small.value.func)
        trailing = updated.trailing_whitespace
        comment = f"# {code_of(small)}: TF places tensors itself"
        if trailing.comment:
            comment = f"{trailing.comment.value}  {comment}"
        return updated.with_changes(body=[cst.Pass()], trailing_whitespace=trailing.with_changes(
            whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment)))
