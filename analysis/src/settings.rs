//! Option settings in NixOS modules: `hardware.nvidia-jetpack.som = "orin-agx";` in every form
//! a module can write it — dotted, nested, mixed; inside `config = ...`, `lib.mkIf`,
//! `lib.mkMerge`, `mkDefault` / `mkForce` / `mkOverride`, `with lib;`, `let ... in` — and the
//! literal value when there is one. Used by the option rules.

use rnix::ast::{self, AstToken, HasEntry};
use rnix::SyntaxNode;
use rowan::ast::AstNode;
use rowan::TextRange;

use crate::syntax::{attrpath_segments, static_string, unparen};

/// The option namespaces that jetpack-nixos declares; settings below them are checked.
pub const JETPACK_NAMESPACES: &[&[&str]] = &[
    &["hardware", "nvidia-jetpack"],
    &["services", "nvpmodel"],
    &["services", "nvfancontrol"],
    &["services", "nvargus-daemon"],
];

/// A value as far as it is literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Null,
    Path(String),
    List(Vec<Value>),
    /// An attrset literal (its bindings are settings of their own).
    AttrSet,
    /// Anything computed: never judged.
    Expr,
}

impl Value {
    /// What the value is, for messages: "a string", "an integer", ...
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Str(_) => "a string",
            Value::Null => "null",
            Value::Path(_) => "a path",
            Value::List(_) => "a list",
            Value::AttrSet => "an attribute set",
            Value::Expr => "an expression",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    /// The full option path (`hardware`, `nvidia-jetpack`, `som`).
    pub path: Vec<String>,
    /// The range of each path segment as written; segments from enclosing attrsets come first.
    pub segments: Vec<TextRange>,
    /// How many trailing segments the binding's own key holds.
    pub key_len: usize,
    pub value: Value,
    pub value_range: TextRange,
    /// Set under `mkIf` (anywhere above it): it may not apply.
    pub conditional: bool,
}

impl Setting {
    pub fn under(&self, prefix: &[&str]) -> bool {
        self.path.len() >= prefix.len() && self.path.iter().zip(prefix).all(|(a, b)| a == b)
    }

    pub fn in_jetpack_namespace(&self) -> bool {
        JETPACK_NAMESPACES.iter().any(|ns| self.under(ns))
    }
}

/// Every setting under the jetpack namespaces in a file. Attrsets are descended where they
/// continue a path that can still lead into a namespace, so unrelated code costs a walk only.
pub fn jetpack_settings(root: &SyntaxNode) -> Vec<Setting> {
    ast::Root::cast(root.clone())
        .and_then(|r| r.expr())
        .map(module_jetpack_settings)
        .unwrap_or_default()
}

/// Every setting under the jetpack namespaces in one module expression (a module written
/// inline, in `flake.nix` or another file).
pub fn module_jetpack_settings(expr: ast::Expr) -> Vec<Setting> {
    let mut out = Vec::new();
    let mut walker = Walker {
        out: &mut out,
        depth: 0,
        conditional: false,
    };
    walker.module(expr);
    out
}

struct Walker<'a> {
    out: &'a mut Vec<Setting>,
    depth: u32,
    /// Inside a `mkIf`.
    conditional: bool,
}

/// Function names whose last argument is the module value itself (`lib.mkIf cond { ... }`).
pub(crate) const TRANSPARENT_CALLS: &[&str] = &[
    "mkIf",
    "mkDefault",
    "mkForce",
    "mkOverride",
    "mkBefore",
    "mkAfter",
    "mkOrder",
    "mkMerge",
];

impl Walker<'_> {
    /// A module: a function returning an attrset, an attrset, or a wrapper of one.
    fn module(&mut self, expr: ast::Expr) {
        if self.depth > 64 {
            return;
        }
        self.depth += 1;
        match unparen(expr) {
            ast::Expr::Lambda(l) => {
                if let Some(body) = l.body() {
                    self.module(body);
                }
            }
            ast::Expr::AttrSet(set) => self.module_attrset(&set),
            ast::Expr::LetIn(l) => {
                if let Some(body) = l.body() {
                    self.module(body);
                }
            }
            ast::Expr::With(w) => {
                if let Some(body) = w.body() {
                    self.module(body);
                }
            }
            ast::Expr::Assert(a) => {
                if let Some(body) = a.body() {
                    self.module(body);
                }
            }
            other => {
                if let Some((name, inner)) = transparent_inner(&other) {
                    let was = self.conditional;
                    self.conditional |= name == "mkIf";
                    for e in inner {
                        self.module(e);
                    }
                    self.conditional = was;
                }
            }
        }
        self.depth -= 1;
    }

    /// The top level of a module: `config` holds the settings when `options` or `config` is
    /// present; otherwise every key but the module's own keywords is a setting.
    fn module_attrset(&mut self, set: &ast::AttrSet) {
        // Only each binding's first name is read for every binding; the whole key only where
        // it can lead into a namespace (most bindings of most modules cannot).
        let bindings: Vec<(String, ast::AttrpathValue)> = set
            .attrpath_values()
            .filter_map(|apv| Some((first_name(&apv)?, apv)))
            .collect();
        let explicit = bindings
            .iter()
            .any(|(first, _)| first == "config" || first == "options");
        for (first, apv) in bindings {
            let Some(value) = apv.value() else { continue };
            let key = || apv.attrpath().as_ref().and_then(attrpath_segments);
            match first.as_str() {
                "imports" => {
                    if key().is_some_and(|k| k.len() == 1) {
                        self.imports(value)
                    }
                }
                "options" | "_file" | "key" | "disabledModules" | "meta" | "_class" => {}
                "config" if explicit => {
                    if let Some(key) = key() {
                        self.value(&[], &[], &key[1..], value)
                    }
                }
                _ if explicit => {}
                _ if !could_reach_namespace(std::slice::from_ref(&first)) => {}
                _ => {
                    if let Some(key) = key() {
                        self.value(&[], &[], &key, value)
                    }
                }
            }
        }
    }

    /// Inline modules in `imports = [ { ... } ]`.
    fn imports(&mut self, value: ast::Expr) {
        if let ast::Expr::List(list) = unparen(value) {
            for item in list.items() {
                if matches!(
                    unparen(item.clone()),
                    ast::Expr::AttrSet(_) | ast::Expr::Lambda(_)
                ) {
                    self.module(item);
                }
            }
        }
    }

    /// `prefix.key = value`: records settings that land in a namespace, descends otherwise.
    fn value(
        &mut self,
        prefix: &[String],
        prefix_ranges: &[TextRange],
        key: &[(String, TextRange)],
        value: ast::Expr,
    ) {
        let mut path: Vec<String> = prefix.to_vec();
        let mut ranges: Vec<TextRange> = prefix_ranges.to_vec();
        for (name, range) in key {
            path.push(name.clone());
            ranges.push(*range);
        }
        if !could_reach_namespace(&path) || self.depth > 64 {
            return;
        }
        self.depth += 1;
        let inner = unparen(value);
        match &inner {
            ast::Expr::AttrSet(set) if set.rec_token().is_none() || in_namespace(&path) => {
                let before = self.out.len();
                let mut next = path.clone();
                for apv in set.attrpath_values() {
                    // The first name decides whether the binding can lead anywhere.
                    let Some(first) = first_name(&apv) else {
                        continue;
                    };
                    next.push(first);
                    let reachable = could_reach_namespace(&next);
                    next.pop();
                    if !reachable {
                        continue;
                    }
                    let (Some(k), Some(v)) = (
                        apv.attrpath().as_ref().and_then(attrpath_segments),
                        apv.value(),
                    ) else {
                        continue;
                    };
                    self.value(&path, &ranges, &k, v);
                }
                // An empty attrset set on an option (`foo = { };`) is a value too.
                if self.out.len() == before
                    && in_namespace(&path)
                    && set.attrpath_values().next().is_none()
                    && set.inherits().next().is_none()
                {
                    self.record(
                        path,
                        ranges,
                        key.len(),
                        Value::AttrSet,
                        inner.syntax().text_range(),
                    );
                }
            }
            ast::Expr::LetIn(l) => {
                if let Some(body) = l.body() {
                    self.value(&path, &ranges, &[], body);
                }
            }
            ast::Expr::With(w) => {
                if let Some(body) = w.body() {
                    self.value(&path, &ranges, &[], body);
                }
            }
            other => {
                let transparent = transparent_inner(other);
                match transparent {
                    Some((name, inner)) if !inner.is_empty() => {
                        let was = self.conditional;
                        self.conditional |= name == "mkIf";
                        for e in inner {
                            self.value(&path, &ranges, &[], e);
                        }
                        self.conditional = was;
                    }
                    _ if in_namespace(&path) => {
                        let value = literal(other);
                        self.record(path, ranges, key.len(), value, other.syntax().text_range());
                    }
                    _ => {}
                }
            }
        }
        self.depth -= 1;
    }

    fn record(
        &mut self,
        path: Vec<String>,
        segments: Vec<TextRange>,
        key_len: usize,
        value: Value,
        value_range: TextRange,
    ) {
        self.out.push(Setting {
            path,
            segments,
            key_len,
            value,
            value_range,
            conditional: self.conditional,
        });
    }
}

/// The first name of a binding's key, when it is static.
fn first_name(binding: &ast::AttrpathValue) -> Option<String> {
    crate::syntax::attr_name(&binding.attrpath()?.attrs().next()?)
}

/// Whether a path is a prefix of a namespace or inside one.
fn could_reach_namespace(path: &[String]) -> bool {
    JETPACK_NAMESPACES
        .iter()
        .any(|ns| path.iter().zip(ns.iter()).all(|(a, b)| a == b))
}

fn in_namespace(path: &[String]) -> bool {
    JETPACK_NAMESPACES
        .iter()
        .any(|ns| path.len() >= ns.len() && path.iter().zip(ns.iter()).all(|(a, b)| a == b))
}

/// The module values inside `mkIf cond X`, `mkDefault X`, `mkOverride 50 X`, `mkMerge [ X Y ]`
/// (and their `lib.` forms), for walking through them; `None` when `expr` is no such call.
fn transparent_inner(expr: &ast::Expr) -> Option<(String, Vec<ast::Expr>)> {
    let ast::Expr::Apply(apply) = expr else {
        return None;
    };
    let name = crate::syntax::function_name(&crate::syntax::applied_function(apply)?)?;
    if !TRANSPARENT_CALLS.contains(&name.as_str()) {
        return None;
    }
    let arg = apply.argument()?;
    if name == "mkMerge" {
        let items = match unparen(arg) {
            ast::Expr::List(list) => list.items().collect(),
            _ => Vec::new(),
        };
        return Some((name, items));
    }
    Some((name, vec![arg]))
}

/// The literal value of an expression, `Value::Expr` when it is computed. `mkDefault x` and
/// friends are looked through.
pub fn literal(expr: &ast::Expr) -> Value {
    let expr = unparen(expr.clone());
    if let Some((_, inner)) = transparent_inner(&expr) {
        return match inner.as_slice() {
            [one] => literal(one),
            _ => Value::Expr,
        };
    }
    match &expr {
        ast::Expr::Str(s) => static_string(s).map_or(Value::Expr, Value::Str),
        ast::Expr::Literal(lit) => match lit.kind() {
            ast::LiteralKind::Integer(i) => i.value().map_or(Value::Expr, Value::Int),
            ast::LiteralKind::Float(f) => f.value().map_or(Value::Expr, Value::Float),
            ast::LiteralKind::Uri(u) => Value::Str(u.syntax().text().to_string()),
        },
        ast::Expr::Ident(i) => match i.ident_token().as_ref().map(|t| t.text()) {
            Some("true") => Value::Bool(true),
            Some("false") => Value::Bool(false),
            Some("null") => Value::Null,
            _ => Value::Expr,
        },
        ast::Expr::UnaryOp(u) if u.operator() == Some(ast::UnaryOpKind::Negate) => {
            match u.expr().map(|e| literal(&e)) {
                Some(Value::Int(n)) => Value::Int(-n),
                Some(Value::Float(f)) => Value::Float(-f),
                _ => Value::Expr,
            }
        }
        ast::Expr::PathRel(p) => Value::Path(p.syntax().text().to_string()),
        ast::Expr::PathAbs(p) => Value::Path(p.syntax().text().to_string()),
        ast::Expr::List(list) => Value::List(list.items().map(|e| literal(&e)).collect()),
        ast::Expr::AttrSet(_) => Value::AttrSet,
        _ => Value::Expr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn settings(text: &str) -> String {
        let parsed = parse(text);
        jetpack_settings(&parsed.root())
            .iter()
            .map(|s| {
                let written: Vec<&str> = s.segments.iter().map(|r| &text[*r]).collect();
                format!(
                    "{} = {:?} [{}]\n",
                    s.path.join("."),
                    s.value,
                    written.join(" ")
                )
            })
            .collect()
    }

    #[test]
    fn every_form_of_setting() {
        let text = r#"{ config, lib, pkgs, ... }:
let som = "orin-nx"; in
{
  imports = [ ./hw.nix { hardware.nvidia-jetpack.flashScriptOverrides.flashArgs = [ "-r" ]; } ];
  hardware.nvidia-jetpack.enable = true;
  hardware.nvidia-jetpack = {
    som = som;
    carrierBoard = lib.mkDefault "devkit";
    firmware.autoUpdate = lib.mkForce false;
  };
  hardware = { nvidia-jetpack.majorVersion = "6"; graphics.enable = true; };
  services.nvpmodel.profileNumber = lib.mkOverride 50 (-1);
  services.openssh.enable = true;
  boot = lib.mkIf config.hardware.nvidia-jetpack.enable { kernelParams = [ ]; };
  "hardware"."nvidia-jetpack".modesetting.enable = true;
}
"#;
        expect_test::expect![[r#"
            hardware.nvidia-jetpack.flashScriptOverrides.flashArgs = List([Str("-r")]) [hardware nvidia-jetpack flashScriptOverrides flashArgs]
            hardware.nvidia-jetpack.enable = Bool(true) [hardware nvidia-jetpack enable]
            hardware.nvidia-jetpack.som = Expr [hardware nvidia-jetpack som]
            hardware.nvidia-jetpack.carrierBoard = Str("devkit") [hardware nvidia-jetpack carrierBoard]
            hardware.nvidia-jetpack.firmware.autoUpdate = Bool(false) [hardware nvidia-jetpack firmware autoUpdate]
            hardware.nvidia-jetpack.majorVersion = Str("6") [hardware nvidia-jetpack majorVersion]
            services.nvpmodel.profileNumber = Int(-1) [services nvpmodel profileNumber]
            hardware.nvidia-jetpack.modesetting.enable = Bool(true) ["hardware" "nvidia-jetpack" modesetting enable]
        "#]]
        .assert_eq(&settings(text));
    }

    #[test]
    fn config_sections_and_wrappers() {
        let text = r#"{ config, lib, ... }: with lib; {
  options.hardware.nvidia-jetpack.extra = mkOption { type = types.bool; };
  config = mkMerge [
    { hardware.nvidia-jetpack.som = "orin-agx"; }
    (mkIf config.foo { hardware.nvidia-jetpack.carrierBoard = "devkit"; })
  ];
}
"#;
        expect_test::expect![[r#"
            hardware.nvidia-jetpack.som = Str("orin-agx") [hardware nvidia-jetpack som]
            hardware.nvidia-jetpack.carrierBoard = Str("devkit") [hardware nvidia-jetpack carrierBoard]
        "#]]
        .assert_eq(&settings(text));
    }

    #[test]
    fn not_modules_give_nothing() {
        for text in [
            "",
            "{",
            "x: x",
            "{ stdenv }: stdenv.mkDerivation { }",
            "[ 1 2 ]",
            "{ options.hardware.nvidia-jetpack.som = 1; config = { }; }",
        ] {
            assert_eq!(settings(text), "", "{text}");
        }
    }
}
