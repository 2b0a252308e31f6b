# A submodule in its own file, named by `types.submodule ./services/remote.nix`.
{ lib, name, ... }:
{
  options.url = lib.mkOption {
    type = lib.types.str;
    description = "Where remote ${name} lives.";
  };
}
