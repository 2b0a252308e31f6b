//! Loading from disk: file texts (with clear errors for what cannot be read), `flakelint.toml`
//! discovery, git indexes, and the existence of the paths that Nix files reference. Everything
//! is turned into an `analysis::db::Change`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use analysis::config::{Config, ConfigSet};
use analysis::db::DiskState;
use analysis::git::GitState;
use rayon::prelude::*;

use crate::git_index;

/// Files larger than this are not analysed (a generated file, not a configuration).
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Why a file's text could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadIssue {
    /// Reading failed: permissions, a vanished file, a symlink loop.
    Unreadable(String),
    /// The bytes are not text the analysis can use; reported as a finding in the file.
    NotText(String),
}

/// The `.nix` files and the `flake.lock` of the flake at `root` (the files `check` would walk),
/// read into a change; what cannot be read is skipped with a warning for `warn`.
pub fn flake_files(root: &Path, warn: &mut dyn FnMut(String)) -> analysis::db::Change {
    let mut found = BTreeSet::new();
    crate::check::walk(root, &mut found);
    let mut change = analysis::db::Change::default();
    let loaded = |p: &Path| {
        p.extension().is_some_and(|e| e == "nix")
            || p.file_name().is_some_and(|n| n == "flake.lock")
    };
    for path in found.iter().filter(|p| loaded(p)) {
        match read_source(path) {
            Ok(text) => change.set_file(vfs_path(path), text),
            Err(ReadIssue::Unreadable(why) | ReadIssue::NotText(why)) => {
                warn(format!("skipping {}: {why}", path.display()))
            }
        }
    }
    change
}

/// Reads a source file as UTF-8 text.
pub fn read_source(path: &Path) -> Result<String, ReadIssue> {
    let meta = fs::metadata(path).map_err(|e| ReadIssue::Unreadable(io_message(&e)))?;
    if meta.is_dir() {
        return Err(ReadIssue::Unreadable("is a directory".into()));
    }
    // A FIFO or device would block or never end.
    if !meta.is_file() {
        return Err(ReadIssue::Unreadable("not a regular file".into()));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(ReadIssue::NotText(format!(
            "file is {} MiB, over the {} MiB flakelint analyses; is it generated?",
            meta.len() / (1024 * 1024),
            MAX_FILE_SIZE / (1024 * 1024)
        )));
    }
    let bytes = fs::read(path).map_err(|e| ReadIssue::Unreadable(io_message(&e)))?;
    if bytes.contains(&0) {
        return Err(ReadIssue::NotText(
            "file contains NUL bytes: it looks binary, not like Nix source".into(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        ReadIssue::NotText(format!(
            "file is not valid UTF-8 (first invalid byte on line {line}, byte offset {at})"
        ))
    })
}

/// Reads a source file and, for a `.nix` file, parses it too: the loader does both in one
/// parallel pass and hands the parse to the analysis with the text
/// (`analysis::db::Change::set_file_parsed`), so that no later pass parses on its own.
pub fn read_and_parse(
    path: &Path,
) -> (Result<String, ReadIssue>, Option<analysis::syntax::Parsed>) {
    let text = read_source(path);
    let parsed = match &text {
        Ok(text) if path.extension().is_some_and(|e| e == "nix") => {
            Some(analysis::syntax::parse(text))
        }
        _ => None,
    };
    (text, parsed)
}

pub fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    // "Permission denied (os error 13)" -> "permission denied"
    let text = text.split(" (os error").next().unwrap_or(&text).to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// The path as the analysis sees it: absolute, `/`-separated.
pub fn vfs_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The nearest directory at or above `dir` holding `name`.
pub fn find_upwards(dir: &Path, name: &str) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join(name)).find(|p| p.is_file())
}

/// The directory of the flake a file belongs to.
pub fn flake_root_of(file: &Path) -> Option<PathBuf> {
    let dir = if file.is_dir() { file } else { file.parent()? };
    find_upwards(dir, "flake.nix").and_then(|p| p.parent().map(Path::to_path_buf))
}

/// Configuration discovery: the nearest `flakelint.toml` above each file, or one `--config`.
#[derive(Default)]
pub struct ConfigLoader {
    pub explicit: Option<Config>,
    found: BTreeMap<PathBuf, Config>,
    searched: HashMap<PathBuf, Option<PathBuf>>,
}

/// A configuration that could not be read: the path and why.
#[derive(Debug)]
pub struct ConfigProblem(pub String);

impl ConfigLoader {
    pub fn with_explicit(path: &Path) -> Result<ConfigLoader, ConfigProblem> {
        let config = read_config(path)?;
        Ok(ConfigLoader {
            explicit: Some(config),
            ..ConfigLoader::default()
        })
    }

    /// Finds and reads the configuration for a file's directory.
    pub fn discover(&mut self, dir: &Path) -> Result<(), ConfigProblem> {
        if self.explicit.is_some() || self.searched.contains_key(dir) {
            return Ok(());
        }
        let found = find_upwards(dir, "flakelint.toml");
        self.searched.insert(dir.to_path_buf(), found.clone());
        if let Some(path) = found {
            let config_dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
            if let std::collections::btree_map::Entry::Vacant(slot) = self.found.entry(config_dir) {
                slot.insert(read_config(&path)?);
            }
        }
        Ok(())
    }

    /// The configurations for the analysis, with the command line's `--select` / `--ignore`
    /// applied to each.
    pub fn config_set(&self, adjust: impl Fn(&mut Config)) -> ConfigSet {
        let mut set = ConfigSet::default();
        if let Some(explicit) = &self.explicit {
            set.fallback = explicit.clone();
        }
        adjust(&mut set.fallback);
        for (dir, config) in &self.found {
            let mut config = config.clone();
            adjust(&mut config);
            set.by_dir.insert(vfs_path(dir), config);
        }
        set
    }
}

fn read_config(path: &Path) -> Result<Config, ConfigProblem> {
    let text = fs::read_to_string(path).map_err(|e| {
        ConfigProblem(format!(
            "cannot read {}: {}",
            path.display(),
            io_message(&e)
        ))
    })?;
    let mut config =
        Config::from_toml(&text).map_err(|e| ConfigProblem(format!("{}: {e}", path.display())))?;
    if let Some(source) = &config.jetpack_source {
        let dir = path.parent().unwrap_or(Path::new("/"));
        config.jetpack_source = Some(vfs_path(&dir.join(source)));
    }
    Ok(config)
}

/// Reads the git index of every repository containing one of `dirs`, once per repository.
/// A repository whose index cannot be read is left out, so nothing in it is reported as
/// untracked; the problem is returned for a warning.
pub fn load_git(dirs: &BTreeSet<PathBuf>) -> (GitState, Vec<String>) {
    let mut state = GitState::default();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for dir in dirs {
        let Some(location) = git_index::discover_repo(dir) else {
            continue;
        };
        if !seen.insert(location.git_dir.clone()) {
            continue;
        }
        match git_index::read_tracked(&location) {
            Ok(repo) => state.repos.push(repo),
            Err(e) => problems.push(e.to_string()),
        }
    }
    (state, problems)
}

/// Stats the paths the analysis asks about and records which exist. A large tree asks about
/// thousands (each import and its `default.nix`), so they are statted on both cores.
pub fn stat_paths(paths: impl IntoIterator<Item = String>) -> DiskState {
    let mut unique: Vec<String> = paths.into_iter().collect();
    unique.sort_unstable();
    unique.dedup();
    let statted: Vec<(String, bool, Option<String>)> = unique
        .into_par_iter()
        .map(|path| {
            let (exists, real) = stat_path(&path);
            (path, exists, real)
        })
        .collect();
    disk_state(statted)
}

/// Whether a path exists, and where it really is when that differs (a symlink on the way).
pub fn stat_path(path: &str) -> (bool, Option<String>) {
    // A dangling symlink still names something, and Nix reports it differently.
    let exists = fs::symlink_metadata(path).is_ok();
    let real = exists
        .then(|| fs::canonicalize(path).ok())
        .flatten()
        .map(|real| vfs_path(&real))
        .filter(|real| real != path);
    (exists, real)
}

/// The disk state of statted paths (built from sorted entries: a bulk build, not one insertion
/// at a time).
pub fn disk_state(statted: impl IntoIterator<Item = (String, bool, Option<String>)>) -> DiskState {
    let mut statted: Vec<(String, bool, Option<String>)> = statted.into_iter().collect();
    statted.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    statted.dedup_by(|a, b| a.0 == b.0);
    let canonical = statted
        .iter()
        .filter_map(|(path, _, real)| Some((path.clone(), real.clone()?)))
        .collect();
    let exists = statted
        .into_iter()
        .map(|(path, exists, _)| (path, exists))
        .collect();
    DiskState { exists, canonical }
}
