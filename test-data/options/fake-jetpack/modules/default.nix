# A small module shaped like jetpack-nixos, with invented options.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkEnableOption types;
  cfg = config.hardware.toy-board;
  boards = [ "alpha" "beta" ];
in
{
  imports = [
    ./fan.nix
    ./absent.nix
    (lib.mkRenamedOptionModule [ "hardware" "toy-board" "model" ] [ "hardware" "toy-board" "board" ])
    (lib.mkRemovedOptionModule [ "hardware" "toy-board" "legacyBoot" ] "Legacy boot was dropped.")
  ];

  options.hardware.toy-board = {
    enable = mkEnableOption "the toy board";

    board = mkOption {
      type = types.enum boards;
      default = "alpha";
      description = "Which toy board this is.";
    };

    label = mkOption {
      type = types.nullOr types.str;
      default = null;
    };

    hostName = mkOption {
      type = types.str;
      default = "toy-${cfg.board}";
      defaultText = lib.literalExpression ''"toy-''${board}"'';
    };

    kernelParams = mkOption {
      type = types.listOf types.str;
      default = [ "console=ttyS0" "quiet" ];
      internal = true;
    };

    settings = mkOption {
      type = types.attrsOf (types.either types.int types.str);
      default = { "log.level" = 2; mode = "eco"; };
      readOnly = true;
    };
  };
}
