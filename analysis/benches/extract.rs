//! Option extraction speed (SPEC §7): the whole jetpack-nixos module tree under 20 ms, and a
//! generated module tree the size of home-manager's (3,500 files, ~5 MB) under 1 s on 2 cores.
//!
//! `cargo bench -p flakelint-analysis --bench extract`; set `JETPACK_NIXOS_SRC` to a
//! jetpack-nixos checkout to include the real tree.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use analysis::options::{extract_file, extract_tree};
use criterion::{criterion_group, criterion_main, Criterion};
use rayon::prelude::*;

/// Reads a module tree into memory, so the benchmark measures extraction, not the disk.
fn read_tree(root: &Path) -> HashMap<String, String> {
    let mut files = HashMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "nix") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files.insert(path.to_string_lossy().into_owned(), text);
                }
            }
        }
    }
    files
}

/// A module tree shaped like home-manager's: a `default.nix` importing `count` modules, each
/// declaring a few options of common types and setting some config.
fn generated_tree(count: usize) -> HashMap<String, String> {
    let mut files = HashMap::new();
    let mut imports = String::new();
    for i in 0..count {
        imports.push_str(&format!("    ./modules/m{i}.nix\n"));
        let mut text = format!(
            "{{ config, lib, pkgs, ... }}:\nlet\n  inherit (lib) mkOption mkEnableOption types;\n  cfg = config.programs.p{i};\n  levels = [ \"low\" \"medium\" \"high\" ];\nin {{\n  options.programs.p{i} = {{\n    enable = mkEnableOption \"program {i}\";\n"
        );
        for j in 0..3 {
            text.push_str(&format!(
                "    setting{j} = mkOption {{\n      type = types.nullOr (types.enum levels);\n      default = null;\n      example = \"medium\";\n      description = ''\n        Setting {j} of program {i}, with a long description that spans\n        several lines like real modules do.\n      '';\n    }};\n    extra{j} = mkOption {{\n      type = types.attrsOf (types.submodule {{ options.value = mkOption {{ type = types.str; default = \"x\"; }}; }});\n      default = {{ }};\n      description = \"Extra {j}.\";\n    }};\n"
            ));
        }
        text.push_str("  };\n  config = lib.mkIf cfg.enable {\n    home.packages = [ pkgs.hello ];\n    xdg.configFile.\"p/config\".text = builtins.toJSON cfg;\n  };\n}\n");
        files.insert(format!("/hm/modules/m{i}.nix"), text);
    }
    files.insert(
        "/hm/default.nix".into(),
        format!("{{ lib, ... }}: {{\n  imports = [\n{imports}  ];\n}}\n"),
    );
    files
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("extract");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));

    let fixture_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-data/options/tree");
    let fixture = read_tree(&fixture_root);
    let fixture_entry = fixture_root
        .join("default.nix")
        .to_string_lossy()
        .into_owned();
    group.bench_function("fixture-tree", |b| {
        b.iter(|| extract_tree(&fixture_entry, &mut |p| fixture.get(p).cloned()))
    });

    if let Some(src) = std::env::var_os("JETPACK_NIXOS_SRC") {
        let root = Path::new(&src).to_path_buf();
        let files = read_tree(&root);
        let entry = root
            .join("modules/default.nix")
            .to_string_lossy()
            .into_owned();
        let tree = extract_tree(&entry, &mut |p| files.get(p).cloned());
        eprintln!(
            "jetpack-nixos: {} options, {} renames, {} files",
            tree.options.len(),
            tree.renames.len(),
            tree.files.len()
        );
        group.bench_function("jetpack-nixos", |b| {
            b.iter(|| extract_tree(&entry, &mut |p| files.get(p).cloned()))
        });
    }

    let generated = generated_tree(3500);
    let bytes: usize = generated.values().map(String::len).sum();
    eprintln!(
        "generated tree: {} files, {:.1} MB",
        generated.len(),
        bytes as f64 / 1e6
    );
    group.bench_function("generated-3500/one-core", |b| {
        b.iter(|| extract_tree("/hm/default.nix", &mut |p| generated.get(p).cloned()))
    });
    // The way the server extracts a large tree: files on both cores, merged after.
    group.bench_function("generated-3500/two-cores", |b| {
        b.iter(|| {
            let per_file: Vec<_> = generated
                .par_iter()
                .map(|(path, text)| extract_file(path, text))
                .collect();
            per_file.iter().map(|f| f.options.len()).sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
