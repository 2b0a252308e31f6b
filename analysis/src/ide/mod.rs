//! Editor features over the analysis: completion, hover, definition, document symbols and inlay
//! hints. Positions are byte offsets into the file's text; the language server converts them to
//! and from the client's encoding. Nothing here does IO: what the editor needs from the outside
//! world (the current time for ages) is passed in.

use rowan::{TextRange, TextSize};

use crate::db::{Db, SourceFile};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    /// A full option path segment that is an option (a leaf).
    Option,
    /// A segment that has options below it (`hardware.nvidia-jetpack`).
    OptionGroup,
    /// A value after `=`: an enum string, `true`/`false`.
    Value,
    /// A flake output name.
    Output,
    /// A Nix system string.
    System,
    /// A flake input name (after `follows = "`).
    Input,
    /// A flake reference scheme in `url = "`.
    UrlScheme,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// The text the item replaces: the partial word before (and at) the cursor; may be empty.
    pub replace: TextRange,
    /// What replaces it (enum values come quoted when the cursor is not inside a string).
    pub insert: String,
    /// One line: the type and default of an option, the revision of an input.
    pub detail: Option<String>,
    /// Markdown: an option's description and where it is declared.
    pub documentation: Option<String>,
}

/// Completion items at `offset` (the cursor), best first.
pub fn completion(_db: &dyn Db, _file: SourceFile, _offset: TextSize) -> Vec<CompletionItem> {
    Vec::new()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// What the hover is about (the option path, the input name, the path literal).
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(_db: &dyn Db, _file: SourceFile, _offset: TextSize) -> Option<Hover> {
    None
}

/// Where a definition lives. `path` may be a file outside the workspace (the jetpack-nixos
/// source); `range` is in bytes of that file's text, empty at 0 for "the file itself".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavTarget {
    pub path: String,
    pub range: TextRange,
}

pub fn definition(_db: &dyn Db, _file: SourceFile, _offset: TextSize) -> Vec<NavTarget> {
    Vec::new()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// `inputs` and each input.
    Input,
    /// `outputs` and each output attribute.
    Output,
    /// A NixOS configuration (`nixosConfigurations.<name>`).
    Configuration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole binding.
    pub range: TextRange,
    /// The name within it.
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

pub fn document_symbols(_db: &dyn Db, _file: SourceFile) -> Vec<Symbol> {
    Vec::new()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is shown (after an input's URL string).
    pub offset: TextSize,
    pub label: String,
    pub tooltip: Option<String>,
}

/// Inlay hints for `flake.nix`: each input's locked short revision and age. `now_unix` is the
/// current time in seconds since the epoch, for the age.
pub fn inlay_hints(_db: &dyn Db, _file: SourceFile, _now_unix: i64) -> Vec<InlayHint> {
    Vec::new()
}
