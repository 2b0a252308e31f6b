{
  description = "NixOS for an NVIDIA Jetson AGX Orin developer kit";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    # Deliberately without `jetpack.inputs.nixpkgs.follows = "nixpkgs";`
    # (the lock holds a second nixpkgs: missing-follows).
    jetpack.url = "github:anduril/jetpack-nixos";
    flake-utils.url = "github:numtide/flake-utils";
  };

  outputs = { self, nixpkgs, jetpack, flake-utils, ... }: {
    nixosConfigurations.orin-agx = nixpkgs.lib.nixosSystem {
      system = "aarch64-linux";
      modules = [
        jetpack.nixosModules.default
        ./configuration.nix
        ./modules/networking.nix
      ];
    };

    # Deliberately deprecated output name (deprecated-output: use devShells.<system>.default).
    devShell.x86_64-linux = nixpkgs.legacyPackages.x86_64-linux.mkShell {
      name = "orin-dev";
      packages = with nixpkgs.legacyPackages.x86_64-linux; [ git nixos-rebuild ];
    };

    # Deliberately invalid system string (invalid-system: aarch64-linux).
    packages.aarch64_linux.flash-script =
      self.nixosConfigurations.orin-agx.config.system.build.flashScript;
  };
}
