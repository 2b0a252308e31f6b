//! `missing-file`: a path literal that names nothing on disk.

use super::{LintCtx, Rule};
use crate::db::{self, Existence};

pub(crate) const DOC: &str = r#"# missing-file

## What it checks
A path literal (`./x.nix`, `imports = [ ./dir ]`, `import ./x`, `builtins.readFile ./f`,
`"${self}/f"`, `${./f}`) that names no file or directory.

## Why it matters
Nix resolves path literals when it evaluates them: a missing file fails the build of every
configuration that reaches it, often with an error far from the typo.

## Example
```nix
{
  imports = [ ./hardware-configuraton.nix ];
}
```

## Fix
Correct the path, or create the file (and `git add` it: a flake sees only tracked files). Paths
tested with `builtins.pathExists` in the same file are expected to be absent at times and are not
reported.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let disk = ctx.db.workspace().disk(ctx.db);
    let refs = db::path_refs(ctx.db, ctx.file);
    for r in refs {
        if r.guarded || disk.existence(&r.target) != Existence::Missing {
            continue;
        }
        let message = format!("`{}` does not exist", r.text);
        ctx.report(Rule::MissingFile, r.range, message, None);
    }
}
