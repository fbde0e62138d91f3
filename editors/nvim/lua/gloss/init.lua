-- Gloss for Neovim: starts `gloss lsp` for documents under a folder with a
-- gloss.toml, and tree-sitter highlighting when the parser is built.
-- Works on Neovim 0.7 (vim.lsp.start_client) and later (vim.lsp.start).

local M = {}

M.config = {
  cmd = { 'gloss', 'lsp' },
  -- Sent as initializationOptions: { diagnostics = { on = 'type'|'save', debounceMs = 200 } }
  settings = {},
  filetypes_patterns = { '*.txt', '*.gloss' },
}

local clients = {} -- root -> client id (0.7)

local function find_root(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while dir and dir ~= '' do
    if vim.fn.filereadable(dir .. '/gloss.toml') == 1 then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
  return nil
end
M.find_root = find_root

local function start_highlighting(buf)
  local ok, parser = pcall(vim.treesitter.get_parser, buf, 'gloss')
  if not ok or not parser then
    return false
  end
  if vim.treesitter.start then
    pcall(vim.treesitter.start, buf, 'gloss')
  else
    vim.treesitter.highlighter.new(parser)
  end
  return true
end

local function attach(buf)
  local name = vim.api.nvim_buf_get_name(buf)
  local root = find_root(name)
  if not root then
    return
  end
  vim.bo[buf].filetype = 'gloss'
  start_highlighting(buf)
  local config = {
    name = 'gloss',
    cmd = M.config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    init_options = M.config.settings,
  }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = buf })
    return
  end
  -- Neovim 0.7: one client per root, attached to each buffer.
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(buf, id)
  end
end
M.attach = attach

--- Reading mode: conceals attribute blocks and the `[` of spans in the
--- current window, so prose reads as prose (hover still works).
function M.toggle_reading_mode()
  local win = vim.api.nvim_get_current_win()
  if vim.w[win].gloss_reading then
    for _, id in ipairs(vim.w[win].gloss_reading) do
      pcall(vim.fn.matchdelete, id, win)
    end
    vim.w[win].gloss_reading = nil
    vim.wo[win].conceallevel = 0
    return
  end
  vim.w[win].gloss_reading = {
    vim.fn.matchadd('Conceal', [=[\]\zs{[^}]*}]=], 10, -1, { conceal = '' }),
    vim.fn.matchadd('Conceal', [=[\]\ze{[^}]*}]=], 10, -1, { conceal = '' }),
    vim.fn.matchadd('Conceal', [=[\[\ze[^\]]*\]{]=], 10, -1, { conceal = '' }),
  }
  vim.wo[win].conceallevel = 2
  vim.wo[win].concealcursor = ''
end

--- Opens the HTML claim ledger of the current workspace (`gloss report`).
function M.report()
  local root = find_root(vim.api.nvim_buf_get_name(0)) or vim.fn.getcwd()
  local out = vim.fn.tempname() .. '.html'
  local bin = M.config.cmd[1]
  vim.fn.jobstart({ bin, 'report', root, '-o', out }, {
    on_exit = function(_, code)
      if code ~= 0 then
        vim.notify('gloss report failed (' .. code .. ')', vim.log.levels.ERROR)
        return
      end
      local opener = vim.fn.has('mac') == 1 and 'open' or 'xdg-open'
      vim.fn.jobstart({ opener, out }, { detach = true })
      vim.notify('Gloss report: ' .. out)
    end,
  })
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  local group = vim.api.nvim_create_augroup('gloss', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
    group = group,
    pattern = M.config.filetypes_patterns,
    callback = function(args)
      attach(args.buf)
    end,
  })
  vim.api.nvim_create_user_command('GlossReport', M.report, { desc = 'Open the Gloss claim ledger' })
  vim.api.nvim_create_user_command('GlossReadingMode', M.toggle_reading_mode, { desc = 'Toggle Gloss reading mode' })
  -- Buffers already open when setup runs.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(buf)
    if vim.api.nvim_buf_is_loaded(buf) and (name:match('%.txt$') or name:match('%.gloss$')) then
      attach(buf)
    end
  end
end

return M
