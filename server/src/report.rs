//! Findings in presentation form: display paths, 1-based lines and character columns. Built by
//! `check` from the analysis' diagnostics and handed to the renderers.

use std::collections::BTreeMap;
use std::sync::Arc;

use analysis::diagnostic::Severity;

/// A 1-based line and a 1-based column counted in Unicode characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputDiagnostic {
    /// The rule's kebab-case name.
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The file, relative to the current directory when it is below it.
    pub file: String,
    pub start: Pos,
    pub end: Pos,
    pub fix: Option<OutputFix>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFix {
    pub message: String,
    pub edits: Vec<OutputEdit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputEdit {
    pub file: String,
    pub start: Pos,
    pub end: Pos,
    pub new_text: String,
}

/// Everything a renderer needs: the sorted findings, how many files were checked, and the texts
/// of the files with findings (for code frames), keyed by display path.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub files_checked: usize,
    pub diagnostics: Vec<OutputDiagnostic>,
    pub sources: BTreeMap<String, Arc<str>>,
}
