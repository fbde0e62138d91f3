// End-to-end checks of the extension in real VS Code (code-server), driven
// through Chromium: node e2e.mjs PORT WORKSPACE ARTIFACTS
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';

const [port, workspace, artifacts] = process.argv.slice(2);
const require = createRequire(path.join(path.dirname(new URL(import.meta.url).pathname), '.cache', 'node_modules', 'x.js'));
const { chromium } = require('playwright-core');

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}${detail ? `: ${String(detail).slice(0, 400)}` : ''}`);
  }
}

async function until(fn, ms, every = 500) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) return undefined;
    await new Promise((r) => setTimeout(r, every));
  }
}

fs.mkdirSync(artifacts, { recursive: true });
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gloss-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] ?? (await context.newPage());
try {
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  const explorer = await until(() => page.locator('.explorer-folders-view .monaco-list-row').first().isVisible(), 90000);
  check('the explorer shows the seed workspace', explorer);

  const file = '01-russias-north-korean-connection.txt';
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first().click();
  await until(() => page.locator('.monaco-editor .view-lines').first().isVisible(), 30000);

  // Put the cursor on a phrase with the Find widget.
  async function cursorTo(phrase) {
    await page.locator('.monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+F');
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(phrase);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
  }

  // Hover (Ctrl+K Ctrl+I shows it at the cursor): the first hovers can come
  // before the server is up; retry.
  await cursorTo('Vladimir Putin]');
  await page.keyboard.press('ArrowLeft');
  const hover = await until(async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await page.waitForTimeout(1500);
    const text = await page.locator('.monaco-hover').first().innerText({ timeout: 1000 });
    return text.includes('Vladimir Putin') && text.includes('President of Russia') ? text : undefined;
  }, 120000, 1000);
  await page.screenshot({ path: path.join(artifacts, 'hover.png') });
  check('hovering Putin shows his card', hover);
  await page.keyboard.press('Escape');

  // Go to definition on the claim: its source, in registry.toml.
  await cursorTo('approximately 10,000 soldiers');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('F12');
  const landed = await until(async () => {
    const title = await page.locator('.tab.active').first().innerText({ timeout: 1000 });
    return title.includes('registry.toml') ? title : undefined;
  }, 20000);
  check('go to definition on a claim lands on its source in registry.toml', landed);

  // The Problems panel lists the conflict between 10,000 and 3,000 troops.
  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel');
  const conflict = await until(async () => {
    const text = await problems.innerText({ timeout: 1000 });
    return text.includes('conflicts with') && text.includes('3,000') && text.includes('10,000') ? text : undefined;
  }, 60000);
  await page.screenshot({ path: path.join(artifacts, 'problems.png') });
  check('the Problems panel lists the 10,000 / 3,000 conflict', conflict);

  // Removing the claim's source makes it unsourced.
  await page.locator('.tab', { hasText: file }).first().click();
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+H');
  await page.waitForTimeout(500);
  await page.keyboard.type('src=@ua-intel date=2024-10}');
  await page.keyboard.press('Tab');
  await page.keyboard.type('date=2024-10}');
  await page.keyboard.press('Control+Alt+Enter');
  await page.keyboard.press('Escape');
  const unsourced = await until(async () => {
    const text = await problems.innerText({ timeout: 1000 });
    return text.includes('approximately 10,000 soldiers` states a figure with no source') ? text : undefined;
  }, 60000);
  await page.screenshot({ path: path.join(artifacts, 'unsourced.png') });
  check('removing the source makes an unsourced-claim appear', unsourced);

  // The claim ledger of the subject under the cursor opens beside the text.
  await cursorTo('approximately 10,000 soldiers');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('F1');
  await page.waitForTimeout(500);
  await page.keyboard.type('Gloss: Show Claim Ledger');
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
  const ledger = await until(async () => {
    const titles = await page.locator('.tab').allInnerTexts();
    return titles.some((t) => t.includes('Gloss: nk-troops-in-russia'));
  }, 30000);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(artifacts, 'ledger.png') });
  check('the claim ledger opens for the subject under the cursor', ledger);
} catch (e) {
  check('the session ran to the end', false, e.stack);
} finally {
  await page.screenshot({ path: path.join(artifacts, 'last.png') }).catch(() => {});
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
