//! Benchmarks of `flakelint check` against the budgets of SPEC §7 (see `BENCHMARKS.md`):
//!
//! - `example/*`: the bundled example flake, in process (`check::run`, warm) and as a fresh
//!   process of the built binary (cold process, warm page cache), next to the bare cost of
//!   starting that binary.
//! - `tree/*`: a generated tree of ~3,250 `.nix` files (~5.4 MB, the size of home-manager),
//!   parsed bare by rnix (read + `rnix::Root::parse`) in process and as a fresh process, and
//!   linted by `check::run` in process and by the binary, on both cores and on one. Parsing is
//!   the floor of `check`; the budget is 80% of its throughput. This executable allocates with
//!   the binary's allocator (mimalloc), so both sides are measured on the same footing.
//! - `real/*` (only with `FLAKELINT_BENCH_REAL_TREE=DIR`): the same on a real tree.
//!
//! The tree is generated deterministically (a fixed-seed generator, no `rand`) in a temporary
//! directory at the start of the run, so every run lints the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use flakelint::check::{self, CheckOptions};
use flakelint::render::Format;
use rayon::prelude::*;

/// Worker stacks as large as the binary's (`main.rs`), so the library runs as the binary does.
const STACK_SIZE: usize = 16 * 1024 * 1024;

/// The binary's allocator (`main.rs`), so that bare parsing and `check` in this process
/// allocate as the binary does: the floor is measured on the same footing.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Set to a directory, this benchmark's executable parses that tree bare and exits: the floor
/// measured as a fresh process, as `check_process` measures the binary.
const BARE_PROCESS_ENV: &str = "FLAKELINT_BENCH_BARE_PARSE";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository root exists")
}

fn options(path: PathBuf) -> CheckOptions {
    CheckOptions {
        paths: vec![path],
        format: Format::Concise,
        config: None,
        select: None,
        ignore: Vec::new(),
        exit_zero: true,
        fix: false,
        jetpack_source: None,
        color: false,
    }
}

fn run_check(options: &CheckOptions) -> i32 {
    let code = check::run(options, &mut std::io::sink(), &mut std::io::sink())
        .unwrap_or_else(|e| panic!("check failed: {}", e.0));
    assert_eq!(code, 0, "--exit-zero gives 0 unless a file is unreadable");
    code
}

fn example(c: &mut Criterion) {
    let root = repo_root();
    let example = options(root.join("test-data/example"));
    let mut group = c.benchmark_group("example");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    group.bench_function("check_in_process", |b| {
        b.iter(|| black_box(run_check(&example)))
    });
    // The command of SPEC §7, run from the repository's root.
    group.bench_function("check_cold_process", |b| {
        b.iter(|| spawn_check(&root, "test-data/example"))
    });
    // What any run of the binary costs before `check` does anything: exec, dynamic linking;
    // the rayon pool is not even built. The floor under `check_cold_process`.
    group.bench_function("version_cold_process", |b| {
        b.iter(|| spawn_flakelint(&root, &["--version"]))
    });
    group.finish();
}

/// Runs the binary Cargo built for this benchmark (the bench profile is the release profile).
fn spawn_flakelint(cwd: &Path, args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_flakelint"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the flakelint binary runs");
    assert_eq!(status.code(), Some(0), "flakelint {args:?} failed");
}

/// `flakelint check PATH --format concise --exit-zero`, run in `cwd`.
fn spawn_check(cwd: &Path, path: &str) {
    spawn_flakelint(cwd, &["check", path, "--format", "concise", "--exit-zero"]);
}

fn tree(c: &mut Criterion) {
    let dir = tempfile::Builder::new()
        .prefix("flakelint-bench-")
        .tempdir()
        .expect("a temporary directory");
    // `FLAKELINT_BENCH_TREE=DIR` generates the tree there and keeps it, for `hyperfine` or for
    // running other linters on the same files.
    let root = match std::env::var_os("FLAKELINT_BENCH_TREE") {
        Some(kept) => {
            let kept = PathBuf::from(kept);
            if kept.exists() {
                fs::remove_dir_all(&kept).expect("FLAKELINT_BENCH_TREE can be replaced");
            }
            fs::create_dir_all(&kept).expect("FLAKELINT_BENCH_TREE can be created");
            kept
        }
        None => dir.path().to_path_buf(),
    };
    let root = root.canonicalize().expect("the tree's directory");
    let tree = generate_tree(&root, &repo_root().join("test-data/locks"));
    let git = git_add_all(&root);
    // Let the kernel write the new files back now rather than during the measurements.
    let _ = Command::new("sync").status();
    eprintln!(
        "generated tree: {} .nix files ({} bytes, {} lines), {} flake.lock files, {}",
        tree.nix_files.len(),
        tree.nix_bytes,
        tree.nix_lines,
        tree.lock_files,
        if git {
            "tracked in a git index"
        } else {
            "no git index (git is not installed)"
        }
    );
    lint_benchmarks(c, "tree", &root, &tree.nix_files, tree.nix_bytes);
}

/// `FLAKELINT_BENCH_REAL_TREE=DIR`: the same measurements on a real tree (home-manager, say),
/// to check that the generated tree behaves like real code.
fn real_tree(c: &mut Criterion) {
    let Some(root) = std::env::var_os("FLAKELINT_BENCH_REAL_TREE") else {
        return;
    };
    let root = PathBuf::from(root)
        .canonicalize()
        .expect("FLAKELINT_BENCH_REAL_TREE exists");
    let mut nix_files = Vec::new();
    find_nix_files(&root, &mut nix_files);
    nix_files.sort();
    let bytes = nix_files
        .iter()
        .map(|p| fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    eprintln!(
        "real tree {}: {} .nix files ({bytes} bytes)",
        root.display(),
        nix_files.len()
    );
    lint_benchmarks(c, "real", &root, &nix_files, bytes);
}

fn find_nix_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() && entry.file_name() != ".git" {
            find_nix_files(&path, out);
        } else if file_type.is_file() && path.extension().is_some_and(|e| e == "nix") {
            out.push(path);
        }
    }
}

/// Bare parsing against `check` (in process and as the binary), on both cores and on one.
fn lint_benchmarks(c: &mut Criterion, name: &str, root: &Path, nix_files: &[PathBuf], bytes: u64) {
    let lint = options(root.to_path_buf());
    // Sanity: the whole tree is linted, and the findings are few (the generated tree is clean
    // but for the deliberate findings of the copied lock fixtures).
    let mut output = Vec::new();
    check::run(&lint, &mut output, &mut std::io::sink()).expect("check runs");
    let output = String::from_utf8_lossy(&output);
    let summary = output.lines().find(|l| l.starts_with("Found"));
    eprintln!("check of {name}: {}", summary.unwrap_or("no findings"));

    let one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .stack_size(STACK_SIZE)
        .build()
        .expect("a one-thread pool");

    let mut group = c.benchmark_group(name);
    group
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        .sample_size(15)
        .throughput(Throughput::Bytes(bytes));
    let cores = rayon::current_num_threads();
    group.bench_function(
        BenchmarkId::new("parse_bare", format!("{cores}_cores")),
        |b| {
            b.iter(|| {
                nix_files
                    .par_iter()
                    .map(|path| parse_bare(path))
                    .sum::<usize>()
            })
        },
    );
    // The same as a fresh process: exec, walk, thread pool, read, parse, exit.
    group.bench_function(
        BenchmarkId::new("parse_bare_process", format!("{cores}_cores")),
        |b| b.iter(|| spawn_bare_parse(root)),
    );
    group.bench_function(BenchmarkId::new("check", format!("{cores}_cores")), |b| {
        b.iter(|| black_box(run_check(&lint)))
    });
    // What a user waits for: the binary, which leaves freeing its memory to the OS.
    group.bench_function(
        BenchmarkId::new("check_process", format!("{cores}_cores")),
        |b| b.iter(|| spawn_check(root, ".")),
    );
    group.bench_function(BenchmarkId::new("parse_bare", "1_core"), |b| {
        b.iter(|| nix_files.iter().map(|path| parse_bare(path)).sum::<usize>())
    });
    group.bench_function(BenchmarkId::new("check", "1_core"), |b| {
        b.iter(|| one_core.install(|| black_box(run_check(&lint))))
    });
    group.finish();
}

/// What any linter built on rnix must do at least: read the file and parse it.
fn parse_bare(path: &Path) -> usize {
    let text = fs::read_to_string(path).expect("a readable .nix file");
    let parse = rnix::Root::parse(&text);
    black_box(parse.errors().len())
}

/// Runs this executable as a bare parser of the tree at `root` (see [`BARE_PROCESS_ENV`]).
fn spawn_bare_parse(root: &Path) {
    let status = Command::new(std::env::current_exe().expect("the benchmark's executable"))
        .env(BARE_PROCESS_ENV, root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the benchmark's executable runs");
    assert_eq!(status.code(), Some(0), "the bare parse failed");
}

/// The bare parser's process: find the `.nix` files, read and parse them on both cores, exit.
fn bare_parse_process(root: &Path) -> ! {
    rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build_global()
        .expect("the global rayon pool is built once");
    let mut nix_files = Vec::new();
    find_nix_files(root, &mut nix_files);
    let errors: usize = nix_files.par_iter().map(|path| parse_bare(path)).sum();
    black_box(errors);
    std::process::exit(0)
}

fn main() {
    if let Some(root) = std::env::var_os(BARE_PROCESS_ENV) {
        bare_parse_process(Path::new(&root));
    }
    rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build_global()
        .expect("the global rayon pool is built once");
    // Cargo runs benchmarks in the package directory; keep criterion's reports in the
    // workspace's target directory rather than a second one under `server/`.
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let mut c = Criterion::default()
        .output_directory(&target_dir.join("criterion"))
        .configure_from_args();
    example(&mut c);
    tree(&mut c);
    real_tree(&mut c);
    c.final_summary();
}

/// Puts the tree in a git index, as a real checkout is, so `check` reads an index of thousands
/// of entries and `untracked-file` runs against it. Returns false without git.
fn git_add_all(root: &Path) -> bool {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    git(&["init", "-q"]) && git(&["add", "-A"])
}

// ---------------------------------------------------------------------------------------------
// The generated tree

/// xorshift64*: deterministic, good enough to vary sizes and shapes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

struct Tree {
    nix_files: Vec<PathBuf>,
    nix_bytes: u64,
    nix_lines: usize,
    lock_files: usize,
}

/// Module categories, like home-manager's `modules/programs`, `modules/services`, ...
const CATEGORIES: &[&str] = &[
    "programs",
    "services",
    "hardware",
    "networking",
    "security",
    "system",
    "virtualisation",
    "misc",
    "i18n",
    "boot",
    "desktop",
    "development",
    "jetson",
    "tests",
];
const WORDS: &[&str] = &[
    "alpha", "bluez", "cuda", "dbus", "edge", "fan", "gpio", "hdmi", "i2c", "jack", "kernel",
    "lidar", "mqtt", "nvpmodel", "opencv", "pipewire", "qemu", "ros", "sensor", "tegra", "udev",
    "vpn", "wifi", "xorg", "yubikey", "zram", "camera", "docker", "flash", "argus",
];
const TYPES: &[&str] = &[
    "types.bool",
    "types.str",
    "types.int",
    "types.port",
    "types.path",
    "(types.listOf types.str)",
    "(types.attrsOf types.str)",
    "(types.nullOr types.package)",
    "(types.enum [ \"low\" \"medium\" \"high\" ])",
    "(types.submodule { options.name = mkOption { type = types.str; }; })",
];

/// ~3,300 `.nix` files of 20–400 lines under 14 categories of ~190 modules each, every
/// category with a `default.nix` importing its modules (and the top `default.nix` importing
/// the category directories), plus one copy of each flake of `test-data/locks` with its
/// `flake.lock` and 40 modules of its own.
fn generate_tree(root: &Path, locks: &Path) -> Tree {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut lock_files = 0;

    let per_category = 190;
    for (c, category) in CATEGORIES.iter().enumerate() {
        let dir = root.join("modules").join(category);
        let names: Vec<String> = (0..per_category)
            .map(|i| format!("{}-{i}.nix", WORDS[(i * 7 + c) % WORDS.len()]))
            .collect();
        for (i, name) in names.iter().enumerate() {
            let mut imports: Vec<String> = Vec::new();
            // Some modules import siblings and, now and then, a module of another category.
            for _ in 0..rng.below(3) {
                imports.push(format!("./{}", names[rng.below(names.len())]));
            }
            if rng.below(8) == 0 {
                let other = rng.below(CATEGORIES.len());
                let j = rng.below(per_category);
                imports.push(format!(
                    "../{}/{}-{j}.nix",
                    CATEGORIES[other],
                    WORDS[(j * 7 + other) % WORDS.len()]
                ));
            }
            let text = module(&mut rng, category, i, &imports);
            files.push((dir.join(name), text));
        }
        let list: Vec<String> = names.iter().map(|n| format!("./{n}")).collect();
        files.push((dir.join("default.nix"), import_list(&list)));
    }
    let list: Vec<String> = CATEGORIES.iter().map(|c| format!("./{c}")).collect();
    files.push((root.join("modules/default.nix"), import_list(&list)));

    // Flakes: the lock fixtures' flake.nix and flake.lock, written by Nix, with modules.
    let mut fixtures: Vec<PathBuf> = fs::read_dir(locks)
        .expect("test-data/locks")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("flake.nix").is_file() && p.join("flake.lock").is_file())
        .collect();
    fixtures.sort();
    for fixture in &fixtures {
        let name = fixture.file_name().expect("a fixture directory");
        let dir = root.join("hosts").join(name);
        for file in ["flake.nix", "flake.lock"] {
            let text = fs::read_to_string(fixture.join(file)).expect("a fixture file");
            if file == "flake.lock" {
                lock_files += 1;
            }
            files.push((dir.join(file), text));
        }
        let names: Vec<String> = (0..40).map(|i| format!("host-{i}.nix")).collect();
        for i in 0..names.len() {
            let imports = if i > 0 {
                vec![format!("./{}", names[rng.below(i)])]
            } else {
                vec!["../../../modules".to_string()]
            };
            let text = module(&mut rng, "hosts", i, &imports);
            files.push((dir.join("modules").join(&names[i]), text));
        }
    }

    let mut tree = Tree {
        nix_files: Vec::new(),
        nix_bytes: 0,
        nix_lines: 0,
        lock_files,
    };
    for (path, text) in files {
        fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
        fs::write(&path, &text).expect("a written file");
        if path.extension().is_some_and(|e| e == "nix") {
            tree.nix_bytes += text.len() as u64;
            tree.nix_lines += text.lines().count();
            tree.nix_files.push(path);
        }
    }
    tree
}

fn import_list(paths: &[String]) -> String {
    let mut s = String::from("{\n  imports = [\n");
    for p in paths {
        let _ = writeln!(s, "    {p}");
    }
    s.push_str("  ];\n}\n");
    s
}

/// The number of lines a module aims at: mostly 20–120, a tail up to 400.
fn module_lines(rng: &mut Rng) -> usize {
    if rng.below(25) == 0 {
        200 + rng.below(201)
    } else {
        let exponential = -(1.0 - rng.unit()).ln() * 23.0;
        (20 + exponential as usize).min(400)
    }
}

/// A NixOS module in the style of nixpkgs and home-manager: a `let` block, `imports`, option
/// declarations with `mkOption`, and a `config = mkIf cfg.enable { ... }` of attribute sets,
/// lists and interpolated strings.
fn module(rng: &mut Rng, category: &str, index: usize, imports: &[String]) -> String {
    let target = module_lines(rng);
    let name = format!("{}{index}", rng.pick(WORDS));
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {category}/{name}: generated for the flakelint benchmarks."
    );
    s.push_str("{ config, lib, pkgs, ... }:\n\n");
    s.push_str("let\n");
    let _ = writeln!(s, "  cfg = config.{category}.{name};");
    s.push_str("  inherit (lib) mkEnableOption mkIf mkOption types literalExpression;\n");
    let _ = writeln!(
        s,
        "  configFile = pkgs.writeText \"{name}.conf\" (lib.generators.toINI {{ }} cfg.settings);"
    );
    s.push_str("in\n{\n");
    if !imports.is_empty() {
        s.push_str("  imports = [\n");
        for i in imports {
            let _ = writeln!(s, "    {i}");
        }
        s.push_str("  ];\n\n");
    }
    let _ = writeln!(s, "  options.{category}.{name} = {{");
    let _ = writeln!(s, "    enable = mkEnableOption \"the {name} service\";");
    // Options take about half the lines, the configuration the rest.
    let mut option = 0;
    while s.lines().count() < target / 2 {
        option_decl(rng, &mut s, &name, option);
        option += 1;
    }
    s.push_str("  };\n\n  config = mkIf cfg.enable {\n");
    let mut block = 0;
    while s.lines().count() + 3 < target {
        config_block(rng, &mut s, &name, block);
        block += 1;
    }
    s.push_str("  };\n}\n");
    s
}

fn option_decl(rng: &mut Rng, s: &mut String, name: &str, n: usize) {
    let word = rng.pick(WORDS);
    let ty = rng.pick(TYPES);
    let _ = writeln!(s, "    {word}{n} = mkOption {{");
    let _ = writeln!(s, "      type = {ty};");
    match rng.below(5) {
        0 => s.push_str("      default = null;\n"),
        1 => {
            let _ = writeln!(s, "      default = [ \"{word}\" \"{name}\" ];");
        }
        2 => {
            let _ = writeln!(s, "      default = {{ {word} = \"on\"; level = {n}; }};");
        }
        3 => {
            let _ = writeln!(
                s,
                "      default = \"${{config.networking.hostName}}-{word}\";"
            );
            let _ = writeln!(
                s,
                "      defaultText = literalExpression ''\"${{config.networking.hostName}}-{word}\"'';"
            );
        }
        _ => {
            let _ = writeln!(s, "      default = {};", 1000 + rng.below(9000));
        }
    }
    if rng.below(3) == 0 {
        let _ = writeln!(
            s,
            "      example = literalExpression \"{{ {word} = true; }}\";"
        );
    }
    s.push_str("      description = ''\n");
    let _ = writeln!(
        s,
        "        How {name} handles {word}; see the {word} documentation for the values"
    );
    s.push_str("        it accepts. Applied when `enable` is set.\n");
    s.push_str("      '';\n    };\n");
}

fn config_block(rng: &mut Rng, s: &mut String, name: &str, n: usize) {
    let word = rng.pick(WORDS);
    match rng.below(6) {
        0 => {
            let _ = writeln!(s, "    systemd.services.{name}-{word}{n} = {{");
            let _ = writeln!(s, "      description = \"{name} {word} worker\";");
            s.push_str("      wantedBy = [ \"multi-user.target\" ];\n");
            s.push_str("      after = [ \"network-online.target\" ];\n");
            s.push_str("      serviceConfig = {\n");
            let _ = writeln!(
                s,
                "        ExecStart = \"${{pkgs.{word}}}/bin/{word} --config ${{configFile}} --port ${{toString cfg.port}}\";"
            );
            s.push_str("        Restart = \"on-failure\";\n        DynamicUser = true;\n");
            s.push_str("      };\n    };\n");
        }
        1 => {
            s.push_str("    environment.systemPackages = with pkgs; [\n");
            for _ in 0..2 + rng.below(5) {
                let _ = writeln!(s, "      {}", rng.pick(WORDS));
            }
            s.push_str("    ];\n");
        }
        2 => {
            let _ = writeln!(s, "    environment.etc.\"{name}/{word}{n}.conf\".text = ''");
            let _ = writeln!(s, "      # written by the {name} module");
            let _ = writeln!(s, "      {word}=${{lib.boolToString cfg.enable}}");
            s.push_str(
                "      hosts=${lib.concatStringsSep \",\" (map (h: \"${h}:22\") cfg.hosts)}\n",
            );
            s.push_str("    '';\n");
        }
        3 => {
            let _ = writeln!(s, "    users.users.{word}{n} = let");
            s.push_str("      groups = [ \"video\" \"dialout\" ];\n");
            let _ = writeln!(s, "      home = \"/var/lib/{name}/{word}\";");
            s.push_str("    in {\n");
            s.push_str("      isSystemUser = true;\n      inherit home;\n");
            s.push_str("      extraGroups = groups ++ lib.optional cfg.enable \"gpio\";\n");
            s.push_str("    };\n");
        }
        4 => {
            let _ = writeln!(s, "    assertions = [");
            s.push_str("      {\n");
            let _ = writeln!(s, "        assertion = cfg.{word} != null -> cfg.enable;");
            let _ = writeln!(
                s,
                "        message = \"{name}: `{word}` needs ${{toString cfg.enable}}\";"
            );
            s.push_str("      }\n    ];\n");
        }
        _ => {
            let _ = writeln!(
                s,
                "    networking.firewall.allowedTCPPorts = lib.optionals cfg.openFirewall [ {} ];",
                1024 + rng.below(60000)
            );
            let _ = writeln!(
                s,
                "    boot.kernelModules = if cfg.{word} then [ \"{word}\" ] else [ ];"
            );
        }
    }
}
