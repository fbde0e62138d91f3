// External scanner of the Gloss grammar: every decision that needs to look
// ahead. It is stateless: each decision is made from the text ahead alone,
// so incremental reparsing stays exact (tree-sitter records how far each
// token looked).
//
// The decisions, and why they agree with each other:
//
// - A `[` opens a span when its matching `]` in the same paragraph is
//   directly followed by `{` (and not `{%`). The look-ahead counts brackets
//   exactly as the parser will treat them: escapes, comments and attribute
//   blocks are skipped the way the parser reads them, an attribute block not
//   closed on its line takes the rest of the line, a comment not closed in
//   its paragraph takes the rest of the paragraph. So a `[` found to open a
//   span is always closed by the parser, and nothing ever becomes ERROR.
// - A `]` followed by `{` (not `{%`) inside a span closes it.
// - After that `]`, a `{` starts an attribute block if a `}` outside quotes
//   closes it on its line; otherwise the block is `unclosed_attributes`,
//   a single token from `{` to the end of the line.
// - `{%` starts a comment, which ends at the first `%}` and does not cross a
//   blank line; without one, `unclosed_comment` runs to the end of the
//   paragraph.
// - Inside a block, a run of characters that is not a well-formed attribute
//   is one `invalid_attribute` token; well-formed ones are left to the
//   grammar's own tokens.
// - The header is an attribute block alone on the first non-blank line.
//
// Bounds keep hostile input linear: the look-ahead of one `[` stops after
// LOOKAHEAD_LIMIT code points and at MAX_DEPTH nested brackets (that `[` is
// then prose). Every other look-ahead is consumed by the token it decides,
// or ends at the end of the line.
#include "tree_sitter/parser.h"
#include <stdbool.h>
#include <stdint.h>

enum TokenType {
  SPAN_OPEN,
  SPAN_CLOSE,
  BLOCK_OPEN,
  UNCLOSED_ATTRIBUTES,
  HEADER_BLANK,
  HEADER_OPEN,
  COMMENT,
  UNCLOSED_COMMENT,
  INVALID_ATTRIBUTE,
  NUL,
  ERROR_SENTINEL,
};

#define LOOKAHEAD_LIMIT (64 * 1024)
#define MAX_DEPTH 64
#define UNLIMITED UINT32_MAX

void *tree_sitter_gloss_external_scanner_create(void) { return NULL; }
void tree_sitter_gloss_external_scanner_destroy(void *payload) { (void)payload; }
unsigned tree_sitter_gloss_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}
void tree_sitter_gloss_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

// Advances one code point, within a budget (UNLIMITED: no limit). False
// when the budget is spent.
static inline bool take(TSLexer *lexer, uint32_t *budget) {
  if (*budget == 0) return false;
  if (*budget != UNLIMITED) (*budget)--;
  lexer->advance(lexer, false);
  return true;
}

static inline bool is_line_end(int32_t c) { return c == '\n' || c == '\r'; }

static inline bool at_line_end(TSLexer *lexer) { return lexer->eof(lexer) || is_line_end(lexer->lookahead); }

// White space other than line ends (Unicode White_Space, as Rust's
// `char::is_whitespace`, minus LF and CR). A line of these is blank.
static inline bool is_blank(int32_t c) {
  switch (c) {
    case ' ': case '\t': case 0x0B: case 0x0C: case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

// Separates attributes in a block.
static inline bool is_space(int32_t c) { return c == ' ' || c == '\t'; }

static inline bool is_id_char(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == ':' || c == '-';
}

static inline bool is_key_char(int32_t c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

static inline bool is_escapable(int32_t c) {
  return c == '[' || c == ']' || c == '{' || c == '}' || c == '\\' || c == '%';
}

// At a line end: skips it (LF, CRLF or CR) and the blanks of the next line.
// Returns whether the paragraph goes on (that line is not blank, and the
// budget lasted).
static bool paragraph_continues(TSLexer *lexer, uint32_t *budget) {
  if (lexer->lookahead == '\r') {
    if (!take(lexer, budget)) return false;
    if (lexer->lookahead == '\n' && !take(lexer, budget)) return false;
  } else if (!take(lexer, budget)) {
    return false;
  }
  while (!lexer->eof(lexer) && is_blank(lexer->lookahead)) {
    if (!take(lexer, budget)) return false;
  }
  return !at_line_end(lexer);
}

// Just past a `{`: whether a `}` outside quotes closes the block on this
// line (quotes start at any `"`; in them `\` escapes a character). Consumes
// the block, or the rest of the line.
static bool block_closes(TSLexer *lexer, uint32_t *budget) {
  bool quoted = false;
  while (!at_line_end(lexer)) {
    int32_t c = lexer->lookahead;
    if (!take(lexer, budget)) return false;
    if (quoted) {
      if (c == '\\') {
        if (!at_line_end(lexer) && !take(lexer, budget)) return false;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '}') {
      return true;
    }
  }
  return false;
}

// Just past a `{%`: whether `%}` closes the comment in this paragraph; if
// so the lexer is past it. If not and `mark` is set, the token ends at the
// end of the paragraph's last line.
static bool comment_closes(TSLexer *lexer, uint32_t *budget, bool mark) {
  bool percent = false;
  for (;;) {
    if (at_line_end(lexer)) {
      if (mark) lexer->mark_end(lexer);
      if (lexer->eof(lexer) || !paragraph_continues(lexer, budget)) return false;
      percent = false;
      continue;
    }
    int32_t c = lexer->lookahead;
    if (!take(lexer, budget)) return false;
    if (percent && c == '}') return true;
    percent = c == '%';
  }
}

// Just past a `[`: whether its matching `]`, in this paragraph, is directly
// followed by an attribute block's `{`.
static bool opens_span(TSLexer *lexer) {
  uint32_t budget = LOOKAHEAD_LIMIT;
  unsigned depth = 1;
  for (;;) {
    if (lexer->eof(lexer)) return false;
    int32_t c = lexer->lookahead;
    if (is_line_end(c)) {
      if (!paragraph_continues(lexer, &budget)) return false;
      continue;
    }
    if (!take(lexer, &budget)) return false;
    if (c == '\\') {
      if (!lexer->eof(lexer) && is_escapable(lexer->lookahead) && !take(lexer, &budget)) return false;
    } else if (c == '{') {
      if (lexer->lookahead == '%') {
        if (!take(lexer, &budget) || !comment_closes(lexer, &budget, false)) return false;
      }
    } else if (c == '[') {
      if (++depth > MAX_DEPTH) return false;
    } else if (c == ']') {
      depth--;
      if (lexer->lookahead != '{') {
        if (depth == 0) return false;
        continue;
      }
      if (!take(lexer, &budget)) return false;
      if (lexer->lookahead == '%') {
        // `]{%`: a bracket, then a comment.
        if (depth == 0) return false;
        if (!take(lexer, &budget) || !comment_closes(lexer, &budget, false)) return false;
        continue;
      }
      if (depth == 0) return true;
      // A nested span's block; if it does not close, it takes the line.
      block_closes(lexer, &budget);
      if (budget == 0) return false;
    }
  }
}

// At the first character of an attribute. Reads an id; false if there is
// none or it ends in `.` or `:`.
static bool scan_id(TSLexer *lexer) {
  int32_t c = lexer->lookahead;
  if (!is_id_char(c) || c == '.' || c == ':' || c == '-') return false;
  int32_t last = c;
  while (!lexer->eof(lexer) && is_id_char(lexer->lookahead)) {
    last = lexer->lookahead;
    lexer->advance(lexer, false);
  }
  return last != '.' && last != ':';
}

static bool is_bare_char(int32_t c) {
  return c != 0 && !is_blank(c) && !is_line_end(c) && c != '"' && c != '{' && c != '}';
}

// After `key=`: a quoted value, a reference list or a bare value.
static bool scan_value(TSLexer *lexer) {
  int32_t c = lexer->lookahead;
  if (c == '"') {
    // To the closing quote, which ends the run or not; a NUL in it makes
    // it bad (the generated lexer could not read it).
    bool nul = false;
    lexer->advance(lexer, false);
    while (!at_line_end(lexer)) {
      c = lexer->lookahead;
      lexer->advance(lexer, false);
      if (c == '"') return !nul;
      if (c == '\\' && !at_line_end(lexer)) {
        c = lexer->lookahead;
        lexer->advance(lexer, false);
      }
      if (c == 0) nul = true;
    }
    return false;
  }
  if (c == '@') {
    for (;;) {
      lexer->advance(lexer, false);
      if (!scan_id(lexer)) return false;
      if (lexer->lookahead != ',') return true;
      lexer->advance(lexer, false);
      if (lexer->lookahead != '@') return false;
    }
  }
  if (lexer->eof(lexer) || !is_bare_char(c)) return false;
  while (!lexer->eof(lexer) && is_bare_char(lexer->lookahead)) lexer->advance(lexer, false);
  return true;
}

static inline bool run_ended(TSLexer *lexer) {
  return at_line_end(lexer) || is_space(lexer->lookahead) || lexer->lookahead == '}';
}

// At a character of an attribute run: reads to its end (a space, a tab or
// `}` outside quotes, or the line end).
static void skip_run(TSLexer *lexer) {
  bool quoted = false;
  while (!at_line_end(lexer) && (quoted || !run_ended(lexer))) {
    int32_t c = lexer->lookahead;
    lexer->advance(lexer, false);
    if (quoted) {
      if (c == '\\') {
        if (!at_line_end(lexer)) lexer->advance(lexer, false);
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    }
  }
}

// At the first character of an attribute run: reads the run; whether it is
// `@ID`, `#ID` or `KEY=value`.
static bool scan_attribute(TSLexer *lexer) {
  int32_t c = lexer->lookahead;
  bool ok = false;
  if (c == '@' || c == '#') {
    lexer->advance(lexer, false);
    ok = scan_id(lexer);
  } else if (c >= 'a' && c <= 'z') {
    while (!lexer->eof(lexer) && is_key_char(lexer->lookahead)) lexer->advance(lexer, false);
    if (lexer->lookahead == '=') {
      lexer->advance(lexer, false);
      ok = scan_value(lexer);
    }
  }
  if (!run_ended(lexer)) {
    ok = false;
    skip_run(lexer);
  }
  return ok;
}

// Just past a `{` at the start of the document (after blanks): whether it
// is the header's, closed on its line with nothing else on the line.
static bool header_follows(TSLexer *lexer) {
  uint32_t budget = UNLIMITED;
  if (lexer->lookahead == '%') return false;
  if (!block_closes(lexer, &budget)) return false;
  while (!lexer->eof(lexer) && is_blank(lexer->lookahead)) lexer->advance(lexer, false);
  return at_line_end(lexer);
}

bool tree_sitter_gloss_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  (void)payload;
  if (valid_symbols[ERROR_SENTINEL]) return false;
  if (lexer->eof(lexer)) return false;
  int32_t c = lexer->lookahead;
  uint32_t unlimited = UNLIMITED;

  // In a block, where an attribute can start (and nothing else external).
  if (valid_symbols[INVALID_ATTRIBUTE]) {
    if (run_ended(lexer) || scan_attribute(lexer)) return false;
    lexer->mark_end(lexer);
    lexer->result_symbol = INVALID_ATTRIBUTE;
    return true;
  }

  // Blank lines before the header. (A byte order mark at the start of the
  // text is skipped by tree-sitter itself: it is in no token.)
  if (valid_symbols[HEADER_BLANK] && (is_blank(c) || is_line_end(c))) {
    while (!lexer->eof(lexer) && (is_blank(lexer->lookahead) || is_line_end(lexer->lookahead))) {
      lexer->advance(lexer, false);
    }
    lexer->mark_end(lexer);
    if (lexer->lookahead != '{') return false;
    lexer->advance(lexer, false);
    if (!header_follows(lexer)) return false;
    lexer->result_symbol = HEADER_BLANK;
    return true;
  }

  // NUL characters are prose: the generated lexer takes them for the end.
  if (c == 0) {
    if (!valid_symbols[NUL]) return false;
    while (!lexer->eof(lexer) && lexer->lookahead == 0) lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    lexer->result_symbol = NUL;
    return true;
  }

  if (c == '[') {
    if (!valid_symbols[SPAN_OPEN]) return false;
    lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    if (!opens_span(lexer)) return false;
    lexer->result_symbol = SPAN_OPEN;
    return true;
  }

  if (c == ']') {
    if (!valid_symbols[SPAN_CLOSE]) return false;
    lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    if (lexer->lookahead != '{') return false;
    lexer->advance(lexer, false);
    if (lexer->lookahead == '%') return false;
    lexer->result_symbol = SPAN_CLOSE;
    return true;
  }

  if (c == '{') {
    lexer->advance(lexer, false);
    if (lexer->lookahead == '%' && valid_symbols[COMMENT]) {
      lexer->advance(lexer, false);
      bool closed = comment_closes(lexer, &unlimited, true);
      if (closed) lexer->mark_end(lexer);
      lexer->result_symbol = closed ? COMMENT : UNCLOSED_COMMENT;
      return true;
    }
    lexer->mark_end(lexer);
    if (valid_symbols[HEADER_OPEN]) {
      if (!header_follows(lexer)) return false;
      lexer->result_symbol = HEADER_OPEN;
      return true;
    }
    if (valid_symbols[BLOCK_OPEN]) {
      if (block_closes(lexer, &unlimited)) {
        lexer->result_symbol = BLOCK_OPEN;
      } else {
        lexer->mark_end(lexer);
        lexer->result_symbol = UNCLOSED_ATTRIBUTES;
      }
      return true;
    }
    return false;
  }

  return false;
}
