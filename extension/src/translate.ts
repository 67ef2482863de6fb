// Translate commands: replace in place (one undoable edit) or preview as a diff against a read-only
// virtual document, with an action to apply it. A failed request or a document changed meanwhile edits nothing.
import * as path from "node:path";
import * as vscode from "vscode";
import { Framework, FRAMEWORK_NAMES, resolveDirection, selectedLines } from "./core/direction";
import { cellEdits, cellRequest } from "./core/notebook";
import { Server, ServerUnavailable } from "./server";
import { activeTarget, Target } from "./target";

export const PREVIEW_SCHEME = "twingrad-preview";

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

interface Reply {
  /** Non-overlapping: the lines that change, or the selected lines plus any imports they now need. */
  edits: { range: LspRange; newText: string }[];
  diagnostics: { line: number; code: string; message: string; level: string }[];
  sourceFramework: Framework | null;
  flagged: boolean;
}

interface Translated {
  target: Target;
  version: number;
  edits: vscode.TextEdit[];
  to: Framework;
  reply: Reply;
}

interface Preview extends Translated {
  uri: vscode.Uri;
  text: string;
}

export class Translator implements vscode.TextDocumentContentProvider {
  private readonly previews = new Map<string, Preview>();
  private counter = 0;

  constructor(private readonly server: Server) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.previews.get(uri.toString())?.text ?? "";
  }

  /** `to` undefined: the `twingrad.defaultDirection` setting; `mode` undefined: `twingrad.translateMode`. */
  async run(to: Framework | undefined, mode: "replace" | "preview" | undefined): Promise<void> {
    const target = activeTarget();
    if (target?.document.languageId !== "python") {
      void vscode.window.showErrorMessage("Twingrad: open a Python file or a notebook cell to translate.");
      return;
    }
    const config = vscode.workspace.getConfiguration("twingrad", target.document.uri);
    const translated = await this.translate(target, to, config);
    if (!translated) {
      return;
    }
    if ((mode ?? config.get("translateMode")) === "preview") {
      await this.preview(translated);
    } else {
      await apply(translated);
    }
  }

  private async translate(target: Target, to: Framework | undefined,
                          config: vscode.WorkspaceConfiguration): Promise<Translated | undefined> {
    const { document, selection } = target;
    const version = document.version;
    const lines = selection && selectedLines({
      startLine: selection.start.line, startCharacter: selection.start.character,
      endLine: selection.end.line, endCharacter: selection.end.character,
    });
    const cell = target.earlierCells && cellRequest(target.earlierCells, document.getText(), lines);
    const first = cell?.first ?? lines?.first;
    const last = cell?.last ?? lines?.last;
    const params = {
      text: cell?.text ?? document.getText(), style: config.get("style", "backward"),
      path: document.uri.scheme === "file" ? document.uri.fsPath : document.uri.path,
      range: first === undefined ? undefined : { start: { line: first, character: 0 }, end: { line: last, character: 0 } },
    };
    const setting = config.get<string>("defaultDirection");
    let direction = to ?? resolveDirection(setting, undefined);
    let reply: Reply;
    try {
      reply = await this.server.request<Reply>("twingrad/translate", { ...params, to: direction });
      // "auto" guessed PyTorch before knowing the file's framework: a PyTorch file goes the other way.
      if (!to && setting === "auto" && reply.sourceFramework === direction) {
        direction = resolveDirection(setting, reply.sourceFramework);
        reply = await this.server.request<Reply>("twingrad/translate", { ...params, to: direction });
      }
    } catch (error) {
      reportFailure(error, document);
      return undefined;
    }
    const edits = cellEdits(reply.edits, cell?.offset ?? 0).map(({ range: { start, end }, newText }) => new vscode.TextEdit(
      document.validateRange(new vscode.Range(start.line, start.character, end.line, end.character)), newText));
    if (edits.every((edit) => document.getText(edit.range) === edit.newText)) {
      const what = reply.sourceFramework ? `it already is ${FRAMEWORK_NAMES[reply.sourceFramework]}`
        : "it uses neither TensorFlow nor PyTorch";
      void vscode.window.showInformationMessage(`Twingrad: nothing to translate to ${FRAMEWORK_NAMES[direction]} (${what}).`);
      return undefined;
    }
    return { target, version, edits, to: direction, reply };
  }

  private async preview(translated: Translated): Promise<void> {
    const { document } = translated.target;
    const name = path.posix.basename(document.uri.path);
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: document.uri.path, query: `${++this.counter}` });
    let text = document.getText();
    for (const edit of [...translated.edits].sort((a, b) => b.range.start.compareTo(a.range.start))) {
      text = text.slice(0, document.offsetAt(edit.range.start)) + edit.newText + text.slice(document.offsetAt(edit.range.end));
    }
    this.previews.set(uri.toString(), { ...translated, uri, text });
    await vscode.commands.executeCommand("setContext", "twingrad.previewOpen", true);
    const title = `${name} ↔ ${FRAMEWORK_NAMES[translated.to]} (Twingrad preview)`;
    await vscode.commands.executeCommand("vscode.diff", document.uri, uri, title, { preview: false });
    const choice = await vscode.window.showInformationMessage(
      `Twingrad: previewing ${name} in ${FRAMEWORK_NAMES[translated.to]}.${flaggedNote(translated.reply)}`, "Apply", "Discard");
    if (choice === "Apply") {
      await this.applyPreview(uri);
    } else if (choice === "Discard") {
      await this.discard(uri);
    }
  }

  /** From the diff editor's title button (with its URI), the palette or the notification. */
  async applyPreview(uri?: vscode.Uri): Promise<void> {
    const preview = this.previews.get((uri ?? activePreviewUri())?.toString() ?? "") ??
      (uri ? undefined : [...this.previews.values()].pop());
    if (!preview) {
      void vscode.window.showErrorMessage("Twingrad: there is no translation preview to apply.");
      return;
    }
    if (await apply(preview)) {
      await this.discard(preview.uri);
      await vscode.window.showTextDocument(preview.target.document);
    }
  }

  private async discard(uri: vscode.Uri): Promise<void> {
    this.previews.delete(uri.toString());
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) =>
      tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === uri.toString());
    await vscode.window.tabGroups.close(tabs);
    await vscode.commands.executeCommand("setContext", "twingrad.previewOpen", this.previews.size > 0);
  }
}

/** Apply the translation as one undoable edit, unless the document changed since it was translated. */
async function apply(translated: Translated): Promise<boolean> {
  const { document } = translated.target;
  if (document.isClosed || document.version !== translated.version) {
    void vscode.window.showErrorMessage(
      `Twingrad: ${path.posix.basename(document.uri.path)} changed after it was translated; nothing was applied. Translate it again.`);
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.set(document.uri, translated.edits);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage("Twingrad: the editor refused the edit; nothing was changed.");
    return false;
  }
  const note = flaggedNote(translated.reply);
  if (note) {
    void vscode.window.showWarningMessage(`Twingrad: translated to ${FRAMEWORK_NAMES[translated.to]}.${note}`);
  }
  return true;
}

function flaggedNote(reply: Reply): string {
  const flagged = reply.diagnostics.filter((d) => d.level === "error");
  return flagged.length === 0 ? "" : ` ${flagged.length} place(s) left untranslated, marked "# twingrad:" ` +
    `(${[...new Set(flagged.map((d) => d.code))].join(", ")}).`;
}

function reportFailure(error: unknown, document: vscode.TextDocument): void {
  if (error instanceof ServerUnavailable) {
    return; // already explained in its own notification
  }
  // The server's error data says where the input went wrong; the message alone leads with a long path.
  const where = (error as { data?: { line?: number; col?: number; reason?: string } })?.data;
  const name = path.posix.basename(document.uri.path);
  const message = where?.reason ? `${name}:${where.line}:${where.col}: ${where.reason}`
    : error instanceof Error ? error.message : String(error);
  void vscode.window.showErrorMessage(`Twingrad: could not translate ${message}. Nothing was changed.`);
}

function activePreviewUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputTextDiff && input.modified.scheme === PREVIEW_SCHEME ? input.modified : undefined;
}
