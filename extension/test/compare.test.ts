import assert from "node:assert/strict";
import { test } from "node:test";
import { compareArgs, compareHtml, compareOutcome } from "../src/core/compare";

const side = (summary: string, shape: number[] = []) => ({ summary, shape, is_none: false });
const world = { ok: true, error: null };

function cliJson(rows: object[], extra: object = {}) {
  return JSON.stringify({
    exit_code: 0, translation_error: null, translation: { diagnostics: [] },
    worlds: { tf: world, torch: world }, comparison: { rows }, ...extra,
  });
}

test("compare runs the twingrad CLI with JSON output", () => {
  assert.deepEqual(compareArgs("/tmp/x/seed.py"), ["-m", "twingrad", "compare", "--json", "/tmp/x/seed.py"]);
});

test("every value agreeing is a match, with the rows side by side", () => {
  const stdout = cliJson([{ name: "dx", status: "match", tf: side("6"), torch: side("6"), max_abs_diff: 0 }]);
  const outcome = compareOutcome("a.py", 0, stdout, "");
  assert.equal(outcome.status, "match");
  assert.equal(outcome.headline, "Gradients match: a.py (1 values)");
  assert.deepEqual(outcome.rows, [{ name: "dx", tf: "6", torch: "6", shape: "()", maxAbsDiff: "0", status: "✓" }]);
});

test("a differing value or one missing on a side is a mismatch", () => {
  const stdout = cliJson([
    { name: "dx", status: "mismatch", tf: side("[1, 2]", [2]), torch: side("[1, 3]", [2]), max_abs_diff: 1 },
    { name: "extra", status: "tf_only", tf: side("1"), torch: null, max_abs_diff: null },
    { name: "y", status: "match", tf: side("1"), torch: side("1"), max_abs_diff: 0 },
  ], { exit_code: 1 });
  const outcome = compareOutcome("a.py", 1, stdout, "");
  assert.equal(outcome.status, "mismatch");
  assert.equal(outcome.headline, "Gradients differ: a.py (2 of 3 values)");
  assert.deepEqual(outcome.rows.map((r) => [r.shape, r.torch, r.status]),
                   [["(2)", "[1, 3]", "✗ differs"], ["()", "—", "only in TensorFlow"], ["()", "1", "✓"]]);
});

test("a run that raised is a failure, whatever the rows say, with its traceback", () => {
  const stdout = cliJson([{ name: "x", status: "match", tf: side("1"), torch: side("1"), max_abs_diff: 0 }], {
    exit_code: 1, worlds: { tf: { ok: false, error: "Traceback...\nValueError: boom\n" }, torch: world } });
  const outcome = compareOutcome("a.py", 1, stdout, "");
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.headline, "Compare failed for a.py: the TensorFlow run failed");
  assert.deepEqual(outcome.notes, ["The TensorFlow run failed:\nTraceback...\nValueError: boom\n"]);
});

test("no JSON (bad input, a crash) is a failure with the last line of stderr", () => {
  const outcome = compareOutcome("a.py", 2, "", "a.py:3:1: invalid syntax\n");
  assert.deepEqual([outcome.status, outcome.headline], ["failed", "Compare failed for a.py: a.py:3:1: invalid syntax"]);
  assert.equal(compareOutcome("a.py", null, "", "").headline, "Compare failed for a.py: stopped");
});

test("the webview page escapes values and runs no scripts", () => {
  const stdout = cliJson([{ name: "<script>alert(1)</script>", status: "match", tf: side("a&b"), torch: side("1"),
                            max_abs_diff: 0 }]);
  const page = compareHtml(compareOutcome("<b>.py", 0, stdout, ""));
  assert.ok(!page.includes("<script>"));
  assert.ok(page.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(page.includes("<td>a&amp;b</td>"));
  assert.ok(page.includes("Gradients match: &lt;b&gt;.py"));
  assert.match(page, /default-src 'none'/);
});
