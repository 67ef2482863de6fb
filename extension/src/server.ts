// One language server process (`python -m twingrad.lsp`) for the whole window, started on first use and
// restarted (with a notice) when it crashes. Requests go through `request()`; nothing else spawns Python
// except compare, which runs the user's code on purpose.
import { execFile } from "node:child_process";
import * as os from "node:os";
import * as vscode from "vscode";
import { CloseAction, ErrorAction, LanguageClient, State } from "vscode-languageclient/node";
import { CrashBudget } from "./core/crashes";
import { describeProbeFailure, INSTALL_SPEC, Interpreter, pickInterpreter } from "./core/interpreter";

const PYTHON_EXTENSION = "ms-python.python";

export class ServerUnavailable extends Error {}

export class Server implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly crashes = new CrashBudget();
  interpreter: Interpreter | undefined;

  constructor(private readonly output: vscode.LogOutputChannel) {}

  async request<R>(method: string, params: object): Promise<R> {
    const client = await this.ready();
    return client.sendRequest<R>(method, params);
  }

  /** The running client, starting it if needed; ServerUnavailable (already explained to the user) otherwise. */
  ready(): Promise<LanguageClient> {
    if (this.client?.state === State.Running) {
      return Promise.resolve(this.client);
    }
    this.starting ??= this.start().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.crashes.reset();
    await this.ready();
    vscode.window.setStatusBarMessage(`Twingrad: language server restarted (${this.interpreter?.command})`, 5000);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client && client.state !== State.Stopped) {
      await client.stop(2000).catch((e: unknown) => this.output.appendLine(`stopping the server: ${e}`));
    }
  }

  dispose(): void {
    void this.stop();
  }

  private async start(): Promise<LanguageClient> {
    await this.stop();
    const interpreter = await resolveInterpreter();
    this.interpreter = interpreter;
    // The folder the server runs in is on its sys.path (`-m`): the probe must import from the same place.
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.tmpdir();
    await this.probe(interpreter, cwd);
    const client = new LanguageClient("twingrad", "Twingrad", {
      command: interpreter.command, args: ["-m", "twingrad.lsp"], options: { cwd },
    }, {
      documentSelector: ["file", "untitled", "vscode-notebook-cell"].map((scheme) => ({ language: "python", scheme })),
      outputChannel: this.output,
      // For what the server translates on its own (code actions, hints); commands send their style.
      initializationOptions: { style: vscode.workspace.getConfiguration("twingrad").get("style") },
      errorHandler: {
        // Writing to a server that just died fails too; closed() is the one place that tells the user.
        error: (error) => {
          this.output.warn(`connection to the language server: ${error.message}`);
          return { action: ErrorAction.Continue, handled: true };
        },
        closed: () => this.onCrash(),
      },
    });
    this.client = client;
    this.output.appendLine(`starting ${interpreter.command} -m twingrad.lsp (interpreter from: ${interpreter.source})`);
    await client.start();
    return client;
  }

  private onCrash() {
    if (this.crashes.allowRestart(Date.now())) {
      void vscode.window.showWarningMessage("Twingrad: the language server stopped unexpectedly and was restarted.");
      return { action: CloseAction.Restart, handled: true };
    }
    void vscode.window.showErrorMessage(
      "Twingrad: the language server keeps crashing, so it was not restarted (see the Twingrad output). " +
      "Run \"Twingrad: Restart Language Server\" to try again.");
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  /** Check the interpreter can import the server before starting it, to explain a failure in one notification. */
  private async probe(interpreter: Interpreter, cwd: string): Promise<void> {
    const failure = await new Promise<{ error: { code?: string | number | null }; stderr: string } | undefined>((resolve) => {
      execFile(interpreter.command, ["-c", "import twingrad.lsp"], { cwd, timeout: 30_000 },
        (error, _stdout, stderr) => resolve(error ? { error, stderr } : undefined));
    });
    if (!failure) {
      return;
    }
    const problem = describeProbeFailure(interpreter, failure.error, failure.stderr);
    this.output.appendLine(`${problem.message}\n${failure.stderr}`);
    const install = `Install ${INSTALL_SPEC}`;
    const settings = "Choose Interpreter";
    const actions = problem.kind === "no-twingrad" ? [install, settings] : [settings];
    void vscode.window.showErrorMessage(problem.message, ...actions).then((choice) => {
      if (choice === install) {
        installTwingrad(interpreter);
      } else if (choice === settings) {
        void vscode.commands.executeCommand("workbench.action.openSettings", "twingrad.interpreter");
      }
    });
    throw new ServerUnavailable(problem.message);
  }
}

function installTwingrad(interpreter: Interpreter): void {
  const terminal = vscode.window.createTerminal("Twingrad: install");
  terminal.show();
  terminal.sendText(`"${interpreter.command}" -m pip install "${INSTALL_SPEC}"`);
  void vscode.window.showInformationMessage(
    "Twingrad: when the install in the terminal has finished, restart the language server.", "Restart Server",
  ).then((choice) => choice && vscode.commands.executeCommand("twingrad.restartServer"));
}

async function resolveInterpreter(): Promise<Interpreter> {
  const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const setting = vscode.workspace.getConfiguration("twingrad", resource).get<string>("interpreter");
  const folder = (resource && vscode.workspace.getWorkspaceFolder(resource)) ?? vscode.workspace.workspaceFolders?.[0];
  return pickInterpreter(setting, setting?.trim() ? undefined : await pythonExtensionInterpreter(resource),
                         folder?.uri.fsPath);
}

/** The Python extension's selected interpreter, when that extension is installed (it is never required). */
async function pythonExtensionInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension(PYTHON_EXTENSION);
  if (!extension) {
    return undefined;
  }
  try {
    const api = await extension.activate();
    const environments = api?.environments;
    if (environments) {
      const active = environments.getActiveEnvironmentPath(resource);
      const resolved = await environments.resolveEnvironment(active);
      return resolved?.executable?.uri?.fsPath ?? active?.path;
    }
    return api?.settings?.getExecutionDetails?.(resource)?.execCommand?.[0];
  } catch {
    return undefined; // an older or broken Python extension: fall back like it was not there
  }
}
