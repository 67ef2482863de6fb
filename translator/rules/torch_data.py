"""Input pipelines, PyTorch -> TF: TensorDataset and its DataLoader become tf.data (`data_table.json`).

* `TensorDataset(x, y)` -> `tf.data.Dataset.from_tensor_slices((x, y))`: tuples of rows, as TensorDataset's items
  (a 1-tuple for one tensor, as torch gives);
* `DataLoader(ds, batch_size=n, drop_last=)` -> `ds.batch(n, drop_remainder=)` (batch_size defaults to 1 as in
  torch; `batch_size=None` does not batch): the same stacked rows, as a tuple where torch gives a list;
* `shuffle=True` -> `ds.shuffle(len(ds))` before the batch (`len(x)` of the first tensor of an inline
  TensorDataset, a name): a buffer covering the dataset, so a fresh uniform permutation at every pass as
  RandomSampler's; twin runs draw it from the same stream in both worlds (kernel/draws.py);
* the table's neutral arguments (`num_workers`, `pin_memory`, ...) are dropped: the sampler runs in the main
  process, so workers never change which batches come in which order.

The helper classes tf_data.py defines for tf.data methods (data_table.json's helpers: `TfDataShuffle`,
`TfDataRepeat`, a number appended where the name was taken), recognised by name and docstring: the definition is
removed, `TfDataShuffle(ds, buffer)` -> `ds.shuffle(buffer)`, `TfDataRepeat(ds, count)` -> `ds.repeat(count)`, ...,
`iter(TfDataNumpy(ds))` -> `ds.as_numpy_iterator()`, and a DataLoader over one (in the call or bound to the name) ->
`.batch()` of it.

A DataLoader over a tensor made by the table's `tensors` calls, in its call or bound to the name it is given
(`DataLoader(torch.as_tensor(x), batch_size=n)`, the TF -> PyTorch form of a dataset of one tensor's rows) ->
`tf.data.Dataset.from_tensor_slices(x).batch(n)`: DataLoader stacks a tensor's rows into the same batches.

TG611 (error): a DataLoader over anything else (custom Dataset classes, lists, names bound to other values), samplers,
`collate_fn`, `generator=`, `in_order=False`, non-literal `shuffle`/`drop_last`, star arguments, a shuffled
inline TensorDataset whose first tensor is not a name or `torch.as_tensor`/`tensor`/`from_numpy` of one, `shuffle=True`
over a helper (torch raises); a name holding a TensorDataset or DataLoader used otherwise
than iterated, given to `len()`/`enumerate()`/`iter()`, or to DataLoader (`ds[i]`, `ds.tensors`,
`loader.dataset`: tf.data has no such attributes). Names are followed in the order the file binds them.
"""
from __future__ import annotations

import re

import libcst as cst

from ..codegen import code_of
from ..table import expand, parse_side
from .tf_data import TABLE, Refused, bind, literal
from .torch_keras_helpers import without_helper_imports

SLICES = {expand(TABLE["slices"]["torch"].partition("(")[0]), *TABLE["slices"]["aliases"]}
LOADER = {expand(TABLE["loader"]["torch"].partition("(")[0]), *TABLE["loader"]["aliases"]}
TF_SLICES = TABLE["slices"]["tf"].partition("(")[0]
TENSORS = set(TABLE["loader"]["tensors"])
HELPER_SOURCES = {method: "\n".join(h["source"]).replace("{torch}", "torch").replace("{random}", "random")
                  for method, h in TABLE["helpers"].items()}
HELPER_DOCS = {"\n".join(h["source"]).split('"""')[1]: method for method, h in TABLE["helpers"].items()}


def helper_method(node: cst.ClassDef) -> str | None:
    """The tf.data method a class tf_data.py defines stands for, by its name and docstring."""
    method = HELPER_DOCS.get(node.get_docstring(clean=False) or "")
    stem = method and TABLE["helpers"][method]["name"]
    return method if stem and re.fullmatch(re.escape(stem) + r"\d*", node.name.value) else None


class TorchDataRule:
    code = "TG611"

    def __init__(self, ctx):
        self.ctx = ctx
        self.off = True
        self.holders: dict[str, str] = {}  # name -> "dataset" | "loader" it holds at this point of the walk
        self.tensors: set[str] = set()  # names holding a tensor a TENSORS call made, at this point of the walk
        self.helpers: dict[str, str] = {}  # name of a helper class tf_data.py defined -> the tf.data method
        self.removed: set[int] = set()  # ids of the statements standing in for the helper classes

    def visit_Module(self, node: cst.Module) -> None:
        self.off = not any(name in self.ctx.text for name in ("TensorDataset", "DataLoader", "IterableDataset"))
        if not self.off:
            self.helpers = {s.name.value: helper_method(s) for s in node.body
                            if isinstance(s, cst.ClassDef) and helper_method(s)}

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return node.name.value not in self.helpers  # removed whole: nothing inside is translated

    def leave_ClassDef(self, original: cst.ClassDef, updated):
        if original.name.value not in self.helpers:
            return updated
        # Removed in leave_Module: the autograd rule lines the module's statements up with its plan first.
        placeholder = cst.Pass()
        self.removed.add(id(placeholder))
        return cst.SimpleStatementLine([placeholder])

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if not self.removed:
            return updated
        body = [stmt for stmt in updated.body
                if not (isinstance(stmt, cst.SimpleStatementLine) and id(stmt.body[0]) in self.removed)]
        return without_helper_imports(updated.with_changes(body=body), HELPER_SOURCES)

    def _kind(self, node) -> str | None:
        if isinstance(node, cst.Call):
            if isinstance(node.func, cst.Name) and node.func.value in self.helpers:
                return "stream"
            qualified = self.ctx.qualname(node.func)
            return "dataset" if qualified in SLICES else "loader" if qualified in LOADER else None
        return None

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        if not self.off:
            for target in original.targets:
                if isinstance(target.target, cst.Name):
                    name, kind = target.target.value, self._kind(original.value)
                    self.holders.pop(name, None)
                    self.tensors.discard(name)
                    if kind is not None:
                        self.holders[name] = kind
                    elif self._makes_tensor(original.value):
                        self.tensors.add(name)
        return updated

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._check_use(node.value, "indexing")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._check_use(node.value, f"`.{node.attr.value}`")

    def _check_use(self, value, what: str) -> None:
        if not self.off and isinstance(value, cst.Name) and value.value in self.holders:
            self.ctx.report(value, self.code, f"{what} of a torch.utils.data {self.holders[value.value]} has no "
                                              "tf.data translation; left as is")

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.off:
            return updated
        kind = self._kind(original)
        if kind is None:
            return self._iterator(original, updated)
        self.ctx.consume(original.func)
        try:
            if kind == "stream":
                return self._helper(original, updated)
            return self._slices(updated) if kind == "dataset" else self._loader(original, updated)
        except Refused as refused:
            what = {"dataset": "TensorDataset", "loader": "DataLoader"}.get(kind, code_of(original.func))
            self.ctx.report(original, self.code, f"{what}: {refused}; left as is")
            return updated

    def _helper(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """`TfDataShuffle(ds, buffer)` -> `ds.shuffle(buffer)`: the helper's arguments after the dataset, as given;
        a dataset that is a tensor -> `from_tensor_slices` of it (tf_data.py's form of a dataset of one tensor)."""
        method = self.helpers[original.func.value]
        signature = TABLE["helpers"][method]["signature"]
        source, args = bind(signature, original)["dataset"], bind(signature, updated)
        dataset = self._dataset_of(source, args["dataset"])
        params = parse_side("tf", signature).params
        return self._method(dataset, method, [cst.Arg(args[p.name]) for p in params[1:] if p.name in args])

    def _iterator(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """`iter(TfDataNumpy(ds))`, a helper marked iterator as tf_data.py writes it -> `ds.as_numpy_iterator()`."""
        inner = original.args[0].value if len(original.args) == 1 else None
        if isinstance(original.func, cst.Name) and original.func.value == "iter" and self._kind(inner) == "stream" \
                and TABLE["helpers"][self.helpers[inner.func.value]].get("iterator"):
            return updated.args[0].value
        return updated

    def _dataset_of(self, source, dataset):
        """The tf.data dataset of a helper's or DataLoader's dataset argument (original `source`, translated
        `dataset`); Refused for what has no exact form."""
        if self._makes_tensor(source) or isinstance(source, cst.Name) and source.value in self.tensors:
            return cst.Call(func=self.ctx.ref(expand(TF_SLICES)), args=[cst.Arg(dataset)])  # a tensor's rows
        if self._kind(source) is None and not (isinstance(source, cst.Name) and source.value in self.holders):
            raise Refused("only a TensorDataset, a tf.data helper, a DataLoader given to a helper or a tensor made "
                          "by torch.as_tensor/tensor/from_numpy (in the call or bound to the name) has an exact "
                          "tf.data form")
        return dataset

    def _makes_tensor(self, node) -> bool:
        return isinstance(node, cst.Call) and self.ctx.qualname(node.func) in TENSORS

    def _slices(self, call: cst.Call) -> cst.Call:
        tensors = bind(TABLE["slices"]["torch"], call)["tensors"]
        packed = cst.Tuple([cst.Element(t) for t in tensors]) if tensors else None
        if packed is None:
            raise Refused("a TensorDataset of no tensors is not translated")
        return cst.Call(func=self.ctx.ref(expand(TF_SLICES)), args=[cst.Arg(packed)])

    def _loader(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        side = parse_side("torch", TABLE["loader"]["torch"])
        given = bind(TABLE["loader"]["torch"], original)
        new = bind(TABLE["loader"]["torch"], updated)
        for name, value in given.items():
            default = side.param(name).default
            if name in TABLE["loader"]["neutral"] or name in ("dataset", "batch_size", "shuffle", "drop_last"):
                continue
            if code_of(value) != default:
                raise Refused(f"`{name}=` has no exact tf.data form")
        source = given["dataset"]
        kind = self._kind(source) or isinstance(source, cst.Name) and self.holders.get(source.value)
        if kind == "loader":
            raise Refused("a DataLoader over a DataLoader has no exact tf.data form")
        if kind == "stream" and literal(given.get("shuffle"), False):
            raise Refused("`shuffle=True` over an IterableDataset (torch raises) is not translated")
        dataset = self._dataset_of(source, new["dataset"])
        if literal(given.get("shuffle"), False):
            first = source.args[0].value if isinstance(source, cst.Call) and source.args \
                and not source.args[0].star else None
            if self._makes_tensor(first) and first.args and not first.args[0].star:
                first = first.args[0].value  # torch.as_tensor(x) has x's rows (tf_data.py writes it)
            if isinstance(source, cst.Name):
                size = source
            elif isinstance(first, cst.Name):
                size = first
            else:
                raise Refused("shuffling an inline TensorDataset whose first tensor is not a name or torch.as_tensor "
                              "of one (its length would be computed twice) is not translated")
            dataset = self._method(dataset, "shuffle", [cst.Arg(cst.Call(cst.Name("len"), [cst.Arg(size)]))])
        batch_size = given.get("batch_size")
        if not (isinstance(batch_size, cst.Name) and batch_size.value == "None"):  # None: no batching
            args = [cst.Arg(new.get("batch_size", cst.Integer("1")))]
            if literal(given.get("drop_last"), False):
                args.append(cst.Arg(cst.Name("True"), keyword=cst.Name("drop_remainder"),
                                    equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
            dataset = self._method(dataset, "batch", args)
        return dataset

    @staticmethod
    def _method(receiver: cst.BaseExpression, name: str, args: list[cst.Arg]) -> cst.Call:
        return cst.Call(func=cst.Attribute(receiver, cst.Name(name)), args=args)
