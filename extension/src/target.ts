import * as vscode from "vscode";
import { cellRequest } from "./core/notebook";

/** What a command works on: the active editor (and its selection), or a notebook's active cell. */
export interface Target {
  document: vscode.TextDocument;
  selection?: vscode.Selection;
  /** For a notebook cell: the text of the code cells above it. */
  earlierCells?: string[];
}

export function activeTarget(): Target | undefined {
  const editor = vscode.window.activeTextEditor;
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  const cells = notebook?.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code) ?? [];
  // The focused cell's editor, or, with the notebook focused but no cell editor, its selected cell.
  const cellIndex = editor ? cells.findIndex((cell) => cell.document === editor.document)
    : cells.findIndex((cell) => cell.index === vscode.window.activeNotebookEditor?.selection.start);
  if (cellIndex >= 0) {
    const earlierCells = cells.slice(0, cellIndex).filter((cell) => cell.document.languageId === "python")
      .map((cell) => cell.document.getText());
    return { document: cells[cellIndex].document, selection: editor?.selection, earlierCells };
  }
  return editor && { document: editor.document, selection: editor.selection };
}

/** The Python a run of the target executes: for a notebook cell, the code cells above it first. */
export function runnableText(target: Target): string {
  const text = target.document.getText();
  return target.earlierCells ? cellRequest(target.earlierCells, text).text : text;
}
