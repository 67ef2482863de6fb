// `twingrad compare` as the editor runs it, and how its outcome is shown. No `vscode` import.

export function compareArgs(file: string): string[] {
  return ["-m", "twingrad", "compare", file];
}

export interface CompareOutcome {
  status: "match" | "mismatch" | "failed";
  headline: string;
  /** The side-by-side table (the CLI's stdout), or the error output when the run failed. */
  body: string;
}

/** Exit 0: every value agrees; 1: some differ (the table says which); anything else: the run itself failed. */
export function compareOutcome(file: string, exitCode: number | null, stdout: string, stderr: string): CompareOutcome {
  if (exitCode === 0) {
    return { status: "match", headline: `Gradients match: ${file}`, body: stdout };
  }
  if (exitCode === 1 && stdout.trim()) {
    return { status: "mismatch", headline: `Gradients differ: ${file}`, body: stdout };
  }
  const reason = stderr.trim().split("\n").pop() || (exitCode === null ? "stopped" : `exit code ${exitCode}`);
  return { status: "failed", headline: `Compare failed for ${file}: ${reason}`, body: [stdout, stderr].join("\n").trim() };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A static page (no scripts) for the compare webview. */
export function compareHtml(outcome: CompareOutcome): string {
  const colour = { match: "var(--vscode-testing-iconPassed)", mismatch: "var(--vscode-testing-iconFailed)",
                   failed: "var(--vscode-errorForeground)" }[outcome.status];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
  h2 { color: ${colour}; font-size: 1.1em; }
  pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
</style></head>
<body><h2 class="${outcome.status}">${escapeHtml(outcome.headline)}</h2><pre>${escapeHtml(outcome.body)}</pre></body></html>`;
}
