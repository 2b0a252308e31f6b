//! Suppression comments: `# flakelint: ignore[rule-a, rule-b]` on the line before a finding or
//! at the end of its line, and `# flakelint: ignore-file[rule]` anywhere for the whole file. A
//! suppression that silences nothing is reported as `unused-suppression`.

use rnix::{SyntaxKind, SyntaxNode};
use rowan::{TextRange, TextSize};

use super::Rule;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Fix};
use crate::syntax::LineIndex;

struct Suppression {
    /// The line it silences (0-based), or `None` for the whole file.
    line: Option<u32>,
    /// Rule names as written, each with its range in the comment.
    rules: Vec<(String, TextRange)>,
    /// The range to delete when none of its rules is used.
    removal: TextRange,
    used: Vec<bool>,
}

/// Drops the findings that a suppression covers and adds `unused-suppression` findings.
pub(super) fn apply(
    text: &str,
    path: &str,
    root: &SyntaxNode,
    config: &Config,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    // Most files have no suppression: find the marker in the text instead of walking every
    // token, and look at the comments it is in.
    if !text.contains("flakelint:") {
        return diagnostics;
    }
    let index = LineIndex::new(text);
    let mut comments: Vec<rnix::SyntaxToken> = text
        .match_indices("flakelint:")
        .filter_map(|(at, _)| {
            root.token_at_offset(TextSize::from(at as u32))
                .right_biased()
        })
        .filter(|t| t.kind() == SyntaxKind::TOKEN_COMMENT)
        .collect();
    comments.dedup_by_key(|t| t.text_range());
    let mut suppressions: Vec<Suppression> = comments
        .iter()
        .filter_map(|t| parse_comment(text, &index, t.text(), t.text_range()))
        .collect();
    if suppressions.is_empty() {
        return diagnostics;
    }
    let line_of = |offset: TextSize| {
        index
            .line_col(text, offset, crate::syntax::ColumnUnit::Utf8)
            .line
    };
    let mut kept = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let line = line_of(diagnostic.range.start());
        let mut silenced = false;
        for s in &mut suppressions {
            if s.line.is_some_and(|l| l != line) {
                continue;
            }
            for (i, (name, _)) in s.rules.iter().enumerate() {
                if name == diagnostic.rule.name() {
                    s.used[i] = true;
                    silenced = true;
                }
            }
        }
        if !silenced {
            kept.push(diagnostic);
        }
    }
    let Some(severity) = config.severity(Rule::UnusedSuppression) else {
        return kept;
    };
    for s in &suppressions {
        let unused: Vec<usize> = (0..s.rules.len()).filter(|&i| !s.used[i]).collect();
        for &i in &unused {
            let (name, range) = &s.rules[i];
            let message = match Rule::from_name(name) {
                None => format!(
                    "`{name}` is not a flakelint rule, so this suppression silences nothing"
                ),
                // A rule that is turned off cannot be used; saying so would only be noise.
                Some(rule) if config.severity(rule).is_none() => continue,
                Some(_) => {
                    format!("nothing here is reported by `{name}`, so this suppression is unused")
                }
            };
            let fix = if unused.len() == s.rules.len() {
                Fix::replace("remove the suppression comment", path, s.removal, "")
            } else {
                Fix::replace(
                    format!("remove `{name}` from the suppression"),
                    path,
                    list_item_removal(&s.rules, i),
                    "",
                )
            };
            kept.push(Diagnostic {
                rule: Rule::UnusedSuppression,
                severity,
                file: path.to_string(),
                range: *range,
                message,
                fix: Some(fix),
            });
        }
    }
    kept
}

/// Parses `# flakelint: ignore[...]` / `ignore-file[...]`; other comments give `None`.
fn parse_comment(
    text: &str,
    index: &LineIndex,
    comment: &str,
    range: TextRange,
) -> Option<Suppression> {
    let body = comment.strip_prefix('#')?;
    let offset_of = |s: &str| {
        range.start() + TextSize::from((s.as_ptr() as usize - comment.as_ptr() as usize) as u32)
    };
    let rest = body.trim_start().strip_prefix("flakelint:")?.trim_start();
    let (file_wide, list) = if let Some(r) = rest.strip_prefix("ignore-file[") {
        (true, r)
    } else if let Some(r) = rest.strip_prefix("ignore[") {
        (false, r)
    } else {
        return None;
    };
    let list = &list[..list.find(']')?];
    let mut rules = Vec::new();
    for item in list.split(',') {
        let trimmed = item.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = item.len() - item.trim_start().len();
        let start = offset_of(&item[lead..]);
        rules.push((
            trimmed.to_string(),
            TextRange::at(start, TextSize::of(trimmed)),
        ));
    }
    let start = usize::from(range.start());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let own_line = text[line_start..start].trim().is_empty();
    let pos = index.line_col(text, range.start(), crate::syntax::ColumnUnit::Utf8);
    let line = match (file_wide, own_line) {
        (true, _) => None,
        (false, true) => Some(pos.line + 1),
        (false, false) => Some(pos.line),
    };
    // Delete the whole line for a comment on its own line, else the comment and the spaces
    // before it.
    let removal = if own_line {
        let end = text[usize::from(range.end())..]
            .find('\n')
            .map_or(text.len(), |i| usize::from(range.end()) + i + 1);
        TextRange::new(
            TextSize::from(line_start as u32),
            TextSize::from(end as u32),
        )
    } else {
        let before = text[..start].trim_end_matches([' ', '\t']).len();
        TextRange::new(TextSize::from(before as u32), range.end())
    };
    let used = vec![false; rules.len()];
    Some(Suppression {
        line,
        rules,
        removal,
        used,
    })
}

/// The range that removes item `i` of a comma-separated list, with one adjacent comma.
fn list_item_removal(rules: &[(String, TextRange)], i: usize) -> TextRange {
    let range = rules[i].1;
    if let Some(next) = rules.get(i + 1) {
        TextRange::new(range.start(), next.1.start())
    } else if i > 0 {
        TextRange::new(rules[i - 1].1.end(), range.end())
    } else {
        range
    }
}
