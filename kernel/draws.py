"""Identical random draws in the TF world and the PyTorch world.

Random tensors and fresh layer weights come from each framework's own generator, so a TF program and its
PyTorch translation would start from different numbers and no gradient comparison would mean anything.
In a twin run both worlds therefore draw from the same seeded NumPy streams instead:

* Two streams, reseeded identically in both worlds: **data** (random tensors a program asks for) and
  **weights** (layer initialisers). Keeping them apart matters because Keras creates a layer's weights
  lazily on its first call while torch creates them in the constructor: with one stream the order of the
  draws, and so the values, would differ.
* Data: ``tf.random.normal/uniform``, ``keras.random.normal/uniform/truncated_normal/randint``;
  ``torch.randn/rand/randint/normal/randn_like/rand_like`` and ``Tensor.uniform_/normal_``; dropout masks
  (``tf.nn.dropout``, Keras' ``Dropout``/``keras.random.dropout``, ``torch.nn.functional.dropout`` and so
  ``torch.nn.Dropout``): an element is dropped where its uniform draw is below the rate, the rest scaled by
  ``1 / (1 - rate)``.
  ``tf.random.normal([2, 3])`` and ``torch.randn(2, 3)`` give the same six numbers when they are the n-th
  draw of their program; uniform draws use ``low + (high - low) * u`` and truncated normals reject outside
  the bounds (TF's +-2 stddev; torch's absolute ``a``/``b``), all in float64, then cast to the dtype asked for.
  ``tf.random.shuffle(x)`` and ``torch.randperm(n)`` (without ``generator=``/``out=``) take one permutation of
  the data stream: ``x[torch.randperm(x.shape[0])]``, the translation of the shuffle, gives the same rows.
* Weights: every Keras initialiser that calls ``normal/uniform/truncated_normal`` (glorot, he, lecun, ...)
  and ``torch.nn.init.uniform_/normal_/trunc_normal_/xavier_*/kaiming_*`` with the bounds the framework
  itself computes; ``tf.random.truncated_normal`` too, as its translation is ``torch.nn.init.trunc_normal_``
  (torch has no other truncated normal). ``torch.nn.Linear`` is initialised like ``keras.layers.Dense`` (glorot-uniform drawn in
  Keras' ``(in, out)`` kernel layout and transposed, zero bias), so ``Linear(3, 4)`` and ``Dense(4)`` on
  3 features start from identical weights. This changes torch's own default initialisation in twin runs. The
  PyTorch -> TF translation's ``TorchLinear`` (translator/rules/torch_nn.py) draws the same: a Keras
  ``GlorotUniform`` on ``(in, out)``, transposed, zero bias, at construction as torch does.
* Convolutions keep each framework's own initialisation, and the translations' helpers draw what the original
  draws: ``torch.nn.Conv2d`` runs ``kaiming_uniform_(a=sqrt(5))`` on ``(out, in, kh, kw)``, then the bias from
  U(+-1/sqrt(fan_in)), at construction; the PyTorch -> TF ``TorchConv2d`` draws the same bounds, shapes and order
  with Keras' ``RandomUniform``. ``keras.layers.Conv2D`` draws glorot-uniform on ``(kh, kw, in, out)`` (fans
  ``kh*kw*in``, ``kh*kw*out``) at its first call, zero bias; the TF -> PyTorch ``KerasConv2D`` draws
  ``torch.nn.init.uniform_`` with Keras' bound on that shape, then.
* Shuffles: ``tf.data.Dataset.shuffle`` (no ``seed=``, reshuffling at every pass; any buffer, any dataset) and
  ``torch.utils.data.RandomSampler`` (``DataLoader(shuffle=True)``) without replacement or ``generator=``: the
  same buffer shuffle (``buffer_shuffle``; the sampler's buffer covers the dataset) with a seed drawn from the data
  stream at the start of every pass, as the translations' shuffle helper draws it with ``torch.randint``
  (translator/rules/tf_data.py and torch_data.py translate one into the other).
* ``tf.random.set_seed``, ``keras.utils.set_random_seed`` and ``torch.manual_seed`` reseed both streams
  (and still seed the framework), so programs that set the same seed in both worlds stay in step.
* In the twingrad kernel the data stream restarts at every cell (keyed by the seed and the cell's number),
  so a cell that failed in one world does not shift the draws of later cells. The weights stream runs on
  across cells: Keras creates a layer's weights at its first call, often a cell after torch did.

Limits: draws line up only when both programs make the same draws in the same order with the same shapes;
other generators (``tf.random.stateless_*``, ``tf.nn.experimental.stateless_dropout``,
``tf.random.categorical``) are not patched; Python's ``random`` and NumPy's ``np.random`` are seeded alike in both worlds, at start and again right
after the framework is imported, so they agree while both programs draw from them in the same order; inside
``tf.function`` a patched draw is a constant fixed at trace time, and a draw whose shape only the trace knows
(``tf.shape(x)`` there, or in Keras' ``fit``) is TF's own; layer kinds other than Dense/Linear keep their
framework's distribution and layout, so a Keras layer and a torch module written for it by hand start from other
weights (Conv2D: glorot-uniform on ``(kh, kw, in, out)``; Conv2d: kaiming-uniform on ``(out, in, kh, kw)``): only a
program and its translation line up.
"""
from __future__ import annotations

import functools
import math
import random
import sys

import numpy as np

DATA, WEIGHTS = 0, 1


class Draws:
    """The two seeded streams of one world."""

    def __init__(self, seed: int = 0):
        self.seed = seed  # also the seed of Python's and NumPy's generators in the world (see runner.World)
        self.reseed(seed)

    def reseed(self, *seed: int) -> None:
        self.streams = [_stream(seed, DATA), _stream(seed, WEIGHTS)]

    def restart_data(self, *key: int) -> None:
        """Restart only the data stream (the kernel does this per cell; see the module docstring)."""
        self.streams[DATA] = _stream(key, DATA)

    def normal(self, stream: int, shape, mean=0.0, std=1.0) -> np.ndarray:
        return np.asarray(mean, np.float64) + np.asarray(std, np.float64) * self.streams[stream].standard_normal(shape)

    def uniform(self, stream: int, shape, low=0.0, high=1.0) -> np.ndarray:
        low, high = np.asarray(low, np.float64), np.asarray(high, np.float64)
        return low + (high - low) * self.streams[stream].random(shape)

    def integers(self, stream: int, shape, low: int, high: int) -> np.ndarray:
        return self.streams[stream].integers(low, high, size=shape)

    def permutation(self, n: int) -> np.ndarray:
        return self.streams[DATA].permutation(n)

    def dropout_scale(self, shape, rate: float) -> np.ndarray:
        """What dropout multiplies by: 0 where an element is dropped (u < rate, as both frameworks decide), else
        1 / (1 - rate), computed once in float64 so that both worlds round it alike."""
        return (self.streams[DATA].random(shape) >= rate) / (1.0 - rate)

    def truncated(self, stream: int, shape, mean=0.0, std=1.0, low=-2.0, high=2.0) -> np.ndarray:
        """Normal(mean, std) restricted to [low, high] in standard units, by rejection."""
        z = self.streams[stream].standard_normal(shape)
        bad = (z < low) | (z > high)
        while bad.any():
            z[bad] = self.streams[stream].standard_normal(int(bad.sum()))
            bad = (z < low) | (z > high)
        return mean + std * z


def _stream(key, which: int) -> np.random.Generator:
    return np.random.default_rng([*(int(k) & 0xFFFFFFFF for k in key), which])


def _shape(shape) -> tuple[int, ...]:
    if hasattr(shape, "numpy"):  # a TF tensor holding the shape
        shape = shape.numpy()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def _torch_size(size) -> tuple[int, ...]:
    """torch.randn(2, 3), torch.randn((2, 3)) and torch.randn(torch.Size([2, 3])) are all (2, 3)."""
    if len(size) == 1 and not isinstance(size[0], (int, np.integer)):
        return _shape(size[0])
    return _shape(size)


def _set(owner, name: str, fn) -> None:
    """owner.name = fn, keeping the original's name and docstring (for help() and inspection)."""
    setattr(owner, name, functools.wraps(getattr(owner, name))(fn))


# --- TensorFlow / Keras -------------------------------------------------------------------------------

def _reseeding(draws: Draws, original):
    def set_seed(seed, *args, **kwargs):
        draws.reseed(int(seed))
        return original(seed, *args, **kwargs)
    return set_seed


def _tf_draws(draws: Draws, stream: int, default_dtype):
    """normal/uniform/truncated_normal/randint with TF's and Keras' signatures, as tf.constant.

    TensorFlow is imported at call time: these are installed while Keras/TF are still half-imported.
    """
    def out(values, dtype):
        import tensorflow as tf
        return tf.constant(values, dtype=dtype or default_dtype())

    def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
        return out(draws.normal(stream, _shape(shape), mean, stddev), dtype)

    def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
        return out(draws.truncated(stream, _shape(shape), mean, stddev), dtype)

    def uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
        import tensorflow as tf
        dtype = tf.as_dtype(dtype or default_dtype())
        if dtype.is_integer:
            if maxval is None:
                raise ValueError("Must specify maxval for integer dtype")  # TF's own rule
            return out(draws.integers(stream, _shape(shape), int(minval), int(maxval)), dtype)
        return out(draws.uniform(stream, _shape(shape), minval, 1.0 if maxval is None else maxval), dtype)

    def randint(shape, minval, maxval, dtype="int32", seed=None):
        return out(draws.integers(stream, _shape(shape), int(minval), int(maxval)), dtype)

    return {"normal": normal, "truncated_normal": truncated_normal, "uniform": uniform, "randint": randint}


def _tf_dropout(draws: Draws, original):
    """tf.nn.dropout's signature, which Keras' backend dropout shares (x, rate, noise_shape, seed)."""
    def dropout(x, rate, noise_shape=None, seed=None, name=None):
        import tensorflow as tf
        x = tf.convert_to_tensor(x)
        if not isinstance(rate, (int, float)) or not 0 < rate < 1 or None in x.shape or _stateless():
            return original(x, rate, noise_shape, seed)  # the edge cases and their errors stay the framework's
        shape = tuple(x.shape) if noise_shape is None else tuple(
            int(x.shape[i]) if n is None else int(n) for i, n in enumerate(_shape_entries(noise_shape)))
        return x * tf.constant(draws.dropout_scale(shape, rate), x.dtype)
    return dropout


def _shape_entries(shape) -> list:
    return list(shape.numpy()) if hasattr(shape, "numpy") else list(shape)


def _stateless() -> bool:
    """Keras runs call() symbolically in a StatelessScope to build a model; such a call must not draw."""
    scope = sys.modules.get("keras.src.backend.common.stateless_scope")
    return scope is not None and scope.in_stateless_scope()


def _tf_shuffle(draws: Draws, original):
    def shuffle(value, seed=None, name=None):
        import tensorflow as tf
        value = tf.convert_to_tensor(value)
        if value.shape.rank == 0 or value.shape[0] is None or _stateless():
            return original(value, seed, name)  # TF's own errors and symbolic shapes
        return tf.gather(value, draws.permutation(int(value.shape[0])))
    return shuffle


def _concrete_or(original, draw):
    """The shared draw where the shape is known; TF's own op for a shape only a traced function knows
    (`tf.shape(x)` inside tf.function or Keras' fit), which has no numbers to draw for yet."""
    def draw_or_trace(shape, *args, **kwargs):
        try:
            _shape(shape)
        except TypeError:  # a symbolic tensor: int() is not allowed on it
            return original(shape, *args, **kwargs)
        return draw(shape, *args, **kwargs)
    return draw_or_trace


def patch_tensorflow(tf, draws: Draws) -> None:
    _set(tf.random, "shuffle", _tf_shuffle(draws, tf.random.shuffle))
    fns = {**_tf_draws(draws, DATA, lambda: tf.float32),
           "truncated_normal": _tf_draws(draws, WEIGHTS, lambda: tf.float32)["truncated_normal"]}
    for name in ("normal", "uniform", "truncated_normal"):
        _set(tf.random, name, _concrete_or(getattr(tf.random, name), fns[name]))
    _set(tf.nn, "dropout", _tf_dropout(draws, tf.nn.dropout))
    _set(tf.random, "set_seed", _reseeding(draws, tf.random.set_seed))


def _keras_floatx():
    from keras.src.backend import floatx
    return floatx()


def patch_keras_random(module, draws: Draws) -> None:
    """keras.src.random.random: the public keras.random.* (data draws)."""
    fns = _tf_draws(draws, DATA, _keras_floatx)
    for name in ("normal", "uniform", "truncated_normal", "randint"):
        _set(module, name, fns[name])


def patch_keras_initializers(module, draws: Draws) -> None:
    """keras.src.initializers.random_initializers: initialisers draw from the weights stream."""
    class WeightRandom:  # stands in for the backend `random` module the initialisers call
        def __getattr__(self, name):
            return getattr(backend_random, name)

    def discarded_or(draw):
        """Keras builds a subclassed Model by running call() symbolically in a StatelessScope, where reading a
        variable not yet initialised evaluates its initialiser for a value only the shapes of are used; the variable
        is initialised again afterwards. Such a draw must not consume the stream (torch draws each weight once)."""
        def maybe_draw(shape, *args, **kwargs):
            if _stateless():
                import tensorflow as tf
                return tf.zeros(_shape(shape), dtype=kwargs.get("dtype") or _keras_floatx())
            return draw(shape, *args, **kwargs)
        return maybe_draw

    backend_random = module.random
    shim = WeightRandom()
    for name, fn in _tf_draws(draws, WEIGHTS, _keras_floatx).items():
        setattr(shim, name, discarded_or(fn))
    module.random = shim


def patch_keras_dropout(module, draws: Draws) -> None:
    """keras.src.backend.tensorflow.random.dropout, which keras.layers.Dropout and keras.random.dropout call."""
    _set(module, "dropout", _tf_dropout(draws, module.dropout))


def patch_keras_seed(module, draws: Draws) -> None:
    """keras.src.utils.rng_utils.set_random_seed."""
    _set(module, "set_random_seed", _reseeding(draws, module.set_random_seed))


# --- PyTorch ------------------------------------------------------------------------------------------

def patch_torch(torch, draws: Draws) -> None:
    init = torch.nn.init

    def make(values, dtype=None, requires_grad=False, device=None):
        return torch.tensor(values, dtype=dtype or torch.get_default_dtype(), device=device,
                            requires_grad=requires_grad)

    def creator(draw):
        def create(*size, dtype=None, requires_grad=False, device=None, generator=None, out=None, **_layout):
            values = draw(_torch_size(size))
            return _fill(out, values) if out is not None else make(values, dtype, requires_grad, device)
        return create

    def like(draw):
        def create(input, *, dtype=None, requires_grad=False, device=None, **_layout):
            return make(draw(tuple(input.shape)), dtype or input.dtype, requires_grad, device or input.device)
        return create

    def randint(*args, size=None, dtype=None, requires_grad=False, device=None, generator=None, **_layout):
        args = list(args)
        if size is None:
            size = args.pop()
        low, high = (0, args[0]) if len(args) == 1 else args
        return make(draws.integers(DATA, _shape(size), int(low), int(high)), dtype or torch.int64, requires_grad, device)

    def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, requires_grad=False,
               device=None, **_layout):
        tensors = [v for v in (mean, std) if isinstance(v, torch.Tensor)]
        if size is None:
            size = torch.broadcast_shapes(*(t.shape for t in tensors)) if tensors else ()
        as_np = [v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else v for v in (mean, std)]
        values = draws.normal(DATA, _shape(size), *as_np)
        if out is not None:
            return _fill(out, values)
        return make(values, dtype or (tensors[0].dtype if tensors else None), requires_grad, device)

    def _fill(tensor, values):
        with torch.no_grad():
            tensor.copy_(torch.as_tensor(values, dtype=tensor.dtype))
        return tensor

    original_randperm = torch.randperm

    def randperm(n, *, generator=None, out=None, dtype=torch.int64, device=None, requires_grad=False, **_layout):
        if generator is not None or out is not None:
            return original_randperm(n, generator=generator, out=out, dtype=dtype, device=device,
                                     requires_grad=requires_grad)
        return make(draws.permutation(int(n)), dtype, requires_grad, device)

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        return _fill(self, draws.uniform(DATA, tuple(self.shape), a, b))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return _fill(self, draws.normal(DATA, tuple(self.shape), mean, std))

    for owner, name, fn in [
        (torch, "randn", creator(lambda shape: draws.normal(DATA, shape))),
        (torch, "rand", creator(lambda shape: draws.uniform(DATA, shape))),
        (torch, "randn_like", like(lambda shape: draws.normal(DATA, shape))),
        (torch, "rand_like", like(lambda shape: draws.uniform(DATA, shape))),
        (torch, "randint", randint), (torch, "normal", normal), (torch, "randperm", randperm),
        (torch.Tensor, "uniform_", uniform_), (torch.Tensor, "normal_", normal_),
    ]:
        _set(owner, name, fn)

    # torch.nn.init: the weights stream, with the bounds torch itself computes.
    def uniform_w(tensor, a=0.0, b=1.0, generator=None):
        return _fill(tensor, draws.uniform(WEIGHTS, tuple(tensor.shape), a, b))

    def normal_w(tensor, mean=0.0, std=1.0, generator=None):
        return _fill(tensor, draws.normal(WEIGHTS, tuple(tensor.shape), mean, std))

    def trunc_normal_w(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
        return _fill(tensor, draws.truncated(WEIGHTS, tuple(tensor.shape), mean, std, (a - mean) / std, (b - mean) / std))

    def xavier_uniform_w(tensor, gain=1.0, generator=None):
        fan_in, fan_out = init._calculate_fan_in_and_fan_out(tensor)
        bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
        return uniform_w(tensor, -bound, bound)

    def xavier_normal_w(tensor, gain=1.0, generator=None):
        fan_in, fan_out = init._calculate_fan_in_and_fan_out(tensor)
        return normal_w(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))

    def kaiming_std(tensor, a, mode, nonlinearity):
        return init.calculate_gain(nonlinearity, a) / math.sqrt(init._calculate_correct_fan(tensor, mode))

    def kaiming_uniform_w(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
        bound = math.sqrt(3.0) * kaiming_std(tensor, a, mode, nonlinearity)
        return uniform_w(tensor, -bound, bound)

    def kaiming_normal_w(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
        return normal_w(tensor, 0.0, kaiming_std(tensor, a, mode, nonlinearity))

    for name, fn in [("uniform_", uniform_w), ("normal_", normal_w), ("trunc_normal_", trunc_normal_w),
                     ("xavier_uniform_", xavier_uniform_w), ("xavier_normal_", xavier_normal_w),
                     ("kaiming_uniform_", kaiming_uniform_w), ("kaiming_normal_", kaiming_normal_w)]:
        _set(init, name, fn)

    def linear_like_dense(self):
        """Keras Dense's defaults: glorot-uniform kernel in (in, out) layout, zero bias."""
        fan_out, fan_in = self.weight.shape
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        _fill(self.weight, draws.uniform(WEIGHTS, (fan_in, fan_out), -bound, bound).T)
        if self.bias is not None:
            _fill(self.bias, np.zeros(tuple(self.bias.shape)))

    original_dropout = torch.nn.functional.dropout

    def dropout(input, p=0.5, training=True, inplace=False):
        if not training or not 0 < p < 1:
            return original_dropout(input, p, training, inplace)
        scale = torch.as_tensor(draws.dropout_scale(tuple(input.shape), p), dtype=input.dtype, device=input.device)
        return input.mul_(scale) if inplace else input * scale

    _set(torch.nn.functional, "dropout", dropout)  # torch.nn.Dropout calls it
    torch.nn.Linear.reset_parameters = linear_like_dense
    _set(torch, "manual_seed", _reseeding(draws, torch.manual_seed))


# --- input pipelines: shuffles ------------------------------------------------------------------------------

def pass_seed(draws: Draws) -> int:
    """The seed of one pass of a shuffle: the data stream's draw that torch's `torch.randint(2**31, ())` makes in
    a twin run, which the translations' shuffle helper draws (translator/data_table.json's helpers)."""
    return int(draws.integers(DATA, (), 0, 2 ** 31))


def buffer_shuffle(elements, buffer_size: int, seed: int):
    """tf.data's shuffle: the next `buffer_size` elements wait in a buffer, one drawn at random comes out and the
    next element takes its place; the rest come out at random at the end. Draws from Python's random.Random(seed),
    as the translations' helper does; a buffer covering the dataset gives a uniform permutation."""
    pick = random.Random(seed).randrange
    buffer: list = []

    def out():
        i = pick(len(buffer))
        buffer[i], buffer[-1] = buffer[-1], buffer[i]
        return buffer.pop()
    for element in elements:
        buffer.append(element)
        if len(buffer) >= buffer_size:
            yield out()
    while buffer:
        yield out()


def patch_tf_dataset(module, draws: Draws) -> None:
    """tensorflow.python.data.ops.dataset_ops: `shuffle` (no seed=, reshuffling at every pass) of a dataset of
    tensors runs buffer_shuffle with a seed drawn when a pass starts, over any such dataset (repeated, batched, a
    buffer of any size); ragged or sparse elements keep TF's own shuffle."""
    original = module.DatasetV2.shuffle

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        import tensorflow as tf
        spec = self.element_spec
        if seed is not None or reshuffle_each_iteration is False or not all(
                isinstance(s, tf.TensorSpec) for s in tf.nest.flatten(spec)):  # ragged, sparse: TF's own
            return original(self, buffer_size, seed, reshuffle_each_iteration, name)
        size, n = int(buffer_size), int(self.cardinality())
        if n >= 1 and all(s.shape.is_fully_defined() for s in tf.nest.flatten(spec)):
            # Finite, equally shaped: buffer_shuffle moves positions only, so gather a pass's rows in its order of
            # positions (each pass stacks the rows anew: the dataset may itself change between passes).
            def positions():  # run, and so drawing its seed, at the start of each pass
                return np.fromiter(buffer_shuffle(range(n), size, pass_seed(draws)), np.int64, n)

            def gathered(*rows):
                order = tf.numpy_function(positions, [], tf.int64, stateful=True)
                rows = rows if isinstance(spec, tuple) else rows[0]
                return tf.data.Dataset.from_tensor_slices(tf.nest.map_structure(lambda t: tf.gather(t, order), rows))
            made = self.batch(n).flat_map(gathered)
        else:
            def elements():  # a generator: called, and so drawing its seed, at the start of each pass
                seed = pass_seed(draws)
                yield from buffer_shuffle(self.as_numpy_iterator(), size, seed)
            made = tf.data.Dataset.from_generator(elements, output_signature=spec)
        return made if n == tf.data.UNKNOWN_CARDINALITY else made.apply(tf.data.experimental.assert_cardinality(n))

    _set(module.DatasetV2, "shuffle", shuffle)


def patch_torch_sampler(module, draws: Draws) -> None:
    """torch.utils.data.sampler: RandomSampler's order is buffer_shuffle's over the whole dataset with a seed drawn
    when a pass starts, as tf.data's shuffle with a buffer covering it (torch would draw a seed from its own
    generator, then randperm)."""
    original = module.RandomSampler.__iter__

    def __iter__(self):
        n = len(self.data_source)
        if self.replacement or self.generator is not None or self.num_samples != n or n == 0:
            yield from original(self)
            return
        yield from buffer_shuffle(range(n), n, pass_seed(draws))

    _set(module.RandomSampler, "__iter__", __iter__)


# Module name -> patch, applied right after the module is first imported in a world.
PATCHES = {
    "tensorflow": patch_tensorflow,
    "keras.src.random.random": patch_keras_random,
    "keras.src.initializers.random_initializers": patch_keras_initializers,
    "keras.src.utils.rng_utils": patch_keras_seed,
    "keras.src.backend.tensorflow.random": patch_keras_dropout,
    "torch": patch_torch,
    "tensorflow.python.data.ops.dataset_ops": patch_tf_dataset,
    "torch.utils.data.sampler": patch_torch_sampler,
}
