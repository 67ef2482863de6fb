"""tests/fixtures/tf2torch/NAME.in.py translates to exactly NAME.out.py (backward style) and NAME.autograd.out.py.

The fixtures pin the text; tests/equivalence pins the numbers."""
from pathlib import Path

import pytest

from twingrad.translator import translate

FIXTURES = Path(__file__).parents[1] / "fixtures" / "tf2torch"
CASES = [(source, style) for source in sorted(FIXTURES.glob("*.in.py")) for style in ("backward", "autograd")]


@pytest.mark.parametrize("source,style", CASES, ids=[f"{s.name.removesuffix('.in.py')}-{st}" for s, st in CASES])
def test_fixture(source: Path, style: str):
    stem = source.name.removesuffix(".in.py")
    expected = source.with_name(f"{stem}.out.py" if style == "backward" else f"{stem}.autograd.out.py")
    result = translate(source.read_text(encoding="utf-8"), to="torch", style=style, path=source.name)
    assert result.code == expected.read_text(encoding="utf-8")
    assert not result.flagged
    compile(result.code, source.name, "exec")
