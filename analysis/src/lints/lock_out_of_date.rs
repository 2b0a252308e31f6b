//! `lock-out-of-date`: `flake.lock` does not match the inputs `flake.nix` declares.

use super::{LintCtx, Rule};
use crate::db;
use crate::diagnostic::Severity;
use crate::flake::InputDecl;
use crate::flake_ref::{parse_flake_ref_as, same_reference};
use crate::lock::{locked_ref_text, LockAttrs, LockFile, LockInput, LockValue};

pub(crate) const DOC: &str = r#"# lock-out-of-date

## What it checks
That `flake.lock` is in step with `flake.nix`:
- every declared input has an entry among the lock's root inputs;
- the lock's `original` reference of each input is the one declared (`url`, or the attribute
  form), and `flake = false` matches;
- every `follows` declared in `flake.nix` (`inputs.x.follows`, `inputs.x.inputs.y.follows`,
  deeper ones too) is recorded in the lock;
- and the reverse, as a warning: a root input locked in `flake.lock` that `flake.nix` no
  longer declares.
The lock's node names are never assumed: everything is resolved through its root node.

## Why it matters
`nix build` quietly rewrites a stale lock (or fails in CI with `--no-write-lock-file`), so
what was reviewed and tested is not what gets built; a follows missing from the lock means the
duplicate it was meant to remove is still there.

## Example
```nix
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";  # the lock still says nixos-24.05
}
```

## Fix
Run `nix flake lock` and commit the new `flake.lock` together with `flake.nix`.
"#;

const RELOCK: &str = "run `nix flake lock`";

pub(crate) fn check(ctx: &mut LintCtx) {
    let (Some(lock), Some(_)) = (ctx.lock(), ctx.flake()) else { return };
    let model = db::flake_model(ctx.db, ctx.file);
    let root = lock.root.clone();
    for input in &model.inputs {
        let Some(locked) = lock.root_node().and_then(|r| r.input(&input.name)) else {
            let message = format!("input `{}` is declared but not in flake.lock; {RELOCK}", input.name);
            ctx.report(Rule::LockOutOfDate, input.name_range, message, None);
            continue;
        };
        match (&input.follows, locked) {
            (Some(follows), LockInput::Follows(path)) => {
                if follows_path(&follows.value) != *path {
                    let message = format!(
                        "`{}` follows `{}` in flake.nix but `{}` in flake.lock; {RELOCK}",
                        input.name,
                        follows.value,
                        path.join("/")
                    );
                    ctx.report(Rule::LockOutOfDate, follows.range, message, None);
                }
            }
            (Some(follows), LockInput::Node(_)) => {
                let message = format!("`{}` follows `{}` in flake.nix, but flake.lock locks it on its own; {RELOCK}", input.name, follows.value);
                ctx.report(Rule::LockOutOfDate, follows.range, message, None);
            }
            (None, LockInput::Follows(path)) => {
                let message = format!("flake.lock has `{}` following `{}`, which flake.nix no longer says; {RELOCK}", input.name, path.join("/"));
                ctx.report(Rule::LockOutOfDate, input.name_range, message, None);
            }
            (None, LockInput::Node(node)) => check_reference(ctx, lock, input, node),
        }
        check_overrides(ctx, lock, &root, input);
    }
}

/// The declared reference against the node's `original`, and `flake = false` against the node.
fn check_reference(ctx: &mut LintCtx, lock: &LockFile, input: &InputDecl, node_name: &str) {
    let Some(node) = lock.node(node_name) else { return };
    let declared_flake = input.flake.as_ref().is_none_or(|f| f.value);
    if declared_flake != node.flake {
        let range = input.flake.as_ref().map_or(input.name_range, |f| f.range);
        let (said, locked) = if declared_flake { ("a flake", "`flake = false`") } else { ("`flake = false`", "a flake") };
        let message = format!("`{}` is {said} in flake.nix but {locked} in flake.lock; {RELOCK}", input.name);
        ctx.report(Rule::LockOutOfDate, range, message, None);
        return;
    }
    let (Some(declared), Some(original)) = (declared_reference(input, declared_flake), &node.original) else { return };
    if same_reference(&declared, original) {
        return;
    }
    let range = input.url.as_ref().map_or(input.name_range, |u| u.range);
    let locked_text = locked_ref_text(original).unwrap_or_else(|| "another reference".into());
    let declared_text = input.url.as_ref().map_or_else(|| "another reference".to_string(), |u| format!("`{}`", u.value));
    let message = format!(
        "flake.nix declares `{}` as {declared_text}, but flake.lock has `{locked_text}`; {RELOCK}",
        input.name
    );
    ctx.report(Rule::LockOutOfDate, range, message, None);
}

/// `inputs.x.inputs.y[.inputs.z].follows` / `.url` against what the lock records below `x`.
fn check_overrides(ctx: &mut LintCtx, lock: &LockFile, root: &str, input: &InputDecl) {
    let Some(start) = lock.input_node(root, &input.name).map(str::to_string) else { return };
    for o in &input.overrides {
        // The node whose input the override names: walk all but the last segment.
        let mut node = start.clone();
        let mut known = true;
        for segment in &o.path[..o.path.len() - 1] {
            match lock.input_node(&node, segment) {
                Some(next) => node = next.to_string(),
                None => {
                    known = false;
                    break;
                }
            }
        }
        let last = &o.path[o.path.len() - 1];
        // An override of an input the locked flake does not have is ignored by Nix; relocking
        // would not change the lock, so it is not reported as out of date.
        let Some(locked) = known.then(|| lock.node(&node).and_then(|n| n.input(last))).flatten() else { continue };
        let path_text = format!("{}/{}", input.name, o.path.join("/"));
        if let Some(follows) = &o.follows {
            let wanted = follows_path(&follows.value);
            // A target that does not exist is `follows-target-missing`'s to report: relocking
            // would fail, not help.
            if wanted.first().is_some_and(|first| lock.root_node().and_then(|r| r.input(first)).is_none()) {
                continue;
            }
            let ok = matches!(locked, LockInput::Follows(p) if *p == wanted);
            if !ok {
                let now = match locked {
                    LockInput::Follows(p) => format!("follows `{}`", p.join("/")),
                    LockInput::Node(_) => "has its own copy".to_string(),
                };
                let message = format!("flake.nix makes `{path_text}` follow `{}`, but in flake.lock it {now}; {RELOCK}", follows.value);
                ctx.report(Rule::LockOutOfDate, follows.range, message, None);
            }
        } else if let (Some(url), LockInput::Node(n)) = (&o.url, locked) {
            let declared = parse_flake_ref_as(&url.value, true).ok();
            let original = lock.node(n).and_then(|n| n.original.clone());
            if let (Some(declared), Some(original)) = (declared, original) {
                if !same_reference(&declared, &original) {
                    let message = format!("flake.nix overrides `{path_text}` with another reference than flake.lock has; {RELOCK}");
                    ctx.report(Rule::LockOutOfDate, url.range, message, None);
                }
            }
        }
    }
}

fn follows_path(target: &str) -> Vec<String> {
    target.split('/').filter(|s| !s.is_empty()).map(String::from).collect()
}

/// The reference a root input declares, in the lock's `original` form: from `url`, from the
/// attribute form (`type = "github"; ...`), or, with neither, the registry id of its name.
fn declared_reference(input: &InputDecl, is_flake: bool) -> Option<LockAttrs> {
    if input.attrs.contains_key("type") {
        let mut attrs = LockAttrs::new();
        for (key, value) in &input.attrs {
            attrs.insert(key.clone(), scalar(key, &value.value));
        }
        if let Some(url) = &input.url {
            attrs.insert("url".into(), LockValue::Str(url.value.clone()));
        }
        return Some(attrs);
    }
    if let Some(url) = &input.url {
        return parse_flake_ref_as(&url.value, is_flake).ok();
    }
    if input.attrs.is_empty() {
        let mut attrs = LockAttrs::new();
        attrs.insert("type".into(), LockValue::Str("indirect".into()));
        attrs.insert("id".into(), LockValue::Str(input.name.clone()));
        return Some(attrs);
    }
    None
}

fn scalar(key: &str, text: &str) -> LockValue {
    match (key, text) {
        (_, "true") => LockValue::Bool(true),
        (_, "false") => LockValue::Bool(false),
        ("lastModified" | "revCount", n) => n.parse().map(LockValue::Int).unwrap_or_else(|_| LockValue::Str(n.into())),
        (_, s) => LockValue::Str(s.into()),
    }
}

/// The reverse check, on `flake.lock` itself: root inputs that `flake.nix` no longer declares.
pub(crate) fn check_lock(ctx: &mut LintCtx) {
    let Some(lock) = db::lock_file(ctx.db, ctx.file).as_ref().ok() else { return };
    let Some(model) = ctx.flake_model() else { return };
    let declared: Vec<&str> = model.inputs.iter().map(|i| i.name.as_str()).collect();
    // `outputs` parameters without a declaration are implicit (registry) inputs.
    let params: Vec<&str> = model.outputs.iter().flat_map(|o| o.params.iter().map(|p| p.name.as_str())).collect();
    for (name, _, range) in lock.root_inputs() {
        if declared.contains(&name.as_str()) || params.contains(&name.as_str()) {
            continue;
        }
        let message = format!("flake.lock still locks input `{name}`, which flake.nix no longer declares; {RELOCK}");
        ctx.report_capped(Rule::LockOutOfDate, Severity::Warning, *range, message, None);
    }
}
