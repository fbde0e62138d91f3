-- Loaded by Neovim from the runtimepath. Nothing starts until
-- require('gloss').setup() is called; the filetype is known from here on.
vim.filetype = vim.filetype or {}
if vim.filetype.add then
  vim.filetype.add({ extension = { gloss = 'gloss' } })
end
