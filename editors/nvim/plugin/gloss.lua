-- Loaded by Neovim from the runtimepath: the `gloss` filetype for *.gloss
-- files and the commands. The language server and highlighting start once
-- require('gloss').setup() has been called.
if vim.g.loaded_gloss then
  return
end
vim.g.loaded_gloss = true

if vim.fn.has('nvim-0.8') == 1 and vim.filetype and vim.filetype.add then
  vim.filetype.add({ extension = { gloss = 'gloss' } })
else
  -- Neovim 0.7 reads vim.filetype.add only with g:do_filetype_lua set.
  vim.cmd([[
    augroup gloss_filetype
      autocmd!
      autocmd BufRead,BufNewFile *.gloss setfiletype gloss
    augroup END
  ]])
end

require('gloss').create_commands()
