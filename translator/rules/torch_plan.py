"""What the PyTorch -> TF rules need to know before rewriting: leaves, tape regions, the state of `.grad`.

torch records every op on a `requires_grad` tensor as it runs; a TF tape records only what runs inside its
`with` block. So each scope (the module, each function) is analysed once, on the original tree:

* leaves: names bound to `torch.*(..., requires_grad=True)`, `x.requires_grad_()`, `torch.nn.Parameter(...)`;
  they become `tf.Variable`s (watched by every tape) and their `.grad` a plain name (`x.grad` -> `x_grad`);
* carrying names: names that may hold a value on the autograd graph (computed from leaves or from calls the
  translator cannot see into; a function of the module computing from its arguments alone, `pure()`, carries what
  they carry); `.detach()`, `.item()`, `torch.no_grad()` and first-order gradients cut it;
* backward sites (`T.backward(...)`, `torch.autograd.grad(...)`): each gets a tape whose `with` block opens at
  the first statement of the site's block that computes a carrying value the target needs. A region that
  reaches into an earlier site's region encloses that site's tape (nested tapes: TF's way to differentiate
  again over recorded ops, or through a `create_graph=True` gradient). A target needing a carrying value from
  outside its block (an enclosing loop, the previous iteration; not a binding later in the file no loop brings
  back, as a later notebook cell) is refused. torch.autograd.grad's inputs: a list, a tuple, a comprehension, or one
  tensor (a leaf, a name every binding of which makes a tensor, a Module's parameter `layer.kernel`: a list of one
  in TF, as torch answers a tuple). An `if t.requires_grad:` guarding a gradient, where torch's answer is known,
  is planned as its body (True) or as nothing (False): the guard the TF -> PyTorch leg writes;
* for each `.backward()`: whether every source's `.grad` is certainly None there (a plain assignment is
  exact) or may hold an earlier gradient (torch adds into it: the output accumulates);
* optimizers over explicit lists of leaves, so that `zero_grad()`/`step()` know their variables;
* holders: names of torch.nn Modules (classes of the file that `torch_module.py` translates, torch.nn's own, twingrad's
  Keras helpers and their subclasses, `torch_keras_helpers.py`).
  Their parameters are no leaves of the plan: a backward() whose target reads a holder and no leaf gets its tape
  like any other and puts every watched variable's gradient on the variable (`p.grad`, added up as torch does);
  an optimizer over `holder.parameters()` steps over those. A backward reaching both kinds is refused (TG504).
  Objects of the file's plain classes are holders too where they hold leaves and nothing computed from them
  (`plain_class`: leaves made in __init__, `self.W = torch.tensor(v, requires_grad=True)`, no later store into
  `self`; given holders or values off the graph): a tape opened where they are used records everything, as it
  watches their variables. So are a function's parameters every call gives such an object (followed through the
  callers' parameters), and an optimizer over `model.weights` steps over what that attribute lists at each step
  (the same leaves: none is rebound). Parameters every call gives a leaf or a list of leaves are watched too;
* a function decorated with `@torch.no_grad()` / `@torch.inference_mode()` has its body under no_grad (the rule
  `torch_no_grad_function.py` cuts its results off the tape);
* attribute mode: a file that reads `.grad` of tensors it does not name as leaves (`param.grad` in a function given
  a list of leaves, `pair[0].grad`) keeps every gradient on its variable, as holders do, and none in a name:
  every backward() fills `.grad` of all the variables its tape watched (or of its `inputs=`, any expression there).
"""
from __future__ import annotations

import builtins
from dataclasses import dataclass, field

import libcst as cst

from .. import table as api_table
from ..codegen import code_of
from ..rewrite import dotted
from ..walk import walk


CUTS = {"detach", "item", "tolist", "numpy"}  # methods whose result is off the graph
PURE_ROOTS = ("torch", "math", "numpy", "random")  # library functions that depend on their arguments only
GRAD_INPLACE = {"add_", "sub_", "mul_", "div_", "neg_", "clamp_", "clip_"}  # in-place methods on a .grad
INPLACE_UPDATES = {"sub_", "add_", "mul_", "div_", "copy_", "zero_", "fill_"}
NO_GRAD = {"torch.no_grad", "torch.autograd.no_grad", "torch.inference_mode", "torch.autograd.grad_mode.no_grad"}
BUILTIN_NAMES = set(dir(builtins))
# torch.nn layers that always compute with a parameter (their output requires grad outside no_grad)
WEIGHTED = {"torch.nn.Linear", "torch.nn.Bilinear", "torch.nn.Conv1d", "torch.nn.Conv2d", "torch.nn.Conv3d",
            "torch.nn.modules.linear.Linear"}
# tensor methods the table does not translate but the rules do (or refuse) with their statement, or TF has too
STATEMENT_METHODS = {"backward", "retain_grad", "register_hook", "numpy"}
# tensor methods whose result is no tensor (a number, a list, an array, a size) or several tensors
NOT_TENSOR_METHODS = {"item", "tolist", "numpy", "size", "dim", "numel", "nelement", "element_size", "stride",
                      "backward", "register_hook", "unbind", "split", "chunk", "data_ptr", "is_contiguous", "type"}
# torch.autograd.functional calls translated as a tape around func(inputs): name -> positions of the options that
# change the numbers (create_graph, strict) and must be off
FUNCTIONAL = {"torch.autograd.functional.jacobian": {"create_graph": 2, "strict": 3},
              "torch.autograd.functional.vjp": {"create_graph": 3, "strict": 4},
              "torch.autograd.functional.jvp": {"create_graph": 3, "strict": 4},
              "torch.autograd.functional.hessian": {"create_graph": 2, "strict": 3}}
OPERATORS = (cst.BinaryOperation, cst.UnaryOperation, cst.BooleanOperation, cst.Comparison, cst.IfExp, cst.Lambda,
             cst.NamedExpr)
EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


@dataclass
class Site:
    """One `.backward()` or `torch.autograd.grad(...)` statement and the tape planned for it."""

    stmt: cst.SimpleStatementLine
    call: cst.Call
    kind: str  # "backward" | "grad"
    target: cst.BaseExpression
    index: int  # position in its block
    start: int = 0  # first statement inside the tape's `with` block
    tape: str = ""
    temp: str | None = None  # the name the target is computed into inside the tape (when not a plain name)
    sources: list[str] = field(default_factory=list)  # leaves whose .grad a backward() fills
    fresh: bool = False  # every source's .grad is certainly None before this backward()
    outer: tuple[str, ...] = ()  # tapes still recording where the gradient is taken
    create_graph: bool = False
    explicit: bool = False  # backward(inputs=...) named the sources
    calls: list = field(default_factory=list)  # the torch.autograd.grad calls of the statement
    deferred: bool = False  # the gradients are taken inside the tape (a persistent one), in the statement itself
    shared: bool = False  # a deferred site inside another deferred site's tape: uses that tape, opens none
    watch: list[str] = field(default_factory=list)  # inputs of autograd.grad the tape must watch (parameters)
    root: Site | None = None  # an earlier site whose (persistent) tape this one's gradient is taken from
    persistent: bool = False  # later sites take gradients from this tape too
    holders: bool = False  # a backward() reaching Module parameters only: their gradients go to `p.grad`


@dataclass
class Jacobian:
    """`J = torch.autograd.functional.jacobian(f, x)` or `out, g = ....vjp(f, x, v)`: a tape around f(x), then
    tape.jacobian / tape.gradient."""

    call: cst.Call
    kind: str  # "jacobian" | "vjp"
    tape: str
    output: str  # name of f(x) inside the tape
    inputs: str | None  # name for the inputs when they are not a plain name
    unpack: bool  # the inputs are a tuple: torch calls f(*inputs) and gives one block per input
    outer: tuple[str, ...] = ()
    inner: tuple[str, str] | None = None  # hessian: the inner tape and the name of its gradient
    tuple_outputs: bool = False  # f returns a tuple: torch gives one jacobian per output


class _OwnReturns(cst.CSTVisitor):
    """The values a function's own return statements give (not those of functions it defines)."""

    def __init__(self):
        self.values: list = []

    def visit_FunctionDef(self, node) -> bool:
        return False

    def visit_Lambda(self, node) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        self.values.append(node.value)


class _Uses(cst.CSTVisitor):
    """The calls of a function name (with the function each is made in, None for the module), and whether the name
    is also used otherwise (passed on, stored). Module code before the function's definition and functions with a
    local of that name use another value."""

    def __init__(self, name: str):
        self.name, self.calls, self.other, self._callees = name, [], False, set()
        self.where: list = []
        self._defs: list = []
        self._defined = False

    def _elsewhere(self) -> bool:
        return not self._defs and not self._defined

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == self.name and not self._elsewhere():
            self.calls.append(node)
            self.where.append(self._defs[-1] if self._defs else None)
            self._callees.add(id(node.func))

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk(node.value, self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.other |= node.value == self.name and id(node) not in self._callees and not self._elsewhere()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._callees.add(id(node.name))
        self._defined |= node.name.value == self.name
        self._defs.append(node)
        return node.name.value == self.name or self.name not in _own_names(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._defs.pop()


MUTATORS = {"append", "extend", "insert", "add", "update", "setdefault"}  # methods changing a container in place


def _root(node) -> cst.BaseExpression:
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node


class _Comprehensions(cst.CSTVisitor):
    """The comprehensions around a node, innermost last."""

    def __init__(self, node):
        self.node, self.stack, self.found = node, [], None

    def on_visit(self, node) -> bool:
        if node is self.node:
            self.found = list(self.stack)
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            self.stack.append(node)
        return self.found is None

    def on_leave(self, node) -> None:
        if self.stack and self.stack[-1] is node:
            self.stack.pop()


def _comprehension_elements(stmt, name: cst.Name) -> list | None:
    """The elements a comprehension's name runs over, where the innermost comprehension binding it (one `for`) runs
    over a list or tuple display: `z` in `[... z ... for z in (z1, z2)]`."""
    visitor = _Comprehensions(name)
    walk(stmt, visitor)
    for comp in reversed(visitor.found or []):
        names: set[str] = set()
        _target_names(comp.for_in.target, names)
        inside = _Comprehensions(name)
        walk(comp.for_in.iter, inside)
        if name.value not in names or inside.found is not None:  # the iterable reads the enclosing scope's names
            continue
        loop = comp.for_in
        single = loop.inner_for_in is None and isinstance(loop.target, cst.Name) and isinstance(
            loop.iter, (cst.List, cst.Tuple)) and all(isinstance(e, cst.Element) for e in loop.iter.elements)
        return [e.value for e in loop.iter.elements] if single else None
    return None


def _own_names(func: cst.FunctionDef) -> set[str]:
    """The names a function binds (its parameters too)."""
    params = func.params
    return names_bound(func.body) | {p.name.value for p in [*params.params, *params.kwonly_params,
                                                            *params.posonly_params]} | {
        p.name.value for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)}


class _SelfWrites(cst.CSTVisitor):
    """Stores into an object through its method's first parameter (`self.a = v`, `self.a[i] += v`,
    `self.xs.append(v)`, `self.w.sub_(v)`), and whether a stored value reads it."""

    def __init__(self, this: str):
        self.this, self.found, self.reads_self = this, False, False

    def _store(self, target, value) -> None:
        names: set[str] = set()
        for each in [target] if not isinstance(target, (cst.Tuple, cst.List)) else [e.value for e in target.elements]:
            root = _root(each)
            if each is not root and isinstance(root, cst.Name) and root.value == self.this:
                self.found = True
                names = names_read(value) if value is not None else {self.this}
        self.reads_self |= self.this in names

    def visit_Assign(self, node) -> None:
        for t in node.targets:
            self._store(t.target, node.value)

    def visit_AugAssign(self, node) -> None:
        self._store(node.target, node.value)

    def visit_AnnAssign(self, node) -> None:
        self._store(node.target, node.value)

    def visit_Call(self, node) -> None:
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else ""
        if method in MUTATORS or method.endswith("_") and not method.endswith("__"):
            self._store(node.func.value, cst.Tuple([cst.Element(a.value) for a in node.args]) if node.args else None)


class _AttributeStores(cst.CSTVisitor):
    """An assignment to one of the attributes (`m.W = ...`, setattr) outside the class's __init__ (another class's
    methods storing into their own object aside)."""

    def __init__(self, attributes: set[str], cls: cst.ClassDef):
        self.attributes, self.cls, self.hit = attributes, cls, False
        self.this: list = []  # the first parameter of each method being walked (None: not a method)
        self.methods: set[int] = set()  # ids of the other classes' methods

    def found(self, module) -> bool:
        walk(module, self)
        return self.hit

    def visit_ClassDef(self, node) -> None:
        if node is not self.cls:
            self.methods |= {id(m) for m in node.body.body if isinstance(m, cst.FunctionDef) and m.params.params}

    def visit_FunctionDef(self, node) -> bool:
        self.this.append(node.params.params[0].name.value if id(node) in self.methods else None)
        return not (node.name.value == "__init__" and any(node is m for m in self.cls.body.body))

    def leave_FunctionDef(self, node) -> None:
        self.this.pop()

    def visit_AssignTarget(self, node) -> None:
        for each in [node.target] if not isinstance(node.target, (cst.Tuple, cst.List)) else [
                e.value for e in node.target.elements]:
            own = self.this and isinstance(each, cst.Attribute) and isinstance(each.value, cst.Name) and \
                each.value.value == self.this[-1]
            self.hit |= isinstance(each, cst.Attribute) and each.attr.value in self.attributes and not own

    def visit_Call(self, node) -> None:
        self.hit |= isinstance(node.func, cst.Name) and node.func.value in ("setattr", "delattr")


class Scope:
    """The module or one function: its leaves, carrying names and optimizers."""

    def __init__(self, node, parent: Scope | None):
        self.node, self.parent = node, parent
        self.params: list[str] = []
        self.statement_ids: set[int] = set()
        self.carrying_params: set[str] = set()  # parameters a caller may pass a value on the graph
        self.passed_leaves: dict[str, bool] = {}  # parameter -> every call passes a leaf (True) or a list of leaves
        self.leaves: dict[str, str] = {}  # leaf -> name of its gradient
        self.carrying: set[str] = set()
        self.optimizers: dict[str, list[str]] = {}  # optimizer name -> its leaves
        self.adams: dict[str, tuple[str, str]] = {}  # Adam optimizer name -> (eps, beta2) as code
        self.bound: set[str] = set()  # every name assigned in the scope
        self.global_grads: set[str] = set()  # module leaves' gradients this function writes
        self.lists: set[str] = set()  # names only ever bound to list or tuple displays
        self.binders: dict[str, list] = {}  # name -> the statements (not compound ones) that bind it
        self.mutated: set[str] = set()  # leaves whose .grad tensor torch changes in place (zero_, accumulation)
        self.opaque: set[str] = set()  # carrying names computed by calls the plan cannot see into
        self.holders: set[str] = set()  # names of torch.nn Modules (their parameters are not leaves of the plan)
        self.parameterless: set[str] = set()  # holders of modules with no parameters (Dropout, activations, losses)
        self.holder_optimizers: dict[str, str] = {}  # optimizer keeping gradients on its variables -> their iterable
        self.order: dict[int, int] = {}  # id(statement) -> its place in the scope's source order
        self.loops: dict[int, tuple] = {}  # id(statement) -> ids of the loops around it
        self.marked: set[str] = set()  # list/tuple names whose tensors a loop made require grad (container_marks)
        self.plain: set[str] = set()  # holders that are objects of the file's plain classes (plain_class)

    def holder(self, name: str) -> bool:
        return name in self.holders or (self.parent is not None and name not in self.bound
                                        and name in self.parent.holders)

    def plain_holder(self, name: str) -> bool:
        return name in self.plain or (self.parent is not None and name not in self.bound and name in self.parent.plain)

    def holds_parameters(self, name: str) -> bool:
        own = name in self.holders
        return self.holder(name) and name not in (self.parameterless if own else self.parent.parameterless)

    def holder_optimizer(self, name: str) -> str | None:
        return self._lookup("holder_optimizers", name)

    def grad_name(self, name: str) -> str | None:
        if name in self.leaves:
            return self.leaves[name]
        if self.parent is not None and name not in self.bound:
            return self.parent.leaves.get(name)
        return None

    def optimizer(self, name: str) -> list[str] | None:
        return self._lookup("optimizers", name)

    def adam(self, name: str) -> tuple[str, str] | None:
        return self._lookup("adams", name)

    def _lookup(self, table: str, name: str):
        if name in getattr(self, table):
            return getattr(self, table)[name]
        if self.parent is not None and name not in self.bound:
            return getattr(self.parent, table).get(name)
        return None

    def is_global_leaf(self, name: str) -> bool:
        return name not in self.leaves and self.grad_name(name) is not None


# -- small syntax helpers ------------------------------------------------------------------------------------------

class _Reads(cst.CSTVisitor):
    def __init__(self):
        self.names: set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def names_read(node: cst.CSTNode) -> set[str]:
    visitor = _Reads()
    walk(node, visitor)
    return visitor.names


def statement_reads(stmt: cst.CSTNode) -> set[str]:
    if isinstance(stmt, cst.SimpleStatementLine):
        out: set[str] = set()
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                out |= names_read(small.value)
                for t in small.targets:
                    out |= _target_reads(t.target)
            else:
                out |= names_read(small)
        return out
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return names_read(stmt)
    out = set()  # a compound statement: its header expressions and its statements, not its targets
    for header in ("test", "iter"):
        if getattr(stmt, header, None) is not None:
            out |= names_read(getattr(stmt, header))
    for item in getattr(stmt, "items", ()):
        out |= names_read(item.item)
    for block in Plan._blocks(stmt):
        for inner in block.body:
            out |= statement_reads(inner)
    if isinstance(stmt, cst.If) and isinstance(stmt.orelse, cst.If):
        out |= statement_reads(stmt.orelse)
    return out


def _target_reads(node: cst.BaseExpression) -> set[str]:
    """Names an assignment target reads (`a[i] = ...` reads a and i; `a, b = ...` reads nothing)."""
    if isinstance(node, cst.Name):
        return set()
    if isinstance(node, (cst.Tuple, cst.List)):
        return set().union(*(_target_reads(e.value) for e in node.elements))
    if isinstance(node, cst.StarredElement):
        return _target_reads(node.value)
    return names_read(node)


def _target_names(node: cst.BaseExpression, out: set[str]) -> None:
    if isinstance(node, cst.Name):
        out.add(node.value)
    elif isinstance(node, (cst.Tuple, cst.List)):
        for el in node.elements:
            _target_names(el.value, out)
    elif isinstance(node, cst.StarredElement):
        _target_names(node.value, out)


class _Targets(cst.CSTVisitor):
    """The targets of the comprehensions' `for` clauses."""

    def __init__(self):
        self.found: list = []

    def visit_CompFor(self, node) -> None:
        self.found.append(node.target)


class _Bound(cst.CSTVisitor):
    def __init__(self, writes: bool = False):
        self.names: set[str] = set()
        self.writes = writes  # also `t` of an index write `t[i] = v`

    def visit_AssignTarget(self, node) -> None:
        _target_names(node.target, self.names)
        if self.writes and isinstance(node.target, cst.Subscript) and isinstance(node.target.value, cst.Name):
            self.names.add(node.target.value.value)

    def visit_AugAssign(self, node) -> None:
        _target_names(node.target, self.names)
        if self.writes and isinstance(node.target, cst.Subscript) and isinstance(node.target.value, cst.Name):
            self.names.add(node.target.value.value)

    def visit_Expr(self, node) -> None:
        if self.writes and inplace_receiver(node) is not None:
            self.names.add(inplace_receiver(node))

    def visit_AnnAssign(self, node) -> None:
        _target_names(node.target, self.names)

    def visit_For(self, node) -> None:
        _target_names(node.target, self.names)

    def visit_AsName(self, node) -> None:
        _target_names(node.name, self.names)

    def visit_NamedExpr(self, node) -> None:
        _target_names(node.target, self.names)

    def visit_FunctionDef(self, node) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_ClassDef(self, node) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_Lambda(self, node) -> bool:
        return False


def names_bound(node: cst.CSTNode) -> set[str]:
    visitor = _Bound()
    walk(node, visitor)
    return visitor.names


def names_written(node: cst.CSTNode) -> set[str]:
    """names_bound, and the tensors index writes change (`t[0] = v`: the translation rebinds t, whose value now
    depends on v's; torch_masked_assign.py), and those an in-place method changes (`h.add_(v)`: rebound too)."""
    visitor = _Bound(writes=True)
    walk(node, visitor)
    return visitor.names


def inplace_receiver(small) -> str | None:
    """`h` of an expression statement `h.add_(v)`: a torch in-place method on a name (not `requires_grad_()`)."""
    call = small.value if isinstance(small, cst.Expr) else None
    if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name):
        method = call.func.attr.value
        if method.endswith("_") and not method.endswith("__") and method != "requires_grad_":
            return call.func.value.value
    return None


def _literal(node) -> bool:
    """A number or string literal (or a tuple of them)."""
    if isinstance(node, cst.UnaryOperation):
        node = node.expression
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(_literal(e.value) for e in node.elements)
    return isinstance(node, (cst.Integer, cst.Float, cst.SimpleString))


class _Declares(cst.CSTVisitor):
    found = False

    def visit_Global(self, node) -> None:
        self.found = True

    visit_Nonlocal = visit_Global


def _declares(node) -> bool:
    """A `global` or `nonlocal` statement in node."""
    visitor = _Declares()
    walk(node, visitor)
    return visitor.found


def fully_rebinds(stmt: cst.CSTNode) -> set[str]:
    """Names an unconditional `a = ...` statement replaces."""
    out: set[str] = set()
    if isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                for t in small.targets:
                    _target_names(t.target, out)
    return out


def _loop_targets(loop: cst.For) -> set[str]:
    names: set[str] = set()
    _target_names(loop.target, names)
    return names


def paren(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The expression in parentheses where an operator around it could bind into it (templates drop them)."""
    if isinstance(expr, OPERATORS) and not expr.lpar:
        return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return expr


def keyword(call: cst.Call, name: str, position: int | None = None) -> cst.BaseExpression | None:
    for i, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
        if arg.keyword is None and arg.star == "" and i == position:
            return arg.value
    return None


def is_true(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


def is_false(expr: cst.BaseExpression | None) -> bool:
    return expr is None or (isinstance(expr, cst.Name) and expr.value in ("False", "None"))


def single_call(stmt: cst.CSTNode) -> cst.Call | None:
    """The call of a one-expression statement line (`x.backward()`), else None."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr):
        value = stmt.body[0].value
        return value if isinstance(value, cst.Call) else None
    return None


def method_call(call: cst.Call | None, *names: str) -> cst.BaseExpression | None:
    """The receiver of `receiver.name(...)` for one of the names."""
    if call is not None and isinstance(call.func, cst.Attribute) and call.func.attr.value in names:
        return call.func.value
    return None


class _Calls(cst.CSTVisitor):
    def __init__(self, ctx, qualified: str):
        self.ctx, self.qualified, self.found = ctx, qualified, []

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualname(node.func) == self.qualified:
            self.found.append(node)


class _Deferred(cst.CSTVisitor):
    """Finds torch.autograd.grad calls in comprehensions and lambdas: they run later than the rest of a statement."""

    def __init__(self, ctx):
        self.ctx, self.depth, self.found = ctx, 0, False

    def _enter(self, node) -> None:
        self.depth += 1

    def _leave(self, node) -> None:
        self.depth -= 1

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda = _enter
    leave_ListComp = leave_SetComp = leave_DictComp = leave_GeneratorExp = leave_Lambda = _leave

    def visit_Call(self, node: cst.Call) -> None:
        self.found |= bool(self.depth) and self.ctx.qualname(node.func) == "torch.autograd.grad"


def deferred_grad(ctx, stmt) -> bool:
    """A torch.autograd.grad call in a comprehension or lambda of the statement."""
    visitor = _Deferred(ctx)
    walk(stmt, visitor)
    return visitor.found


def calls_to(ctx, node: cst.CSTNode, qualified: str) -> list[cst.Call]:
    visitor = _Calls(ctx, qualified)
    walk(node, visitor)
    return visitor.found


# -- the plan ------------------------------------------------------------------------------------------------------

class Plan:
    """Computed once per file (lazily: the engine resolves imports while walking, so after the imports)."""

    def __init__(self, ctx):
        self.ctx = ctx
        ctx.cache["torch_plan"] = self  # for the generic rules (ops.py: is a method's receiver a tensor?)
        self.module: cst.Module | None = None
        self.done = False
        self.scopes: dict[int, Scope] = {}  # id(Module or FunctionDef) -> Scope
        self.sites: dict[int, Site] = {}  # id(statement) -> Site
        self.site_calls: dict[int, Site] = {}  # id(call) -> Site
        self.groups: dict[int, list[Site]] = {}  # id(block) -> its sites, in order
        self.leaf_stmts: dict[int, tuple[str, str]] = {}  # id(statement) -> ("create" | "mark", leaf)
        self.grad_zero: dict[int, str] = {}  # id(statement `x.grad.zero_()`) -> leaf
        self.grad_inplace: dict[int, str] = {}  # id(statement `x.grad.clamp_(-1, 1)` and the like) -> leaf
        self.jacobians: dict[int, Jacobian] = {}  # id(statement) -> its plan
        self.adam_steps: dict[int, tuple[str, str, str]] = {}  # id(`opt.step()`) -> (optimizer, eps, beta2)
        self.leaves_before: dict[int, list[str]] = {}  # id(statement) -> the leaves created before it
        self.places: dict[int, tuple[list, int]] = {}  # id(statement) -> (its block's statements, its index)
        self.methods: set[int] = set()  # ids of functions defined in a class body
        self.container: dict[int, cst.CSTNode] = {}  # id(statement) -> the compound statement whose block holds it
        self.grad_loops: dict[int, list[str]] = {}  # id(`for p, g in zip([w, b], gs): p.grad = g`) -> leaves
        self.no_grad: dict[int, tuple[str, ...]] = {}  # id(with torch.no_grad()) -> tapes recording around it
        self.in_no_grad: set[int] = set()  # ids of statements under torch.no_grad()
        self.refusals: dict[int, list[tuple[cst.CSTNode, str, str]]] = {}  # id(statement) -> findings
        self.accumulate: str | None = None  # name of the emitted helper that adds into .grad, once needed
        self.grads: str | None = None  # name for the new gradients before they are added into .grad
        self.stack: list = []  # the module and the functions being walked
        self.module_classes: set[str] | None = None  # classes of the file translated to tf.Module
        self.pure_functions: dict[str, bool] = {}  # module function name -> pure()
        self.plain_classes: dict[str, str | None] = {}  # class name -> plain_class()
        self.param_holders: dict[tuple, str | None] = {}  # (id(function), parameter) -> _param_holder()
        self.kept_lists: dict[int, cst.SimpleStatementLine] = {}  # id(optimizer statement) -> `v = [m.w, m.b]` before
        self.guards: dict[int, bool] = {}  # id(`if t.requires_grad:` around a gradient) -> torch's known answer
        self.container_marks: dict[int, tuple[str, bool]] = {}  # id(for loop) -> (container, is a tuple)
        self.marked_bodies: set[int] = set()  # ids of the `t.requires_grad_()` statements of those loops
        self.holder_sites: list[Site] = []  # backward() sites whose gradients go to the parameters' `.grad`
        self.named_leaves = False  # some scope has leaves of its own (their gradients are names, not p.grad)
        self.attribute_mode = False  # every gradient is kept on its variable (`x.grad`), none in a name

    def ensure(self) -> None:
        if not self.done and self.module is not None:
            self.done = True
            self.attribute_mode = self._dynamic_grads()
            self._scope(self.module, None)

    def _dynamic_grads(self) -> bool:
        """Does the file read `.grad` of tensors it does not name as leaves (`param.grad` in a function given a list
        of leaves, `pair[0].grad`)? Then every gradient lives on its variable (`x.grad`), as in torch."""
        plan = self

        class Visitor(cst.CSTVisitor):
            def __init__(self):
                self.leaves, self.bound, self.receivers = set(), set(), []

            def visit_SimpleStatementLine(self, node) -> None:
                leaf = plan._leaf_statement(node)
                if leaf is not None:
                    self.leaves.add(leaf[1])

            def visit_Param(self, node) -> None:
                self.bound.add(node.name.value)

            def visit_For(self, node) -> None:
                self.bound |= names_bound(node.target) if not isinstance(node.target, cst.Name) else {
                    node.target.value}

            def visit_CompFor(self, node) -> None:
                _target_names(node.target, self.bound)

            def visit_Attribute(self, node) -> None:
                if node.attr.value == "grad" and not plan.ctx.is_source_framework(plan.ctx.qualname(node)):
                    self.receivers.append(node.value)

        visitor = Visitor()
        walk(self.module, visitor)
        return any(not isinstance(r, cst.Name) or (r.value in visitor.bound and r.value not in visitor.leaves)
                   for r in visitor.receivers)

    def scope(self) -> Scope:
        return self.scopes[id(self.stack[-1])]

    def refuse(self, stmt, node, code: str, message: str) -> None:
        self.refusals.setdefault(id(stmt), []).append((node, code, message))

    # -- scopes ----------------------------------------------------------------------------------------------------
    def _scope(self, node, parent: Scope | None) -> None:
        scope = Scope(node, parent)
        self.scopes[id(node)] = scope
        body = node.body if isinstance(node, cst.Module) else node.body.body
        statements = list(self._walk(body))
        scope.statement_ids = {id(st) for st in statements}
        scope.order = {id(st): i for i, st in enumerate(statements)}
        self._loops(body, (), scope.loops)
        scope.bound = set().union(*(names_bound(s) for s in statements if isinstance(s, cst.SimpleStatementLine)),
                                  *(names_bound(s.target) for s in statements if isinstance(s, cst.For)), set())
        if isinstance(node, cst.FunctionDef):
            scope.params = [p.name.value for p in node.params.params + node.params.kwonly_params]
            scope.bound |= set(scope.params)
            scope.carrying_params = self._carrying_params(node, scope.params, parent)
            scope.passed_leaves = self._passed_leaves(node, scope.params, parent)
        self._mark_no_grad(body, isinstance(node, cst.FunctionDef) and self.no_grad_decorator(node) is not None)
        scope.lists = self._list_names(statements)
        for stmt in statements:
            bound = names_bound(stmt) if isinstance(stmt, cst.SimpleStatementLine) else \
                names_bound(stmt.target) if isinstance(stmt, cst.For) else set()
            for name in bound:
                scope.binders.setdefault(name, []).append(stmt)
        self._find_leaves(scope, statements)
        self.named_leaves |= bool(scope.leaves)
        self._find_carrying(scope, statements)
        self._find_holders(scope, statements)  # the values given to plain classes' objects are carrying or not
        self._find_optimizers(scope, statements)
        leaves_before = self._ordered_leaves(scope, statements)
        self.leaves_before.update(leaves_before)
        self._block(scope, node if isinstance(node, cst.Module) else node.body, body, (), leaves_before)
        self._flow(scope, body, {})
        for stmt in statements:
            for inner in self._defs(stmt):
                self._scope(inner, scope if parent is None else parent)

    def _walk(self, body):
        """Statements of a scope in source order, compound statements' bodies included, nested defs excluded."""
        for stmt in body:
            yield stmt
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                continue
            for block in self._blocks(stmt):
                yield from self._walk(block.body)

    def _loops(self, body, around: tuple, out: dict) -> None:
        """id(statement) -> ids of the for/while loops of its scope around it."""
        for stmt in body:
            out[id(stmt)] = around
            if not isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                inner = around + (id(stmt),) if isinstance(stmt, (cst.For, cst.While)) else around
                for block in self._blocks(stmt):
                    self._loops(block.body, inner, out)

    @staticmethod
    def _blocks(stmt) -> list:
        if not isinstance(stmt, cst.BaseCompoundStatement) or isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            return []
        out = [stmt.body] if isinstance(stmt.body, cst.IndentedBlock) else []
        for part in ("orelse", "finalbody"):
            extra = getattr(stmt, part, None)
            while extra is not None:
                if isinstance(extra.body, cst.IndentedBlock):
                    out.append(extra.body)
                extra = getattr(extra, "orelse", None) if isinstance(extra, cst.If) else None
        for handler in getattr(stmt, "handlers", ()):
            out.append(handler.body)
        return out

    @staticmethod
    def _list_names(statements) -> set[str]:
        lists, others = set(), set()
        for stmt in statements:
            for name in names_bound(stmt) if not isinstance(stmt, cst.BaseCompoundStatement) else ():
                small = stmt.body[0]
                literal = isinstance(small, cst.Assign) and isinstance(small.value, (cst.List, cst.Tuple))
                (lists if literal and len(stmt.body) == 1 else others).add(name)
        return lists - others

    def _mark_no_grad(self, body, inside: bool) -> None:
        for stmt in body:
            if inside:
                self.in_no_grad.add(id(stmt))
            if not isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                for block in self._blocks(stmt):
                    self._mark_no_grad(block.body, inside or self._is_no_grad(stmt))

    def _defs(self, stmt):
        if isinstance(stmt, cst.FunctionDef):
            yield stmt
        elif isinstance(stmt, cst.ClassDef):
            for inner in stmt.body.body:
                self.methods.add(id(inner))
                yield from self._defs(inner)

    def _carrying_params(self, func: cst.FunctionDef, params: list[str], module: Scope) -> set[str]:
        """Parameters some caller may pass a value on the graph: every call of the function in the file is looked
        at; a method, or a function also used other than by calling it, may get anything."""
        name = func.name.value
        uses = _Uses(name)
        walk(self.module, uses)
        if id(func) in self.methods or uses.other:
            return set(params)
        carrying = set()
        for call in uses.calls:
            for i, arg in enumerate(call.args):
                if arg.star:
                    return set(params)
                target = arg.keyword.value if arg.keyword else params[i] if i < len(params) else None
                # a lambda is code the function runs itself, on its own tape, not a value on the caller's graph
                if target is not None and not isinstance(arg.value, cst.Lambda) and self.carries(
                        arg.value, module.carrying):
                    carrying.add(target)
        return carrying

    def _passed_leaves(self, func: cst.FunctionDef, params: list[str], module: Scope) -> dict[str, bool]:
        """Parameters every call of the function in the file passes a leaf of the module (True) or a list or tuple
        display of such leaves (False): what is updated in place through them is those variables."""
        uses = _Uses(func.name.value)
        walk(self.module, uses)
        if id(func) in self.methods or uses.other or not uses.calls:
            return {}
        kinds: dict[str, set] = {p: set() for p in params}
        for call, where in zip(uses.calls, uses.where):
            # a module leaf, read where no name of the calling function hides it
            leaf = lambda expr: isinstance(expr, cst.Name) and self.always_leaf(module, expr.value) and (  # noqa
                where is None or where in self.module.body and expr.value not in _own_names(where))
            # `model.weights` of a plain class's object: leaves it made (or what it was given, none on the graph)
            plain = lambda expr: isinstance(expr, cst.Attribute) and isinstance(_root(expr), cst.Name) and \
                self._arg_holder(_root(expr).value, where) == "plain"  # noqa: E731
            passed = {}
            for i, arg in enumerate(call.args):
                if arg.star:
                    return {}
                target = arg.keyword.value if arg.keyword else params[i] if i < len(params) else None
                value = arg.value
                passed[target] = True if leaf(value) else False if isinstance(value, (cst.List, cst.Tuple)) and \
                    value.elements and all(not isinstance(e, cst.StarredElement) and leaf(e.value)
                                           for e in value.elements) or plain(value) else None
            for p in params:
                kinds[p].add(passed.get(p))
        return {p: kind.pop() for p, kind in kinds.items() if len(kind) == 1 and None not in kind}

    def passed_leaf(self, scope: Scope, statements: list, name: str) -> bool | None:
        """`name` holds a leaf every caller passes in (True): such a parameter (never rebound), or the loop variable
        of `for p in ps:` / `for p, g in zip(ps, gs):` over a parameter given lists of leaves; None for such a
        parameter or loop variable some call gives something else; False for any other name."""
        if any(self._binds(b, name) for b in scope.binders.get(name, ())):  # rebound by a simple statement
            return False
        loop = next((s for s in reversed(statements) if isinstance(s, cst.For) and name in _loop_targets(s)), None)
        if loop is None:
            return (True if scope.passed_leaves.get(name) is True else None) if name in scope.params else False
        target, iterable = loop.target, loop.iter
        if isinstance(target, cst.Tuple) and isinstance(iterable, cst.Call) and dotted(iterable.func) == "zip" \
                and len(target.elements) == len(iterable.args) and not any(a.star or a.keyword for a in iterable.args):
            index = next((i for i, e in enumerate(target.elements) if isinstance(e.value, cst.Name)
                          and e.value.value == name), None)
            if index is None:
                return False
            target, iterable = target.elements[index].value, iterable.args[index].value
        if not (isinstance(target, cst.Name) and isinstance(iterable, cst.Name) and iterable.value in scope.params):
            return False
        return True if scope.passed_leaves.get(iterable.value) is False and iterable.value not in scope.binders \
            else None

    # -- leaves ----------------------------------------------------------------------------------------------------
    def leaf_value(self, value: cst.BaseExpression) -> bool:
        if not isinstance(value, cst.Call):
            return False
        if method_call(value, "requires_grad_") is not None:
            return not value.args or is_true(value.args[0].value)
        qualified = self.ctx.qualname(value.func) or ""
        if qualified in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
            flag = keyword(value, "requires_grad", 1)
            return flag is None or is_true(flag)
        return qualified.startswith("torch.") and is_true(keyword(value, "requires_grad"))

    def _find_leaves(self, scope: Scope, statements) -> None:
        self._container_marks(scope, statements)
        last_leaf = {}  # name -> the position of its last leaf statement
        for i, stmt in enumerate(statements):
            if id(stmt) in self.marked_bodies:
                continue  # the container's tensors become variables (container_marks)
            leaf = self._leaf_statement(stmt)
            if leaf is not None:
                self.leaf_stmts[id(stmt)] = leaf
                last_leaf[leaf[1]] = i
                if leaf[1] not in scope.leaves:
                    scope.leaves[leaf[1]] = self.ctx.new_name(f"{leaf[1]}_grad")
        if scope.parent is None and not self.attribute_mode:  # compared by name (kept on the variable in attribute
            position = {id(stmt): i for i, stmt in enumerate(statements)}  # mode: no name)
            for name, i in last_leaf.items():
                # a name rebound after its last leaf statement holds another tensor at the end: torch's `name.grad`
                # is that tensor's, not the leaf's that the side name keeps
                if all(position[id(b)] <= i for b in scope.binders.get(name, ())):
                    self.ctx.names[f"{name}.grad"] = scope.leaves[name]

    def _container_marks(self, scope: Scope, statements) -> None:
        """`for t in xs: t.requires_grad_()` where xs is bound once, just before in the same block, to a list or tuple
        display of tensors torch calls make (nothing else holds them): in TF xs is rebuilt of variables."""
        for stmt in statements:
            if not (isinstance(stmt, cst.For) and isinstance(stmt.target, cst.Name) and isinstance(stmt.iter, cst.Name)
                    and stmt.orelse is None and isinstance(stmt.body, cst.IndentedBlock) and len(stmt.body.body) == 1):
                continue
            inner, name = stmt.body.body[0], stmt.iter.value
            receiver = method_call(single_call(inner), "requires_grad_")
            if not (isinstance(receiver, cst.Name) and receiver.value == stmt.target.value and self.leaf_value(
                    single_call(inner))):
                continue
            binders = scope.binders.get(name, ())
            body, index = self._place(scope, stmt)
            value = binders[0].body[0].value if len(binders) == 1 and len(binders[0].body) == 1 and isinstance(
                binders[0].body[0], cst.Assign) and len(binders[0].body[0].targets) == 1 else None
            if not (isinstance(value, (cst.List, cst.Tuple)) and value.elements and all(
                    isinstance(e, cst.Element) and isinstance(e.value, cst.Call) and (self.ctx.qualname(
                        e.value.func) or "").startswith("torch.") for e in value.elements)
                    and index > 0 and body[index - 1] is binders[0]):
                continue
            if any(stmt.target.value in statement_reads(s) for s in statements if s is not stmt and s is not inner):
                continue  # torch leaves the loop's name bound to the last tensor; the comprehension does not
            self.container_marks[id(stmt)] = (name, isinstance(value, cst.Tuple))
            self.marked_bodies.add(id(inner))
            scope.marked.add(name)

    def _place(self, scope: Scope, stmt) -> tuple[list, int]:
        """stmt's block (its statements) and its index there."""
        node = scope.node
        for block in [node.body if isinstance(node, cst.Module) else node.body.body, *(
                b.body for s in self._walk(node.body if isinstance(node, cst.Module) else node.body.body)
                for b in self._blocks(s))]:
            for i, each in enumerate(block):
                if each is stmt:
                    return list(block), i
        return [], 0

    def _leaf_statement(self, stmt):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return None
        small = stmt.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            if isinstance(target, cst.Name) and self.leaf_value(small.value):
                return ("create", target.value)
            if (isinstance(target, cst.Attribute) and target.attr.value == "requires_grad"
                    and isinstance(target.value, cst.Name) and is_true(small.value)):
                return ("mark", target.value.value)
        receiver = method_call(single_call(stmt), "requires_grad_")
        if isinstance(receiver, cst.Name) and self.leaf_value(single_call(stmt)):
            return ("mark", receiver.value)
        return None

    def _ordered_leaves(self, scope: Scope, statements) -> dict[int, list[str]]:
        """For each statement id, the leaves (own and module ones) created before it in source order."""
        known = [n for n in (scope.parent.leaves if scope.parent else {}) if n not in scope.bound]
        out = {}
        for stmt in statements:
            out[id(stmt)] = list(known)
            leaf = self.leaf_stmts.get(id(stmt))
            if leaf is not None and leaf[1] not in known:
                known.append(leaf[1])
        return out

    # -- Modules ---------------------------------------------------------------------------------------------------
    def _find_holders(self, scope: Scope, statements) -> None:
        """Names every binding of which makes a torch.nn Module (a class of the file the Module rule translates, or
        torch.nn's own): their parameters get gradients on `p.grad`, and the names are not values to record."""
        from .torch_keras_helpers import keras_classes
        from .torch_module import TorchModuleRule

        if self.module_classes is None:
            checker = TorchModuleRule(self.ctx, self)
            self.module_classes = {
                c.name.value for c in self.module.body if isinstance(c, cst.ClassDef)
                and any((self.ctx.qualname(b.value) or "") in ("torch.nn.Module", "torch.nn.modules.module.Module")
                        for b in c.bases) and not isinstance(checker.parameters(c), str)}
            self.module_classes |= keras_classes(self.ctx, self.module)  # Keras layers and models come back
        for name, binders in scope.binders.items():
            values = [b.body[0].value if isinstance(b, cst.SimpleStatementLine) and len(b.body) == 1
                      and isinstance(b.body[0], cst.Assign) and len(b.body[0].targets) == 1 else None
                      for b in binders]
            if values and all(isinstance(v, cst.Call) and self._constructs_module(v.func) for v in values):
                scope.holders.add(name)
                if not any(self._holds_parameters(v.func) for v in values):
                    scope.parameterless.add(name)
            elif values and all(isinstance(v, cst.Call) and self._holding(scope, v) for v in values):
                scope.holders.add(name)  # an object of a plain class holding leaves (and what else it was given)
                scope.plain.add(name)
        if isinstance(scope.node, cst.FunctionDef) and id(scope.node) not in self.methods and scope.parent:
            for param in scope.params:
                kind = self._param_holder(scope.node, param)  # every call passes a Module or such an object
                if kind is not None:
                    scope.holders.add(param)
                if kind == "plain":
                    scope.plain.add(param)

    def _param_holder(self, func: cst.FunctionDef, param: str) -> str | None:
        """"plain" where every call of the function passes for `param` an object of a plain class holding leaves,
        "module" where every call passes a holder (some a Module), else None."""
        key = (id(func), param)
        if key not in self.param_holders:
            self.param_holders[key] = None  # recursion: not known
            self.param_holders[key] = self._param_holder_of(func, param)
        return self.param_holders[key]

    def _param_holder_of(self, func: cst.FunctionDef, param: str) -> str | None:
        uses = _Uses(func.name.value)
        walk(self.module, uses)
        params = [p.name.value for p in func.params.params + func.params.kwonly_params]
        if id(func) in self.methods or uses.other or not uses.calls or param in names_bound(func.body):
            return None
        kinds = set()
        for call, where in zip(uses.calls, uses.where):
            if any(a.star for a in call.args):
                return None
            passed = [a.value for j, a in enumerate(call.args)
                      if (a.keyword.value == param if a.keyword else j < len(params) and params[j] == param)]
            if len(passed) != 1 or not isinstance(passed[0], cst.Name):
                return None
            kinds.add(self._arg_holder(passed[0].value, where))
        return None if None in kinds else "plain" if kinds == {"plain"} else "module"

    def _arg_holder(self, name: str, where) -> str | None:
        """What a name given in a call made in `where` (a function of the module, None for the module) holds:
        "plain" (an object of a plain class holding leaves), "module" (another holder) or None."""
        module = self.scopes[id(self.module)]
        if where is not None:  # a method's or a nested function's names are not followed
            if where not in self.module.body or name in names_bound(where.body):
                return None
            if name in _own_names(where):
                return self._param_holder(where, name)
        return "plain" if name in module.plain else "module" if name in module.holders else None

    def _holding(self, scope: Scope, value) -> bool | None:
        """What a value given to (or made as) an object of a plain class holds: True where it holds leaves (a holder,
        such an object, a list of them), False where it holds nothing on the graph, None where it may hold a value
        computed from leaves (which no tape records where the object is used)."""
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value not in scope.bound:
            kind = self.plain_class(value.func.value)
            if kind is None or any(a.star for a in value.args):
                return None
            parts = [self._holding(scope, a.value) for a in value.args]
            return None if None in parts else kind == "leaves" or any(parts)
        if isinstance(value, (cst.List, cst.Tuple)):
            parts = [self._holding(scope, e.value) if isinstance(e, cst.Element) else None for e in value.elements]
            return None if None in parts else any(parts)
        if isinstance(value, cst.Name) and scope.holder(value.value):
            return True
        return None if self.carries(value, scope.carrying) else False

    def plain_class(self, name: str) -> str | None:
        """`name` is a class of the file computing from what it is given only: no base, no decorator, methods
        (properties too) that pass pure() with their own names callable (`layer(x)` over `self.layers`).
        "leaves" where its __init__ makes leaves (`self.W = torch.tensor(v, requires_grad=True)`, nothing else
        there requires grad) and no method stores into `self` later, nor the file into those attributes: its
        objects hold those leaves (variables in TF, which every tape watches) and what they were given, nothing
        computed from leaves; "pure" where it makes none (its objects hold what they were given); else None."""
        if name not in self.plain_classes:
            self.plain_classes[name] = None  # recursion: not plain
            self.plain_classes[name] = self._plain_class(name)
        return self.plain_classes[name]

    def _plain_class(self, name: str) -> str | None:
        binders = [s for s in self.module.body if name in names_bound(s)]
        node = binders[0] if len(binders) == 1 else None
        if not isinstance(node, cst.ClassDef) or node.bases or node.keywords or node.decorators:
            return None
        leaves, stores = set(), False
        for stmt in node.body.body:
            if isinstance(stmt, cst.SimpleStatementLine) and all(
                    isinstance(s, cst.Pass) or isinstance(s, cst.Expr) and isinstance(s.value, cst.SimpleString)
                    for s in stmt.body):
                continue
            if not isinstance(stmt, cst.FunctionDef) or not stmt.params.params or any(
                    dotted(d.decorator) != "property" for d in stmt.decorators):
                return None
            this = stmt.params.params[0].name.value
            init = stmt.name.value == "__init__"
            made = [s for s in stmt.body.body if init and self._self_leaf(s, this)] if init else []
            leaves |= {s.body[0].targets[0].target.attr.value for s in made}
            if not self._pure_def(stmt, skip=made, method=True):
                return None
            writes = _SelfWrites(this)
            walk(stmt.body.with_changes(body=[s for s in stmt.body.body if s not in made]), writes)
            # `self.a = v` in __init__ holds what v is: given, or made from what was given (not self's leaves)
            stores |= writes.found and not init or writes.reads_self
        if not leaves:
            return "pure"
        if stores or _AttributeStores(leaves, node).found(self.module):
            return None
        return "leaves"

    def _self_leaf(self, stmt, this: str) -> bool:
        """`self.a = <a leaf>` (one statement of __init__)."""
        small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
            return False
        target = small.targets[0].target
        return isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and \
            target.value.value == this and self.leaf_value(small.value)

    def _constructs_module(self, func) -> bool:
        qualified = self.ctx.qualname(func) or ""
        if isinstance(func, cst.Name) and qualified == "":
            return func.value in self.module_classes
        return qualified.startswith("torch.nn.") and qualified.split(".")[2][:1].isupper() \
            and qualified not in ("torch.nn.Parameter",)

    def _holds_parameters(self, func) -> bool:
        """Whether the module a call of `func` constructs may hold parameters."""
        from .torch_nn import module_spec  # torch_nn imports this module (through ops)

        qualified = self.ctx.qualname(func) or ""
        spec = module_spec(qualified)
        if spec is not None:
            return bool(spec.get("parameters"))  # a Dropout or a ReLU holds nothing a gradient reaches
        return not api_table.load().overloads(qualified, "torch")  # loss modules: the ops table makes functions

    def pure(self, name: str) -> bool:
        """`name` is a function of the module that computes from its arguments only: no decorator, no `global`,
        reading besides its own names only builtins, library modules (torch, math, numpy) and module names bound
        to number or string literals alone (`def f(x): return x * TRUE_W + TRUE_B`); calling only those."""
        if name not in self.pure_functions:
            self.pure_functions[name] = False  # recursion: not pure
            self.pure_functions[name] = self._pure(name)
        return self.pure_functions[name]

    def _pure(self, name: str) -> bool:
        binders = [s for s in self.module.body if name in names_bound(s) or isinstance(s, cst.FunctionDef) and
                   s.name.value == name]
        func = binders[0] if len(binders) == 1 else None
        if isinstance(func, cst.ClassDef):  # its objects hold what they were given only
            return self.plain_class(name) == "pure"
        return isinstance(func, cst.FunctionDef) and not func.decorators and self._pure_def(func)

    def _pure_def(self, func: cst.FunctionDef, skip=(), method: bool = False) -> bool:
        """A function (a method: `skip` its statements making leaves, its own names callable) computing from its
        arguments only."""
        own = _own_names(func)
        body = func.body.with_changes(body=[s for s in func.body.body if s not in skip]) if skip else func.body
        if _declares(body) or self.carries(body, set(), callables=own if method else set()) or \
                "requires_grad" in code_of(body):
            return False  # it makes leaves, modules, or calls what the plan cannot see into
        literals = {}
        for stmt in self.module.body:
            small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                continue  # `import numpy as np`: a library module (qualname)
            for bound in names_bound(stmt):
                literal = isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                    small.targets[0].target, cst.Name) and _literal(small.value)
                literals[bound] = literals.get(bound, True) and literal
        for free in names_read(body) - own:
            qualified = self.ctx.qualname(cst.Name(free)) or ""
            if literals.get(free) or qualified.split(".")[0] in PURE_ROOTS[:3] and free not in literals:
                continue
            if free in BUILTIN_NAMES and free not in literals and not qualified:
                continue
            if free in literals and self.pure(free):
                continue
            return False
        return True

    def tensor_method(self, call: cst.Call) -> bool:
        """`t.m(...)` on a certainly-torch tensor t (`tensor()` in the scope being walked), m neither a method these
        rules translate with its statement (`backward()`, in-place methods, `requires_grad_()`, hooks) nor one TF
        tensors have too (`numpy()`)."""
        method = call.func.attr.value
        if method in STATEMENT_METHODS or method.endswith("_"):
            return False
        self.ensure()
        return self.module is not None and self.tensor(self.scope(), call.func.value)

    def tensor(self, scope: Scope, expr, seen: frozenset = frozenset()) -> bool:
        """Certainly a torch tensor (its `.data` is its detached value): a torch op the table knows, a tensor's method
        (not one giving a number, a list or an array), a Module's call, arithmetic or indexing on a tensor, or a name
        every simple statement of its scope binds to one."""
        if isinstance(expr, cst.Call):
            qualified = self.ctx.qualname(expr.func) or ""
            if qualified.startswith("torch."):
                return bool(api_table.load().overloads(qualified, "torch"))
            if isinstance(expr.func, cst.Attribute):
                method = expr.func.attr.value  # `x.type()` is a string, `x.type(torch.LongTensor)` a tensor
                return (method not in NOT_TENSOR_METHODS or method == "type" and bool(expr.args)) and self.tensor(
                    scope, expr.func.value, seen)
            return isinstance(expr.func, cst.Name) and scope.holder(expr.func.value)
        if isinstance(expr, cst.BinaryOperation):
            return self.tensor(scope, expr.left, seen) or self.tensor(scope, expr.right, seen)
        if isinstance(expr, cst.UnaryOperation):
            return self.tensor(scope, expr.expression, seen)
        if isinstance(expr, cst.Subscript):
            return self.tensor(scope, expr.value, seen)
        if not isinstance(expr, cst.Name):
            return False
        if expr.value in seen:  # `y = y * 2`: a tensor if its other bindings are
            return True
        if expr.value not in scope.bound and scope.parent is not None:
            scope = scope.parent
        binders = scope.binders.get(expr.value, ())
        return bool(binders) and all(
            isinstance(b, cst.SimpleStatementLine) and len(b.body) == 1 and isinstance(b.body[0], cst.Assign)
            and len(b.body[0].targets) == 1
            and isinstance(b.body[0].targets[0].target, cst.Name)
            and self.tensor(scope, b.body[0].value, seen | {expr.value}) for b in binders)

    # -- carrying names --------------------------------------------------------------------------------------------
    def carries(self, expr: cst.CSTNode, carrying: set[str], callables: set[str] = frozenset()) -> bool:
        """expr may be on the graph: it reads a carrying name, makes a leaf or a Module, or calls a function the plan
        cannot see into (not one of `callables`: a method's own names, holding what the object was given)."""
        plan = self

        class Visitor(cst.CSTVisitor):
            found = False

            def visit_Call(self, node: cst.Call) -> bool:
                if method_call(node, *CUTS) is not None:
                    return False
                qualified = plan.ctx.qualname(node.func)
                if plan.leaf_value(node):
                    self.found = True  # an unnamed leaf (`torch.ones(3).requires_grad_() * 2` too)
                    return False
                if qualified == "torch.autograd.grad":  # on the graph only with create_graph=True
                    if is_true(keyword(node, "create_graph", 4)):
                        for arg in node.args:
                            walk(arg.value, self)
                    return False
                if qualified and qualified.startswith("torch.nn.") and not qualified.startswith("torch.nn.functional"):
                    self.found = True  # modules and Parameters own leaves
                    return False
                pure = qualified is not None and qualified.split(".")[0] in PURE_ROOTS
                builtin = isinstance(node.func, cst.Name) and node.func.value in BUILTIN_NAMES and qualified is None
                if pure or builtin:
                    for arg in node.args:
                        walk(arg.value, self)
                    return False
                if isinstance(node.func, cst.Name) and (node.func.value in callables or plan.pure(node.func.value)):
                    for arg in node.args:  # its result depends on its arguments only
                        walk(arg.value, self)
                    return False
                if not isinstance(node.func, cst.Attribute):
                    self.found = True  # a function of the program's own: it may use leaves it can see
                    return False
                return True

            def visit_Attribute(self, node: cst.Attribute) -> bool:
                if node.attr.value != "data":  # `x.data` is off the graph, as `x.detach()`
                    walk(node.value, self)
                return False

            def visit_Arg(self, node: cst.Arg) -> bool:
                walk(node.value, self)
                return False

            def visit_Name(self, node: cst.Name) -> None:
                self.found |= node.value in carrying

        visitor = Visitor()
        walk(expr, visitor)
        return visitor.found

    def _find_carrying(self, scope: Scope, statements) -> None:
        carrying = set(scope.leaves) | scope.carrying_params | scope.marked
        if scope.parent is not None:
            carrying |= {n for n in scope.parent.carrying if n not in scope.bound}
        assignments = []
        for stmt in statements:
            if id(stmt) in self.in_no_grad:
                continue
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign)) and small.value is not None:
                        assignments.append((names_written(small), small.value))
                    elif inplace_receiver(small) is not None:  # `h.add_(v)`: h now depends on v
                        assignments.append(({inplace_receiver(small)}, small.value))
            elif isinstance(stmt, cst.For):
                assignments.append((names_bound(stmt.target), stmt.iter))
            elif isinstance(stmt, cst.With):
                for item in stmt.items:
                    if item.asname is not None:
                        assignments.append((names_bound(item.asname), item.item))
        scope.carrying = self._closure(carrying, assignments, lambda value, names: self.carries(value, names))
        # carrying only through calls the plan cannot see into: whether they are on the graph is not known
        opaque = {n for n in scope.parent.opaque if n not in scope.bound} if scope.parent else set()
        scope.opaque = self._closure(opaque, assignments, lambda value, names: bool(
            names_read(value) & names) or (self.carries(value, set()) and not self.leaf_value(value)))

    @staticmethod
    def _closure(names: set, assignments, reaches) -> set:
        changed = True
        while changed:
            changed = False
            for targets, value in assignments:
                if not targets <= names and reaches(value, names):
                    names = names | targets
                    changed = True
        return names

    def requires_grad(self, scope: Scope, expr: cst.BaseExpression, stmt, depth: int = 0) -> bool | None:
        """torch's `expr.requires_grad` at this statement, where the plan knows it for sure (else None): a name from
        the assignment that reaches it (recursively), an expression from the names it reads."""
        if depth > 25:
            return None
        elements = _comprehension_elements(stmt, expr) if isinstance(expr, cst.Name) else None
        if elements is not None:  # `z.requires_grad for z in (z1, z2)`: known where every element's is the same
            known = {self.requires_grad(scope, e, stmt, depth + 1) for e in elements}
            return known.pop() if len(known) == 1 else None
        if isinstance(expr, cst.Name):
            leaf = self.leaf_at(scope, stmt, expr.value)
            if leaf is not False:
                return leaf  # True, or None: unknown
            binders = scope.binders.get(expr.value, ())
            if not binders:  # a parameter, a global, a builtin; or a loop's variable: its elements are not known
                return None if expr.value in scope.carrying or self._loop_variable(scope, stmt, expr.value) else False
            binding = self._latest_binding(stmt if len(binders) > 1 else binders[0], expr.value, include=len(
                binders) == 1)
            if binding is None:
                return None
            binder, value = binding
            return False if id(binder) in self.in_no_grad else self.requires_grad(scope, value, binder, depth + 1)
        if self.leaf_value(expr):  # `torch.tensor(5.0, requires_grad=True)`, under no_grad too
            return True
        if id(stmt) in self.in_no_grad:
            return False
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and self._weighted(scope, expr.func.value):
            return True  # a layer computing with its weights
        if any(is_true(keyword(c, "create_graph", 4)) for c in calls_to(self.ctx, expr, "torch.autograd.grad")):
            return None  # a gradient of a function linear in the inputs is off the graph: not known statically
        if self.carries(expr, set()):  # a call the plan cannot see into
            return None
        on = set()
        for name in names_read(expr) & (scope.carrying | set(scope.leaves)):
            status = self.requires_grad(scope, cst.Name(name), stmt, depth + 1)
            if status is None:
                return None
            if status:
                on.add(name)
        return self.carries(expr, on)

    def _weighted(self, scope: Scope, name: str) -> bool:
        """`name` holds a layer whose output always depends on a parameter (nn.Linear, twingrad's KerasDense)."""
        from .torch_keras_helpers import keras_classes

        if not scope.holder(name):
            return False
        owner = scope if name in scope.bound else scope.parent
        values = [b.body[0].value if isinstance(b, cst.SimpleStatementLine) and isinstance(b.body[0], cst.Assign)
                  else None for b in owner.binders.get(name, ())]
        return bool(values) and all(isinstance(v, cst.Call) and (
            self.ctx.qualname(v.func) in WEIGHTED or isinstance(v.func, cst.Name) and v.func.value == "KerasDense"
            and "KerasDense" in keras_classes(self.ctx, self.module)) for v in values)

    def _loop_variable(self, scope: Scope, stmt, name: str) -> bool:
        """`name` is bound by a for loop of the scope or a comprehension of the statement (binders hold neither)."""
        body = scope.node.body if isinstance(scope.node, cst.Module) else scope.node.body.body
        loops = [s.target for s in self._walk(body) if isinstance(s, cst.For)]
        visitor = _Targets()
        walk(stmt, visitor)
        found: set[str] = set()
        for target in loops + visitor.found:
            _target_names(target, found)
        return name in found

    def leaf_at(self, scope: Scope, stmt, name: str) -> bool | None:
        """Whether `name` is a leaf tensor at this statement (a name can be a leaf in one cell of a notebook and
        something else in the next); None where that depends on the path taken."""
        if scope.grad_name(name) is None:
            return False
        owner = scope if name in scope.leaves else scope.parent
        if self.always_leaf(owner, name):
            return True
        if owner is not scope:
            return None
        found = self._reaching(stmt, name)
        if found is None:
            return None
        return found is not False and self.leaf_stmts.get(id(found), ("", ""))[1] == name

    def always_leaf(self, owner: Scope, name: str) -> bool:
        """`name` is a leaf of `owner` wherever it is bound there."""
        return name in owner.leaves and all(not self._binds(b, name) or id(b) in self.leaf_stmts
                                            for b in owner.binders.get(name, ())) and not any(
            kind == "mark" for kind, leaf in self._marks(owner) if leaf == name)

    def _marks(self, scope: Scope):
        return [leaf for node_id, leaf in self.leaf_stmts.items() if node_id in scope.statement_ids]

    def _binds(self, stmt, name: str) -> bool:
        """stmt makes `name` another tensor (`x -= v` does not: torch updates a tensor in place)."""
        if self.leaf_stmts.get(id(stmt), ("", ""))[1] == name:
            return True
        augmented = isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, cst.AugAssign) for s in stmt.body)
        return not augmented and name in names_bound(stmt)

    def _reaching(self, stmt, name: str):
        """The simple statement whose binding of `name` reaches stmt, False if none does, None if that depends on
        which way control flow went."""
        while True:
            body, index = self.places.get(id(stmt), ([], 0))
            for earlier in reversed(body[:index]):
                if not self._binds(earlier, name):
                    continue
                while isinstance(earlier, cst.With):  # a with block runs its body once, in order
                    earlier = [s for s in earlier.body.body if self._binds(s, name)][-1]
                return earlier if isinstance(earlier, cst.SimpleStatementLine) else None
            container = self.container.get(id(stmt))
            if container is None:
                return False
            if isinstance(container, (cst.For, cst.While)) and any(
                    self._binds(s, name) for s in self._walk(container.body.body)):
                return None  # an earlier iteration may have bound it
            stmt = container

    def _latest_binding(self, stmt, name: str, include: bool = False):
        """(statement, value) of the last `name = value` before stmt (or at it, with include) in straight-line code
        of its block, else None."""
        body, index = self.places.get(id(stmt), ([], 0))
        for earlier in reversed(body[:index + include]):
            if name not in names_bound(earlier):
                continue
            while isinstance(earlier, cst.With):  # a with block runs its body once, in order
                inner = [s for s in earlier.body.body if name in names_bound(s)]
                earlier = inner[-1]
            small = earlier.body[0] if isinstance(earlier, cst.SimpleStatementLine) and len(earlier.body) == 1 else None
            if isinstance(small, cst.Assign) and fully_rebinds(earlier) == {name} | fully_rebinds(earlier) \
                    and isinstance(small.targets[0].target, cst.Name):
                return earlier, small.value
            target = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
            if isinstance(target, cst.Tuple) and isinstance(small.value, cst.Tuple) and len(target.elements) == len(
                    small.value.elements) and all(isinstance(e, cst.Element) for e in small.value.elements):
                for t, v in zip(target.elements, small.value.elements):  # `w1, w2 = a, b`: w1's value is a
                    if isinstance(t.value, cst.Name) and t.value.value == name:
                        return earlier, v.value
            return None
        return None

    # -- optimizers --------------------------------------------------------------------------------------------------
    def _find_optimizers(self, scope: Scope, statements) -> None:
        from .torch_optim import optimizer_params

        lists = {}
        for stmt in statements:
            if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Assign):
                small = stmt.body[0]
                if len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                    lists[small.targets[0].target.value] = small.value
        for stmt in statements:
            if not (isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Assign)):
                continue
            small = stmt.body[0]
            if not (isinstance(small.value, cst.Call) and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)):
                continue
            qualified = self.ctx.qualname(small.value.func) or ""
            if not qualified.startswith("torch.optim."):
                continue
            name = small.targets[0].target.value
            params = optimizer_params(small.value, qualified, lists, scope, name)
            if isinstance(params, tuple) and params[0] == "kept":  # torch keeps the tensors the list held then
                kept = self.ctx.new_name(f"{name}_variables")
                self.kept_lists[id(stmt)] = cst.parse_statement(f"{kept} = {params[1]}\n")
                scope.holder_optimizers[name] = kept
                params = []
            elif isinstance(params, tuple):  # ("holder", module path) or ("holders", a list): Modules' parameters
                scope.holder_optimizers[name] = params[1] if params[0] == "holders" else f"{params[1]}.parameters()"
                params = []
            elif isinstance(params, list) and self.attribute_mode:  # gradients on the variables
                scope.holder_optimizers[name] = f"[{', '.join(params)}]"
            if isinstance(params, str):
                self.refuse(stmt, small.value, "TG505", params)
                continue
            scope.optimizers[name] = params
            if qualified in ("torch.optim.Adam", "torch.optim.AdamW"):  # Keras adds epsilon before the bias correction (D3)
                eps, betas = keyword(small.value, "eps"), keyword(small.value, "betas")
                beta2 = "0.999" if betas is None else code_of(betas.elements[1].value) if isinstance(
                    betas, (cst.Tuple, cst.List)) else f"{code_of(betas)}[1]"
                scope.adams[name] = ("1e-08" if eps is None else code_of(eps), beta2)
        for stmt in statements:
            receiver = method_call(single_call(stmt), "step")
            if isinstance(receiver, cst.Name) and scope.adam(receiver.value):
                self.adam_steps[id(stmt)] = (receiver.value, *scope.adam(receiver.value))

    # -- blocks: backward sites, tape regions, no_grad -------------------------------------------------------------
    def _block(self, scope: Scope, block, body, outer: tuple[str, ...], leaves_before: dict) -> None:
        body = list(body)
        self.places.update({id(stmt): (body, i) for i, stmt in enumerate(body)})
        body = self._guards(scope, body)
        self.places.update({id(stmt): (body, i) for i, stmt in enumerate(body)})
        sites: list[Site] = []
        for i, stmt in enumerate(body):
            site = self._site(scope, stmt, i, leaves_before)
            if site is None:
                continue
            if id(stmt) in self.in_no_grad:
                self.refuse(stmt, site.call, "TG504", "a gradient taken under torch.no_grad(); left as is")
                continue
            if self._region(scope, site, body, sites):
                sites.append(site)
        for site in sites:
            site.tape = site.root.tape if site.root else self.ctx.new_name("tape")
        for site in sites:
            site.outer = outer + self._enclosing(sites, site.index)
        for site in list(sites):
            enclosing = [s for s in sites if s.start <= site.index < s.index]
            if site.deferred and enclosing and not outer and all(s.deferred for s in enclosing):
                # inside another persistent tape that records the whole statement: take the gradients there
                site.tape, site.shared = min(enclosing, key=lambda s: (s.start, -s.index)).tape, True  # the outermost
            elif site.deferred and site.outer:
                self.refuse(site.stmt, site.call, "TG504", "torch.autograd.grad in a comprehension or with several "
                            "calls in one statement, inside another gradient's tape, is not translated")
                sites.remove(site)
                continue
            if not isinstance(site.target, cst.Name) and not site.deferred:
                site.temp = self.ctx.new_name("target")
            self.sites[id(site.stmt)] = site
            self.site_calls.update({id(c): site for c in site.calls or [site.call]})
        if sites:
            self.groups[id(block)] = sites
        for i, stmt in enumerate(body):
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                continue
            here = outer + self._enclosing(sites, i)
            self._jacobian(stmt, here)
            if self._is_no_grad(stmt):
                self.no_grad[id(stmt)] = here
                self.ctx.consume(stmt.items[0].item.func)
            for inner in self._blocks(stmt):
                self.container.update({id(s): stmt for s in inner.body})
                self._block(scope, inner, inner.body, here, leaves_before)

    def _guards(self, scope: Scope, body: list) -> list:
        """The block with each `if t.requires_grad:` guarding a backward or a gradient, where torch's answer is
        known, replaced by its statements (True) or by nothing (False): the guard the TF -> PyTorch leg writes
        around a gradient TF would answer None for."""
        out = []
        for stmt in body:
            known = None
            if isinstance(stmt, cst.If) and stmt.orelse is None and isinstance(stmt.test, cst.Attribute) and \
                    stmt.test.attr.value == "requires_grad" and isinstance(stmt.body, cst.IndentedBlock) and any(
                    method_call(single_call(s), "backward") is not None or calls_to(
                        self.ctx, s, "torch.autograd.grad") for s in stmt.body.body):
                known = self.requires_grad(scope, stmt.test.value, stmt)
            if known is None:
                out.append(stmt)
                continue
            self.guards[id(stmt)] = known
            if known:
                for inner in stmt.body.body:
                    if id(stmt) in self.container:
                        self.container[id(inner)] = self.container[id(stmt)]
                    self.in_no_grad |= {id(inner)} if id(stmt) in self.in_no_grad else set()
                out.extend(self._guards(scope, list(stmt.body.body)))
        return out

    def _jacobian(self, stmt, outer: tuple[str, ...]) -> None:
        small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
        call = small.value if isinstance(small, cst.Assign) else None
        options = FUNCTIONAL.get(self.ctx.qualname(call.func)) if isinstance(call, cst.Call) else None
        if options is None:
            return
        kind = self.ctx.qualname(call.func).rpartition(".")[2]
        func, inputs = keyword(call, "func", 0), keyword(call, "inputs", 1)
        if func is None or inputs is None or isinstance(inputs, cst.List) or any(
                not is_false(keyword(call, name, pos)) for name, pos in options.items()):
            self.refuse(stmt, call, "TG509", f"only {kind}(func, inputs) with a tensor or a tuple of tensors is "
                        "translated (not create_graph or strict); left as is")
            return
        binding = self._latest_binding(stmt, inputs.value) if isinstance(inputs, cst.Name) else None
        unpack = isinstance(inputs, cst.Tuple) or binding is not None and isinstance(binding[1], cst.Tuple)
        if unpack and (kind == "hessian" or kind == "jvp" and keyword(call, "v", 2) is None):
            self.refuse(stmt, call, "TG509", f"{kind} over a tuple of inputs{' without v' if kind == 'jvp' else ''} "
                        "is not translated; left as is")
            return
        tuple_outputs = kind in ("jacobian", "hessian") and self._returns_tuple(func)
        if tuple_outputs and kind == "hessian":
            self.refuse(stmt, call, "TG509", "hessian of a function returning a tuple (torch raises); left as is")
            return
        self.jacobians[id(stmt)] = Jacobian(
            call, kind, self.ctx.new_name("tape" if kind != "jvp" else "accumulator"), self.ctx.new_name("outputs"),
            None if isinstance(inputs, cst.Name) else self.ctx.new_name("inputs"), unpack, outer,
            (self.ctx.new_name("tape"), self.ctx.new_name("gradient")) if kind == "hessian" else None, tuple_outputs)
        self.ctx.consume(call.func)

    def _returns_tuple(self, func: cst.BaseExpression) -> bool:
        """f certainly returns a tuple display: a lambda's body, or every return of a function the file defines
        once under that name."""
        if isinstance(func, cst.Lambda):
            return isinstance(func.body, cst.Tuple)
        if not isinstance(func, cst.Name):
            return False
        defs = [s for s in self.module.body if isinstance(s, cst.FunctionDef) and s.name.value == func.value]
        if len(defs) != 1:
            return False
        returns = _OwnReturns()
        walk(defs[0].body, returns)
        return bool(returns.values) and all(isinstance(v, cst.Tuple) for v in returns.values)

    def no_grad_decorator(self, func: cst.FunctionDef):
        """The `@torch.no_grad()` (or `@torch.inference_mode()`) decorator of a function, else None."""
        for decorator in func.decorators:
            call = decorator.decorator
            if isinstance(call, cst.Call) and not call.args and self.ctx.qualname(call.func) in NO_GRAD:
                return decorator
        return None

    def _is_no_grad(self, stmt) -> bool:
        if not isinstance(stmt, cst.With) or len(stmt.items) != 1 or stmt.items[0].asname is not None:
            return False
        item = stmt.items[0].item
        if not isinstance(item, cst.Call):
            return False
        qualified = self.ctx.qualname(item.func)
        if qualified == "torch.set_grad_enabled":
            return len(item.args) == 1 and is_false(item.args[0].value) and item.args[0].value is not None
        return qualified in NO_GRAD and not item.args

    @staticmethod
    def _enclosing(sites: list[Site], index: int) -> tuple[str, ...]:
        return tuple(s.tape for s in sorted(sites, key=lambda s: (s.start, -s.index))
                     if s.start <= index < s.index and not s.root and not s.shared)

    def _site(self, scope: Scope, stmt, index: int, leaves_before: dict) -> Site | None:
        call = single_call(stmt)
        target = method_call(call, "backward")
        if target is not None and not self.ctx.is_source_framework(self.ctx.qualname(target)):
            site = Site(stmt, call, "backward", target, index)
            if not is_false(keyword(call, "create_graph", 2)):
                self.refuse(stmt, call, "TG504", "backward(create_graph=True) is not translated; "
                            "use torch.autograd.grad(..., create_graph=True)")
                return None
            inputs = keyword(call, "inputs", 3)
            on_variables = self.attribute_mode or any(scope.holder(n) for n in self._reads_before(scope, stmt))
            if inputs is not None and on_variables:  # the gradients go to the variables the inputs list
                site.explicit = site.holders = True
                return site
            if inputs is not None:
                names = [e.value for e in getattr(inputs, "elements", [])] if isinstance(inputs, (cst.List, cst.Tuple)) \
                    else [inputs]
                if not all(isinstance(n, cst.Name) and scope.grad_name(n.value) for n in names):
                    self.refuse(stmt, inputs, "TG504", "backward(inputs=...) other than leaves is not translated")
                    return None
                site.sources, site.explicit = [n.value for n in names], True
            else:
                site.sources = list(leaves_before.get(id(stmt), ()))
            site.holders = not site.explicit and on_variables
            if not site.sources and not site.holders:
                self.refuse(stmt, call, "TG504", "backward() with no leaf tensor created before it; left as is")
                return None
            return site
        if not isinstance(stmt, cst.SimpleStatementLine):
            return None
        grads = calls_to(self.ctx, stmt, "torch.autograd.grad")
        if not grads:
            return None
        call = grads[0]
        for each in grads:
            outputs, inputs = keyword(each, "outputs", 0), keyword(each, "inputs", 1)
            problem = None
            if outputs is None or inputs is None:
                problem = "torch.autograd.grad without outputs and inputs"
            elif not is_false(keyword(each, "is_grads_batched", 7)):
                problem = "torch.autograd.grad(is_grads_batched=True)"
            elif not self._source_list(scope, inputs):
                problem = "torch.autograd.grad inputs other than a list, a tuple, list(...), a comprehension, a name " \
                          "bound to a list, or one tensor (a leaf, a name bound to tensors only, a Module's parameter)"
            if problem:
                self.refuse(stmt, each, "TG504", f"{problem} is not translated")
                return None
        if len(grads) > 1 or deferred_grad(self.ctx, stmt):
            # Targets computed within the statement itself (a comprehension over y's elements): the statement runs
            # inside a persistent tape. Its first-order gradients get recorded there, but nothing uses that tape later.
            return Site(stmt, call, "grad", stmt.body[0], index, calls=grads, deferred=True)
        return Site(stmt, call, "grad", keyword(call, "outputs", 0), index,
                    create_graph=is_true(keyword(call, "create_graph", 4)), calls=grads)

    def _reads_before(self, scope: Scope, stmt) -> set[str]:
        """Names read by the statements of stmt's block up to it (where a backward's graph can come from)."""
        body, index = self.places.get(id(stmt), ([], 0))
        return set().union(*(statement_reads(s) for s in body[:index + 1]))

    def _source_list(self, scope: Scope, inputs) -> bool:
        listed = isinstance(inputs, cst.Call) and isinstance(inputs.func, cst.Name) and \
            inputs.func.value in ("list", "tuple") and inputs.func.value not in scope.bound
        return listed or isinstance(inputs, (cst.List, cst.Tuple, cst.ListComp)) or (
            isinstance(inputs, cst.Name) and (scope.grad_name(inputs.value) or inputs.value in scope.lists)) or \
            self.single_source(scope, inputs)

    def single_source(self, scope: Scope, inputs) -> bool:
        """One tensor as torch.autograd.grad's inputs, taken as a list of one (torch answers a tuple): a name every
        binding of which makes a tensor (`dz_dy = grad(z, y)` for an intermediate y), or a Module's parameter
        (`layer.kernel`), or a parameter every call gives a leaf of the module, never rebound (`def jac(xp)`)."""
        root = inputs
        while isinstance(root, cst.Attribute):
            root = root.value
        return isinstance(inputs, cst.Attribute) and isinstance(root, cst.Name) and scope.holder(root.value) or \
            isinstance(inputs, cst.Name) and inputs.value not in scope.lists and (self.tensor(scope, inputs) or (
                scope.passed_leaves.get(inputs.value) is True and inputs.value not in scope.binders))

    def _region(self, scope: Scope, site: Site, body: list, earlier: list[Site]) -> bool:
        """Find where the site's tape must open; False (refused) if the target needs values from outside the block."""
        leaves = {n for n in set(scope.leaves) | scope.carrying if self.leaf_at(scope, site.stmt, n)}
        reads = statement_reads(site.stmt) if site.deferred else names_read(site.target)
        leaves |= {n for n in reads | set().union(*(statement_reads(s) for s in body[:site.index]))
                   if scope.holder(n)}  # Modules hold variables, which every tape watches
        # so do parameters every call gives a leaf or a list of leaves (`training_step([W, b], x)`)
        leaves |= {n for n in scope.passed_leaves if n not in scope.binders}
        needed = (reads & scope.carrying) - leaves
        start, deps, dep_index = site.index, [site.target], []
        for i in range(site.index - 1, -1, -1):
            if not needed:
                break
            stmt = body[i]
            if names_written(stmt) & needed:
                start = i
                deps.append(stmt)
                dep_index.append(i)
                needed -= fully_rebinds(stmt)
                needed |= (statement_reads(stmt) & scope.carrying) - leaves
        inside = {id(n) for n in self._walk(body[:site.index])}
        site.watch = [n for n in self._input_names(site) if n in needed and not scope.binders.get(n)]
        callers = needed & scope.carrying_params - set(site.watch)
        if callers:  # the caller's part of the graph ran before any tape here
            self.refuse(site.stmt, site.call, "TG502", f"the gradient flows through parameter `{sorted(callers)[0]}`, "
                        "which a caller computes from leaf tensors: no tape here can record that; left as is")
            return False
        needed = {n for n in needed if any(id(b) not in inside and self._may_reach(scope, b, site.stmt)
                                           for b in scope.binders.get(n, ()))}
        if needed:  # a value that may come from an enclosing block or an earlier iteration
            name = sorted(needed)[0]
            self.refuse(site.stmt, site.call, "TG502",
                        f"the gradient flows through `{name}`, computed outside this block (an enclosing block or "
                        "an earlier loop iteration): no tape can record it here; left as is")
            return False
        for prev in reversed(earlier):  # reaching into an earlier tape's region: share that tape or enclose it
            root = prev.root or prev
            family = [g for g in earlier if (g.root or g) is root]
            straddled = any(g.start < start <= g.index for g in earlier if g not in family)
            if start <= prev.index and not straddled and self._can_share(site, root, body, dep_index):
                start = min(start, root.start)  # recording more before never changes a gradient
                for g in family:
                    g.start = start
                site.root, root.persistent = root, True
                break
            if prev.start < start <= prev.index:
                start = prev.start
        site.start = start
        if site.holders and self.attribute_mode:
            self.holder_sites.append(site)
            return True
        if site.holders:
            reach = names_read(site.target).union(*(statement_reads(n) for n in deps[1:]))
            if not any(scope.holds_parameters(n) for n in reach):
                site.holders = False
            elif site.sources:
                self.refuse(site.stmt, site.call, "TG504", "backward() reaching both leaf tensors and a Module's "
                            "parameters is not translated; left as is")
                return False
            else:
                self.holder_sites.append(site)
                return True
        if site.kind == "backward" and not site.explicit:
            status = {leaf: self.leaf_at(scope, site.stmt, leaf) for leaf in site.sources}
            if None in status.values():
                name = min(n for n, known in status.items() if known is None)
                self.refuse(site.stmt, site.call, "TG504", f"whether `{name}` is still a leaf tensor at this "
                            "backward() depends on the path taken; left as is")
                return False
            site.sources = [leaf for leaf in site.sources if status[leaf]]
            # torch fills .grad of the leaves the target reaches; naming only those keeps the output short.
            if not any(self.carries(node, set()) for node in deps):  # no call that could reach other leaves
                reach = names_read(site.target).union(*(statement_reads(n) for n in deps[1:]))
                site.sources = [leaf for leaf in site.sources if leaf in reach]
            if not site.sources:
                self.refuse(site.stmt, site.call, "TG504", "backward() of a value no leaf tensor reaches "
                            "(torch raises); left as is")
                return False
        return True

    @staticmethod
    def _may_reach(scope: Scope, binder, stmt) -> bool:
        """A binding can reach stmt only from before it in the scope's source order, or through a loop around both
        (a binding in a later notebook cell cannot)."""
        if scope.order[id(binder)] < scope.order[id(stmt)]:
            return True
        return bool(set(scope.loops[id(binder)]) & set(scope.loops[id(stmt)]))

    @staticmethod
    def _input_names(site: Site) -> list[str]:
        """Plain names among torch.autograd.grad's inputs (the tape watches those it did not compute itself)."""
        if site.kind != "grad" or site.deferred:
            return []
        inputs = keyword(site.call, "inputs", 1)
        items = [e.value for e in inputs.elements] if isinstance(inputs, (cst.List, cst.Tuple)) else [inputs]
        return [e.value for e in items if isinstance(e, cst.Name)]

    @staticmethod
    def _can_share(site: Site, root: Site, body: list, dep_index: list[int]) -> bool:
        """A second gradient over values an earlier tape recorded, nothing recorded since (backward(retain_graph=True)
        and again): the earlier tape, made persistent, serves both, its block ending where it did."""
        if site.deferred or any(i >= root.index for i in dep_index):
            return False
        later = set().union(*(names_bound(s) for s in body[root.index + 1:site.index]))
        return not names_read(site.target) & later

    # -- what .grad holds: certainly None, or maybe a gradient -------------------------------------------------------
    def _flow(self, scope: Scope, body, state: dict) -> dict:
        for stmt in body:
            state = self._flow_statement(scope, stmt, state)
        return state

    @staticmethod
    def _join(a: dict, b: dict) -> dict:
        return {k: a.get(k, False) and b.get(k, False) for k in set(a) | set(b)}

    def _flow_statement(self, scope: Scope, stmt, state: dict) -> dict:
        state = dict(state)
        leaf = self.leaf_stmts.get(id(stmt))
        site = self.sites.get(id(stmt))
        loop = None if self.attribute_mode else self._grad_loop(scope, stmt)
        if loop is not None:
            self.grad_loops[id(stmt)] = loop
            for name in loop:
                state[name] = False
            self._writes(scope, loop)
        elif leaf is not None:
            state[leaf[1]] = True
        elif site is not None and site.kind == "backward" and site.holders:
            if self.accumulate is None:  # torch adds into p.grad: the emitted helper does it
                self.accumulate = self.ctx.new_name("accumulate_grad")
                self.grads = self.ctx.new_name("grads")
        elif site is not None and site.kind == "backward":
            site.fresh = all(state.get(s, False) for s in site.sources)
            scope.mutated |= {s for s in site.sources if not state.get(s, False)}
            if not site.fresh and self.accumulate is None:
                self.accumulate = self.ctx.new_name("accumulate_grad")
                self.grads = self.ctx.new_name("grads")
            for s in site.sources:
                state[s] = False
            self._writes(scope, site.sources)
        elif isinstance(stmt, cst.SimpleStatementLine):
            if not self.attribute_mode:  # else .grad statements stay what they are: attributes of variables
                self._flow_small(scope, stmt, state)
        elif isinstance(stmt, (cst.For, cst.While)):
            entry = self._join(state, state)
            while True:  # entry states only lose certainty: this stops
                out = self._flow(scope, stmt.body.body, entry)
                new_entry = self._join(state, out)
                if new_entry == entry:
                    break
                entry = new_entry
            state = self._join(state, out)
            if stmt.orelse is not None:
                state = self._flow(scope, stmt.orelse.body.body, state)
        elif isinstance(stmt, cst.If):
            then = self._flow(scope, stmt.body.body, state)
            other = self._flow_statement(scope, stmt.orelse, state) if isinstance(stmt.orelse, cst.If) else \
                self._flow(scope, stmt.orelse.body.body, state) if stmt.orelse is not None else state
            state = self._join(then, other)
        elif isinstance(stmt, cst.With):
            state = self._flow(scope, stmt.body.body, state)
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            pass
        else:
            for block in self._blocks(stmt):
                state = self._join(state, self._flow(scope, block.body, state))
        return state

    def _flow_small(self, scope: Scope, stmt, state: dict) -> None:
        small = stmt.body[0]
        call = single_call(stmt)
        if isinstance(small, cst.AugAssign) and self._grad_of(scope, small.target) is not None:
            state[self._grad_of(scope, small.target)] = False
            self._writes(scope, [self._grad_of(scope, small.target)])
            return
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            leaf = self._grad_of(scope, target)
            if leaf is not None:
                state[leaf] = isinstance(small.value, cst.Name) and small.value.value == "None"
                self._writes(scope, [leaf])
            return
        receiver = method_call(call, "zero_", *GRAD_INPLACE)
        if isinstance(receiver, cst.Attribute) and receiver.attr.value == "data":
            receiver = receiver.value
        leaf = self._grad_of(scope, receiver) if receiver is not None else None
        if leaf is not None:
            (self.grad_zero if call.func.attr.value == "zero_" else self.grad_inplace)[id(stmt)] = leaf
            scope.mutated.add(leaf)
            state[leaf] = False
            self._writes(scope, [leaf])
            return
        optimizer = method_call(call, "zero_grad")
        if isinstance(optimizer, cst.Name) and scope.optimizer(optimizer.value) is not None:
            params = scope.optimizer(optimizer.value)
            if not is_true(keyword(call, "set_to_none", 0)) and keyword(call, "set_to_none", 0) is not None:
                self.refuse(stmt, call, "TG505", "zero_grad(set_to_none=False) is not translated")
                return
            for p in params:
                state[p] = True
            self._writes(scope, params)

    def _grad_loop(self, scope: Scope, stmt) -> list[str] | None:
        """The leaves of `for p, g in zip([w, b], grads): p.grad = g` (gradients set from a list)."""
        if not (isinstance(stmt, cst.For) and isinstance(stmt.target, cst.Tuple) and len(stmt.target.elements) == 2
                and isinstance(stmt.iter, cst.Call) and dotted(stmt.iter.func) == "zip" and len(stmt.iter.args) == 2
                and isinstance(stmt.body, cst.IndentedBlock) and len(stmt.body.body) == 1 and stmt.orelse is None):
            return None
        param, grad = (e.value for e in stmt.target.elements)
        leaves = stmt.iter.args[0].value
        body = stmt.body.body[0]
        assign = body.body[0] if isinstance(body, cst.SimpleStatementLine) and len(body.body) == 1 else None
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(leaves, (cst.List, cst.Tuple))
                and all(isinstance(e.value, cst.Name) and scope.grad_name(e.value.value) for e in leaves.elements)):
            return None
        target = assign.targets[0].target
        if isinstance(target, cst.Attribute) and target.attr.value == "grad" and dotted(target.value) == dotted(param) \
                and dotted(assign.value) == dotted(grad) and isinstance(param, cst.Name):
            return [e.value.value for e in leaves.elements]
        return None

    def _grad_of(self, scope: Scope, expr) -> str | None:
        """The leaf `x` of an `x.grad` expression."""
        if isinstance(expr, cst.Attribute) and expr.attr.value == "grad" and isinstance(expr.value, cst.Name):
            return expr.value.value if scope.grad_name(expr.value.value) else None
        return None

    def _writes(self, scope: Scope, leaves) -> None:
        scope.global_grads |= {scope.grad_name(n) for n in leaves if scope.is_global_leaf(n)}
