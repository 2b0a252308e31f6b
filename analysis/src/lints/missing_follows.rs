//! `missing-follows`: an input brings its own copy of a repository that is also a root input.

use super::{LintCtx, Rule};
use crate::db;
use crate::diagnostic::{FileEdit, Fix};
use crate::lock::{Duplicate, LockFile};

pub(crate) const DOC: &str = r#"# missing-follows

## What it checks
`flake.lock` holds a second copy of a repository that is also one of your root inputs
(typically nixpkgs), because an input did not `follows` yours. The finding is placed at the
declaration of the root input through which the copy arrives, however deep it is
(`jetpack` → `nixpkgs`, or `a` → `b` → `nixpkgs`), and names both locked revisions and their
dates. Duplicates you keep on purpose are listed in `flakelint.toml`:

```toml
[rules.missing-follows]
allow = ["jetpack/nixpkgs"]   # an input path, or a root input name for all below it
```

## Why it matters
Two nixpkgs mean two evaluations and two sets of store paths: slower evaluation, more to
download and build for the Jetson, and packages from jetpack-nixos built against a different
glibc and CUDA than the rest of the system.

## Example
```nix
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
}
```

## Fix
Add `jetpack.inputs.nixpkgs.follows = "nixpkgs";` (offered by `--fix` and the editor), then
run `nix flake lock`. Make sure the input works with your nixpkgs release.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let Some(lock) = ctx.lock() else { return };
    let model = db::flake_model(ctx.db, ctx.file);
    for dup in lock.duplicates() {
        let Some(input) = model.inputs.iter().find(|i| i.name == dup.path[0]) else { continue };
        let path_text = dup.path.join("/");
        if is_allowed(&ctx.config.allow_duplicates, &dup.path) {
            continue;
        }
        // A follows already declared for this path means the lock is stale, not the flake.
        let nested = &dup.path[1..];
        if input.overrides.iter().any(|o| o.path == nested && o.follows.is_some()) {
            continue;
        }
        if !same_kind(lock, &dup) {
            continue;
        }
        let message = message(lock, &dup, &path_text);
        let fix = input.anchor.as_ref().map(|anchor| {
            let key = format!("inputs.{}.follows", nested.join(".inputs."));
            let value = format!("\"{}\"", dup.root_input);
            let text = anchor.binding_text(&key, &value);
            Fix {
                message: format!("add `{}`", text.trim()),
                edits: vec![FileEdit { file: ctx.path.to_string(), range: rowan::TextRange::empty(anchor.offset), new_text: text }],
            }
        });
        ctx.report(Rule::MissingFollows, input.name_range, message, fix);
    }
}

/// `jetpack/nixpkgs` allows that path; `jetpack` allows every duplicate arriving through it.
fn is_allowed(allow: &[String], path: &[String]) -> bool {
    allow.iter().any(|entry| {
        let entry: Vec<&str> = entry.split('/').filter(|s| !s.is_empty()).collect();
        !entry.is_empty() && entry.len() <= path.len() && entry.iter().zip(path).all(|(a, b)| a == b)
    })
}

/// A flake input cannot follow a non-flake one (or the reverse) without breaking.
fn same_kind(lock: &LockFile, dup: &Duplicate) -> bool {
    match (lock.node(&dup.node), lock.node(&dup.root_node)) {
        (Some(a), Some(b)) => a.flake == b.flake,
        _ => false,
    }
}

fn message(lock: &LockFile, dup: &Duplicate, path_text: &str) -> String {
    let describe = |name: &str| {
        let node = lock.node(name);
        let rev = node.and_then(|n| n.short_rev());
        let date = node.and_then(|n| n.last_modified_date());
        match (rev, date) {
            (Some(rev), Some(date)) => format!("locked at {rev}, {date}"),
            (Some(rev), None) => format!("locked at {rev}"),
            (None, Some(date)) => format!("locked {date}"),
            (None, None) => "locked separately".to_string(),
        }
    };
    let last = dup.path.last().map(String::as_str).unwrap_or_default();
    let via = if dup.path.len() > 2 { format!(" via `{path_text}`") } else { String::new() };
    format!(
        "input `{}` brings its own {last}{via} ({}) instead of following yours (`{}`, {})",
        dup.path[0],
        describe(&dup.node),
        dup.root_input,
        describe(&dup.root_node)
    )
}
