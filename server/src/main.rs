//! The `flakelint` binary: the command line over the `flakelint` library (loading, `check`,
//! renderers).

use flakelint::{check, inputs, render};

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use analysis::lints::Rule;
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "flakelint",
    version,
    about = "Linter for Nix flakes and NixOS configurations on NVIDIA Jetson (jetpack-nixos)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint files or directories (default: the current directory)
    Check(CheckArgs),
    /// List the rules, or print one rule's documentation
    Rule {
        /// A rule name such as `missing-follows`
        name: Option<String>,
    },
    /// List the jetpack-nixos options the analysis knows for the flake here (name, type,
    /// default, enum values, declaration), and where they came from
    Options(OptionsArgs),
    /// Show the inputs locked in flake.lock as a tree: locked revisions and dates, follows,
    /// duplicated repositories
    Inputs(InputsArgs),
    /// List the flake's NixOS configurations: their module files, jetpack-nixos's module and
    /// the overlays that reach their nixpkgs
    Modules {
        /// Print one JSON object
        #[arg(long)]
        json: bool,
        /// The flake's directory (default: the nearest directory at or above the current one
        /// holding a flake.nix)
        #[arg(long, value_name = "DIR")]
        flake: Option<PathBuf>,
    },
    /// Generate the bundled option index from a jetpack-nixos checkout (for flakelint's
    /// developers: `analysis/src/options/bundled.json`)
    #[command(hide = true)]
    BundleIndex(BundleIndexArgs),
    /// Run the language server over stdin/stdout (for editors)
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport
        #[arg(long, hide = true)]
        stdio: bool,
    },
}

#[derive(clap::Args)]
struct BundleIndexArgs {
    /// A jetpack-nixos checkout (its NixOS module is `modules/default.nix`)
    dir: PathBuf,
    /// The commit the checkout is at, recorded in the index
    #[arg(long, value_name = "COMMIT")]
    rev: String,
    /// Write the index to this file instead of stdout
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct OptionsArgs {
    /// Only options whose name starts with this (`hardware.nvidia-jetpack.firmware`)
    prefix: Option<String>,
    /// Print one JSON object
    #[arg(long)]
    json: bool,
    /// Where the jetpack-nixos source is (overrides flake.lock and `[jetpack] source`)
    #[arg(long, value_name = "DIR")]
    jetpack_source: Option<PathBuf>,
}

#[derive(clap::Args)]
struct InputsArgs {
    /// Print one JSON object instead of the tree
    #[arg(long)]
    json: bool,
    /// The flake's directory (default: the nearest directory at or above the current one
    /// holding a flake.nix)
    #[arg(long, value_name = "DIR")]
    flake: Option<PathBuf>,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to lint
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Full)]
    format: FormatArg,
    /// Use this configuration file instead of discovering `flakelint.toml`
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Run only these rules (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    select: Option<Vec<String>>,
    /// Do not run these rules (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    ignore: Vec<String>,
    /// Exit with 0 even when there are findings
    #[arg(long)]
    exit_zero: bool,
    /// Apply the safe fixes (deprecated-output, invalid-system, missing-follows) in place
    #[arg(long)]
    fix: bool,
    /// Where the jetpack-nixos source is (overrides flake.lock and `[jetpack] source`)
    #[arg(long, value_name = "DIR")]
    jetpack_source: Option<PathBuf>,
    /// When to colour the output (`NO_COLOR` is honoured by `auto`)
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Full,
    Concise,
    Json,
    Github,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Every file's syntax tree stays alive until the rules have run, on both cores at once:
/// glibc's per-thread heaps grow page by page under that load, mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // rnix and rowan recurse over deeply nested input; rayon's default 2 MiB stacks are too
    // small for what the main thread handles, so the workers get the main thread's budget.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(16 * 1024 * 1024)
        .build_global();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version are not errors; usage mistakes exit with 2 as SPEC §2 says.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Rule { name } => run_rule(name.as_deref()),
        Command::Inputs(args) => run_inputs(args),
        Command::Options(args) => {
            let options = flakelint::options_cmd::OptionsArgs {
                prefix: args.prefix,
                json: args.json,
                jetpack_source: args.jetpack_source,
            };
            with_stdout(|out| flakelint::options_cmd::run(&options, out, &mut std::io::stderr()))
        }
        Command::Modules { json, flake } => with_stdout(|out| {
            let args = flakelint::modules_cmd::ModulesArgs { json, flake };
            flakelint::modules_cmd::run(&args, out, &mut std::io::stderr())
        }),
        Command::BundleIndex(args) => run_bundle_index(args),
        Command::Lsp { stdio: _ } => flakelint::lsp::run() as u8,
    };
    ExitCode::from(code)
}

fn run_check(args: CheckArgs) -> u8 {
    let parse_rules = |names: &[String]| -> Result<Vec<Rule>, String> {
        names
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .map(|n| {
                Rule::from_name(n)
                    .ok_or_else(|| format!("unknown rule `{n}`; `flakelint rule` lists them"))
            })
            .collect()
    };
    let select = match args.select.as_deref().map(parse_rules).transpose() {
        Ok(s) => s,
        Err(e) => return fatal(&e),
    };
    let ignore = match parse_rules(&args.ignore) {
        Ok(i) => i,
        Err(e) => return fatal(&e),
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let options = check::CheckOptions {
        paths: args.paths,
        format: match args.format {
            FormatArg::Full => render::Format::Full,
            FormatArg::Concise => render::Format::Concise,
            FormatArg::Json => render::Format::Json,
            FormatArg::Github => render::Format::Github,
            FormatArg::Sarif => render::Format::Sarif,
        },
        config: args.config,
        select,
        ignore,
        exit_zero: args.exit_zero,
        fix: args.fix,
        jetpack_source: args.jetpack_source,
        color,
    };
    // The process exits next: the analysis state is not worth freeing.
    with_stdout(|out| check::run_before_exit(&options, out, &mut std::io::stderr()))
}

fn run_inputs(args: InputsArgs) -> u8 {
    let options = inputs::InputsOptions {
        flake: args.flake,
        json: args.json,
    };
    with_stdout(|out| inputs::run(&options, out, &mut std::io::stderr()))
}

/// Extracts the option tree of `<DIR>/modules/default.nix`, naming files relative to `<DIR>`, and
/// writes its bundled index. Extraction problems are warnings on stderr; a missing entry module or
/// an unwritable output exits with 2.
fn run_bundle_index(args: BundleIndexArgs) -> u8 {
    use analysis::options::{bundled, extract_tree};

    const ENTRY: &str = "modules/default.nix";
    let entry = args.dir.join(ENTRY);
    if !entry.is_file() {
        return fatal(&format!(
            "{}: no such file; expected a jetpack-nixos checkout",
            entry.display()
        ));
    }
    let tree = extract_tree(ENTRY, &mut |path| {
        std::fs::read_to_string(args.dir.join(path)).ok()
    });
    for problem in &tree.problems {
        eprintln!("flakelint: warning: {problem}");
    }
    let json = bundled::encode(&args.rev, &tree);
    eprintln!(
        "flakelint: {} options, {} renames from {} files",
        tree.options.len(),
        tree.renames.len(),
        tree.files.len()
    );
    match &args.output {
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(json.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => 0,
                Err(e) => fatal(&format!("cannot write to stdout: {e}")),
            }
        }
        Some(path) => match std::fs::write(path, json) {
            Ok(()) => 0,
            Err(e) => fatal(&format!("cannot write {}: {e}", path.display())),
        },
    }
}

/// Runs a command over a buffered stdout; a fatal error is printed and exits with 2.
fn with_stdout(run: impl FnOnce(&mut dyn Write) -> Result<i32, check::Fatal>) -> u8 {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = run(&mut out);
    let _ = out.flush();
    match result {
        Ok(code) => code as u8,
        Err(check::Fatal(message)) => fatal(&message),
    }
}

fn run_rule(name: Option<&str>) -> u8 {
    let mut out = std::io::stdout().lock();
    match name {
        None => {
            let width = Rule::ALL.iter().map(|r| r.name().len()).max().unwrap_or(0);
            for rule in Rule::ALL {
                let _ = writeln!(
                    out,
                    "{:width$}  {:7}  {}",
                    rule.name(),
                    rule.default_severity().as_str(),
                    rule.summary()
                );
            }
            0
        }
        Some(name) => match Rule::from_name(name) {
            Some(rule) => {
                let _ = write!(out, "{}", rule.doc());
                let _ = writeln!(
                    out,
                    "\nDefault severity: {}.",
                    rule.default_severity().as_str()
                );
                0
            }
            None => fatal(&format!(
                "unknown rule `{name}`; `flakelint rule` lists them"
            )),
        },
    }
}

fn fatal(message: &str) -> u8 {
    eprintln!("flakelint: {message}");
    2
}
