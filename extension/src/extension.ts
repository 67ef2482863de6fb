import * as vscode from "vscode";
import { Comparer } from "./compare";
import { Server, ServerUnavailable } from "./server";
import { PREVIEW_SCHEME, Translator } from "./translate";

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("Twingrad", { log: true });
  const server = new Server(output);
  const translator = new Translator(server);
  const comparer = new Comparer(server, output);

  const register = (id: string, run: (...args: any[]) => Promise<void>) =>
    vscode.commands.registerCommand(id, (...args) => run(...args).catch((error) => {
      if (!(error instanceof ServerUnavailable)) { // that one was explained in its own notification
        output.appendLine(`${id}: ${error?.stack ?? error}`);
        void vscode.window.showErrorMessage(`Twingrad: ${error?.message ?? error}`);
      }
    }));

  context.subscriptions.push(
    output, server, comparer,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, translator),
    register("twingrad.translateToTorch", () => translator.run("torch", "replace")),
    register("twingrad.translateToTf", () => translator.run("tf", "replace")),
    register("twingrad.previewToTorch", () => translator.run("torch", "preview")),
    register("twingrad.previewToTf", () => translator.run("tf", "preview")),
    register("twingrad.translate", () => translator.run(undefined, undefined)),
    register("twingrad.applyPreview", (uri?: vscode.Uri) => translator.applyPreview(uri)),
    register("twingrad.compare", () => comparer.run()),
    register("twingrad.restartServer", () => server.restart()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("twingrad.interpreter") || event.affectsConfiguration("twingrad.style")) {
        void server.restart().catch(() => undefined);
      }
    }),
    // A trusted workspace's own `twingrad.interpreter` now applies.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void server.restart().catch(() => undefined)),
  );
  // Started now rather than on the first command: diagnostics and code actions need it too.
  void server.ready().catch(() => undefined);
}

export function deactivate(): void {}
