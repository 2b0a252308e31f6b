//! What the analysis reports: findings in byte offsets of the file they are in, with fixes as
//! plain text edits. Converting to lines, columns and output formats is the server's job.

use rowan::TextRange;

use crate::lints::Rule;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    /// Absolute path of the file the finding is in.
    pub file: String,
    pub range: TextRange,
    pub message: String,
    pub fix: Option<Fix>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<FileEdit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub file: String,
    pub range: TextRange,
    pub new_text: String,
}

impl Fix {
    pub fn replace(
        message: impl Into<String>,
        file: &str,
        range: TextRange,
        new_text: impl Into<String>,
    ) -> Fix {
        Fix {
            message: message.into(),
            edits: vec![FileEdit {
                file: file.to_string(),
                range,
                new_text: new_text.into(),
            }],
        }
    }
}

/// Applies edits to a text. Edits are sorted by position; an edit overlapping an earlier one is
/// skipped (as ruff does), so that applying several fixes at once can never corrupt a file.
/// Returns the new text and how many edits were applied.
pub fn apply_edits(text: &str, edits: &[&FileEdit]) -> (String, usize) {
    let mut sorted: Vec<&FileEdit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.range.start(), e.range.end()));
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    let mut applied = 0;
    for edit in sorted {
        let start = usize::from(edit.range.start());
        let end = usize::from(edit.range.end());
        if start < last
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[last..start]);
        out.push_str(&edit.new_text);
        last = end;
        applied += 1;
    }
    out.push_str(&text[last..]);
    (out, applied)
}
