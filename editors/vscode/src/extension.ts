// Gloss for VS Code: runs `gloss lsp` for the workspace's documents, and
// adds a claim-ledger view, a reading mode and a status bar summary.
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ClientCapabilities,
  DidChangeConfigurationNotification,
  FeatureState,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  StaticFeature,
  TransportKind,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let reading = false;

/** What the server last said in `gloss/status`: `{indexing: true}` while it
 * reads the workspace, then the workspace's numbers. */
interface GlossStatus {
  indexing: boolean;
  documents?: number;
  claims?: number;
  conflicts?: number;
}
/** Undefined until the server's first report: the status bar says it is indexing. */
let lastStatus: GlossStatus | undefined;

/** Asks the server for `gloss/status` notifications (client capability
 * `experimental.glossStatus`); the server sends them to no one else. */
class StatusFeature implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.experimental = { ...(capabilities.experimental as object | undefined), glossStatus: true };
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: 'static' };
  }
  clear(): void {}
}

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

/** A number setting, or null (unset or not a number): null tells the
 * server to use gloss.toml's value. */
function numberOrNull(c: vscode.WorkspaceConfiguration, key: string): number | null {
  const v = c.get<unknown>(key);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The settings the server reads, in initializationOptions, in answers to
 * workspace/configuration (section `gloss`) and in didChangeConfiguration. */
function settings(): object {
  const c = vscode.workspace.getConfiguration('gloss');
  return {
    diagnostics: { on: c.get('diagnostics.on'), debounceMs: c.get('diagnostics.debounceMs') },
    conflicts: {
      tolerance: numberOrNull(c, 'conflicts.tolerance'),
      windowDays: numberOrNull(c, 'conflicts.windowDays'),
      approx: numberOrNull(c, 'conflicts.approx'),
    },
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
    updateStatus();
    return;
  }
  const serverOptions: ServerOptions = { command: server, args: ['lsp'], transport: TransportKind.stdio };
  // The client being made, for its own middleware.
  let self: LanguageClient | undefined;
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'gloss' },
      { scheme: 'file', pattern: '**/*.txt' },
      { scheme: 'file', pattern: '**/gloss.toml' },
    ],
    initializationOptions: settings(),
    outputChannel: output,
    synchronize: { configurationSection: 'gloss' },
    // The server gets the settings in one shape whichever way it asks:
    // every key present, null for "gloss.toml's".
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const values = await next(params, token);
          if (!Array.isArray(values)) {
            return values;
          }
          return params.items.map((item, i) => (item.section === 'gloss' ? settings() : values[i]));
        },
        didChangeConfiguration: async () => {
          await self?.sendNotification(DidChangeConfigurationNotification.type, { settings: { gloss: settings() } });
        },
      },
    },
  };
  client = self = new LanguageClient('gloss', 'Gloss', serverOptions, clientOptions);
  client.registerFeature(new StatusFeature());
  client.onNotification('gloss/status', (params: GlossStatus) => {
    // "indexing" after a first report (a folder added later) keeps the
    // numbers on show until the new ones come.
    if (!params.indexing || !lastStatus) {
      lastStatus = params.indexing ? undefined : params;
      updateStatus();
    }
  });
  lastStatus = undefined;
  updateStatus();
  await client.start();
  output.appendLine(`Gloss: started ${server}`);
}

async function stop(): Promise<void> {
  if (client) {
    const c = client;
    client = undefined;
    updateStatus();
    await c.stop();
  }
}

/** `n claim(s)` */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function updateStatus(): void {
  if (!client) {
    status.text = 'Gloss: no server';
    status.tooltip = 'Gloss: the language server is not running';
  } else if (!lastStatus) {
    status.text = '$(sync~spin) Gloss: indexing…';
    status.tooltip = 'Gloss: reading the workspace';
  } else {
    const { documents = 0, claims = 0, conflicts = 0 } = lastStatus;
    status.text = `Gloss: ${count(claims, 'claim')} · ${count(conflicts, 'conflict')}`;
    status.tooltip =
      `Gloss: ${count(documents, 'document')}, ${count(claims, 'claim')}, ` +
      `${count(conflicts, 'conflict')} (pairs of claims on a subject whose figures cannot both hold). Click for the Problems panel.`;
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
  status.text = '$(sync~spin) Gloss: indexing…';
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
