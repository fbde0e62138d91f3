; Gloss markup highlights, shared by Neovim and Helix (and `tree-sitter
; highlight`). Standard capture names only, and only the predicates both
; editors support (#eq?, #not-eq?). No two patterns capture the same node,
; since Helix keeps the first capture and Neovim the last.

(comment) @comment

; A comment not closed in its paragraph comments out the rest of it.
(unclosed_comment) @comment

(escape) @string.escape

; Spans: the brackets and braces around the annotated text.
(span
  "[" @punctuation.bracket
  "]" @punctuation.bracket)

(attributes
  "{" @punctuation.bracket
  "}" @punctuation.bracket)

; The header: the document itself as a source.
(header
  "{" @punctuation.special
  "}" @punctuation.special)

(header
  (definition
    "#" @punctuation.special
    (id) @markup.heading))

; `#id`: an entity defined at this span.
(attributes
  (definition
    "#" @punctuation.special
    (id) @label))

; `@id`: a reference to an entity.
(reference
  "@" @punctuation.special
  (id) @variable)

(references
  "@" @punctuation.special)

(references
  (id) @variable)

(references
  "," @punctuation.delimiter)

; `key=value`; `claim=` marks a claim.
((key) @keyword
  (#eq? @keyword "claim"))

((key) @property
  (#not-eq? @property "claim"))

(pair
  "=" @operator)

(bare) @string

(quoted) @string

(invalid_attribute) @error

(unclosed_attributes) @error
