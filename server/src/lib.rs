//! The `flakelint` server crate: loading files from disk, the commands, and the renderers. The
//! binary (`main.rs`) is the command line over it; benchmarks and tests drive it directly.
//!
//! Invariant: the only crate that does IO or knows output formats; the analysis it runs is the
//! `analysis` crate's, unchanged. It never runs `git`, `nix` or any other program.

pub mod check;
pub mod git_index;
pub mod inputs;
pub mod jetpack_source;
pub mod load;
pub mod lsp;
pub mod modules_cmd;
pub mod options_cmd;
pub mod render;
pub mod report;
