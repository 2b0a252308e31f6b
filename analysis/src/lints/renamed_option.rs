//! `renamed-option`: a setting of an option path that jetpack-nixos renamed.

use rowan::TextRange;

use super::options_common::{judged, settings_and_index};
use super::{LintCtx, Rule};
use crate::diagnostic::Fix;
use crate::options::index::is_forwarding;
use crate::settings::Setting;

pub(crate) const DOC: &str = r#"# renamed-option

## What it checks
A setting of an option path that jetpack-nixos renamed with `mkRenamedOptionModule` (or
aliased, changed or merged into another option), in any form the setting is written.

## Why it matters
The old path still works for now but prints a warning on every rebuild, and it goes away
when jetpack-nixos drops the rename; for a changed option the value is converted behind your
back.

## Example
```nix
{
  hardware.nvidia-jetpack.bootloader.autoUpdate = true;
}
```
(at the bundled jetpack-nixos revision this is `hardware.nvidia-jetpack.firmware.autoUpdate`).

## Fix
Write the new path. The fix rewrites the renamed part of the key when it is written in one
place (`a.b.old = ...`, or `old = ...` inside `a.b = { ... }`).
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let Some((settings, index)) = settings_and_index(ctx) else { return };
    for setting in settings {
        if !judged(&index, setting) {
            continue;
        }
        let Some(rename) = index.rename_of(&setting.path).filter(|r| is_forwarding(r)) else { continue };
        let old = rename.from.join(".");
        let new = rename.to.join(".");
        let range = setting.segments[rename.from.len() - 1];
        let message = format!("`{old}` was renamed to `{new}` in jetpack-nixos");
        let fix = rewrite(ctx.text, setting, &rename.from, &rename.to).map(|(range, text)| Fix::replace(format!("use `{new}`"), ctx.path, range, text));
        ctx.report(Rule::RenamedOption, range, message, fix);
    }
}

/// The edit that turns the old path into the new one: the segments after the common prefix of
/// both paths must all be written in the setting's own key, one after the other.
fn rewrite(text: &str, setting: &Setting, from: &[String], to: &[String]) -> Option<(TextRange, String)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    if common == from.len() {
        return None;
    }
    let own_start = setting.segments.len() - setting.key_len;
    if common < own_start {
        return None;
    }
    // The segments being replaced must follow each other in one key, separated by dots.
    for pair in setting.segments[common..from.len()].windows(2) {
        if text.get(usize::from(pair[0].end())..usize::from(pair[1].start()))?.trim() != "." {
            return None;
        }
    }
    let range = TextRange::new(setting.segments[common].start(), setting.segments[from.len() - 1].end());
    Some((range, to[common..].join(".")))
}
