//! Flake references (`github:owner/repo/ref`, `git+https://...?ref=x`, `path:./dir`, `nixpkgs`,
//! ...) parsed into the attribute form that `flake.lock` writes in a node's `original`, so the
//! two can be compared, and checked for the mistakes Nix would reject.

use crate::lock::LockAttrs;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlakeRefError {
    /// One sentence saying what is wrong, including the accepted forms where that helps.
    pub message: String,
}

pub fn parse_flake_ref(_url: &str) -> Result<LockAttrs, FlakeRefError> {
    Err(FlakeRefError {
        message: "not implemented".into(),
    })
}
