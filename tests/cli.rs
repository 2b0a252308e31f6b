//! End-to-end tests of the `flakelint` binary: exit codes, stdout and stderr together, on copies
//! of `test-data/` in temporary directories and on real git repositories made with `git`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use expect_test::{expect, Expect};

#[path = "support/git.rs"]
mod git_support;
use git_support::git;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Copies a directory of `test-data/` into a fresh temporary directory.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("test-data").join(name), tmp.path());
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn flakelint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flakelint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

/// Exit code, stdout and stderr as one text, with the temporary directory's path replaced.
fn transcript(dir: &Path, output: &Output) -> String {
    let clean = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes).to_string();
        let real = fs::canonicalize(dir).unwrap();
        text.replace(&real.display().to_string(), "<tmp>")
            .replace(&dir.display().to_string(), "<tmp>")
    };
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        clean(&output.stdout),
        clean(&output.stderr)
    )
}

fn check(dir: &Path, args: &[&str], expect: Expect) {
    let output = flakelint(dir, args);
    expect.assert_eq(&transcript(dir, &output));
}

fn write(dir: &Path, path: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn example_full() {
    let dir = copy_fixture("example");
    check(
        dir.path(),
        &["check", "--color", "never"],
        expect![[r#"
        exit: 1
        --- stdout
        configuration.nix:7:5: error[missing-file] `./modules/camera.nix` does not exist
          |
        6 |     # Deliberately missing file (missing-file).
        7 |     ./modules/camera.nix
          |     ^^^^^^^^^^^^^^^^^^^^

        flake.nix:8:5: warning[missing-follows] input `jetpack` brings its own nixpkgs (locked at 3b4de0a, 2024-05-01) instead of following yours (`nixpkgs`, locked at 0302c40, 2024-11-20)
          |
        7 |     # (the lock holds a second nixpkgs: missing-follows).
        8 |     jetpack.url = "github:anduril/jetpack-nixos";
          |     ^^^^^^^
          = help: add `jetpack.inputs.nixpkgs.follows = "nixpkgs";`

        flake.nix:23:5: warning[deprecated-output] `devShell` is deprecated; use `devShells.<system>.default`
           |
        22 |     # Deliberately deprecated output name (deprecated-output: use devShells.<system>.default).
        23 |     devShell.x86_64-linux = nixpkgs.legacyPackages.x86_64-linux.mkShell {
           |     ^^^^^^^^
           = help: rename to `devShells.<system>.default`

        flake.nix:29:14: error[invalid-system] `aarch64_linux` is not a Nix system; did you mean `aarch64-linux`?
           |
        28 |     # Deliberately invalid system string (invalid-system: aarch64-linux).
        29 |     packages.aarch64_linux.flash-script =
           |              ^^^^^^^^^^^^^
           = help: replace with `aarch64-linux`

        Found 4 problems (2 errors, 2 warnings) in 5 files.
        3 fixable with --fix.
        --- stderr
    "#]],
    );
}

#[test]
fn example_json() {
    let dir = copy_fixture("example");
    check(
        dir.path(),
        &["check", "--format", "json"],
        expect![[r#"
        exit: 1
        --- stdout
        {
          "version": 1,
          "diagnostics": [
            {
              "rule": "missing-file",
              "severity": "error",
              "message": "`./modules/camera.nix` does not exist",
              "file": "configuration.nix",
              "range": {
                "start": {
                  "line": 7,
                  "column": 5
                },
                "end": {
                  "line": 7,
                  "column": 25
                }
              },
              "fix": null
            },
            {
              "rule": "missing-follows",
              "severity": "warning",
              "message": "input `jetpack` brings its own nixpkgs (locked at 3b4de0a, 2024-05-01) instead of following yours (`nixpkgs`, locked at 0302c40, 2024-11-20)",
              "file": "flake.nix",
              "range": {
                "start": {
                  "line": 8,
                  "column": 5
                },
                "end": {
                  "line": 8,
                  "column": 12
                }
              },
              "fix": {
                "message": "add `jetpack.inputs.nixpkgs.follows = \"nixpkgs\";`",
                "edits": [
                  {
                    "file": "flake.nix",
                    "range": {
                      "start": {
                        "line": 8,
                        "column": 50
                      },
                      "end": {
                        "line": 8,
                        "column": 50
                      }
                    },
                    "new_text": "\n    jetpack.inputs.nixpkgs.follows = \"nixpkgs\";"
                  }
                ]
              }
            },
            {
              "rule": "deprecated-output",
              "severity": "warning",
              "message": "`devShell` is deprecated; use `devShells.<system>.default`",
              "file": "flake.nix",
              "range": {
                "start": {
                  "line": 23,
                  "column": 5
                },
                "end": {
                  "line": 23,
                  "column": 13
                }
              },
              "fix": {
                "message": "rename to `devShells.<system>.default`",
                "edits": [
                  {
                    "file": "flake.nix",
                    "range": {
                      "start": {
                        "line": 23,
                        "column": 5
                      },
                      "end": {
                        "line": 23,
                        "column": 13
                      }
                    },
                    "new_text": "devShells"
                  },
                  {
                    "file": "flake.nix",
                    "range": {
                      "start": {
                        "line": 23,
                        "column": 14
                      },
                      "end": {
                        "line": 23,
                        "column": 26
                      }
                    },
                    "new_text": "x86_64-linux.default"
                  }
                ]
              }
            },
            {
              "rule": "invalid-system",
              "severity": "error",
              "message": "`aarch64_linux` is not a Nix system; did you mean `aarch64-linux`?",
              "file": "flake.nix",
              "range": {
                "start": {
                  "line": 29,
                  "column": 14
                },
                "end": {
                  "line": 29,
                  "column": 27
                }
              },
              "fix": {
                "message": "replace with `aarch64-linux`",
                "edits": [
                  {
                    "file": "flake.nix",
                    "range": {
                      "start": {
                        "line": 29,
                        "column": 14
                      },
                      "end": {
                        "line": 29,
                        "column": 27
                      }
                    },
                    "new_text": "aarch64-linux"
                  }
                ]
              }
            }
          ],
          "summary": {
            "files": 5,
            "errors": 2,
            "warnings": 2,
            "infos": 0
          }
        }
        --- stderr
    "#]],
    );
}

#[test]
fn sarif_lists_every_rule_and_valid_results() {
    let dir = copy_fixture("example");
    let output = flakelint(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = analysis::lints::Rule::ALL
        .iter()
        .map(|r| r.name())
        .collect();
    assert_eq!(rules, expected);
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(result["ruleId"].as_str().unwrap(), rules[index]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn github_annotations() {
    let dir = copy_fixture("example");
    let output = flakelint(
        dir.path(),
        &[
            "check",
            "--format",
            "github",
            "--select",
            "deprecated-output,invalid-system",
        ],
    );
    expect![[r#"
        ::warning file=flake.nix,line=23,col=5,endLine=23,endColumn=13,title=flakelint(deprecated-output)::`devShell` is deprecated; use `devShells.<system>.default`
        ::error file=flake.nix,line=29,col=14,endLine=29,endColumn=27,title=flakelint(invalid-system)::`aarch64_linux` is not a Nix system; did you mean `aarch64-linux`?
    "#]].assert_eq(&String::from_utf8(output.stdout).unwrap());
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "clean/flake.nix",
        "{\n  outputs = { self }: { };\n}\n",
    );
    write(
        dir.path(),
        "warn/flake.nix",
        "{\n  outputs = { self }: { overlay = final: prev: { }; };\n}\n",
    );
    let code = |args: &[&str]| flakelint(dir.path(), args).status.code();
    assert_eq!(code(&["check", "clean"]), Some(0));
    assert_eq!(code(&["check", "warn"]), Some(1));
    assert_eq!(code(&["check", "--exit-zero", "warn"]), Some(0));
    assert_eq!(
        code(&["check", "--ignore", "deprecated-output", "warn"]),
        Some(0)
    );
    assert_eq!(
        code(&["check", "--select", "missing-file", "warn"]),
        Some(0)
    );
    check(
        dir.path(),
        &["check", "does-not-exist"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: does-not-exist: no such file or directory
    "#]],
    );
    check(
        dir.path(),
        &["check", "--select", "no-such-rule"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: unknown rule `no-such-rule`; `flakelint rule` lists them
    "#]],
    );
    check(
        dir.path(),
        &["check", "--format", "xml"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        error: invalid value 'xml' for '--format <FORMAT>'
          [possible values: full, concise, json, github, sarif]

        For more information, try '--help'.
    "#]],
    );
}

#[test]
fn configuration_discovery_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "flake.nix",
        "{\n  outputs = { self }: { overlay = final: prev: { }; };\n}\n",
    );
    assert_eq!(flakelint(dir.path(), &["check"]).status.code(), Some(1));
    write(
        dir.path(),
        "flakelint.toml",
        "[rules]\ndeprecated-output = \"info\"\n",
    );
    check(
        dir.path(),
        &["check", "--format", "concise"],
        expect![[r#"
        exit: 0
        --- stdout
        flake.nix:2:25: info[deprecated-output] `overlay` is deprecated; use `overlays.default`
        Found 1 problem (1 info) in 1 file.
        1 fixable with --fix.
        --- stderr
    "#]],
    );
    write(
        dir.path(),
        "flakelint.toml",
        "[rules]\ndeprecated-outputs = \"off\"\n",
    );
    check(
        dir.path(),
        &["check"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: <tmp>/flakelint.toml: line 2: unknown rule `deprecated-outputs` in [rules]; did you mean `deprecated-output`?
    "#]],
    );
    write(
        dir.path(),
        "other.toml",
        "[rules]\ndeprecated-output = \"off\"\n",
    );
    assert_eq!(
        flakelint(dir.path(), &["check", "--config", "other.toml"])
            .status
            .code(),
        Some(0)
    );
    check(
        dir.path(),
        &["check", "--config", "missing.toml"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: cannot read missing.toml: no such file or directory
    "#]],
    );
}

#[test]
fn fix_rewrites_files_atomically_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = copy_fixture("example");
    let flake = dir.path().join("flake.nix");
    fs::set_permissions(&flake, fs::Permissions::from_mode(0o640)).unwrap();
    check(
        dir.path(),
        &[
            "check",
            "--fix",
            "--format",
            "concise",
            "--select",
            "deprecated-output,invalid-system",
        ],
        expect![[r#"
            exit: 0
            --- stdout
            No problems found in 5 files.
            Fixed 2 findings.
            --- stderr
        "#]],
    );
    let text = fs::read_to_string(&flake).unwrap();
    assert!(text.contains("devShells.x86_64-linux.default = nixpkgs"));
    assert!(text.contains("packages.aarch64-linux.flash-script"));
    assert_eq!(
        fs::metadata(&flake).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // Without --fix nothing is ever written.
    let before = fs::read_to_string(dir.path().join("configuration.nix")).unwrap();
    flakelint(dir.path(), &["check"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("configuration.nix")).unwrap(),
        before
    );
}

#[test]
fn rule_command() {
    let dir = tempfile::tempdir().unwrap();
    let list = flakelint(dir.path(), &["rule"]);
    assert_eq!(list.status.code(), Some(0));
    let text = String::from_utf8(list.stdout).unwrap();
    for rule in analysis::lints::Rule::ALL {
        assert!(
            text.contains(rule.name()),
            "{} missing from `flakelint rule`",
            rule.name()
        );
    }
    let doc = flakelint(dir.path(), &["rule", "missing-follows"]);
    let doc = String::from_utf8(doc.stdout).unwrap();
    for heading in [
        "## What it checks",
        "## Why it matters",
        "## Example",
        "## Fix",
    ] {
        assert!(doc.contains(heading), "missing {heading}");
    }
    check(
        dir.path(),
        &["rule", "missing-folows"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: unknown rule `missing-folows`; `flakelint rule` lists them
    "#]],
    );
}

/// A flake with a given `flake.lock` text, checked with only the lock's rules.
fn check_lock_text(lock: &[u8], expect: Expect) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "flake.nix", "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.11\";\n  outputs = { self, nixpkgs }: { };\n}\n");
    write(dir.path(), "flake.lock", lock);
    check(
        dir.path(),
        &["check", "--format", "concise", "flake.lock"],
        expect,
    );
}

#[test]
fn bad_lock_files_get_clear_messages() {
    check_lock_text(
        b"{ \"nodes\": { \"root\": {} }, \"root\": \"root\", \"version\": 7,, }",
        expect![[r#"
        exit: 1
        --- stdout
        flake.lock:1:57: error[syntax-error] flake.lock is not valid JSON: expected a string key in double quotes, found `,`
        Found 1 problem (1 error) in 1 file.
        --- stderr
    "#]],
    );
    check_lock_text(
        b"{ \"nodes\": { \"root\": {} }, \"root\": \"root\", \"version\": 3 }",
        expect![[r#"
        exit: 1
        --- stdout
        flake.lock:1:55: error[syntax-error] flake.lock version 3 is not supported: flakelint reads versions 5 to 7; run `nix flake lock` with Nix 2.4 or newer to rewrite it
        Found 1 problem (1 error) in 1 file.
        --- stderr
    "#]],
    );
    let real = fs::read(repo_root().join("test-data/example/flake.lock")).unwrap();
    check_lock_text(
        &real[..real.len() / 2],
        expect![[r#"
        exit: 1
        --- stdout
        flake.lock:45:16: error[syntax-error] flake.lock is not valid JSON: unterminated string: missing closing `"`
        Found 1 problem (1 error) in 1 file.
        --- stderr
    "#]],
    );
    check_lock_text(
        b"[1, 2, 3]",
        expect![[r#"
        exit: 1
        --- stdout
        flake.lock:1:1: error[syntax-error] flake.lock must hold a JSON object (with `nodes`, `root` and `version`), found an array
        Found 1 problem (1 error) in 1 file.
        --- stderr
    "#]],
    );
    check_lock_text(
        b"",
        expect![[r#"
        exit: 1
        --- stdout
        flake.lock:1:1: error[syntax-error] flake.lock is not valid JSON: empty input: expected a JSON value
        Found 1 problem (1 error) in 1 file.
        --- stderr
    "#]],
    );
}

#[test]
fn files_that_are_not_nix_source() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "binary.nix",
        [0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 0xff],
    );
    write(
        dir.path(),
        "latin1.nix",
        b"{ description = \"caf\xe9\"; }\n",
    );
    write(dir.path(), "flake.nix", "");
    check(
        dir.path(),
        &["check", "--format", "concise"],
        expect![[r#"
        exit: 1
        --- stdout
        binary.nix:1:1: error[syntax-error] file contains NUL bytes: it looks binary, not like Nix source
        flake.nix:1:1: error[syntax-error] syntax error: unexpected end of file
        latin1.nix:1:1: error[syntax-error] file is not valid UTF-8 (first invalid byte on line 1, byte offset 20)
        Found 3 problems (3 errors) in 3 files.
        --- stderr
    "#]],
    );
}

#[test]
fn huge_and_deeply_nested_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = String::from("{\n");
    while big.len() < 10 * 1024 * 1024 {
        big.push_str("  services.nvpmodel.profileNumber = 0;\n  environment.etc.\"a\".text = \"some text here\";\n");
    }
    big.push_str("}\n");
    write(dir.path(), "big.nix", &big);
    write(dir.path(), "deep.nix", "[".repeat(100_000));
    check(
        dir.path(),
        &["check", "--format", "concise", "--ignore", "syntax-error"],
        expect![[r#"
        exit: 0
        --- stdout
        No problems found in 2 files.
        --- stderr
    "#]],
    );
    let deep = flakelint(dir.path(), &["check", "--format", "concise", "deep.nix"]);
    assert_eq!(deep.status.code(), Some(1));
}

/// The loader resolves a file's references against the flake above it on disk; when that
/// flake.nix cannot be read, the workspace puts the file in the flake above, and the analysis
/// resolves (and stats) the references itself: `self` is then the outer flake.
#[test]
fn references_are_checked_when_the_flake_nix_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "flake.nix", "{ outputs = { self }: { }; }\n");
    write(dir.path(), "inner/flake.nix", b"\x00\x01 binary");
    write(
        dir.path(),
        "inner/m.nix",
        "{ self, ... }: { imports = [ \"${self}/x.nix\" ./missing.nix ./there.nix ]; }\n",
    );
    write(dir.path(), "inner/there.nix", "{ }\n");
    check(
        dir.path(),
        &["check", ".", "--format", "concise"],
        expect![[r#"
            exit: 1
            --- stdout
            inner/flake.nix:1:1: error[syntax-error] file contains NUL bytes: it looks binary, not like Nix source
            inner/m.nix:1:30: error[missing-file] `"${self}/x.nix"` does not exist
            inner/m.nix:1:46: error[missing-file] `./missing.nix` does not exist
            Found 3 problems (3 errors) in 4 files.
            --- stderr
        "#]],
    );
}

#[test]
fn symlink_loops_and_unreadable_files() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.nix", "{ }\n");
    symlink("loop-b.nix", dir.path().join("loop-a.nix")).unwrap();
    symlink("loop-a.nix", dir.path().join("loop-b.nix")).unwrap();
    symlink(".", dir.path().join("self-dir")).unwrap();
    symlink("ok.nix", dir.path().join("link.nix")).unwrap();
    // A directory walk skips the loops and lints the good link.
    check(
        dir.path(),
        &["check", "--format", "concise"],
        expect![[r#"
            exit: 0
            --- stdout
            No problems found in 1 file.
            --- stderr
        "#]],
    );
    // Naming a loop directly is an error about that path.
    check(
        dir.path(),
        &["check", "loop-a.nix"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: loop-a.nix: too many levels of symbolic links
    "#]],
    );
    // A FIFO would block a naive reader forever.
    assert!(Command::new("mkfifo")
        .arg(dir.path().join("pipe.nix"))
        .status()
        .unwrap()
        .success());
    check(
        dir.path(),
        &["check", "--format", "concise", "pipe.nix"],
        expect![[r#"
        exit: 2
        --- stdout
        No problems found in 1 file.
        --- stderr
        flakelint: cannot read <tmp>/pipe.nix: not a regular file
    "#]],
    );
    let secret = dir.path().join("secret.nix");
    write(dir.path(), "secret.nix", "{ }\n");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&secret).is_err() {
        // Not running as root: the permission bits hold.
        let output = flakelint(dir.path(), &["check", "secret.nix"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains("permission denied"));
    }
}

#[test]
fn untracked_staged_ignored_files_in_real_repositories() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "flake.nix", "{\n  outputs = { self }: {\n    nixosModules.default = { imports = [ ./tracked.nix ./staged.nix ./ignored.nix ./untracked.nix ./dir ]; };\n  };\n}\n");
    for name in [
        "tracked.nix",
        "staged.nix",
        "ignored.nix",
        "untracked.nix",
        "dir/default.nix",
    ] {
        write(root, name, "{ }\n");
    }
    write(root, ".gitignore", "ignored.nix\n");
    git(root, &["init", "-q"]);
    git(root, &["add", "flake.nix", "tracked.nix", ".gitignore"]);
    git(root, &["commit", "-q", "-m", "init"]);
    git(root, &["add", "staged.nix"]);
    check(
        root,
        &["check", "--format", "concise"],
        expect![[r#"
        exit: 1
        --- stdout
        flake.nix:3:69: error[untracked-file] `./ignored.nix` is not tracked by git, so the flake cannot see it: run `git add ignored.nix`
        flake.nix:3:83: error[untracked-file] `./untracked.nix` is not tracked by git, so the flake cannot see it: run `git add untracked.nix`
        flake.nix:3:99: error[untracked-file] `./dir` is not tracked by git, so the flake cannot see it: run `git add dir/default.nix`
        Found 3 problems (3 errors) in 5 files.
        --- stderr
    "#]],
    );

    // The same flake in a subdirectory of the repository, seen from a worktree.
    let wt = tempfile::tempdir().unwrap();
    let wt_path = wt.path().join("wt");
    git(root, &["commit", "-q", "-m", "staged"]);
    git(root, &["worktree", "add", "-q", wt_path.to_str().unwrap()]);
    write(&wt_path, "new.nix", "{ }\n");
    write(
        &wt_path,
        "flake.nix",
        "{\n  outputs = { self }: { nixosModules.default = ./new.nix; };\n}\n",
    );
    check(
        &wt_path,
        &["check", "--format", "concise", "flake.nix"],
        expect![[r#"
        exit: 1
        --- stdout
        flake.nix:2:48: error[untracked-file] `./new.nix` is not tracked by git, so the flake cannot see it: run `git add new.nix`
        Found 1 problem (1 error) in 1 file.
        --- stderr
    "#]],
    );
    git(&wt_path, &["add", "new.nix"]);
    check(
        &wt_path,
        &["check", "--format", "concise", "flake.nix"],
        expect![[r#"
        exit: 0
        --- stdout
        No problems found in 1 file.
        --- stderr
    "#]],
    );
}

#[test]
fn flake_in_a_subdirectory_and_outside_any_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "hosts/orin/flake.nix", "{\n  outputs = { self }: { nixosModules.default = { imports = [ ../../common/users.nix ./hw.nix ]; }; };\n}\n");
    write(root, "hosts/orin/hw.nix", "{ }\n");
    write(root, "common/users.nix", "{ }\n");
    git(root, &["init", "-q"]);
    git(root, &["add", "hosts/orin/flake.nix", "common/users.nix"]);
    check(
        &root.join("hosts/orin"),
        &["check", "--format", "concise"],
        expect![[r#"
        exit: 1
        --- stdout
        flake.nix:2:85: error[untracked-file] `./hw.nix` is not tracked by git, so the flake cannot see it: run `git add hosts/orin/hw.nix`
        Found 1 problem (1 error) in 2 files.
        --- stderr
    "#]],
    );
    // Without a repository every file is visible to the flake.
    fs::remove_dir_all(root.join(".git")).unwrap();
    check(
        &root.join("hosts/orin"),
        &["check", "--format", "concise"],
        expect![[r#"
        exit: 0
        --- stdout
        No problems found in 2 files.
        --- stderr
    "#]],
    );
}

/// Writes a rule fixture to disk (with real git repositories for `!git`), as a user would have it.
fn materialize(fixture: &analysis::fixture::Fixture, root: &Path) {
    for (path, text) in &fixture.files {
        write(root, path.trim_start_matches('/'), text);
    }
    for path in &fixture.extra_paths {
        write(root, path.trim_start_matches('/'), "");
    }
    for repo in &fixture.git_roots {
        let dir = root.join(repo.trim_start_matches('/'));
        git(&dir, &["init", "-q"]);
        let all = fixture
            .files
            .iter()
            .map(|(p, _)| p)
            .chain(&fixture.extra_paths);
        for path in all.filter(|p| !fixture.untracked.contains(p)) {
            if let Some(rel) = analysis::paths::strip_dir(path, repo) {
                git(&dir, &["add", "-f", "--", rel]);
            }
        }
    }
}

fn snapshot_file(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs (UPDATE_EXPECT=1 to refresh):\n{actual}",
        path.display()
    );
}

/// Every rule's fixtures through the binary: the bad one rendered in full and as JSON
/// (snapshots beside the fixture), the good and suppressed ones without a finding of the rule.
#[test]
fn rule_fixtures_through_the_binary() {
    let include = |rel: &str| fs::read_to_string(repo_root().join("test-data").join(rel)).unwrap();
    for rule in analysis::lints::Rule::ALL {
        let dir = repo_root().join("test-data/rules").join(rule.name());
        for kind in ["bad", "good", "suppressed"] {
            let text = fs::read_to_string(dir.join(format!("{kind}.fixture"))).unwrap();
            let fixture = analysis::fixture::Fixture::parse(&text, include);
            let tmp = tempfile::tempdir().unwrap();
            materialize(&fixture, tmp.path());
            let json = flakelint(tmp.path(), &["check", "--format", "json"]);
            let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
            let of_rule = parsed["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["rule"] == rule.name())
                .count();
            if kind == "bad" {
                assert!(of_rule > 0, "{}: no finding from the binary", rule.name());
                snapshot_file(&dir.join("bad.json"), &transcript(tmp.path(), &json));
                let full = flakelint(tmp.path(), &["check", "--color", "never"]);
                snapshot_file(&dir.join("bad.full"), &transcript(tmp.path(), &full));
            } else {
                assert_eq!(
                    of_rule,
                    0,
                    "{} {kind}: {}",
                    rule.name(),
                    String::from_utf8_lossy(&json.stdout)
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// `flakelint inputs`

/// The keys of every input object of `inputs --json`, always all present.
const INPUT_KEYS: &[&str] = &[
    "name",
    "path",
    "node",
    "type",
    "reference",
    "original",
    "url",
    "ref",
    "rev",
    "short_rev",
    "last_modified",
    "nar_hash",
    "flake",
    "follows",
    "duplicate_of",
    "see",
    "inputs",
];

/// `inputs --json` parses, has the top-level keys, lists every root input of the lock (in the
/// lock's order), and every input object, nested too, has exactly [`INPUT_KEYS`].
fn assert_inputs_json(dir: &Path) {
    let output = flakelint(dir, &["inputs", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut top: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    top.sort_unstable();
    assert_eq!(
        top,
        [
            "duplicates",
            "flake",
            "inputs",
            "lock_version",
            "undeclared",
            "unlocked"
        ]
    );
    let lock: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("flake.lock")).unwrap()).unwrap();
    let root = lock["root"].as_str().unwrap();
    let mut locked: Vec<&str> = lock["nodes"][root]["inputs"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    locked.sort_unstable();
    let listed: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(listed, locked);
    fn keys(input: &serde_json::Value) {
        let mut found: Vec<&str> = input
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut wanted = INPUT_KEYS.to_vec();
        found.sort_unstable();
        wanted.sort_unstable();
        assert_eq!(found, wanted);
        for child in input["inputs"].as_array().into_iter().flatten() {
            keys(child);
        }
    }
    for input in report["inputs"].as_array().unwrap() {
        keys(input);
    }
}

/// `flakelint inputs` and `flakelint inputs --json` on a copy of a fixture.
fn check_inputs(fixture: &str, text: Expect, json: Expect) {
    let dir = copy_fixture(fixture);
    check(dir.path(), &["inputs"], text);
    check(dir.path(), &["inputs", "--json"], json);
    assert_inputs_json(dir.path());
}

#[test]
fn inputs_example() {
    check_inputs(
        "example",
        expect![[r#"
            exit: 0
            --- stdout
            .
            ├── flake-utils  github:numtide/flake-utils/7baed32    2024-11-13
            │   └── systems  github:nix-systems/default/3cb28b6    2023-04-09
            ├── jetpack      github:anduril/jetpack-nixos/10effed  2025-02-10
            │   └── nixpkgs  github:NixOS/nixpkgs/3b4de0a          2024-05-01  ⚠ duplicate of root input nixpkgs (missing follows)
            └── nixpkgs      github:NixOS/nixpkgs/0302c40          2024-11-20

            1 repository is locked twice: github.com/nixos/nixpkgs (nixpkgs, jetpack/nixpkgs)
            --- stderr
        "#]],
        expect![[r#"
            exit: 0
            --- stdout
            {
              "flake": ".",
              "lock_version": 7,
              "inputs": [
                {
                  "name": "flake-utils",
                  "path": [
                    "flake-utils"
                  ],
                  "node": "flake-utils",
                  "type": "github",
                  "reference": "github:numtide/flake-utils/7baed32",
                  "original": "github:numtide/flake-utils",
                  "url": null,
                  "ref": null,
                  "rev": "7baed32006a8d4f7dedd8041f8bbacd279459ea9",
                  "short_rev": "7baed32",
                  "last_modified": "2024-11-13",
                  "nar_hash": "sha256-l4QJXk4B4m90n1HH1s6WeOGfDHQ9autygraMCQAIgbA=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": [
                    {
                      "name": "systems",
                      "path": [
                        "flake-utils",
                        "systems"
                      ],
                      "node": "systems",
                      "type": "github",
                      "reference": "github:nix-systems/default/3cb28b6",
                      "original": "github:nix-systems/default",
                      "url": null,
                      "ref": null,
                      "rev": "3cb28b631ca9d18d3f999bc330394acdb14a268f",
                      "short_rev": "3cb28b6",
                      "last_modified": "2023-04-09",
                      "nar_hash": "sha256-3AdT5Ik9BWidqcDYUDvVdS7t77xr8wZ5PVcM4uVktaU=",
                      "flake": true,
                      "follows": null,
                      "duplicate_of": null,
                      "see": null,
                      "inputs": []
                    }
                  ]
                },
                {
                  "name": "jetpack",
                  "path": [
                    "jetpack"
                  ],
                  "node": "jetpack",
                  "type": "github",
                  "reference": "github:anduril/jetpack-nixos/10effed",
                  "original": "github:anduril/jetpack-nixos",
                  "url": null,
                  "ref": null,
                  "rev": "10effed87e908b6243ab950419c103841874f52c",
                  "short_rev": "10effed",
                  "last_modified": "2025-02-10",
                  "nar_hash": "sha256-WLbkjgR6BIVe3f3OG+yTFkUe35abHWXcRJyE6P0NObE=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": [
                    {
                      "name": "nixpkgs",
                      "path": [
                        "jetpack",
                        "nixpkgs"
                      ],
                      "node": "nixpkgs",
                      "type": "github",
                      "reference": "github:NixOS/nixpkgs/3b4de0a",
                      "original": "github:NixOS/nixpkgs/nixos-24.05",
                      "url": null,
                      "ref": null,
                      "rev": "3b4de0a5e199be8ba3ff37ce798aedaca7307417",
                      "short_rev": "3b4de0a",
                      "last_modified": "2024-05-01",
                      "nar_hash": "sha256-ak0NqoLd3aQ3zZ2OSj1c2nu8SdkSAgJU8orXP4X+4Io=",
                      "flake": true,
                      "follows": null,
                      "duplicate_of": "nixpkgs",
                      "see": null,
                      "inputs": []
                    }
                  ]
                },
                {
                  "name": "nixpkgs",
                  "path": [
                    "nixpkgs"
                  ],
                  "node": "nixpkgs_2",
                  "type": "github",
                  "reference": "github:NixOS/nixpkgs/0302c40",
                  "original": "github:NixOS/nixpkgs/nixos-24.11",
                  "url": null,
                  "ref": null,
                  "rev": "0302c40fea426918ba86ba04d9ffdfd1be0e5c2c",
                  "short_rev": "0302c40",
                  "last_modified": "2024-11-20",
                  "nar_hash": "sha256-seqcbOUyvdeYl3kmgBV2QTtkLEFblvQhPeWBGHnh4h8=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                }
              ],
              "duplicates": [
                {
                  "repository": "github.com/nixos/nixpkgs",
                  "root_input": "nixpkgs",
                  "path": [
                    "jetpack",
                    "nixpkgs"
                  ],
                  "node": "nixpkgs"
                }
              ],
              "undeclared": [],
              "unlocked": []
            }
            --- stderr
        "#]],
    );
}

#[test]
fn inputs_no_follows() {
    check_inputs(
        "locks/no-follows",
        expect![[r#"
            exit: 0
            --- stdout
            .
            ├── jetpack      github:anduril/jetpack-nixos/10effed  2025-02-10
            │   └── nixpkgs  github:NixOS/nixpkgs/3b4de0a          2024-05-01  ⚠ duplicate of root input nixpkgs (missing follows)
            └── nixpkgs      github:NixOS/nixpkgs/0302c40          2024-11-20

            1 repository is locked twice: github.com/nixos/nixpkgs (nixpkgs, jetpack/nixpkgs)
            --- stderr
        "#]],
        expect![[r#"
            exit: 0
            --- stdout
            {
              "flake": ".",
              "lock_version": 7,
              "inputs": [
                {
                  "name": "jetpack",
                  "path": [
                    "jetpack"
                  ],
                  "node": "jetpack",
                  "type": "github",
                  "reference": "github:anduril/jetpack-nixos/10effed",
                  "original": "github:anduril/jetpack-nixos",
                  "url": null,
                  "ref": null,
                  "rev": "10effed87e908b6243ab950419c103841874f52c",
                  "short_rev": "10effed",
                  "last_modified": "2025-02-10",
                  "nar_hash": "sha256-WLbkjgR6BIVe3f3OG+yTFkUe35abHWXcRJyE6P0NObE=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": [
                    {
                      "name": "nixpkgs",
                      "path": [
                        "jetpack",
                        "nixpkgs"
                      ],
                      "node": "nixpkgs",
                      "type": "github",
                      "reference": "github:NixOS/nixpkgs/3b4de0a",
                      "original": "github:NixOS/nixpkgs/nixos-24.05",
                      "url": null,
                      "ref": null,
                      "rev": "3b4de0a5e199be8ba3ff37ce798aedaca7307417",
                      "short_rev": "3b4de0a",
                      "last_modified": "2024-05-01",
                      "nar_hash": "sha256-ak0NqoLd3aQ3zZ2OSj1c2nu8SdkSAgJU8orXP4X+4Io=",
                      "flake": true,
                      "follows": null,
                      "duplicate_of": "nixpkgs",
                      "see": null,
                      "inputs": []
                    }
                  ]
                },
                {
                  "name": "nixpkgs",
                  "path": [
                    "nixpkgs"
                  ],
                  "node": "nixpkgs_2",
                  "type": "github",
                  "reference": "github:NixOS/nixpkgs/0302c40",
                  "original": "github:NixOS/nixpkgs/nixos-24.11",
                  "url": null,
                  "ref": null,
                  "rev": "0302c40fea426918ba86ba04d9ffdfd1be0e5c2c",
                  "short_rev": "0302c40",
                  "last_modified": "2024-11-20",
                  "nar_hash": "sha256-seqcbOUyvdeYl3kmgBV2QTtkLEFblvQhPeWBGHnh4h8=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                }
              ],
              "duplicates": [
                {
                  "repository": "github.com/nixos/nixpkgs",
                  "root_input": "nixpkgs",
                  "path": [
                    "jetpack",
                    "nixpkgs"
                  ],
                  "node": "nixpkgs"
                }
              ],
              "undeclared": [],
              "unlocked": []
            }
            --- stderr
        "#]],
    );
}

#[test]
fn inputs_deep() {
    check_inputs(
        "locks/deep",
        expect![[r#"
            exit: 0
            --- stdout
            .
            ├── a                github:example/a/e224b77      2024-10-01
            │   └── b            github:example/b/1df147c      2024-09-01
            │       └── nixpkgs  github:NixOS/nixpkgs/3b4de0a  2024-05-01  ⚠ duplicate of root input nixpkgs (missing follows)
            └── nixpkgs          github:NixOS/nixpkgs/0302c40  2024-11-20

            1 repository is locked twice: github.com/nixos/nixpkgs (nixpkgs, a/b/nixpkgs)
            --- stderr
        "#]],
        expect![[r#"
            exit: 0
            --- stdout
            {
              "flake": ".",
              "lock_version": 7,
              "inputs": [
                {
                  "name": "a",
                  "path": [
                    "a"
                  ],
                  "node": "a",
                  "type": "github",
                  "reference": "github:example/a/e224b77",
                  "original": "github:example/a",
                  "url": null,
                  "ref": null,
                  "rev": "e224b7789d94a0f80d6e03b9863aafc770d1ae0a",
                  "short_rev": "e224b77",
                  "last_modified": "2024-10-01",
                  "nar_hash": "sha256-yMFjkIee5fpOmbLaD8JT3LLDMq4hJqm/kiLGJfi+J2Q=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": [
                    {
                      "name": "b",
                      "path": [
                        "a",
                        "b"
                      ],
                      "node": "b",
                      "type": "github",
                      "reference": "github:example/b/1df147c",
                      "original": "github:example/b",
                      "url": null,
                      "ref": null,
                      "rev": "1df147ce7b7b860823128b16a60ba0a62ed29f58",
                      "short_rev": "1df147c",
                      "last_modified": "2024-09-01",
                      "nar_hash": "sha256-TRDI5VhwFqis8CMAvkZJE6uf7LUiBJMi+d5eAYB9qFA=",
                      "flake": true,
                      "follows": null,
                      "duplicate_of": null,
                      "see": null,
                      "inputs": [
                        {
                          "name": "nixpkgs",
                          "path": [
                            "a",
                            "b",
                            "nixpkgs"
                          ],
                          "node": "nixpkgs",
                          "type": "github",
                          "reference": "github:NixOS/nixpkgs/3b4de0a",
                          "original": "github:NixOS/nixpkgs/nixos-24.05",
                          "url": null,
                          "ref": null,
                          "rev": "3b4de0a5e199be8ba3ff37ce798aedaca7307417",
                          "short_rev": "3b4de0a",
                          "last_modified": "2024-05-01",
                          "nar_hash": "sha256-ak0NqoLd3aQ3zZ2OSj1c2nu8SdkSAgJU8orXP4X+4Io=",
                          "flake": true,
                          "follows": null,
                          "duplicate_of": "nixpkgs",
                          "see": null,
                          "inputs": []
                        }
                      ]
                    }
                  ]
                },
                {
                  "name": "nixpkgs",
                  "path": [
                    "nixpkgs"
                  ],
                  "node": "nixpkgs_2",
                  "type": "github",
                  "reference": "github:NixOS/nixpkgs/0302c40",
                  "original": "github:NixOS/nixpkgs/nixos-24.11",
                  "url": null,
                  "ref": null,
                  "rev": "0302c40fea426918ba86ba04d9ffdfd1be0e5c2c",
                  "short_rev": "0302c40",
                  "last_modified": "2024-11-20",
                  "nar_hash": "sha256-seqcbOUyvdeYl3kmgBV2QTtkLEFblvQhPeWBGHnh4h8=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                }
              ],
              "duplicates": [
                {
                  "repository": "github.com/nixos/nixpkgs",
                  "root_input": "nixpkgs",
                  "path": [
                    "a",
                    "b",
                    "nixpkgs"
                  ],
                  "node": "nixpkgs"
                }
              ],
              "undeclared": [],
              "unlocked": []
            }
            --- stderr
        "#]],
    );
}

#[test]
fn inputs_root_follows() {
    check_inputs(
        "locks/root-follows",
        expect![[r#"
            exit: 0
            --- stdout
            .
            ├── jetpack      github:anduril/jetpack-nixos/10effed  2025-02-10
            │   └── nixpkgs  github:NixOS/nixpkgs/3b4de0a          2024-05-01
            └── nixpkgs      follows jetpack/nixpkgs
            --- stderr
        "#]],
        expect![[r#"
            exit: 0
            --- stdout
            {
              "flake": ".",
              "lock_version": 7,
              "inputs": [
                {
                  "name": "jetpack",
                  "path": [
                    "jetpack"
                  ],
                  "node": "jetpack",
                  "type": "github",
                  "reference": "github:anduril/jetpack-nixos/10effed",
                  "original": "github:anduril/jetpack-nixos",
                  "url": null,
                  "ref": null,
                  "rev": "10effed87e908b6243ab950419c103841874f52c",
                  "short_rev": "10effed",
                  "last_modified": "2025-02-10",
                  "nar_hash": "sha256-WLbkjgR6BIVe3f3OG+yTFkUe35abHWXcRJyE6P0NObE=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": [
                    {
                      "name": "nixpkgs",
                      "path": [
                        "jetpack",
                        "nixpkgs"
                      ],
                      "node": "nixpkgs",
                      "type": "github",
                      "reference": "github:NixOS/nixpkgs/3b4de0a",
                      "original": "github:NixOS/nixpkgs/nixos-24.05",
                      "url": null,
                      "ref": null,
                      "rev": "3b4de0a5e199be8ba3ff37ce798aedaca7307417",
                      "short_rev": "3b4de0a",
                      "last_modified": "2024-05-01",
                      "nar_hash": "sha256-ak0NqoLd3aQ3zZ2OSj1c2nu8SdkSAgJU8orXP4X+4Io=",
                      "flake": true,
                      "follows": null,
                      "duplicate_of": null,
                      "see": null,
                      "inputs": []
                    }
                  ]
                },
                {
                  "name": "nixpkgs",
                  "path": [
                    "nixpkgs"
                  ],
                  "node": "nixpkgs",
                  "type": null,
                  "reference": null,
                  "original": null,
                  "url": null,
                  "ref": null,
                  "rev": null,
                  "short_rev": null,
                  "last_modified": null,
                  "nar_hash": null,
                  "flake": null,
                  "follows": [
                    "jetpack",
                    "nixpkgs"
                  ],
                  "duplicate_of": null,
                  "see": null,
                  "inputs": null
                }
              ],
              "duplicates": [],
              "undeclared": [],
              "unlocked": []
            }
            --- stderr
        "#]],
    );
}

#[test]
fn inputs_empty_follows() {
    check_inputs(
        "locks/empty-follows",
        expect![[r#"
            exit: 0
            --- stdout
            .
            ├── jetpack      github:anduril/jetpack-nixos/10effed  2025-02-10
            │   └── nixpkgs  follows nothing
            └── nixpkgs      github:NixOS/nixpkgs/0302c40          2024-11-20
            --- stderr
        "#]],
        expect![[r#"
            exit: 0
            --- stdout
            {
              "flake": ".",
              "lock_version": 7,
              "inputs": [
                {
                  "name": "jetpack",
                  "path": [
                    "jetpack"
                  ],
                  "node": "jetpack",
                  "type": "github",
                  "reference": "github:anduril/jetpack-nixos/10effed",
                  "original": "github:anduril/jetpack-nixos",
                  "url": null,
                  "ref": null,
                  "rev": "10effed87e908b6243ab950419c103841874f52c",
                  "short_rev": "10effed",
                  "last_modified": "2025-02-10",
                  "nar_hash": "sha256-WLbkjgR6BIVe3f3OG+yTFkUe35abHWXcRJyE6P0NObE=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": [
                    {
                      "name": "nixpkgs",
                      "path": [
                        "jetpack",
                        "nixpkgs"
                      ],
                      "node": null,
                      "type": null,
                      "reference": null,
                      "original": null,
                      "url": null,
                      "ref": null,
                      "rev": null,
                      "short_rev": null,
                      "last_modified": null,
                      "nar_hash": null,
                      "flake": null,
                      "follows": [],
                      "duplicate_of": null,
                      "see": null,
                      "inputs": null
                    }
                  ]
                },
                {
                  "name": "nixpkgs",
                  "path": [
                    "nixpkgs"
                  ],
                  "node": "nixpkgs",
                  "type": "github",
                  "reference": "github:NixOS/nixpkgs/0302c40",
                  "original": "github:NixOS/nixpkgs/nixos-24.11",
                  "url": null,
                  "ref": null,
                  "rev": "0302c40fea426918ba86ba04d9ffdfd1be0e5c2c",
                  "short_rev": "0302c40",
                  "last_modified": "2024-11-20",
                  "nar_hash": "sha256-seqcbOUyvdeYl3kmgBV2QTtkLEFblvQhPeWBGHnh4h8=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                }
              ],
              "duplicates": [],
              "undeclared": [],
              "unlocked": []
            }
            --- stderr
        "#]],
    );
}

#[test]
fn inputs_mixed() {
    check_inputs(
        "locks/mixed",
        expect![[r#"
            exit: 0
            --- stdout
            .
            ├── jetpack           github:anduril/jetpack-nixos/10effed                          2025-02-10
            │   └── nixpkgs       follows nixpkgs
            ├── jetpack-r35       git+file:///upstream/jetpack-nixos?ref=r35&rev=648e47a        2024-12-05
            │   └── nixpkgs       follows nixpkgs
            ├── local-flake       path:/upstream/local-flake                                    2024-06-01
            ├── mono              github:example/monorepo/42903ff?dir=nix                       2024-08-01
            ├── mono-git          git+file:///upstream/monorepo?dir=nix&ref=master&rev=42903ff  2024-08-01
            ├── nixpkgs           github:NixOS/nixpkgs/0302c40                                  2024-11-20
            ├── nixpkgs-git       git+file:///upstream/nixpkgs?ref=nixos-24.05&rev=3b4de0a      2024-05-01
            ├── nixpkgs-lower     github:nixos/nixpkgs/0302c40                                  2024-11-20
            ├── nixpkgs-pinned    github:NixOS/nixpkgs/3b4de0a                                  2024-05-01
            ├── nixpkgs-query     github:NixOS/nixpkgs/3b4de0a                                  2024-05-01
            ├── nonflake          git+file:///upstream/nonflake?ref=master&rev=2c56ae9          2024-03-03  (flake = false)
            ├── nonflake-tarball  file:///upstream/nonflake.tar.gz                                          (flake = false)
            ├── registry-nixpkgs  github:NixOS/nixpkgs/0302c40                                  2024-11-20
            ├── sub               path:./sub                                                    1970-01-01
            └── utils             github:numtide/flake-utils/7baed32                            2024-11-13
                └── systems       github:nix-systems/default/3cb28b6                            2023-04-09
            --- stderr
        "#]],
        expect![[r#"
            exit: 0
            --- stdout
            {
              "flake": ".",
              "lock_version": 7,
              "inputs": [
                {
                  "name": "jetpack",
                  "path": [
                    "jetpack"
                  ],
                  "node": "jetpack",
                  "type": "github",
                  "reference": "github:anduril/jetpack-nixos/10effed",
                  "original": "github:anduril/jetpack-nixos",
                  "url": null,
                  "ref": null,
                  "rev": "10effed87e908b6243ab950419c103841874f52c",
                  "short_rev": "10effed",
                  "last_modified": "2025-02-10",
                  "nar_hash": "sha256-WLbkjgR6BIVe3f3OG+yTFkUe35abHWXcRJyE6P0NObE=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": [
                    {
                      "name": "nixpkgs",
                      "path": [
                        "jetpack",
                        "nixpkgs"
                      ],
                      "node": "nixpkgs",
                      "type": null,
                      "reference": null,
                      "original": null,
                      "url": null,
                      "ref": null,
                      "rev": null,
                      "short_rev": null,
                      "last_modified": null,
                      "nar_hash": null,
                      "flake": null,
                      "follows": [
                        "nixpkgs"
                      ],
                      "duplicate_of": null,
                      "see": null,
                      "inputs": null
                    }
                  ]
                },
                {
                  "name": "jetpack-r35",
                  "path": [
                    "jetpack-r35"
                  ],
                  "node": "jetpack-r35",
                  "type": "git",
                  "reference": "git+file:///upstream/jetpack-nixos?ref=r35&rev=648e47a",
                  "original": "git+file:///upstream/jetpack-nixos?ref=r35",
                  "url": "file:///upstream/jetpack-nixos",
                  "ref": "r35",
                  "rev": "648e47a0d45ebf6674722b388b20158b4abc7700",
                  "short_rev": "648e47a",
                  "last_modified": "2024-12-05",
                  "nar_hash": "sha256-bqn4XELQABmesO/IVGHmEIgY6NyYXMs95MHtBpHPqXI=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": [
                    {
                      "name": "nixpkgs",
                      "path": [
                        "jetpack-r35",
                        "nixpkgs"
                      ],
                      "node": "nixpkgs",
                      "type": null,
                      "reference": null,
                      "original": null,
                      "url": null,
                      "ref": null,
                      "rev": null,
                      "short_rev": null,
                      "last_modified": null,
                      "nar_hash": null,
                      "flake": null,
                      "follows": [
                        "nixpkgs"
                      ],
                      "duplicate_of": null,
                      "see": null,
                      "inputs": null
                    }
                  ]
                },
                {
                  "name": "local-flake",
                  "path": [
                    "local-flake"
                  ],
                  "node": "local-flake",
                  "type": "path",
                  "reference": "path:/upstream/local-flake",
                  "original": "path:/upstream/local-flake",
                  "url": null,
                  "ref": null,
                  "rev": null,
                  "short_rev": null,
                  "last_modified": "2024-06-01",
                  "nar_hash": "sha256-S4MaJavW96m85AXlZRi8LbIEAQYHmWWQoLy8GUBSlPE=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "mono",
                  "path": [
                    "mono"
                  ],
                  "node": "mono",
                  "type": "github",
                  "reference": "github:example/monorepo/42903ff?dir=nix",
                  "original": "github:example/monorepo?dir=nix",
                  "url": null,
                  "ref": null,
                  "rev": "42903ffbf33f0cebb11953cef609f13bf282eef6",
                  "short_rev": "42903ff",
                  "last_modified": "2024-08-01",
                  "nar_hash": "sha256-DtuKrR/u8WyuGO6KllMdqvLjsMH0Evwu5oBZ9OMxOEw=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "mono-git",
                  "path": [
                    "mono-git"
                  ],
                  "node": "mono-git",
                  "type": "git",
                  "reference": "git+file:///upstream/monorepo?dir=nix&ref=master&rev=42903ff",
                  "original": "git+file:///upstream/monorepo?dir=nix",
                  "url": "file:///upstream/monorepo?dir=nix",
                  "ref": "master",
                  "rev": "42903ffbf33f0cebb11953cef609f13bf282eef6",
                  "short_rev": "42903ff",
                  "last_modified": "2024-08-01",
                  "nar_hash": "sha256-DtuKrR/u8WyuGO6KllMdqvLjsMH0Evwu5oBZ9OMxOEw=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "nixpkgs",
                  "path": [
                    "nixpkgs"
                  ],
                  "node": "nixpkgs",
                  "type": "github",
                  "reference": "github:NixOS/nixpkgs/0302c40",
                  "original": "github:NixOS/nixpkgs/nixos-24.11",
                  "url": null,
                  "ref": null,
                  "rev": "0302c40fea426918ba86ba04d9ffdfd1be0e5c2c",
                  "short_rev": "0302c40",
                  "last_modified": "2024-11-20",
                  "nar_hash": "sha256-seqcbOUyvdeYl3kmgBV2QTtkLEFblvQhPeWBGHnh4h8=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "nixpkgs-git",
                  "path": [
                    "nixpkgs-git"
                  ],
                  "node": "nixpkgs-git",
                  "type": "git",
                  "reference": "git+file:///upstream/nixpkgs?ref=nixos-24.05&rev=3b4de0a",
                  "original": "git+file:///upstream/nixpkgs?ref=nixos-24.05",
                  "url": "file:///upstream/nixpkgs",
                  "ref": "nixos-24.05",
                  "rev": "3b4de0a5e199be8ba3ff37ce798aedaca7307417",
                  "short_rev": "3b4de0a",
                  "last_modified": "2024-05-01",
                  "nar_hash": "sha256-ak0NqoLd3aQ3zZ2OSj1c2nu8SdkSAgJU8orXP4X+4Io=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "nixpkgs-lower",
                  "path": [
                    "nixpkgs-lower"
                  ],
                  "node": "nixpkgs-lower",
                  "type": "github",
                  "reference": "github:nixos/nixpkgs/0302c40",
                  "original": "github:nixos/nixpkgs/nixos-24.11",
                  "url": null,
                  "ref": null,
                  "rev": "0302c40fea426918ba86ba04d9ffdfd1be0e5c2c",
                  "short_rev": "0302c40",
                  "last_modified": "2024-11-20",
                  "nar_hash": "sha256-seqcbOUyvdeYl3kmgBV2QTtkLEFblvQhPeWBGHnh4h8=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "nixpkgs-pinned",
                  "path": [
                    "nixpkgs-pinned"
                  ],
                  "node": "nixpkgs-pinned",
                  "type": "github",
                  "reference": "github:NixOS/nixpkgs/3b4de0a",
                  "original": "github:NixOS/nixpkgs/3b4de0a",
                  "url": null,
                  "ref": null,
                  "rev": "3b4de0a5e199be8ba3ff37ce798aedaca7307417",
                  "short_rev": "3b4de0a",
                  "last_modified": "2024-05-01",
                  "nar_hash": "sha256-ak0NqoLd3aQ3zZ2OSj1c2nu8SdkSAgJU8orXP4X+4Io=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "nixpkgs-query",
                  "path": [
                    "nixpkgs-query"
                  ],
                  "node": "nixpkgs-query",
                  "type": "github",
                  "reference": "github:NixOS/nixpkgs/3b4de0a",
                  "original": "github:NixOS/nixpkgs/nixos-24.05",
                  "url": null,
                  "ref": null,
                  "rev": "3b4de0a5e199be8ba3ff37ce798aedaca7307417",
                  "short_rev": "3b4de0a",
                  "last_modified": "2024-05-01",
                  "nar_hash": "sha256-ak0NqoLd3aQ3zZ2OSj1c2nu8SdkSAgJU8orXP4X+4Io=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "nonflake",
                  "path": [
                    "nonflake"
                  ],
                  "node": "nonflake",
                  "type": "git",
                  "reference": "git+file:///upstream/nonflake?ref=master&rev=2c56ae9",
                  "original": "git+file:///upstream/nonflake",
                  "url": "file:///upstream/nonflake",
                  "ref": "master",
                  "rev": "2c56ae9e644a980948b0450edffad2bbbd670e78",
                  "short_rev": "2c56ae9",
                  "last_modified": "2024-03-03",
                  "nar_hash": "sha256-COsWAM/QE0ona8XZT4qtYsik3Nkf5AFuWKkUGNd+wwA=",
                  "flake": false,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "nonflake-tarball",
                  "path": [
                    "nonflake-tarball"
                  ],
                  "node": "nonflake-tarball",
                  "type": "tarball",
                  "reference": "file:///upstream/nonflake.tar.gz",
                  "original": "file:///upstream/nonflake.tar.gz",
                  "url": "file:///upstream/nonflake.tar.gz",
                  "ref": null,
                  "rev": null,
                  "short_rev": null,
                  "last_modified": null,
                  "nar_hash": "sha256-COsWAM/QE0ona8XZT4qtYsik3Nkf5AFuWKkUGNd+wwA=",
                  "flake": false,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "registry-nixpkgs",
                  "path": [
                    "registry-nixpkgs"
                  ],
                  "node": "registry-nixpkgs",
                  "type": "github",
                  "reference": "github:NixOS/nixpkgs/0302c40",
                  "original": "flake:nixpkgs",
                  "url": null,
                  "ref": null,
                  "rev": "0302c40fea426918ba86ba04d9ffdfd1be0e5c2c",
                  "short_rev": "0302c40",
                  "last_modified": "2024-11-20",
                  "nar_hash": "sha256-seqcbOUyvdeYl3kmgBV2QTtkLEFblvQhPeWBGHnh4h8=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "sub",
                  "path": [
                    "sub"
                  ],
                  "node": "sub",
                  "type": "path",
                  "reference": "path:./sub",
                  "original": "path:./sub",
                  "url": null,
                  "ref": null,
                  "rev": null,
                  "short_rev": null,
                  "last_modified": "1970-01-01",
                  "nar_hash": "sha256-TaEMfUNGglEvXSY3AHBVAnQjk9k7KJ3g1wTDsnZ+sRk=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": []
                },
                {
                  "name": "utils",
                  "path": [
                    "utils"
                  ],
                  "node": "utils",
                  "type": "github",
                  "reference": "github:numtide/flake-utils/7baed32",
                  "original": "github:numtide/flake-utils",
                  "url": null,
                  "ref": null,
                  "rev": "7baed32006a8d4f7dedd8041f8bbacd279459ea9",
                  "short_rev": "7baed32",
                  "last_modified": "2024-11-13",
                  "nar_hash": "sha256-l4QJXk4B4m90n1HH1s6WeOGfDHQ9autygraMCQAIgbA=",
                  "flake": true,
                  "follows": null,
                  "duplicate_of": null,
                  "see": null,
                  "inputs": [
                    {
                      "name": "systems",
                      "path": [
                        "utils",
                        "systems"
                      ],
                      "node": "systems",
                      "type": "github",
                      "reference": "github:nix-systems/default/3cb28b6",
                      "original": "github:nix-systems/default",
                      "url": null,
                      "ref": null,
                      "rev": "3cb28b631ca9d18d3f999bc330394acdb14a268f",
                      "short_rev": "3cb28b6",
                      "last_modified": "2023-04-09",
                      "nar_hash": "sha256-3AdT5Ik9BWidqcDYUDvVdS7t77xr8wZ5PVcM4uVktaU=",
                      "flake": true,
                      "follows": null,
                      "duplicate_of": null,
                      "see": null,
                      "inputs": []
                    }
                  ]
                }
              ],
              "duplicates": [],
              "undeclared": [],
              "unlocked": []
            }
            --- stderr
        "#]],
    );
}

#[test]
fn inputs_lock_out_of_date() {
    let added = copy_fixture("locks/stale-new-input");
    check(
        added.path(),
        &["inputs"],
        expect![[r#"
        exit: 0
        --- stdout
        .
        ├── jetpack      github:anduril/jetpack-nixos/10effed  2025-02-10
        │   └── nixpkgs  follows nixpkgs
        └── nixpkgs      github:NixOS/nixpkgs/0302c40          2024-11-20

        flake.lock is out of date; run `nix flake lock`:
          `flake-utils` is declared in flake.nix but not locked
        --- stderr
    "#]],
    );
    let removed = copy_fixture("locks/stale-removed");
    check(
        removed.path(),
        &["inputs"],
        expect![[r#"
        exit: 0
        --- stdout
        .
        ├── jetpack      github:anduril/jetpack-nixos/10effed  2025-02-10  ⚠ not declared in flake.nix
        │   └── nixpkgs  follows nixpkgs
        └── nixpkgs      github:NixOS/nixpkgs/0302c40          2024-11-20

        flake.lock is out of date; run `nix flake lock`:
          `jetpack` is locked but flake.nix does not declare it
        --- stderr
    "#]],
    );
    check(
        removed.path(),
        &["inputs", "--json"],
        expect![[r#"
        exit: 0
        --- stdout
        {
          "flake": ".",
          "lock_version": 7,
          "inputs": [
            {
              "name": "jetpack",
              "path": [
                "jetpack"
              ],
              "node": "jetpack",
              "type": "github",
              "reference": "github:anduril/jetpack-nixos/10effed",
              "original": "github:anduril/jetpack-nixos",
              "url": null,
              "ref": null,
              "rev": "10effed87e908b6243ab950419c103841874f52c",
              "short_rev": "10effed",
              "last_modified": "2025-02-10",
              "nar_hash": "sha256-WLbkjgR6BIVe3f3OG+yTFkUe35abHWXcRJyE6P0NObE=",
              "flake": true,
              "follows": null,
              "duplicate_of": null,
              "see": null,
              "inputs": [
                {
                  "name": "nixpkgs",
                  "path": [
                    "jetpack",
                    "nixpkgs"
                  ],
                  "node": "nixpkgs",
                  "type": null,
                  "reference": null,
                  "original": null,
                  "url": null,
                  "ref": null,
                  "rev": null,
                  "short_rev": null,
                  "last_modified": null,
                  "nar_hash": null,
                  "flake": null,
                  "follows": [
                    "nixpkgs"
                  ],
                  "duplicate_of": null,
                  "see": null,
                  "inputs": null
                }
              ]
            },
            {
              "name": "nixpkgs",
              "path": [
                "nixpkgs"
              ],
              "node": "nixpkgs",
              "type": "github",
              "reference": "github:NixOS/nixpkgs/0302c40",
              "original": "github:NixOS/nixpkgs/nixos-24.11",
              "url": null,
              "ref": null,
              "rev": "0302c40fea426918ba86ba04d9ffdfd1be0e5c2c",
              "short_rev": "0302c40",
              "last_modified": "2024-11-20",
              "nar_hash": "sha256-seqcbOUyvdeYl3kmgBV2QTtkLEFblvQhPeWBGHnh4h8=",
              "flake": true,
              "follows": null,
              "duplicate_of": null,
              "see": null,
              "inputs": []
            }
          ],
          "duplicates": [],
          "undeclared": [
            "jetpack"
          ],
          "unlocked": []
        }
        --- stderr
    "#]],
    );
    assert_inputs_json(removed.path());
}

#[test]
fn inputs_from_a_subdirectory_and_with_flake() {
    let dir = copy_fixture("example");
    // From a directory inside the flake: the flake above is found.
    let output = flakelint(&dir.path().join("modules"), &["inputs"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    assert!(text.starts_with("..\n├── flake-utils"), "{text}");
    // `--flake DIR` and `--flake DIR/flake.nix` from outside it.
    let outside = tempfile::tempdir().unwrap();
    copy_dir(
        &repo_root().join("test-data/locks/deep"),
        &outside.path().join("deep"),
    );
    check(
        outside.path(),
        &["inputs", "--flake", "deep"],
        expect![[r#"
        exit: 0
        --- stdout
        deep
        ├── a                github:example/a/e224b77      2024-10-01
        │   └── b            github:example/b/1df147c      2024-09-01
        │       └── nixpkgs  github:NixOS/nixpkgs/3b4de0a  2024-05-01  ⚠ duplicate of root input nixpkgs (missing follows)
        └── nixpkgs          github:NixOS/nixpkgs/0302c40  2024-11-20

        1 repository is locked twice: github.com/nixos/nixpkgs (nixpkgs, a/b/nixpkgs)
        --- stderr
    "#]],
    );
    let by_file = flakelint(outside.path(), &["inputs", "--flake", "deep/flake.nix"]);
    assert_eq!(
        by_file.stdout,
        flakelint(outside.path(), &["inputs", "--flake", "deep"]).stdout
    );
}

/// A hand-written lock in which two inputs lock the same node, nodes form a cycle, and a
/// follows names an input that does not exist.
#[test]
fn inputs_shared_nodes_cycles_and_broken_follows() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "flake.nix", "{\n  inputs.a.url = \"github:example/a\";\n  inputs.b.url = \"github:example/b\";\n  outputs = { self, a, b }: { };\n}\n");
    let node = |repo: &str, inputs: &str| {
        format!(
            r#"{{"inputs": {{{inputs}}}, "locked": {{"lastModified": 1727784000, "narHash": "sha256-x", "owner": "example", "repo": "{repo}", "rev": "e224b7789d94a0f80d6e03b9863aafc770d1ae0a", "type": "github"}}, "original": {{"owner": "example", "repo": "{repo}", "type": "github"}}}}"#
        )
    };
    let lock = format!(
        r#"{{"nodes": {{"a": {}, "b": {}, "c": {}, "root": {{"inputs": {{"a": "a", "b": "b"}}}}}}, "root": "root", "version": 7}}"#,
        node("a", r#""c": "c", "gone": ["nope"]"#),
        node("b", r#""c": "c", "self": "root""#),
        node("c", r#""a": "a""#),
    );
    write(dir.path(), "flake.lock", lock);
    check(
        dir.path(),
        &["inputs"],
        expect![[r#"
        exit: 0
        --- stdout
        .
        ├── a          github:example/a/e224b77  2024-10-01
        │   ├── c      github:example/c/e224b77  2024-10-01
        │   │   └── a  github:example/a/e224b77  2024-10-01  (see above: a)
        │   └── gone   follows nope                          ⚠ follows an input that flake.lock does not have
        └── b          github:example/b/e224b77  2024-10-01
            ├── c      github:example/c/e224b77  2024-10-01  (see above: a/c)
            └── self   (no locked reference)                 (see above: the root)
        --- stderr
    "#]],
    );
    assert_inputs_json(dir.path());
}

#[test]
fn inputs_errors() {
    let dir = tempfile::tempdir().unwrap();
    check(
        dir.path(),
        &["inputs"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: no flake.nix in the current directory or any directory above it; pass --flake DIR
    "#]],
    );
    check(
        dir.path(),
        &["inputs", "--flake", "missing"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: missing: no such file or directory
    "#]],
    );
    check(
        dir.path(),
        &["inputs", "--flake", "."],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: no flake.nix in .
    "#]],
    );
    write(dir.path(), "flake.nix", "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.11\";\n  outputs = { self, nixpkgs }: { };\n}\n");
    check(
        dir.path(),
        &["inputs", "--json"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: no flake.lock next to flake.nix; run `nix flake lock`
    "#]],
    );
    fs::create_dir(dir.path().join("sub")).unwrap();
    check(
        &dir.path().join("sub"),
        &["inputs"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: no flake.lock next to ../flake.nix; run `nix flake lock`
    "#]],
    );
    write(
        dir.path(),
        "flake.lock",
        "{ \"nodes\": { \"root\": {} }, \"root\": \"root\", \"version\": 7,, }",
    );
    check(
        dir.path(),
        &["inputs"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: flake.lock:1:57: flake.lock is not valid JSON: expected a string key in double quotes, found `,`
    "#]],
    );
    write(
        dir.path(),
        "flake.lock",
        "{\n  \"nodes\": { \"root\": {} },\n  \"root\": \"root\",\n  \"version\": 3\n}\n",
    );
    check(
        &dir.path().join("sub"),
        &["inputs"],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        flakelint: ../flake.lock:4:14: flake.lock version 3 is not supported: flakelint reads versions 5 to 7; run `nix flake lock` with Nix 2.4 or newer to rewrite it
    "#]],
    );
    // A flake.nix that does not parse: the tree is shown, the comparison is skipped.
    write(
        dir.path(),
        "flake.lock",
        r#"{"nodes": {"root": {}}, "root": "root", "version": 7}"#,
    );
    write(dir.path(), "flake.nix", "{ inputs = ");
    check(
        dir.path(),
        &["inputs"],
        expect![[r#"
        exit: 0
        --- stdout
        .
        (flake.lock locks no inputs)
        --- stderr
        flakelint: warning: flake.nix has syntax errors, so its inputs are not compared with flake.lock; `flakelint check` shows them
    "#]],
    );
}

/// A chain of nodes deeper than anything Nix writes is cut off, not followed to the end.
#[test]
fn inputs_deep_chains_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "flake.nix",
        "{\n  inputs.n0.url = \"github:example/n0\";\n  outputs = { self, n0 }: { };\n}\n",
    );
    let mut nodes = vec![r#""root": {"inputs": {"n0": "n0"}}"#.to_string()];
    for i in 0..200 {
        nodes.push(format!(
            r#""n{i}": {{"inputs": {{"next": "n{}"}}, "locked": {{"owner": "example", "repo": "n{i}", "rev": "e224b7789d94a0f80d6e03b9863aafc770d1ae0a", "type": "github"}}}}"#,
            i + 1
        ));
    }
    nodes.push(
        r#""n200": {"locked": {"owner": "example", "repo": "n200", "type": "github"}}"#.into(),
    );
    let lock = format!(
        r#"{{"nodes": {{{}}}, "root": "root", "version": 7}}"#,
        nodes.join(", ")
    );
    write(dir.path(), "flake.lock", lock);
    let output = flakelint(dir.path(), &["inputs"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.lines().count(), 1 + 32);
    assert!(text.trim_end().ends_with(
        "└── next  github:example/n31/e224b77  (inputs not shown: deeper than 32 levels)"
    ));
    assert_inputs_json(dir.path());
}

#[test]
fn bundle_index_command() {
    let root = repo_root();
    check(
        &root,
        &[
            "bundle-index",
            "test-data/options/fake-jetpack",
            "--rev",
            "test",
        ],
        expect![[r##"
            exit: 0
            --- stdout
            {
              "jetpack_nixos_rev": "test",
              "generated_by": "flakelint bundle-index",
              "options": [
                {"name": "hardware.toy-board.board", "type": {"enum": ["alpha", "beta"]}, "type_text": "types.enum boards", "default": "alpha", "default_text": null, "internal": false, "read_only": false, "visible": null, "file": "modules/default.nix", "line": 20},
                {"name": "hardware.toy-board.enable", "type": "bool", "type_text": "types.bool", "default": false, "default_text": null, "internal": false, "read_only": false, "visible": null, "file": "modules/default.nix", "line": 18},
                {"name": "hardware.toy-board.fan.curve", "type": {"listOf": "submodule"}, "type_text": "lib.types.listOf (lib.types.submodule { ... })", "default": [], "default_text": null, "internal": false, "read_only": false, "visible": false, "file": "modules/fan.nix", "line": 17},
                {"name": "hardware.toy-board.fan.curve.*.temperature", "type": {"intsBetween": [0, 105]}, "type_text": "lib.types.ints.between 0 105", "default_text": null, "internal": false, "read_only": false, "visible": null, "file": "modules/fan.nix", "line": 19},
                {"name": "hardware.toy-board.fan.\"led.color\"", "type": {"strMatching": "#[0-9a-f]{6}"}, "type_text": "lib.types.strMatching \"#[0-9a-f]{6}\"", "default": "#00ff00", "default_text": null, "internal": false, "read_only": false, "visible": null, "file": "modules/fan.nix", "line": 9},
                {"name": "hardware.toy-board.fan.profile", "type": {"enum": ["quiet", "cool"]}, "type_text": "lib.types.enum [ \"quiet\" \"cool\" ]", "default": "quiet", "default_text": null, "internal": false, "read_only": false, "visible": null, "file": "modules/fan.nix", "line": 5},
                {"name": "hardware.toy-board.fan.ratio", "type": "float", "type_text": "lib.types.float", "default": 0.25, "default_text": null, "internal": false, "read_only": false, "visible": null, "file": "modules/fan.nix", "line": 13},
                {"name": "hardware.toy-board.hostName", "type": "str", "type_text": "types.str", "default": {"expr": "\"toy-${cfg.board}\""}, "default_text": "\"toy-${board}\"", "internal": false, "read_only": false, "visible": null, "file": "modules/default.nix", "line": 31},
                {"name": "hardware.toy-board.kernelParams", "type": {"listOf": "str"}, "type_text": "types.listOf types.str", "default": ["console=ttyS0", "quiet"], "default_text": null, "internal": true, "read_only": false, "visible": null, "file": "modules/default.nix", "line": 37},
                {"name": "hardware.toy-board.label", "type": {"nullOr": "str"}, "type_text": "types.nullOr types.str", "default": null, "default_text": null, "internal": false, "read_only": false, "visible": null, "file": "modules/default.nix", "line": 26},
                {"name": "hardware.toy-board.settings", "type": {"attrsOf": {"either": ["int", "str"]}}, "type_text": "types.attrsOf (types.either types.int types.str)", "default": {"attrs": {"log.level": 2, "mode": "eco"}}, "default_text": null, "internal": false, "read_only": true, "visible": null, "file": "modules/default.nix", "line": 43}
              ],
              "renames": [
                {"from": "hardware.toy-board.legacyBoot", "to": null, "kind": "removed", "message": "Legacy boot was dropped.", "file": "modules/default.nix", "line": 14},
                {"from": "hardware.toy-board.model", "to": "hardware.toy-board.board", "kind": "renamed", "message": null, "file": "modules/default.nix", "line": 13}
              ]
            }
            --- stderr
            flakelint: warning: modules/default.nix:12: cannot read the imported `modules/absent.nix` (nor `modules/absent.nix/default.nix`)
            flakelint: 11 options, 2 renames from 2 files
        "##]],
    );

    // `--output` writes the same text to a file, and says nothing on stdout.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("index.json");
    let to_stdout = flakelint(
        &root,
        &[
            "bundle-index",
            "test-data/options/fake-jetpack",
            "--rev",
            "test",
        ],
    );
    let to_file = flakelint(
        &root,
        &[
            "bundle-index",
            "test-data/options/fake-jetpack",
            "--rev",
            "test",
            "--output",
            &file.to_string_lossy(),
        ],
    );
    assert_eq!(to_file.status.code(), Some(0));
    assert!(to_file.stdout.is_empty());
    assert_eq!(fs::read(&file).unwrap(), to_stdout.stdout);
    let decoded = analysis::options::bundled::decode(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(decoded.rev, "test");

    // Hidden from the help; a directory without `modules/default.nix` is a usage error.
    let help = flakelint(&root, &["--help"]);
    assert!(!String::from_utf8_lossy(&help.stdout).contains("bundle-index"));
    check(
        tmp.path(),
        &["bundle-index", ".", "--rev", "x"],
        expect![[r#"
            exit: 2
            --- stdout
            --- stderr
            flakelint: ./modules/default.nix: no such file; expected a jetpack-nixos checkout
        "#]],
    );
    check(
        tmp.path(),
        &["bundle-index", "."],
        expect![[r#"
        exit: 2
        --- stdout
        --- stderr
        error: the following required arguments were not provided:
          --rev <COMMIT>

        Usage: flakelint bundle-index --rev <COMMIT> <DIR>

        For more information, try '--help'.
    "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// `flakelint options`

#[test]
fn options_command() {
    let dir = copy_fixture("example");
    check(
        dir.path(),
        &["options", "hardware.nvidia-jetpack.carrier"],
        expect![[r#"
        exit: 0
        --- stdout
        source: jetpack-nixos 4d857d6 (bundled index)
        hardware.nvidia-jetpack.carrierBoard  types.enum [ "generic" "devkit" "xavierNxDevkit" ]  default: "generic"  modules/default.nix:101
        1 options
        --- stderr
    "#]],
    );
    // The flake's own declarations extend the index, and say so.
    write(
        dir.path(),
        "modules/my-carrier.nix",
        "{ lib, ... }: {\n  options.hardware.nvidia-jetpack.carrierBoard = lib.mkOption {\n    type = lib.types.enum [ \"my-carrier\" ];\n  };\n}\n",
    );
    let output = flakelint(
        dir.path(),
        &["options", "--json", "hardware.nvidia-jetpack.carrierBoard"],
    );
    assert_eq!(output.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["source"]["kind"], "bundled");
    let entries = doc["options"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["declared_by"], "flake");
    assert_eq!(entries[1]["file"], "modules/my-carrier.nix");
    assert_eq!(entries[1]["line"], 2);
    assert_eq!(entries[1]["enum"], serde_json::json!(["my-carrier"]));
    // The extended enum is accepted by the check in the configuration that imports it.
    write(dir.path(), "configuration.nix", "{ imports = [ ./modules/my-carrier.nix ]; hardware.nvidia-jetpack.carrierBoard = \"my-carrier\"; hardware.nvidia-jetpack.som = \"orin-nx\"; }\n");
    let check = flakelint(
        dir.path(),
        &[
            "check",
            "--format",
            "concise",
            "--select",
            "invalid-option-value",
            "configuration.nix",
        ],
    );
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let renamed = flakelint(
        dir.path(),
        &[
            "options",
            "--json",
            "hardware.nvidia-jetpack.bootloader.autoUpdate",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&renamed.stdout).unwrap();
    assert_eq!(
        doc["options"][0]["renamed_to"],
        "hardware.nvidia-jetpack.firmware.autoUpdate"
    );
}

// ---------------------------------------------------------------------------------------------
// `flakelint modules`

/// A fleet: two Jetson hosts from one helper and a builder without jetpack-nixos.
fn modules_fleet(dir: &Path) {
    write(
        dir,
        "flake.nix",
        r#"{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  inputs.jetpack.inputs.nixpkgs.follows = "nixpkgs";
  outputs = { self, nixpkgs, jetpack, ... }@inputs:
    let
      baseModules = [ ./common.nix ];
      mkJetson = name: nixpkgs.lib.nixosSystem {
        specialArgs = { inherit inputs; };
        modules = baseModules ++ [ jetpack.nixosModules.default ./hosts/${name} ];
      };
    in
    {
      nixosConfigurations = nixpkgs.lib.genAttrs [ "orin-a" "orin-b" ] mkJetson // {
        builder = nixpkgs.lib.nixosSystem { modules = baseModules ++ [ ./hosts/builder.nix ]; };
      };
    };
}
"#,
    );
    write(
        dir,
        "common.nix",
        "{ nixpkgs.overlays = [ (import ./overlays/tools.nix) ]; }\n",
    );
    write(dir, "overlays/tools.nix", "final: prev: { }\n");
    write(
        dir,
        "hosts/orin-a/default.nix",
        "{ hardware.nvidia-jetpack = { enable = true; som = \"orin-agx\"; }; }\n",
    );
    write(
        dir,
        "hosts/orin-b/default.nix",
        "{ imports = [ ../orin-a ]; }\n",
    );
    write(
        dir,
        "hosts/builder.nix",
        "{ services.openssh.enable = true; }\n",
    );
}

#[test]
fn modules_of_a_flake_named_by_path() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(&repo).unwrap();
    modules_fleet(&repo);
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    let from_inside = flakelint(&repo, &["modules"]);
    for given in ["../repo", "../repo/flake.nix"] {
        let out = flakelint(&elsewhere, &["modules", "--flake", given]);
        assert_eq!(out.status.code(), Some(0), "{given}: {out:?}");
        assert_eq!(out.stdout, from_inside.stdout, "{given}");
    }
}

#[test]
fn modules_lists_configurations() {
    let tmp = tempfile::tempdir().unwrap();
    modules_fleet(tmp.path());
    check(
        tmp.path(),
        &["modules"],
        expect![[r#"
            exit: 0
            --- stdout
            nixosConfigurations.orin-a
              jetpack-nixos module: included at flake.nix:10
              modules:
                flake.nix
                common.nix
                hosts/orin-a/default.nix
              overlays:
                import ./overlays/tools.nix  common.nix:1
                jetpack.overlays.default  flake.nix:10 (applied by jetpack-nixos's module)
                import "${jetpack}/overlay.nix"  flake.nix:10 (applied by jetpack-nixos's module)

            nixosConfigurations.orin-b
              jetpack-nixos module: included at flake.nix:10
              modules:
                flake.nix
                common.nix
                hosts/orin-b/default.nix
                hosts/orin-a/default.nix
              overlays:
                import ./overlays/tools.nix  common.nix:1
                jetpack.overlays.default  flake.nix:10 (applied by jetpack-nixos's module)
                import "${jetpack}/overlay.nix"  flake.nix:10 (applied by jetpack-nixos's module)

            nixosConfigurations.builder
              jetpack-nixos module: not included
              modules:
                flake.nix
                common.nix
                hosts/builder.nix
              overlays:
                import ./overlays/tools.nix  common.nix:1
            --- stderr
        "#]],
    );
    check(
        &tmp.path().join("hosts"),
        &["modules", "--json"],
        expect![[r#"
            exit: 0
            --- stdout
            {
              "flake": "flake.nix",
              "configurations": [
                {
                  "name": "orin-a",
                  "complete": true,
                  "jetpack_module": {
                    "file": "flake.nix",
                    "line": 10
                  },
                  "jetpack_enabled": true,
                  "modules": [
                    "flake.nix",
                    "common.nix",
                    "hosts/orin-a/default.nix"
                  ],
                  "overlays": [
                    {
                      "overlay": "import ./overlays/tools.nix",
                      "file": "common.nix",
                      "line": 1,
                      "by_module": false
                    },
                    {
                      "overlay": "jetpack.overlays.default",
                      "file": "flake.nix",
                      "line": 10,
                      "by_module": true
                    },
                    {
                      "overlay": "import \"${jetpack}/overlay.nix\"",
                      "file": "flake.nix",
                      "line": 10,
                      "by_module": true
                    }
                  ]
                },
                {
                  "name": "orin-b",
                  "complete": true,
                  "jetpack_module": {
                    "file": "flake.nix",
                    "line": 10
                  },
                  "jetpack_enabled": true,
                  "modules": [
                    "flake.nix",
                    "common.nix",
                    "hosts/orin-b/default.nix",
                    "hosts/orin-a/default.nix"
                  ],
                  "overlays": [
                    {
                      "overlay": "import ./overlays/tools.nix",
                      "file": "common.nix",
                      "line": 1,
                      "by_module": false
                    },
                    {
                      "overlay": "jetpack.overlays.default",
                      "file": "flake.nix",
                      "line": 10,
                      "by_module": true
                    },
                    {
                      "overlay": "import \"${jetpack}/overlay.nix\"",
                      "file": "flake.nix",
                      "line": 10,
                      "by_module": true
                    }
                  ]
                },
                {
                  "name": "builder",
                  "complete": true,
                  "jetpack_module": null,
                  "jetpack_enabled": false,
                  "modules": [
                    "flake.nix",
                    "common.nix",
                    "hosts/builder.nix"
                  ],
                  "overlays": [
                    {
                      "overlay": "import ./overlays/tools.nix",
                      "file": "common.nix",
                      "line": 1,
                      "by_module": false
                    }
                  ]
                }
              ]
            }
            --- stderr
        "#]],
    );
    // The same fleet gives no finding.
    let output = flakelint(tmp.path(), &["check"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        transcript(tmp.path(), &output)
    );
}

#[test]
fn modules_without_a_flake() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "configuration.nix", "{ }\n");
    check(
        tmp.path(),
        &["modules"],
        expect![[r#"
            exit: 2
            --- stdout
            --- stderr
            flakelint: no flake.nix in the current directory or any directory above it; pass --flake DIR
        "#]],
    );
}
