//! `unused-suppression`: the check itself lives in `suppression.rs`, which sees every finding.

pub(crate) const DOC: &str = r#"# unused-suppression

## What it checks
A `# flakelint: ignore[rule]` or `# flakelint: ignore-file[rule]` comment that silences nothing:
the rule reports nothing on that line (or in that file), or the name is not a flakelint rule.

## Why it matters
Suppressions outlive the problems they were written for. A stale one hides the next real
finding of that rule on the same line, and a misspelt rule name silences nothing at all.

## Example
```nix
{
  # flakelint: ignore[missing-file]
  imports = [ ./hardware-configuration.nix ];  # the file exists now
}
```

## Fix
Remove the comment, or the unused rule name from its list. Suppressions of rules that are
turned off in the configuration are not reported.
"#;
