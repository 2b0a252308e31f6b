use super::*;
use crate::json::tests::XorShift;
use expect_test::{expect, Expect};

/// A v7 lock in the shape `nix flake lock` writes, where the root's nixpkgs is `nixpkgs_2`:
/// - `jetpack` brings its own nixpkgs (`nixpkgs`) and follows the root's flake-utils (a follows
///   path of length 1);
/// - `a` → `b` → `nixpkgs_3`: a second copy at depth 2, as a non-flake git input;
/// - `root.utils` and `b.utils` follow `["jetpack", "flake-utils"]` (length 2, which itself
///   follows `["flake-utils"]`: chained);
/// - `a.c` follows `["a", "b", "nixpkgs"]` (length 3).
const V7_LOCK: &str = r#"{
  "nodes": {
    "a": {
      "inputs": {
        "b": "b",
        "c": [
          "a",
          "b",
          "nixpkgs"
        ]
      },
      "locked": {
        "lastModified": 1700000000,
        "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "owner": "example",
        "repo": "a",
        "rev": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "type": "github"
      },
      "original": {
        "owner": "example",
        "repo": "a",
        "type": "github"
      }
    },
    "b": {
      "inputs": {
        "nixpkgs": "nixpkgs_3",
        "utils": [
          "jetpack",
          "flake-utils"
        ]
      },
      "locked": {
        "lastModified": 1700000000,
        "narHash": "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=",
        "owner": "example",
        "repo": "b",
        "rev": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "type": "github"
      },
      "original": {
        "owner": "example",
        "repo": "b",
        "type": "github"
      }
    },
    "flake-utils": {
      "inputs": {
        "systems": "systems"
      },
      "locked": {
        "lastModified": 1710146030,
        "narHash": "sha256-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=",
        "owner": "numtide",
        "repo": "flake-utils",
        "rev": "b1d9ab70662946ef0850d488da1c9019f3a9752a",
        "type": "github"
      },
      "original": {
        "owner": "numtide",
        "repo": "flake-utils",
        "type": "github"
      }
    },
    "jetpack-nixos": {
      "inputs": {
        "flake-utils": [
          "flake-utils"
        ],
        "nixpkgs": "nixpkgs"
      },
      "locked": {
        "lastModified": 1718000000,
        "narHash": "sha256-DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD=",
        "owner": "anduril",
        "repo": "jetpack-nixos",
        "rev": "d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0",
        "type": "github"
      },
      "original": {
        "owner": "anduril",
        "repo": "jetpack-nixos",
        "type": "github"
      }
    },
    "nixpkgs": {
      "locked": {
        "lastModified": 1714521600,
        "narHash": "sha256-EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE=",
        "owner": "NixOS",
        "repo": "nixpkgs",
        "rev": "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
        "type": "github"
      },
      "original": {
        "owner": "NixOS",
        "ref": "nixos-unstable",
        "repo": "nixpkgs",
        "type": "github"
      }
    },
    "nixpkgs_2": {
      "locked": {
        "lastModified": 1718000000,
        "narHash": "sha256-FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF=",
        "owner": "NixOS",
        "repo": "nixpkgs",
        "rev": "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
        "type": "github"
      },
      "original": {
        "owner": "NixOS",
        "ref": "nixos-24.05",
        "repo": "nixpkgs",
        "type": "github"
      }
    },
    "nixpkgs_3": {
      "flake": false,
      "locked": {
        "lastModified": 1700000000,
        "narHash": "sha256-GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG=",
        "ref": "master",
        "rev": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
        "revCount": 600000,
        "type": "git",
        "url": "https://github.com/nixos/nixpkgs.git"
      },
      "original": {
        "ref": "master",
        "type": "git",
        "url": "https://github.com/nixos/nixpkgs.git"
      }
    },
    "root": {
      "inputs": {
        "a": "a",
        "flake-utils": "flake-utils",
        "jetpack": "jetpack-nixos",
        "nixpkgs": "nixpkgs_2",
        "utils": [
          "jetpack",
          "flake-utils"
        ]
      }
    },
    "systems": {
      "locked": {
        "lastModified": 1681028828,
        "narHash": "sha256-HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH=",
        "owner": "nix-systems",
        "repo": "default",
        "rev": "da67096a3b9bf56a91d16901293e51ba5b49a27e",
        "type": "github"
      },
      "original": {
        "owner": "nix-systems",
        "repo": "default",
        "type": "github"
      }
    }
  },
  "root": "root",
  "version": 7
}
"#;

/// Follows that never reach a node: `x` and `y` follow each other, `z` follows a path through
/// itself, `w` follows an input that does not exist.
const CYCLE_LOCK: &str = r#"{
  "nodes": {
    "n": {
      "inputs": {
        "loop": ["n", "loop"]
      },
      "locked": {"owner": "o", "repo": "n", "rev": "0000000000000000000000000000000000000000", "type": "github"},
      "original": {"owner": "o", "repo": "n", "type": "github"}
    },
    "root": {
      "inputs": {
        "n": "n",
        "w": ["missing"],
        "x": ["y"],
        "y": ["x"],
        "z": ["z", "inner"]
      }
    }
  },
  "root": "root",
  "version": 7
}"#;

fn lock(text: &str) -> LockFile {
    match parse_lock(text) {
        Ok(lock) => lock,
        Err(e) => panic!("{e:?}"),
    }
}

fn path(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

fn render_attrs(attrs: &LockAttrs) -> String {
    attrs
        .iter()
        .map(|(k, v)| match v {
            LockValue::Str(s) => format!("{k}={s}"),
            LockValue::Int(n) => format!("{k}={n}"),
            LockValue::Bool(b) => format!("{k}={b}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn render_lock(lock: &LockFile) -> String {
    let mut out = format!("version {} root {}\n", lock.version, lock.root);
    for node in lock.nodes.values() {
        out.push_str(&format!("{} @{:?}", node.name, node.range));
        if !node.flake {
            out.push_str(" flake=false");
        }
        if let Some(parent) = &node.parent {
            out.push_str(&format!(" parent={parent:?}"));
        }
        out.push('\n');
        for (name, input, range) in &node.inputs {
            let target = match input {
                LockInput::Node(n) => format!("node {n}"),
                LockInput::Follows(p) => format!("follows {p:?}"),
            };
            out.push_str(&format!("  input {name} @{range:?} -> {target}\n"));
        }
        if let Some(locked) = &node.locked {
            out.push_str(&format!(
                "  locked {} ({}, {})\n",
                locked_ref_text(locked).unwrap_or_default(),
                node.short_rev().unwrap_or_default(),
                node.last_modified_date().unwrap_or_default()
            ));
        }
        if let Some(original) = &node.original {
            out.push_str(&format!("  original {}\n", render_attrs(original)));
        }
    }
    out
}

fn check_lock(text: &str, expect: Expect) {
    expect.assert_eq(&render_lock(&lock(text)));
}

fn check_err(text: &str, expect: Expect) {
    let e = match parse_lock(text) {
        Ok(lock) => panic!("expected an error, got {lock:?}"),
        Err(e) => e,
    };
    expect.assert_eq(&format!(
        "{:?} {:?}: {}",
        e.range, &text[e.range], e.message
    ));
}

#[test]
fn parses_v7() {
    check_lock(
        V7_LOCK,
        expect![[r#"
            version 7 root root
            a @19..22
              input b @52..55 -> node b
              input c @70..73 -> follows ["a", "b", "nixpkgs"]
              locked github:example/a/aaaaaaa (aaaaaaa, 2023-11-14)
              original owner=example repo=a type=github
            b @529..532
              input nixpkgs @562..571 -> node nixpkgs_3
              input utils @594..601 -> follows ["jetpack", "flake-utils"]
              locked github:example/b/bbbbbbb (bbbbbbb, 2023-11-14)
              original owner=example repo=b type=github
            flake-utils @1052..1065
              input systems @1095..1104 -> node systems
              locked github:numtide/flake-utils/b1d9ab7 (b1d9ab7, 2024-03-11)
              original owner=numtide repo=flake-utils type=github
            jetpack-nixos @1528..1543
              input flake-utils @1573..1586 -> follows ["flake-utils"]
              input nixpkgs @1633..1642 -> node nixpkgs
              locked github:anduril/jetpack-nixos/d1e2f3a (d1e2f3a, 2024-06-10)
              original owner=anduril repo=jetpack-nixos type=github
            nixpkgs @2070..2079
              locked github:NixOS/nixpkgs/1a2b3c4 (1a2b3c4, 2024-05-01)
              original owner=NixOS ref=nixos-unstable repo=nixpkgs type=github
            nixpkgs_2 @2507..2518
              locked github:NixOS/nixpkgs/9f8e7d6 (9f8e7d6, 2024-06-10)
              original owner=NixOS ref=nixos-24.05 repo=nixpkgs type=github
            nixpkgs_3 @2943..2954 flake=false
              locked git+https://github.com/nixos/nixpkgs.git?ref=master&rev=eeeeeee (eeeeeee, 2023-11-14)
              original ref=master type=git url=https://github.com/nixos/nixpkgs.git
            root @3447..3453
              input a @3483..3486 -> node a
              input flake-utils @3501..3514 -> node flake-utils
              input jetpack @3539..3548 -> node jetpack-nixos
              input nixpkgs @3575..3584 -> node nixpkgs_2
              input utils @3607..3614 -> follows ["jetpack", "flake-utils"]
            systems @3692..3701
              locked github:nix-systems/default/da67096 (da67096, 2023-04-09)
              original owner=nix-systems repo=default type=github
        "#]],
    );
}

#[test]
fn ranges_point_at_keys() {
    let lock = lock(V7_LOCK);
    let root = lock.root_node().unwrap();
    assert_eq!(&V7_LOCK[root.range], "\"root\"");
    let (_, _, range) = &lock.root_inputs()[3];
    assert_eq!(&V7_LOCK[*range], "\"nixpkgs\"");
}

#[test]
fn root_inputs_in_file_order() {
    let lock = lock(V7_LOCK);
    let names: Vec<&str> = lock
        .root_inputs()
        .iter()
        .map(|(n, _, _)| n.as_str())
        .collect();
    assert_eq!(names, ["a", "flake-utils", "jetpack", "nixpkgs", "utils"]);
}

#[test]
fn resolves_paths() {
    let lock = lock(V7_LOCK);
    let cases: &[(&[&str], Option<&str>)] = &[
        (&[], Some("root")),
        (&["nixpkgs"], Some("nixpkgs_2")),
        (&["jetpack"], Some("jetpack-nixos")),
        (&["jetpack", "nixpkgs"], Some("nixpkgs")),
        // Follows of length 1.
        (&["jetpack", "flake-utils"], Some("flake-utils")),
        (&["jetpack", "flake-utils", "systems"], Some("systems")),
        // Length 2, itself a follows: chained.
        (&["utils"], Some("flake-utils")),
        (&["utils", "systems"], Some("systems")),
        (&["a", "b", "utils"], Some("flake-utils")),
        // Length 3.
        (&["a", "c"], Some("nixpkgs_3")),
        (&["a", "b", "nixpkgs"], Some("nixpkgs_3")),
        // Missing inputs.
        (&["missing"], None),
        (&["nixpkgs", "missing"], None),
        (&["a", "c", "anything"], None),
    ];
    for (p, expected) in cases {
        assert_eq!(lock.resolve(&path(p)), *expected, "path {p:?}");
    }
}

#[test]
fn resolves_one_step() {
    let lock = lock(V7_LOCK);
    assert_eq!(lock.input_node("root", "nixpkgs"), Some("nixpkgs_2"));
    assert_eq!(lock.input_node("jetpack-nixos", "nixpkgs"), Some("nixpkgs"));
    assert_eq!(
        lock.input_node("jetpack-nixos", "flake-utils"),
        Some("flake-utils")
    );
    assert_eq!(lock.input_node("b", "utils"), Some("flake-utils"));
    assert_eq!(lock.input_node("a", "c"), Some("nixpkgs_3"));
    assert_eq!(lock.input_node("a", "missing"), None);
    assert_eq!(lock.input_node("missing", "a"), None);
}

#[test]
fn follows_cycles_resolve_to_none() {
    let lock = lock(CYCLE_LOCK);
    assert_eq!(lock.resolve(&path(&["x"])), None);
    assert_eq!(lock.resolve(&path(&["y"])), None);
    assert_eq!(lock.resolve(&path(&["z"])), None);
    assert_eq!(lock.resolve(&path(&["w"])), None);
    assert_eq!(lock.resolve(&path(&["n", "loop"])), None);
    assert_eq!(lock.resolve(&path(&["n"])), Some("n"));
    assert_eq!(lock.input_node("root", "x"), None);
    assert_eq!(lock.input_node("n", "loop"), None);
    let walked: Vec<_> = lock.walk().into_iter().map(|r| r.node).collect();
    assert_eq!(walked, ["n"]);
    assert_eq!(lock.duplicates(), []);
}

#[test]
fn long_follows_chains_give_up() {
    // root.i0 follows i1, which follows i2, ... : deeper than any real lock.
    let mut inputs = Vec::new();
    for i in 0..500 {
        inputs.push(format!("\"i{i}\": [\"i{}\"]", i + 1));
    }
    inputs.push("\"i500\": \"leaf\"".into());
    let text = format!(
        r#"{{"nodes": {{"leaf": {{}}, "root": {{"inputs": {{{}}}}}}}, "root": "root", "version": 7}}"#,
        inputs.join(", ")
    );
    let lock = lock(&text);
    assert_eq!(lock.resolve(&path(&["i490"])), Some("leaf"));
    assert_eq!(lock.resolve(&path(&["i0"])), None);
}

fn render_walk(lock: &LockFile) -> String {
    lock.walk()
        .iter()
        .map(|r| format!("{} -> {}\n", r.path.join("."), r.node))
        .collect()
}

#[test]
fn walk_gives_shortest_paths() {
    expect![[r#"
        a -> a
        flake-utils -> flake-utils
        jetpack -> jetpack-nixos
        nixpkgs -> nixpkgs_2
        a.b -> b
        flake-utils.systems -> systems
        jetpack.nixpkgs -> nixpkgs
        a.b.nixpkgs -> nixpkgs_3
    "#]]
    .assert_eq(&render_walk(&lock(V7_LOCK)));
}

fn render_duplicates(lock: &LockFile) -> String {
    lock.duplicates()
        .iter()
        .map(|d| {
            format!(
                "{} ({}) duplicates root input {} ({})\n",
                d.path.join("."),
                d.node,
                d.root_input,
                d.root_node
            )
        })
        .collect()
}

#[test]
fn finds_duplicate_nixpkgs() {
    expect![[r#"
        a.b.nixpkgs (nixpkgs_3) duplicates root input nixpkgs (nixpkgs_2)
        jetpack.nixpkgs (nixpkgs) duplicates root input nixpkgs (nixpkgs_2)
    "#]]
    .assert_eq(&render_duplicates(&lock(V7_LOCK)));
}

/// Two root inputs lock nixpkgs; the copy under `jetpack.nixpkgs` belongs to `nixpkgs` (same
/// name), the one under `jetpack.pkgs` to the first in file order. The root's `nixpkgs` is an
/// indirect reference: only its locked form says which repository it is.
const TWO_NIXPKGS_LOCK: &str = r#"{
  "nodes": {
    "jetpack": {
      "inputs": {"nixpkgs": "nixpkgs_3", "pkgs": "nixpkgs_4", "other": "other"},
      "locked": {"owner": "anduril", "repo": "jetpack-nixos", "rev": "1111111111111111111111111111111111111111", "type": "github"},
      "original": {"owner": "anduril", "repo": "jetpack-nixos", "type": "github"}
    },
    "nixpkgs": {
      "locked": {"owner": "NixOS", "repo": "nixpkgs", "rev": "2222222222222222222222222222222222222222", "type": "github"},
      "original": {"owner": "NixOS", "ref": "nixos-unstable", "repo": "nixpkgs", "type": "github"}
    },
    "nixpkgs_2": {
      "locked": {"owner": "NixOS", "repo": "nixpkgs", "rev": "3333333333333333333333333333333333333333", "type": "github"},
      "original": {"id": "nixpkgs", "type": "indirect"}
    },
    "nixpkgs_3": {
      "locked": {"lastModified": 1714521600, "owner": "nixos", "repo": "nixpkgs", "rev": "4444444444444444444444444444444444444444", "type": "github"},
      "original": {"owner": "nixos", "ref": "nixos-23.11", "repo": "nixpkgs", "type": "github"}
    },
    "nixpkgs_4": {
      "flake": false,
      "locked": {"narHash": "sha256-x", "type": "tarball", "url": "https://github.com/NixOS/nixpkgs/archive/5555555555555555555555555555555555555555.tar.gz"},
      "original": {"type": "tarball", "url": "https://github.com/NixOS/nixpkgs/archive/nixos-23.11.tar.gz"}
    },
    "other": {
      "locked": {"owner": "NixOS", "repo": "nixos-hardware", "rev": "6666666666666666666666666666666666666666", "type": "github"},
      "original": {"owner": "NixOS", "repo": "nixos-hardware", "type": "github"}
    },
    "root": {
      "inputs": {"jetpack": "jetpack", "nixpkgs-unstable": "nixpkgs", "nixpkgs": "nixpkgs_2"}
    }
  },
  "root": "root",
  "version": 7
}"#;

#[test]
fn duplicate_prefers_root_input_of_the_same_name() {
    expect![[r#"
        jetpack.nixpkgs (nixpkgs_3) duplicates root input nixpkgs (nixpkgs_2)
        jetpack.pkgs (nixpkgs_4) duplicates root input nixpkgs-unstable (nixpkgs)
    "#]]
    .assert_eq(&render_duplicates(&lock(TWO_NIXPKGS_LOCK)));
}

#[test]
fn no_duplicates_when_everything_follows() {
    let text = r#"{
      "nodes": {
        "jetpack": {
          "inputs": {"nixpkgs": ["nixpkgs"]},
          "locked": {"owner": "anduril", "repo": "jetpack-nixos", "rev": "1111111111111111111111111111111111111111", "type": "github"},
          "original": {"owner": "anduril", "repo": "jetpack-nixos", "type": "github"}
        },
        "nixpkgs": {
          "locked": {"owner": "NixOS", "repo": "nixpkgs", "rev": "2222222222222222222222222222222222222222", "type": "github"},
          "original": {"owner": "NixOS", "ref": "nixos-24.05", "repo": "nixpkgs", "type": "github"}
        },
        "root": {"inputs": {"jetpack": "jetpack", "nixpkgs": "nixpkgs"}}
      },
      "root": "root",
      "version": 7
    }"#;
    assert_eq!(lock(text).duplicates(), []);
}

fn minimal(version: &str) -> String {
    format!(r#"{{"nodes": {{"root": {{}}}}, "root": "root", "version": {version}}}"#)
}

#[test]
fn versions_5_to_7_are_read() {
    for v in [5, 6, 7] {
        assert_eq!(lock(&minimal(&v.to_string())).version, v);
    }
}

#[test]
fn version_5_merges_info_into_locked() {
    check_lock(
        r#"{
  "nodes": {
    "nixpkgs": {
      "info": {"lastModified": 1714521600, "narHash": "sha256-x"},
      "locked": {"owner": "NixOS", "repo": "nixpkgs", "rev": "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", "type": "github"},
      "original": {"id": "nixpkgs", "type": "indirect"}
    },
    "root": {"inputs": {"nixpkgs": "nixpkgs"}}
  },
  "root": "root",
  "version": 5
}"#,
        expect![[r#"
            version 5 root root
            nixpkgs @19..28
              locked github:NixOS/nixpkgs/1a2b3c4 (1a2b3c4, 2024-05-01)
              original id=nixpkgs type=indirect
            root @290..296
              input nixpkgs @310..319 -> node nixpkgs
        "#]],
    );
}

#[test]
fn reads_parent_and_skips_unknown_attr_types() {
    check_lock(
        r#"{"nodes": {"root": {"inputs": {"sub": "sub"}}, "sub": {"inputs": {"x": "root"}, "locked": {"path": "./sub", "type": "path", "weird": [1], "f": 1.5, "b": true}, "original": {"path": "./sub", "type": "path"}, "parent": []}}, "root": "root", "version": 7}"#,
        expect![[r#"
            version 7 root root
            root @11..17
              input sub @31..36 -> node sub
            sub @47..52 parent=[]
              input x @66..69 -> node root
              locked path:./sub (, )
              original path=./sub type=path
        "#]],
    );
}

#[test]
fn unsupported_versions() {
    check_err(
        &minimal("3"),
        expect![[
            r#"51..52 "3": flake.lock version 3 is not supported: flakelint reads versions 5 to 7; run `nix flake lock` with Nix 2.4 or newer to rewrite it"#
        ]],
    );
    check_err(
        &minimal("8"),
        expect![[
            r#"51..52 "8": flake.lock version 8 is not supported: flakelint reads versions 5 to 7; it was written by a newer Nix than flakelint knows"#
        ]],
    );
    check_err(
        &minimal("-1"),
        expect![[
            r#"51..53 "-1": flake.lock version -1 is not supported: flakelint reads versions 5 to 7; run `nix flake lock` with Nix 2.4 or newer to rewrite it"#
        ]],
    );
    check_err(
        &minimal("\"7\""),
        expect![[r#"51..54 "\"7\"": `version` must be an integer such as 7, found a string"#]],
    );
    check_err(
        &minimal("7.0"),
        expect![[r#"51..54 "7.0": `version` must be an integer such as 7, found a number"#]],
    );
}

#[test]
fn structural_errors() {
    check_err(
        "[]",
        expect![[
            r#"0..2 "[]": flake.lock must hold a JSON object (with `nodes`, `root` and `version`), found an array"#
        ]],
    );
    check_err(
        r#"{"nodes": {}, "root": "root"}"#,
        expect![[
            r#"0..1 "{": flake.lock has no `version`: it was not written by `nix flake lock`"#
        ]],
    );
    check_err(
        r#"{"nodes": {}, "version": 7}"#,
        expect![[r#"0..1 "{": flake.lock has no `root`"#]],
    );
    check_err(
        r#"{"root": "root", "version": 7}"#,
        expect![[r#"0..1 "{": flake.lock has no `nodes`"#]],
    );
    check_err(
        r#"{"nodes": [], "root": "root", "version": 7}"#,
        expect![[r#"10..12 "[]": `nodes` must be an object of nodes, found an array"#]],
    );
    check_err(
        r#"{"nodes": {"root": {}}, "root": 1, "version": 7}"#,
        expect![[r#"32..33 "1": `root` must be the name of a node, found a number"#]],
    );
    check_err(
        r#"{"nodes": {"root": {}}, "root": "main", "version": 7}"#,
        expect![[r#"32..38 "\"main\"": `root` names node `main`, which is not in `nodes`"#]],
    );
    check_err(
        r#"{"nodes": {"root": "x"}, "root": "root", "version": 7}"#,
        expect![[r#"19..22 "\"x\"": node `root` must be an object, found a string"#]],
    );
    check_err(
        r#"{"nodes": {"root": {"inputs": ["a"]}}, "root": "root", "version": 7}"#,
        expect![[r#"30..35 "[\"a\"]": `inputs` of node `root` must be an object, found an array"#]],
    );
    check_err(
        r#"{"nodes": {"root": {"inputs": {"a": 1}}}, "root": "root", "version": 7}"#,
        expect![[
            r#"36..37 "1": input `a` of node `root` must be a node name or a follows path (an array of input names), found a number"#
        ]],
    );
    check_err(
        r#"{"nodes": {"root": {"inputs": {"a": ["b", null]}}}, "root": "root", "version": 7}"#,
        expect![[
            r#"42..46 "null": the follows path of input `a` of node `root` must hold input names (strings), found null"#
        ]],
    );
    check_err(
        r#"{"nodes": {"root": {"inputs": {"nixpkgs": "nixpkgs_2"}}}, "root": "root", "version": 7}"#,
        expect![[
            r#"42..53 "\"nixpkgs_2\"": input `nixpkgs` of node `root` names node `nixpkgs_2`, which is not in `nodes`"#
        ]],
    );
    check_err(
        r#"{"nodes": {"root": {}, "x": {"flake": "no"}}, "root": "root", "version": 7}"#,
        expect![[r#"38..42 "\"no\"": `flake` of node `x` must be true or false, found a string"#]],
    );
    check_err(
        r#"{"nodes": {"root": {}, "x": {"locked": "github:o/r"}}, "root": "root", "version": 7}"#,
        expect![[
            r#"39..51 "\"github:o/r\"": `locked` of node `x` must be an object, found a string"#
        ]],
    );
    check_err(
        r#"{"nodes": {"root": {}, "x": {"parent": "a"}}, "root": "root", "version": 7}"#,
        expect![[
            r#"39..42 "\"a\"": `parent` of node `x` must be an input path (an array of input names), found a string"#
        ]],
    );
}

#[test]
fn repeated_input_keeps_the_last() {
    let lock = lock(
        r#"{"nodes": {"a": {}, "root": {"inputs": {"x": "missing", "x": "a"}}}, "root": "root", "version": 7}"#,
    );
    assert_eq!(lock.resolve(&path(&["x"])), Some("a"));
    assert_eq!(lock.root_inputs().len(), 1);
}

#[test]
fn invalid_json() {
    check_err(
        "{\n  \"nodes\": {},\n}",
        expect![[
            r#"15..16 ",": flake.lock is not valid JSON: trailing comma: JSON does not allow a `,` before `}`"#
        ]],
    );
    check_err(
        "",
        expect![[r#"0..0 "": flake.lock is not valid JSON: empty input: expected a JSON value"#]],
    );
    check_err(
        "<<<<<<< HEAD\n{}",
        expect![[r#"0..1 "<": flake.lock is not valid JSON: expected a JSON value, found `<`"#]],
    );
}

#[test]
fn truncated_lock() {
    check_err(
        &V7_LOCK[..V7_LOCK.len() / 2],
        expect![[
            r#"2070..2071 "\"": flake.lock is not valid JSON: unterminated string: missing closing `"`"#
        ]],
    );
    for end in 0..V7_LOCK.trim_end().len() {
        let text = &V7_LOCK[..end];
        let Err(e) = parse_lock(text) else {
            panic!("a lock truncated at {end} was accepted");
        };
        assert!(usize::from(e.range.end()) <= text.len());
    }
}

#[test]
fn never_panics_on_mutated_locks() {
    let mut rng = XorShift(0x1234_5678_9abc_def1);
    let pieces = [
        "{", "}", "[", "]", "\"", ",", ":", "1", "\"x\"", "[\"a\"]", "null", "\"root\"",
    ];
    for _ in 0..2000 {
        let mut text = if rng.below(2) == 0 {
            V7_LOCK.to_string()
        } else {
            CYCLE_LOCK.to_string()
        };
        for _ in 0..=rng.below(3) {
            let at = rng.below(text.len() + 1);
            if rng.below(2) == 0 {
                text.insert_str(at, pieces[rng.below(pieces.len())]);
            } else {
                let end = (at + 1 + rng.below(8)).min(text.len());
                text.replace_range(at..end, "");
            }
        }
        if let Ok(lock) = parse_lock(&text) {
            // Whatever was read, the queries terminate.
            let _ = lock.duplicates();
            for (name, _, _) in lock.root_inputs() {
                let _ = lock.resolve(&path(&[name, "nixpkgs"]));
            }
        }
    }
}

#[test]
fn dates() {
    let cases = [
        (0, "1970-01-01"),
        (86_399, "1970-01-01"),
        (951_782_400, "2000-02-29"),
        (-1, "1969-12-31"),
        (-86_400, "1969-12-31"),
        (1_718_000_000, "2024-06-10"),
        (4_107_542_400, "2100-03-01"),
        (253_402_300_799, "9999-12-31"),
    ];
    for (secs, date) in cases {
        assert_eq!(date_from_epoch(secs).as_deref(), Some(date), "{secs}");
    }
    assert_eq!(date_from_epoch(253_402_300_800), None);
    assert_eq!(date_from_epoch(i64::MAX), None);
    assert_eq!(date_from_epoch(i64::MIN), None);
}

/// Against a plain day-by-day calendar from 1970 forwards and backwards.
#[test]
fn dates_match_a_day_counter() {
    fn days_in_month(y: i64, m: i64) -> i64 {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][m as usize - 1]
    }
    let (mut y, mut m, mut d) = (1970, 1, 1);
    for day in 0..150_000i64 {
        let expected = format!("{y:04}-{m:02}-{d:02}");
        assert_eq!(date_from_epoch(day * 86_400 + 3600).unwrap(), expected);
        d += 1;
        if d > days_in_month(y, m) {
            d = 1;
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
    }
    let (mut y, mut m, mut d) = (1969, 12, 31);
    for day in 1..150_000i64 {
        let expected = format!("{y:04}-{m:02}-{d:02}");
        assert_eq!(date_from_epoch(-day * 86_400).unwrap(), expected);
        d -= 1;
        if d == 0 {
            m -= 1;
            if m == 0 {
                m = 12;
                y -= 1;
            }
            d = days_in_month(y, m);
        }
    }
}

fn attrs(pairs: &[(&str, &str)]) -> LockAttrs {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), LockValue::Str(v.to_string())))
        .collect()
}

#[test]
fn repo_identities() {
    let cases: Vec<LockAttrs> = vec![
        attrs(&[("type", "github"), ("owner", "NixOS"), ("repo", "nixpkgs")]),
        attrs(&[
            ("type", "git"),
            ("url", "https://github.com/NixOS/nixpkgs.git"),
        ]),
        attrs(&[
            ("type", "git"),
            ("url", "https://github.com/nixos/nixpkgs/?ref=x"),
        ]),
        attrs(&[
            ("type", "git"),
            ("url", "ssh://git@github.com/NixOS/nixpkgs"),
        ]),
        attrs(&[("type", "git"), ("url", "git@github.com:NixOS/nixpkgs.git")]),
        attrs(&[
            ("type", "tarball"),
            (
                "url",
                "https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz",
            ),
        ]),
        attrs(&[
            ("type", "github"),
            ("owner", "o"),
            ("repo", "r"),
            ("host", "GHE.example.com"),
        ]),
        attrs(&[("type", "gitlab"), ("owner", "Group"), ("repo", "Proj")]),
        attrs(&[
            ("type", "git"),
            ("url", "https://gitlab.com/group/proj.git"),
        ]),
        attrs(&[
            ("type", "sourcehut"),
            ("owner", "~sircmpwn"),
            ("repo", "hare"),
        ]),
        attrs(&[
            ("type", "git"),
            ("url", "https://Git.Example.com/Team/Repo.git/"),
        ]),
        attrs(&[("type", "git"), ("url", "file:///srv/u/src/jetpack-nixos")]),
        attrs(&[("type", "hg"), ("url", "https://hg.example.org/repo")]),
        attrs(&[("type", "path"), ("path", "./sub/./dir/")]),
        attrs(&[("type", "path"), ("path", "/abs/dir")]),
        attrs(&[("type", "indirect"), ("id", "nixpkgs")]),
        attrs(&[("type", "unknown")]),
        attrs(&[("owner", "no-type")]),
    ];
    let out: String = cases
        .iter()
        .map(|a| format!("{} => {:?}\n", render_attrs(a), repo_identity(a)))
        .collect();
    expect![[r#"
        owner=NixOS repo=nixpkgs type=github => Some("github.com/nixos/nixpkgs")
        type=git url=https://github.com/NixOS/nixpkgs.git => Some("github.com/nixos/nixpkgs")
        type=git url=https://github.com/nixos/nixpkgs/?ref=x => Some("github.com/nixos/nixpkgs")
        type=git url=ssh://git@github.com/NixOS/nixpkgs => Some("github.com/nixos/nixpkgs")
        type=git url=git@github.com:NixOS/nixpkgs.git => Some("github.com/nixos/nixpkgs")
        type=tarball url=https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz => Some("github.com/nixos/nixpkgs")
        host=GHE.example.com owner=o repo=r type=github => Some("ghe.example.com/o/r")
        owner=Group repo=Proj type=gitlab => Some("gitlab.com/group/proj")
        type=git url=https://gitlab.com/group/proj.git => Some("gitlab.com/group/proj")
        owner=~sircmpwn repo=hare type=sourcehut => Some("git.sr.ht/~sircmpwn/hare")
        type=git url=https://Git.Example.com/Team/Repo.git/ => Some("git.example.com/Team/Repo")
        type=git url=file:///srv/u/src/jetpack-nixos => Some("path:/srv/u/src/jetpack-nixos")
        type=hg url=https://hg.example.org/repo => Some("hg.example.org/repo")
        path=./sub/./dir/ type=path => Some("path:sub/dir")
        path=/abs/dir type=path => Some("path:/abs/dir")
        id=nixpkgs type=indirect => Some("indirect:nixpkgs")
        type=unknown => None
        owner=no-type => None
    "#]]
    .assert_eq(&out);
}

#[test]
fn locked_ref_texts() {
    let cases: Vec<LockAttrs> = vec![
        attrs(&[
            ("type", "github"),
            ("owner", "NixOS"),
            ("repo", "nixpkgs"),
            ("rev", "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"),
        ]),
        attrs(&[
            ("type", "gitlab"),
            ("owner", "o"),
            ("repo", "r"),
            ("ref", "main"),
            ("host", "git.example.com"),
        ]),
        attrs(&[
            ("type", "git"),
            ("url", "https://example.com/r.git"),
            ("ref", "main"),
            ("rev", "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"),
        ]),
        attrs(&[("type", "git"), ("url", "git://example.com/r")]),
        attrs(&[
            ("type", "hg"),
            ("url", "https://example.com/r?x=1"),
            ("rev", "abcdef0123"),
        ]),
        attrs(&[("type", "path"), ("path", "./sub")]),
        attrs(&[("type", "tarball"), ("url", "https://example.com/x.tar.gz")]),
        attrs(&[("type", "file"), ("url", "https://example.com/x")]),
        attrs(&[
            ("type", "indirect"),
            ("id", "nixpkgs"),
            ("ref", "nixos-24.05"),
        ]),
        attrs(&[("type", "custom")]),
    ];
    let out: String = cases
        .iter()
        .map(|a| format!("{}\n", locked_ref_text(a).unwrap_or_default()))
        .collect();
    expect![[r#"
        github:NixOS/nixpkgs/1a2b3c4
        gitlab:o/r/main?host=git.example.com
        git+https://example.com/r.git?ref=main&rev=1a2b3c4
        git://example.com/r
        hg+https://example.com/r?x=1&rev=abcdef0
        path:./sub
        https://example.com/x.tar.gz
        file+https://example.com/x
        flake:nixpkgs/nixos-24.05
        custom
    "#]]
    .assert_eq(&out);
}

#[test]
fn normalizes_paths() {
    for (input, expected) in [
        ("./a", "a"),
        ("a/", "a"),
        ("./a//b/./c/", "a/b/c"),
        ("./", "."),
        (".", "."),
        ("", "."),
        ("/", "/"),
        ("/x/./y/", "/x/y"),
        ("../up", "../up"),
    ] {
        assert_eq!(normalize_path(input), expected, "{input}");
    }
}
