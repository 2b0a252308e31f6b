//! `invalid-option-value`: a literal value that the option's declared type rejects.

use super::options_common::{judged, settings_and_index};
use super::{closest, LintCtx, Rule};
use crate::diagnostic::Fix;
use crate::options::index::{merged_type, Lookup};
use crate::options::OptionType;
use crate::settings::Value;

pub(crate) const DOC: &str = r#"# invalid-option-value

## What it checks
A literal value set on a jetpack-nixos option that the option's declared type rejects: a
string outside an enum (`som = "orin-agxx"`), a string for a boolean, a non-positive number for
`ints.positive`, a scalar where a list is expected, a number out of an `ints.between` range.
Enum values are merged from every declaration seen, since users extend `som` and
`carrierBoard` in their own modules. Values that are not literals are not judged; `mkDefault`,
`mkForce` and `mkOverride` of a literal are.

## Why it matters
NixOS only rejects the value when the configuration is evaluated, with a type error that
points into the module system rather than at your file.

## Example
```nix
{
  hardware.nvidia-jetpack.som = "orin-agxx";
  hardware.nvidia-jetpack.enable = "true";
}
```

## Fix
Use a value of the option's type; for enums the closest value is offered as a fix.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let Some((settings, index)) = settings_and_index(ctx) else { return };
    for setting in settings {
        if !judged(&index, setting) || index.rename_of(&setting.path).is_some() {
            continue;
        }
        let Lookup::Option(decls) = index.lookup(&setting.path) else { continue };
        let ty = merged_type(&decls);
        let Some(problem) = rejects(&ty, &setting.value) else { continue };
        // A fork may extend enums the bundled index knows; only its own source can tell.
        if index.source.is_partial() && ty.enum_values().is_some() {
            continue;
        }
        let name = setting.path.join(".");
        let mut message = format!("`{name}` has type {}; {problem}", describe(&ty));
        let fix = match (&setting.value, ty.enum_values()) {
            (Value::Str(s), Some(values)) => closest(s, values.iter().map(String::as_str), 3).map(|v| {
                message.push_str(&format!("; did you mean \"{v}\"?"));
                Fix::replace(format!("use \"{v}\""), ctx.path, setting.value_range, format!("\"{v}\""))
            }),
            _ => None,
        };
        ctx.report(Rule::InvalidOptionValue, setting.value_range, message, fix);
    }
}

/// "one of "a", "b"" or the manual's name of the type.
fn describe(ty: &OptionType) -> String {
    ty.to_string()
}

/// Why `ty` certainly rejects `value`, or `None` when it accepts it or cannot tell.
fn rejects(ty: &OptionType, value: &Value) -> Option<String> {
    use OptionType as T;
    if matches!(value, Value::Expr | Value::AttrSet) {
        return None;
    }
    let got = || format!("got {}", value.kind());
    match ty {
        T::Bool => (!matches!(value, Value::Bool(_))).then(got),
        T::Int | T::IntsPositive | T::IntsUnsigned | T::IntsBetween(..) | T::Port => match value {
            Value::Int(n) => {
                let (lo, hi) = match ty {
                    T::IntsPositive => (1, i64::MAX),
                    T::IntsUnsigned => (0, i64::MAX),
                    T::IntsBetween(lo, hi) => (*lo, *hi),
                    T::Port => (0, 65535),
                    _ => (i64::MIN, i64::MAX),
                };
                (*n < lo || *n > hi).then(|| format!("{n} is out of range"))
            }
            _ => Some(got()),
        },
        T::Float => (!matches!(value, Value::Float(_))).then(got),
        T::Number => (!matches!(value, Value::Float(_) | Value::Int(_))).then(got),
        T::Str | T::NonEmptyStr | T::SingleLineStr | T::Lines | T::StrMatching(_) | T::SeparatedString(_) => match value {
            Value::Str(s) if matches!(ty, T::NonEmptyStr) && s.trim().is_empty() => Some("got an empty string".into()),
            Value::Str(s) if matches!(ty, T::SingleLineStr) && s.contains('\n') => Some("got a string of several lines".into()),
            Value::Str(_) => None,
            // Paths are turned into strings in many string options (`types.str` rejects them,
            // but `lines`, `separatedString` and co. are looser): only judge the clear cases.
            Value::Path(_) => None,
            _ => Some(got()),
        },
        T::Enum(values) => match value {
            Value::Str(s) if !values.contains(s) => Some(format!("\"{s}\" is not one of them")),
            Value::Int(n) if !values.contains(&n.to_string()) => Some(format!("{n} is not one of them")),
            Value::Bool(b) if !values.contains(&b.to_string()) => Some(format!("{b} is not one of them")),
            Value::Null | Value::List(_) | Value::Float(_) | Value::Path(_) => Some(got()),
            _ => None,
        },
        T::NullOr(inner) => match value {
            Value::Null => None,
            _ => rejects(inner, value),
        },
        T::ListOf(inner) => match value {
            Value::List(items) => items.iter().find_map(|item| rejects(inner, item).map(|why| format!("an element: {why}"))),
            Value::Str(_) | Value::Int(_) | Value::Bool(_) | Value::Float(_) | Value::Null | Value::Path(_) => Some(got()),
            _ => None,
        },
        T::Package | T::Submodule | T::AttrsOf(_) | T::Attrs => match value {
            Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::List(_) => Some(got()),
            _ => None,
        },
        T::Either(a, b) | T::CoercedTo(a, b) => {
            let (ra, rb) = (rejects(a, value), rejects(b, value));
            ra.and(rb).map(|_| got())
        }
        T::OneOf(ts) => ts.iter().all(|t| rejects(t, value).is_some()).then(got),
        _ => None,
    }
}
