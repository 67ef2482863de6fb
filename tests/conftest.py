"""What every run-both equivalence test asserts, in one place."""
import pytest


def _check_equivalent(twin, origin: str) -> None:
    """The translation ran unflagged and every value the original left behind has its twin, with the same shape
    and numbers (a None gradient must be None on both sides)."""
    assert twin.source_framework == origin
    leftovers = [d.format() for d in twin.translation.diagnostics if d.level == "error"]
    assert not leftovers, "\n".join(leftovers)
    original, translated = (twin.tf, twin.torch) if origin == "tf" else (twin.torch, twin.tf)
    assert original.ok, original.error
    assert translated.ok, f"{translated.error}\n--- translation ---\n{twin.translation.code}"
    comparison = twin.comparison
    assert comparison.rows, "the program left no values to compare"
    missing = comparison.only_tf if origin == "tf" else comparison.only_torch
    assert not missing, f"missing in the translation: {[r.name for r in missing]}"
    assert comparison.ok, comparison.to_text() + "\n--- translation ---\n" + twin.translation.code


@pytest.fixture
def assert_equivalent():
    return _check_equivalent
