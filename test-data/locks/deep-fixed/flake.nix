{
  description = "deep-fixed: nested override a.inputs.b.inputs.nixpkgs.follows";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    a.url = "github:example/a";
    a.inputs.b.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, a, ... }: { };
}
