//! `flakelint modules [--json]`: the NixOS configurations of the flake here, as the analysis
//! assembles them: each configuration's module files, whether jetpack-nixos's NixOS module is
//! included, and the overlays that reach its nixpkgs.
//!
//! JSON: `{"flake": "flake.nix", "configurations": [{"name", "complete", "jetpack_module":
//! {"file", "line"} or null, "jetpack_enabled", "modules": ["flake.nix", "configuration.nix", ...], "overlays":
//! [{"overlay", "file", "line", "by_module"}]}]}`; paths are relative to the flake's directory.

use std::io::Write;

use analysis::db::{self, AnalysisHost, Db};
use analysis::TextRange;
use serde_json::{json, Value};

use crate::check::Fatal;
use crate::load;

pub struct ModulesArgs {
    pub json: bool,
    /// `--flake DIR`: the flake's directory (or its `flake.nix`); else the nearest one at or
    /// above the current directory.
    pub flake: Option<std::path::PathBuf>,
}

pub fn run(args: &ModulesArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Fatal> {
    let cwd = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_err(|e| {
            Fatal(format!(
                "cannot read the current directory: {}",
                load::io_message(&e)
            ))
        })?;
    let root = crate::inputs::flake_dir(args.flake.as_deref(), &cwd)?;
    let change = load::flake_files(&root, &mut |warning| {
        let _ = writeln!(err, "flakelint: warning: {warning}");
    });
    let mut host = AnalysisHost::default();
    host.apply_change(change);
    let db = host.db();
    let flake_vfs = load::vfs_path(&root.join("flake.nix"));
    let flake_nix = db::file_by_path(db, &flake_vfs)
        .ok_or_else(|| Fatal(format!("cannot read {flake_vfs}")))?;
    if !db::parse_file(db, flake_nix).errors.is_empty() {
        let _ = writeln!(
            err,
            "flakelint: warning: flake.nix has syntax errors, so configurations may be missing; `flakelint check` shows them"
        );
    }
    let base = load::vfs_path(&root);
    let rel = |p: &str| {
        analysis::paths::strip_dir(p, &base)
            .filter(|r| !r.is_empty())
            .unwrap_or(p)
            .to_string()
    };
    let line = |file: &str, range: TextRange| line_of(db, file, range);
    let mut configurations = Vec::new();
    for graph in db::flake_graph(db, flake_nix) {
        let jetpack = graph
            .jetpack
            .as_ref()
            .map(|(file, range)| json!({"file": rel(file), "line": line(file, *range)}));
        let overlays: Vec<Value> = graph
            .overlays
            .iter()
            .map(|o| {
                // An overlay written in place reads best as written.
                let overlay = if o.display == "(inline)" {
                    written(db, &o.file, o.range).unwrap_or_else(|| o.display.clone())
                } else {
                    o.display.clone()
                };
                json!({
                    "overlay": overlay,
                    "file": rel(&o.file),
                    "line": line(&o.file, o.range),
                    "by_module": o.by_module,
                })
            })
            .collect();
        configurations.push(json!({
            "name": graph.name,
            "complete": graph.complete,
            "jetpack_module": jetpack.unwrap_or(Value::Null),
            "jetpack_enabled": graph.jetpack_enabled,
            "modules": graph.files.iter().map(|f| rel(f)).collect::<Vec<_>>(),
            "overlays": overlays,
        }));
    }
    let report = json!({"flake": "flake.nix", "configurations": configurations});
    let written = if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        render_text(&report, out)
    };
    written.map_err(|e| Fatal(format!("cannot write the output: {e}")))?;
    Ok(0)
}

/// The text at a range, on one line and short.
fn written(db: &dyn Db, file: &str, range: TextRange) -> Option<String> {
    let f = db::file_by_path(db, file)?;
    let text = f
        .text(db)
        .get(usize::from(range.start())..usize::from(range.end()))?;
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(if one_line.chars().count() > 60 {
        format!("{}...", one_line.chars().take(57).collect::<String>())
    } else {
        one_line
    })
}

fn line_of(db: &dyn Db, file: &str, range: TextRange) -> u32 {
    db::line_col_of(db, file, range.start()).map_or(0, |(line, _)| line)
}

fn render_text(report: &Value, out: &mut dyn Write) -> std::io::Result<()> {
    let configurations = report["configurations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if configurations.is_empty() {
        return writeln!(
            out,
            "flake.nix defines no NixOS configuration that can be seen statically"
        );
    }
    for (i, c) in configurations.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let name = c["name"].as_str().unwrap_or("?");
        writeln!(out, "nixosConfigurations.{name}")?;
        match &c["jetpack_module"] {
            Value::Null => writeln!(out, "  jetpack-nixos module: not included")?,
            at => writeln!(
                out,
                "  jetpack-nixos module: included at {}:{}{}",
                at["file"].as_str().unwrap_or("?"),
                at["line"],
                if c["jetpack_enabled"].as_bool() == Some(true) {
                    ""
                } else {
                    " (`hardware.nvidia-jetpack.enable = true` not seen)"
                }
            )?,
        }
        writeln!(out, "  modules:")?;
        for m in c["modules"].as_array().into_iter().flatten() {
            writeln!(out, "    {}", m.as_str().unwrap_or("?"))?;
        }
        let overlays = c["overlays"].as_array().cloned().unwrap_or_default();
        if overlays.is_empty() {
            writeln!(out, "  overlays: none")?;
        } else {
            writeln!(out, "  overlays:")?;
            for o in overlays {
                let by = if o["by_module"].as_bool() == Some(true) {
                    if c["jetpack_enabled"].as_bool() == Some(true) {
                        " (applied by jetpack-nixos's module)"
                    } else {
                        " (applied by jetpack-nixos's module once enabled)"
                    }
                } else {
                    ""
                };
                writeln!(
                    out,
                    "    {}  {}:{}{by}",
                    o["overlay"].as_str().unwrap_or("?"),
                    o["file"].as_str().unwrap_or("?"),
                    o["line"]
                )?;
            }
        }
        if c["complete"].as_bool() == Some(false) {
            writeln!(
                out,
                "  (some modules cannot be seen statically: the list may be incomplete)"
            )?;
        }
    }
    Ok(())
}
