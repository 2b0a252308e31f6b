//! `syntax-error`: a Nix file that does not parse, or a `flake.lock` that cannot be read.

use super::{LintCtx, Rule};
use crate::db;

pub(crate) const DOC: &str = r#"# syntax-error

## What it checks
A `.nix` file that does not parse, and a `flake.lock` that is not valid JSON or not a lock of
version 5 to 7. The finding is placed at the first place the parser could not make sense of.

## Why it matters
Nix refuses to evaluate a flake with a broken file, and every other rule sees less of a file that
does not parse. A broken `flake.lock` makes every `nix` command on the flake fail.

## Example
```nix
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11"
  outputs = { self, nixpkgs }: { };
}
```
The first binding lacks its `;`.

## Fix
Correct the syntax at the reported place. For a broken `flake.lock`, restore it from git or run
`nix flake lock` to write a new one.
"#;

/// A broken file can produce thousands of errors; the first few say all there is to say.
const MAX_ERRORS_PER_FILE: usize = 10;

pub(crate) fn check(ctx: &mut LintCtx) {
    for error in ctx.parsed().errors.iter().take(MAX_ERRORS_PER_FILE) {
        ctx.report(Rule::SyntaxError, error.range, format!("syntax error: {}", error.message), None);
    }
}

pub(crate) fn check_lock(ctx: &mut LintCtx) {
    if let Err(error) = db::lock_file(ctx.db, ctx.file) {
        ctx.report(Rule::SyntaxError, error.range, error.message.clone(), None);
    }
}
