//! Parsing and positions: rnix trees kept as green nodes (cheap to store and compare), the parse
//! errors with their ranges, and the conversion of byte offsets to lines and columns.
//!
//! Invariant: this module knows nothing of salsa, flakes or rules.

use rnix::ast::{self, HasEntry};
use rnix::{SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;
use rowan::{GreenNode, TextRange, TextSize};

/// A parse of one Nix file. Parsing never fails: a broken file gives a tree and errors.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Parsed {
    pub green: GreenNode,
    pub errors: Vec<SyntaxError>,
    /// What the hostile-input guards found, kept so that an incremental reparse
    /// (`crate::reparse`) can tell whether they would judge the edited text differently.
    pub(crate) guard: GuardFacts,
}

/// The guards' findings about one text (see [`parse`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct GuardFacts {
    /// The file was refused (a tree of one error node), not parsed.
    pub refused: bool,
    /// The text holds a run of more than [`MAX_WORD`] word characters (strings not considered).
    pub long_run: bool,
    /// An upper bound of the nesting estimate of [`too_deep`] over the whole text, when known.
    pub depth_estimate: Option<u32>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

impl Parsed {
    pub fn root(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }
}

/// How deep a file's syntax tree may get before it is not parsed: rnix and rowan recurse per
/// level (parsing, comparing and dropping trees), so a hostile file (`1 + 1 + ...` 50,000 times,
/// 100,000 `[`) would overflow the stack or take quadratic time. Real configurations stay far
/// below this.
pub const MAX_DEPTH: usize = 3000;

pub fn parse(text: &str) -> Parsed {
    let long_run = longest_word_run(text) > MAX_WORD;
    // rnix's tokenizer rescans an identifier-like word for each of its parts, quadratically:
    // a hostile file with one huge word would take minutes. Nothing is tokenized then.
    if long_run {
        if let Some(offset) = overlong_word(text) {
            return unparsed_text(text, offset, format!("a word of more than {MAX_WORD} characters outside a string; flakelint does not analyse this file"));
        }
    }
    if !may_be_deep(text) {
        let mut parsed = parse_unguarded(text);
        parsed.guard.long_run = long_run;
        return parsed;
    }
    // A file that could be that deep: tokens first (a chain estimate rejects the hostile ones
    // before rnix spends quadratic time on them), then the parse on a thread with a large stack,
    // where a tree found too deep is also dropped.
    let tokens: Vec<rnix::Token<'_>> = rnix::tokenize(text).collect();
    let estimate = match too_deep(&tokens) {
        Ok(estimate) => estimate,
        Err(offset) => return unparsed(tokens, offset),
    };
    // A file the estimate finds shallow parses here: every thread that analyses has a stack
    // of 16 MiB, far more than a few hundred levels take. The estimate is trusted only where
    // every closing bracket closes the bracket it should (rnix's error recovery nests where
    // the estimate pops: `[ )` repeated) and the file is no larger than the texts that always
    // took the quick path before.
    if estimate <= INLINE_ESTIMATE && text.len() <= 64 * 1024 && brackets_match(&tokens) {
        let mut parsed = parse_unguarded(text);
        if tree_depth(&parsed.green) > MAX_DEPTH {
            return unparsed(tokens, TextSize::from(0));
        }
        parsed.guard.long_run = long_run;
        parsed.guard.depth_estimate = Some(estimate);
        return parsed;
    }
    let owned = text.to_string();
    let guarded = std::thread::Builder::new()
        .stack_size(GUARD_STACK)
        .spawn(move || {
            let parsed = parse_unguarded(&owned);
            if tree_depth(&parsed.green) > MAX_DEPTH {
                None
            } else {
                Some(parsed)
            }
        })
        .ok()
        .and_then(|handle| handle.join().ok());
    match guarded {
        Some(Some(mut parsed)) => {
            parsed.guard.long_run = long_run;
            parsed.guard.depth_estimate = Some(estimate);
            parsed
        }
        _ => unparsed(tokens, TextSize::from(0)),
    }
}

/// Whether a byte can be part of the identifier- or path-like words that [`overlong_word`]
/// measures.
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'_' | b'-' | b'+' | b'\'' | b'~' | b':')
}

/// The length of the longest run of word bytes, strings not considered (an upper bound of what
/// [`overlong_word`] measures); 0 for texts too short to matter.
fn longest_word_run(text: &str) -> usize {
    if text.len() <= MAX_WORD {
        return 0;
    }
    let (mut run, mut longest) = (0usize, 0usize);
    for &b in text.as_bytes() {
        if is_word_byte(b) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// The longest identifier- or path-like word outside strings that is tokenized.
pub const MAX_WORD: usize = 16 * 1024;

/// The offset of a word longer than [`MAX_WORD`] outside `"..."` and `''...''` strings (a rough
/// scan: escapes and interpolations are not followed, which only makes it more lenient).
fn overlong_word(text: &str) -> Option<TextSize> {
    if text.len() <= MAX_WORD {
        return None;
    }
    let bytes = text.as_bytes();
    let (mut in_string, mut in_indented) = (false, false);
    let (mut run, mut start) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_indented {
            if b == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                in_indented = false;
                i += 1;
            }
        } else if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
            run = 0;
        } else if b == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
            in_indented = true;
            run = 0;
            i += 1;
        } else if is_word_byte(b) {
            if run == 0 {
                start = i;
            }
            run += 1;
            if run > MAX_WORD {
                return Some(TextSize::from(start as u32));
            }
        } else {
            run = 0;
        }
        i += 1;
    }
    None
}

/// A tree of the whole text as one error token, for a file that is not tokenized at all.
fn unparsed_text(text: &str, offset: TextSize, message: String) -> Parsed {
    let mut builder = rowan::GreenNodeBuilder::new();
    builder.start_node(rowan::SyntaxKind(SyntaxKind::NODE_ROOT as u16));
    builder.start_node(rowan::SyntaxKind(SyntaxKind::NODE_ERROR as u16));
    builder.token(rowan::SyntaxKind(SyntaxKind::TOKEN_ERROR as u16), text);
    builder.finish_node();
    builder.finish_node();
    Parsed {
        green: builder.finish(),
        errors: vec![SyntaxError {
            range: TextRange::empty(offset),
            message,
        }],
        guard: GuardFacts {
            refused: true,
            ..GuardFacts::default()
        },
    }
}

/// Whether every closing token closes the opening one it pairs with (`}` a `{`, `in` a `let`,
/// ...) and none closes what was never opened.
fn brackets_match(tokens: &[rnix::Token<'_>]) -> bool {
    use SyntaxKind::*;
    let mut open: Vec<SyntaxKind> = Vec::new();
    for (kind, _) in tokens {
        let opener = match kind {
            TOKEN_L_BRACE | TOKEN_L_BRACK | TOKEN_L_PAREN | TOKEN_INTERPOL_START | TOKEN_LET => {
                open.push(*kind);
                continue;
            }
            TOKEN_R_BRACE => TOKEN_L_BRACE,
            TOKEN_R_BRACK => TOKEN_L_BRACK,
            TOKEN_R_PAREN => TOKEN_L_PAREN,
            TOKEN_INTERPOL_END => TOKEN_INTERPOL_START,
            TOKEN_IN => TOKEN_LET,
            _ => continue,
        };
        if open.pop() != Some(opener) {
            return false;
        }
    }
    true
}

/// Below this depth estimate a suspicious file is parsed on the calling thread (see [`parse`]).
const INLINE_ESTIMATE: u32 = 256;

/// The stack of the thread that parses suspicious files: reserved, not committed, memory.
const GUARD_STACK: usize = 512 * 1024 * 1024;

fn parse_unguarded(text: &str) -> Parsed {
    let parse = rnix::Root::parse(text);
    let end = TextSize::of(text);
    let errors = parse
        .errors()
        .iter()
        .map(|e| describe_error(e, end))
        .collect();
    Parsed {
        green: parse.syntax().green().to_owned(),
        errors,
        guard: GuardFacts::default(),
    }
}

/// Whether one of `offsets` (sorted) lies inside a node of `kind`. The walk goes over the green
/// tree (no allocation per node) and enters only the subtrees that hold one of the offsets.
pub fn offset_inside(root: &SyntaxNode, offsets: &[u32], kind: SyntaxKind) -> bool {
    let raw = rowan::SyntaxKind(kind as u16);
    let green = root.green();
    let mut stack: Vec<(&rowan::GreenNodeData, u32)> = vec![(green, 0)];
    while let Some((node, start)) = stack.pop() {
        let mut offset = start;
        for child in node.children() {
            let end = offset + u32::from(child.text_len());
            let first = offsets.partition_point(|&at| at < offset);
            if offsets.get(first).is_some_and(|&at| at < end) {
                if let rowan::NodeOrToken::Node(node) = child {
                    if node.kind() == raw {
                        return true;
                    }
                    stack.push((node, offset));
                }
            }
            offset = end;
        }
    }
    false
}

/// The depth of a tree in nodes, walked over the green tree without recursion.
fn tree_depth(root: &GreenNode) -> usize {
    let mut max = 0;
    let mut stack: Vec<(&rowan::GreenNodeData, usize)> = vec![(root, 1)];
    while let Some((node, depth)) = stack.pop() {
        max = max.max(depth);
        stack.extend(
            node.children()
                .filter_map(|c| c.into_node())
                .map(|n| (n, depth + 1)),
        );
    }
    max
}

/// Whether a text may hold a very deep tree: large, deeply bracketed, or with a long stretch
/// without `;`, `,` or a bracket (where long chains hide).
pub(crate) fn may_be_deep(text: &str) -> bool {
    if text.len() > 64 * 1024 {
        return true;
    }
    // Every file is asked, so two quick counts (which the compiler vectorises) first answer for
    // most: the nesting cannot pass the limit with fewer opening brackets than that, and a
    // stretch of more than MAX_DEPTH bytes without a separator covers a whole aligned block of
    // RUN_BLOCK bytes without one.
    const RUN_BLOCK: usize = 1024;
    const _: () = assert!(2 * RUN_BLOCK <= MAX_DEPTH);
    let bytes = text.as_bytes();
    let opening = count_bytes(bytes, |b| (b | 0x20 == b'{') | (b == b'('));
    let may_nest = opening > MAX_DEPTH / 4;
    let may_chain = bytes.len() > MAX_DEPTH
        && bytes.chunks_exact(RUN_BLOCK).any(|block| {
            let separators = count_bytes(block, |b| {
                (b | 0x20 == b'{')
                    | (b | 0x20 == b'}')
                    | (b | 1 == b')')
                    | (b == b';')
                    | (b == b',')
            });
            separators == 0
        });
    (may_nest || may_chain) && stretch_or_nesting_too_long(text)
}

/// How many bytes pass `test`, counted without a branch per byte (`{` and `[` differ in one
/// bit, as do `}` and `]`, and `(` and `)`), so that the compiler vectorises the count.
#[inline(always)]
fn count_bytes(bytes: &[u8], test: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| chunk.iter().fold(0u8, |n, &b| n + u8::from(test(b))) as usize)
        .sum()
}

/// The exact scan behind [`may_be_deep`]: nesting deeper than a quarter of [`MAX_DEPTH`], or a
/// stretch of more than [`MAX_DEPTH`] bytes without a separator.
fn stretch_or_nesting_too_long(text: &str) -> bool {
    let (mut depth, mut run) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'{' | b'[' | b'(' => {
                depth += 1;
                run = 0;
                if depth > MAX_DEPTH / 4 {
                    return true;
                }
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                run = 0;
            }
            b';' | b',' => run = 0,
            _ => {
                run += 1;
                if run > MAX_DEPTH {
                    return true;
                }
            }
        }
    }
    false
}

/// The tree's depth estimated from the tokens (the largest value of the estimate), or the offset
/// where it would first exceed [`MAX_DEPTH`]: each open bracket is a level, and so is each term
/// of a chain of operators or applications and each `x:`, `with`, `assert`, `if`, `else` and
/// `let ... in` (a list's elements are siblings, not a chain).
fn too_deep(tokens: &[rnix::Token<'_>]) -> Result<u32, TextSize> {
    let mut estimate = DepthEstimate::new();
    let mut offset = TextSize::from(0);
    for (kind, text) in tokens {
        let here = offset;
        offset += TextSize::of(*text);
        estimate.step(*kind);
        if estimate.total > MAX_DEPTH {
            return Err(here);
        }
    }
    Ok(estimate.peak as u32)
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Level {
    kind: SyntaxKind,
    run: usize,
    /// `with x;` / `assert x;` headers whose `;` does not end the chain.
    headers: usize,
    /// Inside `inherit a b c;`, whose names are siblings.
    inherit: bool,
}

fn level(kind: SyntaxKind) -> Level {
    Level {
        kind,
        run: 0,
        headers: 0,
        inherit: false,
    }
}

/// The state of the depth estimate of [`too_deep`], one token at a time. `total` is always
/// the number of open levels above the first plus the sum of the levels' runs.
/// Open levels, the first level's run, headers and `inherit`, and whether an operand just ended.
pub(crate) type EstimateEnd = (usize, usize, usize, bool, bool);

#[derive(Clone, Debug)]
pub(crate) struct DepthEstimate {
    stack: Vec<Level>,
    pub total: usize,
    /// The largest `total` seen.
    pub peak: usize,
    prev_ends_operand: bool,
    /// A closing token arrived with only the first level open (in a fragment estimated on its
    /// own, it would close a level of the surrounding text).
    pub underflow: bool,
}

impl DepthEstimate {
    pub fn new() -> DepthEstimate {
        DepthEstimate {
            stack: vec![level(SyntaxKind::TOKEN_L_PAREN)],
            total: 0,
            peak: 0,
            prev_ends_operand: false,
            underflow: false,
        }
    }

    /// The state that a fragment must leave for the text after it to be estimated as before:
    /// open levels, the first level's counters, and whether an operand just ended.
    pub fn end_state(&self) -> EstimateEnd {
        let first = &self.stack[0];
        (
            self.stack.len(),
            first.run,
            first.headers,
            first.inherit,
            self.prev_ends_operand,
        )
    }

    pub fn step(&mut self, kind: SyntaxKind) {
        use SyntaxKind::*;
        if matches!(kind, TOKEN_WHITESPACE | TOKEN_COMMENT) {
            return;
        }
        let starts_operand = matches!(
            kind,
            TOKEN_IDENT
                | TOKEN_INTEGER
                | TOKEN_FLOAT
                | TOKEN_STRING_START
                | TOKEN_PATH_ABS
                | TOKEN_PATH_REL
                | TOKEN_PATH_HOME
                | TOKEN_PATH_SEARCH
                | TOKEN_URI
                | TOKEN_L_BRACE
                | TOKEN_L_BRACK
                | TOKEN_L_PAREN
        );
        let stack = &mut self.stack;
        let top = stack.len() - 1;
        // In a list, an operand right after another one starts a new element.
        if stack[top].kind == TOKEN_L_BRACK && starts_operand && self.prev_ends_operand {
            self.total -= stack[top].run;
            stack[top].run = 0;
        }
        match kind {
            TOKEN_L_BRACE | TOKEN_L_BRACK | TOKEN_L_PAREN | TOKEN_INTERPOL_START | TOKEN_LET => {
                stack.push(level(kind));
                self.total += 1;
            }
            TOKEN_R_BRACE | TOKEN_R_BRACK | TOKEN_R_PAREN | TOKEN_INTERPOL_END | TOKEN_IN => {
                let pairs = matches!(
                    (stack[top].kind, kind),
                    (TOKEN_L_BRACE, TOKEN_R_BRACE)
                        | (TOKEN_L_BRACK, TOKEN_R_BRACK)
                        | (TOKEN_L_PAREN, TOKEN_R_PAREN)
                        | (TOKEN_INTERPOL_START, TOKEN_INTERPOL_END)
                        | (TOKEN_LET, TOKEN_IN)
                );
                if stack.len() == 1 {
                    self.underflow = true;
                } else if pairs {
                    let closed = stack.pop().unwrap_or(level(TOKEN_L_PAREN));
                    self.total = self.total.saturating_sub(closed.run + 1);
                }
                // A closer that does not close the innermost level (`[ )`) closes nothing:
                // rnix's error recovery goes on inside that level, so the estimate does too.
                // The body of `let ... in` nests below it.
                if kind == TOKEN_IN {
                    let top = stack.len() - 1;
                    stack[top].run += 1;
                    self.total += 1;
                }
            }
            TOKEN_WITH | TOKEN_ASSERT => {
                stack[top].headers += 1;
                stack[top].run += 1;
                self.total += 1;
            }
            TOKEN_INHERIT => stack[top].inherit = true,
            TOKEN_SEMICOLON if stack[top].inherit => stack[top].inherit = false,
            TOKEN_SEMICOLON if stack[top].headers > 0 => stack[top].headers -= 1,
            // A string's parts are its children, not a chain.
            TOKEN_STRING_CONTENT | TOKEN_STRING_END => {}
            _ if stack[top].inherit => {}
            TOKEN_SEMICOLON | TOKEN_COMMA | TOKEN_ASSIGN => {
                self.total -= stack[top].run;
                stack[top].run = 0;
            }
            _ => {
                stack[top].run += 1;
                self.total += 1;
            }
        }
        self.peak = self.peak.max(self.total);
        self.prev_ends_operand = matches!(
            kind,
            TOKEN_IDENT
                | TOKEN_INTEGER
                | TOKEN_FLOAT
                | TOKEN_STRING_END
                | TOKEN_PATH_ABS
                | TOKEN_PATH_REL
                | TOKEN_PATH_HOME
                | TOKEN_PATH_SEARCH
                | TOKEN_URI
                | TOKEN_R_BRACE
                | TOKEN_R_BRACK
                | TOKEN_R_PAREN
        );
    }
}

/// A flat tree of the tokens under one error node, for a file too deeply nested to parse.
fn unparsed(tokens: Vec<rnix::Token<'_>>, offset: TextSize) -> Parsed {
    let mut builder = rowan::GreenNodeBuilder::new();
    builder.start_node(rowan::SyntaxKind(SyntaxKind::NODE_ROOT as u16));
    builder.start_node(rowan::SyntaxKind(SyntaxKind::NODE_ERROR as u16));
    for (kind, text) in tokens {
        builder.token(rowan::SyntaxKind(kind as u16), text);
    }
    builder.finish_node();
    builder.finish_node();
    Parsed {
        green: builder.finish(),
        errors: vec![SyntaxError {
            range: TextRange::empty(offset),
            message: format!("expression nested more than {MAX_DEPTH} levels deep (counting brackets and chained operators); flakelint does not analyse this file"),
        }],
        guard: GuardFacts {
            refused: true,
            ..GuardFacts::default()
        },
    }
}

fn describe_error(error: &rnix::ParseError, end: TextSize) -> SyntaxError {
    use rnix::ParseError as E;
    let eof = TextRange::empty(end);
    let (range, message) = match error {
        E::Unexpected(r) => (*r, "unexpected input".to_string()),
        E::UnexpectedExtra(r) => (
            *r,
            "unexpected input after the end of the expression".into(),
        ),
        E::UnexpectedWanted(got, r, wanted) => (
            *r,
            format!("expected {}, found {}", kinds_text(wanted), kind_text(*got)),
        ),
        E::UnexpectedDoubleBind(r) => (*r, "this pattern is bound twice".into()),
        E::UnexpectedEOF => (eof, "unexpected end of file".into()),
        E::UnexpectedEOFWanted(wanted) => (
            eof,
            format!("unexpected end of file, expected {}", kinds_text(wanted)),
        ),
        E::DuplicatedArgs(r, name) => (*r, format!("argument `{name}` is declared twice")),
        E::RecursionLimitExceeded => (eof, "expression nested too deeply to parse".into()),
        _ => (eof, error.to_string()),
    };
    SyntaxError { range, message }
}

fn kinds_text(kinds: &[SyntaxKind]) -> String {
    let names: Vec<String> = kinds.iter().map(|k| kind_text(*k)).collect();
    match names.len() {
        0 => "something else".into(),
        1 => names[0].clone(),
        _ => format!("one of {}", names.join(", ")),
    }
}

fn kind_text(kind: SyntaxKind) -> String {
    use SyntaxKind::*;
    let s = match kind {
        TOKEN_ASSIGN => "`=`",
        TOKEN_SEMICOLON => "`;`",
        TOKEN_COLON => "`:`",
        TOKEN_COMMA => "`,`",
        TOKEN_DOT => "`.`",
        TOKEN_L_BRACE => "`{`",
        TOKEN_R_BRACE => "`}`",
        TOKEN_L_BRACK => "`[`",
        TOKEN_R_BRACK => "`]`",
        TOKEN_L_PAREN => "`(`",
        TOKEN_R_PAREN => "`)`",
        TOKEN_IN => "`in`",
        TOKEN_THEN => "`then`",
        TOKEN_ELSE => "`else`",
        TOKEN_IDENT => "an identifier",
        TOKEN_STRING_END => "the end of the string",
        TOKEN_INTERPOL_END => "`}` closing the interpolation",
        other => {
            return format!("{other:?}")
                .trim_start_matches("TOKEN_")
                .to_lowercase()
        }
    };
    s.to_string()
}

/// Line starts of a text, for converting byte offsets to (line, column) pairs. Columns can be
/// counted in Unicode scalar values (the CLI's unit) or in UTF-16 code units (LSP's default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<TextSize>,
    len: TextSize,
}

/// A 0-based line and a 0-based column in the unit that was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    Utf8,
    Utf16,
    Char,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![TextSize::from(0)];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(TextSize::from(i as u32 + 1));
            }
        }
        LineIndex {
            line_starts,
            len: TextSize::of(text),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The line and column of an offset; offsets past the end or inside a UTF-8 sequence are
    /// clamped to the nearest valid place instead of panicking.
    pub fn line_col(&self, text: &str, offset: TextSize, unit: ColumnUnit) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = usize::from(self.line_starts[line]);
        let mut end = usize::from(offset);
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = &text[start..end];
        let col = match unit {
            ColumnUnit::Utf8 => prefix.len(),
            ColumnUnit::Utf16 => prefix.encode_utf16().count(),
            ColumnUnit::Char => prefix.chars().count(),
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The offset of a line and column; a column past the end of its line is clamped to the
    /// line's end, and a line past the end of the text to the text's end.
    pub fn offset(&self, text: &str, pos: LineCol, unit: ColumnUnit) -> TextSize {
        let Some(&start) = self.line_starts.get(pos.line as usize) else {
            return self.len;
        };
        let line_end = self
            .line_starts
            .get(pos.line as usize + 1)
            .map_or(self.len, |&s| s - TextSize::from(1));
        let line_text = &text[usize::from(start)..usize::from(line_end)];
        let mut counted = 0u32;
        for (i, c) in line_text.char_indices() {
            if counted >= pos.col {
                return start + TextSize::from(i as u32);
            }
            counted += match unit {
                ColumnUnit::Utf8 => c.len_utf8() as u32,
                ColumnUnit::Utf16 => c.len_utf16() as u32,
                ColumnUnit::Char => 1,
            };
        }
        line_end
    }
}

/// The text of one attrpath segment when it is static: `foo`, `"foo"`, `${"foo"}`.
pub fn attr_name(attr: &ast::Attr) -> Option<String> {
    match attr {
        ast::Attr::Ident(ident) => Some(ident.ident_token()?.text().to_string()),
        ast::Attr::Str(s) => static_string(s),
        ast::Attr::Dynamic(d) => match d.expr()? {
            ast::Expr::Str(s) => static_string(&s),
            _ => None,
        },
    }
}

/// The static segments of an attrpath with their ranges, or `None` if any segment is dynamic
/// or there is none (`{ = 1; }` mid-edit parses to an empty attrpath).
pub fn attrpath_segments(path: &ast::Attrpath) -> Option<Vec<(String, TextRange)>> {
    let segments: Vec<(String, TextRange)> = path
        .attrs()
        .map(|a| Some((attr_name(&a)?, a.syntax().text_range())))
        .collect::<Option<_>>()?;
    (!segments.is_empty()).then_some(segments)
}

/// The value of a string literal without interpolations.
pub fn static_string(s: &ast::Str) -> Option<String> {
    let mut out = String::new();
    for part in string_parts(s)? {
        match part {
            ast::InterpolPart::Literal(lit) => out.push_str(&lit),
            ast::InterpolPart::Interpolation(_) => return None,
        }
    }
    Some(out)
}

/// The parts of a string with `''` indentation stripped (`Str::normalized_parts`), or `None`
/// for a string holding a syntax error, where rnix's own accessors panic.
pub fn string_parts(s: &ast::Str) -> Option<Vec<ast::InterpolPart<String>>> {
    let well_formed = s.syntax().children_with_tokens().all(|child| match child {
        rowan::NodeOrToken::Token(t) => matches!(
            t.kind(),
            SyntaxKind::TOKEN_STRING_START
                | SyntaxKind::TOKEN_STRING_END
                | SyntaxKind::TOKEN_STRING_CONTENT
        ),
        rowan::NodeOrToken::Node(n) => n.kind() == SyntaxKind::NODE_INTERPOL,
    });
    well_formed.then(|| s.normalized_parts())
}

/// The text of a path literal without interpolations (`./a/b.nix`), or `None` (also for a path
/// holding a syntax error, where rnix's `parts()` panics).
pub fn static_path(expr: &ast::Expr) -> Option<String> {
    let node = match expr {
        ast::Expr::PathRel(p) => p.syntax(),
        ast::Expr::PathAbs(p) => p.syntax(),
        ast::Expr::PathHome(p) => p.syntax(),
        _ => return None,
    };
    let mut text = String::new();
    for child in node.children_with_tokens() {
        match child {
            rowan::NodeOrToken::Token(t)
                if matches!(
                    t.kind(),
                    SyntaxKind::TOKEN_PATH_ABS
                        | SyntaxKind::TOKEN_PATH_REL
                        | SyntaxKind::TOKEN_PATH_HOME
                ) =>
            {
                text.push_str(t.text())
            }
            _ => return None,
        }
    }
    Some(text)
}

/// The name a function expression ends in: `f` for `f`, `pathExists` for `builtins.pathExists`.
pub fn function_name(function: &ast::Expr) -> Option<String> {
    match unparen(function.clone()) {
        ast::Expr::Ident(i) => Some(i.ident_token()?.text().to_string()),
        ast::Expr::Select(s) if s.default_expr().is_none() => {
            attr_name(&s.attrpath()?.attrs().last()?)
        }
        _ => None,
    }
}

/// The function an application finally calls: `f` in `f a b` (and `(f a) b`).
pub fn applied_function(apply: &ast::Apply) -> Option<ast::Expr> {
    let mut function = apply.lambda()?;
    while let ast::Expr::Apply(inner) = unparen(function.clone()) {
        function = inner.lambda()?;
    }
    Some(function)
}

/// Strips parentheses around an expression.
pub fn unparen(mut expr: ast::Expr) -> ast::Expr {
    while let ast::Expr::Paren(p) = &expr {
        match p.expr() {
            Some(inner) => expr = inner,
            None => break,
        }
    }
    expr
}

/// The bindings of an attrset-like node (attrset, let) whose keys are static.
pub fn static_bindings(
    entries: &impl HasEntry,
) -> impl Iterator<Item = (Vec<(String, TextRange)>, ast::AttrpathValue)> + '_ {
    entries.attrpath_values().filter_map(|apv| {
        let segments = attrpath_segments(&apv.attrpath()?)?;
        Some((segments, apv))
    })
}

/// The indentation (leading spaces and tabs) of the line an offset is on.
pub fn indentation_at(text: &str, offset: TextSize) -> &str {
    let offset = usize::from(offset).min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy as _;

    use super::*;

    /// Brackets that close what they did not open (`[ )`): rnix's recovery nests them. Such a
    /// file is never parsed on the caller's stack (100,000 pairs overflowed a 16 MiB stack
    /// when it was), and the estimate counts the levels they leave open.
    #[test]
    fn mismatched_brackets_are_parsed_on_the_guarded_thread() {
        let text = "[ ) ".repeat(100_000);
        let tokens: Vec<rnix::Token<'_>> = rnix::tokenize(&text).collect();
        assert!(!brackets_match(&tokens));
        let parsed = parse(&text);
        assert!(parsed.guard.refused || tree_depth(&parsed.green) <= MAX_DEPTH);
        assert!(!parsed.errors.is_empty());
        // A closer that closes nothing leaves its level open in the estimate, as in rnix's
        // recovery: four million pairs (16 MB, which overflowed even the guarded thread's
        // stack) are refused before any parse.
        let parsed = parse(&"[ ) ".repeat(4_000_000));
        assert!(parsed.guard.refused);
        assert!(parsed.errors[0].message.contains("nested"));
        for text in [
            "{ a = [ 1 ]; b = \"${x}\"; }",
            "let a = 1; in a",
            "let { body = 1; }",
        ] {
            let tokens: Vec<rnix::Token<'_>> = rnix::tokenize(text).collect();
            assert!(brackets_match(&tokens), "{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        /// The quick counts in front of the guard's scan never let a text through that the
        /// scan would stop: deep nesting among many siblings, long stretches at any offset.
        #[test]
        fn quick_guard_answers_as_the_full_scan(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("{".to_string()),
                    proptest::strategy::Just("}".to_string()),
                    proptest::strategy::Just("[ ]".to_string()),
                    proptest::strategy::Just(";".to_string()),
                    "[a-z ]{1,40}",
                    (1usize..3500).prop_map(|n| "x".repeat(n)),
                    (1usize..900).prop_map(|n| "(".repeat(n)),
                    (1usize..900).prop_map(|n| ")".repeat(n)),
                ],
                0..40,
            )
        ) {
            let text = pieces.concat();
            let full = text.len() > 64 * 1024 || stretch_or_nesting_too_long(&text);
            proptest::prop_assert_eq!(may_be_deep(&text), full);
        }
    }

    #[test]
    fn columns_count_in_each_unit() {
        let text = "a = \"é😀\";\nbb";
        let index = LineIndex::new(text);
        let semi = TextSize::from(text.find(';').unwrap() as u32);
        assert_eq!(index.line_col(text, semi, ColumnUnit::Char).col, 8);
        assert_eq!(index.line_col(text, semi, ColumnUnit::Utf16).col, 9);
        assert_eq!(index.line_col(text, semi, ColumnUnit::Utf8).col, 12);
        for unit in [ColumnUnit::Char, ColumnUnit::Utf16, ColumnUnit::Utf8] {
            let lc = index.line_col(text, semi, unit);
            assert_eq!(index.offset(text, lc, unit), semi);
        }
        let past = index.line_col(text, TextSize::from(999), ColumnUnit::Char);
        assert_eq!(past, LineCol { line: 1, col: 2 });
        let clamped = index.offset(text, LineCol { line: 0, col: 99 }, ColumnUnit::Utf16);
        assert_eq!(usize::from(clamped), text.find('\n').unwrap());
    }

    #[test]
    fn an_empty_attrpath_has_no_static_segments() {
        // Mid-edit; the rules index the first segment of what they get.
        let parsed = parse("{ = 1; }");
        let path = parsed
            .root()
            .descendants()
            .find_map(ast::Attrpath::cast)
            .unwrap();
        assert_eq!(attrpath_segments(&path), None);
    }

    #[test]
    fn broken_input_still_parses() {
        let deep = "[".repeat(100_000);
        let deep_sets = "{ a = ".repeat(50_000);
        for text in [
            "",
            "{",
            "{ a = ; }",
            "\u{0}\u{1}",
            "let in",
            "x: y: {",
            &deep,
            &deep_sets,
        ] {
            let parsed = parse(text);
            assert_eq!(parsed.root().text().to_string(), text);
        }
        assert!(parse("{ a = ; }").errors[0].message.contains("expected"));
    }

    #[test]
    fn hostile_input_is_refused_not_crashed_on() {
        let deep_sets = "{ a = ".repeat(50_000);
        let deep_lists = "[".repeat(100_000);
        let sum = format!("1{}", " + 1".repeat(60_000));
        let apply = format!("f{}", " 1".repeat(60_000));
        let not = format!("{}true", "!".repeat(60_000));
        let update = format!("{{ }}{}", " // { a = 1; }".repeat(40_000));
        let lambdas = format!("{}x", "x: ".repeat(60_000));
        let withs = format!("{}x", "with a; ".repeat(60_000));
        let lets = format!("{}x", "let a = 1; in ".repeat(60_000));
        let ifs = format!("{}x", "if a then b else ".repeat(60_000));
        for text in [
            &deep_sets,
            &deep_lists,
            &sum,
            &apply,
            &not,
            &update,
            &lambdas,
            &withs,
            &lets,
            &ifs,
        ] {
            let parsed = parse(text);
            assert!(
                parsed.errors[0].message.contains("levels deep"),
                "{}",
                &text[..24]
            );
            assert_eq!(
                parsed.root().text().len(),
                rowan::TextSize::of(text.as_str())
            );
        }
        // One huge word is refused before rnix's tokenizer spends quadratic time on it.
        let select = format!("x{}", ".a".repeat(60_000));
        assert!(parse(&select).errors[0]
            .message
            .contains("a word of more than"));
        // Long strings, flat lists, many bindings and long inherits are fine.
        let string = format!(
            "{{ a = \"{}\"; b = ''{}''; }}",
            "A".repeat(100_000),
            "B".repeat(100_000)
        );
        let list = format!("[{} ]", " 1 a \"s\" ./p".repeat(20_000));
        let bindings = format!("{{{} }}", " a = 1 + 2 + 3;".repeat(20_000));
        let inherits = format!("{{ inherit (pkgs){}; }}", " a".repeat(20_000));
        let interpolated = format!("''{}''", "x ${a} y\n".repeat(20_000));
        for text in [&string, &list, &bindings, &inherits, &interpolated] {
            assert!(parse(text).errors.is_empty(), "{}", &text[..24]);
        }
    }
}
