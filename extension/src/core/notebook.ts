// A notebook cell is translated as part of the notebook: the code cells above it come along as context
// (their imports make `tf.`/`torch.` resolve), and only the cell's own lines are rewritten. No `vscode` import.

export interface LineEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

export interface CellRequest {
  /** The text sent to the server: earlier code cells, then this cell. */
  text: string;
  /** The lines of `text` to translate (this cell's, or its selected ones). */
  first: number;
  last: number;
  /** Lines of context before the cell: subtract from the reply's line numbers. */
  offset: number;
}

/** IPython magics and shell escapes are not Python: blanked in the context, where only imports matter. */
function withoutMagics(cell: string): string {
  return cell.split("\n").map((line) => (/^\s*[%!]/.test(line) ? "" : line)).join("\n");
}

export function cellRequest(earlierCells: string[], cell: string,
                            selected?: { first: number; last: number }): CellRequest {
  const context = earlierCells.map(withoutMagics).map((text) => (text.endsWith("\n") ? text : `${text}\n`)).join("");
  const offset = context === "" ? 0 : context.split("\n").length - 1;
  const cellLines = Math.max(cell.split("\n").length - (cell.endsWith("\n") ? 1 : 0), 1);
  const lines = selected ?? { first: 0, last: cellLines - 1 };
  return { text: context + cell, first: lines.first + offset, last: lines.last + offset, offset };
}

/** The reply's edits in the cell's own lines; an import the server adds after the context goes to the cell's top. */
export function cellEdits<E extends LineEdit>(edits: E[], offset: number): E[] {
  const shift = (p: { line: number; character: number }) =>
    (p.line < offset ? { line: 0, character: 0 } : { line: p.line - offset, character: p.character });
  return edits.map((edit) => ({ ...edit, range: { start: shift(edit.range.start), end: shift(edit.range.end) } }));
}
