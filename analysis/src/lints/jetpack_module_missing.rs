//! `jetpack-module-missing`: a module sets jetpack-nixos options in a configuration that does
//! not include jetpack-nixos's NixOS module.

use std::collections::BTreeMap;

use rowan::TextRange;

use super::{FileKind, LintCtx, Rule};
use crate::db;
use crate::modules::graph::ConfigGraph;

pub(crate) const DOC: &str = r#"# jetpack-module-missing

## What it checks
A module of a `nixosConfigurations` entry sets `hardware.nvidia-jetpack.*`, but the
configuration does not include jetpack-nixos's NixOS module (`<input>.nixosModules.default`, the
older `nixosModule`, or without flakes `import "${jetpack-nixos}/modules/default.nix" overlay`),
from any input that is jetpack-nixos or a fork of it. Reported once per file, at its first such
setting, naming every configuration that lacks the module; a module written inline in
`flake.nix` is reported at its own first setting, for the configurations listing it. A file
shared by a configuration with the module and one without is reported for the one without.

Nothing is reported when the configuration's modules cannot all be seen statically (a module
list or import that is computed, a module from another flake's input that could bring
jetpack-nixos's module along, a file outside the workspace), when one of its modules declares
`hardware.nvidia-jetpack` options itself (a stub declaring the whole namespace counts), for
settings under `mkIf`, and for modules that no configuration reaches. Configurations are found
through `let` bindings, functions applied to literal names (`mkHost "orin"`, `genAttrs`,
`mapAttrs` over a literal or imported set), flake-parts (`withSystem` too) and
`eachDefaultSystem (...) // { nixosConfigurations = ...; }`; those built from `builtins.readDir`
or other computed names are skipped.

## Why it matters
Without the module, none of its options exist: NixOS fails with "The option
`hardware.nvidia-jetpack' does not exist" when the configuration is evaluated, often far from
the file that sets it.

## Example
```nix
# flake.nix
nixosConfigurations.orin = nixpkgs.lib.nixosSystem {
  modules = [ ./configuration.nix ];   # sets hardware.nvidia-jetpack.som
};
```

## Fix
Add jetpack-nixos's module to the configuration's modules (`jetpack.nixosModules.default`),
or move the settings to a module that only the Jetson configurations import.
"#;

const NS: &[&str] = &["hardware", "nvidia-jetpack"];

pub(crate) fn check(ctx: &mut LintCtx) {
    if !matches!(ctx.kind, FileKind::Nix | FileKind::FlakeNix) {
        return;
    }
    let settings = db::file_settings(ctx.db, ctx.file);
    let first = settings
        .iter()
        .filter(|s| s.under(NS) && !s.conditional)
        .min_by_key(|s| s.segments.first().map(|r| r.start()));
    let configs = db::configurations_of(ctx.db, ctx.file);
    let lacking: Vec<&ConfigGraph> = configs
        .iter()
        .copied()
        .filter(|g| g.complete && g.jetpack.is_none() && !g.declares_jetpack)
        .collect();
    if lacking.is_empty() {
        return;
    }
    let Some(first) = first else {
        // No module of the file's own: modules written inline here (in `flake.nix`), each
        // judged in the configurations it is listed in.
        let mut found: BTreeMap<(u32, u32), (String, Vec<&str>)> = BTreeMap::new();
        for g in &lacking {
            for (path, file, range) in &g.inline_settings {
                if file != ctx.path {
                    continue;
                }
                let entry = found
                    .entry((range.start().into(), range.end().into()))
                    .or_insert_with(|| (path.join("."), Vec::new()));
                entry.1.extend(g.name.as_deref());
            }
        }
        for ((start, end), (path, names)) in found {
            if names.is_empty() {
                continue;
            }
            let range = TextRange::new(start.into(), end.into());
            let message = message(ctx, &path, &names);
            ctx.report(Rule::JetpackModuleMissing, range, message, None);
        }
        return;
    };
    let names: Vec<&str> = lacking.iter().filter_map(|g| g.name.as_deref()).collect();
    if names.is_empty() {
        return;
    }
    // A flake.nix (or a file of configurations it imports) holds the inline modules of
    // several configurations: only when none of them has the module is it sure that the
    // setting lands in one without it.
    let holds_inline = configs
        .iter()
        .any(|g| g.inline_files.iter().any(|f| f == ctx.path));
    if holds_inline && names.len() != configs.len() {
        return;
    }
    let key_start = first.segments.len().saturating_sub(first.key_len.max(1));
    let (Some(start), Some(end)) = (first.segments.get(key_start), first.segments.last()) else {
        return;
    };
    let range = TextRange::new(start.start(), end.end().max(start.start()));
    let message = message(ctx, &first.path.join("."), &names);
    ctx.report(Rule::JetpackModuleMissing, range, message, None);
}

/// The finding's message: the option, the configurations lacking the module, the fix.
fn message(ctx: &LintCtx, option: &str, lacking: &[&str]) -> String {
    let which = match lacking {
        [one] => format!("configuration `{one}` does"),
        many => {
            let list: Vec<String> = many.iter().map(|n| format!("`{n}`")).collect();
            format!("configurations {} do", list.join(", "))
        }
    };
    let module = ctx
        .flake()
        .and_then(|f| db::flake_input_kinds(ctx.db, f.flake_nix).jetpack.iter().next().cloned())
        .map(|input| format!("`{input}.nixosModules.default`"))
        .unwrap_or_else(|| "jetpack-nixos's `nixosModules.default`".to_string());
    format!(
        "`{option}` is set here, but {which} not include jetpack-nixos's NixOS module, so the option does not exist there; add {module} to the modules"
    )
}
