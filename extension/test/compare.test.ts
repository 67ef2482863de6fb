import assert from "node:assert/strict";
import { test } from "node:test";
import { compareArgs, compareHtml, compareOutcome } from "../src/core/compare";

test("compare runs the twingrad CLI on the file", () => {
  assert.deepEqual(compareArgs("/tmp/x/seed.py"), ["-m", "twingrad", "compare", "/tmp/x/seed.py"]);
});

test("exit codes: 0 match, 1 with a table is a mismatch, anything else a failure with its reason", () => {
  assert.equal(compareOutcome("a.py", 0, "table", "").status, "match");
  const differ = compareOutcome("a.py", 1, "dx  1.0  2.0  ✗", "");
  assert.deepEqual([differ.status, differ.body], ["mismatch", "dx  1.0  2.0  ✗"]);
  const crashed = compareOutcome("a.py", 1, "", "Traceback\nNameError: name 'q' is not defined\n");
  assert.equal(crashed.status, "failed");
  assert.equal(crashed.headline, "Compare failed for a.py: NameError: name 'q' is not defined");
  assert.equal(compareOutcome("a.py", null, "", "").headline, "Compare failed for a.py: stopped");
});

test("the webview page escapes the table and runs no scripts", () => {
  const page = compareHtml(compareOutcome("<b>.py", 1, "x < y && <script>alert(1)</script>", ""));
  assert.ok(!page.includes("<script>"));
  assert.ok(page.includes("x &lt; y &amp;&amp; &lt;script&gt;"));
  assert.ok(page.includes("Gradients differ: &lt;b&gt;.py"));
  assert.match(page, /default-src 'none'/);
});
