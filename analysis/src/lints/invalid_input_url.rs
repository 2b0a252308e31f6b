//! `invalid-input-url`: a flake reference that Nix cannot parse.

use super::{LintCtx, Rule};
use crate::db;
use crate::flake_ref::parse_flake_ref_as;

pub(crate) const DOC: &str = r#"# invalid-input-url

## What it checks
Input URLs in `flake.nix` (`inputs.x.url`, and nested `inputs.x.inputs.y.url`) that are not
valid flake references: an unknown scheme (`gihub:`), `github:owner` without a repository, an
unknown or malformed query parameter, a branch name git would refuse, `submodules=true` where
Nix only reads `1`. The message lists the accepted forms.

## Why it matters
Nix rejects the whole flake when one reference does not parse, and some mistakes (an ignored
query parameter) are not rejected but silently do something else.

## Example
```nix
{
  inputs.jetpack.url = "github:anduril";
  inputs.nixpkgs.url = "gihub:NixOS/nixpkgs/nixos-24.11";
}
```

## Fix
Write the reference in one of the accepted forms: `github:owner/repo[/ref]`,
`gitlab:owner/repo`, `git+https://host/path?ref=branch`, `path:./dir`, `tarball+https://...`,
or an indirect id such as `nixpkgs`.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let model = db::flake_model(ctx.db, ctx.file);
    let mut found = Vec::new();
    for input in &model.inputs {
        let is_flake = input.flake.as_ref().is_none_or(|f| f.value);
        if let Some(url) = &input.url {
            if let Err(e) = parse_flake_ref_as(&url.value, is_flake) {
                found.push((url.range, format!("input `{}`: {}", input.name, e.message)));
            }
        }
        for o in &input.overrides {
            if let Some(url) = &o.url {
                if let Err(e) = parse_flake_ref_as(&url.value, true) {
                    found.push((url.range, format!("input `{}/{}`: {}", input.name, o.path.join("/"), e.message)));
                }
            }
        }
    }
    for (range, message) in found {
        ctx.report(Rule::InvalidInputUrl, range, message, None);
    }
}
