//! Loading from disk: file texts (with clear errors for what cannot be read), `flakelint.toml`
//! discovery, git indexes, and the existence of the paths that Nix files reference. Everything
//! is turned into an `analysis::db::Change`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use analysis::config::{Config, ConfigSet};
use analysis::db::DiskState;
use analysis::git::GitState;
use dashmap::DashMap;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

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

/// Opens a file to read it without waiting for a writer (as a plain open of a FIFO would) and
/// without making a terminal the process's own.
#[cfg(unix)]
fn open_for_reading(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

/// Reads a source file as UTF-8 text. What the path is, is asked before it is opened: a FIFO or
/// a device is never opened.
pub fn read_source(path: &Path) -> Result<String, ReadIssue> {
    let meta = fs::metadata(path).map_err(|e| ReadIssue::Unreadable(io_message(&e)))?;
    readable_kind(&meta)?;
    let file = fs::File::open(path).map_err(|e| ReadIssue::Unreadable(io_message(&e)))?;
    read_open_file(file, meta.len())
}

/// [`read_source`] for a path found to be a regular file a moment ago (by the walk of `check`,
/// or a stat): it is opened first and the open file is asked what it is, which spares a path
/// lookup per file. Should it have become a FIFO since, the open does not wait for a writer.
#[cfg(unix)]
pub fn read_found_file(path: &Path) -> Result<String, ReadIssue> {
    let file = open_for_reading(path).map_err(|e| ReadIssue::Unreadable(io_message(&e)))?;
    let meta = file
        .metadata()
        .map_err(|e| ReadIssue::Unreadable(io_message(&e)))?;
    readable_kind(&meta)?;
    read_open_file(file, meta.len())
}

#[cfg(not(unix))]
pub fn read_found_file(path: &Path) -> Result<String, ReadIssue> {
    read_source(path)
}

/// Refuses what is not a regular file of a size flakelint analyses.
fn readable_kind(meta: &fs::Metadata) -> Result<(), ReadIssue> {
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
    Ok(())
}

/// Reads an open regular file of `len` bytes (as it was when asked: what is appended meanwhile
/// is not waited for) as UTF-8 text. A file that claims no size (some virtual file systems) is
/// read to its end.
fn read_open_file(file: fs::File, len: u64) -> Result<String, ReadIssue> {
    use std::io::Read;
    let limit = if len == 0 { MAX_FILE_SIZE + 1 } else { len };
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadIssue::Unreadable(io_message(&e)))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(ReadIssue::NotText(format!(
            "file is over the {} MiB flakelint analyses; is it generated?",
            MAX_FILE_SIZE / (1024 * 1024)
        )));
    }
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

/// Reads a source file found a moment ago ([`read_found_file`]) and, for a `.nix` file,
/// parses it too: the loader does both in one
/// parallel pass and hands the parse to the analysis with the text
/// (`analysis::db::Change::set_file_parsed`), so that no later pass parses on its own.
pub fn read_and_parse(
    path: &Path,
) -> (Result<String, ReadIssue>, Option<analysis::syntax::Parsed>) {
    let text = read_found_file(path);
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
    let statter = Statter::default();
    let statted: Vec<(String, bool, Option<String>)> = unique
        .into_par_iter()
        .map(|path| {
            let (exists, real) = statter.stat(&path);
            (path, exists, real)
        })
        .collect();
    disk_state(statted)
}

/// Stats paths for [`DiskState`], resolving each directory on the way once: most referenced
/// paths share a few directories, and resolving a path's symlinks looks at every component.
/// One statter serves one load; what it resolved is not kept longer (directories change).
#[derive(Default)]
pub struct Statter<'a> {
    /// Regular files at their real paths, known to the caller (the files it just read): not
    /// asked of the disk again.
    files: rustc_hash::FxHashSet<&'a str>,
    /// Directory -> its real path, when it could be resolved.
    dirs: DashMap<String, Option<String>, FxBuildHasher>,
    /// Paths found missing or not directories (nor symlinks): nothing is below them. Each
    /// `import ./file.nix` also asks about `./file.nix/default.nix`, answered here.
    no_children: DashMap<String, (), FxBuildHasher>,
}

impl<'a> Statter<'a> {
    /// A statter told of regular files that are at their real paths (canonical paths of files
    /// just read).
    pub fn knowing_files(files: impl IntoIterator<Item = &'a str>) -> Statter<'a> {
        Statter {
            files: files.into_iter().collect(),
            ..Statter::default()
        }
    }

    /// Whether a path exists, and where it really is when that differs (a symlink on the way).
    pub fn stat(&self, path: &str) -> (bool, Option<String>) {
        if self.files.contains(path) {
            return (true, None);
        }
        let (dir, name) = (
            analysis::paths::parent(path),
            analysis::paths::file_name(path),
        );
        if self.files.contains(dir) || self.no_children.contains_key(dir) {
            return (false, None);
        }
        // A dangling symlink still names something, and Nix reports it differently.
        // What is below a path is answered from it for absolute paths only (the analysis asks
        // about no other kind).
        let absolute = path.starts_with('/');
        let Ok(meta) = fs::symlink_metadata(path) else {
            if absolute {
                self.no_children.insert(path.to_string(), ());
            }
            return (false, None);
        };
        if absolute && !meta.is_dir() && !meta.file_type().is_symlink() {
            self.no_children.insert(path.to_string(), ());
        }
        let plain = !meta.file_type().is_symlink()
            && path.starts_with('/')
            && !matches!(name, "" | "." | "..")
            && path[1..].split('/').all(|s| !matches!(s, "" | "." | ".."));
        let real = if plain {
            // Not a symlink itself: it is where its directory really is.
            self.real_dir(dir).map(|real| match real.as_str() {
                "/" => format!("/{name}"),
                real => format!("{real}/{name}"),
            })
        } else {
            fs::canonicalize(path).ok().map(|real| vfs_path(&real))
        };
        (true, real.filter(|real| real != path))
    }

    fn real_dir(&self, dir: &str) -> Option<String> {
        if let Some(known) = self.dirs.get(dir) {
            return known.clone();
        }
        let real = fs::canonicalize(dir).ok().map(|real| vfs_path(&real));
        self.dirs.insert(dir.to_string(), real.clone());
        real
    }
}

/// The disk state of statted paths (a path statted twice counts once).
pub fn disk_state(statted: impl IntoIterator<Item = (String, bool, Option<String>)>) -> DiskState {
    let statted = statted.into_iter();
    let mut state = DiskState::default();
    let (at_least, at_most) = statted.size_hint();
    state.exists.reserve(at_most.unwrap_or(at_least));
    for (path, exists, real) in statted {
        if let Some(real) = real {
            state.canonical.insert(path.clone(), real);
        }
        state.exists.insert(path, exists);
    }
    state
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    /// The statter's shortcut (a path that is not a symlink is where its directory really is)
    /// gives what resolving every component gives.
    #[test]
    fn statter_resolves_like_canonicalize() {
        let tmp = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(tmp.path()).unwrap();
        fs::create_dir_all(base.join("real/sub")).unwrap();
        fs::write(base.join("real/sub/a.nix"), "{ }").unwrap();
        fs::write(base.join("real/b.nix"), "{ }").unwrap();
        symlink("real", base.join("linked")).unwrap();
        symlink("b.nix", base.join("real/to-b.nix")).unwrap();
        symlink("nowhere.nix", base.join("real/dangling.nix")).unwrap();
        let at = |rel: &str| vfs_path(&base.join(rel));
        let statter = Statter::default();
        // Twice each: the second answer comes from the directories already resolved.
        for _ in 0..2 {
            assert_eq!(statter.stat(&at("real/sub/a.nix")), (true, None));
            assert_eq!(statter.stat(&at("real/sub")), (true, None));
            assert_eq!(
                statter.stat(&at("linked/sub/a.nix")),
                (true, Some(at("real/sub/a.nix")))
            );
            assert_eq!(statter.stat(&at("linked")), (true, Some(at("real"))));
            assert_eq!(
                statter.stat(&at("linked/to-b.nix")),
                (true, Some(at("real/b.nix")))
            );
            assert_eq!(statter.stat(&at("real/dangling.nix")), (true, None));
            assert_eq!(statter.stat(&at("real/missing.nix")), (false, None));
            // Below a file or a missing path: answered without asking the disk, as it would.
            assert_eq!(statter.stat(&at("real/b.nix/default.nix")), (false, None));
            assert_eq!(
                statter.stat(&at("real/missing.nix/default.nix")),
                (false, None)
            );
            assert_eq!(statter.stat(&at("linked/sub/default.nix")), (false, None));
            fs::write(base.join("real/sub/default.nix"), "{ }").unwrap();
            assert_eq!(statter.stat(&at("real/sub/default.nix")), (true, None));
            assert_eq!(
                statter.stat(&at("linked/sub/default.nix")),
                (true, Some(at("real/sub/default.nix")))
            );
            fs::remove_file(base.join("real/sub/default.nix")).unwrap();
            assert_eq!(statter.stat("/"), (true, None));
            // Not normalised: resolved the long way, `..` after the symlink included.
            assert_eq!(
                statter.stat(&format!("{}/linked/sub/../b.nix", at(""))),
                (true, Some(at("real/b.nix")))
            );
        }
    }

    /// Files the caller knows are answered without the disk; what is below them is missing.
    #[test]
    fn statter_knows_the_files_it_is_told_of() {
        let tmp = tempfile::tempdir().unwrap();
        let base = vfs_path(&fs::canonicalize(tmp.path()).unwrap());
        let told = format!("{base}/told.nix");
        // Not on disk: the statter believes what it is told.
        let statter = Statter::knowing_files([told.as_str()]);
        assert_eq!(statter.stat(&told), (true, None));
        assert_eq!(statter.stat(&format!("{told}/default.nix")), (false, None));
        assert_eq!(statter.stat(&format!("{base}/other.nix")), (false, None));
        assert_eq!(statter.stat(&base), (true, None));
    }

    #[test]
    fn read_source_refuses_what_is_not_a_file_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("pipe.nix");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        assert_eq!(
            read_source(&fifo),
            Err(ReadIssue::Unreadable("not a regular file".into()))
        );
        assert_eq!(
            read_source(tmp.path()),
            Err(ReadIssue::Unreadable("is a directory".into()))
        );
        fs::write(tmp.path().join("ok.nix"), "{ a = 1; }").unwrap();
        assert_eq!(
            read_source(&tmp.path().join("ok.nix")),
            Ok("{ a = 1; }".to_string())
        );
        assert!(matches!(
            read_source(&tmp.path().join("missing.nix")),
            Err(ReadIssue::Unreadable(_))
        ));
        // Opened first (the loader's files were just found as regular files): the same answers.
        assert_eq!(
            read_found_file(&fifo),
            Err(ReadIssue::Unreadable("not a regular file".into()))
        );
        assert_eq!(
            read_found_file(tmp.path()),
            Err(ReadIssue::Unreadable("is a directory".into()))
        );
        assert_eq!(
            read_found_file(&tmp.path().join("ok.nix")),
            Ok("{ a = 1; }".to_string())
        );
    }
}
