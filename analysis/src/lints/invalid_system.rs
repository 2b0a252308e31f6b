//! `invalid-system`: a system name Nix does not know (`x86_64_linux`) where one is expected.

use rnix::ast::{self, HasEntry};
use rnix::SyntaxKind;
use rowan::ast::AstNode;
use rowan::TextRange;

use super::outputs_common::has_system_level;
use super::{LintCtx, Rule};
use crate::db;
use crate::diagnostic::Fix;
use crate::syntax::{attrpath_segments, static_string, unparen};
use crate::systems;

pub(crate) const DOC: &str = r#"# invalid-system

## What it checks
A system name that Nix does not know, in the places that take one in `flake.nix`: the second
level of `packages`, `devShells`, `apps`, `checks`, `formatter`, `legacyPackages` (and their
deprecated forms), the lists given to `eachSystem`, `genAttrs` and `systems = [ ... ]`, and
`system = "..."`. Only names within a typo of a known system are reported (`x86_64_linux`,
`aarch64-linx`, `arm64-linux`), so systems of your own are left alone.

## Why it matters
`nix build .#packages.aarch64-linux.default` does not find a package declared under
`aarch64_linux`; `nixos-rebuild` on the Jetson finds no configuration for its system. Nix says
nothing about the misspelt name itself.

## Example
```nix
{
  outputs = { self, nixpkgs }: {
    packages.aarch64_linux.flash-script = nixpkgs.legacyPackages.aarch64-linux.hello;
  };
}
```

## Fix
`--fix` replaces the name with the closest known system (`aarch64-linux`).
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    let model = db::flake_model(ctx.db, ctx.file);
    let mut seen: Vec<TextRange> = Vec::new();
    let mut found: Vec<(TextRange, String, bool)> = Vec::new();
    if let Some(outputs) = &model.outputs {
        for attr in &outputs.attrs {
            if attr.per_system || attr.segments.len() < 2 || !has_system_level(&attr.segments[0].value) {
                continue;
            }
            let system = &attr.segments[1];
            let quoted = ctx.text[system.range].starts_with('"');
            found.push((system.range, system.value.clone(), quoted));
        }
    }
    // System strings in lists and `system = "..."` bindings anywhere in the file.
    for node in ctx.parsed().root().descendants() {
        match node.kind() {
            SyntaxKind::NODE_LIST if list_takes_systems(&node) => {
                let Some(list) = ast::List::cast(node) else { continue };
                for item in list.items() {
                    if let ast::Expr::Str(s) = item {
                        if let Some(value) = static_string(&s) {
                            found.push((s.syntax().text_range(), value, true));
                        }
                    }
                }
            }
            SyntaxKind::NODE_ATTR_SET | SyntaxKind::NODE_LET_IN => {
                let bindings: Vec<ast::AttrpathValue> = if let Some(set) = ast::AttrSet::cast(node.clone()) {
                    set.attrpath_values().collect()
                } else if let Some(l) = ast::LetIn::cast(node.clone()) {
                    l.attrpath_values().collect()
                } else {
                    continue;
                };
                for apv in bindings {
                    let key = apv.attrpath().as_ref().and_then(attrpath_segments);
                    if key.as_ref().and_then(|k| k.last()).map(|k| k.0.as_str()) != Some("system") {
                        continue;
                    }
                    if let Some(ast::Expr::Str(s)) = apv.value().map(unparen) {
                        if let Some(value) = static_string(&s) {
                            found.push((s.syntax().text_range(), value, true));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (range, value, quoted) in found {
        if seen.contains(&range) {
            continue;
        }
        seen.push(range);
        let Some(suggestion) = systems::suggest(&value) else { continue };
        let message = format!("`{value}` is not a Nix system; did you mean `{suggestion}`?");
        let new_text = if quoted { format!("\"{suggestion}\"") } else { suggestion.to_string() };
        let fix = Fix::replace(format!("replace with `{suggestion}`"), ctx.path, range, new_text);
        ctx.report(Rule::InvalidSystem, range, message, Some(fix));
    }
}

/// Lists given to `eachSystem`, `genAttrs`, `eachSystemMap`, or bound to `systems`,
/// `supportedSystems` and the like.
fn list_takes_systems(list: &rnix::SyntaxNode) -> bool {
    let Some(parent) = list.parent() else { return false };
    if let Some(apply) = ast::Apply::cast(parent.clone()) {
        let name = apply.lambda().and_then(|f| crate::syntax::function_name(&f));
        return matches!(name.as_deref(), Some("eachSystem" | "genAttrs" | "eachSystemMap" | "eachSystemPassThrough"));
    }
    if let Some(apv) = ast::AttrpathValue::cast(parent) {
        let key = apv.attrpath().as_ref().and_then(attrpath_segments);
        let last = key.as_ref().and_then(|k| k.last()).map(|k| k.0.to_ascii_lowercase());
        return last.is_some_and(|k| k.ends_with("systems"));
    }
    false
}
