"""Keras layers and models → torch.nn modules with Keras' numbers and the variables Keras shows the program.

- `keras.layers.Dense(units, activation=..., use_bias=...)` → a small module the output defines (`KerasDense`).
  torch.nn.Linear stores its weight as (out, in) and creates it in its constructor; Keras stores the kernel as
  (in, out) and creates it at the first call, when the input width is known (semantics.md E1, E2). The helper does
  what Keras does, so everything the program can see (`layer.kernel`, `layer.trainable_variables`, gradients and
  jacobians with respect to them, `kernel.assign_sub(...)`) has Keras' shapes, order ([kernel, bias]) and values:
  glorot-uniform kernel, zero bias, drawn at the first call (in twin runs from the weights stream, kernel/draws.py).
  kernel_regularizer= / bias_regularizer= (the table's l1/l2, or their strings) become functions of the weight, which
  the helper marks (`keras_regularizer`): KerasLayer.losses adds their values, as Keras' losses does.
- `keras.layers.BatchNormalization` → `KerasBatchNormalization`, defined likewise: Keras' momentum, epsilon and biased
  moving variance (E6), batch statistics only under training=True (Keras infers by default, torch modules train: E7).
  Keras passes a model's training flag on to its layers and torch does not, so inside a model such a layer must be
  called with an explicit training= (else TG401).
- Activations given as strings ('relu') or functions (tf.nn.relu, keras.activations.elu) are translated through
  api_table.json, like a call of that function on one tensor.
- `keras.Sequential([...])` → `KerasSequential(...)`, an nn.Sequential converting its input as Keras does and passing
  training= on; `.add` → `.append`. Given its input shape, Keras builds every layer at construction: so do the
  helpers then.
- `keras.layers.Conv2D` → `KerasConv2D`, `MaxPooling2D` (and its alias `MaxPool2D`) → `KerasMaxPooling2D`: Keras'
  NHWC inputs and (kh, kw, in, out) kernel stay as they are (the program's reshapes and Flatten order are written for
  them); torch convolves and pools NCHW, so the helpers permute there and back (E3, E5). 'same' padding is TF's
  SAME, an odd total's extra row and column at the end, with strides too (E4). KerasConv2D draws Keras' glorot-uniform
  (fans kh*kw*in, kh*kw*out) at the first call, as KerasDense. Refused: channels_first, groups, pooling with 'same'.
  A Sequential given an image's shape builds at construction: each KerasConv2D gets input_shape= its input's shape,
  computed from literal arguments as Keras computes it (the way back writes the first as the Input's shape).
  Max pooling ties (equal values in one window): both frameworks sent the gradient to the window's first maximum
  (row-major) in a check on TF 2.21 / torch 2.13 CPU, overlapping windows included; neither documents it.
- Arguments whose only accepted values compute what the helper computes (`data_format='channels_last'`,
  `kernel_initializer='glorot_uniform'`) are not passed on.
- LayerNormalization (last axis) → a helper with Keras' epsilon (E9); Embedding → a helper with Keras' initialiser.
- Flatten, ReLU, Softmax → torch.nn modules; Dropout and Activation → helpers (Dropout drops only under
  training=True, E7/E8).
- Keras metrics (`keras.metrics.Mean`, the accuracies, MeanSquaredError, MeanAbsoluteError; the table's metrics) →
  helper classes (`KerasMean` and classes deriving from it) accumulating Keras' float32 total and count from the
  per-sample values Keras computes (its argmax, squeezes and sample weights); PyTorch has no metric objects.
- The functional API (`keras.Input`, layers called on it, `keras.Model(inputs, outputs)`): tf_keras_functional.py,
  with the helpers `KerasTensor` and `KerasFunctional` defined here.
- Subclasses of keras.Model / keras.layers.Layer → subclasses of `KerasLayer`, an nn.Module converting inputs as
  Keras does (arrays to tensors, floating ones to float32), running `build(input_shape)` before the first call and
  implementing `add_weight` (`trainable=False`: a buffer, listed after the parameters as Keras lists non-trainable
  weights; `dtype=`: that dtype); `call` is renamed `forward`.
  Keras 3 does not track a bare `tf.Variable` a layer holds (it is in no `trainable_variables`): it stays a plain
  leaf tensor.
- `m.trainable_variables` / `variables` / `weights` / `layers` of a Keras object → the module's parameters or
  children. torch lists a module's own parameters, then each submodule's in assignment order: Keras' order (own
  weights, then tracked sublayers in assignment order), whereas tf.Module sorts by attribute name (tf_module.py).

Codes:
  TG401 error    a Keras layer argument, model method or attribute with no exact torch translation (compile/fit,
                 other initialisers, regularizers, add_weight forms, ...), or a variable list of an object that
                 could be a Keras model or a tf.Module: left as is
  TG402 warning  a layer drawing random numbers when training (Dropout): under training=True its values differ
"""
from __future__ import annotations

import ast
import functools
import json
import re
from collections import defaultdict
from importlib import resources

import libcst as cst

from .. import table as api_table
from ..codegen import code_of
from ..rewrite import dotted
from ..templates import parse_template_expression
from .ops import Call, Unmatched, same_value

CODE = "TG401"
# Keras lists holding non-trainable variables, a seed generator's state among them
SEED_LISTS = ("variables", "weights", "non_trainable_variables", "non_trainable_weights")
# variable lists an optimizer built over a Keras object or tf.Module updates: its parameters
OPTIMIZED_LISTS = ("trainable_variables", "trainable_weights", "variables", "weights")
TF_MODULE = "tensorflow.Module"

# The modules the output defines for Keras layers torch has no exact counterpart of, by the table's "helper" name.
HELPERS = {"Dense": '''
class {name}(torch.nn.Module):
    """keras.layers.Dense: activation(x @ kernel + bias) with Keras' kernel layout (in, out), initialisation
    (glorot-uniform kernel, zero bias) and timing (weights made at the first call, from the input's width)."""

    def __init__(self, units, activation=None, use_bias=True, kernel_regularizer=None, bias_regularizer=None,
                 input_dim=None):
        super().__init__()
        self.units, self.activation = units, activation
        # Registered now, shaped once the input width is known: at the first call, or here in a Sequential given
        # its input shape (when Keras builds too). An optimizer built before the first call still updates them.
        self.kernel = torch.nn.UninitializedParameter()
        self.bias = torch.nn.UninitializedParameter() if use_bias else None
        self.kernel.keras_regularizer = kernel_regularizer  # a Keras layer's losses add regularizer(weight)
        if self.bias is not None:
            self.bias.keras_regularizer = bias_regularizer
        if input_dim is not None:
            self.build(input_dim)

    def build(self, input_dim):
        self.kernel.materialize((input_dim, self.units))
        torch.nn.init.xavier_uniform_(self.kernel)
        if self.bias is not None:
            self.bias.materialize((self.units,))
            torch.nn.init.zeros_(self.bias)

    def forward(self, x, training=None):  # Keras layers accept training= (Dense ignores it)
        x = torch.as_tensor(x)
        if x.is_floating_point():
            x = x.to(torch.float32)  # Keras casts floating inputs to the layer's float32
        if isinstance(self.kernel, torch.nn.UninitializedParameter):
            self.build(x.shape[-1])
        y = x @ self.kernel
        if self.bias is not None:
            y = y + self.bias
        return y if self.activation is None else self.activation(y)
''', "Conv2D": '''
class {name}(torch.nn.Module):
    """keras.layers.Conv2D on NHWC inputs, with Keras' kernel layout (kh, kw, in, out), initialisation (glorot-uniform
    kernel, Keras' fans kh*kw*in and kh*kw*out; zero bias) and timing (weights made at the first call, from the
    input's channels). torch convolves NCHW: the input is permuted there and the output back."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1, activation=None,
                 use_bias=True, input_shape=None):
        super().__init__()
        pair = lambda value: tuple(value) if isinstance(value, (tuple, list)) else (value, value)
        self.filters, self.kernel_size, self.strides = filters, pair(kernel_size), pair(strides)
        self.padding, self.dilation_rate, self.activation = padding.lower(), pair(dilation_rate), activation
        # Registered now, shaped once the input's channels are known: at the first call, or here in a Sequential
        # given its input shape (when Keras builds too), as in KerasDense.
        self.kernel = torch.nn.UninitializedParameter()
        self.bias = torch.nn.UninitializedParameter() if use_bias else None
        if input_shape is not None:
            self.build(input_shape[-1])

    def build(self, channels):
        self.kernel.materialize((*self.kernel_size, channels, self.filters))
        fan_in, fan_out = (self.kernel_size[0] * self.kernel_size[1] * n for n in (channels, self.filters))
        limit = math.sqrt(3.0 * (1.0 / max(1.0, (fan_in + fan_out) / 2.0)))  # as Keras computes it
        torch.nn.init.uniform_(self.kernel, -limit, limit)
        if self.bias is not None:
            self.bias.materialize((self.filters,))
            torch.nn.init.zeros_(self.bias)

    def forward(self, x, training=None):  # Keras layers accept training= (Conv2D ignores it)
        x = torch.as_tensor(x)
        if x.is_floating_point():
            x = x.to(torch.float32)  # Keras casts floating inputs to the layer's float32
        if isinstance(self.kernel, torch.nn.UninitializedParameter):
            self.build(x.shape[-1])
        x = x.permute(0, 3, 1, 2)
        if self.padding == "same":  # TF's SAME: ceil(size / stride) outputs, an odd padding's extra at the end
            pads = []
            for size, k, stride, rate in zip(x.shape[2:], self.kernel_size, self.strides, self.dilation_rate):
                total = max((-(-size // stride) - 1) * stride + (k - 1) * rate + 1 - size, 0)
                pads = [total // 2, total - total // 2, *pads]  # torch's pad lists the last axis first
            x = torch.nn.functional.pad(x, pads)
        y = torch.nn.functional.conv2d(x, self.kernel.permute(3, 2, 0, 1), self.bias, self.strides, 0,
                                       self.dilation_rate).permute(0, 2, 3, 1)
        return y if self.activation is None else self.activation(y)
''', "MaxPooling2D": '''
class {name}(torch.nn.Module):
    """keras.layers.MaxPooling2D with 'valid' padding on NHWC inputs: torch pools NCHW, so the input is permuted there
    and the output back."""

    def __init__(self, pool_size=2, strides=None):
        super().__init__()
        self.pool_size, self.strides = pool_size, pool_size if strides is None else strides

    def forward(self, x, training=None):
        x = torch.as_tensor(x)
        if x.is_floating_point():
            x = x.to(torch.float32)  # Keras casts floating inputs to the layer's float32
        return torch.nn.functional.max_pool2d(x.permute(0, 3, 1, 2), self.pool_size, self.strides).permute(0, 2, 3, 1)
''', "BatchNormalization": '''
class {name}(torch.nn.Module):
    """keras.layers.BatchNormalization: batch statistics only when called with training=True (Keras infers by
    default), epsilon 1e-3, biased batch variance, moving = momentum * moving + (1 - momentum) * batch."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, input_dim=None):
        super().__init__()
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        # Registered now, shaped once the width of the normalised axis is known (as in KerasDense).
        self.gamma = torch.nn.UninitializedParameter() if scale else None
        self.beta = torch.nn.UninitializedParameter() if center else None
        self.moving_mean = torch.nn.UninitializedBuffer()
        self.moving_variance = torch.nn.UninitializedBuffer()
        if input_dim is not None:
            self.build(input_dim)

    def build(self, width):
        for weight, value in ((self.gamma, 1.0), (self.beta, 0.0), (self.moving_mean, 0.0),
                              (self.moving_variance, 1.0)):
            if weight is not None:
                weight.materialize((width,))
                torch.nn.init.constant_(weight, value)

    def forward(self, x, training=None):
        x = torch.as_tensor(x)
        if x.is_floating_point():
            x = x.to(torch.float32)  # Keras casts floating inputs to the layer's float32
        axis = self.axis % x.dim()
        if isinstance(self.moving_mean, torch.nn.UninitializedBuffer):
            self.build(x.shape[axis])
        if training:
            dims = [d for d in range(x.dim()) if d != axis]
            mean, variance = x.mean(dims), x.var(dims, correction=0)
            with torch.no_grad():
                self.moving_mean.copy_(self.moving_mean * self.momentum + mean * (1.0 - self.momentum))
                self.moving_variance.copy_(self.moving_variance * self.momentum + variance * (1.0 - self.momentum))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        inv = torch.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * self.gamma
        offset = -mean * inv if self.beta is None else self.beta - mean * inv
        shape = [-1 if d == axis else 1 for d in range(x.dim())]
        return x * inv.reshape(shape) + offset.reshape(shape)
''', "Layer": '''
class {name}(torch.nn.Module):
    """keras.layers.Layer / keras.Model: inputs converted as Keras converts them (arrays to tensors, floating ones to
    float32), build(input_shape) before the first call, add_weight() initialising as Keras does."""
    # add_loss() and losses as in Keras: the losses of the last outermost call, this layer's then its sublayers'
    calling = False  # inside the call of a layer (Keras' call context)

    def __call__(self, *args, **kwargs):
        args = [self.keras_input(a) for a in args]
        if not getattr(self, "built", False):
            if type(self).build is not {name}.build:  # only a build() of the subclass needs the shape
                self.build(tuple(args[0].shape))
            self.built = True
        if {name}.calling:
            return super().__call__(*args, **kwargs)
        for module in torch.nn.Module.modules(self):  # no losses at an outermost call (Keras); self.modules may be the user's
            module.__dict__.pop("keras_losses", None)
        {name}.calling = True
        try:
            return super().__call__(*args, **kwargs)
        finally:
            {name}.calling = False

    def add_loss(self, loss):
        self.__dict__.setdefault("keras_losses", []).extend(loss if isinstance(loss, (list, tuple)) else [loss])

    @property
    def losses(self):
        """This layer's add_loss() values, then its sublayers' in Keras' order (_flatten_layers), then the
        regularizers' values of its built weights."""
        losses, seen, pending = list(self.__dict__.get("keras_losses", [])), set(), list(self.children())
        while pending:
            layer = pending.pop(0)
            if id(layer) not in seen:
                seen.add(id(layer))
                losses.extend(layer.__dict__.get("keras_losses", []))
                pending[0:0] = list(layer.children())[::-1]  # Keras' deque.extendleft
        return losses + [w.keras_regularizer(w) for w in self.parameters() if getattr(w, "keras_regularizer", None)
                         is not None and not isinstance(w, torch.nn.UninitializedParameter)]

    @staticmethod
    def keras_input(x):
        if torch.is_tensor(x) or hasattr(x, "__array__"):
            x = torch.as_tensor(x)
            return x.to(torch.float32) if x.is_floating_point() else x
        return x

    def build(self, input_shape):
        pass

    def add_weight(self, shape=(), initializer=None, dtype=None, trainable=True, name=None):
        dtype = dtype if dtype is None or isinstance(dtype, torch.dtype) else getattr(torch, dtype)
        weight = self.keras_initialized(torch.empty(tuple(shape), dtype=dtype), initializer)
        # a non-trainable weight is a buffer: registered when assigned, in the module's buffers(), not parameters()
        return torch.nn.Parameter(weight) if trainable else torch.nn.Buffer(weight)

    @staticmethod
    def keras_initialized(weight, initializer):
        shape = tuple(weight.shape)
        if initializer in ("zeros", "ones"):
            return torch.nn.init.constant_(weight, float(initializer == "ones"))
        if initializer in ("random_normal", "random_uniform"):
            init = torch.nn.init.normal_ if initializer == "random_normal" else torch.nn.init.uniform_
            return init(weight, *((0.0, 0.05) if initializer == "random_normal" else (-0.05, 0.05)))
        # variance scaling, Keras' fans: glorot (the default), he and lecun, uniform or truncated normal
        family, _, distribution = (initializer or "glorot_uniform").partition("_")
        receptive = math.prod(shape[:-2])
        fan_in, fan_out = (shape[-2] * receptive, shape[-1] * receptive) if len(shape) > 1 else (
            (shape[0], shape[0]) if shape else (1, 1))
        scale = (2.0 if family == "he" else 1.0) / max(1.0, (fan_in + fan_out) / 2.0 if family == "glorot" else fan_in)
        if distribution == "uniform":
            limit = math.sqrt(3.0 * scale)
            return torch.nn.init.uniform_(weight, -limit, limit)
        std = math.sqrt(scale) / 0.87962566103423978  # the std of a normal cut at 2 std is 0.8796 of its own
        return torch.nn.init.trunc_normal_(weight, 0.0, std, -2.0 * std, 2.0 * std)
''', "Sequential": '''
class {name}(torch.nn.Sequential):
    """keras.Sequential: converts its input as Keras does (arrays to tensors, floating ones to float32) and passes its
    training flag on to the layers that take one."""

    def forward(self, x, training=None):
        if torch.is_tensor(x) or hasattr(x, "__array__"):
            x = torch.as_tensor(x)
            x = x.to(torch.float32) if x.is_floating_point() else x
        for layer in self:
            takes_it = training is not None and "training" in inspect.signature(layer.forward).parameters
            x = layer(x, training=training) if takes_it else layer(x)
        return x
''', "Tensor": '''
class {name}(object):
    """keras.Input and the outputs of layers called on such inputs: Keras' symbolic tensors, with their shape (batch
    axis None), dtype and the layer call making them. Keras builds a layer (draws its weights) when it is called on
    one: here the layer runs once on a batch of one of zeros of that shape, which builds it from that shape too."""

    def __init__(self, shape, dtype=None, name=None):
        self.dtype = dtype if isinstance(dtype, torch.dtype) else getattr(torch, dtype or "float32")
        self.value = torch.zeros((1, *shape), dtype=self.dtype)
        self.shape, self.name, self.layer, self.args, self.kwargs = (None, *shape), name, None, (), {}

    @classmethod
    def of(cls, layer, *args, **kwargs):
        """layer(*args, **kwargs) on symbolic tensors (nested in lists, tuples and dicts as Keras allows)."""
        out = cls.__new__(cls)
        with torch.no_grad():
            out.value = layer(*cls.fill(args, lambda t: t.value), **cls.fill(kwargs, lambda t: t.value))
        out.shape, out.dtype, out.name = (None, *out.value.shape[1:]), out.value.dtype, None
        out.layer, out.args, out.kwargs = layer, args, kwargs
        return out

    @classmethod
    def fill(cls, structure, value):
        """The structure with value(t) for each symbolic tensor t in it."""
        if isinstance(structure, cls):
            return value(structure)
        if isinstance(structure, (list, tuple)):
            return type(structure)(cls.fill(s, value) for s in structure)
        if isinstance(structure, dict):
            return {k: cls.fill(s, value) for k, s in structure.items()}
        return structure

    def parents(self):
        found = []
        self.fill([self.args, self.kwargs], found.append)
        return found
''', "Functional": '''
class {name}(torch.nn.Module):
    """keras.Model(inputs, outputs) of Keras' symbolic tensors: the layers are registered in Keras' order (by depth
    from the inputs, then in the order first reached from the outputs), so parameters() lists Keras' weights in Keras'
    order; a call converts each input to its Input's dtype (a last axis of 1 lined up as Keras does) and runs the layer
    calls in Keras' order, passing training= on to the layers taking it (when given)."""

    def __init__(self, inputs, outputs, name=None):
        super().__init__()
        self.inputs, self.outputs = inputs, outputs
        operation = lambda t: t if t.layer is None else t.layer  # an Input stands for its InputLayer
        order, indices = [], {}  # Keras' map_graph: the layer calls depth-first from the outputs
        def reach(t):
            if t not in order:
                indices.setdefault(operation(t), len(indices))
                for parent in t.parents():
                    reach(parent)
                order.append(t)
        for t in self.flat(outputs):
            reach(t)
        depths, operation_depths = {}, {}  # a call's depth: the most layer calls between it and an output
        for t in reversed(order):
            depth = max(depths.setdefault(t, 0), operation_depths.get(operation(t), 0))
            operation_depths[operation(t)] = depths[t] = depth
            for parent in t.parents():
                depths[parent] = max(depth + 1, depths.get(parent, 0))
        ranked = sorted(set(operation_depths.values()), reverse=True)
        layers = [op for d in ranked for op in sorted((o for o in operation_depths if operation_depths[o] == d),
                                                      key=indices.get) if isinstance(op, torch.nn.Module)]
        for i, layer in enumerate(layers):
            self.add_module(str(i), layer)
        self.calls = [t for d in ranked for t in depths if depths[t] == d and t.layer is not None]

    def flat(self, structure):
        found = []
        {Tensor}.fill(structure, found.append)
        return found

    def forward(self, inputs, training=None):
        expected = self.flat(self.inputs)
        if isinstance(inputs, dict) and not isinstance(self.inputs, dict):
            inputs = [inputs[t.name] for t in expected]  # Keras takes a dict by the Inputs' names
        values = {}
        for t, x in zip(expected, inputs if isinstance(inputs, (list, tuple)) else [inputs]):
            x = torch.as_tensor(x).to(t.dtype)
            if x.dim() == len(t.shape) + 1 and x.shape[-1] == 1:
                x = x.squeeze(-1)
            elif x.dim() == len(t.shape) - 1 and t.shape[-1] == 1:
                x = x.unsqueeze(-1)
            values[t] = x
        for t in self.calls:
            args, kwargs = {Tensor}.fill(t.args, values.__getitem__), {Tensor}.fill(t.kwargs, values.__getitem__)
            if training is not None and "training" in inspect.signature(t.layer.forward).parameters:
                kwargs = {**kwargs, "training": training}
            values[t] = t.layer(*args, **kwargs)
        outputs = {Tensor}.fill(self.outputs, values.__getitem__)
        return outputs[0] if isinstance(outputs, (list, tuple)) and len(outputs) == 1 else outputs
''', "LayerNormalization": '''
class {name}(torch.nn.Module):
    """keras.layers.LayerNormalization over the last axis: Keras' epsilon 1e-3 (torch's LayerNorm takes 1e-5, E9),
    gamma and beta made once the width is known (as in KerasDense)."""

    def __init__(self, epsilon=1e-3, center=True, scale=True, input_dim=None):
        super().__init__()
        self.epsilon = epsilon
        self.gamma = torch.nn.UninitializedParameter() if scale else None
        self.beta = torch.nn.UninitializedParameter() if center else None
        if input_dim is not None:
            self.build(input_dim)

    def build(self, width):
        for weight, value in ((self.gamma, 1.0), (self.beta, 0.0)):
            if weight is not None:
                weight.materialize((width,))
                torch.nn.init.constant_(weight, value)

    def forward(self, x, training=None):
        x = torch.as_tensor(x)
        if x.is_floating_point():
            x = x.to(torch.float32)  # Keras casts floating inputs to the layer's float32
        if isinstance(self.gamma if self.gamma is not None else self.beta, torch.nn.UninitializedParameter):
            self.build(x.shape[-1])
        return torch.nn.functional.layer_norm(x, (x.shape[-1],), self.gamma, self.beta, self.epsilon)
''', "Embedding": '''
class {name}(torch.nn.Module):
    """keras.layers.Embedding: the table drawn from U(-0.05, 0.05) at the first call, as Keras does (torch's Embedding
    draws N(0, 1) at construction, E2)."""

    def __init__(self, input_dim, output_dim):
        super().__init__()
        self.embeddings = torch.nn.UninitializedParameter()
        self.input_dim, self.output_dim = input_dim, output_dim

    def forward(self, ids, training=None):
        if isinstance(self.embeddings, torch.nn.UninitializedParameter):
            self.embeddings.materialize((self.input_dim, self.output_dim))
            torch.nn.init.uniform_(self.embeddings, -0.05, 0.05)
        return torch.nn.functional.embedding(torch.as_tensor(ids).long(), self.embeddings)
''', "Dropout": '''
class {name}(torch.nn.Module):
    """keras.layers.Dropout: drops only when called with training=True (Keras infers by default, E7)."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x, training=None):
        return torch.nn.functional.dropout(x, self.rate, training=bool(training))
''', "Activation": '''
class {name}(torch.nn.Module):
    """keras.layers.Activation: a function as a layer."""

    def __init__(self, activation=None):
        super().__init__()
        self.activation = activation

    def forward(self, x, training=None):
        return x if self.activation is None else self.activation(x)
''', "Mean": '''
class {name}(object):
    """keras.metrics.Mean: float32 total and count as Keras accumulates them (values reduced to one per sample first,
    weighted by sample_weight), result() = total / count, 0 before any update; calling it updates and returns result().
    Its static methods are Keras' own steps, for the metrics deriving from it."""

    def __init__(self, name="mean"):
        self.name = name
        self.reset_state()

    def reset_state(self):
        self.total, self.count = torch.tensor(0.0), torch.tensor(0.0)

    def update_state(self, values, sample_weight=None):
        values = torch.as_tensor(values).detach().to(torch.float32)
        if sample_weight is not None:
            values, sample_weight = self.same_rank(values, torch.as_tensor(sample_weight).to(torch.float32))
            rank = sample_weight.dim()
            if values.dim() > rank:
                values = values.mean(dim=tuple(range(rank, values.dim())))
            sample_weight = sample_weight.broadcast_to(values.shape)
            values = values * sample_weight
            if rank > 1:
                sample_weight = sample_weight.mean(dim=tuple(range(1, rank)))
        if values.dim() > 1:
            values = values.mean(dim=tuple(range(1, values.dim())))
        self.total = self.total + values.sum()
        count = sample_weight.sum() if sample_weight is not None else values.shape[0] if values.dim() else 1
        self.count = self.count + count

    def result(self):
        return torch.where(self.count == 0, 0.0, self.total / self.count)

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    @staticmethod
    def same_rank(x1, x2):
        """Keras' squeeze_or_expand_to_same_rank: ranks one apart over a last axis of 1 are lined up."""
        if x1.dim() == x2.dim() + 1 and x1.shape[-1] == 1:
            return (x1, x2.unsqueeze(-1)) if x2.dim() == 1 else (x1.squeeze(-1), x2)
        if x2.dim() == x1.dim() + 1 and x2.shape[-1] == 1:
            return (x1.unsqueeze(-1), x2) if x1.dim() == 1 else (x1, x2.squeeze(-1))
        return x1, x2

    @staticmethod
    def argmax(x):
        """Keras' argmax over the last axis: -0.0 counts below 0.0 (torch ties them), the first of equal maxima."""
        if x.is_floating_point():
            x = x.to(torch.promote_types(x.dtype, torch.float32))
            x = torch.where((x == 0) & torch.signbit(x), -torch.finfo(x.dtype).tiny, x)
        return x.argmax(-1)
''', "SparseCategoricalAccuracy": '''
class {name}({Mean}):
    """keras.metrics.SparseCategoricalAccuracy: the mean of argmax(y_pred) == y_true, computed as Keras does (labels
    cast to y_pred's dtype, a last label axis of 1 squeezed)."""

    def __init__(self, name="sparse_categorical_accuracy"):
        super().__init__(name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = torch.as_tensor(y_pred)
        y_true = torch.as_tensor(y_true).to(y_pred.dtype)
        shape, squeezed = y_true.shape, y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1
        if squeezed:
            y_true = y_true.squeeze(-1)
        matches = (y_true == self.argmax(y_pred).to(y_true.dtype)).to(torch.float32)
        if squeezed:
            matches = matches.reshape(shape)
        if matches.dim() > 1 and matches.shape[-1] == 1:
            matches = matches.squeeze(-1)
        super().update_state(matches, sample_weight)
''', "CategoricalAccuracy": '''
class {name}({SparseCategoricalAccuracy}):
    """keras.metrics.CategoricalAccuracy: the mean of argmax(y_pred) == argmax(y_true)."""

    def __init__(self, name="categorical_accuracy"):
        super().__init__(name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(self.argmax(torch.as_tensor(y_true)), y_pred, sample_weight)
''', "BinaryAccuracy": '''
class {name}({Mean}):
    """keras.metrics.BinaryAccuracy: the mean of (y_pred > threshold) == y_true, in y_true's dtype as Keras compares."""

    def __init__(self, name="binary_accuracy", threshold=0.5):
        super().__init__(name)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = self.same_rank(torch.as_tensor(y_true), torch.as_tensor(y_pred))
        matches = y_true == (y_pred > self.threshold).to(y_true.dtype)
        super().update_state(matches.to(torch.float32), sample_weight)
''', "Accuracy": '''
class {name}({Mean}):
    """keras.metrics.Accuracy: the mean of y_pred == y_true, y_true cast to y_pred's dtype as Keras does."""

    def __init__(self, name="accuracy"):
        super().__init__(name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = torch.as_tensor(y_pred)
        y_true, y_pred = self.same_rank(torch.as_tensor(y_true).to(y_pred.dtype), y_pred)
        super().update_state((y_true == y_pred).to(torch.float32), sample_weight)
''', "MeanSquaredError": '''
class {name}({Mean}):
    """keras.metrics.MeanSquaredError: the mean over the samples of mean(error(y_true - y_pred), axis=-1)."""
    error = staticmethod(torch.square)

    def __init__(self, name="mean_squared_error"):
        super().__init__(name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = torch.as_tensor(y_pred)
        y_true, y_pred = self.same_rank(torch.as_tensor(y_true).to(y_pred.dtype), y_pred)
        super().update_state(self.error(y_true - y_pred).mean(-1), sample_weight)
''', "MeanAbsoluteError": '''
class {name}({MeanSquaredError}):
    """keras.metrics.MeanAbsoluteError: as MeanSquaredError, with the absolute error."""
    error = staticmethod(torch.abs)

    def __init__(self, name="mean_absolute_error"):
        super().__init__(name)
'''}


@functools.lru_cache(maxsize=None)
def _load() -> dict:  # read-only once loaded
    raw = json.loads(resources.files("twingrad.translator").joinpath("keras_table.json").read_text())
    raw["layers"] = {api_table.expand(k): v for k, v in raw["layers"].items()}
    raw["aliases"] = {api_table.expand(k): api_table.expand(v) for k, v in raw["aliases"].items()}
    raw["layers"].update({alias: raw["layers"][layer] for alias, layer in raw["aliases"].items()})
    for key in ("sequential", "bases", "inputs"):
        raw[key] = {api_table.expand(k) for k in raw[key]}
    for key in ("inputs", "models"):
        raw["functional"][key] = {api_table.expand(k) for k in raw["functional"][key]}
    raw["metrics"] = {api_table.expand(k): v for k, v in raw["metrics"].items()}
    raw["regularizers"] = {api_table.expand(k): v for k, v in raw["regularizers"].items()}
    return raw


class _KerasFacts(cst.CSTVisitor):
    """Which classes are Keras classes and which names and attributes hold Keras objects (one read-only pass)."""

    def __init__(self, ctx, table: dict):
        self.ctx, self.table = ctx, table
        self.classes: set[str] = set()
        self.class_nodes: set[int] = set()
        self.tf_modules = False
        # (id of the module or function binding it, name) -> kinds of what is bound to it: "keras", "functional" (a
        # functional model), "training" (a Keras layer that computes differently under training=True), "sequential",
        # "other" (surely none) or "unknown"
        self.names: dict[tuple[int, str], set[str]] = defaultdict(set)
        self.attributes: dict[str, set[str]] = defaultdict(set)  # `x.attr = ...` -> kinds
        # as names (attributes: scope 0): bound to an instance of a Keras class of the file?
        self.own: dict[tuple[int, str], set[bool]] = defaultdict(set)
        self.stateful = False  # the file builds a layer with non-trainable variables
        self.seeded = False  # the file builds a layer holding a seed generator's state (a non-trainable variable)

    def kind(self, value: cst.BaseExpression | None) -> str:
        if isinstance(value, cst.Call):
            qualified = self.ctx.qualname(value.func)
            if qualified in self.table["sequential"]:
                return "sequential"
            spec = self.table["layers"].get(qualified)
            if spec is not None:
                return "training" if spec.get("training") else "keras"
            if isinstance(value.func, cst.Name) and value.func.value in self.classes:
                return "keras"
            if qualified in self.table["functional"]["models"] and value.args:
                return "functional"  # a functional model (tf_keras_functional.py)
        return "other"

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = [self.ctx.qualname(b.value) for b in node.bases]
        if any(b in self.table["bases"] for b in bases) or any(
                isinstance(b.value, cst.Name) and b.value.value in self.classes for b in node.bases):
            self.classes.add(node.name.value)
            self.class_nodes.add(id(node))
        self.tf_modules = self.tf_modules or TF_MODULE in bases

    def visit_Module(self, node: cst.Module) -> None:
        self._scopes = [node]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_Call(self, node: cst.Call) -> None:
        spec = self.table["layers"].get(self.ctx.qualname(node.func))
        if spec is not None:
            self.stateful = self.stateful or spec.get("state", False)
            self.seeded = self.seeded or spec.get("seeded", False)
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "add_weight" and any(
                a.keyword is not None and a.keyword.value == "trainable" and code_of(a.value) == "False"
                for a in node.args):
            self.stateful = True  # a non-trainable weight: a buffer

    def visit_Assign(self, node: cst.Assign) -> None:
        kind = self.kind(node.value)
        own = isinstance(node.value, cst.Call) and isinstance(node.value.func, cst.Name) and \
            node.value.func.value in self.classes
        for target in node.targets:
            self._bind(target.target, kind)
            if isinstance(target.target, cst.Name):
                self.own[(id(self._scopes[-1]), target.target.value)].add(own)
            elif isinstance(target.target, cst.Attribute):
                self.own[(0, target.target.attr.value)].add(own)  # `x.attr = ...`, any x

    def _bind(self, target: cst.BaseExpression, kind: str) -> None:
        if isinstance(target, cst.Name):
            self.names[(id(self._scopes[-1]), target.value)].add(kind)
        elif isinstance(target, cst.Attribute):
            self.attributes[target.attr.value].add(kind)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, "unknown")

    def visit_Param(self, node: cst.Param) -> None:
        self.names[(id(self._scopes[-1]), node.name.value)].add("unknown")  # a parameter can hold anything

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, "unknown")


class TfKerasRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self.facts: _KerasFacts | None = None
        if "keras" in ctx.text:
            self.table = _load()
            self.facts = _KerasFacts(ctx, self.table)
            ctx.share_pass(self.facts)
        self._scopes: list[str] = []  # "keras" / "class" / "function" for each enclosing class or def
        self._namespaces: list[cst.CSTNode] = []  # the module and the enclosing functions (original nodes)
        self._helpers: dict[str, str] = {}  # helper kind -> the name the output gives it
        self._sequential_firsts: set[int] = set()  # the first element of each Sequential([...]) (original calls)

    def visit_Module(self, node: cst.Module) -> None:
        self._namespaces = [node]

    # -- what an expression holds --------------------------------------------------------------------------------------
    def _kind(self, expr: cst.BaseExpression) -> str | None:
        """What the expression surely holds ('keras', 'training', 'sequential' or 'other'); None when that cannot
        be told."""
        if isinstance(expr, cst.Name):
            if expr.value == "self" and "keras" in self._scopes and self._scopes[-1] != "class":
                return "keras"
            # the innermost scope that binds the name, as Python resolves a name read in a function
            kinds = next((k for scope in reversed(self._namespaces)
                          if (k := self.facts.names.get((id(scope), expr.value)))), None)
        elif isinstance(expr, cst.Attribute):
            kinds = self.facts.attributes.get(expr.attr.value)
        else:
            kind = self.facts.kind(expr)
            return kind if kind != "other" else None
        if not kinds or len(kinds) > 1 or "unknown" in kinds:
            return None
        return next(iter(kinds))

    def _is_keras(self, expr: cst.BaseExpression) -> bool | None:
        kind = self._kind(expr)
        return None if kind is None else kind in ("keras", "training", "sequential", "functional")

    # -- classes -------------------------------------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._scopes.append("keras" if self.facts and id(node) in self.facts.class_nodes else "class")

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        if self._scopes.pop() != "keras":
            return updated
        bases = []
        for before, after in zip(original.bases, updated.bases):
            if self.ctx.qualname(before.value) in self.table["bases"]:
                self.ctx.consume(before.value)
                after = after.with_changes(value=cst.Name(self._helper("Layer")))
            bases.append(after)
        return updated.with_changes(bases=bases)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append("function")
        self._namespaces.append(node)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._scopes.pop()
        self._namespaces.pop()
        if self._scopes and self._scopes[-1] == "keras" and original.name.value == "call":
            params = updated.params
            if "training=" in self.ctx.text and not isinstance(params.star_kwarg, cst.Param) and not any(
                    p.name.value == "training" for p in (*params.params, *params.kwonly_params)):
                # Keras takes training= for any layer, whether call() has the parameter or not.
                training = cst.Param(cst.Name("training"), default=cst.Name("None"),
                                     equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                           whitespace_after=cst.SimpleWhitespace("")))
                params = params.with_changes(params=[*params.params, training])
            return updated.with_changes(name=cst.Name("forward"), params=params)
        return updated

    # -- calls ---------------------------------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if self.facts is not None and self.ctx.qualname(node.func) in self.table["sequential"] and node.args:
            layers = node.args[0].value
            if isinstance(layers, (cst.List, cst.Tuple)) and layers.elements:
                self._sequential_firsts.add(id(layers.elements[0].value))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.facts is None:
            return updated
        if "keras" in self._scopes and _is_super_init(original):
            return updated.with_changes(args=[])  # nn.Module's constructor takes no name/kwargs
        qualified = self.ctx.qualname(original.func)
        if qualified in self.table["layers"] or qualified in self.table["metrics"]:
            return self._layer(original, updated, qualified)
        if qualified in self.table["sequential"]:
            return self._sequential(original, updated, qualified)
        func = original.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_weight" and "keras" in self._scopes:
            return self._add_weight(original, updated)
        if (isinstance(func, cst.Attribute) and func.attr.value in self.table["sequential_methods"]
                and self._kind(func.value) == "sequential"):
            method = self.table["sequential_methods"][func.attr.value]
            return updated.with_changes(func=updated.func.with_changes(attr=cst.Name(method)))
        training = next((a for a in updated.args if a.keyword is not None and a.keyword.value == "training"), None)
        kind = self._kind(func)
        if kind == "training" and training is None and "keras" in self._scopes:
            return self._refuse(original, "a Keras layer called without training= inside a model follows the "
                                          "model's training flag, which torch does not pass on")
        return updated

    def _layer(self, original: cst.Call, updated: cst.Call, qualified: str) -> cst.BaseExpression:
        spec = self.table["layers"].get(qualified) or self.table["metrics"][qualified]
        what = qualified.replace("tensorflow.", "tf.", 1)
        self.ctx.consume(original.func)
        params = api_table.parse_side("tf", spec["signature"]).params
        args, values = [], {}
        for i, (before, after) in enumerate(zip(original.args, updated.args)):
            if before.star:
                return self._refuse(original, f"{what}(*args/**kwargs) cannot be checked statically")
            name = before.keyword.value if before.keyword else (params[i].name if i < len(params) else None)
            exact = spec["exact"].get(name)
            if exact is None:
                return self._refuse(original, f"{what}: argument {name or i + 1!r} is not translated")
            if exact == "ignored":
                continue
            if exact == "sequential input":
                if id(original) not in self._sequential_firsts:
                    return self._refuse(original, f"{what}({name}=...) has an effect only as the first layer of a "
                                                  "Sequential")
                continue  # the Sequential builds its layers (_sequential)
            if exact == "regularizer":
                value = self._regularizer(before.value, what)
                if value is False:
                    return original
                if value is not None:
                    args.append(_kwarg(name, value))
                continue
            if exact == "activation":
                value = self._activation(before.value, after.value, what)
                if value is False:
                    return original
                if value is not None:
                    args.append(_kwarg(name, value))
                    values[name] = value
                continue
            if exact == "int" and not _is_int(before.value) or exact not in ("*", "int") and not any(
                    same_value(code_of(before.value), v) for v in exact):
                return self._refuse(original, f"{what}({name}={code_of(before.value)}) has no exact torch translation")
            values[name] = after.value
            if isinstance(exact, list) and "helper" in spec:
                continue  # a listed value computes what the helper computes: it takes no such argument
            args.append(after if after.keyword is None and len(args) == i else _kwarg(name, after.value))
        if "random" in spec and "training=" in self.ctx.text:
            self.ctx.report(original, "TG402", spec["random"], level="warning")
        if "torch" in spec:
            self.ctx.ref("torch.nn.Module")
            slots = {p.name: values.get(p.name) or cst.parse_expression(p.default) for p in params
                     if "{%s}" % p.name in spec["torch"]}
            return parse_template_expression(spec["torch"], **slots)
        if args:  # an argument left out after it leaves no trailing comma
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return cst.Call(func=cst.Name(self._helper(spec["helper"])), args=args)

    def _add_weight(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """KerasLayer.add_weight takes what it can initialise as Keras does."""
        positional = [a for a in original.args if a.keyword is None]
        keywords = {a.keyword.value: a.value for a in original.args if a.keyword is not None}
        given = dict(zip(("shape", "initializer", "dtype"), (a.value for a in positional)), **keywords)
        initializer = given.get("initializer")
        unknown = sorted(set(given) - {"shape", "initializer", "dtype", "trainable", "name"})
        problem = None
        statement = self.ctx.statements[-1] if self.ctx.statements else None
        if isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(small, cst.Expr) and small.value is original for small in statement.body):
            problem = "add_weight() kept by no name (Keras tracks the weight; a torch Parameter is registered when assigned)"
        elif len(positional) > 3 or any(a.star for a in original.args):
            problem = "add_weight() with these arguments"
        elif positional and isinstance(positional[0].value, cst.SimpleString):
            problem = "add_weight() with a positional name (Keras raises)"
        elif unknown:
            problem = f"add_weight({unknown[0]}=...)"
        elif initializer is not None and code_of(initializer) != "None" and not (
                isinstance(initializer, cst.SimpleString)
                and ast.literal_eval(initializer.value) in self.table["initializers"]):
            problem = f"add_weight(initializer={code_of(initializer)})"
        elif "trainable" in given and not any(same_value(code_of(given["trainable"]), v) for v in ("True", "False")):
            problem = f"add_weight(trainable={code_of(given['trainable'])})"
        elif "dtype" in given and not self._weight_dtype(given["dtype"]):
            problem = f"add_weight(dtype={code_of(given['dtype'])})"
        elif "dtype" in given and not re.search(r"float|None", code_of(given["dtype"])) and not same_value(
                code_of(given.get("trainable", cst.Name("True"))), "False"):
            problem = "a trainable add_weight() of an integer or bool dtype (a torch Parameter must be floating)"
        if problem:
            return self._refuse(original, f"{problem} has no exact torch translation")
        return updated

    def _regularizer(self, before: cst.BaseExpression, what: str):
        """The torch function for a Keras regularizer argument (the table's); None for none, False when refused."""
        if isinstance(before, cst.Name) and before.value == "None":
            return None
        call = before
        if isinstance(before, cst.SimpleString):  # 'l2': the class with its defaults
            call = cst.parse_expression(f"keras.regularizers.{ast.literal_eval(before.value)}()")
            qualified = api_table.expand(code_of(call.func))
        else:
            qualified = self.ctx.qualname(before.func) if isinstance(before, cst.Call) else None
        spec = self.table["regularizers"].get(qualified)
        params = api_table.parse_side("tf", spec["signature"]).params if spec else []
        if spec is None or len(call.args) > len(params) or any(a.star for a in call.args):
            self._refuse(before, f"{what}: regularizer {code_of(before)} is not translated")
            return False
        self.ctx.consume(before.func if isinstance(before, cst.Call) else before)
        values = {p.name: cst.parse_expression(p.default) for p in params}
        for i, arg in enumerate(call.args):
            values[arg.keyword.value if arg.keyword else params[i].name] = arg.value
        self.ctx.ref("torch.nn.Module")
        return parse_template_expression(spec["torch"], **values)

    def _weight_dtype(self, dtype: cst.BaseExpression) -> bool:
        """None, or a dtype the table lists, named ('float64') or TF's (tf.float64): KerasLayer.add_weight makes it."""
        if isinstance(dtype, cst.SimpleString):
            return ast.literal_eval(dtype.value) in self.table["weight_dtypes"]
        qualified = self.ctx.qualname(dtype) or ""
        return code_of(dtype) == "None" or qualified.startswith("tensorflow.") and \
            qualified.rpartition(".")[2] in self.table["weight_dtypes"]

    def _activation(self, before: cst.BaseExpression, after: cst.BaseExpression, what: str):
        """The torch callable for a Keras activation argument; None for no activation, False when refused."""
        if isinstance(before, cst.Name) and before.value == "None":
            return None
        if isinstance(before, cst.SimpleString):
            key = ast.literal_eval(before.value)
            if key not in self.table["activations"]:
                self._refuse(before, f"{what}: activation {key!r} is not translated")
                return False
            qualified = self.table["activations"][key]
            if qualified is None:
                return None
            qualified = api_table.expand(qualified)
        else:
            qualified = self.ctx.qualname(before)
            if not self.ctx.is_source_framework(qualified):
                return after  # the program's own function (or lambda), translated where it is written
        function = one_tensor_function(self, qualified)
        if function is None:
            self._refuse(before, f"{what}: activation {qualified.replace('tensorflow.', 'tf.', 1)} is not translated")
            return False
        self.ctx.consume(before)
        return function

    def _sequential(self, original: cst.Call, updated: cst.Call, qualified: str) -> cst.BaseExpression:
        self.ctx.consume(original.func)
        layers = None
        for i, (before, after) in enumerate(zip(original.args, updated.args)):
            name = before.keyword.value if before.keyword else ("layers" if i == 0 else None)
            if name == "layers" and not before.star:
                layers = after.value
            elif name != "name":
                return self._refuse(original, f"keras.Sequential: argument {name or i + 1!r} is not translated")
        if layers is None:
            args = []
        elif isinstance(layers, (cst.List, cst.Tuple)):
            before = next(a.value for a in original.args if a.keyword is None or a.keyword.value == "layers")
            elements = self._built(list(zip(before.elements, layers.elements)))
            if elements is None:
                return original
            args = [cst.Arg(el.value, star="*" if isinstance(el, cst.StarredElement) else "") for el in elements]
        else:
            args = [cst.Arg(layers, star="*")]
        return cst.Call(func=cst.Name(self._helper("Sequential")), args=args)

    def _built(self, elements: list) -> list | None:
        """The layers of a Sequential literal; given its input shape, Keras builds them all at construction (drawing
        their weights then), so each helper gets its input width. None when refused."""
        first = elements[0][0].value
        if not isinstance(first, cst.Call):
            return [after for _, after in elements]
        is_input = self.ctx.qualname(first.func) in self.table["inputs"]
        layer = elements[1][0].value if is_input and len(elements) > 1 else first
        first_spec = self.table["layers"].get(self.ctx.qualname(layer.func), {}) if isinstance(layer, cst.Call) else {}
        width = self._input_width(first, is_input, first_spec.get("flattens", False), "image" in first_spec)
        if width is False:
            return None
        if is_input:
            self.ctx.consume(first.func)
            elements = elements[1:]
        if width is None:
            return [after for _, after in elements]
        built = []
        for before, after in elements:
            spec = self.table["layers"].get(self.ctx.qualname(before.value.func)) if isinstance(
                before.value, cst.Call) else None
            names = [p.name for p in api_table.parse_side("tf", spec["signature"]).params] if spec else []
            axis = _argument(before.value, "axis", names.index("axis")) if "axis" in names else None
            image = width if isinstance(width, list) else None  # (height, width, channels) of an image input
            if spec is None or "output" not in spec or not isinstance(after.value, cst.Call) or (
                    axis is not None and code_of(axis) != "-1") or "image" in spec and image is None:
                self._refuse(before.value, "a Sequential given its input shape builds its layers at construction: "
                                           "this one cannot be built here")
                return None
            if spec.get("input_dim"):  # the width, or (a helper taking input_shape=) the whole shape
                given = cst.Tuple([cst.Element(d) for d in image]) if spec["input_dim"] == "input_shape" else (
                    image[-1] if image else width)
                after = after.with_changes(value=after.value.with_changes(args=[
                    *after.value.args, _kwarg("input_dim" if spec["input_dim"] is True else spec["input_dim"], given)]))
            built.append(after)
            if image and spec.get("flattens"):
                if not all(isinstance(d, cst.Integer) for d in image):
                    self._refuse(before.value, "a Flatten of an image whose size is not known here: the layers after "
                                               "it cannot be built at construction")
                    return None
                width = functools.reduce(lambda a, b: cst.BinaryOperation(a, cst.Multiply(), b), image)
                continue
            if image and "image" in spec:
                width = self._image_size(before.value, spec, image)
                if width is None:
                    self._refuse(before.value, "the image size after this layer is not known here (a size, kernel, "
                                               "stride or padding that is not a literal): the layers after it cannot "
                                               "be built at construction")
                    return None
            if spec["output"] != "same":
                output = _argument(before.value, spec["output"], 0)
                if not isinstance(output, (cst.Integer, cst.Name)):
                    self._refuse(before.value, "the width of this layer's output is not a name or a number: the "
                                               "layers after it cannot be built at construction")
                    return None
                width = [*width[:-1], output] if isinstance(width, list) else output
        return built

    def _image_size(self, call: cst.Call, spec: dict, image: list) -> list | None:
        """The (height, width, channels) a convolution or pooling layer makes of an image of that shape, computed from
        its literal arguments as Keras does (an unknown size, None, stays unknown); None when not literal."""
        params = api_table.parse_side("tf", spec["signature"]).params
        names = [p.name for p in params]
        values = {}
        for role, name in spec["image"].items():
            given = _argument(call, name, names.index(name))
            try:
                values[role] = ast.literal_eval(code_of(given) if given is not None else
                                                params[names.index(name)].default)
            except (ValueError, SyntaxError):
                return None
        pair = lambda value: tuple(value) if isinstance(value, (tuple, list)) else (value, value)
        kernel = pair(values["kernel"])
        strides = kernel if values["strides"] is None else pair(values["strides"])  # pooling: the pool size
        dilation = pair(values.get("dilation", 1))
        sizes = []
        for size, k, stride, rate in zip(image[:2], kernel, strides, dilation):
            if isinstance(size, cst.Name) and size.value == "None":
                sizes.append(size)
            elif isinstance(size, cst.Integer) and isinstance(values["padding"], str):
                n = int(size.value)
                n = -(-n // stride) if values["padding"].lower() == "same" else (n - (k - 1) * rate - 1) // stride + 1
                sizes.append(cst.Integer(str(n)))
            else:
                return None
        return [*sizes, image[2]]

    def _input_width(self, first: cst.Call, is_input: bool, flattens: bool, image: bool):
        """The feature width a Sequential's first element gives (an Input's shape, or input_shape=/input_dim= of a
        layer; the product of a shape of numbers when the first layer flattens); an image's (height, width, channels)
        as a list, for a first layer taking images; None when it gives none, False when refused."""
        if is_input:
            shape = _argument(first, "shape", 0) or _argument(first, "input_shape", None)
            others = [a for a in first.args if a.keyword is not None and a.keyword.value not in (
                "shape", "input_shape", "name")] + [a for a in first.args if a.keyword is None][1:]
        else:
            shape = _argument(first, "input_shape", None)
            dim = _argument(first, "input_dim", None)
            if dim is not None:
                shape = cst.Tuple([cst.Element(dim)])
            others = []
        if shape is None and not others:
            return None
        dims = [e.value for e in shape.elements] if isinstance(shape, (cst.Tuple, cst.List)) else []
        width = dims[0] if len(dims) == 1 else None
        if flattens and dims and all(isinstance(d, cst.Integer) for d in dims):
            # written as the product (`4 * 5`): the input shape stays readable, for the way back
            width = functools.reduce(lambda a, b: cst.BinaryOperation(a, cst.Multiply(), b), dims)
        if image and not others and len(dims) == 3 and all(isinstance(d, (cst.Integer, cst.Name)) for d in dims):
            return dims
        if others or not isinstance(width, (cst.Integer, cst.Name, cst.BinaryOperation)):
            self._refuse(first, "only a one-axis input shape, or an image's three, given as names or numbers is "
                                "translated")
            return False
        return width

    def _refuse(self, original: cst.CSTNode, message: str):
        self.ctx.report(original, CODE, message + "; left as is")
        return original

    # -- attributes ----------------------------------------------------------------------------------------------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if self.facts is None or self.ctx.qualname(original) is not None:
            return updated
        attr = original.attr.value
        if attr in self.table["collections"]:
            keras = self._is_keras(original.value)
            if keras is None and (self.facts.classes or self._has_keras_objects()):
                if self.facts.tf_modules:
                    self.ctx.consume(original)  # tf_module.py would list it in tf.Module's (sorted) order
                    self.ctx.report(original, CODE, f".{attr}: Keras and tf.Module list variables in different "
                                                    "orders and this could be either; left as is")
                    return updated
                keras = True
            if keras and attr == "layers" and self._kind(original.value) == "functional":
                self.ctx.report(original, CODE, ".layers of a functional model: Keras lists its InputLayers too; "
                                                "left as is")
            elif keras and self.facts.seeded and attr in SEED_LISTS:
                self.ctx.report(original, CODE, f".{attr} lists the seed generator state of the file's Dropout "
                                                "layers, which torch has no counterpart of; left as is")
            elif keras:
                self.ctx.consume(original)
                templates = self.table["collections"]
                if self.facts.stateful:
                    templates = {**templates, **self.table["collections_with_state"]}
                template = templates[attr]  # "[]" names no receiver: a layer without state has no such variables
                return parse_template_expression(template, **({"m": updated.value} if "{m}" in template else {}))
        elif attr in self.table["own_layers"] and not self._own(original.value) and (
                self._is_keras(original.value) or self._is_keras(original.value) is None and self._has_keras_objects()):
            self.ctx.report(original, CODE, f"Keras .{attr} of other than a layer class of the file (whose KerasLayer "
                                            "has it); left as is")
        elif attr in self.table["untranslated"] and not _is_super(original.value) and (
                self._is_keras(original.value) or self._is_keras(original.value) is None and self._has_keras_objects()):
            self.ctx.report(original, CODE, f"Keras .{attr} has no exact torch translation; left as is")
        return updated

    def _own(self, expr: cst.BaseExpression) -> bool:
        """Does the expression surely hold an instance of a Keras class of the file (`self` in one)?"""
        if isinstance(expr, cst.Attribute):
            return self.facts.own.get((0, expr.attr.value)) == {True}
        if not isinstance(expr, cst.Name):
            return False
        if expr.value == "self":
            return "keras" in self._scopes and self._scopes[-1] != "class"
        owns = next((o for scope in reversed(self._namespaces) if (o := self.facts.own.get((id(scope), expr.value)))),
                    None)
        return owns == {True}

    def _has_keras_objects(self) -> bool:
        kinds = [*self.facts.names.values(), *self.facts.attributes.values()]
        return any(k & {"keras", "sequential", "functional"} for k in kinds)

    # -- the helper modules --------------------------------------------------------------------------------------------
    def _helper(self, kind: str) -> str:
        if kind not in self._helpers:
            for base in helper_uses(kind):  # defined before the helpers deriving from or using it
                self._helper(base)
            self._helpers[kind] = self.ctx.new_name("Keras" + kind)
            self.ctx.ref("torch.nn.Module")  # the helpers use torch
            for module in ("math", "inspect"):  # standard modules a helper uses
                if f"{module}." in HELPERS[kind]:
                    self.ctx.ref(f"{module}.__name__")
        return self._helpers[kind]

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        definitions = []
        for kind, name in self._helpers.items():
            text = HELPERS[kind].replace("{name}", name)
            for base in helper_uses(kind):
                text = text.replace("{%s}" % base, self._helpers[base])
            definitions.append(text)
        self.ctx.define_at_top(definitions)
        return updated


class OptimizerVariablesRule:
    """The variables of a torch optimizer built from `apply_gradients(zip(grads, m.trainable_variables))`.

    tf_optimizers.py copies that variable list from the original code into the torch optimizer's construction, where
    `m.trainable_variables` means nothing; this runs after it and passes `m.parameters()`: a Keras object's or a
    tf.Module's trainable variables are its parameters, and an optimizer updates each on its own, whatever the order.
    `m.variables`/`m.weights` also list non-trainable variables, whose gradients are None: Keras skips them, as a
    torch optimizer skips what it is not given.
    """

    def __init__(self, ctx):
        self.ctx = ctx

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        qualified = self.ctx.qualname(original.func)
        if not (qualified and qualified.startswith("tensorflow.keras.optimizers.") and updated.args
                and (dotted(updated.func) or "").startswith("torch.optim.")):
            return updated
        first = updated.args[0].value
        if isinstance(first, cst.BinaryOperation) and isinstance(first.operator, cst.Add) and all(
                self._object_list(side) for side in (first.left, first.right)):
            # `a.trainable_variables + b.trainable_variables`: both objects' parameters
            parameters = parse_template_expression("[*{a}.parameters(), *{b}.parameters()]", a=first.left.value,
                                                   b=first.right.value)
            return updated.with_changes(args=[updated.args[0].with_changes(value=parameters), *updated.args[1:]])
        if not self._object_list(first):
            return updated
        if isinstance(first.value, cst.Name) and self._plain_instance(first.value.value):
            return updated  # a class of the file that is no Keras object or tf.Module: its list is its own
        if isinstance(first.value, cst.Name) and self._unbuilt(first.value.value):
            self.ctx.report(original, "TG303", f"the optimizer is built before `{first.value.value}`'s first call runs "
                            "its build(), which makes its weights: torch.optim takes them at construction, Keras at "
                            "the first apply_gradients; left as is")
            return original
        parameters = parse_template_expression("{m}.parameters()", m=first.value)
        return updated.with_changes(args=[updated.args[0].with_changes(value=parameters), *updated.args[1:]])

    def _object_list(self, expr) -> bool:
        """`m.trainable_variables` (and the like) of an object that is no TF name."""
        return isinstance(expr, cst.Attribute) and expr.attr.value in OPTIMIZED_LISTS and dotted(expr.value) is not None \
            and not self.ctx.is_source_framework(self.ctx.qualname(expr.value))

    def _plain_instance(self, name: str) -> bool:
        """Every module-level binding of `name` makes an object of a class of the file whose bases are such classes
        or none (dlwp's NaiveSequential with a `weights` property): no parameters() to take."""
        classes = {c.name.value: c for c in self.ctx.module.body if isinstance(c, cst.ClassDef)}

        def plain(class_name: str, seen: frozenset = frozenset()) -> bool:
            node = classes.get(class_name)
            return node is not None and class_name not in seen and all(
                isinstance(b.value, cst.Name) and (b.value.value == "object" or plain(b.value.value, seen | {class_name}))
                for b in node.bases)

        values = [s.body[0].value for s in self.ctx.module.body if isinstance(s, cst.SimpleStatementLine)
                  and isinstance(s.body[0], cst.Assign) and any(
                      isinstance(t.target, cst.Name) and t.target.value == name for t in s.body[0].targets)]
        return bool(values) and all(isinstance(v, cst.Call) and isinstance(v.func, cst.Name) and plain(v.func.value)
                                    for v in values)

    def _unbuilt(self, name: str) -> bool:
        """At this module-level statement, `name`'s last binding makes an object of a class of the file defining
        build() (weights made at the first call) and no statement since calls it."""
        module = self.ctx.module
        statement = self.ctx.statements[0] if self.ctx.statements else None
        if statement not in module.body:
            return False
        builders = {c.name.value for c in module.body if isinstance(c, cst.ClassDef) and any(
            isinstance(m, cst.FunctionDef) and m.name.value == "build" for m in c.body.body)}
        for earlier in reversed(module.body[:module.body.index(statement)]):
            small = earlier.body[0] if isinstance(earlier, cst.SimpleStatementLine) and len(earlier.body) == 1 else None
            if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name
                                                     for t in small.targets):
                value = small.value
                return isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in builders
            if re.search(rf"\b{re.escape(name)}\(", code_of(earlier)):
                return False
        return False


def helper_uses(kind: str) -> list[str]:
    """The helpers a helper derives from or uses (`class {name}({Mean}):`, `{Tensor}.fill(...)`)."""
    return list(dict.fromkeys(re.findall(r"\{([A-Z]\w*)\}", HELPERS[kind])))


def one_tensor_function(rule, qualified: str) -> cst.BaseExpression | None:
    """A source-framework function of one tensor as a callable of the other framework: the table's translation of
    `f(x)`, as `g` when that is `g(x)`, else as a lambda. None when the table has none."""
    x = cst.Name("x")
    for entry in api_table.load().overloads(qualified, rule.ctx.origin):
        imports = dict(rule.ctx.imports)
        try:
            body = Call(rule, entry, cst.Call(func=x, args=[cst.Arg(x)]), None).emit()
        except Unmatched:
            rule.ctx.imports.clear()
            rule.ctx.imports.update(imports)
            continue
        if isinstance(body, cst.Call) and len(body.args) == 1 and body.args[0].keyword is None \
                and isinstance(body.args[0].value, cst.Name) and body.args[0].value.value == "x":
            return body.func
        return cst.Lambda(params=cst.Parameters([cst.Param(x)]), body=body)
    return None


def _argument(call: cst.Call, name: str, index: int | None) -> cst.BaseExpression | None:
    """The argument given for a parameter, by keyword or (when it has one) by position."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    positional = [a for a in call.args if a.keyword is None]
    return positional[index].value if index is not None and index < len(positional) else None


def _is_int(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        expr = expr.expression
    return isinstance(expr, cst.Integer)


def _is_super(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "super"


def _is_super_init(call: cst.Call) -> bool:
    func = call.func
    return (isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)
            and isinstance(func.value.func, cst.Name) and func.value.func.value == "super")


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
