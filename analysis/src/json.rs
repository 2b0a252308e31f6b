//! A strict JSON (RFC 8259) parser that keeps the byte range of every value and key, so that
//! problems in `flake.lock` can be reported exactly where they are.
//!
//! Choices worth knowing:
//! - Strict: trailing commas, comments, single quotes, `NaN`, leading zeros and unescaped control
//!   characters in strings are errors, each with the byte range of the offending text.
//! - A UTF-8 byte order mark before the value is skipped (RFC 8259 §8.1 allows a parser to).
//! - Lone surrogates (`\uD800` not followed by a low surrogate, or a stray `\uDC00`) are errors:
//!   a Rust `String` cannot hold them, and Nix never writes them.
//! - Numbers keep their text; [`Value::as_i64`] reads integers on demand.
//! - Duplicate object keys are kept in the member list; [`Value::get`] returns the last one, as
//!   Nix's JSON library does.
//! - Nesting deeper than [`MAX_DEPTH`] arrays/objects is an error, so hostile input cannot
//!   overflow the stack. The parser never panics.

use rowan::{TextRange, TextSize};

/// The deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub kind: ValueKind,
    /// The value's text, from its first to its last byte (quotes and brackets included).
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Null,
    Bool(bool),
    /// The number as written (`-12`, `1.5e3`).
    Number(String),
    /// The unescaped string.
    String(String),
    Array(Vec<Value>),
    /// Members in file order, duplicates included.
    Object(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub key: String,
    /// The key's range, quotes included.
    pub key_range: TextRange,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub range: TextRange,
    pub message: String,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            ValueKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The number as an `i64`, if it is written as an integer (no fraction or exponent) that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            ValueKind::Number(text) => text.parse().ok(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            ValueKind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The member of an object with this key (the last one if the key is repeated).
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().rev().find(|m| m.key == key)
    }

    /// The value of the member with this key (the last one if the key is repeated).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.member(key).map(|m| &m.value)
    }

    /// What kind of value this is, for messages: "a string", "an array", ...
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ValueKind::Null => "null",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Number(_) => "a number",
            ValueKind::String(_) => "a string",
            ValueKind::Array(_) => "an array",
            ValueKind::Object(_) => "an object",
        }
    }
}

/// Parses one JSON value, surrounded by optional whitespace.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    if text.starts_with('\u{feff}') {
        p.pos = '\u{feff}'.len_utf8();
    }
    p.skip_ws();
    if p.pos >= p.bytes.len() {
        return Err(p.error(
            p.empty_at(p.pos),
            "empty input: expected a JSON value".into(),
        ));
    }
    let value = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.unexpected("after the JSON value: the text must hold exactly one value"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

fn offset(n: usize) -> TextSize {
    TextSize::new(u32::try_from(n).unwrap_or(u32::MAX))
}

impl Parser<'_> {
    fn range(&self, start: usize, end: usize) -> TextRange {
        TextRange::new(offset(start), offset(end.max(start)))
    }

    fn empty_at(&self, pos: usize) -> TextRange {
        self.range(pos, pos)
    }

    fn error(&self, range: TextRange, message: String) -> JsonError {
        JsonError { range, message }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The character starting at `pos` (input is `&str`, so `pos` is on a boundary whenever the
    /// parser calls this).
    fn char_at(&self, pos: usize) -> Option<char> {
        self.text.get(pos..).and_then(|s| s.chars().next())
    }

    fn char_end(&self, pos: usize) -> usize {
        self.char_at(pos).map_or(pos, |c| pos + c.len_utf8())
    }

    fn describe_at(&self, pos: usize) -> String {
        match self.char_at(pos) {
            None => "the end of the input".into(),
            Some(c) => describe_char(c),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// An error at the current position: `found X <context>`, with special messages for comments.
    fn unexpected(&self, context: &str) -> JsonError {
        let pos = self.pos;
        if let Some(comment) = self.comment_at(pos) {
            return comment;
        }
        let found = self.describe_at(pos);
        let range = self.range(pos, self.char_end(pos));
        self.error(range, format!("unexpected {found} {context}"))
    }

    fn expected(&self, what: &str) -> JsonError {
        let pos = self.pos;
        if let Some(comment) = self.comment_at(pos) {
            return comment;
        }
        let found = self.describe_at(pos);
        let range = self.range(pos, self.char_end(pos));
        self.error(range, format!("expected {what}, found {found}"))
    }

    fn comment_at(&self, pos: usize) -> Option<JsonError> {
        let rest = self.bytes.get(pos..)?;
        if rest.starts_with(b"//") || rest.starts_with(b"/*") {
            Some(self.error(
                self.range(pos, pos + 2),
                "comments are not allowed in JSON".into(),
            ))
        } else {
            None
        }
    }

    fn value(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Value {
                    kind: ValueKind::String(s),
                    range: self.range(start, self.pos),
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') => self.literal(),
            Some(b'\'') => Err(self.error(
                self.range(start, start + 1),
                "JSON strings use double quotes, not `'`".into(),
            )),
            _ => Err(self.expected("a JSON value")),
        }
    }

    fn literal(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        let mut end = start;
        while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') = self.bytes.get(end) {
            end += 1;
        }
        let word = &self.text[start..end];
        let kind = match word {
            "true" => ValueKind::Bool(true),
            "false" => ValueKind::Bool(false),
            "null" => ValueKind::Null,
            _ => {
                return Err(self.error(
                    self.range(start, end),
                    format!(
                        "unknown word `{word}`: expected `true`, `false`, `null`, a number, \
                         a string, an array or an object"
                    ),
                ))
            }
        };
        self.pos = end;
        Ok(Value {
            kind,
            range: self.range(start, end),
        })
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        match self.digits() {
            0 => {
                let end = self.char_end(self.pos);
                return Err(self.error(
                    self.range(start, end),
                    format!(
                        "expected a digit after `-`, found {}",
                        self.describe_at(self.pos)
                    ),
                ));
            }
            n if n > 1 && self.bytes[int_start] == b'0' => {
                return Err(self.error(
                    self.range(start, self.pos),
                    "numbers cannot have leading zeros".into(),
                ));
            }
            _ => {}
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                let end = self.char_end(self.pos);
                return Err(self.error(
                    self.range(start, end),
                    format!(
                        "expected a digit after the decimal point, found {}",
                        self.describe_at(self.pos)
                    ),
                ));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                let end = self.char_end(self.pos);
                return Err(self.error(
                    self.range(start, end),
                    format!(
                        "expected a digit in the exponent, found {}",
                        self.describe_at(self.pos)
                    ),
                ));
            }
        }
        Ok(Value {
            kind: ValueKind::Number(self.text[start..self.pos].to_string()),
            range: self.range(start, self.pos),
        })
    }

    /// Reads a string starting at the `"` under the cursor.
    fn string(&mut self) -> Result<String, JsonError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut chunk = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error(
                    self.range(open, self.pos),
                    "unterminated string: missing closing `\"`".into(),
                ));
            };
            match b {
                b'"' => {
                    out.push_str(&self.text[chunk..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&self.text[chunk..self.pos]);
                    let c = self.escape()?;
                    out.push(c);
                    chunk = self.pos;
                }
                b'\n' | b'\r' => {
                    return Err(self.error(
                        self.range(self.pos, self.pos + 1),
                        "line break inside a string: JSON strings end on the same line \
                         (missing closing `\"`?); write a line break as `\\n`"
                            .into(),
                    ));
                }
                0..=0x1f => {
                    return Err(self.error(
                        self.range(self.pos, self.pos + 1),
                        format!(
                            "control character U+{b:04X} in a string must be escaped (`\\u{b:04x}`)"
                        ),
                    ));
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Reads an escape starting at the `\` under the cursor.
    fn escape(&mut self) -> Result<char, JsonError> {
        let start = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape(start);
            }
            None => {
                return Err(self.error(
                    self.range(start, self.pos),
                    "unterminated string: missing closing `\"`".into(),
                ))
            }
            Some(_) => {
                let end = self.char_end(self.pos);
                return Err(self.error(
                    self.range(start, end),
                    format!(
                        "invalid escape `\\{}` in a string: JSON knows `\\\"`, `\\\\`, `\\/`, \
                         `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`",
                        &self.text[self.pos..end]
                    ),
                ));
            }
        };
        self.pos += 1;
        Ok(c)
    }

    /// Four hex digits after `\u` (the cursor is after the `u`); `start` is the backslash.
    fn hex4(&mut self, start: usize) -> Result<u32, JsonError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => u32::from(b - b'0'),
                Some(b @ b'a'..=b'f') => u32::from(b - b'a' + 10),
                Some(b @ b'A'..=b'F') => u32::from(b - b'A' + 10),
                _ => {
                    let end = self.char_end(self.pos);
                    return Err(self.error(
                        self.range(start, end),
                        format!(
                            "expected 4 hex digits after `\\u`, found {}",
                            self.describe_at(self.pos)
                        ),
                    ));
                }
            };
            n = n * 16 + digit;
            self.pos += 1;
        }
        Ok(n)
    }

    fn unicode_escape(&mut self, start: usize) -> Result<char, JsonError> {
        let first = self.hex4(start)?;
        match first {
            0xD800..=0xDBFF => {
                let low_start = self.pos;
                if self.bytes.get(low_start..low_start + 2) == Some(b"\\u") {
                    self.pos += 2;
                    let second = self.hex4(low_start)?;
                    if (0xDC00..=0xDFFF).contains(&second) {
                        let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        return char::from_u32(c).ok_or_else(|| {
                            self.error(self.range(start, self.pos), "invalid escape".into())
                        });
                    }
                }
                Err(self.error(
                    self.range(start, low_start),
                    format!(
                        "lone surrogate `\\u{first:04X}`: a high surrogate must be followed by \
                         a low surrogate `\\uDC00`..`\\uDFFF`"
                    ),
                ))
            }
            0xDC00..=0xDFFF => Err(self.error(
                self.range(start, self.pos),
                format!(
                    "lone surrogate `\\u{first:04X}`: a low surrogate must follow a high \
                     surrogate `\\uD800`..`\\uDBFF`"
                ),
            )),
            _ => char::from_u32(first)
                .ok_or_else(|| self.error(self.range(start, self.pos), "invalid escape".into())),
        }
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(
                self.range(self.pos, self.pos + 1),
                format!("JSON nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn array(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                items.push(self.value()?);
                if self.separator(b']', "an array element")? {
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(Value {
            kind: ValueKind::Array(items),
            range: self.range(start, self.pos),
        })
    }

    /// After an element of an array or object: `close` ends it (`true`), `,` goes on (`false`).
    fn separator(&mut self, close: u8, element: &str) -> Result<bool, JsonError> {
        let close_char = close as char;
        self.skip_ws();
        match self.peek() {
            Some(c) if c == close => {
                self.pos += 1;
                Ok(true)
            }
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    return Err(self.error(
                        self.range(comma, comma + 1),
                        format!("trailing comma: JSON does not allow a `,` before `{close_char}`"),
                    ));
                }
                Ok(false)
            }
            _ => Err(self.expected(&format!("`,` or `{close_char}` after {element}"))),
        }
    }

    fn object(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                match self.peek() {
                    Some(b'"') => {}
                    Some(b'\'') => {
                        return Err(self.error(
                            self.range(self.pos, self.pos + 1),
                            "JSON object keys use double quotes, not `'`".into(),
                        ))
                    }
                    _ => return Err(self.expected("a string key in double quotes")),
                }
                let key_start = self.pos;
                let key = self.string()?;
                let key_range = self.range(key_start, self.pos);
                self.skip_ws();
                if self.peek() != Some(b':') {
                    return Err(self.expected("`:` after an object key"));
                }
                self.pos += 1;
                self.skip_ws();
                let value = self.value()?;
                members.push(Member {
                    key,
                    key_range,
                    value,
                });
                if self.separator(b'}', "an object member")? {
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(Value {
            kind: ValueKind::Object(members),
            range: self.range(start, self.pos),
        })
    }
}

fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() || c == '\u{feff}' {
        format!("U+{:04X}", u32::from(c))
    } else if c == '`' {
        "a backtick".into()
    } else {
        format!("`{c}`")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    /// Renders a value as a compact tree with ranges, for snapshots.
    fn render(value: &Value, out: &mut String) {
        let r = value.range;
        match &value.kind {
            ValueKind::Null => out.push_str("null"),
            ValueKind::Bool(b) => out.push_str(&b.to_string()),
            ValueKind::Number(n) => out.push_str(&format!("num({n})")),
            ValueKind::String(s) => out.push_str(&format!("{s:?}")),
            ValueKind::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    render(item, out);
                }
                out.push(']');
            }
            ValueKind::Object(members) => {
                out.push('{');
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&format!("{:?}@{:?}: ", m.key, m.key_range));
                    render(&m.value, out);
                }
                out.push('}');
            }
        }
        out.push_str(&format!("@{r:?}"));
    }

    fn check(text: &str, expect: Expect) {
        let actual = match parse(text) {
            Ok(v) => {
                let mut s = String::new();
                render(&v, &mut s);
                s
            }
            Err(e) => format!("error {:?} {:?}: {}", e.range, &text[e.range], e.message),
        };
        expect.assert_eq(&actual);
    }

    #[test]
    fn scalars() {
        check("null", expect![[r#"null@0..4"#]]);
        check(" true ", expect![[r#"true@1..5"#]]);
        check("false", expect![[r#"false@0..5"#]]);
        check("0", expect![[r#"num(0)@0..1"#]]);
        check("-12.5e+3", expect![[r#"num(-12.5e+3)@0..8"#]]);
        check("1E9", expect![[r#"num(1E9)@0..3"#]]);
        check(r#""a\"b""#, expect![[r#""a\"b"@0..6"#]]);
    }

    #[test]
    fn nested() {
        check(
            r#"{"a": [1, {"b": null}], "c": {}}"#,
            expect![[
                r#"{"a"@1..4: [num(1)@7..8, {"b"@11..14: null@16..20}@10..21]@6..22, "c"@24..27: {}@29..31}@0..32"#
            ]],
        );
        check(
            "[[], [[]]]",
            expect![[r#"[[]@1..3, [[]@6..8]@5..9]@0..10"#]],
        );
    }

    #[test]
    fn escapes() {
        check(
            r#""\"\\\/\b\f\n\r\t""#,
            expect![[r#""\"\\/\u{8}\u{c}\n\r\t"@0..18"#]],
        );
        check(r#""\u0041\u00e9\u4e2d""#, expect![[r#""Aé中"@0..20"#]]);
        check(r#""\ud83d\ude00!""#, expect![[r#""😀!"@0..15"#]]);
        check(r#""\uD83D\uDE00""#, expect![[r#""😀"@0..14"#]]);
        check("\"é中😀\"", expect![[r#""é中😀"@0..11"#]]);
        check(r#""\u0000""#, expect![[r#""\0"@0..8"#]]);
    }

    #[test]
    fn surrogate_errors() {
        check(
            r#""\ud83d""#,
            expect![[
                r#"error 1..7 "\\ud83d": lone surrogate `\uD83D`: a high surrogate must be followed by a low surrogate `\uDC00`..`\uDFFF`"#
            ]],
        );
        check(
            r#""\ud83d\u0041""#,
            expect![[
                r#"error 1..7 "\\ud83d": lone surrogate `\uD83D`: a high surrogate must be followed by a low surrogate `\uDC00`..`\uDFFF`"#
            ]],
        );
        check(
            r#""x\ude00""#,
            expect![[
                r#"error 2..8 "\\ude00": lone surrogate `\uDE00`: a low surrogate must follow a high surrogate `\uD800`..`\uDBFF`"#
            ]],
        );
        check(
            r#""\ud83d\uzz""#,
            expect![[r#"error 7..10 "\\uz": expected 4 hex digits after `\u`, found `z`"#]],
        );
    }

    #[test]
    fn string_errors() {
        check(
            r#""\x""#,
            expect![[
                r#"error 1..3 "\\x": invalid escape `\x` in a string: JSON knows `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX`"#
            ]],
        );
        check(
            "\"\\é\"",
            expect![[
                r#"error 1..4 "\\é": invalid escape `\é` in a string: JSON knows `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX`"#
            ]],
        );
        check(
            r#""\u12"#,
            expect![[
                r#"error 1..5 "\\u12": expected 4 hex digits after `\u`, found the end of the input"#
            ]],
        );
        check(
            "\"a\tb\"",
            expect![[
                r#"error 2..3 "\t": control character U+0009 in a string must be escaped (`\u0009`)"#
            ]],
        );
        check(
            "{\"a\": \"b\n}",
            expect![[
                r#"error 8..9 "\n": line break inside a string: JSON strings end on the same line (missing closing `"`?); write a line break as `\n`"#
            ]],
        );
        check(
            r#"["abc"#,
            expect![[r#"error 1..5 "\"abc": unterminated string: missing closing `"`"#]],
        );
        check(
            r#""ab\"#,
            expect![[r#"error 3..4 "\\": unterminated string: missing closing `"`"#]],
        );
        check(
            "'a'",
            expect![[r#"error 0..1 "'": JSON strings use double quotes, not `'`"#]],
        );
    }

    #[test]
    fn number_errors() {
        check(
            "01",
            expect![[r#"error 0..2 "01": numbers cannot have leading zeros"#]],
        );
        check(
            "-01",
            expect![[r#"error 0..3 "-01": numbers cannot have leading zeros"#]],
        );
        check(
            "-x",
            expect![[r#"error 0..2 "-x": expected a digit after `-`, found `x`"#]],
        );
        check(
            "1.",
            expect![[
                r#"error 0..2 "1.": expected a digit after the decimal point, found the end of the input"#
            ]],
        );
        check(
            "1e+",
            expect![[
                r#"error 0..3 "1e+": expected a digit in the exponent, found the end of the input"#
            ]],
        );
        check(
            ".5",
            expect![[r#"error 0..1 ".": expected a JSON value, found `.`"#]],
        );
        check(
            "+1",
            expect![[r#"error 0..1 "+": expected a JSON value, found `+`"#]],
        );
        check(
            "[1 2]",
            expect![[r#"error 3..4 "2": expected `,` or `]` after an array element, found `2`"#]],
        );
    }

    #[test]
    fn literal_errors() {
        check(
            "True",
            expect![[
                r#"error 0..4 "True": unknown word `True`: expected `true`, `false`, `null`, a number, a string, an array or an object"#
            ]],
        );
        check(
            "[NaN]",
            expect![[
                r#"error 1..4 "NaN": unknown word `NaN`: expected `true`, `false`, `null`, a number, a string, an array or an object"#
            ]],
        );
        check(
            "nulls",
            expect![[
                r#"error 0..5 "nulls": unknown word `nulls`: expected `true`, `false`, `null`, a number, a string, an array or an object"#
            ]],
        );
    }

    #[test]
    fn structure_errors() {
        check(
            r#"{"a": 1,}"#,
            expect![[r#"error 7..8 ",": trailing comma: JSON does not allow a `,` before `}`"#]],
        );
        check(
            "[1, 2 , ]",
            expect![[r#"error 6..7 ",": trailing comma: JSON does not allow a `,` before `]`"#]],
        );
        check(
            r#"{"a": 1 "b": 2}"#,
            expect![[r#"error 8..9 "\"": expected `,` or `}` after an object member, found `"`"#]],
        );
        check(
            r#"{"a" 1}"#,
            expect![[r#"error 5..6 "1": expected `:` after an object key, found `1`"#]],
        );
        check(
            r#"{a: 1}"#,
            expect![[r#"error 1..2 "a": expected a string key in double quotes, found `a`"#]],
        );
        check(
            r#"{'a': 1}"#,
            expect![[r#"error 1..2 "'": JSON object keys use double quotes, not `'`"#]],
        );
        check(
            r#"{"a": }"#,
            expect![[r#"error 6..7 "}": expected a JSON value, found `}`"#]],
        );
        check(
            r#"{"a": 1"#,
            expect![[
                r#"error 7..7 "": expected `,` or `}` after an object member, found the end of the input"#
            ]],
        );
        check(
            "[",
            expect![[r#"error 1..1 "": expected a JSON value, found the end of the input"#]],
        );
        check(
            "",
            expect![[r#"error 0..0 "": empty input: expected a JSON value"#]],
        );
        check(
            " \n ",
            expect![[r#"error 3..3 "": empty input: expected a JSON value"#]],
        );
        check(
            "{} {}",
            expect![[
                r#"error 3..4 "{": unexpected `{` after the JSON value: the text must hold exactly one value"#
            ]],
        );
        check(
            "[1,\u{a0}2]",
            expect![[r#"error 3..5 "\u{a0}": expected a JSON value, found U+00A0"#]],
        );
    }

    #[test]
    fn comments_are_errors() {
        check(
            "{\n  // nix\n  \"a\": 1\n}",
            expect![[r#"error 4..6 "//": comments are not allowed in JSON"#]],
        );
        check(
            "[1 /* x */]",
            expect![[r#"error 3..5 "/*": comments are not allowed in JSON"#]],
        );
        check(
            "1 // end",
            expect![[r#"error 2..4 "//": comments are not allowed in JSON"#]],
        );
    }

    #[test]
    fn bom_is_skipped() {
        check("\u{feff}[1]", expect![[r#"[num(1)@4..5]@3..6"#]]);
    }

    #[test]
    fn accessors() {
        let v = parse(r#"{"a": 1, "b": "x", "a": 2, "c": 1.5, "d": true, "e": [1], "f": 99999999999999999999}"#)
            .unwrap();
        assert_eq!(v.get("a").and_then(Value::as_i64), Some(2));
        assert_eq!(v.get("b").and_then(Value::as_str), Some("x"));
        assert_eq!(v.get("c").and_then(Value::as_i64), None);
        assert_eq!(v.get("d").and_then(Value::as_bool), Some(true));
        assert_eq!(
            v.get("e").and_then(Value::as_array).map(<[_]>::len),
            Some(1)
        );
        assert_eq!(v.get("f").and_then(Value::as_i64), None);
        assert_eq!(v.get("missing"), None);
        assert_eq!(v.kind_name(), "an object");
        assert_eq!(v.as_object().map(<[_]>::len), Some(7));
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let err = parse(&deep).unwrap_err();
        assert_eq!(err.message, "JSON nested deeper than 256 levels");
        assert_eq!(err.range, TextRange::new(256.into(), 257.into()));
        // Far deeper than any stack would survive without the limit.
        let hostile = "[{\"a\":".repeat(200_000);
        assert!(parse(&hostile).is_err());
    }

    /// A small xorshift generator, so the fuzz loops need no extra crate.
    pub(crate) struct XorShift(pub u64);

    impl XorShift {
        pub(crate) fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        pub(crate) fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Parses, and checks every error range lies inside the text on char boundaries.
    fn parse_checked(text: &str) {
        if let Err(e) = parse(text) {
            let (s, t) = (usize::from(e.range.start()), usize::from(e.range.end()));
            assert!(s <= t && t <= text.len(), "{e:?} out of {text:?}");
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(t),
                "{e:?} in {text:?}"
            );
            assert!(!e.message.is_empty());
        }
    }

    const SAMPLE: &str = r#"{"nodes": {"root": {"inputs": {"a": ["b", "c"]}}, "x": {"s": "é\u00e9\ud83d\ude00\n", "n": -1.5e3, "t": true, "f": false, "z": null}}, "version": 7}"#;

    #[test]
    fn never_panics_on_truncations() {
        for end in 0..=SAMPLE.len() {
            if SAMPLE.is_char_boundary(end) {
                parse_checked(&SAMPLE[..end]);
            }
        }
    }

    #[test]
    fn never_panics_on_random_bytes() {
        let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
        let alphabet: &[u8] = b"{}[]\",:\\u0123456789abcdefeEtrunl-+. \n\t/*\x01";
        for _ in 0..3000 {
            let len = rng.below(40);
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    if rng.below(4) == 0 {
                        rng.next() as u8
                    } else {
                        alphabet[rng.below(alphabet.len())]
                    }
                })
                .collect();
            parse_checked(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn never_panics_on_mutations() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let pieces = [
            "{", "}", "[", "]", "\"", ",", ":", "\\", "\\u", "\\ud800", "1", "-", "é",
        ];
        for _ in 0..3000 {
            let mut text = SAMPLE.to_string();
            for _ in 0..=rng.below(4) {
                let mut at = rng.below(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match rng.below(3) {
                    0 => text.insert_str(at, pieces[rng.below(pieces.len())]),
                    1 => {
                        let mut end = (at + 1 + rng.below(5)).min(text.len());
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(at..end, "");
                    }
                    _ => text.truncate(at),
                }
            }
            parse_checked(&text);
        }
    }
}
