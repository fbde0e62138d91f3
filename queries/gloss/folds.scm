; Spans and comments that run over several lines fold (Neovim's
; vim.treesitter.foldexpr(); a node folds when it covers two lines or more).
; The tree has no paragraph or reference-list nodes (prose is `text`, which
; runs across blank lines): those folds are the language server's folding
; ranges (vim.lsp.foldexpr() on Neovim 0.11+).
[
  (span)
  (comment)
  (unclosed_comment)
] @fold
