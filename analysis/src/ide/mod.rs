//! Editor features over the analysis: completion, hover, definition, document symbols and inlay
//! hints. Positions are byte offsets into the file's text; the language server converts them to
//! and from the client's encoding. Nothing here does IO: what the editor needs from the outside
//! world (the current time for ages) is passed in.

mod completion;
mod context;
mod definition;
mod hover;
mod inlay_hints;
mod options;
mod symbols;
mod target;
#[cfg(test)]
mod tests;

use rowan::{TextRange, TextSize};

use crate::db::{Db, SourceFile};

/// Only Nix files have these features (a `flake.lock` is a `SourceFile` too).
fn is_nix(db: &dyn Db, file: SourceFile) -> bool {
    file.path(db).ends_with(".nix")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    /// A full option path segment that is an option (a leaf).
    Option,
    /// A segment that has options below it (`hardware.nvidia-jetpack`).
    OptionGroup,
    /// A value after `=`: an enum string.
    Value,
    /// A keyword value after `=`: `true`, `false`, `null`.
    Keyword,
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
pub fn completion(db: &dyn Db, file: SourceFile, offset: TextSize) -> Vec<CompletionItem> {
    if !is_nix(db, file) {
        return Vec::new();
    }
    completion::completion(db, file, offset)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// What the hover is about (the option path, the input name, the path literal).
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(db: &dyn Db, file: SourceFile, offset: TextSize) -> Option<Hover> {
    if !is_nix(db, file) {
        return None;
    }
    hover::hover(db, file, offset)
}

/// Where a definition lives. `path` may be a file outside the workspace (the jetpack-nixos
/// source); `range` is in bytes of that file's text, empty at 0 for "the file itself". Options
/// of the bundled index have no target (its files are not on this machine).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavTarget {
    pub path: String,
    pub range: TextRange,
}

pub fn definition(db: &dyn Db, file: SourceFile, offset: TextSize) -> Vec<NavTarget> {
    if !is_nix(db, file) {
        return Vec::new();
    }
    definition::definition(db, file, offset)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// `inputs` and each input.
    Input,
    /// `outputs` and each output attribute.
    Output,
    /// A NixOS configuration (`nixosConfigurations.<name>`).
    Configuration,
    /// A binding in a module whose value is an attrset (`hardware.nvidia-jetpack = { ... }`).
    Group,
    /// Any other binding in a module (`hardware.nvidia-jetpack.som = "orin-nx"`).
    Setting,
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

pub fn document_symbols(db: &dyn Db, file: SourceFile) -> Vec<Symbol> {
    symbols::document_symbols(db, file)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is shown (after an input's URL string).
    pub offset: TextSize,
    /// `a1b2c3d · 3 months ago`, without leading space (the client pads it).
    pub label: String,
    pub tooltip: Option<String>,
}

/// Inlay hints for `flake.nix`: each input's locked short revision and age. `now_unix` is the
/// current time in seconds since the epoch, for the age.
pub fn inlay_hints(db: &dyn Db, file: SourceFile, now_unix: i64) -> Vec<InlayHint> {
    inlay_hints::inlay_hints(db, file, now_unix)
}

/// Another place a finding is about, for an editor's related information.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedPlace {
    /// Absolute path of the file.
    pub file: String,
    pub range: TextRange,
    pub message: String,
}

/// The other places of a finding of `file` (the first listing of an overlay listed twice, or
/// where jetpack-nixos's module that applies it is included).
pub fn related_places(
    db: &dyn Db,
    file: SourceFile,
    diagnostic: &crate::diagnostic::Diagnostic,
) -> Vec<RelatedPlace> {
    match diagnostic.rule {
        crate::lints::Rule::DoubleOverlay => crate::lints::double_overlay::other_places(
            db,
            file,
            diagnostic.range,
        )
        .into_iter()
        .map(|(file, range, by_module)| RelatedPlace {
            file,
            range,
            message: if by_module {
                "jetpack-nixos's NixOS module, which applies this overlay itself, is included here"
                    .to_string()
            } else {
                "the same overlay, also listed here".to_string()
            },
        })
        .collect(),
        _ => Vec::new(),
    }
}
