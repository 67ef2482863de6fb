"""tests/fixtures/ops/NAME.in.py translates (to the other framework) to exactly NAME.out.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from twingrad.translator import translate

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ops"
INPUTS = sorted(FIXTURES.glob("*.in.py"))


def test_there_are_fixtures_for_both_directions():
    assert {p.name.split("_")[0] for p in INPUTS} == {"tf", "torch"}


@pytest.mark.parametrize("source", INPUTS, ids=[p.name.removesuffix(".in.py") for p in INPUTS])
def test_fixture(source: Path):
    text = source.read_text(encoding="utf-8")
    to = "torch" if source.name.startswith("tf_") else "tf"
    result = translate(text, to=to, path=source.name)
    expected = source.with_name(source.name.replace(".in.py", ".out.py")).read_text(encoding="utf-8")
    assert result.code == expected
    compile(result.code, source.name, "exec")
