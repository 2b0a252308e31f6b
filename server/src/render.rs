//! The output formats of `flakelint check`: `full` and `concise` for people, `json`, `github`
//! and `sarif` for machines. Renderers only read a finished `Report` and write; they never fail
//! on odd positions (a range outside its file just loses its code frame).

use std::collections::BTreeMap;
use std::io::{self, Write};

use analysis::diagnostic::Severity;
use analysis::lints::Rule;
use serde::Serialize;

use crate::report::{OutputDiagnostic, OutputEdit, Pos, Report};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Full,
    Concise,
    Json,
    Github,
    Sarif,
}

/// Writes `report` in `format`. `color` only affects `full` and `concise`: machine formats never
/// carry ANSI codes.
pub fn render(report: &Report, format: Format, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let style = Style { color };
    match format {
        Format::Full => render_full(report, style, out),
        Format::Concise => render_concise(report, style, out),
        Format::Json => render_json(report, out),
        Format::Github => render_github(report, out),
        Format::Sarif => render_sarif(report, out),
    }
}

// ---------------------------------------------------------------------------------------------
// Terminal formats

/// Wraps text in ANSI codes when colour is on, and is the identity otherwise.
#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

const BOLD: &str = "1";
const DIM: &str = "2";
const GUTTER: &str = "1;34";

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn severity_code(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;34",
    }
}

fn write_header(out: &mut dyn Write, diag: &OutputDiagnostic, style: Style) -> io::Result<()> {
    let location = format!("{}:{}:{}:", diag.file, diag.start.line, diag.start.column);
    writeln!(
        out,
        "{} {}{} {}",
        style.paint(BOLD, &location),
        style.paint(severity_code(diag.severity), diag.severity.as_str()),
        style.paint(DIM, &format!("[{}]", diag.rule)),
        diag.message
    )
}

fn render_concise(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    for diag in &report.diagnostics {
        write_header(out, diag, style)?;
    }
    write_summary(report, style, out)
}

fn render_full(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    // Split each source once, however many findings it has.
    let mut lines_by_file: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for diag in &report.diagnostics {
        write_header(out, diag, style)?;
        let lines = report.sources.get(&diag.file).map(|source| {
            lines_by_file
                .entry(diag.file.as_str())
                .or_insert_with(|| source.split('\n').collect())
        });
        let frame = lines.and_then(|lines| CodeFrame::new(lines, diag));
        let gutter = match &frame {
            Some(frame) => {
                frame.write(out, style, diag.severity)?;
                frame.gutter_width
            }
            None => 1,
        };
        if let Some(fix) = &diag.fix {
            writeln!(
                out,
                "{}{} {}",
                " ".repeat(gutter + 1),
                style.paint(BOLD, "= help:"),
                fix.message
            )?;
        }
        writeln!(out)?;
    }
    write_summary(report, style, out)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn write_summary(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let counts = Counts::of(report);
    let files = plural(report.files_checked, "file");
    let total = report.diagnostics.len();
    let line = if total == 0 {
        format!("No problems found in {files}.")
    } else {
        let parts: Vec<String> = [
            (counts.errors, "error"),
            (counts.warnings, "warning"),
            (counts.infos, "info"),
        ]
        .into_iter()
        .filter(|&(n, _)| n > 0)
        .map(|(n, word)| plural(n, word))
        .collect();
        format!(
            "Found {} ({}) in {files}.",
            plural(total, "problem"),
            parts.join(", ")
        )
    };
    writeln!(out, "{}", style.paint(BOLD, &line))?;
    let fixable = report
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some() && crate::check::fixable_by_cli(d.rule))
        .count();
    if fixable > 0 {
        writeln!(out, "{fixable} fixable with --fix.")?;
    }
    Ok(())
}

#[derive(Default)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Counts {
    fn of(report: &Report) -> Counts {
        let mut counts = Counts::default();
        for diag in &report.diagnostics {
            match diag.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Info => counts.infos += 1,
            }
        }
        counts
    }
}

/// Lines longer than this many characters are shown as a window around the range.
const MAX_LINE_CHARS: usize = 200;
/// How many characters such a window shows.
const WINDOW_CHARS: usize = 160;
/// How many of them come before the start of the underline.
const WINDOW_LEAD: usize = 40;
/// Ranges over more lines than this show their first two lines and their last one.
const MAX_RANGE_LINES: usize = 4;
/// Tabs are shown as this many spaces so that carets below them line up.
const TAB_WIDTH: usize = 4;

/// The source excerpt under a `full` header: the line before the range, the range's lines, and
/// carets under the range.
struct CodeFrame<'a> {
    gutter_width: usize,
    rows: Vec<FrameRow<'a>>,
}

enum FrameRow<'a> {
    /// A source line (1-based number) and the characters to underline, as `start..end` char
    /// indices into the line; `None` for context.
    Source {
        number: usize,
        text: &'a str,
        underline: Option<(usize, usize)>,
    },
    /// Stands for range lines left out of a long range.
    Elision,
}

impl<'a> CodeFrame<'a> {
    fn new(lines: &[&'a str], diag: &OutputDiagnostic) -> Option<CodeFrame<'a>> {
        let line_count = lines.len();
        let first = usize::try_from(diag.start.line).ok()?;
        if first == 0 || first > line_count {
            return None;
        }
        let text_of = |number: usize| -> &'a str {
            let line = lines[number - 1];
            line.strip_suffix('\r').unwrap_or(line)
        };
        let col = |pos: Pos| usize::try_from(pos.column).unwrap_or(usize::MAX).max(1) - 1;

        let start_col = col(diag.start);
        let (mut last, mut end_col) = if diag.end <= diag.start {
            (first, start_col)
        } else {
            let last = usize::try_from(diag.end.line).unwrap_or(usize::MAX);
            if last > line_count {
                (line_count, usize::MAX)
            } else {
                (last, col(diag.end))
            }
        };
        // A range ending right after a newline ends, for the reader, at the end of that line.
        if last > first && end_col == 0 {
            last -= 1;
            end_col = usize::MAX;
        }

        let mut rows = Vec::new();
        if first > 1 {
            rows.push(FrameRow::Source {
                number: first - 1,
                text: text_of(first - 1),
                underline: None,
            });
        }
        for number in first..=last {
            let span = last - first + 1;
            if span > MAX_RANGE_LINES && number > first + 1 && number < last {
                if number == first + 2 {
                    rows.push(FrameRow::Elision);
                }
                continue;
            }
            let text = text_of(number);
            let len = text.chars().count();
            let indent = text.chars().take_while(|c| c.is_whitespace()).count();
            let underline = if first == last {
                let start = start_col.min(len);
                let end = end_col.min(len).max(start + 1);
                Some((start, end))
            } else if number == first {
                let start = start_col.min(len);
                Some((start, len.max(start + 1)))
            } else if number == last {
                let end = end_col.min(len);
                let start = if indent < end { indent } else { 0 };
                (end > start).then_some((start, end))
            } else {
                (indent < len).then_some((indent, len))
            };
            rows.push(FrameRow::Source {
                number,
                text,
                underline,
            });
        }
        Some(CodeFrame {
            gutter_width: last.to_string().len(),
            rows,
        })
    }

    fn write(&self, out: &mut dyn Write, style: Style, severity: Severity) -> io::Result<()> {
        let width = self.gutter_width;
        let empty_gutter = style.paint(GUTTER, &format!("{:width$} |", ""));
        writeln!(out, "{empty_gutter}")?;
        // Context lines are cut at the same place as the first range line, to stay aligned.
        let focus = self
            .rows
            .iter()
            .find_map(|row| match row {
                FrameRow::Source {
                    underline: Some((start, _)),
                    ..
                } => Some(*start),
                _ => None,
            })
            .unwrap_or(0);
        for row in &self.rows {
            match row {
                FrameRow::Elision => writeln!(out, "{}", style.paint(GUTTER, "..."))?,
                FrameRow::Source {
                    number,
                    text,
                    underline,
                } => {
                    let shown = ShownLine::new(text, underline.map_or(focus, |(start, _)| start));
                    let gutter = style.paint(GUTTER, &format!("{number:>width$} |"));
                    if shown.text.is_empty() {
                        writeln!(out, "{gutter}")?;
                    } else {
                        writeln!(out, "{gutter} {}", shown.text)?;
                    }
                    if let Some((start, end)) = underline {
                        let (from, to) = shown.columns(*start, *end);
                        let carets = "^".repeat(to.saturating_sub(from).max(1));
                        writeln!(
                            out,
                            "{empty_gutter} {}{}",
                            " ".repeat(from),
                            style.paint(severity_code(severity), &carets)
                        )?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A source line as printed: tabs expanded, control characters made visible, long lines cut,
/// with the display column of every character boundary so that carets can be placed under it.
struct ShownLine {
    text: String,
    /// Characters of the original line before the first one shown.
    begin: usize,
    /// `columns[i]` is the display column where the `begin + i`-th character starts; the last
    /// entry is where the shown part ends.
    columns: Vec<usize>,
}

impl ShownLine {
    fn new(line: &str, focus: usize) -> ShownLine {
        let len = line.chars().count();
        let (begin, end) = if len > MAX_LINE_CHARS {
            let end = (focus.saturating_sub(WINDOW_LEAD) + WINDOW_CHARS).min(len);
            (end.saturating_sub(WINDOW_CHARS), end)
        } else {
            (0, len)
        };
        let mut text = String::new();
        let mut column = 0;
        if begin > 0 {
            text.push('…');
            column += 1;
        }
        let mut columns = Vec::with_capacity(end - begin + 1);
        for c in line.chars().skip(begin).take(end - begin) {
            columns.push(column);
            match c {
                '\t' => {
                    text.push_str(&" ".repeat(TAB_WIDTH));
                    column += TAB_WIDTH;
                }
                // Control characters would move the cursor or change the terminal's state.
                '\0'..='\x1f' => {
                    text.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'));
                    column += 1;
                }
                '\x7f' => {
                    text.push('\u{2421}');
                    column += 1;
                }
                _ => {
                    text.push(c);
                    column += char_width(c);
                }
            }
        }
        columns.push(column);
        if end < len {
            text.push('…');
        }
        ShownLine {
            text,
            begin,
            columns,
        }
    }

    /// The display columns under which the characters `start..end` of the original line are,
    /// clipped to the shown part; `start == end` is a point.
    fn columns(&self, start: usize, end: usize) -> (usize, usize) {
        let last = self.columns.len() - 1;
        let at = |i: usize| self.columns[i.saturating_sub(self.begin).min(last)];
        (at(start), at(end))
    }
}

/// How many terminal columns a character takes: 0 for combining marks and zero-width
/// characters, 2 for East Asian wide characters and emoji, 1 otherwise. An approximation of
/// Unicode's East Asian Width that covers what appears in Nix files.
fn char_width(c: char) -> usize {
    let c = c as u32;
    let zero = [
        (0x0300, 0x036f),
        (0x0483, 0x0489),
        (0x0591, 0x05bd),
        (0x0610, 0x061a),
        (0x064b, 0x065f),
        (0x1ab0, 0x1aff),
        (0x1dc0, 0x1dff),
        (0x200b, 0x200f),
        (0x202a, 0x202e),
        (0x2060, 0x2064),
        (0x20d0, 0x20ff),
        (0xfe00, 0xfe0f),
        (0xfe20, 0xfe2f),
        (0xfeff, 0xfeff),
        (0xe0100, 0xe01ef),
    ];
    let wide = [
        (0x1100, 0x115f),
        (0x231a, 0x231b),
        (0x2329, 0x232a),
        (0x23e9, 0x23ec),
        (0x25fd, 0x25fe),
        (0x2614, 0x2615),
        (0x2648, 0x2653),
        (0x26a1, 0x26a1),
        (0x26aa, 0x26ab),
        (0x26bd, 0x26be),
        (0x26c4, 0x26c5),
        (0x26d4, 0x26d4),
        (0x26ea, 0x26ea),
        (0x26f2, 0x26f5),
        (0x26fa, 0x26fd),
        (0x2705, 0x2705),
        (0x270a, 0x270b),
        (0x2728, 0x2728),
        (0x274c, 0x274c),
        (0x2753, 0x2755),
        (0x2757, 0x2757),
        (0x2795, 0x2797),
        (0x27b0, 0x27b0),
        (0x27bf, 0x27bf),
        (0x2b1b, 0x2b1c),
        (0x2b50, 0x2b50),
        (0x2b55, 0x2b55),
        (0x2e80, 0x303e),
        (0x3041, 0x33ff),
        (0x3400, 0x4dbf),
        (0x4e00, 0x9fff),
        (0xa000, 0xa4cf),
        (0xa960, 0xa97f),
        (0xac00, 0xd7a3),
        (0xf900, 0xfaff),
        (0xfe10, 0xfe19),
        (0xfe30, 0xfe6f),
        (0xff00, 0xff60),
        (0xffe0, 0xffe6),
        (0x16fe0, 0x18aff),
        (0x1b000, 0x1b2ff),
        (0x1f004, 0x1f004),
        (0x1f0cf, 0x1f0cf),
        (0x1f18e, 0x1f18e),
        (0x1f191, 0x1f19a),
        (0x1f200, 0x1f2ff),
        (0x1f300, 0x1f64f),
        (0x1f680, 0x1f6ff),
        (0x1f7e0, 0x1f7eb),
        (0x1f90c, 0x1f9ff),
        (0x1fa70, 0x1faff),
        (0x20000, 0x2fffd),
        (0x30000, 0x3fffd),
    ];
    let within = |ranges: &[(u32, u32)]| ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c));
    if within(&zero) {
        0
    } else if within(&wide) {
        2
    } else {
        1
    }
}

// ---------------------------------------------------------------------------------------------
// JSON (SPEC §2)

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    range: JsonRange,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonRange {
    start: JsonPos,
    end: JsonPos,
}

#[derive(Serialize)]
struct JsonPos {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    range: JsonRange,
    new_text: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl JsonRange {
    fn new(start: Pos, end: Pos) -> JsonRange {
        let pos = |p: Pos| JsonPos {
            line: p.line,
            column: p.column,
        };
        JsonRange {
            start: pos(start),
            end: pos(end),
        }
    }
}

fn render_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let counts = Counts::of(report);
    let json = JsonReport {
        version: 1,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                rule: d.rule,
                severity: d.severity.as_str(),
                message: &d.message,
                file: &d.file,
                range: JsonRange::new(d.start, d.end),
                fix: d.fix.as_ref().map(|fix| JsonFix {
                    message: &fix.message,
                    edits: fix
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            file: &e.file,
                            range: JsonRange::new(e.start, e.end),
                            new_text: &e.new_text,
                        })
                        .collect(),
                }),
            })
            .collect(),
        summary: JsonSummary {
            files: report.files_checked,
            errors: counts.errors,
            warnings: counts.warnings,
            infos: counts.infos,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions workflow commands

/// Escapes a command's message as the Actions runner expects.
fn github_escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: like a message, plus the property separators.
fn github_escape_property(text: &str) -> String {
    github_escape_data(text)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

fn render_github(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for diag in &report.diagnostics {
        let command = match diag.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let file = github_escape_property(&diag.file);
        let title = github_escape_property(&format!("flakelint({})", diag.rule));
        let message = github_escape_data(&diag.message);
        let (start, end) = (diag.start, diag.end);
        // GitHub rejects columns on an annotation that spans several lines.
        if start.line == end.line {
            writeln!(
                out,
                "::{command} file={file},line={},col={},endLine={},endColumn={},title={title}::{message}",
                start.line, start.column, end.line, end.column
            )?;
        } else {
            writeln!(
                out,
                "::{command} file={file},line={},endLine={},title={title}::{message}",
                start.line, end.line
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// SARIF 2.1.0

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: SarifTool<'a>,
    /// Our columns count Unicode characters; SARIF's default would be UTF-16 code units.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct SarifTool<'a> {
    driver: SarifDriver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver<'a> {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<SarifRule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: SarifText<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<SarifText<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<SarifMarkdown<'a>>,
    default_configuration: SarifConfiguration,
}

#[derive(Serialize)]
struct SarifText<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct SarifMarkdown<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: SarifText<'a>,
    locations: [SarifLocation; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: SarifPhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysicalLocation {
    artifact_location: SarifArtifactLocation,
    region: SarifRegion,
}

#[derive(Serialize)]
struct SarifArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: SarifText<'a>,
    artifact_changes: Vec<SarifArtifactChange<'a>>,
}

#[derive(Serialize)]
struct SarifArtifactChange<'a> {
    #[serde(rename = "artifactLocation")]
    artifact_location: SarifArtifactLocation,
    replacements: Vec<SarifReplacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifReplacement<'a> {
    deleted_region: SarifRegion,
    inserted_content: SarifText<'a>,
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

impl SarifRegion {
    /// SARIF positions are 1-based; a zero from a broken report would make the log invalid.
    fn new(start: Pos, end: Pos) -> SarifRegion {
        SarifRegion {
            start_line: start.line.max(1),
            start_column: start.column.max(1),
            end_line: end.line.max(1),
            end_column: end.column.max(1),
        }
    }
}

/// Where the project lives, from the package metadata; `None` while Cargo.toml names nothing.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

fn render_sarif(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut rules: Vec<SarifRule<'_>> = Rule::ALL
        .iter()
        .map(|&rule| SarifRule {
            id: rule.name(),
            name: rule.name(),
            short_description: SarifText {
                text: rule.summary(),
            },
            full_description: Some(SarifText { text: rule.doc() }),
            help: Some(SarifMarkdown {
                text: rule.doc(),
                markdown: rule.doc(),
            }),
            default_configuration: SarifConfiguration {
                level: sarif_level(rule.default_severity()),
            },
        })
        .collect();

    let mut results = Vec::with_capacity(report.diagnostics.len());
    for diag in &report.diagnostics {
        let rule_index = match rules.iter().position(|r| r.id == diag.rule) {
            Some(index) => index,
            // Not in the registry: still give it a descriptor so that the log stays valid.
            None => {
                rules.push(SarifRule {
                    id: diag.rule,
                    name: diag.rule,
                    short_description: SarifText { text: diag.rule },
                    full_description: None,
                    help: None,
                    default_configuration: SarifConfiguration {
                        level: sarif_level(diag.severity),
                    },
                });
                rules.len() - 1
            }
        };
        let fixes = diag
            .fix
            .iter()
            .map(|fix| SarifFix {
                description: SarifText { text: &fix.message },
                artifact_changes: sarif_changes(&fix.edits),
            })
            .collect();
        results.push(SarifResult {
            rule_id: diag.rule,
            rule_index,
            level: sarif_level(diag.severity),
            message: SarifText {
                text: &diag.message,
            },
            locations: [SarifLocation {
                physical_location: SarifPhysicalLocation {
                    artifact_location: SarifArtifactLocation {
                        uri: artifact_uri(&diag.file),
                    },
                    region: SarifRegion::new(diag.start, diag.end),
                },
            }],
            fixes,
        });
    }

    let log = SarifLog {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "flakelint",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// Groups a fix's edits by file, in the order the files first appear.
fn sarif_changes<'a>(edits: &'a [OutputEdit]) -> Vec<SarifArtifactChange<'a>> {
    let mut changes: Vec<(&str, SarifArtifactChange<'a>)> = Vec::new();
    for edit in edits {
        let replacement = SarifReplacement {
            deleted_region: SarifRegion::new(edit.start, edit.end),
            inserted_content: SarifText {
                text: &edit.new_text,
            },
        };
        match changes.iter_mut().find(|(file, _)| *file == edit.file) {
            Some((_, change)) => change.replacements.push(replacement),
            None => changes.push((
                &edit.file,
                SarifArtifactChange {
                    artifact_location: SarifArtifactLocation {
                        uri: artifact_uri(&edit.file),
                    },
                    replacements: vec![replacement],
                },
            )),
        }
    }
    changes.into_iter().map(|(_, change)| change).collect()
}

/// A display path as a URI reference: relative paths stay relative (GitHub resolves them against
/// the repository root), absolute ones become `file://` URIs; everything outside the unreserved
/// characters and `/` is percent-encoded.
fn artifact_uri(path: &str) -> String {
    let path = if std::path::MAIN_SEPARATOR == '\\' {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    let bytes = path.as_bytes();
    let has_drive = bytes.len() >= 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes.len() == 2 || bytes[2] == b'/');
    if has_drive {
        format!("file:///{}:{}", &path[..1], percent_encode(&path[2..]))
    } else if path.starts_with('/') {
        format!("file://{}", percent_encode(&path))
    } else {
        percent_encode(&path)
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use expect_test::{expect, Expect};
    use serde_json::Value;

    use super::*;
    use crate::report::OutputFix;

    const FLAKE: &str = r#"{
  description = "Jetson board";
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
    jetpack.url = "github:anduril/jetpack-nixos";
  };
  outputs = { self, nixpkgs, jetpack }: {
    packages.x86_64_linux.default =
      nixpkgs.legacyPackages.x86_64-linux.hello;
  };
}
"#;

    const JETSON: &str = "{ jetpack, ... }:
{
  nixpkgs.overlays = [
    jetpack.overlays.default
    jetpack.overlays.default
  ];
\tnetworking.hostName = \"日本-jétson\"; # flakelint: ignore[]
}
";

    fn pos(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }

    fn diagnostic(
        rule: &'static str,
        severity: Severity,
        message: &str,
        file: &str,
        start: Pos,
        end: Pos,
    ) -> OutputDiagnostic {
        OutputDiagnostic {
            rule,
            severity,
            message: message.to_string(),
            file: file.to_string(),
            start,
            end,
            fix: None,
        }
    }

    /// An error with a fix, a warning over two lines, and an info at an empty range after a tab
    /// and wide and accented characters, in two files.
    fn sample_report() -> Report {
        let mut system = diagnostic(
            "invalid-system",
            Severity::Error,
            "`x86_64_linux` is not a Nix system",
            "flake.nix",
            pos(8, 14),
            pos(8, 26),
        );
        system.fix = Some(OutputFix {
            message: "replace with `x86_64-linux`".to_string(),
            edits: vec![OutputEdit {
                file: "flake.nix".to_string(),
                start: pos(8, 14),
                end: pos(8, 26),
                new_text: "x86_64-linux".to_string(),
            }],
        });
        let overlay = diagnostic(
            "double-overlay",
            Severity::Warning,
            "the overlay `jetpack.overlays.default` reaches this configuration's nixpkgs twice",
            "modules/jetson.nix",
            pos(4, 5),
            pos(5, 29),
        );
        let suppression = diagnostic(
            "unused-suppression",
            Severity::Info,
            "`ignore[]` names no rule",
            "modules/jetson.nix",
            pos(7, 57),
            pos(7, 57),
        );
        Report {
            files_checked: 4,
            diagnostics: vec![system, overlay, suppression],
            sources: [("flake.nix", FLAKE), ("modules/jetson.nix", JETSON)]
                .into_iter()
                .map(|(file, text)| (file.to_string(), Arc::from(text)))
                .collect(),
        }
    }

    fn rendered(report: &Report, format: Format, color: bool) -> String {
        let mut out = Vec::new();
        render(report, format, color, &mut out).expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("renderers write UTF-8")
    }

    fn check(report: &Report, format: Format, expect: Expect) {
        expect.assert_eq(&rendered(report, format, false));
    }

    #[test]
    fn full() {
        check(
            &sample_report(),
            Format::Full,
            expect![[r#"
            flake.nix:8:14: error[invalid-system] `x86_64_linux` is not a Nix system
              |
            7 |   outputs = { self, nixpkgs, jetpack }: {
            8 |     packages.x86_64_linux.default =
              |              ^^^^^^^^^^^^
              = help: replace with `x86_64-linux`

            modules/jetson.nix:4:5: warning[double-overlay] the overlay `jetpack.overlays.default` reaches this configuration's nixpkgs twice
              |
            3 |   nixpkgs.overlays = [
            4 |     jetpack.overlays.default
              |     ^^^^^^^^^^^^^^^^^^^^^^^^
            5 |     jetpack.overlays.default
              |     ^^^^^^^^^^^^^^^^^^^^^^^^

            modules/jetson.nix:7:57: info[unused-suppression] `ignore[]` names no rule
              |
            6 |   ];
            7 |     networking.hostName = "日本-jétson"; # flakelint: ignore[]
              |                                                              ^

            Found 3 problems (1 error, 1 warning, 1 info) in 4 files.
            1 fixable with --fix.
        "#]],
        );
    }

    #[test]
    fn concise() {
        check(
            &sample_report(),
            Format::Concise,
            expect![[r#"
            flake.nix:8:14: error[invalid-system] `x86_64_linux` is not a Nix system
            modules/jetson.nix:4:5: warning[double-overlay] the overlay `jetpack.overlays.default` reaches this configuration's nixpkgs twice
            modules/jetson.nix:7:57: info[unused-suppression] `ignore[]` names no rule
            Found 3 problems (1 error, 1 warning, 1 info) in 4 files.
            1 fixable with --fix.
        "#]],
        );
    }

    #[test]
    fn json() {
        check(
            &sample_report(),
            Format::Json,
            expect![[r#"
            {
              "version": 1,
              "diagnostics": [
                {
                  "rule": "invalid-system",
                  "severity": "error",
                  "message": "`x86_64_linux` is not a Nix system",
                  "file": "flake.nix",
                  "range": {
                    "start": {
                      "line": 8,
                      "column": 14
                    },
                    "end": {
                      "line": 8,
                      "column": 26
                    }
                  },
                  "fix": {
                    "message": "replace with `x86_64-linux`",
                    "edits": [
                      {
                        "file": "flake.nix",
                        "range": {
                          "start": {
                            "line": 8,
                            "column": 14
                          },
                          "end": {
                            "line": 8,
                            "column": 26
                          }
                        },
                        "new_text": "x86_64-linux"
                      }
                    ]
                  }
                },
                {
                  "rule": "double-overlay",
                  "severity": "warning",
                  "message": "the overlay `jetpack.overlays.default` reaches this configuration's nixpkgs twice",
                  "file": "modules/jetson.nix",
                  "range": {
                    "start": {
                      "line": 4,
                      "column": 5
                    },
                    "end": {
                      "line": 5,
                      "column": 29
                    }
                  },
                  "fix": null
                },
                {
                  "rule": "unused-suppression",
                  "severity": "info",
                  "message": "`ignore[]` names no rule",
                  "file": "modules/jetson.nix",
                  "range": {
                    "start": {
                      "line": 7,
                      "column": 57
                    },
                    "end": {
                      "line": 7,
                      "column": 57
                    }
                  },
                  "fix": null
                }
              ],
              "summary": {
                "files": 4,
                "errors": 1,
                "warnings": 1,
                "infos": 1
              }
            }
        "#]],
        );
    }

    #[test]
    fn github() {
        check(
            &sample_report(),
            Format::Github,
            expect![[r#"
            ::error file=flake.nix,line=8,col=14,endLine=8,endColumn=26,title=flakelint(invalid-system)::`x86_64_linux` is not a Nix system
            ::warning file=modules/jetson.nix,line=4,endLine=5,title=flakelint(double-overlay)::the overlay `jetpack.overlays.default` reaches this configuration's nixpkgs twice
            ::notice file=modules/jetson.nix,line=7,col=57,endLine=7,endColumn=57,title=flakelint(unused-suppression)::`ignore[]` names no rule
        "#]],
        );
    }

    /// Where the pretty-printed JSON value opening at the end of line `first` closes: the next
    /// line at the same indentation.
    fn block_end(lines: &[&str], first: usize) -> usize {
        let indent = |line: &str| line.len() - line.trim_start().len();
        (first + 1..lines.len())
            .find(|&i| {
                indent(lines[i]) == indent(lines[first])
                    && lines[i].trim_start().starts_with([']', '}'])
            })
            .expect("a pretty-printed block closes")
    }

    /// The SARIF log as printed, with the rule table, rule indices and version left out: those
    /// change with every rule and release, and `sarif_is_valid_2_1_0` checks them instead.
    #[test]
    fn sarif() {
        let text = rendered(&sample_report(), Format::Sarif, false);
        let lines: Vec<&str> = text.lines().collect();
        let rules = lines
            .iter()
            .position(|line| line.trim_start() == "\"rules\": [")
            .expect("a rule table");
        let end = block_end(&lines, rules);
        let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
        let mut normalized = String::new();
        for (i, line) in lines.iter().enumerate() {
            let line = if i == rules {
                line.replace('[', "\"<Rule::ALL, then unregistered rules>\"")
            } else if i > rules && i <= end {
                continue;
            } else if let Some((key, _)) = line.split_once("\"ruleIndex\": ") {
                format!("{key}\"ruleIndex\": <index>,")
            } else {
                line.replace(&version, "\"version\": <CARGO_PKG_VERSION>")
            };
            normalized.push_str(&line);
            normalized.push('\n');
        }
        expect![[r#"
            {
              "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
              "version": "2.1.0",
              "runs": [
                {
                  "tool": {
                    "driver": {
                      "name": "flakelint",
                      "version": <CARGO_PKG_VERSION>,
                      "rules": "<Rule::ALL, then unregistered rules>"
                    }
                  },
                  "columnKind": "unicodeCodePoints",
                  "results": [
                    {
                      "ruleId": "invalid-system",
                      "ruleIndex": <index>,
                      "level": "error",
                      "message": {
                        "text": "`x86_64_linux` is not a Nix system"
                      },
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "flake.nix"
                            },
                            "region": {
                              "startLine": 8,
                              "startColumn": 14,
                              "endLine": 8,
                              "endColumn": 26
                            }
                          }
                        }
                      ],
                      "fixes": [
                        {
                          "description": {
                            "text": "replace with `x86_64-linux`"
                          },
                          "artifactChanges": [
                            {
                              "artifactLocation": {
                                "uri": "flake.nix"
                              },
                              "replacements": [
                                {
                                  "deletedRegion": {
                                    "startLine": 8,
                                    "startColumn": 14,
                                    "endLine": 8,
                                    "endColumn": 26
                                  },
                                  "insertedContent": {
                                    "text": "x86_64-linux"
                                  }
                                }
                              ]
                            }
                          ]
                        }
                      ]
                    },
                    {
                      "ruleId": "double-overlay",
                      "ruleIndex": <index>,
                      "level": "warning",
                      "message": {
                        "text": "the overlay `jetpack.overlays.default` reaches this configuration's nixpkgs twice"
                      },
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "modules/jetson.nix"
                            },
                            "region": {
                              "startLine": 4,
                              "startColumn": 5,
                              "endLine": 5,
                              "endColumn": 29
                            }
                          }
                        }
                      ]
                    },
                    {
                      "ruleId": "unused-suppression",
                      "ruleIndex": <index>,
                      "level": "note",
                      "message": {
                        "text": "`ignore[]` names no rule"
                      },
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "modules/jetson.nix"
                            },
                            "region": {
                              "startLine": 7,
                              "startColumn": 57,
                              "endLine": 7,
                              "endColumn": 57
                            }
                          }
                        }
                      ]
                    }
                  ]
                }
              ]
            }
        "#]].assert_eq(&normalized);
    }

    /// The first rule of the table, with its texts left out (they belong to the rule).
    #[test]
    fn sarif_rule_descriptor() {
        let text = rendered(&Report::default(), Format::Sarif, false);
        let lines: Vec<&str> = text.lines().collect();
        let first = 1 + lines
            .iter()
            .position(|line| line.trim_start() == "\"rules\": [")
            .expect("a rule table");
        let rule = Rule::ALL[0];
        let json = |text: &str| serde_json::to_string(text).unwrap();
        let indent = lines[first].len() - lines[first].trim_start().len();
        let descriptor = lines[first..=block_end(&lines, first)]
            .iter()
            .map(|line| line.get(indent..).unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
            .replace(&json(rule.doc()), "<Rule::doc>")
            .replace(&json(rule.summary()), "<Rule::summary>");
        expect![[r#"
            {
              "id": "syntax-error",
              "name": "syntax-error",
              "shortDescription": {
                "text": <Rule::summary>
              },
              "fullDescription": {
                "text": <Rule::doc>
              },
              "help": {
                "text": <Rule::doc>,
                "markdown": <Rule::doc>
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },"#]]
        .assert_eq(&descriptor);
    }

    #[test]
    fn no_problems() {
        let report = Report {
            files_checked: 1,
            ..Report::default()
        };
        check(
            &report,
            Format::Full,
            expect![[r#"
            No problems found in 1 file.
        "#]],
        );
        check(
            &report,
            Format::Concise,
            expect![[r#"
            No problems found in 1 file.
        "#]],
        );
        check(
            &report,
            Format::Json,
            expect![[r#"
            {
              "version": 1,
              "diagnostics": [],
              "summary": {
                "files": 1,
                "errors": 0,
                "warnings": 0,
                "infos": 0
              }
            }
        "#]],
        );
        check(&report, Format::Github, expect![[""]]);
    }

    #[test]
    fn full_without_source_has_no_frame() {
        let mut report = sample_report();
        report.sources.clear();
        report.diagnostics.truncate(1);
        check(
            &report,
            Format::Full,
            expect![[r#"
            flake.nix:8:14: error[invalid-system] `x86_64_linux` is not a Nix system
              = help: replace with `x86_64-linux`

            Found 1 problem (1 error) in 4 files.
            1 fixable with --fix.
        "#]],
        );
    }

    #[test]
    fn full_cuts_long_lines_around_the_range() {
        let line = format!("  x = \"{}\" + {};", "a".repeat(300), "b".repeat(300));
        let start = u32::try_from(line.find('+').unwrap() + 1).unwrap();
        let report = Report {
            files_checked: 1,
            diagnostics: vec![diagnostic(
                "syntax-error",
                Severity::Error,
                "unexpected `+`",
                "long.nix",
                pos(2, start),
                pos(2, start + 1),
            )],
            sources: [(
                "long.nix".to_string(),
                Arc::from(format!("{{\n{line}\n}}\n")),
            )]
            .into_iter()
            .collect(),
        };
        check(
            &report,
            Format::Full,
            expect![[r#"
            long.nix:2:310: error[syntax-error] unexpected `+`
              |
            1 | {
            2 | …aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb…
              |                                          ^

            Found 1 problem (1 error) in 1 file.
        "#]],
        );
    }

    #[test]
    fn full_elides_the_middle_of_long_ranges() {
        let source: String = (1..=12).map(|i| format!("  line{i} = {i};\n")).collect();
        let report = Report {
            files_checked: 1,
            diagnostics: vec![diagnostic(
                "syntax-error",
                Severity::Warning,
                "a long range",
                "many.nix",
                pos(3, 3),
                pos(11, 1),
            )],
            sources: [("many.nix".to_string(), Arc::from(source))]
                .into_iter()
                .collect(),
        };
        check(
            &report,
            Format::Full,
            expect![[r#"
            many.nix:3:3: warning[syntax-error] a long range
               |
             2 |   line2 = 2;
             3 |   line3 = 3;
               |   ^^^^^^^^^^
             4 |   line4 = 4;
               |   ^^^^^^^^^^
            ...
            10 |   line10 = 10;
               |   ^^^^^^^^^^^^

            Found 1 problem (1 warning) in 1 file.
        "#]],
        );
    }

    #[test]
    fn positions_outside_the_source_do_not_panic() {
        let mut report = sample_report();
        for (i, (start, end)) in [
            (pos(0, 0), pos(0, 0)),
            (pos(99, 1), pos(100, 1)),
            (pos(8, 500), pos(8, 400)),
            (pos(10, 3), pos(u32::MAX, u32::MAX)),
        ]
        .into_iter()
        .enumerate()
        {
            report.diagnostics[i % 3].start = start;
            report.diagnostics[i % 3].end = end;
            for format in [Format::Full, Format::Concise, Format::Sarif, Format::Github] {
                rendered(&report, format, true);
            }
        }
    }

    #[test]
    fn color_only_when_asked() {
        let report = sample_report();
        for format in [Format::Full, Format::Concise] {
            let plain = rendered(&report, format, false);
            assert!(
                !plain.contains('\x1b'),
                "{format:?} without colour: {plain}"
            );
            let colored = rendered(&report, format, true);
            assert!(colored.contains("\x1b[1;31merror\x1b[0m"), "{format:?}");
            assert!(colored.contains("\x1b[1;33mwarning\x1b[0m"), "{format:?}");
            assert!(colored.contains("\x1b[1;34minfo\x1b[0m"), "{format:?}");
            assert!(
                colored.contains("\x1b[2m[invalid-system]\x1b[0m"),
                "{format:?}"
            );
        }
        for format in [Format::Json, Format::Github, Format::Sarif] {
            assert!(
                !rendered(&report, format, true).contains('\x1b'),
                "{format:?}"
            );
        }
    }

    fn github_unescape(text: &str) -> String {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    /// One workflow command read back: the command, its properties and its message.
    fn parse_github_line(line: &str) -> (String, BTreeMap<String, String>, String) {
        let rest = line.strip_prefix("::").expect("a command starts with ::");
        let (command, rest) = rest.split_once(' ').expect("properties follow the command");
        assert!(
            ["error", "warning", "notice"].contains(&command),
            "{command}"
        );
        let (properties, message) = rest.split_once("::").expect(":: ends the properties");
        let properties = properties
            .split(',')
            .map(|property| {
                let (key, value) = property.split_once('=').expect("key=value");
                (key.to_string(), github_unescape(value))
            })
            .collect();
        (command.to_string(), properties, github_unescape(message))
    }

    #[test]
    fn github_lines_parse_back() {
        let mut report = sample_report();
        let tricky = "100% sure: a, b\nand c\r";
        report.diagnostics[2].message = tricky.to_string();
        report.diagnostics[2].file = "dir,with:odd%name/x.nix".to_string();
        let text = rendered(&report, Format::Github, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), report.diagnostics.len(), "{text}");
        for (line, diag) in lines.iter().zip(&report.diagnostics) {
            let (command, properties, message) = parse_github_line(line);
            let expected_command = match diag.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            assert_eq!(command, expected_command);
            assert_eq!(message, diag.message);
            assert_eq!(properties["file"], diag.file);
            assert_eq!(properties["line"], diag.start.line.to_string());
            assert_eq!(properties["endLine"], diag.end.line.to_string());
            assert_eq!(properties["title"], format!("flakelint({})", diag.rule));
            if diag.start.line == diag.end.line {
                assert_eq!(properties["col"], diag.start.column.to_string());
                assert_eq!(properties["endColumn"], diag.end.column.to_string());
            } else {
                assert!(!properties.contains_key("col"));
                assert!(!properties.contains_key("endColumn"));
            }
        }
        assert_eq!(parse_github_line(lines[2]).2, tricky);
    }

    fn assert_region(region: &Value) {
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            let n = region[key]
                .as_u64()
                .unwrap_or_else(|| panic!("{key} in {region}"));
            assert!(n >= 1, "{key} in {region}");
        }
        assert!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64())
                <= (region["endLine"].as_u64(), region["endColumn"].as_u64()),
            "{region}"
        );
    }

    fn assert_level(level: &Value) {
        let level = level.as_str().expect("a level is a string");
        assert!(
            ["error", "warning", "note", "none"].contains(&level),
            "{level}"
        );
    }

    /// The properties SARIF 2.1.0 requires, and the cross-references GitHub code scanning relies
    /// on.
    #[test]
    fn sarif_is_valid_2_1_0() {
        let mut report = sample_report();
        // A rule of the registry next to the sample's names, whichever of them are registered.
        report.diagnostics.push(diagnostic(
            Rule::ALL[0].name(),
            Severity::Error,
            "unexpected end of file",
            "my dir/flake.nix",
            pos(1, 1),
            pos(1, 2),
        ));
        let text = rendered(&report, Format::Sarif, false);
        let log: Value = serde_json::from_str(&text).expect("SARIF output is JSON");

        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["$schema"], SARIF_SCHEMA);
        let runs = log["runs"].as_array().expect("runs is an array");
        assert_eq!(runs.len(), 1);
        let run = &runs[0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "flakelint");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

        let rules = driver["rules"].as_array().expect("rules is an array");
        let ids: Vec<&str> = rules
            .iter()
            .map(|rule| rule["id"].as_str().expect("a rule id is a string"))
            .collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "rule ids are unique: {ids:?}");
        for rule in rules {
            assert!(rule["shortDescription"]["text"].is_string(), "{rule}");
            assert_level(&rule["defaultConfiguration"]["level"]);
        }
        // Every registered rule, in registry order, with its documentation.
        for (i, rule) in Rule::ALL.iter().enumerate() {
            assert_eq!(rules[i]["id"], rule.name());
            assert_eq!(rules[i]["shortDescription"]["text"], rule.summary());
            assert_eq!(rules[i]["fullDescription"]["text"], rule.doc());
            assert_eq!(rules[i]["help"]["markdown"], rule.doc());
            assert_eq!(
                rules[i]["defaultConfiguration"]["level"],
                sarif_level(rule.default_severity())
            );
        }

        let results = run["results"].as_array().expect("results is an array");
        assert_eq!(results.len(), report.diagnostics.len());
        for (result, diag) in results.iter().zip(&report.diagnostics) {
            let rule_id = result["ruleId"].as_str().expect("ruleId is a string");
            assert_eq!(rule_id, diag.rule);
            let index = result["ruleIndex"]
                .as_u64()
                .expect("ruleIndex is an integer");
            assert_eq!(ids.get(index as usize), Some(&rule_id));
            assert_level(&result["level"]);
            assert!(result["message"]["text"].is_string(), "{result}");
            let location = &result["locations"][0]["physicalLocation"];
            let uri = location["artifactLocation"]["uri"].as_str().expect("a uri");
            assert!(!uri.contains(' ') && !uri.contains('\\'), "{uri}");
            assert_region(&location["region"]);
            match &diag.fix {
                None => assert!(result.get("fixes").is_none(), "{result}"),
                Some(fix) => {
                    let fixes = result["fixes"].as_array().expect("fixes is an array");
                    assert_eq!(fixes[0]["description"]["text"], fix.message.as_str());
                    let changes = fixes[0]["artifactChanges"].as_array().expect("changes");
                    assert!(!changes.is_empty());
                    for change in changes {
                        assert!(change["artifactLocation"]["uri"].is_string());
                        let replacements = change["replacements"].as_array().expect("array");
                        assert!(!replacements.is_empty());
                        for replacement in replacements {
                            assert_region(&replacement["deletedRegion"]);
                            assert!(replacement["insertedContent"]["text"].is_string());
                        }
                    }
                }
            }
        }
        let last = &results[results.len() - 1];
        assert_eq!(last["ruleIndex"], 0);
        assert_eq!(
            last["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "my%20dir/flake.nix"
        );
    }

    #[test]
    fn artifact_uris() {
        assert_eq!(artifact_uri("flake.nix"), "flake.nix");
        assert_eq!(artifact_uri("hosts/a b/ü.nix"), "hosts/a%20b/%C3%BC.nix");
        assert_eq!(artifact_uri("c:d.nix"), "c%3Ad.nix");
        assert_eq!(
            artifact_uri("/etc/nixos/flake.nix"),
            "file:///etc/nixos/flake.nix"
        );
    }

    #[test]
    fn sarif_groups_fix_edits_by_file() {
        let edit = |file: &str, line: u32| OutputEdit {
            file: file.to_string(),
            start: pos(line, 1),
            end: pos(line, 1),
            new_text: "x".to_string(),
        };
        let edits = [edit("a.nix", 1), edit("b.nix", 2), edit("a.nix", 3)];
        let changes = sarif_changes(&edits);
        let shape: Vec<(String, usize)> = changes
            .iter()
            .map(|c| (c.artifact_location.uri.clone(), c.replacements.len()))
            .collect();
        assert_eq!(shape, [("a.nix".to_string(), 2), ("b.nix".to_string(), 1)]);
    }

    #[test]
    fn widths() {
        assert_eq!(char_width('a'), 1);
        assert_eq!(char_width('é'), 1);
        assert_eq!(char_width('日'), 2);
        assert_eq!(char_width('😀'), 2);
        assert_eq!(char_width('\u{301}'), 0);
    }
}
