/**
 * Tree-sitter grammar of Gloss markup (spec: markup.md, section 2).
 *
 * Whitespace is text: there are no extras, so the leaves of a tree tile the
 * document. What needs look-ahead lives in src/scanner.c: whether a `[`
 * opens a span (a matching `]{` in the same paragraph), whether a `]` closes
 * one, whether an attribute block closes on its line, and the header.
 */
module.exports = grammar({
  name: 'gloss',

  extras: $ => [],

  externals: $ => [
    $._span_open,
    $._span_close,
    $._block_open,
    $._unclosed_block_open,
    $._header_open,
    $._error_sentinel,
  ],

  rules: {
    document: $ => seq(optional($.header), repeat($._content)),

    header: $ => seq(alias($._header_open, '{'), optional($._attributes), '}'),

    _content: $ => choice($.text, $.span, $.comment, $.escape),

    // Prose, including brackets and braces that do not form markup (as
    // patterns: the literal "[" and "]" are the span's own, aliased from
    // the scanner's tokens).
    text: $ => choice(/[^\[\]\\{]+/, /\[/, /\]/, /\{/, /\\/),

    comment: $ => token(seq('{%', /([^%]|%+[^%}])*/, repeat1('%'), '}')),

    escape: $ => token(seq('\\', /[\[\]{}\\%]/)),

    span: $ => seq(
      alias($._span_open, '['),
      field('content', repeat($._content)),
      alias($._span_close, ']'),
      choice($.attributes, $.unclosed_attributes),
    ),

    attributes: $ => seq(alias($._block_open, '{'), optional($._attributes), '}'),

    // `]{` with no `}` on its line: an error at the `{`; what follows is
    // read as prose.
    unclosed_attributes: $ => alias($._unclosed_block_open, '{'),

    // Attributes are separated by spaces.
    _attributes: $ => choice(
      $._space,
      seq(optional($._space), $._attribute, repeat(seq($._space, $._attribute)), optional($._space)),
    ),

    _attribute: $ => choice($.reference, $.definition, $.pair, $.invalid_attribute),

    // Visible (as an anonymous node) so the leaves tile the document.
    _space: $ => alias(/[ \t]+/, ' '),

    reference: $ => seq('@', field('id', $.id)),

    definition: $ => seq('#', field('id', $.id)),

    pair: $ => seq(field('key', $.key), '=', field('value', choice($.bare, $.quoted, $.references))),

    references: $ => seq('@', $.id, repeat(seq(',', '@', $.id))),

    id: $ => /[A-Za-z0-9_]([A-Za-z0-9_.:-]*[A-Za-z0-9_-])?/,

    key: $ => /[a-z][a-z0-9-]*/,

    bare: $ => /[^\s"{}@][^\s"{}]*/,

    quoted: $ => /"([^"\\\r\n]|\\.)*"/,

    // Anything else up to the next space or `}`: reported as a bad attribute.
    invalid_attribute: $ => /[^\sa-z@#}][^\s}]*/,
  },
});
