//! Tests of the option extractor: a module tree fixture (`test-data/options/tree/`, snapshot
//! beside it), and small modules for types, defaults, texts and broken input. Snapshots are
//! refreshed with `UPDATE_EXPECT=1`.

use std::collections::HashMap;
use std::path::Path;

use expect_test::{expect, expect_file, Expect};

use super::*;
use crate::syntax::{ColumnUnit, LineIndex};

/// Options, renames and problems as text, positions as `file:line:col`. Checks on the way that
/// every range covers the option's name (or the rename's old path) in its file.
fn render(
    options: &[OptionDecl],
    renames: &[RenameDecl],
    problems: &[String],
    texts: &HashMap<String, String>,
    root: &str,
) -> String {
    let rel = |file: &str| file.strip_prefix(root).unwrap_or(file).to_string();
    let position = |file: &str, range: TextRange| {
        let text = &texts[file];
        let lc = LineIndex::new(text).line_col(text, range.start(), ColumnUnit::Char);
        format!("{}:{}:{}", rel(file), lc.line + 1, lc.col + 1)
    };
    let covered = |file: &str, range: TextRange| texts[file][range].to_string();
    let mut out = String::new();
    for o in options {
        let name = o
            .path
            .iter()
            .rev()
            .find(|s| *s != "*")
            .expect("a named option");
        let written = covered(&o.file, o.range);
        assert!(
            written.trim_matches('"') == name,
            "range of {} covers `{written}`",
            o.dotted_path()
        );
        let default = match &o.default {
            None => String::new(),
            Some(DefaultValue::Literal(v)) => format!(" = {v}"),
            Some(DefaultValue::Expr(e)) => format!(" = expr `{e}`"),
        };
        out.push_str(&format!(
            "{}: {}{default}  @{}\n",
            o.dotted_path(),
            o.ty,
            position(&o.file, o.range)
        ));
        out.push_str(&format!("    type_text: {}\n", o.type_text));
        if let Some(t) = &o.default_text {
            out.push_str(&format!("    defaultText: {t:?}\n"));
        }
        if let Some(d) = &o.description {
            out.push_str(&format!("    description: {d:?}\n"));
        }
        if let Some(e) = &o.example {
            out.push_str(&format!("    example: {e:?}\n"));
        }
        let mut flags = Vec::new();
        if o.internal {
            flags.push("internal".to_string());
        }
        if o.read_only {
            flags.push("readOnly".to_string());
        }
        if let Some(v) = o.visible {
            flags.push(format!("visible={v}"));
        }
        if !flags.is_empty() {
            out.push_str(&format!("    {}\n", flags.join(" ")));
        }
    }
    for r in renames {
        let written = covered(&r.file, r.range);
        assert!(written.starts_with('['), "rename range covers `{written}`");
        out.push_str(&format!(
            "rename {:?}: {} -> {}{}  @{}\n",
            r.kind,
            r.from.join("."),
            if r.to.is_empty() {
                "(none)".to_string()
            } else {
                r.to.join(".")
            },
            r.message
                .as_ref()
                .map_or(String::new(), |m| format!(" ({m:?})")),
            position(&r.file, r.range)
        ));
    }
    for p in problems {
        out.push_str(&format!("problem: {}\n", rel(p)));
    }
    out
}

fn check_file(text: &str, expect: Expect) {
    let file = extract_file("/m.nix", text);
    let texts = HashMap::from([("/m.nix".to_string(), text.to_string())]);
    let mut actual = render(&file.options, &file.renames, &file.problems, &texts, "/");
    for import in &file.imports {
        actual.push_str(&format!(
            "import {}{}\n",
            import.path,
            if import.prefix.is_empty() {
                String::new()
            } else {
                format!(" under {}", import.prefix.join("."))
            }
        ));
    }
    expect.assert_eq(&actual);
}

fn fixture_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-data/options/tree")
}

/// The fixture tree, read from disk under the virtual root `/tree`.
fn fixture_tree() -> (ModuleTree, HashMap<String, String>) {
    let dir = fixture_root();
    let mut texts = HashMap::new();
    let tree = extract_tree("/tree/default.nix", &mut |path| {
        let rel = path.strip_prefix("/tree/")?;
        let text = std::fs::read_to_string(dir.join(rel)).ok()?;
        texts.insert(path.to_string(), text.clone());
        Some(text)
    });
    (tree, texts)
}

#[test]
fn fixture_tree_snapshot() {
    let (tree, texts) = fixture_tree();
    let mut actual = String::from("files:\n");
    for f in &tree.files {
        actual.push_str(&format!("  {}\n", f.trim_start_matches("/tree/")));
    }
    actual.push_str(&render(
        &tree.options,
        &tree.renames,
        &tree.problems,
        &texts,
        "/tree/",
    ));
    expect_file!["../../../test-data/options/tree.expect"].assert_eq(&actual);
}

#[test]
fn fixture_tree_enum_is_extended_across_files() {
    let (tree, _) = fixture_tree();
    let mut values: Vec<&str> = tree
        .options
        .iter()
        .filter(|o| o.dotted_path() == "widgets.frob.board")
        .filter_map(|o| o.ty.enum_values())
        .flatten()
        .map(String::as_str)
        .collect();
    values.sort();
    assert_eq!(values, ["alpha", "beta", "delta", "gamma"]);
}

#[test]
fn types() {
    check_file(
        r#"{ lib, ... }:
let
  inherit (lib) types;
  t = lib.types;
  soms = [ "a" "b" ];
  more = { c = 1; d = 2; };
  myType = types.listOf types.str;
in {
  options.t = {
    bool = lib.mkOption { type = types.bool; };
    libTypes = lib.mkOption { type = lib.types.int; };
    aliased = lib.mkOption { type = t.str; };
    withTypes = lib.mkOption { type = with types; nullOr (listOf str); };
    withLib = lib.mkOption { type = with lib; types.attrsOf types.package; };
    bound = lib.mkOption { type = myType; };
    enumLet = lib.mkOption { type = types.enum soms; };
    enumNames = lib.mkOption { type = types.enum (soms ++ builtins.attrNames more); };
    enumDynamic = lib.mkOption { type = types.enum config.foo; };
    ints = lib.mkOption { type = types.oneOf [ types.ints.unsigned types.ints.s16 (types.ints.between (-1) 5) ]; };
    strs = lib.mkOption { type = types.either types.nonEmptyStr (types.strMatching "^x"); };
    coerced = lib.mkOption { type = types.coercedTo types.str (s: [ s ]) (types.listOf types.str); };
    fn = lib.mkOption { type = types.functionTo (types.attrsOf types.raw); };
    lazy = lib.mkOption { type = types.lazyAttrsOf types.bool; };
    with_ = lib.mkOption { type = types.attrsWith { elemType = types.port; lazy = true; }; };
    custom = lib.mkOption { type = pkgs.myTypes.special; };
    none = lib.mkOption { default = 1; };
  };
}
"#,
        expect![[r#"
            t.bool: boolean  @m.nix:10:5
                type_text: types.bool
            t.libTypes: signed integer  @m.nix:11:5
                type_text: lib.types.int
            t.aliased: string  @m.nix:12:5
                type_text: t.str
            t.withTypes: null or (list of string)  @m.nix:13:5
                type_text: with types; nullOr (listOf str)
            t.withLib: attribute set of package  @m.nix:14:5
                type_text: with lib; types.attrsOf types.package
            t.bound: list of string  @m.nix:15:5
                type_text: myType
            t.enumLet: one of "a", "b"  @m.nix:16:5
                type_text: types.enum soms
            t.enumNames: one of "a", "b", "c", "d"  @m.nix:17:5
                type_text: types.enum (soms ++ builtins.attrNames more)
            t.enumDynamic: `types.enum config.foo`  @m.nix:18:5
                type_text: types.enum config.foo
            t.ints: unsigned integer or integer between -32768 and 32767 or integer between -1 and 5  @m.nix:19:5
                type_text: types.oneOf [ types.ints.unsigned types.ints.s16 (types.ints.between (-1) 5) ]
            t.strs: non-empty string or string matching "^x"  @m.nix:20:5
                type_text: types.either types.nonEmptyStr (types.strMatching "^x")
            t.coerced: (list of string) or string convertible to it  @m.nix:21:5
                type_text: types.coercedTo types.str (s: [ s ]) (types.listOf types.str)
            t.fn: function that evaluates to a(n) (attribute set of raw value)  @m.nix:22:5
                type_text: types.functionTo (types.attrsOf types.raw)
            t.lazy: attribute set of boolean  @m.nix:23:5
                type_text: types.lazyAttrsOf types.bool
            t.with_: attribute set of 16 bit unsigned integer  @m.nix:24:5
                type_text: types.attrsWith { elemType = types.port; lazy = true; }
            t.custom: `pkgs.myTypes.special`  @m.nix:25:5
                type_text: pkgs.myTypes.special
            t.none: unspecified = 1  @m.nix:26:5
                type_text: 
        "#]],
    );
}

#[test]
fn defaults_literal_or_expression() {
    check_file(
        r#"{ lib, config, ... }: {
  options.d = {
    bool = lib.mkOption { default = true; };
    int = lib.mkOption { default = -3; };
    float = lib.mkOption { default = 1.5; };
    str = lib.mkOption { default = "x\"y"; };
    multi = lib.mkOption { default = ''
        two
          lines
      ''; };
    null_ = lib.mkOption { default = null; };
    list = lib.mkOption { default = [ "a" 1 [ false ] ]; };
    attrs = lib.mkOption { default = { a = 1; "b c" = { d = null; }; }; };
    interpolated = lib.mkOption { default = "${config.x}-y"; };
    dotted = lib.mkOption { default = { a.b = 1; }; };
    call = lib.mkOption { default = lib.optional true   # a comment
      "x"; };
    path = lib.mkOption { default = ./file.nix; };
    neg = lib.mkOption { default = -(1); };
  };
}
"#,
        expect![[r#"
            d.bool: unspecified = true  @m.nix:3:5
                type_text: 
            d.int: unspecified = -3  @m.nix:4:5
                type_text: 
            d.float: unspecified = 1.5  @m.nix:5:5
                type_text: 
            d.str: unspecified = "x\"y"  @m.nix:6:5
                type_text: 
            d.multi: unspecified = "two\n  lines\n"  @m.nix:7:5
                type_text: 
            d.null_: unspecified = null  @m.nix:11:5
                type_text: 
            d.list: unspecified = [ "a" 1 [ false ] ]  @m.nix:12:5
                type_text: 
            d.attrs: unspecified = { a = 1; "b c" = { d = null; }; }  @m.nix:13:5
                type_text: 
            d.interpolated: unspecified = expr `"${config.x}-y"`  @m.nix:14:5
                type_text: 
            d.dotted: unspecified = expr `{ a.b = 1; }`  @m.nix:15:5
                type_text: 
            d.call: unspecified = expr `lib.optional true "x"`  @m.nix:16:5
                type_text: 
            d.path: unspecified = expr `./file.nix`  @m.nix:18:5
                type_text: 
            d.neg: unspecified = -1  @m.nix:19:5
                type_text: 
        "#]],
    );
}

#[test]
fn descriptions_and_doc_texts() {
    check_file(
        r#"{ lib, pkgs, ... }:
let
  what = "frobs";
  inherit (lib) mdDoc literalExpression;
in {
  options.x = {
    plain = lib.mkOption { description = "One line."; };
    indented = lib.mkOption {
      description = ''
        First paragraph,
          indented line.

        Second paragraph.
      '';
    };
    md = lib.mkOption { description = mdDoc "Through `mdDoc`."; };
    libMd = lib.mkOption { description = lib.mdDoc ''Through lib.mdDoc.''; };
    interpolated = lib.mkOption { description = "Counts ${what} in ${pkgs.hello}."; };
    concatenated = lib.mkOption { description = "a" + "b"; };
    computed = lib.mkOption { description = builtins.toString 3; };
    docs = lib.mkOption {
      defaultText = literalExpression "pkgs.hello";
      example = lib.literalExpression ''
        {
          a = 1;
        }
      '';
    };
    plainDocs = lib.mkOption {
      defaultText = "config.x";
      example = { a = [ 1 2 ]; };
    };
    enable = lib.mkEnableOption ''
      the frobnicator
      on every boot
    '';
    pkg = lib.mkPackageOption pkgs "hello" { example = "hello-wayland"; };
    pkgDefault = lib.mkPackageOption pkgs "editor" { default = [ "vim" "full" ]; pkgsText = "myPkgs"; };
    pkgNull = lib.mkPackageOption pkgs "x" { default = null; };
  };
}
"#,
        expect![[r#"
            x.plain: unspecified  @m.nix:7:5
                type_text: 
                description: "One line."
            x.indented: unspecified  @m.nix:8:5
                type_text: 
                description: "First paragraph,\n  indented line.\n\nSecond paragraph."
            x.md: unspecified  @m.nix:16:5
                type_text: 
                description: "Through `mdDoc`."
            x.libMd: unspecified  @m.nix:17:5
                type_text: 
                description: "Through lib.mdDoc."
            x.interpolated: unspecified  @m.nix:18:5
                type_text: 
                description: "Counts frobs in ${pkgs.hello}."
            x.concatenated: unspecified  @m.nix:19:5
                type_text: 
                description: "ab"
            x.computed: unspecified  @m.nix:20:5
                type_text: 
            x.docs: unspecified  @m.nix:21:5
                type_text: 
                defaultText: "pkgs.hello"
                example: "{\n  a = 1;\n}"
            x.plainDocs: unspecified  @m.nix:29:5
                type_text: 
                defaultText: "config.x"
                example: "{ a = [ 1 2 ]; }"
            x.enable: boolean = false  @m.nix:33:5
                type_text: types.bool
                description: "Whether to enable the frobnicator\non every boot."
                example: "true"
            x.pkg: package = expr `pkgs.hello`  @m.nix:37:5
                type_text: types.package
                defaultText: "pkgs.hello"
                description: "The hello package to use."
                example: "pkgs.hello-wayland"
            x.pkgDefault: package = expr `myPkgs.vim.full`  @m.nix:38:5
                type_text: types.package
                defaultText: "myPkgs.vim.full"
                description: "The editor package to use."
            x.pkgNull: package = null  @m.nix:39:5
                type_text: types.package
                description: "The x package to use."
        "#]],
    );
}

#[test]
fn module_shapes() {
    // Curried, `let` around the body, `options` as one dotted key, `mkMerge`/`mkIf` inside
    // `options`, and an option bound in `let`.
    check_file(
        r#"a: b: { lib, ... }@args:
let
  common = lib.mkOption { type = lib.types.str; };
in
with lib;
{
  options.hardware.x.y = mkMerge [
    { one = common; }
    (mkIf true { two = mkEnableOption "two"; })
  ];
  options."quoted key".z = mkOption { type = types.bool; };
  options = { hardware.x.three = mkOption { }; };
}
"#,
        expect![[r#"
            hardware.x.y.one: string  @m.nix:8:7
                type_text: lib.types.str
            hardware.x.y.two: boolean = false  @m.nix:9:18
                type_text: types.bool
                description: "Whether to enable two."
                example: "true"
            quoted key.z: boolean  @m.nix:11:24
                type_text: types.bool
            hardware.x.three: unspecified  @m.nix:12:26
                type_text: 
        "#]],
    );
}

#[test]
fn imports_forms() {
    check_file(
        r#"{ lib, inputs, modulesPath, ... }:
let extra = [ ./extra.nix ];
in {
  imports = with lib; [ ./a.nix ../b ./dir/c.nix (import ./curried.nix 1) ]
    ++ extra
    ++ optionals true [ ./opt.nix ]
    ++ lib.optional false ./one.nix
    ++ (if true then [ ./then.nix ] else [ ./else.nix ])
    ++ [
      inputs.x.nixosModules.default
      "${modulesPath}/profiles/minimal.nix"
      ./${"interpolated"}.nix
      (mkRemovedOptionModule [ "old" ] "Gone.")
      (lib.mkMergedOptionModule [ [ "a" "x" ] [ "a" "y" ] ] [ "a" "xy" ] (c: 1))
      (lib.mkRenamedOptionModule [ "a" dynamic ] [ "b" ])
    ];
}
"#,
        expect![[r#"
            rename Removed: old -> (none) ("Gone.")  @m.nix:13:30
            rename Merged: a.x -> a.xy  @m.nix:14:35
            rename Merged: a.y -> a.xy  @m.nix:14:47
            problem: m.nix:10: import `inputs.x.nixosModules.default` is not a path literal or an inline module; not followed
            problem: m.nix:11: import `"${modulesPath}/profiles/minimal.nix"` is not a path literal or an inline module; not followed
            problem: m.nix:12: import `./${"interpolated"}.nix` is not a static path; not followed
            problem: m.nix:15: `mkRenamedOptionModule` with option paths that are not literal lists of strings; skipped
            import /a.nix
            import /b
            import /dir/c.nix
            import /curried.nix
            import /extra.nix
            import /opt.nix
            import /one.nix
            import /then.nix
            import /else.nix
        "#]],
    );
}

#[test]
fn malformed_modules_report_problems() {
    check_file(
        "{ lib, ... }: { options = 5; }",
        expect![[r#"
            problem: m.nix:1: `options` is `5`, not an option declaration or an attrset of them; skipped
        "#]],
    );
    check_file(
        "{ lib, config, ... }: { options = config.foo; options.a.b = \"x\"; }",
        expect![[r#"
            problem: m.nix:1: `options` is `config.foo`, not an option declaration or an attrset of them; skipped
            problem: m.nix:1: `options.a.b` is `"x"`, not an option declaration or an attrset of them; skipped
        "#]],
    );
    check_file(
        "{ lib, ... }: { options.ok = lib.mkOption { type = lib.types.int; }; options.bad = lib.mkOption {",
        expect![[r#"
            ok: signed integer  @m.nix:1:25
                type_text: lib.types.int
            bad: unspecified  @m.nix:1:78
                type_text: 
            problem: m.nix:1: syntax error: unexpected end of file (3 syntax errors in all); declarations may be missed
        "#]],
    );
    check_file(
        "{ imports = builtins.attrValues (import ./modules.nix); options = { ${x} = 1; }; }",
        expect![[r#"
            problem: m.nix:1: `imports = builtins.attrValues (import ./modules.nix)` is not a static list; not followed
            problem: m.nix:1: option name `${x}` is not static; skipped
        "#]],
    );
    check_file(
        "42",
        expect![[r#"
        problem: m.nix:1: module `42` is not an attrset or a function returning one; skipped
    "#]],
    );
    check_file(
        "",
        expect![[r#"
        problem: m.nix:1: syntax error: unexpected end of file; declarations may be missed
    "#]],
    );
}

#[test]
fn hostile_lets_end() {
    // Self-reference, mutual reference and exponential growth: each ends within the limits.
    let text = r#"{ lib, ... }:
let
  a = b; b = a;
  l0 = [ "x" ]; l1 = l0 ++ l0; l2 = l1 ++ l1; l3 = l2 ++ l2; l4 = l3 ++ l3; l5 = l4 ++ l4;
  l6 = l5 ++ l5; l7 = l6 ++ l6; l8 = l7 ++ l7; l9 = l8 ++ l8; l10 = l9 ++ l9; l11 = l10 ++ l10;
  l12 = l11 ++ l11; l13 = l12 ++ l12; l14 = l13 ++ l13; l15 = l14 ++ l14; l16 = l15 ++ l15;
  l17 = l16 ++ l16; l18 = l17 ++ l17; l19 = l18 ++ l18; l20 = l19 ++ l19; l21 = l20 ++ l20;
  loop = { x = loop; };
  self = self;
in {
  options.a = lib.mkOption { type = lib.types.enum a; };
  options.big = lib.mkOption { type = lib.types.enum l21; };
  options.loop = loop;
  options.self = self;
  imports = self;
}
"#;
    let started = std::time::Instant::now();
    let file = extract_file("/m.nix", text);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let paths: Vec<String> = file.options.iter().map(|o| o.dotted_path()).collect();
    assert!(paths.contains(&"a".to_string()), "{paths:?}");
    assert!(!file.problems.is_empty());
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 900;
    let mut text = String::from("{ lib, ... }: { options = ");
    for i in 0..depth {
        text.push_str(&format!("{{ a{i} = "));
    }
    text.push_str("lib.mkOption { type = lib.types.bool; }");
    for _ in 0..depth {
        text.push_str("; }");
    }
    text.push_str("; }");
    let file = extract_file("/m.nix", &text);
    assert!(file.options.is_empty());
    assert!(
        file.problems
            .iter()
            .any(|p| p.contains("nested too deeply")),
        "{:?}",
        file.problems
    );

    let mut types = String::from("{ lib, ... }: { options.x = lib.mkOption { type = ");
    types.push_str(&"lib.types.listOf (".repeat(300));
    types.push_str("lib.types.str");
    types.push_str(&")".repeat(300));
    types.push_str("; }; }");
    let file = extract_file("/m.nix", &types);
    assert_eq!(file.options.len(), 1);
}

#[test]
fn no_panic_on_truncated_or_garbled_fixture_files() {
    let mut corpus: Vec<String> = Vec::new();
    for entry in walk(&fixture_root()) {
        corpus.push(std::fs::read_to_string(entry).expect("fixture file"));
    }
    corpus.push("\u{0}\u{1}{{{{ ]]] ''${".into());
    corpus
        .push("{ options = { a = lib.mkOption { type = types.enum [ \"a\" ${x} ]; }; }; }".into());
    corpus.push("x: y: z: let in with; { imports = [ ./. ../.. / ]; }".into());
    for text in &corpus {
        let mut cut = 0;
        while cut <= text.len() {
            if text.is_char_boundary(cut) {
                extract_file("/dir/m.nix", &text[..cut]);
                // Also with one byte replaced, which breaks strings and brackets.
                let mut garbled = text[..cut].to_string();
                garbled.push_str("\"${[");
                garbled.push_str(&text[cut..]);
                extract_file("/dir/m.nix", &garbled);
            }
            cut += 13;
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("fixture dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn tree_walk_tolerates_cycles_missing_files_and_directories() {
    let files = HashMap::from([
        (
            "/r/default.nix",
            "{ imports = [ ./a.nix ./sub ./gone.nix ./a.nix ]; }",
        ),
        ("/r/a.nix", "{ imports = [ ./default.nix ./a.nix ]; }"),
        (
            "/r/sub/default.nix",
            "{ lib, ... }: { options.s = lib.mkEnableOption \"s\"; imports = [ ../sub ]; }",
        ),
        ("/r/broken.nix", "{ options = "),
    ]);
    let mut reads = Vec::new();
    let tree = extract_tree("/r/default.nix", &mut |path| {
        reads.push(path.to_string());
        files.get(path).map(|t| t.to_string())
    });
    assert_eq!(
        tree.files,
        ["/r/default.nix", "/r/a.nix", "/r/sub/default.nix"]
    );
    assert_eq!(tree.options.len(), 1);
    assert_eq!(
        tree.problems,
        ["/r/default.nix:1: cannot read the imported `/r/gone.nix` (nor `/r/gone.nix/default.nix`)"]
    );
    // Each path is tried once (a directory: its own path, then its default.nix).
    let mut sorted = reads.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), reads.len(), "{reads:?}");

    let missing = extract_tree("/nowhere.nix", &mut |_| None);
    assert_eq!(missing.problems, ["cannot read the module `/nowhere.nix`"]);

    let broken = extract_tree("/r/broken.nix", &mut |p| {
        files.get(p).map(|t| t.to_string())
    });
    assert_eq!(broken.files, ["/r/broken.nix"]);
    assert!(
        broken.problems[0].starts_with("/r/broken.nix:1: syntax error"),
        "{:?}",
        broken.problems
    );
}

#[test]
fn relative_entry_paths_stay_relative() {
    let files = HashMap::from([
        (
            "modules/default.nix",
            "{ imports = [ ./x.nix ../lib/y.nix ]; }",
        ),
        (
            "modules/x.nix",
            "{ lib, ... }: { options.x = lib.mkOption { }; }",
        ),
        (
            "lib/y.nix",
            "{ lib, ... }: { options.y = lib.mkOption { }; }",
        ),
    ]);
    let tree = extract_tree("modules/default.nix", &mut |p| {
        files.get(p).map(|t| t.to_string())
    });
    assert_eq!(
        tree.files,
        ["modules/default.nix", "modules/x.nix", "lib/y.nix"]
    );
    assert_eq!(tree.options[1].file, "lib/y.nix");
}

#[test]
fn submodule_file_options_get_the_prefix() {
    let files = HashMap::from([
        (
            "/m.nix",
            "{ lib, ... }: { options.a = lib.mkOption { type = lib.types.listOf (lib.types.submodule ./s.nix); }; }",
        ),
        (
            "/s.nix",
            "{ lib, ... }: { imports = [ ./t.nix (lib.mkRenamedOptionModule [ \"o\" ] [ \"n\" ]) ]; options.n = lib.mkOption { }; }",
        ),
        ("/t.nix", "{ lib, ... }: { options.t = lib.mkOption { }; }"),
    ]);
    let tree = extract_tree("/m.nix", &mut |p| files.get(p).map(|t| t.to_string()));
    let paths: Vec<String> = tree.options.iter().map(|o| o.dotted_path()).collect();
    assert_eq!(paths, ["a", "a.*.n", "a.*.t"]);
    assert_eq!(tree.renames[0].from, ["a", "*", "o"]);
    assert_eq!(tree.renames[0].to, ["a", "*", "n"]);
}

/// Against a real jetpack-nixos checkout, when `JETPACK_NIXOS_SRC` names one (see
/// `examples/extract.rs` for the full listing).
#[test]
fn jetpack_nixos_checkout() {
    let Some(src) = std::env::var_os("JETPACK_NIXOS_SRC") else {
        return;
    };
    let entry = Path::new(&src).join("modules/default.nix");
    let tree = extract_tree(&entry.to_string_lossy(), &mut |p| {
        std::fs::read_to_string(p).ok()
    });
    // Counts vary by commit (21 declarations in early 2023, 92 and 11 renames in mid 2026).
    assert!(tree.problems.is_empty(), "{:#?}", tree.problems);
    assert!(
        tree.options.len() >= 20,
        "{} declarations",
        tree.options.len()
    );
    let find = |path: &str| tree.options.iter().find(|o| o.dotted_path() == path);
    let enum_of = |path: &str| {
        find(path)
            .unwrap_or_else(|| panic!("{path} not extracted"))
            .ty
            .enum_values()
            .unwrap_or_else(|| panic!("{path} is not an enum"))
            .to_vec()
    };
    let som = enum_of("hardware.nvidia-jetpack.som");
    assert!(som.iter().any(|s| s.starts_with("orin-agx")), "{som:?}");
    let boards = enum_of("hardware.nvidia-jetpack.carrierBoard");
    assert!(boards.iter().any(|s| s == "devkit"), "{boards:?}");
    if find("hardware.nvidia-jetpack.majorVersion").is_some() {
        let versions = enum_of("hardware.nvidia-jetpack.majorVersion");
        assert!(versions.iter().any(|s| s == "6"), "{versions:?}");
    }
    for rename in &tree.renames {
        assert!(
            !rename.from.is_empty() && !rename.to.is_empty(),
            "{rename:?}"
        );
    }
    let enable = find("hardware.nvidia-jetpack.enable").expect("enable");
    assert_eq!(enable.ty, OptionType::Bool);
}
