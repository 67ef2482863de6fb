"""translator/templates.py must build what libcst's own template helpers build, and refuse what they refuse."""
import libcst as cst
import pytest
from libcst.helpers import parse_template_expression as libcst_expression
from libcst.helpers import parse_template_statement as libcst_statement

from twingrad.translator.templates import parse_template_expression, parse_template_statement

STATEMENTS = [
    ("{target} = torch.autograd.grad({y}, [{x}], create_graph=True)[0]\n",
     dict(target=cst.Name("g"), y=cst.parse_expression("a + b"), x=cst.Name("x"))),
    ("with torch.no_grad():\n    {body}\n", dict(body=cst.parse_statement("x -= 1\n"))),
    ("def f({p}):\n    return {v}\n", dict(p=cst.Param(cst.Name("q")), v=cst.Name("q"))),
    ("{a}[{i}] = {f}({args})\n", dict(a=cst.Name("a"), i=cst.Integer("0"), f=cst.Name("g"),
                                     args=cst.Arg(cst.Name("z")))),
]


@pytest.mark.parametrize("template, replacements", STATEMENTS)
def test_statements_match_libcst_and_repeat_alike(template, replacements):
    expected = cst.Module([libcst_statement(template, **replacements)]).code
    for _ in range(2):  # the second use comes from the cached parse
        assert cst.Module([parse_template_statement(template, **replacements)]).code == expected


def test_expressions_match_libcst():
    replacements = dict(x=cst.Name("y"), d=cst.Arg(cst.Integer("1")))
    module = cst.Module([])
    assert module.code_for_node(parse_template_expression("({x}).sum({d})", **replacements)) == \
        module.code_for_node(libcst_expression("({x}).sum({d})", **replacements))


def test_an_unused_replacement_is_refused_as_libcst_does():
    with pytest.raises(ValueError, match="missing a reference"):
        parse_template_statement("{a} = 1\n", a=cst.Name("x"), c=cst.Name("y"))


def test_expression_replacements_are_copies_and_the_cached_template_stays_intact():
    x = cst.parse_expression("a * b")
    first = parse_template_expression("torch.sum({x}) + {x}", x=x)
    second = parse_template_expression("torch.sum({x}) + {x}", x=cst.Name("c"))
    module = cst.Module([])
    assert module.code_for_node(first) == "torch.sum(a * b) + a * b"
    assert module.code_for_node(second) == "torch.sum(c) + c"
    copies = [first.left.args[0].value, first.right]
    assert all(copy is not x and copy.deep_equals(x) for copy in copies)  # rules tell nodes apart by id
    assert copies[0] is not copies[1] and copies[0].left is not x.left

