import assert from "node:assert/strict";
import { test } from "node:test";
import { CrashBudget } from "../src/core/crashes";

test("three crashes within the window restart; the fourth does not", () => {
  const budget = new CrashBudget(3, 1000);
  assert.deepEqual([0, 10, 20, 30].map((t) => budget.allowRestart(t)), [true, true, true, false]);
});

test("crashes older than the window are forgotten", () => {
  const budget = new CrashBudget(3, 1000);
  [0, 10, 20].forEach((t) => budget.allowRestart(t));
  assert.equal(budget.allowRestart(1015), true);
});

test("a manual restart resets the budget", () => {
  const budget = new CrashBudget(1, 1000);
  budget.allowRestart(0);
  assert.equal(budget.allowRestart(1), false);
  budget.reset();
  assert.equal(budget.allowRestart(2), true);
});
