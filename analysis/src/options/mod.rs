//! Static extraction of NixOS option declarations: which options a module tree declares (path,
//! type, default, description, where), and which option paths it renames or removes.
//!
//! Nothing is evaluated. What is written literally (and what `let` bindings of the same file
//! name) is understood; anything computed is kept as text (`OptionType::Unknown`,
//! `DefaultValue::Expr`) or reported in `problems`, never guessed. No IO: the caller hands in the
//! file texts.
//!
//! [`bundled`] holds the index compiled into the binary for when no jetpack-nixos source is on
//! disk: this extractor's output for one jetpack-nixos commit, as JSON.

pub mod bundled;
mod extract;
pub mod index;
#[cfg(test)]
mod tests;

use std::fmt;

use rowan::TextRange;

pub use extract::{extract_file, extract_parsed, extract_tree};

/// The bundled index as a source of declarations.
pub fn bundled_source() -> std::sync::Arc<index::SourceOptions> {
    static BUNDLED: std::sync::OnceLock<std::sync::Arc<index::SourceOptions>> =
        std::sync::OnceLock::new();
    BUNDLED
        .get_or_init(|| {
            let data = bundled::bundled();
            std::sync::Arc::new(index::SourceOptions {
                source: index::OptionSource {
                    kind: index::SourceKind::Bundled,
                    path: None,
                    rev: Some(data.rev.clone()),
                    stand_in_for: None,
                },
                options: data.options.clone(),
                renames: data.renames.clone(),
                problems: Vec::new(),
                lines: data.lines.clone(),
                rename_lines: data.rename_lines.clone(),
            })
        })
        .clone()
}

/// One `mkOption` (or `mkEnableOption`, `mkPackageOption`) declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionDecl {
    /// The full option path. Options of a submodule below `listOf` or `attrsOf` have `*` for
    /// the element (`services.foo.instances.*.port`); a plain `submodule` adds no segment.
    pub path: Vec<String>,
    pub ty: OptionType,
    /// The type expression as written, whitespace collapsed (`types.nullOr types.str`).
    pub type_text: String,
    pub default: Option<DefaultValue>,
    /// `defaultText`: the string inside `literalExpression "..."`, or the plain string.
    pub default_text: Option<String>,
    /// The description text (also through `mdDoc`/`literalMD`), `''` indentation stripped.
    pub description: Option<String>,
    /// `example`: the string inside `literalExpression`, else the expression as written.
    pub example: Option<String>,
    pub internal: bool,
    pub read_only: bool,
    /// `visible = true/false`; `"shallow"` counts as visible, `"transparent"` as hidden.
    pub visible: Option<bool>,
    /// The declaring file, as the caller named it.
    pub file: String,
    /// The option's name segment in that file (`som` in `som = mkOption { ... }`).
    pub range: TextRange,
}

impl OptionDecl {
    pub fn dotted_path(&self) -> String {
        self.path.join(".")
    }
}

/// An option type as far as it can be known without evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionType {
    Bool,
    Int,
    /// `ints.positive`: 1 and up.
    IntsPositive,
    /// `ints.unsigned`: 0 and up.
    IntsUnsigned,
    /// `ints.between lo hi`, and the fixed-width `ints.u8` .. `ints.s32` (bounds inclusive).
    IntsBetween(i64, i64),
    Float,
    /// `number`: an int or a float.
    Number,
    Str,
    NonEmptyStr,
    SingleLineStr,
    /// `strMatching "regex"`.
    StrMatching(String),
    /// `separatedString sep` (and `commas`, `envVar`).
    SeparatedString(String),
    Lines,
    Path,
    Package,
    Port,
    /// The allowed values. Strings are kept as they are; other literals (`1`, `true`) as written.
    Enum(Vec<String>),
    NullOr(Box<OptionType>),
    /// `listOf` and `nonEmptyListOf`.
    ListOf(Box<OptionType>),
    /// `attrsOf`, `lazyAttrsOf`, `attrsWith { elemType = ...; }`.
    AttrsOf(Box<OptionType>),
    OneOf(Vec<OptionType>),
    Either(Box<OptionType>, Box<OptionType>),
    /// `coercedTo from f to`: values of either type are accepted.
    CoercedTo(Box<OptionType>, Box<OptionType>),
    FunctionTo(Box<OptionType>),
    /// `submodule` and `submoduleWith`; their options are declarations of their own.
    Submodule,
    DeferredModule,
    Anything,
    Raw,
    Attrs,
    /// `unspecified`, or a `mkOption` without `type`.
    Unspecified,
    /// A type that is not understood statically, with its text as written.
    Unknown(String),
}

impl OptionType {
    /// The enum values, looking through `nullOr`.
    pub fn enum_values(&self) -> Option<&[String]> {
        match self {
            OptionType::Enum(values) => Some(values),
            OptionType::NullOr(inner) => inner.enum_values(),
            _ => None,
        }
    }
}

/// Renders a type the way the NixOS manual names it (`null or (list of string)`), except that
/// enums list their values.
impl fmt::Display for OptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use OptionType as T;
        // Composite inner types are parenthesised, as the manual does.
        let inner = |t: &OptionType| match t {
            T::NullOr(_)
            | T::ListOf(_)
            | T::AttrsOf(_)
            | T::OneOf(_)
            | T::Either(..)
            | T::CoercedTo(..)
            | T::FunctionTo(_) => format!("({t})"),
            _ => t.to_string(),
        };
        match self {
            T::Bool => f.write_str("boolean"),
            T::Int => f.write_str("signed integer"),
            T::IntsPositive => f.write_str("positive integer"),
            T::IntsUnsigned => f.write_str("unsigned integer"),
            T::IntsBetween(lo, hi) => write!(f, "integer between {lo} and {hi}"),
            T::Float => f.write_str("floating point number"),
            T::Number => f.write_str("number"),
            T::Str => f.write_str("string"),
            T::NonEmptyStr => f.write_str("non-empty string"),
            T::SingleLineStr => f.write_str("single-line string"),
            T::StrMatching(re) => write!(f, "string matching {re:?}"),
            T::SeparatedString(sep) => write!(f, "strings concatenated with {sep:?}"),
            T::Lines => f.write_str("lines"),
            T::Path => f.write_str("path"),
            T::Package => f.write_str("package"),
            T::Port => f.write_str("16 bit unsigned integer"),
            T::Enum(values) => {
                let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
                write!(f, "one of {}", quoted.join(", "))
            }
            T::NullOr(t) => write!(f, "null or {}", inner(t)),
            T::ListOf(t) => write!(f, "list of {}", inner(t)),
            T::AttrsOf(t) => write!(f, "attribute set of {}", inner(t)),
            T::OneOf(ts) => {
                let parts: Vec<String> = ts.iter().map(inner).collect();
                f.write_str(&parts.join(" or "))
            }
            T::Either(a, b) => write!(f, "{} or {}", inner(a), inner(b)),
            T::CoercedTo(a, b) => write!(f, "{} or {} convertible to it", inner(b), inner(a)),
            T::FunctionTo(t) => write!(f, "function that evaluates to a(n) {}", inner(t)),
            T::Submodule => f.write_str("submodule"),
            T::DeferredModule => f.write_str("module"),
            T::Anything => f.write_str("anything"),
            T::Raw => f.write_str("raw value"),
            T::Attrs => f.write_str("attribute set"),
            T::Unspecified => f.write_str("unspecified"),
            T::Unknown(text) => write!(f, "`{text}`"),
        }
    }
}

/// A `default`: a literal value, or the expression's text when it is computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    Literal(LiteralValue),
    /// The expression as written, whitespace collapsed and comments dropped.
    Expr(String),
}

impl fmt::Display for DefaultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultValue::Literal(v) => v.fmt(f),
            DefaultValue::Expr(text) => f.write_str(text),
        }
    }
}

/// A value written literally in Nix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiteralValue {
    Null,
    Bool(bool),
    Int(i64),
    /// As written, so that the type stays `Eq`.
    Float(String),
    Str(String),
    List(Vec<LiteralValue>),
    Attrs(Vec<(String, LiteralValue)>),
}

/// Renders the value as Nix.
impl fmt::Display for LiteralValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiteralValue::Null => f.write_str("null"),
            LiteralValue::Bool(b) => write!(f, "{b}"),
            LiteralValue::Int(i) => write!(f, "{i}"),
            LiteralValue::Float(text) => f.write_str(text),
            LiteralValue::Str(s) => write_nix_string(f, s),
            LiteralValue::List(items) => {
                f.write_str("[")?;
                for item in items {
                    write!(f, " {item}")?;
                }
                f.write_str(" ]")
            }
            LiteralValue::Attrs(attrs) => {
                f.write_str("{")?;
                for (key, value) in attrs {
                    f.write_str(" ")?;
                    if is_plain_identifier(key) {
                        f.write_str(key)?;
                    } else {
                        write_nix_string(f, key)?;
                    }
                    write!(f, " = {value};")?;
                }
                f.write_str(" }")
            }
        }
    }
}

fn write_nix_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            '$' if chars.peek() == Some(&'{') => f.write_str("\\$")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

fn is_plain_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '\''))
        && !matches!(
            s,
            "if" | "then" | "else" | "assert" | "with" | "let" | "in" | "rec" | "inherit" | "or"
        )
}

/// What kind of option-path change an `imports` entry declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameKind {
    /// `mkRenamedOptionModule` / `mkRenamedOptionModuleWith`: the old path warns and forwards.
    Renamed,
    /// `mkAliasOptionModule`: both paths work, silently.
    Alias,
    /// `mkRemovedOptionModule`: setting the old path is an error; `to` is empty.
    Removed,
    /// `mkChangedOptionModule`: forwarded through a function of the old value.
    Changed,
    /// `mkMergedOptionModule`: one of several old paths merged into `to`.
    Merged,
}

/// An option path that a module renames, aliases or removes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameDecl {
    pub from: Vec<String>,
    /// Empty for a removed option.
    pub to: Vec<String>,
    pub kind: RenameKind,
    /// The explanation given to `mkRemovedOptionModule` (when it is a literal string).
    pub message: Option<String>,
    pub file: String,
    /// The old path's list as written (`[ "hardware" "nvidia-jetpack" "x" ]`).
    pub range: TextRange,
}

/// A path that a module's `imports` names, resolved against the importing file's directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRef {
    /// The path as resolved; a directory stands for its `default.nix`, which the tree walk
    /// tries when the path itself cannot be read.
    pub path: String,
    pub range: TextRange,
    /// The option path of the submodule the file is a module of (`types.submodule ./f.nix`);
    /// empty for ordinary imports.
    pub prefix: Vec<String>,
}

/// What one file declares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileOptions {
    pub options: Vec<OptionDecl>,
    pub renames: Vec<RenameDecl>,
    pub imports: Vec<ImportRef>,
    /// `path:line: what` for everything that was skipped: syntax errors, imports that are not
    /// path literals, `options` values that are not attrsets of declarations.
    pub problems: Vec<String>,
}

/// What a module tree declares, from its entry module through every import that could be
/// followed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleTree {
    pub options: Vec<OptionDecl>,
    pub renames: Vec<RenameDecl>,
    /// Every file read, in visiting order (the entry first).
    pub files: Vec<String>,
    /// Unreadable or broken files, imports that could not be followed, skipped declarations.
    pub problems: Vec<String>,
    /// The 1-based line of each of `options` (same length, same order).
    pub lines: Vec<Option<u32>>,
    /// The 1-based line of each of `renames`.
    pub rename_lines: Vec<Option<u32>>,
}
