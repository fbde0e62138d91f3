// Renders the seed corpus's report in headless Chromium and checks that the
// chart of nk-troops-in-russia shows the 10,000 and 3,000 claims and marks
// their conflict: node render.mjs REPORT.html ARTIFACTS
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const [report, artifacts] = process.argv.slice(2);
const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(path.join(here, '../../editors/vscode/test/.cache/node_modules/x.js'));
const { chromium } = require('playwright-core');

let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  ok ? passed++ : failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}${ok || !detail ? '' : `: ${String(detail).slice(0, 300)}`}`);
};

fs.mkdirSync(artifacts, { recursive: true });
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gloss-report-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1100, height: 1000 },
  // No network at view time: every request but the file itself fails.
  offline: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto('file://' + path.resolve(report));
  const section = page.locator('section#nk-troops-in-russia');
  await section.scrollIntoViewIfNeeded();
  const labels = await section.locator('svg g.claim text').allTextContents();
  check('the chart of nk-troops-in-russia shows the 10,000 claims', labels.some((t) => t.includes('10,000')), labels);
  check('and the 3,000 claim', labels.some((t) => t.includes('3,000')), labels);
  const conflicting = await section.locator('svg g.claim.conflict').allTextContents();
  check('their conflict is marked', conflicting.some((t) => t.includes('3,000')) && conflicting.some((t) => t.includes('10,000')), conflicting);
  const rows = await section.locator('tr.conflict').count();
  check('the table marks the conflicting rows', rows >= 2, rows);
  check('the page loads nothing from the network', requests.every((u) => u.startsWith('file://')), requests);
  await section.screenshot({ path: path.join(artifacts, 'report-nk-troops.png') });
} catch (e) {
  check('the page rendered', false, e.stack);
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
