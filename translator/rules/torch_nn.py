"""torch.nn layers and activation modules -> TF modules and functions that compute what torch's forward computes.

- `torch.nn.Linear(in, out, bias=)` -> `TorchLinear(...)`, a tf.Module the output defines once. It keeps torch's
  weight layout (out_features, in_features), its attributes `weight`/`bias` and its parameters() order, so
  `layer.weight[:, 0]`, gradients read from `.grad` and updates over `model.parameters()` see what torch shows.
  It starts as twin runs start torch.nn.Linear (kernel/draws.py): glorot-uniform drawn by a Keras initialiser in the
  (in, out) layout and transposed, zero bias. Outside twin runs torch draws U(-k, k), k = 1/sqrt(in_features), for
  both: the starting weights differ in distribution there (they never agree draw for draw across frameworks).
- `torch.nn.LazyLinear(out, bias=)` -> `TorchLazyLinear(...)`: the same, in_features taken from the first input,
  the weight drawn then (torch materialises it then; twin runs draw both there).
- `torch.nn.Sequential(*modules)` -> `TorchSequential(...)`: calls them in order; `model[i]`, slices, len(),
  iteration, append(); parameters() lists each module's in turn, each parameter once, as torch does.
  `torch.nn.ModuleList(modules)` -> `TorchSequential(*modules)` (what a ModuleList has, Sequential has too).
- `torch.nn.Conv2d(...)` -> `TorchConv2d(...)`, `torch.nn.MaxPool2d(...)` -> `TorchMaxPool2d(...)`: torch's NCHW inputs
  and (out, in, kh, kw) weight stay as they are (the program's reshapes and flatten order are written for them);
  TF's CPU kernels take NHWC only, so the helpers transpose there and back (semantics E3). Padding as an int, a pair,
  'valid' or 'same' (stride 1, where torch's split equals TF's SAME, E4), stride, dilation, no bias; groups other
  than 1, another padding_mode, ceil_mode, a pooling dilation or return_indices are refused. TorchConv2d draws what
  torch.nn.Conv2d draws (kaiming_uniform_(a=sqrt(5)) bounds, then the bias's), in the same layout and order.
  Max pooling ties (equal values in one window): both frameworks sent the gradient to the window's first maximum
  (row-major) in a check on TF 2.21 / torch 2.13 CPU, overlapping windows included; neither documents it.
- torch.nn.functional forms of these modules (`F.max_pool2d(x, 2)`) -> the helper called on the input
  (`TorchMaxPool2d(2)(x)`): the table's "functional".
- Arguments whose only accepted values compute what the helper computes (`padding_mode='zeros'`, `groups=1`,
  `dtype=torch.float32`) are not passed on.
- `torch.nn.Flatten(start_dim, end_dim)` -> `TorchFlatten(...)`; activation modules (`ReLU()`, `Tanh()`, ...) ->
  the TF function (`tf.nn.relu`): they hold nothing, and calling either computes the same.
- The mapping is data: translator/torch_nn_table.json (which also names the helpers, for the way back).

- `torch.nn.Dropout(p)` -> `TorchDropout(p)`: drops in training mode (until eval(), as torch), with TF's generator.
- `torch.nn.init.xavier_uniform_(self.fc.weight)` and the like, as statements -> `self.fc.weight.assign(...)`, drawing
  through Keras initialisers with torch's distribution and layout (in twin runs from the weights stream, as torch).

Codes:
  TG517 error    a torch.nn module argument or argument value with no exact TF translation (`inplace=True`, a dtype
                 other than float32, `Softmax()` without dim, a Sequential of an OrderedDict, `Conv2d(groups=2)`,
                 `MaxPool2d(ceil_mode=True)`), a torch.nn.init call other than a statement filling a parameter: left
                 as is
  TG517 warning  a Dropout: in training mode its mask is drawn by TF's generator, so a plain run's values differ
                 from torch's (twin runs draw both from one stream)
"""
from __future__ import annotations

import functools
import json
import re
from importlib import resources

import libcst as cst

from .. import table as api_table
from ..codegen import code_of
from ..templates import parse_template_expression
from .ops import same_value
from .torch_plan import paren

CODE = "TG517"

# The TF modules the output defines, by the table's "helper" name ({name}: the name the output gives the class,
# {base}: the name of the "Module" helper every other one derives from).
HELPERS = {"Module": '''
class {name}(tf.Module):
    """What every torch.nn module has: forward(), train()/eval() and `training` (no layer translated to TF computes
    differently in training mode: no Dropout, no BatchNorm)."""

    training = True

    def forward(self, *args, **kwargs):  # a class defining forward() replaces this; its __call__ calls forward()
        return self(*args, **kwargs)

    def train(self, mode=True):
        self.training = mode
        for value in [*vars(self).values(), *getattr(self, "layers", ())]:  # submodules, a Sequential's modules
            if isinstance(value, {name}):
                value.train(mode)
        return self

    def eval(self):
        return self.train(False)
''', "Linear": '''
class {name}({base}):
    """torch.nn.Linear: input @ weight.T + bias, with torch's weight layout (out_features, in_features) and
    parameters() order (weight, bias). Starts as twin runs start torch.nn.Linear: glorot-uniform drawn in the
    (in, out) layout and transposed, zero bias (torch's own default draws U(-k, k), k = 1/sqrt(in_features))."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        kernel = tf.keras.initializers.GlorotUniform()((in_features, out_features))
        self.weight = tf.Variable(tf.transpose(kernel))
        self.bias = tf.Variable(tf.zeros([out_features])) if bias else None

    def __call__(self, input):
        output = tf.einsum("...i,oi->...o", input, self.weight)  # 1-D inputs too, as torch
        return output if self.bias is None else output + self.bias

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def named_parameters(self):
        return [("weight", self.weight)] + ([] if self.bias is None else [("bias", self.bias)])
''', "LazyLinear": '''
class {name}({base}):
    """torch.nn.LazyLinear: torch.nn.Linear whose in_features is the last axis of its first input. Its weight and
    bias exist from the construction without a shape (an optimizer made before the first call updates them, as it
    updates torch's uninitialised parameters) and are filled at the first call as twin runs fill torch's then:
    glorot-uniform drawn in the (in, out) layout and transposed, zero bias."""

    def __init__(self, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = 0, out_features
        self.weight = tf.Variable(tf.zeros([0]), shape=tf.TensorShape(None))
        self.bias = tf.Variable(tf.zeros([0]), shape=tf.TensorShape(None)) if bias else None

    def __call__(self, input):
        if self.in_features == 0:
            self.in_features = input.shape[-1]
            kernel = tf.keras.initializers.GlorotUniform()((self.in_features, self.out_features))
            self.weight.assign(tf.transpose(kernel))
            if self.bias is not None:
                self.bias.assign(tf.zeros([self.out_features]))
            # a shapeless variable keeps no shape when assigned; Keras optimizers make their slots from it
            for variable in self.parameters():
                variable._shape = tf.TensorShape(variable.value().shape)
        output = tf.einsum("...i,oi->...o", input, self.weight)
        return output if self.bias is None else output + self.bias

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def named_parameters(self):
        return [("weight", self.weight)] + ([] if self.bias is None else [("bias", self.bias)])
''', "Sequential": '''
class {name}({base}):
    """torch.nn.Sequential: calls its modules in order; indexing, slices, len() and iteration as torch's;
    parameters() lists each module's in turn, each parameter once (torch's order)."""

    def __init__(self, *modules):
        super().__init__()
        self.layers = list(modules)

    def __call__(self, input):
        for module in self.layers:
            input = module(input)
        return input

    def __getitem__(self, index):
        return {name}(*self.layers[index]) if isinstance(index, slice) else self.layers[index]

    def __len__(self):
        return len(self.layers)

    def append(self, module):
        self.layers.append(module)
        return self

    def extend(self, modules):
        self.layers.extend(modules)
        return self

    def __iter__(self):
        return iter(self.layers)

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def named_parameters(self):
        named = []
        for i, module in enumerate(self.layers):
            for key, p in getattr(module, "named_parameters", list)():  # functions (activations) hold none
                if not any(p is q for _, q in named):
                    named.append((f"{i}.{key}", p))
        return named
''', "Flatten": '''
class {name}({base}):
    """torch.nn.Flatten: the axes start_dim..end_dim (inclusive) become one."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def __call__(self, input):
        shape = tf.shape(input)
        return tf.reshape(input, tf.concat([shape[:self.start_dim], [-1], shape[self.end_dim:][1:]], 0))
''', "Conv2d": '''
class {name}({base}):
    """torch.nn.Conv2d on NCHW (or unbatched CHW) inputs, with torch's weight layout (out_channels, in_channels, kh,
    kw) and parameters() order (weight, bias). TF's CPU convolution takes NHWC: the input is transposed there and
    the output back. Starts as torch.nn.Conv2d does: kaiming_uniform_(a=sqrt(5)) on the weight, then the bias from
    U(+-1/sqrt(fan_in)), at construction."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        pair = lambda value: tuple(value) if isinstance(value, (tuple, list)) else (value, value)
        self.kernel_size, self.stride, self.dilation = pair(kernel_size), pair(stride), pair(dilation)
        # 'same' (stride 1, as torch requires) pads as TF's SAME: the odd one at the bottom/right
        self.padding = padding.upper() if isinstance(padding, str) else [[0, 0], *([p, p] for p in pair(padding)),
                                                                         [0, 0]]
        fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
        bound = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + math.sqrt(5) ** 2)) / math.sqrt(fan_in))  # torch's formula
        self.weight = tf.Variable(tf.keras.initializers.RandomUniform(-bound, bound)(
            (out_channels, in_channels, *self.kernel_size)))
        bound = 1 / math.sqrt(fan_in)
        self.bias = tf.Variable(tf.keras.initializers.RandomUniform(-bound, bound)((out_channels,))) if bias else None

    def __call__(self, input):
        batched = len(input.shape) == 4
        output = tf.nn.conv2d(tf.transpose(input if batched else input[None], [0, 2, 3, 1]),
                              tf.transpose(self.weight, [2, 3, 1, 0]), self.stride, self.padding,
                              dilations=self.dilation)
        output = tf.transpose(output if self.bias is None else output + self.bias, [0, 3, 1, 2])
        return output if batched else output[0]

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def named_parameters(self):
        return [("weight", self.weight)] + ([] if self.bias is None else [("bias", self.bias)])
''', "MaxPool2d": '''
class {name}({base}):
    """torch.nn.MaxPool2d on NCHW (or unbatched CHW) inputs: TF's CPU pooling takes NHWC, so the input is transposed
    there and the output back; padding pads with -inf, which never wins, as torch's implicit padding."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        pair = lambda value: tuple(value) if isinstance(value, (tuple, list)) else (value, value)
        self.kernel_size = pair(kernel_size)
        self.stride = self.kernel_size if stride is None else pair(stride)
        self.padding = [[0, 0], *([p, p] for p in pair(padding)), [0, 0]]

    def __call__(self, input):
        batched = len(input.shape) == 4
        nhwc = tf.pad(tf.transpose(input if batched else input[None], [0, 2, 3, 1]), self.padding,
                      constant_values=float("-inf"))
        output = tf.transpose(tf.nn.max_pool2d(nhwc, self.kernel_size, self.stride, "VALID"), [0, 3, 1, 2])
        return output if batched else output[0]
''', "Dropout": '''
class {name}({base}):
    """torch.nn.Dropout: in training mode (torch's default) each element is zeroed with probability p and the rest
    scaled by 1 / (1 - p), with TF's generator; after eval() the identity."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def __call__(self, input):
        if not self.training or self.p == 0:
            return input
        return tf.zeros_like(input) if self.p == 1 else tf.nn.dropout(input, rate=self.p)
'''}


@functools.lru_cache(maxsize=None)
def load() -> dict:
    return json.loads(resources.files("twingrad.translator").joinpath("torch_nn_table.json").read_text())


def module_spec(qualified: str | None) -> dict | None:
    return load()["modules"].get(qualified or "")


class TorchNNRule:
    code = CODE

    def __init__(self, ctx):
        self.ctx = ctx
        self.helpers: dict[str, str] = {}  # helper kind -> the name the output gives it

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.is_consumed(original.func):
            return updated  # an earlier rule's (torch_keras_helpers.py: a module standing for a Keras layer)
        qualified = self.ctx.qualname(original.func)
        if qualified in load()["init"]:
            return self._init(original, updated, load()["init"][qualified], qualified)
        functional = load()["functional"].get(qualified or "")
        if functional is not None:
            return self._functional(original, updated, functional, qualified)
        spec = module_spec(qualified)
        if spec is None:
            return updated
        self.ctx.consume(original.func)
        params = api_table.parse_side("torch", spec["signature"]).params
        return self._module(original, updated, spec, params, f"torch.nn.{qualified.split('.')[-1]}")

    def _functional(self, original: cst.Call, updated: cst.Call, functional: dict, qualified: str):
        """`F.max_pool2d(x, 2)` -> `TorchMaxPool2d(2)(x)`: the module the table gives for the function, called on the
        function's input."""
        self.ctx.consume(original.func)
        params = api_table.parse_side("torch", functional["signature"]).params
        what = qualified.replace("torch.nn.functional.", "F.", 1)
        first = next((k for k, a in enumerate(original.args) if (a.keyword.value == params[0].name if a.keyword
                      else k == 0 and not a.star)), None)
        if first is None:
            return self._refuse(original, f"{what} without its input is not translated")
        module = self._module(original, updated.with_changes(args=[a for k, a in enumerate(updated.args)
                                                                    if k != first]),
                              module_spec(functional["module"]), params[1:], what, first)
        if module is original:
            return original  # refused
        return cst.Call(func=module, args=[cst.Arg(updated.args[first].value)])

    def _module(self, original: cst.Call, updated: cst.Call, spec: dict, params: list, what: str,
                skip: int | None = None):
        """The helper call or TF form for a torch.nn module's construction whose arguments (those of original but
        the one at skip: a function's input) bind to params; original when refused."""
        positional = [p for p in params if p.kind == "positional"]
        # the helper takes torch's positional parameters in torch's order
        order = [p.name for p in api_table.parse_side("torch", spec["signature"]).params]
        args, values = [], {}
        given = [a for k, a in enumerate(original.args) if k != skip]
        for i, (before, after) in enumerate(zip(given, updated.args)):
            varargs = params and params[0].kind == "varargs" and before.keyword is None
            name = params[0].name if varargs else before.keyword.value if before.keyword else (
                positional[i].name if i < len(positional) else None)
            exact = spec["exact"].get(name)
            if before.star or exact is None:
                return self._refuse(original, f"{what}: argument {name or i + 1!r} is not translated")
            if exact == "ignored":
                continue
            if exact == "modules" and isinstance(before.value, cst.Call) and not self.ctx.is_consumed(
                    before.value.func) and (self.ctx.qualname(before.value.func) or "").startswith("collections."):
                return self._refuse(original, f"{what} of named modules is not translated")
            mapped = spec.get("values", {}).get(name, {})
            if exact == "values":
                literal = next((v for k, v in mapped.items() if same_value(code_of(before.value), k)), None)
                if literal is None:
                    return self._refuse(original, f"{what}({name}={code_of(before.value)}) has no exact "
                                                  "TF translation")
                after = after.with_changes(value=cst.parse_expression(literal))
            if exact == "int" and not _is_int(before.value) or isinstance(exact, list) and not any(
                    same_value(code_of(before.value), v) for v in exact):
                return self._refuse(original, f"{what}({name}={code_of(before.value)}) has no exact TF "
                                              "translation")
            values[name] = after.value
            if isinstance(exact, list):
                continue  # a listed value computes what the helper computes: it takes no such argument
            by_position = after.keyword is None and len(args) == i and order[i:i + 1] == [name]
            args.append(after if by_position or varargs else _kwarg(name, after.value))
        self.ctx.ref("tensorflow.Module")  # the helpers and templates use tf
        if "random" in spec and not (given and same_value(code_of(given[0].value), "0")):
            self.ctx.report(original, CODE, f"{what}: {spec['random']}", level="warning")
        if "tf" in spec:
            slots = {}
            for p in params:
                if "{%s}" % p.name in spec["tf"]:
                    if p.name not in values and p.default in (None, "None"):
                        return self._refuse(original, f"{what} without {p.name}= is not translated")
                    default = spec.get("values", {}).get(p.name, {}).get(p.default, p.default)
                    slots[p.name] = values.get(p.name) or cst.parse_expression(default)
            result = parse_template_expression(self._aliased(spec["tf"]), **slots)
            # `(lambda input: ...)(x)`: a lambda called or used in an operation needs its parentheses
            return result.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) \
                if isinstance(result, cst.Lambda) else result
        if spec.get("unpack"):  # the helper takes the modules one by one
            args = [a.with_changes(star="*") for a in args]
        kept = args if len(args) < len(updated.args) or any(a is not b for a, b in zip(args, updated.args)) else None
        return updated.with_changes(func=cst.Name(self.helper(spec["helper"])),
                                    args=updated.args if kept is None else _commas(kept))

    def _init(self, original: cst.Call, updated: cst.Call, spec: dict, qualified: str) -> cst.BaseExpression:
        """`torch.nn.init.f_(self.fc.weight, ...)` as a statement -> `self.fc.weight.assign(...)`."""
        self.ctx.consume(original.func)
        params = api_table.parse_side("torch", spec["signature"]).params
        statement = self.ctx.statements[-1]
        values = {}
        for i, (before, after) in enumerate(zip(original.args, updated.args)):
            name = before.keyword.value if before.keyword else (params[i].name if i < len(params) else None)
            exact = spec.get("exact", {}).get(name)
            if before.star or name not in {p.name for p in params} or exact is not None and not any(
                    same_value(code_of(before.value), v) for v in exact):
                return self._refuse(original, f"{qualified}: argument {name or i + 1!r} is not translated")
            values[name] = after.value
        if not (isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Expr)
                and statement.body[0].value is original and isinstance(original.args[0].value, cst.Attribute)
                and not original.args[0].keyword):
            return self._refuse(original, f"{qualified} is translated only as a statement filling a parameter "
                                          "(`self.fc.weight`)")
        slots = {p.name: paren(values.get(p.name) or cst.parse_expression(p.default)) for p in params
                 if "{%s}" % p.name in spec["tf"]}
        value = parse_template_expression(self._aliased(spec["tf"]), **slots)
        return parse_template_expression("{p}.assign({v})", p=values["tensor"], v=value)

    def _aliased(self, code: str) -> str:
        """The code with `tf.` as the output imports TensorFlow (`tensorflow.` where the file takes the name tf)."""
        return re.sub(r"\btf\.", code_of(self.ctx.ref("tensorflow")) + ".", code)

    def _refuse(self, original: cst.Call, message: str) -> cst.Call:
        self.ctx.report(original, CODE, f"{message}; left as is")
        return original

    def helper(self, kind: str) -> str:
        """The name of a helper class the output defines (the Module rule derives translated classes from
        "Module")."""
        if not self.helpers:
            self.helpers["Module"] = self.ctx.new_name("TorchModule")  # the base, defined first
            self.ctx.ref("tensorflow.Module")
        if kind not in self.helpers:
            self.helpers[kind] = self.ctx.new_name("Torch" + kind)
            if "math." in HELPERS[kind]:
                self.ctx.ref("math.__name__")
        return self.helpers[kind]

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        self.ctx.define_at_top([self._aliased(HELPERS[kind]).replace("{name}", name).replace("{base}",
                                self.helpers["Module"]) for kind, name in self.helpers.items()])
        return updated


def _is_int(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        expr = expr.expression
    return isinstance(expr, cst.Integer)


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))


def _commas(args: list[cst.Arg]) -> list[cst.Arg]:
    space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=space if i < len(args) - 1 else cst.MaybeSentinel.DEFAULT)
            for i, a in enumerate(args)]
