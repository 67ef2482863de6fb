import assert from "node:assert/strict";
import { test } from "node:test";
import { cellEdits, cellRequest } from "../src/core/notebook";

test("the first cell is sent alone, all its lines selected", () => {
  assert.deepEqual(cellRequest([], "x = 1\ny = 2\n"), { text: "x = 1\ny = 2\n", first: 0, last: 1, offset: 0 });
  assert.deepEqual(cellRequest([], "x = 1"), { text: "x = 1", first: 0, last: 0, offset: 0 });
});

test("earlier cells come first, magics blanked, and the cell's lines are shifted past them", () => {
  const request = cellRequest(["%matplotlib inline\nimport tensorflow as tf", "x = tf.Variable(3.0)\n"],
                              "with tf.GradientTape() as t:\n    y = x * x");
  assert.equal(request.text, "\nimport tensorflow as tf\nx = tf.Variable(3.0)\nwith tf.GradientTape() as t:\n    y = x * x");
  assert.deepEqual([request.first, request.last, request.offset], [3, 4, 3]);
});

test("a selection inside the cell keeps to its lines", () => {
  const request = cellRequest(["import torch\n"], "a = 1\nb = 2\nc = 3\n", { first: 1, last: 2 });
  assert.deepEqual([request.first, request.last], [2, 3]);
});

test("edits move back to the cell; an import added after the context lands at the cell's top", () => {
  const edits = cellEdits([
    { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: "import torch\n" },
    { range: { start: { line: 3, character: 0 }, end: { line: 5, character: 0 } }, newText: "y.backward()\n" },
  ], 3);
  assert.deepEqual(edits.map((e) => [e.range.start.line, e.range.end.line, e.newText]),
                   [[0, 0, "import torch\n"], [0, 2, "y.backward()\n"]]);
});
