; extends
; Reading mode (Neovim only): with 'conceallevel' above 0, attribute
; blocks and the brackets of spans are hidden, so the prose reads as prose.
; The capture name has no highlight of its own; with 'conceallevel' 0
; nothing changes.

((attributes) @conceal
  (#set! conceal ""))

((span
  "[" @conceal)
  (#set! conceal ""))

((span
  "]" @conceal)
  (#set! conceal ""))
