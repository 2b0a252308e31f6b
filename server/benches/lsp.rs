//! The language server as an editor sees it: the built binary driven over stdio.
//!
//! - Edit-to-diagnostics latency (SPEC §7: under 30 ms for a 10,000-line file): in a NixOS
//!   module of 10,000 and of 20,000 lines, one keystroke at a time (a character typed into or
//!   deleted from a string halfway down), the time from sending `didChange` to receiving the
//!   `publishDiagnostics` of that version. It includes the server's 10 ms quiet time before it
//!   computes diagnostics. p50 / p99 / max over 200 keystrokes after 20 for warming up.
//! - Resident memory (SPEC §7: under 100 MB with a jetpack configuration open): `VmRSS` and
//!   `VmHWM` (the peak) of the server process from `/proc`, with `test-data/example`'s
//!   `configuration.nix` and `flake.nix` open and their diagnostics published; again after the
//!   20,000-line file.
//!
//! Manual timing (no criterion): each sample is a round trip through a real process.
//! `cargo bench --bench lsp`.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "../../tests/support/lsp_client.rs"]
mod lsp_client;
use lsp_client::{copy_dir, repo_root, uri, Client};

const WARMUP: usize = 20;
const SAMPLES: usize = 200;

/// A NixOS module of about `lines` lines: ordinary settings in blocks, jetpack settings among
/// them, and a string in the middle where the keystrokes go (its line is returned).
fn module(lines: usize) -> (String, u32) {
    let mut text = String::from(
        "{ config, lib, pkgs, ... }:\n{\n  hardware.nvidia-jetpack.enable = true;\n  hardware.nvidia-jetpack.som = \"orin-agx\";\n",
    );
    let mut i = 0;
    let mut edit_line = 0;
    while text.matches('\n').count() < lines - 2 {
        text.push_str(&format!(
            "  services.app{i} = {{\n    enable = true;\n    port = {};\n    settings = {{ name = \"app{i}\"; level = \"info\"; }};\n  }};\n  systemd.services.app{i}.serviceConfig.ExecStart = \"${{pkgs.hello}}/bin/hello --id {i}\";\n  users.users.u{i} = {{ isNormalUser = true; extraGroups = [ \"video\" ]; }};\n",
            8000 + i
        ));
        if i % 7 == 0 {
            text.push_str("  hardware.nvidia-jetpack.firmware.uefi.debugMode = false;\n");
        }
        if edit_line == 0 && text.matches('\n').count() >= lines / 2 {
            edit_line = text.matches('\n').count() as u32;
            text.push_str("  networking.hostName = \"orin\";\n");
        }
        i += 1;
    }
    text.push_str("}\n");
    (text, edit_line)
}

fn memory(client: &Client) -> (u64, u64) {
    let status =
        fs::read_to_string(format!("/proc/{}/status", client.child.id())).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Waits for the diagnostics of `target` published for `version`.
fn wait_version(client: &mut Client, target: &str, version: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let m = client
            .next_message(deadline)
            .expect("diagnostics within a minute");
        if m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == target
            && m["params"]["version"] == version
        {
            return;
        }
    }
}

fn latency(dir: &Path, lines: usize) -> Vec<Duration> {
    let (text, line) = module(lines);
    let path = dir.join(format!("big{lines}.nix"));
    fs::write(&path, &text).unwrap();
    let target = uri(&path);
    let mut client = Client::start();
    client.initialize(dir, json!({}), Value::Null);
    client.open(&path, &text);
    wait_version(&mut client, &target, 1);
    // Inside `"orin"`: type a character, delete it, type, delete...
    let col = "  networking.hostName = \"or".len() as u32;
    let mut samples = Vec::new();
    for n in 0..WARMUP + SAMPLES {
        let version = n as i64 + 2;
        let change = if n % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": ""})
        };
        let start = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": target, "version": version}, "contentChanges": [change]}),
        );
        wait_version(&mut client, &target, version);
        if n >= WARMUP {
            samples.push(start.elapsed());
        }
    }
    let (rss, hwm) = memory(&client);
    println!(
        "lsp/memory/after_{lines}_lines: VmRSS {:.1} MB, VmHWM {:.1} MB",
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    client.shutdown();
    samples.sort();
    samples
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that names nothing here skips the run.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if !filter.is_empty()
        && !filter
            .iter()
            .any(|f| "lsp".contains(f.as_str()) || f.contains("lsp"))
    {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = fs::canonicalize(tmp.path()).unwrap().join("example");
    copy_dir(&repo_root().join("test-data/example"), &dir);

    // Memory with the jetpack configuration open.
    let mut client = Client::start();
    client.initialize(&dir, json!({}), Value::Null);
    for name in ["configuration.nix", "flake.nix"] {
        let path = dir.join(name);
        client.open(&path, &fs::read_to_string(&path).unwrap());
        wait_version(&mut client, &uri(&path), 1);
    }
    let (rss, hwm) = memory(&client);
    println!(
        "lsp/memory/example_open: VmRSS {:.1} MB, VmHWM {:.1} MB (budget 100 MB)",
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    client.shutdown();

    for lines in [10_000, 20_000] {
        let samples = latency(&dir, lines);
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "lsp/edit_to_diagnostics/{lines}_lines: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} keystrokes{}",
            ms(percentile(&samples, 0.5)),
            ms(percentile(&samples, 0.99)),
            ms(*samples.last().unwrap()),
            samples.len(),
            if lines == 10_000 { " (budget 30 ms)" } else { "" }
        );
    }
}
