//! What the cursor is on, for hover and definition: an option path segment, an input (where it
//! is declared, an `outputs` parameter or a use of one, a `follows` target), or a path literal.

use rnix::ast;
use rnix::{SyntaxKind, SyntaxNode, SyntaxToken};
use rowan::ast::AstNode;
use rowan::{TextRange, TextSize};

use super::context::{binding_of_value, checked_offset, option_path, place_of, Place};
use crate::db::{self, Db, FlakeContext, SourceFile};
use crate::path_refs::PathRef;
use crate::syntax::{attrpath_segments, static_string};

use SyntaxKind::*;

pub(crate) enum Target {
    /// An option path (up to the segment under the cursor).
    Option { path: Vec<String>, range: TextRange },
    /// An input path from the root (`jetpack`, `jetpack/nixpkgs`).
    Input {
        path: Vec<String>,
        range: TextRange,
        flake: FlakeContext,
    },
    /// A path literal.
    Path(PathRef),
}

/// The token under the cursor, preferring a word over punctuation at a boundary.
fn token_at(root: &SyntaxNode, offset: TextSize) -> Option<SyntaxToken> {
    let wordy = |t: &SyntaxToken| {
        matches!(
            t.kind(),
            TOKEN_IDENT | TOKEN_STRING_CONTENT | TOKEN_PATH_REL | TOKEN_PATH_ABS | TOKEN_PATH_HOME
        )
    };
    let candidates: Vec<SyntaxToken> = super::context::token_at_offset(root, offset).collect();
    match candidates.as_slice() {
        [one] => Some(one.clone()),
        [left, right] => {
            let trivia = |t: &SyntaxToken| matches!(t.kind(), TOKEN_WHITESPACE | TOKEN_COMMENT);
            if wordy(right) || (!wordy(left) && !trivia(right)) {
                Some(right.clone())
            } else {
                Some(left.clone())
            }
        }
        _ => None,
    }
}

pub(crate) fn target_at(db: &dyn Db, file: SourceFile, offset: TextSize) -> Option<Target> {
    let text = file.text(db);
    checked_offset(text, offset)?;
    let root = db::parse_file(db, file).root();
    let token = token_at(&root, offset)?;
    let path = file.path(db);
    // Path literals first: they are cheap to find among the file's references.
    if token
        .parent()
        .is_some_and(|p| matches!(p.kind(), NODE_PATH_REL | NODE_PATH_ABS | NODE_PATH_HOME))
        || token.kind() == TOKEN_STRING_CONTENT
    {
        if let Some(r) = db::path_refs(db, file)
            .iter()
            .find(|r| r.range.contains_inclusive(offset))
        {
            return Some(Target::Path(r.clone()));
        }
    }
    let flake = db::flake_context(db, path).filter(|f| f.flake_nix == file);
    // A segment of a key.
    let segment = token
        .parent_ancestors()
        .take(3)
        .find(|n| matches!(n.kind(), NODE_IDENT | NODE_STRING | NODE_DYNAMIC))
        .filter(|n| n.parent().is_some_and(|p| p.kind() == NODE_ATTRPATH));
    if let Some(segment) = segment {
        let attrpath = segment.parent()?;
        let segments = attrpath_segments(&ast::Attrpath::cast(attrpath.clone())?)?;
        let i = segments
            .iter()
            .position(|(_, r)| r.contains_inclusive(offset))?;
        let key: Vec<String> = segments[..=i].iter().map(|(s, _)| s.clone()).collect();
        let range = TextRange::new(segments[0].1.start(), segments[i].1.end());
        let holder = attrpath.parent()?;
        match holder.kind() {
            NODE_ATTRPATH_VALUE => {
                let place = place_of(&holder.parent()?, path)?;
                if let (Place::FlakeTop(top), Some(flake)) = (&place, flake) {
                    let mut full = top.clone();
                    full.extend(key);
                    let input = input_path(&full)?;
                    return Some(Target::Input {
                        path: input,
                        range: segments[i].1,
                        flake,
                    });
                }
                let option = option_path(&place, &key)?;
                return Some(Target::Option {
                    path: option,
                    range,
                });
            }
            // `config.hardware.nvidia-jetpack.som` read in a module.
            NODE_SELECT => {
                let select = ast::Select::cast(holder)?;
                let ast::Expr::Ident(base) = select.expr()? else {
                    return None;
                };
                let base = base.ident_token()?;
                if let Some(flake) = flake {
                    // `inputs.jetpack.x` with `outputs = { ... }@inputs:`
                    let outputs = db::flake_model(db, flake.flake_nix).outputs.as_ref()?;
                    if i == 0 && outputs.bind.as_deref() == Some(base.text()) {
                        return Some(Target::Input {
                            path: vec![segments[0].0.clone()],
                            range: segments[0].1,
                            flake,
                        });
                    }
                    return None;
                }
                if base.text() != "config" {
                    return None;
                }
                return Some(Target::Option { path: key, range });
            }
            _ => return None,
        }
    }
    let flake = flake?;
    let outputs = db::flake_model(db, flake.flake_nix).outputs.as_ref();
    // An `outputs` parameter, or a use of one.
    if token.kind() == TOKEN_IDENT {
        let name = token.text();
        let outputs = outputs?;
        let param = outputs.params.iter().find(|p| p.name == name)?;
        if name == "self" {
            return None;
        }
        let is_param = param.range.contains_inclusive(offset);
        let after_params = outputs
            .params
            .first()
            .is_some_and(|p| token.text_range().start() > p.range.start());
        if is_param || after_params {
            return Some(Target::Input {
                path: vec![name.to_string()],
                range: token.text_range(),
                flake,
            });
        }
        return None;
    }
    // The target of a `follows`.
    let string = token
        .parent_ancestors()
        .take(2)
        .find(|n| n.kind() == NODE_STRING)?;
    let (key, set) = binding_of_value(&string)?;
    let place = place_of(&set, path)?;
    // An input's URL: the input itself.
    if key.last().map(String::as_str) == Some("url") {
        let Place::FlakeTop(mut full) = place else {
            return None;
        };
        full.extend(key[..key.len() - 1].iter().cloned());
        return Some(Target::Input {
            path: input_path(&full)?,
            range: string.text_range(),
            flake,
        });
    }
    if key.last().map(String::as_str) != Some("follows") {
        return None;
    }
    let value = static_string(&ast::Str::cast(string.clone())?)?;
    if value.is_empty() {
        return None;
    }
    Some(Target::Input {
        path: value.split('/').map(String::from).collect(),
        range: string.text_range(),
        flake,
    })
}

/// The input path a key of `flake.nix`'s top level names, if its last segment is an input's
/// name: `inputs.jetpack`, `inputs.jetpack.inputs.nixpkgs`.
fn input_path(full: &[String]) -> Option<Vec<String>> {
    if full.len() < 2 || full[0] != "inputs" {
        return None;
    }
    let mut names = vec![full[1].clone()];
    let mut j = 2;
    while j + 1 < full.len() && full[j] == "inputs" {
        names.push(full[j + 1].clone());
        j += 2;
    }
    (j == full.len()).then_some(names)
}
