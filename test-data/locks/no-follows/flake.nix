{
  description = "no-follows: jetpack brings its own nixpkgs";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    jetpack.url = "github:anduril/jetpack-nixos";
  };

  outputs = { self, nixpkgs, jetpack, ... }: { };
}
