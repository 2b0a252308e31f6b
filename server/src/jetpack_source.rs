//! Where the jetpack-nixos source of a flake is, first match wins (SPEC §5): an explicit
//! directory (`--jetpack-source`, `[jetpack] source`, the editor setting); the root input of
//! `flake.lock` that locks jetpack-nixos (or a fork of it, recognised by its module tree), as a
//! `path` input's directory or as its `/nix/store/<hash>-source` when that exists here; else
//! the bundled index. The module tree found is extracted statically.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use analysis::config::ConfigSet;

use analysis::lock::{attr_str, parse_lock, LockNode};
use analysis::modules::is_jetpack_repo;
use analysis::options::extract_tree;
use analysis::options::index::{OptionSource, SourceKind, SourceOptions};
use analysis::store_path::source_store_path;

use crate::load::vfs_path;

/// The option sources the analysis is given (`Workspace::option_sources`): for each flake in
/// `flake_roots`, the one [`resolve`] finds (keyed by the flake's directory); and for files in
/// no flake (`flakeless_files`), the explicit source their configuration names (keyed by that
/// source's directory). Flakes and files without one get the bundled index.
pub fn sources_for(
    flake_roots: &BTreeSet<PathBuf>,
    flakeless_files: &[String],
    config: &ConfigSet,
    warnings: &mut Vec<String>,
) -> BTreeMap<String, Arc<SourceOptions>> {
    let mut sources = BTreeMap::new();
    for root in flake_roots {
        let explicit = config
            .for_file(&vfs_path(&root.join("flake.nix")))
            .jetpack_source
            .clone();
        if let Some(found) = resolve(root, explicit.as_deref(), warnings) {
            sources.insert(vfs_path(root), Arc::new(found));
        }
    }
    for file in flakeless_files {
        if let Some(dir) = config.for_file(file).jetpack_source.clone() {
            if let Entry::Vacant(slot) = sources.entry(dir.clone()) {
                if let Some(found) = resolve(Path::new(&dir), Some(&dir), warnings) {
                    slot.insert(Arc::new(found));
                }
            }
        }
    }
    sources
}

/// Resolves and extracts the source for the flake in `flake_root`. `None` means the bundled
/// index. Warnings (an explicit source that does not exist) are pushed for the user.
pub fn resolve(
    flake_root: &Path,
    explicit: Option<&str>,
    warnings: &mut Vec<String>,
) -> Option<SourceOptions> {
    resolve_with_store(flake_root, explicit, Path::new("/nix/store"), warnings)
}

/// [`resolve`] with the store directory given (tests use a temporary one).
pub fn resolve_with_store(
    flake_root: &Path,
    explicit: Option<&str>,
    store: &Path,
    warnings: &mut Vec<String>,
) -> Option<SourceOptions> {
    if let Some(dir) = explicit {
        let dir = flake_root.join(dir);
        match entry_of(&dir) {
            Some(entry) => return Some(extract(&dir, &entry, SourceKind::Explicit, None)),
            None => warnings.push(format!("the jetpack-nixos source {} has no modules/default.nix; using the lock or the bundled index", dir.display())),
        }
    }
    let lock_text = std::fs::read_to_string(flake_root.join("flake.lock")).ok()?;
    let lock = parse_lock(&lock_text).ok()?;
    let found = from_lock(flake_root, &lock, store);
    if found.is_some() {
        return found;
    }
    // The source is not here. If the lock pins a fork of jetpack-nixos, the bundled index
    // stands in for it, marked so that options the fork adds are not called unknown.
    let fork = lock.root_inputs().iter().find_map(|(name, _, _)| {
        let node = lock.node(lock.input_node(&lock.root, name)?)?;
        let ids = node.repo_identities();
        let is_jetpack = ids.iter().any(|id| is_jetpack_repo(id));
        let is_upstream = ids.iter().any(|id| id.ends_with("anduril/jetpack-nixos"));
        (is_jetpack && !is_upstream).then(|| ids.first().cloned().unwrap_or_default())
    })?;
    let bundled = analysis::options::bundled_source();
    let mut stand_in = (*bundled).clone();
    stand_in.source.stand_in_for = Some(fork);
    Some(stand_in)
}

fn from_lock(
    flake_root: &Path,
    lock: &analysis::lock::LockFile,
    store: &Path,
) -> Option<SourceOptions> {
    let mut candidates: Vec<(&LockNode, bool)> = Vec::new();
    for (name, _, _) in lock.root_inputs() {
        let Some(node) = lock.input_node(&lock.root, name).and_then(|n| lock.node(n)) else {
            continue;
        };
        let is_jetpack = node.repo_identities().iter().any(|id| is_jetpack_repo(id));
        candidates.push((node, is_jetpack));
    }
    // jetpack-nixos itself first, then any other input whose tree turns out to be a fork.
    candidates.sort_by_key(|(_, is_jetpack)| !is_jetpack);
    for (node, is_jetpack) in candidates {
        let Some((dir, kind)) = locate(flake_root, node, store) else {
            continue;
        };
        let Some(entry) = entry_of(&dir) else {
            continue;
        };
        let rev = node
            .locked
            .as_ref()
            .and_then(|l| attr_str(l, "rev"))
            .map(String::from);
        let found = extract(&dir, &entry, kind, rev);
        let declares_jetpack = found.options.iter().any(|o| {
            o.path
                .starts_with(&["hardware".to_string(), "nvidia-jetpack".to_string()])
        });
        if is_jetpack || declares_jetpack {
            return Some(found);
        }
    }
    None
}

/// The directory of a locked input on this machine: a `path` input's directory, or the store
/// path its `narHash` gives when it exists.
fn locate(flake_root: &Path, node: &LockNode, store: &Path) -> Option<(PathBuf, SourceKind)> {
    let locked = node.locked.as_ref()?;
    if attr_str(locked, "type") == Some("path") {
        let path = flake_root.join(attr_str(locked, "path")?);
        return path.is_dir().then_some((path, SourceKind::Lock));
    }
    let nix_path = source_store_path(attr_str(locked, "narHash")?)?;
    let dir = store.join(nix_path.strip_prefix("/nix/store/")?);
    dir.is_dir().then_some((dir, SourceKind::Store))
}

/// jetpack-nixos's NixOS module: `modules/default.nix` (its flake's `nixosModules.default`).
fn entry_of(dir: &Path) -> Option<PathBuf> {
    let entry = dir.join("modules/default.nix");
    entry.is_file().then_some(entry)
}

fn extract(dir: &Path, entry: &Path, kind: SourceKind, rev: Option<String>) -> SourceOptions {
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let entry = std::fs::canonicalize(entry).unwrap_or_else(|_| entry.to_path_buf());
    let tree = extract_tree(&vfs_path(&entry), &mut |path: &str| {
        // Only files of the source tree, and only ones of sensible size.
        let p = Path::new(path);
        if !p.starts_with(&root)
            || std::fs::metadata(p).map_or(true, |m| m.len() > crate::load::MAX_FILE_SIZE)
        {
            return None;
        }
        std::fs::read_to_string(p).ok()
    });
    SourceOptions {
        source: OptionSource {
            kind,
            path: Some(vfs_path(&root)),
            rev,
            stand_in_for: None,
        },
        options: tree.options,
        renames: tree.renames,
        problems: tree.problems,
        lines: tree.lines,
        rename_lines: tree.rename_lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    fn fake_jetpack() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-data/options/fake-jetpack")
    }

    fn lock_with(node: &str) -> String {
        format!(
            r#"{{"nodes": {{"root": {{"inputs": {{"nixpkgs": "nixpkgs", "jetpack": "jetpack-nixos"}}}},
              "nixpkgs": {{"locked": {{"type": "github", "owner": "NixOS", "repo": "nixpkgs", "rev": "0302c405cd9bcb1b0e05b1b0b1c7a4f1d1b1a1b1", "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}}, "original": {{"type": "github", "owner": "NixOS", "repo": "nixpkgs"}}}},
              "jetpack-nixos": {node}}}, "root": "root", "version": 7}}"#
        )
    }

    #[test]
    fn a_locked_store_path_on_disk_is_the_source() {
        // The narHash is a vector checked with Nix 2.8 (see analysis/src/store_path.rs).
        let store = tempfile::tempdir().unwrap();
        copy_dir(
            &fake_jetpack(),
            &store.path().join("1pmb65l4shli0xi5qs4z86ga1jxwiimq-source"),
        );
        let flake = tempfile::tempdir().unwrap();
        let node = r#"{"locked": {"type": "github", "owner": "anduril", "repo": "jetpack-nixos", "rev": "10effedc0ffee0000000000000000000000000000", "narHash": "sha256-i9jJgC+rnkiRG+QQ31i/KRlnOwbAnAZM/cvj73cukwU="}, "original": {"type": "github", "owner": "anduril", "repo": "jetpack-nixos"}}"#;
        std::fs::write(flake.path().join("flake.lock"), lock_with(node)).unwrap();
        let found = resolve_with_store(flake.path(), None, store.path(), &mut Vec::new())
            .expect("resolved from the store");
        assert_eq!(found.source.kind, SourceKind::Store);
        assert_eq!(
            found.source.rev.as_deref(),
            Some("10effedc0ffee0000000000000000000000000000")
        );
        assert!(found
            .source
            .path
            .unwrap()
            .ends_with("1pmb65l4shli0xi5qs4z86ga1jxwiimq-source"));
        assert!(!found.options.is_empty());
        // Without the store path on disk: the bundled index.
        let empty = tempfile::tempdir().unwrap();
        assert!(resolve_with_store(flake.path(), None, empty.path(), &mut Vec::new()).is_none());
    }

    #[test]
    fn a_fork_not_on_disk_gets_a_partial_stand_in() {
        let flake = tempfile::tempdir().unwrap();
        let node = r#"{"locked": {"type": "github", "owner": "tiiuae", "repo": "jetpack-nixos", "rev": "beecf2d7122359b17aa551d9f0aee3b73bdb891c", "narHash": "sha256-i9jJgC+rnkiRG+QQ31i/KRlnOwbAnAZM/cvj73cukwU="}, "original": {"type": "github", "owner": "tiiuae", "repo": "jetpack-nixos", "ref": "august-rebase"}}"#;
        std::fs::write(flake.path().join("flake.lock"), lock_with(node)).unwrap();
        let empty = tempfile::tempdir().unwrap();
        let found = resolve_with_store(flake.path(), None, empty.path(), &mut Vec::new()).unwrap();
        assert_eq!(found.source.kind, SourceKind::Bundled);
        assert_eq!(
            found.source.stand_in_for.as_deref(),
            Some("github.com/tiiuae/jetpack-nixos")
        );
        assert!(found.source.is_partial());
    }

    #[test]
    fn path_inputs_and_explicit_sources_win_in_order() {
        let flake = tempfile::tempdir().unwrap();
        copy_dir(&fake_jetpack(), &flake.path().join("vendor/jetpack-nixos"));
        let node = r#"{"locked": {"type": "path", "path": "./vendor/jetpack-nixos", "lastModified": 1, "narHash": "sha256-RXYYld6HteiLxP7r5ntjL4Hy8GG7mDEjw8Gfdea06EM="}, "original": {"type": "path", "path": "./vendor/jetpack-nixos"}}"#;
        std::fs::write(flake.path().join("flake.lock"), lock_with(node)).unwrap();
        let store = tempfile::tempdir().unwrap();
        let from_lock =
            resolve_with_store(flake.path(), None, store.path(), &mut Vec::new()).unwrap();
        assert_eq!(from_lock.source.kind, SourceKind::Lock);
        let explicit_dir = tempfile::tempdir().unwrap();
        copy_dir(&fake_jetpack(), explicit_dir.path());
        let explicit = explicit_dir.path().to_str().unwrap();
        let chosen =
            resolve_with_store(flake.path(), Some(explicit), store.path(), &mut Vec::new())
                .unwrap();
        assert_eq!(chosen.source.kind, SourceKind::Explicit);
        let mut warnings = Vec::new();
        let fallback = resolve_with_store(
            flake.path(),
            Some("/does/not/exist"),
            store.path(),
            &mut warnings,
        )
        .unwrap();
        assert_eq!(fallback.source.kind, SourceKind::Lock);
        assert_eq!(warnings.len(), 1);
    }
}
