{
  description = "mixed: every input form";

  inputs = {
    # github, with and without ref, explicit rev, ?ref= query, lowercase owner
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    jetpack.url = "github:anduril/jetpack-nixos";
    jetpack.inputs.nixpkgs.follows = "nixpkgs";
    nixpkgs-pinned.url = "github:NixOS/nixpkgs/3b4de0a5e199be8ba3ff37ce798aedaca7307417";
    nixpkgs-query.url = "github:NixOS/nixpkgs?ref=nixos-24.05";
    nixpkgs-lower.url = "github:nixos/nixpkgs/nixos-24.11";

    # non-flake sources
    nonflake = {
      url = "git+file:///upstream/nonflake";
      flake = false;
    };
    nonflake-tarball = {
      url = "file:///upstream/nonflake.tar.gz";
      flake = false;
    };

    # path inputs: relative and absolute
    sub.url = "path:./sub";
    local-flake.url = "path:/upstream/local-flake";

    # git+file with ?ref=
    jetpack-r35.url = "git+file:///upstream/jetpack-nixos?ref=r35";
    jetpack-r35.inputs.nixpkgs.follows = "nixpkgs";

    # attribute-set form, github and git
    utils = {
      type = "github";
      owner = "numtide";
      repo = "flake-utils";
    };
    nixpkgs-git = {
      type = "git";
      url = "file:///upstream/nixpkgs";
      ref = "nixos-24.05";
    };

    # flakes in a subdirectory (dir=)
    mono.url = "github:example/monorepo?dir=nix";
    mono-git.url = "git+file:///upstream/monorepo?dir=nix";

    # indirect (flake registry)
    registry-nixpkgs.url = "nixpkgs";
  };

  outputs = { self, nixpkgs, ... }: { };
}
