-- End-to-end test from a real editor: headless Neovim (0.7.2 or later) starts `flakelint lsp`,
-- opens a copy of test-data/example/configuration.nix, asks for completion after
-- `hardware.nvidia-jetpack.` and checks the labels (options the example sets already there are
-- not offered again, the others are), then types a misspelt option and waits for
-- the diagnostic. Run by tests/lsp.rs (`neovim_completion_and_diagnostics`):
--   FLAKELINT=<binary> FLAKELINT_TEST_DIR=<copy of the example> \
--     timeout 60 nvim --headless -u NONE -c 'luafile tests/nvim/test.lua'
-- It writes its progress to <FLAKELINT_TEST_DIR>/../nvim-test.log and ends with `cquit 1` on
-- failure, `qall!` on success.

local bin = assert(os.getenv("FLAKELINT"), "FLAKELINT: the flakelint binary")
local dir = assert(os.getenv("FLAKELINT_TEST_DIR"), "FLAKELINT_TEST_DIR: a copy of the example")
local log = io.open(dir .. "/../nvim-test.log", "w")

local function say(message)
  log:write(message .. "\n")
  log:flush()
end

local function run()
  -- Neovim 0.7 has neither vim.lsp.start nor vim.lsp.config: the old API, by hand.
  local client_id = vim.lsp.start_client({
    name = "flakelint",
    cmd = { bin, "lsp" },
    root_dir = dir,
  })
  assert(client_id, "vim.lsp.start_client failed")
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/configuration.nix"))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = "nix"
  assert(vim.lsp.buf_attach_client(bufnr, client_id), "buf_attach_client failed")
  local client = vim.lsp.get_client_by_id(client_id)
  assert(vim.wait(20000, function() return client.initialized end, 20), "the server did not initialize")
  say("initialized")

  -- The example deliberately imports a file that does not exist.
  local function diagnostic_with(code, lnum)
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == code and d.source == "flakelint" and (lnum == nil or d.lnum == lnum) then
        return d
      end
    end
  end
  assert(vim.wait(20000, function() return diagnostic_with("missing-file") ~= nil end, 20),
    "no missing-file diagnostic after opening")
  say("missing-file reported")

  -- A new line after the carrierBoard setting, then completion at its end.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local row
  for i, line in ipairs(lines) do
    if line:find("carrierBoard", 1, true) then
      row = i -- 1-based index of that line == 0-based index of the line after it
    end
  end
  assert(row, "no carrierBoard line in the example")
  local typed = "  hardware.nvidia-jetpack."
  vim.api.nvim_buf_set_lines(bufnr, row, row, false, { typed })
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = row, character = #typed },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, "textDocument/completion", params, 10000)
  assert(responses, "completion failed: " .. tostring(err))
  local labels = {}
  for _, response in pairs(responses) do
    assert(not response.err, "completion error: " .. vim.inspect(response.err))
    local items = response.result and (response.result.items or response.result) or {}
    for _, item in ipairs(items) do
      labels[item.label] = true
    end
  end
  for _, want in ipairs({ "majorVersion", "super", "firmware" }) do
    assert(labels[want], "completion has no `" .. want .. "`: " .. vim.inspect(vim.tbl_keys(labels)))
  end
  -- The example sets these next to the new line already: not offered again.
  for _, set in ipairs({ "enable", "som", "carrierBoard" }) do
    assert(not labels[set], "completion offers `" .. set .. "` again: " .. vim.inspect(vim.tbl_keys(labels)))
  end
  say("completion labels: majorVersion, super, firmware; not enable, som, carrierBoard")

  -- Finish the line with a misspelt option: the server reports it.
  vim.api.nvim_buf_set_lines(bufnr, row, row + 1, false, { '  hardware.nvidia-jetpack.carierBoard = "devkit";' })
  -- (While the line was unfinished, it ran into the next one: that finding goes away.)
  assert(vim.wait(20000, function() return diagnostic_with("unknown-option", row) ~= nil end, 20),
    "no unknown-option diagnostic for the typo: " .. vim.inspect(vim.diagnostic.get(bufnr)))
  local d = diagnostic_with("unknown-option", row)
  assert(d.message:find("carierBoard", 1, true), "the message does not name the typo: " .. d.message)
  say("unknown-option reported: " .. d.message)

  vim.lsp.stop_client(client_id)
  say("PASS")
end

local ok, err = pcall(run)
if ok then
  vim.cmd("qall!")
else
  say("FAIL: " .. tostring(err))
  vim.cmd("cquit 1")
end
