{
  description = "stale-removed: jetpack removed after locking (lock is follows/flake.lock)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
  };

  outputs = { self, nixpkgs, ... }: { };
}
