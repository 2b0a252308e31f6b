# A plain attrset module: no function, only imports, one of them an inline module.
{
  imports = [
    ({ lib, ... }: {
      options.widgets.frob.inline = lib.options.mkOption {
        type = lib.types.nullOr lib.types.path;
        default = null;
        description = lib.literalMD "Declared in an *inline* module.";
      };
    })
  ];
}
