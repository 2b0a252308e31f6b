//! Noticing changes to `flake.lock`, `flakelint.toml` and `.git/index` without the client's
//! help: Neovim sends no file-watch events on Linux, so the server compares their modification
//! times (and sizes) whenever a document is opened, changed or saved. A few `stat` calls each.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::SystemTime;

/// What a file looked like when last loaded; `None` when it did not exist.
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &std::path::Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

#[derive(Default)]
pub struct Watched {
    stamps: BTreeMap<PathBuf, Stamp>,
}

impl Watched {
    /// Starts over with these paths, as they are now.
    pub fn reset(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        self.stamps = paths
            .into_iter()
            .map(|p| {
                let s = stamp(&p);
                (p, s)
            })
            .collect();
    }

    /// Whether any watched file appeared, disappeared or changed since `reset`.
    pub fn changed(&self) -> bool {
        self.stamps.iter().any(|(path, old)| stamp(path) != *old)
    }

    pub fn is_watched(&self, path: &std::path::Path) -> bool {
        self.stamps.contains_key(path)
    }
}

/// The glob patterns registered with clients that support `workspace/didChangeWatchedFiles`.
pub const GLOBS: &[&str] = &[
    "**/flake.lock",
    "**/flakelint.toml",
    "**/.git/index",
    "**/*.nix",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_creation_change_and_removal() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("flake.lock");
        let mut w = Watched::default();
        w.reset([lock.clone()]);
        assert!(!w.changed());
        std::fs::write(&lock, "{}").unwrap();
        assert!(w.changed());
        w.reset([lock.clone()]);
        assert!(!w.changed());
        std::fs::write(&lock, "{ }").unwrap();
        assert!(w.changed());
        w.reset([lock.clone()]);
        std::fs::remove_file(&lock).unwrap();
        assert!(w.changed());
    }
}
