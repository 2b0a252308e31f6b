//! Settings from `flakelint.toml` (parsed by the server) and the editor: rule severities and
//! rule options. The analysis only sees the resolved values.

use std::collections::BTreeMap;

use crate::diagnostic::Severity;
use crate::lints::Rule;
use crate::paths;

/// A rule's configured level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub levels: BTreeMap<Rule, Level>,
    /// `missing-follows`: input paths (`jetpack/nixpkgs`, or just `jetpack`) that may keep their
    /// own copy of a repository.
    pub allow_duplicates: Vec<String>,
    /// `[jetpack] source`, resolved to an absolute path by the loader.
    pub jetpack_source: Option<String>,
    /// `--select`: when set, only these rules run.
    pub select: Option<Vec<Rule>>,
    /// `--ignore`.
    pub ignore: Vec<Rule>,
}

impl Config {
    /// The severity a rule reports at, or `None` when it is turned off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        if self.ignore.contains(&rule) {
            return None;
        }
        if let Some(select) = &self.select {
            if !select.contains(&rule) {
                return None;
            }
        }
        match self.levels.get(&rule) {
            Some(Level::Off) => None,
            Some(Level::On(s)) => Some(*s),
            None => Some(rule.default_severity()),
        }
    }
}

/// The configurations in force: one per directory holding a `flakelint.toml`, and the one that
/// applies where none does (or to everything, with `--config`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigSet {
    pub by_dir: BTreeMap<String, Config>,
    pub fallback: Config,
}

impl ConfigSet {
    /// The nearest configuration above a file.
    pub fn for_file(&self, file: &str) -> &Config {
        paths::ancestors(file)
            .find_map(|dir| self.by_dir.get(dir))
            .unwrap_or(&self.fallback)
    }
}

/// Why a `flakelint.toml` was rejected: a message naming the line and the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

mod file {
    //! The shape of `flakelint.toml`; unknown keys are errors.
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use toml::Spanned;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct ConfigFile {
        #[serde(default)]
        pub rules: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
        #[serde(default)]
        pub jetpack: Option<Jetpack>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Jetpack {
        pub source: Option<String>,
    }
}

impl Config {
    /// Parses the text of a `flakelint.toml`. `[jetpack] source` is returned as written; the
    /// loader resolves it against the file's directory.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let line_of =
            |offset: usize| Some(text[..offset.min(text.len())].matches('\n').count() + 1);
        let parsed: file::ConfigFile = toml::from_str(text).map_err(|e| ConfigError {
            line: e.span().map(|s| s.start).and_then(line_of),
            message: e.message().trim().to_string(),
        })?;
        let mut config = Config::default();
        for (name, setting) in parsed.rules {
            let Some(rule) = Rule::from_name(name.get_ref()) else {
                let known: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
                let hint = crate::lints::closest(name.get_ref(), known.iter().copied(), 3)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                return Err(ConfigError {
                    line: line_of(name.span().start),
                    message: format!("unknown rule `{}` in [rules]{hint}", name.get_ref()),
                });
            };
            let span = setting.span();
            let level_text = match setting.into_inner() {
                toml::Value::String(level) => Some(level),
                toml::Value::Table(table) => {
                    let mut level = None;
                    for (key, value) in table {
                        match (key.as_str(), value) {
                            ("severity", toml::Value::String(s)) => level = Some(s),
                            ("allow", toml::Value::Array(items)) if rule == Rule::MissingFollows => {
                                for item in items {
                                    let toml::Value::String(item) = item else {
                                        return Err(ConfigError {
                                            line: line_of(span.start),
                                            message: "`allow` of `missing-follows` takes strings such as \"jetpack/nixpkgs\"".into(),
                                        });
                                    };
                                    config.allow_duplicates.push(item);
                                }
                            }
                            (key, _) => {
                                let expected = if rule == Rule::MissingFollows { "`severity` or `allow`" } else { "`severity`" };
                                return Err(ConfigError {
                                    line: line_of(span.start),
                                    message: format!("unknown or invalid key `{key}` for `{}`: expected {expected}", rule.name()),
                                });
                            }
                        }
                    }
                    level
                }
                _ => {
                    return Err(ConfigError {
                        line: line_of(span.start),
                        message: format!("`{}` takes a level (\"error\", \"warning\", \"info\" or \"off\") or a table", rule.name()),
                    })
                }
            };
            if let Some(level) = level_text {
                let value = match level.as_str() {
                    "off" => Level::Off,
                    "info" => Level::On(Severity::Info),
                    "warning" => Level::On(Severity::Warning),
                    "error" => Level::On(Severity::Error),
                    other => {
                        return Err(ConfigError {
                            line: line_of(span.start),
                            message: format!("unknown level `{other}` for `{}`: expected error, warning, info or off", rule.name()),
                        })
                    }
                };
                config.levels.insert(rule, value);
            }
        }
        config.jetpack_source = parsed.jetpack.and_then(|j| j.source);
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_levels_and_allow_lists() {
        let config = Config::from_toml(
            "[rules]\nmissing-follows = { severity = \"error\", allow = [\"jetpack/nixpkgs\"] }\nunknown-output = \"off\"\n[jetpack]\nsource = \"../jetpack-nixos\"\n",
        )
        .unwrap();
        assert_eq!(config.severity(Rule::MissingFollows), Some(Severity::Error));
        assert_eq!(config.severity(Rule::UnknownOutput), None);
        assert_eq!(config.severity(Rule::SyntaxError), Some(Severity::Error));
        assert_eq!(config.allow_duplicates, ["jetpack/nixpkgs"]);
        assert_eq!(config.jetpack_source.as_deref(), Some("../jetpack-nixos"));
    }

    #[test]
    fn errors_name_the_line_and_key() {
        let cases = [
            ("[rules]\n\nmissing-folows = \"error\"\n", "line 3: unknown rule `missing-folows` in [rules]; did you mean `missing-follows`?"),
            ("[rules]\nmissing-follows = \"loud\"\n", "line 2: unknown level `loud` for `missing-follows`: expected error, warning, info or off"),
            ("[jetpack]\nsorce = \"x\"\n", "line 2: unknown field `sorce`, expected `source`"),
            ("[colors]\n", "line 1: unknown field `colors`, expected `rules` or `jetpack`"),
            ("[rules\n", "line 1: unclosed table, expected `]`"),
        ];
        for (text, expected) in cases {
            let error = Config::from_toml(text).unwrap_err();
            assert_eq!(error.to_string(), expected, "{text}");
        }
    }
}
