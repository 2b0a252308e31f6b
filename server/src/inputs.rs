//! `flakelint inputs`: the lock graph of one flake as a tree, with each input's locked reference
//! and date, what follows what, the repositories locked more than once, and the root inputs on
//! which `flake.nix` and `flake.lock` disagree. Everything comes from the analysis database
//! (`lock_file`, `flake_model`); this module only finds the files and presents the result.
//!
//! # Text
//! ```text
//! .
//! ├── jetpack      github:anduril/jetpack-nixos/10effed  2025-02-10
//! │   └── nixpkgs  github:NixOS/nixpkgs/3b4de0a          2024-05-01  ⚠ duplicate of root input nixpkgs (missing follows)
//! └── nixpkgs      github:NixOS/nixpkgs/0302c40          2024-11-20
//!
//! 1 repository is locked twice: github.com/nixos/nixpkgs (nixpkgs, jetpack/nixpkgs)
//! ```
//! Inputs are listed in the lock's order. A node's inputs are listed once, where the node is
//! first met; later occurrences say `(see above: PATH)`.
//!
//! # JSON (`--json`)
//! One object; every key is always present (`null` when it does not apply):
//! ```text
//! {
//!   "flake": ".",                 the flake's directory from the current one (`.`, `sub`, `..`),
//!                                 absolute when it is neither above nor below it
//!   "lock_version": 7,
//!   "inputs": [INPUT, ...],       the root inputs, in the lock's order
//!   "duplicates": [               second copies of a root input's repository, sorted by path
//!     {"repository": "github.com/nixos/nixpkgs", "root_input": "nixpkgs",
//!      "path": ["jetpack", "nixpkgs"], "node": "nixpkgs"}
//!   ],
//!   "undeclared": ["x", ...],     root inputs locked but not declared in flake.nix
//!   "unlocked": ["y", ...]        inputs declared in flake.nix but not locked
//! }
//! INPUT = {
//!   "name": "nixpkgs",
//!   "path": ["jetpack", "nixpkgs"],   input names from the root
//!   "node": "nixpkgs",                the lock node; for a follows, the node it resolves to
//!                                     (null when it resolves to nothing)
//!   "type": "github",                 `locked.type`
//!   "reference": "github:NixOS/nixpkgs/3b4de0a",   the locked reference, short rev
//!   "original": "github:NixOS/nixpkgs/nixos-24.05", `original`, the reference as declared
//!                                     (a rev in it shortened too)
//!   "url": null,                      `locked.url` (git, tarball, file inputs)
//!   "ref": null,                      `locked.ref`
//!   "rev": "3b4de0a5e199be8ba3ff37ce798aedaca7307417",
//!   "short_rev": "3b4de0a",
//!   "last_modified": "2024-05-01",    `locked.lastModified` as a UTC date
//!   "nar_hash": "sha256-...",
//!   "flake": true,                    false for `flake = false` inputs
//!   "follows": null,                  the followed input path (`[]` follows nothing)
//!   "duplicate_of": "nixpkgs",        the root input whose repository this is a second copy of
//!   "see": null,                      when this node is listed already: the path where it is
//!                                     (`[]`: the root), and its inputs are not repeated here
//!   "inputs": [INPUT, ...]            null for a follows, a node listed elsewhere (`see`), or
//!                                     nesting deeper than 32 inputs
//! }
//! ```
//! An input that follows has no node of its own: its `type` to `flake` are null.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use analysis::db::{self, AnalysisHost, Change};
use analysis::lock::{attr_str, locked_ref_text, LockAttrs, LockFile, LockInput, LockNode};
use analysis::paths::strip_dir;
use analysis::syntax::{ColumnUnit, LineIndex};
use serde::Serialize;

use crate::check::Fatal;
use crate::load::{self, ReadIssue};

/// Input paths longer than this are not expanded: real locks are a handful deep, a hostile chain
/// of nodes must not exhaust the stack, and the JSON must stay within the nesting that common
/// parsers accept (serde_json's default is 128 levels, two per input level here).
const MAX_DEPTH: usize = 32;

const RELOCK: &str = "run `nix flake lock`";

pub struct InputsOptions {
    /// The flake's directory; default: the nearest one at or above the current directory.
    pub flake: Option<PathBuf>,
    pub json: bool,
}

#[derive(Serialize)]
struct InputsReport {
    flake: String,
    lock_version: u32,
    inputs: Vec<InputEntry>,
    duplicates: Vec<DuplicateEntry>,
    undeclared: Vec<String>,
    unlocked: Vec<String>,
}

#[derive(Serialize)]
struct InputEntry {
    name: String,
    path: Vec<String>,
    node: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    reference: Option<String>,
    original: Option<String>,
    url: Option<String>,
    #[serde(rename = "ref")]
    git_ref: Option<String>,
    rev: Option<String>,
    short_rev: Option<String>,
    last_modified: Option<String>,
    nar_hash: Option<String>,
    flake: Option<bool>,
    follows: Option<Vec<String>>,
    duplicate_of: Option<String>,
    see: Option<Vec<String>>,
    inputs: Option<Vec<InputEntry>>,
}

#[derive(Serialize)]
struct DuplicateEntry {
    repository: String,
    root_input: String,
    path: Vec<String>,
    node: String,
}

pub fn run(
    options: &InputsOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Fatal> {
    let cwd = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_err(|e| {
            Fatal(format!(
                "cannot read the current directory: {}",
                load::io_message(&e)
            ))
        })?;
    let root = flake_dir(options.flake.as_deref(), &cwd)?;
    let flake_nix_path = root.join("flake.nix");
    let lock_path = root.join("flake.lock");
    let shown_dir = display_dir(&load::vfs_path(&root), &cwd);
    if std::fs::symlink_metadata(&lock_path).is_err() {
        return Err(Fatal(format!(
            "no flake.lock next to {}; {RELOCK}",
            display_file(&shown_dir, "flake.nix")
        )));
    }
    let read = |path: &Path| {
        load::read_source(path).map_err(|issue| {
            let (ReadIssue::Unreadable(why) | ReadIssue::NotText(why)) = issue;
            Fatal(format!("cannot read {}: {why}", path.display()))
        })
    };
    let flake_nix_vfs = load::vfs_path(&flake_nix_path);
    let lock_vfs = load::vfs_path(&lock_path);
    let mut change = Change::default();
    change.set_file(flake_nix_vfs.clone(), read(&flake_nix_path)?);
    change.set_file(lock_vfs.clone(), read(&lock_path)?);
    let mut host = AnalysisHost::default();
    host.apply_change(change);
    let db = host.db();
    let (Some(flake_nix), Some(lock_source)) = (
        db::file_by_path(db, &flake_nix_vfs),
        db::file_by_path(db, &lock_vfs),
    ) else {
        return Err(Fatal("internal error: the loaded files are missing".into()));
    };

    let lock = match db::lock_file(db, lock_source) {
        Ok(lock) => lock,
        Err(error) => {
            let text = lock_source.text(db);
            let at = LineIndex::new(text).line_col(text, error.range.start(), ColumnUnit::Char);
            return Err(Fatal(format!(
                "{}:{}:{}: {}",
                display_file(&shown_dir, "flake.lock"),
                at.line + 1,
                at.col + 1,
                error.message
            )));
        }
    };

    let (undeclared, unlocked) = if db::parse_file(db, flake_nix).errors.is_empty() {
        compare_declared(lock, db::flake_model(db, flake_nix))
    } else {
        let _ = writeln!(
            err,
            "flakelint: warning: {} has syntax errors, so its inputs are not compared with flake.lock; `flakelint check` shows them",
            display_file(&shown_dir, "flake.nix")
        );
        (Vec::new(), Vec::new())
    };

    let report = InputsReport {
        flake: shown_dir,
        lock_version: lock.version,
        inputs: TreeBuilder::new(lock).root_entries(),
        duplicates: duplicates(lock),
        undeclared,
        unlocked,
    };
    let written = if options.json {
        serde_json::to_writer_pretty(&mut *out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        render_text(&report, out)
    };
    written.map_err(|e| Fatal(format!("cannot write the output: {e}")))?;
    Ok(0)
}

/// The flake's directory: `--flake DIR` (or its `flake.nix`), else the nearest directory at or
/// above `cwd` holding a `flake.nix`.
pub(crate) fn flake_dir(explicit: Option<&Path>, cwd: &Path) -> Result<PathBuf, Fatal> {
    let Some(given) = explicit else {
        return load::flake_root_of(cwd).ok_or_else(|| {
            Fatal(
                "no flake.nix in the current directory or any directory above it; pass --flake DIR"
                    .into(),
            )
        });
    };
    let dir = std::fs::canonicalize(cwd.join(given)).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Fatal(format!("{}: no such file or directory", given.display()))
        }
        _ => Fatal(format!("{}: {}", given.display(), load::io_message(&e))),
    })?;
    let dir = match dir.file_name() {
        Some(name) if name == "flake.nix" && dir.is_file() => {
            dir.parent().unwrap_or(Path::new("/")).to_path_buf()
        }
        _ => dir,
    };
    if !dir.join("flake.nix").is_file() {
        return Err(Fatal(format!("no flake.nix in {}", given.display())));
    }
    Ok(dir)
}

/// The flake's directory as the user would type it from the current one: `.`, `sub/dir`,
/// `..`, `../..`, else absolute.
fn display_dir(dir: &str, cwd: &Path) -> String {
    let cwd = load::vfs_path(cwd);
    if cwd == "/" {
        return dir.to_string();
    }
    if let Some(below) = strip_dir(dir, &cwd) {
        return if below.is_empty() {
            ".".into()
        } else {
            below.to_string()
        };
    }
    match strip_dir(&cwd, dir) {
        Some(up) => vec![".."; up.split('/').count()].join("/"),
        None => dir.to_string(),
    }
}

/// A file of the flake, with the flake's directory as [`display_dir`] shows it.
fn display_file(flake_dir: &str, name: &str) -> String {
    if flake_dir == "." {
        name.to_string()
    } else {
        format!("{flake_dir}/{name}")
    }
}

/// Root inputs locked but not declared, and declared but not locked, as `lock-out-of-date` sees
/// them: an `outputs` parameter without a declaration is an implicit (registry) input.
fn compare_declared(
    lock: &LockFile,
    model: &analysis::flake::FlakeModel,
) -> (Vec<String>, Vec<String>) {
    let declared = |name: &str| {
        model.inputs.iter().any(|i| i.name == name)
            || model
                .outputs
                .iter()
                .any(|o| o.params.iter().any(|p| p.name == name))
    };
    let locked = lock.root_node();
    let undeclared = lock
        .root_inputs()
        .iter()
        .map(|(name, _, _)| name)
        .filter(|name| !declared(name))
        .cloned()
        .collect();
    let unlocked = model
        .inputs
        .iter()
        .filter(|i| locked.and_then(|r| r.input(&i.name)).is_none())
        .map(|i| i.name.clone())
        .collect();
    (undeclared, unlocked)
}

/// Builds the tree from the root, listing each node's inputs once.
struct TreeBuilder<'a> {
    lock: &'a LockFile,
    /// The nodes whose inputs are listed already, with the path where they are.
    expanded: BTreeMap<&'a str, Vec<String>>,
    /// Nodes that are a second copy of a root input's repository, with that root input.
    duplicate_of: BTreeMap<String, String>,
}

impl<'a> TreeBuilder<'a> {
    fn new(lock: &'a LockFile) -> TreeBuilder<'a> {
        let duplicate_of = lock
            .duplicates()
            .into_iter()
            .map(|d| (d.node, d.root_input))
            .collect();
        TreeBuilder {
            lock,
            expanded: BTreeMap::new(),
            duplicate_of,
        }
    }

    fn root_entries(mut self) -> Vec<InputEntry> {
        let Some(root) = self.lock.root_node() else {
            return Vec::new();
        };
        self.expanded.insert(root.name.as_str(), Vec::new());
        self.entries(root, &[])
    }

    fn entries(&mut self, node: &'a LockNode, path: &[String]) -> Vec<InputEntry> {
        node.inputs
            .iter()
            .map(|(name, input, _)| {
                let mut input_path = path.to_vec();
                input_path.push(name.clone());
                self.entry(name, input, input_path)
            })
            .collect()
    }

    fn entry(&mut self, name: &str, input: &'a LockInput, path: Vec<String>) -> InputEntry {
        let target = match input {
            LockInput::Follows(target) => {
                // The empty path would resolve to the root; in a lock it means "nothing".
                let node = if target.is_empty() {
                    None
                } else {
                    self.lock.resolve(target).map(str::to_string)
                };
                return InputEntry {
                    follows: Some(target.clone()),
                    ..InputEntry::empty(name, path, node)
                };
            }
            LockInput::Node(target) => target.as_str(),
        };
        let node = self.lock.node(target);
        let mut entry = InputEntry {
            duplicate_of: self.duplicate_of.get(target).cloned(),
            ..InputEntry::locked(name, path, target, node)
        };
        if let Some(seen) = self.expanded.get(target) {
            entry.see = Some(seen.clone());
        } else if let Some(node) = node {
            if entry.path.len() < MAX_DEPTH || node.inputs.is_empty() {
                self.expanded.insert(target, entry.path.clone());
                entry.inputs = Some(self.entries(node, &entry.path));
            }
        }
        entry
    }
}

impl InputEntry {
    fn empty(name: &str, path: Vec<String>, node: Option<String>) -> InputEntry {
        InputEntry {
            name: name.to_string(),
            path,
            node,
            kind: None,
            reference: None,
            original: None,
            url: None,
            git_ref: None,
            rev: None,
            short_rev: None,
            last_modified: None,
            nar_hash: None,
            flake: None,
            follows: None,
            duplicate_of: None,
            see: None,
            inputs: None,
        }
    }

    fn locked(name: &str, path: Vec<String>, target: &str, node: Option<&LockNode>) -> InputEntry {
        let mut entry = InputEntry::empty(name, path, Some(target.to_string()));
        let Some(node) = node else {
            return entry;
        };
        let locked = node.locked.as_ref();
        let locked_str = |key: &str| locked.and_then(|l| attr_str(l, key)).map(str::to_string);
        entry.kind = locked_str("type");
        entry.reference = locked.and_then(reference_text);
        entry.original = node.original.as_ref().and_then(reference_text);
        entry.url = locked_str("url");
        entry.git_ref = locked_str("ref");
        entry.rev = locked_str("rev");
        entry.short_rev = node.short_rev();
        entry.last_modified = node.last_modified_date();
        entry.nar_hash = locked_str("narHash");
        entry.flake = Some(node.flake);
        entry
    }
}

/// [`locked_ref_text`] with the flake's subdirectory (`?dir=nix`) where the text lacks it.
fn reference_text(attrs: &LockAttrs) -> Option<String> {
    let mut text = locked_ref_text(attrs)?;
    if let Some(dir) = attr_str(attrs, "dir") {
        if !text.contains("dir=") {
            let sep = if text.contains('?') { '&' } else { '?' };
            text.push_str(&format!("{sep}dir={dir}"));
        }
    }
    Some(text)
}

/// The second copies of root inputs' repositories, each with the repository they share.
fn duplicates(lock: &LockFile) -> Vec<DuplicateEntry> {
    lock.duplicates()
        .into_iter()
        .map(|d| {
            let copy = lock
                .node(&d.node)
                .map(LockNode::repo_identities)
                .unwrap_or_default();
            let repository = lock
                .node(&d.root_node)
                .map(LockNode::repo_identities)
                .unwrap_or_default()
                .into_iter()
                .find(|id| copy.contains(id))
                .unwrap_or_default();
            DuplicateEntry {
                repository,
                root_input: d.root_input,
                path: d.path,
                node: d.node,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Text

/// One line of the tree, in columns: tree and name, reference, date, notes.
struct Row {
    columns: [String; 4],
}

fn render_text(report: &InputsReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", report.flake)?;
    let mut rows = Vec::new();
    tree_rows(&report.inputs, "", &report.undeclared, &mut rows);
    for line in align(&rows) {
        writeln!(out, "{line}")?;
    }
    if report.inputs.is_empty() {
        writeln!(out, "(flake.lock locks no inputs)")?;
    }

    if !report.undeclared.is_empty() || !report.unlocked.is_empty() {
        writeln!(out)?;
        writeln!(out, "flake.lock is out of date; {RELOCK}:")?;
        for name in &report.unlocked {
            writeln!(out, "  `{name}` is declared in flake.nix but not locked")?;
        }
        for name in &report.undeclared {
            writeln!(
                out,
                "  `{name}` is locked but flake.nix does not declare it"
            )?;
        }
    }

    let groups = duplicate_groups(&report.duplicates);
    if !groups.is_empty() {
        writeln!(out)?;
        if let [(repository, names)] = groups.as_slice() {
            writeln!(
                out,
                "1 repository is locked {}: {repository} ({})",
                times(names.len()),
                names.join(", ")
            )?;
        } else {
            writeln!(
                out,
                "{} repositories are locked more than once:",
                groups.len()
            )?;
            for (repository, names) in &groups {
                writeln!(
                    out,
                    "  {repository}: {} ({})",
                    times(names.len()),
                    names.join(", ")
                )?;
            }
        }
    }
    Ok(())
}

fn tree_rows(entries: &[InputEntry], prefix: &str, undeclared: &[String], rows: &mut Vec<Row>) {
    for (i, entry) in entries.iter().enumerate() {
        let last = i + 1 == entries.len();
        let branch = if last { "└── " } else { "├── " };
        let mut notes = Vec::new();
        let reference = match &entry.follows {
            Some(target) if target.is_empty() => "follows nothing".to_string(),
            Some(target) => {
                if entry.node.is_none() {
                    notes.push("⚠ follows an input that flake.lock does not have".to_string());
                }
                format!("follows {}", target.join("/"))
            }
            None => entry
                .reference
                .clone()
                .unwrap_or_else(|| "(no locked reference)".into()),
        };
        if entry.flake == Some(false) {
            notes.push("(flake = false)".into());
        }
        if let Some(seen) = &entry.see {
            let place = if seen.is_empty() {
                "the root".to_string()
            } else {
                seen.join("/")
            };
            notes.push(format!("(see above: {place})"));
        }
        if let Some(root_input) = &entry.duplicate_of {
            notes.push(format!(
                "⚠ duplicate of root input {root_input} (missing follows)"
            ));
        }
        if prefix.is_empty() && undeclared.contains(&entry.name) {
            notes.push("⚠ not declared in flake.nix".into());
        }
        let truncated = entry.follows.is_none() && entry.see.is_none() && entry.inputs.is_none();
        if truncated && entry.path.len() >= MAX_DEPTH {
            notes.push(format!(
                "(inputs not shown: deeper than {MAX_DEPTH} levels)"
            ));
        }
        rows.push(Row {
            columns: [
                format!("{prefix}{branch}{}", entry.name),
                reference,
                entry.last_modified.clone().unwrap_or_default(),
                notes.join("  "),
            ],
        });
        if let Some(children) = &entry.inputs {
            let child_prefix = format!("{prefix}{}", if last { "    " } else { "│   " });
            tree_rows(children, &child_prefix, undeclared, rows);
        }
    }
}

/// The rows with their columns padded to a common width (columns empty on every row are left
/// out), two spaces apart, without trailing spaces.
fn align(rows: &[Row]) -> Vec<String> {
    let width = |column: usize| {
        rows.iter()
            .map(|r| r.columns[column].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..4).map(width).collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (column, text) in row.columns.iter().enumerate() {
                if widths[column] == 0 {
                    continue;
                }
                if !line.is_empty() {
                    line.push_str("  ");
                }
                line.push_str(text);
                let pad = widths[column] - text.chars().count();
                line.extend(std::iter::repeat_n(' ', pad));
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// The duplicates grouped by repository, in order of first appearance: each repository with
/// the root input and every path that locks a copy of it.
fn duplicate_groups(duplicates: &[DuplicateEntry]) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for d in duplicates {
        let index = match groups
            .iter()
            .position(|(repo, names)| *repo == d.repository && names.first() == Some(&d.root_input))
        {
            Some(i) => i,
            None => {
                groups.push((d.repository.clone(), vec![d.root_input.clone()]));
                groups.len() - 1
            }
        };
        groups[index].1.push(d.path.join("/"));
    }
    groups
}

fn times(n: usize) -> String {
    match n {
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}
