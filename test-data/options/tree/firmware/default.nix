# Imported as `./firmware`: a directory means its default.nix. Declares under a deeper
# dotted root, mixes dotted and nested keys, and holds several kinds of renames.
{ lib, ... }:

with lib;

{
  imports = with lib; [
    (mkRenamedOptionModule [ "widgets" "frob" "bootloader" "logo" ] [ "widgets" "frob" "firmware" "logo" ])
    (mkAliasOptionModule [ "widgets" "frob" "fw" ] [ "widgets" "frob" "firmware" ])
    (mkRemovedOptionModule [ "widgets" "frob" "firmware" "legacy" ] "The legacy firmware is gone; use `firmware.logo`.")
    (mkChangedOptionModule [ "widgets" "frob" "firmware" "verbose" ] [ "widgets" "frob" "firmware" "logLevel" ]
      (config: if config.widgets.frob.firmware.verbose then 4 else 1))
    (mkRenamedOptionModuleWith {
      sinceRelease = 2405;
      from = [ "widgets" "frob" "firmware" "capsule" ];
      to = [ "widgets" "frob" "firmware" "capsules" "enable" ];
    })
  ];

  options.widgets.frob.firmware = {
    logo = mkOption {
      type = with types; nullOr (either path str);
      default = null;
    };

    logLevel = mkOption {
      type = types.ints.between 0 7;
      default = 1;
    };

    capsules.enable = mkEnableOption "capsule updates" // { default = true; };
    capsules = {
      signingKey = mkOption {
        type = types.oneOf [ types.path types.str ];
        description = "Key used to sign capsules.";
      };
    };
  };

  options.widgets.frob.firmware.capsules.extraArgs = mkOption {
    type = types.listOf types.str;
    default = [ "--quiet" ];
  };
}
