//! Incremental reparsing (SPEC §7: diagnostics republished under 30 ms after an edit to a
//! 10,000-line file): a one-character edit in a generated jetpack-style module of 5,000, 10,000
//! and 20,000 lines, reparsed incrementally and in full; and the analysis half of
//! edit-to-diagnostics, `AnalysisHost::apply_change` with the edit plus
//! `lints::file_diagnostics` of the edited file.
//!
//! `cargo bench -p flakelint-analysis --bench reparse`. It also prints what each query costs
//! after an edit (`stages`).

use std::time::{Duration, Instant};

use analysis::db::{self, AnalysisHost, Change, TextEdit};
use analysis::reparse::{reparse_explained, Reparse};
use analysis::{lints, syntax, TextRange, TextSize};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// A NixOS module of about `lines` lines in the style of jetpack-nixos: option declarations
/// and configuration of services, with lists, interpolated strings and indented strings.
fn jetpack_module(lines: usize) -> String {
    let mut out = String::from(
        "{ config, lib, pkgs, ... }:\nlet\n  cfg = config.hardware.nvidia-jetpack;\n  inherit (lib) mkIf mkOption mkEnableOption types;\nin\n{\n  imports = [ ./hardware.nix ];\n\n  config.hardware.nvidia-jetpack.enable = true;\n  config.hardware.nvidia-jetpack.som = \"orin-agx\";\n\n",
    );
    let mut i = 0;
    while out.bytes().filter(|&b| b == b'\n').count() < lines {
        out.push_str(&format!(
            r#"  options.services.jetson{i} = {{
    # Service {i} runs one of the camera and inference pipelines of the Jetson board.
    enable = mkEnableOption "the Jetson service {i}, which runs a camera and inference pipeline on the board";
    port = mkOption {{
      type = types.port;
      default = {port};
      description = ''
        The port the service {i} listens on (${{cfg.som}}); clients of the pipeline connect
        to it over the local network, and the firewall is opened for it when enabled.
      '';
    }};
  }};
  config.systemd.services."jetson-{i}" = mkIf config.services.jetson{i}.enable {{
    description = "Jetson service {i}";
    wantedBy = [ "multi-user.target" ];
    after = [ "network.target" "nvargus-daemon.service" "systemd-udev-settle.service" ];
    serviceConfig = {{
      ExecStart = "${{pkgs.hello}}/bin/hello --port ${{toString config.services.jetson{i}.port}}";
      Restart = "always";
    }};
  }};
  config.environment.etc."jetson/{i}.conf".text = ''
    port = ${{toString config.services.jetson{i}.port}}
  '';

"#,
            port = 8000 + i
        ));
        i += 1;
    }
    out.push_str("}\n");
    out
}

/// One-character edits in the middle of a module: inside an identifier, inside a string, and
/// one that adds an element to a list (a node splice).
fn edits(text: &str) -> Vec<(&'static str, TextEdit)> {
    let middle = text.len() / 2;
    let find = |needle: &str| middle + text[middle..].find(needle).unwrap();
    let at = |offset: usize, insert: &str| TextEdit {
        range: TextRange::empty(TextSize::from(offset as u32)),
        insert: insert.to_string(),
    };
    vec![
        ("identifier", at(find("wantedBy") + 4, "x")),
        ("string", at(find("Jetson service") + 6, "x")),
        ("list", at(find("\"multi-user.target\" ]") + 20, "x")),
    ]
}

fn apply(text: &str, edit: &TextEdit) -> String {
    let mut out = text.to_string();
    out.replace_range(std::ops::Range::<usize>::from(edit.range), &edit.insert);
    out
}

fn bench_reparse(c: &mut Criterion) {
    let mut group = c.benchmark_group("reparse");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.sample_size(30);
    for lines in [5_000, 10_000, 20_000] {
        let text = jetpack_module(lines);
        let old = syntax::parse(&text);
        assert!(old.errors.is_empty());
        group.bench_with_input(BenchmarkId::new("full", lines), &text, |b, text| {
            b.iter(|| syntax::parse(text))
        });
        for (name, edit) in edits(&text) {
            let new = apply(&text, &edit);
            let (_, how) = reparse_explained(&old, &text, &new);
            assert!(how != Reparse::Full, "{name}: {how:?}");
            eprintln!("{lines} lines, {name}: {how:?}");
            group.bench_function(
                BenchmarkId::new(format!("incremental/{name}"), lines),
                |b| b.iter(|| reparse_explained(&old, &text, &new)),
            );
        }
    }
    group.finish();
}

/// A host holding the module and a flake around it, with every query of the file computed.
fn host_with(text: &str) -> AnalysisHost {
    let mut host = AnalysisHost::default();
    let mut change = Change::default();
    change.set_file(
        "/w/flake.nix",
        "{ inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.11\"; outputs = { self, nixpkgs }: { nixosConfigurations.jetson = nixpkgs.lib.nixosSystem { modules = [ ./module.nix ]; }; }; }",
    );
    change.set_file("/w/module.nix", text);
    host.apply_change(change);
    diagnostics(&host);
    host
}

fn diagnostics(host: &AnalysisHost) -> usize {
    let db = host.snapshot();
    let file = db::file_by_path(&db, "/w/module.nix").unwrap();
    lints::file_diagnostics(&db, file).len()
}

fn edit_change(text: String, edit: &TextEdit) -> Change {
    let mut change = Change::default();
    change.edit_file("/w/module.nix", text, vec![edit.clone()]);
    change
}

fn bench_edit_to_diagnostics(c: &mut Criterion) {
    let mut group = c.benchmark_group("edit_to_diagnostics");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(30);
    for lines in [10_000, 20_000] {
        let text = jetpack_module(lines);
        let (name, edit) = edits(&text).remove(0);
        let edited = apply(&text, &edit);
        // The edit and its undo, alternately, so that every iteration changes the file.
        let undo = TextEdit {
            range: TextRange::at(edit.range.start(), TextSize::of(edit.insert.as_str())),
            insert: String::new(),
        };
        let mut host = host_with(&text);
        let mut state = false;
        group.bench_function(BenchmarkId::new(name, lines), |b| {
            b.iter(|| {
                let change = if state {
                    edit_change(text.clone(), &undo)
                } else {
                    edit_change(edited.clone(), &edit)
                };
                state = !state;
                host.apply_change(change);
                diagnostics(&host)
            })
        });
        // For comparison: the same with the text set whole (a full parse).
        let mut host = host_with(&text);
        group.bench_function(BenchmarkId::new("set_file_full_parse", lines), |b| {
            b.iter(|| {
                let mut change = Change::default();
                change.set_file(
                    "/w/module.nix",
                    if state { text.clone() } else { edited.clone() },
                );
                state = !state;
                host.apply_change(change);
                diagnostics(&host)
            })
        });
        stages(lines, &text, &edited, &edit, &undo);
    }
    group.finish();
}

/// What each step costs after an edit (median of 40), printed: which query re-walks the file.
fn stages(lines: usize, text: &str, edited: &str, edit: &TextEdit, undo: &TextEdit) {
    let mut host = host_with(text);
    let names = [
        "apply_change (incremental parse)",
        "parse_file",
        "path_refs",
        "file_settings",
        "option index (file_options)",
        "file_diagnostics (the rules)",
    ];
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    for round in 0..40 {
        let change = if round % 2 == 0 {
            edit_change(edited.to_string(), edit)
        } else {
            edit_change(text.to_string(), undo)
        };
        let t = Instant::now();
        host.apply_change(change);
        samples[0].push(t.elapsed());
        let db = host.snapshot();
        let file = db::file_by_path(&db, "/w/module.nix").unwrap();
        let steps: [&dyn Fn(); 5] = [
            &|| {
                db::parse_file(&db, file);
            },
            &|| {
                db::path_refs(&db, file);
            },
            &|| {
                db::file_settings(&db, file);
            },
            &|| {
                db::option_index_for(&db, file);
            },
            &|| {
                lints::file_diagnostics(&db, file);
            },
        ];
        for (i, step) in steps.iter().enumerate() {
            let t = Instant::now();
            step();
            samples[i + 1].push(t.elapsed());
        }
    }
    let db = host.snapshot();
    let file = db::file_by_path(&db, "/w/module.nix").unwrap();
    eprintln!(
        "stages/{lines}: {} bytes, {} jetpack settings, {} diagnostics",
        text.len(),
        db::file_settings(&db, file).len(),
        lints::file_diagnostics(&db, file).len()
    );
    drop(db);
    for (name, mut s) in names.iter().zip(samples) {
        s.sort();
        eprintln!(
            "stages/{lines}: {name}: {:.3} ms",
            s[s.len() / 2].as_secs_f64() * 1e3
        );
    }
}

criterion_group!(benches, bench_reparse, bench_edit_to_diagnostics);
criterion_main!(benches);
