-- Headless checks of the Gloss plugin in a real Neovim (0.7 and later):
--   nvim --headless --clean -u NONE -c 'luafile test.lua'
-- Environment: GLOSS_PLUGIN (the plugin folder, editors/nvim), GLOSS_BIN
-- (the gloss binary), GLOSS_WS (a scratch copy of seeds/), GLOSS_OUTSIDE
-- (a scratch folder with no gloss.toml above it).
-- Prints `ok - ...` / `not ok - ...` per check (`skip - ...: why` for one
-- this Neovim cannot do), then `N passed, N failed, N skipped`; exits
-- non-zero on any failure, and after 90 s whatever happens.

local plugin, bin, ws = os.getenv('GLOSS_PLUGIN'), os.getenv('GLOSS_BIN'), os.getenv('GLOSS_WS')
local outside = os.getenv('GLOSS_OUTSIDE')
local passed, failed, skipped = 0, 0, 0

-- Straight to stdout: print() in headless Neovim goes through the message
-- area, which loses line breaks around a redraw.
local function say(line)
  io.stdout:write(line, '\n')
  io.stdout:flush()
end

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    say('ok - ' .. name)
  else
    failed = failed + 1
    local text = detail ~= nil and tostring(detail) or ''
    if #text > 1500 then
      text = text:sub(1, 1500) .. '...'
    end
    say('not ok - ' .. name .. (text ~= '' and (': ' .. text) or ''))
  end
  io.stdout:flush()
end

-- A check this Neovim cannot run, said as such: never counted as passed.
local function skip(name, why)
  skipped = skipped + 1
  say('skip - ' .. name .. ': ' .. why)
end

local function finish()
  say(string.format('%d passed, %d failed, %d skipped', passed, failed, skipped))
  -- :qall / :cquit rather than os.exit(): Neovim stops the language
  -- server and removes its temporary folder on the way out.
  vim.cmd(failed == 0 and 'qall!' or 'cquit!')
end

-- Never hang.
vim.defer_fn(function()
  say('not ok - timed out after 90 s')
  failed = failed + 1
  finish()
end, 90000)

local ok_all, err_all = xpcall(function()
  say('# ' .. (vim.fn.execute('version'):match('NVIM v[^\n]*') or 'NVIM ?'))
  vim.o.columns, vim.o.lines = 220, 50

  -- Installed as a user would: the plugin folder (and its after/) on the
  -- runtimepath, plugin/gloss.lua sourced (-u NONE skips plugins), setup().
  vim.opt.runtimepath:prepend(plugin)
  vim.opt.runtimepath:append(plugin .. '/after')
  vim.cmd('runtime! plugin/gloss.lua')
  local gloss = require('gloss')
  local opened = ws .. '/opened-report.html'
  gloss.setup({
    cmd = { bin, 'lsp' },
    settings = { diagnostics = { debounceMs = 0 } },
    -- The "system opener" of this test copies the page where it can be read.
    opener = { 'sh', '-c', 'cp "$1" "' .. opened .. '"', 'sh' },
    api = os.getenv('GLOSS_API') ~= '' and os.getenv('GLOSS_API') or nil,
  })
  say('# the client starts with ' .. gloss.api())
  vim.notify = function(msg)
    say('# ' .. tostring(msg))
  end

  local function gloss_clients(buf)
    if vim.lsp.get_clients then
      return vim.lsp.get_clients({ bufnr = buf, name = 'gloss' })
    end
    local list = {}
    for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
      if c.name == 'gloss' then
        table.insert(list, c)
      end
    end
    return list
  end

  local function all_gloss_clients()
    local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
    return vim.tbl_filter(function(c)
      return c.name == 'gloss'
    end, all)
  end

  -- Puts the cursor `skip` bytes into the first occurrence of `needle`.
  local function cursor_on(needle, skip)
    for i, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
      local s = line:find(needle, 1, true)
      if s then
        vim.api.nvim_win_set_cursor(0, { i, s - 1 + (skip or 0) })
        return i
      end
    end
  end

  local function request_here(method)
    local buf = vim.api.nvim_get_current_buf()
    local client = gloss_clients(buf)[1]
    if not client then
      return nil, 'no client'
    end
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    local responses, err = vim.lsp.buf_request_sync(buf, method, params, 15000)
    for _, r in pairs(responses or {}) do
      if r.result then
        return r.result
      end
      err = r.err or r.error or err
    end
    return nil, vim.inspect(err or responses)
  end

  local function diagnostic_code(d)
    return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  end

  local function has_code(buf, code)
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if diagnostic_code(d) == code then
        return true
      end
    end
    return false
  end

  local function codes(buf)
    local list = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(list, tostring(diagnostic_code(d)))
    end
    return table.concat(list, ' ')
  end

  ---------------------------------------------------------------------------
  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/01-russias-north-korean-connection.txt'))
  local buf = vim.api.nvim_get_current_buf()
  local attached = vim.wait(20000, function()
    return #gloss_clients(buf) > 0 and gloss_clients(buf)[1].initialized ~= false
  end, 50)
  check('a seed document gets filetype gloss and the client attaches', attached and vim.bo[buf].filetype == 'gloss', vim.bo[buf].filetype)

  -- The server reads the workspace in the background: its diagnostics
  -- arriving tell that it is done.
  local conflict = vim.wait(30000, function()
    return has_code(buf, 'conflicting-claim')
  end, 100)
  check('conflicting-claim reaches vim.diagnostic.get in 01', conflict, codes(buf))

  cursor_on('{@putin}', 3)
  local hover, hover_err = request_here('textDocument/hover')
  local text = hover and hover.contents and (hover.contents.value or hover.contents) or ''
  if type(text) == 'table' then
    text = vim.inspect(text)
  end
  check('hover on @putin shows his card ("Vladimir Putin")', text:find('Vladimir Putin', 1, true) ~= nil, hover_err or vim.inspect(hover))

  cursor_on('approximately 10,000 soldiers', 3)
  local defs, def_err = request_here('textDocument/definition')
  local first = defs and (defs[1] or defs)
  local uri = first and (first.uri or first.targetUri)
  local range = first and (first.range or first.targetSelectionRange)
  local target_line = ''
  if uri and uri:find('registry.toml', 1, true) and range then
    target_line = vim.fn.readfile(vim.uri_to_fname(uri))[range.start.line + 1] or ''
  end
  check('definition on the claim goes to its source @ua-intel in registry.toml', target_line:find('ua-intel', 1, true) ~= nil, def_err or vim.inspect(defs))


  -- Tree-sitter: the highlighter is on, and its own query captures the id.
  local hl = vim.treesitter.highlighter.active[buf]
  local capture_of_putin
  if hl then
    local parser = vim.treesitter.get_parser(buf, 'gloss')
    local root = parser:parse()[1]:root()
    local query = hl:get_query('gloss'):query()
    local get_text = vim.treesitter.get_node_text or vim.treesitter.query.get_node_text
    for id, node in query:iter_captures(root, buf, 0, -1) do
      if node:type() == 'id' and node:parent():type() == 'reference' and get_text(node, buf) == 'putin' then
        capture_of_putin = query.captures[id]
        break
      end
    end
  end
  check('tree-sitter highlighting is on and captures the actor id putin', capture_of_putin ~= nil,
    hl and 'no capture' or 'no highlighter (parser/gloss.so on the runtimepath?)')
  if capture_of_putin then
    say('# @putin is captured as @' .. capture_of_putin)
  end

  -- Reading mode: on screen, the attribute block of a span disappears.
  local function screen_row(lnum)
    local pos = vim.fn.screenpos(0, lnum, 1)
    local chars = {}
    for col = 1, vim.o.columns do
      table.insert(chars, vim.fn.screenstring(pos.row, col))
    end
    return table.concat(chars)
  end
  vim.wo.wrap = false
  local putin_line = cursor_on('[Vladimir Putin]{@putin}', 0)
  vim.cmd('normal! zt')
  vim.api.nvim_win_set_cursor(0, { putin_line + 1, 0 }) -- the cursor line is never concealed
  vim.cmd('redraw!')
  local plain = screen_row(putin_line)
  gloss.toggle_reading_mode()
  vim.cmd('redraw!')
  local reading = screen_row(putin_line)
  check('reading mode hides attribute blocks on screen',
    plain:find('{@putin}', 1, true) and not reading:find('{@putin}', 1, true) and reading:find('Vladimir Putin, right', 1, true) ~= nil,
    '\n  before: ' .. plain .. '\n  after:  ' .. reading)
  gloss.toggle_reading_mode()
  vim.cmd('redraw!')
  check('reading mode toggles off', vim.wo.conceallevel == 0 and screen_row(putin_line):find('{@putin}', 1, true) ~= nil, screen_row(putin_line))

  -- Folds: on 0.11 the server's folding ranges (vim.lsp.foldexpr): a
  -- paragraph of two lines folds, the blank line before it does not.
  local fold_name = 'folds: a paragraph of two lines folds (the server\'s folding ranges)'
  local method, why = gloss.fold_method(buf)
  if method == 'lsp' then
    local para = cursor_on('[Vladimir Putin]{@putin}, right', 0)
    local folded = vim.wait(20000, function()
      vim.cmd('normal! zx')
      return vim.fn.foldlevel(para) > 0 and vim.fn.foldlevel(para + 1) > 0
    end, 200)
    check(fold_name, folded and vim.fn.foldlevel(para - 1) == 0 and vim.wo.foldmethod == 'expr',
      string.format('foldmethod=%s foldexpr=%s, levels of lines %d..%d: %d %d %d', vim.wo.foldmethod, vim.wo.foldexpr, para - 1, para + 1,
        vim.fn.foldlevel(para - 1), vim.fn.foldlevel(para), vim.fn.foldlevel(para + 1)))
    check('folds start open (foldlevel 99)', vim.fn.foldclosed(para) == -1, vim.fn.foldclosed(para))
  else
    skip(fold_name, why or ('folds by ' .. tostring(method) .. ' here'))
  end

  ---------------------------------------------------------------------------
  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/02-the-stakes-of-the-russia-north-korea-alliance.txt'))
  local buf2 = vim.api.nvim_get_current_buf()
  local unsourced = vim.wait(30000, function()
    return has_code(buf2, 'unsourced-claim')
  end, 100)
  check('unsourced-claim reaches vim.diagnostic.get in 02', unsourced, codes(buf2))
  local c1, c2 = gloss_clients(buf)[1], gloss_clients(buf2)[1]
  check('one client for the root, attached to both documents',
    c1 and c2 and c1.id == c2.id and #all_gloss_clients() == 1, #all_gloss_clients() .. ' clients')

  -- A .txt file with no gloss.toml above it is left alone.
  if outside then
    vim.cmd('edit ' .. vim.fn.fnameescape(outside .. '/notes.txt'))
    local buf3 = vim.api.nvim_get_current_buf()
    vim.wait(300)
    check('a .txt file outside any gloss.toml is not a Gloss document',
      vim.bo[buf3].filetype ~= 'gloss' and #gloss_clients(buf3) == 0, vim.bo[buf3].filetype)

    -- A *.gloss file under no gloss.toml is a Gloss buffer without a
    -- server: it folds by tree-sitter (queries/gloss/folds.scm) on 0.9+.
    local file = outside .. '/folds.gloss'
    vim.fn.writefile({ '{% a comment', 'over three', 'lines %}', '', 'Text [a span', 'over two lines]{@x}.', '', 'One line.' }, file)
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    local buf4 = vim.api.nvim_get_current_buf()
    local ts_name = 'folds: tree-sitter folds a comment and a span over several lines (folds.scm)'
    if vim.bo[buf4].filetype ~= 'gloss' then
      check(ts_name, false, 'filetype ' .. vim.bo[buf4].filetype)
    else
      local ts_method, ts_why = gloss.fold_method(buf4)
      if ts_method == 'treesitter' then
        local levels
        local folded = vim.wait(5000, function()
          vim.cmd('normal! zx')
          levels = {}
          for l = 1, 8 do
            levels[l] = vim.fn.foldlevel(l)
          end
          return levels[1] > 0 and levels[3] > 0 and levels[5] > 0 and levels[6] > 0
        end, 100)
        check(ts_name, folded and levels[4] == 0 and levels[8] == 0, 'levels ' .. table.concat(levels, ' '))
      else
        skip(ts_name, ts_why or tostring(ts_method))
      end
    end
    vim.cmd('buffer ' .. buf2)
  end

  -- :GlossReport writes the ledger and hands it to the opener.
  vim.cmd('GlossReport')
  local reported = vim.wait(30000, function()
    return vim.fn.filereadable(opened) == 1 and vim.fn.getfsize(opened) > 0
  end, 100)
  local page = reported and table.concat(vim.fn.readfile(opened), '\n') or ''
  check(':GlossReport writes the HTML ledger and opens it', page:find('<html', 1, true) ~= nil and page:find('nk-troops-in-russia', 1, true) ~= nil,
    reported and page:sub(1, 200) or 'nothing opened')
end, debug.traceback)

if not ok_all then
  check('the test script runs to its end', false, err_all)
end
finish()
