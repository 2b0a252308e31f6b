use proptest::prelude::*;

use super::*;

/// The tree (kinds and texts) and errors of a parse, to compare an incremental parse with a
/// full one.
fn dump(parsed: &Parsed) -> String {
    let mut out = format!("{:#?}", parsed.root());
    for e in &parsed.errors {
        out.push_str(&format!("error {:?}: {}\n", e.range, e.message));
    }
    out
}

/// Reparses `old_text` edited into `new_text` and checks the result against a full parse;
/// returns how it was done.
fn check(old: &Parsed, old_text: &str, new_text: &str) -> (Parsed, Reparse) {
    let (incremental, how) = reparse_explained(old, old_text, new_text);
    let full = syntax::parse(new_text);
    assert_eq!(
        incremental.root().text().to_string(),
        new_text,
        "the tree's text after {how:?}"
    );
    let (got, want) = (dump(&incremental), dump(&full));
    if got != want {
        panic!(
            "{how:?} differs from a full parse\nold text:\n{old_text}\n---- new text:\n{new_text}\n---- got:\n{got}\n---- want:\n{want}"
        );
    }
    assert_eq!(incremental.guard.refused, full.guard.refused);
    (incremental, how)
}

fn edit(text: &str, at: usize, delete: usize, insert: &str) -> String {
    let mut out = text.to_string();
    out.replace_range(at..at + delete, insert);
    out
}

fn reparse_of(text: &str, at: usize, delete: usize, insert: &str) -> Reparse {
    let old = syntax::parse(text);
    let new = edit(text, at, delete, insert);
    check(&old, text, &new).1
}

#[test]
fn a_token_is_relexed_when_the_edit_stays_inside_it() {
    let text = "{ foo = bar 12 \"a ${x} b\" ./a/b.nix; # note\n  c = /* x */ 1.5; }";
    let at = |s: &str| text.find(s).unwrap();
    // Inside an identifier, a number, a string's content, comments, a path, whitespace.
    assert_eq!(reparse_of(text, at("bar") + 1, 0, "az"), Reparse::Token);
    assert_eq!(reparse_of(text, at("12") + 1, 0, "3"), Reparse::Token);
    assert_eq!(reparse_of(text, at("a $") + 1, 0, " é"), Reparse::Token);
    assert_eq!(reparse_of(text, at(" b\"") + 1, 1, "😀"), Reparse::Token);
    assert_eq!(reparse_of(text, at("note"), 4, "remark"), Reparse::Token);
    assert_eq!(reparse_of(text, at(" x */") + 1, 1, "yz"), Reparse::Token);
    assert_eq!(reparse_of(text, at("b.nix"), 1, "c"), Reparse::Token);
    assert_eq!(reparse_of(text, at("\n  c"), 0, "\n"), Reparse::Token);
    assert_eq!(reparse_of(text, at("1.5") + 2, 1, "25"), Reparse::Token);
    // At the end of an identifier.
    assert_eq!(reparse_of(text, at("foo") + 3, 0, "d"), Reparse::Token);
}

#[test]
fn a_token_that_changes_kind_is_not_relexed() {
    let text = "{ foo = bar; b = x.y; c = \"s\"; }";
    let at = |s: &str| text.find(s).unwrap();
    // An identifier turning into a keyword or a path, a string content gaining a quote.
    assert_ne!(reparse_of(text, at("bar"), 3, "in"), Reparse::Token);
    assert_ne!(reparse_of(text, at("bar") + 3, 0, "/c"), Reparse::Token);
    assert_ne!(reparse_of(text, at("y;"), 1, "5"), Reparse::Token);
    assert_ne!(reparse_of(text, at("s\""), 0, "\""), Reparse::Token);
    assert_ne!(reparse_of(text, at("bar"), 3, "__curPos"), Reparse::Token);
}

#[test]
fn an_edit_across_tokens_splices_the_smallest_enclosing_node() {
    let text = "{ a = [ 1 2 ]; b = { c = 1; }; d = (x y); e = \"s ${t} u\"; f.g = 3; }";
    let at = |s: &str| text.find(s).unwrap();
    assert_eq!(
        reparse_of(text, at("1 2"), 3, "3 4 5"),
        Reparse::Node(NODE_LIST)
    );
    assert_eq!(
        reparse_of(text, at("c = 1"), 5, "c = 2; d = 3"),
        Reparse::Node(NODE_ATTR_SET)
    );
    assert_eq!(
        reparse_of(text, at("x y"), 3, "x.y z"),
        Reparse::Node(NODE_PAREN)
    );
    assert_eq!(
        reparse_of(text, at("${t}"), 4, "${t + u}"),
        Reparse::Node(NODE_STRING)
    );
    // A binding: the key and the value together.
    assert_eq!(
        reparse_of(text, at("f.g = 3"), 7, "f.h = [ 4 ]"),
        Reparse::Node(NODE_ATTRPATH_VALUE)
    );
    // An `inherit`: a name added.
    let with_inherit = "let inherit (lib) mkIf; x = 1; in x";
    let end = with_inherit.find("mkIf").unwrap() + 4;
    assert_eq!(
        reparse_of(with_inherit, end, 0, " mkOption"),
        Reparse::Node(NODE_INHERIT)
    );
    // The top-level set itself (a new binding between two).
    assert_eq!(
        reparse_of(text, at(" f.g"), 0, " z = 0;"),
        Reparse::Node(NODE_ATTR_SET)
    );
}

#[test]
fn edits_that_could_change_the_shape_parse_everything() {
    let text = "{ a = [ 1 2 ]; b = { }; }: { c = \"s\"; }";
    let at = |s: &str| text.find(s).unwrap();
    // Unbalanced brackets and quotes, an opened comment.
    assert_eq!(reparse_of(text, at("1 2"), 0, "["), Reparse::Full);
    assert_eq!(reparse_of(text, at("c ="), 0, "\""), Reparse::Full);
    assert_eq!(reparse_of(text, at("c ="), 0, "/*"), Reparse::Full);
    // A delimiter edited.
    assert_eq!(reparse_of(text, at("]"), 1, ")"), Reparse::Full);
    // Errors in the new fragment.
    assert_eq!(reparse_of(text, at("2 ]"), 1, "2 +"), Reparse::Full);
    // `{ }` followed by `:` is a pattern, not a set.
    let lambda = "f ({ x = 1; }: y)";
    let at = lambda.find("x = 1;").unwrap();
    assert_eq!(reparse_of(lambda, at, 6, ""), Reparse::Full);
    // Rubbish in, the same rubbish out.
    assert_eq!(reparse_of("{ a = ; }", 7, 0, "1"), Reparse::Full);
}

#[test]
fn errors_outside_the_region_are_kept_and_moved() {
    // An error before and one after the edited list.
    let text = "[ (1 +) [ 1 2 ] (2 *) ]";
    let old = syntax::parse(text);
    assert_eq!(old.errors.len(), 4);
    let at = text.find("1 2").unwrap();
    let (parsed, how) = check(&old, text, &edit(text, at, 3, "10 20 30"));
    assert_eq!(how, Reparse::Node(NODE_LIST));
    assert_eq!(parsed.errors.len(), 4);
    // A token relex with errors around.
    let (_, how) = check(&old, text, &edit(text, at, 1, "100"));
    assert_eq!(how, Reparse::Token);
    // Fixing an error: rnix's recovery usually lets an error run to the end of the file, so
    // this is a full parse; either way the errors are those of a full parse.
    let text = "{ a = [ (1 +) ]; b = (2 *); }";
    let old = syntax::parse(text);
    let at = text.find("+)").unwrap() + 1;
    let (parsed, _) = check(&old, text, &edit(text, at, 0, " 1"));
    assert!(parsed.errors.len() < old.errors.len());
}

#[test]
fn a_chain_of_edits_stays_equal_to_a_full_parse() {
    let mut text = String::from("{\n  services.foo = {\n    enable = true;\n  };\n}\n");
    let mut parsed = syntax::parse(&text);
    let typed = "  extra = [ \"a${b}\" ./c.nix ];\n";
    let at = text.find("  };").unwrap();
    let mut kinds = Vec::new();
    for (i, c) in typed.char_indices() {
        let new = edit(&text, at + i, 0, &c.to_string());
        let (next, how) = check(&parsed, &text, &new);
        kinds.push(how);
        parsed = next;
        text = new;
    }
    // Typing goes through unbalanced states (full parses) and balanced ones (splices).
    assert!(kinds.iter().any(|k| matches!(k, Reparse::Token)));
    assert!(kinds.iter().any(|k| matches!(k, Reparse::Node(_))));
}

#[test]
fn guards_judge_the_edited_text_as_a_full_parse_would() {
    // A large file (guarded parse): splices keep the depth estimate's bound.
    let big = generated_module(3_000);
    assert!(big.len() > 64 * 1024);
    let parsed = syntax::parse(&big);
    assert!(parsed.guard.depth_estimate.is_some());
    let at = big.find("enable = true").unwrap();
    let (parsed2, how) = check(&parsed, &big, &edit(&big, at + 9, 4, "false"));
    assert_eq!(how, Reparse::Token);
    let new = edit(&big, at, 13, "enable = [ (x) ]");
    let (_, how) = check(&parsed2, &edit(&big, at + 9, 4, "false"), &new);
    assert!(matches!(how, Reparse::Node(_)), "{how:?}");
    // An edit that makes a word longer than the limit is judged by a full parse.
    let word = "w".repeat(syntax::MAX_WORD + 10);
    let (refused, how) = check(&parsed, &big, &edit(&big, at, 6, &word));
    assert_eq!(how, Reparse::Full);
    assert!(refused.guard.refused);
    // And a refused file is always parsed again in full.
    let (_, how) = check(&refused, &edit(&big, at, 6, &word), &big);
    assert_eq!(how, Reparse::Full);
    // Deep nesting inserted into a small file.
    let small = "{ a = [ 1 ]; }";
    let deep = format!("{}1{}", "[ ".repeat(1000), " ]".repeat(1000));
    let at = small.find('1').unwrap();
    let (_, how) = check(&syntax::parse(small), small, &edit(small, at, 1, &deep));
    assert_eq!(how, Reparse::Full);
}

#[test]
fn real_fixtures_survive_random_edits() {
    let mut rng = Rng(0x5eed);
    let files = crate::test_data::texts(&["nix"]);
    assert!(files.len() >= 10, "fixtures found: {}", files.len());
    for text in &files {
        let parsed = syntax::parse(text);
        for _ in 0..60 {
            let new = random_edit(&mut rng, text);
            check(&parsed, text, &new);
        }
    }
}

/// A small deterministic generator (xorshift), so that documents and edits come from one seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &[
    "a", "b", "foo", "enable", "config", "lib", "pkgs", "cfg", "x'", "or", "services", "é",
];

/// A Nix-ish expression from a small grammar (not always valid: names like `é` are errors).
fn expr(rng: &mut Rng, depth: usize, out: &mut String) {
    let choice = if depth == 0 {
        rng.below(6)
    } else {
        rng.below(19)
    };
    match choice {
        0 => out.push_str(rng.pick(NAMES)),
        1 => out.push_str(&rng.below(1000).to_string()),
        2 => out.push_str(rng.pick(&["./a/b.nix", "<nixpkgs>", "../x", "~/y", "/abs/p"])),
        3 => {
            out.push('"');
            string_body(rng, depth, out, false);
            out.push('"');
        }
        4 => out.push_str(rng.pick(&["true", "null", "1.5", "https://e.org/x"])),
        5 => {
            out.push_str("''\n  ");
            string_body(rng, depth, out, true);
            out.push_str("\n''");
        }
        6..=8 => {
            if rng.below(4) == 0 {
                out.push_str("rec ");
            }
            out.push_str("{ ");
            bindings(rng, depth, out);
            out.push('}');
        }
        9 => {
            out.push_str("let ");
            bindings(rng, depth, out);
            out.push_str("in ");
            expr(rng, depth - 1, out);
        }
        10 | 11 => {
            out.push('[');
            for _ in 0..rng.below(4) {
                out.push(' ');
                expr(rng, depth - 1, out);
            }
            out.push_str(" ]");
        }
        12 => {
            out.push_str(rng.pick(NAMES));
            out.push_str(": ");
            expr(rng, depth - 1, out);
        }
        13 => {
            out.push_str(rng.pick(&["{ a, b ? 1, ... }: ", "{ }: ", "args@{ x }: "]));
            expr(rng, depth - 1, out);
        }
        14 => {
            out.push_str(rng.pick(&["f ", "mkIf cfg.enable ", "map (x: x) "]));
            expr(rng, depth - 1, out);
        }
        15 => {
            out.push_str(rng.pick(&["a.b.c", "x.\"y\"", "s.${n}"]));
            if rng.below(2) == 0 {
                out.push_str(" or ");
                expr(rng, depth - 1, out);
            }
        }
        16 => {
            expr(rng, depth - 1, out);
            out.push_str(rng.pick(&[" + ", " // ", " ++ ", " == ", " -> "]));
            expr(rng, depth - 1, out);
        }
        17 => {
            out.push_str("if ");
            expr(rng, depth - 1, out);
            out.push_str(" then ");
            expr(rng, depth - 1, out);
            out.push_str(" else ");
            expr(rng, depth - 1, out);
        }
        _ => {
            out.push_str(rng.pick(&["(", "with lib; (", "assert x; ("]));
            expr(rng, depth - 1, out);
            out.push(')');
        }
    }
}

fn string_body(rng: &mut Rng, depth: usize, out: &mut String, indented: bool) {
    for _ in 0..rng.below(4) {
        match rng.below(5) {
            0 if depth > 0 => {
                out.push_str("${");
                expr(rng, depth - 1, out);
                out.push('}');
            }
            1 => out.push_str(if indented {
                "''$ $$ '''"
            } else {
                "\\\" \\n $$"
            }),
            2 => out.push_str("é 😀 text"),
            3 if indented => out.push_str("\n  line"),
            _ => out.push_str(rng.pick(NAMES)),
        }
    }
}

fn bindings(rng: &mut Rng, depth: usize, out: &mut String) {
    for _ in 0..rng.below(5) {
        match rng.below(7) {
            0 => out.push_str(rng.pick(&["inherit a b; ", "inherit (x.y) \"c\" d; ", "inherit; "])),
            1 => out.push_str("inherit (lib) mkIf; "),
            2 => out.push_str("# comment é\n  "),
            3 => out.push_str("/* block */ "),
            _ => {
                out.push_str(rng.pick(&["a", "b.c", "\"q\"", "x.${y}", "services.foo"]));
                out.push_str(" = ");
                if depth > 0 {
                    expr(rng, depth - 1, out);
                } else {
                    out.push('1');
                }
                out.push_str(";\n  ");
            }
        }
    }
}

fn document(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.below(2) == 0 {
        out.push_str("{ config, lib, pkgs, ... }:\n");
    }
    let depth = 2 + rng.below(3);
    if rng.below(4) == 0 {
        expr(rng, depth, &mut out);
    } else {
        // A module: a set of several bindings.
        out.push_str("{\n  ");
        for _ in 0..1 + rng.below(3) {
            bindings(rng, depth, &mut out);
        }
        out.push('}');
    }
    out.push('\n');
    out
}

const SNIPPETS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "''",
    "${",
    "#",
    "/*",
    "*/",
    "\n",
    " ",
    ";",
    "=",
    "a",
    "x1",
    "é",
    "😀",
    ".",
    ":",
    "@",
    ",",
    "?",
    "or",
    "in",
    "let",
    "rec",
    "/",
    "1",
    ".5",
    "-",
    "+",
    "__curPos",
    "\\",
    "$",
    "'",
    "a = 1;",
    "{ }",
    "[ 1 ]",
    "\"s\"",
    "b.c",
    "inherit x;",
    "./p",
    "x: x",
    "# c\n",
    "/* c */",
    "''s''",
    "${x}",
    "  ",
];

/// One random insertion, deletion or replacement, at a character boundary.
fn random_edit(rng: &mut Rng, text: &str) -> String {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let start_index = rng.below(boundaries.len());
    let start = boundaries[start_index];
    let end = match rng.below(3) {
        0 => start,
        _ => boundaries[(start_index + rng.below(6)).min(boundaries.len() - 1)],
    };
    let insert = match rng.below(4) {
        0 => "",
        1 => {
            // Typing: one character of the snippets.
            let s = rng.pick(SNIPPETS);
            &s[..s.chars().next().map_or(0, char::len_utf8)]
        }
        _ => rng.pick(SNIPPETS),
    };
    edit(text, start, end - start, insert)
}

/// A generated jetpack-style NixOS module of about `lines` lines.
pub(crate) fn generated_module(lines: usize) -> String {
    let mut out = String::from(
        "{ config, lib, pkgs, ... }:\nlet\n  cfg = config.hardware.nvidia-jetpack;\n  inherit (lib) mkIf mkOption types;\nin\n{\n",
    );
    let mut i = 0;
    while out.lines().count() < lines {
        out.push_str(&format!(
            "  services.svc{i} = {{\n    enable = true;\n    description = \"Service {i} for ${{cfg.som}}\";\n    packages = [ pkgs.hello pkgs.jq ./files/{i}.nix ];\n    settings = {{ port = {port}; host = \"0.0.0.0\"; }};\n    script = ''\n      echo ${{toString {i}}} # start\n    '';\n  }};\n",
            port = 1000 + i,
        ));
        i += 1;
    }
    out.push_str("}\n");
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Random documents, one to three random edits each in a row: every incremental parse
    /// equals a full parse of the same text (tree, texts and errors).
    #[test]
    fn incremental_parse_equals_full_parse(seed in any::<u64>(), edits in 1usize..4) {
        let mut rng = Rng(seed | 1);
        let mut text = document(&mut rng);
        let mut parsed = syntax::parse(&text);
        for _ in 0..edits {
            let new = random_edit(&mut rng, &text);
            let (next, _) = check(&parsed, &text, &new);
            parsed = next;
            text = new;
        }
    }
}

/// The property test's paths are all taken, often: a test whose edits all fell back to full
/// parses would prove little.
#[test]
fn random_edits_take_every_path() {
    let mut rng = Rng(0x1234_5678);
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for _ in 0..1500 {
        let text = document(&mut rng);
        let parsed = syntax::parse(&text);
        let new = random_edit(&mut rng, &text);
        let (_, how) = check(&parsed, &text, &new);
        let key = match how {
            Reparse::Node(_) => "node".to_string(),
            other => format!("{other:?}"),
        };
        *counts.entry(key).or_default() += 1;
    }
    // Random snippets (a lone bracket or quote) often unbalance the text: full parses
    // dominate, as they must.
    for path in ["Token", "node", "Full"] {
        assert!(
            counts.get(path).copied().unwrap_or(0) >= 60,
            "{path} taken too rarely: {counts:?}"
        );
    }
}

/// A large file (over the size where the parse is guarded): a chain of random edits, each
/// checked against a full parse, so the guard facts carried from edit to edit are exercised.
#[test]
fn chained_random_edits_in_a_large_file() {
    let mut rng = Rng(0xb16_f11e);
    let mut text = generated_module(3_000);
    let mut parsed = syntax::parse(&text);
    let mut incremental = 0;
    for _ in 0..40 {
        // Edits near a random place, as an editor makes them: one to six characters.
        let new = random_edit(&mut rng, &text);
        let (next, how) = check(&parsed, &text, &new);
        if how != Reparse::Full {
            incremental += 1;
        }
        parsed = next;
        text = new;
    }
    assert!(incremental >= 10, "only {incremental} incremental reparses");
}
