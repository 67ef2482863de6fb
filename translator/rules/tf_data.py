"""Input pipelines, TF -> PyTorch: tf.data datasets of tensor slices become torch.utils.data (`data_table.json`).

* `tf.data.Dataset.from_tensor_slices((x, y))` -> `TensorDataset(torch.as_tensor(x), torch.as_tensor(y))`, of one
  tensor `torch.as_tensor(x)` (torch indexes and iterates a tensor by rows, as TF slices it); as_tensor keeps
  NumPy's dtype, as tf.data does;
* `.batch(n, drop_remainder=)` -> `DataLoader(ds, batch_size=n, drop_last=)`: the same batches, stacked rows
  (DataLoader gives a list where TF gives a tuple: unpacking and indexing read the same);
* `.shuffle(len(...))` of the dataset or one of its components, on a dataset of slices -> `shuffle=True` on that
  DataLoader (`batch_size=None` without a batch);
* `.shuffle(buffer)` otherwise, `.repeat(count)`, `.map(f)`, `.take(k)`, `.skip(k)`, `.as_numpy_iterator()` -> the
  table's helper classes (torch IterableDatasets the output defines: `TfDataShuffle(ds, buffer)`, ...,
  `iter(TfDataNumpy(ds))`), which compute what tf.data does, a batch of them a DataLoader over them. Twin runs draw
  tf.data's shuffle (any buffer, any dataset of tensors), RandomSampler's and the helper's from the same stream with
  the same buffer algorithm (kernel/draws.py), so a shuffle over a repeated dataset, whose buffer mixes passes, comes
  out the same;
* `.prefetch(...)` and the arguments no torch form takes (`num_parallel_calls`, `name`) are dropped (they never
  change the elements), and so is `.cache()` of a dataset of slices not yet shuffled (every pass is the same there);
* `.take(k)` last in a chain a for loop or comprehension iterates right away -> `itertools.islice(<ds>, k)`.

TG601 (error): in a file using from_tensor_slices, the table's `dataset_only` methods (`batch`, `prefetch`, ...)
called on anything but a name or chain the rule follows (a function's parameter, an attribute: its torch form has no
such method); other sources and methods (generators, files, dict or list displays, whose dtypes TF and torch infer
differently, a name a function's parameter or a tuple display binds: it may hold a tuple, which TF slices element by
element), `shuffle` with `seed=` or `reshuffle_each_iteration=False`, `map`/`batch` with `deterministic=False`,
batching a DataLoader (batches of batches of slices), `cache` after a shuffle or a helper, `len()` of a helper's
dataset (IterableDatasets have none), and any other use of a name holding a dataset than iterating it, `len()` or the
forms above. Names are followed in the order the file binds them (a name rebound to anything else stops being a
dataset).
"""
from __future__ import annotations

import json
from pathlib import Path

import libcst as cst

from ..codegen import code_of
from ..table import expand, parse_side
from ..walk import walk
from .torch_device import Bindings

TABLE = json.loads(Path(__file__).parent.parent.joinpath("data_table.json").read_text(encoding="utf-8"))
SLICES = expand(TABLE["slices"]["tf"].partition("(")[0])


class Refused(Exception):
    pass


def bind(signature: str, call: cst.Call) -> dict:
    """Parameter -> argument of a call as Python binds it to `signature` (a *varargs parameter gets the list of
    its arguments); Refused for arguments the signature lacks or required ones the call lacks."""
    params = parse_side("tf", signature).params
    positional = [p for p in params if p.kind == "positional"]
    varargs = next((p for p in params if p.kind == "varargs"), None)
    bound: dict = {}
    for i, arg in enumerate(a for a in call.args if a.keyword is None):
        if arg.star:
            raise Refused("*args/**kwargs are not translated")
        if i < len(positional):
            bound[positional[i].name] = arg.value
        elif varargs is not None:
            bound.setdefault(varargs.name, []).append(arg.value)
        else:
            raise Refused("too many positional arguments")
    for arg in call.args:
        if arg.keyword is not None:
            if arg.star or all(p.name != arg.keyword.value for p in params) or arg.keyword.value in bound:
                raise Refused(f"argument {arg.keyword.value}= is not translated")
            bound[arg.keyword.value] = arg.value
    missing = [p.name for p in params if p.default is None and p.kind == "positional" and p.name not in bound]
    if missing:
        raise Refused(f"a call without {missing[0]} is not translated")
    return bound


def literal(node: cst.BaseExpression | None, default=None):
    """The value of a True/False/None name or an int literal (the default when absent); Refused otherwise."""
    if node is None:
        return default
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.Integer):
        return int(node.value)
    raise Refused(f"`{code_of(node)}` is not a literal (not translated)")


class _Consumed:
    """Marks every node it walks as translated."""

    def __init__(self, ctx):
        self.ctx = ctx

    def on_visit(self, node) -> None:
        self.ctx.consume(node)

    def on_leave(self, node) -> None:
        pass


class TfDataRule:
    code = "TG601"

    def __init__(self, ctx):
        self.ctx = ctx
        self.off = True
        # dataset name -> (its torch form: "slices" | "loader" | "stream" (a helper) | "stream loader", its components)
        self.kinds: dict[str, tuple[str, set[str]]] = {}
        self.chains: dict[int, tuple] = {}  # id(outermost call of a chain) -> (root, [(method, call)])
        self.made: dict[int, tuple[str, set[str]]] = {}  # id(outermost call of a translated chain) -> what it makes
        self.bindings: dict[str, list] = {}  # name -> its values in the file (torch_device.Bindings)
        if "from_tensor_slices" in ctx.text:
            bindings = Bindings()
            ctx.share_pass(bindings)
            self.bindings = bindings.values  # filled by the shared pass
        self.parts: set[int] = set()  # ids of the calls and attributes inside chains
        self.iterated: set[int] = set()  # ids of expressions a for loop or comprehension iterates (in enumerate too)
        self.helpers: dict[str, str] = {}  # tf.data method -> the name of the helper class the output defines for it

    def visit_Module(self, node: cst.Module) -> None:
        self.off = "from_tensor_slices" not in self.ctx.text

    def _chain(self, node):
        steps = []
        while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            if self.ctx.qualname(node.func) == SLICES:
                return node, steps[::-1]
            steps.append((node.func.attr.value, node))
            node = node.func.value
        if isinstance(node, cst.Name) and node.value in self.kinds and steps:
            return node, steps[::-1]
        return None

    def visit_For(self, node: cst.For) -> None:
        self._iterates(node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._iterates(node.iter)

    def _iterates(self, node) -> None:
        self.iterated.add(id(node))
        if isinstance(node, cst.Call) and code_of(node.func) == "enumerate" and node.args:
            self.iterated.add(id(node.args[0].value))

    def visit_Call(self, node: cst.Call) -> None:
        if self.off or id(node) in self.parts:
            return
        if isinstance(node.func, cst.Name) and node.func.value == "len" and len(node.args) == 1 \
                and isinstance(node.args[0].value, cst.Name) \
                and self.kinds.get(node.args[0].value.value, ("",))[0].startswith("stream"):
            self.ctx.report(node, self.code, "`len()` of a tf.data dataset whose torch form is an IterableDataset "
                                             "(which has no len()); left as is")
        chain = self._chain(node)
        if chain is not None:
            self.chains[id(node)] = chain
            root, steps = chain
            self.parts.update(id(n) for n in [root, *(call for _, call in steps)])
            self.parts.update(id(call.func) for _, call in steps)
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value in TABLE["dataset_only"] \
                and self.ctx.qualname(node.func) is None:
            self.ctx.report(node, self.code, f"`.{node.func.attr.value}()` of what may be a tf.data dataset the rule "
                                             "does not follow (a parameter, an attribute, a container); left as is")
            inner = node.func.value
            while isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute):  # one report per chain
                self.parts.add(id(inner))
                inner = inner.func.value

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if not self.off and isinstance(node.value, cst.Name) and node.value.value in self.kinds \
                and id(node) not in self.parts:
            self.ctx.report(node, self.code, f"`.{node.attr.value}` of a tf.data dataset has no torch.utils.data "
                                             "translation here; left as is")

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        chain = self.chains.get(id(original))
        if chain is None:
            return updated
        root, steps = chain
        if isinstance(root, cst.Call):
            self.ctx.consume(root.func)
        try:
            if steps and steps[-1][0] in TABLE["iterated"] and id(original) in self.iterated:
                return self._iterated(root, steps, updated)
            result, kind, parts = self._translate(root, steps, updated)
        except Refused as refused:
            self.ctx.report(original, self.code, f"{refused}; left as is")
            return updated
        self.made[id(original)] = (kind, parts)
        return result

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        if self.off:
            return updated
        made = self.made.get(id(original.value))
        for target in original.targets:
            if isinstance(target.target, cst.Name):
                if made is not None:
                    self.kinds[target.target.value] = made
                else:
                    self.kinds.pop(target.target.value, None)
        return updated

    # -- the translation -------------------------------------------------------------------------------------------
    def _updated_steps(self, updated: cst.Call, count: int) -> tuple[cst.BaseExpression, list[cst.Call]]:
        """The root and the step calls of the chain as other rules left them (same structure as the original)."""
        calls = []
        node = updated
        for _ in range(count):
            calls.append(node)
            node = node.func.value
        return node, calls[::-1]

    def _translate(self, root, steps, updated):
        new_root, calls = self._updated_steps(updated, len(steps))
        if isinstance(root, cst.Name):
            kind, parts = self.kinds[root.value]
            dataset = new_root
        else:
            kind = "slices"
            dataset, parts = self._slices(new_root, root)
        shuffle = False  # a shuffle covering a dataset of slices, pending for its DataLoader
        dropped = []  # the original arguments the translation leaves out
        for (method, original), call in zip(steps, calls):
            if method in TABLE["dropped"] or method in TABLE["dropped_on_slices"] and kind == "slices" and not shuffle:
                dropped += [arg.value for arg in original.args]
                continue
            if method not in TABLE["methods"]:
                raise Refused(f"tf.data's `.{method}()` has no exact torch.utils.data form")
            args = bind(TABLE["methods"][method], call)
            kept = {"batch_size", "drop_remainder"} if method == "batch" else {
                p.name for p in parse_side("tf", TABLE["helpers"][method]["signature"]).params}
            dropped += [v for name, v in bind(TABLE["methods"][method], original).items() if name not in kept]
            if literal(args.get("deterministic"), True) is not True:  # parallel calls keep the order unless told
                raise Refused(f"`.{method}()` with deterministic=False (elements in any order) is not translated")
            if method == "batch":
                if kind.endswith("loader"):
                    raise Refused("`.batch()` of a DataLoader's batches has no exact torch.utils.data form")
                drop = literal(args.get("drop_remainder"), False)
                dataset = self._loader(dataset, args["batch_size"], shuffle, drop)
                kind, shuffle = "loader" if kind == "slices" else "stream loader", False  # the latter has no len()
                continue
            if shuffle:  # a shuffle, then another method: the DataLoader of the shuffle alone
                dataset, kind, shuffle = self._loader(dataset, cst.Name("None"), True, False), "loader", False
            if method == "shuffle":
                if literal(args.get("seed")) is not None \
                        or literal(args.get("reshuffle_each_iteration"), True) is not True:
                    raise Refused("`.shuffle()` with seed= or reshuffle_each_iteration=False has no exact "
                                  "torch.utils.data form (twin runs draw a new order at every pass)")
                buffer = bind(TABLE["methods"][method], original)["buffer_size"]
                if kind == "slices" and self._covers(buffer, root if isinstance(root, cst.Name) else None, parts):
                    shuffle = True
                    continue
            dataset, kind = self._helper(method, dataset, args), "stream"
        if shuffle:
            dataset, kind = self._loader(dataset, cst.Name("None"), True, False), "loader"
        for value in dropped:  # `prefetch(tf.data.AUTOTUNE)`: no TG900 for what is left out
            walk(value, _Consumed(self.ctx))
        return dataset, kind, parts

    def _helper(self, method: str, dataset, args: dict) -> cst.Call:
        """`Helper(dataset, <the method's arguments the helper takes>)`, the table's helper class for `method`
        (defined at the top of the output once)."""
        if method not in self.helpers:
            self.helpers[method] = self.ctx.new_name(TABLE["helpers"][method]["name"])
        params = parse_side("tf", TABLE["helpers"][method]["signature"]).params[1:]
        made = cst.Call(func=cst.Name(self.helpers[method]),
                        args=[cst.Arg(dataset), *(cst.Arg(args[p.name]) for p in params if p.name in args)])
        return cst.Call(cst.Name("iter"), [cst.Arg(made)]) if TABLE["helpers"][method].get("iterator") else made

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        names = {"{torch}": code_of(self.ctx.ref("torch")), "{random}": code_of(self.ctx.ref("random"))} \
            if self.helpers else {}
        sources = []
        for method, name in self.helpers.items():
            source = "\n".join(TABLE["helpers"][method]["source"]).replace("{name}", name)
            for placeholder, module in names.items():
                source = source.replace(placeholder, module)
            sources.append(source)
        if sources:
            self.ctx.define_at_top(sources)
        return updated

    def _iterated(self, root, steps, updated: cst.Call) -> cst.Call:
        """`ds.take(k)` iterated right away -> `itertools.islice(<ds>, k)`."""
        count = bind(TABLE["iterated"]["take"], updated)["count"]
        dataset = updated.func.value
        if steps[:-1]:
            dataset, _, _ = self._translate(root, steps[:-1], dataset)
        elif isinstance(root, cst.Call):
            dataset, _ = self._slices(dataset, root)
        return cst.Call(func=self.ctx.ref("itertools.islice"), args=[cst.Arg(dataset), cst.Arg(count)])

    def _slices(self, call: cst.Call, original: cst.Call):
        """The torch dataset of a from_tensor_slices call as other rules left it, and its components' source code."""
        source, tensors = (bind(TABLE["slices"]["tf"], c)["tensors"] for c in (original, call))
        if isinstance(source, (cst.Dict, cst.List, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)):
            raise Refused("from_tensor_slices of a list, set or dict display has no exact torch.utils.data form "
                          "(TF and torch infer other dtypes from lists; TensorDataset takes no dicts)")
        if isinstance(source, cst.Name) and any(isinstance(v, (cst.Param, cst.Tuple))
                                                for v in self.bindings.get(source.value, ())):
            raise Refused(f"from_tensor_slices({source.value}) of a name that may hold a tuple (a parameter, a tuple "
                          "display: TF slices each element, as_tensor would stack them) has no exact form")
        as_tensor = self.ctx.ref("torch.as_tensor")

        def tensor(node):  # other rules may have made a NumPy argument a tensor already
            made = isinstance(node, cst.Call) and code_of(node.func) == code_of(as_tensor)
            return node if made else cst.Call(func=as_tensor, args=[cst.Arg(node)])
        if not isinstance(source, cst.Tuple):
            return tensor(tensors), {code_of(source)}
        if not source.elements or not isinstance(tensors, cst.Tuple) or any(
                isinstance(e, cst.StarredElement) or isinstance(e.value, (cst.Tuple, cst.List, cst.Dict))
                for e in source.elements):
            raise Refused("from_tensor_slices of nested structures has no exact torch.utils.data form "
                          "(TensorDataset takes a flat tuple)")
        made = cst.Call(func=self.ctx.ref(expand(TABLE["slices"]["torch"].partition("(")[0])),
                        args=[cst.Arg(tensor(e.value)) for e in tensors.elements])
        return made, {code_of(e.value) for e in source.elements}

    def _loader(self, dataset, batch_size, shuffle: bool, drop: bool) -> cst.Call:
        params = TABLE["loader"]["args"]
        args = [cst.Arg(dataset), cst.Arg(batch_size, keyword=cst.Name(params["batch_size"]),
                                          equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))]
        for name, given in (("shuffle", shuffle), (params["drop_remainder"], drop)):
            if given:
                args.append(cst.Arg(cst.Name("True"), keyword=cst.Name(name), equal=args[1].equal))
        return cst.Call(func=self.ctx.ref(expand(TABLE["loader"]["torch"].partition("(")[0])), args=args)

    @staticmethod
    def _covers(buffer, receiver, parts: set[str]) -> bool:
        """A buffer `len(ds)` or `len(component)` covers a dataset of slices: DataLoader's shuffle draws its order."""
        return isinstance(buffer, cst.Call) and code_of(buffer.func) == "len" and len(buffer.args) == 1 \
            and code_of(buffer.args[0].value) in parts | {receiver and code_of(receiver)}
