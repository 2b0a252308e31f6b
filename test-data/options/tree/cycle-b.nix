{ lib, ... }:
{
  imports = [ ./cycle-a.nix ];
  options.widgets.cycle.b = lib.mkOption { type = lib.types.bool; default = false; };
}
