//! The analysis engine of flakelint: parsing, the flake and lock models, and the rules, all as
//! salsa queries over inputs that the server sets.
//!
//! Invariants: no file or network IO, no tokio, no LSP or JSON output types. Positions are byte
//! offsets (`TextRange`); lines and columns are computed by whoever presents them.

pub mod config;
pub mod db;
pub mod diagnostic;
#[doc(hidden)]
pub mod fixture;
pub mod flake;
pub mod flake_ref;
pub mod git;
pub mod ide;
pub mod json;
pub mod lints;
pub mod lock;
pub mod modules;
pub mod options;
pub mod path_refs;
pub mod paths;
pub mod reparse;
pub mod settings;
pub mod store_path;
pub mod syntax;
pub mod systems;

pub use rowan::{TextRange, TextSize};
