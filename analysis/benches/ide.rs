//! Editor feature latency (SPEC §7: completion and hover under 5 ms p99 in a 5,000-line file).
//!
//! A generated 5,000-line NixOS configuration of a Jetson (jetpack options in every form among
//! thousands of other settings) is loaded into an analysis host, as the language server holds
//! it; then completion and hover are asked at several places. Criterion reports the mean; a
//! plain loop of 1,000 requests per case prints p50 / p99 / max first.
//!
//! `cargo bench -p flakelint-analysis --bench ide`

use std::time::{Duration, Instant};

use analysis::db::{AnalysisHost, Change, RootDatabase, SourceFile, TextEdit};
use analysis::ide;
use analysis::{TextRange, TextSize};
use criterion::{criterion_group, criterion_main, Criterion};

const LINES: usize = 5000;

/// The configuration, with cursor markers `$1`... `$5` removed and their offsets returned.
fn configuration() -> (String, Vec<TextSize>) {
    let mut text = String::from(
        "{ config, lib, pkgs, ... }:\nlet\n  cfg = config.services.fleet;\nin\n{\n  imports = [ ./hardware.nix ];\n\n  hardware.nvidia-jetpack.enable = true;\n  hardware.nvidia-jetpack.so$4m = \"orin-agx\";\n\n",
    );
    let mut i = 0;
    let mut block = 0;
    // The tail below adds 10 lines.
    while text.matches('\n').count() < LINES - 10 {
        // Ten-odd lines of ordinary settings per block, with jetpack settings among them.
        text.push_str(&format!(
            "  services.app{i} = {{\n    enable = true;\n    port = {port};\n    settings = {{ name = \"app{i}\"; level = \"info\"; }};\n  }};\n  systemd.services.app{i}.serviceConfig.ExecStart = \"${{pkgs.hello}}/bin/hello --id {i}\";\n  users.users.u{i} = {{ isNormalUser = true; extraGroups = [ \"video\" ]; }};\n",
            port = 8000 + i
        ));
        if i % 7 == 0 {
            text.push_str(&format!(
                "  hardware.nvidia-jetpack.firmware.uefi.debugMode = {};\n",
                i % 2 == 0
            ));
        }
        if i % 11 == 0 {
            text.push_str(
                "  config = lib.mkIf cfg.enable {\n    services.nvpmodel.profileNumber = 0;\n    environment.etc.\"fleet.conf\".text = ''\n      id = ${toString cfg.id}\n    '';\n  };\n",
            );
        }
        block += 1;
        // The dangling dot of someone typing, halfway down.
        if block == 250 {
            text.push_str("  hardware.nvidia-jetpack.$1\n");
        }
        i += 1;
    }
    text.push_str(
        "  hardware.nvidia-jetpack = {\n    carrierBoard = \"devkit\";\n    firmware.uefi = {\n      $2\n    };\n    majorVersion = \"$3\";\n  };\n  networking.hostName = \"orin\";\n  boot.loader.systemd-boot.enable = true;\n  services.nvfancontrol.ena$5ble = true;\n}\n",
    );
    let positions: Vec<usize> = (1..=5)
        .map(|n| text.find(&format!("${n}")).expect("marker"))
        .collect();
    // Each marker is two bytes; the ones before a marker shift it.
    let offsets = positions
        .iter()
        .map(|&p| {
            let before = positions.iter().filter(|&&q| q < p).count();
            TextSize::from((p - 2 * before) as u32)
        })
        .collect();
    for n in 1..=5 {
        text = text.replacen(&format!("${n}"), "", 1);
    }
    (text, offsets)
}

fn host(text: &str) -> AnalysisHost {
    let mut host = AnalysisHost::default();
    let mut change = Change::default();
    change.set_file(
        "/w/flake.nix",
        "{\n  inputs.jetpack.url = \"github:anduril/jetpack-nixos\";\n  outputs = { self, jetpack }: { };\n}\n",
    );
    change.set_file("/w/configuration.nix", text.to_string());
    change.set_file("/w/hardware.nix", "{ }\n");
    host.apply_change(change);
    host
}

fn file(db: &RootDatabase) -> SourceFile {
    analysis::db::file_by_path(db, "/w/configuration.nix").expect("loaded")
}

type Request = fn(&RootDatabase, SourceFile, TextSize) -> usize;

fn cases(offsets: &[TextSize]) -> Vec<(&'static str, TextSize, Request)> {
    let completion: Request = |db, f, o| ide::completion(db, f, o).len();
    let hover: Request = |db, f, o| usize::from(ide::hover(db, f, o).is_some());
    vec![
        ("completion/dangling_dot_mid_file", offsets[0], completion),
        ("completion/nested_attrset_end", offsets[1], completion),
        ("completion/enum_value_in_string", offsets[2], completion),
        ("hover/option_near_top", offsets[3], hover),
        ("hover/option_near_end", offsets[4], hover),
    ]
}

/// p50 / p99 / max of 1,000 requests per case, printed before criterion runs.
fn percentiles(host: &AnalysisHost, offsets: &[TextSize]) {
    let db = host.snapshot();
    let f = file(&db);
    println!(
        "\n{:<40} {:>6} {:>10} {:>10} {:>10}",
        "case (1,000 requests)", "items", "p50", "p99", "max"
    );
    for (name, offset, request) in cases(offsets) {
        let items = request(&db, f, offset);
        assert!(items > 0, "{name} found nothing");
        let mut times: Vec<Duration> = (0..1000)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(request(&db, f, offset));
                start.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "{name:<40} {items:>6} {:>10.1?} {:>10.1?} {:>10.1?}",
            times[499], times[989], times[999]
        );
    }
    println!();
}

/// The first completion after an edit elsewhere in the file: what the editor waits for while
/// typing, including the reparse and whatever else the edit invalidates (this is where the
/// incremental reparse of the language server matters; the requests above reuse the parse).
fn after_edit(text: &str, offsets: &[TextSize]) {
    let mut host = host(text);
    let mut times = Vec::new();
    // The value of the first `level = "info"`: where each round types.
    let at = text.find("level = \"info\"").expect("a level setting") + "level = \"".len();
    let value = TextRange::at(TextSize::new(at as u32), TextSize::new(4));
    for round in 0..30 {
        // An edit inside a string near the top, of the same length, so the cursor offsets
        // stay valid; sent as an edit, as the language server does, so the file is reparsed
        // incrementally.
        let level = if round % 2 == 0 { "warn" } else { "info" };
        let mut edited = text.to_string();
        edited.replace_range(at..at + 4, level);
        let mut change = Change::default();
        change.edit_file(
            "/w/configuration.nix",
            edited,
            vec![TextEdit {
                range: value,
                insert: level.to_string(),
            }],
        );
        host.apply_change(change);
        let db = host.snapshot();
        let f = file(&db);
        let start = Instant::now();
        let items = ide::completion(&db, f, offsets[1]);
        times.push(start.elapsed());
        std::hint::black_box(items);
    }
    times.sort();
    println!(
        "{:<40} {:>6} {:>10.1?} {:>10} {:>10.1?}\n",
        "completion/first_after_an_edit (30)", "", times[15], "", times[29]
    );
}

fn bench(c: &mut Criterion) {
    let (text, offsets) = configuration();
    let lines = text.lines().count();
    assert!((LINES..LINES + 12).contains(&lines), "{lines} lines");
    println!("\nconfiguration.nix: {lines} lines, {} bytes", text.len());
    let host = host(&text);
    percentiles(&host, &offsets);
    after_edit(&text, &offsets);
    let db = host.snapshot();
    let f = file(&db);
    for (name, offset, request) in cases(&offsets) {
        c.bench_function(name, |b| b.iter(|| request(&db, f, offset)));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
