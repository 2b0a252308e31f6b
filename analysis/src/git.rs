//! Which paths git tracks. The index is read by the loader (server/) and handed in as data:
//! for each repository, its work tree and the sorted list of paths in its index (staged files
//! included, since flakes see them).

use crate::paths;

/// Every git repository the loader found, with the paths of its index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GitState {
    pub repos: Vec<GitRepo>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitRepo {
    /// Absolute path of the work tree.
    pub workdir: String,
    /// Paths relative to `workdir`, `/`-separated, sorted.
    pub tracked: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tracking {
    /// The path, or for a directory something below it, is in the index.
    Tracked,
    /// Inside a repository but not in its index.
    Untracked,
    /// In no repository the loader knows: a plain directory flake sees every file.
    NoRepository,
}

impl GitState {
    /// The innermost repository containing `path`.
    pub fn repo_of(&self, path: &str) -> Option<&GitRepo> {
        self.repos
            .iter()
            .filter(|r| paths::strip_dir(path, &r.workdir).is_some())
            .max_by_key(|r| r.workdir.len())
    }

    pub fn tracking(&self, path: &str) -> Tracking {
        let Some(repo) = self.repo_of(path) else {
            return Tracking::NoRepository;
        };
        match paths::strip_dir(path, &repo.workdir) {
            Some(rel) if repo.is_tracked(rel) => Tracking::Tracked,
            _ => Tracking::Untracked,
        }
    }
}

impl GitRepo {
    /// Whether `rel` itself is an index entry (a file, a symlink or a submodule), not just a
    /// directory with entries below it.
    pub fn has_entry(&self, rel: &str) -> bool {
        self.tracked
            .binary_search_by(|p| p.as_str().cmp(rel))
            .is_ok()
    }

    /// A file in the index, or a directory with a file below it in the index.
    pub fn is_tracked(&self, rel: &str) -> bool {
        if rel.is_empty() {
            return true;
        }
        let i = self.tracked.partition_point(|p| p.as_str() < rel);
        match self.tracked.get(i) {
            Some(p) if p == rel => true,
            // The first entry at or after `rel/` decides whether the directory has tracked files.
            _ => {
                let dir = format!("{rel}/");
                let j = i + self.tracked[i..].partition_point(|p| p.as_str() < dir.as_str());
                self.tracked.get(j).is_some_and(|p| p.starts_with(&dir))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_directories() {
        let mut tracked = vec!["a.nix", "dir/b.nix", "dir-x/c.nix", "sub/flake.nix"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        tracked.sort();
        let state = GitState {
            repos: vec![GitRepo {
                workdir: "/r".into(),
                tracked,
            }],
        };
        assert_eq!(state.tracking("/r/a.nix"), Tracking::Tracked);
        assert_eq!(state.tracking("/r/dir"), Tracking::Tracked);
        assert_eq!(state.tracking("/r/di"), Tracking::Untracked);
        assert_eq!(state.tracking("/r/b.nix"), Tracking::Untracked);
        assert_eq!(state.tracking("/r"), Tracking::Tracked);
        assert_eq!(state.tracking("/elsewhere/x"), Tracking::NoRepository);
    }
}
