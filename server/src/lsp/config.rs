//! The editor's settings (`initializationOptions`, `workspace/didChangeConfiguration`): the keys
//! of `flakelint.toml` as JSON, merged with the `flakelint.toml` files found on disk, which win
//! where both set something (SPEC §3).

use std::collections::BTreeMap;
use std::path::Path;

use analysis::config::{ConfigSet, Level};
use analysis::diagnostic::Severity;
use analysis::lints::Rule;
use serde_json::Value;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditorSettings {
    pub levels: BTreeMap<Rule, Level>,
    /// As written; a relative path is taken from the workspace root.
    pub jetpack_source: Option<String>,
}

/// Reads the settings. Accepted shapes: `{"rules": {"unknown-output": "off"}, "jetpack":
/// {"source": "..."}}`, the same under a `"flakelint"` key (how most clients send a settings
/// section), and `"jetpackSource"` for `jetpack.source`. Returns the settings and a message for
/// each key that was not understood (shown to the user; the rest still applies).
pub fn parse(value: &Value) -> (EditorSettings, Vec<String>) {
    let mut settings = EditorSettings::default();
    let mut problems = Vec::new();
    let value = match value.get("flakelint") {
        Some(inner) if inner.is_object() => inner,
        _ => value,
    };
    let Some(object) = value.as_object() else {
        if !value.is_null() {
            problems.push("flakelint settings must be a JSON object".to_string());
        }
        return (settings, problems);
    };
    for (key, value) in object {
        match key.as_str() {
            "rules" => parse_rules(value, &mut settings, &mut problems),
            "jetpackSource" => match value {
                Value::String(s) if !s.is_empty() => settings.jetpack_source = Some(s.clone()),
                Value::String(_) | Value::Null => {}
                _ => problems.push("`jetpackSource` takes a directory path".to_string()),
            },
            "jetpack" => match value.get("source") {
                Some(Value::String(s)) if !s.is_empty() => {
                    settings.jetpack_source = Some(s.clone())
                }
                None | Some(Value::Null) | Some(Value::String(_)) => {}
                Some(_) => problems.push("`jetpack.source` takes a directory path".to_string()),
            },
            other => problems.push(format!(
                "unknown flakelint setting `{other}`: expected `rules` or `jetpack`"
            )),
        }
    }
    (settings, problems)
}

fn parse_rules(value: &Value, settings: &mut EditorSettings, problems: &mut Vec<String>) {
    // An empty Lua table (Neovim) arrives as `[]`.
    if value.as_array().is_some_and(Vec::is_empty) || value.is_null() {
        return;
    }
    let Some(rules) = value.as_object() else {
        problems.push("`rules` takes an object such as {\"unknown-output\": \"off\"}".into());
        return;
    };
    for (name, level) in rules {
        let Some(rule) = Rule::from_name(name) else {
            problems.push(format!(
                "unknown rule `{name}` in the flakelint settings; `flakelint rule` lists them"
            ));
            continue;
        };
        let text = match level {
            Value::String(s) => Some(s.as_str()),
            Value::Object(o) => o.get("severity").and_then(Value::as_str),
            _ => None,
        };
        let level = match text {
            Some("off") => Level::Off,
            Some("info") => Level::On(Severity::Info),
            Some("warning") => Level::On(Severity::Warning),
            Some("error") => Level::On(Severity::Error),
            _ => {
                problems.push(format!(
                    "the level of `{name}` must be \"error\", \"warning\", \"info\" or \"off\""
                ));
                continue;
            }
        };
        settings.levels.insert(rule, level);
    }
}

impl EditorSettings {
    /// Merges the settings into the configurations read from `flakelint.toml` files: where no
    /// file applies they are the configuration; where one does, they fill in what it leaves
    /// unset.
    pub fn merge_into(&self, set: &mut ConfigSet, workspace_root: Option<&Path>) {
        let source = self.jetpack_source.as_ref().map(|s| {
            let path = Path::new(s);
            let absolute = match workspace_root {
                Some(root) if path.is_relative() => root.join(path),
                _ => path.to_path_buf(),
            };
            crate::load::vfs_path(&absolute)
        });
        let configs = std::iter::once(&mut set.fallback).chain(set.by_dir.values_mut());
        for config in configs {
            for (&rule, &level) in &self.levels {
                config.levels.entry(rule).or_insert(level);
            }
            if config.jetpack_source.is_none() {
                config.jetpack_source.clone_from(&source);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use analysis::config::Config;

    #[test]
    fn reads_both_shapes() {
        let flat =
            serde_json::json!({"rules": {"unknown-output": "off"}, "jetpackSource": "../jp"});
        let nested = serde_json::json!({"flakelint": {"rules": {"unknown-output": {"severity": "off"}}, "jetpack": {"source": "../jp"}}});
        let (a, pa) = parse(&flat);
        let (b, pb) = parse(&nested);
        assert!(pa.is_empty() && pb.is_empty(), "{pa:?} {pb:?}");
        assert_eq!(a, b);
        assert_eq!(a.levels.get(&Rule::UnknownOutput), Some(&Level::Off));
        assert_eq!(a.jetpack_source.as_deref(), Some("../jp"));
        let (_, problems) = parse(&serde_json::json!({"rules": [], "jetpack": []}));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn problems_are_reported_and_the_rest_applies() {
        let (s, problems) = parse(&serde_json::json!({
            "rules": {"missing-folows": "off", "invalid-system": "loud", "unknown-output": "info"},
            "colour": true
        }));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(
            s.levels.get(&Rule::UnknownOutput),
            Some(&Level::On(Severity::Info))
        );
    }

    #[test]
    fn flakelint_toml_wins() {
        let mut set = ConfigSet::default();
        let mut from_file = Config::default();
        from_file
            .levels
            .insert(Rule::UnknownOutput, Level::On(Severity::Error));
        set.by_dir.insert("/f".into(), from_file);
        let (s, _) = parse(
            &serde_json::json!({"rules": {"unknown-output": "off", "invalid-system": "off"}, "jetpackSource": "jp"}),
        );
        s.merge_into(&mut set, Some(Path::new("/w")));
        let file = set.for_file("/f/flake.nix");
        assert_eq!(file.severity(Rule::UnknownOutput), Some(Severity::Error));
        assert_eq!(file.severity(Rule::InvalidSystem), None);
        assert_eq!(file.jetpack_source.as_deref(), Some("/w/jp"));
        assert_eq!(
            set.for_file("/g/flake.nix").severity(Rule::UnknownOutput),
            None
        );
    }
}
