//! The NixOS module graph: the configurations a `flake.nix` defines (`nixosConfigurations.<name>
//! = <nixpkgs>.lib.nixosSystem { ... }`), their modules and `imports`, which names are which
//! inputs (outputs parameters, `inputs@`, `specialArgs`, `_module.args`, `let`), whether
//! jetpack-nixos's NixOS module is included, and the overlays that reach each nixpkgs.
//!
//! Per-file facts ([`ModuleFacts`], [`FlakeConfigs`]) are extracted here without the database;
//! [`graph`] joins them per configuration through salsa queries, so that editing one module
//! re-extracts that module only. What cannot be seen statically makes a configuration
//! incomplete, and the rules that need the whole configuration then stay silent.

mod eval;
pub mod graph;

use rnix::ast;
use rnix::SyntaxNode;
use rowan::ast::AstNode;
use rowan::TextRange;

use eval::{Evaluator, Lazy, Loader, Place, Val};

/// A value that can be compared across files: what an overlay or a module entry denotes once
/// names are resolved.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// A flake input (`self` included) and an attribute path below it.
    Input {
        name: String,
        path: Vec<String>,
    },
    /// The set of all inputs (`inputs` in `inputs@{ ... }`).
    Inputs,
    /// The module arguments of a module function (`{ inputs, pkgs, ... }:`).
    Args,
    /// One module argument and an attribute path below it; resolved per configuration.
    Arg {
        name: String,
        path: Vec<String>,
    },
    /// A path on disk, absolute.
    File(String),
    /// A file of another source: `"${jetpack}/overlay.nix"`.
    SrcFile {
        base: Box<Term>,
        rel: String,
    },
    Import(Box<Term>),
    Apply(Box<Term>, Box<Term>),
    /// A fetched source (`builtins.fetchTarball "..."`): its URL or `owner/repo`.
    Source(String),
    /// A value written inline (a function, an attrset): only itself is equal to it.
    Local {
        file: String,
        offset: u32,
        /// Which call of an enclosing function made it (0: none).
        instance: u32,
    },
    Str(String),
    /// A value that cannot be known (a module argument computed by code): it never resolves.
    Opaque,
}

impl Term {
    pub fn input(name: &str) -> Term {
        Term::Input {
            name: name.to_string(),
            path: Vec::new(),
        }
    }

    /// `t.name`, when it can be named.
    pub fn select(self, name: &str) -> Option<Term> {
        match self {
            Term::Input { name: n, mut path } => {
                path.push(name.to_string());
                Some(Term::Input { name: n, path })
            }
            Term::Arg { name: n, mut path } => {
                path.push(name.to_string());
                Some(Term::Arg { name: n, path })
            }
            Term::Inputs => Some(Term::input(name)),
            Term::Args => Some(Term::Arg {
                name: name.to_string(),
                path: Vec::new(),
            }),
            _ => None,
        }
    }

    /// The term with module arguments replaced by what the configuration passes; `None` when
    /// an argument is not known.
    pub fn resolve(&self, args: &ModuleArgs) -> Option<Term> {
        self.resolve_within(args, 8)
    }

    fn resolve_within(&self, args: &ModuleArgs, budget: u32) -> Option<Term> {
        let budget = budget.checked_sub(1)?;
        let resolve = |t: &Term| t.resolve_within(args, budget);
        Some(match self {
            Term::Arg { name, path } => {
                let mut t = args.get(name)?;
                for seg in path {
                    t = t.select(seg)?;
                }
                // `_module.args.jp = inputs.jp;`: an argument defined by another one.
                resolve(&t)?
            }
            Term::Args | Term::Opaque => return None,
            Term::SrcFile { base, rel } => Term::SrcFile {
                base: Box::new(base.resolve(args)?),
                rel: rel.clone(),
            },
            Term::Import(t) => Term::Import(Box::new(t.resolve(args)?)),
            Term::Apply(f, a) => {
                Term::Apply(Box::new(f.resolve(args)?), Box::new(a.resolve(args)?))
            }
            other => other.clone(),
        })
    }

    /// A key equal for two terms that denote the same value, or `None` when the term is not
    /// fully known.
    pub fn key(&self) -> Option<String> {
        Some(match self {
            Term::Input { name, path } if path.is_empty() => format!("input:{name}"),
            Term::Input { name, path } => format!("input:{name}.{}", path.join(".")),
            Term::File(p) => format!("file:{p}"),
            Term::SrcFile { base, rel } => format!("{}/{rel}", base.key()?),
            Term::Import(t) => format!("import({})", t.key()?),
            Term::Apply(f, a) => format!("{}({})", f.key()?, a.key()?),
            Term::Source(s) => format!("src:{s}"),
            Term::Local {
                file,
                offset,
                instance,
            } => format!("local:{file}@{offset}#{instance}"),
            Term::Inputs | Term::Args | Term::Arg { .. } | Term::Str(_) | Term::Opaque => {
                return None
            }
        })
    }

    /// How the term reads in a message: `jetpack.overlays.default`, `import ./overlay.nix`.
    pub fn display(&self, base_dir: &str) -> String {
        match self {
            Term::Input { name, path } if path.is_empty() => name.clone(),
            Term::Input { name, path } => format!("{name}.{}", path.join(".")),
            Term::Arg { name, path } if path.is_empty() => name.clone(),
            Term::Arg { name, path } => format!("{name}.{}", path.join(".")),
            Term::File(p) => match crate::paths::strip_dir(p, base_dir) {
                Some(rel) if !rel.is_empty() => format!("./{rel}"),
                _ => p.clone(),
            },
            Term::SrcFile { base, rel } => format!("\"${{{}}}/{rel}\"", base.display(base_dir)),
            Term::Import(t) => format!("import {}", t.display(base_dir)),
            Term::Apply(f, a) => format!("({} {})", f.display(base_dir), a.display(base_dir)),
            Term::Source(s) => format!("<{s}>"),
            Term::Local { .. } => "(inline)".into(),
            Term::Inputs => "inputs".into(),
            Term::Args => "module arguments".into(),
            Term::Str(s) => format!("{s:?}"),
            Term::Opaque => "(unknown)".into(),
        }
    }
}

/// What a configuration passes to its modules as arguments (`specialArgs`, `_module.args`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleArgs {
    pub named: Vec<(String, Term)>,
    /// `specialArgs = inputs;`: every input is an argument by its own name.
    pub all_inputs: bool,
}

impl ModuleArgs {
    pub fn get(&self, name: &str) -> Option<Term> {
        if let Some((_, t)) = self.named.iter().rev().find(|(n, _)| n == name) {
            return Some(t.clone());
        }
        // NixOS's own module arguments are never inputs.
        let own = matches!(name, "config" | "lib" | "pkgs" | "options" | "modulesPath");
        (self.all_inputs && !own).then(|| Term::input(name))
    }
}

/// One entry of a `modules` or `imports` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleItem {
    pub module: ModuleRef,
    /// Where the entry is written.
    pub file: String,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleRef {
    /// A path, an input's module, `import` of something.
    Term(Term),
    /// A module written in place.
    Inline(Box<ModuleFacts>),
    Unknown,
}

/// One entry of a `nixpkgs.overlays` list (or of `import nixpkgs { overlays = ...; }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverlayItem {
    /// `None` when the entry cannot be named statically.
    pub term: Option<Term>,
    pub file: String,
    pub range: TextRange,
    /// The priority of the `nixpkgs.overlays` definition it is in (100 unless `mkDefault`,
    /// `mkForce`, ...): only the definitions of the lowest priority are kept. `None` for the
    /// overlays of a package set, which always apply.
    pub priority: Option<u32>,
}

/// What one module (a file, or a module written inline) contributes to the graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleFacts {
    pub imports: Vec<ModuleItem>,
    pub overlays: Vec<OverlayItem>,
    /// `_module.args.<name> = ...;`
    pub args: Vec<(String, Term)>,
    /// Whether every import was understood.
    pub complete: bool,
    /// Whether it sets `hardware.nvidia-jetpack.enable = true` (not under `mkIf`): only then
    /// does jetpack-nixos's module apply its overlays.
    pub jetpack_enabled: bool,
    /// Whether it sets `hardware.nvidia-jetpack.enable = false`.
    pub jetpack_disabled: bool,
    /// Whether it declares options under `hardware.nvidia-jetpack` itself (a stub that lets
    /// shared modules set them on other machines, an extension of an enum).
    pub declares_jetpack: bool,
    /// Option paths it declares under the jetpack namespaces, as the evaluator sees them: for
    /// modules written inline, whose declarations the option index does not read.
    pub declared: Vec<Vec<String>>,
    /// For a module written inline: its first setting under `hardware.nvidia-jetpack` (not
    /// under `mkIf`), with its option path, file and the range of its key.
    pub jetpack_setting: Option<(Vec<String>, String, TextRange)>,
    /// For a module written in another file than the one evaluated (`nixosModules.default =
    /// import ./modules inputs;` read from `flake.nix`): that file and the module's offset.
    /// The third number tells apart modules made from one literal by different calls.
    pub origin: Option<(String, u32, u32)>,
}

/// One `nixosConfigurations` entry of a flake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Configuration {
    pub name: String,
    pub modules: Vec<ModuleItem>,
    pub special_args: ModuleArgs,
    /// The overlays of a package set passed as `pkgs = import nixpkgs { overlays = ...; }`.
    pub pkgs_overlays: Vec<OverlayItem>,
    /// Whether the module list was seen whole.
    pub complete: bool,
}

/// What a `flake.nix` says about NixOS configurations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlakeConfigs {
    pub configurations: Vec<Configuration>,
    /// `nixosModules.<name>` of the flake itself (`nixosModule` as `""`), for `self.nixosModules.x`.
    pub self_modules: Vec<(String, ModuleItem)>,
}

/// The facts of a module file.
pub fn module_facts(root: &SyntaxNode, path: &str) -> ModuleFacts {
    let Some(expr) = ast::Root::cast(root.clone()).and_then(|r| r.expr()) else {
        return ModuleFacts::default();
    };
    let ev = Evaluator::new(path, root, None);
    let val = ev.eval(&expr, &None);
    facts_of_module(&ev, val)
}

/// The configurations of a `flake.nix`; `load` reads the files it imports (`import ./hosts
/// inputs`, flake-parts modules).
pub fn flake_configs(
    root: &SyntaxNode,
    path: &str,
    load: &dyn Fn(&str) -> Option<(String, SyntaxNode)>,
) -> FlakeConfigs {
    let mut out = FlakeConfigs::default();
    let Some(ast::Expr::AttrSet(top)) = ast::Root::cast(root.clone())
        .and_then(|r| r.expr())
        .map(crate::syntax::unparen)
    else {
        return out;
    };
    let Some(outputs) = crate::syntax::static_bindings(&top)
        .find(|(segments, _)| segments.len() == 1 && segments[0].0 == "outputs")
        .and_then(|(_, apv)| apv.value())
    else {
        return out;
    };
    let loader: Loader = load;
    let ev = Evaluator::new(path, root, Some(loader));
    let body = match ev.eval(&outputs, &None) {
        Val::Closure(lambda, env) => ev.call(&lambda, &env, Lazy::Val(Val::Term(Term::Inputs))),
        _ => return out,
    };
    if let Val::Attrs(configs) = ev.select(body.clone(), "nixosConfigurations") {
        for name in Evaluator::names(&configs) {
            match ev.attr(&configs, &name) {
                Some(Val::NixosSystem(arg)) => {
                    out.configurations.push(configuration(&ev, name, *arg))
                }
                Some(Val::NixosModule(module, range)) => out.configurations.push(Configuration {
                    name,
                    modules: vec![module_item(&ev, *module, range)],
                    special_args: ModuleArgs::default(),
                    pkgs_overlays: Vec::new(),
                    complete: true,
                }),
                _ => {}
            }
        }
    }
    if let Val::Attrs(modules) = ev.select(body.clone(), "nixosModules") {
        for name in Evaluator::names(&modules) {
            if let Some(val) = ev.attr(&modules, &name) {
                let place = Place {
                    file: path.to_string(),
                    range: TextRange::empty(0.into()),
                };
                out.self_modules.push((name, module_item(&ev, val, place)));
            }
        }
    }
    out
}

fn configuration(ev: &Evaluator, name: String, arg: Val) -> Configuration {
    let mut config = Configuration {
        name,
        modules: Vec::new(),
        special_args: ModuleArgs::default(),
        pkgs_overlays: Vec::new(),
        complete: true,
    };
    let Val::Attrs(arg) = arg else {
        config.complete = false;
        return config;
    };
    // `extraModules` and `baseModules` are modules of the configuration too (nixpkgs's
    // `eval-config.nix` takes them next to `modules`).
    for key in ["modules", "extraModules", "baseModules"] {
        let (modules, complete) = module_list(ev, ev.attr(&arg, key), true);
        config.modules.extend(modules);
        config.complete &= complete;
    }
    config.complete &= !arg.opaque;
    let args = match ev.attr(&arg, "specialArgs") {
        Some(Val::Term(Term::Inputs)) => {
            config.special_args.all_inputs = true;
            None
        }
        Some(Val::Attrs(args)) => Some(args),
        // `specialArgs = inputs // { inherit hostName; };`
        Some(Val::Over(Term::Inputs, args)) => {
            config.special_args.all_inputs = true;
            Some(args)
        }
        _ => None,
    };
    if let Some(args) = args {
        for name in Evaluator::names(&args) {
            // A value that cannot be named hides the input of the same name: it never resolves.
            let t = ev.attr(&args, &name).and_then(|v| v.into_term(ev));
            config
                .special_args
                .named
                .push((name, t.unwrap_or(Term::Opaque)));
        }
    }
    if let Some(Val::Pkgs(overlays)) = ev.attr(&arg, "pkgs") {
        config.pkgs_overlays = overlay_items(ev, *overlays);
    }
    config
}

/// The entries of a `modules` or `imports` list, and whether the list was seen whole (an
/// absent list is empty, when `absent_is_empty`).
fn module_list(
    ev: &Evaluator,
    list: Option<Val>,
    absent_is_empty: bool,
) -> (Vec<ModuleItem>, bool) {
    match list {
        Some(Val::List(items, complete)) => (
            items
                .into_iter()
                .map(|(v, place)| module_item(ev, v, place))
                .collect(),
            complete,
        ),
        None => (Vec::new(), absent_is_empty),
        Some(_) => (Vec::new(), false),
    }
}

fn module_item(ev: &Evaluator, val: Val, place: Place) -> ModuleItem {
    let module = match val {
        Val::Term(Term::Import(t)) if matches!(*t, Term::File(_)) => ModuleRef::Term(*t),
        Val::Term(t) => ModuleRef::Term(t),
        v @ (Val::Closure(..) | Val::Attrs(_)) => {
            let instance = v.instance();
            let origin = v.clone().into_term(ev).and_then(|t| match t {
                Term::Local { file, offset, .. } if file != ev.file => {
                    Some((file, offset, instance))
                }
                _ => None,
            });
            let setting = inline_jetpack_setting(ev, &v);
            let mut facts = facts_of_module(ev, v);
            facts.origin = origin;
            facts.jetpack_setting = setting;
            ModuleRef::Inline(Box::new(facts))
        }
        _ => ModuleRef::Unknown,
    };
    ModuleItem {
        module,
        file: place.file,
        range: place.range,
    }
}

/// The first setting under `hardware.nvidia-jetpack` of a module written inline.
fn inline_jetpack_setting(ev: &Evaluator, val: &Val) -> Option<(Vec<String>, String, TextRange)> {
    let expr = match val {
        Val::Closure(lambda, _) => ast::Expr::Lambda(lambda.clone()),
        Val::Attrs(attrs) => {
            let (file, offset) = attrs.origin.as_ref()?;
            ast::Expr::AttrSet(ev.attrset_at(file, *offset)?)
        }
        _ => return None,
    };
    let file = ev.file_of(expr.syntax());
    let first = crate::settings::module_jetpack_settings(expr)
        .into_iter()
        .filter(|s| s.under(&["hardware", "nvidia-jetpack"]) && !s.conditional)
        .min_by_key(|s| s.segments.first().map(|r| r.start()))?;
    let key_start = first.segments.len().saturating_sub(first.key_len.max(1));
    let (start, end) = (first.segments.get(key_start)?, first.segments.last()?);
    let range = TextRange::new(start.start(), end.end().max(start.start()));
    Some((first.path, file, range))
}

fn facts_of_module(ev: &Evaluator, val: Val) -> ModuleFacts {
    // Modules nested in `imports` of modules, without end: not followed past a depth.
    ev.nested(|| facts_of_module_inner(ev, val))
        .unwrap_or_default()
}

fn facts_of_module_inner(ev: &Evaluator, val: Val) -> ModuleFacts {
    let mut val = val;
    // A module function, possibly curried (`overlay: { config, ... }: { ... }`).
    for _ in 0..3 {
        match val {
            Val::Closure(lambda, env) => {
                val = ev.call(&lambda, &env, Lazy::Val(Val::Term(Term::Args)));
            }
            _ => break,
        }
    }
    let Val::Attrs(attrs) = val else {
        return ModuleFacts::default();
    };
    let mut facts = ModuleFacts {
        complete: true,
        ..ModuleFacts::default()
    };
    let (imports, complete) = module_list(ev, ev.attr(&attrs, "imports"), !attrs.opaque);
    facts.imports = imports;
    facts.complete &= complete;
    for holder in [Some(Val::Attrs(attrs.clone())), ev.attr(&attrs, "config")]
        .into_iter()
        .flatten()
    {
        let overlays = ev.select(ev.select(holder.clone(), "nixpkgs"), "overlays");
        let (priority, overlays) = match overlays {
            Val::Prio(p, v) => (p, *v),
            v => (100, v),
        };
        let mut items = overlay_items(ev, overlays);
        for item in &mut items {
            item.priority = Some(priority);
        }
        facts.overlays.extend(items);
        let enable = ["hardware", "nvidia-jetpack", "enable"]
            .iter()
            .fold(holder, |v, name| ev.select(v, name));
        let enable = match enable {
            Val::Prio(_, v) => *v,
            v => v,
        };
        facts.jetpack_enabled |= matches!(enable, Val::Bool(true));
        facts.jetpack_disabled |= matches!(enable, Val::Bool(false));
    }
    facts.declares_jetpack = declares(ev, &attrs, &["options", "hardware", "nvidia-jetpack"]);
    if let Some(Val::Attrs(options)) = ev.attr(&attrs, "options") {
        for ns in crate::settings::JETPACK_NAMESPACES {
            let mut val = Some(Val::Attrs(options.clone()));
            for seg in ns.iter() {
                val = match val {
                    Some(Val::Attrs(a)) => ev.attr(&a, seg),
                    _ => None,
                };
            }
            if let Some(val) = val {
                let path = ns.iter().map(|s| s.to_string()).collect();
                declared_paths(ev, val, path, &mut facts.declared);
            }
        }
    }
    if let Val::Attrs(args) = ev.select(ev.select(Val::Attrs(attrs.clone()), "_module"), "args") {
        for name in Evaluator::names(&args) {
            let t = ev.attr(&args, &name).and_then(|v| v.into_term(ev));
            facts.args.push((name, t.unwrap_or(Term::Opaque)));
        }
    }
    facts
}

/// The option paths declared at `val`, the value at `path` of an `options` attrset: every
/// name whose value is not a plain attrset (`mkOption { ... }` is not evaluated).
fn declared_paths(ev: &Evaluator, val: Val, path: Vec<String>, out: &mut Vec<Vec<String>>) {
    if out.len() >= 256 || path.len() > 12 {
        return;
    }
    match val {
        Val::Attrs(attrs) => {
            for name in Evaluator::names(&attrs) {
                if let Some(v) = ev.attr(&attrs, &name) {
                    let mut child = path.clone();
                    child.push(name);
                    declared_paths(ev, v, child, out);
                }
            }
        }
        _ => out.push(path),
    }
}

/// Whether an attrset has a binding at `path`, whatever its value.
fn declares(ev: &Evaluator, attrs: &eval::Attrs, path: &[&str]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return true;
    };
    match ev.attr(attrs, first) {
        Some(_) if rest.is_empty() => true,
        Some(Val::Attrs(inner)) => declares(ev, &inner, rest),
        _ => false,
    }
}

fn overlay_items(ev: &Evaluator, list: Val) -> Vec<OverlayItem> {
    match list {
        Val::List(items, _) => items
            .into_iter()
            .map(|(v, place)| OverlayItem {
                term: v.into_term(ev),
                file: place.file,
                range: place.range,
                priority: None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a repository key (`github.com/anduril/jetpack-nixos`, a URL) is jetpack-nixos or a
/// fork that kept the name, as the option source resolution recognises it.
pub fn is_jetpack_repo(identity: &str) -> bool {
    let identity = identity.trim_end_matches('/');
    let identity = identity.strip_suffix(".git").unwrap_or(identity);
    identity.ends_with("/jetpack-nixos") || identity.contains("/jetpack-nixos/archive/")
}

#[cfg(test)]
mod tests;
