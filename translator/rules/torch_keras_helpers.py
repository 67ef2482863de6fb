"""twingrad's own Keras helper modules -> the Keras layers they stand for: the way back of `tf_keras.py`.

TF -> PyTorch defines small modules for Keras layers in its output (`class KerasDense(torch.nn.Module)`, ...,
`KerasSequential`, `KerasLayer`). Translating such a file back to TF:

* each helper class is recognised by its name (`Keras` + the helper's name in keras_table.json, a number appended
  where the name was taken) and its docstring, which must be the one tf_keras.py writes; its definition is removed;
* `KerasDense(5, activation=torch.relu)` -> `tf.keras.layers.Dense(5, activation=tf.nn.relu)`: the arguments bound
  with the helper's own signature, passed as the Keras signature takes them; an activation given as a torch function
  becomes the TF function api_table.json gives for a call of it on one tensor (a lambda is the program's own code,
  translated where it is written); the torch.nn modules the table gives for Keras layers (`torch.nn.Softmax(dim=1)`)
  become those layers again;
* `KerasSequential(layers...)` -> `tf.keras.Sequential([layers...])`, `.append` -> `.add`. Layers built at
  construction (`input_dim=`, as tf_keras.py writes for a Sequential given its input shape) -> `tf.keras.Input(shape=
  (width,))` first, so that Keras builds, and draws the weights of, every layer at construction too; after a first
  layer that flattens, the width tf_keras.py writes as the product of the input shape (`4 * 5`) gives the shape;
* the functional API (tf_keras_functional.py): `KerasTensor(shape=..., ...)` -> `tf.keras.Input(shape=..., ...)`,
  `KerasTensor.of(layer, x)` -> `layer(x)`, `KerasFunctional(inputs, outputs)` -> `tf.keras.Model(inputs, outputs)`;
* `class M(KerasLayer)` -> `class M(tf.keras.Model)`, `forward` -> `call`;
* the metric helpers (`KerasMean('loss')`, `KerasSparseCategoricalAccuracy()`, ...) -> the Keras metrics, whose
  methods they share (update_state, result, reset_state, calling it);
* a Keras object's variable lists as tf_keras.py writes them (the table's collections templates, such as `[param for
  param in m.parameters()]`) -> Keras' attributes (`m.trainable_variables`), and `m.parameters()` / `buffers()` /
  `children()` elsewhere -> `trainable_variables` / `non_trainable_variables` / `layers`: the helpers register the
  weights Keras tracks, in Keras' order. This runs over the finished module, since the autograd and optimizer rules
  write such calls into the code they emit (`for p in m.parameters(): ...`);
* an in-place update of a Keras layer's weight under no_grad (`layer.kernel.sub_(d)`) -> `layer.kernel.assign_sub(d)`;
* `self.w = torch.tensor(..., requires_grad=True)` in a Keras subclass becomes a `tf.Variable` (the autograd rule
  makes one of every leaf), which Keras 3 does not track, as the original's bare tf.Variable;
* gradients: the autograd plan takes the helpers and their subclasses as Modules holding variables (torch_plan.py's
  holders), so torch's `.grad` stays on the variables. A tape's `watched_variables()` lists the tf.Variable a Keras
  variable wraps, not the Keras variable the program holds: `.grad` of a Keras weight (`layer.kernel`, an element of
  its variable lists) is kept on that tf.Variable (`layer.kernel.value.grad`).

TG518 (error) a helper use not brought back: the helper's name used otherwise than constructing it (or subclassing
KerasLayer), an argument the Keras layer does not take, an activation the table does not translate, `input_dim=`
other than in a Sequential, a Sequential starting with a layer that flattens, built for a width that does not say
the input's shape (Keras would build it for another shape), an in-place update of a weight outside no_grad or other
than by sub_/add_/copy_, `m.parameters()` (buffers, children) of a name that may hold a Keras object or another torch
Module; left as is.
"""
from __future__ import annotations

import ast
import functools
import inspect
import re
import sys

import libcst as cst

from .. import table as api_table
from ..codegen import code_of
from ..rewrite import _NamesOutsideImports, dotted
from ..templates import parse_template_expression
from ..walk import transform, walk
from .tf_keras import HELPERS, _load, one_tensor_function
from .torch_plan import INPLACE_UPDATES, method_call

CODE = "TG518"
FUNCTIONAL = ("Tensor", "Functional")  # the functional API's helpers (tf_keras_functional.py)
MODULE = {"torch.nn.Module", "torch.nn.modules.module.Module"}


@functools.lru_cache(maxsize=None)
def _helpers() -> dict:
    """Per helper name: (its docstring, its constructor's parameters, the Keras class it stands for)."""
    table = _load()
    keras = {spec["helper"]: qualified for qualified, spec in table["layers"].items()
             if "helper" in spec and qualified not in table["aliases"]}
    keras.update({kind: api_table.expand(q) for kind, q in table["back"]["helpers"].items()})
    keras.update({spec["helper"]: qualified for qualified, spec in table["metrics"].items()})
    out = {}
    for kind, source in HELPERS.items():
        node = ast.parse(source.replace("{name}", "Helper")).body[0]
        init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
        params = [a.arg for a in init.args.args[1:]] if init else []
        out[kind] = (ast.get_docstring(node), params, keras[kind])
    return out


@functools.lru_cache(maxsize=None)
def _helper_weights() -> frozenset[str]:
    """The helpers' attributes holding Keras' variables (`self.kernel = torch.nn.UninitializedParameter()`)."""
    pattern = r"self\.(\w+) = torch\.nn\.Uninitialized(?:Parameter|Buffer)\("
    return frozenset(re.findall(pattern, "".join(HELPERS.values())))


@functools.lru_cache(maxsize=None)
def _torch_layers() -> dict:
    """The torch.nn modules the table gives for Keras layers: torch qualified name -> (Keras class, torch keyword ->
    Keras parameter), read from the templates (`torch.nn.Softmax(dim={axis})`)."""
    out = {}
    for qualified, spec in _load()["layers"].items():
        if "torch" in spec:
            template = cst.parse_expression(spec["torch"])  # `{axis}` parses as a one-element set
            out[dotted(template.func)] = (qualified, {a.keyword.value: a.value.elements[0].value.value
                                                      for a in template.args})
    return out


def _docstring(node: cst.ClassDef) -> str | None:
    body = node.body.body
    first = body[0].body[0] if body and isinstance(body[0], cst.SimpleStatementLine) else None
    if not isinstance(first, cst.Expr) or not isinstance(first.value, cst.SimpleString):
        return None
    return inspect.cleandoc(ast.literal_eval(first.value.value))


class _Facts(cst.CSTVisitor):
    """The helper classes of the file, the Keras subclasses, and what names and attributes hold Keras objects."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.helpers: dict[str, str] = {}  # class name -> helper name
        self.subclasses: set[str] = set()  # classes deriving from KerasLayer (or from such a class)
        self.names: dict[str, set[bool]] = {}  # name -> for each binding: does it hold a Keras object?
        self.attributes: set[str] = set()  # `x.attr = <Keras object>`
        self.weights: set[str] = set(_helper_weights())  # attributes holding a Keras layer's variables
        self.others = False  # the file builds torch.nn Modules of other kinds
        self.sequential_layers: set[int] = set()  # ids of the helper calls given to a KerasSequential
        self.methods: set[int] = set()  # ids of a Keras subclass's methods Keras names otherwise
        self.brought_back: set[int] = set()  # ids of the helper names this rule translates (constructions, bases)
        self.stray: set[int] = set()  # ids of other uses of a helper's name (its definition is removed)

    def visit_Module(self, node: cst.Module) -> None:
        helpers = _helpers()
        for stmt in node.body:
            if isinstance(stmt, cst.ClassDef) and len(stmt.bases) == 1:
                kind = re.fullmatch(r"Keras(\w+?)\d*", stmt.name.value)
                if kind and kind.group(1) in helpers and _docstring(stmt) == helpers[kind.group(1)][0]:
                    self.helpers[stmt.name.value] = kind.group(1)

    def keras(self, value: cst.BaseExpression) -> bool:
        """Does this expression make a Keras object (a helper, a Keras subclass)?"""
        return isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in (
            *self.helpers, *self.subclasses)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if node.name.value in self.helpers:
            return False
        self.brought_back |= {id(b.value) for b in node.bases if isinstance(b.value, cst.Name)
                              and self.helpers.get(b.value.value) == "Layer"}
        if any(isinstance(b.value, cst.Name) and (self.helpers.get(b.value.value) == "Layer"
                                                    or b.value.value in self.subclasses) for b in node.bases):
            self.subclasses.add(node.name.value)
            renamed = _load()["back"]["methods"]
            self.methods |= {id(f) for f in node.body.body
                             if isinstance(f, cst.FunctionDef) and f.name.value in renamed}
        elif any(self.ctx.qualname(b.value) in MODULE for b in node.bases):
            self.others = True
        return True

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualname(node.func) or ""
        if qualified.startswith("torch.nn.") and qualified.split(".")[2][:1].isupper() \
                and qualified not in _torch_layers() and qualified != "torch.nn.Parameter":
            self.others = True
        if isinstance(node.func, cst.Name) and self.helpers.get(node.func.value) == "Sequential":
            self.sequential_layers |= {id(a.value) for a in node.args}
        if isinstance(node.func, cst.Name) and self.helpers.get(node.func.value, "Layer") != "Layer":
            self.brought_back.add(id(node.func))
        if isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name) \
                and self.helpers.get(node.func.value.value) == "Tensor" and node.func.attr.value == "of":
            self.brought_back.add(id(node.func.value))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.brought_back.add(id(node.attr))  # `x.KerasDense` is no use of the class

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.helpers and id(node) not in self.brought_back:
            self.stray.add(id(node))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.names.setdefault(target.target.value, set()).add(self.keras(node.value))
            elif isinstance(target.target, cst.Attribute) and self.keras(node.value):
                self.attributes.add(target.target.attr.value)
            elif isinstance(target.target, cst.Attribute) and isinstance(node.value, cst.Call) \
                    and method_call(node.value, "add_weight") is not None:
                self.weights.add(target.target.attr.value)

    def holds_keras(self, expr: cst.BaseExpression, in_subclass: bool) -> bool | None:
        """Does the expression hold a Keras object? None where it may or may not: a name also bound to something
        else, or a parameter (a loop variable) in a file that also builds other torch Modules."""
        if isinstance(expr, cst.Name):
            if expr.value == "self":
                return in_subclass
            kinds = self.names.get(expr.value, set())
            return next(iter(kinds)) if len(kinds) == 1 else None if kinds or self.others else True
        return isinstance(expr, cst.Attribute) and expr.attr.value in self.attributes


def keras_facts(ctx, module: cst.Module) -> _Facts | None:
    """The file's helper classes and Keras objects (None without helpers), found once per file."""
    if "keras_helpers" not in ctx.cache:
        facts = None
        if "Keras" in ctx.text:
            facts = _Facts(ctx)
            walk(module, facts)
        ctx.cache["keras_helpers"] = facts if facts is not None and facts.helpers else None
    return ctx.cache["keras_helpers"]


def keras_classes(ctx, module: cst.Module) -> set[str]:
    """The classes making Keras objects: the helpers and the Keras subclasses (Modules holding variables, for the
    autograd plan)."""
    facts = keras_facts(ctx, module)
    return set() if facts is None else {*facts.helpers, *facts.subclasses}


class TorchKerasHelpersRule:
    code = CODE

    def __init__(self, ctx, plan):
        self.ctx, self.plan = ctx, plan
        self.facts: _Facts | None = None
        self.classes: list[bool] = []  # for each enclosing class: is it a Keras subclass?
        self.input_dims: dict[int, cst.BaseExpression] = {}  # id(Keras layer emitted) -> the input_dim it was given
        self.removed: set[int] = set()  # ids of the statements standing in for the helper classes

    def visit_Module(self, node: cst.Module) -> None:
        self.facts = keras_facts(self.ctx, node)

    # -- classes -------------------------------------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if self.facts is None:
            return True
        self.classes.append(node.name.value in self.facts.subclasses)
        return node.name.value not in self.facts.helpers  # removed whole: nothing inside is translated

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        if self.facts is None:
            return updated
        self.classes.pop()
        if original.name.value in self.facts.helpers:
            # Removed in leave_Module: the autograd rule lines the module's statements up with its plan first.
            placeholder = cst.Pass()  # other rules may rebuild the line around it, not the node itself
            self.removed.add(id(placeholder))
            return cst.SimpleStatementLine([placeholder])
        bases = [b.with_changes(value=self.ctx.ref(_helpers()["Layer"][2]))
                 if isinstance(b.value, cst.Name) and self.facts.helpers.get(b.value.value) == "Layer" else b
                 for b in updated.bases]
        return updated.with_changes(bases=bases)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        if self.facts is not None and id(original) in self.facts.methods:
            return updated.with_changes(name=cst.Name(_load()["back"]["methods"][original.name.value]))
        return updated

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if self.facts is not None and id(original) in self.facts.stray:
            self.ctx.report(original, CODE, f"{original.value} used other than as the Keras layer it stands for "
                                            "(constructed, or the base of a Keras subclass); left as is")
        return updated

    # -- calls ---------------------------------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.facts is None:
            return updated
        func = original.func
        kind = self.facts.helpers.get(func.value) if isinstance(func, cst.Name) else None
        if kind == "Sequential":
            return self._sequential(original, updated)
        if kind in FUNCTIONAL:  # keras.Input / keras.Model(inputs, outputs): the helpers take Keras' keywords
            return updated.with_changes(func=self.ctx.ref(_helpers()[kind][2]))
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value == "of" \
                and self.facts.helpers.get(func.value.value) == "Tensor":
            # a layer called on a symbolic tensor; once every rule has translated the arguments (the later rules
            # take this for a method call)
            self.ctx.wrap_after(original, lambda done: cst.Call(func=done.args[0].value, args=done.args[1:]))
            return updated
        if kind is not None and kind != "Layer":
            return self._layer(original, updated, kind)
        qualified = self.ctx.qualname(func)
        if qualified in _torch_layers():
            return self._torch_layer(original, updated, qualified)
        if isinstance(func, cst.Attribute) and self._keras(func.value):
            if func.attr.value in _load()["sequential_methods"].values():
                back = {v: k for k, v in _load()["sequential_methods"].items()}
                return updated.with_changes(func=updated.func.with_changes(attr=cst.Name(back[func.attr.value])))
        if isinstance(func, cst.Attribute) and func.attr.value in _load()["back"]["collections"] and not original.args \
                and self.facts.holds_keras(func.value, bool(self.classes) and self.classes[-1]) is None:
            return self._refuse(original, f"{code_of(func.value)} may hold a Keras object or a torch Module here: its "
                                          f".{func.attr.value}() is not brought back")
        receiver = method_call(original, *INPLACE_UPDATES)
        if isinstance(receiver, cst.Attribute) and self._keras(receiver.value):
            return self._update(original, updated)
        return updated

    def _keras(self, expr: cst.BaseExpression) -> bool:
        return self.facts.holds_keras(expr, bool(self.classes) and self.classes[-1]) is True

    def _layer(self, original: cst.Call, updated: cst.Call, kind: str) -> cst.BaseExpression:
        _, params, keras = _helpers()[kind]
        spec = _load()["layers"].get(keras) or _load()["metrics"][keras]
        signature = [p.name for p in api_table.parse_side("tf", spec["signature"]).params]
        given: dict[str, tuple] = {}  # parameter -> (argument before, after the other rules, given by keyword)
        for i, (before, after) in enumerate(zip(original.args, updated.args)):
            name = before.keyword.value if before.keyword else params[i] if i < len(params) and not before.star \
                else None
            if name is None or name not in params:
                return self._refuse(original, f"{original.func.value}: argument {code_of(before)!r} is not brought "
                                              "back")
            given[name] = (before.value, after.value, before.keyword is not None)
        built_by = spec.get("input_dim") and ("input_dim" if spec["input_dim"] is True else spec["input_dim"])
        input_dim = given.pop(built_by, None) if built_by else None
        if input_dim is not None and id(original) not in self.facts.sequential_layers:
            return self._refuse(original, f"{original.func.value}(input_dim=...) outside a Sequential: Keras builds "
                                          "a layer at construction only in a Sequential given its input shape")
        args, positional = [], True
        for name, (before, after, by_keyword) in given.items():
            if spec["exact"].get(name) == "activation":
                after = self._activation(before, after, original)
                if after is False:
                    return original
            positional = positional and not by_keyword and signature.index(name) == len(args)
            args.append(cst.Arg(after) if positional else _kwarg(name, after))
        result = cst.Call(func=self.ctx.ref(keras), args=args)
        if input_dim is not None:
            self.input_dims[id(result)] = input_dim[1]
        return result

    def _activation(self, before, after, call):
        """The TF activation for a torch one; False when refused."""
        qualified = self.ctx.qualname(before)
        if not self.ctx.is_source_framework(qualified):
            return after  # None, a lambda or the program's own function: translated where it is written
        function = one_tensor_function(self, qualified)
        self.ctx.consume(before)  # when refused, reported here more precisely than by the engine's TG900
        if function is None:
            self._refuse(call, f"activation {qualified} is not translated")
            return False
        return function

    def _torch_layer(self, original: cst.Call, updated: cst.Call, qualified: str) -> cst.BaseExpression:
        keras, keywords = _torch_layers()[qualified]
        if any(a.keyword is None or a.keyword.value not in keywords for a in original.args):
            return updated  # another form: not one tf_keras.py writes
        self.ctx.consume(original.func)
        return cst.Call(func=self.ctx.ref(keras), args=[_kwarg(keywords[a.keyword.value], a.value)
                                                         for a in updated.args])

    def _sequential(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        layers = [cst.Element(a.value) if not a.star else cst.StarredElement(a.value) for a in updated.args]
        flattens = bool(original.args) and self._flattens(original.args[0].value)
        built = updated.args[int(flattens)].value if len(updated.args) > int(flattens) else None
        width = self.input_dims.get(id(built))
        for arg in updated.args:
            self.input_dims.pop(id(arg.value), None)
        if width is not None:
            shape = [e.value for e in width.elements] if isinstance(width, cst.Tuple) else (  # an input_shape=
                _factors(width) if flattens else [width])
            if shape is None or len(shape) < 2 and flattens:
                return self._refuse(original, "a Sequential built for its input's width after a layer that flattens: "
                                              "the input shape Keras must be built for is not known here")
            inputs = cst.Call(func=self.ctx.ref(api_table.expand(_load()["back"]["input"])),
                              args=[_kwarg("shape", cst.Tuple([cst.Element(d) for d in shape]))])
            layers.insert(0, cst.Element(inputs))
        return cst.Call(func=self.ctx.ref(_helpers()["Sequential"][2]), args=[cst.Arg(cst.List(layers))])

    def _flattens(self, layer: cst.BaseExpression) -> bool:
        """Is this a torch module standing for a Keras layer whose output has one axis (Flatten)?"""
        qualified = self.ctx.qualname(layer.func) if isinstance(layer, cst.Call) else None
        return qualified in _torch_layers() and _load()["layers"][_torch_layers()[qualified][0]].get("flattens", False)

    def _update(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        method = original.func.attr.value
        updates = _load()["back"]["updates"]
        if method not in updates or id(self.ctx.statements[-1]) not in self.plan.in_no_grad or len(original.args) != 1:
            return self._refuse(original, f"an in-place {method}() of a Keras weight other than a sub_/add_/copy_ "
                                          "of one value under no_grad")
        return updated.with_changes(func=updated.func.with_changes(attr=cst.Name(updates[method])))

    def _refuse(self, original: cst.CSTNode, message: str):
        self.ctx.report(original, CODE, message + "; left as is")
        return original

    # -- variable lists, over the finished module ------------------------------------------------------------------
    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if self.facts is None:
            return updated
        body = [stmt for stmt in updated.body if not (isinstance(stmt, cst.SimpleStatementLine)
                                                      and id(stmt.body[0]) in self.removed)]
        module = transform(updated.with_changes(body=body), _Collections(self.facts))
        return without_helper_imports(module, HELPERS)


class _Collections(cst.CSTTransformer):
    """`[param for param in m.parameters()]` -> `m.trainable_variables` and the like, for Keras objects m."""

    def __init__(self, facts: _Facts):
        self.facts = facts
        self.variables: list[set[str]] = []  # per enclosing loop or comprehension: names it binds to Keras variables
        self.classes: list[bool] = []
        table = _load()
        self.templates = {}  # code of a template over {m} (a regular expression) -> the Keras attribute
        for collections in (table["collections"], table["collections_with_state"]):
            for attr, template in collections.items():
                if "{m}" in template:
                    pattern = re.escape(template).replace(re.escape("{m}"), r"([\w.]+)")
                    self.templates.setdefault(pattern, attr)
        self.methods = table["back"]["collections"]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node.name.value in self.facts.subclasses)

    def leave_ClassDef(self, original, updated):
        self.classes.pop()
        return updated

    def _keras(self, expr: cst.BaseExpression) -> bool:
        return self.facts.holds_keras(expr, bool(self.classes) and self.classes[-1]) is True

    def _collection(self, original, updated):
        code = code_of(original)
        for pattern, attr in self.templates.items():
            found = re.fullmatch(pattern, code)
            receiver = cst.parse_expression(found.group(1)) if found else None
            if receiver is not None and self._keras(receiver):
                return parse_template_expression("{m}." + attr, m=receiver)
        return updated

    # `.grad` of a Keras variable lives on the tf.Variable it wraps (`.value`): that is what a tape's
    # watched_variables() lists, where the autograd rule puts the gradients of a backward() without inputs=.
    def _collection_of(self, expr) -> bool:
        """Is this one of a Keras object's variable lists (before or after the rewrite)?"""
        if isinstance(expr, cst.Attribute):
            return expr.attr.value in self.methods.values() and self._keras(expr.value)
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and not expr.args:
            return expr.func.attr.value in self.methods and self._keras(expr.func.value)
        return isinstance(expr, cst.ListComp) and self._collection(expr, None) is not None

    def _binds_variables(self, target, iterable) -> set[str]:
        if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "zip" \
                and iterable.args and isinstance(target, cst.Tuple):
            return self._binds_variables(target.elements[0].value, iterable.args[0].value)
        return {target.value} if isinstance(target, cst.Name) and self._collection_of(iterable) else set()

    def visit_For(self, node) -> None:
        self.variables.append(self._binds_variables(node.target, node.iter))

    def leave_For(self, original, updated):
        self.variables.pop()
        return updated

    def visit_ListComp(self, node) -> None:
        self.variables.append(self._binds_variables(node.for_in.target, node.for_in.iter))

    def _variable(self, expr) -> bool:
        if isinstance(expr, cst.Name):
            return any(expr.value in names for names in self.variables)
        return isinstance(expr, cst.Attribute) and expr.attr.value in self.facts.weights \
            and self._keras(expr.value)

    def leave_Attribute(self, original, updated):
        if updated.attr.value == "grad" and self._variable(updated.value):
            return updated.with_changes(value=cst.Attribute(value=updated.value, attr=cst.Name("value")))
        return updated

    def leave_ListComp(self, original, updated):
        names = self.variables.pop()
        comp = updated.for_in
        if names and comp.ifs and isinstance(updated.elt, cst.Name) and updated.elt.value in names:
            # the sources of a backward(inputs=[p for p in m.parameters() if p.requires_grad]): their gradients too
            updated = updated.with_changes(elt=cst.Attribute(value=updated.elt, attr=cst.Name("value")))
        return self._collection(original, updated)

    def leave_Call(self, original, updated):
        func = updated.func
        if _grad_read(updated) and self._variable(updated.args[0].value):
            return _on_value(updated)
        if isinstance(func, cst.Attribute) and func.attr.value in self.methods and not updated.args \
                and self._keras(func.value):
            return cst.Attribute(value=func.value, attr=cst.Name(self.methods[func.attr.value]))
        return self._collection(original, updated) if isinstance(func, cst.Name) else updated  # `list(m.buffers())`


def without_helper_imports(module: cst.Module, helpers: dict[str, str]) -> cst.Module:
    """The module without the `import m` lines of standard modules the helpers' code uses (`math.prod`), which the
    other direction imports for them, where nothing else uses them once the helpers are gone."""
    used = _NamesOutsideImports()
    walk(module, used)
    unused = _helper_modules(tuple(helpers.values())) - used.used
    return module.with_changes(body=[stmt for stmt in module.body if _imported(stmt) not in unused])


@functools.lru_cache(maxsize=None)
def _helper_modules(sources: tuple[str, ...]) -> frozenset[str]:
    return frozenset(re.findall(r"\b([a-z]+)\.", "".join(sources))) & sys.stdlib_module_names


def _imported(stmt: cst.CSTNode) -> str | None:
    """The module a plain `import m` line imports."""
    small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) else None
    if isinstance(small, cst.Import) and len(small.names) == 1 and small.names[0].asname is None \
            and isinstance(small.names[0].name, cst.Name):
        return small.names[0].name.value
    return None


def _grad_read(call: cst.Call) -> bool:
    """`getattr(v, 'grad', None)`: how the autograd rule reads a gradient kept on a variable."""
    return isinstance(call.func, cst.Name) and call.func.value == "getattr" and len(call.args) == 3 \
        and isinstance(call.args[1].value, cst.SimpleString) and call.args[1].value.value in ("'grad'", '"grad"')


def _on_value(call: cst.Call) -> cst.Call:
    variable = cst.Attribute(value=call.args[0].value, attr=cst.Name("value"))
    return call.with_changes(args=[call.args[0].with_changes(value=variable), *call.args[1:]])


def _factors(width: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    """The axes of a width written as their product (`4 * 5`); None for another expression."""
    if isinstance(width, cst.BinaryOperation) and isinstance(width.operator, cst.Multiply):
        left, right = _factors(width.left), _factors(width.right)
        return None if left is None or right is None else left + right
    return [width] if isinstance(width, cst.Integer) else None


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
