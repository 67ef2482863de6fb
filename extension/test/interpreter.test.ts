import assert from "node:assert/strict";
import { test } from "node:test";
import { describeProbeFailure, pickInterpreter } from "../src/core/interpreter";

test("the setting wins over the Python extension, which wins over python3", () => {
  assert.deepEqual(pickInterpreter("/opt/py/bin/python", "/venv/bin/python", "/ws"),
                   { command: "/opt/py/bin/python", source: "setting" });
  assert.deepEqual(pickInterpreter("  ", "/venv/bin/python", "/ws"), { command: "/venv/bin/python", source: "python-extension" });
  assert.deepEqual(pickInterpreter(undefined, undefined, undefined), { command: "python3", source: "default" });
});

test("${workspaceFolder} in the setting is the folder's path", () => {
  assert.equal(pickInterpreter("${workspaceFolder}/.venv/bin/python", undefined, "/home/me/proj").command,
               "/home/me/proj/.venv/bin/python");
  assert.equal(pickInterpreter("${workspaceFolder}/py", undefined, undefined).command, "${workspaceFolder}/py");
});

test("a missing interpreter, a missing package and other failures read differently", () => {
  const fromSetting = { command: "/nope/python", source: "setting" as const };
  const notFound = describeProbeFailure(fromSetting, { code: "ENOENT" }, "");
  assert.equal(notFound.kind, "not-found");
  assert.match(notFound.message, /"\/nope\/python" \(from the twingrad.interpreter setting\) could not be run/);

  const stderr = "Traceback (most recent call last):\n  File \"<string>\", line 1\nModuleNotFoundError: No module named 'twingrad'\n";
  const missing = describeProbeFailure({ command: "python3", source: "default" }, { code: 1 }, stderr);
  assert.equal(missing.kind, "no-twingrad");
  assert.match(missing.message, /"python3" does not have twingrad's language server \(No module named 'twingrad'\)/);
  assert.match(missing.message, /Install "twingrad\[lsp\]"/);

  const noPygls = describeProbeFailure({ command: "python3", source: "default" }, { code: 1 }, "No module named 'pygls'");
  assert.equal(noPygls.kind, "no-twingrad");

  const broken = describeProbeFailure({ command: "py", source: "python-extension" }, { code: 1 },
                                      "Traceback...\nSyntaxError: invalid syntax\n");
  assert.equal(broken.kind, "broken");
  assert.match(broken.message, /the Python extension's interpreter.*SyntaxError: invalid syntax$/);
});
