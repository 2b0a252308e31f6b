//! Settings from `flakelint.toml` (parsed by the server) and the editor: rule severities and
//! rule options. The analysis only sees the resolved values.

use std::collections::BTreeMap;

use crate::lints::Rule;
use crate::diagnostic::Severity;
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
