//! `unknown-output`: an output name close to a standard one (`nixosConfiguration`, `package`).

use super::outputs_common::{DEPRECATED_OUTPUTS, PER_SYSTEM_OUTPUTS, STANDARD_OUTPUTS};
use super::{closest, LintCtx, Rule};
use crate::db;
use crate::diagnostic::Fix;

pub(crate) const DOC: &str = r#"# unknown-output

## What it checks
A flake output whose name is not a standard output but is within a typo of one:
`nixosConfiguration`, `package`, `devshells`, `overlay_`. Outputs with names of their own
(`deploy`, `colmena`, `myLib`) are fine and not reported.

## Why it matters
Nix does not complain about an unknown output: `nixos-rebuild --flake .#orin` then says the
configuration does not exist, `nix build` finds no package, and `nix flake check` skips what it
should check.

## Example
```nix
{
  outputs = { self, nixpkgs }: {
    nixosConfiguration.orin = nixpkgs.lib.nixosSystem { modules = [ ./configuration.nix ]; };
  };
}
```

## Fix
Rename the output to the standard name the message suggests.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let model = db::flake_model(ctx.db, ctx.file);
    let Some(outputs) = &model.outputs else { return };
    let mut seen = Vec::new();
    for attr in &outputs.attrs {
        let Some(first) = attr.segments.first() else { continue };
        if seen.contains(&first.range) {
            continue;
        }
        seen.push(first.range);
        let name = first.value.as_str();
        let known: &[&str] = if attr.per_system { PER_SYSTEM_OUTPUTS } else { STANDARD_OUTPUTS };
        let deprecated = DEPRECATED_OUTPUTS.iter().any(|(old, _, _)| *old == name);
        if known.contains(&name) || STANDARD_OUTPUTS.contains(&name) || deprecated {
            continue;
        }
        let max = if name.chars().count() <= 5 { 1 } else { 2 };
        let suggestion = known
            .iter()
            .find(|k| k.eq_ignore_ascii_case(name))
            .copied()
            .or_else(|| closest(name, known.iter().copied(), max));
        let Some(suggestion) = suggestion else { continue };
        // Both names defined: the other one is not a typo of this one.
        if outputs.attrs.iter().any(|a| a.segments.first().is_some_and(|s| s.value == suggestion)) {
            continue;
        }
        let message = format!("`{name}` is not a standard flake output; did you mean `{suggestion}`?");
        let fix = Fix::replace(format!("rename to `{suggestion}`"), ctx.path, first.range, suggestion);
        ctx.report(Rule::UnknownOutput, first.range, message, Some(fix));
    }
}
