//! The `flakelint` binary: the command line over the `flakelint` library (loading, `check`,
//! renderers).

use flakelint::{check, render};

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
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // The process exits next: the analysis state is not worth freeing.
    let result = check::run_before_exit(&options, &mut out, &mut std::io::stderr());
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
