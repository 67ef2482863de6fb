// Drives code-server in headless Chromium through one scenario, the way a user would: command palette,
// editor, notifications, diff view, refactor menu. Asserts as it goes (exit 1 with what it saw); the last
// stdout line is a JSON summary. Usage: node driver.mjs '{"url", "folder", "artifacts", "scenario", ...}'
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { chromium } from "../../.tools/node_modules/playwright-core/index.mjs";

const config = JSON.parse(process.argv[2]);
const seen = { scenario: config.scenario, screenshots: [] };
let page;

/** Poll `get()` until `test` accepts its value; returns the value (the last one is reported on timeout). */
async function until(what, get, test, timeout = 45_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await get();
      if (test(last)) {
        return last;
      }
    } catch (error) {
      last = `(${error.message})`;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    }
    await page.waitForTimeout(250);
  }
}

async function shot(name) {
  await page.waitForTimeout(600); // let notifications and menus finish sliding in
  const file = `${config.artifacts}/${config.scenario}-${name}.png`;
  await page.screenshot({ path: file });
  seen.screenshots.push(file);
}

/** The lines Monaco renders for `editor` (a locator), in screen order, with plain spaces. */
async function lines(editor) {
  return editor.locator(".view-lines .view-line").evaluateAll((nodes) => nodes
    .map((n) => [parseFloat(n.style.top) || 0, n.textContent.replace(/\u00a0/g, " ")])
    .sort((a, b) => a[0] - b[0]).map(([, text]) => text).join("\n"));
}

const activeEditor = () => page.locator(".editor-group-container.active .editor-instance .monaco-editor").first();

async function editorText() {
  return lines(activeEditor());
}

async function quickInput(key) {
  await page.keyboard.press(key);
  const box = page.locator(".quick-input-widget .quick-input-box input");
  await box.waitFor({ state: "visible" });
  return box;
}

/** Run a command from the palette by its full title, e.g. "Twingrad: Preview Translation to PyTorch". */
async function runCommand(title) {
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await until(`"${title}" in the command palette`, async () => {
    const box = await quickInput("F1");
    await box.fill(`>${title}`);
    return row.waitFor({ state: "visible", timeout: 5000 }).then(() => true, async () => {
      await page.keyboard.press("Escape"); // its extension's commands are not loaded yet: ask again
      return false;
    });
  }, Boolean, 90_000);
  await row.click();
}

/** Open a file of the workspace from the Explorer (a double click keeps its tab). */
async function openFile(name, { text = true } = {}) {
  const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).first();
  await row.waitFor({ state: "visible", timeout: 30_000 });
  await row.dblclick();
  await page.locator(".tab.active", { hasText: name }).waitFor({ timeout: 15_000 });
  if (text) {
    await until(`${name} in the editor`, editorText, (shown) => shown.trim().length > 0);
  }
}

/** Open a notebook in the notebook editor: opened before the built-in ipynb support has loaded, it shows as JSON. */
async function openNotebook(name) {
  await until("the notebook editor", async () => {
    await openFile(name, { text: false });
    return page.locator(".notebook-editor").first().waitFor({ timeout: 5000 }).then(() => true, async () => {
      await runCommand("View: Close Editor");
      return false;
    });
  }, Boolean, 60_000);
}

async function goToLine(line) {
  const box = await quickInput("F1");
  await box.fill(`:${line}`);
  await page.keyboard.press("Enter");
}

function notification(text) {
  return page.locator(".notifications-toasts .notification-toast", { hasText: text }).first();
}

async function waitForNotification(text, timeout = 30_000) {
  const toast = notification(text);
  await toast.waitFor({ state: "visible", timeout });
  return (await toast.locator(".notification-list-item-message").textContent()).trim();
}

/** Process ids of `python -m twingrad.lsp` started (via its extension host) by this code-server for `folder`. */
function languageServers() {
  const ours = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv.includes("twingrad.lsp") && readlinkSync(`/proc/${pid}/cwd`) === config.folder &&
          descendsFrom(Number(pid), config.serverPid)) {
        ours.push(Number(pid));
      }
    } catch {
      // the process ended while we looked
    }
  }
  return ours;
}

function descendsFrom(pid, ancestor) {
  while (pid > 1) {
    if (pid === ancestor) {
      return true;
    }
    pid = Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1]);
  }
  return false;
}

/** Open the Refactor menu at `line` until it offers `title` (the server may still be starting); returns the item. */
async function refactoring(line, title) {
  await until("the language server process", languageServers, (pids) => pids.length === 1);
  await goToLine(line);
  const item = page.locator(".action-widget .monaco-list-row", { hasText: title }).first();
  await until(`"${title}" in the Refactor menu`, async () => {
    await runCommand("Refactor...");
    return item.waitFor({ state: "visible", timeout: 3000 }).then(() => true, async () => {
      await page.keyboard.press("Escape");
      return false;
    });
  }, Boolean);
  return item;
}

/** Wait until the text `get` returns is PyTorch (has a backward call); returns it. */
function pytorchIn(what, get = editorText) {
  return until(what, get, (text) => text.includes(".backward("));
}

const TO_TORCH = "Twingrad: Translate Selection or File to PyTorch";
const PREVIEW_TORCH = "Twingrad: Preview Translation to PyTorch";
const COMPARE = "Twingrad: Compare Gradients of Current File";

const scenarios = {
  async translate() {
    await openFile(config.file);
    seen.before = await editorText();
    await runCommand(TO_TORCH);
    seen.after = await pytorchIn("the PyTorch translation in the editor");
    await shot("translated");
    await activeEditor().click();
    await page.keyboard.press("Control+Z");
    seen.undone = await until("one undo to bring the TensorFlow back", editorText, (text) => text === seen.before);
  },

  async preview() {
    await openFile(config.file);
    seen.before = await editorText();
    await runCommand(PREVIEW_TORCH);
    const diff = page.locator(".editor-group-container.active .monaco-diff-editor").first();
    await diff.waitFor({ timeout: 30_000 });
    seen.modified = await pytorchIn("PyTorch on the right of the diff", () => lines(diff.locator(".editor.modified")));
    seen.original = await lines(diff.locator(".editor.original"));
    seen.tabTitle = (await page.locator(".tab.active").first().textContent()).trim();
    seen.message = await waitForNotification("previewing");
    await shot("diff");
    seen.buttons = await notification("previewing").locator(".monaco-button").allTextContents();
    // Apply from the diff editor's title bar (the notification's Apply button runs the same command).
    await page.locator('.editor-group-container.active .editor-actions .action-label[aria-label^="Apply Previewed Translation"]').click();
    await diff.waitFor({ state: "detached", timeout: 15_000 });
    seen.after = await pytorchIn("the applied translation in the editor");
    await shot("applied");
  },

  async selection() {
    await openFile(config.file);
    // The extension is active (its menus are in) once it has started its server.
    await until("the language server process", languageServers, (pids) => pids.length === 1);
    await goToLine(config.first);
    for (let i = config.first; i <= config.last; i++) {
      await page.keyboard.press("Shift+ArrowDown"); // ends at the start of the line after `last`
    }
    // Right-click inside the selection (elsewhere would move the cursor and drop it).
    await activeEditor().locator(".view-line", { hasText: config.inside }).first().click({ button: "right" });
    // A submenu lives inside its parent's item, so match labels exactly, not by contained text.
    const menuItem = (label) => page.locator(`.monaco-menu .action-label[aria-label="${label}"]`);
    await menuItem("Twingrad").hover();
    const item = menuItem("Translate Selection or File to PyTorch");
    await item.waitFor({ state: "visible", timeout: 10_000 });
    seen.menu = await page.locator(".monaco-menu .action-label").allTextContents();
    await shot("context-menu");
    await item.click();
    seen.after = await pytorchIn("the translated selection in the editor");
    await shot("translated");
  },

  async codeAction() {
    await openFile(config.file);
    const item = await refactoring(config.line, "Convert to PyTorch backward()");
    seen.actions = await page.locator(".action-widget .monaco-list-row").allTextContents();
    await shot("refactor-menu");
    await item.click();
    seen.after = await pytorchIn("the code action's edit in the editor");
    await shot("converted");
  },

  async restricted() {
    await openFile(config.file);
    // The status bar fills in after the editor opens: wait for the indicator rather than count it at once.
    const indicator = page.locator(".statusbar-item", { hasText: "Restricted Mode" });
    await indicator.first().waitFor({ timeout: 20000 }).catch(() => {});
    seen.restrictedIndicator = await indicator.count();
    await runCommand(TO_TORCH);
    seen.after = await pytorchIn("the PyTorch translation in Restricted Mode");
    await runCommand(COMPARE);
    seen.compareMessage = await waitForNotification("needs a trusted workspace");
    await shot("compare-refused");
  },

  async brokenFile() {
    await openFile(config.file);
    seen.before = await editorText();
    await runCommand(TO_TORCH);
    seen.message = await waitForNotification("could not translate");
    await shot("error");
    seen.after = await editorText();
  },

  async missingTwingrad() {
    await openFile(config.file);
    seen.before = await editorText();
    seen.message = await waitForNotification("does not have twingrad");
    seen.buttons = await notification("does not have twingrad").locator(".monaco-button").allTextContents();
    await shot("notification");
    await runCommand(TO_TORCH);
    await page.waitForTimeout(3000); // a translation would have landed by now
    seen.after = await editorText();
    seen.count = await page.locator(".notifications-toasts .notification-toast", { hasText: "does not have twingrad" }).count();
  },

  async crash() {
    await openFile(config.file);
    await refactoring(config.line, "Convert to PyTorch backward()"); // the server is up and answering
    await page.keyboard.press("Escape");
    const [first] = languageServers();
    process.kill(first, "SIGKILL");
    seen.message = await waitForNotification("stopped unexpectedly");
    const [second] = await until("a new language server process", languageServers,
                                 (pids) => pids.length === 1 && pids[0] !== first);
    seen.restarted = second !== first;
    await runCommand(TO_TORCH);
    seen.after = await pytorchIn("a translation from the restarted server");
    await shot("after-restart");
  },

  async notebookCell() {
    await openNotebook(config.file);
    const cells = page.locator(".notebook-editor .code-cell-row .monaco-editor");
    await until("the notebook's code cells", () => cells.count(), (n) => n === config.cells);
    seen.before = await Promise.all([...Array(config.cells).keys()].map((i) => lines(cells.nth(i))));
    await cells.nth(config.cell).locator(".view-lines").click();
    await runCommand(TO_TORCH);
    await pytorchIn("the cell's PyTorch translation", () => lines(cells.nth(config.cell)));
    seen.after = await Promise.all([...Array(config.cells).keys()].map((i) => lines(cells.nth(i))));
    await shot("cell-translated");
  },

  async compare() {
    await openFile(config.file);
    await runCommand(COMPARE);
    const frame = page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
    const heading = frame.locator("h2");
    await heading.waitFor({ timeout: 180_000 });
    seen.heading = (await heading.textContent()).trim();
    seen.rows = await frame.locator("tbody tr").evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent)));
    await shot("table");
  },
};

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"],
});
try {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${config.url}/?folder=${encodeURIComponent(config.folder)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  await scenarios[config.scenario]();
} catch (error) {
  seen.error = String(error?.stack ?? error);
  seen.notifications = await page?.locator(".notifications-toasts .notification-list-item-message")
    .allTextContents().catch(() => []);
  await shot("failure").catch(() => {});
  console.log(JSON.stringify(seen, null, 1));
  process.exitCode = 1;
} finally {
  await browser.close();
}
if (!process.exitCode) {
  console.log(JSON.stringify(seen));
}
