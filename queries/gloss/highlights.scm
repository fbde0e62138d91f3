; Gloss markup highlights, for Neovim, Helix and tree-sitter highlight.
; Standard capture names only; no editor-specific predicates.

(comment) @comment

(escape) @string.escape

(span
  "[" @punctuation.bracket
  "]" @punctuation.bracket)

(attributes
  "{" @punctuation.bracket
  "}" @punctuation.bracket)

(header
  "{" @punctuation.special
  "}" @punctuation.special)

(reference
  "@" @punctuation.special
  (id) @variable)

(references
  "@" @punctuation.special
  (id) @variable)

(definition
  "#" @punctuation.special
  (id) @label)

(pair
  (key) @property
  "=" @operator)

(pair
  key: (key) @keyword
  (#eq? @keyword "claim"))

(bare) @string

(quoted) @string

(invalid_attribute) @error

(unclosed_attributes) @error
