//! What the editor features say about options: the segments that may follow a path, and the
//! text of an option's documentation (type, default, description, where it is declared).

use std::collections::BTreeMap;

use crate::db::{self, Db};
use crate::options::index::{merged_type, OptionIndex};
use crate::options::{OptionDecl, RenameDecl};
use crate::settings::JETPACK_NAMESPACES;
use rowan::TextRange;

/// One segment that may follow a path.
pub(crate) struct Child<'a> {
    /// The declarations of the option this segment ends in (empty for a group).
    pub decls: Vec<&'a OptionDecl>,
    /// How many options lie below it.
    pub below: usize,
}

/// Whether `path` lies in (or is) a jetpack namespace.
pub(crate) fn in_namespace(path: &[String]) -> bool {
    JETPACK_NAMESPACES
        .iter()
        .any(|ns| path.len() >= ns.len() && path.iter().zip(ns.iter()).all(|(a, b)| a == b))
}

/// The segments that may follow `path`: the next segment of the jetpack namespaces while the
/// path leads into one, the index's options below it once inside. Internal and invisible
/// options are left out, as are element names of `attrsOf` options (`*`).
pub(crate) fn children<'a>(index: &'a OptionIndex, path: &[String]) -> BTreeMap<String, Child<'a>> {
    let mut out: BTreeMap<String, Child<'a>> = BTreeMap::new();
    if !in_namespace(path) {
        for ns in JETPACK_NAMESPACES {
            let leads = ns.len() > path.len() && path.iter().zip(ns.iter()).all(|(a, b)| a == b);
            if leads && index.has_namespace(ns) {
                let below = index
                    .options
                    .iter()
                    .filter(|d| visible(d) && d.path.len() > ns.len())
                    .filter(|d| d.path.iter().zip(ns.iter()).all(|(a, b)| a == b))
                    .count();
                let entry = out.entry(ns[path.len()].to_string()).or_insert(Child {
                    decls: Vec::new(),
                    below: 0,
                });
                entry.below += below;
            }
        }
        return out;
    }
    for decl in &index.options {
        if decl.path.len() <= path.len() || !visible(decl) {
            continue;
        }
        let matches = decl.path.iter().zip(path).all(|(d, p)| d == p || d == "*");
        if !matches {
            continue;
        }
        let next = &decl.path[path.len()];
        if next == "*" {
            continue;
        }
        let entry = out.entry(next.clone()).or_insert(Child {
            decls: Vec::new(),
            below: 0,
        });
        if decl.path.len() == path.len() + 1 {
            entry.decls.push(decl);
        } else {
            entry.below += 1;
        }
    }
    out
}

fn visible(decl: &OptionDecl) -> bool {
    !decl.internal && decl.visible != Some(false)
}

/// The option's type and default on one line.
pub(crate) fn detail(decls: &[&OptionDecl]) -> String {
    let ty = merged_type(decls);
    match decls.iter().find_map(|d| default_text(d)) {
        Some(default) => format!("{ty} (default: {})", one_line(&default, 40)),
        None => ty.to_string(),
    }
}

/// Whitespace collapsed, cut at `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

fn default_text(decl: &OptionDecl) -> Option<String> {
    decl.default_text
        .clone()
        .or_else(|| decl.default.as_ref().map(|d| d.to_string()))
}

/// Where a declaration is, for people: `modules/default.nix:101`, relative to the source when
/// it lies in it; the line when the text is known (bundled lines, or a file of the workspace).
pub(crate) fn declared_at(db: &dyn Db, index: &OptionIndex, decl: &OptionDecl) -> String {
    let position = index.options.iter().position(|d| std::ptr::eq(d, decl));
    let source_line = position
        .filter(|&i| i < index.from_source)
        .and_then(|i| index.source_lines.get(i).copied().flatten());
    place_text(db, index, &decl.file, decl.range, source_line)
}

/// Where a rename is declared, as [`declared_at`] says it.
pub(crate) fn rename_declared_at(db: &dyn Db, index: &OptionIndex, rename: &RenameDecl) -> String {
    let source_line = index
        .renames
        .iter()
        .position(|r| std::ptr::eq(r, rename))
        .and_then(|i| index.source_rename_lines.get(i).copied().flatten());
    place_text(db, index, &rename.file, rename.range, source_line)
}

fn place_text(
    db: &dyn Db,
    index: &OptionIndex,
    file: &str,
    range: TextRange,
    known_line: Option<u32>,
) -> String {
    let line =
        known_line.or_else(|| db::line_col_of(db, file, range.start()).map(|(line, _)| line));
    let shown = index
        .source
        .path
        .as_deref()
        .and_then(|root| crate::paths::strip_dir(file, root))
        .unwrap_or(file);
    match line {
        Some(line) => format!("{shown}:{line}"),
        None => shown.to_string(),
    }
}

/// Markdown for an option: its path, type, default, description and declarations.
pub(crate) fn option_markdown(
    db: &dyn Db,
    index: &OptionIndex,
    path: &str,
    decls: &[&OptionDecl],
) -> String {
    let mut md = format!("**{path}**\n\n");
    md.push_str(&documentation(db, index, decls, true));
    md
}

/// The body of an option's documentation: type and default (unless the completion item's
/// detail already says them), the description, and where it is declared.
pub(crate) fn documentation(
    db: &dyn Db,
    index: &OptionIndex,
    decls: &[&OptionDecl],
    with_type: bool,
) -> String {
    let mut md = String::new();
    if with_type {
        let ty = merged_type(decls);
        md.push_str(&format!("*Type:* {ty}\n\n"));
        if let Some(default) = decls.iter().find_map(|d| default_text(d)) {
            md.push_str(&format!("*Default:* `{default}`\n\n"));
        }
    }
    if let Some(description) = decls.iter().find_map(|d| d.description.as_deref()) {
        md.push_str(description.trim());
        md.push_str("\n\n");
    }
    if let Some(example) = decls.iter().find_map(|d| d.example.as_deref()) {
        md.push_str(&format!("*Example:* `{example}`\n\n"));
    }
    let places: Vec<String> = decls
        .iter()
        .map(|d| format!("`{}`", declared_at(db, index, d)))
        .collect();
    md.push_str(&format!(
        "*Declared in* {} of {}",
        places.join(", "),
        index.source.describe()
    ));
    md
}

/// A path segment as Nix needs it written in a key.
pub(crate) fn key_text(segment: &str) -> String {
    let plain = segment
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && segment.bytes().all(super::context::is_ident_byte)
        && !matches!(
            segment,
            "if" | "then" | "else" | "assert" | "with" | "let" | "in" | "rec" | "inherit" | "or"
        );
    if plain {
        segment.to_string()
    } else {
        nix_string(segment)
    }
}

/// A Nix string literal holding `s`.
pub(crate) fn nix_string(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
