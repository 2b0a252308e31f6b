{
  description = "root-follows: the root nixpkgs is jetpack's nixpkgs";

  inputs = {
    jetpack.url = "github:anduril/jetpack-nixos";
    nixpkgs.follows = "jetpack/nixpkgs";
  };

  outputs = { self, nixpkgs, jetpack, ... }: { };
}
