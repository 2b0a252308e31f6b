//! `missing-file`: a path literal that names nothing on disk.

use super::{LintCtx, Rule};
use crate::db::{self, Existence};
use crate::paths;

pub(crate) const DOC: &str = r#"# missing-file

## What it checks
A path literal (`./x.nix`, `imports = [ ./dir ]`, `import ./x`, `builtins.readFile ./f`,
`"${self}/f"`, `${./f}`) that names no file or directory.

Some references may name nothing and are not reported:
- paths tested for existence in the same file, and everything below a tested directory:
  `builtins.pathExists`, `lib.pathIsDirectory`, `lib.pathIsRegularFile`,
  `lib.fileset.maybeMissing`, also through a `let` name, `./. + "/x"`, `"${self}/x"`, and
  `builtins.filter builtins.pathExists [ ... ]`;
- paths that are never read: in the `example`, `defaultText` or `description` of an attribute
  set (an option's documentation), or the argument of `toString`;
- anything under `.git`;
- the files of a flake template (a directory given as `templates.<name>.path` by a `.nix` file
  of an enclosing flake), which the user completes after `nix flake init`;
- `./flake.lock` beside a `flake.nix`: Nix writes it on first use.

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
Correct the path, or create the file (and `git add` it: a flake sees only tracked files). A
file that is absent on some machines belongs behind a guard:
`lib.optional (builtins.pathExists ./local.nix) ./local.nix`.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let refs = db::path_refs(ctx.db, ctx.file);
    let ws = ctx.db.workspace();
    let (disk, files) = (ws.disk(ctx.db), ws.files(ctx.db));
    // Asked only when something is missing (seldom).
    let mut in_template = None;
    for r in refs.iter() {
        if r.exempt() || disk.existence(&r.target) != Existence::Missing {
            continue;
        }
        if *in_template.get_or_insert_with(|| db::in_flake_template(ctx.db, ctx.path)) {
            return;
        }
        if paths::file_name(&r.target) == "flake.lock" {
            let flake_nix = paths::join(paths::parent(&r.target), "flake.nix");
            if files.contains_key(&flake_nix) || disk.existence(&flake_nix) == Existence::Exists {
                continue;
            }
        }
        let message = format!("`{}` does not exist", r.text);
        ctx.report(Rule::MissingFile, r.range, message, None);
    }
}
