// Gloss for VS Code: runs `gloss lsp` for the workspace's documents, and
// adds a claim-ledger view, a reading mode and a status bar summary.
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let reading = false;
/** Whether the server has reported diagnostics since it started: until then
 * the status bar says it is indexing. */
let reported = false;
const dimmed = vscode.window.createTextEditorDecorationType({ opacity: '0.25', letterSpacing: '-0.25em' });

/** The folder with gloss.toml at or above a file, within the workspace. */
function glossRoot(file: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'gloss.toml'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/** The setting `gloss.server.path`, if set. */
function configuredServer(): string {
  return vscode.workspace.getConfiguration('gloss').get<string>('server.path')?.trim() ?? '';
}

/** The server: the setting, else `gloss` on PATH. */
function findServer(): string | undefined {
  const configured = configuredServer();
  if (configured) {
    return fs.existsSync(configured) ? configured : undefined;
  }
  const which = cp.spawnSync(process.platform === 'win32' ? 'where' : 'which', ['gloss'], { encoding: 'utf8' });
  const found = which.status === 0 ? which.stdout.split(/\r?\n/)[0].trim() : '';
  return found || undefined;
}

/** How much a workspace report says about the server having indexed. */
function weight(items: { version: number | null; items?: unknown[] }[]): number {
  return items.reduce((n, d) => n + (d.version == null ? 1 : 0) + (d.items?.length ?? 0), 0);
}

/** Notes that the server has reported on the workspace. */
function sawReport(items: number): void {
  if (items > 0 && !reported) {
    reported = true;
    updateStatus();
  }
}

function settings(): object {
  const c = vscode.workspace.getConfiguration('gloss');
  return {
    diagnostics: { on: c.get('diagnostics.on'), debounceMs: c.get('diagnostics.debounceMs') },
  };
}

/** Plain-text documents under a gloss.toml are Gloss documents. */
async function adopt(doc: vscode.TextDocument): Promise<void> {
  if (doc.uri.scheme === 'file' && doc.languageId === 'plaintext' && glossRoot(doc.uri.fsPath)) {
    await vscode.languages.setTextDocumentLanguage(doc, 'gloss');
  }
}

async function start(): Promise<void> {
  const server = findServer();
  if (!server) {
    const configured = configuredServer();
    const where = configured ? `\`gloss.server.path\` is ${configured}, which does not exist` : 'the `gloss` binary is not on PATH';
    const message = `Gloss: ${where}. Install it with \`cargo install --path server/cli\` from the Gloss repository, or set \`gloss.server.path\` to the binary.`;
    void vscode.window.showErrorMessage(message);
    output.appendLine(message);
    status.text = 'Gloss: no server';
    return;
  }
  const serverOptions: ServerOptions = { command: server, args: ['lsp'], transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'gloss' },
      { scheme: 'file', pattern: '**/*.txt' },
      { scheme: 'file', pattern: '**/gloss.toml' },
    ],
    initializationOptions: settings(),
    outputChannel: output,
    synchronize: { configurationSection: 'gloss' },
    // The status bar says "indexing…" until the server reports a problem,
    // or reports on a document that is not open (read from disk: indexed).
    middleware: {
      provideWorkspaceDiagnostics: async (resultIds, token, resultReporter, next) => {
        const report = await next(resultIds, token, (chunk) => {
          sawReport(weight(chunk?.items ?? []));
          resultReporter(chunk);
        });
        sawReport(weight(report?.items ?? []));
        return report;
      },
      provideDiagnostics: async (document, previousResultId, token, next) => {
        const report = await next(document, previousResultId, token);
        sawReport(report && 'items' in report ? report.items.length : 0);
        return report;
      },
      handleDiagnostics: (uri, diagnostics, next) => {
        sawReport(diagnostics.length);
        next(uri, diagnostics);
      },
    },
  };
  client = new LanguageClient('gloss', 'Gloss', serverOptions, clientOptions);
  reported = false;
  updateStatus();
  await client.start();
  output.appendLine(`Gloss: started ${server}`);
}

async function stop(): Promise<void> {
  if (client) {
    const c = client;
    client = undefined;
    await c.stop();
  }
}

function updateStatus(): void {
  let conflicts = 0;
  let unsourced = 0;
  for (const [, list] of vscode.languages.getDiagnostics()) {
    for (const d of list) {
      if (d.source !== 'gloss') {
        continue;
      }
      reported = true;
      const code = typeof d.code === 'object' ? d.code.value : d.code;
      if (code === 'conflicting-claim') {
        conflicts++;
      } else if (code === 'unsourced-claim') {
        unsourced++;
      }
    }
  }
  if (!client) {
    status.text = 'Gloss: no server';
  } else if (!reported) {
    status.text = 'Gloss: indexing…';
  } else {
    status.text = `Gloss: ${conflicts} ${conflicts === 1 ? 'conflict' : 'conflicts'} · ${unsourced} unsourced`;
  }
}

function applyReadingMode(editor: vscode.TextEditor | undefined): void {
  if (!editor || editor.document.languageId !== 'gloss') {
    return;
  }
  if (!reading) {
    editor.setDecorations(dimmed, []);
    return;
  }
  const text = editor.document.getText();
  const ranges: vscode.Range[] = [];
  // `]{...}` blocks and the `[` that opens their span.
  for (const m of text.matchAll(/\]\{[^}\n]*\}/g)) {
    const start = m.index ?? 0;
    ranges.push(new vscode.Range(editor.document.positionAt(start), editor.document.positionAt(start + m[0].length)));
  }
  for (const m of text.matchAll(/\[(?=[^\]\n]*\]\{)/g)) {
    const start = m.index ?? 0;
    ranges.push(new vscode.Range(editor.document.positionAt(start), editor.document.positionAt(start + 1)));
  }
  editor.setDecorations(dimmed, ranges);
}

/** The subject's section of `gloss report`: its chart and table. */
function reportSection(root: string, subject: string): string | undefined {
  const server = findServer();
  if (!server) {
    return undefined;
  }
  const out = path.join(os.tmpdir(), `gloss-report-${process.pid}.html`);
  const run = cp.spawnSync(server, ['report', root, '-o', out], { encoding: 'utf8' });
  if (run.status !== 0 || !fs.existsSync(out)) {
    output.appendLine(`gloss report failed: ${run.stderr}`);
    return undefined;
  }
  const html = fs.readFileSync(out, 'utf8');
  fs.rmSync(out, { force: true });
  const style = html.match(/<style>[\s\S]*?<\/style>/)?.[0] ?? '';
  const start = html.indexOf(`<section id="${subject}">`);
  if (start < 0) {
    return undefined;
  }
  const end = html.indexOf('</section>', start);
  return `<!DOCTYPE html><html><head><meta charset="utf-8">${style}</head><body>${html.slice(start, end + '</section>'.length)}</body></html>`;
}

/** The claim ledger of the subject under the cursor: the report's chart
 * and table when the server can write it, else the hover's ledger. */
async function showLedger(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    editor.document.uri,
    editor.selection.active,
  );
  const markdown = (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n\n');
  if (!markdown.trim()) {
    void vscode.window.showInformationMessage('Gloss: put the cursor on a claim or a subject to see its ledger.');
    return;
  }
  // Claim and subject cards name the subject's id in backticks first.
  const subject = markdown.match(/`([A-Za-z0-9_][A-Za-z0-9_.:-]*)`/)?.[1];
  const root = glossRoot(editor.document.uri.fsPath);
  const section = subject && root ? reportSection(root, subject) : undefined;
  const panel = vscode.window.createWebviewPanel('glossLedger', `Gloss: ${subject ?? 'claim ledger'}`, vscode.ViewColumn.Beside, {});
  if (section) {
    panel.webview.html = section;
    return;
  }
  const html = await vscode.commands.executeCommand<string>('markdown.api.render', markdown);
  panel.webview.html = `<!DOCTYPE html><html><body>${html ?? `<pre>${markdown}</pre>`}</body></html>`;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Gloss');
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.text = 'Gloss: indexing…';
  status.tooltip = 'Gloss: conflicting and unsourced figures in the workspace (click for the Problems panel)';
  status.command = 'workbench.actions.view.problems';
  status.show();
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand('gloss.restartServer', async () => {
      await stop();
      await start();
    }),
    vscode.commands.registerCommand('gloss.showLedger', showLedger),
    vscode.commands.registerCommand('gloss.toggleReadingMode', () => {
      reading = !reading;
      vscode.window.visibleTextEditors.forEach(applyReadingMode);
    }),
    vscode.languages.onDidChangeDiagnostics(updateStatus),
    vscode.workspace.onDidOpenTextDocument(adopt),
    vscode.window.onDidChangeActiveTextEditor(applyReadingMode),
    vscode.workspace.onDidChangeTextDocument((e) => {
      const editor = vscode.window.activeTextEditor;
      if (editor && e.document === editor.document) {
        applyReadingMode(editor);
      }
    }),
  );
  for (const doc of vscode.workspace.textDocuments) {
    await adopt(doc);
  }
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}
