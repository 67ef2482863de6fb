// `twingrad compare --json` as the editor runs it, and how its outcome is shown. No `vscode` import.

export function compareArgs(file: string): string[] {
  return ["-m", "twingrad", "compare", "--json", file];
}

interface Side {
  summary: string;
  shape: number[];
  is_none: boolean;
}

/** The parts of the CLI's JSON document the editor shows. */
interface CompareDocument {
  exit_code: number;
  translation_error: string | null;
  translation: { diagnostics: { line: number; col: number; code: string; message: string }[] } | null;
  worlds: Record<"tf" | "torch", { ok: boolean; error: string | null }>;
  comparison: { rows: { name: string; status: string; tf: Side | null; torch: Side | null; max_abs_diff: number | null }[] };
}

export interface CompareRow {
  name: string;
  tf: string;
  torch: string;
  shape: string;
  maxAbsDiff: string;
  status: string;
}

export interface CompareOutcome {
  status: "match" | "mismatch" | "failed";
  headline: string;
  rows: CompareRow[];
  /** Why a run or the translation failed, and what the translator flagged: shown under the table. */
  notes: string[];
}

const WORLDS = { tf: "TensorFlow", torch: "PyTorch" } as const;
const STATUS = { match: "✓", mismatch: "✗ differs", tf_only: "only in TensorFlow", torch_only: "only in PyTorch" };

/** Exit 0: every value agrees; 1: a value differs or a run failed; anything else, or no JSON: compare failed. */
export function compareOutcome(file: string, exitCode: number | null, stdout: string, stderr: string): CompareOutcome {
  let doc: CompareDocument;
  try {
    doc = JSON.parse(stdout);
  } catch {
    const reason = stderr.trim().split("\n").pop() || (exitCode === null ? "stopped" : `exit code ${exitCode}`);
    return { status: "failed", headline: `Compare failed for ${file}: ${reason}`, rows: [], notes: [stderr.trim()] };
  }
  const rows = doc.comparison.rows.map((row) => ({
    name: row.name,
    tf: row.tf ? row.tf.summary : "—",
    torch: row.torch ? row.torch.summary : "—",
    shape: `(${(row.tf ?? row.torch)?.shape.join(", ") ?? ""})`,
    maxAbsDiff: row.max_abs_diff === null ? "" : String(row.max_abs_diff),
    status: STATUS[row.status as keyof typeof STATUS] ?? row.status,
  }));
  const failedWorlds = (Object.keys(WORLDS) as (keyof typeof WORLDS)[]).filter((w) => !doc.worlds[w].ok);
  const notes = [
    ...(doc.translation_error ? [`The translation failed: ${doc.translation_error}`] : []),
    ...failedWorlds.map((w) => `The ${WORLDS[w]} run failed:\n${doc.worlds[w].error ?? ""}`),
    ...(doc.translation?.diagnostics ?? []).map((d) => `${d.line}:${d.col}: ${d.code} ${d.message}`),
  ];
  if (doc.translation_error || failedWorlds.length > 0) {
    const what = doc.translation_error ? "the translation" : failedWorlds.map((w) => `the ${WORLDS[w]} run`).join(" and ");
    return { status: "failed", headline: `Compare failed for ${file}: ${what} failed`, rows, notes };
  }
  if (doc.exit_code === 0 && exitCode === 0) {
    return { status: "match", headline: `Gradients match: ${file} (${rows.length} values)`, rows, notes };
  }
  const differ = rows.filter((row) => row.status !== STATUS.match).length;
  return { status: "mismatch", headline: `Gradients differ: ${file} (${differ} of ${rows.length} values)`, rows, notes };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A static page (no scripts) for the compare webview: the values side by side, then the notes. */
export function compareHtml(outcome: CompareOutcome): string {
  const colour = { match: "var(--vscode-testing-iconPassed)", mismatch: "var(--vscode-testing-iconFailed)",
                   failed: "var(--vscode-errorForeground)" }[outcome.status];
  const cells = (row: CompareRow) => [row.name, row.tf, row.torch, row.shape, row.maxAbsDiff, row.status]
    .map((cell) => `<td>${escapeHtml(cell)}</td>`).join("");
  const rows = outcome.rows.map((row) =>
    `<tr class="${row.status === STATUS.match ? "match" : "differs"}">${cells(row)}</tr>`).join("\n");
  const notes = outcome.notes.map((note) => `<pre>${escapeHtml(note)}</pre>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
  h2 { color: ${colour}; font-size: 1.1em; }
  table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); }
  th, td { text-align: left; padding: 2px 12px 2px 0; border-bottom: 1px solid var(--vscode-panel-border); white-space: nowrap; }
  tr.differs td { color: var(--vscode-testing-iconFailed); }
  pre { font-family: var(--vscode-editor-font-family); white-space: pre-wrap; }
</style></head>
<body><h2 class="${outcome.status}">${escapeHtml(outcome.headline)}</h2>
<table><thead><tr><th>name</th><th>TensorFlow</th><th>PyTorch</th><th>shape</th><th>max abs diff</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>
${notes}
</body></html>`;
}
