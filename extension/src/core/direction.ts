// Translation directions and which lines a selection stands for. No `vscode` import.

export type Framework = "torch" | "tf";

export const FRAMEWORK_NAMES: Record<Framework, string> = { torch: "PyTorch", tf: "TensorFlow" };

/**
 * The `twingrad.defaultDirection` setting: an explicit framework, or "auto" (away from the framework the
 * file uses, which only the server can tell; `detected` is its answer to a first request towards PyTorch).
 */
export function resolveDirection(setting: string | undefined, detected: string | null | undefined): Framework {
  if (setting === "torch" || setting === "tf") {
    return setting;
  }
  return detected === "torch" ? "tf" : "torch";
}

export interface Span {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/**
 * Whole lines covered by a non-empty selection, or undefined for an empty one (translate the file).
 * A selection ending at the start of a line (a triple-click or shift+down selection) does not include that line.
 */
export function selectedLines(span: Span): { first: number; last: number } | undefined {
  if (span.startLine === span.endLine && span.startCharacter === span.endCharacter) {
    return undefined;
  }
  const last = span.endCharacter === 0 && span.endLine > span.startLine ? span.endLine - 1 : span.endLine;
  return { first: span.startLine, last };
}
