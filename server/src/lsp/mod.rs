//! `flakelint lsp`: the language server over stdio (SPEC §6).
//!
//! Invariants: one thread owns the analysis state and applies changes in the order the client
//! sent them ([`state`]); read requests run on a snapshot on a blocking thread, answer
//! `ContentModified` when a newer edit cancels them, and turn any panic into an error reply.
//! Positions are converted here, in the negotiated encoding ([`convert`]); the analysis only
//! sees byte offsets.

pub mod config;
pub mod convert;
pub mod framing;
pub mod state;
pub mod watch;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use analysis::db::{self, SourceFile};
use analysis::ide;
use analysis::lints::file_diagnostics;
use analysis::syntax::LineIndex;
use serde_json::Value;
use tower_lsp::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp::lsp_types as lsp;
use tower_lsp::lsp_types::Url;
use tower_lsp::{Client, LanguageServer, LspService, Server};

use convert::Lines;
use state::{Docs, Msg, Out, Snap};

/// Runs the server on stdin/stdout until the client says `exit` (or closes stdin). Returns the
/// process exit code: 0 after a `shutdown` request, 1 without one (as LSP asks).
pub fn run() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // rnix and rowan recurse over nested input: the blocking threads that run the
        // analysis get the same stack as the command line's threads.
        .thread_stack_size(16 * 1024 * 1024)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("flakelint: cannot start the language server: {e}");
            return 2;
        }
    };
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    runtime.block_on(async move {
        let docs: Docs = Arc::default();
        let (tx, rx) = std::sync::mpsc::channel();
        let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel::<Out>();
        let owner = state::Owner::new(
            docs.clone(),
            rx,
            tx.clone(),
            out_tx,
            tokio::runtime::Handle::current(),
        );
        let spawned = std::thread::Builder::new()
            .name("flakelint-state".into())
            .stack_size(16 * 1024 * 1024)
            .spawn(move || owner.run());
        if let Err(e) = spawned {
            eprintln!("flakelint: cannot start the language server: {e}");
            return;
        }
        let inlay_refresh = Arc::new(AtomicBool::new(false));
        let refresh = inlay_refresh.clone();
        let (service, socket) = LspService::build(|client| Backend {
            client,
            tx: Mutex::new(tx),
            inlay_refresh,
            watch_registration: AtomicBool::new(false),
            shut_down: flag,
        })
        .custom_method("flakelint/documentText", Backend::document_text)
        .custom_method(framing::INVALID_MESSAGE, Backend::invalid_message)
        .finish();
        let client = service.inner().client.clone();
        tokio::spawn(async move {
            while let Some(out) = out_rx.recv().await {
                match out {
                    Out::Publish {
                        uri,
                        diagnostics,
                        version,
                    } => client.publish_diagnostics(uri, diagnostics, version).await,
                    Out::Show(kind, message) => client.show_message(kind, message).await,
                    Out::Log(kind, message) => client.log_message(kind, message).await,
                    Out::RefreshInlayHints => {
                        if refresh.load(Ordering::SeqCst) {
                            // A client that declines is no reason to stop the others.
                            let _ = client.inlay_hint_refresh().await;
                        }
                    }
                }
            }
        });
        // tower-lsp's loop only ends at the next message after `exit` (or at the end of
        // stdin): the server watches for `exit` itself and stops right away.
        let exit = Arc::new(tokio::sync::Notify::new());
        let service = ExitWatch {
            inner: service,
            exit: exit.clone(),
        };
        tokio::select! {
            () = async {
                // Malformed messages are answered with errors instead of ending tower-lsp's loop.
                let (to_server, from_filter) = tokio::io::duplex(64 * 1024);
                tokio::spawn(framing::filter(tokio::io::stdin(), to_server));
                Server::new(from_filter, tokio::io::stdout(), socket).serve(service).await
            } => {}
            () = exit.notified() => {
                // Let the replies already on their way out be written.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
    });
    // The state thread and blocking tasks may be mid-computation: the process ends here.
    runtime.shutdown_background();
    if shut_down.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

/// The service with a signal when the client sends `exit`.
struct ExitWatch<S> {
    inner: S,
    exit: Arc<tokio::sync::Notify>,
}

impl<S> tower_service::Service<tower_lsp::jsonrpc::Request> for ExitWatch<S>
where
    S: tower_service::Service<tower_lsp::jsonrpc::Request>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::result::Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: tower_lsp::jsonrpc::Request) -> Self::Future {
        let is_exit = request.method() == "exit";
        let future = self.inner.call(request);
        if is_exit {
            self.exit.notify_one();
        }
        future
    }
}

pub struct Backend {
    client: Client,
    /// To the state thread. (A `Sender` is `Sync` on recent Rust; the mutex keeps the crate's
    /// minimum version honest and is never contended for long.)
    tx: Mutex<Sender<Msg>>,
    /// Whether the client takes `workspace/inlayHint/refresh`.
    inlay_refresh: Arc<AtomicBool>,
    watch_registration: AtomicBool,
    shut_down: Arc<AtomicBool>,
}

pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".into())
}

fn internal(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: message.into().into(),
        data: None,
    }
}

fn invalid_params(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::InvalidParams,
        message: message.into().into(),
        data: None,
    }
}

/// The text and line index of a file other than the request's document: from the snapshot when
/// the workspace has it, else from disk (a declaration in the jetpack-nixos source).
fn other_file_lines(db: &db::RootDatabase, path: &str) -> (String, LineIndex) {
    let text = match db::file_by_path(db, path) {
        Some(file) => file.text(db).clone(),
        None => crate::load::read_source(std::path::Path::new(path)).unwrap_or_default(),
    };
    let index = LineIndex::new(&text);
    (text, index)
}

impl Backend {
    fn send(&self, msg: Msg) {
        if let Ok(tx) = self.tx.lock() {
            let _ = tx.send(msg);
        }
    }

    async fn snapshot(&self, uri: Option<&Url>) -> Result<Snap> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.send(Msg::Snapshot {
            uri: uri.cloned(),
            reply,
        });
        answer
            .await
            .map_err(|_| internal("flakelint: the analysis state is gone"))
    }

    /// Runs `f` on a snapshot on a blocking thread, for the document `uri`. A document that is
    /// open but not analysed (too large, not a file) gets the empty answer; one the server does
    /// not know gets an error that says so.
    async fn read<T, F>(&self, uri: &Url, f: F) -> Result<T>
    where
        T: Default + Send + 'static,
        F: Fn(&Snap, SourceFile, &Lines) -> T + Clone + Send + 'static,
    {
        // The document as the last attempt saw it: a cancellation that came from something
        // else (the server's own updates: paths statted, files reloaded from disk) is retried
        // instead of troubling the client with `ContentModified`.
        let mut seen: Option<Option<Arc<state::Doc>>> = None;
        let mut attempt = 0;
        loop {
            let snap = self.snapshot(Some(uri)).await?;
            if let Some(before) = &seen {
                // Every change to a document replaces its `Arc` while someone holds the old one.
                let same = match (before, &snap.doc) {
                    (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                    (None, None) => true,
                    _ => false,
                };
                if !same {
                    return Err(Error::new(ErrorCode::ContentModified));
                }
            }
            seen = Some(snap.doc.clone());
            let (uri, f) = (uri.clone(), f.clone());
            let joined = tokio::task::spawn_blocking(move || {
                let result = guarded(|| run_on_file(&snap, &uri, f));
                drop(snap);
                result
            })
            .await;
            match joined {
                Ok(Err(e)) if e.code == ErrorCode::ContentModified && attempt < 3 => attempt += 1,
                Ok(result) => return result,
                Err(e) => return Err(internal(format!("flakelint: internal error: {e}"))),
            }
        }
    }

    /// `flakelint/documentText`: the server's text of an open document and its version, or null.
    /// For tests and debugging: it is how the torture test checks that the server's copy of a
    /// document matches the client's after thousands of edits.
    async fn document_text(&self, params: lsp::TextDocumentIdentifier) -> Result<Option<Value>> {
        let snap = self.snapshot(Some(&params.uri)).await?;
        let doc = snap.doc.clone();
        drop(snap);
        Ok(doc.map(|d| serde_json::json!({"version": d.version, "text": d.text})))
    }

    /// What a malformed request from the client was turned into (see `framing`).
    async fn invalid_message(&self) -> Result<Value> {
        Err(framing::invalid_request_error())
    }
}

/// The code action kind of "fix everything in this file".
const FIX_ALL: &str = "source.fixAll.flakelint";

/// Every fix of the document's findings as one edit (of this document only; where two fixes
/// overlap, the first in the document wins, and the rest is offered again once applied).
fn fix_all_action(
    snap: &Snap,
    file: analysis::db::SourceFile,
    lines: &Lines,
) -> Option<lsp::CodeActionOrCommand> {
    let path = file.path(&snap.db).clone();
    let mut edits: Vec<&analysis::diagnostic::FileEdit> = Vec::new();
    let mut count = 0;
    for d in file_diagnostics(&snap.db, file) {
        let Some(fix) = &d.fix else { continue };
        // A fix is taken whole or not at all.
        if fix.edits.iter().any(|e| e.file != path) {
            continue;
        }
        let clashes = fix.edits.iter().any(|e| {
            edits.iter().any(|taken| {
                e.range.start() < taken.range.end() && taken.range.start() < e.range.end()
                    || (e.range.is_empty() || taken.range.is_empty())
                        && e.range.start() == taken.range.start()
            })
        });
        if clashes {
            continue;
        }
        edits.extend(&fix.edits);
        count += 1;
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| (e.range.start(), e.range.end()));
    let uri = convert::uri_of(&path)?;
    let text_edits = edits
        .iter()
        .map(|e| lsp::TextEdit {
            range: lines.range(e.range),
            new_text: e.new_text.clone(),
        })
        .collect();
    Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: match count {
            1 => "flakelint: apply the fix in this file".to_string(),
            n => format!("flakelint: apply {n} fixes in this file"),
        },
        kind: Some(lsp::CodeActionKind::new(FIX_ALL)),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(std::collections::HashMap::from([(uri, text_edits)])),
            ..lsp::WorkspaceEdit::default()
        }),
        ..lsp::CodeAction::default()
    }))
}

/// Runs a request's work: a snapshot cancelled by a newer edit (salsa unwinds with
/// `Cancelled`) answers `ContentModified`, any other panic an internal error; neither ends the
/// server.
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(panic) if panic.is::<salsa::Cancelled>() => Err(Error::new(ErrorCode::ContentModified)),
        Err(panic) => Err(internal(format!(
            "flakelint: internal error: {}",
            panic_message(&*panic)
        ))),
    }
}

fn run_on_file<T: Default, F>(snap: &Snap, uri: &Url, f: F) -> Result<T>
where
    F: FnOnce(&Snap, SourceFile, &Lines) -> T,
{
    if let Some(doc) = &snap.doc {
        if !doc.analysed {
            return Ok(T::default());
        }
    }
    let Some(path) = convert::path_of(uri) else {
        return Err(invalid_params(format!(
            "flakelint analyses `file:` documents only, not {uri}"
        )));
    };
    let Some(file) = db::file_by_path(&snap.db, &path) else {
        return Err(invalid_params(format!(
            "flakelint does not know {uri}: open it first (textDocument/didOpen)"
        )));
    };
    let text = file.text(&snap.db);
    let index = state::line_index(snap.doc.as_deref(), text);
    let lines = Lines {
        text,
        index: &index,
        unit: snap.unit,
    };
    Ok(f(snap, file, &lines))
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let encoding = convert::negotiate_encoding(&params.capabilities);
        #[allow(deprecated)] // root_uri: the clients this is for still send it
        let root: Option<PathBuf> = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| u.to_file_path().ok());
        let dynamic_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.watch_registration
            .store(dynamic_watch, Ordering::SeqCst);
        let inlay_refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|i| i.refresh_support)
            .unwrap_or(false);
        self.inlay_refresh.store(inlay_refresh, Ordering::SeqCst);
        self.send(Msg::Initialize {
            root,
            unit: convert::unit_of(&encoding),
            options: params.initialization_options.unwrap_or(Value::Null),
        });
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(encoding),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                    ..lsp::TextDocumentSyncOptions::default()
                },
            )),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(
                    [".", "\"", "=", " "]
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                ),
                ..lsp::CompletionOptions::default()
            }),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        lsp::CodeActionKind::QUICKFIX,
                        lsp::CodeActionKind::new(FIX_ALL),
                    ]),
                    ..lsp::CodeActionOptions::default()
                },
            )),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            inlay_hint_provider: Some(lsp::OneOf::Left(true)),
            ..lsp::ServerCapabilities::default()
        };
        Ok(lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "flakelint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        if !self.watch_registration.load(Ordering::SeqCst) {
            return;
        }
        let watchers = watch::GLOBS
            .iter()
            .map(|glob| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let registration = lsp::Registration {
            id: "flakelint-watch".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        if let Err(e) = self.client.register_capability(vec![registration]).await {
            self.client
                .log_message(
                    lsp::MessageType::WARNING,
                    format!("flakelint: file watchers not registered ({e}); modification times are compared instead"),
                )
                .await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.send(Msg::Open {
            uri: doc.uri,
            version: doc.version,
            text: doc.text,
        });
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        self.send(Msg::Change {
            uri: params.text_document.uri,
            version: params.text_document.version,
            changes: params.content_changes,
        });
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        self.send(Msg::Save {
            uri: params.text_document.uri,
        });
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        self.send(Msg::Close {
            uri: params.text_document.uri,
        });
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        self.send(Msg::Configuration(params.settings));
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        self.send(Msg::WatchedFiles(params.changes));
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        let at = params.text_document_position;
        // A space triggers completion for the values after `=` (and `lib.mkDefault `); a
        // space typed anywhere else (indenting, between words) must not pop names up.
        let by_space = params
            .context
            .as_ref()
            .and_then(|c| c.trigger_character.as_deref())
            == Some(" ");
        self.read(&at.text_document.uri, move |snap, file, lines| {
            let offset = lines.offset(at.position);
            let mut items = ide::completion(&snap.db, file, offset);
            if by_space
                && !items.iter().all(|i| {
                    matches!(
                        i.kind,
                        ide::CompletionKind::Value | ide::CompletionKind::Keyword
                    )
                })
            {
                items.clear();
            }
            let items: Vec<lsp::CompletionItem> = items
                .into_iter()
                .enumerate()
                .map(|(rank, item)| convert::completion_item(lines, rank, item))
                .collect();
            Some(lsp::CompletionResponse::Array(items))
        })
        .await
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let at = params.text_document_position_params;
        self.read(&at.text_document.uri, move |snap, file, lines| {
            ide::hover(&snap.db, file, lines.offset(at.position))
                .map(|hover| convert::hover(lines, hover))
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        self.read(&at.text_document.uri, move |snap, file, lines| {
            let targets = ide::definition(&snap.db, file, lines.offset(at.position));
            let locations: Vec<lsp::Location> = targets
                .into_iter()
                .filter_map(|target| {
                    let uri = convert::uri_of(&target.path)?;
                    let (text, index) = other_file_lines(&snap.db, &target.path);
                    let lines = Lines {
                        text: &text,
                        index: &index,
                        unit: snap.unit,
                    };
                    Some(lsp::Location::new(uri, lines.range(target.range)))
                })
                .collect();
            (!locations.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(locations))
        })
        .await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        // A client asking only for other kinds (`source.organizeImports`) gets none; the
        // fix-all action (as ruff's `source.fixAll.ruff`, for `codeActionsOnSave`) only when
        // asked for by kind (`source`, `source.fixAll`, `source.fixAll.flakelint`).
        let asked = |kind: &str| {
            params.context.only.as_ref().is_none_or(|only| {
                only.iter()
                    .any(|k| kind.starts_with(k.as_str()) || k.as_str().is_empty())
            })
        };
        let quickfixes = asked(lsp::CodeActionKind::QUICKFIX.as_str());
        let fix_all = params.context.only.is_some() && asked(FIX_ALL);
        if !quickfixes && !fix_all {
            return Ok(Some(Vec::new()));
        }
        self.read(&params.text_document.uri, move |snap, file, lines| {
            let wanted = lines.range_offsets(params.range);
            let mut actions = Vec::new();
            if fix_all {
                if let Some(action) = fix_all_action(snap, file, lines) {
                    actions.push(action);
                }
            }
            if !quickfixes {
                return Some(actions);
            }
            for d in file_diagnostics(&snap.db, file) {
                let Some(fix) = &d.fix else { continue };
                // Touching ranges count: a cursor at either end of a finding gets its fix.
                if d.range.start() > wanted.end() || wanted.start() > d.range.end() {
                    continue;
                }
                let mut changes: std::collections::HashMap<Url, Vec<lsp::TextEdit>> =
                    std::collections::HashMap::new();
                for edit in &fix.edits {
                    let Some(edit_uri) = convert::uri_of(&edit.file) else {
                        continue;
                    };
                    let range = if edit.file == d.file {
                        lines.range(edit.range)
                    } else {
                        let (text, index) = other_file_lines(&snap.db, &edit.file);
                        Lines {
                            text: &text,
                            index: &index,
                            unit: snap.unit,
                        }
                        .range(edit.range)
                    };
                    changes.entry(edit_uri).or_default().push(lsp::TextEdit {
                        range,
                        new_text: edit.new_text.clone(),
                    });
                }
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: fix.message.clone(),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![convert::diagnostic(lines, d)]),
                    edit: Some(lsp::WorkspaceEdit {
                        changes: Some(changes),
                        ..lsp::WorkspaceEdit::default()
                    }),
                    is_preferred: Some(true),
                    ..lsp::CodeAction::default()
                }));
            }
            Some(actions)
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        self.read(&params.text_document.uri, move |snap, file, lines| {
            let symbols = ide::document_symbols(&snap.db, file)
                .into_iter()
                .map(|s| convert::document_symbol(lines, s))
                .collect();
            Some(lsp::DocumentSymbolResponse::Nested(symbols))
        })
        .await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        let now = now_unix();
        self.read(&params.text_document.uri, move |snap, file, lines| {
            let range = lines.range_offsets(params.range);
            let hints = ide::inlay_hints(&snap.db, file, now)
                .into_iter()
                .filter(|h| range.contains_inclusive(h.offset))
                .map(|h| convert::inlay_hint(lines, h))
                .collect();
            Some(hints)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use analysis::db::{AnalysisHost, Change};

    #[test]
    fn a_request_cancelled_by_an_edit_answers_content_modified() {
        let mut host = AnalysisHost::default();
        let mut change = Change::default();
        change.set_file("/f/a.nix", "{ a = 1; }");
        host.apply_change(change);
        let snap = host.snapshot();
        let (started, wait) = std::sync::mpsc::channel();
        let request = std::thread::spawn(move || {
            let result: Result<()> = guarded(|| {
                let file = db::file_by_path(&snap, "/f/a.nix").unwrap();
                let _ = started.send(());
                // A long request: it only ends when salsa cancels it.
                loop {
                    let _ = file_diagnostics(&snap, file);
                }
            });
            drop(snap);
            result
        });
        wait.recv().unwrap();
        let mut edit = Change::default();
        edit.set_file("/f/a.nix", "{ a = 2; }");
        // Blocks until the request has let go of its snapshot.
        host.apply_change(edit);
        let error = request.join().unwrap().unwrap_err();
        assert_eq!(error.code, ErrorCode::ContentModified);
    }

    #[test]
    fn a_panic_is_an_internal_error() {
        let error = guarded::<()>(|| panic!("a bug in a rule")).unwrap_err();
        assert_eq!(error.code, ErrorCode::InternalError);
        assert!(
            error.message.contains("a bug in a rule"),
            "{}",
            error.message
        );
    }
}
