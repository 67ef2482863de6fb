// "Compare gradients": runs the current file in a TensorFlow world and a PyTorch world through
// `python -m twingrad compare` and shows the side-by-side table. It runs the user's code, so it needs trust.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { compareArgs, compareHtml, compareOutcome, CompareOutcome } from "./core/compare";
import { Server } from "./server";
import { activeTarget, runnableText, Target } from "./target";

export class Comparer implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly server: Server, private readonly output: vscode.LogOutputChannel) {}

  dispose(): void {
    this.panel?.dispose();
  }

  async run(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      const manage = "Manage Workspace Trust";
      const choice = await vscode.window.showWarningMessage(
        "Twingrad: comparing gradients runs this file's code, so it needs a trusted workspace. " +
        "Translation works in Restricted Mode.", manage);
      if (choice === manage) {
        await vscode.commands.executeCommand("workbench.trust.manage");
      }
      return;
    }
    const target = activeTarget();
    if (target?.document.languageId !== "python") {
      void vscode.window.showErrorMessage("Twingrad: open a Python file or a notebook cell to compare its gradients.");
      return;
    }
    await this.server.ready(); // resolves and checks the interpreter, explaining any problem itself
    const { document } = target;
    const name = path.posix.basename(document.uri.path).replace(/\.ipynb$/, ".py");
    const outcome = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, cancellable: true,
      title: `Twingrad: comparing gradients of ${name} (running it with TensorFlow and with PyTorch)…`,
    }, (_progress, token) => this.compare(this.server.interpreter!.command, target, name, token));
    this.output.info([outcome.headline, ...outcome.notes].join("\n"));
    this.show(outcome, name);
  }

  /** The editor's text (saved or not) goes through a temporary copy; it runs in the file's own folder. */
  private async compare(python: string, target: Target, name: string,
                        token: vscode.CancellationToken): Promise<CompareOutcome> {
    const { document } = target;
    const dir = await mkdtemp(path.join(os.tmpdir(), "twingrad-compare-"));
    try {
      const file = path.join(dir, name);
      await writeFile(file, runnableText(target));
      const cwd = document.uri.scheme === "file" ? path.dirname(document.uri.fsPath)
        : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? dir;
      return await new Promise<CompareOutcome>((resolve) => {
        const child = execFile(python, compareArgs(file), { cwd, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
            resolve(compareOutcome(name, code, stdout.split(file).join(name), stderr.split(file).join(name)));
          });
        token.onCancellationRequested(() => child.kill());
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private show(outcome: CompareOutcome, name: string): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel("twingrad.compare", "Twingrad: gradients",
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: false });
      this.panel.onDidDispose(() => { this.panel = undefined; });
    }
    this.panel.title = `Gradients: ${name}`;
    this.panel.webview.html = compareHtml(outcome);
    this.panel.reveal(vscode.ViewColumn.Beside, true);
    const say = { match: vscode.window.showInformationMessage, mismatch: vscode.window.showWarningMessage,
                  failed: vscode.window.showErrorMessage }[outcome.status];
    void say(`Twingrad: ${outcome.headline}`);
  }
}
