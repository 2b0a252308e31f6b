//! `flakelint options [PREFIX] [--json]`: the option index the analysis sees for the flake in
//! the current directory — jetpack-nixos's declarations from the resolved source (or the
//! bundled index) plus the flake's own under the jetpack namespaces — with the source named.
//!
//! JSON: `{"source": {"kind": "explicit|lock|store|bundled", "path": ..., "rev": ...,
//! "stand_in_for": null or the fork the bundled index stands in for},
//! "options": [{"name", "type", "type_text", "enum", "default", "default_expr", "file", "line",
//! "declared_by": "jetpack-nixos|flake", "renamed_to"}]}`; a rename is an entry whose
//! `renamed_to` names the new option (or `""` for a removed one).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use analysis::db::{self, AnalysisHost, Db};
use analysis::options::index::{OptionIndex, SourceOptions};
use analysis::options::{bundled_source, DefaultValue, LiteralValue, OptionType};
use serde_json::{json, Value};

use crate::check::Fatal;
use crate::load::{self, ConfigLoader};

pub struct OptionsArgs {
    pub prefix: Option<String>,
    pub json: bool,
    pub jetpack_source: Option<PathBuf>,
}

pub fn run(args: &OptionsArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Fatal> {
    let cwd = std::env::current_dir().map_err(|e| {
        Fatal(format!(
            "cannot read the current directory: {}",
            load::io_message(&e)
        ))
    })?;
    let flake_root =
        load::find_upwards(&cwd, "flake.nix").and_then(|p| p.parent().map(Path::to_path_buf));
    let mut configs = ConfigLoader::default();
    configs.discover(&cwd).map_err(|e| Fatal(e.0))?;
    let config_set = configs.config_set(|_| {});
    let explicit = match &args.jetpack_source {
        Some(dir) => Some(load::vfs_path(
            &std::path::absolute(dir).unwrap_or_else(|_| dir.clone()),
        )),
        None => config_set
            .for_file(&load::vfs_path(&cwd.join("x.nix")))
            .jetpack_source
            .clone(),
    };
    let mut warnings = Vec::new();
    let base = flake_root.as_deref().unwrap_or(&cwd);
    let source = crate::jetpack_source::resolve(base, explicit.as_deref(), &mut warnings)
        .map(std::sync::Arc::new)
        .unwrap_or_else(bundled_source);
    for warning in &warnings {
        let _ = writeln!(err, "flakelint: warning: {warning}");
    }
    // The flake's index as the rules see it: the source plus what the flake's own modules
    // declare under the jetpack namespaces.
    let mut host = AnalysisHost::default();
    let index = flake_root.as_ref().and_then(|root| {
        let mut change = load::flake_files(root, &mut |warning| {
            let _ = writeln!(err, "flakelint: warning: {warning}");
        });
        change.option_sources = Some(BTreeMap::from([(load::vfs_path(root), source.clone())]));
        host.apply_change(change);
        let db = host.db();
        let flake_nix = db::file_by_path(db, &load::vfs_path(&root.join("flake.nix")))?;
        Some(db::flake_option_index(db, flake_nix).clone())
    });
    let index = index.unwrap_or_else(|| std::sync::Arc::new(OptionIndex::new(&source, Vec::new())));
    let db = host.db();
    let prefix = args.prefix.as_deref().unwrap_or("");
    let mut entries = Vec::new();
    let source_root = source.source.path.clone();
    for (i, decl) in index.options.iter().enumerate() {
        let name = decl.dotted_path();
        if !name.starts_with(prefix) {
            continue;
        }
        let from_source = i < index.from_source;
        let (file, line) = location(&source, from_source, i, &decl.file, decl.range, &cwd, db);
        let file = match (&source_root, from_source) {
            (Some(root), true) => analysis::paths::strip_dir(&file, root)
                .map(String::from)
                .unwrap_or(file),
            _ => file,
        };
        let (default, default_expr) = match &decl.default {
            Some(DefaultValue::Literal(v)) => (literal_json(v), Value::Null),
            Some(DefaultValue::Expr(text)) => (Value::Null, json!(text)),
            None => (Value::Null, Value::Null),
        };
        entries.push(json!({
            "name": name,
            "type": type_kind(&decl.ty),
            "type_text": decl.type_text,
            "enum": decl.ty.enum_values().map(|v| json!(v)).unwrap_or(Value::Null),
            "default": default,
            "default_expr": default_expr,
            "file": file,
            "line": line,
            "declared_by": if from_source { "jetpack-nixos" } else { "flake" },
            "renamed_to": Value::Null,
        }));
    }
    for (i, rename) in index.renames.iter().enumerate() {
        let name = rename.from.join(".");
        if !name.starts_with(prefix) {
            continue;
        }
        let line = source
            .rename_lines
            .get(i)
            .copied()
            .flatten()
            .map(|l| l as usize);
        let file = source_root
            .as_deref()
            .and_then(|root| analysis::paths::strip_dir(&rename.file, root))
            .unwrap_or(&rename.file)
            .to_string();
        entries.push(json!({
            "name": name, "type": "renamed", "type_text": Value::Null, "enum": Value::Null,
            "default": Value::Null, "default_expr": Value::Null, "file": file, "line": line,
            "declared_by": "jetpack-nixos", "renamed_to": rename.to.join("."),
        }));
    }
    entries.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let source_json = json!({
        "kind": source.source.kind.as_str(),
        "path": source.source.path,
        "rev": source.source.rev,
        "stand_in_for": source.source.stand_in_for,
    });
    if args.json {
        let doc = json!({"source": source_json, "options": entries});
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        )
        .map_err(|e| Fatal(e.to_string()))?;
        return Ok(0);
    }
    let _ = writeln!(out, "source: {}", source.source.describe());
    for e in &entries {
        let name = e["name"].as_str().unwrap_or_default();
        let location = match e["line"].as_u64() {
            Some(line) => format!("{}:{line}", e["file"].as_str().unwrap_or_default()),
            None => e["file"].as_str().unwrap_or_default().to_string(),
        };
        if let Some(to) = e["renamed_to"].as_str() {
            let what = if to.is_empty() {
                "removed".to_string()
            } else {
                format!("renamed to {to}")
            };
            let _ = writeln!(out, "{name}  ({what})  {location}");
            continue;
        }
        let default = match (&e["default"], &e["default_expr"]) {
            (Value::Null, Value::String(expr)) => format!("  default: {expr}"),
            (Value::Null, _) => String::new(),
            (v, _) => format!("  default: {v}"),
        };
        let _ = writeln!(
            out,
            "{name}  {}{default}  {location}",
            e["type_text"].as_str().unwrap_or_default()
        );
    }
    let _ = writeln!(out, "{} options", entries.len());
    Ok(0)
}

/// The file and 1-based line of a declaration.
fn location(
    source: &SourceOptions,
    from_source: bool,
    i: usize,
    file: &str,
    range: analysis::TextRange,
    cwd: &Path,
    db: &dyn Db,
) -> (String, Option<usize>) {
    // The source's lines were recorded when it was extracted; the flake's own files were read
    // to find their declarations.
    if from_source {
        let line = source.lines.get(i).copied().flatten().map(|l| l as usize);
        return (file.to_string(), line);
    }
    let line = db::line_col_of(db, file, range.start()).map(|(line, _)| line as usize);
    (crate::check::display_path(file, cwd), line)
}

fn literal_json(value: &LiteralValue) -> Value {
    match value {
        LiteralValue::Null => Value::Null,
        LiteralValue::Bool(b) => json!(b),
        LiteralValue::Int(i) => json!(i),
        LiteralValue::Float(text) => text
            .parse::<f64>()
            .map(|f| json!(f))
            .unwrap_or_else(|_| json!(text)),
        LiteralValue::Str(s) => json!(s),
        LiteralValue::List(items) => Value::Array(items.iter().map(literal_json).collect()),
        LiteralValue::Attrs(attrs) => Value::Object(
            attrs
                .iter()
                .map(|(k, v)| (k.clone(), literal_json(v)))
                .collect(),
        ),
    }
}

/// The type's kind in one word, as SPEC §2's `"type": "enum"`.
fn type_kind(ty: &OptionType) -> &'static str {
    use OptionType as T;
    match ty {
        T::Bool => "bool",
        T::Int => "int",
        T::IntsPositive => "ints.positive",
        T::IntsUnsigned => "ints.unsigned",
        T::IntsBetween(..) => "ints.between",
        T::Float => "float",
        T::Number => "number",
        T::Str => "str",
        T::NonEmptyStr => "nonEmptyStr",
        T::SingleLineStr => "singleLineStr",
        T::StrMatching(_) => "strMatching",
        T::SeparatedString(_) => "separatedString",
        T::Lines => "lines",
        T::Path => "path",
        T::Package => "package",
        T::Port => "port",
        T::Enum(_) => "enum",
        T::NullOr(_) => "nullOr",
        T::ListOf(_) => "listOf",
        T::AttrsOf(_) => "attrsOf",
        T::OneOf(_) => "oneOf",
        T::Either(..) => "either",
        T::CoercedTo(..) => "coercedTo",
        T::FunctionTo(_) => "functionTo",
        T::Submodule => "submodule",
        T::DeferredModule => "deferredModule",
        T::Anything => "anything",
        T::Raw => "raw",
        T::Attrs => "attrs",
        T::Unspecified => "unspecified",
        T::Unknown(_) => "unknown",
    }
}
