//! `flakelint check`: find the files, load them with their flakes' context, run the rules on
//! both cores, apply fixes when asked, and render the findings.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use analysis::config::Config;
use analysis::db::{self, AnalysisHost, Change, DiskState, GivenPathRefs, LoadedFile, SourceFile};
use analysis::diagnostic::{apply_edits, Diagnostic, FileEdit, Severity};
use analysis::lints::{file_diagnostics, FileKind, Rule};
use analysis::path_refs;
use analysis::syntax::{ColumnUnit, LineIndex};
use analysis::TextRange;
use dashmap::DashMap;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use crate::jetpack_source;
use crate::load::{self, ConfigLoader, ReadIssue};
use crate::render::{self, Format};
use crate::report::{OutputDiagnostic, OutputEdit, OutputFix, Pos, Report};

/// Above this many files, a flake's other modules are not loaded as context for the option
/// index (a monorepo); only the checked files are.
const MAX_CONTEXT_FILES: usize = 5000;

/// Rules whose fixes `--fix` applies: the ones whose fix cannot change what the flake means.
pub const FIXABLE_BY_CLI: &[Rule] = &[
    Rule::RenamedOption,
    Rule::DeprecatedOutput,
    Rule::InvalidSystem,
    Rule::MissingFollows,
];

/// Whether `--fix` applies the fix of the rule with this name.
pub fn fixable_by_cli(rule: &str) -> bool {
    FIXABLE_BY_CLI.iter().any(|r| r.name() == rule)
}

pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub config: Option<PathBuf>,
    pub select: Option<Vec<Rule>>,
    pub ignore: Vec<Rule>,
    pub exit_zero: bool,
    pub fix: bool,
    pub jetpack_source: Option<PathBuf>,
    pub color: bool,
}

/// A failure that ends the command with exit code 2.
#[derive(Debug)]
pub struct Fatal(pub String);

/// The lint targets and the context files they need.
struct Loaded {
    host: AnalysisHost,
    targets: Vec<SourceFile>,
    /// Findings about files that could not be analysed (binary, not UTF-8, too large).
    load_findings: Vec<Diagnostic>,
    /// Files that could not be read at all, and internal errors: each ends the run with exit 2.
    unreadable: Vec<String>,
    warnings: Vec<String>,
    /// What the loader statted for the path references it computed while reading; taken by
    /// the first analysis.
    disk: Option<DiskState>,
    /// The targets whose references the loader did not resolve against the flake the
    /// workspace puts them in (lock files, files whose `flake.nix` could not be read): the
    /// first analysis finds and stats their references itself.
    unresolved: Vec<SourceFile>,
}

/// Runs `check` and returns its exit code.
pub fn run(
    options: &CheckOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> Result<i32, Fatal> {
    run_keeping_state(options, out, err).map(|(code, _loaded)| code)
}

/// [`run`] for a process that exits right after: the analysis state (every file's text, syntax
/// tree and findings) is left for the operating system to reclaim, all at once, rather than
/// freed allocation by allocation on one core. For a tree of 3,300 files that freeing is ~55 ms
/// of a ~240 ms run. Not for a process that goes on: the memory is never given back.
pub fn run_before_exit(
    options: &CheckOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> Result<i32, Fatal> {
    let (code, loaded) = run_keeping_state(options, out, err)?;
    std::mem::forget(loaded);
    Ok(code)
}

/// The whole command; the analysis state is handed back for the caller to free or not.
fn run_keeping_state(
    options: &CheckOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> Result<(i32, Loaded), Fatal> {
    let cwd = std::env::current_dir().map_err(|e| {
        Fatal(format!(
            "cannot read the current directory: {}",
            load::io_message(&e)
        ))
    })?;
    let targets = collect_targets(&options.paths, &cwd)?;
    let mut loaded = load(&targets, options)?;
    let targets = targets.files;
    let mut fixed_count = 0;
    let mut diagnostics = analyse(&mut loaded);
    if options.fix {
        // Fixes can overlap; a few rounds apply what the first round had to skip.
        for _ in 0..4 {
            let applied = apply_fixes(&mut loaded, &diagnostics).map_err(Fatal)?;
            if applied == 0 {
                break;
            }
            fixed_count += applied;
            diagnostics = analyse(&mut loaded);
        }
    }
    for warning in &loaded.warnings {
        let _ = writeln!(err, "flakelint: warning: {warning}");
    }
    for problem in &loaded.unreadable {
        let _ = writeln!(err, "flakelint: {problem}");
    }
    let report = build_report(&loaded, diagnostics, &cwd, targets.len());
    render::render(&report, options.format, options.color, out)
        .map_err(|e| Fatal(format!("cannot write the output: {e}")))?;
    if options.fix && fixed_count > 0 {
        let line = format!(
            "Fixed {fixed_count} finding{}.",
            if fixed_count == 1 { "" } else { "s" }
        );
        // Machine-readable formats keep stdout to themselves.
        match options.format {
            Format::Full | Format::Concise => {
                let _ = writeln!(out, "{line}");
            }
            _ => {
                let _ = writeln!(err, "{line}");
            }
        }
    }
    let code = if !loaded.unreadable.is_empty() {
        2
    } else {
        let failing = report
            .diagnostics
            .iter()
            .any(|d| d.severity >= Severity::Warning);
        i32::from(failing && !options.exit_zero)
    };
    Ok((code, loaded))
}

/// The files to lint: `.nix` files and `flake.lock`s, from the given files and directories.
/// The files to lint, and the directories walked for them (whose files are all loaded).
struct Targets {
    files: Vec<PathBuf>,
    walked: Vec<PathBuf>,
    /// Targets named on the command line that are not regular files (a FIFO named `x.nix`):
    /// read only after asking what they are, never opened.
    irregular: Vec<PathBuf>,
}

fn collect_targets(paths: &[PathBuf], cwd: &Path) -> Result<Targets, Fatal> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut targets = Vec::new();
    let mut walked = Vec::new();
    let mut irregular = Vec::new();
    for path in paths {
        let absolute = cwd.join(path);
        let meta = std::fs::metadata(&absolute).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Fatal(format!("{}: no such file or directory", path.display()))
            }
            _ => Fatal(format!("{}: {}", path.display(), load::io_message(&e))),
        })?;
        let absolute = std::fs::canonicalize(&absolute)
            .map_err(|e| Fatal(format!("{}: {}", path.display(), load::io_message(&e))))?;
        if meta.is_dir() {
            walk_into(&absolute, &mut targets);
            walked.push(absolute);
        } else if is_target(&absolute) {
            if !meta.is_file() {
                irregular.push(absolute.clone());
            }
            targets.push(absolute);
        }
    }
    // In `Path`'s order (messages about unreadable files, and which broken configuration is
    // reported, follow it), compared as bytes: comparing component by component cost more
    // than the walk itself on a large tree.
    targets.sort_unstable_by(|a, b| path_order(a, b));
    targets.dedup();
    Ok(Targets {
        files: targets,
        walked,
        irregular,
    })
}

/// `Path`'s order for normalised paths (a separator sorts before every other byte, and a
/// path before the paths below it), found by comparing bytes.
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let common = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= common && a[i..i + 8] == b[i..i + 8] {
        i += 8;
    }
    while i < common && a[i] == b[i] {
        i += 1;
    }
    let rank = |byte: Option<&u8>| byte.map(|&c| if c == b'/' { 0 } else { u16::from(c) + 1 });
    rank(a.get(i)).cmp(&rank(b.get(i)))
}

fn is_target(path: &Path) -> bool {
    matches!(
        FileKind::of(&load::vfs_path(path)),
        FileKind::Nix | FileKind::FlakeNix | FileKind::FlakeLock
    )
}

/// Walks a directory honouring `.gitignore`, skipping `.git`, `node_modules`, `.direnv` and
/// `result*` links, never following symlinks (so loops cannot trap it).
pub fn walk(dir: &Path, targets: &mut BTreeSet<PathBuf>) {
    let mut found = Vec::new();
    walk_into(dir, &mut found);
    targets.extend(found);
}

/// [`walk`], adding what it finds to a list, in the order found. One thread: on a tree of a
/// few thousand files the parallel walker spends more starting and coordinating its threads
/// than it saves.
pub fn walk_into(dir: &Path, targets: &mut Vec<PathBuf>) {
    targets.extend(
        walker(dir)
            .build()
            .flatten()
            .filter_map(|e| walked_target(&e)),
    );
}

fn walker(dir: &Path) -> ignore::WalkBuilder {
    let mut walker = ignore::WalkBuilder::new(dir);
    walker
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            let is_link = entry.path_is_symlink();
            !(name == ".git"
                || name == "node_modules"
                || name == ".direnv"
                || (is_link && name.starts_with("result")))
        });
    walker
}

/// The file to lint that a walked entry gives, if any.
fn walked_target(entry: &ignore::DirEntry) -> Option<PathBuf> {
    let file_type = entry.file_type()?;
    if file_type.is_file() && is_target(entry.path()) {
        Some(entry.path().to_path_buf())
    } else if file_type.is_symlink() && entry.path().is_file() && is_target(entry.path()) {
        // Nix reads a symlinked file where it really is (its relative paths start there):
        // lint it there. A dangling or looping link is skipped.
        std::fs::canonicalize(entry.path()).ok()
    } else {
        None
    }
}

fn load(collected: &Targets, options: &CheckOptions) -> Result<Loaded, Fatal> {
    let targets = &collected.files;
    let mut configs = match &options.config {
        Some(path) => ConfigLoader::with_explicit(path).map_err(|e| Fatal(e.0))?,
        None => ConfigLoader::default(),
    };
    // Each target plus the flake.nix / flake.lock of its flake, for context. The lookups
    // upwards (configuration, flake root) are made once per directory, not once per file.
    // (path, is a target): the targets, then their flakes' files that are not targets.
    let mut context_files: Vec<PathBuf> = Vec::new();
    let mut dirs = BTreeSet::new();
    let mut target_dirs = HashSet::new();
    // The flake root of each target's directory, as the analysis names it.
    let mut dir_roots: HashMap<&Path, Option<String>> = HashMap::new();
    let mut flake_roots: BTreeSet<PathBuf> = BTreeSet::new();
    // Directories of targets that are in no flake (their files may use an explicit source).
    let mut flakeless_dirs: HashSet<&Path> = HashSet::new();
    let mut last_dir = None;
    for target in targets {
        let dir = target.parent().unwrap_or(Path::new("/"));
        // Sorted targets come mostly directory by directory: the set is asked only on a change.
        if last_dir == Some(dir.as_os_str()) || !target_dirs.insert(dir) {
            continue;
        }
        last_dir = Some(dir.as_os_str());
        configs.discover(dir).map_err(|e| Fatal(e.0))?;
        let root = load::flake_root_of(target);
        dir_roots.insert(dir, root.as_deref().map(load::vfs_path));
        if root.is_none() {
            flakeless_dirs.insert(dir);
        }
        if let Some(root) = root {
            if flake_roots.insert(root.clone()) {
                for name in ["flake.nix", "flake.lock"] {
                    let path = root.join(name);
                    if path.is_file() {
                        context_files.push(path);
                    }
                }
                // The flake's other modules, as context: the options they declare under the
                // jetpack namespaces extend the index (users add their own `som` values).
                // Already loaded when a directory above the flake was walked.
                let mut context = BTreeSet::new();
                if !collected.walked.iter().any(|w| root.starts_with(w)) {
                    walk(&root, &mut context);
                }
                if context.len() <= MAX_CONTEXT_FILES {
                    for path in context
                        .into_iter()
                        .filter(|p| p.extension().is_some_and(|e| e == "nix"))
                    {
                        context_files.push(path);
                    }
                }
            }
            dirs.insert(root);
        }
        dirs.insert(dir.to_path_buf());
    }
    // Each path once, as a target if it is one (byte order, as the targets are in).
    let mut to_read: Vec<(&Path, bool)> = targets
        .iter()
        .map(|t| (t.as_path(), true))
        .chain(context_files.iter().map(|c| (c.as_path(), false)))
        .collect();
    to_read.sort_unstable_by(|(a, a_target), (b, b_target)| {
        path_order(a, b).then(b_target.cmp(a_target))
    });
    to_read.dedup_by(|later, first| later.0.as_os_str() == first.0.as_os_str());
    // One pass on all cores: read and parse each file and, for the targets, find their path
    // references and stat what they name (each path once). Parsing is most of the work; the
    // analysis takes the parses and references with the texts.
    // (is a target, the file or why it could not be read).
    type Read = (bool, Result<LoadedFile, (PathBuf, String, ReadIssue)>);
    let statted: DashMap<String, (bool, Option<String>), FxBuildHasher> = DashMap::default();
    // The targets are canonical paths of files found on disk: their references to each other
    // need no syscall.
    let statter = load::Statter::knowing_files(targets.iter().filter_map(|t| t.to_str()));
    let jetpack_source = options
        .jetpack_source
        .as_ref()
        .map(|p| load::vfs_path(&std::path::absolute(p).unwrap_or_else(|_| p.clone())));
    let config_set = configs.config_set(|config: &mut Config| {
        if options.select.is_some() {
            config.select.clone_from(&options.select);
        }
        config.ignore.extend(options.ignore.iter().copied());
        if let Some(source) = &jetpack_source {
            config.jetpack_source = Some(source.clone());
        }
    });
    // The git indexes and the flakes' option sources need none of the files: they are read
    // alongside the parallel pass, not after it.
    // Targets in no flake use an explicit source only.
    let flakeless_files: Vec<String> = if flakeless_dirs.is_empty() {
        Vec::new()
    } else {
        targets
            .iter()
            .filter(|t| t.parent().is_some_and(|d| flakeless_dirs.contains(d)))
            .map(|t| load::vfs_path(t))
            .collect()
    };
    let side = || {
        let (git, mut warnings) = load::load_git(&dirs);
        let sources =
            jetpack_source::sources_for(&flake_roots, &flakeless_files, &config_set, &mut warnings);
        (git, warnings, sources)
    };
    let pass = || -> Vec<Read> {
        to_read
            .into_par_iter()
            .map(|(path, is_target)| {
                let (text, parsed) = if collected.irregular.iter().any(|i| i == path) {
                    (load::read_source(path), None)
                } else {
                    load::read_and_parse(path)
                };
                let vfs = load::vfs_path(path);
                let text = match text {
                    Ok(text) => text,
                    Err(issue) => return (is_target, Err((path.to_path_buf(), vfs, issue))),
                };
                let path_refs = match &parsed {
                    Some(parsed) if is_target => {
                        let dir = path.parent().unwrap_or(Path::new("/"));
                        let root = dir_roots.get(dir).cloned().flatten();
                        let refs =
                            path_refs::path_refs(&parsed.root(), &text, &vfs, root.as_deref());
                        for wanted in path_refs::paths_to_stat(&refs) {
                            if !statted.contains_key(&wanted) {
                                let found = statter.stat(&wanted);
                                statted.insert(wanted, found);
                            }
                        }
                        Some(GivenPathRefs {
                            flake_root: root,
                            refs: Arc::new(refs),
                        })
                    }
                    _ => None,
                };
                let file = LoadedFile {
                    path: vfs,
                    text,
                    parsed,
                    path_refs,
                };
                (is_target, Ok(file))
            })
            .collect()
    };
    let (read, (git, warnings, sources)) = rayon::join(pass, side);
    let mut change = Change::default();
    let mut load_findings = Vec::new();
    let mut unreadable = Vec::new();
    let mut is_target = Vec::with_capacity(read.len());
    // In place: the read files become the change's, the others findings or problems.
    change.loaded = read
        .into_iter()
        .filter_map(|(target, read)| match read {
            Ok(file) => {
                is_target.push(target);
                Some(file)
            }
            Err((_, vfs, ReadIssue::NotText(message))) if target => {
                load_findings.push(Diagnostic {
                    rule: Rule::SyntaxError,
                    severity: Severity::Error,
                    file: vfs,
                    range: TextRange::default(),
                    message,
                    fix: None,
                });
                None
            }
            Err((path, _, ReadIssue::Unreadable(message))) if target => {
                unreadable.push(format!("cannot read {}: {message}", path.display()));
                None
            }
            Err(_) => None,
        })
        .collect();
    // A target's references were resolved against the flake the workspace will put it in
    // when the loader found no `flake.nix` above it, or read the one it found: the workspace
    // holds exactly the `flake.nix` files read from disk.
    let flake_nix_read: rustc_hash::FxHashSet<&str> = change
        .loaded
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| p.ends_with("/flake.nix"))
        .collect();
    let resolved: Vec<bool> = change
        .loaded
        .iter()
        .map(|f| {
            f.path_refs.as_ref().is_some_and(|given| {
                given.flake_root.as_deref().is_none_or(|root| {
                    flake_nix_read.contains(analysis::paths::join(root, "flake.nix").as_str())
                })
            })
        })
        .collect();
    drop(flake_nix_read);
    change.config = Some(config_set.clone());
    change.git = Some(git);
    change.option_sources = Some(sources);
    let mut host = AnalysisHost::default();
    // The statted paths' disk state is built while the change is applied.
    let (handles, disk) = rayon::join(
        || host.apply_change(change),
        || {
            load::disk_state(
                statted
                    .into_iter()
                    .map(|(path, (exists, real))| (path, exists, real)),
            )
        },
    );
    let mut targets = Vec::with_capacity(handles.len());
    let mut unresolved = Vec::new();
    for ((file, target), resolved) in handles.into_iter().zip(is_target).zip(resolved) {
        if target {
            targets.push(file);
            if !resolved {
                unresolved.push(file);
            }
        }
    }
    // Load findings of syntax-error are dropped if the rule is turned off for that file.
    let config_set = db::Db::workspace(host.db()).config(host.db()).clone();
    load_findings.retain(|d: &Diagnostic| config_set.for_file(&d.file).severity(d.rule).is_some());
    Ok(Loaded {
        host,
        targets,
        load_findings,
        unreadable,
        warnings,
        disk: Some(disk),
        unresolved,
    })
}

/// Runs the rules over every target on both cores. The paths the files reference are statted
/// first, so that `missing-file` and `untracked-file` know what exists.
fn analyse(loaded: &mut Loaded) -> Vec<Diagnostic> {
    let snapshot = loaded.host.snapshot();
    // The loader statted what the references it computed name; the other targets' references
    // (lock files, files whose flake the loader saw otherwise, files changed by a fix) are
    // found and statted here.
    let known = loaded.disk.take();
    // After the load, only the targets the loader could not resolve; after a fix, every one.
    let asked = if known.is_some() {
        &loaded.unresolved
    } else {
        &loaded.targets
    };
    let wanted: Vec<String> = asked
        .par_iter()
        .map_with(snapshot, |db, &file| db::paths_to_stat(db, file))
        .flatten()
        .filter(|path| known.as_ref().is_none_or(|k| !k.exists.contains_key(path)))
        .collect();
    // The few paths found here join the many the loader statted (not the other way round).
    let disk = match known {
        Some(mut known) if !wanted.is_empty() => {
            let more = load::stat_paths(wanted);
            known.exists.extend(more.exists);
            known.canonical.extend(more.canonical);
            known
        }
        Some(known) => known,
        None => load::stat_paths(wanted),
    };
    loaded.host.apply_change(Change {
        disk: Some(disk),
        ..Change::default()
    });
    let snapshot = loaded.host.snapshot();
    // A bug in one rule must not lose the findings of every other file: a panic becomes an
    // internal error for that file, and the command ends with exit code 2.
    let results: Vec<Result<Vec<Diagnostic>, String>> = loaded
        .targets
        .par_iter()
        .map_with(snapshot, |db, &file| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                file_diagnostics(db, file).clone()
            }))
            .map_err(|panic| {
                format!(
                    "internal error while checking {}: {}",
                    file.path(db),
                    panic_message(&*panic)
                )
            })
        })
        .collect();
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(found) => diagnostics.extend(found),
            Err(problem) => loaded.unreadable.push(problem),
        }
    }
    diagnostics.extend(loaded.load_findings.iter().cloned());
    diagnostics
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Applies the safe fixes, each file written atomically. Returns how many fixes were applied.
fn apply_fixes(loaded: &mut Loaded, diagnostics: &[Diagnostic]) -> Result<usize, String> {
    let mut by_file: BTreeMap<&str, Vec<&FileEdit>> = BTreeMap::new();
    let mut fixes_per_file: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diagnostics {
        let Some(fix) = &d.fix else { continue };
        if !FIXABLE_BY_CLI.contains(&d.rule) || fix.edits.iter().any(|e| e.file != d.file) {
            continue;
        }
        by_file.entry(&d.file).or_default().extend(&fix.edits);
        *fixes_per_file.entry(&d.file).or_default() += 1;
    }
    let mut applied = 0;
    let mut change = Change::default();
    for (file, edits) in by_file {
        let Some(source) = db::file_by_path(loaded.host.db(), file) else {
            continue;
        };
        let text = source.text(loaded.host.db()).clone();
        let (new_text, count) = apply_edits(&text, &edits);
        if count == 0 || new_text == text {
            continue;
        }
        write_atomically(Path::new(file), &new_text)
            .map_err(|e| format!("cannot write the fix to {file}: {e}"))?;
        // Fixes whose edits were all skipped (overlaps) are retried in the next round.
        applied += fixes_per_file[file].min(count);
        change.files.push((file.to_string(), Some(new_text)));
    }
    loaded.host.apply_change(change);
    Ok(applied)
}

/// Writes a file through a temporary file in the same directory and a rename, keeping the
/// original's permissions, so a crash never leaves a half-written file.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.as_file().set_permissions(permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn build_report(
    loaded: &Loaded,
    diagnostics: Vec<Diagnostic>,
    cwd: &Path,
    files_checked: usize,
) -> Report {
    let db = loaded.host.db();
    let mut indexes: BTreeMap<String, (Arc<str>, LineIndex)> = BTreeMap::new();
    let mut position = |file: &str, range: TextRange| -> (Pos, Pos) {
        let (text, index) = indexes.entry(file.to_string()).or_insert_with(|| {
            let text: Arc<str> = db::file_by_path(db, file)
                .map(|f| Arc::from(f.text(db).as_str()))
                .unwrap_or_else(|| Arc::from(""));
            let index = LineIndex::new(&text);
            (text, index)
        });
        let convert = |offset| {
            let lc = index.line_col(text, offset, ColumnUnit::Char);
            Pos {
                line: lc.line + 1,
                column: lc.col + 1,
            }
        };
        (convert(range.start()), convert(range.end()))
    };
    let mut out = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let (start, end) = position(&d.file, d.range);
        let fix = d.fix.map(|fix| OutputFix {
            message: fix.message,
            edits: fix
                .edits
                .into_iter()
                .map(|e| {
                    let (start, end) = position(&e.file, e.range);
                    OutputEdit {
                        file: display_path(&e.file, cwd),
                        start,
                        end,
                        new_text: e.new_text,
                    }
                })
                .collect(),
        });
        out.push((
            d.file.clone(),
            OutputDiagnostic {
                rule: d.rule.name(),
                severity: d.severity,
                message: d.message,
                file: display_path(&d.file, cwd),
                start,
                end,
                fix,
            },
        ));
    }
    out.sort_by(|a, b| {
        (&a.1.file, a.1.start, a.1.end, a.1.rule).cmp(&(&b.1.file, b.1.start, b.1.end, b.1.rule))
    });
    let mut sources = BTreeMap::new();
    for (file, d) in &out {
        if let Some((text, _)) = indexes.get(file) {
            sources
                .entry(d.file.clone())
                .or_insert_with(|| text.clone());
        }
    }
    Report {
        files_checked,
        diagnostics: out.into_iter().map(|(_, d)| d).collect(),
        sources,
    }
}

/// A path relative to the current directory when it is below it, else absolute.
pub fn display_path(path: &str, cwd: &Path) -> String {
    let cwd = load::vfs_path(cwd);
    analysis::paths::strip_dir(path, &cwd)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| path.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_are_ordered_as_path_orders_them() {
        use std::path::Path;
        let mut paths: Vec<&Path> = [
            "/r/a-b/x.nix",
            "/r/a/x.nix",
            "/r/a",
            "/r/a/b/c.nix",
            "/r/a.nix",
            "/r/ab",
            "/r/a/b.nix",
            "/r",
            "/s",
            "/r/A",
            "/r/a/b",
            "/r/a0/x",
            "/r/a/x.nix",
            "/r/a-b/very/long/path/that/exceeds/eight/bytes.nix",
            "/r/a/very/long/path/that/exceeds/eight/bytes.nix",
        ]
        .iter()
        .map(Path::new)
        .collect();
        let mut expected = paths.clone();
        expected.sort();
        paths.sort_by(|a, b| super::path_order(a, b));
        assert_eq!(paths, expected);
    }
}
