//! End-to-end tests of the `flakelint` binary: exit codes, stdout and stderr together, on copies
//! of `test-data/` in temporary directories and on real git repositories made with `git`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use expect_test::{expect, Expect};

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

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?} failed");
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
        --- stderr
        Fixed 2 findings.
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
        No problems found in 2 files.
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
