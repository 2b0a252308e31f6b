//! The option index a configuration is checked against: the declarations of jetpack-nixos (from
//! the source the loader resolved, or the bundled index) merged with the declarations that the
//! flake's own modules add under the jetpack namespaces (users extend `som` / `carrierBoard`
//! enums that way), as a tree of path segments for lookups.

use std::collections::BTreeMap;

use super::{OptionDecl, OptionType, RenameDecl, RenameKind};
use crate::settings::JETPACK_NAMESPACES;

/// Where the jetpack-nixos declarations came from; every answer about options says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionSource {
    pub kind: SourceKind,
    /// The source directory (explicit, lock `path` input, or store path); `None` when bundled.
    pub path: Option<String>,
    /// The jetpack-nixos revision, when known.
    pub rev: Option<String>,
    /// The bundled index stands in for a fork that `flake.lock` pins (its source is not on
    /// this machine): options the fork adds are unknown here, so absence proves nothing.
    pub stand_in_for: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// `--jetpack-source`, `[jetpack] source`, or the editor setting.
    Explicit,
    /// A `path` input of `flake.lock`.
    Lock,
    /// The locked source's `/nix/store/<hash>-source`, present on this machine.
    Store,
    /// The index bundled with flakelint.
    Bundled,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Explicit => "explicit",
            SourceKind::Lock => "lock",
            SourceKind::Store => "store",
            SourceKind::Bundled => "bundled",
        }
    }
}

impl OptionSource {
    /// Whether a path missing from the index may still exist in the source really used.
    pub fn is_partial(&self) -> bool {
        self.stand_in_for.is_some()
    }

    /// "jetpack-nixos 4d857d6 (bundled index)", for messages.
    pub fn describe(&self) -> String {
        let rev = self
            .rev
            .as_deref()
            .map(|r| format!(" {}", &r[..r.len().min(7)]))
            .unwrap_or_default();
        let whence = match (self.kind, &self.path) {
            (SourceKind::Bundled, _) => "bundled index".to_string(),
            (kind, Some(path)) => format!("{} source {path}", kind.as_str()),
            (kind, None) => kind.as_str().to_string(),
        };
        match &self.stand_in_for {
            Some(fork) => format!("jetpack-nixos{rev} ({whence}, standing in for the fork {fork})"),
            None => format!("jetpack-nixos{rev} ({whence})"),
        }
    }
}

/// The declarations of a jetpack-nixos source, as the loader hands them in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceOptions {
    pub source: OptionSource,
    pub options: Vec<OptionDecl>,
    pub renames: Vec<RenameDecl>,
    /// Extraction problems (unreadable files, imports not followed), for `flakelint options`.
    pub problems: Vec<String>,
    /// The 1-based declaration line of each of `options` (same order), where the loader knows
    /// it: the analysis has the declarations but not the source's texts. Empty when unknown.
    pub lines: Vec<Option<u32>>,
    /// The same for `renames`.
    pub rename_lines: Vec<Option<u32>>,
}

/// The merged index with its lookup tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionIndex {
    pub source: OptionSource,
    /// jetpack-nixos's declarations first, then the flake's own.
    pub options: Vec<OptionDecl>,
    pub renames: Vec<RenameDecl>,
    /// How many of `options` come from jetpack-nixos (the rest are the flake's).
    pub from_source: usize,
    /// [`SourceOptions::lines`] and [`SourceOptions::rename_lines`] of the source.
    pub source_lines: Vec<Option<u32>>,
    pub source_rename_lines: Vec<Option<u32>>,
    root: Node,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Node {
    children: BTreeMap<String, Node>,
    /// Indexes into `options` of the declarations of this exact path.
    decls: Vec<usize>,
}

/// What a path is, as far as the index knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// An option, with every declaration of it (enums are merged across them).
    Option(Vec<&'a OptionDecl>),
    /// A prefix of options (`hardware.nvidia-jetpack.firmware`).
    Namespace,
    /// Below an option whose type takes any attribute (`attrsOf`, `anything`, an unknown type).
    Inside(&'a OptionDecl),
    /// Not declared: the first `known` segments lead somewhere, the next does not; `siblings`
    /// are the names that would have been valid there.
    Unknown {
        known: usize,
        siblings: Vec<&'a str>,
    },
}

impl OptionIndex {
    pub fn new(source: &SourceOptions, extra: impl IntoIterator<Item = OptionDecl>) -> OptionIndex {
        let mut options = source.options.clone();
        let from_source = options.len();
        options.extend(extra);
        let mut root = Node::default();
        for (i, decl) in options.iter().enumerate() {
            let mut node = &mut root;
            for segment in &decl.path {
                node = node.children.entry(segment.clone()).or_default();
            }
            node.decls.push(i);
        }
        OptionIndex {
            source: source.source.clone(),
            options,
            renames: source.renames.clone(),
            from_source,
            source_lines: source.lines.clone(),
            source_rename_lines: source.rename_lines.clone(),
            root,
        }
    }

    pub fn lookup(&self, path: &[String]) -> Lookup<'_> {
        let mut node = &self.root;
        for (i, segment) in path.iter().enumerate() {
            // An option whose value may hold any attribute ends the walk.
            if let Some(open) = node
                .decls
                .iter()
                .map(|&d| &self.options[d])
                .find(|d| accepts_any_attribute(&d.ty, !node.children.is_empty()))
            {
                return Lookup::Inside(open);
            }
            match node
                .children
                .get(segment)
                .or_else(|| node.children.get("*"))
            {
                Some(next) => node = next,
                None => {
                    return Lookup::Unknown {
                        known: i,
                        siblings: node
                            .children
                            .keys()
                            .map(String::as_str)
                            .filter(|k| *k != "*")
                            .collect(),
                    };
                }
            }
        }
        if node.decls.is_empty() {
            Lookup::Namespace
        } else {
            Lookup::Option(node.decls.iter().map(|&d| &self.options[d]).collect())
        }
    }

    /// The rename whose old path is a prefix of `path`.
    pub fn rename_of(&self, path: &[String]) -> Option<&RenameDecl> {
        self.renames.iter().find(|r| {
            !r.from.is_empty()
                && path.len() >= r.from.len()
                && path.iter().zip(&r.from).all(|(a, b)| a == b)
        })
    }

    /// Whether the index declares anything under the namespace `ns` (user modules may target
    /// jetpack-nixos versions without `services.nvfancontrol`, say).
    pub fn has_namespace(&self, ns: &[&str]) -> bool {
        let mut node = &self.root;
        for segment in ns {
            match node.children.get(*segment) {
                Some(next) => node = next,
                None => return false,
            }
        }
        true
    }
}

/// The merged type of several declarations of one option: enums merge their values (NixOS
/// merges `types.enum` declarations that way); otherwise the first declaration's type.
pub fn merged_type(decls: &[&OptionDecl]) -> OptionType {
    let mut values: Vec<String> = Vec::new();
    let mut nullable = false;
    for decl in decls {
        match &decl.ty {
            OptionType::Enum(v) => values.extend(v.iter().cloned()),
            OptionType::NullOr(inner) => match inner.as_ref() {
                OptionType::Enum(v) => {
                    nullable = true;
                    values.extend(v.iter().cloned());
                }
                _ => return decl.ty.clone(),
            },
            _ => return decl.ty.clone(),
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    values.retain(|v| seen.insert(v.clone()));
    let ty = OptionType::Enum(values);
    if nullable {
        OptionType::NullOr(Box::new(ty))
    } else {
        ty
    }
}

/// Types whose values are attribute sets with names of the user's choosing, so any path below
/// them is fine. A submodule accepts only its declared children — unless none are known.
fn accepts_any_attribute(ty: &OptionType, has_children: bool) -> bool {
    match ty {
        OptionType::AttrsOf(_)
        | OptionType::Attrs
        | OptionType::Anything
        | OptionType::Raw
        | OptionType::Unspecified => !has_children,
        OptionType::Unknown(_) | OptionType::DeferredModule | OptionType::FunctionTo(_) => {
            !has_children
        }
        OptionType::Submodule => !has_children,
        OptionType::NullOr(inner) => accepts_any_attribute(inner, has_children),
        OptionType::Either(a, b) | OptionType::CoercedTo(a, b) => {
            accepts_any_attribute(a, has_children) || accepts_any_attribute(b, has_children)
        }
        OptionType::OneOf(ts) => ts.iter().any(|t| accepts_any_attribute(t, has_children)),
        _ => false,
    }
}

/// The user's own declarations that extend the index: those under a jetpack namespace.
pub fn extends_jetpack(decl: &OptionDecl) -> bool {
    JETPACK_NAMESPACES.iter().any(|ns| {
        decl.path.len() > ns.len() && decl.path.iter().zip(ns.iter()).all(|(a, b)| a == b)
    })
}

/// A rename that forwards to a new path (as opposed to a removal).
pub fn is_forwarding(rename: &RenameDecl) -> bool {
    matches!(
        rename.kind,
        RenameKind::Renamed | RenameKind::Alias | RenameKind::Changed | RenameKind::Merged
    ) && !rename.to.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lookups() {
        let index = OptionIndex::new(&crate::options::bundled_source(), Vec::new());
        let path = |s: &str| s.split('.').map(String::from).collect::<Vec<_>>();
        assert!(index.has_namespace(&["hardware", "nvidia-jetpack"]));
        assert!(matches!(
            index.lookup(&path("hardware.nvidia-jetpack.som")),
            Lookup::Option(_)
        ));
        assert!(matches!(
            index.lookup(&path("hardware.nvidia-jetpack.somm")),
            Lookup::Unknown { known: 2, .. }
        ));
        assert!(matches!(
            index.lookup(&path("hardware.nvidia-jetpack.firmware")),
            Lookup::Namespace
        ));
        assert!(index
            .rename_of(&path("hardware.nvidia-jetpack.bootloader.autoUpdate"))
            .is_some());
    }
}
