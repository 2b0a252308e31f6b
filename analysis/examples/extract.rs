//! Extracts the option tree of a module from disk and prints it, with timings:
//! `cargo run --release -p flakelint-analysis --example extract -- <jetpack-nixos checkout | module.nix>`.
//! A directory means its `modules/default.nix` (jetpack-nixos's `nixosModules.default`).

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use analysis::options::{extract_tree, ModuleTree};
use analysis::syntax::{ColumnUnit, LineIndex};

fn main() {
    let Some(arg) = std::env::args().nth(1) else {
        eprintln!("usage: extract <jetpack-nixos checkout | module.nix>");
        std::process::exit(2);
    };
    let arg = std::fs::canonicalize(&arg).unwrap_or_else(|e| {
        eprintln!("{arg}: {e}");
        std::process::exit(2);
    });
    let entry = if arg.is_dir() {
        arg.join("modules/default.nix")
    } else {
        arg
    };
    let entry = entry.to_string_lossy().into_owned();
    let root = Path::new(&entry)
        .parent()
        .and_then(Path::parent)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();

    let mut texts: HashMap<String, String> = HashMap::new();
    let start = Instant::now();
    let tree = extract_tree(&entry, &mut |path| {
        let text = std::fs::read_to_string(path).ok()?;
        texts.insert(path.to_string(), text.clone());
        Some(text)
    });
    let cold = start.elapsed();

    print_tree(&tree, &texts, &root);

    // Warm runs: from disk (page cache) and from memory, best of several.
    let runs = 20;
    let mut from_disk = std::time::Duration::MAX;
    let mut from_memory = std::time::Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let t = extract_tree(&entry, &mut |path| std::fs::read_to_string(path).ok());
        from_disk = from_disk.min(start.elapsed());
        assert_eq!(t.options.len(), tree.options.len());
        let start = Instant::now();
        let t = extract_tree(&entry, &mut |path| texts.get(path).cloned());
        from_memory = from_memory.min(start.elapsed());
        assert_eq!(t.options.len(), tree.options.len());
    }
    let bytes: usize = texts.values().map(String::len).sum();
    println!(
        "\n{} files ({} bytes): {} declarations, {} renames, {} problems",
        tree.files.len(),
        bytes,
        tree.options.len(),
        tree.renames.len(),
        tree.problems.len()
    );
    println!(
        "time: first run {:.2} ms; best of {runs}: {:.2} ms reading from disk, {:.2} ms from memory",
        cold.as_secs_f64() * 1e3,
        from_disk.as_secs_f64() * 1e3,
        from_memory.as_secs_f64() * 1e3
    );
}

fn print_tree(tree: &ModuleTree, texts: &HashMap<String, String>, root: &str) {
    let position = |file: &str, range: analysis::TextRange| {
        let text = texts.get(file).map(String::as_str).unwrap_or("");
        let line = LineIndex::new(text)
            .line_col(text, range.start(), ColumnUnit::Char)
            .line
            + 1;
        let rel = file
            .strip_prefix(root)
            .unwrap_or(file)
            .trim_start_matches('/');
        format!("{rel}:{line}")
    };
    println!("# options");
    for o in &tree.options {
        let default = o
            .default
            .as_ref()
            .map_or("-".to_string(), |d| d.to_string());
        let mut flags = String::new();
        if o.internal {
            flags.push_str(" internal");
        }
        if o.read_only {
            flags.push_str(" readOnly");
        }
        println!(
            "{}\n    type: {:?}   ({})\n    default: {}{}\n    at: {}",
            o.dotted_path(),
            o.ty,
            o.type_text,
            truncate(&default, 100),
            flags,
            position(&o.file, o.range)
        );
    }
    println!("\n# renames");
    for r in &tree.renames {
        println!(
            "{:?} {} -> {}   at {}",
            r.kind,
            r.from.join("."),
            r.to.join("."),
            position(&r.file, r.range)
        );
    }
    println!("\n# problems");
    for p in &tree.problems {
        println!("{p}");
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &s[..cut]),
        None => s.to_string(),
    }
}
