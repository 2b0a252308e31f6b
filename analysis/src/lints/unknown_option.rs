//! `unknown-option`: a setting under a jetpack-nixos namespace that the option index lacks.

use super::options_common::{judged, settings_and_index};
use super::{closest, LintCtx, Rule};
use crate::diagnostic::Fix;
use crate::options::index::{is_forwarding, Lookup};
use crate::options::RenameKind;

pub(crate) const DOC: &str = r#"# unknown-option

## What it checks
A setting under a namespace that jetpack-nixos declares (`hardware.nvidia-jetpack`,
`services.nvpmodel`, `services.nvfancontrol`, `services.nvargus-daemon`) that the option index
does not have, in any form the setting is written (dotted, nested, inside `config`, `mkIf`,
`mkMerge`, `mkDefault`, ...). The index is read from the jetpack-nixos source the flake uses
(`[jetpack] source`, a `path` input, or its store path) or else the bundled index, plus the
options the flake's own modules declare under those namespaces; the message says which. Options
that jetpack-nixos removed (`mkRemovedOptionModule`) are reported with its explanation. When
`flake.lock` pins a fork of jetpack-nixos whose source is not on this machine, the bundled
index cannot know what the fork adds, and nothing is reported as unknown.

## Why it matters
NixOS rejects the configuration with "The option `hardware.nvidia-jetpack.somm' does not
exist", but only when it is evaluated, typically on the build machine.

## Example
```nix
{
  hardware.nvidia-jetpack.enable = true;
  hardware.nvidia-jetpack.somm = "orin-agx";
}
```

## Fix
Use the option's real name; the closest one is suggested and offered as a fix.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let Some((settings, index)) = settings_and_index(ctx) else { return };
    for setting in settings {
        if !judged(&index, setting) {
            continue;
        }
        if let Some(rename) = index.rename_of(&setting.path) {
            if rename.kind == RenameKind::Removed {
                let reason = rename.message.as_deref().map(|m| format!(": {}", m.trim())).unwrap_or_default();
                let range = setting.segments[rename.from.len() - 1];
                let message = format!("`{}` was removed from jetpack-nixos{reason}", rename.from.join("."));
                ctx.report(Rule::UnknownOption, range, message, None);
            }
            if is_forwarding(rename) || rename.kind == RenameKind::Removed {
                continue;
            }
        }
        // A stand-in for a fork cannot know the options the fork adds.
        if index.source.is_partial() {
            continue;
        }
        let Lookup::Unknown { known, siblings } = index.lookup(&setting.path) else { continue };
        let segment = &setting.path[known];
        let range = setting.segments[known];
        let prefix = setting.path[..known].join(".");
        let mut message = format!("`{prefix}` has no option `{segment}` in {}", index.source.describe());
        let fix = closest(segment, siblings.iter().copied(), (segment.len() / 3).clamp(1, 3)).map(|suggestion| {
            message.push_str(&format!("; did you mean `{suggestion}`?"));
            Fix::replace(format!("rename to `{suggestion}`"), ctx.path, range, suggestion)
        });
        ctx.report(Rule::UnknownOption, range, message, fix);
    }
}
