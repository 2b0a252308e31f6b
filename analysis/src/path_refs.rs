//! Path references in a Nix file: path literals (`./x.nix`, `../dir`), and strings that name a
//! file of the flake through `self` (`"${self}/f"`). Used by `missing-file` and `untracked-file`.

use rnix::ast::{self, InterpolPart};
use rnix::{SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;
use rowan::TextRange;

use crate::{paths, syntax};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathRef {
    /// The absolute path the reference names.
    pub target: String,
    /// The literal as written.
    pub text: String,
    pub range: TextRange,
    /// The path is tested with `builtins.pathExists` in this file: its absence is expected.
    pub guarded: bool,
}

/// Every static path reference in a file. `flake_root` resolves `self`.
pub fn path_refs(root: &SyntaxNode, file_path: &str, flake_root: Option<&str>) -> Vec<PathRef> {
    let dir = paths::parent(file_path);
    let mut refs = Vec::new();
    let mut guarded_targets = Vec::new();
    for node in root.descendants() {
        match node.kind() {
            SyntaxKind::NODE_PATH_REL => {
                let Some(path) = ast::PathRel::cast(node.clone()) else {
                    continue;
                };
                let Some(text) = syntax::static_path(&ast::Expr::PathRel(path)) else {
                    continue;
                };
                if text.is_empty() {
                    continue;
                }
                let target = paths::join(dir, &text);
                if is_path_exists_argument(&node) {
                    guarded_targets.push(target.clone());
                }
                refs.push(PathRef {
                    target,
                    text,
                    range: node.text_range(),
                    guarded: false,
                });
            }
            SyntaxKind::NODE_STRING => {
                let (Some(root_dir), Some(s)) = (flake_root, ast::Str::cast(node.clone())) else {
                    continue;
                };
                if let Some((rel, text)) = self_relative(&s) {
                    refs.push(PathRef {
                        target: paths::join(root_dir, &rel),
                        text,
                        range: node.text_range(),
                        guarded: false,
                    });
                }
            }
            _ => {}
        }
    }
    for r in &mut refs {
        r.guarded = guarded_targets.contains(&r.target);
    }
    refs
}

/// `"${self}/rel"` or `"${inputs.self}/rel"`: the relative path, and the string as written.
fn self_relative(s: &ast::Str) -> Option<(String, String)> {
    let parts: Vec<InterpolPart<String>> = syntax::string_parts(s)?;
    let [InterpolPart::Interpolation(first), InterpolPart::Literal(rest)] = parts.as_slice() else {
        return None;
    };
    let expr = first.expr()?;
    let names_self = match &expr {
        ast::Expr::Ident(i) => i.ident_token()?.text() == "self",
        ast::Expr::Select(sel) => {
            sel.syntax()
                .text()
                .to_string()
                .replace(char::is_whitespace, "")
                == "inputs.self"
        }
        _ => false,
    };
    let rel = rest.strip_prefix('/')?;
    if !names_self || rel.is_empty() {
        return None;
    }
    Some((rel.to_string(), s.syntax().text().to_string()))
}

/// Whether a path literal is the argument of `pathExists` (`builtins.pathExists ./x`).
fn is_path_exists_argument(node: &SyntaxNode) -> bool {
    let Some(apply) = node.parent().and_then(ast::Apply::cast) else {
        return false;
    };
    let Some(function) = apply.lambda() else {
        return false;
    };
    let name = match function {
        ast::Expr::Ident(i) => i.ident_token().map(|t| t.text().to_string()),
        ast::Expr::Select(s) => s
            .attrpath()
            .and_then(|p| p.attrs().last())
            .and_then(|a| crate::syntax::attr_name(&a)),
        _ => None,
    };
    name.as_deref() == Some("pathExists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_strings_and_paths_do_not_panic() {
        // rnix's own part accessors panic on error nodes inside strings and paths.
        for text in [
            "{i=\"{",
            "{ a = \"${self}/x\"${[; b = ./p; }",
            "[ ./a/${ \"${[ ]",
        ] {
            let parsed = syntax::parse(text);
            path_refs(&parsed.root(), "/f.nix", Some("/"));
        }
    }
}
