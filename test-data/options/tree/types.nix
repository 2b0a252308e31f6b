# One option per type form, submodules in every position, and mkPackageOption.
{ lib, pkgs, ... }:

let
  inherit (lib) types mkOption mkPackageOption;

  variants = {
    small = { size = 1; };
    large = { size = 2; };
  };

  instanceModule = { name, ... }: {
    options = {
      port = mkOption {
        type = types.port;
        default = 8080;
      };
      user = mkOption {
        type = types.str;
        default = name;
      };
    };
  };
in
{
  options.widgets.frob.types = {
    variant = mkOption {
      type = types.enum (lib.attrNames variants);
      default = "small";
    };

    byte = mkOption { type = types.ints.u8; };
    pattern = mkOption { type = types.strMatching "[a-z]+"; };
    csv = mkOption { type = types.separatedString ","; };
    script = mkOption { type = types.lines; default = ""; };
    ratio = mkOption { type = types.float; default = 0.5; };
    anything = mkOption { type = types.anything; default = { }; };
    unknownType = mkOption { type = myCustomType; };
    nested = mkOption {
      type = types.nullOr (types.listOf (types.attrsOf types.int));
      default = [ { a = 1; } ];
    };

    package = mkPackageOption pkgs "frobtool" { };
    optionalPackage = mkPackageOption pkgs [ "frobPackages" "cli" ] {
      nullable = true;
      extraDescription = "Set to null to leave it out.";
    };

    single = mkOption {
      type = types.submodule {
        options.depth = mkOption {
          type = types.int;
          default = 1;
        };
      };
      default = { };
    };

    instances = mkOption {
      type = types.attrsOf (types.submodule instanceModule);
      default = { };
    };

    rules = mkOption {
      type = types.listOf (types.submodule ({ config, ... }: {
        options.pattern = mkOption { type = types.str; };
        options.action = mkOption {
          type = types.enum [ "allow" "deny" ];
          default = "deny";
        };
      }));
      default = [ ];
    };

    plugins = mkOption {
      type = types.attrsOf (types.submoduleWith {
        modules = [ { options.path = mkOption { type = types.path; }; } ];
      });
      default = { };
    };

    remote = mkOption {
      type = types.attrsOf (types.submodule ./services/remote.nix);
      default = { };
    };
  };
}
