{ lib, ... }:

{
  options.hardware.toy-board.fan = {
    profile = lib.mkOption {
      type = lib.types.enum [ "quiet" "cool" ];
      default = "quiet";
    };
    "led.color" = lib.mkOption {
      type = lib.types.strMatching "#[0-9a-f]{6}";
      default = "#00ff00";
    };
    ratio = lib.mkOption {
      type = lib.types.float;
      default = 0.25;
    };
    curve = lib.mkOption {
      type = lib.types.listOf (lib.types.submodule {
        options.temperature = lib.mkOption { type = lib.types.ints.between 0 105; };
      });
      default = [ ];
      visible = false;
    };
  };
}
