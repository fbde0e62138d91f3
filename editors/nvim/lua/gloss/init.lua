-- Gloss for Neovim: sets the filetype `gloss` and starts `gloss lsp` for
-- documents (*.txt, *.gloss) in a folder with a gloss.toml or below it,
-- and tree-sitter highlighting when the parser is built (build.sh).
--
-- Neovim 0.7 (Debian's 0.7.2): vim.lsp.start_client and
-- vim.lsp.buf_attach_client, one client per root.
-- Neovim 0.8 to 0.10: vim.lsp.start (which reuses a client per root).
-- Neovim 0.11 and later: vim.lsp.config and vim.lsp.enable.

local M = {}

local defaults = {
  -- The language server; an absolute path if `gloss` is not on PATH.
  cmd = { 'gloss', 'lsp' },
  -- Sent as initializationOptions, e.g. { diagnostics = { on = 'type', debounceMs = 200 } }.
  settings = {},
  -- Buffers whose names match these (and that lie under a gloss.toml) are Gloss documents.
  patterns = { '*.txt', '*.gloss' },
  -- Start tree-sitter highlighting when parser/gloss.so is on the runtimepath.
  highlight = true,
  -- Folding in the windows of Gloss buffers (foldmethod=expr):
  --   true: the best this Neovim has: 'lsp' on 0.11+ (with lsp = true),
  --         else 'treesitter' on 0.9+ (with the parser built), else none;
  --   'lsp': the server's folding ranges (paragraphs of several lines, the
  --          reference list), vim.lsp.foldexpr(), Neovim 0.11+;
  --   'treesitter': queries/gloss/folds.scm (spans and comments over several
  --          lines), vim.treesitter.foldexpr(), Neovim 0.9+;
  --   false: leave folding alone.
  -- Folds start open (foldlevel 99) unless 'foldlevelstart' is set.
  folds = true,
  -- Start the language server; false leaves it to another configuration
  -- (nvim-lspconfig, vim.lsp.config) and keeps filetype and highlighting.
  lsp = true,
  -- Called as on_attach(client, bufnr) when the client attaches: set keymaps here.
  on_attach = nil,
  -- Merged into the client capabilities (e.g. those of a completion plugin).
  capabilities = nil,
  -- How :GlossReport opens the page: a command list; the file is appended.
  -- Default: `open` on macOS, `cmd /c start` on Windows, `xdg-open` elsewhere.
  opener = nil,
  -- How the client starts: 'enable' (vim.lsp.config/enable, 0.11+), 'start'
  -- (vim.lsp.start, 0.8+) or 'start_client' (0.7). Default: the newest there is.
  api = nil,
}

M.config = vim.deepcopy(defaults)

local clients = {} -- root -> client id (Neovim 0.7)

local function find_root(path)
  if not path or path == '' then
    return nil
  end
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

---------------------------------------------------------------------------
-- Tree-sitter

-- Neovim 0.7 maps capture names through its own table, which lacks some of
-- the standard names the shared queries use; those become highlight groups
-- directly (a capture starting with a capital letter is a group there).
local legacy_groups = {
  ['variable'] = 'Identifier',
  ['markup.heading'] = 'Title',
  ['conceal'] = 'GlossConceal', -- no highlight: only the conceal matters
}

local function legacy_highlight_query()
  local files = vim.treesitter.query.get_query_files('gloss', 'highlights')
  local parts = {}
  for _, file in ipairs(files) do
    local f = io.open(file, 'r')
    if f then
      table.insert(parts, f:read('*a'))
      f:close()
    end
  end
  local text = table.concat(parts, '\n')
  return (text:gsub('@([%w_%.]+)', function(name)
    local group = legacy_groups[name]
    return group and ('@' .. group) or nil
  end))
end

local function has_parser()
  return #vim.api.nvim_get_runtime_file('parser/gloss.so', false) > 0
end

--- Starts tree-sitter highlighting in a buffer; false when the parser is
--- not on the runtimepath.
function M.start_highlighting(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  if vim.treesitter.highlighter.active[buf] then
    return true
  end
  if not has_parser() then
    return false
  end
  if vim.treesitter.start then
    return (pcall(vim.treesitter.start, buf, 'gloss'))
  end
  local ok, parser = pcall(vim.treesitter.get_parser, buf, 'gloss')
  if not ok or not parser then
    return false
  end
  local query_ok, query = pcall(legacy_highlight_query)
  local opts = query_ok and { queries = { gloss = query } } or {}
  return (pcall(vim.treesitter.highlighter.new, parser, opts))
end

---------------------------------------------------------------------------
-- Folding

--- How this Neovim folds a Gloss buffer under the `folds` option: 'lsp',
--- 'treesitter', or nil (none; the second value says why). With
--- `folds = true`, a buffer the plugin's server does not serve (lsp =
--- false, or a *.gloss file under no gloss.toml) folds by tree-sitter.
function M.fold_method(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  local want = M.config.folds
  if not want then
    return nil, 'folds = false'
  end
  local lsp_ok = vim.lsp.foldexpr ~= nil
  local ts_ok = vim.treesitter.foldexpr ~= nil
  local served = M.config.lsp and find_root(vim.api.nvim_buf_get_name(buf)) ~= nil
  if want == 'lsp' or (want == true and lsp_ok and served) then
    if lsp_ok then
      return 'lsp'
    end
    return nil, 'vim.lsp.foldexpr needs Neovim 0.11'
  end
  if want == 'treesitter' or want == true then
    if not ts_ok then
      return nil, 'vim.treesitter.foldexpr needs Neovim 0.9' .. (want == true and ', vim.lsp.foldexpr 0.11' or '')
    end
    if not has_parser() then
      return nil, 'no parser/gloss.so on the runtimepath (run build.sh)'
    end
    return 'treesitter'
  end
  return nil, 'unknown folds = ' .. tostring(want)
end

local foldexprs = {
  lsp = 'v:lua.vim.lsp.foldexpr()',
  treesitter = 'v:lua.vim.treesitter.foldexpr()',
}

--- Sets folding (as :setlocal) in every window that shows the buffer,
--- unless it is set there already. Does nothing where this Neovim cannot
--- fold Gloss; returns whether folding is on.
function M.start_folding(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  local method = M.fold_method(buf)
  if not method then
    return false
  end
  local expr = foldexprs[method]
  for _, win in ipairs(vim.fn.win_findbuf(buf)) do
    vim.api.nvim_win_call(win, function()
      if vim.wo.foldmethod == 'expr' and vim.wo.foldexpr == expr then
        return
      end
      vim.cmd('setlocal foldmethod=expr foldexpr=' .. expr)
      if method == 'lsp' and vim.lsp.foldtext then
        -- The reference list folds to "References" (the range's collapsedText).
        vim.cmd('setlocal foldtext=v:lua.vim.lsp.foldtext()')
      end
      if vim.o.foldlevelstart < 0 then
        vim.cmd('setlocal foldlevel=99')
      end
    end)
  end
  return true
end

---------------------------------------------------------------------------
-- Language server

local function client_request(client, method, params, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, nil, bufnr)
  end
  return client.request(method, params, nil, bufnr)
end

-- Neovim 0.10 and 0.11 pull diagnostics (textDocument/diagnostic) when a
-- document opens or changes, but do not handle workspace/diagnostic/refresh.
-- The server reads the workspace in the background and asks for a refresh
-- when it is done; without one the first pull (empty) would stand until
-- the next edit. Where Neovim pulls but cannot be asked to refresh, the
-- plugin declares the capability and pulls again itself.
local function pulls_without_refresh(caps)
  local pulls = caps.textDocument and caps.textDocument.diagnostic ~= nil
  local refresh = caps.workspace and caps.workspace.diagnostics and caps.workspace.diagnostics.refreshSupport
  return pulls and not refresh and vim.lsp.diagnostic.on_diagnostic ~= nil
end

local function on_diagnostic_refresh(_, _, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    vim.schedule(function()
      for bufnr in pairs(client.attached_buffers or {}) do
        if vim.api.nvim_buf_is_loaded(bufnr) then
          client_request(client, 'textDocument/diagnostic', { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }, bufnr)
        end
      end
    end)
  end
  return vim.NIL
end

local function client_config()
  local caps = vim.lsp.protocol.make_client_capabilities()
  local handlers = {}
  if pulls_without_refresh(caps) then
    caps = vim.tbl_deep_extend('force', caps, { workspace = { diagnostics = { refreshSupport = true } } })
    handlers['workspace/diagnostic/refresh'] = on_diagnostic_refresh
  end
  if M.config.capabilities then
    caps = vim.tbl_deep_extend('force', caps, M.config.capabilities)
  end
  return {
    name = 'gloss',
    cmd = M.config.cmd,
    init_options = M.config.settings,
    capabilities = caps,
    handlers = handlers,
    on_attach = M.config.on_attach,
  }
end

local function api()
  if M.config.api then
    return M.config.api
  elseif vim.lsp.config ~= nil and vim.lsp.enable ~= nil then
    return 'enable'
  elseif vim.lsp.start then
    return 'start'
  end
  return 'start_client'
end

M.api = api

local function uses_enable()
  return api() == 'enable'
end

local function start_client(buf, root)
  local config = client_config()
  config.root_dir = root
  config.workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } }
  if api() == 'start' then
    return vim.lsp.start(config, { bufnr = buf })
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
  return id
end

local function is_gloss_file(name)
  return name:match('%.gloss$') ~= nil
end

--- Makes a buffer a Gloss document when it lies under a gloss.toml (a
--- *.gloss file always is): filetype, highlighting, language server.
function M.attach(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  if vim.bo[buf].buftype ~= '' then
    return
  end
  local name = vim.api.nvim_buf_get_name(buf)
  local root = find_root(name)
  if not root and not is_gloss_file(name) then
    return
  end
  if vim.bo[buf].filetype ~= 'gloss' then
    -- On 0.11+ this fires FileType, where vim.lsp.enable starts the client.
    vim.bo[buf].filetype = 'gloss'
  end
  if M.config.highlight then
    M.start_highlighting(buf)
  end
  if M.config.folds then
    M.start_folding(buf)
  end
  if root and M.config.lsp and not uses_enable() then
    start_client(buf, root)
  end
end

---------------------------------------------------------------------------
-- Reading mode

local function reading_matches(win)
  return {
    vim.fn.matchadd('Conceal', [=[\]\zs{[^}]*}]=], 10, -1, { conceal = '', window = win }),
    vim.fn.matchadd('Conceal', [=[\]\ze{[^}]*}]=], 10, -1, { conceal = '', window = win }),
    vim.fn.matchadd('Conceal', [=[\[\ze[^\]]*\]{]=], 10, -1, { conceal = '', window = win }),
  }
end

--- Reading mode: hides attribute blocks and the brackets of spans in the
--- current window, so the prose reads as prose (hover and the rest still
--- work). With tree-sitter highlighting, the conceal comes from
--- after/queries/gloss/highlights.scm and this only sets 'conceallevel';
--- without it, from matches.
function M.toggle_reading_mode()
  local win = vim.api.nvim_get_current_win()
  local state = vim.w[win].gloss_reading
  if state then
    for _, id in ipairs(state.matches or {}) do
      pcall(vim.fn.matchdelete, id, win)
    end
    vim.wo[win].conceallevel = state.conceallevel
    vim.wo[win].concealcursor = state.concealcursor
    vim.w[win].gloss_reading = nil
    return false
  end
  local buf = vim.api.nvim_win_get_buf(win)
  state = { conceallevel = vim.wo[win].conceallevel, concealcursor = vim.wo[win].concealcursor }
  if not vim.treesitter.highlighter.active[buf] then
    state.matches = reading_matches(win)
  end
  vim.w[win].gloss_reading = state
  vim.wo[win].conceallevel = 2
  vim.wo[win].concealcursor = ''
  return true
end

---------------------------------------------------------------------------
-- Report

local function default_opener()
  if vim.fn.has('mac') == 1 then
    return { 'open' }
  elseif vim.fn.has('win32') == 1 then
    return { 'cmd.exe', '/c', 'start', '' }
  end
  return { 'xdg-open' }
end

--- Writes the claim ledger of the current buffer's workspace (`gloss
--- report`) to a temporary HTML file and opens it. `done(path|nil)` is
--- called at the end, for scripts and tests.
function M.report(done)
  local root = find_root(vim.api.nvim_buf_get_name(0)) or vim.fn.getcwd()
  local out = vim.fn.tempname() .. '.html'
  local bin = M.config.cmd[1]
  local errors = {}
  local ok, job = pcall(vim.fn.jobstart, { bin, 'report', root, '-o', out }, {
    stderr_buffered = true,
    on_stderr = function(_, data)
      errors = data or {}
    end,
    on_exit = function(_, code)
      if code ~= 0 then
        vim.notify('gloss report failed (' .. code .. '): ' .. table.concat(errors, '\n'), vim.log.levels.ERROR)
        if type(done) == 'function' then
          done(nil)
        end
        return
      end
      local opener = vim.deepcopy(M.config.opener or default_opener())
      table.insert(opener, out)
      local opened, id = pcall(vim.fn.jobstart, opener, { detach = true })
      if opened and id > 0 then
        vim.notify('Gloss report: ' .. out)
      else
        vim.notify('Gloss report written to ' .. out .. ' (cannot run ' .. opener[1] .. ' to open it)', vim.log.levels.WARN)
      end
      if type(done) == 'function' then
        done(out)
      end
    end,
  })
  if not ok or job <= 0 then
    vim.notify('cannot run ' .. tostring(bin) .. ' report', vim.log.levels.ERROR)
    if type(done) == 'function' then
      done(nil)
    end
  end
end

---------------------------------------------------------------------------
-- Setup

function M.create_commands()
  vim.api.nvim_create_user_command('GlossReport', function()
    M.report()
  end, { desc = 'Open the Gloss claim ledger (gloss report) of this workspace' })
  vim.api.nvim_create_user_command('GlossReadingMode', function()
    M.toggle_reading_mode()
  end, { desc = 'Toggle Gloss reading mode (hide attribute blocks)' })
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  if opts and opts.cmd then
    M.config.cmd = opts.cmd -- a list replaces, never merges
  end
  if opts and opts.opener then
    M.config.opener = opts.opener
  end
  M.create_commands()

  if M.config.lsp and uses_enable() then
    local config = client_config()
    config.filetypes = { 'gloss' }
    config.root_dir = function(bufnr, on_dir)
      local root = find_root(vim.api.nvim_buf_get_name(bufnr))
      if root then
        on_dir(root)
      end
    end
    vim.lsp.config('gloss', config)
    vim.lsp.enable('gloss')
  end

  local group = vim.api.nvim_create_augroup('gloss', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
    group = group,
    pattern = M.config.patterns,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- A Gloss buffer shown in another window folds there too.
  vim.api.nvim_create_autocmd('BufWinEnter', {
    group = group,
    callback = function(args)
      if M.config.folds and vim.bo[args.buf].filetype == 'gloss' then
        M.start_folding(args.buf)
      end
    end,
  })
  -- Buffers already open when setup runs.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      local name = vim.api.nvim_buf_get_name(buf)
      for _, pattern in ipairs(M.config.patterns) do
        if vim.fn.match(name, vim.fn.glob2regpat(pattern)) >= 0 then
          M.attach(buf)
          break
        end
      end
    end
  end
end

return M
