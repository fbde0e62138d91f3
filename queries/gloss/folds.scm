; Spans and comments that run over several lines fold.
[
  (span)
  (comment)
  (unclosed_comment)
] @fold
