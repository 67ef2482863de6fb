"""The Keras functional API → torch: `keras.Input`, layers called on it, `keras.Model(inputs, outputs)`.

Keras' Input is a symbolic tensor; a layer called on one is built there (its weights drawn, from the input's shape)
and gives another; `keras.Model(inputs, outputs)` records the layer calls between them and runs them when called.
The output defines two helpers doing the same (HELPERS "Tensor" and "Functional" in tf_keras.py):

- `keras.Input(shape=(784,), name="digits")` → `KerasTensor(shape=(784,), name="digits")`;
- `layer(x)` of a symbolic x (a name bound to an Input or to such a call, or such a call itself; x may be inside a
  list, tuple or dict argument) → `KerasTensor.of(layer, x)`. That builds the layer as Keras does, by running it once
  on a batch of one of zeros of x's shape: the helpers build from it, drawing Keras' weights in Keras' order (in twin
  runs from the weights stream). A layer is a table layer (tf_keras.py), a Sequential or a functional model, written
  there or bound to a name; reusing it shares its weights, as in Keras;
- `keras.Model(inputs, outputs)` → `KerasFunctional(inputs, outputs)`: an nn.Module registering the layers in the
  order Keras lists them (its map_graph: by depth, then first reached from the outputs), so `parameters()` is Keras'
  `trainable_weights`, and running the calls in Keras' order; a call converts each input to its Input's dtype (uint8
  images to float32) and lines up a last axis of 1, as Keras does.

TG401 (error), left as is: an Input whose shape is not a literal tuple of numbers (the layers' weights depend on it;
an unknown size, None, could not be built here), other Input arguments (batch_size, sparse, tensor, ...); a symbolic
tensor used other than as a layer's argument or a Model's inputs/outputs (a TF op on it, its .shape); a symbolic
tensor given to a callable that is not such a layer (an instance of a class of the file: Keras traces its call
symbolically); Model inputs other than names bound to Inputs, or given as a dict; `.layers` of a functional model
(Keras lists its InputLayers too).
"""
from __future__ import annotations

import libcst as cst

from .. import table as api_table
from ..codegen import code_of
from ..walk import walk
from .ops import same_value
from .tf_keras import _argument, _kwarg

CODE = "TG401"


def _leaves(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The expressions nested in list, tuple and dict displays."""
    if isinstance(expr, (cst.List, cst.Tuple)):
        return [leaf for e in expr.elements for leaf in _leaves(e.value)]
    if isinstance(expr, cst.Dict):
        return [leaf for e in expr.elements if isinstance(e, cst.DictElement) for leaf in _leaves(e.value)]
    return [expr]


class _Graph(cst.CSTVisitor):
    """The Inputs, the layer calls on symbolic tensors and the functional models of the file, and what is refused
    (ids of original nodes -> message). Names are followed per module/function in the order they are bound."""

    def __init__(self, ctx, table: dict):
        self.ctx, self.table = ctx, table
        self.scopes: list[dict[str, str]] = [{}]  # name -> "input", "symbolic", "layer" or "other"
        self.inputs: set[int] = set()
        self.calls: set[int] = set()
        self.models: set[int] = set()
        self.used: set[int] = set()  # Name nodes of symbolic tensors in a translated position
        self.refused: dict[int, str] = {}

    def binding(self, name: str) -> str | None:
        return next((scope[name] for scope in reversed(self.scopes) if name in scope), None)

    def symbolic(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Name):
            return self.binding(expr.value) in ("input", "symbolic")
        return isinstance(expr, cst.Call) and self.layer_call(expr)

    def layer_call(self, call: cst.Call) -> bool:
        return self.is_layer(call.func) and any(self.symbolic(leaf) for a in call.args for leaf in _leaves(a.value))

    def is_layer(self, func: cst.BaseExpression) -> bool:
        if isinstance(func, cst.Name):
            return self.binding(func.value) == "layer"
        return isinstance(func, cst.Call) and (self.ctx.qualname(func.func) in self.table["layers"]
                                               or self.ctx.qualname(func.func) in self.table["sequential"])

    def is_input(self, call: cst.BaseExpression) -> bool:
        return isinstance(call, cst.Call) and self.ctx.qualname(call.func) in self.table["functional"]["inputs"]

    def is_model(self, call: cst.BaseExpression) -> bool:
        return isinstance(call, cst.Call) and bool(call.args) and \
            self.ctx.qualname(call.func) in self.table["functional"]["models"]

    def use(self, exprs) -> None:
        self.used |= {id(e) for e in exprs if isinstance(e, cst.Name)}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = node.params
        self.scopes.append({p.name.value: "other" for p in (*params.posonly_params, *params.params,
                                                           *params.kwonly_params)})

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if self.layer_call(node):
            self.calls.add(id(node))
            self.use(leaf for a in node.args for leaf in _leaves(a.value))
        elif any(self.symbolic(leaf) for a in node.args for leaf in _leaves(a.value)) and not self.is_model(node):
            self.refused[id(node)] = f"a symbolic Keras tensor given to {code_of(node.func)}, which is not a Keras " \
                                     "layer translated here (Keras traces a layer class of the file symbolically)"
            self.use(leaf for a in node.args for leaf in _leaves(a.value))
        elif self.is_model(node):
            problem = self._model_problem(node)
            if problem:
                self.refused[id(node)] = problem
            else:
                self.models.add(id(node))
            self.use(leaf for a in node.args for leaf in _leaves(a.value))  # refused: reported once, here

    def _input_problem(self, call: cst.Call) -> str | None:
        spec = self.table["functional"]
        params = [p.name for p in api_table.parse_side("tf", spec["input_signature"]).params]
        for i, arg in enumerate(call.args):
            name = arg.keyword.value if arg.keyword else (params[i] if i < len(params) and not arg.star else None)
            exact = spec["input_exact"].get(name)
            if exact == "shape":
                if not isinstance(arg.value, (cst.Tuple, cst.List)) or not all(
                        isinstance(e.value, cst.Integer) for e in arg.value.elements):
                    return f"keras.Input(shape={code_of(arg.value)}): Keras builds the layers called on it from its " \
                           "shape, which must be a literal tuple of numbers here (an unknown size, None, too)"
            elif exact is None or exact != "*" and not any(same_value(code_of(arg.value), v) for v in exact):
                return f"keras.Input: argument {code_of(arg)!r} is not translated"
        if _argument(call, "shape", 0) is None:
            return "keras.Input without a shape: Keras builds the layers called on it from its shape"
        return None

    def _model_problem(self, call: cst.Call) -> str | None:
        params = [p.name for p in api_table.parse_side("tf", self.table["functional"]["model_signature"]).params]
        given = {}
        for i, arg in enumerate(call.args):
            name = arg.keyword.value if arg.keyword else (params[i] if i < len(params) and not arg.star else None)
            if name not in params:
                return f"keras.Model: argument {code_of(arg)!r} is not translated"
            given[name] = arg.value
        inputs, outputs = given.get("inputs"), given.get("outputs")
        if inputs is None or outputs is None:
            return "keras.Model without inputs and outputs"
        if isinstance(inputs, cst.Dict) or isinstance(outputs, cst.Dict):
            return "keras.Model with inputs or outputs given as a dict (Keras orders them by key)"
        if not all(isinstance(leaf, cst.Name) and self.binding(leaf.value) == "input" for leaf in _leaves(inputs)):
            return "keras.Model inputs that are not names bound to keras.Input"
        if not all(self.symbolic(leaf) for leaf in _leaves(outputs)):
            return "keras.Model outputs that are not layer outputs of its inputs"
        return None

    def visit_Name(self, node: cst.Name) -> None:
        if self.binding(node.value) in ("input", "symbolic") and id(node) not in self.used:
            self.refused[id(node)] = f"the symbolic Keras tensor {node.value} used other than as a layer's input or " \
                                     "a keras.Model's inputs/outputs"

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.used.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        self.used.add(id(node.keyword))

    def visit_Assign(self, node: cst.Assign) -> None:
        self.use(t.target for t in node.targets)
        if self.is_input(node.value):  # an Input kept by a name (one in a Sequential's list is tf_keras.py's)
            problem = self._input_problem(node.value)
            if problem:
                self.refused[id(node.value)] = problem
            else:
                self.inputs.add(id(node.value))

    def leave_Assign(self, node: cst.Assign) -> None:
        value = node.value
        kind = "input" if id(value) in self.inputs else "symbolic" if id(value) in self.calls else \
            "layer" if id(value) in self.models or self.is_layer(value) else "other"
        for target in node.targets:
            for leaf in _leaves(target.target):
                if isinstance(leaf, cst.Name):
                    self.scopes[-1][leaf.value] = kind if leaf is target.target else "other"


class TfKerasFunctionalRule:
    def __init__(self, ctx, keras):
        self.ctx, self.keras = ctx, keras  # the TfKerasRule, which defines the helpers
        self.graph: _Graph | None = None

    def visit_Module(self, node: cst.Module) -> None:
        if self.keras.facts is not None and "Input" in self.ctx.text:
            self.graph = _Graph(self.ctx, self.keras.table)
            walk(node, self.graph)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        graph = self.graph
        if graph is None:
            return updated
        if id(original) in graph.refused:
            self.ctx.consume(original.func)
            self.ctx.report(original, CODE, graph.refused[id(original)] + "; left as is")
            return original
        if id(original) in graph.inputs:
            self.ctx.consume(original.func)
            # the helper takes shape, dtype and name (the other arguments have only their defaults here)
            given = {name: _argument(updated, name, index) for name, index in (("shape", 0), ("dtype", 2),
                                                                               ("name", 6))}
            args = [_kwarg(name, value) for name, value in given.items() if value is not None]
            return cst.Call(func=cst.Name(self.keras._helper("Tensor")), args=args)
        if id(original) in graph.calls:
            of = cst.Attribute(value=cst.Name(self.keras._helper("Tensor")), attr=cst.Name("of"))
            return cst.Call(func=of, args=[cst.Arg(updated.func), *updated.args])
        if id(original) in graph.models:
            self.ctx.consume(original.func)
            return updated.with_changes(func=cst.Name(self.keras._helper("Functional")))
        return updated

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if self.graph is not None and id(original) in self.graph.refused:
            self.ctx.report(original, CODE, self.graph.refused[id(original)] + "; left as is")
        return updated
