{
  description = "more-forms: further reference spellings and the original Nix records for them";

  inputs = {
    # indirect with a ref, and the explicit flake: scheme
    nixpkgs.url = "flake:nixpkgs/nixos-24.05";
    # bare absolute path (no scheme)
    local-bare.url = "/upstream/local-flake";
    # git+file pinned by rev and by ref+rev
    nixpkgs-rev.url = "git+file:///upstream/nixpkgs?rev=3b4de0a5e199be8ba3ff37ce798aedaca7307417";
    nixpkgs-ref-rev.url = "git+file:///upstream/nixpkgs?ref=nixos-24.11&rev=0302c40fea426918ba86ba04d9ffdfd1be0e5c2c";
    # github attribute set with ref
    jetpack = {
      type = "github";
      owner = "anduril";
      repo = "jetpack-nixos";
      ref = "r35";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    # (tarball+file:///... is rejected by Nix 2.8: "input ... is unsupported")
  };

  outputs = { self, ... }: { };
}
