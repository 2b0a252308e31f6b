//! Tests of the bundled index: round trips (the fixture tree, every type and value form), decode
//! errors, and the committed `bundled.json` (decodes, holds what jetpack-nixos 4d857d6 declares,
//! is canonical). Snapshots are refreshed with `UPDATE_EXPECT=1`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use expect_test::{expect, expect_file};

use super::*;
use crate::options::extract_tree;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-data/options/tree")
}

/// The fixture tree, with file names relative to its root, and its file texts.
fn fixture_tree() -> (ModuleTree, HashMap<String, String>) {
    let dir = fixture_dir();
    let mut texts = HashMap::new();
    let tree = extract_tree("default.nix", &mut |path| {
        let text = std::fs::read_to_string(dir.join(path)).ok()?;
        texts.insert(path.to_string(), text.clone());
        Some(text)
    });
    (tree, texts)
}

/// The name of a type's variant; exhaustive, so that a new variant must be added here (and then
/// to the samples of `every_type_variant_round_trips`).
fn variant(ty: &OptionType) -> &'static str {
    use OptionType as T;
    match ty {
        T::Bool => "Bool",
        T::Int => "Int",
        T::IntsPositive => "IntsPositive",
        T::IntsUnsigned => "IntsUnsigned",
        T::IntsBetween(..) => "IntsBetween",
        T::Float => "Float",
        T::Number => "Number",
        T::Str => "Str",
        T::NonEmptyStr => "NonEmptyStr",
        T::SingleLineStr => "SingleLineStr",
        T::StrMatching(_) => "StrMatching",
        T::SeparatedString(_) => "SeparatedString",
        T::Lines => "Lines",
        T::Path => "Path",
        T::Package => "Package",
        T::Port => "Port",
        T::Enum(_) => "Enum",
        T::NullOr(_) => "NullOr",
        T::ListOf(_) => "ListOf",
        T::AttrsOf(_) => "AttrsOf",
        T::OneOf(_) => "OneOf",
        T::Either(..) => "Either",
        T::CoercedTo(..) => "CoercedTo",
        T::FunctionTo(_) => "FunctionTo",
        T::Submodule => "Submodule",
        T::DeferredModule => "DeferredModule",
        T::Anything => "Anything",
        T::Raw => "Raw",
        T::Attrs => "Attrs",
        T::Unspecified => "Unspecified",
        T::Unknown(_) => "Unknown",
    }
}

const VARIANT_COUNT: usize = 31;

/// The variants a type uses, nested ones included.
fn variants(ty: &OptionType, out: &mut BTreeSet<&'static str>) {
    use OptionType as T;
    out.insert(variant(ty));
    match ty {
        T::NullOr(t) | T::ListOf(t) | T::AttrsOf(t) | T::FunctionTo(t) => variants(t, out),
        T::Either(a, b) | T::CoercedTo(a, b) => {
            variants(a, out);
            variants(b, out);
        }
        T::OneOf(ts) => ts.iter().for_each(|t| variants(t, out)),
        _ => {}
    }
}

fn option(name: &[&str], ty: OptionType, default: Option<DefaultValue>) -> OptionDecl {
    OptionDecl {
        path: name.iter().map(|s| s.to_string()).collect(),
        type_text: format!("{ty}"),
        ty,
        default,
        default_text: None,
        description: None,
        example: None,
        internal: false,
        read_only: false,
        visible: None,
        file: "modules/m.nix".into(),
        range: TextRange::default(),
    }
}

/// `to_json` then `decode` gives the index back, and writing it again gives the same text.
fn assert_round_trip(index: &BundledIndex) -> String {
    let json = index.to_json();
    let decoded = decode(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(&decoded, index, "{json}");
    assert_eq!(decoded.to_json(), json);
    json
}

#[test]
fn fixture_tree_round_trips() {
    let (tree, texts) = fixture_tree();
    let json = encode("test", &tree);
    let index = decode(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(index, BundledIndex::from_tree("test", &tree));
    assert_eq!(index.to_json(), json);
    assert_eq!(index.rev, "test");
    assert_eq!(index.options.len(), tree.options.len());
    assert_eq!(index.renames.len(), tree.renames.len());

    // Every declaration of the tree is in the index, as it was minus texts and range, at the
    // line of its name.
    for o in &tree.options {
        let text = &texts[&o.file];
        let line = LineIndex::new(text)
            .line_col(text, o.range.start(), ColumnUnit::Char)
            .line
            + 1;
        let expected = OptionDecl {
            description: None,
            example: None,
            range: TextRange::default(),
            ..o.clone()
        };
        assert!(
            index
                .options_with_lines()
                .any(|(d, l)| *d == expected && l == Some(line)),
            "{} at {}:{line} is missing",
            o.dotted_path(),
            o.file
        );
    }
    for r in &tree.renames {
        let expected = RenameDecl {
            range: TextRange::default(),
            ..r.clone()
        };
        assert!(index.renames.contains(&expected), "{r:?}");
    }
    assert!(index.lines.iter().all(Option::is_some));
    assert!(index.rename_lines.iter().all(Option::is_some));

    // The fixture's type forms all survive (the round trip above compares them).
    let mut used = BTreeSet::new();
    index
        .options
        .iter()
        .for_each(|o| variants(&o.ty, &mut used));
    assert!(used.len() >= 20, "{used:?}");

    // Sorted, and the same whatever order the tree lists things in.
    let paths: Vec<&Vec<String>> = index.options.iter().map(|o| &o.path).collect();
    assert!(paths.windows(2).all(|w| w[0] <= w[1]));
    let mut reversed = tree.clone();
    reversed.options.reverse();
    reversed.lines.reverse();
    reversed.renames.reverse();
    reversed.rename_lines.reverse();
    assert_eq!(encode("test", &reversed), json);

    expect_file!["../../../../test-data/options/tree.bundled.json"].assert_eq(&json);
}

#[test]
fn every_type_variant_round_trips() {
    use OptionType as T;
    let b = Box::new;
    let samples = vec![
        T::Bool,
        T::Int,
        T::IntsPositive,
        T::IntsUnsigned,
        T::IntsBetween(i64::MIN, i64::MAX),
        T::IntsBetween(-128, 127),
        T::Float,
        T::Number,
        T::Str,
        T::NonEmptyStr,
        T::SingleLineStr,
        T::StrMatching("^[a-z]+\\.\"x\"$".into()),
        T::SeparatedString(",\n".into()),
        T::Lines,
        T::Path,
        T::Package,
        T::Port,
        T::Enum(vec!["a".into(), "b c".into(), "1".into(), "true".into()]),
        T::Enum(vec![]),
        T::NullOr(b(T::Enum(vec!["x".into()]))),
        T::ListOf(b(T::Submodule)),
        T::AttrsOf(b(T::ListOf(b(T::NullOr(b(T::Int)))))),
        T::OneOf(vec![T::Path, T::Str, T::FunctionTo(b(T::Lines))]),
        T::OneOf(vec![]),
        T::Either(b(T::Path), b(T::Either(b(T::Str), b(T::Int)))),
        T::CoercedTo(b(T::Str), b(T::ListOf(b(T::Str)))),
        T::FunctionTo(b(T::AttrsOf(b(T::Anything)))),
        T::Submodule,
        T::DeferredModule,
        T::Anything,
        T::Raw,
        T::Attrs,
        T::Unspecified,
        T::Unknown("options.nixpkgs.pkgs.type".into()),
        T::Unknown(String::new()),
    ];
    let mut used = BTreeSet::new();
    samples.iter().for_each(|t| variants(t, &mut used));
    assert_eq!(used.len(), VARIANT_COUNT, "{used:?}");

    let options: Vec<OptionDecl> = samples
        .into_iter()
        .enumerate()
        .map(|(i, ty)| option(&["t", &format!("o{i:02}")], ty, None))
        .collect();
    let index = BundledIndex {
        rev: "r".into(),
        lines: (1..=options.len() as u32).map(Some).collect(),
        options,
        ..BundledIndex::default()
    };
    let json = assert_round_trip(&index);
    // The simple types are strings, the others one-member objects.
    assert!(json.contains(r#""type": "deferredModule""#), "{json}");
    assert!(
        json.contains(r#""type": {"coercedTo": ["str", {"listOf": "str"}]}"#),
        "{json}"
    );
}

#[test]
fn every_default_name_and_rename_form_round_trips() {
    use LiteralValue as L;
    use OptionType as T;
    let lit = |v: LiteralValue| Some(DefaultValue::Literal(v));
    let defaults = vec![
        None,
        lit(L::Null),
        lit(L::Bool(true)),
        lit(L::Bool(false)),
        lit(L::Int(0)),
        lit(L::Int(i64::MIN)),
        lit(L::Int(i64::MAX)),
        lit(L::Float("0.5".into())),
        lit(L::Float("-1.5e-3".into())),
        lit(L::Float(".5".into())),
        lit(L::Float("1.".into())),
        lit(L::Float("2".into())),
        lit(L::Str(String::new())),
        lit(L::Str("tab\t \"q\" \\ \u{1} é 中 😀 ${x}\nline".into())),
        lit(L::List(vec![])),
        lit(L::List(vec![
            L::Int(1),
            L::Str("a".into()),
            L::List(vec![L::Null]),
        ])),
        lit(L::Attrs(vec![])),
        lit(L::Attrs(vec![
            ("b".into(), L::Int(1)),
            (
                "a".into(),
                L::Attrs(vec![("expr".into(), L::Str("x".into()))]),
            ),
            ("float".into(), L::Float(".1".into())),
            ("log.level".into(), L::List(vec![L::Bool(false)])),
        ])),
        lit(L::Attrs(vec![(
            "expr".into(),
            L::Str("not an expression".into()),
        )])),
        Some(DefaultValue::Expr("if a then \"b\" else c".into())),
        Some(DefaultValue::Expr(String::new())),
    ];
    let mut options: Vec<OptionDecl> = defaults
        .into_iter()
        .enumerate()
        .map(|(i, d)| option(&["d", &format!("o{i:02}")], T::Str, d))
        .collect();
    let names: [&[&str]; 6] = [
        &["a", "b.c", "d"],
        &["a", "", "x"],
        &["a", "q\"uote", "back\\slash"],
        &["a", "*", "port"],
        &["\"", "\\", "."],
        &["a", "with space", "ünïcode"],
    ];
    for name in names {
        let mut o = option(name, T::Bool, None);
        o.default_text = Some("text\nwith lines".into());
        o.internal = true;
        o.read_only = true;
        o.visible = Some(false);
        options.push(o);
    }
    options[0].visible = Some(true);
    let rename = |from: &[&str], to: &[&str], kind, message: Option<&str>| RenameDecl {
        from: from.iter().map(|s| s.to_string()).collect(),
        to: to.iter().map(|s| s.to_string()).collect(),
        kind,
        message: message.map(str::to_string),
        file: "modules/r.nix".into(),
        range: TextRange::default(),
    };
    let renames = vec![
        rename(&["a", "old"], &["a", "new"], RenameKind::Renamed, None),
        rename(&["a", "alias"], &["a", "b.c"], RenameKind::Alias, None),
        rename(&["a", "gone"], &[], RenameKind::Removed, Some("Use `x`.\n")),
        rename(&["a", "changed"], &["a", "new"], RenameKind::Changed, None),
        rename(&["a", "merged"], &["a", "new"], RenameKind::Merged, None),
        rename(&[], &[], RenameKind::Removed, Some("")),
    ];
    let index = BundledIndex {
        rev: "\u{0}weird \"rev\"".into(),
        lines: options
            .iter()
            .enumerate()
            .map(|(i, _)| (i % 3 != 0).then_some(i as u32 + 1))
            .collect(),
        options,
        rename_lines: vec![Some(1), None, Some(3), Some(4), Some(5), Some(u32::MAX)],
        renames,
    };
    let json = assert_round_trip(&index);
    for fragment in [
        r#""default": 0.5,"#,
        r#""default": {"float": ".5"},"#,
        r#""default": {"float": "2"},"#,
        r#""default": {"attrs": {"expr": "not an expression"}},"#,
        r#""default": {"expr": "if a then \"b\" else c"},"#,
        r#""name": "a.\"b.c\".d","#,
        r#""name": "a.\"\".x","#,
        r#""name": "a.\"q\\\"uote\".\"back\\\\slash\"","#,
        r#""to": null, "kind": "removed", "message": "Use `x`.\n","#,
        r#""jetpack_nixos_rev": "\u0000weird \"rev\"""#,
    ] {
        assert!(json.contains(fragment), "{fragment} not in\n{json}");
    }
}

#[test]
fn empty_index_round_trips() {
    let json = assert_round_trip(&BundledIndex::default());
    expect![[r#"
        {
          "jetpack_nixos_rev": "",
          "generated_by": "flakelint bundle-index",
          "options": [],
          "renames": []
        }
    "#]]
    .assert_eq(&json);
}

#[test]
fn names_quote_segments_that_need_it() {
    let path = |p: &[&str]| -> Vec<String> { p.iter().map(|s| s.to_string()).collect() };
    assert_eq!(
        path_to_name(&path(&["hardware", "nvidia-jetpack", "som"])),
        "hardware.nvidia-jetpack.som"
    );
    assert_eq!(path_to_name(&path(&["a", "*", "b c"])), "a.*.b c");
    assert_eq!(path_to_name(&path(&["a.b", ""])), r#""a.b"."""#);
    assert_eq!(name_to_path(r#""a.b"."""#), Ok(path(&["a.b", ""])));
    assert_eq!(name_to_path("x"), Ok(path(&["x"])));
    let errors: Vec<String> = ["", "a..b", "a.", r#"a"b"#, r#""a"b"#, r#""a"#, r#""\x""#]
        .iter()
        .map(|n| name_to_path(n).unwrap_err())
        .collect();
    expect![[r#"
        empty segment in `` (an empty segment is written `""`)
        empty segment in `a..b` (an empty segment is written `""`)
        empty segment in `a.` (an empty segment is written `""`)
        in `a"b`: a segment holding `"` must be quoted
        in `"a"b`: expected `.` after a quoted segment, found `b`
        unterminated quoted segment in `"a`
        in `"\x"`: `\` in a quoted segment must be followed by `"` or `\`"#]]
    .assert_eq(&errors.join("\n"));
}

#[test]
fn decode_errors_name_the_location() {
    let good = r#"{"name": "a.b", "type": "bool", "type_text": "t", "default_text": null, "internal": false, "read_only": false, "visible": null, "file": "f.nix", "line": 3}"#;
    let doc = |options: &str, renames: &str| {
        format!(
            "{{\n  \"jetpack_nixos_rev\": \"r\",\n  \"generated_by\": \"g\",\n  \"options\": [\n    {options}\n  ],\n  \"renames\": [{renames}]\n}}\n"
        )
    };
    assert!(decode(&doc(good, "")).is_ok());
    let with = |from: &str, to: &str| doc(&good.replace(from, to), "");
    let cases = [
        String::new(),
        "[]".to_string(),
        "{\"options\": [],}".to_string(),
        r#"{"jetpack_nixos_rev": "r", "generated_by": "g", "options": []}"#.to_string(),
        r#"{"jetpack_nixos_rev": 1, "generated_by": "g", "options": [], "renames": []}"#
            .to_string(),
        with(r#""type": "bool""#, r#""type": "strr""#),
        with(
            r#""type": "bool""#,
            r#""type": {"nullOr": {"listOf": "strr"}}"#,
        ),
        with(r#""type": "bool""#, r#""type": {"nullOr": "str", "x": 1}"#),
        with(r#""type": "bool""#, r#""type": {"fooOf": "str"}"#),
        with(r#""type": "bool""#, r#""type": {"intsBetween": [0]}"#),
        with(
            r#""type": "bool""#,
            r#""type": {"either": ["int", "str", "path"]}"#,
        ),
        with(r#""type": "bool""#, r#""type": {"oneOf": ["int", 5]}"#),
        with(r#""type": "bool""#, r#""type": {"enum": ["a", null]}"#),
        with(r#""name": "a.b""#, r#""name": "a..b""#),
        with(r#""name": "a.b""#, r#""name": null"#),
        with(r#""line": 3"#, r#""line": 0"#),
        with(r#""line": 3"#, r#""line": "3""#),
        with(r#""internal": false"#, r#""internal": "no""#),
        with(
            r#""file": "f.nix""#,
            r#""file": "f.nix", "description": "d""#,
        ),
        with(r#", "file": "f.nix""#, ""),
        with(
            r#""type_text": "t""#,
            r#""type_text": "t", "default": {"expr": 1}"#,
        ),
        with(
            r#""type_text": "t""#,
            r#""type_text": "t", "default": [{"attrs": []}]"#,
        ),
        with(
            r#""type_text": "t""#,
            r#""type_text": "t", "default": {"a": 1}"#,
        ),
        with(
            r#""type_text": "t""#,
            r#""type_text": "t", "default": [{"expr": "x"}]"#,
        ),
        doc(
            good,
            r#"{"from": "a", "to": null, "kind": "moved", "message": null, "file": "f", "line": 1}"#,
        ),
    ];
    let actual: Vec<String> = cases.iter().map(|c| decode(c).unwrap_err()).collect();
    expect![[r#"
        line 1, column 1: empty input: expected a JSON value
        the top level (line 1, column 1): expected an object, found an array
        line 1, column 15: trailing comma: JSON does not allow a `,` before `}`
        the top level (line 1, column 1): missing key `renames`
        jetpack_nixos_rev (line 1, column 23): expected a string, found a number
        options[0].type (line 5, column 29): unknown type "strr"
        options[0].type.nullOr.listOf (line 5, column 51): unknown type "strr"
        options[0].type (line 5, column 29): expected a type: an object with exactly one member
        options[0].type (line 5, column 29): unknown type "fooOf"
        options[0].type.intsBetween (line 5, column 45): expected an array of two integers
        options[0].type.either (line 5, column 40): expected an array of two types
        options[0].type.oneOf[1] (line 5, column 47): expected a type, found a number
        options[0].type.enum[1] (line 5, column 44): expected a string, found null
        options[0].name (line 5, column 14): empty segment in `a..b` (an empty segment is written `""`)
        options[0].name (line 5, column 14): expected an option name, found null
        options[0].line (line 5, column 158): expected a line number (1 or more) or null, found a number
        options[0].line (line 5, column 158): expected a line number (1 or more) or null, found a string
        options[0].internal (line 5, column 89): expected true or false, found a string
        options[0] (line 5, column 165): unknown key `description`
        options[0] (line 5, column 5): missing key `file`
        options[0].default.expr (line 5, column 75): expected a string, found a number
        options[0].default[0].attrs (line 5, column 77): expected an object, found an array
        options[0].default.a (line 5, column 66): unknown tag "a": an object in a default is {"attrs": ...}, {"float": ...} or (at the top) {"expr": ...}
        options[0].default[0].expr (line 5, column 67): unknown tag "expr": an object in a default is {"attrs": ...}, {"float": ...} or (at the top) {"expr": ...}
        renames[0].kind (line 7, column 49): unknown rename kind "moved": expected one of renamed, alias, removed, changed, merged"#]]
    .assert_eq(&actual.join("\n"));
}

/// The committed index: jetpack-nixos at 4d857d6 (merged 2026-07-30; JetPack 5, 6 and 7).
#[test]
fn bundled_index_holds_the_jetpack_nixos_options() {
    let index = bundled();
    assert_eq!(index.rev, "4d857d6da48c420da39964b6fb7ba23a958abad3");
    assert_eq!(index.options.len(), 92);
    assert_eq!(index.renames.len(), 11);
    assert_eq!(index.lines.len(), 92);
    assert_eq!(index.rename_lines.len(), 11);

    let find = |name: &str| {
        index
            .options_with_lines()
            .find(|(o, _)| o.dotted_path() == name)
            .unwrap_or_else(|| panic!("{name} is not in the bundled index"))
    };
    let (som, line) = find("hardware.nvidia-jetpack.som");
    let values = som.ty.enum_values().expect("som is an enum");
    assert_eq!(values.len(), 11, "{values:?}");
    assert!(values.iter().any(|v| v == "orin-agx"), "{values:?}");
    assert_eq!(
        som.default,
        Some(DefaultValue::Literal(LiteralValue::Str("generic".into())))
    );
    assert_eq!((som.file.as_str(), line), ("modules/default.nix", Some(69)));

    let (major, _) = find("hardware.nvidia-jetpack.majorVersion");
    assert_eq!(
        major.ty,
        OptionType::Enum(vec!["5".into(), "6".into(), "7".into()])
    );
    let (enable, line) = find("hardware.nvidia-jetpack.enable");
    assert_eq!(enable.ty, OptionType::Bool);
    assert_eq!(line, Some(48));

    for (o, line) in index.options_with_lines() {
        assert!(o.description.is_none() && o.example.is_none());
        assert!(o.file.starts_with("modules/"), "{}", o.file);
        assert!(line.is_some(), "{}", o.dotted_path());
    }
    assert!(!BUNDLED_JSON.contains("\"description\""));
    let logo = index
        .renames_with_lines()
        .find(|(r, _)| r.from.join(".") == "hardware.nvidia-jetpack.bootloader.logo")
        .expect("the bootloader.logo rename");
    assert_eq!(
        logo.0.to.join("."),
        "hardware.nvidia-jetpack.firmware.uefi.logo"
    );
    assert_eq!(logo.0.kind, RenameKind::Renamed);
    assert_eq!(logo.1, Some(15));
}

#[test]
fn bundled_json_is_canonical() {
    let decoded = decode(BUNDLED_JSON).unwrap_or_else(|e| panic!("bundled.json: {e}"));
    assert_eq!(&decoded, bundled());
    // Equal text, so that a hand edit or a stale format shows up here.
    assert!(
        decoded.to_json() == BUNDLED_JSON,
        "bundled.json is not what `encode` writes; regenerate it (see the module documentation)"
    );
}

/// With `FLAKELINT_BUNDLED_SOURCE` naming a checkout of the bundled commit: the committed file is
/// what the extractor makes of it today (catches a stale file after extractor changes).
#[test]
fn bundled_json_matches_its_checkout() {
    let Some(dir) = std::env::var_os("FLAKELINT_BUNDLED_SOURCE") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let read = |path: &str| std::fs::read_to_string(dir.join(path)).ok();
    let tree = extract_tree("modules/default.nix", &mut |p| read(p));
    assert!(tree.problems.is_empty(), "{:#?}", tree.problems);
    assert!(
        encode(&bundled().rev, &tree) == BUNDLED_JSON,
        "bundled.json differs from the extraction of {}; regenerate it",
        dir.display()
    );
}
