//! `missing-follows`: an input brings its own copy of a repository that is also a root input.

use super::{LintCtx, Rule};
use crate::db;
use crate::diagnostic::{FileEdit, Fix};
use crate::lock::{attr_str, repo_identity, Duplicate, LockFile};

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

Not reported: copies at the same revision as yours (nothing to save), forks (the nested
input's `original` names another repository, such as a patched nixpkgs), and differently
named inputs on another branch (an input's `nixpkgs-unstable` next to your stable `nixpkgs`),
which are kept on purpose.
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
        if !same_kind(lock, &dup) || !worth_following(lock, &dup) {
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

/// Whether following would remove a real second copy without changing what the input meant:
/// not when both copies are the same revision (nothing to remove), when the nested copy is a
/// fork (its `original` names another repository), or when it is a differently named input
/// on another branch (`nixpkgs-unstable` next to your stable `nixpkgs`: on purpose).
fn worth_following(lock: &LockFile, dup: &Duplicate) -> bool {
    let (Some(copy), Some(root)) = (lock.node(&dup.node), lock.node(&dup.root_node)) else { return false };
    let nar = |n: &crate::lock::LockNode| n.locked.as_ref().and_then(|l| attr_str(l, "narHash")).map(String::from);
    if nar(copy).is_some() && nar(copy) == nar(root) {
        return false;
    }
    let original_id = |n: &crate::lock::LockNode| n.original.as_ref().filter(|o| attr_str(o, "type") != Some("indirect")).and_then(repo_identity);
    if let (Some(a), Some(b)) = (original_id(copy), original_id(root)) {
        if a != b {
            return false;
        }
    }
    let reference = |n: &crate::lock::LockNode| n.original.as_ref().and_then(|o| attr_str(o, "ref")).map(String::from);
    let same_name = dup.path.last().is_some_and(|last| *last == dup.root_input);
    same_name || reference(copy) == reference(root)
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
