//! Where a position is, in the terms the editor features need: the option path of the attrset
//! around it in a NixOS module, or the place in a flake's `outputs`. Everything starts from the
//! token at the cursor and walks up its ancestors, so a request costs the depth of the tree,
//! not its size. Broken code mid-edit is read from the text before the cursor where the tree
//! does not help (an unclosed `{` leaves the cursor outside the attrset it belongs to).

use rnix::ast;
use rnix::{SyntaxKind, SyntaxNode, SyntaxToken};
use rowan::ast::AstNode;
use rowan::{TextRange, TextSize, TokenAtOffset};

use crate::syntax::{applied_function, attrpath_segments, function_name};

use SyntaxKind::*;

/// Bindings whose list holds modules.
const MODULE_LISTS: &[&str] = &["imports", "modules"];

/// What an attrset is, found by walking up from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// Inside a NixOS module: the option path the attrset sets (the module's own `config`
    /// prefix dropped).
    Module(Vec<String>),
    /// Inside the value `outputs` returns: the path below the outputs; `per_system` when the
    /// system level is implicit (`eachDefaultSystem (system: { ... })`, `perSystem`).
    Outputs { path: Vec<String>, per_system: bool },
    /// The top-level attrset of `flake.nix`, with the path below it (`inputs`, `jetpack`).
    FlakeTop(Vec<String>),
    /// The module flake-parts' `mkFlake` takes, with the path below it (`flake` holds outputs).
    FlakeParts(Vec<String>),
}

/// Whether a byte can be part of a Nix identifier.
pub(crate) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'\'' | b'-')
}

/// The offset as a valid position in `text`, or `None` past its end or inside a character.
pub(crate) fn checked_offset(text: &str, offset: TextSize) -> Option<usize> {
    let o = usize::from(offset);
    (o <= text.len() && text.is_char_boundary(o)).then_some(o)
}

/// The identifier-like word around `offset`: from the first identifier byte before it to the
/// last one after it.
pub(crate) fn word_range(text: &str, offset: usize) -> TextRange {
    let bytes = text.as_bytes();
    let mut start = offset;
    while start > 0 && is_ident_byte(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && is_ident_byte(bytes[end]) {
        end += 1;
    }
    range(start, end)
}

pub(crate) fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
}

/// The dotted key that ends at `end` (`hardware.nvidia-jetpack.` before a cursor): its complete
/// segments and where it starts. Quoted segments (`"foo.bar"`) are read without escapes.
pub(crate) fn dotted_key_before(text: &str, word_start: usize) -> (Vec<String>, usize) {
    let bytes = text.as_bytes();
    let mut segments = Vec::new();
    let mut start = word_start;
    while start > 0 && bytes[start - 1] == b'.' {
        let end = start - 1;
        let seg_start = if end > 0 && bytes[end - 1] == b'"' {
            match text[..end - 1].rfind('"') {
                Some(q) if !text[q + 1..end - 1].contains(['\n', '$', '\\']) => q,
                _ => break,
            }
        } else {
            let mut s = end;
            while s > 0 && is_ident_byte(bytes[s - 1]) {
                s -= 1;
            }
            if s == end {
                break;
            }
            s
        };
        segments.push(text[seg_start..end].trim_matches('"').to_string());
        start = seg_start;
    }
    segments.reverse();
    (segments, start)
}

/// The tokens at `offset`, as rowan's `token_at_offset` finds them, but by binary search down
/// the tree: rowan scans every child of each node on the way, and the top attrset of a long
/// module has thousands.
pub(crate) fn token_at_offset(root: &SyntaxNode, offset: TextSize) -> TokenAtOffset<SyntaxToken> {
    let len = root.text_range().end();
    if offset > len {
        return TokenAtOffset::None;
    }
    let one = TextSize::from(1);
    let covering = |start: TextSize| -> Option<SyntaxToken> {
        match root.covering_element(TextRange::at(start, one)) {
            rowan::NodeOrToken::Token(t) => Some(t),
            // An empty node in the way defeats the binary search: look linearly below it.
            rowan::NodeOrToken::Node(n) => n.token_at_offset(start).right_biased(),
        }
    };
    let right = (offset < len).then(|| covering(offset)).flatten();
    let left = (offset > TextSize::from(0))
        .then(|| covering(offset - one))
        .flatten();
    match (left, right) {
        (Some(l), Some(r)) if l == r => TokenAtOffset::Single(l),
        (Some(l), Some(r)) => TokenAtOffset::Between(l, r),
        (Some(t), None) | (None, Some(t)) => TokenAtOffset::Single(t),
        (None, None) => TokenAtOffset::None,
    }
}

/// The last token before `offset` that is not whitespace or a comment (a token that contains
/// `offset` counts, unless it is trivia).
pub(crate) fn significant_token_before(root: &SyntaxNode, offset: usize) -> Option<SyntaxToken> {
    let offset = TextSize::from(offset as u32);
    if offset == TextSize::from(0) {
        return None;
    }
    let mut token = token_at_offset(root, offset).left_biased()?;
    loop {
        let trivia = matches!(token.kind(), TOKEN_WHITESPACE | TOKEN_COMMENT);
        if !trivia && token.text_range().start() < offset {
            return Some(token);
        }
        token = token.prev_token()?;
    }
}

/// The attrset whose binding list continues after `anchor` (a `{` opening it or the `;` that
/// ends one of its bindings); `None` where bindings do not go (a pattern, a `let`, `with x;`).
pub(crate) fn attrset_after(anchor: &SyntaxToken) -> Option<SyntaxNode> {
    let parent = anchor.parent()?;
    match anchor.kind() {
        TOKEN_L_BRACE => match parent.kind() {
            NODE_ATTR_SET => Some(parent),
            // `{ som }` being typed parses as the pattern of a function without its `:`.
            NODE_PATTERN => parent.parent().filter(is_colonless_lambda),
            _ => None,
        },
        TOKEN_SEMICOLON => {
            if !matches!(
                parent.kind(),
                NODE_ATTRPATH_VALUE | NODE_INHERIT | NODE_ERROR
            ) {
                return None;
            }
            let holder = parent
                .ancestors()
                .find(|n| matches!(n.kind(), NODE_ATTR_SET | NODE_LET_IN))?;
            (holder.kind() == NODE_ATTR_SET).then_some(holder)
        }
        _ => None,
    }
}

/// The attrset a key starting at `key_start` is written in: the one after its anchor (see
/// [`attrset_after`]), or, for a key on a line of its own after a binding that lacks its `;`
/// (mid-edit), the innermost attrset around it with no list, `let` or string in between.
pub(crate) fn attrset_for_key(
    root: &SyntaxNode,
    text: &str,
    key_start: usize,
) -> Option<SyntaxNode> {
    let anchor = significant_token_before(root, key_start)?;
    if let Some(set) = attrset_after(&anchor) {
        return Some(set);
    }
    let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let own_line = text[line_start..key_start].trim().is_empty();
    if !own_line
        || matches!(
            anchor.kind(),
            TOKEN_ASSIGN | TOKEN_DOT | TOKEN_COLON | TOKEN_L_BRACK
        )
    {
        return None;
    }
    let at = TextSize::from(key_start as u32);
    for node in anchor.parent_ancestors() {
        let range = node.text_range();
        // Nodes that end before the key (the string without its `;`) do not hold it.
        if range.end() < at {
            continue;
        }
        match node.kind() {
            NODE_ATTR_SET => {
                let opened = node
                    .first_token()
                    .is_some_and(|t| t.kind() == TOKEN_L_BRACE || t.kind() == TOKEN_REC);
                return opened.then_some(node);
            }
            NODE_LIST | NODE_LET_IN | NODE_PATTERN | NODE_STRING | NODE_INTERPOL | NODE_PAREN => {
                return None
            }
            _ => {}
        }
    }
    None
}

/// The static key of a binding.
fn binding_key(apv: &SyntaxNode) -> Option<Vec<String>> {
    let apv = ast::AttrpathValue::cast(apv.clone())?;
    Some(
        attrpath_segments(&apv.attrpath()?)?
            .into_iter()
            .map(|(name, _)| name)
            .collect(),
    )
}

fn is_flake_nix(path: &str) -> bool {
    crate::paths::file_name(path) == "flake.nix"
}

/// The name of the function an application calls, if `child` is its argument.
fn call_with_argument(apply: &SyntaxNode, child: &SyntaxNode) -> Option<String> {
    let apply = ast::Apply::cast(apply.clone())?;
    if apply.argument()?.syntax() != child {
        return None;
    }
    function_name(&applied_function(&apply)?)
}

/// Whether an expression is a function (through parentheses); not `{ word }` mid-edit, which
/// rnix reads as a function's pattern without the `:`.
fn is_lambda(node: &SyntaxNode) -> bool {
    ast::Expr::cast(node.clone())
        .map(crate::syntax::unparen)
        .is_some_and(|e| matches!(&e, ast::Expr::Lambda(l) if !is_colonless_lambda(l.syntax())))
}

/// A "function" that is really an attrset being typed: `{ som }` has no `:` after it.
fn is_colonless_lambda(node: &SyntaxNode) -> bool {
    node.kind() == NODE_LAMBDA && !node.children_with_tokens().any(|c| c.kind() == TOKEN_COLON)
}

/// Whether a lambda looks like a NixOS module (`{ config, lib, ... }: ...`).
fn is_module_lambda(lambda: &SyntaxNode) -> bool {
    let lambda = ast::Expr::cast(lambda.clone()).map(crate::syntax::unparen);
    let Some(ast::Param::Pattern(pattern)) = (match lambda {
        Some(ast::Expr::Lambda(l)) if !is_colonless_lambda(l.syntax()) => l.param(),
        _ => None,
    }) else {
        return false;
    };
    pattern.ellipsis_token().is_some()
        || pattern.pat_entries().any(|e| {
            e.ident()
                .and_then(|i| i.ident_token())
                .is_some_and(|t| matches!(t.text(), "config" | "lib" | "pkgs" | "options"))
        })
}

/// Where the attrset (or any expression) `node` sits. `file_path` tells `flake.nix`, whose top
/// level is not a module, from module files.
pub(crate) fn place_of(node: &SyntaxNode, file_path: &str) -> Option<Place> {
    let flake = is_flake_nix(file_path);
    // Segments collected walking up, innermost first.
    let mut rev_path: Vec<String> = Vec::new();
    let mut cur = node.clone();
    let module = |rev_path: &[String]| {
        let mut path: Vec<String> = rev_path.iter().rev().cloned().collect();
        if path.first().is_some_and(|s| s == "config") {
            path.remove(0);
        }
        Some(Place::Module(path))
    };
    for _ in 0..256 {
        let parent = cur.parent()?;
        match parent.kind() {
            NODE_PAREN => cur = parent,
            NODE_ATTRPATH_VALUE => {
                if cur.kind() == NODE_ATTRPATH {
                    return None;
                }
                let key = binding_key(&parent)?;
                let holder = parent.parent()?;
                if is_lambda(&cur) {
                    let top_level = holder.parent().is_some_and(|p| p.kind() == NODE_ROOT);
                    if flake && top_level && key == ["outputs"] {
                        let path = rev_path.iter().rev().cloned().collect();
                        return Some(Place::Outputs {
                            path,
                            per_system: false,
                        });
                    }
                    if key.last().is_some_and(|k| k == "perSystem") {
                        let path = rev_path.iter().rev().cloned().collect();
                        return Some(Place::Outputs {
                            path,
                            per_system: true,
                        });
                    }
                    // `nixosModules.default = { config, ... }: { ... }`
                    if is_module_lambda(&cur) {
                        return module(&rev_path);
                    }
                    return None;
                }
                rev_path.extend(key.into_iter().rev());
                if holder.kind() != NODE_ATTR_SET {
                    return None;
                }
                cur = holder;
            }
            NODE_APPLY => {
                let name = call_with_argument(&parent, &cur)?;
                if crate::settings::TRANSPARENT_CALLS.contains(&name.as_str()) {
                    cur = parent;
                } else if is_lambda(&cur)
                    && (name.starts_with("eachSystem") || name.starts_with("eachDefaultSystem"))
                {
                    let path = rev_path.iter().rev().cloned().collect();
                    return Some(Place::Outputs {
                        path,
                        per_system: true,
                    });
                } else if name == "mkFlake" {
                    return Some(Place::FlakeParts(rev_path.into_iter().rev().collect()));
                } else {
                    return None;
                }
            }
            NODE_LIST => {
                let mut holder = parent.clone();
                while let Some(up) = holder.parent().filter(|p| p.kind() == NODE_PAREN) {
                    holder = up;
                }
                let outer = holder.parent()?;
                match outer.kind() {
                    NODE_ATTRPATH_VALUE => {
                        let key = binding_key(&outer)?;
                        if key
                            .last()
                            .is_some_and(|k| MODULE_LISTS.contains(&k.as_str()))
                        {
                            if is_lambda(&cur) && !is_module_lambda(&cur) {
                                return None;
                            }
                            return module(&rev_path);
                        }
                        return None;
                    }
                    NODE_APPLY
                        if call_with_argument(&outer, &holder).as_deref() == Some("mkMerge") =>
                    {
                        cur = holder;
                    }
                    _ => return None,
                }
            }
            NODE_LAMBDA => {
                let lambda = ast::Lambda::cast(parent.clone())?;
                if lambda.body()?.syntax() != &cur {
                    return None;
                }
                cur = parent;
            }
            NODE_LET_IN => {
                if ast::LetIn::cast(parent.clone())?.body()?.syntax() != &cur {
                    return None;
                }
                cur = parent;
            }
            NODE_WITH => {
                if ast::With::cast(parent.clone())?.body()?.syntax() != &cur {
                    return None;
                }
                cur = parent;
            }
            NODE_ASSERT => {
                if ast::Assert::cast(parent.clone())?.body()?.syntax() != &cur {
                    return None;
                }
                cur = parent;
            }
            NODE_IF_ELSE => {
                let if_else = ast::IfElse::cast(parent.clone())?;
                if if_else.condition()?.syntax() == &cur {
                    return None;
                }
                cur = parent;
            }
            NODE_BIN_OP => {
                let op = ast::BinOp::cast(parent.clone())?;
                if op.operator()? != ast::BinOpKind::Update {
                    return None;
                }
                cur = parent;
            }
            NODE_ROOT => {
                if flake {
                    if cur.kind() != NODE_ATTR_SET {
                        return None;
                    }
                    return Some(Place::FlakeTop(rev_path.into_iter().rev().collect()));
                }
                if cur.kind() == NODE_LAMBDA && !is_module_lambda(&cur) {
                    return None;
                }
                return module(&rev_path);
            }
            _ => return None,
        }
    }
    None
}

/// The option path that `key`, written in an attrset at `place`, sets: in a module, or in an
/// attrset module of a flake's `nixosModules.<name>`. A module's own `config.` prefix is dropped.
pub(crate) fn option_path(place: &Place, key: &[String]) -> Option<Vec<String>> {
    let mut full = match place {
        Place::Module(path) => path.clone(),
        Place::Outputs {
            path,
            per_system: false,
        } => path.clone(),
        _ => return None,
    };
    let module_top = full.is_empty();
    full.extend(key.iter().cloned());
    if let Place::Outputs { path, .. } = place {
        if full.len() < 2 || full[0] != "nixosModules" {
            return None;
        }
        let top = path.len() <= 2;
        full.drain(..2);
        if top && full.first().is_some_and(|s| s == "config") {
            full.remove(0);
        }
        return Some(full);
    }
    if module_top && full.first().is_some_and(|s| s == "config") {
        full.remove(0);
    }
    Some(full)
}

/// The string literal (or unterminated string) the offset is inside, after its opening quote:
/// the string node and where its content starts.
pub(crate) fn string_at(root: &SyntaxNode, offset: usize) -> Option<(SyntaxNode, usize)> {
    let at = TextSize::from(offset as u32);
    let token = token_at_offset(root, at).left_biased()?;
    // An unterminated string that rnix could not place is an opening quote in an error node.
    let opening = match token.kind() {
        TOKEN_STRING_START => Some(token.clone()),
        TOKEN_ERROR => token
            .prev_token()
            .filter(|t| t.kind() == TOKEN_STRING_START),
        _ => None,
    };
    if let Some(opening) = opening.filter(|t| t.text() == "\"") {
        let parent = opening.parent()?;
        if parent.kind() == NODE_ERROR {
            let content_start = usize::from(opening.text_range().end());
            return (offset >= content_start).then_some((parent, content_start));
        }
    }
    let string = token
        .parent_ancestors()
        .take(3)
        .find(|n| n.kind() == NODE_STRING)?;
    // Only plain `"..."` strings; the cursor must be after the opening quote and not past the
    // closing one.
    let start_tok = string.first_token()?;
    if start_tok.kind() != TOKEN_STRING_START || start_tok.text() != "\"" {
        return None;
    }
    let content_start = usize::from(start_tok.text_range().end());
    if offset < content_start {
        return None;
    }
    let last = string.last_token()?;
    if last.kind() == TOKEN_STRING_END && offset >= usize::from(last.text_range().end()) {
        return None;
    }
    // Inside an interpolation is not inside the string's text.
    if token
        .parent_ancestors()
        .take_while(|n| n != &string)
        .any(|n| n.kind() == NODE_INTERPOL)
    {
        return None;
    }
    Some((string, content_start))
}

/// The key of the binding whose value is `value` (through parentheses), and the attrset it
/// is in.
pub(crate) fn binding_of_value(value: &SyntaxNode) -> Option<(Vec<String>, SyntaxNode)> {
    let mut cur = value.clone();
    while let Some(p) = cur.parent().filter(|p| p.kind() == NODE_PAREN) {
        cur = p;
    }
    let apv = cur.parent().filter(|p| p.kind() == NODE_ATTRPATH_VALUE)?;
    let key = binding_key(&apv)?;
    let set = apv.parent()?;
    Some((key, set))
}

/// The keys set right below `key` (written at the cursor in `set`) by the attrset around the
/// cursor: the literal attrsets nested into one another that Nix merges into one value
/// (`a.b.c = 1;` next to `a = { b = { d = 2; }; }`), read from the outermost one down. The
/// binding whose key holds `cursor` is the one being edited and does not count; attrsets
/// behind a call (`mkIf`, `mkMerge`) or in a list are other definitions and are not read.
/// Unlike the rest of this module this reads siblings: a look at the first name of each binding
/// of the attrsets on the way down.
pub(crate) fn keys_set_below(set: &SyntaxNode, key: &[String], cursor: TextSize) -> Vec<String> {
    let mut root = set.clone();
    let mut target: Vec<String> = key.to_vec();
    while let Some(apv) = root.parent().filter(|p| p.kind() == NODE_ATTRPATH_VALUE) {
        let Some(holder) = apv.parent().filter(|h| h.kind() == NODE_ATTR_SET) else {
            break;
        };
        let Some(mut outer) = binding_key(&apv) else {
            break;
        };
        outer.append(&mut target);
        target = outer;
        root = holder;
    }
    let mut out = Vec::new();
    collect_keys_below(&root, &[], &target, cursor, &mut out, 0);
    out
}

fn collect_keys_below(
    set: &SyntaxNode,
    base: &[String],
    target: &[String],
    cursor: TextSize,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    for child in set.children() {
        match child.kind() {
            NODE_ATTRPATH_VALUE => {
                let Some(apv) = ast::AttrpathValue::cast(child.clone()) else {
                    continue;
                };
                let Some(attrpath) = apv.attrpath() else {
                    continue;
                };
                // Most bindings of a long module lead elsewhere: told by their first name
                // without reading the whole key.
                if let (Some(ast::Attr::Ident(first)), Some(want)) =
                    (attrpath.attrs().next(), target.get(base.len()))
                {
                    if first.ident_token().is_some_and(|t| t.text() != want) {
                        continue;
                    }
                }
                let key = if attrpath.syntax().text_range().contains_inclusive(cursor) {
                    match key_after_line_break(&attrpath, cursor) {
                        Some(key) => key,
                        None => continue,
                    }
                } else {
                    match binding_key(&child) {
                        Some(key) => key,
                        None => continue,
                    }
                };
                let full: Vec<String> = base.iter().chain(&key).cloned().collect();
                if full.len() == target.len() + 1 && full.starts_with(target) {
                    out.extend(full.last().cloned());
                } else if full.len() <= target.len() && target.starts_with(&full) {
                    let value = apv
                        .value()
                        .map(|v| crate::syntax::unparen(v).syntax().clone());
                    if let Some(value) = value.filter(|v| v.kind() == NODE_ATTR_SET) {
                        collect_keys_below(&value, &full, target, cursor, out, depth + 1);
                    }
                }
            }
            NODE_INHERIT if base == target => {
                if let Some(inherit) = ast::Inherit::cast(child.clone()) {
                    out.extend(inherit.attrs().filter_map(|a| crate::syntax::attr_name(&a)));
                }
            }
            _ => {}
        }
    }
}

/// The key of the next line's binding that a dangling dot at the cursor ran into (`a.b.|` above
/// `a.b.c = 1;` reads as `a.b.a.b.c = 1;`): the segments after the first line break after the
/// cursor. `None` when the key at the cursor does not go on past a line break (the binding
/// being edited).
fn key_after_line_break(attrpath: &ast::Attrpath, cursor: TextSize) -> Option<Vec<String>> {
    let line_break = attrpath
        .syntax()
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| {
            t.kind() == TOKEN_WHITESPACE
                && t.text_range().start() >= cursor
                && t.text().contains('\n')
        })?
        .text_range()
        .end();
    let key: Vec<String> = attrpath_segments(attrpath)?
        .into_iter()
        .filter(|(_, range)| range.start() >= line_break)
        .map(|(name, _)| name)
        .collect();
    (!key.is_empty()).then_some(key)
}
