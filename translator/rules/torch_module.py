"""`class M(torch.nn.Module)` holding `torch.nn.Parameter`s and submodules -> `class M(TorchModule)`.

`TorchModule` is a tf.Module the output defines (`torch_nn.py`) with torch's train()/eval()/`training`.

* `torch.nn.Parameter(data)` -> `tf.Variable(data)` (`requires_grad=False` -> `trainable=False`); a named leaf
  `w = torch.nn.Parameter(data)` is the autograd rule's (it wraps `data` itself).
* Submodules: `self.name = torch.nn.Linear(...)` / `Sequential(...)` (`torch_nn.py` translates them to TF helpers
  with torch's parameters) or a Module class of the file; modules holding no parameters (activations, losses) may
  be made anywhere.
* The class gets `__call__` (torch's `model(x)` runs `forward`; a class may define `__call__` itself instead),
  `parameters()` and `named_parameters()` in torch's order: the Parameters in the order `__init__` assigns them, then
  each submodule's, in the order `__init__` assigns the submodules (tf.Module's `trainable_variables` sorts by name),
  so that optimizers and loops over `model.parameters()` see the same list.
* Gradients of these variables live on the variables (`p.grad`), as in torch: see `torch_plan.py` (holders).

Parameters one other method makes as `self.name = torch.nn.Parameter(...)` (built on the first call, `if not
self.built:`) are listed after `__init__`'s once they exist, as torch registers them. A Module with neither `forward`
nor `__call__` (never called) gets no `__call__`.

TG516 (error) a Module this does not cover is left as is: other bases, parameter-holding submodules made other
than as `self.name = ...` statements of `__init__` (lists of layers, ModuleList, layers made in `forward`),
Parameters made other than so or by several methods, torch.nn modules `torch_nn.py` and api_table.json do not
translate, its own `parameters`, both `forward` and `__call__`; and a call of a Module method the translation lacks
(`state_dict()`, `children()`, `apply()`, `requires_grad_()`, ...) on a name holding a translated Module.
`parameters()` gives a list where torch gives a generator: `next(m.parameters())` -> `next(iter(m.parameters()))`. A parameter shared by two submodules is listed once by torch, twice here.
"""
from __future__ import annotations

import libcst as cst

from .. import table as api_table
from ..walk import walk
from .torch_nn import module_spec
from .torch_plan import is_false, keyword

MODULE = {"torch.nn.Module", "torch.nn.modules.module.Module"}
# Methods every translated Module has (the helpers', TorchModule's) or the PyTorch -> TF rules rewrite (zero_grad;
# placement: cpu(), to(device)).
MEMBERS = {"parameters", "named_parameters", "train", "eval", "forward", "zero_grad", "cpu", "to"}
PARAMETER = {"torch.nn.Parameter", "torch.nn.parameter.Parameter"}
CALL = '''def __call__(self, *args, **kwargs):
    return self.forward(*args, **kwargs)
'''
METHODS = '''def parameters(self):
    """torch's order: as __init__ assigns them{children_doc}."""
    return [{params}]

def named_parameters(self):
    return [{named}]
'''


REGISTERS = {"add_module", "register_module", "register_parameter", "register_buffer"}

# A class registering its submodules with `self.add_module(name, module)` (and no other Parameters or submodules):
# torch keeps them in order, as attributes too; children() gives each module once (activations are TF functions
# here, one object for all ReLU()s: each counts), parameters() each child's in turn, each parameter once.
ADDED = '''def add_module(self, name, module):
    setattr(self, name, module)
    self._added = {**getattr(self, "_added", {}), name: module}

def children(self):
    found = []
    for module in getattr(self, "_added", {}).values():
        if not hasattr(module, "train") or not any(module is other for other in found):
            found.append(module)
    return iter(found)

def parameters(self):
    return [p for _, p in self.named_parameters()]

def named_parameters(self):
    named = []
    for name, module in getattr(self, "_added", {}).items():
        for key, p in getattr(module, "named_parameters", list)():
            if not any(p is q for _, q in named):
                named.append((f"{name}.{key}", p))
    return named
'''


class TorchModuleRule:
    code = "TG516"

    def __init__(self, ctx, plan, nn=None):
        # nn: the torch.nn rule, which defines the base class (none where only parameters() is asked: the plan's)
        self.ctx, self.plan, self.nn = ctx, plan, nn
        self._members: set[str] | None = None
        self._translated: set[str] = set()  # the classes translated so far
        self._submodules: list[set[str]] = []  # for each enclosing class: its submodules' attribute names

    def _parameter(self, original: cst.Call, updated: cst.Call):
        if self.ctx.qualname(original.func) not in PARAMETER:
            return updated
        data, flag = keyword(updated, "data", 0), keyword(original, "requires_grad", 1)
        if data is None:
            return updated
        self.ctx.consume(original.func)
        if id(self.ctx.statements[-1]) in self.plan.leaf_stmts:
            return data  # the autograd rule makes the leaf statement's tf.Variable
        args = [cst.Arg(data)]
        if flag is not None and is_false(flag):
            args = [cst.Arg(data, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    cst.Arg(cst.Name("False"), keyword=cst.Name("trainable"),
                            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))]
        return cst.Call(self.ctx.ref("tensorflow.Variable"), args)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        found = self.parameters(node) if self._is_module(node) else None
        self._submodules.append(set() if found is None or isinstance(found, str) else found[2])

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if self._submodules and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) \
                and func.value.value == "self" and func.attr.value in self._submodules[-1]:
            self.ctx.consume(func)  # `self.relu(x)` calls a submodule, not the tensor method relu
            return updated
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and isinstance(updated, cst.Call) \
                and not self.ctx.is_consumed(func) \
                and self._translated_holder(func.value.value) and func.attr.value not in self._known_members():
            self.ctx.consume(func)  # a Module's state_dict(), children(), apply(), ...: the TF helpers have none
            self.ctx.report(original, "TG516", f"torch.nn.Module.{func.attr.value}() has no TF translation here; "
                                               "left as is")
            return updated
        root = func.value if isinstance(func, cst.Attribute) else None
        while isinstance(root, cst.Attribute):
            root = root.value
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute) and isinstance(root, cst.Name) \
                and func.attr.value in MODULE_ONLY and not self.ctx.is_consumed(func) \
                and self._translated_holder(root.value):
            self.ctx.consume(func)  # `net.conv2.register_forward_hook(...)`: a submodule's Module method
            self.ctx.report(original, "TG516", f"torch.nn.Module.{func.attr.value}() has no TF translation here; "
                                               "left as is")
            return updated
        if isinstance(func, cst.Name) and func.value == "next" and original.args and isinstance(
                inner := original.args[0].value, cst.Call) and isinstance(inner.func, cst.Attribute) and isinstance(
                inner.func.value, cst.Name) and inner.func.attr.value in ("parameters", "named_parameters") and \
                "next" not in self.plan.scope().bound and self._translated_holder(inner.func.value.value):
            # torch gives a generator, the translation a list: `next(m.parameters())` is the first parameter
            first = updated.args[0].with_changes(value=cst.Call(cst.Name("iter"), [cst.Arg(updated.args[0].value)]))
            return updated.with_changes(args=[first, *updated.args[1:]])
        return self._parameter(original, updated)

    def _translated_holder(self, name: str) -> bool:
        """Is every binding of the name a construction this rule or torch_nn.py translates?"""
        scope = self.plan.scope()
        if not scope.holder(name):
            return False
        binders = scope.binders.get(name) or (scope.parent.binders.get(name, []) if scope.parent else [])
        calls = [b.body[0].value for b in binders if isinstance(b, cst.SimpleStatementLine)
                 and isinstance(b.body[0], cst.Assign)]
        return bool(calls) and len(calls) == len(binders) and all(
            isinstance(c, cst.Call) and (module_spec(self.ctx.qualname(c.func)) is not None or isinstance(
                c.func, cst.Name) and c.func.value in self._translated) for c in calls)

    def _known_members(self) -> set[str]:
        """What a translated Module has: the helpers' methods, and the methods and attributes of the file's classes."""
        if self._members is None:
            self._members = set(MEMBERS)
            for node in self.plan.module.body:
                if isinstance(node, cst.ClassDef) and self._is_module(node):
                    found = _Members()
                    walk(node, found)
                    self._members |= found.names
                    if "__init__" in found.names and _added_modules(next(
                            m for m in node.body.body if isinstance(m, cst.FunctionDef) and m.name.value == "__init__")):
                        self._members |= {"add_module", "children"}  # ADDED's
        return self._members

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        self._submodules.pop()
        if not self._is_module(original):
            return updated
        bases = [b for b in original.bases if self.ctx.qualname(b.value) in MODULE]
        found = self.parameters(original)
        if isinstance(found, str):
            self.ctx.report(original, "TG516", f"torch.nn.Module {found}: not translated; left as is")
            return updated
        params, children, _, lazy = found
        self.ctx.consume(bases[0].value)
        self._translated.add(original.name.value)
        defined = {m.name.value for m in original.body.body if isinstance(m, cst.FunctionDef)}
        call = "" if "__call__" in defined or "forward" not in defined else CALL + "\n"
        # a Parameter made on the first call (`if not self.built:`) is one once made
        own = [f"*[v for v in [getattr(self, {p!r}, None)] if v is not None]" if p in lazy else f"self.{p}"
               for p in params]
        named = [f"*[({p!r}, v) for v in [getattr(self, {p!r}, None)] if v is not None]" if p in lazy else
                 f"({p!r}, self.{p})" for p in params]
        added = ADDED if _added_modules(next(
            m for m in original.body.body if isinstance(m, cst.FunctionDef) and m.name.value == "__init__")) else ""
        methods = cst.parse_module(call + added if added else call + METHODS.format(
            children_doc=", then each submodule's" if children else "",
            params=", ".join([*own, *(f"*self.{c}.parameters()" for c in children)]),
            named=", ".join([*named, *(
                f"*[({c + '.'!r} + name, p) for name, p in self.{c}.named_parameters()]" for c in children)]))).body
        body = [*updated.body.body, *(m.with_changes(leading_lines=[cst.EmptyLine(indent=False)]) for m in methods)]
        base = bases[0].with_changes(value=cst.Name(self.nn.helper("Module")), comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(bases=[base], body=updated.body.with_changes(body=body))

    def _is_module(self, node: cst.ClassDef) -> bool:
        return any(self.ctx.qualname(b.value) in MODULE for b in node.bases)

    def _module_classes(self) -> set[str]:
        module = self.plan.module
        return {c.name.value for c in (module.body if module is not None else ())
                if isinstance(c, cst.ClassDef) and self._is_module(c)}

    def parameters(self, node: cst.ClassDef) -> tuple[list[str], list[str], set[str], set[str]] | str:
        """The Parameters (those `__init__` assigns, then those one other method makes, `self.w = Parameter(...)`, in
        torch's order: as assigned) and the parameter-holding submodules `__init__` assigns, in order, the names of
        all its submodules, and of the Parameters made later; or what keeps the class from being translated."""
        if len(node.bases) != 1 or node.keywords:
            return "with other bases"
        methods = {m.name.value: m for m in node.body.body if isinstance(m, cst.FunctionDef)}
        # neither forward nor __call__: a Module never called (torch raises if it is, and so does the translation)
        if "forward" in methods and "__call__" in methods or {"parameters", "named_parameters"} & set(methods) \
                or "__init__" not in methods:
            return "without __init__, with both forward and __call__, or with its own parameters"
        found = _TorchNN(self.ctx, self._module_classes())
        added = _added_modules(methods["__init__"])
        for call in added:  # registered in order, listed by the class's own add_module/children/parameters
            found.registered.add(id(call))
            if isinstance(value := call.args[1].value, cst.Call):
                found.allow(value)
        params, children, submodules = [], [], set()
        for stmt in methods["__init__"].body.body:
            small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
            value = small.value if isinstance(small, cst.Assign) else None
            if not (isinstance(value, cst.Call) and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Attribute)
                    and isinstance(small.targets[0].target.value, cst.Name)
                    and small.targets[0].target.value.value == "self"):
                continue
            name, kind = small.targets[0].target.attr.value, found.kind(value)
            if kind == "parameter":
                params.append(name)
            elif kind == "holder":
                children.append(name)
            if kind is not None:
                submodules.add(name)
                found.allow(value)
        lazy: dict[str, str] = {}  # Parameter made by another method -> that method
        for method in [m for m in methods.values() if m is not methods["__init__"]]:
            made = _MadeParameters(found)
            walk(method.body, made)
            for name, value in made.found:
                found.allow(value)
                if name not in params:
                    lazy.setdefault(name, method.name.value)
        if len(set(lazy.values())) > 1:
            return "with Parameters made by several methods (their order in parameters() is not known)"
        if added and (params or children or lazy or {"add_module", "children"} & set(methods)):
            return "with self.add_module() beside other Parameters or submodules, or its own add_module/children"
        for method in methods.values():
            walk(method.body, found)
        return found.problem or (params + list(lazy), children, submodules - set(params), set(lazy))


def _added_modules(init: cst.FunctionDef) -> list[cst.Call]:
    """The `self.add_module(name, module)` statements of `__init__` (in loops and branches too)."""
    calls = _Calls()
    walk(init.body, calls)
    return [c for c in calls.calls if isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name)
            and c.func.value.value == "self" and c.func.attr.value == "add_module" and len(c.args) == 2
            and not any(a.star or a.keyword for a in c.args)]


class _TorchNN(cst.CSTVisitor):
    """Finds the torch.nn constructions of a class that its parameters() would miss: Parameters and
    parameter-holding modules other than those allowed (assigned to `self.name` in __init__, or the modules of an
    allowed Sequential), and torch.nn modules nothing translates."""

    def __init__(self, ctx, classes: set[str]):
        self.ctx, self.classes = ctx, classes
        self.allowed: set[int] = set()
        self.registered: set[int] = set()  # the add_module calls the class's own add_module() translates
        self.problem: str | None = None

    def kind(self, call: cst.Call) -> str | None:
        """"parameter", "holder" (holds parameters), "plain" (a torch.nn module holding none) or None."""
        qualified = self.ctx.qualname(call.func)
        if qualified in PARAMETER:
            return "parameter"
        if qualified is None:
            return "holder" if isinstance(call.func, cst.Name) and call.func.value in self.classes else None
        spec = module_spec(qualified)
        if spec is not None:
            return "holder" if spec.get("parameters") else "plain"
        if qualified.startswith("torch.nn.") and not qualified.startswith(("torch.nn.functional", "torch.nn.init")):
            return "plain" if api_table.load().overloads(qualified, "torch") else "unknown"
        return None

    def allow(self, call: cst.Call) -> None:
        """An allowed construction; in a Sequential's or ModuleList's arguments (lists, comprehensions), the
        modules it holds."""
        self.allowed.add(id(call))
        if (module_spec(self.ctx.qualname(call.func)) or {}).get("helper") == "Sequential":
            inner = _Calls()
            for arg in call.args:
                walk(arg.value, inner)
            for found in inner.calls:
                if self.kind(found) in ("holder", "plain"):
                    self.allowed.add(id(found))

    def visit_Call(self, node: cst.Call) -> None:
        kind = self.kind(node)
        if kind == "unknown":
            self.problem = self.problem or f"with {self.ctx.qualname(node.func)}, which is not translated"
        elif kind in ("parameter", "holder") and id(node) not in self.allowed:
            self.problem = self.problem or ("with Parameters or submodules made other than by `self.name = ...` "
                                            "in __init__")
        elif isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name) \
                and node.func.value.value == "self" and node.func.attr.value in REGISTERS \
                and id(node) not in self.registered:
            # parameters() lists only `self.name = ...` assignments; these would be missing from it
            self.problem = self.problem or f"with self.{node.func.attr.value}(), which is not translated"


class _MadeParameters(cst.CSTVisitor):
    """`self.name = torch.nn.Parameter(...)` statements (in a method other than __init__), in order."""

    def __init__(self, nn: _TorchNN):
        self.nn, self.found = nn, []

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target if len(node.targets) == 1 else None
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self" \
                and isinstance(node.value, cst.Call) and self.nn.kind(node.value) == "parameter":
            self.found.append((target.attr.value, node.value))


# Methods only a torch.nn.Module has (a tensor's or a user's attribute of that name is unlikely on a submodule path).
MODULE_ONLY = frozenset({
    "register_forward_hook", "register_forward_pre_hook", "register_backward_hook", "register_full_backward_hook",
    "register_full_backward_pre_hook", "register_buffer", "register_parameter", "register_module", "add_module",
    "apply", "children", "named_children", "modules", "named_modules", "state_dict", "load_state_dict", "buffers",
    "named_buffers", "to_empty", "get_submodule", "get_parameter"})


class _Members(cst.CSTVisitor):
    """The methods a class defines and the attributes its methods assign to self."""

    def __init__(self):
        self.names: set[str] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.names.add(node.name.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        target = node.target
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            self.names.add(target.attr.value)


class _Calls(cst.CSTVisitor):
    def __init__(self):
        self.calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)
