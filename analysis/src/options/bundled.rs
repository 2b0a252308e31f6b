//! The bundled option index: what our extractor finds in a named jetpack-nixos commit, kept in
//! `bundled.json` beside this file and compiled into the binary. It is the last source of the
//! option index (SPEC §5, item 3), used when no jetpack-nixos source is found on disk.
//!
//! It holds facts only: option names, types, defaults, enum values, declaration files and lines,
//! and renames. No description or example text is kept.
//!
//! # Regenerating
//!
//! From a checkout of the jetpack-nixos commit to bundle (`git -C DIR rev-parse HEAD`):
//!
//! ```text
//! cargo run -p flakelint -- bundle-index DIR --rev COMMIT --output analysis/src/options/bundled.json
//! ```
//!
//! then update the expectations of `bundled_index_holds_the_jetpack_nixos_options` (in
//! `bundled/tests.rs`). The file must also be regenerated when the extractor's output changes;
//! `FLAKELINT_BUNDLED_SOURCE=DIR cargo test -p flakelint-analysis bundled` checks that it still
//! equals what the extractor makes of a checkout of the bundled commit.
//!
//! # Format
//!
//! One JSON object, written deterministically, one option or rename per line:
//!
//! ```text
//! {
//!   "jetpack_nixos_rev": "4d857d6da48c420da39964b6fb7ba23a958abad3",
//!   "generated_by": "flakelint bundle-index",
//!   "options": [
//!     {"name": "hardware.nvidia-jetpack.som", "type": {"enum": ["generic", "orin-agx"]}, "type_text": "types.enum [ ... ]", "default": "generic", "default_text": null, "internal": false, "read_only": false, "visible": null, "file": "modules/default.nix", "line": 69}
//!   ],
//!   "renames": [
//!     {"from": "hardware.nvidia-jetpack.bootloader.logo", "to": "hardware.nvidia-jetpack.firmware.uefi.logo", "kind": "renamed", "message": null, "file": "modules/flash-script.nix", "line": 15}
//!   ]
//! }
//! ```
//!
//! - `name`, `from`, `to`: the option path with `.` between segments; a segment that is empty or
//!   holds `.`, `"` or `\` is written in double quotes with `"` and `\` escaped by `\`
//!   (`a."b.c".d`). `*` stands for the elements of a `listOf`/`attrsOf` submodule. An empty path
//!   (the `to` of a removed option) is `null`.
//! - `type`: a string for the types without parameters (`"bool"`, `"int"`, `"intsPositive"`,
//!   `"intsUnsigned"`, `"float"`, `"number"`, `"str"`, `"nonEmptyStr"`, `"singleLineStr"`,
//!   `"lines"`, `"path"`, `"package"`, `"port"`, `"submodule"`, `"deferredModule"`,
//!   `"anything"`, `"raw"`, `"attrs"`, `"unspecified"`), else an object with one member:
//!   `{"intsBetween": [lo, hi]}`, `{"strMatching": "re"}`, `{"separatedString": "sep"}`,
//!   `{"enum": ["a", "b"]}`, `{"nullOr": T}`, `{"listOf": T}`, `{"attrsOf": T}`,
//!   `{"oneOf": [T, ...]}`, `{"either": [A, B]}`, `{"coercedTo": [FROM, TO]}`,
//!   `{"functionTo": T}`, `{"unknown": "text as written"}`.
//! - `default`: absent when the declaration has none. A literal is written as JSON: `null`,
//!   booleans, integers, strings and lists as themselves, a float as a JSON number when its Nix
//!   text is one (else `{"float": "text"}`), an attribute set as `{"attrs": {...}}` (so that
//!   every object in a default is a tag). A computed default is `{"expr": "text as written"}`.
//! - `default_text` (`defaultText`), `visible` and `message` are `null` when absent; `kind` is
//!   `renamed`, `alias`, `removed`, `changed` or `merged`.
//! - `file` is relative to the jetpack-nixos root; `line` is 1-based (`null` if the file could not
//!   be read when encoding).
//! - Options are sorted by path, then file and line; renames by their old path, then file and
//!   line.
//!
//! # Lines instead of ranges
//!
//! Without the file texts a byte range means nothing, so the decoded declarations carry an empty
//! range (`0..0`) and their 1-based line is kept beside them, in [`BundledIndex::lines`] and
//! [`BundledIndex::rename_lines`] (parallel to `options` and `renames`). [`OptionDecl`] itself
//! stays as the extractor makes it: only the bundled index has lines without texts.

use std::fmt::Write as _;
use std::sync::OnceLock;

use rowan::TextRange;

use super::{
    DefaultValue, LiteralValue, ModuleTree, OptionDecl, OptionType, RenameDecl, RenameKind,
};
use crate::json::{self, Member, Value, ValueKind};
use crate::syntax::{ColumnUnit, LineIndex};

#[cfg(test)]
mod tests;

/// What `generated_by` says in files that [`encode`] writes.
pub const GENERATED_BY: &str = "flakelint bundle-index";

/// The option declarations and renames of one jetpack-nixos commit, without texts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundledIndex {
    /// The jetpack-nixos commit the index was generated from.
    pub rev: String,
    /// Sorted by path, then file and line. `description` and `example` are `None`, `range` is
    /// empty, `file` is relative to the jetpack-nixos root.
    pub options: Vec<OptionDecl>,
    /// The 1-based declaration line of each of `options` (same length, same order).
    pub lines: Vec<Option<u32>>,
    /// Sorted by old path, then file and line; `range` is empty.
    pub renames: Vec<RenameDecl>,
    /// The 1-based line of each of `renames` (same length, same order).
    pub rename_lines: Vec<Option<u32>>,
}

impl BundledIndex {
    /// The index of a module tree: descriptions and examples dropped, the lines the extraction
    /// recorded kept, sorted. The tree's file names are kept as they are: name them relative to
    /// the jetpack-nixos root.
    pub fn from_tree(rev: &str, tree: &ModuleTree) -> BundledIndex {
        let mut options: Vec<(OptionDecl, Option<u32>)> = tree
            .options
            .iter()
            .zip(tree.lines.iter().copied())
            .map(|(o, line)| {
                let decl = OptionDecl {
                    description: None,
                    example: None,
                    range: TextRange::default(),
                    ..o.clone()
                };
                (decl, line)
            })
            .collect();
        options.sort_by(|(a, la), (b, lb)| (&a.path, &a.file, la).cmp(&(&b.path, &b.file, lb)));
        let mut renames: Vec<(RenameDecl, Option<u32>)> = tree
            .renames
            .iter()
            .zip(tree.rename_lines.iter().copied())
            .map(|(r, line)| {
                let decl = RenameDecl {
                    range: TextRange::default(),
                    ..r.clone()
                };
                (decl, line)
            })
            .collect();
        renames.sort_by(|(a, la), (b, lb)| (&a.from, &a.file, la).cmp(&(&b.from, &b.file, lb)));

        let (options, lines) = options.into_iter().unzip();
        let (renames, rename_lines) = renames.into_iter().unzip();
        BundledIndex {
            rev: rev.to_string(),
            options,
            lines,
            renames,
            rename_lines,
        }
    }

    /// The options with their lines.
    pub fn options_with_lines(&self) -> impl Iterator<Item = (&OptionDecl, Option<u32>)> {
        self.options
            .iter()
            .zip(self.lines.iter().copied().chain(std::iter::repeat(None)))
    }

    /// The renames with their lines.
    pub fn renames_with_lines(&self) -> impl Iterator<Item = (&RenameDecl, Option<u32>)> {
        self.renames.iter().zip(
            self.rename_lines
                .iter()
                .copied()
                .chain(std::iter::repeat(None)),
        )
    }

    /// The index as JSON, in the format of the module documentation, in the order it holds.
    /// Descriptions, examples and ranges are not written.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        out.push_str("{\n  \"jetpack_nixos_rev\": ");
        write_string(&mut out, &self.rev);
        out.push_str(",\n  \"generated_by\": ");
        write_string(&mut out, GENERATED_BY);
        out.push_str(",\n  \"options\": [");
        for (i, (o, line)) in self.options_with_lines().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            write_option(&mut out, o, line);
        }
        out.push_str(if self.options.is_empty() {
            "]"
        } else {
            "\n  ]"
        });
        out.push_str(",\n  \"renames\": [");
        for (i, (r, line)) in self.renames_with_lines().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            write_rename(&mut out, r, line);
        }
        out.push_str(if self.renames.is_empty() {
            "]"
        } else {
            "\n  ]"
        });
        out.push_str("\n}\n");
        out
    }
}

/// The bundled index of a module tree as JSON: [`BundledIndex::from_tree`], then
/// [`BundledIndex::to_json`]. Deterministic: the same tree gives the same text.
pub fn encode(rev: &str, tree: &ModuleTree) -> String {
    BundledIndex::from_tree(rev, tree).to_json()
}

/// Reads what [`encode`] writes. Errors say where: the JSON path of the value, and its line and
/// column (`options[3].type (line 5, column 40): unknown type "strr"`).
pub fn decode(text: &str) -> Result<BundledIndex, String> {
    let root = json::parse(text).map_err(|e| {
        let (line, column) = line_col(text, e.range);
        format!("line {line}, column {column}: {}", e.message)
    })?;
    Decoder {
        text,
        lines: LineIndex::new(text),
    }
    .index(&root)
}

/// The index compiled into flakelint (`bundled.json`), decoded on first use. Should the file not
/// decode (the tests make sure it does), the index is empty rather than a panic.
pub fn bundled() -> &'static BundledIndex {
    static INDEX: OnceLock<BundledIndex> = OnceLock::new();
    INDEX.get_or_init(|| decode(BUNDLED_JSON).unwrap_or_default())
}

/// The text of `bundled.json`.
pub const BUNDLED_JSON: &str = include_str!("bundled.json");

// ---------------------------------------------------------------------------------------------
// Writing

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_opt_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => write_string(out, s),
        None => out.push_str("null"),
    }
}

fn write_line(out: &mut String, line: Option<u32>) {
    match line {
        Some(line) => {
            let _ = write!(out, "{line}");
        }
        None => out.push_str("null"),
    }
}

/// Writes a path as a name (`a."b.c".d`), or `null` when it is empty.
fn write_path(out: &mut String, path: &[String]) {
    if path.is_empty() {
        out.push_str("null");
    } else {
        write_string(out, &path_to_name(path));
    }
}

/// `a."b.c".d`: segments joined with `.`, those that are empty or hold `.`, `"` or `\` quoted.
pub fn path_to_name(path: &[String]) -> String {
    let mut name = String::new();
    for (i, segment) in path.iter().enumerate() {
        if i > 0 {
            name.push('.');
        }
        if segment.is_empty() || segment.contains(['.', '"', '\\']) {
            name.push('"');
            for c in segment.chars() {
                if matches!(c, '"' | '\\') {
                    name.push('\\');
                }
                name.push(c);
            }
            name.push('"');
        } else {
            name.push_str(segment);
        }
    }
    name
}

/// The inverse of [`path_to_name`].
pub fn name_to_path(name: &str) -> Result<Vec<String>, String> {
    let mut path = Vec::new();
    let mut chars = name.chars().peekable();
    loop {
        let mut segment = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err(format!("unterminated quoted segment in `{name}`")),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(c @ ('"' | '\\')) => segment.push(c),
                        _ => {
                            return Err(format!(
                                "in `{name}`: `\\` in a quoted segment must be followed by `\"` or `\\`"
                            ))
                        }
                    },
                    Some(c) => segment.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                match c {
                    '.' => break,
                    '"' | '\\' => {
                        return Err(format!(
                            "in `{name}`: a segment holding `{c}` must be quoted"
                        ))
                    }
                    c => {
                        segment.push(c);
                        chars.next();
                    }
                }
            }
            if segment.is_empty() {
                return Err(format!(
                    "empty segment in `{name}` (an empty segment is written `\"\"`)"
                ));
            }
        }
        path.push(segment);
        match chars.next() {
            None => return Ok(path),
            Some('.') => {}
            Some(c) => {
                return Err(format!(
                    "in `{name}`: expected `.` after a quoted segment, found `{c}`"
                ))
            }
        }
    }
}

fn write_option(out: &mut String, o: &OptionDecl, line: Option<u32>) {
    out.push_str("{\"name\": ");
    write_path(out, &o.path);
    out.push_str(", \"type\": ");
    write_type(out, &o.ty);
    out.push_str(", \"type_text\": ");
    write_string(out, &o.type_text);
    match &o.default {
        None => {}
        Some(DefaultValue::Literal(value)) => {
            out.push_str(", \"default\": ");
            write_literal(out, value);
        }
        Some(DefaultValue::Expr(text)) => {
            out.push_str(", \"default\": {\"expr\": ");
            write_string(out, text);
            out.push('}');
        }
    }
    out.push_str(", \"default_text\": ");
    write_opt_string(out, o.default_text.as_deref());
    let _ = write!(
        out,
        ", \"internal\": {}, \"read_only\": {}, \"visible\": ",
        o.internal, o.read_only
    );
    match o.visible {
        Some(v) => {
            let _ = write!(out, "{v}");
        }
        None => out.push_str("null"),
    }
    out.push_str(", \"file\": ");
    write_string(out, &o.file);
    out.push_str(", \"line\": ");
    write_line(out, line);
    out.push('}');
}

fn write_rename(out: &mut String, r: &RenameDecl, line: Option<u32>) {
    out.push_str("{\"from\": ");
    write_path(out, &r.from);
    out.push_str(", \"to\": ");
    write_path(out, &r.to);
    out.push_str(", \"kind\": ");
    write_string(out, kind_name(r.kind));
    out.push_str(", \"message\": ");
    write_opt_string(out, r.message.as_deref());
    out.push_str(", \"file\": ");
    write_string(out, &r.file);
    out.push_str(", \"line\": ");
    write_line(out, line);
    out.push('}');
}

const RENAME_KINDS: [(RenameKind, &str); 5] = [
    (RenameKind::Renamed, "renamed"),
    (RenameKind::Alias, "alias"),
    (RenameKind::Removed, "removed"),
    (RenameKind::Changed, "changed"),
    (RenameKind::Merged, "merged"),
];

fn kind_name(kind: RenameKind) -> &'static str {
    match kind {
        RenameKind::Renamed => "renamed",
        RenameKind::Alias => "alias",
        RenameKind::Removed => "removed",
        RenameKind::Changed => "changed",
        RenameKind::Merged => "merged",
    }
}

/// The names of the types without parameters.
const SIMPLE_TYPES: [(OptionType, &str); 19] = [
    (OptionType::Bool, "bool"),
    (OptionType::Int, "int"),
    (OptionType::IntsPositive, "intsPositive"),
    (OptionType::IntsUnsigned, "intsUnsigned"),
    (OptionType::Float, "float"),
    (OptionType::Number, "number"),
    (OptionType::Str, "str"),
    (OptionType::NonEmptyStr, "nonEmptyStr"),
    (OptionType::SingleLineStr, "singleLineStr"),
    (OptionType::Lines, "lines"),
    (OptionType::Path, "path"),
    (OptionType::Package, "package"),
    (OptionType::Port, "port"),
    (OptionType::Submodule, "submodule"),
    (OptionType::DeferredModule, "deferredModule"),
    (OptionType::Anything, "anything"),
    (OptionType::Raw, "raw"),
    (OptionType::Attrs, "attrs"),
    (OptionType::Unspecified, "unspecified"),
];

fn write_type(out: &mut String, ty: &OptionType) {
    use OptionType as T;
    let simple = |out: &mut String, name: &str| write_string(out, name);
    let tagged = |out: &mut String, tag: &str| {
        out.push_str("{\"");
        out.push_str(tag);
        out.push_str("\": ");
    };
    match ty {
        T::Bool => simple(out, "bool"),
        T::Int => simple(out, "int"),
        T::IntsPositive => simple(out, "intsPositive"),
        T::IntsUnsigned => simple(out, "intsUnsigned"),
        T::Float => simple(out, "float"),
        T::Number => simple(out, "number"),
        T::Str => simple(out, "str"),
        T::NonEmptyStr => simple(out, "nonEmptyStr"),
        T::SingleLineStr => simple(out, "singleLineStr"),
        T::Lines => simple(out, "lines"),
        T::Path => simple(out, "path"),
        T::Package => simple(out, "package"),
        T::Port => simple(out, "port"),
        T::Submodule => simple(out, "submodule"),
        T::DeferredModule => simple(out, "deferredModule"),
        T::Anything => simple(out, "anything"),
        T::Raw => simple(out, "raw"),
        T::Attrs => simple(out, "attrs"),
        T::Unspecified => simple(out, "unspecified"),
        T::IntsBetween(lo, hi) => {
            tagged(out, "intsBetween");
            let _ = write!(out, "[{lo}, {hi}]}}");
        }
        T::StrMatching(re) => {
            tagged(out, "strMatching");
            write_string(out, re);
            out.push('}');
        }
        T::SeparatedString(sep) => {
            tagged(out, "separatedString");
            write_string(out, sep);
            out.push('}');
        }
        T::Enum(values) => {
            tagged(out, "enum");
            out.push('[');
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, v);
            }
            out.push_str("]}");
        }
        T::NullOr(t) | T::ListOf(t) | T::AttrsOf(t) | T::FunctionTo(t) => {
            tagged(
                out,
                match ty {
                    T::NullOr(_) => "nullOr",
                    T::ListOf(_) => "listOf",
                    T::AttrsOf(_) => "attrsOf",
                    _ => "functionTo",
                },
            );
            write_type(out, t);
            out.push('}');
        }
        T::OneOf(ts) => {
            tagged(out, "oneOf");
            out.push('[');
            for (i, t) in ts.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_type(out, t);
            }
            out.push_str("]}");
        }
        T::Either(a, b) | T::CoercedTo(a, b) => {
            tagged(
                out,
                if matches!(ty, T::Either(..)) {
                    "either"
                } else {
                    "coercedTo"
                },
            );
            out.push('[');
            write_type(out, a);
            out.push_str(", ");
            write_type(out, b);
            out.push_str("]}");
        }
        T::Unknown(text) => {
            tagged(out, "unknown");
            write_string(out, text);
            out.push('}');
        }
    }
}

fn write_literal(out: &mut String, value: &LiteralValue) {
    match value {
        LiteralValue::Null => out.push_str("null"),
        LiteralValue::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        LiteralValue::Int(i) => {
            let _ = write!(out, "{i}");
        }
        LiteralValue::Float(text) => {
            if is_json_float(text) {
                out.push_str(text);
            } else {
                out.push_str("{\"float\": ");
                write_string(out, text);
                out.push('}');
            }
        }
        LiteralValue::Str(s) => write_string(out, s),
        LiteralValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_literal(out, item);
            }
            out.push(']');
        }
        LiteralValue::Attrs(attrs) => {
            out.push_str("{\"attrs\": {");
            for (i, (key, value)) in attrs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, key);
                out.push_str(": ");
                write_literal(out, value);
            }
            out.push_str("}}");
        }
    }
}

/// Whether a float's text can be written as a JSON number that reads back as this float: valid
/// JSON, and not an integer (which would read back as `Int`).
fn is_json_float(text: &str) -> bool {
    text.parse::<i64>().is_err()
        && matches!(json::parse(text), Ok(Value { kind: ValueKind::Number(n), .. }) if n == text)
}

// ---------------------------------------------------------------------------------------------
// Reading

fn line_col(text: &str, range: TextRange) -> (u32, u32) {
    let lc = LineIndex::new(text).line_col(text, range.start(), ColumnUnit::Char);
    (lc.line + 1, lc.col + 1)
}

struct Decoder<'a> {
    text: &'a str,
    lines: LineIndex,
}

type Res<T> = Result<T, String>;

impl Decoder<'_> {
    /// `at (line L, column C): message`.
    fn error(&self, at: &str, value: &Value, message: impl std::fmt::Display) -> String {
        let lc = self
            .lines
            .line_col(self.text, value.range.start(), ColumnUnit::Char);
        let at = if at.is_empty() { "the top level" } else { at };
        format!(
            "{at} (line {}, column {}): {message}",
            lc.line + 1,
            lc.col + 1
        )
    }

    fn expected(&self, at: &str, value: &Value, what: &str) -> String {
        self.error(
            at,
            value,
            format!("expected {what}, found {}", value.kind_name()),
        )
    }

    /// The members of an object that must hold exactly `required` and may hold `optional`.
    fn object<'v>(
        &self,
        at: &str,
        value: &'v Value,
        required: &[&str],
        optional: &[&str],
    ) -> Res<&'v [Member]> {
        let members = value
            .as_object()
            .ok_or_else(|| self.expected(at, value, "an object"))?;
        for m in members {
            if !required.contains(&m.key.as_str()) && !optional.contains(&m.key.as_str()) {
                return Err(self.error(at, &m.value, format!("unknown key `{}`", m.key)));
            }
        }
        for key in required {
            if !members.iter().any(|m| m.key == *key) {
                return Err(self.error(at, value, format!("missing key `{key}`")));
            }
        }
        Ok(members)
    }

    fn get<'v>(&self, object: &'v Value, key: &str) -> &'v Value {
        // Present: `object` checked the required keys.
        object.get(key).unwrap_or(object)
    }

    fn string(&self, at: &str, value: &Value) -> Res<String> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| self.expected(at, value, "a string"))
    }

    fn opt_string(&self, at: &str, value: &Value) -> Res<Option<String>> {
        match value.kind {
            ValueKind::Null => Ok(None),
            _ => self.string(at, value).map(Some),
        }
    }

    fn bool(&self, at: &str, value: &Value) -> Res<bool> {
        value
            .as_bool()
            .ok_or_else(|| self.expected(at, value, "true or false"))
    }

    fn line(&self, at: &str, value: &Value) -> Res<Option<u32>> {
        if value.kind == ValueKind::Null {
            return Ok(None);
        }
        value
            .as_i64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|&n| n > 0)
            .map(Some)
            .ok_or_else(|| self.expected(at, value, "a line number (1 or more) or null"))
    }

    fn path(&self, at: &str, value: &Value) -> Res<Vec<String>> {
        match &value.kind {
            ValueKind::Null => Ok(Vec::new()),
            ValueKind::String(name) => name_to_path(name).map_err(|e| self.error(at, value, e)),
            _ => Err(self.expected(at, value, "an option name or null")),
        }
    }

    fn array<'v>(&self, at: &str, value: &'v Value) -> Res<&'v [Value]> {
        value
            .as_array()
            .ok_or_else(|| self.expected(at, value, "an array"))
    }

    fn index(&self, root: &Value) -> Res<BundledIndex> {
        self.object(
            "",
            root,
            &["jetpack_nixos_rev", "generated_by", "options", "renames"],
            &[],
        )?;
        let rev = self.string("jetpack_nixos_rev", self.get(root, "jetpack_nixos_rev"))?;
        self.string("generated_by", self.get(root, "generated_by"))?;
        let mut index = BundledIndex {
            rev,
            ..BundledIndex::default()
        };
        for (i, o) in self
            .array("options", self.get(root, "options"))?
            .iter()
            .enumerate()
        {
            let (decl, line) = self.option(&format!("options[{i}]"), o)?;
            index.options.push(decl);
            index.lines.push(line);
        }
        for (i, r) in self
            .array("renames", self.get(root, "renames"))?
            .iter()
            .enumerate()
        {
            let (decl, line) = self.rename(&format!("renames[{i}]"), r)?;
            index.renames.push(decl);
            index.rename_lines.push(line);
        }
        Ok(index)
    }

    fn option(&self, at: &str, value: &Value) -> Res<(OptionDecl, Option<u32>)> {
        self.object(
            at,
            value,
            &[
                "name",
                "type",
                "type_text",
                "default_text",
                "internal",
                "read_only",
                "visible",
                "file",
                "line",
            ],
            &["default"],
        )?;
        let field = |key: &str| (format!("{at}.{key}"), self.get(value, key));
        let (a, v) = field("name");
        let path = self.path(&a, v)?;
        if path.is_empty() {
            return Err(self.expected(&a, v, "an option name"));
        }
        let (a, v) = field("type");
        let ty = self.ty(&a, v)?;
        let (a, v) = field("type_text");
        let type_text = self.string(&a, v)?;
        let default = match value.get("default") {
            None => None,
            Some(v) => Some(self.default(&format!("{at}.default"), v)?),
        };
        let (a, v) = field("default_text");
        let default_text = self.opt_string(&a, v)?;
        let (a, v) = field("internal");
        let internal = self.bool(&a, v)?;
        let (a, v) = field("read_only");
        let read_only = self.bool(&a, v)?;
        let (a, v) = field("visible");
        let visible = match v.kind {
            ValueKind::Null => None,
            _ => Some(self.bool(&a, v)?),
        };
        let (a, v) = field("file");
        let file = self.string(&a, v)?;
        let (a, v) = field("line");
        let line = self.line(&a, v)?;
        let decl = OptionDecl {
            path,
            ty,
            type_text,
            default,
            default_text,
            description: None,
            example: None,
            internal,
            read_only,
            visible,
            file,
            range: TextRange::default(),
        };
        Ok((decl, line))
    }

    fn rename(&self, at: &str, value: &Value) -> Res<(RenameDecl, Option<u32>)> {
        self.object(
            at,
            value,
            &["from", "to", "kind", "message", "file", "line"],
            &[],
        )?;
        let field = |key: &str| (format!("{at}.{key}"), self.get(value, key));
        let (a, v) = field("from");
        let from = self.path(&a, v)?;
        let (a, v) = field("to");
        let to = self.path(&a, v)?;
        let (a, v) = field("kind");
        let name = self.string(&a, v)?;
        let kind = RENAME_KINDS
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                self.error(
                    &a,
                    v,
                    format!(
                        "unknown rename kind {name:?}: expected one of {}",
                        RENAME_KINDS.map(|(_, n)| n).join(", ")
                    ),
                )
            })?;
        let (a, v) = field("message");
        let message = self.opt_string(&a, v)?;
        let (a, v) = field("file");
        let file = self.string(&a, v)?;
        let (a, v) = field("line");
        let line = self.line(&a, v)?;
        let decl = RenameDecl {
            from,
            to,
            kind,
            message,
            file,
            range: TextRange::default(),
        };
        Ok((decl, line))
    }

    /// A one-member object `{"tag": value}`.
    fn tag<'v>(&self, at: &str, value: &'v Value, what: &str) -> Res<(&'v str, &'v Value)> {
        match value.as_object() {
            Some([member]) => Ok((&member.key, &member.value)),
            Some(_) => Err(self.error(
                at,
                value,
                format!("expected {what}: an object with exactly one member"),
            )),
            None => Err(self.expected(at, value, what)),
        }
    }

    fn ty(&self, at: &str, value: &Value) -> Res<OptionType> {
        use OptionType as T;
        if let Some(name) = value.as_str() {
            return SIMPLE_TYPES
                .iter()
                .find(|(_, n)| *n == name)
                .map(|(t, _)| t.clone())
                .ok_or_else(|| self.error(at, value, format!("unknown type {name:?}")));
        }
        let (tag, inner) = self.tag(at, value, "a type")?;
        let outer = at;
        let at = format!("{at}.{tag}");
        let at = at.as_str();
        let boxed = |v: &Value| self.ty(at, v).map(Box::new);
        let pair = |v: &Value| -> Res<(Box<OptionType>, Box<OptionType>)> {
            match self.array(at, v)? {
                [a, b] => Ok((
                    Box::new(self.ty(&format!("{at}[0]"), a)?),
                    Box::new(self.ty(&format!("{at}[1]"), b)?),
                )),
                _ => Err(self.error(at, v, "expected an array of two types")),
            }
        };
        Ok(match tag {
            "intsBetween" => match self.array(at, inner)? {
                [lo, hi] => match (lo.as_i64(), hi.as_i64()) {
                    (Some(lo), Some(hi)) => T::IntsBetween(lo, hi),
                    _ => return Err(self.error(at, inner, "expected two integers")),
                },
                _ => return Err(self.error(at, inner, "expected an array of two integers")),
            },
            "strMatching" => T::StrMatching(self.string(at, inner)?),
            "separatedString" => T::SeparatedString(self.string(at, inner)?),
            "enum" => T::Enum(
                self.array(at, inner)?
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.string(&format!("{at}[{i}]"), v))
                    .collect::<Res<_>>()?,
            ),
            "nullOr" => T::NullOr(boxed(inner)?),
            "listOf" => T::ListOf(boxed(inner)?),
            "attrsOf" => T::AttrsOf(boxed(inner)?),
            "functionTo" => T::FunctionTo(boxed(inner)?),
            "oneOf" => T::OneOf(
                self.array(at, inner)?
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.ty(&format!("{at}[{i}]"), v))
                    .collect::<Res<_>>()?,
            ),
            "either" => {
                let (a, b) = pair(inner)?;
                T::Either(a, b)
            }
            "coercedTo" => {
                let (a, b) = pair(inner)?;
                T::CoercedTo(a, b)
            }
            "unknown" => T::Unknown(self.string(at, inner)?),
            _ => return Err(self.error(outer, value, format!("unknown type {tag:?}"))),
        })
    }

    fn default(&self, at: &str, value: &Value) -> Res<DefaultValue> {
        if let Some([member]) = value.as_object() {
            if member.key == "expr" {
                return Ok(DefaultValue::Expr(
                    self.string(&format!("{at}.expr"), &member.value)?,
                ));
            }
        }
        self.literal(at, value).map(DefaultValue::Literal)
    }

    fn literal(&self, at: &str, value: &Value) -> Res<LiteralValue> {
        Ok(match &value.kind {
            ValueKind::Null => LiteralValue::Null,
            ValueKind::Bool(b) => LiteralValue::Bool(*b),
            ValueKind::Number(text) => match value.as_i64() {
                Some(i) => LiteralValue::Int(i),
                None => LiteralValue::Float(text.clone()),
            },
            ValueKind::String(s) => LiteralValue::Str(s.clone()),
            ValueKind::Array(items) => LiteralValue::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.literal(&format!("{at}[{i}]"), v))
                    .collect::<Res<_>>()?,
            ),
            ValueKind::Object(_) => {
                let (tag, inner) = self.tag(at, value, "a tagged value")?;
                let at = format!("{at}.{tag}");
                match tag {
                    "float" => LiteralValue::Float(self.string(&at, inner)?),
                    "attrs" => {
                        let members = inner
                            .as_object()
                            .ok_or_else(|| self.expected(&at, inner, "an object"))?;
                        LiteralValue::Attrs(
                            members
                                .iter()
                                .map(|m| {
                                    let v = self.literal(&format!("{at}.{}", m.key), &m.value)?;
                                    Ok((m.key.clone(), v))
                                })
                                .collect::<Res<_>>()?,
                        )
                    }
                    _ => {
                        return Err(self.error(
                            &at,
                            value,
                            format!(
                                "unknown tag {tag:?}: an object in a default is \
                                 {{\"attrs\": ...}}, {{\"float\": ...}} or (at the top) \
                                 {{\"expr\": ...}}"
                            ),
                        ))
                    }
                }
            }
        })
    }
}
