-- Headless checks of the Gloss plugin in a real Neovim:
--   nvim --headless --clean -u NONE -c 'luafile test.lua'
-- Environment: GLOSS_PLUGIN (plugin folder), GLOSS_BIN (the binary),
-- GLOSS_WS (a copy of seeds/).

local plugin, bin, ws = os.getenv('GLOSS_PLUGIN'), os.getenv('GLOSS_BIN'), os.getenv('GLOSS_WS')
local passed, failed = 0, 0

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    print('ok - ' .. name)
  else
    failed = failed + 1
    print('not ok - ' .. name .. (detail and (': ' .. tostring(detail)) or ''))
  end
end

local function finish()
  print(string.format('%d passed, %d failed', passed, failed))
  io.stdout:flush()
  os.exit(failed == 0 and 0 or 1)
end

-- Never hang: fail after 120 s whatever happens.
vim.defer_fn(function()
  print('not ok - timed out')
  failed = failed + 1
  finish()
end, 120000)

vim.opt.runtimepath:prepend(plugin)
local gloss = require('gloss')
gloss.setup({ cmd = { bin, 'lsp' }, settings = { diagnostics = { debounceMs = 0 } } })

local function position_of(buf, needle, skip)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = line:find(needle, 1, true)
    if s then
      local byte = s - 1 + (skip or 0)
      local _, utf16 = vim.str_utfindex(line, byte)
      return { line = i - 1, character = utf16 }
    end
  end
end

local function request(buf, method, position)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = position }
  local responses = vim.lsp.buf_request_sync(buf, method, params, 15000) or {}
  for _, r in pairs(responses) do
    if r.result then
      return r.result
    end
  end
end

local function has_code(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local c = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if c == code then
      return true
    end
  end
  return false
end

vim.cmd('edit ' .. ws .. '/01-russias-north-korean-connection.txt')
local buf = vim.api.nvim_get_current_buf()
local attached = vim.wait(20000, function()
  return #vim.lsp.buf_get_clients(buf) > 0
end, 100)
check('the client attaches to a seed document', attached, vim.bo[buf].filetype)

local conflict = vim.wait(30000, function()
  return has_code(buf, 'conflicting-claim')
end, 200)
check('conflicting-claim in vim.diagnostic.get', conflict, vim.inspect(vim.diagnostic.get(buf)))

local hover = request(buf, 'textDocument/hover', position_of(buf, '{@putin}', 3))
local text = hover and hover.contents and (hover.contents.value or hover.contents) or ''
check('hover on @putin shows his card', type(text) == 'string' and text:find('Vladimir Putin', 1, true) ~= nil, vim.inspect(hover))

local defs = request(buf, 'textDocument/definition', position_of(buf, 'approximately 10,000', 2))
local first = defs and (defs[1] or defs)
check('definition on a claim goes to its source in registry.toml', first and first.uri and first.uri:find('registry.toml', 1, true) ~= nil, vim.inspect(defs))

local parser_ok, parser = pcall(vim.treesitter.get_parser, buf, 'gloss')
local captured = false
if parser_ok then
  local tree = parser:parse()[1]
  local parse_query = vim.treesitter.query and vim.treesitter.query.parse or vim.treesitter.parse_query
  local query = parse_query('gloss', '(reference (id) @id)')
  for _, node in query:iter_captures(tree:root(), buf, 0, -1) do
    local get_text = vim.treesitter.get_node_text or vim.treesitter.query.get_node_text
    if get_text(node, buf) == 'putin' then
      captured = true
      break
    end
  end
end
local highlighting = vim.treesitter.highlighter.active[buf] ~= nil
check('tree-sitter highlighting is on and captures an actor id', highlighting and captured, tostring(parser))

gloss.toggle_reading_mode()
local concealed = 0
for _, m in ipairs(vim.fn.getmatches()) do
  if m.group == 'Conceal' then
    concealed = concealed + 1
  end
end
check('reading mode conceals attribute blocks', concealed == 3 and vim.wo.conceallevel == 2, vim.inspect(vim.fn.getmatches()))
gloss.toggle_reading_mode()

vim.cmd('edit ' .. ws .. '/02-the-stakes-of-the-russia-north-korea-alliance.txt')
local buf2 = vim.api.nvim_get_current_buf()
local unsourced = vim.wait(30000, function()
  return has_code(buf2, 'unsourced-claim')
end, 200)
check('unsourced-claim in a second document', unsourced, vim.inspect(vim.diagnostic.get(buf2)))

finish()
