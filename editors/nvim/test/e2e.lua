-- End-to-end test in a real headless Neovim against the real `gwlint lsp`.
-- Run by editors/nvim/test/run.sh, one step per Neovim process:
--   GWLINT_BIN=… GWLINT_E2E_DIR=<project copy> GWLINT_E2E_STEP=<step> nvim --headless -u NONE …
-- Positions in assertions are 1-based lines and 1-based character (code point) columns.

local bin = assert(os.getenv('GWLINT_BIN'), 'GWLINT_BIN')
local dir = assert(os.getenv('GWLINT_E2E_DIR'), 'GWLINT_E2E_DIR')
local step = assert(os.getenv('GWLINT_E2E_STEP'), 'GWLINT_E2E_STEP')
local TIMEOUT = 20000

local function out(msg)
  io.stdout:write(msg .. '\n')
  io.stdout:flush()
end

local function fail(msg)
  io.stderr:write(('FAIL [%s] %s\n'):format(step, msg))
  io.stderr:flush()
  vim.cmd('cquit 1')
end

local function check(cond, msg)
  if not cond then
    fail(msg)
  end
end

-- gwlint findings in `bufnr` as { rule, line, col, text } (1-based, characters).
local function findings(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'gwlint' then
      local line = vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, false)[1] or ''
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      local end_col = (d.end_lnum == d.lnum) and d.end_col or #line
      table.insert(list, {
        rule = code,
        line = d.lnum + 1,
        col = vim.fn.strchars(line:sub(1, d.col)) + 1,
        text = line:sub(d.col + 1, end_col),
        severity = d.severity,
      })
    end
  end
  table.sort(list, function(a, b)
    return a.line < b.line or (a.line == b.line and a.col < b.col)
  end)
  return list
end

local function show(list)
  local parts = {}
  for _, f in ipairs(list) do
    table.insert(parts, ('%s@%d:%d %q'):format(tostring(f.rule), f.line, f.col, f.text))
  end
  return '{' .. table.concat(parts, ', ') .. '}'
end

local function find(list, rule, line, col, text)
  for _, f in ipairs(list) do
    if f.rule == rule and f.line == line and f.col == col and (text == nil or f.text == text) then
      return f
    end
  end
  return nil
end

-- Waits until `pred(findings)` holds; fails with the last findings seen.
local function wait_for(bufnr, what, pred)
  local last = {}
  local ok = vim.wait(TIMEOUT, function()
    last = findings(bufnr)
    return pred(last)
  end, 20)
  check(ok, ('timed out waiting for %s; diagnostics: %s'):format(what, show(last)))
  return last
end

local function byte_col(bufnr, lnum, needle)
  local line = vim.api.nvim_buf_get_lines(bufnr, lnum - 1, lnum, false)[1]
  local s = line:find(needle, 1, true)
  check(s ~= nil, ('%q not on line %d'):format(needle, lnum))
  return s - 1
end

local function append_to_line(bufnr, lnum, text)
  local line = vim.api.nvim_buf_get_lines(bufnr, lnum - 1, lnum, false)[1]
  vim.api.nvim_buf_set_text(bufnr, lnum - 1, #line, lnum - 1, #line, { text })
end

-- The placeholders of 000_b6ef4dbc6134b96b.txt (also asserted by tests/cli.rs).
local CORPUS = {
  { 'placeholder.star', 14, 21, '**' },
  { 'placeholder.x', 16, 119, 'XX' },
  { 'placeholder.x', 26, 6, 'xx' },
  { 'placeholder.x', 40, 15, 'xx' },
}

local function has_all(list, expected)
  for _, e in ipairs(expected) do
    if not find(list, e[1], e[2], e[3], e[4]) then
      return false
    end
  end
  return true
end

vim.cmd('filetype on')
require('gwlint').setup({ cmd = { bin, 'lsp' }, settings = { debounceMs = 10 } })
vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/000_b6ef4dbc6134b96b.txt'))
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == 'text', 'filetype is ' .. vim.bo[buf].filetype)

local steps = {}

function steps.diagnostics()
  local list = wait_for(buf, 'the corpus placeholders', function(l)
    return has_all(l, CORPUS)
  end)
  local clients = require('gwlint').clients()
  check(#clients == 1, ('expected one gwlint client, got %d'):format(#clients))
  -- Root detection: the folder holding .gwlint.toml.
  check(
    vim.loop.fs_realpath(clients[1].config.root_dir) == vim.loop.fs_realpath(dir),
    'root_dir ' .. tostring(clients[1].config.root_dir)
  )
  local star = find(list, 'placeholder.star', 14, 21, '**')
  check(star.severity == vim.diagnostic.severity.ERROR, 'severity ' .. tostring(star.severity))
  out(('diagnostics: %d gwlint findings, e.g. %s'):format(#list, show({ star })))
end

function steps.edit()
  wait_for(buf, 'the corpus placeholders', function(l)
    return has_all(l, CORPUS)
  end)
  -- Fill in the placeholder on line 14 (removes one error)...
  local c = byte_col(buf, 14, '《**县')
  vim.api.nvim_buf_set_text(buf, 13, c + #'《', 13, c + #'《**', { '宿城' })
  -- ...and type a new one at the end of line 3 (adds another).
  append_to_line(buf, 3, '请X同志发言。')
  local list = wait_for(buf, 'diagnostics to follow the edits', function(l)
    return not find(l, 'placeholder.star', 14, 21) and find(l, 'placeholder.x', 3, 11, 'X') ~= nil
  end)
  check(has_all(list, { CORPUS[2], CORPUS[3], CORPUS[4] }), 'other findings lost: ' .. show(list))
  out('edit: ' .. show({ find(list, 'placeholder.x', 3, 11) }) .. ' added, placeholder.star@14:21 gone')
end

function steps.code_action()
  wait_for(buf, 'the corpus placeholders', function(l)
    return has_all(l, CORPUS)
  end)
  append_to_line(buf, 3, '县城管局要加强管理。')
  local list = wait_for(buf, 'the project rule `terms`', function(l)
    return find(l, 'terms', 3, 10, '县城管局') ~= nil
  end)
  check(#list > 0, 'no findings')
  local title = '改为“县城市管理局”'
  local col = byte_col(buf, 3, '县城管局')
  vim.api.nvim_win_set_cursor(0, { 3, col })
  if vim.fn.has('nvim-0.8') == 1 then
    -- What a user runs: the code action at the cursor, applied.
    vim.lsp.buf.code_action({
      filter = function(a)
        return a.title == title
      end,
      apply = true,
    })
  else
    -- Neovim 0.7 has no filter/apply: request, pick and apply the edit ourselves.
    local client = require('gwlint').clients()[1]
    -- As vim.lsp.buf.code_action() does on 0.7: the line's diagnostics in LSP form.
    local lsp_diags = vim.lsp.diagnostic.get_line_diagnostics(buf, 2)
    local line = vim.api.nvim_buf_get_lines(buf, 2, 3, false)[1]
    local u16 = select(2, vim.str_utfindex(line, col))
    local params = {
      textDocument = vim.lsp.util.make_text_document_params(buf),
      range = { start = { line = 2, character = u16 }, ['end'] = { line = 2, character = u16 } },
      context = { diagnostics = lsp_diags },
    }
    local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, TIMEOUT) or {}
    local chosen
    for _, r in pairs(responses) do
      for _, a in ipairs(r.result or {}) do
        if a.title == title then
          chosen = a
        end
      end
    end
    check(chosen ~= nil, 'no code action titled ' .. title .. ': ' .. vim.inspect(responses):sub(1, 3000))
    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  end
  local want = '各位领导、同志们：县城市管理局要加强管理。'
  local ok = vim.wait(TIMEOUT, function()
    return vim.api.nvim_buf_get_lines(buf, 2, 3, false)[1] == want
  end, 20)
  check(ok, 'line 3 is ' .. vim.inspect(vim.api.nvim_buf_get_lines(buf, 2, 3, false)[1]))
  wait_for(buf, 'the fixed finding to go away', function(l)
    for _, f in ipairs(l) do
      if f.rule == 'terms' then
        return false
      end
    end
    return has_all(l, CORPUS)
  end)
  out('code_action: applied ' .. title .. ', line 3 = ' .. want)
end

-- Needs the curated typo pack (rules/typos.toml, `typo`).
function steps.typos()
  local list = wait_for(buf, 'typo findings', function(l)
    return find(l, 'typo', 4, 13, '吐火如荼') ~= nil and find(l, 'typo', 14, 111, '布臵') ~= nil
  end)
  out('typos: ' .. show({ find(list, 'typo', 4, 13), find(list, 'typo', 14, 111) }))
end

-- Needs textDocument/documentSymbol from the outline parser.
function steps.symbols()
  wait_for(buf, 'the corpus placeholders', function(l)
    return has_all(l, CORPUS)
  end)
  local params = { textDocument = vim.lsp.util.make_text_document_params(buf) }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/documentSymbol', params, TIMEOUT) or {}
  local symbols = {}
  for _, r in pairs(responses) do
    check(r.err == nil, 'documentSymbol failed: ' .. vim.inspect(r.err))
    symbols = r.result or {}
  end
  check(#symbols > 0, 'no document symbols')
  -- 一、创建全国文明城市的进展情况 (line 27) holds (一)领导带头抓落实… (line 28).
  local function walk(list, fn)
    for _, s in ipairs(list) do
      fn(s)
      walk(s.children or {}, fn)
    end
  end
  local heading
  walk(symbols, function(s)
    local range = s.range or (s.location and s.location.range)
    if range.start.line == 26 and vim.startswith(s.name, '一、创建全国文明城市的进展情况') then
      heading = s
    end
  end)
  check(heading ~= nil, 'no symbol for line 27: ' .. vim.inspect(symbols):sub(1, 2000))
  local child = heading.children and heading.children[1]
  check(child ~= nil and vim.startswith(child.name, '(一)领导带头抓落实'), 'children: ' .. vim.inspect(heading.children))
  check(child.range.start.line == 27, 'child line ' .. vim.inspect(child.range))
  out(('symbols: %d top-level; %s > %s'):format(#symbols, heading.name, child.name))
end

local run = steps[step]
check(run ~= nil, 'unknown step ' .. step)
local ok, err = pcall(run)
if not ok then
  fail(tostring(err))
end
-- Stop the server cleanly before leaving.
for _, client in ipairs(require('gwlint').clients()) do
  client.stop()
end
vim.wait(2000, function()
  return #require('gwlint').clients() == 0
end, 20)
vim.cmd('qa!')
