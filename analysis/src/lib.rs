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

/// Helpers shared by the unit tests.
#[cfg(test)]
pub(crate) mod test_data {
    use std::path::Path;

    /// The texts of the files under the repository's `test-data/` whose extension is one of
    /// `extensions`, in path order.
    pub fn texts(extensions: &[&str]) -> Vec<String> {
        let mut paths = Vec::new();
        let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-data")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path
                    .extension()
                    .is_some_and(|e| extensions.iter().any(|x| e == *x))
                {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        paths
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }
}
