//! Tests of the module graph: configurations and their modules for the layouts users write,
//! rendered as text and compared with snapshots (`UPDATE_EXPECT=1` refreshes them).

use expect_test::{expect, Expect};

use crate::db::{self, AnalysisHost};
use crate::fixture::Fixture;
use crate::lints::{file_diagnostics, Rule};
use crate::syntax::{ColumnUnit, LineIndex};

fn host(fixture: &str) -> (AnalysisHost, Fixture) {
    let fixture = Fixture::parse(fixture, |_| String::new());
    let mut host = AnalysisHost::default();
    host.apply_change(fixture.change().0);
    (host, fixture)
}

/// Every configuration of every `flake.nix` in the fixture, as text.
fn render(fixture: &str) -> String {
    let (host, fixture) = host(fixture);
    let db = host.snapshot();
    let pos = |file: &str, range: rowan::TextRange| {
        let text = db::file_by_path(&db, file)
            .map(|f| f.text(&db).clone())
            .unwrap_or_default();
        let lc = LineIndex::new(&text).line_col(&text, range.start(), ColumnUnit::Char);
        format!("{file}:{}:{}", lc.line + 1, lc.col + 1)
    };
    let mut out = String::new();
    for (path, _) in &fixture.files {
        if !path.ends_with("/flake.nix") {
            continue;
        }
        let flake = db::file_by_path(&db, path).unwrap();
        for g in db::flake_graph(&db, flake) {
            out.push_str(&format!(
                "{} complete={} jetpack={}\n",
                g.name.as_deref().unwrap_or("-"),
                g.complete,
                g.jetpack.as_ref().map_or("no".into(), |(f, r)| pos(f, *r)),
            ));
            out.push_str(&format!("  files {}\n", g.files.join(" ")));
            for o in &g.overlays {
                let by = if o.by_module { " (by module)" } else { "" };
                out.push_str(&format!(
                    "  overlay {} at {}{by}\n",
                    o.display,
                    pos(&o.file, o.range)
                ));
            }
        }
    }
    out
}

fn check(fixture: &str, expect: Expect) {
    expect.assert_eq(&render(fixture));
}

#[test]
fn one_configuration() {
    check(
        r#"
#- /f/flake.nix
{
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  outputs = { self, nixpkgs, jetpack, ... }: {
    nixosConfigurations.orin = nixpkgs.lib.nixosSystem {
      system = "aarch64-linux";
      modules = [ jetpack.nixosModules.default ./configuration.nix ];
    };
  };
}
#- /f/configuration.nix
{ imports = [ ./hw ./missing.nix ./hw/default.nix ]; }
#- /f/hw/default.nix
{ nixpkgs.overlays = [ (import ../overlay.nix) ]; }
"#,
        expect![[r#"
            orin complete=false jetpack=/f/flake.nix:6:19
              files /f/flake.nix /f/configuration.nix /f/hw/default.nix
              overlay jetpack.overlays.default at /f/flake.nix:6:19 (by module)
              overlay import "${jetpack}/overlay.nix" at /f/flake.nix:6:19 (by module)
              overlay import ./overlay.nix at /f/hw/default.nix:1:24
        "#]],
    );
}

#[test]
fn base_modules_and_helpers_over_literal_names() {
    check(
        r#"
#- /f/flake.nix
{
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  outputs = inputs@{ self, nixpkgs, ... }:
    let
      inherit (inputs) jetpack;
      baseModules = [ ./common.nix ];
      mkHost = name: nixpkgs.lib.nixosSystem {
        modules = baseModules ++ [ jetpack.nixosModules.default ./hosts/${name}.nix ];
      };
    in
    {
      nixosConfigurations = {
        a = mkHost "a";
        b = nixpkgs.lib.nixosSystem { modules = baseModules ++ [ ./hosts/b.nix ]; };
      } // nixpkgs.lib.genAttrs [ "c" "d" ] mkHost;
    };
}
#- /f/common.nix
{ }
#- /f/hosts/a.nix
{ }
#- /f/hosts/b.nix
{ }
#- /f/hosts/c.nix
{ }
#- /f/hosts/d.nix
{ }
"#,
        expect![[r#"
            a complete=true jetpack=/f/flake.nix:8:36
              files /f/flake.nix /f/common.nix /f/hosts/a.nix
              overlay jetpack.overlays.default at /f/flake.nix:8:36 (by module)
              overlay import "${jetpack}/overlay.nix" at /f/flake.nix:8:36 (by module)
            b complete=true jetpack=no
              files /f/flake.nix /f/common.nix /f/hosts/b.nix
            c complete=true jetpack=/f/flake.nix:8:36
              files /f/flake.nix /f/common.nix /f/hosts/c.nix
              overlay jetpack.overlays.default at /f/flake.nix:8:36 (by module)
              overlay import "${jetpack}/overlay.nix" at /f/flake.nix:8:36 (by module)
            d complete=true jetpack=/f/flake.nix:8:36
              files /f/flake.nix /f/common.nix /f/hosts/d.nix
              overlay jetpack.overlays.default at /f/flake.nix:8:36 (by module)
              overlay import "${jetpack}/overlay.nix" at /f/flake.nix:8:36 (by module)
        "#]],
    );
}

#[test]
fn special_args_and_module_args_pass_inputs() {
    check(
        r#"
#- /f/flake.nix
{
  inputs.jp.url = "github:someone/jetpack-nixos/fork-branch";
  outputs = { self, nixpkgs, ... }@inputs: {
    nixosConfigurations.orin = nixpkgs.lib.nixosSystem {
      specialArgs = { inherit inputs; flakeSelf = self; };
      modules = [ ./configuration.nix ];
    };
    nixosModules.jetson = { jp, ... }: { nixpkgs.overlays = [ jp.overlays.default ]; };
  };
}
#- /f/configuration.nix
{ inputs, flakeSelf, ... }: {
  imports = [ inputs.jp.nixosModules.default flakeSelf.nixosModules.jetson ];
  _module.args.jp = inputs.jp;
}
"#,
        expect![[r#"
            orin complete=true jetpack=/f/configuration.nix:2:15
              files /f/flake.nix /f/configuration.nix
              overlay jp.overlays.default at /f/configuration.nix:2:15 (by module)
              overlay import "${jp}/overlay.nix" at /f/configuration.nix:2:15 (by module)
              overlay jp.overlays.default at /f/flake.nix:8:63
        "#]],
    );
}

#[test]
fn flake_parts_configurations() {
    check(
        r#"
#- /f/flake.nix
{
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } ({ self, inputs, ... }: {
      systems = [ "aarch64-linux" ];
      flake = {
        nixosConfigurations.orin = inputs.nixpkgs.lib.nixosSystem {
          modules = [ inputs.jetpack.nixosModules.default self.nixosModules.base ];
        };
        nixosModules.base = ./base.nix;
      };
    });
}
#- /f/base.nix
{ modulesPath, ... }: { imports = [ (modulesPath + "/installer/scan/not-detected.nix") ]; }
"#,
        expect![[r#"
            orin complete=true jetpack=/f/flake.nix:8:23
              files /f/flake.nix /f/base.nix
              overlay jetpack.overlays.default at /f/flake.nix:8:23 (by module)
              overlay import "${jetpack}/overlay.nix" at /f/flake.nix:8:23 (by module)
        "#]],
    );
}

#[test]
fn what_cannot_be_seen_is_skipped() {
    check(
        r#"
#- /f/flake.nix
{
  outputs = { self, nixpkgs, ... }: {
    nixosConfigurations = builtins.mapAttrs (n: v: nixpkgs.lib.nixosSystem v) { };
    nixosConfigurations.x = if true then 1 else 2;
  };
}
#- /g/flake.nix
{
  outputs = { self, nixpkgs, ... }: let f = x: f x; in {
    nixosConfigurations.loop = nixpkgs.lib.nixosSystem { modules = f 1 ++ map import [ ./a.nix ]; };
  };
}
"#,
        expect![[r#"
            loop complete=false jetpack=no
              files /g/flake.nix
        "#]],
    );
}

/// A file in two configurations is judged in each: the option index of a module holds the
/// declarations of its own configurations only.
#[test]
fn user_declarations_extend_the_index_of_their_configurations_only() {
    let (host, _) = host(
        r#"
#- /f/flake.nix
{
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  outputs = { self, nixpkgs, jetpack, ... }: {
    nixosConfigurations.a = nixpkgs.lib.nixosSystem {
      modules = [ jetpack.nixosModules.default ./extend.nix ./a.nix ];
    };
    nixosConfigurations.b = nixpkgs.lib.nixosSystem {
      modules = [ jetpack.nixosModules.default ./b.nix ];
    };
  };
}
#- /f/extend.nix
{ lib, ... }: {
  options.hardware.nvidia-jetpack.myCamera = lib.mkOption { type = lib.types.bool; };
}
#- /f/a.nix
{ hardware.nvidia-jetpack.myCamera = true; }
#- /f/b.nix
{ hardware.nvidia-jetpack.myCamera = true; }
#- /f/loose.nix
{ hardware.nvidia-jetpack.myCamera = true; }
"#,
    );
    let db = host.snapshot();
    let unknown = |path: &str| {
        let file = db::file_by_path(&db, path).unwrap();
        file_diagnostics(&db, file)
            .iter()
            .filter(|d| d.rule == Rule::UnknownOption)
            .count()
    };
    assert_eq!(unknown("/f/a.nix"), 0);
    assert_eq!(unknown("/f/b.nix"), 1);
    // In no configuration: every declaration of the flake counts, as before.
    assert_eq!(unknown("/f/loose.nix"), 0);
}

#[test]
fn hostile_input_does_not_panic() {
    for text in [
        "{ outputs = { self }: let a = a; in { nixosConfigurations.x = a; }; }",
        "{ outputs = x: x.nixosConfigurations; }",
        "{ outputs = { nixpkgs, ... }: { nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ (import) ./${ } ]; }; }; }",
        "{ outputs = { nixpkgs }: rec { nixosConfigurations.a = nixpkgs.lib.nixosSystem nixosConfigurations; }; }",
        "{ outputs = { n }: let f = g: g g; in { nixosConfigurations.a = f f; }; }",
        "{ imports = [ ../../../../../x ]; nixpkgs.overlays = [ (import) ]; }",
    ] {
        let fixture = format!("#- /f/flake.nix\n{text}\n#- /f/m.nix\n{text}\n");
        let (host, _) = host(&fixture);
        let db = host.snapshot();
        for path in ["/f/flake.nix", "/f/m.nix"] {
            let file = db::file_by_path(&db, path).unwrap();
            let _ = file_diagnostics(&db, file);
        }
    }
}

#[test]
fn endless_nesting_and_import_chains_are_cut() {
    let nested = format!(
        "#- /f/m.nix\n{}{{ }}{}\n",
        "{ imports = [ ".repeat(3000),
        " ]; }".repeat(3000)
    );
    let mut chain = String::from(
        "#- /f/flake.nix\n{ outputs = { nixpkgs, ... }: { nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ ./m0.nix ]; }; }; }\n",
    );
    for i in 0..2000 {
        chain.push_str(&format!(
            "#- /f/m{i}.nix\n{{ imports = [ ./m{}.nix ]; }}\n",
            i + 1
        ));
    }
    for fixture in [nested, chain] {
        let (host, fixture) = host(&fixture);
        let db = host.snapshot();
        for (path, _) in fixture.files.iter().take(3) {
            let file = db::file_by_path(&db, path).unwrap();
            let _ = file_diagnostics(&db, file);
        }
    }
}

#[test]
fn configurations_from_imported_files() {
    check(
        r#"
#- /f/flake.nix
{
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  outputs = inputs: {
    nixosConfigurations = import ./configurations inputs;
    nixosModules.default = import ./modules inputs;
  };
}
#- /f/configurations/default.nix
inputs: {
  orin = inputs.nixpkgs.lib.nixosSystem {
    modules = [ inputs.self.nixosModules.default { nixpkgs.overlays = [ inputs.jetpack.overlays.default ]; } ./orin ];
  };
}
#- /f/configurations/orin/default.nix
{ }
#- /f/modules/default.nix
{ jetpack, ... }: { imports = [ jetpack.nixosModules.default ]; }
#- /g/flake.nix
{
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } { imports = [ ./hosts ]; };
}
#- /g/hosts/default.nix
{ self, inputs, ... }: {
  flake.nixosConfigurations.io = inputs.nixpkgs.lib.nixosSystem {
    modules = [ "${self}/system/core" ];
  };
}
#- /g/system/core/default.nix
{ }
"#,
        expect![[r#"
            orin complete=true jetpack=/f/modules/default.nix:1:33
              files /f/flake.nix /f/modules/default.nix /f/configurations/default.nix /f/configurations/orin/default.nix
              overlay jetpack.overlays.default at /f/modules/default.nix:1:33 (by module)
              overlay import "${jetpack}/overlay.nix" at /f/modules/default.nix:1:33 (by module)
              overlay jetpack.overlays.default at /f/configurations/default.nix:3:73
            io complete=true jetpack=no
              files /g/flake.nix /g/system/core/default.nix
        "#]],
    );
}

#[test]
fn module_sets_listed_with_attr_values() {
    check(
        r#"
#- /f/flake.nix
{
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  outputs = { self, nixpkgs, jetpack }: let
    baseModules = { jetpack = jetpack.nixosModules.default; hw = ./hw.nix; };
    extra = { ${"dynamic"} = ./x.nix; };
  in {
    nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = builtins.attrValues baseModules; };
    nixosConfigurations.b = nixpkgs.lib.nixosSystem { modules = builtins.attrValues extra; };
  };
}
#- /f/hw.nix
{ }
"#,
        expect![[r#"
            a complete=true jetpack=/f/flake.nix:4:31
              files /f/flake.nix /f/hw.nix
              overlay jetpack.overlays.default at /f/flake.nix:4:31 (by module)
              overlay import "${jetpack}/overlay.nix" at /f/flake.nix:4:31 (by module)
            b complete=false jetpack=no
              files /f/flake.nix
        "#]],
    );
}

#[test]
fn an_argument_that_cannot_be_named_never_resolves() {
    // `host` is computed: `host.jetpack` is not the input `jetpack` passed by `inputs // {...}`.
    check(
        r#"
#- /f/flake.nix
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  outputs = { self, nixpkgs, ... }@inputs: {
    nixosConfigurations.pc = nixpkgs.lib.nixosSystem {
      specialArgs = inputs // { host = builtins.fromJSON (builtins.readFile ./host.json); };
      modules = [ ./pc.nix ];
    };
  };
}
#- /f/pc.nix
{ host, jetpack, ... }: { imports = [ host.jetpack.nixosModules.default ]; nixpkgs.overlays = [ jetpack.overlays.default ]; }
"#,
        expect![[r#"
            pc complete=false jetpack=no
              files /f/flake.nix /f/pc.nix
              overlay jetpack.overlays.default at /f/pc.nix:1:97
        "#]],
    );
}

/// A file's configurations are found by file (one lookup), in the order of the flake's
/// configurations, each once however often the file is listed.
#[test]
fn configurations_of_a_file_in_order_each_once() {
    let (host, _) = host(
        r#"
#- /f/flake.nix
{
  outputs = { self, nixpkgs, ... }: {
    nixosConfigurations = {
      a = nixpkgs.lib.nixosSystem { modules = [ ./common.nix ./a.nix ]; };
      b = nixpkgs.lib.nixosSystem { modules = [ ./b.nix ]; };
      c = nixpkgs.lib.nixosSystem { modules = [ ./common.nix ./common.nix ./a.nix ]; };
    };
  };
}
#- /f/common.nix
{ }
#- /f/a.nix
{ imports = [ ./common.nix ]; }
#- /f/b.nix
{ }
#- /f/lonely.nix
{ }
"#,
    );
    let db = host.snapshot();
    let names = |path: &str| -> Vec<String> {
        let file = db::file_by_path(&db, path).unwrap();
        db::configurations_of(&db, file)
            .iter()
            .map(|g| g.name.clone().unwrap_or_default())
            .collect()
    };
    assert_eq!(names("/f/common.nix"), ["a", "c"]);
    assert_eq!(names("/f/a.nix"), ["a", "c"]);
    assert_eq!(names("/f/b.nix"), ["b"]);
    assert!(names("/f/lonely.nix").is_empty());
}
