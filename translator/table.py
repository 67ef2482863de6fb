"""The API table (`api_table.json`): one list of TF ⇄ PyTorch entries, indexed for both directions.

An entry pairs a TF side and a torch side. A side is either a *signature* (`tf.math.reduce_std(input_tensor,
axis=None, ...)`, Python syntax, defaults = what the API does when the argument is omitted) or an expression
*template* (`({t} ** 2).sum() / 2`, placeholders name the other side's parameters). A signature side can be
translated from and to; a template side only to, so an entry with a template is one-directional.
The table's own header (`_doc`) documents every key; `tests/table/` checks every entry against both frameworks.
"""
from __future__ import annotations

import ast
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

FRAMEWORKS = ("tf", "torch")
# Short prefixes the table uses for readability.
PREFIXES = {"tf": "tensorflow", "F": "torch.nn.functional", "keras": "tensorflow.keras"}
TABLE_PATH = Path(__file__).with_name("api_table.json")


def expand(name: str) -> str:
    head, dot, rest = name.partition(".")
    return f"{PREFIXES[head]}{dot}{rest}" if head in PREFIXES else name


def short(qualified: str) -> str:
    """The table's spelling of a qualified name (`tensorflow.math.add` -> `tf.math.add`)."""
    for prefix, base in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if qualified == base or qualified.startswith(base + "."):
            return prefix + qualified[len(base):]
    return qualified


@dataclass(frozen=True)
class Param:
    name: str
    default: str | None  # source text of the default (None: required)
    kind: str  # "positional" (positional or keyword), "keyword" (keyword-only), "varargs"


@dataclass(frozen=True)
class Side:
    framework: str
    text: str
    name: str | None = None  # qualified name of a signature side
    params: tuple[Param, ...] = ()
    # `torch.empty(*size).uniform_(from_=0, to=1)`: a method called on the call's result, and its parameters in order
    # (also in `params`, keyword-only: the call's own arguments never fill them)
    chain: tuple[str, tuple[str, ...]] | None = None

    @property
    def is_template(self) -> bool:
        return self.name is None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@functools.lru_cache(maxsize=None)  # rules parse the Keras and torch.nn tables' signatures at every use
def parse_side(framework: str, text: str) -> Side:
    if "{" in text or not re.fullmatch(r"[A-Za-z_][\w.]*\(.*\)", text):
        return Side(framework, text)  # a template: slots, or an expression such as a lambda
    chained = re.fullmatch(r"([\w.]+\(.*?\))\.(\w+)\((.*)\)", text)
    if chained:
        call, method, rest = chained.groups()
        first, then = parse_side(framework, call), parse_side(framework, f"{method}({rest})").params
        then = tuple(Param(p.name, p.default, "keyword") for p in then)
        return Side(framework, text, first.name, first.params + then, (method, tuple(p.name for p in then)))
    head, paren, rest = text.partition("(")
    fn = ast.parse(f"def f({rest}: pass").body[0]
    a = fn.args
    params = []
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    params += [Param(p.arg, None if d is None else ast.unparse(d), "positional") for p, d in zip(positional, defaults)]
    if a.vararg:
        params.append(Param(a.vararg.arg, None, "varargs"))
    params += [Param(p.arg, None if d is None else ast.unparse(d), "keyword") for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    return Side(framework, text, expand(head.strip()), tuple(params))


@dataclass(frozen=True)
class Entry:
    sides: dict  # framework -> Side
    args: dict = field(default_factory=dict)  # tf parameter -> torch parameter, where the names differ
    fixed: dict = field(default_factory=dict)  # parameter of one side -> value this entry requires/emits
    values: dict = field(default_factory=dict)  # tf parameter -> {tf literal: torch literal}
    int_literals: dict | None = None  # {"params": [tf params], "tf": dtype, "torch": dtype}
    methods: tuple = ()  # torch tensor methods (receiver = first parameter)
    properties: tuple = ()  # torch tensor attributes (`x.T`), translated like a method call without arguments
    aliases: tuple = ()  # other qualified names of a signature side
    caveat: str | None = None
    random: bool = False
    grid: str | None = None  # the framework whose side is a float arange grid its CPUs may compute otherwise
    keeps_dtype: str | None = None  # the torch parameter whose integer dtype TF keeps and torch widens
    examples: tuple = ()

    def mapped(self, param: str, origin: str) -> str:
        """The other side's name for an `origin`-side parameter."""
        if origin == "tf":
            return self.args.get(param, param)
        return next((t for t, p in self.args.items() if p == param), param)

    def value_map(self, param: str, origin: str) -> dict | None:
        """Literal translations for an `origin`-side parameter's values, in the direction origin -> other."""
        tf_param = param if origin == "tf" else self.mapped(param, "torch")
        mapping = self.values.get(tf_param)
        if mapping is None:
            return None
        return mapping if origin == "tf" else {v: k for k, v in mapping.items()}

    def fixed_for(self, framework: str) -> dict:
        side = self.sides[framework]
        return {k: v for k, v in self.fixed.items() if side.param(k) is not None}


def _entry(raw: dict) -> Entry:
    return Entry(
        sides={fw: parse_side(fw, raw[fw]) for fw in FRAMEWORKS},
        args=raw.get("args", {}), fixed=raw.get("fixed", {}), values=raw.get("values", {}),
        int_literals=raw.get("int_literals"), methods=tuple(raw.get("methods", ())),
        properties=tuple(raw.get("properties", ())),
        aliases=tuple(expand(a) for a in raw.get("aliases", ())), caveat=raw.get("caveat"),
        random=raw.get("random", False), grid=raw.get("grid"), keeps_dtype=raw.get("keeps_dtype"), examples=tuple(raw.get("examples", ())))


class Table:
    def __init__(self, raw: dict):
        self.codes = raw["codes"]
        self.entries = [_entry(e) for e in raw["ops"]]
        self._dtypes = _pairs(raw["dtypes"])  # origin -> {qualified: target qualified}
        self._constants = _pairs(raw["constants"])  # origin -> {qualified: target qualified or literal}
        self.tensor_params = frozenset(raw["tensor_params"])  # TF parameter names that take a tensor
        self._functions = {"tf": {}, "torch": {}}  # origin -> {qualified: [entries, overloads in table order]}
        self._methods: dict[str, list[Entry]] = {}
        self._chains: dict[tuple[str, str], list[Entry]] = {}  # (torch function, method) -> entries
        self._properties: dict[str, Entry] = {}
        for entry in self.entries:
            for fw, side in entry.sides.items():
                if side.is_template:
                    continue
                if side.chain:
                    self._chains.setdefault((side.name, side.chain[0]), []).append(entry)
                    continue
                names = [side.name] + [a for a in entry.aliases if a.split(".")[0] == side.name.split(".")[0]]
                for name in names:
                    self._functions[fw].setdefault(name, []).append(entry)
            for method in entry.methods:
                self._methods.setdefault(method, []).append(entry)
            self._properties.update(dict.fromkeys(entry.properties, entry))

    def overloads(self, qualified: str, origin: str) -> list[Entry]:
        """The entries translating calls of `qualified` from `origin`, to be tried in order."""
        return self._functions[origin].get(qualified, [])

    def chains(self, qualified: str, method: str) -> list[Entry]:
        """Entries for `method` called on the result of torch function `qualified` (`torch.empty(...).uniform_()`)."""
        return self._chains.get((qualified, method), [])

    def methods(self, name: str) -> list[Entry]:
        """Entries for torch tensor method `name` (`x.sum(...)`)."""
        return self._methods.get(name, [])

    def attribute(self, name: str) -> Entry | None:
        """The entry for torch tensor attribute `name` (`x.T`)."""
        return self._properties.get(name)

    def dtype(self, qualified: str, to: str) -> str | None:
        return self._dtypes["torch" if to == "tf" else "tf"].get(qualified)

    def is_dtype(self, qualified: str) -> bool:
        return any(qualified in names for names in self._dtypes.values())

    def constant(self, qualified: str, to: str) -> str | None:
        """A dtype's or other constant's translation: a qualified name, or Python source (`tf.newaxis` -> `None`)."""
        return self.dtype(qualified, to) or self._constants["torch" if to == "tf" else "tf"].get(qualified)


def _pairs(pairs: list) -> dict:
    """[[tf, torch], ...] indexed from each side's names (first pair wins); literals (`None`) are targets only."""
    index = {"tf": {}, "torch": {}}
    for tf_name, torch_name in pairs:
        for origin, source, target in (("tf", tf_name, torch_name), ("torch", torch_name, tf_name)):
            if source.split(".")[0] in PREFIXES or source.startswith("torch."):
                index[origin].setdefault(expand(source), expand(target))
    return index


@functools.lru_cache(maxsize=1)
def load() -> Table:
    return Table(json.loads(TABLE_PATH.read_text(encoding="utf-8")))


def dtype(qualified: str, to: str) -> str | None:
    """The target framework's dtype for a qualified dtype name (`tensorflow.float32`, to="torch" -> `torch.float32`)."""
    return load().dtype(qualified, to)
