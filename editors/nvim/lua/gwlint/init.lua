-- gwlint for Neovim: starts `gwlint lsp` for text and markdown buffers.
--
--   require('gwlint').setup({
--     cmd = { 'gwlint', 'lsp' },              -- or { '/path/to/gwlint', 'lsp' }
--     filetypes = { 'text', 'markdown' },     -- `toml` buffers are always attached
--     root_markers = { '.gwlint.toml', '.git' },
--     settings = { disable = { 'placeholder.circle' }, severity = { placeholder = 'warning' } },
--     on_attach = function(client, bufnr) end,
--   })
--
-- Works on Neovim 0.7 (vim.lsp.start_client + buf_attach_client) and on 0.8+
-- (vim.lsp.start, which also reuses one client per root).

local M = {}

local uv = vim.loop or vim.uv

M.defaults = {
  cmd = { 'gwlint', 'lsp' },
  filetypes = { 'text', 'markdown' },
  root_markers = { '.gwlint.toml', '.git' },
  -- Sent to the server as initializationOptions and workspace/didChangeConfiguration:
  -- disable, enable (lists of rule ids or prefixes), severity ({ [id] = level }),
  -- allow (words), debounceMs, languages (added automatically from `filetypes`).
  settings = {},
  on_attach = nil,
  capabilities = nil,
  -- Attach to buffers automatically (false: call require('gwlint').start() yourself).
  autostart = true,
}

M.config = nil
-- Neovim 0.7: one client per root directory, reused across buffers.
local clients_by_root = {}
local warned_missing = false

local function tbl_contains(t, v)
  for _, x in ipairs(t) do
    if x == v then
      return true
    end
  end
  return false
end

local function dirname(path)
  return (path:gsub('/+$', ''):match('^(.*)/[^/]*$')) or '/'
end

--- The nearest ancestor of `path` (a file or directory) that holds one of
--- `markers`, searching marker by marker so `.gwlint.toml` wins over `.git`.
--- Falls back to the file's own directory.
function M.find_root(path, markers)
  local start = path
  local stat = uv.fs_stat(start)
  if not stat or stat.type ~= 'directory' then
    start = dirname(start)
  end
  if start == '' then
    start = '/'
  end
  for _, marker in ipairs(markers) do
    local dir = start
    while true do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
      local parent = dirname(dir)
      if parent == dir or dir == '/' then
        break
      end
      dir = parent
    end
  end
  return start
end

--- The settings object for the server: the user's settings plus the filetypes
--- the server would not check by itself.
function M.server_settings(config)
  local settings = vim.deepcopy(config.settings or {})
  local languages = settings.languages or {}
  for _, ft in ipairs(config.filetypes) do
    if ft ~= 'text' and ft ~= 'markdown' and ft ~= 'toml' and not tbl_contains(languages, ft) then
      table.insert(languages, ft)
    end
  end
  if #languages > 0 then
    settings.languages = languages
  end
  return settings
end

local function get_clients()
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  local out = {}
  for _, client in ipairs(all) do
    if client.name == 'gwlint' then
      table.insert(out, client)
    end
  end
  return out
end
M.clients = get_clients

local function client_stopped(client)
  if client.is_stopped then
    -- 0.11 made this a method; earlier it is a plain function.
    local ok, stopped = pcall(client.is_stopped, client)
    if ok then
      return stopped
    end
    return client.is_stopped()
  end
  return false
end

local function executable(cmd)
  return type(cmd) == 'function' or vim.fn.executable(cmd[1]) == 1
end

--- Starts (or reuses) the server for buffer `bufnr` and attaches it. Returns the client id.
function M.start(bufnr)
  local config = M.config or vim.tbl_deep_extend('force', {}, M.defaults)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  if not executable(config.cmd) then
    if not warned_missing then
      warned_missing = true
      vim.notify(
        ("gwlint: 找不到可执行文件 “%s”。请先安装 gwlint（在仓库中运行 cargo install --path .），"
          .. "或在 require('gwlint').setup({ cmd = { '/完整/路径/gwlint', 'lsp' } }) 中指定路径。"
          .. '安装说明见 docs/editors.md。'):format(config.cmd[1]),
        vim.log.levels.ERROR
      )
    end
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = M.find_root(name ~= '' and name or vim.fn.getcwd(), config.root_markers)
  local settings = M.server_settings(config)
  local lsp_config = {
    name = 'gwlint',
    cmd = config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = settings,
    settings = { gwlint = settings },
    on_attach = config.on_attach,
    capabilities = config.capabilities or vim.lsp.protocol.make_client_capabilities(),
  }
  if vim.lsp.start then
    return vim.lsp.start(lsp_config, { bufnr = bufnr })
  end
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client_stopped(client) then
    id = vim.lsp.start_client(lsp_config)
    clients_by_root[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

local function attaches(config, bufnr)
  local ft = vim.bo[bufnr].filetype
  return tbl_contains(config.filetypes, ft) or ft == 'toml'
end

--- Stops every gwlint client and starts again for the buffers it served.
function M.restart()
  for _, client in ipairs(get_clients()) do
    client.stop()
  end
  clients_by_root = {}
  local config = M.config or M.defaults
  -- Give the old processes a moment to exit before the new ones start.
  vim.defer_fn(function()
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and attaches(config, bufnr) then
        M.start(bufnr)
      end
    end
  end, 200)
end

--- Replaces the server settings and sends them to running servers at once.
function M.update_settings(settings)
  M.config = M.config or vim.tbl_deep_extend('force', {}, M.defaults)
  M.config.settings = settings or {}
  local payload = M.server_settings(M.config)
  for _, client in ipairs(get_clients()) do
    client.config.settings = { gwlint = payload }
    client.notify('workspace/didChangeConfiguration', { settings = { gwlint = payload } })
  end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', {}, M.defaults, opts or {})
  if opts and opts.filetypes then
    M.config.filetypes = opts.filetypes -- a list replaces, not merges
  end
  if opts and opts.root_markers then
    M.config.root_markers = opts.root_markers
  end
  local group = vim.api.nvim_create_augroup('gwlint', { clear = true })
  if M.config.autostart then
    local patterns = vim.deepcopy(M.config.filetypes)
    if not tbl_contains(patterns, 'toml') then
      table.insert(patterns, 'toml') -- .gwlint.toml and rule packs
    end
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = patterns,
      callback = function(args)
        M.start(args.buf)
      end,
    })
    -- Buffers already open when setup() runs.
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and attaches(M.config, bufnr) then
        M.start(bufnr)
      end
    end
  end
  vim.api.nvim_create_user_command('GwlintRestart', M.restart, { desc = 'Restart the gwlint language server' })
  vim.api.nvim_create_user_command('GwlintInfo', function()
    local lines = {}
    for _, client in ipairs(get_clients()) do
      table.insert(lines, ('gwlint client %d, root %s'):format(client.id, client.config.root_dir or '?'))
    end
    if #lines == 0 then
      lines = { 'gwlint: no client running' }
    end
    vim.notify(table.concat(lines, '\n'))
  end, { desc = 'Show running gwlint clients' })
end

return M
