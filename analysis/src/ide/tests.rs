//! Tests of the editor features: fixtures with a `$0` cursor (several files with `#- /path`
//! lines, or one `configuration.nix`), the real bundled option index, snapshots with
//! expect-test (`UPDATE_EXPECT=1` rewrites them).

use expect_test::{expect, Expect};
use rowan::{TextRange, TextSize};

use crate::db::{AnalysisHost, Change, SourceFile};
use crate::fixture::Fixture;
use crate::lints::tests::include_test_data;

struct Loaded {
    host: AnalysisHost,
    path: String,
    offset: TextSize,
    fixture: Fixture,
}

impl Loaded {
    fn file(&self) -> SourceFile {
        crate::db::file_by_path(self.host.db(), &self.path).expect("the cursor's file is loaded")
    }

    fn text_of(&self, path: &str) -> &str {
        self.fixture
            .files
            .iter()
            .find(|(p, _)| p == path)
            .map_or("", |(_, t)| t.as_str())
    }

    fn text(&self) -> &str {
        self.text_of(&self.path)
    }
}

/// Loads a fixture as the loader would (files, git, then the disk state of the paths the
/// analysis asks about), and finds the `$0` cursor.
fn load(fixture: &str) -> Loaded {
    let text = if fixture.contains("#- /") {
        fixture.to_string()
    } else {
        format!("#- /c/configuration.nix\n{fixture}")
    };
    let mut fixture = Fixture::parse(&text, include_test_data);
    let mut cursor = None;
    for (path, text) in &mut fixture.files {
        if let Some(i) = text.find("$0") {
            text.replace_range(i..i + 2, "");
            cursor = Some((path.clone(), TextSize::from(i as u32)));
        }
    }
    let (path, offset) = cursor.unwrap_or_else(|| (fixture.files[0].0.clone(), 0.into()));
    // As the loader does: stat what the path references name, then run the rules.
    let host = fixture.host();
    Loaded {
        host,
        path,
        offset,
        fixture,
    }
}

fn show_range(text: &str, range: TextRange) -> String {
    text.get(usize::from(range.start())..usize::from(range.end()))
        .map_or_else(|| format!("{range:?}"), |s| format!("{s:?}"))
}

fn completions(fixture: &str) -> String {
    let loaded = load(fixture);
    let items = super::completion(loaded.host.db(), loaded.file(), loaded.offset);
    let mut out = String::new();
    for item in &items {
        out.push_str(&format!(
            "{:?} {} {}->{:?}",
            item.kind,
            item.label,
            show_range(loaded.text(), item.replace),
            item.insert
        ));
        if let Some(detail) = &item.detail {
            out.push_str(&format!(" | {detail}"));
        }
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("(none)\n");
    }
    out
}

fn check_completion(fixture: &str, expect: Expect) {
    expect.assert_eq(&completions(fixture));
}

/// The labels only, for forms that must give the same items.
fn labels(fixture: &str) -> Vec<String> {
    let loaded = load(fixture);
    super::completion(loaded.host.db(), loaded.file(), loaded.offset)
        .into_iter()
        .map(|i| i.label)
        .collect()
}

/// The options and groups right below `hardware.nvidia-jetpack` in the bundled index.
const TOP_LEVEL: &[&str] = &[
    "carrierBoard",
    "configureCuda",
    "console",
    "enable",
    "firmware",
    "flashScriptOverrides",
    "flasherPkgs",
    "kernel",
    "majorVersion",
    "maxClock",
    "modesetting",
    "name",
    "som",
    "super",
];

#[test]
fn completion_after_namespace_dot() {
    check_completion(
        "{ config, ... }:\n{\n  hardware.nvidia-jetpack.$0\n}\n",
        expect![[r#"
            Option carrierBoard ""->"carrierBoard" | one of "generic", "devkit", "xavierNxDevkit" (default: "generic")
            Option configureCuda ""->"configureCuda" | boolean (default: config.hardware.graphics.enable)
            OptionGroup console ""->"console" | 1 option
            Option enable ""->"enable" | boolean (default: false)
            OptionGroup firmware ""->"firmware" | 53 options
            OptionGroup flashScriptOverrides ""->"flashScriptOverrides" | 13 options
            Option flasherPkgs ""->"flasherPkgs" | `options.nixpkgs.pkgs.type` (default: import pkgs.path { system = "x86_64-lin…)
            OptionGroup kernel ""->"kernel" | 1 option
            Option majorVersion ""->"majorVersion" | one of "5", "6", "7" (default: if lib.hasPrefix "thor" cfg.som then "7…)
            Option maxClock ""->"maxClock" | boolean (default: false)
            OptionGroup modesetting ""->"modesetting" | 1 option
            Option name ""->"name" | string (default: "${som}-${carrierBoard}")
            Option som ""->"som" | one of "generic", "orin-agx", "orin-agx-industrial", "orin-nx", "orin-nano", "thor-agx", "thor-agx-t4000", "xavier-agx", "xavier-agx-industrial", "xavier-nx", "xavier-nx-emmc" (default: "generic")
            Option super ""->"super" | boolean (default: false)
        "#]],
    );
}

#[test]
fn completion_of_a_partial_segment_replaces_the_word() {
    check_completion(
        "{\n  hardware.nvidia-jetpack.so$0m = \"orin-nx\";\n}\n",
        expect![[r#"
            Option carrierBoard "som"->"carrierBoard" | one of "generic", "devkit", "xavierNxDevkit" (default: "generic")
            Option configureCuda "som"->"configureCuda" | boolean (default: config.hardware.graphics.enable)
            OptionGroup console "som"->"console" | 1 option
            Option enable "som"->"enable" | boolean (default: false)
            OptionGroup firmware "som"->"firmware" | 53 options
            OptionGroup flashScriptOverrides "som"->"flashScriptOverrides" | 13 options
            Option flasherPkgs "som"->"flasherPkgs" | `options.nixpkgs.pkgs.type` (default: import pkgs.path { system = "x86_64-lin…)
            OptionGroup kernel "som"->"kernel" | 1 option
            Option majorVersion "som"->"majorVersion" | one of "5", "6", "7" (default: if lib.hasPrefix "thor" cfg.som then "7…)
            Option maxClock "som"->"maxClock" | boolean (default: false)
            OptionGroup modesetting "som"->"modesetting" | 1 option
            Option name "som"->"name" | string (default: "${som}-${carrierBoard}")
            Option som "som"->"som" | one of "generic", "orin-agx", "orin-agx-industrial", "orin-nx", "orin-nano", "thor-agx", "thor-agx-t4000", "xavier-agx", "xavier-agx-industrial", "xavier-nx", "xavier-nx-emmc" (default: "generic")
            Option super "som"->"super" | boolean (default: false)
        "#]],
    );
}

#[test]
fn completion_in_every_attrset_form() {
    let forms = [
        // dotted, before the next line's binding (rnix joins the two keys)
        "{ config, ... }:\n{\n  hardware.nvidia-jetpack.$0\n  services.openssh.enable = true;\n}\n",
        // a partial word
        "{\n  hardware.nvidia-jetpack.ma$0\n}\n",
        // `a.b = { | }`
        "{ lib, ... }:\n{\n  hardware.nvidia-jetpack = {\n    $0\n  };\n}\n",
        // `a = { b = { | }; }`
        "{\n  hardware = {\n    nvidia-jetpack = { som = \"orin-nx\"; $0 };\n  };\n}\n",
        // `a = { b.| }`
        "{\n  hardware = { nvidia-jetpack.$0 };\n}\n",
        // inside `config = { ... }` next to `options`
        "{ lib, ... }:\n{\n  options.foo = lib.mkOption { };\n  config = {\n    hardware.nvidia-jetpack.$0\n  };\n}\n",
        // `config.` written in the key
        "{ config, ... }:\n{\n  config.hardware.nvidia-jetpack.$0\n}\n",
        // `lib.mkIf cond { ... }`
        "{ config, lib, ... }:\n{\n  config = lib.mkIf config.foo.enable {\n    hardware.nvidia-jetpack = { $0 };\n  };\n}\n",
        // `mkMerge [ { ... } ]`
        "{ lib, ... }:\n{\n  config = lib.mkMerge [\n    { hardware.nvidia-jetpack.enable = true; }\n    { hardware.nvidia-jetpack.$0 }\n  ];\n}\n",
        // a module that is `mkIf` as a whole, under `with lib;` and `let`
        "{ config, lib, ... }:\nwith lib;\nlet cfg = config.x; in\nmkIf cfg.enable {\n  hardware.nvidia-jetpack.$0\n}\n",
        // an unclosed `{` at the end of the file
        "{ ... }:\n{\n  hardware.nvidia-jetpack = {\n    $0\n",
        // an unclosed `{` with more bindings after it
        "{\n  hardware.nvidia-jetpack = {\n    $0\n  networking.hostName = \"orin\";\n}\n",
        // a dot at the very end of the file
        "{\n  hardware.nvidia-jetpack.$0",
        // after a finished binding in the same attrset
        "{\n  hardware.nvidia-jetpack = { enable = true;\n  $0 };\n}\n",
        // an inline module of `imports`
        "{\n  imports = [ ({ lib, ... }: { hardware.nvidia-jetpack.$0 }) ];\n}\n",
        // `{ word }` alone reads as a function's pattern
        "{\n  hardware.nvidia-jetpack = { so$0 };\n}\n",
        "{\n  hardware.nvidia-jetpack = {\n    ma$0\n  };\n}\n",
        // after a binding that lacks its `;`
        "{\n  networking.hostName = \"orin\"\n  hardware.nvidia-jetpack.$0\n}\n",
        "{\n  hardware.nvidia-jetpack = {\n    enable = true\n    $0\n  };\n}\n",
        // an `if` inside `mkMerge`
        "{ lib, cond, ... }:\n{\n  config = lib.mkMerge [ (if cond then { hardware.nvidia-jetpack = { $0 }; } else { }) ];\n}\n",
    ];
    for form in forms {
        // The options the form sets already are not offered again.
        let set: &[&str] = if form.contains("som = ") {
            &["som"]
        } else if form.contains("{ enable = true;") || form.contains("    enable = true\n") {
            &["enable"]
        } else {
            &[]
        };
        let expected: Vec<&str> = TOP_LEVEL
            .iter()
            .copied()
            .filter(|l| !set.contains(l))
            .collect();
        assert_eq!(labels(form), expected, "in:\n{form}");
    }
}

/// The labels offered at `$0`, checked for what must and must not be there.
#[track_caller]
fn assert_offers(fixture: &str, offered: &[&str], not_offered: &[&str]) {
    let got = labels(fixture);
    for want in offered {
        assert!(
            got.iter().any(|l| l == want),
            "`{want}` not offered in:\n{fixture}\ngot {got:?}"
        );
    }
    for unwanted in not_offered {
        assert!(
            !got.iter().any(|l| l == unwanted),
            "`{unwanted}` offered again in:\n{fixture}\ngot {got:?}"
        );
    }
}

#[test]
fn completion_leaves_out_options_already_set() {
    // Dotted siblings at the same level.
    assert_offers(
        "{\n  hardware.nvidia-jetpack.som = \"orin-nx\";\n  hardware.nvidia-jetpack.carrierBoard = \"devkit\";\n  hardware.nvidia-jetpack.$0\n}\n",
        &["majorVersion", "enable", "firmware", "super"],
        &["som", "carrierBoard"],
    );
    // Nested: `a.b = { c = ...; | }`, and `a = { b = { c = ...; }; }` with the cursor deeper.
    assert_offers(
        "{\n  hardware.nvidia-jetpack = {\n    som = \"orin-nx\";\n    $0\n  };\n}\n",
        &["majorVersion", "carrierBoard"],
        &["som"],
    );
    // Mixed: a dotted key outside and a nested attrset inside, either way round.
    assert_offers(
        "{\n  hardware.nvidia-jetpack.som = \"orin-nx\";\n  hardware = {\n    nvidia-jetpack = { enable = true; $0 };\n  };\n}\n",
        &["majorVersion", "carrierBoard"],
        &["som", "enable"],
    );
    assert_offers(
        "{\n  hardware = { nvidia-jetpack = { som = \"orin-nx\"; }; };\n  hardware.nvidia-jetpack.$0\n}\n",
        &["majorVersion"],
        &["som"],
    );
    assert_offers(
        "{ config, ... }:\n{\n  config = {\n    hardware.nvidia-jetpack.super = true;\n    hardware = { nvidia-jetpack.$0 };\n  };\n}\n",
        &["som", "majorVersion"],
        &["super"],
    );
    // A dangling dot runs into the next line's binding: that binding still counts.
    assert_offers(
        "{\n  hardware.nvidia-jetpack.$0\n  hardware.nvidia-jetpack.som = \"orin-nx\";\n}\n",
        &["majorVersion", "carrierBoard"],
        &["som"],
    );
    assert_offers(
        "{\n  hardware.nvidia-jetpack = {\n    $0\n    som = \"orin-nx\";\n  };\n}\n",
        &["majorVersion"],
        &["som"],
    );
    // `inherit` sets a key too.
    assert_offers(
        "{ som, ... }:\n{\n  hardware.nvidia-jetpack = { inherit som; $0 };\n}\n",
        &["carrierBoard"],
        &["som"],
    );
    // The key being edited is still offered (the cursor is in it).
    assert_offers(
        "{\n  hardware.nvidia-jetpack.carrierBoard = \"devkit\";\n  hardware.nvidia-jetpack.so$0m = \"orin-nx\";\n}\n",
        &["som"],
        &["carrierBoard"],
    );
    assert_offers(
        "{\n  hardware.nvidia-jetpack = { so$0m = \"orin-nx\"; enable = true; };\n}\n",
        &["som", "majorVersion"],
        &["enable"],
    );
    // Groups and attrset-valued options can take more bindings: still offered.
    assert_offers(
        "{\n  hardware.nvidia-jetpack.firmware.autoUpdate = true;\n  hardware.nvidia-jetpack.$0\n}\n",
        &["firmware", "som"],
        &[],
    );
    assert_offers(
        "{\n  hardware.nvidia-jetpack.firmware.variants = { };\n  hardware.nvidia-jetpack.firmware.$0\n}\n",
        &["variants"],
        &[],
    );
    // Other definitions are merged by the module system, not written in this attrset: a leaf
    // set in another `mkMerge` element, in another module or under `mkIf` is still offered.
    assert_offers(
        "{ lib, ... }:\n{\n  config = lib.mkMerge [\n    { hardware.nvidia-jetpack.som = \"orin-nx\"; }\n    { hardware.nvidia-jetpack.$0 }\n  ];\n}\n",
        &["som"],
        &[],
    );
    // Below another path the same name is another option.
    assert_offers(
        "{\n  services.nvpmodel.enable = true;\n  hardware.nvidia-jetpack.$0\n}\n",
        &["enable"],
        &[],
    );
    assert_offers(
        "{\n  services.nvpmodel.enable = true;\n  services.nvpmodel.$0\n}\n",
        &["profileNumber", "configFile"],
        &["enable"],
    );
}

#[test]
fn completion_below_the_top_level() {
    check_completion(
        "{\n  hardware.nvidia-jetpack.firmware.uefi = {\n    secureBoot.$0\n  };\n}\n",
        expect![[r#"
            Option defaultDbEslFile ""->"defaultDbEslFile" | path
            Option defaultKekEslFile ""->"defaultKekEslFile" | path
            Option defaultPkEslFile ""->"defaultPkEslFile" | path
            Option enrollDefaultKeys ""->"enrollDefaultKeys" | boolean (default: false)
            OptionGroup signer ""->"signer" | 2 options
        "#]],
    );
    // Below an `attrsOf (submodule ...)`, any element name leads to the submodule's options.
    check_completion(
        "{\n  hardware.nvidia-jetpack.firmware.variants.my-board.$0\n}\n",
        expect![[r#"
            Option boardid ""->"boardid" | string
            Option boardrev ""->"boardrev" | string (default: "")
            Option boardsku ""->"boardsku" | string
            Option chiprev ""->"chiprev" | string (default: "")
            Option chipsku ""->"chipsku" | null or string (default: null)
            Option fab ""->"fab" | string
            Option fuselevel ""->"fuselevel" | string (default: "fuselevel_production")
            Option ramcode ""->"ramcode" | null or string (default: null)
        "#]],
    );
}

#[test]
fn completion_of_options_read_through_config() {
    assert_eq!(
        labels("{ config, lib, ... }: {\n  x = lib.mkIf config.hardware.nvidia-jetpack.$0\n}\n"),
        TOP_LEVEL
    );
    assert_eq!(
        labels("{ config, ... }: {\n  x = config.services.nvpmodel.pro$0;\n}\n"),
        ["configFile", "enable", "profileNumber"]
    );
}

#[test]
fn completion_leaves_out_renamed_options() {
    let firmware = labels("{\n  hardware.nvidia-jetpack.firmware.$0\n}\n");
    // `firmware.bootOrder` was renamed to `firmware.initialBootOrder`.
    assert!(
        firmware.contains(&"initialBootOrder".to_string()),
        "{firmware:?}"
    );
    assert!(!firmware.contains(&"bootOrder".to_string()), "{firmware:?}");
}

#[test]
fn completion_leads_into_the_namespaces() {
    check_completion(
        "{\n  hardware.nv$0\n}\n",
        expect![[r#"
        OptionGroup nvidia-jetpack "nv"->"nvidia-jetpack" | 78 options
    "#]],
    );
    check_completion(
        "{\n  services.$0\n}\n",
        expect![[r#"
        OptionGroup nvargus-daemon ""->"nvargus-daemon" | 2 options
        OptionGroup nvfancontrol ""->"nvfancontrol" | 2 options
        OptionGroup nvpmodel ""->"nvpmodel" | 3 options
    "#]],
    );
    check_completion(
        "{ config, ... }: {\n  $0\n}\n",
        expect![[r#"
        OptionGroup hardware ""->"hardware" | 78 options
        OptionGroup services ""->"services" | 7 options
    "#]],
    );
    check_completion(
        "{\n  services = { nvpmodel.$0 };\n}\n",
        expect![[r#"
        Option configFile ""->"configFile" | null or path (default: null)
        Option enable ""->"enable" | boolean (default: false)
        Option profileNumber ""->"profileNumber" | null or signed integer (default: null)
    "#]],
    );
}

#[test]
fn completion_of_values() {
    // An enum, quoted outside a string.
    check_completion(
        "{\n  hardware.nvidia-jetpack.carrierBoard = $0\n}\n",
        expect![[r#"
            Value generic ""->"\"generic\"" | hardware.nvidia-jetpack.carrierBoard
            Value devkit ""->"\"devkit\"" | hardware.nvidia-jetpack.carrierBoard
            Value xavierNxDevkit ""->"\"xavierNxDevkit\"" | hardware.nvidia-jetpack.carrierBoard
        "#]],
    );
    // Inside the string, unquoted, replacing what is written.
    check_completion(
        "{\n  hardware.nvidia-jetpack = { som = \"orin-$0\"; };\n}\n",
        expect![[r#"
            Value generic "orin-"->"generic" | hardware.nvidia-jetpack.som
            Value orin-agx "orin-"->"orin-agx" | hardware.nvidia-jetpack.som
            Value orin-agx-industrial "orin-"->"orin-agx-industrial" | hardware.nvidia-jetpack.som
            Value orin-nx "orin-"->"orin-nx" | hardware.nvidia-jetpack.som
            Value orin-nano "orin-"->"orin-nano" | hardware.nvidia-jetpack.som
            Value thor-agx "orin-"->"thor-agx" | hardware.nvidia-jetpack.som
            Value thor-agx-t4000 "orin-"->"thor-agx-t4000" | hardware.nvidia-jetpack.som
            Value xavier-agx "orin-"->"xavier-agx" | hardware.nvidia-jetpack.som
            Value xavier-agx-industrial "orin-"->"xavier-agx-industrial" | hardware.nvidia-jetpack.som
            Value xavier-nx "orin-"->"xavier-nx" | hardware.nvidia-jetpack.som
            Value xavier-nx-emmc "orin-"->"xavier-nx-emmc" | hardware.nvidia-jetpack.som
        "#]],
    );
    // Booleans, with the next binding right after (rnix reads it as the value).
    check_completion(
        "{\n  hardware.nvidia-jetpack.enable = $0\n  hardware.nvidia-jetpack.som = \"orin-nx\";\n}\n",
        expect![[r#"
            Keyword true ""->"true" | hardware.nvidia-jetpack.enable
            Keyword false ""->"false" | hardware.nvidia-jetpack.enable
        "#]],
    );
    // After a binding without its `;`.
    assert_eq!(
        labels("{\n  networking.hostName = \"orin\"\n  services.nvfancontrol.enable = $0\n}\n"),
        ["true", "false"]
    );
    check_completion(
        "{\n  services.nvfancontrol = { enable = t$0; };\n}\n",
        expect![[r#"
            Keyword true "t"->"true" | services.nvfancontrol.enable
            Keyword false "t"->"false" | services.nvfancontrol.enable
        "#]],
    );
    // An unterminated string.
    check_completion(
        "{\n  hardware.nvidia-jetpack.majorVersion = \"$0\n}\n",
        expect![[r#"
            Value 5 ""->"5" | hardware.nvidia-jetpack.majorVersion
            Value 6 ""->"6" | hardware.nvidia-jetpack.majorVersion
            Value 7 ""->"7" | hardware.nvidia-jetpack.majorVersion
        "#]],
    );
    // Through a priority.
    let labels_default = labels(
        "{ lib, ... }: {\n  hardware.nvidia-jetpack.carrierBoard = lib.mkDefault \"$0\";\n}\n",
    );
    assert_eq!(labels_default, ["generic", "devkit", "xavierNxDevkit"]);
    // A value being written after the priority, before any quote: quoted values, as after `=`.
    check_completion(
        "{ lib, ... }: {\n  hardware.nvidia-jetpack.carrierBoard = lib.mkDefault $0\n}\n",
        expect![[r#"
            Value generic ""->"\"generic\"" | hardware.nvidia-jetpack.carrierBoard
            Value devkit ""->"\"devkit\"" | hardware.nvidia-jetpack.carrierBoard
            Value xavierNxDevkit ""->"\"xavierNxDevkit\"" | hardware.nvidia-jetpack.carrierBoard
        "#]],
    );
    for form in [
        "lib.mkForce t$0;",
        "mkDefault $0",
        "lib.mkOverride 50 $0",
        "mkForce\n    $0",
    ] {
        let fixture =
            format!("{{ lib, ... }}: with lib; {{\n  services.nvfancontrol.enable = {form}\n}}\n");
        assert_eq!(labels(&fixture), ["true", "false"], "{form}");
    }
    // Not a priority, or not right after `=`: nothing.
    for form in ["lib.mkDefaultX $0", "foo.mkDefault $0", "[ mkDefault $0"] {
        let fixture = format!("{{ lib, ... }}: {{\n  services.nvfancontrol.enable = {form}\n}}\n");
        assert_eq!(labels(&fixture), Vec::<String>::new(), "{form}");
    }
    // Right after the `=` (typed as a trigger character), a space comes first.
    check_completion(
        "{\n  hardware.nvidia-jetpack.enable =$0\n}\n",
        expect![[r#"
            Keyword true ""->" true" | hardware.nvidia-jetpack.enable
            Keyword false ""->" false" | hardware.nvidia-jetpack.enable
        "#]],
    );
    // Not an option with values: nothing.
    check_completion(
        "{\n  hardware.nvidia-jetpack.name = $0\n}\n",
        expect![[r#"
            (none)
        "#]],
    );
}

#[test]
fn user_modules_extend_enums() {
    check_completion(
        r#"#- /f/flake.nix
{ outputs = { self }: { }; }
#- /f/boards.nix
{ lib, ... }:
{
  options.hardware.nvidia-jetpack.carrierBoard = lib.mkOption {
    type = lib.types.enum [ "myCarrier" ];
  };
}
#- /f/configuration.nix
{
  hardware.nvidia-jetpack.carrierBoard = "$0";
}
"#,
        expect![[r#"
            Value generic ""->"generic" | hardware.nvidia-jetpack.carrierBoard
            Value devkit ""->"devkit" | hardware.nvidia-jetpack.carrierBoard
            Value xavierNxDevkit ""->"xavierNxDevkit" | hardware.nvidia-jetpack.carrierBoard
            Value myCarrier ""->"myCarrier" | hardware.nvidia-jetpack.carrierBoard
        "#]],
    );
}

#[test]
fn no_completion_where_options_do_not_go() {
    for text in [
        // a comment
        "{\n  # hardware.nvidia-jetpack.$0\n}\n",
        // a `let` binding
        "let hardware.nvidia-jetpack.$0 = 1; in { }\n",
        // a function's pattern
        "{ config, $0 }: { }\n",
        // a select expression in a value
        "{\n  x = pkgs.hardware.nvidia-jetpack.$0;\n}\n",
        // under an option that is not in a jetpack namespace
        "{\n  services.openssh.$0\n}\n",
        // the argument of some other function
        "{\n  x = foo { hardware.nvidia-jetpack.$0 };\n}\n",
        // a string that is not an option's value
        "{\n  x = \"hardware.nvidia-jetpack.$0\";\n}\n",
        // a path
        "{\n  imports = [ ./hardware.$0 ];\n}\n",
        "",
    ] {
        assert_eq!(completions(text), "(none)\n", "in:\n{text}");
    }
}

#[test]
fn out_of_range_offsets_give_nothing() {
    let loaded = load("{\n  hardware.nvidia-jetpack.$0\n  x = \"é\";\n}\n");
    let (db, file) = (loaded.host.db(), loaded.file());
    let len = TextSize::of(loaded.text());
    let inside_char = TextSize::from(loaded.text().find('é').unwrap() as u32 + 1);
    for offset in [
        len + TextSize::from(1),
        TextSize::from(u32::MAX),
        inside_char,
    ] {
        assert!(super::completion(db, file, offset).is_empty());
        assert!(super::hover(db, file, offset).is_none());
        assert!(super::definition(db, file, offset).is_empty());
    }
    // A lock file is not Nix.
    let lock = load(&FLAKE.replace(
        "#- /f/flake.lock @example/flake.lock",
        "#- /f/flake.lock @example/flake.lock\n#- /f/other.nix",
    ));
    let lock_file = crate::db::file_by_path(lock.host.db(), "/f/flake.lock").unwrap();
    for o in [0, 10, 100] {
        let offset = TextSize::from(o);
        assert!(super::completion(lock.host.db(), lock_file, offset).is_empty());
        assert!(super::hover(lock.host.db(), lock_file, offset).is_none());
    }
    assert!(super::document_symbols(lock.host.db(), lock_file).is_empty());
    assert!(super::inlay_hints(lock.host.db(), lock_file, 0).is_empty());
    // The very end is a valid place.
    let _ = super::completion(db, file, len);
}

#[test]
fn completion_in_flake_modules() {
    let inline = r#"#- /f/flake.nix
{
  outputs = { self, nixpkgs, jetpack }: {
    nixosConfigurations.orin = nixpkgs.lib.nixosSystem {
      modules = [
        jetpack.nixosModules.default
        { hardware.nvidia-jetpack.$0 }
      ];
    };
  };
}
"#;
    assert_eq!(labels(inline), TOP_LEVEL);
    let module = r#"#- /f/flake.nix
{
  outputs = { self }: {
    nixosModules.default = { config, ... }: { hardware.nvidia-jetpack = { $0 }; };
    nixosModules.plain = { hardware.nvidia-jetpack.$0 };
  };
}
"#;
    assert_eq!(labels(module), TOP_LEVEL);
    // Values and hover there too.
    let value = inline.replace("nvidia-jetpack.$0", "nvidia-jetpack.super = $0");
    assert_eq!(labels(&value), ["true", "false"]);
    let hover = inline.replace("nvidia-jetpack.$0", "nvidia-jetpack.su$0per = true;");
    expect![[r#"
        "hardware.nvidia-jetpack.super"
        **hardware.nvidia-jetpack.super**

        *Type:* boolean

        *Default:* `false`

        *Declared in* `modules/default.nix:93` of jetpack-nixos 4d857d6 (bundled index)
    "#]]
    .assert_eq(&hover_text(&load(&hover)));
}

const FLAKE: &str = r#"#- /f/flake.nix
{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    jetpack.url = "github:anduril/jetpack-nixos";
    flake-utils.url = "github:numtide/flake-utils";
  };
  outputs = { self, nixpkgs, jetpack, flake-utils, ... }: {
    nixosConfigurations.orin-agx = nixpkgs.lib.nixosSystem {
      system = "aarch64-linux";
      modules = [ jetpack.nixosModules.default ./configuration.nix ];
    };
  };
}
#- /f/flake.lock @example/flake.lock
#- /f/configuration.nix
{ hardware.nvidia-jetpack.enable = true; }
"#;

/// The example flake with `from` replaced by `to` (which holds the cursor).
fn flake_with(from: &str, to: &str) -> String {
    assert!(FLAKE.contains(from), "{from}");
    FLAKE.replacen(from, to, 1)
}

#[test]
fn completion_of_output_names() {
    check_completion(
        &flake_with(
            "  outputs = { self, nixpkgs, jetpack, flake-utils, ... }: {\n",
            "  outputs = { self, nixpkgs, jetpack, flake-utils, ... }: {\n    $0\n",
        ),
        expect![[r#"
            Output apps ""->"apps" | per system
            Output bundlers ""->"bundlers" | per system
            Output checks ""->"checks" | per system
            Output darwinConfigurations ""->"darwinConfigurations"
            Output darwinModules ""->"darwinModules"
            Output devShells ""->"devShells" | per system
            Output flakeModules ""->"flakeModules"
            Output formatter ""->"formatter" | per system
            Output homeConfigurations ""->"homeConfigurations"
            Output homeManagerModules ""->"homeManagerModules"
            Output homeModules ""->"homeModules"
            Output hydraJobs ""->"hydraJobs"
            Output legacyPackages ""->"legacyPackages" | per system
            Output lib ""->"lib"
            Output nixosConfigurations ""->"nixosConfigurations"
            Output nixosModules ""->"nixosModules"
            Output overlays ""->"overlays"
            Output packages ""->"packages" | per system
            Output schemas ""->"schemas"
            Output templates ""->"templates"
            Output flakeModule ""->"flakeModule"
            Output homeManagerModule ""->"homeManagerModule"
            Output darwinModule ""->"darwinModule"
            Output nixopsConfigurations ""->"nixopsConfigurations"
        "#]],
    );
    // Mid-edit, with a partial name and no `=` yet.
    let partial = flake_with(
        "    nixosConfigurations.orin-agx",
        "    nixosConf$0\n    nixosConfigurations.orin-agx",
    );
    assert!(labels(&partial).contains(&"nixosConfigurations".to_string()));
    // Per-system helpers: the system level is implicit.
    let per_system = r#"#- /f/flake.nix
{
  outputs = { self, nixpkgs, flake-utils }:
    flake-utils.lib.eachDefaultSystem (system: {
      $0
    });
}
"#;
    // flake-parts: `flake = { ... }` holds outputs, `perSystem` per-system ones.
    let parts = "#- /f/flake.nix\n{ outputs = inputs: inputs.parts.lib.mkFlake { inherit inputs; } {\n  flake = { nixosConf$0 };\n}; }\n";
    assert!(labels(parts).contains(&"nixosConfigurations".to_string()));
    let parts_dotted = parts.replace("flake = { nixosConf$0 };", "flake.nixosConf$0");
    assert!(labels(&parts_dotted).contains(&"nixosConfigurations".to_string()));
    let per = parts.replace(
        "flake = { nixosConf$0 };",
        "perSystem = { pkgs, ... }: { $0 };",
    );
    assert_eq!(labels(&per).len(), 7);
    check_completion(
        per_system,
        expect![[r#"
            Output apps ""->"apps"
            Output bundlers ""->"bundlers"
            Output checks ""->"checks"
            Output devShells ""->"devShells"
            Output formatter ""->"formatter"
            Output legacyPackages ""->"legacyPackages"
            Output packages ""->"packages"
        "#]],
    );
}

#[test]
fn completion_of_systems() {
    let key = flake_with(
        "    nixosConfigurations.orin-agx",
        "    packages.$0\n    nixosConfigurations.orin-agx",
    );
    let labels_key = labels(&key);
    assert_eq!(labels_key.len(), crate::systems::KNOWN_SYSTEMS.len());
    assert_eq!(labels_key[..2], ["x86_64-linux", "aarch64-linux"]);
    let nested = flake_with(
        "    nixosConfigurations.orin-agx",
        "    devShells = { $0 };\n    nixosConfigurations.orin-agx",
    );
    assert_eq!(labels(&nested), labels_key);
    check_completion(
        &flake_with("system = \"aarch64-linux\"", "system = \"aarch$0\""),
        expect![[r#"
            System x86_64-linux "aarch"->"x86_64-linux"
            System aarch64-linux "aarch"->"aarch64-linux"
            System x86_64-darwin "aarch"->"x86_64-darwin"
            System aarch64-darwin "aarch"->"aarch64-darwin"
            System i686-linux "aarch"->"i686-linux"
            System armv6l-linux "aarch"->"armv6l-linux"
            System armv7l-linux "aarch"->"armv7l-linux"
            System armv7a-linux "aarch"->"armv7a-linux"
            System armv5tel-linux "aarch"->"armv5tel-linux"
            System aarch64_be-linux "aarch"->"aarch64_be-linux"
            System riscv32-linux "aarch"->"riscv32-linux"
            System riscv64-linux "aarch"->"riscv64-linux"
            System powerpc-linux "aarch"->"powerpc-linux"
            System powerpc64-linux "aarch"->"powerpc64-linux"
            System powerpc64le-linux "aarch"->"powerpc64le-linux"
            System mips-linux "aarch"->"mips-linux"
            System mipsel-linux "aarch"->"mipsel-linux"
            System mips64-linux "aarch"->"mips64-linux"
            System mips64el-linux "aarch"->"mips64el-linux"
            System loongarch64-linux "aarch"->"loongarch64-linux"
            System s390-linux "aarch"->"s390-linux"
            System s390x-linux "aarch"->"s390x-linux"
            System m68k-linux "aarch"->"m68k-linux"
            System microblaze-linux "aarch"->"microblaze-linux"
            System microblazeel-linux "aarch"->"microblazeel-linux"
            System armv7a-darwin "aarch"->"armv7a-darwin"
            System i686-darwin "aarch"->"i686-darwin"
            System x86_64-freebsd "aarch"->"x86_64-freebsd"
            System i686-freebsd "aarch"->"i686-freebsd"
            System aarch64-freebsd "aarch"->"aarch64-freebsd"
            System powerpc64-freebsd "aarch"->"powerpc64-freebsd"
            System x86_64-netbsd "aarch"->"x86_64-netbsd"
            System i686-netbsd "aarch"->"i686-netbsd"
            System aarch64-netbsd "aarch"->"aarch64-netbsd"
            System armv6l-netbsd "aarch"->"armv6l-netbsd"
            System armv7a-netbsd "aarch"->"armv7a-netbsd"
            System armv7l-netbsd "aarch"->"armv7l-netbsd"
            System mipsel-netbsd "aarch"->"mipsel-netbsd"
            System powerpc-netbsd "aarch"->"powerpc-netbsd"
            System riscv32-netbsd "aarch"->"riscv32-netbsd"
            System riscv64-netbsd "aarch"->"riscv64-netbsd"
            System m68k-netbsd "aarch"->"m68k-netbsd"
            System x86_64-openbsd "aarch"->"x86_64-openbsd"
            System i686-openbsd "aarch"->"i686-openbsd"
            System x86_64-solaris "aarch"->"x86_64-solaris"
            System x86_64-illumos "aarch"->"x86_64-illumos"
            System x86_64-cygwin "aarch"->"x86_64-cygwin"
            System i686-cygwin "aarch"->"i686-cygwin"
            System x86_64-windows "aarch"->"x86_64-windows"
            System i686-windows "aarch"->"i686-windows"
            System aarch64-windows "aarch"->"aarch64-windows"
            System x86_64-genode "aarch"->"x86_64-genode"
            System i686-genode "aarch"->"i686-genode"
            System aarch64-genode "aarch"->"aarch64-genode"
            System x86_64-redox "aarch"->"x86_64-redox"
            System aarch64-none "aarch"->"aarch64-none"
            System aarch64_be-none "aarch"->"aarch64_be-none"
            System arm-none "aarch"->"arm-none"
            System armv6l-none "aarch"->"armv6l-none"
            System avr-none "aarch"->"avr-none"
            System i686-none "aarch"->"i686-none"
            System microblaze-none "aarch"->"microblaze-none"
            System microblazeel-none "aarch"->"microblazeel-none"
            System mips-none "aarch"->"mips-none"
            System mips64-none "aarch"->"mips64-none"
            System msp430-none "aarch"->"msp430-none"
            System or1k-none "aarch"->"or1k-none"
            System m68k-none "aarch"->"m68k-none"
            System powerpc-none "aarch"->"powerpc-none"
            System powerpcle-none "aarch"->"powerpcle-none"
            System riscv32-none "aarch"->"riscv32-none"
            System riscv64-none "aarch"->"riscv64-none"
            System rx-none "aarch"->"rx-none"
            System s390-none "aarch"->"s390-none"
            System s390x-none "aarch"->"s390x-none"
            System vc4-none "aarch"->"vc4-none"
            System x86_64-none "aarch"->"x86_64-none"
            System wasm32-wasi "aarch"->"wasm32-wasi"
            System wasm64-wasi "aarch"->"wasm64-wasi"
            System js-ghcjs "aarch"->"js-ghcjs"
            System mmix-mmixware "aarch"->"mmix-mmixware"
        "#]],
    );
    for text in [
        "#- /f/flake.nix\n{ outputs = { self, utils }: utils.lib.eachSystem [ \"$0\" ] (system: { }); }\n",
        "#- /f/flake.nix\n{ outputs = inputs: inputs.parts.lib.mkFlake { inherit inputs; } { systems = [ \"x86_64-linux\" \"$0\" ]; }; }\n",
        "#- /f/flake.nix\n{ outputs = { nixpkgs, ... }: { packages = nixpkgs.lib.genAttrs [ \"$0\" ] (s: { }); }; }\n",
    ] {
        assert_eq!(labels(text), labels_key, "in:\n{text}");
    }
}

#[test]
fn completion_of_follows() {
    check_completion(
        &flake_with("    jetpack.url = \"github:anduril/jetpack-nixos\";\n", "    jetpack.url = \"github:anduril/jetpack-nixos\";\n    jetpack.inputs.nixpkgs.follows = \"$0\";\n"),
        expect![[r#"
            Input nixpkgs ""->"nixpkgs" | github:NixOS/nixpkgs/nixos-24.11
            Input flake-utils ""->"flake-utils" | github:numtide/flake-utils
            Input flake-utils/systems ""->"flake-utils/systems" | github:nix-systems/default/3cb28b6
        "#]],
    );
    // Unterminated, at the end of a line: not `jetpack` nor `jetpack/nixpkgs` (a cycle).
    let open = flake_with(
        "    jetpack.url = \"github:anduril/jetpack-nixos\";\n",
        "    jetpack.inputs.nixpkgs.follows = \"ni$0\n",
    );
    assert_eq!(
        labels(&open),
        ["nixpkgs", "flake-utils", "flake-utils/systems"]
    );
    // Another input of the same input may be followed; in the nested form too.
    let nested = flake_with(
        "    jetpack.url = \"github:anduril/jetpack-nixos\";\n",
        "    jetpack = { url = \"github:anduril/jetpack-nixos\"; inputs.utils.follows = \"$0\"; };\n",
    );
    assert_eq!(
        labels(&nested),
        [
            "nixpkgs",
            "flake-utils",
            "jetpack/nixpkgs",
            "flake-utils/systems"
        ]
    );
    let other = flake_with(
        "    flake-utils.url = \"github:numtide/flake-utils\";\n",
        "    flake-utils.url = \"github:numtide/flake-utils\";\n    flake-utils.inputs.x.follows = \"$0\";\n",
    );
    assert!(labels(&other).contains(&"jetpack/nixpkgs".to_string()));
    assert!(labels(&other).contains(&"flake-utils/systems".to_string()));
    assert!(!labels(&other).contains(&"flake-utils".to_string()));
}

#[test]
fn completion_of_url_schemes() {
    check_completion(
        &flake_with(
            "    flake-utils.url = \"github:numtide/flake-utils\";",
            "    flake-utils.url = \"git$0\";",
        ),
        expect![[r#"
            UrlScheme github: "git"->"github:" | github:owner/repo[/ref-or-rev]
            UrlScheme gitlab: "git"->"gitlab:" | gitlab:owner/repo[/ref-or-rev]
            UrlScheme sourcehut: "git"->"sourcehut:" | sourcehut:~owner/repo[/ref-or-rev]
            UrlScheme git+https:// "git"->"git+https://" | a Git repository over HTTPS
            UrlScheme git+ssh:// "git"->"git+ssh://" | a Git repository over SSH
            UrlScheme git+file:// "git"->"git+file://" | a local Git repository
            UrlScheme git+http:// "git"->"git+http://" | a Git repository over HTTP
            UrlScheme path: "git"->"path:" | a local directory (copied whole)
            UrlScheme tarball+https:// "git"->"tarball+https://" | a tarball to unpack
            UrlScheme file+https:// "git"->"file+https://" | a single file
            UrlScheme https:// "git"->"https://" | a tarball or file, by extension
            UrlScheme hg+https:// "git"->"hg+https://" | a Mercurial repository
            UrlScheme flake: "git"->"flake:" | a name looked up in the flake registry
            UrlScheme nixpkgs "git"->"nixpkgs" | the registry's nixpkgs (indirect)
        "#]],
    );
    // Not a `url` of the inputs: nothing.
    let fetch = flake_with(
        "      system = \"aarch64-linux\";",
        "      src = fetchurl { url = \"$0\"; };",
    );
    assert!(labels(&fetch).is_empty());
    // Once a scheme is written, there is nothing more to offer.
    let written = flake_with("\"github:numtide/flake-utils\"", "\"github:$0\"");
    assert!(labels(&written).is_empty());
}

fn hover_text(loaded: &Loaded) -> String {
    match super::hover(loaded.host.db(), loaded.file(), loaded.offset) {
        Some(h) => format!("{}\n{}\n", show_range(loaded.text(), h.range), h.markdown),
        None => "(none)\n".to_string(),
    }
}

fn check_hover(fixture: &str, expect: Expect) {
    expect.assert_eq(&hover_text(&load(fixture)));
}

/// A jetpack-nixos source with descriptions, as files of the fixture below `/jetpack`, set as
/// the option source of the flake at `/f`.
fn with_jetpack_source(mut loaded: Loaded) -> Loaded {
    let files = loaded.fixture.files.clone();
    let tree = crate::options::extract_tree("/jetpack/modules/default.nix", &mut |path| {
        files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
    });
    let source = crate::options::index::SourceOptions {
        source: crate::options::index::OptionSource {
            kind: crate::options::index::SourceKind::Explicit,
            path: Some("/jetpack".to_string()),
            rev: None,
            stand_in_for: None,
        },
        options: tree.options,
        renames: tree.renames,
        problems: tree.problems,
        // As a loader that does not know the lines: they come from the texts in the database.
        lines: Vec::new(),
        rename_lines: Vec::new(),
    };
    let mut sources = std::collections::BTreeMap::new();
    sources.insert("/f".to_string(), std::sync::Arc::new(source));
    loaded.host.apply_change(Change {
        option_sources: Some(sources),
        ..Change::default()
    });
    loaded
}

const JETPACK_SOURCE: &str = r#"#- /jetpack/modules/default.nix
{ config, lib, ... }:
{
  imports = [
    (lib.mkRenamedOptionModule [ "hardware" "nvidia-jetpack" "bootloader" "logo" ] [ "hardware" "nvidia-jetpack" "firmware" "logo" ])
  ];
  options.hardware.nvidia-jetpack = {
    som = lib.mkOption {
      type = lib.types.enum [ "orin-agx" "orin-nx" ];
      default = "orin-agx";
      description = "The Jetson module on the carrier board.";
    };
    firmware.logo = lib.mkOption {
      type = lib.types.nullOr lib.types.path;
      default = null;
      description = ''
        An image shown while the board boots.
      '';
    };
  };
}
#- /f/flake.nix
{ outputs = { self }: { }; }
"#;

#[test]
fn hover_over_options() {
    check_hover(
        "{\n  hardware.nvidia-jetpack.s$0om = \"orin-nx\";\n}\n",
        expect![[r#"
            "hardware.nvidia-jetpack.som"
            **hardware.nvidia-jetpack.som**

            *Type:* one of "generic", "orin-agx", "orin-agx-industrial", "orin-nx", "orin-nano", "thor-agx", "thor-agx-t4000", "xavier-agx", "xavier-agx-industrial", "xavier-nx", "xavier-nx-emmc"

            *Default:* `"generic"`

            *Declared in* `modules/default.nix:69` of jetpack-nixos 4d857d6 (bundled index)
        "#]],
    );
    // In a nested attrset the hover covers the key as written.
    check_hover(
        "{ lib, ... }: {\n  config = lib.mkIf true { hardware.nvidia-jetpack = { carrier$0Board = \"devkit\"; }; };\n}\n",
        expect![[r#"
            "carrierBoard"
            **hardware.nvidia-jetpack.carrierBoard**

            *Type:* one of "generic", "devkit", "xavierNxDevkit"

            *Default:* `"generic"`

            *Declared in* `modules/default.nix:101` of jetpack-nixos 4d857d6 (bundled index)
        "#]],
    );
    // A group, and a value read through `config`.
    check_hover(
        "{\n  hardware.nvidia-jetpack.firm$0ware.autoUpdate = true;\n}\n",
        expect![[r#"
            "hardware.nvidia-jetpack.firmware"
            **hardware.nvidia-jetpack.firmware**

            Option group: 8 entries below it, in jetpack-nixos 4d857d6 (bundled index)
        "#]],
    );
    check_hover(
        "{ config, ... }: {\n  x = config.hardware.nvidia-jetpack.ena$0ble;\n}\n",
        expect![[r#"
            "hardware.nvidia-jetpack.enable"
            **hardware.nvidia-jetpack.enable**

            *Type:* boolean

            *Default:* `false`

            *Declared in* `modules/default.nix:48` of jetpack-nixos 4d857d6 (bundled index)
        "#]],
    );
    // Renamed and unknown options.
    check_hover(
        "{\n  hardware.nvidia-jetpack.firmware.boot$0Order = [ ];\n}\n",
        expect![[r#"
            "hardware.nvidia-jetpack.firmware.bootOrder"
            **hardware.nvidia-jetpack.firmware.bootOrder**

            Renamed: use `hardware.nvidia-jetpack.firmware.initialBootOrder` instead.

            *Declared in* `modules/flash-script.nix:19` of jetpack-nixos 4d857d6 (bundled index)
        "#]],
    );
    check_hover(
        "{\n  hardware.nvidia-jetpack.somm$0 = \"orin-nx\";\n}\n",
        expect![[r#"
            "hardware.nvidia-jetpack.somm"
            **hardware.nvidia-jetpack.somm**

            Not declared by jetpack-nixos 4d857d6 (bundled index).
        "#]],
    );
    // Outside the jetpack namespaces, nothing.
    check_hover(
        "{\n  services.open$0ssh.enable = true;\n}\n",
        expect![[r#"
        (none)
    "#]],
    );
}

/// Over the value a module sets, the option's hover (nil users hover the value as often as
/// the key): strings, booleans, numbers, through priorities and in lists; not elsewhere.
#[test]
fn hover_over_values() {
    check_hover(
        "{\n  hardware.nvidia-jetpack.som = \"orin-$0nx\";\n}\n",
        expect![[r#"
            "\"orin-nx\""
            **hardware.nvidia-jetpack.som**

            *Type:* one of "generic", "orin-agx", "orin-agx-industrial", "orin-nx", "orin-nano", "thor-agx", "thor-agx-t4000", "xavier-agx", "xavier-agx-industrial", "xavier-nx", "xavier-nx-emmc"

            *Default:* `"generic"`

            *Declared in* `modules/default.nix:69` of jetpack-nixos 4d857d6 (bundled index)
        "#]],
    );
    for (fixture, option) in [
        (
            "{ hardware.nvidia-jetpack = { enable = tr$0ue; }; }",
            "hardware.nvidia-jetpack.enable",
        ),
        (
            "{ lib, ... }: { services.nvpmodel.profileNumber = lib.mkDefault ($03); }",
            "services.nvpmodel.profileNumber",
        ),
        (
            "{ hardware.nvidia-jetpack.firmware.initialBootOrder = [ \"nvme\" \"s$0d\" ]; }",
            "hardware.nvidia-jetpack.firmware.initialBootOrder",
        ),
    ] {
        let loaded = load(&format!("#- /f/configuration.nix\n{fixture}\n"));
        let hover = super::hover(loaded.host.db(), loaded.file(), loaded.offset)
            .unwrap_or_else(|| panic!("no hover in {fixture}"));
        assert!(
            hover.markdown.starts_with(&format!("**{option}**")),
            "{}",
            hover.markdown
        );
    }
    // Not a setting's value: a `let` binding, an argument of another function, outside the
    // jetpack namespaces.
    for fixture in [
        "let som = \"orin-$0nx\"; in { hardware.nvidia-jetpack.som = som; }",
        "{ hardware.nvidia-jetpack.som = builtins.head [ \"orin-$0nx\" ]; }",
        "{ networking.hostName = \"or$0in\"; }",
    ] {
        let loaded = load(&format!("#- /f/configuration.nix\n{fixture}\n"));
        let hover = super::hover(loaded.host.db(), loaded.file(), loaded.offset);
        assert_eq!(hover, None, "{fixture}");
    }
}

#[test]
fn hover_and_definition_with_a_jetpack_source() {
    let fixture = format!(
        "{JETPACK_SOURCE}#- /f/configuration.nix\n{{\n  hardware.nvidia-jetpack.so$0m = \"orin-nx\";\n  hardware.nvidia-jetpack.bootloader.logo = ./logo.png;\n}}\n"
    );
    let loaded = with_jetpack_source(load(&fixture));
    expect![[r#"
        "hardware.nvidia-jetpack.som"
        **hardware.nvidia-jetpack.som**

        *Type:* one of "orin-agx", "orin-nx"

        *Default:* `"orin-agx"`

        The Jetson module on the carrier board.

        *Declared in* `modules/default.nix:7` of jetpack-nixos (explicit source /jetpack)
    "#]]
    .assert_eq(&hover_text(&loaded));
    expect![[r#"
        /jetpack/modules/default.nix:7:5 "som"
    "#]]
    .assert_eq(&definitions(&loaded));
    // Completion items carry the description and the declaration as documentation.
    let completing = with_jetpack_source(load(&fixture.replace("so$0m", "$0")));
    let items = super::completion(completing.host.db(), completing.file(), completing.offset);
    let som = items
        .iter()
        .find(|i| i.label == "som")
        .expect("som is offered");
    expect![[r#"
        one of "orin-agx", "orin-nx" (default: "orin-agx")
        **hardware.nvidia-jetpack.som**

        The Jetson module on the carrier board.

        *Declared in* `modules/default.nix:7` of jetpack-nixos (explicit source /jetpack)
    "#]]
    .assert_eq(&format!(
        "{}\n{}\n",
        som.detail.as_deref().unwrap_or(""),
        som.documentation.as_deref().unwrap_or("")
    ));
    // The renamed path is not offered, its new path is.
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["firmware", "som"]);
    let renamed = fixture
        .replace("so$0m", "som")
        .replace("bootloader.lo", "bootloader.lo$0");
    let loaded = with_jetpack_source(load(&renamed));
    expect![[r#"
        "hardware.nvidia-jetpack.bootloader.logo"
        **hardware.nvidia-jetpack.bootloader.logo**

        Renamed: use `hardware.nvidia-jetpack.firmware.logo` instead.

        *Declared in* `modules/default.nix:4` of jetpack-nixos (explicit source /jetpack)
    "#]]
    .assert_eq(&hover_text(&loaded));
    expect![[r#"
        /jetpack/modules/default.nix:4:32 "[ \"hardware\" \"nvidia-jetpack\" \"bootloader\" \"logo\" ]"
    "#]].assert_eq(&definitions(&loaded));
}

fn definitions(loaded: &Loaded) -> String {
    let targets = super::definition(loaded.host.db(), loaded.file(), loaded.offset);
    let mut out = String::new();
    for t in &targets {
        let text = loaded.text_of(&t.path);
        let lines = crate::syntax::LineIndex::new(text);
        let at = lines.line_col(text, t.range.start(), crate::syntax::ColumnUnit::Char);
        out.push_str(&format!(
            "{}:{}:{} {}\n",
            t.path,
            at.line + 1,
            at.col + 1,
            show_range(text, t.range)
        ));
    }
    if out.is_empty() {
        out.push_str("(none)\n");
    }
    out
}

fn check_definition(fixture: &str, expect: Expect) {
    expect.assert_eq(&definitions(&load(fixture)));
}

#[test]
fn no_definition_in_the_bundled_index() {
    // The bundled index has no files on this machine to go to.
    check_definition(
        "{\n  hardware.nvidia-jetpack.s$0om = \"orin-nx\";\n}\n",
        expect![[r#"
            (none)
        "#]],
    );
}

#[test]
fn hover_over_inputs() {
    // Where an input is declared.
    check_hover(
        &flake_with("    jetpack.url", "    jet$0pack.url"),
        expect![[r#"
        "jetpack"
        **input `jetpack`**

        URL: `github:anduril/jetpack-nixos`  
        Locked: `github:anduril/jetpack-nixos/10effed`  
        Revision: `10effed87e908b6243ab950419c103841874f52c`  
        Date: 2025-02-10  
        narHash: `sha256-WLbkjgR6BIVe3f3OG+yTFkUe35abHWXcRJyE6P0NObE=`  
        Its inputs: `nixpkgs`: own copy `github:NixOS/nixpkgs/3b4de0a`, 2024-05-01
    "#]],
    );
    // Its URL.
    let url = hover_text(&load(&flake_with(
        "github:anduril/jetpack-nixos\"",
        "github:anduril/jet$0pack-nixos\"",
    )));
    assert!(
        url.starts_with("\"\\\"github:anduril/jetpack-nixos\\\"\"\n**input `jetpack`**"),
        "{url}"
    );
    // An `outputs` parameter and a use of it.
    check_hover(
        &flake_with("self, nixpkgs, jetpack,", "self, nixpkgs, jetpack$0,"),
        expect![[r#"
        "jetpack"
        **input `jetpack`**

        URL: `github:anduril/jetpack-nixos`  
        Locked: `github:anduril/jetpack-nixos/10effed`  
        Revision: `10effed87e908b6243ab950419c103841874f52c`  
        Date: 2025-02-10  
        narHash: `sha256-WLbkjgR6BIVe3f3OG+yTFkUe35abHWXcRJyE6P0NObE=`  
        Its inputs: `nixpkgs`: own copy `github:NixOS/nixpkgs/3b4de0a`, 2024-05-01
    "#]],
    );
    check_hover(
        &flake_with(
            "jetpack.nixosModules.default",
            "jet$0pack.nixosModules.default",
        ),
        expect![[r#"
            "jetpack"
            **input `jetpack`**

            URL: `github:anduril/jetpack-nixos`  
            Locked: `github:anduril/jetpack-nixos/10effed`  
            Revision: `10effed87e908b6243ab950419c103841874f52c`  
            Date: 2025-02-10  
            narHash: `sha256-WLbkjgR6BIVe3f3OG+yTFkUe35abHWXcRJyE6P0NObE=`  
            Its inputs: `nixpkgs`: own copy `github:NixOS/nixpkgs/3b4de0a`, 2024-05-01
        "#]],
    );
    // A nested input, which follows nothing here: it has its own copy.
    check_hover(
        &flake_with(
            "    flake-utils.url = \"github:numtide/flake-utils\";",
            "    flake-utils.url = \"github:numtide/flake-utils\";\n    jetpack.inputs.nix$0pkgs.follows = \"nixpkgs\";",
        ),
        expect![[r#"
            "nixpkgs"
            **input `jetpack/nixpkgs`**

            Follows: `nixpkgs`  
            Locked: `github:NixOS/nixpkgs/3b4de0a`  
            Revision: `3b4de0a5e199be8ba3ff37ce798aedaca7307417`  
            Date: 2024-05-01  
            narHash: `sha256-ak0NqoLd3aQ3zZ2OSj1c2nu8SdkSAgJU8orXP4X+4Io=`
        "#]],
    );
}

#[test]
fn hover_shows_what_follows_what() {
    check_hover(
        r#"#- /f/flake.nix
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
  inputs.jetpack = {
    url = "github:anduril/jetpack-nixos";
    inputs.nixpkgs.follows = "nix$0pkgs";
  };
  outputs = { self, nixpkgs, jetpack }: { };
}
#- /f/flake.lock
{
  "nodes": {
    "jetpack": {
      "inputs": { "nixpkgs": [ "nixpkgs" ] },
      "locked": { "lastModified": 1739188800, "narHash": "sha256-WLbkjgR6BIVe3f3OG+yTFkUe35abHWXcRJyE6P0NObE=", "owner": "anduril", "repo": "jetpack-nixos", "rev": "10effed87e908b6243ab950419c103841874f52c", "type": "github" },
      "original": { "owner": "anduril", "repo": "jetpack-nixos", "type": "github" }
    },
    "nixpkgs": {
      "locked": { "lastModified": 1732104000, "narHash": "sha256-seqcbOUyvdeYl3kmgBV2QTtkLEFblvQhPeWBGHnh4h8=", "owner": "NixOS", "repo": "nixpkgs", "rev": "0302c40fea426918ba86ba04d9ffdfd1be0e5c2c", "type": "github" },
      "original": { "owner": "NixOS", "ref": "nixos-24.11", "repo": "nixpkgs", "type": "github" }
    },
    "root": { "inputs": { "jetpack": "jetpack", "nixpkgs": "nixpkgs" } }
  },
  "root": "root",
  "version": 7
}
"#,
        expect![[r#"
            "\"nixpkgs\""
            **input `nixpkgs`**

            URL: `github:NixOS/nixpkgs/nixos-24.11`  
            Locked: `github:NixOS/nixpkgs/0302c40`  
            Revision: `0302c40fea426918ba86ba04d9ffdfd1be0e5c2c`  
            Date: 2024-11-20  
            narHash: `sha256-seqcbOUyvdeYl3kmgBV2QTtkLEFblvQhPeWBGHnh4h8=`  
            Followed by: `jetpack/nixpkgs`
        "#]],
    );
}

#[test]
fn hover_over_paths() {
    let fixture = r#"#- !git /f
#- /f/flake.nix
{ outputs = { self }: { }; }
#- /f/configuration.nix
{
  imports = [ ./hard$0ware.nix ./camera.nix ./modules ./missing.nix ];
}
#- /f/hardware.nix
{ }
#- /f/camera.nix untracked
{ }
#- /f/modules/default.nix
{ }
"#;
    check_hover(
        fixture,
        expect![[r#"
        "./hardware.nix"
        `./hardware.nix` → `/f/hardware.nix`  
        Exists  
        Tracked by git
    "#]],
    );
    check_hover(
        &fixture
            .replace("./hard$0ware", "./hardware")
            .replace("./cam", "./cam$0"),
        expect![[r#"
        "./camera.nix"
        `./camera.nix` → `/f/camera.nix`  
        Exists  
        **Not tracked by git**: the flake cannot see it (`git add camera.nix`)
    "#]],
    );
    check_hover(
        &fixture
            .replace("./hard$0ware", "./hardware")
            .replace("./mod", "./mod$0"),
        expect![[r#"
        "./modules"
        `./modules` → `/f/modules`  
        A directory; Nix imports `/f/modules/default.nix`  
        Tracked by git
    "#]],
    );
    check_hover(
        &fixture
            .replace("./hard$0ware", "./hardware")
            .replace("./miss", "./miss$0"),
        expect![[r#"
        "./missing.nix"
        `./missing.nix` → `/f/missing.nix`  
        **Does not exist**
    "#]],
    );
}

#[test]
fn definitions_of_paths_and_inputs() {
    let fixture = r#"#- /f/flake.nix
{ outputs = { self }: { }; }
#- /f/configuration.nix
{
  imports = [ ./hard$0ware.nix ./modules ./missing.nix ];
}
#- /f/hardware.nix
{ }
#- /f/modules/default.nix
{ }
"#;
    check_definition(
        fixture,
        expect![[r#"
        /f/hardware.nix:1:1 ""
    "#]],
    );
    check_definition(
        &fixture
            .replace("./hard$0ware", "./hardware")
            .replace("./mod", "./mod$0"),
        expect![[r#"
        /f/modules/default.nix:1:1 ""
    "#]],
    );
    check_definition(
        &fixture
            .replace("./hard$0ware", "./hardware")
            .replace("./miss", "./miss$0"),
        expect![[r#"
        (none)
    "#]],
    );
    // An input use, a parameter, and follows targets (root and nested).
    check_definition(
        &flake_with(
            "jetpack.nixosModules.default",
            "jet$0pack.nixosModules.default",
        ),
        expect![[r#"
        /f/flake.nix:4:5 "jetpack"
    "#]],
    );
    check_definition(
        &flake_with("self, nixpkgs,", "self, nix$0pkgs,"),
        expect![[r#"
        /f/flake.nix:3:5 "nixpkgs"
    "#]],
    );
    let follows = r#"#- /f/flake.nix
{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs";
    jetpack.url = "github:anduril/jetpack-nixos";
    jetpack.inputs.nixpkgs.follows = "nixpkgs";
    other.inputs.nixpkgs.follows = "jetpack/nix$0pkgs";
  };
  outputs = { self, ... }@inputs: { x = inputs.jetpack; };
}
"#;
    check_definition(
        follows,
        expect![[r#"
        /f/flake.nix:5:20 "nixpkgs"
    "#]],
    );
    check_definition(
        &follows
            .replace("nix$0pkgs\";\n  };", "nixpkgs\";\n  };")
            .replace("= \"nixpkgs\"", "= \"nix$0pkgs\""),
        expect![[r#"
        /f/flake.nix:3:5 "nixpkgs"
    "#]],
    );
    check_definition(
        &follows
            .replace("nix$0pkgs\";\n  };", "nixpkgs\";\n  };")
            .replace("inputs.jetpack;", "inputs.jet$0pack;"),
        expect![[r#"
        /f/flake.nix:4:5 "jetpack"
    "#]],
    );
}

fn render_symbols(text: &str, symbols: &[super::Symbol], depth: usize, out: &mut String) {
    for s in symbols {
        out.push_str(&format!(
            "{}{:?} {} {} sel={}",
            "  ".repeat(depth),
            s.kind,
            s.name,
            show_range(text, s.range)
                .chars()
                .take(40)
                .collect::<String>(),
            show_range(text, s.selection_range)
        ));
        if let Some(detail) = &s.detail {
            out.push_str(&format!(" | {detail}"));
        }
        out.push('\n');
        render_symbols(text, &s.children, depth + 1, out);
    }
}

fn check_symbols(fixture: &str, expect: Expect) {
    let loaded = load(fixture);
    let symbols = super::document_symbols(loaded.host.db(), loaded.file());
    let mut out = String::new();
    render_symbols(loaded.text(), &symbols, 0, &mut out);
    if out.is_empty() {
        out.push_str("(none)\n");
    }
    expect.assert_eq(&out);
}

/// A NixOS module gets an outline too (as nil gives one): its bindings, nested attrsets as
/// children, through the module's arguments, `let`, `with` and `mkIf`.
#[test]
fn symbols_of_a_module() {
    check_symbols(
        r#"#- /f/configuration.nix
{ config, lib, ... }:
let cfg = config.x; in
with lib; {
  imports = [ ./a.nix ];
  hardware.nvidia-jetpack = {
    enable = true;
    som = "orin-nx";
    firmware.autoUpdate = lib.mkDefault false;
  };
  config = mkIf cfg.enable { services.nvpmodel.profileNumber = 0; };
  "quoted key" = null;
  $0
}
"#,
        expect![[r#"
            Setting imports "imports = [ ./a.nix ];" sel="imports"
            Group hardware.nvidia-jetpack "hardware.nvidia-jetpack = {\n    enable sel="hardware.nvidia-jetpack"
              Setting enable "enable = true;" sel="enable" | true
              Setting som "som = \"orin-nx\";" sel="som" | "orin-nx"
              Setting firmware.autoUpdate "firmware.autoUpdate = lib.mkDefault fal sel="firmware.autoUpdate"
            Group config "config = mkIf cfg.enable { services.nvp sel="config"
              Setting services.nvpmodel.profileNumber "services.nvpmodel.profileNumber = 0;" sel="services.nvpmodel.profileNumber" | 0
            Setting "quoted key" "\"quoted key\" = null;" sel="\"quoted key\"" | null
        "#]],
    );
    // Not an attrset (a package, a list): nothing; broken code: what parses.
    check_symbols(
        "#- /f/pkg.nix\n[ 1 2 ]$0\n",
        expect![[r#"
        (none)
    "#]],
    );
    check_symbols(
        "#- /f/broken.nix\n{ a = { b = ; $0\n",
        expect![[r#"
        Group a "a = { b = ;" sel="a"
          Setting b "b = ;" sel="b"
    "#]],
    );
}

#[test]
fn symbols_of_a_flake() {
    check_symbols(
        r#"#- /f/flake.nix
$0{
  description = "x";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
  inputs = {
    jetpack = { url = "github:anduril/jetpack-nixos"; inputs.nixpkgs.follows = "nixpkgs"; };
    pinned.follows = "jetpack/nixpkgs";
  };
  inputs.jetpack.flake = true;
  outputs = { self, nixpkgs, jetpack, ... }: {
    nixosConfigurations.orin-agx = nixpkgs.lib.nixosSystem { modules = [ ]; };
    nixosConfigurations.orin-nx = nixpkgs.lib.nixosSystem { modules = [ ]; };
    packages.aarch64-linux = { default = 1; flash = 2; };
    overlays.default = final: prev: { };
  };
}
"#,
        expect![[r#"
            Input inputs "inputs.nixpkgs.url = \"github:NixOS/nix sel="inputs"
              Input nixpkgs "inputs.nixpkgs.url = \"github:NixOS/nix sel="nixpkgs" | github:NixOS/nixpkgs/nixos-24.11
              Input jetpack "jetpack = { url = \"github:anduril/jetp sel="jetpack" | github:anduril/jetpack-nixos
              Input pinned "pinned.follows = \"jetpack/nixpkgs\";" sel="pinned" | follows jetpack/nixpkgs
            Output outputs "outputs = { self, nixpkgs, jetpack, ... sel="outputs"
              Output nixosConfigurations "nixosConfigurations.orin-agx = nixpkgs. sel="nixosConfigurations"
                Configuration orin-agx "nixosConfigurations.orin-agx = nixpkgs. sel="orin-agx"
                Configuration orin-nx "nixosConfigurations.orin-nx = nixpkgs.l sel="orin-nx"
              Output packages "packages.aarch64-linux = { default = 1; sel="packages"
                Output aarch64-linux "aarch64-linux = { default = 1; flash =  sel="aarch64-linux"
              Output overlays "overlays.default = final: prev: { };" sel="overlays"
                Output default "overlays.default = final: prev: { };" sel="default"
        "#]],
    );
    // Other files have their module outline; a broken flake has what can be read.
    check_symbols(
        "{ hardware.nvidia-jetpack.enable = true; }\n",
        expect![[r#"
            Setting hardware.nvidia-jetpack.enable "hardware.nvidia-jetpack.enable = true;" sel="hardware.nvidia-jetpack.enable" | true
        "#]],
    );
    check_symbols(
        "#- /f/flake.nix\n{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs\";\n  outputs = { self, nixpkgs }: {\n    nixosConfigurations.a = \n",
        expect![[r#"
            Input inputs "inputs.nixpkgs.url = \"github:NixOS/nix sel="inputs"
              Input nixpkgs "inputs.nixpkgs.url = \"github:NixOS/nix sel="nixpkgs" | github:NixOS/nixpkgs
            Output outputs "outputs = { self, nixpkgs }: {\n    nix sel="outputs"
              Output nixosConfigurations "nixosConfigurations.a =" sel="nixosConfigurations"
                Configuration a "nixosConfigurations.a =" sel="a"
        "#]],
    );
}

fn check_inlay_hints(fixture: &str, now: i64, expect: Expect) {
    let loaded = load(fixture);
    let hints = super::inlay_hints(loaded.host.db(), loaded.file(), now);
    let text = loaded.text();
    let mut out = String::new();
    for h in &hints {
        let line_end = text[usize::from(h.offset)..]
            .find('\n')
            .map_or(text.len(), |i| i + usize::from(h.offset));
        let line_start = text[..usize::from(h.offset)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        out.push_str(&format!(
            "{}⟨{}⟩{} | {}\n",
            text[line_start..usize::from(h.offset)].trim_start(),
            h.label,
            &text[usize::from(h.offset)..line_end],
            h.tooltip.as_deref().unwrap_or("")
        ));
    }
    if out.is_empty() {
        out.push_str("(none)\n");
    }
    expect.assert_eq(&out);
}

#[test]
fn inlay_hints_after_input_urls() {
    // 2025-06-01: months after the example lock's revisions.
    check_inlay_hints(
        FLAKE,
        1_748_736_000,
        expect![[r#"
        nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11"⟨0302c40 · 6 months ago⟩; | locked: github:NixOS/nixpkgs/0302c40, 2024-11-20
        jetpack.url = "github:anduril/jetpack-nixos"⟨10effed · 3 months ago⟩; | locked: github:anduril/jetpack-nixos/10effed, 2025-02-10
        flake-utils.url = "github:numtide/flake-utils"⟨7baed32 · 6 months ago⟩; | locked: github:numtide/flake-utils/7baed32, 2024-11-13
    "#]],
    );
    // No lock, no hints; a module, no hints.
    check_inlay_hints(
        &FLAKE.replace("#- /f/flake.lock @example/flake.lock\n", ""),
        1_748_736_000,
        expect![[r#"
        (none)
    "#]],
    );
    let module = FLAKE.replace("#- /f/configuration.nix", "#- /f/configuration.nix\n$0");
    check_inlay_hints(
        &module,
        1_748_736_000,
        expect![[r#"
        (none)
    "#]],
    );
}

#[test]
fn ages() {
    use super::inlay_hints::age;
    let now = 1_750_000_000;
    let cases = [
        (now + 10, "in the future"),
        (now - 30, "just now"),
        (now - 60, "1 minute ago"),
        (now - 7200, "2 hours ago"),
        (now - 86_400, "1 day ago"),
        (now - 45 * 86_400, "1 month ago"),
        (now - 100 * 86_400, "3 months ago"),
        (now - 800 * 86_400, "2 years ago"),
        (i64::MIN, "long ago"),
        (i64::MAX, "in the future"),
    ];
    for (then, expected) in cases {
        assert_eq!(age(now, then), expected, "{then}");
    }
}

/// Every feature at every offset of real and broken files: nothing panics, ranges stay in the
/// text.
#[test]
fn every_offset_of_every_file_is_safe() {
    let example = |name: &str| include_test_data(&format!("example/{name}"));
    let fixtures = [
        format!(
            "#- /f/flake.nix\n{}#- /f/flake.lock\n{}#- /f/configuration.nix\n{}",
            example("flake.nix"),
            example("flake.lock"),
            example("configuration.nix")
        ),
        FLAKE.to_string(),
        format!("{JETPACK_SOURCE}#- /f/configuration.nix\n{{ hardware.nvidia-jetpack = {{ som = \"orin-nx\"; firmware.logo = ./l.png; }}; }}\n"),
        "#- /f/flake.nix\n{ inputs.a.url = \"github:x/y\"; inputs.a.inputs.b.follows = \"\"; outputs = { self, a }@inputs: a.x // inputs.a.y // { packages.\"x86_64-linux\" = 1; }; }\n".to_string(),
        "#- /c/configuration.nix\n{ config, lib, ... }: with lib; { config = mkMerge [ (mkIf true { hardware.nvidia-jetpack = { som = mkDefault \"orin-nx\"; \"x\" = 1; ${\"y\"} = 2; }; }) ]; services.nvpmodel.= ; hardware.nvidia-jetpack.\n".to_string(),
        "#- /c/broken.nix\n{ a = \"${ { b = ''\n ${c.\"d\".} '' }\"; e.\"f g\".h = [ ./x \"unterminated\n".to_string(),
        "#- /f/flake.nix\n{ inputs = { x.url = \"gith\n".to_string(),
    ];
    for fixture in &fixtures {
        let loaded = load(fixture);
        for (path, text) in &loaded.fixture.files {
            let file = crate::db::file_by_path(loaded.host.db(), path).unwrap();
            let db = loaded.host.db();
            let len = text.len();
            let in_text = |r: TextRange| usize::from(r.end()) <= len;
            for o in 0..=len + 2 {
                let offset = TextSize::from(o as u32);
                for item in super::completion(db, file, offset) {
                    assert!(in_text(item.replace), "{path}@{o}: {item:?}");
                    assert!(
                        item.replace.contains_inclusive(offset),
                        "{path}@{o}: {item:?}"
                    );
                }
                if let Some(h) = super::hover(db, file, offset) {
                    assert!(in_text(h.range), "{path}@{o}: {h:?}");
                }
                let _ = super::definition(db, file, offset);
            }
            for s in super::document_symbols(db, file) {
                assert!(in_text(s.range) && s.range.contains_range(s.selection_range));
            }
            for h in super::inlay_hints(db, file, 1_750_000_000) {
                assert!(usize::from(h.offset) <= len);
            }
        }
    }
}

/// The binary-search token lookup agrees with rowan's own at every offset.
#[test]
fn token_lookup_agrees_with_rowan() {
    for text in [
        "{ a = 1; b.c = \"x ${y} z\"; d = ''\n  e\n''; f = [ ./g /h ]; }\n",
        "{ a = {\n",
        "",
        "x: { inherit (y) z; } # end",
        "{ a = \"é😀\"; }",
    ] {
        let root = crate::syntax::parse(text).root();
        for o in 0..=text.len() {
            let offset = TextSize::from(o as u32);
            let ours: Vec<_> = super::context::token_at_offset(&root, offset).collect();
            let rowans: Vec<_> = root.token_at_offset(offset).collect();
            assert_eq!(ours, rowans, "{text:?}@{o}");
        }
    }
}

/// Typing a setting one character at a time, in several surroundings (some of them broken
/// already): at each step, completion offers what fits there.
#[test]
fn completion_while_typing_a_setting() {
    let line = "hardware.nvidia-jetpack.som = \"orin-nx\";";
    let surroundings = [
        "{ config, ... }:\n{\n  networking.hostName = \"orin\";\n  @@\n  services.openssh.enable = true;\n}\n",
        "{ config, lib, ... }:\n{\n  config = lib.mkIf config.x.enable {\n    @@\n  };\n}\n",
        // an unclosed attrset at the end of the file
        "{ lib, ... }:\n{\n  config = lib.mkMerge [\n    {\n      @@\n",
        // after a binding without its `;`
        "{\n  networking.hostName = \"orin\"\n  @@\n}\n",
    ];
    let som: Vec<String> = [
        "generic",
        "orin-agx",
        "orin-agx-industrial",
        "orin-nx",
        "orin-nano",
        "thor-agx",
        "thor-agx-t4000",
        "xavier-agx",
        "xavier-agx-industrial",
        "xavier-nx",
        "xavier-nx-emmc",
    ]
    .map(String::from)
    .to_vec();
    for surrounding in surroundings {
        for typed in 0..=line.len() {
            let text = surrounding.replace("@@", &format!("{}$0", &line[..typed]));
            let got = labels(&text);
            let expected: Option<Vec<String>> = match typed {
                // `hardware.` .. `hardware.nvidia-jetpack`
                9..=23 => Some(vec!["nvidia-jetpack".to_string()]),
                // `hardware.nvidia-jetpack.` .. `hardware.nvidia-jetpack.som`
                24..=27 => Some(TOP_LEVEL.iter().map(|s| s.to_string()).collect()),
                // inside `"orin-nx"`
                31..=38 => Some(som.clone()),
                _ => None,
            };
            if let Some(expected) = expected {
                assert_eq!(got, expected, "in:\n{text}");
            }
        }
    }
}

/// The same for an input's `follows` and `url` in `flake.nix`.
#[test]
fn completion_while_typing_inputs() {
    for (line, inside, expected) in [
        (
            "jetpack.inputs.nixpkgs.follows = \"nixpkgs\";",
            34..=41,
            "nixpkgs",
        ),
        ("extra.url = \"github:o/r\";", 13..=13, "github:"),
    ] {
        for typed in 0..=line.len() {
            let text = flake_with(
                "    flake-utils.url = \"github:numtide/flake-utils\";\n",
                &format!(
                    "    flake-utils.url = \"github:numtide/flake-utils\";\n    {}$0\n",
                    &line[..typed]
                ),
            );
            let got = labels(&text);
            if inside.contains(&typed) {
                assert!(got.contains(&expected.to_string()), "{got:?} in:\n{text}");
                // Following itself is a cycle Nix rejects: never offered.
                assert!(!got.contains(&"jetpack/nixpkgs".to_string()), "{got:?}");
            }
        }
    }
}

/// An overlay listed twice next to jetpack-nixos's module that applies it as well: one finding
/// at each listing, the second pointing at both the first and the module.
#[test]
fn double_overlay_listed_twice_next_to_the_module_relates_every_place() {
    let loaded = load(
        r#"#- /t/flake.nix
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  outputs = { self, nixpkgs, jetpack }: {
    nixosConfigurations.nano = nixpkgs.lib.nixosSystem {
      modules = [
        jetpack.nixosModules.default
        {
          hardware.nvidia-jetpack.enable = true;
          nixpkgs.overlays = [ jetpack.overlays.default jetpack.overlays.default ];
        }
      ];
    };
  };
}
"#,
    );
    let db = loaded.host.db();
    let file = loaded.file();
    let text = loaded.text();
    let findings: Vec<_> = crate::lints::file_diagnostics(db, file)
        .iter()
        .filter(|d| d.rule == crate::lints::Rule::DoubleOverlay)
        .cloned()
        .collect();
    let shown: Vec<String> = findings
        .iter()
        .map(|d| {
            let related: Vec<String> = super::related_places(db, file, d)
                .iter()
                .map(|p| format!("{} ({})", show_range(text, p.range), p.message))
                .collect();
            format!(
                "{} fix:{} related: {}",
                show_range(text, d.range),
                d.fix.is_some(),
                related.join("; ")
            )
        })
        .collect();
    let first = text.find("jetpack.overlays.default").unwrap();
    let second = text.rfind("jetpack.overlays.default").unwrap();
    assert!(first < second);
    assert_eq!(findings.len(), 2, "{shown:#?}");
    assert_eq!(usize::from(findings[0].range.start()), first, "{shown:#?}");
    assert_eq!(usize::from(findings[1].range.start()), second, "{shown:#?}");
    expect![[r#"
        [
            "\"jetpack.overlays.default\" fix:false related: \"jetpack.nixosModules.default\" (jetpack-nixos's NixOS module, which applies this overlay itself, is included here)",
            "\"jetpack.overlays.default\" fix:true related: \"jetpack.overlays.default\" (the same overlay, also listed here); \"jetpack.nixosModules.default\" (jetpack-nixos's NixOS module, which applies this overlay itself, is included here)",
        ]
    "#]]
    .assert_debug_eq(&shown);
}
