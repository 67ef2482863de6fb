// Opens the twin demo notebook in JupyterLab (headless Chromium, playwright-core), runs all cells on the
// twingrad kernel and prints what the rendered comparison tables say, as JSON on stdout.
// Usage: node jupyterlab_demo.mjs PLAYWRIGHT_CORE_DIR URL EXPECTED_OUTPUTS SCREENSHOT
import { createRequire } from 'node:module';

const [playwrightDir, url, expected, screenshot] = process.argv.slice(2);
const { chromium } = createRequire(import.meta.url)(playwrightDir);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 2000 } });
  await page.goto(url);
  await page.waitForFunction(() => window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell'),
                             null, { timeout: 120000 });
  // "Run all" before the kernel is connected runs nothing: wait for the twingrad kernel to be idle.
  await page.waitForFunction(() => {
    const kernel = window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel;
    return kernel && kernel.name === 'twingrad' && kernel.status === 'idle';
  }, null, { timeout: 120000 });
  await page.evaluate(() => window.jupyterapp.commands.execute('notebook:run-all-cells'));
  try {
    await page.waitForFunction((n) => document.querySelectorAll('.jp-OutputArea .twingrad-twin').length >= n,
                               Number(expected), { timeout: Number(process.env.TWINGRAD_E2E_TIMEOUT_MS || 240000) });
  } finally {
    await page.screenshot({ path: screenshot, fullPage: true });  // also when it failed: the artifact shows why
  }
  const report = await page.evaluate(() => ({
    outputs: document.querySelectorAll('.jp-OutputArea .twingrad-twin').length,
    rows: [...document.querySelectorAll('.jp-OutputArea .twingrad-comparison tr')]
      .filter((tr) => tr.className.startsWith('twingrad-'))
      .map((tr) => ({ status: tr.className, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent) })),
    translations: document.querySelectorAll('.jp-OutputArea details.twingrad-translation').length,
    errors: document.querySelectorAll('.jp-OutputArea [data-mime-type="application/vnd.jupyter.stderr"]').length,
  }));
  console.log(JSON.stringify(report));
} finally {
  await browser.close();
}
