//! `undeclared-input`: an `outputs` parameter that is neither `self` nor a declared input.

use super::{closest, LintCtx, Rule};
use crate::db;

pub(crate) const DOC: &str = r#"# undeclared-input

## What it checks
A name in the `outputs = { self, nixpkgs, ... }:` pattern that is neither `self` nor declared in
`inputs`. Parameters with a default (`foo ? null`) are not reported.

## Why it matters
Nix fills the `outputs` parameters from the inputs. A parameter with no matching input is
either a typo (evaluation then fails) or an input Nix silently fetches from the global flake
registry, which is not pinned by what `flake.nix` says and differs between machines.

## Example
```nix
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
  outputs = { self, nixpkgs, jetpack-nixos }: { };
}
```

## Fix
Declare the input (`inputs.jetpack-nixos.url = "github:anduril/jetpack-nixos";`), or correct the
parameter's name.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let model = db::flake_model(ctx.db, ctx.file);
    let Some(outputs) = &model.outputs else { return };
    let declared: Vec<&str> = model.inputs.iter().map(|i| i.name.as_str()).collect();
    for param in &outputs.params {
        if param.name == "self" || param.has_default || declared.contains(&param.name.as_str()) {
            continue;
        }
        let hint = match closest(&param.name, declared.iter().copied(), 3) {
            Some(name) => format!("; did you mean `{name}`?"),
            None => format!("; declare it in `inputs` (otherwise Nix looks `{}` up in the flake registry)", param.name),
        };
        let message = format!("`outputs` takes `{}`, which is not a declared input{hint}", param.name);
        ctx.report(Rule::UndeclaredInput, param.range, message, None);
    }
}
