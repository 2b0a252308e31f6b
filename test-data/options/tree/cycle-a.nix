# cycle-a and cycle-b import each other.
{ lib, inputs, ... }:
{
  imports = [ ./cycle-b.nix inputs.elsewhere.nixosModules.default ];
  options.widgets.cycle.a = lib.mkOption { type = lib.types.bool; default = true; };
}
