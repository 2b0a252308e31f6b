{
  description = "deep: a -> b -> nixpkgs, a duplicate two levels down";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    a.url = "github:example/a";
  };

  outputs = { self, nixpkgs, a, ... }: { };
}
