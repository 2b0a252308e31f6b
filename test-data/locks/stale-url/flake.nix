{
  description = "stale-url: jetpack moved to the r35 branch after locking (lock is follows/flake.lock)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    jetpack.url = "github:anduril/jetpack-nixos/r35";
    jetpack.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, jetpack, ... }: { };
}
