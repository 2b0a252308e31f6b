//! The thread that owns the analysis state. Every notification that changes something arrives
//! here over one channel, in the order the client sent it, and is applied in that order; read
//! requests ask it for a snapshot through the same channel, so a request always sees every edit
//! sent before it. Diagnostics are computed on a snapshot on a blocking thread, a short quiet
//! time after the last change, and published only if no newer change came in meanwhile (a newer
//! change also cancels the computation: salsa unwinds it).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use analysis::db::{self, AnalysisHost, Change, DiskState, RootDatabase};
use analysis::lints::file_diagnostics;
use analysis::syntax::{ColumnUnit, LineIndex};
use dashmap::DashMap;
use rayon::prelude::*;
use serde_json::Value;
use tower_lsp::lsp_types as lsp;
use tower_lsp::lsp_types::Url;

use super::config::{self, EditorSettings};
use super::convert::{self, Lines};
use super::watch::Watched;
use crate::load::{self, ConfigLoader};

/// How long the server waits after the last change before computing diagnostics: enough to
/// take in a burst of changes (one editor command often sends several), short enough that
/// republishing stays within SPEC §7's 30 ms. A change during the computation cancels it.
pub const DIAGNOSTICS_DELAY: Duration = Duration::from_millis(10);

/// Documents larger than this are kept in sync but not analysed in the editor: a generated
/// file, and a full parse per keystroke would take a core.
pub const MAX_EDITOR_FILE: usize = 4 * 1024 * 1024;

/// Above this many files, a flake's other modules are not loaded as context (a monorepo).
const MAX_CONTEXT_FILES: usize = 5000;

/// An open document as the client sent it.
#[derive(Clone)]
pub struct Doc {
    pub version: i32,
    pub text: String,
    pub index: LineIndex,
    /// The analysis path, for `file:` URIs.
    pub path: Option<String>,
    /// Whether the analysis has this text (a `file:` URI and not too large).
    pub analysed: bool,
}

pub type Docs = Arc<DashMap<Url, Arc<Doc>>>;

/// The line index of a file's text in a snapshot: the open document's when it has that text
/// (kept up to date on every change), else computed.
pub fn line_index<'a>(doc: Option<&'a Doc>, text: &str) -> std::borrow::Cow<'a, LineIndex> {
    match doc {
        Some(doc) if doc.text == text => std::borrow::Cow::Borrowed(&doc.index),
        _ => std::borrow::Cow::Owned(LineIndex::new(text)),
    }
}

/// What a read request runs on: the database as of every change sent before the request, and
/// the document it is about when that is open.
pub struct Snap {
    pub db: RootDatabase,
    pub doc: Option<Arc<Doc>>,
    pub unit: ColumnUnit,
}

pub enum Msg {
    Initialize {
        root: Option<PathBuf>,
        unit: ColumnUnit,
        options: Value,
    },
    Open {
        uri: Url,
        version: i32,
        text: String,
    },
    Change {
        uri: Url,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    },
    Save {
        uri: Url,
    },
    Close {
        uri: Url,
    },
    Configuration(Value),
    WatchedFiles(Vec<lsp::FileEvent>),
    Snapshot {
        uri: Option<Url>,
        reply: tokio::sync::oneshot::Sender<Snap>,
    },
    /// From a diagnostics job: paths it needed to know about, statted.
    DiskFacts {
        generation: u64,
        disk: DiskState,
    },
    DiagnosticsDone {
        generation: u64,
        results: Vec<FileDiagnostics>,
    },
}

pub struct FileDiagnostics {
    uri: Url,
    version: Option<i32>,
    /// `None` when computing them failed (a bug in a rule): what was published stays.
    diagnostics: Option<Vec<lsp::Diagnostic>>,
}

/// What the owner asks the async side to send to the client, in order.
pub enum Out {
    Publish {
        uri: Url,
        diagnostics: Vec<lsp::Diagnostic>,
        version: Option<i32>,
    },
    Show(lsp::MessageType, String),
    Log(lsp::MessageType, String),
    /// A `flake.lock` changed on disk: the inlay hints (locked revisions) are stale.
    RefreshInlayHints,
}

pub struct Owner {
    host: AnalysisHost,
    docs: Docs,
    rx: Receiver<Msg>,
    tx: Sender<Msg>,
    out: tokio::sync::mpsc::UnboundedSender<Out>,
    runtime: tokio::runtime::Handle,
    unit: ColumnUnit,
    root: Option<PathBuf>,
    settings: EditorSettings,
    /// Flake roots loaded from disk, and the directories of open files that are in no flake.
    flakes: BTreeSet<PathBuf>,
    loose_dirs: BTreeSet<PathBuf>,
    /// Files whose text came from disk (not open), to drop when they disappear.
    from_disk: BTreeSet<String>,
    disk: DiskState,
    watched: Watched,
    problems_shown: Vec<String>,
    /// Counts applied changes; diagnostics computed for an older generation are stale.
    generation: u64,
    pending: Change,
    /// Paths in `pending`, and whether only edits were made to them.
    pending_paths: HashMap<String, bool>,
    diagnostics_due: Option<Instant>,
    published: HashMap<Url, (Option<i32>, Vec<lsp::Diagnostic>)>,
    warned_large: BTreeSet<Url>,
}

impl Owner {
    pub fn new(
        docs: Docs,
        rx: Receiver<Msg>,
        tx: Sender<Msg>,
        out: tokio::sync::mpsc::UnboundedSender<Out>,
        runtime: tokio::runtime::Handle,
    ) -> Owner {
        Owner {
            host: AnalysisHost::default(),
            docs,
            rx,
            tx,
            out,
            runtime,
            unit: ColumnUnit::Utf16,
            root: None,
            settings: EditorSettings::default(),
            flakes: BTreeSet::new(),
            loose_dirs: BTreeSet::new(),
            from_disk: BTreeSet::new(),
            disk: DiskState::default(),
            watched: Watched::default(),
            problems_shown: Vec::new(),
            generation: 0,
            pending: Change::default(),
            pending_paths: HashMap::new(),
            diagnostics_due: None,
            published: HashMap::new(),
            warned_large: BTreeSet::new(),
        }
    }

    /// Runs until every sender is gone.
    pub fn run(mut self) {
        loop {
            let msg = if !self.pending_paths.is_empty() || pending_other(&self.pending) {
                // Take in everything already queued before applying it as one change.
                match self.rx.try_recv() {
                    Ok(msg) => msg,
                    Err(TryRecvError::Empty) => {
                        self.flush();
                        continue;
                    }
                    Err(TryRecvError::Disconnected) => return,
                }
            } else if let Some(due) = self.diagnostics_due {
                match self
                    .rx
                    .recv_timeout(due.saturating_duration_since(Instant::now()))
                {
                    Ok(msg) => msg,
                    Err(RecvTimeoutError::Timeout) => {
                        self.diagnostics_due = None;
                        self.spawn_diagnostics();
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match self.rx.recv() {
                    Ok(msg) => msg,
                    Err(_) => return,
                }
            };
            // A bug here must not end the server: report it and go on with the next message.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.handle(msg);
            }));
            if let Err(panic) = result {
                if !panic.is::<salsa::Cancelled>() {
                    let message = super::panic_message(&*panic);
                    self.send(Out::Log(
                        lsp::MessageType::ERROR,
                        format!("flakelint: internal error: {message}"),
                    ));
                }
            }
        }
    }

    fn send(&self, out: Out) {
        let _ = self.out.send(out);
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Initialize {
                root,
                unit,
                options,
            } => {
                self.root = root;
                self.unit = unit;
                self.set_settings(&options);
            }
            Msg::Open { uri, version, text } => self.open(uri, version, text),
            Msg::Change {
                uri,
                version,
                changes,
            } => self.change(uri, version, changes),
            Msg::Save { uri: _ } => {
                if self.watched.changed() {
                    self.reload();
                } else {
                    // A save is when new files appear: look at the referenced paths again.
                    self.restat();
                }
                self.schedule(DIAGNOSTICS_DELAY);
            }
            Msg::Close { uri } => self.close(uri),
            Msg::Configuration(value) => {
                // `null` (clients that expect the server to pull settings) keeps what the
                // server has.
                if !value.is_null() {
                    self.set_settings(&value);
                }
                self.reload();
                self.schedule(Duration::ZERO);
            }
            Msg::WatchedFiles(events) => {
                let only_open = events.iter().all(|e| self.docs.contains_key(&e.uri));
                if !only_open {
                    self.reload();
                    self.schedule(Duration::ZERO);
                }
            }
            Msg::Snapshot { uri, reply } => {
                self.flush();
                let doc = uri.and_then(|u| self.docs.get(&u).map(|d| d.value().clone()));
                let _ = reply.send(Snap {
                    db: self.host.snapshot(),
                    doc,
                    unit: self.unit,
                });
            }
            Msg::DiskFacts { generation, disk } => {
                if generation == self.generation {
                    self.disk.exists.extend(disk.exists);
                    self.disk.canonical.extend(disk.canonical);
                    self.flush();
                    self.pending.disk = Some(self.disk.clone());
                    self.flush();
                    self.schedule(Duration::ZERO);
                }
            }
            Msg::DiagnosticsDone {
                generation,
                results,
            } => {
                if generation == self.generation {
                    self.publish(results);
                }
            }
        }
    }

    fn set_settings(&mut self, value: &Value) {
        let (settings, problems) = config::parse(value);
        self.settings = settings;
        for problem in problems {
            self.send(Out::Show(lsp::MessageType::WARNING, problem));
        }
    }

    fn schedule(&mut self, delay: Duration) {
        let at = Instant::now() + delay;
        self.diagnostics_due = Some(self.diagnostics_due.map_or(at, |due| due.min(at)));
    }

    /// Applies what is pending as one change.
    fn flush(&mut self) {
        if self.pending_paths.is_empty() && !pending_other(&self.pending) {
            return;
        }
        let change = std::mem::take(&mut self.pending);
        self.pending_paths.clear();
        self.generation += 1;
        self.host.apply_change(change);
    }

    /// Sets a file's whole text (or removes it).
    fn set_file(&mut self, path: String, text: Option<String>) {
        if self.pending_paths.contains_key(&path) {
            self.flush();
        }
        self.pending_paths.insert(path.clone(), false);
        self.pending.files.push((path, text));
    }

    /// Edits a file the analysis has: the edits go along as a hint for reparsing.
    fn edit_file(&mut self, path: String, text: String, edits: Vec<db::TextEdit>) {
        if self.pending_paths.get(&path) == Some(&false) {
            self.flush();
        }
        self.pending_paths.insert(path.clone(), true);
        self.pending.edit_file(path, text, edits);
    }

    fn open(&mut self, uri: Url, version: i32, text: String) {
        let path = convert::path_of(&uri);
        let analysed = path.is_some() && text.len() <= MAX_EDITOR_FILE;
        let doc = Doc {
            version,
            index: LineIndex::new(&text),
            text,
            path: path.clone(),
            analysed,
        };
        let text = doc.text.clone();
        self.docs.insert(uri.clone(), Arc::new(doc));
        let Some(path) = path else {
            self.send(Out::Log(
                lsp::MessageType::INFO,
                format!(
                    "flakelint analyses files on disk only; {uri} is kept in sync but not analysed"
                ),
            ));
            return;
        };
        self.from_disk.remove(&path);
        if analysed {
            self.set_file(path.clone(), Some(text));
        } else {
            self.too_large(&uri, &path);
        }
        if self.needs_load(Path::new(&path)) || self.watched.changed() {
            self.reload();
        } else {
            self.restat();
        }
        self.schedule(DIAGNOSTICS_DELAY);
    }

    fn too_large(&mut self, uri: &Url, path: &str) {
        self.set_file(path.to_string(), None);
        if self.warned_large.insert(uri.clone()) {
            self.send(Out::Show(
                lsp::MessageType::WARNING,
                format!(
                    "flakelint: {} is larger than {} MiB and is not analysed in the editor (`flakelint check` still checks it)",
                    path,
                    MAX_EDITOR_FILE / (1024 * 1024)
                ),
            ));
        }
    }

    fn change(
        &mut self,
        uri: Url,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    ) {
        let unit = self.unit;
        let (path, was, now, text, edits) = {
            let Some(mut entry) = self.docs.get_mut(&uri) else {
                self.send(Out::Log(
                    lsp::MessageType::WARNING,
                    format!("flakelint: didChange for {uri}, which is not open; ignored"),
                ));
                return;
            };
            let doc = Arc::make_mut(entry.value_mut());
            let mut edits = Vec::with_capacity(changes.len());
            for change in &changes {
                edits.push(convert::apply_content_change(
                    &mut doc.text,
                    &doc.index,
                    unit,
                    change,
                ));
                doc.index = LineIndex::new(&doc.text);
            }
            doc.version = version;
            let was = doc.analysed;
            doc.analysed = doc.path.is_some() && doc.text.len() <= MAX_EDITOR_FILE;
            let text = (doc.analysed).then(|| doc.text.clone());
            (doc.path.clone(), was, doc.analysed, text, edits)
        };
        let Some(path) = path else { return };
        match (was, now, text) {
            (true, true, Some(text)) => self.edit_file(path, text, edits),
            (false, true, Some(text)) => {
                self.warned_large.remove(&uri);
                self.set_file(path, Some(text));
            }
            (true, false, _) => self.too_large(&uri, &path),
            _ => {}
        }
        if self.watched.changed() {
            self.reload();
        }
        self.schedule(DIAGNOSTICS_DELAY);
    }

    fn close(&mut self, uri: Url) {
        let Some((_, doc)) = self.docs.remove(&uri) else {
            return;
        };
        self.warned_large.remove(&uri);
        if let Some(path) = &doc.path {
            // Back to what is on disk, which is what the rest of the flake sees.
            let text = load::read_source(Path::new(path)).ok();
            if text.is_some() {
                self.from_disk.insert(path.clone());
            }
            self.set_file(path.clone(), text);
        }
        if self.published.remove(&uri).is_some() {
            self.send(Out::Publish {
                uri,
                diagnostics: Vec::new(),
                version: None,
            });
        }
        self.schedule(DIAGNOSTICS_DELAY);
    }

    fn needs_load(&self, path: &Path) -> bool {
        match load::flake_root_of(path) {
            Some(root) => !self.flakes.contains(&root),
            None => path
                .parent()
                .is_some_and(|dir| !self.loose_dirs.contains(dir)),
        }
    }

    /// Stats the referenced paths the analysis already asked about again (files appear).
    fn restat(&mut self) {
        if self.disk.exists.is_empty() {
            return;
        }
        let fresh = load::stat_paths(self.disk.exists.keys().cloned());
        if fresh != self.disk {
            self.disk = fresh;
            self.pending.disk = Some(self.disk.clone());
        }
    }

    /// Loads (again) from disk everything the open documents need: the files of their flakes,
    /// the configuration, git indexes, the jetpack-nixos sources; and starts watching the files
    /// whose change means doing this again.
    fn reload(&mut self) {
        self.flush();
        let mut roots = BTreeSet::new();
        let mut loose = BTreeSet::new();
        let mut open_paths = BTreeMap::new();
        for entry in self.docs.iter() {
            let Some(path) = &entry.path else { continue };
            let path = PathBuf::from(path);
            match load::flake_root_of(&path) {
                Some(root) => {
                    roots.insert(root);
                }
                None => {
                    if let Some(dir) = path.parent() {
                        loose.insert(dir.to_path_buf());
                    }
                }
            }
            open_paths.insert(path, entry.analysed);
        }
        // The watched files are stamped before anything is read: a file written while this
        // runs (`nix flake lock`, an edit of flakelint.toml) differs from its stamp at the next
        // check and is loaded then, instead of being stamped as seen but never read.
        let mut watched = Vec::new();
        for dir in roots.iter().chain(&loose) {
            watched.push(dir.join("flake.lock"));
            watched.push(dir.join("flake.nix"));
            for ancestor in dir.ancestors() {
                watched.push(ancestor.join("flakelint.toml"));
            }
            if let Some(repo) = crate::git_index::discover_repo(dir) {
                watched.push(repo.git_dir.join("index"));
            }
        }
        self.watched.reset(watched);
        let mut on_disk = BTreeSet::new();
        for root in &roots {
            let mut found = BTreeSet::new();
            crate::check::walk(root, &mut found);
            if found.len() > MAX_CONTEXT_FILES {
                found.retain(|p| p.parent() == Some(root.as_path()));
            }
            on_disk.extend(found);
        }
        let mut configs = ConfigLoader::default();
        let mut problems = Vec::new();
        let dirs: BTreeSet<PathBuf> = on_disk
            .iter()
            .chain(open_paths.keys())
            .filter_map(|p| p.parent().map(Path::to_path_buf))
            .collect();
        for dir in &dirs {
            if let Err(e) = configs.discover(dir) {
                problems.push(e.0);
            }
        }
        let read: Vec<(String, Option<String>)> = on_disk
            .into_par_iter()
            .filter(|p| !open_paths.contains_key(p))
            .map(|p| (load::vfs_path(&p), load::read_source(&p).ok()))
            .collect();
        let mut now_from_disk = BTreeSet::new();
        let mut lock_changed = false;
        for (path, text) in read {
            if path.ends_with("/flake.lock") {
                let db = self.host.db();
                let before = db::file_by_path(db, &path).map(|f| f.text(db).to_string());
                lock_changed |= before.is_some() && before != text;
            }
            if let Some(text) = text {
                now_from_disk.insert(path.clone());
                self.set_file(path, Some(text));
            }
        }
        for gone in self
            .from_disk
            .difference(&now_from_disk)
            .cloned()
            .collect::<Vec<_>>()
        {
            lock_changed |= gone.ends_with("/flake.lock");
            self.set_file(gone, None);
        }
        self.from_disk = now_from_disk;
        if lock_changed {
            self.send(Out::RefreshInlayHints);
        }

        let mut config_set = configs.config_set(|_| {});
        self.settings
            .merge_into(&mut config_set, self.root.as_deref());
        let git_dirs: BTreeSet<PathBuf> = roots.iter().chain(&loose).cloned().collect();
        let (git, warnings) = load::load_git(&git_dirs);
        problems.extend(warnings);
        // A file in a loose directory stands for the directory's configuration.
        let flakeless: Vec<String> = loose
            .iter()
            .map(|dir| load::vfs_path(&dir.join("x.nix")))
            .collect();
        let sources =
            crate::jetpack_source::sources_for(&roots, &flakeless, &config_set, &mut problems);
        self.pending.config = Some(config_set);
        self.pending.git = Some(git);
        self.pending.option_sources = Some(sources);
        self.disk = load::stat_paths(self.disk.exists.keys().cloned());
        self.pending.disk = Some(self.disk.clone());
        self.flush();

        self.flakes = roots;
        self.loose_dirs = loose;
        if problems != self.problems_shown {
            for problem in &problems {
                self.send(Out::Show(
                    lsp::MessageType::WARNING,
                    format!("flakelint: {problem}"),
                ));
            }
            self.problems_shown = problems;
        }
    }

    /// Starts computing the diagnostics of the open documents and of the `flake.nix` and
    /// `flake.lock` of their flakes (an edit to one file changes what another reports).
    fn spawn_diagnostics(&mut self) {
        self.flush();
        let mut targets: BTreeMap<String, Target> = BTreeMap::new();
        let db = self.host.db();
        let mut context = BTreeSet::new();
        for entry in self.docs.iter() {
            let (Some(path), true) = (&entry.path, entry.analysed) else {
                continue;
            };
            targets.insert(
                path.clone(),
                Target {
                    uri: entry.key().clone(),
                    version: Some(entry.version),
                    doc: Some(entry.value().clone()),
                },
            );
            if let Some(flake) = db::flake_context(db, path) {
                context.insert(flake.flake_nix.path(db).clone());
                if let Some(lock) = flake.lock {
                    context.insert(lock.path(db).clone());
                }
            }
        }
        for path in context {
            if let (std::collections::btree_map::Entry::Vacant(slot), Some(uri)) =
                (targets.entry(path.clone()), convert::uri_of(&path))
            {
                slot.insert(Target {
                    uri,
                    version: None,
                    doc: None,
                });
            }
        }
        let snapshot = self.host.snapshot();
        let generation = self.generation;
        let tx = self.tx.clone();
        let unit = self.unit;
        self.runtime.spawn_blocking(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                compute_diagnostics(&snapshot, &targets, unit)
            }));
            drop(snapshot);
            let msg = match result {
                Ok(Ok(results)) => Msg::DiagnosticsDone {
                    generation,
                    results,
                },
                Ok(Err(disk)) => Msg::DiskFacts { generation, disk },
                // Cancelled by a newer change, which schedules its own computation.
                Err(_) => return,
            };
            let _ = tx.send(msg);
        });
    }

    fn publish(&mut self, results: Vec<FileDiagnostics>) {
        let mut seen = BTreeSet::new();
        for result in results {
            seen.insert(result.uri.clone());
            let Some(diagnostics) = result.diagnostics else {
                continue;
            };
            let entry = (result.version, diagnostics);
            if self.published.get(&result.uri) == Some(&entry) {
                continue;
            }
            self.send(Out::Publish {
                uri: result.uri.clone(),
                diagnostics: entry.1.clone(),
                version: entry.0,
            });
            self.published.insert(result.uri, entry);
        }
        let gone: Vec<Url> = self
            .published
            .keys()
            .filter(|u| !seen.contains(*u))
            .cloned()
            .collect();
        for uri in gone {
            self.published.remove(&uri);
            self.send(Out::Publish {
                uri,
                diagnostics: Vec::new(),
                version: None,
            });
        }
    }
}

fn pending_other(change: &Change) -> bool {
    change.git.is_some()
        || change.disk.is_some()
        || change.config.is_some()
        || change.option_sources.is_some()
}

struct Target {
    uri: Url,
    version: Option<i32>,
    doc: Option<Arc<Doc>>,
}

/// The diagnostics of each target, or the paths they reference that nobody statted yet (the
/// owner records them and asks again).
/// The other places of a finding (the second place of a double overlay), as locations.
fn related_information(
    db: &RootDatabase,
    file: db::SourceFile,
    d: &analysis::diagnostic::Diagnostic,
    lines: &Lines,
    unit: ColumnUnit,
) -> Vec<lsp::DiagnosticRelatedInformation> {
    analysis::ide::related_places(db, file, d)
        .into_iter()
        .filter_map(|place| {
            let uri = convert::uri_of(&place.file)?;
            let range = if place.file == d.file {
                lines.range(place.range)
            } else {
                let text = db::file_by_path(db, &place.file)?.text(db);
                let index = LineIndex::new(text);
                Lines {
                    text,
                    index: &index,
                    unit,
                }
                .range(place.range)
            };
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location { uri, range },
                message: place.message,
            })
        })
        .collect()
}

fn compute_diagnostics(
    db: &RootDatabase,
    targets: &BTreeMap<String, Target>,
    unit: ColumnUnit,
) -> Result<Vec<FileDiagnostics>, DiskState> {
    let known = db::Db::workspace(db).disk(db);
    let mut unknown = Vec::new();
    for path in targets.keys() {
        let Some(file) = db::file_by_path(db, path) else {
            continue;
        };
        unknown.extend(
            db::paths_to_stat(db, file)
                .into_iter()
                .filter(|p| !known.exists.contains_key(p)),
        );
    }
    if !unknown.is_empty() {
        return Err(load::stat_paths(unknown));
    }
    let mut results = Vec::with_capacity(targets.len());
    for (path, target) in targets {
        let Some(file) = db::file_by_path(db, path) else {
            continue;
        };
        let computed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let found = file_diagnostics(db, file);
            let text = file.text(db);
            let index = line_index(target.doc.as_deref(), text);
            let lines = Lines {
                text,
                index: &index,
                unit,
            };
            found
                .iter()
                .map(|d| {
                    let mut out = convert::diagnostic(&lines, d);
                    let related = related_information(db, file, d, &lines, unit);
                    if !related.is_empty() {
                        out.related_information = Some(related);
                    }
                    out
                })
                .collect::<Vec<_>>()
        }));
        let diagnostics = match computed {
            Ok(d) => Some(d),
            Err(panic) if panic.is::<salsa::Cancelled>() => std::panic::resume_unwind(panic),
            Err(panic) => {
                eprintln!(
                    "flakelint: internal error while checking {path}: {}",
                    super::panic_message(&*panic)
                );
                None
            }
        };
        results.push(FileDiagnostics {
            uri: target.uri.clone(),
            version: target.version,
            diagnostics,
        });
    }
    Ok(results)
}
