//! Facts about flake outputs shared by the output rules.

/// Outputs that Nix and the common tools (nix-darwin, home-manager, flake-parts) know.
pub(crate) const STANDARD_OUTPUTS: &[&str] = &[
    "apps",
    "bundlers",
    "checks",
    "darwinConfigurations",
    "darwinModules",
    "devShells",
    "flakeModules",
    "formatter",
    "homeConfigurations",
    "homeManagerModules",
    "homeModules",
    "hydraJobs",
    "legacyPackages",
    "lib",
    "nixosConfigurations",
    "nixosModules",
    "overlays",
    "packages",
    "schemas",
    "templates",
    // Singular names that tools define on purpose: flake-parts' `flakeModule` alias,
    // home-manager's and nix-darwin's module outputs, NixOps 2's configurations.
    "flakeModule",
    "homeManagerModule",
    "darwinModule",
    "nixopsConfigurations",
];

/// Outputs keyed by system (`packages.<system>.<name>`).
pub(crate) const PER_SYSTEM_OUTPUTS: &[&str] = &[
    "apps",
    "bundlers",
    "checks",
    "devShells",
    "formatter",
    "legacyPackages",
    "packages",
];

/// Deprecated outputs: the old name, the new name, whether the old one is keyed by system.
pub(crate) const DEPRECATED_OUTPUTS: &[(&str, &str, bool)] = &[
    ("defaultPackage", "packages", true),
    ("devShell", "devShells", true),
    ("defaultApp", "apps", true),
    ("defaultBundler", "bundlers", true),
    ("overlay", "overlays", false),
    ("nixosModule", "nixosModules", false),
    ("defaultTemplate", "templates", false),
];

/// Outputs that hold a system level whose names `invalid-system` checks.
pub(crate) fn has_system_level(output: &str) -> bool {
    PER_SYSTEM_OUTPUTS.contains(&output)
        || DEPRECATED_OUTPUTS
            .iter()
            .any(|(old, _, per_system)| *per_system && *old == output)
}
