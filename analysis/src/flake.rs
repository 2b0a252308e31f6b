//! The `flake.nix` model: declared inputs (URL or attribute form, `flake = false`, `follows` at
//! any depth), the parameters of `outputs`, and the statically visible output attributes.
//!
//! Only what is written literally is modelled; anything computed is left out rather than guessed.

use std::collections::BTreeMap;

use rnix::ast::{self, AstToken, HasEntry};
use rnix::SyntaxNode;
use rowan::ast::AstNode;
use rowan::{TextRange, TextSize};

use crate::syntax::{attrpath_segments, indentation_at, static_string, unparen};

/// A value as written, with the range of its literal (for strings, the quotes included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub range: TextRange,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlakeModel {
    /// Root inputs in the order they are first declared.
    pub inputs: Vec<InputDecl>,
    pub outputs: Option<OutputsDecl>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputDecl {
    pub name: String,
    /// The first place the input's name is written (`jetpack` in `inputs.jetpack.url = ...`).
    pub name_range: TextRange,
    pub url: Option<Located<String>>,
    /// The attribute form (`type = "github"; owner = ...;`), string, integer and boolean values.
    pub attrs: BTreeMap<String, Located<String>>,
    pub flake: Option<Located<bool>>,
    /// `inputs.x.follows = "..."` on the root input itself.
    pub follows: Option<Located<String>>,
    /// `inputs.x.inputs.y[.inputs.z].follows = "..."` and nested URL overrides.
    pub overrides: Vec<InputOverride>,
    /// Where a new `inputs.<path>.follows` line for this input can be written.
    pub anchor: Option<InsertAnchor>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputOverride {
    /// The nested input path below the root input: `["nixpkgs"]`, `["b", "nixpkgs"]`.
    pub path: Vec<String>,
    /// The range of the last path segment as written.
    pub range: TextRange,
    pub follows: Option<Located<String>>,
    pub url: Option<Located<String>>,
}

/// A place to insert a binding belonging to an input: after its last binding, on a new line
/// with the same indentation, with the key prefix that names the input in that attrset
/// (`inputs.jetpack.`, `jetpack.` or empty inside the input's own attrset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsertAnchor {
    pub offset: TextSize,
    pub indent: String,
    pub key_prefix: String,
}

impl InsertAnchor {
    /// The text to insert for a new binding `rest = value;` of this input.
    pub fn binding_text(&self, rest: &str, value: &str) -> String {
        format!("\n{}{}{rest} = {value};", self.indent, self.key_prefix)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputsDecl {
    /// The names in the `{ self, nixpkgs, ... }` pattern.
    pub params: Vec<OutputParam>,
    pub has_ellipsis: bool,
    /// `inputs` in `inputs@{ ... }` or `{ ... }@inputs`; or the name of a plain `inputs:` param.
    pub bind: Option<String>,
    /// Output attributes whose names are written literally.
    pub attrs: Vec<OutputAttr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputParam {
    pub name: String,
    pub range: TextRange,
    pub has_default: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputAttr {
    /// Static key segments from the output root (`packages`, `x86_64-linux`, `default`), at most
    /// three deep, each with its range. For outputs inside a per-system helper
    /// (`eachDefaultSystem`, flake-parts' `perSystem`) the system level is implicit.
    pub segments: Vec<Located<String>>,
    pub per_system: bool,
    /// The whole `key = value;` binding where this path ends.
    pub binding: TextRange,
    /// The range of the binding's attrpath (the key as written).
    pub key: TextRange,
    /// How many segments of this path the binding's own key holds (the rest come from
    /// enclosing attrsets): `packages.x86_64-linux.default = ...` holds 3.
    pub key_segments: usize,
}

/// Builds the model of a parsed `flake.nix`.
pub fn flake_model(root: &SyntaxNode, text: &str) -> FlakeModel {
    let mut model = FlakeModel::default();
    let Some(top) = ast::Root::cast(root.clone()).and_then(|r| r.expr()) else {
        return model;
    };
    let ast::Expr::AttrSet(top) = unparen(top) else {
        return model;
    };
    let mut inputs = InputCollector {
        text,
        by_name: Vec::new(),
    };
    for apv in top.attrpath_values() {
        let (Some(path), Some(value)) = (apv.attrpath(), apv.value()) else {
            continue;
        };
        let Some(segments) = attrpath_segments(&path) else {
            continue;
        };
        match segments[0].0.as_str() {
            "inputs" => {
                let ctx = BindingCtx {
                    binding: &apv,
                    key_segments: &segments,
                    name_index: 1,
                };
                inputs.collect(&segments[1..], value, &ctx);
            }
            "outputs" if segments.len() == 1 => {
                model.outputs = outputs_decl(value);
            }
            _ => {}
        }
    }
    model.inputs = inputs.by_name;
    model
}

/// Where the binding being walked sits, to compute insertion anchors.
struct BindingCtx<'a> {
    binding: &'a ast::AttrpathValue,
    key_segments: &'a [(String, TextRange)],
    /// The index in `key_segments` of the input's name, if the key holds it.
    name_index: usize,
}

struct InputCollector<'t> {
    text: &'t str,
    by_name: Vec<InputDecl>,
}

impl InputCollector<'_> {
    /// Walks `inputs.<rest> = value`, descending into attrset literals.
    fn collect(&mut self, rest: &[(String, TextRange)], value: ast::Expr, ctx: &BindingCtx) {
        if rest.is_empty() {
            // `inputs = { ... }`
            if let ast::Expr::AttrSet(set) = unparen(value) {
                for apv in set.attrpath_values() {
                    let (Some(path), Some(v)) = (apv.attrpath(), apv.value()) else {
                        continue;
                    };
                    let Some(segments) = attrpath_segments(&path) else {
                        continue;
                    };
                    let inner = BindingCtx {
                        binding: &apv,
                        key_segments: &segments,
                        name_index: 0,
                    };
                    self.collect(&segments, v, &inner);
                }
            }
            return;
        }
        let (name, name_range) = (&rest[0].0, rest[0].1);
        // `inputs.self.submodules = true;` sets attributes of the flake itself, not an input.
        if name == "self" {
            return;
        }
        let index = match self.by_name.iter().position(|i| &i.name == name) {
            Some(i) => i,
            None => {
                self.by_name.push(InputDecl {
                    name: name.clone(),
                    name_range,
                    url: None,
                    attrs: BTreeMap::new(),
                    flake: None,
                    follows: None,
                    overrides: Vec::new(),
                    anchor: None,
                });
                self.by_name.len() - 1
            }
        };
        let anchor = self.anchor(ctx);
        if rest.len() == 1 {
            // `jetpack = { url = ...; inputs.nixpkgs.follows = ...; }`
            if let ast::Expr::AttrSet(set) = unparen(value) {
                let mut last_inner = None;
                for apv in set.attrpath_values() {
                    let (Some(path), Some(v)) = (apv.attrpath(), apv.value()) else {
                        continue;
                    };
                    let Some(segments) = attrpath_segments(&path) else {
                        continue;
                    };
                    self.input_attr(index, &segments, v);
                    last_inner = Some(apv);
                }
                if let Some(apv) = last_inner {
                    let inner = BindingCtx {
                        binding: &apv,
                        key_segments: &[],
                        name_index: usize::MAX,
                    };
                    self.by_name[index].anchor = self.anchor(&inner);
                }
            }
            return;
        }
        self.input_attr(index, &rest[1..], value);
        if anchor.is_some() {
            self.by_name[index].anchor = anchor;
        }
    }

    /// One attribute of input `index`: `url`, `flake`, `follows`, `inputs.<...>`, or a
    /// reference attribute (`type`, `owner`, ...).
    fn input_attr(&mut self, index: usize, key: &[(String, TextRange)], value: ast::Expr) {
        let value = unparen(value);
        let input = &mut self.by_name[index];
        match key[0].0.as_str() {
            "url" if key.len() == 1 => input.url = string_value(&value),
            "follows" if key.len() == 1 => input.follows = string_value(&value),
            "flake" if key.len() == 1 => input.flake = bool_value(&value),
            "inputs" => {
                collect_overrides(
                    &mut Vec::new(),
                    OverrideAt::Name,
                    &key[1..],
                    value,
                    &mut input.overrides,
                );
            }
            name if key.len() == 1 => {
                if let Some(v) = scalar_text(&value) {
                    input.attrs.insert(name.to_string(), v);
                }
            }
            _ => {}
        }
    }

    fn anchor(&self, ctx: &BindingCtx) -> Option<InsertAnchor> {
        let range = ctx.binding.syntax().text_range();
        let key_prefix = if ctx.name_index < ctx.key_segments.len() {
            let start = ctx.key_segments[0].1.start();
            let end = ctx.key_segments[ctx.name_index].1.end();
            format!("{}.", self.text.get(usize::from(start)..usize::from(end))?)
        } else {
            String::new()
        };
        Some(InsertAnchor {
            offset: end_of_line_after(self.text, range.end()),
            indent: indentation_at(self.text, range.start()).to_string(),
            key_prefix,
        })
    }
}

/// What the next key segment of a nested override names.
#[derive(Clone, Copy)]
enum OverrideAt {
    /// An input name (`b` in `inputs.b.follows`).
    Name,
    /// An attribute of the input named last (`follows`, `url`, `inputs`).
    Attr,
}

/// Nested input overrides below a root input: `b.follows`, `b.inputs.c.follows`, `b.url`, in
/// dotted or nested attrset form. `path` holds the input names walked so far.
fn collect_overrides(
    path: &mut Vec<(String, TextRange)>,
    at: OverrideAt,
    key: &[(String, TextRange)],
    value: ast::Expr,
    out: &mut Vec<InputOverride>,
) {
    let value = unparen(value);
    let Some((first, rest)) = key.split_first() else {
        if let ast::Expr::AttrSet(set) = value {
            for apv in set.attrpath_values() {
                let (Some(p), Some(v)) = (apv.attrpath(), apv.value()) else {
                    continue;
                };
                if let Some(segments) = attrpath_segments(&p) {
                    collect_overrides(path, at, &segments, v, out);
                }
            }
        }
        return;
    };
    match at {
        OverrideAt::Name => {
            path.push(first.clone());
            collect_overrides(path, OverrideAt::Attr, rest, value, out);
            path.pop();
        }
        OverrideAt::Attr => match first.0.as_str() {
            "inputs" => collect_overrides(path, OverrideAt::Name, rest, value, out),
            attr @ ("follows" | "url") if rest.is_empty() && !path.is_empty() => {
                let names: Vec<String> = path.iter().map(|p| p.0.clone()).collect();
                let range = path.last().map_or(first.1, |p| p.1);
                let index = match out.iter().position(|o| o.path == names) {
                    Some(i) => i,
                    None => {
                        out.push(InputOverride {
                            path: names,
                            range,
                            follows: None,
                            url: None,
                        });
                        out.len() - 1
                    }
                };
                let v = string_value(&value);
                if attr == "follows" {
                    out[index].follows = v;
                } else {
                    out[index].url = v;
                }
            }
            _ => {}
        },
    }
}

/// The end of the line containing `offset` if only whitespace or a comment follows it there,
/// so an inserted line does not steal a trailing comment; otherwise `offset` itself.
fn end_of_line_after(text: &str, offset: TextSize) -> TextSize {
    let start = usize::from(offset).min(text.len());
    let rest = &text[start..];
    let line = rest.split('\n').next().unwrap_or("");
    let trimmed = line.trim_start();
    if trimmed.is_empty() || (trimmed.starts_with('#') && !trimmed.starts_with("#-")) {
        let line = line.trim_end_matches('\r');
        TextSize::from((start + line.len()) as u32)
    } else {
        offset
    }
}

fn string_value(expr: &ast::Expr) -> Option<Located<String>> {
    match expr {
        ast::Expr::Str(s) => Some(Located {
            value: static_string(s)?,
            range: s.syntax().text_range(),
        }),
        // Nix still accepts bare URIs (`url = github:NixOS/nixpkgs;`).
        ast::Expr::Literal(lit) => match lit.kind() {
            ast::LiteralKind::Uri(uri) => Some(Located {
                value: uri.syntax().text().to_string(),
                range: lit.syntax().text_range(),
            }),
            _ => None,
        },
        _ => None,
    }
}

fn bool_value(expr: &ast::Expr) -> Option<Located<bool>> {
    let ast::Expr::Ident(ident) = expr else {
        return None;
    };
    let value = match ident.ident_token()?.text() {
        "true" => true,
        "false" => false,
        _ => return None,
    };
    Some(Located {
        value,
        range: ident.syntax().text_range(),
    })
}

/// Strings, integers and booleans as text (the attribute form of an input reference).
fn scalar_text(expr: &ast::Expr) -> Option<Located<String>> {
    if let Some(s) = string_value(expr) {
        return Some(s);
    }
    if let Some(b) = bool_value(expr) {
        return Some(Located {
            value: b.value.to_string(),
            range: b.range,
        });
    }
    match expr {
        ast::Expr::Literal(lit) => match lit.kind() {
            ast::LiteralKind::Integer(i) => Some(Located {
                value: i.syntax().text().to_string(),
                range: lit.syntax().text_range(),
            }),
            _ => None,
        },
        _ => None,
    }
}

fn outputs_decl(value: ast::Expr) -> Option<OutputsDecl> {
    let ast::Expr::Lambda(lambda) = unparen(value) else {
        return None;
    };
    let mut decl = OutputsDecl {
        params: Vec::new(),
        has_ellipsis: false,
        bind: None,
        attrs: Vec::new(),
    };
    match lambda.param()? {
        ast::Param::Pattern(pattern) => {
            decl.has_ellipsis = pattern.ellipsis_token().is_some();
            decl.bind = pattern
                .pat_bind()
                .and_then(|b| b.ident())
                .and_then(|i| Some(i.ident_token()?.text().to_string()));
            for entry in pattern.pat_entries() {
                let Some(ident) = entry.ident() else { continue };
                let Some(token) = ident.ident_token() else {
                    continue;
                };
                decl.params.push(OutputParam {
                    name: token.text().to_string(),
                    range: ident.syntax().text_range(),
                    has_default: entry.default().is_some(),
                });
            }
        }
        ast::Param::IdentParam(p) => {
            decl.bind = p
                .ident()
                .and_then(|i| Some(i.ident_token()?.text().to_string()));
        }
    }
    if let Some(body) = lambda.body() {
        collect_outputs(body, false, &mut decl.attrs, 0);
    }
    Some(decl)
}

/// The names that flake-parts' `mkFlake` takes at its top level, which are not outputs.
const FLAKE_PARTS_ARGS: &[&str] = &[
    "systems",
    "imports",
    "perSystem",
    "flake",
    "debug",
    "transposition",
    "partitions",
    "partitionedAttrs",
];

/// Walks the expression `outputs` returns and records output attributes written literally.
fn collect_outputs(expr: ast::Expr, per_system: bool, out: &mut Vec<OutputAttr>, depth: u32) {
    if depth > 16 {
        return;
    }
    match unparen(expr) {
        ast::Expr::AttrSet(set) => {
            for apv in set.attrpath_values() {
                collect_output_binding(&apv, &[], per_system, out);
            }
        }
        ast::Expr::LetIn(let_in) => {
            if let Some(body) = let_in.body() {
                collect_outputs(body, per_system, out, depth + 1);
            }
        }
        ast::Expr::With(with) => {
            if let Some(body) = with.body() {
                collect_outputs(body, per_system, out, depth + 1);
            }
        }
        ast::Expr::Assert(assert) => {
            if let Some(body) = assert.body() {
                collect_outputs(body, per_system, out, depth + 1);
            }
        }
        ast::Expr::BinOp(op) if op.operator() == Some(ast::BinOpKind::Update) => {
            if let Some(lhs) = op.lhs() {
                collect_outputs(lhs, per_system, out, depth + 1);
            }
            if let Some(rhs) = op.rhs() {
                collect_outputs(rhs, per_system, out, depth + 1);
            }
        }
        ast::Expr::Apply(apply) => collect_from_apply(apply, out, depth),
        _ => {}
    }
}

/// `flake-utils.lib.eachDefaultSystem (system: { ... })`, `eachSystem [ ... ] (system: ...)`,
/// and flake-parts' `mkFlake { ... } { flake = { ... }; perSystem = ...; }`.
fn collect_from_apply(apply: ast::Apply, out: &mut Vec<OutputAttr>, depth: u32) {
    let function = apply_head(&apply);
    let Some(name) = function else { return };
    let Some(arg) = apply.argument() else { return };
    if name.starts_with("eachSystem") || name.starts_with("eachDefaultSystem") {
        if let ast::Expr::Lambda(l) = unparen(arg) {
            if let Some(body) = l.body() {
                collect_outputs(body, true, out, depth + 1);
            }
        }
    } else if name == "mkFlake" {
        let ast::Expr::AttrSet(set) = unparen(arg) else {
            return;
        };
        for apv in set.attrpath_values() {
            let Some(segments) = apv.attrpath().as_ref().and_then(attrpath_segments) else {
                continue;
            };
            match segments[0].0.as_str() {
                "flake" if segments.len() == 1 => {
                    if let Some(v) = apv.value() {
                        collect_outputs(v, false, out, depth + 1);
                    }
                }
                "flake" => {
                    collect_output_binding(&apv, &[], false, out);
                    // Drop the `flake` prefix the binding's key carries.
                    if let Some(last) = out.last_mut() {
                        if last.segments.first().is_some_and(|s| s.value == "flake") {
                            last.segments.remove(0);
                            last.key_segments = last.key_segments.saturating_sub(1);
                        }
                    }
                }
                "perSystem" => {
                    if let Some(ast::Expr::Lambda(l)) = apv.value().map(unparen) {
                        if let Some(body) = l.body() {
                            collect_outputs(body, true, out, depth + 1);
                        }
                    }
                }
                name if FLAKE_PARTS_ARGS.contains(&name) => {}
                _ => {}
            }
        }
    } else if let Some(inner) = apply.lambda() {
        // `f x y`: the outer application of `eachSystem [ ... ] (system: ...)`.
        if let ast::Expr::Apply(inner) = unparen(inner) {
            let inner_name = apply_head(&inner);
            if inner_name.is_some_and(|n| n.starts_with("eachSystem")) {
                if let ast::Expr::Lambda(l) = unparen(arg) {
                    if let Some(body) = l.body() {
                        collect_outputs(body, true, out, depth + 1);
                    }
                }
            }
        }
    }
}

/// The last name of the function an application calls (`eachDefaultSystem` in
/// `flake-utils.lib.eachDefaultSystem x`).
fn apply_head(apply: &ast::Apply) -> Option<String> {
    crate::syntax::function_name(&crate::syntax::applied_function(apply)?)
}

fn collect_output_binding(
    apv: &ast::AttrpathValue,
    outer: &[Located<String>],
    per_system: bool,
    out: &mut Vec<OutputAttr>,
) {
    let Some(path) = apv.attrpath() else { return };
    let Some(segments) = attrpath_segments(&path) else {
        return;
    };
    let mut full: Vec<Located<String>> = outer.to_vec();
    full.extend(segments.iter().map(|(value, range)| Located {
        value: value.clone(),
        range: *range,
    }));
    let max_depth = if per_system { 2 } else { 3 };
    // Descend into attrset literals to see system names (`packages = { x86_64-linux = ...; }`).
    if full.len() < max_depth {
        if let Some(ast::Expr::AttrSet(set)) = apv.value().map(unparen) {
            if set.rec_token().is_none() {
                let before = out.len();
                for inner in set.attrpath_values() {
                    collect_output_binding(&inner, &full, per_system, out);
                }
                if out.len() > before {
                    return;
                }
            }
        }
    }
    full.truncate(max_depth);
    out.push(OutputAttr {
        key_segments: segments.len().min(full.len().saturating_sub(outer.len())),
        segments: full,
        per_system,
        binding: apv.syntax().text_range(),
        key: path.syntax().text_range(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;
    use expect_test::{expect, Expect};

    fn check(text: &str, expect: Expect) {
        let parsed = parse(text);
        let model = flake_model(&parsed.root(), text);
        let mut out = String::new();
        for input in &model.inputs {
            out.push_str(&format!(
                "input {} @{}",
                input.name,
                slice(text, input.name_range)
            ));
            if let Some(url) = &input.url {
                out.push_str(&format!(" url={}", url.value));
            }
            for (k, v) in &input.attrs {
                out.push_str(&format!(" {k}={}", v.value));
            }
            if let Some(f) = &input.flake {
                out.push_str(&format!(" flake={}", f.value));
            }
            if let Some(f) = &input.follows {
                out.push_str(&format!(" follows={}", f.value));
            }
            out.push('\n');
            for o in &input.overrides {
                out.push_str(&format!(
                    "  override {} @{} follows={:?} url={:?}\n",
                    o.path.join("/"),
                    slice(text, o.range),
                    o.follows.as_ref().map(|f| &f.value),
                    o.url.as_ref().map(|f| &f.value)
                ));
            }
            if let Some(anchor) = &input.anchor {
                let mut edited = text.to_string();
                edited.insert_str(
                    usize::from(anchor.offset),
                    &anchor.binding_text("inputs.nixpkgs.follows", "\"nixpkgs\""),
                );
                assert!(
                    parse(&edited).errors.is_empty(),
                    "fix broke the file:\n{edited}"
                );
                out.push_str(&format!(
                    "  anchor {:?}{:?}\n",
                    anchor.indent, anchor.key_prefix
                ));
            }
        }
        if let Some(outputs) = &model.outputs {
            let params: Vec<String> = outputs
                .params
                .iter()
                .map(|p| format!("{}{}", p.name, if p.has_default { "?" } else { "" }))
                .collect();
            out.push_str(&format!(
                "outputs({}{}) bind={:?}\n",
                params.join(","),
                if outputs.has_ellipsis { ",..." } else { "" },
                outputs.bind
            ));
            for attr in &outputs.attrs {
                let names: Vec<&str> = attr.segments.iter().map(|s| s.value.as_str()).collect();
                out.push_str(&format!(
                    "  {}{} key={}\n",
                    names.join("."),
                    if attr.per_system { " (per system)" } else { "" },
                    slice(text, attr.key)
                ));
            }
        }
        expect.assert_eq(&out);
    }

    fn slice(text: &str, range: TextRange) -> &str {
        &text[range]
    }

    #[test]
    fn inputs_in_every_form() {
        check(
            r#"{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
  inputs.jetpack.url = "github:anduril/jetpack-nixos"; # the BSP
  inputs = {
    utils = { url = "github:numtide/flake-utils"; inputs.systems.follows = "systems"; };
    systems.url = github:nix-systems/default;
    src = { flake = false; type = "github"; owner = "o"; repo = "r"; };
    a.inputs.b.inputs.nixpkgs.follows = "nixpkgs";
    a.inputs = { c.follows = ""; };
  };
  inputs.pinned.follows = "jetpack/nixpkgs";
  inputs.self.submodules = true;
  outputs = { self, nixpkgs, jetpack, extra ? null, ... }@inputs: { };
}"#,
            expect![[r#"
                input nixpkgs @nixpkgs url=github:NixOS/nixpkgs/nixos-24.11
                  anchor "  ""inputs.nixpkgs."
                input jetpack @jetpack url=github:anduril/jetpack-nixos
                  anchor "  ""inputs.jetpack."
                input utils @utils url=github:numtide/flake-utils
                  override systems @systems follows=Some("systems") url=None
                  anchor "    """
                input systems @systems url=github:nix-systems/default
                  anchor "    ""systems."
                input src @src owner=o repo=r type=github flake=false
                  anchor "    """
                input a @a
                  override b/nixpkgs @nixpkgs follows=Some("nixpkgs") url=None
                  override c @c follows=Some("") url=None
                  anchor "    ""a."
                input pinned @pinned follows=jetpack/nixpkgs
                  anchor "  ""inputs.pinned."
                outputs(self,nixpkgs,jetpack,extra?,...) bind=Some("inputs")
            "#]],
        );
    }

    #[test]
    fn output_attributes() {
        check(
            r#"{
  outputs = inputs@{ self, nixpkgs, flake-utils }:
    let systems = [ "x86_64-linux" ]; in
    {
      nixosConfigurations.orin = nixpkgs.lib.nixosSystem { };
      packages = { aarch64-linux = { default = 1; }; x86_64_linux.hello = 2; };
      devShell.x86_64-linux = 3;
      overlay = final: prev: { };
      lib = rec { a = 1; };
    } // flake-utils.lib.eachDefaultSystem (system: { devShell = 4; checks.x = 5; });
}"#,
            expect![[r#"
                outputs(self,nixpkgs,flake-utils) bind=Some("inputs")
                  nixosConfigurations.orin key=nixosConfigurations.orin
                  packages.aarch64-linux.default key=default
                  packages.x86_64_linux.hello key=x86_64_linux.hello
                  devShell.x86_64-linux key=devShell.x86_64-linux
                  overlay key=overlay
                  lib key=lib
                  devShell (per system) key=devShell
                  checks.x (per system) key=checks.x
            "#]],
        );
    }

    #[test]
    fn flake_parts_outputs() {
        check(
            r#"{
  outputs = inputs: inputs.flake-parts.lib.mkFlake { inherit inputs; } {
    systems = [ "aarch64-linux" ];
    perSystem = { pkgs, ... }: { packages.default = pkgs.hello; };
    flake = { nixosModules.default = ./module.nix; };
    flake.overlay = 1;
  };
}"#,
            expect![[r#"
                outputs() bind=Some("inputs")
                  packages.default (per system) key=packages.default
                  nixosModules.default key=nixosModules.default
                  overlay key=flake.overlay
            "#]],
        );
    }

    #[test]
    fn broken_flakes_give_partial_models() {
        for text in [
            "",
            "{",
            "{ inputs = ; }",
            "{ inputs.x.url = \"a\" outputs = ",
            "x: x",
            "{ outputs = { self, ... }: }",
        ] {
            let parsed = parse(text);
            let _ = flake_model(&parsed.root(), text);
        }
    }
}
