//! `untracked-file`: a path literal naming a file that exists but that git does not track.

use super::{LintCtx, Rule};
use crate::db::{self, Existence};
use crate::git::Tracking;
use crate::paths;

pub(crate) const DOC: &str = r#"# untracked-file

## What it checks
A path literal inside a flake in a git repository (`./x.nix`, `imports = [ ./dir ]`,
`import ./x`, `builtins.readFile ./f`, `"${self}/f"`, `${./f}`) that names an existing file or
directory which is not in git's index: never added, or ignored by `.gitignore`. Staged files
count as tracked.

Not reported, as for `missing-file`: paths tested for existence in the same file (with
`builtins.pathExists`, `lib.pathIsDirectory`, `lib.pathIsRegularFile` or
`lib.fileset.maybeMissing`) and everything below a tested directory; paths that are never read
(in an attribute set's `example`, `defaultText` or `description`, or the argument of
`toString`); anything under `.git`; and the files of a flake template
(`templates.<name>.path`).

## Why it matters
A flake in a git repository is copied to the Nix store from git's index, not from the
directory: an untracked file does not exist for Nix. Evaluation then fails with
"No such file or directory" under `/nix/store/...`, although the file is right there.

## Example
```nix
{
  imports = [ ./modules/camera.nix ];  # created, but never `git add`ed
}
```

## Fix
`git add modules/camera.nix` (with `-f` if `.gitignore` matches it). A file that only some
machines have, kept out of git on purpose, belongs behind a guard:
`lib.optional (builtins.pathExists ./local.nix) ./local.nix`.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let Some(flake) = ctx.flake() else { return };
    let ws = ctx.db.workspace();
    let (disk, git) = (ws.disk(ctx.db), ws.git(ctx.db));
    let flake_root = flake.root(ctx.db).to_string();
    // A flake outside any repository sees every file.
    let Some(repo) = git.repo_of(&flake_root) else { return };
    let refs = db::path_refs(ctx.db, ctx.file);
    // Asked only when something is untracked (seldom).
    let mut in_template = None;
    for r in refs.iter() {
        if r.exempt() || disk.existence(&r.target) != Existence::Exists {
            continue;
        }
        // The flake can only see its own repository; paths outside it fail for other reasons.
        let Some(rel) = paths::strip_dir(&r.target, &repo.workdir) else { continue };
        // `import ./dir` reads `dir/default.nix`: that is the file that must be tracked, unless
        // the path is itself an index entry (a tracked symlink to a directory).
        let default_nix = format!("{}/default.nix", r.target);
        let checked = if !repo.has_entry(rel) && disk.existence(&default_nix) == Existence::Exists {
            default_nix
        } else {
            r.target.clone()
        };
        // A path through a tracked symlink is seen by Nix where the link points.
        let real = disk.real_path(&checked);
        if git.tracking(&checked) != Tracking::Untracked || (real != checked && git.tracking(real) != Tracking::Untracked) {
            continue;
        }
        if *in_template.get_or_insert_with(|| db::in_flake_template(ctx.db, ctx.path)) {
            return;
        }
        let rel_checked = paths::strip_dir(&checked, &repo.workdir).unwrap_or(rel);
        let message = format!(
            "`{}` is not tracked by git, so the flake cannot see it: run `git add {}`",
            r.text,
            shell_quote(rel_checked)
        );
        ctx.report(Rule::UntrackedFile, r.range, message, None);
    }
}

fn shell_quote(path: &str) -> String {
    if path.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+@%=:,".contains(c)) {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}
