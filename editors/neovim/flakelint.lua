-- flakelint as the language server for Nix files in Neovim 0.7 or later, without nvim-lspconfig.
-- Put this file in ~/.config/nvim/lua/ and add `require("flakelint")` to your init.lua, or paste
-- it there. It starts one `flakelint lsp` per flake (the nearest directory above the file with a
-- flake.nix, else the git work tree, else the file's directory) and attaches every Nix buffer
-- of that flake to it.

local settings = {
  -- The same keys as flakelint.toml; a flakelint.toml in the flake wins over these.
  rules = {
    -- ["unknown-output"] = "off",
  },
  -- jetpack = { source = "/path/to/jetpack-nixos" },
}

local clients = {} -- root directory -> client id

local function root_of(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  for _, marker in ipairs({ "flake.nix", ".git" }) do
    local found = vim.fn.findfile(marker, dir .. ";")
    if found == "" then
      found = vim.fn.finddir(marker, dir .. ";")
    end
    if found ~= "" then
      return (vim.fn.fnamemodify(found, ":p:h"):gsub("/%.git/?$", ""))
    end
  end
  return dir
end

local function attach(args)
  local bufnr = args.buf
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == "" then
    return
  end
  local root = root_of(path)
  local id = clients[root]
  if not id or vim.lsp.client_is_stopped(id) then
    id = vim.lsp.start_client({
      name = "flakelint",
      cmd = { "flakelint", "lsp" },
      root_dir = root,
      init_options = settings,
      settings = { flakelint = settings },
    })
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

-- Neovim 0.7 has no filetype for flake.lock; the server gives it diagnostics too.
vim.api.nvim_create_autocmd("FileType", { pattern = "nix", callback = attach })
vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, { pattern = "flake.lock", callback = attach })
