{
  description = "deep-workaround: b promoted to a root input (works on Nix 2.8)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    b.url = "github:example/b";
    b.inputs.nixpkgs.follows = "nixpkgs";
    a.url = "github:example/a";
    a.inputs.b.follows = "b";
  };

  outputs = { self, nixpkgs, a, ... }: { };
}
