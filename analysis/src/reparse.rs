//! Incremental reparsing: the parse of an edited text computed from the parse of the text before
//! the edit, equal to what [`syntax::parse`] gives for the new text (tree and errors).
//!
//! The changed region is found by comparing the two texts (the edits a client reports are only
//! a hint and may be wrong). Then, in order:
//! 1. An edit inside one token (identifier, number, comment, whitespace, URI, the first part of a
//!    path, string content) that relexes to one token of the same kind replaces that token.
//! 2. Otherwise the smallest enclosing attribute set, list, parenthesis, string or binding
//!    (`a.b = ...;`, `inherit (x) a;`) whose delimiters the edit leaves alone is parsed on its own; when that gives
//!    one node of the same kind, without errors, covering exactly the new text, it replaces the
//!    old node (rowan shares every other subtree with the old tree).
//! 3. Otherwise the whole text is parsed again.
//!
//! Why a splice equals a full parse: rnix's parser is recursive descent; a node of these kinds
//! starts with an opening token whose lexing the edit cannot change, its parse reads only its
//! own tokens (the one look-ahead past it, `{ }` followed by `:` or `@`, is checked), and it
//! ends at its own closing token, so the parser leaves it in the same state as before. The
//! checks below make sure of each of these, and of the hostile-input guards of
//! [`syntax::parse`] (long words, deep nesting) judging the new text as they would on a full
//! parse. A property test compares both on random documents and edits.
//!
//! Invariant: like `syntax`, this module knows nothing of salsa.

use rnix::SyntaxKind::{self, *};
use rnix::{NixLanguage, SyntaxNode, SyntaxToken};
use rowan::{GreenNode, GreenToken, Language, NodeOrToken, TextRange, TextSize};

use crate::syntax::{self, DepthEstimate, EstimateEnd, GuardFacts, Parsed, SyntaxError};

/// One edit of a text; `range` is in the text as it was just before this edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub insert: String,
}

/// How a reparse was done (for tests and benchmarks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reparse {
    /// The texts are equal.
    Unchanged,
    /// One token was relexed.
    Token,
    /// One node of this kind was parsed again and spliced in.
    Node(SyntaxKind),
    /// The whole text was parsed again.
    Full,
}

/// The parse of `new_text`, computed from `old`, the parse of `old_text`.
pub fn reparse(old: &Parsed, old_text: &str, new_text: &str) -> Parsed {
    reparse_explained(old, old_text, new_text).0
}

/// [`reparse`], also telling how it was done.
pub fn reparse_explained(old: &Parsed, old_text: &str, new_text: &str) -> (Parsed, Reparse) {
    if old.green.text_len() != TextSize::of(old_text) || old.guard.refused {
        return (syntax::parse(new_text), Reparse::Full);
    }
    if old_text == new_text {
        return (old.clone(), Reparse::Unchanged);
    }
    match incremental(old, old_text, new_text) {
        Some(result) => result,
        None => (syntax::parse(new_text), Reparse::Full),
    }
}

/// The largest fragment parsed on its own before a full parse is preferred: it must stay well
/// under the size where [`syntax::parse`] guards the parse, and past it a full parse costs not
/// much more.
const MAX_FRAGMENT: usize = 32 * 1024;

/// How many enclosing nodes are tried before a full parse.
const MAX_ATTEMPTS: usize = 4;

/// rnix gives up below 512 nested expressions; a splice is made only well below that.
const MAX_SPLICE_DEPTH: usize = 400;

struct Change<'a> {
    old_text: &'a str,
    new_text: &'a str,
    /// The changed range in the old text and in the new one (same start).
    old_range: TextRange,
    new_range: TextRange,
    delta: i64,
}

impl Change<'_> {
    fn shift(&self, offset: TextSize) -> TextSize {
        TextSize::from((i64::from(u32::from(offset)) + self.delta) as u32)
    }
}

fn incremental(old: &Parsed, old_text: &str, new_text: &str) -> Option<(Parsed, Reparse)> {
    u32::try_from(new_text.len()).ok()?;
    let change = diff(old_text, new_text);
    let long_run = long_run_after(old, &change)?;
    let root = old.root();
    let covering = root.covering_element(change.old_range);

    // 1. One token.
    let mut tokens: Vec<SyntaxToken> = Vec::new();
    match &covering {
        NodeOrToken::Token(t) => tokens.push(t.clone()),
        NodeOrToken::Node(n) if change.old_range.is_empty() => {
            match n.token_at_offset(change.old_range.start()) {
                rowan::TokenAtOffset::None => {}
                rowan::TokenAtOffset::Single(t) => tokens.push(t),
                rowan::TokenAtOffset::Between(l, r) => tokens.extend([l, r]),
            }
        }
        NodeOrToken::Node(_) => {}
    }
    for token in tokens {
        if let Some(green) = relex_token(&token, &change) {
            let guard = guard_after_token(old, &change, long_run)?;
            let errors = shift_errors_around_token(&old.errors, token.text_range(), &change);
            return Some((
                Parsed {
                    green,
                    errors,
                    guard,
                },
                Reparse::Token,
            ));
        }
    }

    // 2. The smallest enclosing balanced node.
    let start = match covering {
        NodeOrToken::Node(n) => Some(n),
        NodeOrToken::Token(t) => t.parent(),
    };
    let mut attempts = 0;
    for node in start.into_iter().flat_map(|n| n.ancestors()) {
        if !matches!(
            node.kind(),
            NODE_ATTR_SET
                | NODE_LIST
                | NODE_PAREN
                | NODE_STRING
                | NODE_ATTRPATH_VALUE
                | NODE_INHERIT
        ) {
            continue;
        }
        let new_len = usize::from(node.text_range().len()) as i64 + change.delta;
        if new_len as usize > MAX_FRAGMENT {
            return None;
        }
        attempts += 1;
        if attempts > MAX_ATTEMPTS {
            return None;
        }
        if let Some(result) = splice_node(old, &node, &change, long_run) {
            return Some(result);
        }
    }
    None
}

/// The changed region: the texts' common prefix and suffix, at character boundaries.
fn diff<'a>(old_text: &'a str, new_text: &'a str) -> Change<'a> {
    let (a, b) = (old_text.as_bytes(), new_text.as_bytes());
    let n = a.len().min(b.len());
    const CHUNK: usize = 64;
    let mut prefix = 0;
    while prefix + CHUNK <= n && a[prefix..prefix + CHUNK] == b[prefix..prefix + CHUNK] {
        prefix += CHUNK;
    }
    while prefix < n && a[prefix] == b[prefix] {
        prefix += 1;
    }
    while !(old_text.is_char_boundary(prefix) && new_text.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    let max_suffix = n - prefix;
    let mut suffix = 0;
    while suffix + CHUNK <= max_suffix
        && a[a.len() - suffix - CHUNK..a.len() - suffix]
            == b[b.len() - suffix - CHUNK..b.len() - suffix]
    {
        suffix += CHUNK;
    }
    while suffix < max_suffix && a[a.len() - suffix - 1] == b[b.len() - suffix - 1] {
        suffix += 1;
    }
    while !(old_text.is_char_boundary(a.len() - suffix)
        && new_text.is_char_boundary(b.len() - suffix))
    {
        suffix -= 1;
    }
    let size = |x: usize| TextSize::from(x as u32);
    Change {
        old_text,
        new_text,
        old_range: TextRange::new(size(prefix), size(a.len() - suffix)),
        new_range: TextRange::new(size(prefix), size(b.len() - suffix)),
        delta: b.len() as i64 - a.len() as i64,
    }
}

/// Whether the new text has a run of more than `MAX_WORD` word characters (the long-word
/// guard's first test), or `None` when that would take a scan of the whole text.
fn long_run_after(old: &Parsed, change: &Change) -> Option<bool> {
    let text = change.new_text.as_bytes();
    if text.len() <= syntax::MAX_WORD {
        return Some(false);
    }
    if old.guard.long_run {
        return None;
    }
    // Runs that do not touch the changed region were in the old text, all short.
    let mut start = usize::from(change.new_range.start());
    while start > 0 && syntax::is_word_byte(text[start - 1]) {
        start -= 1;
    }
    let mut end = usize::from(change.new_range.end());
    while end < text.len() && syntax::is_word_byte(text[end]) {
        end += 1;
    }
    let mut run = 0usize;
    for &b in &text[start..end] {
        if syntax::is_word_byte(b) {
            run += 1;
            if run > syntax::MAX_WORD {
                return None;
            }
        } else {
            run = 0;
        }
    }
    Some(false)
}

/// The guard facts after a token was relexed into one of the same kind: the depth estimate
/// sees token kinds only, so it is unchanged; the byte-level screen may still differ.
fn guard_after_token(old: &Parsed, change: &Change, long_run: bool) -> Option<GuardFacts> {
    let guarded = change.new_text.len() > 64 * 1024 || syntax::may_be_deep(change.new_text);
    if guarded && old.guard.depth_estimate.is_none() {
        return None;
    }
    Some(GuardFacts {
        refused: false,
        long_run,
        depth_estimate: old.guard.depth_estimate,
    })
}

/// Whether a token is lexed from a plain code context (not inside a string or after the first
/// part of a path), so that lexing the text from its start reproduces it.
fn lexed_from_code(token: &SyntaxToken) -> bool {
    let Some(parent) = token.parent() else {
        return false;
    };
    match token.kind() {
        TOKEN_STRING_CONTENT | TOKEN_STRING_END => false,
        TOKEN_INTERPOL_START | TOKEN_INTERPOL_END => parent.kind() == NODE_DYNAMIC,
        _ if matches!(
            parent.kind(),
            NODE_PATH_ABS | NODE_PATH_REL | NODE_PATH_HOME | NODE_PATH_SEARCH
        ) =>
        {
            parent.first_token().as_ref() == Some(token)
        }
        TOKEN_STRING_START => true,
        _ => parent.kind() != NODE_STRING,
    }
}

/// The token kind rnix's tokenizer gives a token of the tree (the parser turns `or` used as a
/// name into an identifier and `__curPos` into its own kind).
fn lexed_kind(token: &SyntaxToken) -> SyntaxKind {
    match token.kind() {
        TOKEN_IDENT if token.text() == "or" => TOKEN_OR,
        TOKEN_CUR_POS => TOKEN_IDENT,
        kind => kind,
    }
}

/// The tree with `token` relexed, when the edit stays inside it and it stays one token of the
/// same kind.
fn relex_token(token: &SyntaxToken, change: &Change) -> Option<GreenNode> {
    let range = token.text_range();
    if !range.contains_range(change.old_range) {
        return None;
    }
    let kind = token.kind();
    let start = usize::from(range.start());
    let new_end = usize::from(change.shift(range.end()));
    if new_end <= start {
        return None;
    }
    let new_token = &change.new_text[start..new_end];
    match kind {
        TOKEN_IDENT => {
            // `__curPos` is an identifier to the tokenizer and its own node to the parser.
            if token.text() == "__curPos" || new_token == "__curPos" {
                return None;
            }
            if token.parent().is_some_and(|p| p.kind() == NODE_CUR_POS) {
                return None;
            }
        }
        TOKEN_INTEGER | TOKEN_FLOAT | TOKEN_COMMENT | TOKEN_WHITESPACE | TOKEN_URI => {}
        TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME | TOKEN_PATH_SEARCH => {}
        TOKEN_STRING_CONTENT => return relex_string_content(token, change, new_token),
        _ => return None,
    }
    if !lexed_from_code(token) {
        return None;
    }
    // The token before may look ahead into this one (`.5`, `a/b`, `a:b`): lex from its start
    // when it too is lexed from code.
    let prev = token.prev_token().filter(lexed_from_code);
    let from = prev
        .as_ref()
        .map_or(start, |p| usize::from(p.text_range().start()));
    let mut lexed = rnix::tokenize(&change.new_text[from..]);
    if let Some(prev) = &prev {
        let (k, s) = lexed.next()?;
        if k != lexed_kind(prev) || s.len() != usize::from(prev.text_range().len()) {
            return None;
        }
    }
    // The kind the parser saw must stay the same (`or` used as a name is an identifier in the
    // tree, but the keyword to the parser).
    let (k, s) = lexed.next()?;
    if k != lexed_kind(token) || s.len() != new_token.len() {
        return None;
    }
    let raw = NixLanguage::kind_to_raw(kind);
    Some(token.replace_with(GreenToken::new(raw, new_token)))
}

/// String content lexes in the string's context: lex it after the string's opening quote, with
/// a few characters after it (the end of content looks at most four characters ahead).
fn relex_string_content(
    token: &SyntaxToken,
    change: &Change,
    new_token: &str,
) -> Option<GreenNode> {
    let string = token.parent().filter(|p| p.kind() == NODE_STRING)?;
    let opener = string
        .first_token()
        .filter(|t| t.kind() == TOKEN_STRING_START)?;
    let start = usize::from(token.text_range().start());
    let mut window_end = (start + new_token.len() + 8).min(change.new_text.len());
    while !change.new_text.is_char_boundary(window_end) {
        window_end += 1;
    }
    let mut text = String::with_capacity(opener.text().len() + window_end - start);
    text.push_str(opener.text());
    text.push_str(&change.new_text[start..window_end]);
    let mut lexed = rnix::tokenize(&text);
    let (k, s) = lexed.next()?;
    if k != TOKEN_STRING_START || s != opener.text() {
        return None;
    }
    let (k, s) = lexed.next()?;
    if k != TOKEN_STRING_CONTENT || s.len() != new_token.len() {
        return None;
    }
    let raw = NixLanguage::kind_to_raw(TOKEN_STRING_CONTENT);
    Some(token.replace_with(GreenToken::new(raw, new_token)))
}

/// The old errors after a token was relexed: the parse is the same, so they only move.
fn shift_errors_around_token(
    errors: &[SyntaxError],
    token: TextRange,
    change: &Change,
) -> Vec<SyntaxError> {
    errors
        .iter()
        .map(|e| {
            let start = if e.range.start() >= token.end() {
                change.shift(e.range.start())
            } else {
                e.range.start()
            };
            let end = if e.range.end() >= token.end() {
                change.shift(e.range.end())
            } else {
                e.range.end()
            };
            SyntaxError {
                range: TextRange::new(start, end),
                message: e.message.clone(),
            }
        })
        .collect()
}

/// The token that opens a balanced node and the one that closes it, as their kinds.
fn delimiters(kind: SyntaxKind) -> Option<(SyntaxKind, SyntaxKind)> {
    Some(match kind {
        NODE_ATTR_SET => (TOKEN_L_BRACE, TOKEN_R_BRACE),
        NODE_LIST => (TOKEN_L_BRACK, TOKEN_R_BRACK),
        NODE_PAREN => (TOKEN_L_PAREN, TOKEN_R_PAREN),
        NODE_STRING => (TOKEN_STRING_START, TOKEN_STRING_END),
        _ => return None,
    })
}

fn splice_node(
    old: &Parsed,
    node: &SyntaxNode,
    change: &Change,
    long_run: bool,
) -> Option<(Parsed, Reparse)> {
    let kind = node.kind();
    let range = node.text_range();
    let new_range = TextRange::new(range.start(), change.shift(range.end()));
    let last = node.last_child_or_token()?.into_token()?;
    let prev = node.first_token()?.prev_token();
    let fragment_text = &change.new_text[new_range];
    let fragment = if let Some((open, close)) = delimiters(kind) {
        // The edit must leave the delimiters alone.
        let opener = node
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| !t.kind().is_trivia())?;
        let opener = if kind == NODE_ATTR_SET && opener.kind() == TOKEN_REC {
            opener
                .next_token()
                .into_iter()
                .find(|t| t.kind() == TOKEN_L_BRACE)?
        } else {
            opener
        };
        if opener.kind() != open || last.kind() != close {
            return None;
        }
        if change.old_range.start() < opener.text_range().end()
            || change.old_range.end() > last.text_range().start()
        {
            return None;
        }
        let green = parse_alone(fragment_text, kind)?;
        // `{ }` followed by `:` or `@` is a lambda's pattern, not a set.
        if kind == NODE_ATTR_SET && is_empty_set(&green) {
            let next = last
                .next_token()
                .into_iter()
                .flat_map(|t| std::iter::successors(Some(t), |t| t.next_token()))
                .find(|t| !t.kind().is_trivia());
            if next.is_some_and(|t| matches!(t.kind(), TOKEN_COLON | TOKEN_AT)) {
                return None;
            }
        }
        green
    } else {
        // A binding, `a.b = value;` or `inherit (x) a b;`, in a set or `let`.
        if !matches!(kind, NODE_ATTRPATH_VALUE | NODE_INHERIT) || last.kind() != TOKEN_SEMICOLON {
            return None;
        }
        if !node
            .parent()
            .is_some_and(|p| matches!(p.kind(), NODE_ATTR_SET | NODE_LET_IN | NODE_LEGACY_LET))
        {
            return None;
        }
        // The token before must not look ahead into the binding.
        if !prev.as_ref().is_some_and(|p| {
            matches!(p.kind(), TOKEN_WHITESPACE | TOKEN_SEMICOLON | TOKEN_L_BRACE)
                || (p.kind() == TOKEN_COMMENT && p.text().starts_with("/*"))
        }) {
            return None;
        }
        parse_binding_alone(fragment_text, kind)?
    };

    // The tokenizer must leave both fragments in the state it entered them (an unclosed `${`
    // in the old one changed how everything after it was lexed).
    if !lexically_balanced(
        node.descendants_with_tokens()
            .filter_map(|e| e.into_token())
            .map(|t| t.kind()),
    ) || !lexically_balanced(
        SyntaxNode::new_root(fragment.clone())
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
            .map(|t| t.kind()),
    ) {
        return None;
    }
    // Nesting: rnix's recursion limit and the guard's depth limit must not be reached.
    let ancestors = node.ancestors().count();
    if ancestors + green_depth(&fragment) > MAX_SPLICE_DEPTH {
        return None;
    }
    let guard = guard_after_splice(old, node, change, fragment_text, long_run)?;
    let errors = splice_errors(&old.errors, range, change)?;
    let green = node.replace_with(fragment);
    Some((
        Parsed {
            green,
            errors,
            guard,
        },
        Reparse::Node(kind),
    ))
}

/// Whether strings and interpolations open and close in pairs in a token sequence, without error
/// tokens (which the tokenizer also gives for unterminated strings and comments).
fn lexically_balanced(kinds: impl Iterator<Item = SyntaxKind>) -> bool {
    let mut open = Vec::new();
    for kind in kinds {
        match kind {
            TOKEN_STRING_START | TOKEN_INTERPOL_START => open.push(kind),
            TOKEN_STRING_END if open.pop() != Some(TOKEN_STRING_START) => return false,
            TOKEN_INTERPOL_END if open.pop() != Some(TOKEN_INTERPOL_START) => return false,
            TOKEN_ERROR => return false,
            _ => {}
        }
    }
    open.is_empty()
}

/// Whether a set is `{ }` (whose parse looks at the token after it).
fn is_empty_set(green: &GreenNode) -> bool {
    let mut tokens = green
        .children()
        .filter_map(|c| c.into_token())
        .map(|t| NixLanguage::kind_from_raw(t.kind()))
        .filter(|k| !k.is_trivia());
    tokens.next() == Some(TOKEN_L_BRACE) && tokens.next() == Some(TOKEN_R_BRACE)
}

/// The parse of a fragment on its own, when it is exactly one node of `kind` without errors.
fn parse_alone(text: &str, kind: SyntaxKind) -> Option<GreenNode> {
    if syntax::may_be_deep(text) {
        return None;
    }
    let parse = rnix::Root::parse(text);
    if !parse.errors().is_empty() {
        return None;
    }
    let root = parse.syntax();
    let mut children = root.children_with_tokens();
    let only = children.next()?.into_node()?;
    if children.next().is_some() || only.kind() != kind {
        return None;
    }
    // It must end with its own closing token: rnix takes any token as the `)` of a
    // parenthesis, and a token lexed to the end of the fragment (an unterminated comment) would
    // go on past it in the whole text.
    let closer = match kind {
        NODE_ATTR_SET => TOKEN_R_BRACE,
        _ => delimiters(kind)?.1,
    };
    if only.last_child_or_token()?.into_token()?.kind() != closer {
        return None;
    }
    Some(only.green().to_owned())
}

/// The parse of a binding on its own (inside `{ }`), when it is exactly one binding of `kind`
/// without errors.
fn parse_binding_alone(text: &str, kind: SyntaxKind) -> Option<GreenNode> {
    let wrapped = format!("{{{text}}}");
    let set = parse_alone(&wrapped, NODE_ATTR_SET)?;
    let children: Vec<_> = set.children().collect();
    match children.as_slice() {
        [NodeOrToken::Token(open), NodeOrToken::Node(binding), NodeOrToken::Token(close)]
            if NixLanguage::kind_from_raw(open.kind()) == TOKEN_L_BRACE
                && NixLanguage::kind_from_raw(close.kind()) == TOKEN_R_BRACE
                && NixLanguage::kind_from_raw(binding.kind()) == kind =>
        {
            Some((*binding).to_owned())
        }
        _ => None,
    }
}

/// The depth of a green tree, walked without recursion.
fn green_depth(green: &GreenNode) -> usize {
    let mut max = 0;
    let mut stack: Vec<(&rowan::GreenNodeData, usize)> = vec![(green, 1)];
    while let Some((node, depth)) = stack.pop() {
        max = max.max(depth);
        for child in node.children() {
            if let NodeOrToken::Node(n) = child {
                stack.push((n, depth + 1));
            }
        }
    }
    max
}

/// The depth estimate run over a fragment's tokens on its own: its peak and its end state, or
/// `None` when the fragment would close levels opened before it.
fn estimate_fragment(text: &str) -> Option<(usize, EstimateEnd)> {
    let mut estimate = DepthEstimate::new();
    for (kind, _) in rnix::tokenize(text) {
        estimate.step(kind);
    }
    if estimate.underflow {
        return None;
    }
    Some((estimate.peak, estimate.end_state()))
}

/// The guard facts after a node was spliced, or `None` when the guards might judge the new
/// text differently from the old one without a look at the whole text.
fn guard_after_splice(
    old: &Parsed,
    node: &SyntaxNode,
    change: &Change,
    new_fragment: &str,
    long_run: bool,
) -> Option<GuardFacts> {
    let guarded = change.new_text.len() > 64 * 1024 || syntax::may_be_deep(change.new_text);
    let depth_estimate = match old.guard.depth_estimate {
        Some(bound) => {
            // The estimate before the node is the same as before the edit (at most `bound`);
            // inside it, it rises by what the fragment on its own rises; after it, it is the
            // same as before if the fragment ends in the same state.
            let old_fragment = &change.old_text[node.text_range()];
            let (old_peak, old_end) = estimate_fragment(old_fragment)?;
            let (new_peak, new_end) = estimate_fragment(new_fragment)?;
            if old_end != new_end {
                return None;
            }
            if matches!(node.kind(), NODE_ATTRPATH_VALUE | NODE_INHERIT)
                && !clean_binding_context(old, node)
            {
                return None;
            }
            let bound = (bound as usize + new_peak)
                .saturating_sub(old_peak)
                .max(bound as usize);
            if bound > syntax::MAX_DEPTH {
                return None;
            }
            Some(bound as u32)
        }
        None if guarded => return None,
        None => None,
    };
    Some(GuardFacts {
        refused: false,
        long_run,
        depth_estimate,
    })
}

/// A binding in a set or `let` without errors starts where the depth estimate's current level
/// is clean (no pending chain, `with` header or `inherit`), as in an estimate of it alone.
fn clean_binding_context(old: &Parsed, node: &SyntaxNode) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    let range = parent.text_range();
    !old.errors
        .iter()
        .any(|e| e.range.intersect(range).is_some())
}

/// The old errors after a node was spliced: those inside it are gone (the new fragment has
/// none), those after it move. Error ranges are those of error nodes, which hold only tokens,
/// so an error is either inside the node or apart from it.
fn splice_errors(
    errors: &[SyntaxError],
    node: TextRange,
    change: &Change,
) -> Option<Vec<SyntaxError>> {
    let mut out = Vec::with_capacity(errors.len());
    for e in errors {
        let r = e.range;
        if r.end() <= node.start() {
            out.push(e.clone());
        } else if r.start() >= node.end() {
            out.push(SyntaxError {
                range: TextRange::new(change.shift(r.start()), change.shift(r.end())),
                message: e.message.clone(),
            });
        } else if node.contains_range(r) {
            // Made while parsing the node: replaced.
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
