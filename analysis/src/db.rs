//! The salsa database: inputs (file texts, the git index snapshot, the paths that exist on disk,
//! the configuration), the `Change` that sets them in one batch, and the host that owns it.
//!
//! Invariant: inputs change only through `AnalysisHost::apply_change`; everything else is derived.

use std::collections::BTreeMap;
use std::sync::Arc;

use salsa::{Durability, Setter};

use crate::config::ConfigSet;
use crate::git::GitState;
use crate::options::index::{OptionIndex, SourceOptions};
use crate::paths;

/// One file of the workspace: a `.nix` file or a `flake.lock`.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
    /// The parse of `text` when it was computed before the file was set: incrementally from
    /// the previous text's parse after an edit, or by a loader that parsed while reading.
    /// [`parse_file`] returns it instead of parsing.
    #[default]
    #[returns(ref)]
    pub parsed: Option<Arc<crate::syntax::Parsed>>,
    /// The static path references of `text`, when a loader computed them with the parse (see
    /// [`GivenPathRefs`]).
    #[default]
    #[returns(ref)]
    pub given_path_refs: Option<Arc<GivenPathRefs>>,
}

/// Path references computed outside the database (by a loader, in its parallel pass), with the
/// flake root they were resolved against; [`path_refs`] uses them only when the workspace puts
/// the file in that same flake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GivenPathRefs {
    pub flake_root: Option<String>,
    /// Lent to [`path_refs`]'s callers, not copied.
    pub refs: Arc<Vec<crate::path_refs::PathRef>>,
}

/// Everything the analysis knows about the world outside the file texts.
#[salsa::input]
pub struct Workspace {
    #[returns(ref)]
    pub files: Arc<BTreeMap<String, SourceFile>>,
    #[returns(ref)]
    pub git: Arc<GitState>,
    #[returns(ref)]
    pub disk: Arc<DiskState>,
    #[returns(ref)]
    pub config: Arc<ConfigSet>,
    /// The jetpack-nixos option declarations the loader resolved, by flake directory (and, for
    /// files in no flake, by the explicit source directory). A flake without an entry is
    /// checked against the bundled index.
    #[returns(ref)]
    pub option_sources: Arc<BTreeMap<String, Arc<SourceOptions>>>,
}

/// Which paths exist on disk, as far as the loader looked. The loader stats the targets of the
/// path references that the analysis found (`path_refs`), so only those are known; a rule that
/// asks about any other path gets `Unknown` and stays silent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiskState {
    pub exists: rustc_hash::FxHashMap<String, bool>,
    /// For paths that pass through a symlink, where they really are.
    pub canonical: rustc_hash::FxHashMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existence {
    Exists,
    Missing,
    Unknown,
}

impl DiskState {
    /// The path with symlinks resolved, as far as the loader looked.
    pub fn real_path<'a>(&'a self, path: &'a str) -> &'a str {
        self.canonical.get(path).map_or(path, String::as_str)
    }

    pub fn existence(&self, path: &str) -> Existence {
        match self.exists.get(path) {
            Some(true) => Existence::Exists,
            Some(false) => Existence::Missing,
            None => Existence::Unknown,
        }
    }
}

/// The paths whose existence the path rules ask about for one file: each reference's target and,
/// for `import ./dir`, `dir/default.nix`; for a `flake.lock`, the `flake.nix` beside it.
pub fn paths_to_stat(db: &dyn Db, file: SourceFile) -> Vec<String> {
    crate::path_refs::paths_to_stat(path_refs(db, file))
}

#[salsa::db]
pub trait Db: salsa::Database {
    fn workspace(&self) -> Workspace;
}

#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
    /// Set right after the storage exists (salsa needs a database to create an input).
    workspace: Option<Workspace>,
}

#[salsa::db]
impl salsa::Database for RootDatabase {}

#[salsa::db]
impl Db for RootDatabase {
    fn workspace(&self) -> Workspace {
        self.workspace
            .expect("the workspace input is created with the database")
    }
}

impl RootDatabase {
    fn with_storage(storage: salsa::Storage<Self>) -> RootDatabase {
        let mut db = RootDatabase {
            storage,
            workspace: None,
        };
        let ws = Workspace::builder(
            Arc::default(),
            Arc::default(),
            Arc::default(),
            Arc::default(),
            Arc::default(),
        )
        .new(&db);
        db.workspace = Some(ws);
        db
    }
}

/// A batch of input changes, applied at once.
#[derive(Default, Debug)]
pub struct Change {
    /// New or changed file texts; `None` removes the file.
    pub files: Vec<(String, Option<String>)>,
    pub git: Option<GitState>,
    pub disk: Option<DiskState>,
    pub config: Option<ConfigSet>,
    pub option_sources: Option<BTreeMap<String, Arc<SourceOptions>>>,
    /// For files in `files` whose new text came from editing the old one: the edits, in the
    /// order they were applied, so that the parse can be updated rather than redone.
    pub edits: BTreeMap<String, Vec<TextEdit>>,
    /// For files in `files`: their parse, made by whoever set them (see
    /// [`Change::set_file_parsed`]).
    pub parsed: rustc_hash::FxHashMap<String, crate::syntax::Parsed>,
    /// For files in `files`: their path references, computed by whoever set them.
    pub path_refs: rustc_hash::FxHashMap<String, GivenPathRefs>,
    /// Files read by a loader, each with what it computed for it: set like `files` (after
    /// them), with no lookup by path; `AnalysisHost::apply_change` hands back their handles.
    pub loaded: Vec<LoadedFile>,
}

/// A file as a loader read it: its text, and the parse and path references it made (see
/// [`Change::set_file_parsed`] and [`Change::give_path_refs`]).
#[derive(Debug)]
pub struct LoadedFile {
    pub path: String,
    pub text: String,
    pub parsed: Option<crate::syntax::Parsed>,
    pub path_refs: Option<GivenPathRefs>,
}

pub use crate::reparse::TextEdit;

impl Change {
    pub fn set_file(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.push((path.into(), Some(text.into())));
    }

    /// Sets a file's text together with its parse, `syntax::parse(&text)`, made by the caller
    /// (a loader that parses while reading, on all cores). A parse whose length is not the
    /// text's is ignored.
    pub fn set_file_parsed(
        &mut self,
        path: impl Into<String>,
        text: impl Into<String>,
        parsed: crate::syntax::Parsed,
    ) {
        let path = path.into();
        self.parsed.insert(path.clone(), parsed);
        self.files.push((path, Some(text.into())));
    }

    /// Gives the path references of a file set in this change, computed from its parse with
    /// `crate::path_refs::path_refs` against `flake_root` (the directory of the `flake.nix`
    /// the file belongs to).
    pub fn give_path_refs(
        &mut self,
        path: impl Into<String>,
        flake_root: Option<String>,
        refs: Vec<crate::path_refs::PathRef>,
    ) {
        self.path_refs.insert(
            path.into(),
            GivenPathRefs {
                flake_root,
                refs: Arc::new(refs),
            },
        );
    }

    /// Sets a file's text that results from applying `edits`, in order, to its current text.
    /// The edits mark the change as an edit: the new parse is computed incrementally from the
    /// old one (`crate::reparse`, which finds the changed region itself, so wrong edits cannot
    /// make a wrong tree). `new_text` is what the file holds afterwards.
    pub fn edit_file(&mut self, path: impl Into<String>, new_text: String, edits: Vec<TextEdit>) {
        let path = path.into();
        self.edits.entry(path.clone()).or_default().extend(edits);
        self.files.push((path, Some(new_text)));
    }
}

/// Owns the database; hands out snapshots for reading.
pub struct AnalysisHost {
    db: RootDatabase,
}

impl Default for AnalysisHost {
    fn default() -> Self {
        AnalysisHost::new(None)
    }
}

/// A callback told of every salsa event (used by tests to count query executions).
pub type EventHook = Box<dyn Fn(salsa::Event) + Send + Sync + 'static>;

impl AnalysisHost {
    pub fn new(hook: Option<EventHook>) -> AnalysisHost {
        let storage = salsa::Storage::new(hook);
        AnalysisHost {
            db: RootDatabase::with_storage(storage),
        }
    }

    /// A snapshot for reading, cheap to clone; a later `apply_change` cancels it.
    pub fn snapshot(&self) -> RootDatabase {
        self.db.clone()
    }

    pub fn db(&self) -> &RootDatabase {
        &self.db
    }

    /// Applies a change; returns the handles of the files of `change.loaded`, in order.
    pub fn apply_change(&mut self, change: Change) -> Vec<SourceFile> {
        let db = &mut self.db;
        let ws = db.workspace();
        // The workspace's files after the change: a copy of them made at the first removal or
        // addition, or (when the workspace was empty) built at once from the files added.
        let mut files: Option<BTreeMap<String, SourceFile>> = None;
        let mut added: Vec<(String, SourceFile)> = Vec::new();
        let mut parsed = change.parsed;
        let mut given_path_refs = change.path_refs;
        let mut handles = Vec::with_capacity(change.loaded.len());
        let plain = change.files.into_iter().map(|(path, text)| {
            let refs = given_path_refs.remove(&path);
            let parse = parsed.remove(&path);
            (path, text, parse, refs, false)
        });
        let loaded = change
            .loaded
            .into_iter()
            .map(|f| (f.path, Some(f.text), f.parsed, f.path_refs, true));
        for (path, text, given_parse, given_refs, is_loaded) in plain.chain(loaded) {
            let existing = ws.files(db).get(&path).copied();
            let given_refs = given_refs.map(Arc::new);
            let given = given_parse
                .filter(|p| {
                    text.as_ref()
                        .is_some_and(|t| p.green.text_len() == rowan::TextSize::of(t.as_str()))
                })
                .map(Arc::new);
            let handle = match (existing, text) {
                (Some(file), Some(text)) => {
                    if file.text(db) != &text {
                        let new_parse = match given {
                            Some(p) => Some(p),
                            // Only Nix files have a syntax tree worth keeping up to date.
                            None if change.edits.contains_key(&path) && path.ends_with(".nix") => {
                                Some(Arc::new(reparse_edited(db, file, &text)))
                            }
                            None => None,
                        };
                        let durability = file_durability(&path);
                        file.set_text(db).with_durability(durability).to(text);
                        if new_parse.is_some() || file.parsed(db).is_some() {
                            file.set_parsed(db)
                                .with_durability(durability)
                                .to(new_parse);
                        }
                        if given_refs.is_some() || file.given_path_refs(db).is_some() {
                            file.set_given_path_refs(db)
                                .with_durability(durability)
                                .to(given_refs);
                        }
                    }
                    Some(file)
                }
                (None, Some(text)) => {
                    let durability = file_durability(&path);
                    let file = SourceFile::builder(path.clone(), text)
                        .parsed(given)
                        .given_path_refs(given_refs)
                        .durability(durability)
                        .new(db);
                    match &mut files {
                        Some(files) => {
                            files.insert(path, file);
                        }
                        None => added.push((path, file)),
                    }
                    Some(file)
                }
                (Some(_), None) => {
                    let files = files.get_or_insert_with(|| {
                        let mut files = (**ws.files(db)).clone();
                        files.extend(added.drain(..));
                        files
                    });
                    files.remove(&path);
                    None
                }
                (None, None) => None,
            };
            if is_loaded {
                handles.extend(handle);
            }
        }
        if files.is_some() || !added.is_empty() {
            let files = match files {
                Some(files) => files,
                // A first load: one bulk build (the loader's files come sorted already).
                None if ws.files(db).is_empty() => added.into_iter().collect(),
                None => {
                    let mut files = (**ws.files(db)).clone();
                    files.extend(added);
                    files
                }
            };
            ws.set_files(db).to(Arc::new(files));
        }
        if let Some(git) = change.git {
            if **ws.git(db) != git {
                ws.set_git(db)
                    .with_durability(Durability::MEDIUM)
                    .to(Arc::new(git));
            }
        }
        if let Some(disk) = change.disk {
            if **ws.disk(db) != disk {
                ws.set_disk(db)
                    .with_durability(Durability::MEDIUM)
                    .to(Arc::new(disk));
            }
        }
        if let Some(sources) = change.option_sources {
            if **ws.option_sources(db) != sources {
                ws.set_option_sources(db)
                    .with_durability(Durability::HIGH)
                    .to(Arc::new(sources));
            }
        }
        if let Some(config) = change.config {
            if **ws.config(db) != config {
                ws.set_config(db)
                    .with_durability(Durability::HIGH)
                    .to(Arc::new(config));
            }
        }
        handles
    }
}

/// The parse of a file's new text, from the parse of its current text (the one given with it,
/// or the memoized query's, which the editor has normally asked for already).
fn reparse_edited(db: &RootDatabase, file: SourceFile, new_text: &str) -> crate::syntax::Parsed {
    let old_text = file.text(db);
    match file.parsed(db) {
        Some(old) => crate::reparse::reparse(old, old_text, new_text),
        None => crate::reparse::reparse(parse_file(db, file), old_text, new_text),
    }
}

/// Lock files change far less often than the modules being edited.
fn file_durability(path: &str) -> Durability {
    if paths::file_name(path) == "flake.lock" {
        Durability::MEDIUM
    } else {
        Durability::LOW
    }
}

/// The flake a file belongs to: the nearest directory above it holding a `flake.nix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlakeContext {
    pub flake_nix: SourceFile,
    pub lock: Option<SourceFile>,
}

impl FlakeContext {
    pub fn root(self, db: &dyn Db) -> &str {
        paths::parent(self.flake_nix.path(db))
    }
}

pub fn flake_context(db: &dyn Db, path: &str) -> Option<FlakeContext> {
    let flakes = flake_dirs(db, db.workspace());
    if flakes.is_empty() {
        return None;
    }
    paths::ancestors(path).find_map(|dir| flakes.get(dir).copied())
}

/// The directories of the workspace that hold a `flake.nix`, with that flake's files: every
/// rule asks for a file's flake, and a lookup per directory above it is cheaper than building
/// the names of two files there.
#[salsa::tracked(returns(ref))]
pub fn flake_dirs(db: &dyn Db, ws: Workspace) -> BTreeMap<String, FlakeContext> {
    let files = ws.files(db);
    files
        .iter()
        .filter(|(path, _)| paths::file_name(path) == "flake.nix")
        .map(|(path, &flake_nix)| {
            let dir = paths::parent(path);
            let lock = files.get(&paths::join(dir, "flake.lock")).copied();
            (dir.to_string(), FlakeContext { flake_nix, lock })
        })
        .collect()
}

pub fn file_by_path(db: &dyn Db, path: &str) -> Option<SourceFile> {
    db.workspace().files(db).get(path).copied()
}

/// The line starts of a file's text, for messages and editors that name lines.
#[salsa::tracked(returns(ref))]
pub fn line_index(db: &dyn Db, file: SourceFile) -> crate::syntax::LineIndex {
    crate::syntax::LineIndex::new(file.text(db))
}

/// The 1-based line and column (counted in characters) of an offset in a file of the
/// workspace; `None` for a file the workspace does not hold.
pub fn line_col_of(db: &dyn Db, path: &str, offset: rowan::TextSize) -> Option<(u32, u32)> {
    let file = file_by_path(db, path)?;
    let at = line_index(db, file).line_col(file.text(db), offset, crate::syntax::ColumnUnit::Char);
    Some((at.line + 1, at.col + 1))
}

/// The parse of a Nix file: the one set with its text, or a full parse. Not a query itself
/// when the parse was given (every file `check` loads, every file an editor changes): reading
/// the input is all it takes.
pub fn parse_file(db: &dyn Db, file: SourceFile) -> &crate::syntax::Parsed {
    match file.parsed(db) {
        Some(parsed) => parsed,
        None => parse_text(db, file),
    }
}

/// The full parse of a file whose parse was not given.
///
/// `no_eq`: a changed text always gives a changed tree, and comparing two large trees (rowan
/// compares green nodes by content) would cost more than it could save.
#[salsa::tracked(returns(ref), no_eq)]
fn parse_text(db: &dyn Db, file: SourceFile) -> crate::syntax::Parsed {
    crate::syntax::parse(file.text(db))
}

/// The model of a `flake.nix`.
#[salsa::tracked(returns(ref))]
pub fn flake_model(db: &dyn Db, file: SourceFile) -> crate::flake::FlakeModel {
    let parsed = parse_file(db, file);
    crate::flake::flake_model(&parsed.root(), file.text(db))
}

/// The model of a `flake.lock`, or why it cannot be read.
#[salsa::tracked(returns(ref))]
pub fn lock_file(
    db: &dyn Db,
    file: SourceFile,
) -> Result<crate::lock::LockFile, crate::lock::LockError> {
    crate::lock::parse_lock(file.text(db))
}

/// The option declarations, renames and imports of one Nix file.
#[salsa::tracked(returns(ref))]
pub fn file_options(db: &dyn Db, file: SourceFile) -> crate::options::FileOptions {
    // From the file's parse: an edit then costs the extraction walk, not another full parse.
    crate::options::extract_parsed(file.path(db), file.text(db), parse_file(db, file))
}

/// Whether a text names one of the jetpack namespaces' last segments at all, as a whole word
/// (an attribute name, plain or quoted; `nvpmodel2` is another name): a cheap test before a
/// file's tree is walked for settings or declarations under them.
pub fn mentions_jetpack_namespace(text: &str) -> bool {
    namespace_mentions(text).next().is_some()
}

/// The offsets where [`mentions_jetpack_namespace`] finds a namespace's last segment.
fn namespace_mentions(text: &str) -> impl Iterator<Item = usize> + '_ {
    // `'` may end a name (`nvpmodel'`) but also delimits an indented string
    // (`${''nvpmodel''}`): it does not count, so both are taken as mentions.
    let is_name_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-');
    static FINDERS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::LazyLock::new(|| {
            crate::settings::JETPACK_NAMESPACES
                .iter()
                .filter_map(|ns| ns.last())
                .map(|last| memchr::memmem::Finder::new(last.as_bytes()))
                .collect()
        });
    let bytes = text.as_bytes();
    FINDERS.iter().flat_map(move |finder| {
        finder.find_iter(bytes).filter(move |&at| {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(at + finder.needle().len()).copied();
            !before.is_some_and(is_name_byte) && !after.is_some_and(is_name_byte)
        })
    })
}

/// The option settings under the jetpack namespaces in one Nix file.
#[salsa::tracked(returns(ref))]
pub fn file_settings(db: &dyn Db, file: SourceFile) -> Vec<crate::settings::Setting> {
    settings_in(file.text(db), || parse_file(db, file).root())
}

/// `settings::jetpack_settings` of a text, with `root` parsed only if the text names a
/// namespace at all.
fn settings_in(
    text: &str,
    root: impl FnOnce() -> rnix::SyntaxNode,
) -> Vec<crate::settings::Setting> {
    let mut mentions = namespace_mentions(text).peekable();
    if mentions.peek().is_none() {
        return Vec::new();
    }
    let root = root();
    // A setting names its namespace in an attribute path (`services.nvpmodel`,
    // `"nvpmodel" = ...`, `${"nvpmodel"}`): a file that names it only elsewhere (a string in a
    // list, a comment) sets nothing there, and its tree is not walked.
    let mut offsets: Vec<u32> = mentions.filter_map(|at| u32::try_from(at).ok()).collect();
    offsets.sort_unstable();
    if !crate::syntax::offset_inside(&root, &offsets, rnix::SyntaxKind::NODE_ATTRPATH) {
        return Vec::new();
    }
    crate::settings::jetpack_settings(&root)
}

/// The jetpack-nixos declarations the loader resolved for a flake's (or an explicit source's)
/// directory, else the bundled index.
fn option_source(db: &dyn Db, dir: &str) -> Arc<SourceOptions> {
    db.workspace()
        .option_sources(db)
        .get(dir)
        .cloned()
        .unwrap_or_else(crate::options::bundled_source)
}

/// What the `.nix` files of a flake declare under the jetpack namespaces.
fn flake_declarations<'db>(
    db: &'db dyn Db,
    root: &str,
) -> impl Iterator<Item = crate::options::OptionDecl> + 'db {
    nix_files_under(db, root)
        .into_iter()
        .flat_map(move |file| file_jetpack_declarations(db, file).iter().cloned())
}

/// The option index of a flake: its jetpack-nixos source (or the bundled index) plus what the
/// flake's own modules declare under the jetpack namespaces.
#[salsa::tracked(returns(ref))]
pub fn flake_option_index(db: &dyn Db, flake_nix: SourceFile) -> Arc<OptionIndex> {
    let root = paths::parent(flake_nix.path(db)).to_string();
    let extra = flake_declarations(db, &root).collect::<Vec<_>>();
    Arc::new(OptionIndex::new(&option_source(db, &root), extra))
}

/// The option index for a file: its flake's, or for a file in no flake the bundled index plus
/// the file's own declarations.
pub fn option_index_for(db: &dyn Db, file: SourceFile) -> Arc<OptionIndex> {
    match flake_context(db, file.path(db)) {
        Some(_) => configuration_option_index(db, file).clone(),
        None => flakeless_option_index(db, file).clone(),
    }
}

/// The option index of a file in no flake: an explicit source (keyed by its directory) or the
/// bundled index, plus the file's own declarations.
#[salsa::tracked(returns(ref))]
fn flakeless_option_index(db: &dyn Db, file: SourceFile) -> Arc<OptionIndex> {
    let ws = db.workspace();
    let explicit = ws
        .config(db)
        .for_file(file.path(db))
        .jetpack_source
        .as_ref();
    let source = explicit
        .and_then(|dir| ws.option_sources(db).get(dir).cloned())
        .unwrap_or_else(crate::options::bundled_source);
    Arc::new(OptionIndex::new(&source, jetpack_declarations(db, file)))
}

/// A file's own option declarations under the jetpack namespaces.
fn jetpack_declarations(db: &dyn Db, file: SourceFile) -> Vec<crate::options::OptionDecl> {
    file_options(db, file)
        .options
        .iter()
        .filter(|d| crate::options::index::extends_jetpack(d))
        .cloned()
        .collect()
}

/// The static path references of a Nix file: the ones given with it when they were resolved
/// against the flake the workspace puts it in (reading them is not a query), else computed.
pub fn path_refs(db: &dyn Db, file: SourceFile) -> &[crate::path_refs::PathRef] {
    if let Some(given) = file.given_path_refs(db) {
        let flake_root = flake_context(db, file.path(db)).map(|f| f.root(db));
        if given.flake_root.as_deref() == flake_root {
            return &given.refs;
        }
    }
    computed_path_refs(db, file)
}

#[salsa::tracked(returns(ref))]
fn computed_path_refs(db: &dyn Db, file: SourceFile) -> Vec<crate::path_refs::PathRef> {
    let path = file.path(db);
    let flake_root = flake_context(db, path).map(|f| f.root(db));
    let parsed = parse_file(db, file);
    crate::path_refs::path_refs(&parsed.root(), file.text(db), path, flake_root)
}

/// The flake template directories one Nix file declares (`templates.default.path = ./dir`).
#[salsa::tracked(returns(ref))]
pub fn template_dirs(db: &dyn Db, file: SourceFile) -> Vec<String> {
    // Every file of a flake is asked; most never mention templates, and need no parse here
    // (the first check of a file would otherwise parse all its neighbours on one thread).
    let text = file.text(db);
    if !text.contains("emplate") {
        return Vec::new();
    }
    let parsed = parse_file(db, file);
    crate::path_refs::template_dirs(&parsed.root(), file.path(db))
}

/// Every flake template directory that the `.nix` files of a flake declare, wherever in the
/// flake they do it (flake-parts modules declare templates outside `flake.nix`).
#[salsa::tracked(returns(ref))]
pub fn flake_template_dirs(db: &dyn Db, flake_nix: SourceFile) -> Vec<String> {
    let root = paths::parent(flake_nix.path(db));
    let mut dirs: Vec<String> = nix_files_under(db, root)
        .into_iter()
        .flat_map(|file| template_dirs(db, file).iter().cloned())
        // A flake that offers its own directory as a template is still checked.
        .filter(|dir| dir != root && paths::strip_dir(dir, root).is_some())
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// Whether a file lies in a flake template of a flake around it: a skeleton that the user
/// completes after `nix flake init`, so its references may name files that are not there yet.
pub fn in_flake_template(db: &dyn Db, path: &str) -> bool {
    let flakes = flake_dirs(db, db.workspace());
    paths::ancestors(path)
        .filter_map(|dir| flakes.get(dir).map(|flake| flake.flake_nix))
        .any(|flake_nix| {
            flake_template_dirs(db, flake_nix)
                .iter()
                .any(|dir| paths::strip_dir(path, dir).is_some())
        })
}

/// The `.nix` files of the workspace in a directory or below it.
fn nix_files_under(db: &dyn Db, dir: &str) -> Vec<SourceFile> {
    let start = if dir == "/" {
        dir.to_string()
    } else {
        format!("{dir}/")
    };
    db.workspace()
        .files(db)
        .range(start..)
        .take_while(|(path, _)| paths::strip_dir(path, dir).is_some())
        .filter(|(path, _)| path.ends_with(".nix"))
        .map(|(_, &file)| file)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The NixOS module graph (`crate::modules`): per-file facts, per-flake configurations, and the
// graph of each configuration joined from them. Editing a module re-extracts its facts only;
// the graphs re-run when those facts change.

/// What one module file contributes to the graph: its imports, overlays and `_module.args`.
#[salsa::tracked(returns(ref))]
pub fn module_facts(db: &dyn Db, file: SourceFile) -> crate::modules::ModuleFacts {
    let text = file.text(db);
    // Most modules neither import nor touch overlays or module arguments: no parse needed.
    if !["imports", "overlays", "_module", "nvidia-jetpack"]
        .iter()
        .any(|w| text.contains(w))
    {
        return crate::modules::ModuleFacts {
            complete: true,
            ..Default::default()
        };
    }
    crate::modules::module_facts(&parse_file(db, file).root(), file.path(db))
}

/// A file's own option declarations under the jetpack namespaces, as a query: the indexes
/// built from them do not re-run when a file's text changes but its declarations do not.
#[salsa::tracked(returns(ref))]
fn file_jetpack_declarations(db: &dyn Db, file: SourceFile) -> Vec<crate::options::OptionDecl> {
    if !mentions_jetpack_namespace(file.text(db)) {
        return Vec::new();
    }
    jetpack_declarations(db, file)
}

/// Whether a file declares options under `hardware.nvidia-jetpack` itself.
#[salsa::tracked]
pub fn declares_jetpack_options(db: &dyn Db, file: SourceFile) -> bool {
    mentions_jetpack_namespace(file.text(db))
        && file_options(db, file)
            .options
            .iter()
            .any(|d| d.path.len() >= 2 && d.path[0] == "hardware" && d.path[1] == "nvidia-jetpack")
}

/// The NixOS configurations a `flake.nix` defines, and its own `nixosModules`.
#[salsa::tracked(returns(ref))]
pub fn flake_configs(db: &dyn Db, flake_nix: SourceFile) -> crate::modules::FlakeConfigs {
    // The files it imports are read through queries too: editing one re-runs this.
    let load = |path: &str| {
        let files = db.workspace().files(db);
        let file = if path.ends_with(".nix") {
            files.get(path)
        } else {
            files.get(&paths::join(path, "default.nix"))
        }
        .copied()?;
        Some((file.path(db).to_string(), parse_file(db, file).root()))
    };
    crate::modules::flake_configs(&parse_file(db, flake_nix).root(), flake_nix.path(db), &load)
}

/// Which of a flake's inputs are jetpack-nixos, and which bring unrelated modules only.
#[salsa::tracked(returns(ref))]
pub fn flake_input_kinds(db: &dyn Db, flake_nix: SourceFile) -> crate::modules::graph::InputKinds {
    crate::modules::graph::input_kinds(db, flake_nix)
}

/// The graph of every configuration of a flake.
#[salsa::tracked(returns(ref))]
pub fn flake_graph(db: &dyn Db, flake_nix: SourceFile) -> Vec<crate::modules::graph::ConfigGraph> {
    crate::modules::graph::flake_graphs(db, flake_nix)
}

/// The graph of a module that no configuration reaches, judged on its own.
#[salsa::tracked(returns(ref))]
pub fn standalone_graph(db: &dyn Db, file: SourceFile) -> crate::modules::graph::ConfigGraph {
    crate::modules::graph::standalone_graph(db, file)
}

/// The configurations of its flake that a file belongs to (empty when none reaches it).
pub fn configurations_of(
    db: &dyn Db,
    file: SourceFile,
) -> Vec<&crate::modules::graph::ConfigGraph> {
    let path = file.path(db);
    let Some(flake) = flake_context(db, path) else {
        return Vec::new();
    };
    let graphs = flake_graph(db, flake.flake_nix);
    configurations_by_file(db, flake.flake_nix)
        .get(path.as_str())
        .map(|found| found.iter().map(|&i| &graphs[i as usize]).collect())
        .unwrap_or_default()
}

/// For each file of a flake's configurations, the positions (in `flake_graph`) of the
/// configurations it belongs to: every rule asks for every file, and a scan of each
/// configuration's files would cost files × configurations × their files.
#[salsa::tracked(returns(ref))]
fn configurations_by_file(
    db: &dyn Db,
    flake_nix: SourceFile,
) -> rustc_hash::FxHashMap<String, Vec<u32>> {
    let mut by_file: rustc_hash::FxHashMap<String, Vec<u32>> = Default::default();
    for (i, graph) in flake_graph(db, flake_nix).iter().enumerate() {
        for file in &graph.files {
            let found = by_file.entry(file.clone()).or_default();
            if found.last() != Some(&(i as u32)) {
                found.push(i as u32);
            }
        }
    }
    by_file
}

/// The option index for a file of a flake: jetpack-nixos's declarations plus those of the
/// modules of the configurations the file belongs to. A file in no configuration, or in one
/// whose modules are not all visible, gets every declaration of the flake.
#[salsa::tracked(returns(ref))]
fn configuration_option_index(db: &dyn Db, file: SourceFile) -> Arc<OptionIndex> {
    let Some(flake) = flake_context(db, file.path(db)) else {
        return flakeless_option_index(db, file).clone();
    };
    let configs = configurations_of(db, file);
    if configs.is_empty() || configs.iter().any(|g| !g.complete) {
        // Every declaration of the flake, those of inline modules (not read) as unknown.
        let inline = inline_declarations(
            flake_graph(db, flake.flake_nix).iter(),
            flake.flake_nix.path(db),
        );
        let index = flake_option_index(db, flake.flake_nix);
        if inline.is_empty() {
            return index.clone();
        }
        let root = flake.root(db);
        let extra = flake_declarations(db, root)
            .chain(inline)
            .collect::<Vec<_>>();
        return Arc::new(OptionIndex::new(&option_source(db, root), extra));
    }
    let mut files: Vec<&String> = configs.iter().flat_map(|g| &g.files).collect();
    files.sort();
    files.dedup();
    let source = option_source(db, flake.root(db));
    let extra = files
        .into_iter()
        .filter_map(|p| file_by_path(db, p))
        .flat_map(|f| file_jetpack_declarations(db, f).iter().cloned())
        .chain(inline_declarations(
            configs.iter().copied(),
            flake.flake_nix.path(db),
        ))
        .collect::<Vec<_>>();
    Arc::new(OptionIndex::new(&source, extra))
}

/// Options that modules written inline declare: their types are not read, so they are
/// declarations of unknown type (values set on them are not judged).
fn inline_declarations<'a>(
    graphs: impl Iterator<Item = &'a crate::modules::graph::ConfigGraph>,
    flake_nix: &str,
) -> Vec<crate::options::OptionDecl> {
    let mut paths: Vec<&Vec<String>> = graphs.flat_map(|g| &g.inline_declarations).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|path| crate::options::OptionDecl {
            path: path.clone(),
            ty: crate::options::OptionType::Unknown("declared inline".into()),
            type_text: String::new(),
            default: None,
            default_text: None,
            description: None,
            example: None,
            internal: false,
            read_only: false,
            visible: None,
            file: flake_nix.to_string(),
            range: rowan::TextRange::empty(0.into()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::lints::file_diagnostics;

    /// A host that records which queries execute.
    fn counting_host() -> (AnalysisHost, Arc<Mutex<Vec<String>>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let host = AnalysisHost::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                sink.lock().unwrap().push(format!("{database_key:?}"));
            }
        })));
        (host, log)
    }

    fn all_diagnostics(host: &AnalysisHost, paths: &[&str]) {
        let db = host.snapshot();
        for path in paths {
            let file = file_by_path(&db, path).unwrap();
            let _ = file_diagnostics(&db, file);
        }
    }

    /// A fleet: three configurations sharing modules, so that the graph queries all run.
    fn fleet(host: &mut AnalysisHost) -> Vec<&'static str> {
        let mut change = Change::default();
        change.set_file(
            "/f/flake.nix",
            r#"{
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  outputs = { self, nixpkgs, jetpack, ... }: let base = [ ./common.nix ]; in {
    nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = base ++ [ jetpack.nixosModules.default ./a.nix ]; };
    nixosConfigurations.b = nixpkgs.lib.nixosSystem { modules = base ++ [ ./b.nix ]; };
    nixosConfigurations.c = nixpkgs.lib.nixosSystem { modules = base ++ [ ./b.nix ./a.nix ]; };
  };
}"#,
        );
        change.set_file(
            "/f/common.nix",
            "{ imports = [ ./users.nix ]; nixpkgs.overlays = [ (import ./o.nix) ]; }",
        );
        change.set_file("/f/users.nix", "{ users.users.me.isNormalUser = true; }");
        change.set_file("/f/a.nix", "{ hardware.nvidia-jetpack.enable = true; }");
        change.set_file("/f/b.nix", "{ networking.hostName = \"b\"; }");
        change.set_file("/f/o.nix", "final: prev: { }");
        host.apply_change(change);
        vec![
            "/f/flake.nix",
            "/f/common.nix",
            "/f/users.nix",
            "/f/a.nix",
            "/f/b.nix",
            "/f/o.nix",
        ]
    }

    /// Whether [`path_refs`] of a file are the ones given with its text (the very same list).
    fn path_refs_were_given(db: &dyn Db, file: SourceFile) -> bool {
        file.given_path_refs(db)
            .as_ref()
            .is_some_and(|given| std::ptr::eq(path_refs(db, file), given.refs.as_slice()))
    }

    fn id_of(host: &AnalysisHost, path: &str) -> String {
        let db = host.snapshot();
        format!("{:?}", file_by_path(&db, path).unwrap().0)
    }

    /// The quick tests in front of the settings walk skip only files where the walk finds
    /// nothing: every Nix file and fixture of the test data, and texts naming the namespaces
    /// in every attribute form and outside attribute paths.
    #[test]
    fn file_settings_finds_what_the_walk_finds() {
        let mut texts: Vec<String> = [
            "{ hardware.nvidia-jetpack.enable = true; }",
            "{ services = { nvpmodel = { profileNumber = 0; }; }; }",
            r#"{ services."nvfancontrol".enable = true; x = [ "nvpmodel" ]; }"#,
            r#"{ services.${"nvargus-daemon"}.enable = true; }"#,
            r#"{ hardware = { "nvidia-jetpack" = { som = "orin-agx"; }; }; }"#,
            "{ services.${''nvfancontrol''}.enable = true; hardware.${''nvidia-jetpack''}.som = 1; }",
            "# hardware.nvidia-jetpack.enable = true;\n{ x = \"nvpmodel\"; }",
            "{ config, ... }: { config = lib.mkIf true { services.nvpmodel.enable = true; }; }",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        texts.extend(crate::test_data::texts(&["nix", "fixture"]));
        let mut found = 0;
        for text in &texts {
            let root = crate::syntax::parse(text).root();
            let quick = settings_in(text, || root.clone());
            assert_eq!(quick, crate::settings::jetpack_settings(&root), "{text}");
            found += quick.len();
        }
        assert!(found > 20, "settings were found: {found}");
        // Named only outside attribute paths: nothing is set, and the walk is skipped.
        let text = "# hardware.nvidia-jetpack.enable\n{ x = [ \"nvpmodel\" ]; }";
        let root = crate::syntax::parse(text).root();
        assert!(settings_in(text, || root.clone()).is_empty());
        assert!(mentions_jetpack_namespace(text));
    }

    #[test]
    fn a_namespace_is_mentioned_as_a_whole_name_only() {
        for text in [
            "{ hardware.nvidia-jetpack.enable = true; }",
            "{ services.nvpmodel.profileNumber = 0; }",
            "{ services = { nvfancontrol = { enable = true; }; }; }",
            r#"{ services."nvargus-daemon".enable = true; }"#,
            r#"mkRenamedOptionModule [ "hardware" "nvidia-jetpack" "x" ] [ ]"#,
            "nvpmodel",
            "{ services.${''nvpmodel''}.enable = true; }",
        ] {
            assert!(mentions_jetpack_namespace(text), "{text}");
        }
        for text in [
            "{ cfg = config.virtualisation.nvpmodel102; }",
            "{ imports = [ ./nvpmodel-1.nix ]; }",
            "{ my-nvidia-jetpack = 1; nvpmodel_x = 2; }",
            "{ }",
        ] {
            assert!(!mentions_jetpack_namespace(text), "{text}");
        }
    }

    #[test]
    fn editing_one_module_reruns_only_the_graph_queries_that_depend_on_it() {
        let (mut host, log) = counting_host();
        let paths = fleet(&mut host);
        all_diagnostics(&host, &paths);
        let first = log.lock().unwrap().clone();
        for name in [
            "flake_configs",
            "flake_graph",
            "module_facts",
            "configuration_option_index",
        ] {
            assert!(
                first.iter().any(|q| q.starts_with(name)),
                "{name} never ran: {first:?}"
            );
        }
        log.lock().unwrap().clear();

        // An edit that changes no import and no overlay: only the edited file's queries run;
        // its facts are equal to before, so no graph is rebuilt.
        let mut edit = Change::default();
        edit.set_file(
            "/f/users.nix",
            "{ users.users.me.isNormalUser = true; time.timeZone = \"UTC\"; }",
        );
        host.apply_change(edit);
        all_diagnostics(&host, &paths);
        let ran = log.lock().unwrap().clone();
        let users = id_of(&host, "/f/users.nix");
        assert!(ran.iter().any(|q| q.starts_with("module_facts")), "{ran:?}");
        for query in &ran {
            assert!(
                query.ends_with(&format!("({users})")),
                "a query of another file re-ran: {query} (all: {ran:?})"
            );
        }
        log.lock().unwrap().clear();

        // A new import: the graphs are rebuilt from the facts they have, re-extracting only the
        // edited module and the file it now reaches; the flake's configurations are not
        // re-read and no other module is re-parsed.
        let mut edit = Change::default();
        edit.set_file("/f/users.nix", "{ imports = [ ./o.nix ]; }");
        host.apply_change(edit);
        all_diagnostics(&host, &paths);
        let ran = log.lock().unwrap().clone();
        assert!(ran.iter().any(|q| q.starts_with("flake_graph")), "{ran:?}");
        assert!(
            !ran.iter().any(|q| q.starts_with("flake_configs")),
            "{ran:?}"
        );
        let o = id_of(&host, "/f/o.nix");
        for query in ran
            .iter()
            .filter(|q| q.starts_with("module_facts") || q.starts_with("parse_file"))
        {
            assert!(
                query.ends_with(&format!("({users})")) || query.ends_with(&format!("({o})")),
                "another module was re-extracted: {query} (all: {ran:?})"
            );
        }
    }

    #[test]
    fn editing_one_file_reruns_only_its_queries() {
        let (mut host, log) = counting_host();
        let mut change = Change::default();
        change.set_file(
            "/f/flake.nix",
            "{ inputs.nixpkgs.url = \"github:NixOS/nixpkgs\"; outputs = { self, nixpkgs }: { }; }",
        );
        change.set_file("/f/configuration.nix", "{ imports = [ ./hw.nix ]; }");
        change.set_file("/f/hw.nix", "{ }");
        host.apply_change(change);
        let paths = ["/f/flake.nix", "/f/configuration.nix", "/f/hw.nix"];
        all_diagnostics(&host, &paths);
        let first = log.lock().unwrap().len();
        assert!(
            first >= 9,
            "every query ran once: {:?}",
            log.lock().unwrap()
        );
        log.lock().unwrap().clear();

        let mut edit = Change::default();
        edit.set_file(
            "/f/configuration.nix",
            "{ imports = [ ./hw.nix ./other.nix ]; }",
        );
        host.apply_change(edit);
        all_diagnostics(&host, &paths);
        let ran = log.lock().unwrap().clone();
        let id = {
            let db = host.snapshot();
            format!("{:?}", file_by_path(&db, "/f/configuration.nix").unwrap().0)
        };
        assert!(!ran.is_empty());
        for query in &ran {
            assert!(
                query.ends_with(&format!("({id})")),
                "a query of another file re-ran: {query} (all: {ran:?})"
            );
        }
        for name in ["parse_text", "computed_path_refs", "file_diagnostics"] {
            assert!(
                ran.iter().any(|q| q.starts_with(name)),
                "{name} did not re-run: {ran:?}"
            );
        }
        assert!(!ran.iter().any(|q| q.starts_with("flake_model")));

        // The same text again changes nothing at all.
        log.lock().unwrap().clear();
        let mut same = Change::default();
        same.set_file(
            "/f/configuration.nix",
            "{ imports = [ ./hw.nix ./other.nix ]; }",
        );
        host.apply_change(same);
        all_diagnostics(&host, &paths);
        assert!(log.lock().unwrap().is_empty());
    }

    /// The diagnostics of one file in a fresh host holding these texts.
    fn fresh_diagnostics(texts: &[(&str, &str)], path: &str) -> Vec<crate::diagnostic::Diagnostic> {
        let mut host = AnalysisHost::default();
        let mut change = Change::default();
        for (p, t) in texts {
            change.set_file(*p, *t);
        }
        host.apply_change(change);
        let db = host.snapshot();
        file_diagnostics(&db, file_by_path(&db, path).unwrap()).clone()
    }

    #[test]
    fn edits_reparse_incrementally_and_rerun_what_depends_on_the_parse() {
        let (mut host, log) = counting_host();
        let flake =
            "{ inputs.nixpkgs.url = \"github:NixOS/nixpkgs\"; outputs = { self, nixpkgs }: { }; }";
        let mut text =
            String::from("{ imports = [ ./hw.nix ]; services.foo = { enable = true; }; }");
        let mut change = Change::default();
        change.set_file("/f/flake.nix", flake);
        change.set_file("/f/configuration.nix", text.clone());
        host.apply_change(change);
        all_diagnostics(&host, &["/f/flake.nix", "/f/configuration.nix"]);

        // Break the file, then mend it, then rename a key: each an edit with its ranges.
        for (find, insert) in [("true", "true +"), ("true +", "false"), ("foo", "bar")] {
            let at = text.find(find).unwrap();
            let range = rowan::TextRange::at((at as u32).into(), (find.len() as u32).into());
            let mut new = text.clone();
            new.replace_range(at..at + find.len(), insert);
            log.lock().unwrap().clear();
            let mut edit = Change::default();
            edit.edit_file(
                "/f/configuration.nix",
                new.clone(),
                vec![TextEdit {
                    range,
                    insert: insert.to_string(),
                }],
            );
            host.apply_change(edit);
            let db = host.snapshot();
            let file = file_by_path(&db, "/f/configuration.nix").unwrap();
            // The parse was set with the text, and equals a full parse.
            let given = file.parsed(&db).clone().expect("an incremental parse");
            let full = crate::syntax::parse(&new);
            assert_eq!(
                format!("{:#?}", given.root()),
                format!("{:#?}", full.root())
            );
            assert_eq!(given.errors, full.errors);
            assert_eq!(
                *file_diagnostics(&db, file),
                fresh_diagnostics(
                    &[("/f/flake.nix", flake), ("/f/configuration.nix", &new)],
                    "/f/configuration.nix"
                ),
                "after {insert:?}"
            );
            let ran = log.lock().unwrap().clone();
            assert!(
                ran.iter().any(|q| q.starts_with("file_diagnostics")),
                "file_diagnostics did not re-run: {ran:?}"
            );
            // The incremental parse set with the text is used: no full parse runs.
            assert!(
                !ran.iter().any(|q| q.starts_with("parse_text")),
                "a full parse ran: {ran:?}"
            );
            text = new;
        }
        // Setting a whole text drops the parse that was set with the previous one.
        let mut change = Change::default();
        change.set_file("/f/configuration.nix", "{ }");
        host.apply_change(change);
        let db = host.snapshot();
        let file = file_by_path(&db, "/f/configuration.nix").unwrap();
        assert!(file.parsed(&db).is_none());
        assert!(parse_file(&db, file).errors.is_empty());
    }

    /// Loaded files are set with what the loader made for them, and their handles come back in
    /// order; a file already there with the same text keeps its handle.
    #[test]
    fn loaded_files_are_set_with_their_parses_and_handed_back_in_order() {
        let text = "{ imports = [ ./a.nix ]; }";
        let parsed = crate::syntax::parse(text);
        let refs = crate::path_refs::path_refs(&parsed.root(), text, "/f/m.nix", Some("/f"));
        let loaded = |path: &str, text: &str, parsed: Option<crate::syntax::Parsed>| LoadedFile {
            path: path.to_string(),
            text: text.to_string(),
            parsed,
            path_refs: None,
        };
        let mut host = AnalysisHost::default();
        let mut change = Change::default();
        change.set_file("/f/flake.nix", "{ outputs = _: { }; }");
        change.loaded = vec![
            LoadedFile {
                path_refs: Some(GivenPathRefs {
                    flake_root: Some("/f".into()),
                    refs: Arc::new(refs.clone()),
                }),
                ..loaded("/f/m.nix", text, Some(parsed.clone()))
            },
            loaded("/f/flake.lock", "{}", None),
            loaded("/f/b.nix", "{ }", None),
        ];
        let handles = host.apply_change(change);
        let db = host.snapshot();
        let paths: Vec<&str> = handles.iter().map(|f| f.path(&db).as_str()).collect();
        assert_eq!(paths, ["/f/m.nix", "/f/flake.lock", "/f/b.nix"]);
        assert_eq!(
            file_by_path(&db, "/f/flake.nix").map(|f| f.text(&db).len()),
            Some(21)
        );
        let m = handles[0];
        assert!(path_refs_were_given(&db, m));
        assert_eq!(path_refs(&db, m), refs);
        let given: &rowan::GreenNodeData = &m.parsed(&db).as_deref().unwrap().green;
        assert!(std::ptr::eq(given, &*parse_file(&db, m).green));
        drop(db);
        // Loading the same text again changes nothing and gives the same handle.
        let change = Change {
            loaded: vec![loaded("/f/b.nix", "{ }", None)],
            ..Change::default()
        };
        assert_eq!(host.apply_change(change), vec![handles[2]]);
    }

    #[test]
    fn parses_and_references_given_with_a_text_are_used_only_when_they_fit() {
        let text = "{ imports = [ ./a.nix ]; }";
        let parsed = crate::syntax::parse(text);
        let refs = crate::path_refs::path_refs(&parsed.root(), text, "/f/m.nix", Some("/f"));
        assert_eq!(refs.len(), 1);
        let mut host = AnalysisHost::default();
        let mut change = Change::default();
        change.set_file("/f/flake.nix", "{ outputs = _: { }; }");
        change.set_file_parsed("/f/m.nix", text, parsed.clone());
        change.give_path_refs("/f/m.nix", Some("/f".into()), refs.clone());
        // A parse of another text and references resolved against another flake are not used.
        change.set_file_parsed("/g/n.nix", "{ }", crate::syntax::parse("{ x = 1; }"));
        change.give_path_refs("/g/n.nix", Some("/elsewhere".into()), refs.clone());
        host.apply_change(change);
        let db = host.snapshot();
        let m = file_by_path(&db, "/f/m.nix").unwrap();
        assert!(path_refs_were_given(&db, m));
        assert_eq!(path_refs(&db, m), refs);
        // The given tree itself, not a new parse.
        let given: &rowan::GreenNodeData = &m.parsed(&db).as_deref().unwrap().green;
        let used: &rowan::GreenNodeData = &parse_file(&db, m).green;
        assert!(std::ptr::eq(given, used));
        let n = file_by_path(&db, "/g/n.nix").unwrap();
        assert!(n.parsed(&db).is_none());
        assert!(!path_refs_were_given(&db, n));
        assert!(path_refs(&db, n).is_empty());
        assert_eq!(parse_file(&db, n).root().text().to_string(), "{ }");
    }

    /// SPEC §7: editing `configuration.nix` re-extracts no option declarations. The jetpack-nixos
    /// source is extracted once, outside the database; a user module that declares options is
    /// extracted when it changes, not when another file does; and the indexes built from them
    /// are reused as long as the edited file declares nothing.
    #[test]
    fn editing_a_configuration_re_extracts_no_option_declarations() {
        let (mut host, log) = counting_host();
        let mut change = Change::default();
        change.set_file(
            "/f/flake.nix",
            r#"{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs";
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  outputs = { self, nixpkgs, jetpack }: {
    nixosConfigurations.orin = nixpkgs.lib.nixosSystem {
      modules = [ jetpack.nixosModules.default ./configuration.nix ./carrier.nix ];
    };
  };
}"#,
        );
        change.set_file(
            "/f/configuration.nix",
            "{ hardware.nvidia-jetpack.enable = true; hardware.nvidia-jetpack.som = \"orin-agx\"; }",
        );
        change.set_file(
            "/f/carrier.nix",
            "{ lib, ... }: { options.hardware.nvidia-jetpack.carrierBoard = lib.mkOption { type = lib.types.enum [ \"mine\" ]; }; }",
        );
        change.option_sources = Some(BTreeMap::from([(
            "/f".to_string(),
            crate::options::bundled_source(),
        )]));
        host.apply_change(change);
        let paths = ["/f/flake.nix", "/f/configuration.nix", "/f/carrier.nix"];
        all_diagnostics(&host, &paths);
        let first = log.lock().unwrap().clone();
        let carrier = id_of(&host, "/f/carrier.nix");
        assert!(
            first
                .iter()
                .any(|q| q.starts_with("file_options") && q.ends_with(&format!("({carrier})"))),
            "the user's declarations were extracted: {first:?}"
        );
        assert!(
            first.iter().any(|q| q.contains("option_index")),
            "an option index was built: {first:?}"
        );

        for (i, som) in ["orin-nx", "orin-nano", "xavier-agx"].iter().enumerate() {
            log.lock().unwrap().clear();
            let mut edit = Change::default();
            edit.set_file(
                "/f/configuration.nix",
                format!(
                    "{{ hardware.nvidia-jetpack.enable = true; hardware.nvidia-jetpack.som = \"{som}\";{} }}",
                    " ".repeat(i)
                ),
            );
            host.apply_change(edit);
            all_diagnostics(&host, &paths);
            let ran = log.lock().unwrap().clone();
            assert!(
                ran.iter().any(|q| q.starts_with("file_settings")),
                "the edited file was analysed again: {ran:?}"
            );
            for query in &ran {
                assert!(
                    !(query.starts_with("file_options")
                        && query.ends_with(&format!("({carrier})"))),
                    "another file's declarations were extracted again: {ran:?}"
                );
                assert!(
                    !query.contains("option_index"),
                    "an option index was rebuilt although no declaration changed: {ran:?}"
                );
            }
        }
    }
}
