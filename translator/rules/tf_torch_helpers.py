"""twingrad's own torch.nn helper modules -> the torch.nn modules they stand for: the way back of `torch_nn.py`.

PyTorch -> TF defines small tf.Modules in its output for torch.nn modules (`class TorchLinear(TorchModule)`, ...,
`TorchSequential`, `TorchModule`) and derives translated Module classes from TorchModule (`torch_module.py`).
Translating such a file back to PyTorch:

* each helper class is recognised by its name (translator/torch_nn_table.json's "helpers", a number appended where the
  name was taken) and its docstring, which must be the one torch_nn.py writes; its definition is removed;
* `TorchLinear(3, 1)` -> `torch.nn.Linear(3, 1)` and the like: the helpers take torch's own arguments;
  `TorchSequential(*[...])` (a ModuleList) -> `torch.nn.Sequential(*[...])`, which has what a ModuleList has;
* `class M(TorchModule)` -> `class M(torch.nn.Module)`, without the `__call__`, `parameters()` and
  `named_parameters()` torch_module.py wrote for it (torch.nn.Module has them, in the same order), and the
  `add_module()`/`children()` of a class registering its submodules so;
  `self.w = tf.Variable(...)` in its `__init__` -> `torch.nn.Parameter(...)`, which the Module registers;
* where a module is expected (an argument of TorchSequential, or of a class taking its modules as `*args` for its
  add_module(), or of `.append()` on a name or attribute bound to a TorchSequential,
  `self.name = ...` in such an `__init__`), the TF forms
  torch_nn.py writes for the activation modules the table's "back" lists (`tf.nn.relu`, `lambda input:
  tf.nn.leaky_relu(input, alpha=0.1)`) -> those modules (`torch.nn.ReLU()`): torch.nn.Sequential takes only modules;
* `p.assign(...)` in the form torch_nn.py writes for a torch.nn.init function -> that function (`p.assign(
  tf.keras.initializers.VarianceScaling(...)(p.shape))` -> `torch.nn.init.xavier_uniform_(p, gain=...)`), so that the
  draws are torch's again;
* the loop torch_autograd.py writes for `loss.backward()` on a Module's parameters (`for v, g in
  zip(tape.watched_variables(), tape.gradient(loss, tape.watched_variables())): v.grad = accumulate_grad(...)`, its
  `accumulate_grad` recognised by its code) -> `loss.backward()`, and `accumulate_grad` removed once unused;
* `p.trainable` where p runs over a module's parameters() or named_parameters() -> `p.requires_grad`.

TG519 (error) a helper use not brought back: a helper's name used otherwise than constructing it (or subclassing
TorchModule), an argument the helper does not take, a `self.w = tf.Variable(...)` of a TorchModule subclass not
made a Parameter, a function in a module position the table does not give a module for; left as is.
"""
from __future__ import annotations

import ast
import functools
import inspect
import re
from collections import Counter

import libcst as cst

from .. import table as api_table
from ..codegen import code_of
from ..rewrite import dotted
from ..templates import parse_template_expression
from ..walk import walk
from .ops import same_value
from .torch_autograd import ACCUMULATE
from .torch_keras_helpers import without_helper_imports
from .torch_module import ADDED, CALL, METHODS
from .torch_nn import HELPERS, load

CODE = "TG519"


def _variable_tensor(value: cst.BaseExpression) -> cst.BaseExpression | None:
    """The tensor of a tf.Variable's torch forms (tf_variables.py): X of `X.requires_grad_()`, `torch.tensor(X, ...)`
    of `torch.tensor(X, ..., requires_grad=True)`."""
    if not isinstance(value, cst.Call):
        return None
    if isinstance(value.func, cst.Attribute) and value.func.attr.value == "requires_grad_" and not value.args:
        return value.func.value
    grad = [a for a in value.args if a.keyword is not None and a.keyword.value == "requires_grad"]
    if dotted(value.func) == "torch.tensor" and len(grad) == 1 and code_of(grad[0].value) == "True":
        args = [a for a in value.args if a is not grad[0]]
        return value.with_changes(args=[*args[:-1], args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)])
    return None


@functools.lru_cache(maxsize=None)
def _helpers() -> dict:
    """Per helper kind ("Linear"): (its docstring, its constructor's parameters, the torch.nn class)."""
    torch = {name.removeprefix("Torch"): qualified for name, qualified in load()["helpers"].items()}
    out = {}
    for kind, source in HELPERS.items():
        node = ast.parse(source.replace("{name}", "Helper").replace("{base}", "Base")).body[0]
        init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
        params = [a.arg for a in [*init.args.args[1:], *filter(None, [init.args.vararg])]] if init else []
        out[kind] = (ast.get_docstring(node), params, torch[kind])
    return out


def _pattern(template: str) -> str:
    """A regular expression matching the code a template over {slots} gives (a slot in parentheses: with or
    without them; a slot again: the same text)."""
    pattern, seen = re.escape(template), set()
    pattern = re.sub(r"(?<![\w\])])\\\(\\\{(\w+)\\\}\\\)", r"\\{\1\\}", pattern)  # not a call's

    def slot(found):
        name = found.group(1)
        again = name in seen
        seen.add(name)
        return f"(?P={name})" if again else f"(?P<{name}>.+?)"
    return re.sub(r"\\\{(\w+)\\\}", slot, pattern)


@functools.lru_cache(maxsize=None)
def _activations() -> list:
    """(regular expression for the TF form, torch.nn class, its parameters, literal maps) for the modules the
    table's "back" lists."""
    out = []
    for qualified in load()["back"]["activations"]:
        spec = load()["modules"][qualified]
        params = api_table.parse_side("torch", spec["signature"]).params
        out.append((_pattern(spec["tf"]), qualified, params, spec.get("values", {})))
    return out


@functools.lru_cache(maxsize=None)
def _inits() -> list:
    """(regular expression for `{tensor}.assign(<the TF form>)`, torch.nn.init function, its parameters)."""
    return [(_pattern("{tensor}.assign(" + spec["tf"] + ")"), qualified,
             api_table.parse_side("torch", spec["signature"]).params) for qualified, spec in load()["init"].items()]


_GENERATED_DOC = re.escape(METHODS.split('"""')[1]).replace(re.escape("{children_doc}"), "(, then each submodule's)?")
# torch_module.py's methods of a class registering its submodules with add_module(), as code
_ADDED = {m.name.value: code_of(m).strip() for m in cst.parse_module(ADDED).body}


class _Names(cst.CSTVisitor):
    def __init__(self):
        self.count: Counter = Counter()

    def visit_Name(self, node: cst.Name) -> None:
        self.count[node.value] += 1


def _backward(loop: cst.For, accumulate: set[str]) -> tuple[cst.Name, cst.Call] | None:
    """The target and the `tape.gradient(...)` call of the loop torch_autograd.py writes for `target.backward()`
    (or `target.backward(gradient)`: `output_gradients=`) on a Module's parameters:
    `for v, g in zip(tape.watched_variables(), tape.gradient(target, tape.watched_variables())):
         v.grad = accumulate_grad(getattr(v, 'grad', None), g)` (each variable the target reaches adds its gradient
    into .grad, as backward() does); None for another loop."""
    pattern = (r"for (\w+), (\w+) in zip\((\w+)\.watched_variables\(\), \3\.gradient\((\w+), \3\.watched_variables\(\)"
               r"(, output_gradients=.+)?\)\):\n    \1\.grad = (\w+)\(getattr\(\1, 'grad', None\), \2\)\n")
    found = re.fullmatch(pattern, code_of(loop.with_changes(leading_lines=[])), re.DOTALL) if not loop.orelse else None
    if not found or found.group(6) not in accumulate:
        return None
    return cst.Name(found.group(4)), loop.iter.args[1].value


def _docstring(node: cst.ClassDef | cst.FunctionDef) -> str | None:
    body = node.body.body
    first = body[0].body[0] if body and isinstance(body[0], cst.SimpleStatementLine) else None
    if not isinstance(first, cst.Expr) or not isinstance(first.value, cst.SimpleString):
        return None
    return inspect.cleandoc(ast.literal_eval(first.value.value))


def _generated(method: cst.BaseStatement) -> bool:
    """Is this a method torch_module.py writes (`__call__` calling forward, parameters()/named_parameters(), those
    of a class using add_module())?"""
    if not isinstance(method, cst.FunctionDef):
        return False
    if method.name.value == "__call__":
        return code_of(method.with_changes(leading_lines=[])).strip() == code_of(cst.parse_statement(CALL)).strip()
    if _ADDED.get(method.name.value) == code_of(method.with_changes(leading_lines=[])).strip():
        return True
    doc = _docstring(method) if method.name.value == "parameters" else None
    return doc is not None and re.fullmatch(_GENERATED_DOC, doc) is not None


class _Facts(cst.CSTVisitor):
    """The helper classes of the file, the TorchModule subclasses, and the places where a module is expected."""

    def __init__(self):
        self.helpers: dict[str, str] = {}  # class name -> helper kind
        self.subclasses: set[str] = set()
        self.registering: set[str] = set()  # subclasses taking modules as *args (torch_module.py's add_module form)
        self.module_places: set[int] = set()  # ids of expressions standing for a module
        self.brought_back: set[int] = set()  # ids of the helper names this rule translates (constructions, bases)
        self.classes: list[str | None] = []
        self.functions: list[str] = []
        self.accumulate: set[str] = set()  # the functions adding into .grad as torch_autograd.py writes them
        self.sequentials: set[str] = set()  # names and attributes bound to a TorchSequential
        self.appended: list[tuple] = []  # (receiver, argument) of every `x.append(argument)`
        self.modules: set[str] = set()  # names bound to a helper or a TorchModule subclass (and to nothing else)
        self.others: set[str] = set()  # names bound to something else
        self.loops: list[cst.CSTNode] = []  # for loops and comprehensions
        self.trainable: set[int] = set()  # ids of `p.trainable` of a module's parameter p

    def leave_Module(self, node: cst.Module) -> None:
        """What is appended to a name or attribute bound to a TorchSequential stands for a module (a name bound to
        something else too gets a module where it got a function: calling either computes the same)."""
        for receiver, value in self.appended:
            name = receiver.attr.value if isinstance(receiver, cst.Attribute) else dotted(receiver)
            if name in self.sequentials:
                self.module_places.add(id(value))
        for loop in self.loops:
            self._trainable(loop)

    def _trainable(self, loop: cst.For | cst.BaseComp) -> None:
        """`p.trainable` where p runs over a module's `parameters()` (or named_parameters()): its parameters are
        trainable float variables, as torch's are Parameters requiring grad (an integer variable is trainable in TF
        but cannot require grad in torch: such a module is not brought back, see leave_Assign)."""
        for_in = loop if isinstance(loop, cst.For) else loop.for_in
        iterated = for_in.iter
        method = iterated.func.attr.value if isinstance(iterated, cst.Call) and not iterated.args \
            and isinstance(iterated.func, cst.Attribute) else None
        holder = dotted(iterated.func.value) if method else None
        if holder not in self.modules - self.others:
            return
        target = for_in.target
        if method == "named_parameters" and isinstance(target, cst.Tuple) and len(target.elements) == 2:
            target = target.elements[1].value
        if method not in ("parameters", "named_parameters") or not isinstance(target, cst.Name):
            return
        trainable = self.trainable

        class Reads(cst.CSTVisitor):
            def visit_Attribute(self, node: cst.Attribute) -> None:
                if node.attr.value == "trainable" and isinstance(node.value, cst.Name) \
                        and node.value.value == target.value:
                    trainable.add(id(node))
        walk(loop.body if isinstance(loop, cst.For) else loop, Reads())

    def visit_For(self, node: cst.For | cst.BaseComp) -> None:
        self.loops.append(node)

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_For

    def visit_Module(self, node: cst.Module) -> None:
        accumulate = cst.parse_statement(ACCUMULATE.format(name="f"))
        for stmt in node.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.deep_equals(accumulate.with_changes(
                    name=stmt.name, leading_lines=stmt.leading_lines)):
                self.accumulate.add(stmt.name.value)
            kind = re.fullmatch(r"Torch(\w+?)\d*", stmt.name.value) if isinstance(stmt, cst.ClassDef) else None
            if kind and kind.group(1) in _helpers() and _docstring(stmt) == _helpers()[kind.group(1)][0]:
                self.helpers[stmt.name.value] = kind.group(1)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.classes.append(node.name.value)
        if node.name.value in self.helpers:
            return False
        bases = [b.value for b in node.bases if isinstance(b.value, cst.Name) and self.helpers.get(b.value.value)
                 == "Module"]
        self.brought_back |= set(map(id, bases))
        if bases and len(node.bases) == 1:
            self.subclasses.add(node.name.value)
            init = next((m for m in node.body.body if isinstance(m, cst.FunctionDef) and m.name.value == "__init__"),
                        None)
            if init is not None and len(init.params.params) == 1 and isinstance(init.params.star_arg, cst.Param) \
                    and any(_generated(m) and m.name.value == "add_module" for m in node.body.body):
                self.registering.add(node.name.value)  # `MySequential(*modules)`, registered by add_module
        return True

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node.name.value)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.pop()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "append" and len(node.args) == 1:
            self.appended.append((func.value, node.args[0].value))
        if isinstance(func, cst.Name) and func.value in self.registering:
            self.module_places |= {id(a.value) for a in node.args if not a.star and not a.keyword}
        kind = self.helpers.get(func.value) if isinstance(func, cst.Name) else None
        if kind is None or kind == "Module":
            return
        self.brought_back.add(id(node.func))
        if kind == "Sequential":
            for arg in node.args:
                values = arg.value.elements if arg.star and isinstance(arg.value, (cst.List, cst.Tuple)) else [arg]
                self.module_places |= {id(v.value) for v in values}

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target
        for bound in node.targets:
            name = dotted(bound.target)
            if name is None:
                continue
            value = node.value
            kind = self.helpers.get(value.func.value) if isinstance(value, cst.Call) \
                and isinstance(value.func, cst.Name) else None
            module = kind not in (None, "Module") or isinstance(value, cst.Call) \
                and isinstance(value.func, cst.Name) and value.func.value in self.subclasses
            (self.modules if module else self.others).add(name)
        if isinstance(node.value, cst.Call) and isinstance(node.value.func, cst.Name) \
                and self.helpers.get(node.value.func.value) == "Sequential":
            self.sequentials.add(target.attr.value if isinstance(target, cst.Attribute) else dotted(target))
        if self.classes and self.classes[-1] in self.subclasses and self.functions[-1:] == ["__init__"] \
                and len(node.targets) == 1 and isinstance(target, cst.Attribute) and dotted(target.value) == "self":
            self.module_places.add(id(node.value))


class TfTorchHelpersRule:
    code = CODE

    def __init__(self, ctx):
        self.ctx = ctx
        self.facts: _Facts | None = None
        self.classes: list[str] = []
        self.modules: dict[int, cst.Call | None] = {}  # id(TF activation in a module place) -> its module

    def visit_Module(self, node: cst.Module) -> None:
        if "Torch" in self.ctx.text or "backward() adds into .grad" in self.ctx.text:  # helpers, accumulate_grad
            facts = _Facts()
            walk(node, facts)
            self.facts = facts if facts.helpers or facts.accumulate else None

    # -- backward() -------------------------------------------------------------------------------------------------------
    def visit_For(self, node: cst.For) -> bool:
        loop = _backward(node, self.facts.accumulate) if self.facts is not None else None
        if loop is None:
            return True
        _, gradient = loop
        if len(gradient.args) < 3:
            return False  # brought back whole
        # Only the seed (`output_gradients=`, TF code) is left to the other rules; the tape calls are brought back here.
        for call in (node.iter.args[0].value, gradient, gradient.args[1].value):
            self.ctx.consume(call)
        return True

    def leave_For(self, original: cst.For, updated: cst.For):
        loop = _backward(original, self.facts.accumulate) if self.facts is not None else None
        if loop is None:
            return updated
        seed = [cst.Arg(a.value) for a in updated.iter.args[1].value.args[2:]]  # torch's `gradient`, by position
        call = parse_template_expression("{t}.backward()", t=loop[0]).with_changes(args=seed)
        return cst.SimpleStatementLine([cst.Expr(call)], leading_lines=updated.leading_lines)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if self.facts is None:
            return True
        self.classes.append(node.name.value)
        return node.name.value not in self.facts.helpers  # removed whole: nothing inside is translated

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        if self.facts is None:
            return updated
        self.classes.pop()
        if original.name.value in self.facts.helpers:
            return cst.RemovalSentinel.REMOVE
        if original.name.value not in self.facts.subclasses:
            return updated
        # the original methods are compared: reports mark what rules made of them
        body = [m for m, was in zip(updated.body.body, original.body.body) if not _generated(was)]
        if any(isinstance(m, cst.FunctionDef) and m.name.value == "parameters" for m in original.body.body
               if _generated(m)):
            body = [m for m in body if not (isinstance(m, cst.FunctionDef) and m.name.value == "named_parameters")]
        base = updated.bases[0].with_changes(value=self.ctx.ref("torch.nn.Module"))
        return updated.with_changes(bases=[base], body=updated.body.with_changes(body=body))

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if self.facts is not None and original.value in self.facts.helpers \
                and id(original) not in self.facts.brought_back:
            self.ctx.report(original, CODE, f"{original.value} used other than as the torch.nn module it stands for "
                                            "(constructed, or the base of a Module class); left as is")
        return updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """`self.w = tf.Variable(...)` in a TorchModule subclass's __init__: a Parameter, which the Module lists."""
        if self.facts is None or id(original.value) not in self.facts.module_places \
                or not isinstance(original.value, cst.Call) \
                or self.ctx.qualname(original.value.func) != "tensorflow.Variable":
            return updated
        tensor = _variable_tensor(updated.value)
        if tensor is None:
            self.ctx.report(original, CODE, f"{code_of(original.value)} is not brought back as a Parameter; left as is")
            return updated
        return updated.with_changes(value=cst.Call(func=self.ctx.ref("torch.nn.Parameter"), args=[cst.Arg(tensor)]))

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return self._module(node) is None  # brought back whole: its body is not translated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if self.facts is not None and id(original) in self.facts.trainable:
            return updated.with_changes(attr=cst.Name("requires_grad"))
        return self._module(original) or updated

    def leave_Lambda(self, original: cst.Lambda, updated: cst.Lambda):
        return self._module(original) or updated

    def _module(self, node) -> cst.Call | None:
        """A TF activation where a module is expected -> the torch.nn module the table gives for it (reported
        where there is none)."""
        if self.facts is None or id(node) not in self.facts.module_places:
            return None
        if id(node) in self.modules:
            return self.modules[id(node)]
        qualified = self.ctx.qualname(node) if isinstance(node, cst.Attribute) else None
        if isinstance(node, cst.Attribute) and not self.ctx.is_source_framework(qualified):
            return None  # the program's own module (`self.head`)
        code = re.sub(r"^\((.*)\)$", r"\1", code_of(node), flags=re.S).replace(self._tf(), "tf.")
        module = None
        for pattern, torch, params, values in _activations():
            found = re.fullmatch(pattern, code)
            if found is None:
                continue
            args = []
            for p in params:
                if p.name in found.groupdict():
                    text = found.group(p.name)
                    back = next((k for k, v in values.get(p.name, {}).items() if same_value(v, text)), text)
                    args.append(cst.Arg(cst.parse_expression(back), keyword=cst.Name(p.name),
                                        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
            self._consume(node)
            module = cst.Call(func=self.ctx.ref(torch), args=args)
            break
        if module is None and (qualified is not None or isinstance(node, cst.Lambda)):
            self.ctx.report(node, CODE, f"{code_of(node)} where a torch.nn module is expected: no module for it in "
                                        "the table; left as is")
        self.modules[id(node)] = module
        return module

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.facts is None:
            return updated
        func = original.func
        kind = self.facts.helpers.get(func.value) if isinstance(func, cst.Name) else None
        if kind is not None and kind != "Module":
            _, params, torch = _helpers()[kind]
            varargs = params == ["modules"]  # TorchSequential(*modules)
            if any(a.keyword is not None and a.keyword.value not in params or a.star and not varargs
                   for a in original.args) or not varargs and len(original.args) > len(params):
                self.ctx.report(original, CODE, f"{func.value}: an argument torch.nn's module does not take; left "
                                                "as is")
                return updated
            return updated.with_changes(func=self.ctx.ref(torch))
        if isinstance(func, cst.Attribute) and func.attr.value == "assign" and len(original.args) == 1:
            return self._init(original, updated)
        return updated

    def _init(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """`p.assign(<a torch.nn.init function's TF form>)` -> that function."""
        code = code_of(original).replace(self._tf(), "tf.")
        for pattern, qualified, params in _inits():
            found = re.fullmatch(pattern, code)
            if found is None or "tf." in "".join(found.groups()):
                continue
            args = [cst.Arg(updated.func.value)]
            for p in params[1:]:
                if p.name in found.groupdict():
                    args.append(cst.Arg(cst.parse_expression(found.group(p.name)), keyword=cst.Name(p.name),
                                        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
            self._consume(original)
            return cst.Call(func=self.ctx.ref(qualified), args=args)
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        """Without the loops brought back to backward(), the function adding into .grad may be used no more; without
        the helpers, the standard modules imported for them (`import math`)."""
        if self.facts is None:
            return updated
        if self.facts.helpers:
            updated = without_helper_imports(updated, HELPERS)
        if not self.facts.accumulate:
            return updated
        names = _Names()
        walk(updated, names)
        return updated.with_changes(body=[s for s in updated.body if not (
            isinstance(s, cst.FunctionDef) and s.name.value in self.facts.accumulate and names.count[s.name.value] == 1)])

    def _tf(self) -> str:
        """How the file names TensorFlow (`tf.`), as the table's templates write it."""
        return next((name for name, q in self.ctx.aliases.items() if q == "tensorflow"), "tf") + "."

    def _consume(self, node: cst.CSTNode) -> None:
        """The TF references in a form brought back whole are translated."""
        ctx = self.ctx

        class Consume(cst.CSTVisitor):
            def on_visit(self, child):
                ctx.consume(child)
                return True
        node.visit(Consume())
