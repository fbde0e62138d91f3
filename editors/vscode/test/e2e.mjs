// End-to-end checks of the extension in real VS Code (code-server), driven
// through Chromium as a person would use it:
//   node e2e.mjs PORT WORKSPACE ARTIFACTS [PIDFILE]
// PIDFILE receives Chromium's process id, so the caller can end it whatever
// happens to this script. Environment: GLOSS_E2E_BIN, the `gloss` the
// session runs (for the numbers the status bar should show);
// GLOSS_E2E_SETTINGS, VS Code's user settings.json (edited to change a
// setting as a person would).
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';

const [port, workspace, artifacts, pidFile] = process.argv.slice(2);
const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(path.join(here, '.cache', 'node_modules', 'x.js'));
const { chromium } = require('playwright-core');

const glossBin = process.env.GLOSS_E2E_BIN ?? 'gloss';
const settingsFile = process.env.GLOSS_E2E_SETTINGS;
const LIMIT_MS = Number(process.env.GLOSS_E2E_TIMEOUT_MS ?? 300000);
const began = Date.now();
const seconds = () => ((Date.now() - began) / 1000).toFixed(1);

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok - ${name} (${seconds()} s)`);
  } else {
    failed++;
    console.log(`not ok - ${name} (${seconds()} s)${detail ? `: ${String(detail).slice(0, 600)}` : ''}`);
  }
}

/** Polls `fn` until it returns something truthy or `ms` pass. */
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
if (pidFile) {
  // Chromium is a child of this process.
  const children = fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid && stat.includes('(chrom');
      } catch {
        return false;
      }
    });
  fs.writeFileSync(pidFile, children.join('\n') + '\n');
}

const page = context.pages()[0] ?? (await context.newPage());
const shot = (name) => page.screenshot({ path: path.join(artifacts, name) }).catch(() => {});

async function finish() {
  await shot('last.png');
  await context.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
setTimeout(() => {
  check(`the session finished within ${LIMIT_MS / 1000} s`, false);
  void finish();
}, LIMIT_MS).unref();

/** Puts the cursor on a phrase of the active editor with the Find widget. */
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

/** The middle of `word` where it first follows `before` in the visible text. */
async function wordCentre(before, word) {
  return page.evaluate(
    ([before, word]) => {
      for (const line of document.querySelectorAll('.monaco-editor .view-lines .view-line')) {
        const text = line.textContent.replace(/\u00a0/g, ' ');
        const at = text.indexOf(before + word);
        if (at < 0) continue;
        // Walk the line's text nodes to the word's first and last character.
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        let offset = 0;
        const start = at + before.length;
        const end = start + word.length;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const len = node.textContent.length;
          if (start >= offset && start < offset + len) range.setStart(node, start - offset);
          if (end > offset && end <= offset + len) {
            range.setEnd(node, end - offset);
            const r = range.getBoundingClientRect();
            return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
          }
          offset += len;
        }
      }
      return null;
    },
    [before, word],
  );
}

async function hoverText() {
  const texts = await page.locator('.monaco-hover').allInnerTexts();
  return texts.join('\n');
}

/** The text of the Problems panel. */
const problems = () => page.locator('.markers-panel').innerText({ timeout: 1000 });

/** The Gloss item of the status bar, e.g. "Gloss: 12 claims · 1 conflict". */
async function glossStatus() {
  const text = await page.locator('.statusbar').innerText({ timeout: 1000 });
  return text.match(/Gloss: [^\n]*/)?.[0]?.trim() ?? '';
}

const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** What the status bar should say of the seeds, counted by `gloss export
 * --format jsonl` from the files on disk: a line per claim, a line per
 * conflicting pair (as the server counts them for gloss/status). */
function seedNumbers() {
  const out = execFileSync(glossBin, ['export', workspace, '--format', 'jsonl'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  let claims = 0;
  let conflicts = 0;
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const type = JSON.parse(line).type;
    if (type === 'claim') claims++;
    if (type === 'conflict') conflicts++;
  }
  return { claims, conflicts };
}
let seeds = { claims: 0, conflicts: 0 };
const expectedStatus = (conflicts) => `Gloss: ${plural(seeds.claims, 'claim')} · ${plural(conflicts, 'conflict')}`;

/** Runs a command from the palette (F1) by its title. */
async function command(title) {
  await page.keyboard.press('F1');
  await page.waitForTimeout(500);
  await page.keyboard.type(title);
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
}

/** Changes user settings as a person would: Preferences: Open User Settings
 * (JSON), the new text, save, close. `changes` apply to what the file holds
 * (undefined removes a key). Whether the file then holds them. */
let userSettings;
async function setSettings(changes) {
  userSettings ??= JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
  const wanted = userSettings;
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete wanted[k];
    else wanted[k] = v;
  }
  await command('Preferences: Open User Settings (JSON)');
  const opened = await until(async () => (await page.locator('.tab.active').first().innerText({ timeout: 1000 })).includes('settings.json'), 15000);
  if (!opened) return false;
  await page.waitForTimeout(500);
  await page.keyboard.press('Control+A');
  // insertText: no auto-closing of brackets and quotes, as a paste.
  await page.keyboard.insertText(JSON.stringify(wanted, null, 2) + '\n');
  // Whatever the editor closed by itself after the text goes.
  await page.keyboard.press('Control+Shift+End');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+S');
  const saved = await until(() => {
    const now = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
    return JSON.stringify(now) === JSON.stringify(wanted);
  }, 10000);
  if (!saved) console.log(`# settings.json holds: ${fs.readFileSync(settingsFile, 'utf8')}`);
  // Close its tab (the tab's own close button: the other editors stay).
  await page.locator('.tab.active', { hasText: 'settings.json' }).locator('.tab-actions .action-label').first().click({ timeout: 5000 });
  return Boolean(saved);
}

try {
  seeds = seedNumbers();
  console.log(`# gloss export counts ${seeds.claims} claims and ${seeds.conflicts} conflicting pairs in the seeds`);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  const explorer = await until(async () => {
    const rows = await page.locator('.explorer-folders-view .monaco-list-row').allInnerTexts();
    return rows.some((r) => r.includes('01-russias-north-korean-connection.txt')) && rows.some((r) => r.includes('registry.toml'));
  }, 90000);
  check('the explorer shows the seeds', explorer);

  const file = '01-russias-north-korean-connection.txt';
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first().click();
  await until(() => page.locator('.monaco-editor .view-lines').first().isVisible(), 30000);
  // The Gloss language mode in the status bar: the extension is active and
  // adopted the .txt document.
  const adopted = await until(async () => (await page.locator('[id="status.editor.mode"]').innerText()).trim() === 'Gloss', 30000);
  check('opening the article activates the extension (language mode Gloss)', adopted);

  // Hover with the mouse over Putin; the first hovers come before the
  // server is up: move away and back until the card shows.
  const hover = await until(
    async () => {
      const at = await wordCentre('[Vladimir ', 'Putin');
      if (!at) return undefined;
      await page.mouse.move(5, 5);
      await page.waitForTimeout(200);
      await page.mouse.move(at.x, at.y);
      const text = await until(async () => {
        const t = await hoverText();
        return t.includes('Vladimir Putin') ? t : undefined;
      }, 2500, 250);
      return text;
    },
    120000,
    500,
  );
  await shot('hover.png');
  check('hovering Putin shows a card with "Vladimir Putin"', hover, hover ? '' : await hoverText().catch(String));
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');

  // Go to definition (F12) on the claim: its source, in registry.toml.
  await cursorTo('approximately 10,000 soldiers');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('F12');
  const landed = await until(async () => {
    const title = await page.locator('.tab.active').first().innerText({ timeout: 1000 });
    return title.includes('registry.toml') ? title : undefined;
  }, 20000);
  check('F12 on the 10,000 soldiers claim lands in registry.toml', landed);

  // The Problems panel lists the conflict between 10,000 and 3,000 troops.
  await page.keyboard.press('Control+Shift+M');
  const conflict = await until(async () => {
    const text = await problems();
    return /10,000 soldiers \(@ua-intel, 2024-10\) on `nk-troops-in-russia` conflicts with ≈3,000 .*\n\s*gloss\s*\n\s*conflicting-claim/.test(text) ? text : undefined;
  }, 60000);
  await shot('problems.png');
  check('Problems lists the conflicting-claim between 10,000 and 3,000', conflict, conflict ? '' : await problems().catch(String));

  // The status bar shows the server's numbers (gloss/status): the seeds'
  // claims and conflicts.
  const want = expectedStatus(seeds.conflicts);
  const counted = await until(async () => ((await glossStatus()) === want ? want : undefined), 30000);
  check(`the status bar shows the claims and conflicts of the seeds ("${want}")`, counted && seeds.conflicts >= 1, await glossStatus().catch(String));

  // A setting reaches the server as it changes: with a tolerance of 1 every
  // positive lower bound widens to zero, so no two figures can be disjoint;
  // back to null (gloss.toml's 0.05), the conflicts come back.
  if (settingsFile) {
    const set = await setSettings({ 'gloss.conflicts.tolerance': 1 });
    const relaxed = set && (await until(async () => ((await glossStatus()) === expectedStatus(0) ? true : undefined), 30000));
    await shot('tolerance.png');
    check(
      'setting gloss.conflicts.tolerance to 1 reaches the server (status bar: 0 conflicts)',
      relaxed,
      set ? await glossStatus().catch(String) : 'settings.json was not saved',
    );
    const reset = await setSettings({ 'gloss.conflicts.tolerance': undefined });
    const back = reset && (await until(async () => ((await glossStatus()) === want ? true : undefined), 30000));
    check(
      `removing the setting (null: gloss.toml's) brings the conflicts back ("${want}")`,
      back,
      reset ? await glossStatus().catch(String) : 'settings.json was not saved',
    );
  } else {
    check('GLOSS_E2E_SETTINGS names the user settings file', false);
  }

  // Removing the claim's source makes it unsourced.
  await page.locator('.tab', { hasText: file }).first().click();
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+H');
  await page.waitForTimeout(500);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('src=@ua-intel date=2024-10}');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('date=2024-10}');
  await page.keyboard.press('Control+Alt+Enter');
  await page.keyboard.press('Escape');
  const unsourced = await until(async () => {
    const text = await problems();
    // Each row reads message, source, code, place on lines of their own.
    return /approximately 10,000 soldiers` states a figure with no source.*\n\s*gloss\s*\n\s*unsourced-claim/.test(text) ? text : undefined;
  }, 60000);
  await shot('unsourced.png');
  check('removing src=@ua-intel makes an unsourced-claim appear in Problems', unsourced, unsourced ? '' : await problems().catch(String));

  // Reading mode dims the attribute blocks.
  await page.locator('.monaco-editor textarea').first().focus();
  await command('Gloss: Toggle Reading Mode');
  const dimmed = await until(
    () =>
      page.evaluate(() => {
        const spans = [...document.querySelectorAll('.monaco-editor .view-lines span')];
        return spans.filter((s) => getComputedStyle(s).opacity === '0.25' && /\]\{|\{@|\[/.test(s.textContent)).length;
      }),
    10000,
  );
  await shot('reading.png');
  check(`reading mode dims attribute blocks (${dimmed ?? 0} dimmed)`, dimmed);
  await command('Gloss: Toggle Reading Mode');

  // The claim ledger of the subject under the cursor opens beside the text.
  await cursorTo('approximately 10,000 soldiers');
  await page.keyboard.press('ArrowLeft');
  await command('Gloss: Show Claim Ledger');
  const ledger = await until(async () => {
    const titles = await page.locator('.tab').allInnerTexts();
    return titles.some((t) => t.includes('Gloss: nk-troops-in-russia'));
  }, 30000);
  await page.waitForTimeout(1500);
  await shot('ledger.png');
  check('Show Claim Ledger opens the ledger of nk-troops-in-russia', ledger);
} catch (e) {
  check('the session ran to the end', false, e.stack);
}
await finish();
