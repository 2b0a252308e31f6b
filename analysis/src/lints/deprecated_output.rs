//! `deprecated-output`: `defaultPackage`, `devShell`, `defaultApp`, `defaultBundler`, `overlay`,
//! `nixosModule`, `defaultTemplate`.

use super::outputs_common::DEPRECATED_OUTPUTS;
use super::{LintCtx, Rule};
use crate::db;
use crate::diagnostic::{FileEdit, Fix};
use crate::flake::OutputAttr;

pub(crate) const DOC: &str = r#"# deprecated-output

## What it checks
Flake outputs that Nix deprecated in favour of a `default` entry of the plural output:
`defaultPackage.<system>` → `packages.<system>.default`, `devShell.<system>` →
`devShells.<system>.default`, `defaultApp` → `apps.<system>.default`, `defaultBundler` →
`bundlers.<system>.default`, `overlay` → `overlays.default`, `nixosModule` →
`nixosModules.default`, `defaultTemplate` → `templates.default`.

## Why it matters
`nix flake check` warns about them, newer tools ignore them, and a flake that defines both the
old and the new name says two different things about its default.

## Example
```nix
{
  outputs = { self, nixpkgs }: {
    devShell.x86_64-linux = nixpkgs.legacyPackages.x86_64-linux.mkShell { };
    nixosModule = import ./module.nix;
  };
}
```

## Fix
`--fix` renames the output: `devShells.x86_64-linux.default = ...;`,
`nixosModules.default = import ./module.nix;`. Where the system level is computed
(`devShell = forAllSystems (...)`) or the new name is already defined, the fix must be made by
hand.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let model = db::flake_model(ctx.db, ctx.file);
    let Some(outputs) = &model.outputs else { return };
    let mut done = Vec::new();
    for attr in &outputs.attrs {
        let Some(first) = attr.segments.first() else { continue };
        let Some(&(old, new, keyed_by_system)) = DEPRECATED_OUTPUTS.iter().find(|(o, _, _)| *o == first.value) else {
            continue;
        };
        if done.contains(&first.range) {
            continue;
        }
        done.push(first.range);
        // Every output path that starts at this same written name.
        let group: Vec<&OutputAttr> = outputs.attrs.iter().filter(|a| a.segments.first().map(|s| s.range) == Some(first.range)).collect();
        let system_level = keyed_by_system && !attr.per_system;
        let target = if system_level { format!("{new}.<system>.default") } else { format!("{new}.default") };
        let mut message = format!("`{old}` is deprecated; use `{target}`");
        let fix = if system_level {
            fix_system_keyed(ctx, &group, new, &outputs.attrs, &mut message)
        } else if defines(&outputs.attrs, &[new, "default"], attr.per_system) {
            message.push_str(&format!(" (`{new}.default` is already defined: remove this one)"));
            None
        } else {
            Some(Fix::replace(format!("rename to `{new}.default`"), ctx.path, first.range, format!("{new}.default")))
        };
        ctx.report(Rule::DeprecatedOutput, first.range, message, fix);
    }
}

/// `defaultPackage.<sys> = x` and `defaultPackage = { <sys> = x; }` become
/// `packages.<sys>.default = x` and `packages = { <sys>.default = x; }`: rename the output and
/// append `.default` to each system key.
fn fix_system_keyed(ctx: &LintCtx, group: &[&OutputAttr], new: &str, all: &[OutputAttr], message: &mut String) -> Option<Fix> {
    let first = &group[0].segments[0];
    let mut edits = vec![FileEdit { file: ctx.path.to_string(), range: first.range, new_text: new.to_string() }];
    let mut systems_done = Vec::new();
    for attr in group {
        let Some(system) = attr.segments.get(1) else {
            message.push_str(" (the systems are computed here, so rename by hand)");
            return None;
        };
        if systems_done.contains(&system.range) {
            continue;
        }
        systems_done.push(system.range);
        if defines(all, &[new, &system.value, "default"], false) {
            message.push_str(&format!(" (`{new}.{}.default` is already defined: remove this one)", system.value));
            return None;
        }
        let written = &ctx.text[system.range];
        edits.push(FileEdit { file: ctx.path.to_string(), range: system.range, new_text: format!("{written}.default") });
    }
    Some(Fix { message: format!("rename to `{new}.<system>.default`"), edits })
}

/// Whether the outputs already define a path (a prefix match: `overlays.default.x` counts).
fn defines(attrs: &[OutputAttr], path: &[&str], per_system: bool) -> bool {
    attrs.iter().any(|a| {
        a.per_system == per_system && a.segments.len() >= path.len() && a.segments.iter().zip(path).all(|(s, p)| s.value == *p)
    })
}
