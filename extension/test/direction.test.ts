import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveDirection, selectedLines } from "../src/core/direction";

test("an explicit default direction is kept; auto goes away from the detected framework", () => {
  assert.equal(resolveDirection("tf", "tf"), "tf");
  assert.equal(resolveDirection("torch", "torch"), "torch");
  assert.equal(resolveDirection("auto", "torch"), "tf");
  assert.equal(resolveDirection("auto", "tf"), "torch");
  assert.equal(resolveDirection(undefined, null), "torch");
});

test("an empty selection means the whole file", () => {
  assert.equal(selectedLines({ startLine: 3, startCharacter: 5, endLine: 3, endCharacter: 5 }), undefined);
});

test("a selection stands for the whole lines it touches", () => {
  assert.deepEqual(selectedLines({ startLine: 2, startCharacter: 4, endLine: 5, endCharacter: 1 }), { first: 2, last: 5 });
  assert.deepEqual(selectedLines({ startLine: 2, startCharacter: 4, endLine: 2, endCharacter: 9 }), { first: 2, last: 2 });
});

test("a selection ending at the start of a line leaves that line out", () => {
  assert.deepEqual(selectedLines({ startLine: 2, startCharacter: 0, endLine: 6, endCharacter: 0 }), { first: 2, last: 5 });
});
