"""Fixture tests, PyTorch -> TF: each `NAME.in.py` must translate to exactly `NAME.out.py`, every inline
`# twingrad: CODE` marker must come with an error diagnostic of that code, and translating a complete output
(nothing left in PyTorch) again to TF must change nothing."""
import re
from pathlib import Path

import pytest

from twingrad.translator import translate

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures" / "torch2tf").glob("*.in.py"))
MARKER = re.compile(r"# twingrad: (.*)$")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name[: -len(".in.py")] for p in FIXTURES])
def test_fixture(fixture):
    expected = fixture.with_name(fixture.name.replace(".in.py", ".out.py")).read_text()
    result = translate(fixture.read_text(), to="tf", path=fixture.name)
    assert result.source_framework == "torch"
    assert result.code == expected
    marked = {(n, code) for n, text in enumerate(expected.splitlines(), 1)
              for found in [MARKER.search(text)] if found
              for code in re.findall(r"(?:^|; )(TG\d+)", found.group(1))}
    reported = {(d.line, d.code) for d in result.diagnostics if d.level == "error"}
    assert {code for _, code in marked} == {code for _, code in reported}
    assert len(marked) <= len(reported)  # diagnostics are at source lines, markers at output lines
    if not result.flagged:
        assert translate(result.code, to="tf").code == result.code
