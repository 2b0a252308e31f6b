//! Document symbols of `flake.nix`: the inputs (each with its URL) and the outputs (each output
//! attribute, and one level below it: each `nixosConfigurations.<name>` as a configuration).
//! In any other Nix file (a NixOS module, typically), the outline of its top-level attrset: each
//! binding by its key as written (`hardware.nvidia-jetpack.som`), nested attrsets as children.

use rnix::ast::{self, HasEntry};
use rowan::ast::AstNode;
use rowan::TextRange;

use super::{Symbol, SymbolKind};
use crate::db::{self, Db, SourceFile};
use crate::syntax::{attrpath_segments, unparen};

const CONFIGURATIONS: &[&str] = &[
    "nixosConfigurations",
    "darwinConfigurations",
    "homeConfigurations",
    "nixopsConfigurations",
];

pub(crate) fn document_symbols(db: &dyn Db, file: SourceFile) -> Vec<Symbol> {
    if crate::paths::file_name(file.path(db)) != "flake.nix" {
        return module_symbols(db, file);
    }
    let root = db::parse_file(db, file).root();
    let Some(ast::Expr::AttrSet(top)) = ast::Root::cast(root).and_then(|r| r.expr()).map(unparen)
    else {
        return Vec::new();
    };
    let model = db::flake_model(db, file);
    let mut inputs: Option<Symbol> = None;
    let mut out = Vec::new();
    for apv in top.attrpath_values() {
        let Some(key) = apv.attrpath().as_ref().and_then(attrpath_segments) else {
            continue;
        };
        let binding = apv.syntax().text_range();
        match key[0].0.as_str() {
            "inputs" => {
                let group = inputs.get_or_insert_with(|| Symbol {
                    name: "inputs".to_string(),
                    detail: None,
                    kind: SymbolKind::Input,
                    range: binding,
                    selection_range: key[0].1,
                    children: Vec::new(),
                });
                group.range = group.range.cover(binding);
                if key.len() > 1 {
                    add_input(&mut group.children, &key[1].0, key[1].1, binding);
                } else if let Some(ast::Expr::AttrSet(set)) = apv.value().map(unparen) {
                    for inner in set.attrpath_values() {
                        let Some(k) = inner.attrpath().as_ref().and_then(attrpath_segments) else {
                            continue;
                        };
                        add_input(
                            &mut group.children,
                            &k[0].0,
                            k[0].1,
                            inner.syntax().text_range(),
                        );
                    }
                }
            }
            "outputs" if key.len() == 1 => {
                let mut outputs = Symbol {
                    name: "outputs".to_string(),
                    detail: None,
                    kind: SymbolKind::Output,
                    range: binding,
                    selection_range: key[0].1,
                    children: Vec::new(),
                };
                for attr in model.outputs.iter().flat_map(|o| &o.attrs) {
                    let Some(first) = attr.segments.first() else {
                        continue;
                    };
                    let children = &mut outputs.children;
                    let i = match children.iter().position(|s| s.name == first.value) {
                        Some(i) => i,
                        None => {
                            children.push(Symbol {
                                name: first.value.clone(),
                                detail: attr.per_system.then(|| "per system".to_string()),
                                kind: SymbolKind::Output,
                                range: attr.binding,
                                selection_range: first.range,
                                children: Vec::new(),
                            });
                            children.len() - 1
                        }
                    };
                    let output = &mut children[i];
                    output.range = output.range.cover(attr.binding);
                    let Some(second) = attr.segments.get(1) else {
                        continue;
                    };
                    let kind = if CONFIGURATIONS.contains(&first.value.as_str()) {
                        SymbolKind::Configuration
                    } else {
                        SymbolKind::Output
                    };
                    match output.children.iter_mut().find(|s| s.name == second.value) {
                        Some(s) => s.range = s.range.cover(attr.binding),
                        None => output.children.push(Symbol {
                            name: second.value.clone(),
                            detail: None,
                            kind,
                            range: attr.binding,
                            selection_range: second.range,
                            children: Vec::new(),
                        }),
                    }
                }
                out.push(outputs);
            }
            _ => {}
        }
    }
    // A symbol's range holds its name (an output's bindings may all be nested below its key).
    fn hold_names(symbols: &mut [Symbol]) {
        for s in symbols {
            s.range = s.range.cover(s.selection_range);
            hold_names(&mut s.children);
        }
    }
    hold_names(&mut out);
    if let Some(mut inputs) = inputs {
        for input in &mut inputs.children {
            input.detail = model
                .inputs
                .iter()
                .find(|i| i.name == input.name)
                .and_then(|i| {
                    i.url
                        .as_ref()
                        .map(|u| u.value.clone())
                        .or_else(|| i.follows.as_ref().map(|f| format!("follows {}", f.value)))
                });
        }
        out.insert(0, inputs);
    }
    out
}

fn add_input(children: &mut Vec<Symbol>, name: &str, name_range: TextRange, binding: TextRange) {
    if name == "self" {
        return;
    }
    match children.iter_mut().find(|s| s.name == name) {
        Some(s) => s.range = s.range.cover(binding),
        None => children.push(Symbol {
            name: name.to_string(),
            detail: None,
            kind: SymbolKind::Input,
            range: binding,
            selection_range: name_range,
            children: Vec::new(),
        }),
    }
}

/// How deep the outline of a module goes (deeper attrsets are left out).
const MODULE_DEPTH: usize = 8;

/// The outline of a Nix file that is not `flake.nix`: the bindings of the attrset it evaluates
/// to (through the module's arguments, `let ... in`, `with`, and `mkIf`/`mkMerge`-style calls).
fn module_symbols(db: &dyn Db, file: SourceFile) -> Vec<Symbol> {
    if !file.path(db).ends_with(".nix") {
        return Vec::new();
    }
    let root = db::parse_file(db, file).root();
    let Some(body) = ast::Root::cast(root).and_then(|r| r.expr()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(set) = attrset_of(body) {
        bindings(&set, 0, &mut out);
    }
    out
}

/// The attrset an expression is, looking through what a module body is wrapped in.
fn attrset_of(expr: ast::Expr) -> Option<ast::AttrSet> {
    let mut expr = expr;
    // Bounded: each step goes one node down.
    for _ in 0..64 {
        expr = match unparen(expr) {
            ast::Expr::AttrSet(set) => return Some(set),
            ast::Expr::Lambda(l) => l.body()?,
            ast::Expr::LetIn(l) => l.body()?,
            ast::Expr::With(w) => w.body()?,
            ast::Expr::Assert(a) => a.body()?,
            // `lib.mkIf cond { ... }`, `mkDefault { ... }`: the last argument.
            ast::Expr::Apply(a) => a.argument()?,
            _ => return None,
        };
    }
    None
}

fn bindings(set: &ast::AttrSet, depth: usize, out: &mut Vec<Symbol>) {
    for apv in set.attrpath_values() {
        let Some(path) = apv.attrpath() else {
            continue;
        };
        let name = path.syntax().text().to_string();
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            continue;
        }
        let mut children = Vec::new();
        let value = apv.value();
        let nested = value.clone().and_then(attrset_of);
        if let (Some(inner), true) = (&nested, depth + 1 < MODULE_DEPTH) {
            bindings(inner, depth + 1, &mut children);
        }
        let detail = match value.map(unparen) {
            Some(ast::Expr::Str(s)) if s.syntax().text().len() <= 60.into() => {
                Some(s.syntax().text().to_string())
            }
            Some(ast::Expr::Literal(l)) => Some(l.syntax().text().to_string()),
            Some(ast::Expr::Ident(i))
                if matches!(
                    i.syntax().text().to_string().as_str(),
                    "true" | "false" | "null"
                ) =>
            {
                Some(i.syntax().text().to_string())
            }
            _ => None,
        };
        out.push(Symbol {
            name,
            detail,
            kind: if nested.is_some() {
                SymbolKind::Group
            } else {
                SymbolKind::Setting
            },
            range: apv.syntax().text_range(),
            selection_range: path.syntax().text_range(),
            children,
        });
    }
}
