"""One libcst traversal that runs every rule, plus the services rules share (the `Context`).

Rules are small classes in `rules/` with libcst-style hooks (`visit_With`, `leave_Call`, ...). The engine calls the
hooks of all rules for each node, in rule order, so a file is walked once however many rules there are. What the
rules did not translate is found here, generically: any reference into the source framework that no rule replaced
or consumed is left in place, marked inline and reported.
"""
from __future__ import annotations

import ast
import bisect
import functools
import itertools
import re
from collections import defaultdict

import libcst as cst
from libcst._nodes.internal import CodegenState

from .api import Diagnostic, Translation
from .codegen import NO_RECORDING, code_of, generate
from .walk import Visitor, transform, walk, walk_all

FRAMEWORK_ROOTS = {"tf": ("tensorflow", "keras"), "torch": ("torch",)}
# Preferred local names for modules the output imports (used only when the name is free in the file).
IMPORT_ALIASES = {"tensorflow": "tf", "numpy": "np", "torch.nn.functional": "F"}
UNTRANSLATED = "TG900"


# TF's short names for Keras modules: the very same objects (`tf.optimizers.SGD is tf.keras.optimizers.SGD`)
KERAS_SHORT = ("tensorflow.optimizers", "tensorflow.losses", "tensorflow.initializers", "tensorflow.metrics")


def normalize(qualified: str) -> str:
    """Keras 3 is importable on its own; its API is tf.keras's, which TF also exports as tf.optimizers, ..."""
    if qualified == "keras" or qualified.startswith("keras."):
        return "tensorflow." + qualified
    if ".".join(qualified.split(".")[:2]) in KERAS_SHORT:
        return "tensorflow.keras." + qualified.removeprefix("tensorflow.")
    return qualified


def dotted(expr: cst.BaseExpression) -> str | None:
    """`a.b.c` as text, or None for anything that is not a plain dotted name."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        head = dotted(expr.value)
        return f"{head}.{expr.attr.value}" if head else None
    return None


def dotted_expression(text: str) -> cst.BaseExpression:
    """`a.b.c` as a node, built directly (parsing it took a tenth of a translation)."""
    head, *attributes = text.split(".")
    node = cst.Name(head)
    for attribute in attributes:
        node = cst.Attribute(value=node, attr=cst.Name(attribute))
    return node


class Context:
    """What every rule may use: name resolution, emitting code and imports, reporting."""

    def __init__(self, module: cst.Module, text: str, *, origin: str, to: str, style: str, path: str):
        self.text = text  # the source, for cheap "does the file mention X" checks
        self.origin, self.to, self.style, self.path = origin, to, style, path
        self.aliases: dict[str, str] = {}  # local name -> qualified module/object name
        # (original node, its top-level statement, code, message, level, suggestion): placed at the end
        self._reports: list[tuple] = []
        self.imports: dict[str, str | None] = {}  # module -> local alias (None: plain `import module`)
        self._taken_names = set(re.findall(r"\b[A-Za-z_]\w*\b", text))
        self._consumed: set[int] = set()
        self._marks: dict[int, list[str]] = defaultdict(list)
        self._before: dict[int, list[cst.BaseStatement]] = defaultdict(list)
        self.wrappers: dict[int, object] = {}  # id(original node) -> what wraps its translation (wrap_after)
        self.definitions: list[str] = []  # top-level helper definitions the output needs (define_at_top)
        self.statements: list[cst.CSTNode] = []  # the statements enclosing the node being visited (original nodes)
        self.cache: dict = {}  # analyses rules share (built once per file)
        self._shared: list[tuple] = []  # (visitor, what to do once it has walked): share_pass
        self.names: dict[str, str] = {}  # see Translation.names
        self.module = module

    # -- names ---------------------------------------------------------------------------------------------------
    def qualname(self, expr: cst.BaseExpression) -> str | None:
        """The qualified name an expression refers to through the file's imports (`tf.math.add` -> `tensorflow.math.add`)."""
        head = expr
        while type(head) is cst.Attribute:
            head = head.value
        if type(head) is not cst.Name or head.value not in self.aliases:
            return None  # most names and chains: decided without building their text
        text = dotted(expr)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        base = self.aliases.get(head)
        if base is None:
            return None
        return normalize(f"{base}.{rest}" if rest else base)

    def is_source_framework(self, qualified: str | None) -> bool:
        return bool(qualified) and qualified.split(".")[0] in FRAMEWORK_ROOTS[self.origin]

    def ref(self, qualified: str) -> cst.BaseExpression:
        """An expression naming `qualified` in the output, recording the import it needs."""
        module, _, attr = qualified.rpartition(".")
        for prefix, alias in IMPORT_ALIASES.items():
            if (qualified == prefix or qualified.startswith(prefix + ".")) and self._alias_free(alias, prefix):
                self.imports[prefix] = alias
                rest = qualified[len(prefix):]
                return dotted_expression(alias + rest)
        root = qualified.split(".")[0]
        self.imports.setdefault(root, None)
        return dotted_expression(qualified)

    def _alias_free(self, alias: str, module: str) -> bool:
        return self.imports.get(module) == alias or (
            alias not in self._taken_names or self.aliases.get(alias) == module)

    def new_name(self, stem: str) -> str:
        """A local name not used anywhere in the file."""
        name, n = stem, 1
        while name in self._taken_names:
            n += 1
            name = f"{stem}{n}"
        self._taken_names.add(name)
        return name

    def register_import(self, node: cst.Import | cst.ImportFrom) -> None:
        aliases = self.aliases
        if isinstance(node, cst.Import):
            for item in node.names:
                full = dotted(item.name)
                if item.asname is not None:
                    aliases[item.asname.name.value] = full
                else:
                    head = full.split(".")[0]
                    aliases[head] = head
        elif node.module is not None and not node.relative and not isinstance(node.names, cst.ImportStar):
            base = dotted(node.module)
            for item in node.names:
                local = item.asname.name.value if item.asname is not None else item.name.value
                aliases[local] = f"{base}.{item.name.value}"

    def register_top_level_imports(self) -> None:
        """Imports at module level (also under `try`/`if`), so that analyses before the walk can resolve names."""
        pending = list(self.module.body)
        while pending:
            stmt = pending.pop(0)
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        self.register_import(small)
            elif isinstance(stmt, (cst.Try, cst.If)):
                pending.extend(stmt.body.body)

    # -- analyses ----------------------------------------------------------------------------------------------------
    def share_pass(self, visitor, then=None) -> None:
        """Walk a read-only visitor over the whole file (original nodes) in one pass with the others rules register
        when they are built, before any rule sees the module (whole-file walks were a fifth of a translation, their
        traversal shared now); `then()` once it has walked."""
        self._shared.append((visitor, then))

    def run_shared_pass(self) -> None:
        shared, self._shared = self._shared, []
        if shared:
            walk_all(self.module, [visitor for visitor, _ in shared])
        for _, then in shared:
            if then is not None:
                then()

    # -- bookkeeping -----------------------------------------------------------------------------------------------
    def consume(self, original: cst.CSTNode) -> None:
        """Say that a source-framework reference (an original node) has been translated by a rule."""
        self._consumed.add(id(original))

    def is_consumed(self, original: cst.CSTNode) -> bool:
        return id(original) in self._consumed

    def report(self, original: cst.CSTNode, code: str, message: str, *, level: str = "error",
               suggestion: str | None = None, mark: bool | None = None) -> None:
        """Report a finding at an original node; errors (left untranslated) are also marked inline."""
        self._reports.append((original, tuple(self.statements), code, message, level, suggestion))
        if (level == "error" if mark is None else mark) and self.statements:
            self._marks[id(self.statements[-1])].append(f"{code} {message}")

    def diagnostics(self) -> list[Diagnostic]:
        """The reports with their places in the source, in source order (one code generation for all)."""
        positions = start_positions(self.module, self.text, [report[:2] for report in self._reports])
        found = [Diagnostic(*positions[id(node)], *rest, self.path) for node, _, *rest in self._reports]
        return sorted(found, key=lambda d: (d.line, d.col, d.code))

    def take_marks(self, statement: cst.CSTNode) -> list[str]:
        return self._marks.pop(id(statement), [])

    def put_before(self, statement: cst.CSTNode, statements: list[cst.BaseStatement]) -> None:
        """Statements to put before an original statement once every rule has translated it (a rule returning them
        itself would end the other rules' hooks on that statement)."""
        self._before[id(statement)].extend(statements)

    def take_before(self, statement: cst.CSTNode) -> list[cst.BaseStatement]:
        return self._before.pop(id(statement), [])

    def wrap_after(self, original: cst.CSTNode, wrap) -> None:
        """`wrap(result)` replaces what every rule made of an original node (a rule wrapping it itself would hand
        the wrapper, not the node, to the rules after it)."""
        self.wrappers[id(original)] = wrap

    def define_at_top(self, sources: list[str]) -> None:
        """Helper classes/functions the output defines after the module's docstring and imports. Call from
        leave_Module: each rule's group goes above the groups of rules that left before it."""
        self.definitions[0:0] = sources


class _StartRecorder(CodegenState):
    """A code generation that notes, for the wanted nodes only, the token where each starts, as libcst's
    PositionProvider would place it (the syntactic start where the node records one, else its first token).
    libcst's provider records every node's range and tracks lines per token: that was a fifth of a translation."""

    def __init__(self, module: cst.Module, wanted: set[int]):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted = wanted
        self.first_token: dict[int, int] = {}
        self.syntactic: dict[int, int] = {}

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.first_token[id(node)] = len(self.tokens)

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        if id(node) not in self.wanted:
            return NO_RECORDING
        if start_node is not None:
            self.wanted.add(id(start_node))
        return _Recording(self, node, start_node)

    def start(self, node_id: int) -> int:
        return self.syntactic.get(node_id, self.first_token.get(node_id))


class _Recording:
    def __init__(self, state: _StartRecorder, node, start_node):
        self.state, self.node, self.start_node = state, node, start_node

    def __enter__(self):
        self.token = len(self.state.tokens)

    def __exit__(self, *exc):
        state = self.state
        state.syntactic[id(self.node)] = (self.token if self.start_node is None
                                          else state.start(id(self.start_node)))
        return False


def start_positions(module: cst.Module, text: str, reports: list[tuple[cst.CSTNode, tuple]]
                    ) -> dict[int, tuple[int, int]]:
    """id(node) -> (line, column), both 1-based, for nodes of `module` (parsed from `text`): libcst's
    PositionProvider start. `reports` pairs each node with the statements enclosing it, outermost first (empty:
    unknown).

    Only the innermost statement holding each node is generated, placed by the line Python's own parser gives it and
    indented as its source line; where that cannot be trusted (a generated line differs from the source's there),
    the whole module is generated, as it always used to be."""
    if not reports:
        return {}
    lines = _statement_lines(module, text, [path for _, path in reports])
    if lines is not None:
        source_lines = _NEWLINE.split(text)
        groups: dict[int, tuple[cst.CSTNode, list[cst.CSTNode]]] = {}
        for node, path in reports:
            statement = _innermost(path)
            groups.setdefault(id(statement), (statement, []))[1].append(node)
        positions = {}
        for statement, nodes in groups.values():
            found = _placed(statement, module, nodes, lines[id(statement)], source_lines)
            if found is None:
                break
            positions.update(found)
        else:
            return positions
    return _starts(module, module, [node for node, _ in reports])[0]


def _innermost(path: tuple):
    """The innermost statement of `path` whose code reads on its own as in the source: an `elif` is generated as `if`
    on its own, so its `if` is."""
    index = len(path) - 1
    while index and isinstance(path[index - 1], cst.If) and path[index - 1].orelse is path[index]:
        index -= 1
    return path[index]


def _header(statement):
    """A compound statement without its blocks (`pass` for its body): the code of its first lines, cheaply."""
    body = getattr(statement, "body", None)
    if not isinstance(body, cst.IndentedBlock) or not body.body or isinstance(statement, (cst.Try, cst.TryStar)):
        return statement
    return statement.with_changes(body=body.with_changes(body=[]), **(
        {"orelse": None} if getattr(statement, "orelse", None) is not None else {}))


def _placed(statement, module, nodes, first: int, source_lines: list[str]) -> dict[int, tuple[int, int]] | None:
    """The nodes' positions from the code of `statement`, whose leading lines begin on line `first`; None where the
    code, generated with the indentation of the statement's source line, does not read as the source there."""
    header = first + len(statement.leading_lines)
    if not 0 < header <= len(source_lines):
        return None
    code_line = source_lines[header - 1]
    indent = code_line[:len(code_line) - len(code_line.lstrip(" \t"))]
    header_only = _header(statement)  # most reports held by a compound statement are on its own first lines
    found = _starts(header_only, module, nodes, indent)
    if found is None and header_only is not statement:
        found = _starts(statement, module, nodes, indent)
    if found is None:
        return None
    starts, code_lines = found
    if code_lines[header - first] != code_line or any(
            first + line - 1 > len(source_lines) or code_lines[line - 1] != source_lines[first + line - 2]
            for line, _ in starts.values()):
        return None
    return {key: (first + line - 1, col) for key, (line, col) in starts.items()}


def _statement_lines(module: cst.Module, text: str, paths: list[tuple]) -> dict[int, int] | None:
    """id(statement) -> the line its code (leading blank and comment lines included) begins on, for the statements of
    `paths` (each the statements enclosing a node, outermost first), found along the same path in Python's own
    parse; None where a path is unknown or the two parses disagree."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    lines: dict[int, int] = {}
    parsed: dict[int, ast.stmt] = {}
    for path in paths:
        if not path:
            return None
        blocks_cst, blocks_ast = [list(module.body)], [tree.body]
        for statement in path:
            if id(statement) not in parsed:
                found = _counterpart(statement, blocks_cst, blocks_ast)
                if found is None:
                    return None
                parsed[id(statement)] = found
                decorators = getattr(found, "decorator_list", None)
                lines[id(statement)] = (decorators[0].lineno if decorators else found.lineno) - len(
                    statement.leading_lines)
            blocks_cst, blocks_ast = _cst_blocks(statement), _ast_blocks(parsed[id(statement)])
    return lines


def _counterpart(statement, blocks_cst: list[list], blocks_ast: list[list]) -> ast.stmt | None:
    """The ast statement standing where `statement` stands in the same-shaped blocks (a SimpleStatementLine is as
    many ast statements as it has small statements)."""
    if len(blocks_cst) != len(blocks_ast):
        return None
    for statements, parsed in zip(blocks_cst, blocks_ast):
        index = 0
        for candidate in statements:
            if candidate is statement:
                return parsed[index] if index < len(parsed) else None
            index += len(candidate.body) if isinstance(candidate, cst.SimpleStatementLine) else 1
    return None


def _suite(block) -> list:
    """The statements of a block (a one-line suite holds small statements only, none a report can be inside)."""
    return list(block.body) if isinstance(block, cst.IndentedBlock) else []


def _cst_blocks(statement) -> list[list]:
    """A compound statement's blocks, in the order `_ast_blocks` gives Python's."""
    if isinstance(statement, cst.If):
        orelse = statement.orelse
        return [_suite(statement.body), [orelse] if isinstance(orelse, cst.If) else
                _suite(orelse.body) if orelse else []]
    if isinstance(statement, (cst.For, cst.While)):
        return [_suite(statement.body), _suite(statement.orelse.body) if statement.orelse else []]
    if isinstance(statement, (cst.Try, cst.TryStar)):
        return [_suite(statement.body), *(_suite(h.body) for h in statement.handlers),
                _suite(statement.orelse.body) if statement.orelse else [],
                _suite(statement.finalbody.body) if statement.finalbody else []]
    if isinstance(statement, cst.Match):
        return [_suite(case.body) for case in statement.cases]
    body = getattr(statement, "body", None)
    return [_suite(body)] if isinstance(body, cst.BaseSuite) else []


def _ast_blocks(node: ast.stmt) -> list[list]:
    if isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        return [node.body, node.orelse]
    if isinstance(node, (ast.Try, ast.TryStar)):
        return [node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody]
    if isinstance(node, ast.Match):
        return [case.body for case in node.cases]
    body = getattr(node, "body", None)
    return [body] if isinstance(body, list) else []


def _starts(root: cst.CSTNode, module: cst.Module, nodes: list[cst.CSTNode], indent: str = ""):
    """({id(node): (line, column)} within the code of `root` generated at `indent`, that code's lines), or None if a
    node is not in it."""
    state = _StartRecorder(module, {id(n) for n in nodes})
    if indent:
        state.indent_tokens.append(indent)  # what the blocks around `root` would have pushed
    generate(root, state)
    offsets = [0, *itertools.accumulate(map(len, state.tokens))]
    code = "".join(state.tokens)
    line_ends = [m.end() for m in _NEWLINE.finditer(code)]
    positions = {}
    for node in nodes:
        token = state.start(id(node))
        if token is None:
            return None
        offset = offsets[token]
        line = bisect.bisect_right(line_ends, offset)
        positions[id(node)] = (line + 1, offset - (line_ends[line - 1] if line else 0) + 1)
    return positions, _NEWLINE.split(code)


_NEWLINE = re.compile(r"\r\n?|\n")


class Engine:
    """Dispatches libcst hooks to every rule, tracks enclosing statements, finds untranslated references."""

    def __init__(self, ctx: Context, rules: list):
        self.ctx = ctx
        self.rules = rules
        self._parents: list[cst.CSTNode] = []
        self._leftovers: dict[int, list[tuple[cst.CSTNode, str]]] = defaultdict(list)
        self._types: dict[type, tuple] = {}  # per node type: the rules' hooks and what the engine does with it

    def _type_info(self, kind: type) -> tuple:
        """(visit hooks, leave hooks, is an import, is a statement, is a reference): looked up once per type, as
        isinstance against libcst's abstract classes is slow."""
        info = self._types.get(kind)
        if info is None:
            def hooks(name):
                return [h for rule in self.rules if (h := getattr(rule, name, None)) is not None]

            info = self._types[kind] = (
                hooks("visit_" + kind.__name__), hooks("leave_" + kind.__name__),
                issubclass(kind, (cst.Import, cst.ImportFrom)),
                issubclass(kind, (cst.SimpleStatementLine, cst.BaseCompoundStatement)),
                issubclass(kind, (cst.Name, cst.Attribute)))
        return info

    def on_visit(self, node: cst.CSTNode) -> bool:
        visit_hooks, _, is_import, is_statement, _ = self._type_info(type(node))
        if is_import:
            self.ctx.register_import(node)
        if is_statement:
            self.ctx.statements.append(node)
        self._parents.append(node)
        descend = True
        for hook in visit_hooks:
            if hook(node) is False:
                descend = False
        return descend and not is_import

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):
        self._parents.pop()
        result = updated
        kind = type(original)
        _, leave_hooks, _, is_statement, is_reference = self._type_info(kind)
        for hook in leave_hooks:
            result = hook(original, result)
            if type(result) is not kind:
                break
        if self.ctx.wrappers:
            wrap = self.ctx.wrappers.pop(id(original), None)
            if wrap is not None:
                result = wrap(result)
        if is_reference and result is not None:
            self._note_leftover(original, result)
        if is_statement:
            self.ctx.statements.pop()
            result = self._finish_statement(original, result)
        return result

    # -- untranslated references ---------------------------------------------------------------------------------------
    def _note_leftover(self, original: cst.CSTNode, result: cst.CSTNode) -> None:
        parent = self._parents[-1] if self._parents else None
        if isinstance(parent, cst.Attribute) and parent.value is original:
            return  # only the longest dotted chain counts
        if isinstance(original, cst.Name) and isinstance(parent, cst.Attribute) and parent.attr is original:
            return
        if not isinstance(result, (cst.Name, cst.Attribute)):
            return
        qualified = self.ctx.qualname(result)
        if self.ctx.is_source_framework(qualified) and self.ctx.statements:
            self._leftovers[id(self.ctx.statements[-1])].append((original, qualified))

    def _finish_statement(self, original: cst.CSTNode, result):
        for node, qualified in self._leftovers.pop(id(original), []):
            if self.ctx.is_consumed(node):
                continue
            api = qualified.replace("tensorflow.", "tf.", 1)
            self.ctx.statements.append(original)
            self.ctx.report(node, UNTRANSLATED, f"{api} has no {self.ctx.to} translation here; left as is")
            self.ctx.statements.pop()
        marks = self.ctx.take_marks(original)
        if marks:
            result = _attach_marks(result, marks)
        before = self.ctx.take_before(original)
        if before:
            nodes = list(result.nodes) if isinstance(result, cst.FlattenSentinel) else \
                [] if isinstance(result, cst.RemovalSentinel) else [result]
            if nodes:  # the statement's blank lines and comments go first
                before[0] = before[0].with_changes(leading_lines=[*nodes[0].leading_lines, *before[0].leading_lines])
                nodes[0] = nodes[0].with_changes(leading_lines=[])
            result = cst.FlattenSentinel([*before, *nodes])
        return result


def _attach_marks(result, marks: list[str]):
    # a message quoting multi-line code must still be one comment line
    comment = "# twingrad: " + " ".join("; ".join(dict.fromkeys(marks)).split())
    if isinstance(result, cst.FlattenSentinel):
        nodes = list(result.nodes)
        nodes[0] = _attach_marks(nodes[0], marks)
        return cst.FlattenSentinel(nodes)
    if isinstance(result, cst.SimpleStatementLine):
        trailing = result.trailing_whitespace
        text = f"{trailing.comment.value}  {comment}" if trailing.comment else comment
        return result.with_changes(trailing_whitespace=trailing.with_changes(
            whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(text)))
    if isinstance(result, cst.BaseCompoundStatement) and isinstance(result.body, cst.IndentedBlock):
        header = result.body.header
        text = f"{header.comment.value}  {comment}" if header.comment else comment
        return result.with_changes(body=result.body.with_changes(header=header.with_changes(
            whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(text))))
    return result


class _NamesOutsideImports(Visitor):
    """Every name the code mentions outside import statements (comments and strings are not in the tree)."""

    def __init__(self):
        self.used: set[str] = set()

    def visit_Import(self, node) -> bool:
        return False

    def visit_ImportFrom(self, node) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        # an attribute (`tf.Variable`, `tape.jacobian`) does not use an imported `Variable` or `jacobian`
        walk(node.value, self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.used.add(node.value)


def _fix_imports(module: cst.Module, ctx: Context) -> str:
    """The module's code, without source-framework imports nothing uses any more and with the imports it needs."""
    names = _NamesOutsideImports()
    walk(module, names)
    used = names.used
    roots = FRAMEWORK_ROOTS[ctx.origin]

    def origin_import_unused(stmt) -> bool:
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return False
        node = stmt.body[0]
        if isinstance(node, cst.Import):
            names = node.names
            modules = [dotted(n.name) for n in names]
            locals_ = [n.asname.name.value if n.asname else dotted(n.name).split(".")[0] for n in names]
        elif isinstance(node, cst.ImportFrom) and node.module is not None and not isinstance(node.names, cst.ImportStar):
            modules = [dotted(node.module)] * len(node.names)
            locals_ = [n.asname.name.value if n.asname else n.name.value for n in node.names]
        else:
            return False
        return all(m.split(".")[0] in roots for m in modules) and not any(n in used for n in locals_)

    body = list(module.body)
    kept = [s for s in body if not origin_import_unused(s)]
    if ctx.definitions:
        kept = _with_definitions(kept, ctx.definitions)
    wanted = []
    for mod, alias in sorted(ctx.imports.items(), key=lambda kv: (kv[1] is not None, kv[0])):
        wanted.append(f"import {mod}" + (f" as {alias}" if alias else ""))
    present = {code_of(s, module).strip() for s in kept if isinstance(s, cst.SimpleStatementLine) and s.body
               and isinstance(s.body[0], (cst.Import, cst.ImportFrom))}
    new = [cst.parse_statement(line + "\n") for line in wanted if line not in present]
    if not new and kept == body:  # (a removed import and an added definition keep the length)
        return code_of(module, module)
    at = _import_insertion_index(kept)
    kept[at:at] = new
    output = module.with_changes(body=kept)
    return code_of(output, output)


def _with_definitions(body: list, sources: list[str]) -> list:
    """The definitions after the docstring and the leading imports, two blank lines around each (PEP 8)."""
    at = 0
    while at < len(body) and isinstance(body[at], cst.SimpleStatementLine) and (
            isinstance(body[at].body[0], (cst.Import, cst.ImportFrom)) or at == 0 and _is_docstring(body[at])):
        at += 1
    blank = [cst.EmptyLine()] * 2
    definitions = [_parse_definition(source).with_changes(leading_lines=blank) for source in sources]
    body = list(body)
    if at < len(body):
        comments = [line for line in body[at].leading_lines if line.comment is not None]
        body[at] = body[at].with_changes(leading_lines=[*blank, *comments])
    return [*body[:at], *definitions, *body[at:]]


@functools.lru_cache(maxsize=None)
def _parse_definition(source: str) -> cst.BaseStatement:
    """Helper classes are long and the same in every file: parsed once each (a tenth of a 300-line file's time)."""
    return cst.parse_statement(source.lstrip("\n"))


def _is_docstring(stmt: cst.SimpleStatementLine) -> bool:
    return isinstance(stmt.body[0], cst.Expr) and isinstance(stmt.body[0].value, (cst.SimpleString,
                                                                                   cst.ConcatenatedString))


def _import_insertion_index(kept: list) -> int:
    """After the module docstring and `from __future__` imports."""
    index = 0
    for i, stmt in enumerate(kept):
        if not isinstance(stmt, cst.SimpleStatementLine):
            break
        first = stmt.body[0]
        is_doc = i == 0 and isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString)
        is_future = isinstance(first, cst.ImportFrom) and dotted(first.module or cst.Name("x")) == "__future__"
        if is_doc or is_future:
            index = i + 1
        else:
            break
    return index


def rewrite_module(module: cst.Module, text: str, *, origin: str, to: str, style: str, path: str) -> Translation:
    from .rules import rules_for

    ctx = Context(module, text, origin=origin, to=to, style=style, path=path)
    ctx.register_top_level_imports()
    engine = Engine(ctx, rules_for(origin, to, ctx))
    ctx.run_shared_pass()
    code = _fix_imports(transform(module, engine), ctx)
    return Translation(code=code, diagnostics=ctx.diagnostics(), source_framework=origin, target_framework=to,
                       names=ctx.names)
