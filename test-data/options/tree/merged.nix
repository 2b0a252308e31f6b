# `lib.mkMerge` at the top of a module, and a second declaration of `board` that extends its
# enum (NixOS merges enum types).
{ lib, ... }:
lib.mkMerge [
  {
    options.widgets.frob.board = lib.mkOption {
      type = lib.types.enum [ "delta" ];
    };
  }
  {
    options.widgets.extras.enable = lib.mkEnableOption "extras";
  }
]
