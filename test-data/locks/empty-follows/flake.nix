{
  description = "empty-follows: jetpack's nixpkgs input is dropped";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    jetpack.url = "github:anduril/jetpack-nixos";
    jetpack.inputs.nixpkgs.follows = "";
  };

  outputs = { self, nixpkgs, jetpack, ... }: { };
}
