"""OpsRule: the generic, table-driven translation of framework API calls and dtype constants.

Everything about particular APIs lives in `api_table.json`; this rule only binds a call to an entry's source
signature (like Python would), checks the entry's conditions, and emits the target call or template. A function
bound to a name the file only calls with its required arguments (`act = tf.math.tanh`), passed to the file's own
function or class, or stored in an attribute (`Dense(activation=tf.nn.relu)`) becomes a lambda over them.
Codes (also in the table's `codes`): TG201 no exact translation of this form, TG202 argument not supported,
TG203 translated, exact only under the entry's caveat, TG204 a float grid torch computes otherwise on other CPUs.
"""
from __future__ import annotations

import ast
import functools
import re
from collections import Counter, defaultdict

import libcst as cst

from .. import table as api_table
from ..codegen import code_of
from ..rewrite import UNTRANSLATED, dotted
from ..walk import transform, walk
from .tf_dtypes import known_dtype
from .torch_grid import differing_index

IGNORED = {"name"}  # TF op names: no meaning in torch
DROPPED = {"torch": {"device"}}  # placement only: TF places tensors itself; the numbers do not change
_COMPOUND = (cst.BinaryOperation, cst.UnaryOperation, cst.BooleanOperation, cst.Comparison, cst.IfExp,
             cst.Lambda, cst.NamedExpr)
_ROOTS = {"tf", "torch", "F"}
_SLOT = "__tg_{}__"


class Unmatched(Exception):
    """This entry does not translate the call; `code` and the message say why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Refused(Unmatched):
    """No entry translates the call: the later overloads would compute other numbers."""


_LEAVES = (cst.Name, cst.Integer, cst.Float, cst.SimpleString)
_LITERAL_LIKE = (*_LEAVES, cst.Attribute, cst.Imaginary, cst.ConcatenatedString, cst.UnaryOperation, cst.List,
                 cst.Tuple, cst.Dict, cst.Set)


@functools.lru_cache(maxsize=4096)
def _literal(text: str):
    """(True, value) for a Python literal, else (False, normalized text)."""
    try:
        return True, ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError):
        try:
            return False, ast.unparse(ast.parse(text.strip(), mode="eval"))
        except SyntaxError:
            return False, text


def same_value(a: str, b: str) -> bool:
    (la, va), (lb, vb) = _literal(a), _literal(b)
    if la != lb:
        return False
    if not la:
        return va == vb
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (va, vb))
    return va == vb and (numbers or type(va) is type(vb))


def _kind_matches(kind: str, node: cst.BaseExpression) -> bool:
    if kind == "<int>":
        return _is_int_literal(node)
    if kind == "<float>":
        return isinstance(node.expression if isinstance(node, cst.UnaryOperation) else node, cst.Float)
    if kind == "<list>":
        return isinstance(node, (cst.List, cst.Tuple))
    if kind == "<list of expressions>":
        return isinstance(node, (cst.List, cst.Tuple)) and _number_literals(node) is None
    if kind == "<list of lists>":
        return _holds_lists(node)
    if kind == "<number>":
        found = _number_literals(node)
        return found is not None and not isinstance(node, (cst.List, cst.Tuple, cst.Name))
    if kind == "<dtype>":  # already translated by leave_Attribute, so a dtype of either framework
        return api_table.load().is_dtype(api_table.expand(dotted(node) or ""))
    if kind == "<int dtype>":
        name = api_table.expand(dotted(node) or "")
        return api_table.load().is_dtype(name) and "int" in name.rsplit(".", 1)[-1]
    if kind == "<float dtype>":
        name = api_table.expand(dotted(node) or "")
        return api_table.load().is_dtype(name) and re.search(r"\.(b?float|half|double)", name) is not None
    raise ValueError(f"unknown kind {kind}")


def _holds_lists(node) -> bool:
    """A list display or comprehension with an element that may be a list or tuple: a display, a comprehension,
    list()/tuple(), or a conditional with one of these (what a translated `tape.gradient(z, [w1, w2])` is)."""
    if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
        elements = [node.elt]
    elif isinstance(node, (cst.List, cst.Tuple)):
        elements = [el.value for el in node.elements]
    else:
        return False
    return any(_may_be_list(el) for el in elements)


def _may_be_list(node) -> bool:
    if isinstance(node, cst.IfExp):
        return _may_be_list(node.body) or _may_be_list(node.orelse)
    if isinstance(node, cst.Call):
        return dotted(node.func) in ("list", "tuple")
    return isinstance(node, (cst.List, cst.Tuple, cst.ListComp, cst.GeneratorExp))


def _is_int_literal(node) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, cst.Integer)


def _number_literals(node) -> list | None:
    """The number/bool literals in a (nested) literal list, or None when something is not a literal."""
    if isinstance(node, (cst.List, cst.Tuple)):
        found = []
        for el in node.elements:
            inner = _number_literals(el.value)
            if inner is None:
                return None
            found += inner
        return found
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    if isinstance(node, (cst.Integer, cst.Float)) or (isinstance(node, cst.Name) and node.value in ("True", "False")):
        return [node]
    return None


def _bare(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[], rpar=[]) if getattr(node, "lpar", None) else node


def _is_self(node) -> bool:
    return isinstance(node, cst.Name) and node.value in ("self", "cls")


def _simple(node) -> bool:
    """Cheap and pure: safe to repeat in a template."""
    return dotted(node) is not None or _number_literals(node) is not None


class OpsRule:
    def __init__(self, ctx):
        self.ctx = ctx
        self.table = api_table.load()
        self._imports: list[dict] = []
        self._callees: set[int] = set()  # ids of original call.func nodes: `x.t()` is a method, not a property
        self._heads: set[int] = set()  # ids of original nodes that are the `.value` of an attribute
        self._stores: set[int] = set()  # ids of original assignment targets
        self._assigned: dict[int, str] = {}  # id of a value assigned to one name alone -> that name
        self._handed: set[int] = set()  # ids of values passed to the file's own functions or stored in attributes
        uses = _NameUses()
        ctx.share_pass(uses, lambda: ctx.cache.setdefault("ops_name_uses", uses))

    # -- dtypes and other constants, tensor attributes -----------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self._imports.append(dict(self.ctx.imports))  # to undo the imports of a call left untranslated
        self._callees.add(id(node.func))
        if isinstance(node.func, cst.Name) and node.func.value in _name_uses(self.ctx).defined:
            self._handed.update(id(a.value) for a in node.args if not a.star)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._heads.add(id(node.value))  # `tf.float32` in `tf.float32.max` is not a dtype constant on its own

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._stores.add(id(node.target))  # `obj.T = ...` assigns an attribute: not a transpose

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._assigned[id(node.value)] = node.targets[0].target.value
        elif all(isinstance(t.target, cst.Attribute) for t in node.targets):
            self._handed.add(id(node.value))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._stores.add(id(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._stores.add(id(node.target))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.BaseExpression):
        if self.ctx.is_consumed(original):
            return updated
        qualified = self.ctx.qualname(original)
        if qualified is None:
            return self._property(original, updated)
        if id(original) in self._heads and self.table.dtype(qualified, self.ctx.to):
            return updated  # `tf.float32.max`: torch's dtypes have no such attributes; `tf.__version__.split` is a str's
        target = self.table.constant(qualified, self.ctx.to)
        if target is None:
            return self._reference(original, updated, qualified)
        self.ctx.consume(original)
        return self.ctx.ref(target) if target.split(".")[0] in ("tensorflow", "torch") else cst.parse_expression(target)

    def _property(self, original: cst.Attribute, updated: cst.Attribute):
        """`x.T` in a torch file; `self.T` is more likely the user's own attribute."""
        entry = self.table.attribute(original.attr.value) if self.ctx.origin == "torch" else None
        if entry is None or id(original) in self._callees or id(original) in self._stores or _is_self(original.value):
            return updated
        try:
            result = Call(self, entry, cst.Call(func=updated, args=[]), _bare(updated.value)).emit()
        except Unmatched:
            return updated
        self.ctx.consume(original)
        return result

    def _reference(self, original: cst.Attribute, updated: cst.Attribute, qualified: str):
        """`act = tf.math.tanh`, where the file calls `act` only with the function's required arguments, by position,
        and a function passed to the file's own function or class or stored in an attribute (`NaiveDense(activation=
        tf.nn.relu)`, called later as `self.activation(x)`): a lambda over the required parameters, by their names,
        calling the translation. A call of the lambda with other arguments raises TypeError, it computes nothing else.
        Other references are left (TG900): a framework function given a function has its own rule, a name used
        otherwise may be compared or inspected."""
        name = self._assigned.get(id(original))
        handed = id(original) in self._handed
        if (name is None and not handed) or not self.ctx.is_source_framework(qualified):
            return updated
        arities = None if handed else _call_arities(self.ctx, name)
        for entry in self.table.overloads(qualified, self.ctx.origin):
            params = entry.sides[self.ctx.origin].params
            required = [p.name for p in params if p.default is None and p.kind == "positional"]
            if any(p.kind == "varargs" for p in params) or (arities != {len(required)} if not handed else not required):
                continue
            imports = dict(self.ctx.imports)
            attempt = Call(self, entry, cst.Call(func=updated, args=[cst.Arg(cst.Name(n)) for n in required]), None)
            try:
                body = attempt.emit()
            except Unmatched:
                _restore(self.ctx.imports, imports)
                continue
            self.ctx.consume(original)
            for note in attempt.notes + ([entry.caveat] if entry.caveat else []):
                self.ctx.report(original, "TG203", note, level="warning")
            return _paren(cst.Lambda(cst.Parameters(params=[cst.Param(cst.Name(n)) for n in required]), body))
        return updated

    # -- calls -----------------------------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        ctx = self.ctx
        imports_before = self._imports.pop()
        if ctx.is_consumed(original.func):
            return updated
        qualified = ctx.qualname(original.func)
        receiver, first = None, _chained_call(ctx, original)
        if first and not self.table.chains(first, original.func.attr.value):
            first = None  # an ordinary method of a function's result: `torch.ones(3).sum()`
        if qualified is not None:
            if not ctx.is_source_framework(qualified):
                return updated
            entries = self.table.overloads(qualified, ctx.origin)
        elif first:
            qualified = f"{first}(...).{original.func.attr.value}"
            entries = self.table.chains(first, original.func.attr.value)
        elif ctx.origin == "torch" and isinstance(original.func, cst.Attribute) and not _is_self(original.func.value):
            if ctx.cache.get("numpy_value", lambda node: False)(original.func.value):
                return updated  # a NumPy array's own method (`x.reshape(...)`, `matches.mean()`): the TF side runs it too
            # In a torch file these names are tensor methods: `x.sum(dim=1)`; `self.flatten(x)` calls a submodule.
            entries = self.table.methods(original.func.attr.value)
            receiver = _bare(updated.func.value)
        else:
            return updated
        if not entries:
            if receiver is not None and self._tensor_method(original):
                method = original.func.attr.value
                ctx.report(original, UNTRANSLATED, f"torch.Tensor.{method} has no {ctx.to} translation; left as is")
            return updated
        failure = None
        for entry in entries:
            imports = dict(ctx.imports)
            try:
                attempt = Call(self, entry, _one_call(entry, updated) if first else updated, receiver, original)
                result = attempt.emit()
            except Unmatched as why:
                _restore(ctx.imports, imports)  # a failed attempt imports nothing
                if isinstance(why, Refused):
                    failure = why
                    break
                failure = failure or why
                continue
            for node in [original.func, *attempt.taken] + ([original.func.value.func] if first else []):
                ctx.consume(node)
            for note in attempt.notes + ([entry.caveat] if entry.caveat else []):
                ctx.report(original, "TG203", note, level="warning")
            return result
        what = qualified.replace("tensorflow.", "tf.", 1) if qualified else f".{original.func.attr.value}()"
        if receiver is None:
            for node in [original.func] + ([original.func.value.func] if first else []):
                ctx.consume(node)  # reported here, more precisely than the engine's TG900
            ctx.report(original, failure.code, f"{what}: {failure}; left as is")
            _restore(ctx.imports, imports_before)
            return original  # all source code, arguments included (no `tf.argmax(x, output_type=torch.int32)`)
        # a method name alone does not prove the receiver is a tensor: report, mark only a known tensor's
        level = "error" if self._tensor_method(original) else "warning"
        ctx.report(original, failure.code, f"{what}: {failure}; left as is", level=level)
        return updated

    def _tensor_method(self, call: cst.Call) -> bool:
        """A method of a certainly-torch tensor no other rule translates (the PyTorch -> TF plan knows)."""
        plan = self.ctx.cache.get("torch_plan")
        return plan is not None and plan.tensor_method(call)


class _NameUses(cst.CSTVisitor):
    """For every name: the numbers of positional arguments calls of it pass (-1 for a call with keywords or stars),
    and how many other times it is written; the names the file's own functions and classes are defined under."""

    def __init__(self):
        self.arities: dict[str, set[int]] = defaultdict(set)
        self.others: Counter = Counter()
        self.defined: set[str] = set()
        self._callees: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self._callees.add(id(node.func))
            plain = all(a.keyword is None and not a.star for a in node.args)
            self.arities[node.func.value].add(len(node.args) if plain else -1)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._callees:
            self.others[node.value] += 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.defined.add(node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.defined.add(node.name.value)


def _name_uses(ctx) -> _NameUses:
    """One walk per file."""
    uses = ctx.cache.get("ops_name_uses")
    if uses is None:
        uses = ctx.cache["ops_name_uses"] = _NameUses()
        walk(ctx.module, uses)
    return uses


def _chained_call(ctx, call: cst.Call) -> str | None:
    """The torch function whose result a method is called on (`torch.empty(2, 3).uniform_(-1.0, 1.0)`), or None."""
    func = call.func
    if ctx.origin != "torch" or not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Call):
        return None
    qualified = ctx.qualname(func.value.func)
    return qualified if ctx.is_source_framework(qualified) else None


def _one_call(entry, updated: cst.Call) -> cst.Call:
    """`f(a).m(b)` as one call of the entry's chained side, `f(a, <m's parameter>=b)`, to bind like any call."""
    names = entry.sides["torch"].chain[1]
    inner, args = _bare(updated.func.value), []
    for i, arg in enumerate(updated.args):
        if arg.keyword is None and not arg.star:
            if i >= len(names):
                raise Unmatched("TG202", f"too many positional arguments for .{entry.sides['torch'].chain[0]}()")
            arg = cst.Arg(arg.value, keyword=cst.Name(names[i]))
        args.append(arg)
    return inner.with_changes(args=[*inner.args, *args])


def _call_arities(ctx, name: str) -> set[int] | None:
    """The numbers of positional arguments `name` is called with, where its one binding and those calls are all
    the file does with it (-1 for a call with keywords or stars); None otherwise."""
    uses = _name_uses(ctx)
    return uses.arities.get(name, set()) if uses.others[name] == 1 else None


def _restore(imports: dict, saved: dict) -> None:
    imports.clear()
    imports.update(saved)


class Call:
    """One attempt to translate a call with one entry."""

    def __init__(self, rule: OpsRule, entry, call: cst.Call, receiver, original: cst.Call | None = None):
        self.rule, self.ctx, self.entry, self.call, self.receiver = rule, rule.ctx, entry, call, receiver
        self.original = original  # the source call, where a condition reads what the source file shows
        self.origin, self.to = rule.ctx.origin, rule.ctx.to
        self.source, self.target = entry.sides[self.origin], entry.sides[self.to]
        self.notes: list[str] = []  # TG203 warnings, reported if this attempt succeeds
        self.taken: list[cst.CSTNode] = []  # argument nodes this attempt translates, consumed if it succeeds

    def emit(self) -> cst.BaseExpression:
        bound = self.bind()
        if self.entry.grid == self.origin:
            self.check_grid(bound)
        self.check_fixed(bound)
        self.take_kept_dtype(bound)
        values = self.source_values(bound)
        self.add_int_dtype(bound, values)
        self.keep_int_dtype(bound, values)
        if self.target.is_template:
            return self.render(values)
        return cst.Call(func=self.ctx.ref(self.target.name), args=self.target_args(values))

    # -- binding -------------------------------------------------------------------------------------------------
    def bind(self) -> dict:
        """Source parameter -> expression (a list of expressions for *varargs), as Python would bind the call."""
        params = self.source.params
        args = list(self.call.args)
        if self.receiver is not None:
            args.insert(0, cst.Arg(self.receiver))
        bound: dict = {}
        self.positions = {}  # source parameter -> index of the positional argument that gave it
        positional = [p for p in params if p.kind == "positional"]
        varargs = next((p for p in params if p.kind == "varargs"), None)
        unnamed = [a for a in args if a.keyword is None]
        self.starred = None  # the *varargs parameter given one starred sequence
        for i, arg in enumerate(unnamed):
            if arg.star == "*" and varargs is not None and i == len(positional) == len(unnamed) - 1:
                # torch's `*size` parameters take the sequence itself: `torch.zeros(*x.size())` is torch.zeros(x.size())
                bound[varargs.name], self.positions[varargs.name], self.starred = [arg.value], i, varargs.name
                continue
            if arg.star:
                raise Unmatched("TG202", "*args/**kwargs cannot be matched to parameters statically")
            if i < len(positional):
                bound[positional[i].name] = arg.value
                self.positions[positional[i].name] = i
            elif varargs is not None:
                bound.setdefault(varargs.name, []).append(arg.value)
                self.positions.setdefault(varargs.name, i)
            else:
                raise Unmatched("TG202", "too many positional arguments")
        for arg in args:
            if arg.keyword is None:
                continue
            name = arg.keyword.value
            param = self.source.param(name)
            if param is None and name in DROPPED.get(self.origin, ()):
                continue
            if param is None:
                raise Unmatched("TG202", f"argument {name!r} not supported")
            if name in bound:
                raise Unmatched("TG202", f"argument {name!r} given twice")
            bound[name] = arg.value
        for p in params:
            if p.default is None and p.kind != "varargs" and p.name not in bound:
                raise Unmatched("TG202", f"missing argument {p.name!r}")
        for name, node in bound.items():
            if name.endswith("type") and isinstance(node, cst.Integer) and self.origin == "tf":
                raise Unmatched("TG202", f"{name}={node.value}: a DType's enum number, which torch takes no dtype as")
            if name.endswith("type") and isinstance(node, cst.SimpleString) and self.origin == "tf":
                # TF takes a dtype's name (dtype="float64"); torch only its dtype objects
                dtype = api_table.dtype(f"tensorflow.{node.evaluated_value}", self.to)
                bound[name] = self.ctx.ref(dtype) if dtype else node
        return bound

    def check_fixed(self, bound: dict) -> None:
        for name, want in self.entry.fixed_for(self.origin).items():
            node = bound.get(name)
            text = code_of(node) if node is not None else self.source.param(name).default
            if want.startswith("<"):
                if node is None or not (_kind_matches(want, node) or want == "<list>" and self.ctx.cache.get(
                        "list_value", lambda node: False)(node) or want == "<list of expressions>"
                                        and self._list_of_expressions(node)):
                    raise Unmatched("TG201", f"only a literal {want[1:-1]} {name} has an exact {self.to} "
                                             f"translation (got {text})")
            elif not same_value(text, want):
                raise Unmatched("TG201", f"only {name}={want} has an exact {self.to} translation (got {text})")

    def _list_of_expressions(self, node) -> bool:
        """A name every value of which is a list display (the PyTorch -> TF bindings say), one not only of numbers."""
        values = self.ctx.cache["name_values"](node) if isinstance(node, cst.Name) and "name_values" in \
            self.ctx.cache else [None]
        return all(isinstance(v, (cst.List, cst.Tuple)) for v in values) and any(
            _kind_matches("<list of expressions>", v) for v in values)

    def check_grid(self, bound: dict) -> None:
        """A float `arange(start, end, step)` grid: exact where every CPU computes the same values (torch_grid.py),
        which literal arguments show; integer starts and steps give integers everywhere."""
        dtype = api_table.expand(dotted(bound["dtype"]) or "?") if "dtype" in bound else "float32"
        if api_table.load().is_dtype(dtype) and "float" not in dtype:
            return  # an integer grid
        if bound.get("end") is None:
            return  # arange(n): 0, 1, ..., n - 1 everywhere
        args = [bound["start"], bound["end"], bound.get("step", cst.Integer("1"))]
        literals = [_number_literals(node) for node in args]
        if not any(isinstance(found[0], cst.Float) for found in literals if found) and "dtype" not in bound:
            return  # no float in sight: integers
        start, end, step = [None if found is None else ast.literal_eval(code_of(node))
                            for node, found in zip(args, literals)]
        if start is not None and step is not None and float(start).is_integer() and float(step).is_integer():
            return  # integers from an integer start and step, exact everywhere
        kind = dtype.rsplit(".", 1)[-1]
        if None in (start, end, step) or kind not in ("float32", "float64"):
            raise Refused("TG204", f"a {kind} grid torch computes otherwise on other CPUs (vector blocks, fused "
                                   "multiply-add) unless its start, end and step are number literals that show "
                                   "otherwise")
        index = differing_index(start, end, step, kind)
        if index == -1:
            raise Refused("TG204", f"a {kind} grid longer than torch's GRAIN_SIZE: its threads cut it, which "
                                   "changes its values by CPU")
        if index is not None:
            raise Refused("TG204", f"torch computes this {kind} grid otherwise on other CPUs (x86 AVX2 fuses "
                                   f"start + i * step, DEFAULT does not; vector blocks round their base): value {index} "
                                   "differs in the last bit, at a kink (relu, abs) a gradient; no TF code gives "
                                   "torch's values on every CPU")

    def source_values(self, bound: dict) -> dict:
        """Source parameter -> target-ready expression (given or default), after value maps; unmapped ones checked."""
        used = self.used_source_params()
        values = {}
        for p in self.source.params:
            node = bound.get(p.name)
            mapping = self.entry.value_map(p.name, self.origin)
            if mapping is not None:
                text = code_of(node) if node is not None else p.default
                new = next((v for k, v in mapping.items() if same_value(k, text)), None)
                if new is None:
                    raise Unmatched("TG202", f"{p.name}={text} has no {self.to} equivalent")
                if node is not None:
                    self.taken.append(node)  # a source name as a value (`x.type(torch.FloatTensor)`): translated here
                node, default = self.expr(new), False
            elif node is None:
                if p.default is None:
                    continue
                node, default = self.expr(p.default), True
            else:
                default = False
            if p.name not in used:
                if p.name in self.entry.fixed_for(self.origin):
                    continue  # a condition already checked
                if not default and p.name == "seed" and self.entry.random and self.origin == "tf":
                    self.notes.append(f"seed={code_of(node)} dropped: an op seed fixes TF's own sequence, which no torch "
                                      "generator reproduces (B25); the draw differs as any draw does, and twin runs "
                                      "share their draws")
                    continue
                if not default and p.name not in IGNORED and not same_value(code_of(node), p.default or "..."):
                    raise Unmatched("TG202", f"argument {p.name!r} not supported")
                continue
            values[p.name] = (node, default)
        return values

    def used_source_params(self) -> set:
        if self.target.is_template:
            return {p.name for p in self.source.params if "{%s}" % p.name in self.target.text}
        return {p.name for p in self.source.params
                if self.target.param(self.entry.mapped(p.name, self.origin)) is not None}

    def add_int_dtype(self, bound: dict, values: dict) -> None:
        """Python int literals get the source framework's integer dtype (B1, B19), stated explicitly."""
        spec = self.entry.int_literals
        if not spec or "dtype" in bound or spec[self.origin] == spec[self.to]:
            return
        names = [n if self.origin == "tf" else self.entry.mapped(n, "tf") for n in spec["params"]]
        literals = [_number_literals(bound[n]) for n in names if n in bound]
        if any(found is None for found in literals):
            self.notes.append("dtype inferred from a non-literal value: Python ints become int32 in TF, "
                              "int64 in torch; pass dtype= explicitly (B1)")
            return
        leaves = [n for found in literals for n in found]
        if not leaves or not all(isinstance(n, cst.Integer) for n in leaves):
            return  # floats, bools and empty lists get the same dtype in both
        if "{dtype}" not in self.target.text and (self.target.is_template or self.target.param("dtype") is None):
            raise Unmatched("TG201", f"{self.to} cannot take the {spec[self.origin]} dtype these int literals get")
        values["dtype"] = (self.ctx.ref(api_table.expand(f"{self.to}.{spec[self.origin]}")), False)

    def take_kept_dtype(self, bound: dict) -> None:
        """PyTorch -> TF: torch casts the input to dtype= first; TF keeps the input's dtype: `torch.sum(x,
        dtype=d)` is `tf.reduce_sum(tf.cast(x, d))`, `torch.sum(x, dtype=x.dtype)` (and of a cast to d) the plain call."""
        param = self.entry.keeps_dtype
        if not param or self.origin != "torch" or "dtype" not in bound or param not in bound:
            return
        given, dtype = bound[param], bound.pop("dtype")
        cast = isinstance(given, cst.Call) and api_table.expand(dotted(given.func) or "") == "tensorflow.cast" \
            and len(given.args) == 2 and code_of(given.args[1].value) == code_of(dtype)
        if not cast and code_of(dtype) != f"{code_of(_paren(given))}.dtype":
            bound[param] = cst.Call(self.ctx.ref("tensorflow.cast"), [cst.Arg(given), cst.Arg(dtype)])

    def keep_int_dtype(self, bound: dict, values: dict) -> None:
        """TF -> PyTorch: TF keeps an integer input's dtype (a uint8 sum wraps), torch widens it to int64: dtype= is
        passed where the input may be integer (the dtype the TF code shows, or `x.dtype` of a plain expression)."""
        param = self.entry.keeps_dtype and self.entry.mapped(self.entry.keeps_dtype, "torch")
        if not param or self.origin != "tf" or param not in bound or self.original is None:
            return
        source = Call(self.rule, self.entry, self.original, None).bind().get(param)
        kind = known_dtype(self.ctx, source) if source is not None else None
        if kind == "float":
            return
        if kind is not None:
            values["dtype"] = (self.ctx.ref(api_table.dtype(kind, "torch")), False)
        elif _simple(bound[param]):
            values["dtype"] = (cst.Attribute(bound[param], cst.Name("dtype")), False)
        else:
            self.notes.append("on an integer input TF keeps its dtype (a uint8 sum wraps), torch gives int64 "
                              "(pass the input through a name to keep it)")

    # -- emitting ----------------------------------------------------------------------------------------------------
    def expr(self, text: str) -> cst.BaseExpression:
        """A table literal/default as a target expression (dtype names translated)."""
        return transform(_parse_template(text), _Refs(self, {}))

    def target_args(self, values: dict) -> list[cst.Arg]:
        by_target = {self.entry.mapped(name, self.origin): (name, *v) for name, v in values.items()}
        fixed = self.entry.fixed_for(self.to)
        out, positional = [], True
        for p in self.target.params:
            source = None
            if p.name in fixed:
                want = fixed[p.name]
                if not want.startswith("<"):
                    node = self.expr(want)
                elif p.name in by_target and _kind_matches(want, by_target[p.name][1]):
                    source, node, _ = by_target[p.name]
                else:
                    raise Unmatched("TG201", f"{self.target.name} needs a literal {want[1:-1]} {p.name} here")
            elif p.name in by_target:
                source, node, _ = by_target[p.name]
            else:
                if p.default is None and p.kind != "varargs":
                    raise Unmatched("TG202", f"{self.target.name} needs {p.name!r}")
                positional = False
                continue
            raw = node
            if isinstance(node, list):  # torch varargs (`x.view(2, 3)`)
                node = _pack(node)
            # Defaults are literals or dotted names: only such a node can equal one (its text costs a codegen).
            text = code_of(node) if type(node) in _LITERAL_LIKE else None
            if text is not None and p.default is not None and same_value(text, p.default):
                positional = False  # omitted: the target's default does the same
                continue
            if text is not None and same_value(text, "None"):
                # None means something else here (`axis=None` reduces axis 0 in tf.argmax): no exact form.
                raise Unmatched("TG201", f"{p.name}=None has no exact {self.to} equivalent; pass it explicitly")
            if p.kind == "varargs":
                star = "*" if source is not None and source == self.starred else ""
                out += [cst.Arg(n, star=star) for n in (raw if isinstance(raw, list) else [raw])]
                continue
            # Positional only where the source had it at the same place: keeps the keywords a reader relies on
            # (labels=/logits=) and never reorders silently.
            positional = positional and p.kind == "positional" and self.positions.get(source) == len(out)
            out.append(cst.Arg(node) if positional else cst.Arg(
                node, keyword=cst.Name(p.name),
                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                      whitespace_after=cst.SimpleWhitespace(""))))
        return out

    def render(self, values: dict) -> cst.BaseExpression:
        text = self.target.text
        missing = [n for n in re.findall(r"{(\w+)}", text) if n not in values]
        if missing:
            raise Unmatched("TG202", f"needs {missing[0]!r}")
        slots = {}
        for name, (node, _) in values.items():
            slots[name] = _pack(node) if isinstance(node, list) else node
        # A value used twice that is not a plain name/number is bound once through a lambda.
        repeated = {n: v for n, v in slots.items() if text.count("{%s}" % n) > 1 and not _simple(v)}
        params = {n: self.ctx.new_name(n) for n in repeated}
        body = _parse_template(_fill_slots(text))
        inline = {n: v for n, v in slots.items() if n not in repeated}
        inline.update({n: cst.Name(params[n]) for n in repeated})
        body = transform(body, _Refs(self, inline))
        if repeated:
            lam = cst.Lambda(params=cst.Parameters([cst.Param(cst.Name(params[n])) for n in repeated]), body=body)
            body = cst.Call(func=lam.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]),
                            args=[cst.Arg(_bare(slots[n])) for n in repeated])
        return _paren(body)


def _pack(nodes: list) -> cst.BaseExpression:
    """torch's `*size` arguments as one shape: `x.view(2, 3)` -> [2, 3]; `x.view(shape)` -> shape."""
    if len(nodes) == 1 and not _is_int_literal(nodes[0]):
        return nodes[0]
    return cst.List([cst.Element(n) for n in nodes])


@functools.lru_cache(maxsize=None)
def _parse_template(text: str) -> cst.BaseExpression:
    """Table texts are few and used often: parsed once (the output shares the parts `_Refs` does not change)."""
    return cst.parse_expression(text)


def _fill_slots(text: str) -> str:
    """`{x}` slots as parseable names."""
    return re.sub(r"{(\w+)}", lambda m: _SLOT.format(m.group(1)), text)


def _paren(node: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(node, _COMPOUND) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


class _Refs(cst.CSTTransformer):
    """Fills template slots and turns framework names (`torch.where`, `tf.int32`) into references with imports."""

    def __init__(self, call: Call, slots: dict):
        super().__init__()
        self.call = call
        self.names = {_SLOT.format(n): v for n, v in slots.items()}

    def _framework(self, node) -> str | None:
        text = dotted(node)
        return text if text and text.split(".")[0] in _ROOTS else None

    def visit_Attribute(self, node) -> bool:
        return self._framework(node) is None

    def leave_Attribute(self, original, updated):
        text = self._framework(original)
        if text is None:
            return updated
        qualified = api_table.expand(text)
        to = self.call.to
        if qualified.split(".")[0] != ("tensorflow" if to == "tf" else "torch"):
            qualified = api_table.dtype(qualified, to) or qualified  # a source-side default such as tf.int32
        return self.call.ctx.ref(qualified)

    def leave_Name(self, original, updated):
        if original.value in self.names:
            return _paren(self.names[original.value])
        return updated

    def leave_Arg(self, original, updated):
        return self._unparen(original.value, updated)

    def leave_Element(self, original, updated):
        return self._unparen(original.value, updated)

    def _unparen(self, value, updated):
        if isinstance(value, cst.Name) and value.value in self.names:
            return updated.with_changes(value=self.names[value.value])
        return updated
