// External scanner of the Gloss grammar: the decisions that need to look
// ahead. Stateless: every decision is made from the text ahead alone.
#include "tree_sitter/parser.h"
#include <stdbool.h>
#include <stdint.h>

enum TokenType {
  SPAN_OPEN,
  SPAN_CLOSE,
  BLOCK_OPEN,
  UNCLOSED_BLOCK_OPEN,
  HEADER_OPEN,
  ERROR_SENTINEL,
};

// How far a `[` looks for its `]{`: a span cannot cross a blank line, and
// bounds keep pathological input (100,000 `[`) from going quadratic: a
// span's text is at most 16 KiB and spans nest at most 64 deep.
#define LOOKAHEAD_LIMIT (16 * 1024)
#define MAX_DEPTH 64

void *tree_sitter_gloss_external_scanner_create(void) { return NULL; }
void tree_sitter_gloss_external_scanner_destroy(void *payload) {}
unsigned tree_sitter_gloss_external_scanner_serialize(void *payload, char *buffer) { return 0; }
void tree_sitter_gloss_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {}

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }

static inline bool at_line_end(TSLexer *lexer) {
  return lexer->eof(lexer) || lexer->lookahead == '\n' || lexer->lookahead == '\r';
}

// With the lexer just past a `{`: whether a `}` closes the block on this
// line (quoted values may hold `}`). Consumes the block.
static bool block_closes(TSLexer *lexer) {
  bool quoted = false;
  while (!at_line_end(lexer)) {
    int32_t c = lexer->lookahead;
    advance(lexer);
    if (quoted) {
      if (c == '\\' && !at_line_end(lexer)) advance(lexer);
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '}') {
      return true;
    }
  }
  return false;
}

// Skips a line end (LF, CRLF or CR); returns whether the next line is
// blank, having consumed its blanks.
static bool next_line_blank(TSLexer *lexer) {
  if (lexer->lookahead == '\r') {
    advance(lexer);
    if (lexer->lookahead == '\n') advance(lexer);
  } else {
    advance(lexer);
  }
  while (lexer->lookahead == ' ' || lexer->lookahead == '\t') advance(lexer);
  return at_line_end(lexer);
}

// With the lexer just past a `[`: whether its matching bracket, in this
// paragraph, is a `]` directly followed by `{`.
static bool opens_span(TSLexer *lexer) {
  unsigned depth = 1;
  unsigned steps = 0;
  while (!lexer->eof(lexer) && steps++ < LOOKAHEAD_LIMIT) {
    int32_t c = lexer->lookahead;
    if (c == '\n' || c == '\r') {
      if (next_line_blank(lexer)) return false;
      continue;
    }
    advance(lexer);
    if (c == '\\') {
      if (!at_line_end(lexer)) advance(lexer);
    } else if (c == '{' && lexer->lookahead == '%') {
      // A comment: brackets inside do not count.
      advance(lexer);
      int32_t prev = 0;
      while (!lexer->eof(lexer) && !(prev == '%' && lexer->lookahead == '}') && steps++ < LOOKAHEAD_LIMIT) {
        prev = lexer->lookahead;
        advance(lexer);
      }
      if (!lexer->eof(lexer)) advance(lexer);
    } else if (c == '[') {
      if (++depth > MAX_DEPTH) return false;
    } else if (c == ']') {
      bool block = lexer->lookahead == '{';
      if (--depth == 0) return block;
      if (block) {
        advance(lexer);
        block_closes(lexer);
      }
    }
  }
  return false;
}

bool tree_sitter_gloss_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  if (valid_symbols[ERROR_SENTINEL]) return false;

  if (valid_symbols[HEADER_OPEN] && lexer->lookahead != '[') {
    // Blank lines, then `{` that closes on its line with nothing after it.
    while (lexer->lookahead == ' ' || lexer->lookahead == '\t' || lexer->lookahead == '\n' || lexer->lookahead == '\r') {
      advance(lexer);
    }
    if (lexer->lookahead == '{') {
      advance(lexer);
      if (lexer->lookahead == '%') return false;
      lexer->mark_end(lexer);
      if (!block_closes(lexer)) return false;
      while (lexer->lookahead == ' ' || lexer->lookahead == '\t') advance(lexer);
      if (!at_line_end(lexer)) return false;
      lexer->result_symbol = HEADER_OPEN;
      return true;
    }
    return false;
  }

  int32_t c = lexer->lookahead;
  if (c == '[' && valid_symbols[SPAN_OPEN]) {
    advance(lexer);
    lexer->mark_end(lexer);
    if (opens_span(lexer)) {
      lexer->result_symbol = SPAN_OPEN;
      return true;
    }
    return false;
  }
  if (c == ']' && valid_symbols[SPAN_CLOSE]) {
    advance(lexer);
    lexer->mark_end(lexer);
    if (lexer->lookahead == '{') {
      lexer->result_symbol = SPAN_CLOSE;
      return true;
    }
    return false;
  }
  if (c == '{' && (valid_symbols[BLOCK_OPEN] || valid_symbols[UNCLOSED_BLOCK_OPEN])) {
    advance(lexer);
    lexer->mark_end(lexer);
    lexer->result_symbol = block_closes(lexer) ? BLOCK_OPEN : UNCLOSED_BLOCK_OPEN;
    return true;
  }
  return false;
}
