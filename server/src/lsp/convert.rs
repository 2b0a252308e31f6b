//! Between the analysis (byte offsets, plain data) and LSP (lines and columns in the negotiated
//! encoding, lsp-types). Every conversion from client input clamps instead of failing: a
//! position past the end of a line or of the text, or inside a character, lands on the nearest
//! valid place.

use std::path::Path;

use analysis::diagnostic::{Diagnostic, Severity};
use analysis::ide;
use analysis::lints::Rule;
use analysis::syntax::{ColumnUnit, LineCol, LineIndex};
use analysis::{TextRange, TextSize};
use tower_lsp::lsp_types as lsp;

/// A text with its line index, to convert positions in it.
pub struct Lines<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub unit: ColumnUnit,
}

impl Lines<'_> {
    pub fn offset(&self, pos: lsp::Position) -> TextSize {
        self.index.offset(
            self.text,
            LineCol {
                line: pos.line,
                col: pos.character,
            },
            self.unit,
        )
    }

    /// A range as offsets; a range whose end comes before its start is read backwards.
    pub fn range_offsets(&self, range: lsp::Range) -> TextRange {
        let (a, b) = (self.offset(range.start), self.offset(range.end));
        TextRange::new(a.min(b), a.max(b))
    }

    pub fn position(&self, offset: TextSize) -> lsp::Position {
        let lc = self.index.line_col(self.text, offset, self.unit);
        lsp::Position::new(lc.line, lc.col)
    }

    pub fn range(&self, range: TextRange) -> lsp::Range {
        lsp::Range::new(self.position(range.start()), self.position(range.end()))
    }
}

/// The column unit of a negotiated position encoding.
pub fn unit_of(encoding: &lsp::PositionEncodingKind) -> ColumnUnit {
    if *encoding == lsp::PositionEncodingKind::UTF8 {
        ColumnUnit::Utf8
    } else if *encoding == lsp::PositionEncodingKind::UTF32 {
        ColumnUnit::Char
    } else {
        ColumnUnit::Utf16
    }
}

/// UTF-8 when the client offers it (no conversion at all), else UTF-16, which every client
/// must support.
pub fn negotiate_encoding(caps: &lsp::ClientCapabilities) -> lsp::PositionEncodingKind {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref())
        .unwrap_or_default();
    if offered.contains(&lsp::PositionEncodingKind::UTF8) {
        lsp::PositionEncodingKind::UTF8
    } else {
        lsp::PositionEncodingKind::UTF16
    }
}

/// Applies one content change to a document's text and says which bytes it replaced (in the
/// text as it was just before): the edit the analysis gets as a reparse hint.
pub fn apply_content_change(
    text: &mut String,
    index: &LineIndex,
    unit: ColumnUnit,
    change: &lsp::TextDocumentContentChangeEvent,
) -> analysis::db::TextEdit {
    let range = match change.range {
        Some(range) => Lines { text, index, unit }.range_offsets(range),
        None => TextRange::up_to(TextSize::of(text.as_str())),
    };
    text.replace_range(
        usize::from(range.start())..usize::from(range.end()),
        &change.text,
    );
    analysis::db::TextEdit {
        range,
        insert: change.text.clone(),
    }
}

pub fn path_of(uri: &lsp::Url) -> Option<String> {
    if uri.scheme() != "file" {
        return None;
    }
    let path = uri.to_file_path().ok()?;
    Some(crate::load::vfs_path(&path))
}

pub fn uri_of(path: &str) -> Option<lsp::Url> {
    lsp::Url::from_file_path(Path::new(path)).ok()
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

pub fn diagnostic(lines: &Lines, d: &Diagnostic) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lines.range(d.range),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.name().to_string())),
        source: Some("flakelint".to_string()),
        message: d.message.clone(),
        tags: tags(d.rule),
        ..lsp::Diagnostic::default()
    }
}

/// Editors grey out unnecessary code and strike through deprecated code.
fn tags(rule: Rule) -> Option<Vec<lsp::DiagnosticTag>> {
    match rule {
        Rule::DeprecatedOutput | Rule::RenamedOption => Some(vec![lsp::DiagnosticTag::DEPRECATED]),
        Rule::UnusedSuppression => Some(vec![lsp::DiagnosticTag::UNNECESSARY]),
        _ => None,
    }
}

pub fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    }
}

/// A completion item; `rank` is its place in the analysis' order (enum values as declared,
/// `true` before `false`), kept as `sortText` because clients otherwise sort by label.
pub fn completion_item(
    lines: &Lines,
    rank: usize,
    item: ide::CompletionItem,
) -> lsp::CompletionItem {
    let kind = match item.kind {
        ide::CompletionKind::Option => lsp::CompletionItemKind::PROPERTY,
        ide::CompletionKind::OptionGroup => lsp::CompletionItemKind::MODULE,
        ide::CompletionKind::Value => lsp::CompletionItemKind::ENUM_MEMBER,
        ide::CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        ide::CompletionKind::Output => lsp::CompletionItemKind::FIELD,
        ide::CompletionKind::System => lsp::CompletionItemKind::CONSTANT,
        ide::CompletionKind::Input => lsp::CompletionItemKind::REFERENCE,
        ide::CompletionKind::UrlScheme => lsp::CompletionItemKind::KEYWORD,
    };
    lsp::CompletionItem {
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        documentation: item
            .documentation
            .map(|d| lsp::Documentation::MarkupContent(markdown(d))),
        sort_text: Some(format!("{rank:05}")),
        // Clients filter on the label against the text the edit replaces; a quoted value
        // (`"orin-nx"` for `som = o|`) still matches what was typed.
        insert_text_format: Some(lsp::InsertTextFormat::PLAIN_TEXT),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: lines.range(item.replace),
            new_text: item.insert,
        })),
        ..lsp::CompletionItem::default()
    }
}

pub fn hover(lines: &Lines, hover: ide::Hover) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(markdown(hover.markdown)),
        range: Some(lines.range(hover.range)),
    }
}

#[allow(deprecated)] // `deprecated` has to be named in the struct literal
pub fn document_symbol(lines: &Lines, symbol: ide::Symbol) -> lsp::DocumentSymbol {
    let kind = match symbol.kind {
        ide::SymbolKind::Input => lsp::SymbolKind::PACKAGE,
        ide::SymbolKind::Output => lsp::SymbolKind::FIELD,
        ide::SymbolKind::Configuration => lsp::SymbolKind::OBJECT,
        ide::SymbolKind::Group => lsp::SymbolKind::NAMESPACE,
        ide::SymbolKind::Setting => lsp::SymbolKind::PROPERTY,
    };
    let children: Vec<lsp::DocumentSymbol> = symbol
        .children
        .into_iter()
        .map(|child| document_symbol(lines, child))
        .collect();
    lsp::DocumentSymbol {
        name: symbol.name,
        detail: symbol.detail,
        kind,
        tags: None,
        deprecated: None,
        range: lines.range(symbol.range),
        selection_range: lines.range(symbol.selection_range),
        children: (!children.is_empty()).then_some(children),
    }
}

pub fn inlay_hint(lines: &Lines, hint: ide::InlayHint) -> lsp::InlayHint {
    lsp::InlayHint {
        position: lines.position(hint.offset),
        label: lsp::InlayHintLabel::String(hint.label),
        kind: None,
        text_edits: None,
        tooltip: hint.tooltip.map(lsp::InlayHintTooltip::String),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> lsp::TextDocumentContentChangeEvent {
        lsp::TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| {
                lsp::Range::new(lsp::Position::new(l1, c1), lsp::Position::new(l2, c2))
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    fn edit(text: &str, unit: ColumnUnit, c: lsp::TextDocumentContentChangeEvent) -> String {
        let mut text = text.to_string();
        let index = LineIndex::new(&text);
        apply_content_change(&mut text, &index, unit, &c);
        text
    }

    #[test]
    fn columns_count_in_the_negotiated_unit() {
        // "é" is 2 bytes and 1 UTF-16 unit; "𝄞" is 4 bytes and 2 UTF-16 units.
        let text = "a = \"é𝄞\";\nb";
        let after = |unit, col| edit(text, unit, change(Some(((0, col), (0, col))), "X"));
        assert_eq!(after(ColumnUnit::Utf16, 8), "a = \"é𝄞X\";\nb");
        assert_eq!(after(ColumnUnit::Utf8, 11), "a = \"é𝄞X\";\nb");
        assert_eq!(after(ColumnUnit::Char, 7), "a = \"é𝄞X\";\nb");
    }

    #[test]
    fn bad_positions_clamp() {
        let text = "ab\n𝄞c\n";
        // Past the end of a line: its end; past the last line: the end of the text.
        assert_eq!(
            edit(
                text,
                ColumnUnit::Utf16,
                change(Some(((0, 99), (0, 99))), "!")
            ),
            "ab!\n𝄞c\n"
        );
        assert_eq!(
            edit(
                text,
                ColumnUnit::Utf16,
                change(Some(((9, 0), (12, 3))), "!")
            ),
            "ab\n𝄞c\n!"
        );
        // Inside a surrogate pair: after the character.
        assert_eq!(
            edit(text, ColumnUnit::Utf16, change(Some(((1, 1), (1, 1))), "!")),
            "ab\n𝄞!c\n"
        );
        // A range written backwards.
        assert_eq!(
            edit(text, ColumnUnit::Utf16, change(Some(((1, 0), (0, 1))), "")),
            "a𝄞c\n"
        );
        assert_eq!(edit(text, ColumnUnit::Utf16, change(None, "new")), "new");
    }

    #[test]
    fn positions_of_offsets() {
        let text = "é𝄞x";
        let index = LineIndex::new(text);
        let at = |unit| {
            Lines {
                text,
                index: &index,
                unit,
            }
            .position(TextSize::from(6))
        };
        assert_eq!(at(ColumnUnit::Utf16), lsp::Position::new(0, 3));
        assert_eq!(at(ColumnUnit::Utf8), lsp::Position::new(0, 6));
    }
}
