"""compare(): pairing by name, tolerances, None/NaN/shape rules, and the three renderings (no frameworks needed)."""
import json

import numpy as np
import pytest

from twingrad.kernel.compare import MIME, compare


def test_values_within_tolerance_match_and_beyond_it_do_not():
    tf = {"a": np.float32(1.0), "b": np.array([1.0, 2.0, 3.0])}
    torch = {"a": np.float32(1.0 + 5e-7), "b": np.array([1.0, 2.0, 3.1])}
    c = compare(tf, torch)
    assert c["a"].match
    assert not c["b"].match
    assert abs(c["b"].max_abs_diff - 0.1) < 1e-9
    assert abs(c["b"].max_rel_diff - 0.1 / 3.1) < 1e-9
    assert [r.name for r in c.mismatches] == ["b"] and not c.ok
    # A looser tolerance accepts the same pair.
    assert compare(tf, torch, rtol=0.05)["b"].match


def test_none_matches_only_none():
    c = compare({"g1": None, "g2": None, "g3": np.float32(0.0)}, {"g1": None, "g2": np.float32(0.0), "g3": None})
    assert c["g1"].match
    assert not c["g2"].match and not c["g3"].match
    assert "None" in c["g2"].note


def test_shapes_must_agree():
    c = compare({"x": np.ones((2, 3))}, {"x": np.ones((3, 2))})
    assert not c["x"].match and c["x"].note == "shapes differ"
    assert "(2, 3) vs (3, 2)" in c.to_text()


def test_nan_and_inf():
    c = compare({"same": np.array([np.nan, np.inf, 1.0]), "differ": np.array([np.nan, 1.0])},
                {"same": np.array([np.nan, np.inf, 1.0]), "differ": np.array([0.0, 1.0])})
    assert c["same"].match and c["same"].max_abs_diff == 0.0
    assert not c["differ"].match and "NaN on one side" in c["differ"].note


def test_one_sided_names_are_listed_in_order_and_dtype_is_noted():
    c = compare({"a": np.int32(3), "only_tf": np.float32(1)}, {"a": np.int64(3), "only_torch": np.float32(2)})
    assert [(r.name, r.status) for r in c.rows] == [("a", "match"), ("only_tf", "tf only"), ("only_torch", "torch only")]
    assert c["a"].note == "dtype int32 vs int64"
    assert c.ok  # without an original, one-sided names are reported, not counted as mismatches


@pytest.mark.parametrize("origin", ["tf", "torch"])
def test_a_name_the_translation_lost_fails_and_an_extra_one_does_not(origin):
    """A TF gradient `g` that the translation left as a list of Nones under other names (g[0], ...) is lost."""
    original, translated = {"w": np.ones(2), "g": np.full(2, 3.0)}, {"w": np.ones(2), "g[0]": None, "g[1]": None}
    c = compare(*((original, translated) if origin == "tf" else (translated, original)), origin=origin)
    assert [r.name for r in c.lost] == ["g"] and not c.ok and not c.mismatches
    assert "1 only in " + ("TF" if origin == "tf" else "PyTorch") + " (lost in the translation)" in c.headline()
    extra = compare(*((original, {**original, "helper": None}) if origin == "tf" else ({**original, "helper": None},
                                                                                        original)), origin=origin)
    assert extra.ok and not extra.lost and "lost" not in extra.headline()


def test_text_html_json_render_and_summarise_long_tensors():
    big = np.arange(10000, dtype=np.float32).reshape(100, 100)
    c = compare({"big": big, "g": np.float32(2.0), "h": np.array([np.nan])},
                {"big": big + 1, "g": np.float32(2.0), "h": np.array([np.nan])})
    text = c.to_text()
    assert "float32[100, 100] mean 5000, range [0, 9999]" in text and "4321" not in text  # summarised, not dumped
    assert "✗ MISMATCH" in text.splitlines()[3] and "✓" in text.splitlines()[4]
    html = c.to_html()
    assert "twingrad-mismatch" in html and "twingrad-match" in html and "<table>" in html
    payload = json.loads(json.dumps(c.to_json(), allow_nan=False))  # strict JSON: no bare NaN
    rows = {r["name"]: r for r in payload["rows"]}
    assert rows["big"]["tf"]["truncated"] and rows["big"]["tf"]["value"] is None
    assert rows["big"]["max_abs_diff"] == 1.0 and rows["big"]["status"] == "mismatch"
    assert rows["g"]["tf"]["value"] == 2.0 and rows["g"]["match"]
    assert rows["h"]["tf"]["value"] == ["nan"] and rows["h"]["match"]
    assert payload["summary"] == {"match": 2, "mismatch": 1, "tf_only": 0, "torch_only": 0}
    assert MIME == "application/vnd.twingrad.comparison+json"
