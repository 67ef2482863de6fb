// Which Python runs the language server, and what to tell the user when it cannot. No `vscode` import:
// unit-tested under plain node.

export type InterpreterSource = "setting" | "python-extension" | "default";

export interface Interpreter {
  command: string;
  source: InterpreterSource;
}

export const DEFAULT_PYTHON = "python3";
export const INSTALL_SPEC = "twingrad[lsp]";

/** The `twingrad.interpreter` setting wins, then the Python extension's choice, then `python3`. */
export function pickInterpreter(setting: string | undefined, fromPythonExtension: string | undefined,
                                workspaceFolder: string | undefined): Interpreter {
  const configured = setting?.trim();
  if (configured) {
    return { command: expandWorkspaceFolder(configured, workspaceFolder), source: "setting" };
  }
  if (fromPythonExtension) {
    return { command: fromPythonExtension, source: "python-extension" };
  }
  return { command: DEFAULT_PYTHON, source: "default" };
}

function expandWorkspaceFolder(value: string, folder: string | undefined): string {
  return folder === undefined ? value : value.split("${workspaceFolder}").join(folder);
}

export type ProbeProblem =
  | { kind: "not-found"; message: string }
  | { kind: "no-twingrad"; message: string }
  | { kind: "broken"; message: string };

/** Turn a failed `python -c "import twingrad.lsp"` into one sentence for a notification. */
export function describeProbeFailure(interpreter: Interpreter, error: { code?: string | number | null },
                                     stderr: string): ProbeProblem {
  const where = interpreter.source === "setting" ? " (from the twingrad.interpreter setting)"
    : interpreter.source === "python-extension" ? " (the Python extension's interpreter)" : "";
  if (error.code === "ENOENT" || error.code === "EACCES") {
    return { kind: "not-found",
             message: `Twingrad: the Python interpreter "${interpreter.command}"${where} could not be run.` };
  }
  const missing = /No module named '(twingrad|pygls|lsprotocol)[.'\w]*/.exec(stderr);
  if (missing) {
    return { kind: "no-twingrad",
             message: `Twingrad: "${interpreter.command}"${where} does not have twingrad's language server ` +
                      `(${missing[0]}). Install "${INSTALL_SPEC}" into it?` };
  }
  const lastLine = stderr.trim().split("\n").pop() || `exit code ${error.code}`;
  return { kind: "broken", message: `Twingrad: "${interpreter.command}"${where} cannot start the language server: ${lastLine}` };
}
