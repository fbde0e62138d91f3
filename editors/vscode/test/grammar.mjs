// Tokenizes Gloss text with the TextMate grammar through VS Code's own
// vscode-textmate and oniguruma (from the code-server under test/.cache) and
// checks the scopes of each piece: node test/grammar.mjs
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const vscodeModules = path.join(here, '.cache', 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
const require = createRequire(path.join(vscodeModules, 'x.js'));
const tm = require('vscode-textmate');
const onig = require('vscode-oniguruma');

const wasm = fs.readFileSync(path.join(vscodeModules, 'vscode-oniguruma', 'release', 'onig.wasm'));
await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new tm.Registry({
  onigLib: Promise.resolve({ createOnigScanner: (p) => new onig.OnigScanner(p), createOnigString: (s) => new onig.OnigString(s) }),
  loadGrammar: async () => tm.parseRawGrammar(fs.readFileSync(path.join(here, '..', 'syntaxes', 'gloss.tmLanguage.json'), 'utf8'), 'gloss.tmLanguage.json'),
});
const grammar = await registry.loadGrammar('text.gloss');

/** Every token of the text as [line, text, innermost scope]. */
function tokenize(text) {
  let stack = tm.INITIAL;
  const out = [];
  text.split('\n').forEach((line, n) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      out.push([n, line.slice(t.startIndex, t.endIndex), t.scopes]);
    }
    stack = r.ruleStack;
  });
  return out;
}

const text = [
  '{#saivetz-2024 date=2024-11-18 author=@carol-saivetz title="The \\"Stakes\\""}',
  '[Vladimir Putin]{@putin} met [[Kim]{@kim-jong-un}\'s envoy]{#envoy kind=person}.',
  'About [10,000 soldiers]{claim=nk-troops-in-russia src=@ua-intel,@nis date=2024-10 url=https://x.org/a?b=c#d}',
  '{% a comment [not]{@a-span} %} and \\[sic\\] and [1] and {#not-a-header}',
  // A comment ends at its `%}` or, unclosed, at the end of its paragraph,
  // as the server's parser reads it (docs/decisions.md, Syntax).
  'Before {% a comment',
  '',
  '   ',
  '[not a span]{@x} and [1]',
  '%} after',
].join('\n');
const tokens = tokenize(text);

let passed = 0;
let failed = 0;
/** The token with this text on this line has a scope starting with
 * `scope`, or only the grammar's own scope for 'prose'. */
function expect(line, piece, scope) {
  const t = tokens.find(([n, s]) => n === line && s === piece);
  const ok = t !== undefined && (scope === 'prose' ? t[2].length === 1 : t[2].some((x) => x.startsWith(scope)));
  if (ok) {
    passed++;
    console.log(`ok - ${JSON.stringify(piece)} is ${scope}`);
  } else {
    failed++;
    const seen = tokens.filter(([n]) => n === line).map(([, s, sc]) => `${JSON.stringify(s)}: ${sc.slice(1).join(' ')}`);
    console.log(`not ok - ${JSON.stringify(piece)} is ${scope}\n  line ${line}: ${seen.join('\n    ')}`);
  }
}

expect(0, '{', 'punctuation.definition.header.begin');
expect(0, 'saivetz-2024', 'entity.name.label');
expect(0, 'date', 'variable.other.property');
expect(0, '2024-11-18', 'string.unquoted');
expect(0, 'carol-saivetz', 'variable.other.reference');
expect(0, '\\"', 'constant.character.escape');
expect(0, '}', 'punctuation.definition.header.end');
expect(1, '[', 'punctuation.definition.span.begin');
expect(1, ']', 'punctuation.definition.span.end');
expect(1, 'putin', 'variable.other.reference');
expect(1, 'envoy', 'entity.name.label');
expect(1, 'person', 'string.unquoted');
expect(2, 'claim', 'keyword.other.claim');
expect(2, 'nk-troops-in-russia', 'entity.name.type.subject');
expect(2, 'ua-intel', 'variable.other.reference');
expect(2, ',', 'punctuation.separator');
expect(2, 'nis', 'variable.other.reference');
expect(2, 'https://x.org/a?b=c#d', 'string.unquoted');
expect(3, '{%', 'comment.block');
expect(3, ' a comment [not]{@a-span} ', 'comment.block');
expect(3, '\\[', 'constant.character.escape');
expect(3, ' and [1] and {#not-a-header}', 'prose');
expect(4, 'Before ', 'prose');
expect(4, '{%', 'punctuation.definition.comment.begin');
expect(4, ' a comment', 'comment.block');
expect(6, '   ', 'prose');
expect(7, '[', 'punctuation.definition.span.begin');
expect(7, 'x', 'variable.other.reference');

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
