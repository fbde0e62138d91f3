/**
 * Tree-sitter grammar of Gloss markup (spec: markup.md, section 2).
 *
 * Whitespace is text: there are no extras, so the leaves of a tree tile the
 * document, every byte in exactly one leaf. What needs look-ahead lives in
 * src/scanner.c (its header comment says how the decisions agree): whether
 * a `[` opens a span, whether a `]` closes one, whether an attribute block
 * closes on its line, comments, malformed attributes and the header. Every
 * text parses without ERROR nodes: problems are explicit nodes
 * (`unclosed_attributes`, `unclosed_comment`, `invalid_attribute`).
 */

// White space other than line ends, as the scanner's `is_blank`: a bare
// value stops at it.
const BLANK = ' \\t\\x0B\\x0C\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';

module.exports = grammar({
  name: 'gloss',

  extras: _ => [],

  externals: $ => [
    $._span_open,
    $._span_close,
    $._block_open,
    $.unclosed_attributes,
    $._header_blank,
    $._header_open,
    $.comment,
    $.unclosed_comment,
    $.invalid_attribute,
    $._nul,
    $._error_sentinel,
  ],

  rules: {
    document: $ => seq(
      optional(seq(optional(alias($._header_blank, $.text)), $.header)),
      repeat($._content),
    ),

    // `{#id key=value}` alone on the first non-blank line.
    header: $ => seq(alias($._header_open, '{'), optional($._attributes), '}'),

    _content: $ => choice($.text, alias($._nul, $.text), $.span, $.comment, $.unclosed_comment, $.escape),

    // Prose, including NUL characters (from the scanner: the generated
    // lexer cannot tell them from the end of the text), and brackets and braces that do not form markup (as
    // patterns: the literal "[" and "]" are the span's own, aliased from
    // the scanner's tokens).
    text: _ => choice(/[^\[\]\\{]+/, /\[/, /\]/, /\{/, /\\/),

    escape: _ => token(seq('\\', /[\[\]{}\\%]/)),

    span: $ => seq(
      alias($._span_open, '['),
      repeat($._content),
      alias($._span_close, ']'),
      choice($.attributes, $.unclosed_attributes),
    ),

    attributes: $ => seq(alias($._block_open, '{'), optional($._attributes), '}'),

    // Attributes are separated by spaces and tabs.
    _attributes: $ => choice(
      $._space,
      seq(optional($._space), $._attribute, repeat(seq($._space, $._attribute)), optional($._space)),
    ),

    _attribute: $ => choice($.reference, $.definition, $.pair, $.invalid_attribute),

    // Visible (as an anonymous node) so the leaves tile the document.
    _space: _ => alias(/[ \t]+/, ' '),

    reference: $ => seq('@', field('id', $.id)),

    definition: $ => seq('#', field('id', $.id)),

    pair: $ => seq(field('key', $.key), '=', field('value', choice($.bare, $.quoted, $.references))),

    references: $ => seq('@', $.id, repeat(seq(',', '@', $.id))),

    id: _ => /[A-Za-z0-9_]([A-Za-z0-9_.:\-]*[A-Za-z0-9_\-])?/,

    key: _ => /[a-z][a-z0-9\-]*/,

    bare: _ => new RegExp(`[^${BLANK}\\r\\n"{}@][^${BLANK}\\r\\n"{}]*`),

    quoted: _ => /"([^"\\\r\n]|\\[^\r\n])*"/,
  },
});
