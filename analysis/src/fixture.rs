//! Test fixtures: several files in one text (`#- /flake.nix`), with directives describing git
//! and the disk around them. Used by the rule tests here and the CLI tests of the server, which
//! write the same fixtures to disk.

use std::collections::BTreeSet;

use crate::config::{Config, ConfigSet};
use crate::db::Change;
use crate::git::{GitRepo, GitState};
use crate::paths;

/// A parsed fixture: files with their texts, and what the world around them looks like.
///
/// Directives: `#- /path` starts a file (`#- /path untracked` keeps it out of git's index;
/// `#- /path @dir/file` takes its text from `test-data/dir/file`);
/// `#- !git /dir` puts a git repository at `/dir` tracking every other file below it;
/// `#- !exists /path` (optionally `untracked`) adds a path that exists without a text.
#[derive(Default, Debug, Clone)]
pub struct Fixture {
    pub files: Vec<(String, String)>,
    /// Paths kept out of git's index.
    pub untracked: Vec<String>,
    /// Paths that exist without a text (`!exists`).
    pub extra_paths: Vec<String>,
    /// Directories holding a git repository (`!git`).
    pub git_roots: Vec<String>,
}

impl Fixture {
    /// Parses a fixture; `include` returns the text of a `@dir/file` reference.
    pub fn parse(text: &str, include: impl Fn(&str) -> String) -> Fixture {
        let mut fixture = Fixture::default();
        let mut current: Option<(String, String)> = None;
        for line in text.split_inclusive('\n') {
            if let Some(directive) = line.strip_prefix("#- ") {
                let mut words = directive.split_whitespace();
                let first = words.next().unwrap_or_default().to_string();
                let untracked = words.any(|w| w == "untracked");
                match first.as_str() {
                    "!git" => {
                        let dir = directive.split_whitespace().nth(1).unwrap_or("/");
                        fixture.git_roots.push(dir.to_string());
                    }
                    "!exists" => {
                        let path = directive
                            .split_whitespace()
                            .nth(1)
                            .expect("!exists needs a path")
                            .to_string();
                        if untracked {
                            fixture.untracked.push(path.clone());
                        }
                        fixture.extra_paths.push(path);
                    }
                    path => {
                        if let Some(done) = current.take() {
                            fixture.files.push(done);
                        }
                        if untracked {
                            fixture.untracked.push(path.to_string());
                        }
                        // `#- /flake.lock @locks/no-follows/flake.lock` takes the text from a
                        // file of test-data/, so real locks written by Nix are used as they are.
                        let included = directive
                            .split_whitespace()
                            .find_map(|w| w.strip_prefix('@'))
                            .map(&include);
                        current = Some((path.to_string(), included.unwrap_or_default()));
                    }
                }
                continue;
            }
            if let Some((_, text)) = &mut current {
                text.push_str(line);
            }
        }
        if let Some(done) = current.take() {
            fixture.files.push(done);
        }
        fixture
    }

    /// A host holding the fixture, with the paths its files reference statted as a loader
    /// would (against the fixture's existing paths).
    pub fn host(&self) -> crate::db::AnalysisHost {
        let mut host = crate::db::AnalysisHost::default();
        let (change, existing) = self.change();
        host.apply_change(change);
        let mut disk = crate::db::DiskState::default();
        for (path, _) in &self.files {
            let file = crate::db::file_by_path(host.db(), path).expect("fixture file is loaded");
            for target in crate::db::paths_to_stat(host.db(), file) {
                let exists = existing.contains(&target);
                disk.exists.insert(target, exists);
            }
        }
        host.apply_change(Change {
            disk: Some(disk),
            ..Change::default()
        });
        host
    }

    /// The files, git and configuration, and the set of paths that exist (files given by text,
    /// `!exists` paths, and their directories).
    pub fn change(&self) -> (Change, BTreeSet<String>) {
        let mut change = Change::default();
        let mut configs = ConfigSet::default();
        for (path, text) in &self.files {
            change.set_file(path.clone(), text.clone());
            if paths::file_name(path) == "flakelint.toml" {
                let config = Config::from_toml(text).expect("fixture config parses");
                configs
                    .by_dir
                    .insert(paths::parent(path).to_string(), config);
            }
        }
        let all: Vec<&String> = self
            .files
            .iter()
            .map(|(p, _)| p)
            .chain(&self.extra_paths)
            .collect();
        let mut existing = BTreeSet::new();
        for path in &all {
            existing.insert(path.to_string());
            existing.extend(paths::ancestors(path).map(String::from));
        }
        let mut git = GitState::default();
        for root in &self.git_roots {
            let mut tracked: Vec<String> = all
                .iter()
                .filter(|p| !self.untracked.contains(p))
                .filter_map(|p| paths::strip_dir(p, root).map(String::from))
                .collect();
            tracked.sort();
            git.repos.push(GitRepo {
                workdir: root.clone(),
                tracked,
            });
        }
        change.git = Some(git);
        change.config = Some(configs);
        (change, existing)
    }
}
