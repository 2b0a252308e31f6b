//! `follows-target-missing`: `follows = "x"` where no input `x` exists.

use rowan::TextRange;

use super::{closest, LintCtx, Rule};
use crate::db;
use crate::diagnostic::Fix;
use crate::lock::LockFile;

pub(crate) const DOC: &str = r#"# follows-target-missing

## What it checks
A `follows = "..."` in `flake.nix` whose target does not exist: the first segment must be an
input of this flake, and each further segment (`"jetpack/nixpkgs"`) an input of the one before,
as `flake.lock` records them. `follows = ""` (follow nothing) is fine.

## Why it matters
Nix stops with "input 'nixpkg' does not exist" (or, for a nested path, silently keeps the
input's own copy in some versions), so the `follows` never takes effect.

## Example
```nix
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  inputs.jetpack.inputs.nixpkgs.follows = "nixpkg";
}
```

## Fix
Name an existing input; the editor offers the closest input name.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let model = db::flake_model(ctx.db, ctx.file);
    let lock = ctx.lock();
    let declared: Vec<&str> = model.inputs.iter().map(|i| i.name.as_str()).collect();
    let mut targets: Vec<(&str, TextRange)> = Vec::new();
    for input in &model.inputs {
        targets.extend(input.follows.iter().map(|f| (f.value.as_str(), f.range)));
        for o in &input.overrides {
            targets.extend(o.follows.iter().map(|f| (f.value.as_str(), f.range)));
        }
    }
    for (target, range) in targets {
        if target.is_empty() {
            continue;
        }
        let segments: Vec<&str> = target.split('/').collect();
        if !declared.contains(&segments[0]) {
            let suggestion = closest(segments[0], declared.iter().copied(), 3);
            let mut message = format!("`follows = \"{target}\"`: this flake has no input `{}`", segments[0]);
            let fix = suggestion.map(|s| {
                message.push_str(&format!("; did you mean `{s}`?"));
                let new_target = std::iter::once(s).chain(segments[1..].iter().copied()).collect::<Vec<_>>().join("/");
                Fix::replace(format!("follow `{new_target}`"), ctx.path, range, format!("\"{new_target}\""))
            });
            ctx.report(Rule::FollowsTargetMissing, range, message, fix);
            continue;
        }
        if let Some(lock) = lock {
            if let Some(missing) = missing_nested(lock, &segments) {
                let message = format!(
                    "`follows = \"{target}\"`: `{}` has no input `{}` in flake.lock",
                    segments[..missing].join("/"),
                    segments[missing]
                );
                ctx.report(Rule::FollowsTargetMissing, range, message, None);
            }
        }
    }
}

/// The index of the first segment of a follows path that the lock shows does not exist. Nothing
/// is reported where the lock does not know the parent (it may be out of date).
fn missing_nested(lock: &LockFile, segments: &[&str]) -> Option<usize> {
    let mut node = lock.root.clone();
    for (i, segment) in segments.iter().enumerate() {
        let current = lock.node(&node)?;
        if current.input(segment).is_none() {
            // The root's inputs are checked against flake.nix, not the lock.
            return (i > 0).then_some(i);
        }
        node = lock.input_node(&node, segment)?.to_string();
    }
    None
}
