//! `jetpack-incompatible`: settings that jetpack-nixos's own assertions reject together.

use rowan::TextRange;

use super::options_common::settings_and_index;
use super::{LintCtx, Rule};
use crate::settings::{Setting, Value};

pub(crate) const DOC: &str = r#"# jetpack-incompatible

## What it checks
Combinations of settings that jetpack-nixos itself asserts against, when the values are
written literally in the same file:
- `majorVersion` against the `som` family (`modules/default.nix`, `validSomsAssertion`):
  JetPack 5 supports `xavier` and `orin` modules, JetPack 6 only `orin`, JetPack 7 `orin` and
  `thor` (`som = "generic"` is always accepted);
- `carrierBoard = "xavierNxDevkit"` only with `som = "orin-nx"` (`modules/default.nix`:
  "XavierNxDevkit carrier board only valid with Orin NX SOM");
- `firmware.optee.ftpm.enable = true` needs an Orin or Thor SoC, not a Xavier `som`
  (`modules/optee.nix`: "ftpm.enable requires a t234 (Orin) or t264 (Thor) SoC");
- `firmware.optee.supplicant.earlyBoot.enable = true` needs `firmware.optee.ftpm.enable`
  (`modules/optee.nix`: "supplicant.earlyBoot requires ftpm.enable").
Values that are computed, set under `mkIf`, or set in several places of the file are not
judged.

## Why it matters
The assertion fails only when the whole configuration is evaluated, after minutes of
evaluation, often on the build machine.

## Example
```nix
{
  hardware.nvidia-jetpack.som = "xavier-agx";
  hardware.nvidia-jetpack.majorVersion = "6";
}
```

## Fix
Pick a JetPack release that supports the module (`majorVersion = "5"` for Xavier), or the
module that the carrier board and features need.
"#;

const NS: &[&str] = &["hardware", "nvidia-jetpack"];

/// The one literal string or boolean a file sets on a jetpack option, with its range.
fn only<'s>(settings: &'s [Setting], rest: &[&str]) -> Option<(&'s Value, TextRange)> {
    let mut found = settings.iter().filter(|s| s.path.len() == NS.len() + rest.len() && s.under(NS) && s.path[NS.len()..].iter().zip(rest).all(|(a, b)| a == b));
    let first = found.next()?;
    if found.next().is_some() || first.conditional || matches!(first.value, Value::Expr) {
        return None;
    }
    Some((&first.value, first.value_range))
}

fn string<'s>(settings: &'s [Setting], rest: &[&str]) -> Option<(&'s str, TextRange)> {
    match only(settings, rest)? {
        (Value::Str(s), range) => Some((s.as_str(), range)),
        _ => None,
    }
}

fn boolean(settings: &[Setting], rest: &[&str]) -> Option<(bool, TextRange)> {
    match only(settings, rest)? {
        (Value::Bool(b), range) => Some((*b, range)),
        _ => None,
    }
}

pub(crate) fn check(ctx: &mut LintCtx) {
    let Some((settings, _)) = settings_and_index(ctx) else { return };
    let som = string(settings, &["som"]);
    if let (Some((version, range)), Some((som, _))) = (string(settings, &["majorVersion"]), som) {
        let families: &[&str] = match version {
            "5" => &["xavier", "orin"],
            "6" => &["orin"],
            "7" => &["orin", "thor"],
            _ => &[],
        };
        if !families.is_empty() && som != "generic" && !families.iter().any(|f| som.starts_with(f)) {
            let message = format!(
                "JetPack {version} only supports som families {} (or \"generic\"), but `som` is \"{som}\" here",
                families.join(", ")
            );
            ctx.report(Rule::JetpackIncompatible, range, message, None);
        }
    }
    if let (Some(("xavierNxDevkit", range)), Some((som, _))) = (string(settings, &["carrierBoard"]), som) {
        if som != "orin-nx" {
            let message = format!("carrier board \"xavierNxDevkit\" is only valid with `som = \"orin-nx\"`, but `som` is \"{som}\" here");
            ctx.report(Rule::JetpackIncompatible, range, message, None);
        }
    }
    let ftpm = boolean(settings, &["firmware", "optee", "ftpm", "enable"]);
    if let (Some((true, range)), Some((som, _))) = (ftpm, som) {
        if som.starts_with("xavier") {
            let message = format!("OP-TEE fTPM needs an Orin (t234) or Thor (t264) SoC, but `som` is \"{som}\" here");
            ctx.report(Rule::JetpackIncompatible, range, message, None);
        }
    }
    if let (Some((true, range)), Some((false, _))) = (boolean(settings, &["firmware", "optee", "supplicant", "earlyBoot", "enable"]), ftpm) {
        let message = "`firmware.optee.supplicant.earlyBoot.enable` needs `firmware.optee.ftpm.enable = true`, which is false here";
        ctx.report(Rule::JetpackIncompatible, range, message, None);
    }
}
