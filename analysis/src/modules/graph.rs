//! Each configuration's modules joined across files: the module files it reaches through
//! `imports`, whether jetpack-nixos's NixOS module is among them, and every overlay that
//! reaches its nixpkgs, named after resolving module arguments.

use std::collections::{BTreeMap, BTreeSet};

use rowan::TextRange;

use super::{ModuleArgs, ModuleFacts, ModuleItem, ModuleRef, OverlayItem, Term};
use crate::db::{self, Db, SourceFile};
use crate::paths;

/// One configuration as assembled: its files, jetpack's module, its overlays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigGraph {
    /// The configuration's name; `None` for a module judged on its own (in no configuration).
    pub name: Option<String>,
    /// Every module file reached, in visiting order (the `flake.nix` defining it first).
    pub files: Vec<String>,
    /// Whether every module and import was understood: only then can something be missing.
    pub complete: bool,
    /// Where jetpack-nixos's NixOS module is included (file, range of the entry).
    pub jetpack: Option<(String, TextRange)>,
    /// Whether one of its modules declares options under `hardware.nvidia-jetpack` itself.
    pub declares_jetpack: bool,
    /// Whether one of its modules sets `hardware.nvidia-jetpack.enable = true` where it can
    /// be seen: jetpack-nixos's module applies its overlays only then.
    pub jetpack_enabled: bool,
    pub overlays: Vec<OverlayUse>,
    /// Option paths declared under the jetpack namespaces by modules written inline, which
    /// the option index does not read.
    pub inline_declarations: Vec<Vec<String>>,
    /// The first `hardware.nvidia-jetpack` setting of each module written inline: option
    /// path, file, range of its key.
    pub inline_settings: Vec<(Vec<String>, String, TextRange)>,
    /// Files that hold modules written inline (`flake.nix`, a file of configurations it
    /// imports): such a file may hold modules of other configurations too.
    pub inline_files: Vec<String>,
}

/// One overlay reaching a configuration's nixpkgs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverlayUse {
    /// Equal for two uses of the same overlay.
    pub key: String,
    /// How it reads (`jetpack.overlays.default`).
    pub display: String,
    /// Where it is listed; for an overlay a module applies itself, where the module is included.
    pub file: String,
    pub range: TextRange,
    /// Applied by jetpack-nixos's NixOS module rather than listed by the user.
    pub by_module: bool,
    /// The priority of its `nixpkgs.overlays` definition; `None` for a package set's own.
    pub priority: Option<u32>,
}

/// What a flake's inputs are, as far as the modules graph cares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputKinds {
    /// Inputs that are jetpack-nixos (or a fork keeping the name).
    pub jetpack: BTreeSet<String>,
    /// Inputs whose NixOS modules are known not to bring jetpack-nixos's module.
    pub unrelated: BTreeSet<String>,
}

/// Well-known module collections that do not include jetpack-nixos's module.
const UNRELATED_REPOS: &[&str] = &[
    "nixpkgs",
    "home-manager",
    "disko",
    "sops-nix",
    "agenix",
    "nixos-hardware",
    "impermanence",
    "lanzaboote",
    "nix-index-database",
    "stylix",
    "nixos-generators",
    "srvos",
    "nixos-wsl",
    "NixOS-WSL",
    "nix-ld",
    "nur",
    "ragenix",
    "nixos-vscode-server",
    "nixos-facter-modules",
    "nix-flatpak",
    "catppuccin",
    "microvm.nix",
    "nix-topology",
    "comin",
    "deploy-rs",
    "nixos-anywhere",
    "nix-minecraft",
    "simple-nixos-mailserver",
    "nixos-mailserver",
];

/// Classifies a flake's root inputs by their locked repository (or declared URL).
pub fn input_kinds(db: &dyn Db, flake_nix: SourceFile) -> InputKinds {
    let mut kinds = InputKinds::default();
    let model = db::flake_model(db, flake_nix);
    let lock = db::flake_context(db, flake_nix.path(db))
        .and_then(|f| f.lock)
        .and_then(|l| db::lock_file(db, l).as_ref().ok());
    for input in &model.inputs {
        let mut ids: Vec<String> = Vec::new();
        if let Some(lock) = lock {
            if let Some(node) = lock
                .input_node(&lock.root, &input.name)
                .and_then(|n| lock.node(n))
            {
                ids.extend(node.repo_identities());
            }
        }
        // The attribute form: `{ type = "github"; owner = "anduril"; repo = "jetpack-nixos"; }`.
        if let (Some(owner), Some(repo)) = (input.attrs.get("owner"), input.attrs.get("repo")) {
            ids.push(format!("{}/{}", owner.value, repo.value).to_lowercase());
        }
        if let Some(url) = &input.url {
            if let Ok(attrs) = crate::flake_ref::parse_flake_ref(&url.value) {
                ids.extend(crate::lock::repo_identity(&attrs));
            }
        }
        if ids.iter().any(|id| super::is_jetpack_repo(id)) {
            kinds.jetpack.insert(input.name.clone());
        } else if ids.iter().any(|id| {
            let repo = id.rsplit('/').next().unwrap_or(id);
            UNRELATED_REPOS.iter().any(|r| r.eq_ignore_ascii_case(repo))
                || id.starts_with("indirect:nixpkgs")
        }) {
            kinds.unrelated.insert(input.name.clone());
        }
    }
    kinds
}

/// Builds the graph of every configuration a `flake.nix` defines.
pub fn flake_graphs(db: &dyn Db, flake_nix: SourceFile) -> Vec<ConfigGraph> {
    let configs = db::flake_configs(db, flake_nix);
    let kinds = db::flake_input_kinds(db, flake_nix);
    let flake_path = flake_nix.path(db).to_string();
    configs
        .configurations
        .iter()
        .map(|config| {
            let mut b = Builder::new(
                db,
                kinds,
                &configs.self_modules,
                config.special_args.clone(),
            );
            b.graph.name = Some(config.name.clone());
            b.graph.complete = config.complete;
            b.graph.files.push(flake_path.clone());
            b.graph.inline_files.push(flake_path.clone());
            b.overlays(&config.pkgs_overlays);
            for item in &config.modules {
                b.visit(item);
            }
            b.finish()
        })
        .collect()
}

/// The graph of one module on its own: itself and what it imports, with no arguments known.
pub fn standalone_graph(db: &dyn Db, file: SourceFile) -> ConfigGraph {
    let flake = db::flake_context(db, file.path(db));
    let kinds = match flake {
        Some(f) => db::flake_input_kinds(db, f.flake_nix).clone(),
        None => InputKinds::default(),
    };
    let mut b = Builder::new(db, &kinds, &[], ModuleArgs::default());
    b.graph.complete = false;
    b.visit_file(file.path(db));
    b.finish()
}

/// An overlay before its term is resolved: term, file, range, by module, priority.
type Pending = (Option<Term>, String, TextRange, bool, Option<u32>);

struct Builder<'a> {
    db: &'a dyn Db,
    kinds: &'a InputKinds,
    self_modules: &'a [(String, ModuleItem)],
    args: ModuleArgs,
    graph: ConfigGraph,
    visited: BTreeSet<String>,
    /// How deep the walk is in nested modules and imports (a bound against endless chains).
    depth: u32,
    /// Whether a module sets `hardware.nvidia-jetpack.enable = false`.
    jetpack_disabled: bool,
    /// Overlays before their terms are resolved: (term, file, range, by module).
    pending: Vec<Pending>,
}

impl<'a> Builder<'a> {
    fn new(
        db: &'a dyn Db,
        kinds: &'a InputKinds,
        self_modules: &'a [(String, ModuleItem)],
        args: ModuleArgs,
    ) -> Builder<'a> {
        Builder {
            db,
            kinds,
            self_modules,
            args,
            graph: ConfigGraph {
                name: None,
                files: Vec::new(),
                complete: true,
                jetpack: None,
                declares_jetpack: false,
                jetpack_enabled: false,
                overlays: Vec::new(),
                inline_declarations: Vec::new(),
                inline_settings: Vec::new(),
                inline_files: Vec::new(),
            },
            visited: BTreeSet::new(),
            depth: 0,
            jetpack_disabled: false,
            pending: Vec::new(),
        }
    }

    fn overlays(&mut self, items: &[OverlayItem]) {
        for item in items {
            self.pending.push((
                item.term.clone(),
                item.file.clone(),
                item.range,
                false,
                item.priority,
            ));
        }
    }

    fn facts(&mut self, facts: &ModuleFacts) {
        if let Some((file, offset, instance)) = &facts.origin {
            if !self.visited.insert(format!("{file}@{offset}#{instance}")) {
                return;
            }
            if !self.graph.inline_files.contains(file) {
                self.graph.inline_files.push(file.clone());
            }
            if !self.graph.files.contains(file) {
                self.graph.files.push(file.clone());
                if let Some(f) = db::file_by_path(self.db, file) {
                    self.graph.declares_jetpack |= *db::declares_jetpack_options(self.db, f);
                }
            }
        }
        self.graph.complete &= facts.complete;
        self.graph.jetpack_enabled |= facts.jetpack_enabled;
        self.jetpack_disabled |= facts.jetpack_disabled;
        self.graph.declares_jetpack |= facts.declares_jetpack;
        self.overlays(&facts.overlays);
        for (name, term) in &facts.args {
            self.args.named.push((name.clone(), term.clone()));
        }
        for item in &facts.imports {
            self.visit(item);
        }
    }

    fn visit(&mut self, item: &ModuleItem) {
        if self.depth > 512 {
            self.graph.complete = false;
            return;
        }
        self.depth += 1;
        self.visit_item(item);
        self.depth -= 1;
    }

    fn visit_item(&mut self, item: &ModuleItem) {
        let file = item.file.as_str();
        match &item.module {
            ModuleRef::Unknown => self.graph.complete = false,
            ModuleRef::Inline(facts) => {
                if let Some(setting) = &facts.jetpack_setting {
                    if !self.graph.inline_settings.contains(setting) {
                        self.graph.inline_settings.push(setting.clone());
                    }
                }
                for path in &facts.declared {
                    if !self.graph.inline_declarations.contains(path) {
                        self.graph.inline_declarations.push(path.clone());
                    }
                }
                self.facts(facts)
            }
            ModuleRef::Term(term) => {
                let Some(term) = term.resolve(&self.args).or_else(|| nixpkgs_module(term)) else {
                    self.graph.complete = false;
                    return;
                };
                self.visit_term(file, item.range, &term);
            }
        }
    }

    fn visit_term(&mut self, file: &str, range: TextRange, term: &Term) {
        if let Some(implied) = jetpack_module(term, &self.kinds.jetpack) {
            if self.graph.jetpack.is_none() {
                self.graph.jetpack = Some((file.to_string(), range));
            }
            for t in implied {
                // `nixpkgs.overlays = mkBefore [ ... ]`: a plain definition.
                self.pending
                    .push((Some(t), file.to_string(), range, true, Some(100)));
            }
            return;
        }
        match term {
            Term::File(p) => self.visit_file(p),
            // `"${self}/hosts/a"`: a file of the flake itself.
            Term::SrcFile { base, rel } if matches!(&**base, Term::Input { name, path } if name == "self" && path.is_empty()) =>
            {
                let root = self
                    .graph
                    .files
                    .first()
                    .map(|f| paths::parent(f).to_string());
                match root {
                    Some(root) if self.graph.name.is_some() => {
                        self.visit_file(&super::eval::normalize(&paths::join(&root, rel)))
                    }
                    _ => self.graph.complete = false,
                }
            }
            Term::Import(inner) if matches!(**inner, Term::File(_)) => {
                self.visit_term(file, range, inner)
            }
            Term::Input { name, path } if name == "self" => {
                let wanted = match path.as_slice() {
                    [m, x] if m == "nixosModules" => x.as_str(),
                    _ => {
                        self.graph.complete = false;
                        return;
                    }
                };
                if !self.visited.insert(format!("self:{wanted}")) {
                    return;
                }
                let Some((_, item)) = self.self_modules.iter().find(|(n, _)| n == wanted) else {
                    self.graph.complete = false;
                    return;
                };
                let mut item = item.clone();
                // `nixosModules.x = jetpack.nixosModules.default;` has no place of its own
                // worth showing: it is included where `self.nixosModules.x` is listed.
                if item.range.is_empty() {
                    item.file = file.to_string();
                    item.range = range;
                }
                self.visit(&item);
            }
            Term::Input { name, .. } if self.kinds.unrelated.contains(name) => {}
            t if nixpkgs_module(t).is_some() => {}
            _ => self.graph.complete = false,
        }
    }

    fn visit_file(&mut self, path: &str) {
        let files = self.db.workspace().files(self.db);
        let found = if path.ends_with(".nix") {
            files.get(path).copied()
        } else {
            files.get(&paths::join(path, "default.nix")).copied()
        };
        let Some(file) = found else {
            // Missing, outside the workspace, or not Nix: the rules that need it stay silent.
            self.graph.complete = false;
            return;
        };
        let path = file.path(self.db).to_string();
        if !self.visited.insert(path.clone()) {
            return;
        }
        // Through a query of its own: the graph must not read the texts of its modules.
        if *db::declares_jetpack_options(self.db, file) {
            self.graph.declares_jetpack = true;
        }
        self.graph.files.push(path.clone());
        let facts = db::module_facts(self.db, file);
        self.facts(facts);
    }

    fn finish(mut self) -> ConfigGraph {
        // Set both ways (`mkDefault true` here, `false` there): not known.
        self.graph.jetpack_enabled &= !self.jetpack_disabled;
        let base = self
            .graph
            .files
            .first()
            .map(|f| paths::parent(f).to_string())
            .unwrap_or_default();
        for (term, file, range, by_module, priority) in std::mem::take(&mut self.pending) {
            let Some(term) = term.and_then(|t| t.resolve(&self.args)) else {
                continue;
            };
            let Some(key) = term.key() else { continue };
            self.graph.overlays.push(OverlayUse {
                key,
                display: term.display(&base),
                file,
                range,
                by_module,
                priority,
            });
        }
        self.graph
    }
}

/// A module of nixpkgs itself (`"${modulesPath}/..."`, `"${nixpkgs}/nixos/modules/..."`):
/// never jetpack-nixos's, never an overlay of interest.
fn nixpkgs_module(term: &Term) -> Option<Term> {
    match term {
        Term::SrcFile { base, .. } => match &**base {
            Term::Arg { name, path } if name == "modulesPath" && path.is_empty() => {
                Some(term.clone())
            }
            Term::Input { name, path } if name.starts_with("nixpkgs") && path.is_empty() => {
                Some(term.clone())
            }
            _ => None,
        },
        Term::Input { name, path }
            if name.starts_with("nixpkgs") && path.first().is_some_and(|p| p == "nixosModules") =>
        {
            Some(term.clone())
        }
        _ => None,
    }
}

/// Whether a source is jetpack-nixos: a jetpack input, a fetched jetpack-nixos, or a checkout
/// in a directory named so.
fn is_jetpack_source(term: &Term, jetpack: &BTreeSet<String>) -> bool {
    match term {
        Term::Input { name, path } => path.is_empty() && jetpack.contains(name),
        Term::Source(s) => super::is_jetpack_repo(s) || s.contains("jetpack-nixos"),
        Term::File(p) => p.split('/').any(|seg| seg == "jetpack-nixos"),
        _ => false,
    }
}

/// The file of jetpack-nixos that holds its NixOS module.
fn is_jetpack_module_file(term: &Term, jetpack: &BTreeSet<String>) -> bool {
    match term {
        Term::SrcFile { base, rel } => {
            matches!(rel.trim_end_matches('/'), "modules" | "modules/default.nix")
                && is_jetpack_source(base, jetpack)
        }
        Term::File(p) => {
            (p.ends_with("/modules/default.nix") || p.ends_with("/modules"))
                && is_jetpack_source(term, jetpack)
        }
        _ => false,
    }
}

/// If `term` is jetpack-nixos's NixOS module, the overlays that module applies itself.
pub fn jetpack_module(term: &Term, jetpack: &BTreeSet<String>) -> Option<Vec<Term>> {
    match term {
        // The flake's module is `import ./modules/default.nix self.overlays.default`, and that
        // overlay applies `overlay.nix`.
        Term::Input { name, path } if jetpack.contains(name) => {
            let is_module = matches!(path.as_slice(), [m, _] if m == "nixosModules")
                || matches!(path.as_slice(), [m] if m == "nixosModule");
            is_module.then(|| {
                vec![
                    Term::Input {
                        name: name.clone(),
                        path: vec!["overlays".into(), "default".into()],
                    },
                    Term::Import(Box::new(Term::SrcFile {
                        base: Box::new(Term::input(name)),
                        rel: "overlay.nix".into(),
                    })),
                ]
            })
        }
        // Without flakes: `import "${src}/modules/default.nix" overlay` applies `overlay`.
        Term::Apply(f, arg) => match &**f {
            Term::Import(file) if is_jetpack_module_file(file, jetpack) => {
                Some(vec![(**arg).clone()])
            }
            _ => None,
        },
        _ => None,
    }
}

/// Overlays that reach one configuration more than once: each listing by the user after the
/// first of the same overlay, paired with that first listing (the one to keep); and the first
/// listing of an overlay that a module applies itself, paired with where that module is
/// included. So a place gets one explanation: a second listing is a second listing whether or
/// not a module applies the overlay too. jetpack-nixos's module applies its overlays only with
/// `hardware.nvidia-jetpack.enable = true`: where that is not seen, they are left out.
pub fn duplicate_overlays(graph: &ConfigGraph) -> Vec<(&OverlayUse, &OverlayUse)> {
    let mut listed: BTreeMap<&str, &OverlayUse> = BTreeMap::new();
    let mut applied: BTreeMap<&str, &OverlayUse> = BTreeMap::new();
    let mut out = Vec::new();
    // Of the `nixpkgs.overlays` definitions, only those of the lowest priority number count.
    let kept = graph.overlays.iter().filter_map(|u| u.priority).min();
    for u in graph
        .overlays
        .iter()
        .filter(|u| graph.jetpack_enabled || !u.by_module)
        .filter(|u| u.priority.is_none() || u.priority == kept)
    {
        let key = u.key.as_str();
        if u.by_module {
            if applied.contains_key(key) {
                continue;
            }
            applied.insert(key, u);
            if let Some(&first) = listed.get(key) {
                out.push((first, u));
            }
        } else if let Some(&first) = listed.get(key) {
            out.push((u, first));
        } else {
            listed.insert(key, u);
            if let Some(&module) = applied.get(key) {
                out.push((u, module));
            }
        }
    }
    out
}
