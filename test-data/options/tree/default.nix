# The entry module of a made-up "widgets" project: a curried module file, as a flake would
# write `nixosModules.default = import ./default.nix self.overlays.default;`.
overlay:
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkEnableOption types;

  cfg = config.widgets.frob;

  # Enum values bound in `let`, combined with `++`.
  boards = [ "alpha" "beta" ];
  extraBoards = [ "gamma" ];
in
{
  imports = [
    ./plain.nix
    ./firmware
    ./types.nix
    (lib.mkRenamedOptionModule [ "widgets" "frob" "oldBoard" ] [ "widgets" "frob" "board" ])
  ]
  ++ lib.optionals (overlay != null) [ ./merged.nix ]
  ++ [ ./cycle-a.nix ./missing.nix ];

  options = {
    widgets.frob = {
      enable = mkEnableOption "the frobnicator";

      board = mkOption {
        type = types.enum (boards ++ extraBoards);
        default = "alpha";
        description = ''
          Which board to frobnicate.

          Boards added by other modules are accepted too.
        '';
      };

      generation = mkOption {
        type = types.enum [ 1 2 3 ];
        default = if cfg.board == "alpha" then 1 else 2;
        defaultText = lib.literalExpression ''if board == "alpha" then 1 else 2'';
        description = lib.mdDoc "Hardware generation.";
      };

      name = mkOption {
        type = types.str;
        default = "${cfg.board}-frob";
        defaultText = "\${board}-frob";
        example = "alpha-frob";
        description = "Name used in artifacts.";
      };

      timeout = mkOption {
        type = types.ints.positive;
        default = 30;
        example = lib.literalExpression "60";
      };

      kernel.realtime = mkOption {
        default = false;
        type = types.bool;
      };

      offset = mkOption {
        type = types.int;
        default = -4;
        internal = true;
        visible = false;
      };

      settings = mkOption {
        type = types.attrsOf types.str;
        default = { mode = "fast"; level = "3"; };
        readOnly = true;
      };
    };
  };

  config = lib.mkIf cfg.enable {
    # Settings of other options are not declarations.
    widgets.frob.settings.mode = "slow";
    nixpkgs.overlays = [ overlay ];
    environment.etc.frob = { notAnOption = mkOption { type = types.str; }; };
  };
}
