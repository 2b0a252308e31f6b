{
  description = "deep-fixed-url: nested override with b's url repeated (accepted by Nix 2.8)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    a.url = "github:example/a";
    a.inputs.b.url = "github:example/b";
    a.inputs.b.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, a, ... }: { };
}
