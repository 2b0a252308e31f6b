//! Where the jetpack-nixos source of a flake is, first match wins (SPEC §5): an explicit
//! directory (`--jetpack-source`, `[jetpack] source`, the editor setting); the root input of
//! `flake.lock` that locks jetpack-nixos (or a fork of it, recognised by its module tree), as a
//! `path` input's directory or as its `/nix/store/<hash>-source` when that exists here; else
//! the bundled index. The module tree found is extracted statically.

use std::path::{Path, PathBuf};

use analysis::lock::{attr_str, parse_lock, LockNode};
use analysis::options::extract_tree;
use analysis::options::index::{OptionSource, SourceKind, SourceOptions};
use analysis::store_path::source_store_path;

use crate::load::vfs_path;

/// Resolves and extracts the source for the flake in `flake_root`. `None` means the bundled
/// index. Warnings (an explicit source that does not exist) are pushed for the user.
pub fn resolve(
    flake_root: &Path,
    explicit: Option<&str>,
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
    let mut candidates: Vec<(&LockNode, bool)> = Vec::new();
    for (name, _, _) in lock.root_inputs() {
        let Some(node) = lock.input_node(&lock.root, name).and_then(|n| lock.node(n)) else {
            continue;
        };
        let is_jetpack = node
            .repo_identities()
            .iter()
            .any(|id| id.ends_with("anduril/jetpack-nixos") || id.ends_with("/jetpack-nixos"));
        candidates.push((node, is_jetpack));
    }
    // jetpack-nixos itself first, then any other input whose tree turns out to be a fork.
    candidates.sort_by_key(|(_, is_jetpack)| !is_jetpack);
    for (node, is_jetpack) in candidates {
        let Some((dir, kind)) = locate(flake_root, node) else {
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
fn locate(flake_root: &Path, node: &LockNode) -> Option<(PathBuf, SourceKind)> {
    let locked = node.locked.as_ref()?;
    if attr_str(locked, "type") == Some("path") {
        let path = flake_root.join(attr_str(locked, "path")?);
        return path.is_dir().then_some((path, SourceKind::Lock));
    }
    let store = PathBuf::from(source_store_path(attr_str(locked, "narHash")?)?);
    store.is_dir().then_some((store, SourceKind::Store))
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
        },
        options: tree.options,
        renames: tree.renames,
        problems: tree.problems,
    }
}
