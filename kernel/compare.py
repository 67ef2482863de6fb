"""Line up the values of a TF run and a PyTorch run by name and render the comparison.

`compare(tf_values, torch_values)` takes two {name: np.ndarray | None} dicts (as collected by
`twingrad.kernel.runner`) and returns a `Comparison`, renderable as a terminal table (`to_text`), HTML
(`to_html`) and JSON (`to_json`, the `application/vnd.twingrad.comparison+json` payload).

Two values match when their shapes agree and |tf - torch| <= atol + rtol * max(|tf|, |torch|) everywhere
(NaN matches NaN in the same place). None (an absent gradient) matches only None. A dtype difference is
noted but is not a mismatch on its own. Given the original's framework (`origin`), a name the original leaves and
the translation lacks is lost in the translation, which fails the comparison as a mismatch does (a gradient that
came out as a list of Nones under other names must not pass); names only the translation has are listed only.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

MIME = "application/vnd.twingrad.comparison+json"
JSON_VALUE_LIMIT = 1000   # elements; larger arrays are summarised in the JSON, not listed
INLINE_LIMIT = 6          # elements shown in full in the text and HTML tables
MISSING = object()        # the name does not exist on that side (unlike a value that is None)

MATCH, MISMATCH, TF_ONLY, TORCH_ONLY = "match", "mismatch", "tf only", "torch only"


@dataclass
class Row:
    name: str
    status: str
    tf: object            # np.ndarray, None, or MISSING
    torch: object
    max_abs_diff: float | None = None
    max_rel_diff: float | None = None
    note: str | None = None

    @property
    def match(self) -> bool:
        return self.status == MATCH


@dataclass
class Comparison:
    rows: list
    rtol: float
    atol: float
    origin: str | None = None  # the original's framework ("tf"/"torch"); None when both sides ran the same code

    def _with(self, status):
        return [r for r in self.rows if r.status == status]

    @property
    def matches(self):
        return self._with(MATCH)

    @property
    def mismatches(self):
        return self._with(MISMATCH)

    @property
    def only_tf(self):
        return self._with(TF_ONLY)

    @property
    def only_torch(self):
        return self._with(TORCH_ONLY)

    @property
    def lost(self):
        """Names the original leaves that the translation does not."""
        return {"tf": self.only_tf, "torch": self.only_torch}.get(self.origin, [])

    @property
    def ok(self) -> bool:
        """No value differs and none was lost in the translation."""
        return not self.mismatches and not self.lost

    def __getitem__(self, name: str) -> Row:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)

    def headline(self) -> str:
        paired = len(self.matches) + len(self.mismatches)
        parts = [f"{paired} value{'s' * (paired != 1)} compared: {len(self.matches)} match, "
                 f"{len(self.mismatches)} mismatch{'es' * (len(self.mismatches) != 1)}"]
        for framework, side, label in (("tf", self.only_tf, "TF"), ("torch", self.only_torch, "PyTorch")):
            if side:
                parts.append(f"{len(side)} only in {label}" + (" (lost in the translation)" * (framework == self.origin)))
        return "; ".join(parts) + f" (rtol={self.rtol:g}, atol={self.atol:g})"

    def to_text(self) -> str:
        if not self.rows:
            return self.headline()
        header = ["name", "TF", "PyTorch", "shape", "max abs diff", "max rel diff", ""]
        body = [[r.name, summarize(r.tf), summarize(r.torch), _shape_text(r), _num(r.max_abs_diff),
                 _num(r.max_rel_diff), _mark(r) + (f"  {r.note}" if r.note else "")] for r in self.rows]
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header) - 1)]
        lines = [self.headline()]
        for line in [header, *body]:
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths)) + "  " + line[-1])
            if line is header:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(line.rstrip() for line in lines)

    def to_html(self) -> str:
        if not self.rows:
            return f"<p class='twingrad-comparison'>{html.escape(self.headline())}</p>"
        head = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>" for h in
                       ["name", "TF", "PyTorch", "shape", "max abs diff", "max rel diff", ""])
        rows = []
        for r in self.rows:
            style = {MISMATCH: "background:#fdd;color:#900;font-weight:bold",
                     MATCH: ""}.get(r.status, "color:#777")
            cells = [r.name, summarize(r.tf), summarize(r.torch), _shape_text(r), _num(r.max_abs_diff),
                     _num(r.max_rel_diff), _mark(r) + (f" ({r.note})" if r.note else "")]
            # Only the two value columns may wrap; names, shapes, numbers and marks stay on one line (set on
            # <code>, whose own white-space rule in JupyterLab would win over the cell's).
            tds = "".join(f"<td style='padding:2px 8px;text-align:left'><code style='white-space:"
                          f"{'normal' if i in (1, 2) else 'nowrap'}'>{html.escape(c)}</code></td>"
                          for i, c in enumerate(cells))
            rows.append(f"<tr class='twingrad-{r.status.replace(' ', '-')}' style='{style}'>{tds}</tr>")
        colour = "#070" if self.ok else "#900"
        return (f"<div class='twingrad-comparison'><p style='color:{colour};margin:2px 0'>"
                f"{html.escape(self.headline())}</p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table></div>")

    def to_json(self) -> dict:
        return {
            "version": 1, "rtol": self.rtol, "atol": self.atol, "ok": self.ok,
            "summary": {"match": len(self.matches), "mismatch": len(self.mismatches),
                        "tf_only": len(self.only_tf), "torch_only": len(self.only_torch)},
            "rows": [{"name": r.name, "status": r.status, "match": r.match, "tf": _side_json(r.tf),
                      "torch": _side_json(r.torch), "max_abs_diff": _json_float(r.max_abs_diff),
                      "max_rel_diff": _json_float(r.max_rel_diff), "note": r.note} for r in self.rows],
        }


def compare(tf_values: dict, torch_values: dict, rtol: float = 1e-5, atol: float = 1e-6,
            origin: str | None = None) -> Comparison:
    names = list(tf_values) + [n for n in torch_values if n not in tf_values]
    rows = []
    for name in names:
        a, b = tf_values.get(name, MISSING), torch_values.get(name, MISSING)
        if b is MISSING:
            rows.append(Row(name, TF_ONLY, a, b))
        elif a is MISSING:
            rows.append(Row(name, TORCH_ONLY, a, b))
        else:
            rows.append(_compare_pair(name, a, b, rtol, atol))
    return Comparison(rows, rtol, atol, origin)


def _compare_pair(name, a, b, rtol, atol) -> Row:
    if a is None or b is None:
        same = a is None and b is None
        return Row(name, MATCH if same else MISMATCH, a, b, note=None if same else "None on one side only")
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return Row(name, MISMATCH, a, b, note="shapes differ")
    note = f"dtype {a.dtype} vs {b.dtype}" if a.dtype != b.dtype else None
    if not all(x.dtype.kind in "biufc" for x in (a, b)):  # strings, objects: exact equality only
        return Row(name, MATCH if np.array_equal(a, b) else MISMATCH, a, b, note=note)
    wide = np.complex128 if "c" in (a.dtype.kind, b.dtype.kind) else np.float64
    x, y = a.astype(wide), b.astype(wide)
    with np.errstate(all="ignore"):
        nan_x, nan_y = np.isnan(x), np.isnan(y)
        diff = np.where(x == y, 0.0, np.abs(x - y))          # x == y covers equal infinities
        diff = np.where(nan_x | nan_y, np.nan, diff)
        scale = np.maximum(np.abs(x), np.abs(y))
        rel = np.where(diff == 0, 0.0, diff / scale)
        close = (diff <= atol + rtol * scale) | (nan_x & nan_y)
    if (nan_x != nan_y).any():
        note = ", ".join(filter(None, [note, f"NaN on one side at {int((nan_x != nan_y).sum())} place(s)"]))
    return Row(name, MATCH if close.all() else MISMATCH, a, b, _nanmax(diff), _nanmax(rel), note)


def _nanmax(values: np.ndarray) -> float | None:
    finite_or_inf = values[~np.isnan(values)]
    return float(finite_or_inf.max()) if finite_or_inf.size else None


# --- rendering -----------------------------------------------------------------------------------------

def summarize(value) -> str:
    """A one-line view: numbers in full for small arrays, dtype/shape/statistics for long ones."""
    if value is MISSING:
        return "-"
    if value is None:
        return "None"
    value = np.asarray(value)
    if value.size <= INLINE_LIMIT:
        return np.array2string(value, separator=", ", max_line_width=10**6,
                               formatter={"float_kind": lambda v: f"{v:.6g}"}).replace("\n", "")
    if value.dtype.kind in "biuf" and value.size:
        finite = value[np.isfinite(value)] if value.dtype.kind == "f" else value
        stats = (f" mean {finite.mean():.4g}, range [{finite.min():.4g}, {finite.max():.4g}]"
                 if finite.size else " no finite values")
        return f"{value.dtype}{list(value.shape)}{stats}"
    return f"{value.dtype}{list(value.shape)}"


def _shape_text(row: Row) -> str:
    shapes = [None if v is MISSING or v is None else tuple(np.shape(v)) for v in (row.tf, row.torch)]
    present = [s for s in shapes if s is not None]
    if not present:
        return ""
    if len(present) == 2 and shapes[0] != shapes[1]:
        return f"{shapes[0]} vs {shapes[1]}"
    return str(present[0])


def _mark(row: Row) -> str:
    return {MATCH: "✓", MISMATCH: "✗ MISMATCH", TF_ONLY: "only in TF", TORCH_ONLY: "only in PyTorch"}[row.status]


def _num(x) -> str:
    return "" if x is None else f"{x:.3g}"


def _json_float(x):
    if x is None or math.isfinite(x):
        return x
    return str(x)  # JSON has no NaN/inf


def _json_list(value: np.ndarray):
    if value.dtype.kind == "c":
        return np.vectorize(str, otypes=[object])(value).tolist() if value.ndim else str(value)
    if value.dtype.kind == "f":
        value = value.astype(object)
        for index in np.ndindex(value.shape):
            if not math.isfinite(value[index]):
                value[index] = str(float(value[index]))
            else:
                value[index] = float(value[index])
    return value.tolist()


def _side_json(value):
    if value is MISSING:
        return None
    if value is None:
        return {"is_none": True, "value": None, "shape": None, "dtype": None, "summary": "None", "truncated": False}
    value = np.asarray(value)
    small = value.size <= JSON_VALUE_LIMIT
    return {"is_none": False, "value": _json_list(value) if small else None, "shape": list(value.shape),
            "dtype": str(value.dtype), "summary": summarize(value), "truncated": not small}
