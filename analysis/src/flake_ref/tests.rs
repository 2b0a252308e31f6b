use super::*;
use crate::json::tests::XorShift;
use expect_test::{expect, Expect};

const REV: &str = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";

fn render(result: &Result<LockAttrs, FlakeRefError>) -> String {
    match result {
        Ok(attrs) => attrs
            .iter()
            .map(|(k, v)| match v {
                LockValue::Str(s) => format!("{k}={s}"),
                LockValue::Int(n) => format!("{k}={n} (int)"),
                LockValue::Bool(b) => format!("{k}={b} (bool)"),
            })
            .collect::<Vec<_>>()
            .join(" "),
        Err(e) => format!("error: {}", e.message),
    }
}

/// Each url on its own line, `=> ` and what it parses to (as a flake input).
fn check(urls: &[&str], expect: Expect) {
    let out: String = urls
        .iter()
        .map(|url| format!("{url}\n  => {}\n", render(&parse_flake_ref(url))))
        .collect();
    expect.assert_eq(&out);
}

#[test]
fn github_gitlab_sourcehut() {
    check(
        &[
            "github:NixOS/nixpkgs",
            "github:NixOS/nixpkgs/nixos-24.05",
            &format!("github:NixOS/nixpkgs/{REV}"),
            "github:NixOS/nixpkgs?ref=nixos-24.05&dir=lib",
            &format!("github:NixOS/nixpkgs?rev={REV}"),
            "github:owner/repo/release/1.0",
            "github:o/r?host=ghe.example.com&narHash=sha256-abc",
            "github:anduril/jetpack-nixos/master?dir=sub%2Fdir",
            "github:o//r",
            "github:o/r?dir=",
            "gitlab:veloren%2Fdev/veloren",
            "gitlab:o/r/v1.0",
            "sourcehut:~user/repo",
            "sourcehut:~user/repo/main?host=git.example.com",
        ],
        expect![[r#"
            github:NixOS/nixpkgs
              => owner=NixOS repo=nixpkgs type=github
            github:NixOS/nixpkgs/nixos-24.05
              => owner=NixOS ref=nixos-24.05 repo=nixpkgs type=github
            github:NixOS/nixpkgs/1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b
              => owner=NixOS repo=nixpkgs rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b type=github
            github:NixOS/nixpkgs?ref=nixos-24.05&dir=lib
              => dir=lib owner=NixOS ref=nixos-24.05 repo=nixpkgs type=github
            github:NixOS/nixpkgs?rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b
              => owner=NixOS repo=nixpkgs rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b type=github
            github:owner/repo/release/1.0
              => owner=owner ref=release/1.0 repo=repo type=github
            github:o/r?host=ghe.example.com&narHash=sha256-abc
              => host=ghe.example.com narHash=sha256-abc owner=o repo=r type=github
            github:anduril/jetpack-nixos/master?dir=sub%2Fdir
              => dir=sub/dir owner=anduril ref=master repo=jetpack-nixos type=github
            github:o//r
              => owner=o repo=r type=github
            github:o/r?dir=
              => owner=o repo=r type=github
            gitlab:veloren%2Fdev/veloren
              => owner=veloren/dev repo=veloren type=gitlab
            gitlab:o/r/v1.0
              => owner=o ref=v1.0 repo=r type=gitlab
            sourcehut:~user/repo
              => owner=~user repo=repo type=sourcehut
            sourcehut:~user/repo/main?host=git.example.com
              => host=git.example.com owner=~user ref=main repo=repo type=sourcehut
        "#]],
    );
}

#[test]
fn git_and_mercurial() {
    check(
        &[
            "git+https://github.com/NixOS/nixpkgs.git?ref=master",
            &format!("git+https://example.com/r?ref=main&rev={REV}&submodules=1&shallow=0&allRefs=1&dir=a"),
            "git+ssh://git@github.com/o/r",
            "git+ssh://git@example.com:2222/r",
            "git+file:///srv/u/repo",
            "git+file:/srv/u/repo",
            "git+http://example.com/r?foo=bar&b=a%20b",
            "git://example.com/r",
            "git+https://example.com/r?lfs=1&exportIgnore=1&verifyCommit=1&keytype=ssh-ed25519&publicKey=AAAA",
            "git+https://example.com/r?narHash=sha256-x",
            "hg+https://hg.example.org/repo?ref=default&x=1",
            "hg+ssh://hg@example.org/repo",
        ],
        expect![[r#"
            git+https://github.com/NixOS/nixpkgs.git?ref=master
              => ref=master type=git url=https://github.com/NixOS/nixpkgs.git
            git+https://example.com/r?ref=main&rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b&submodules=1&shallow=0&allRefs=1&dir=a
              => allRefs=true (bool) dir=a ref=main rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b shallow=false (bool) submodules=true (bool) type=git url=https://example.com/r
            git+ssh://git@github.com/o/r
              => type=git url=ssh://git@github.com/o/r
            git+ssh://git@example.com:2222/r
              => type=git url=ssh://git@example.com:2222/r
            git+file:///srv/u/repo
              => type=git url=file:///srv/u/repo
            git+file:/srv/u/repo
              => type=git url=file:/srv/u/repo
            git+http://example.com/r?foo=bar&b=a%20b
              => type=git url=http://example.com/r?b=a%20b&foo=bar
            git://example.com/r
              => type=git url=git://example.com/r
            git+https://example.com/r?lfs=1&exportIgnore=1&verifyCommit=1&keytype=ssh-ed25519&publicKey=AAAA
              => exportIgnore=true (bool) keytype=ssh-ed25519 lfs=true (bool) publicKey=AAAA type=git url=https://example.com/r verifyCommit=true (bool)
            git+https://example.com/r?narHash=sha256-x
              => type=git url=https://example.com/r?narHash=sha256-x
            hg+https://hg.example.org/repo?ref=default&x=1
              => ref=default type=hg url=https://hg.example.org/repo?x=1
            hg+ssh://hg@example.org/repo
              => type=hg url=ssh://hg@example.org/repo
        "#]],
    );
}

#[test]
fn paths() {
    check(
        &[
            "path:/abs/dir",
            "path:./rel",
            "path:rel",
            "path:///abs",
            "path:./my%20dir",
            &format!("path:./x?lastModified=123&narHash=sha256-x&rev={REV}&revCount=5&dir=sub"),
            "./rel",
            "../up",
            "/abs",
            ".",
            "./sub?dir=x",
        ],
        expect![[r#"
            path:/abs/dir
              => path=/abs/dir type=path
            path:./rel
              => path=./rel type=path
            path:rel
              => path=rel type=path
            path:///abs
              => path=/abs type=path
            path:./my%20dir
              => path=./my dir type=path
            path:./x?lastModified=123&narHash=sha256-x&rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b&revCount=5&dir=sub
              => dir=sub lastModified=123 (int) narHash=sha256-x path=./x rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b revCount=5 (int) type=path
            ./rel
              => path=./rel type=path
            ../up
              => path=../up type=path
            /abs
              => path=/abs type=path
            .
              => path=. type=path
            ./sub?dir=x
              => dir=x path=./sub type=path
        "#]],
    );
}

#[test]
fn tarballs_and_files() {
    check(
        &[
            "https://example.com/x.tar.gz",
            "https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz?narHash=sha256-x",
            "https://example.com/x",
            "tarball+https://example.com/x?foo=bar&name=n&unpack=1",
            "file+https://example.com/x",
            "file:///tmp/x.tar.gz",
            "http://example.com/y.tar.xz?lastModified=5&revCount=2",
            "https://example.com/a%20b.tar.gz",
        ],
        expect![[r#"
            https://example.com/x.tar.gz
              => type=tarball url=https://example.com/x.tar.gz
            https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz?narHash=sha256-x
              => narHash=sha256-x type=tarball url=https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz
            https://example.com/x
              => type=tarball url=https://example.com/x
            tarball+https://example.com/x?foo=bar&name=n&unpack=1
              => type=tarball url=https://example.com/x?foo=bar
            file+https://example.com/x
              => type=file url=https://example.com/x
            file:///tmp/x.tar.gz
              => type=tarball url=file:///tmp/x.tar.gz
            http://example.com/y.tar.xz?lastModified=5&revCount=2
              => lastModified=5 (int) revCount=2 (int) type=tarball url=http://example.com/y.tar.xz
            https://example.com/a%20b.tar.gz
              => type=tarball url=https://example.com/a%20b.tar.gz
        "#]],
    );
}

#[test]
fn non_flake_inputs_fetch_plain_urls_as_files() {
    let out: String = [
        "https://example.com/x",
        "https://example.com/x.zip",
        "tarball+https://example.com/x",
    ]
    .iter()
    .map(|url| format!("{url} => {}\n", render(&parse_flake_ref_as(url, false))))
    .collect();
    expect![[r#"
        https://example.com/x => type=file url=https://example.com/x
        https://example.com/x.zip => type=tarball url=https://example.com/x.zip
        tarball+https://example.com/x => type=tarball url=https://example.com/x
    "#]]
    .assert_eq(&out);
}

#[test]
fn indirect() {
    check(
        &[
            "nixpkgs",
            "nixpkgs/nixos-24.05",
            &format!("nixpkgs/{REV}"),
            &format!("nixpkgs/nixos-24.05/{REV}"),
            "flake:nixpkgs",
            "flake:nixpkgs/nixos-24.05",
            "flake:nixpkgs?dir=lib",
            "jetpack-nixos",
            "github",
        ],
        expect![[r#"
            nixpkgs
              => id=nixpkgs type=indirect
            nixpkgs/nixos-24.05
              => id=nixpkgs ref=nixos-24.05 type=indirect
            nixpkgs/1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b
              => id=nixpkgs rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b type=indirect
            nixpkgs/nixos-24.05/1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b
              => id=nixpkgs ref=nixos-24.05 rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b type=indirect
            flake:nixpkgs
              => id=nixpkgs type=indirect
            flake:nixpkgs/nixos-24.05
              => id=nixpkgs ref=nixos-24.05 type=indirect
            flake:nixpkgs?dir=lib
              => dir=lib id=nixpkgs type=indirect
            jetpack-nixos
              => id=jetpack-nixos type=indirect
            github
              => id=github type=indirect
        "#]],
    );
}

#[test]
fn errors() {
    check(
        &[
            "",
            " github:o/r",
            "github:o/r#packages",
            "github:owner",
            "github:/repo",
            "github:",
            "github://o/r",
            "sourcehut:~user",
            "gihub:o/r",
            "GitLab:o/r",
            "foo:bar",
            "file+git:///x",
            "git+ftp://x/r",
            "hg+ftp://x/r",
        ],
        expect![[r#"

              => error: empty flake reference; expected one of `github:owner/repo[/ref]`, `gitlab:owner/repo`, `sourcehut:~user/repo`, `git+https://host/repo?ref=branch`, `git+ssh://host/repo`, `git+file:///path`, `path:./dir`, `https://host/archive.tar.gz`, `tarball+https://...`, `file+https://...`, or an indirect id such as `nixpkgs` or `nixpkgs/nixos-24.05`
             github:o/r
              => error: flake reference ` github:o/r` has leading or trailing spaces; remove them
            github:o/r#packages
              => error: flake reference `github:o/r#packages` has a fragment `#packages`: an input names a whole flake, not one of its outputs; remove it
            github:owner
              => error: `github:owner` has an owner but no repository; write `github:owner/REPO`
            github:/repo
              => error: `github:/repo` has an empty owner; write `github:owner/repo`
            github:
              => error: `github:` names no repository; write `github:owner/repo`
            github://o/r
              => error: `github://o/r`: write `github:owner/repo`, without `//`
            sourcehut:~user
              => error: `sourcehut:~user` has an owner but no repository; write `sourcehut:~user/REPO`
            gihub:o/r
              => error: unknown flake reference scheme `gihub:` (did you mean `github:`?); expected one of github:, gitlab:, sourcehut:, git+https:, git+ssh:, git+file:, path:, tarball+https:, https:, file+https:, flake: (or an indirect id such as `nixpkgs`)
            GitLab:o/r
              => error: unknown flake reference scheme `GitLab:` (did you mean `gitlab:`?); expected one of github:, gitlab:, sourcehut:, git+https:, git+ssh:, git+file:, path:, tarball+https:, https:, file+https:, flake: (or an indirect id such as `nixpkgs`)
            foo:bar
              => error: unknown flake reference scheme `foo:`; expected one of github:, gitlab:, sourcehut:, git+https:, git+ssh:, git+file:, path:, tarball+https:, https:, file+https:, flake: (or an indirect id such as `nixpkgs`)
            file+git:///x
              => error: unknown flake reference scheme `file+git:` in `file+git:///x`; did you mean `git+file:`?
            git+ftp://x/r
              => error: `git+ftp://x/r` uses `git+ftp:`, which flakelint does not know; Git repositories are fetched with `git+https:`, `git+http:`, `git+ssh:` or `git+file:`
            hg+ftp://x/r
              => error: unknown flake reference scheme `hg+ftp:` (did you mean `hg+http:`?); expected one of github:, gitlab:, sourcehut:, git+https:, git+ssh:, git+file:, path:, tarball+https:, https:, file+https:, flake: (or an indirect id such as `nixpkgs`)
        "#]],
    );
}

#[test]
fn query_errors() {
    check(
        &[
            "github:o/r?foo=1",
            "github:o/r?lastModified=1",
            "github:o/r?dir",
            "github:o/r?ref=a&ref=b",
            "github:o/r/main?ref=dev",
            &format!("github:o/r/main?rev={REV}"),
            "github:o/r?rev=abc1234",
            "github:o/r?host=a/b",
            "github:o/r?ref=%zz",
            "path:./x?foo=1",
            "path:./x?lastModified=yesterday",
            "tarball+https://x/y?lastModified=abc",
            "flake:nixpkgs?ref=nixos-24.05",
            "git+https://x/r?submodules=true",
            "git+https://x/r?rev=abc",
        ],
        expect![[r#"
            github:o/r?foo=1
              => error: unknown parameter `foo` in `github:o/r?foo=1`: `github:` references accept `dir`, `ref`, `rev`, `host` and `narHash`
            github:o/r?lastModified=1
              => error: unknown parameter `lastModified` in `github:o/r?lastModified=1`: `github:` references accept `dir`, `ref`, `rev`, `host` and `narHash`
            github:o/r?dir
              => error: query parameter `dir` in `github:o/r?dir` has no value; write `dir=VALUE`
            github:o/r?ref=a&ref=b
              => error: query parameter `ref` is given twice in `github:o/r?ref=a&ref=b`; keep one
            github:o/r/main?ref=dev
              => error: `github:o/r/main?ref=dev` gives `ref` both in its path and as `?ref=`; keep one
            github:o/r/main?rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b
              => error: `github:o/r/main?rev=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b` names both a branch or tag (`main`) and a commit (`1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b`); keep one
            github:o/r?rev=abc1234
              => error: `rev=abc1234` in `github:o/r?rev=abc1234` is not a full commit hash (40 hex digits); use `ref=` for a branch or tag
            github:o/r?host=a/b
              => error: `host=a/b` in `github:o/r?host=a/b` is not a host name
            github:o/r?ref=%zz
              => error: `github:o/r?ref=%zz`: invalid percent-encoding `%zz`: `%` must be followed by two hex digits (write `%25` for `%`)
            path:./x?foo=1
              => error: unknown parameter `foo` in `path:./x?foo=1`: `path:` references accept `dir`, `rev`, `narHash`, `revCount` and `lastModified`
            path:./x?lastModified=yesterday
              => error: `lastModified=yesterday` in `path:./x?lastModified=yesterday` must be an integer
            tarball+https://x/y?lastModified=abc
              => error: `lastModified=abc` in `tarball+https://x/y?lastModified=abc` must be an integer
            flake:nixpkgs?ref=nixos-24.05
              => error: Nix ignores the parameter `ref` in `flake:nixpkgs?ref=nixos-24.05`: indirect references take only `dir`; put a branch or commit in the path, as in `flake:nixpkgs/nixos-24.05`
            git+https://x/r?submodules=true
              => error: `submodules=true` in `git+https://x/r?submodules=true`: Nix reads only `1` as true (anything else, even `true`, is false); write `submodules=1` or `submodules=0`
            git+https://x/r?rev=abc
              => error: `rev=abc` in `git+https://x/r?rev=abc` is not a full commit hash (40 hex digits); use `ref=` for a branch or tag
        "#]],
    );
}

#[test]
fn ref_and_shape_errors() {
    check(
        &[
            "github:o/r/my branch",
            "github:o/r?ref=a%20b",
            "github:o/r/a..b",
            "github:o/r/-x",
            "github:o/r/x.lock",
            "github:o/r/x:y",
            "git+https://x/r?ref=.hidden",
            "git+ssh://git@github.com:NixOS/nixpkgs",
            "git+https://",
            "git+https:",
            "path://host/x",
            "git+file://host/x",
            "path:",
            "flake:1nix",
            "nixpkgs/a/b/c",
            "nixpkgs/a/b",
            "nixpkgs?ref=x",
            "github.com/NixOS/nixpkgs",
            "some thing",
            "foo.bar",
        ],
        expect![[r#"
            github:o/r/my branch
              => error: `my branch` in `github:o/r/my branch` is not a valid branch or tag name: it contains a space
            github:o/r?ref=a%20b
              => error: `a b` in `github:o/r?ref=a%20b` is not a valid branch or tag name: it contains a space
            github:o/r/a..b
              => error: `a..b` in `github:o/r/a..b` is not a valid branch or tag name: it contains `..`
            github:o/r/-x
              => error: `-x` in `github:o/r/-x` is not a valid branch or tag name: it starts with `-`
            github:o/r/x.lock
              => error: `x.lock` in `github:o/r/x.lock` is not a valid branch or tag name: a part of it ends with `.lock`
            github:o/r/x:y
              => error: `x:y` in `github:o/r/x:y` is not a valid branch or tag name: it contains `:`
            git+https://x/r?ref=.hidden
              => error: `.hidden` in `git+https://x/r?ref=.hidden` is not a valid branch or tag name: a part of it starts with `.`
            git+ssh://git@github.com:NixOS/nixpkgs
              => error: `git+ssh://git@github.com:NixOS/nixpkgs` mixes URL and scp syntax (`NixOS` after `:` is not a port); write `git+ssh://git@github.com/NixOS/nixpkgs`
            git+https://
              => error: `git+https://` names no host
            git+https:
              => error: `git+https:` has nothing after `git+https:`
            path://host/x
              => error: `path://host/x`: a `path:` reference takes no host (`host`); write `path:/absolute/dir` or `path:./relative/dir`
            git+file://host/x
              => error: `git+file://host/x`: a `git+file:` URL takes no host (`host`); write `git+file:///absolute/path`
            path:
              => error: `path:` names no directory; write `path:./dir` or `path:/absolute/dir`
            flake:1nix
              => error: `1nix` in `flake:1nix` is not a valid flake id (a letter, then letters, digits, `_` or `-`)
            nixpkgs/a/b/c
              => error: `nixpkgs/a/b/c` has too many `/` parts: an indirect reference is `id`, `id/ref`, `id/rev` or `id/ref/rev`
            nixpkgs/a/b
              => error: `b` in `nixpkgs/a/b` is not a commit hash (40 hex digits): an indirect reference is `id`, `id/ref`, `id/rev` or `id/ref/rev`
            nixpkgs?ref=x
              => error: `nixpkgs?ref=x`: an indirect id cannot take query parameters; write `nixpkgs/x`
            github.com/NixOS/nixpkgs
              => error: `github.com/NixOS/nixpkgs` is not a flake reference (Nix would read it as a relative path); write `github:NixOS/nixpkgs`
            some thing
              => error: `some thing` is not a flake reference: it contains spaces; expected one of `github:owner/repo[/ref]`, `gitlab:owner/repo`, `sourcehut:~user/repo`, `git+https://host/repo?ref=branch`, `git+ssh://host/repo`, `git+file:///path`, `path:./dir`, `https://host/archive.tar.gz`, `tarball+https://...`, `file+https://...`, or an indirect id such as `nixpkgs` or `nixpkgs/nixos-24.05`
            foo.bar
              => error: `foo.bar` is not a flake reference (Nix would read it as a relative path; write `./foo.bar` if that is meant); expected one of `github:owner/repo[/ref]`, `gitlab:owner/repo`, `sourcehut:~user/repo`, `git+https://host/repo?ref=branch`, `git+ssh://host/repo`, `git+file:///path`, `path:./dir`, `https://host/archive.tar.gz`, `tarball+https://...`, `file+https://...`, or an indirect id such as `nixpkgs` or `nixpkgs/nixos-24.05`
        "#]],
    );
}

fn attrs(pairs: &[(&str, &str)]) -> LockAttrs {
    pairs
        .iter()
        .map(|(k, v)| {
            let value = match *v {
                "true" => LockValue::Bool(true),
                "false" => LockValue::Bool(false),
                _ => LockValue::Str(v.to_string()),
            };
            (k.to_string(), value)
        })
        .collect()
}

#[test]
fn same_reference_accepts_what_nix_writes() {
    let rev_upper = REV.to_ascii_uppercase();
    let cases: Vec<(String, LockAttrs)> = vec![
        (
            "github:NixOS/nixpkgs/nixos-24.05".into(),
            attrs(&[
                ("owner", "NixOS"),
                ("ref", "nixos-24.05"),
                ("repo", "nixpkgs"),
                ("type", "github"),
            ]),
        ),
        (
            "github:nixos/NixPkgs/nixos-24.05".into(),
            attrs(&[
                ("owner", "NixOS"),
                ("ref", "nixos-24.05"),
                ("repo", "nixpkgs"),
                ("type", "github"),
            ]),
        ),
        (
            "github:o/r".into(),
            attrs(&[
                ("owner", "o"),
                ("repo", "r"),
                ("type", "github"),
                ("host", "GitHub.com"),
            ]),
        ),
        (
            "github:o/r?narHash=sha256-x".into(),
            attrs(&[
                ("owner", "o"),
                ("repo", "r"),
                ("type", "github"),
                ("lastModified", "1"),
            ]),
        ),
        (
            format!("github:o/r/{rev_upper}"),
            attrs(&[
                ("owner", "o"),
                ("repo", "r"),
                ("rev", REV),
                ("type", "github"),
            ]),
        ),
        (
            "git+https://example.com/r?ref=main&dir=sub".into(),
            attrs(&[
                ("dir", "sub"),
                ("ref", "main"),
                ("type", "git"),
                ("url", "https://example.com/r?dir=sub"),
            ]),
        ),
        (
            "git+https://example.com/r/".into(),
            attrs(&[("type", "git"), ("url", "https://example.com/r")]),
        ),
        (
            "git+https://Example.com/a%20b".into(),
            attrs(&[("type", "git"), ("url", "https://example.com/a b")]),
        ),
        (
            "git+https://example.com/r?submodules=0&x=1&y=2".into(),
            attrs(&[("type", "git"), ("url", "https://example.com/r?y=2&x=1")]),
        ),
        (
            "git+https://example.com/r?shallow=1".into(),
            attrs(&[
                ("shallow", "true"),
                ("type", "git"),
                ("url", "https://example.com/r"),
            ]),
        ),
        (
            "path:./sub".into(),
            attrs(&[("path", "sub"), ("type", "path")]),
        ),
        (
            "./sub".into(),
            attrs(&[("path", "/srv/u/flake/sub"), ("type", "path")]),
        ),
        (
            "nixpkgs".into(),
            attrs(&[("id", "nixpkgs"), ("type", "indirect")]),
        ),
        (
            "https://example.com/x".into(),
            attrs(&[("type", "file"), ("url", "https://example.com/x")]),
        ),
        (
            "hg+https://example.com/r".into(),
            attrs(&[("type", "mercurial"), ("url", "https://example.com/r")]),
        ),
        ("nixpkgs".into(), attrs(&[("id", "nixpkgs")])),
    ];
    for (url, original) in &cases {
        let declared = parse_flake_ref(url).unwrap();
        assert!(same_reference(&declared, original), "{url} vs {original:?}");
    }
    let custom = attrs(&[("type", "custom"), ("x", "1")]);
    assert!(same_reference(
        &custom,
        &attrs(&[("type", "custom"), ("x", "2")])
    ));
}

#[test]
fn same_reference_sees_real_changes() {
    let nixpkgs_2405 = attrs(&[
        ("owner", "NixOS"),
        ("ref", "nixos-24.05"),
        ("repo", "nixpkgs"),
        ("type", "github"),
    ]);
    let cases: Vec<(&str, LockAttrs)> = vec![
        ("github:NixOS/nixpkgs/nixos-23.11", nixpkgs_2405.clone()),
        ("github:NixOS/nixpkgs", nixpkgs_2405.clone()),
        ("github:NixOS/nixpkgs-old/nixos-24.05", nixpkgs_2405.clone()),
        (
            "github:NixOS/nixpkgs/nixos-24.05?dir=lib",
            nixpkgs_2405.clone(),
        ),
        (
            "github:NixOS/nixpkgs/nixos-24.05?host=ghe.example.com",
            nixpkgs_2405.clone(),
        ),
        (
            "git+https://github.com/NixOS/nixpkgs?ref=nixos-24.05",
            nixpkgs_2405.clone(),
        ),
        ("gitlab:NixOS/nixpkgs/nixos-24.05", nixpkgs_2405),
        (
            "git+https://example.com/r?submodules=1",
            attrs(&[("type", "git"), ("url", "https://example.com/r")]),
        ),
        (
            "git+https://example.com/r",
            attrs(&[("type", "git"), ("url", "https://example.com/other")]),
        ),
        (
            "git+https://example.com/r?x=1",
            attrs(&[("type", "git"), ("url", "https://example.com/r")]),
        ),
        ("path:./a", attrs(&[("path", "./b"), ("type", "path")])),
        (
            "nixpkgs/nixos-24.05",
            attrs(&[("id", "nixpkgs"), ("type", "indirect")]),
        ),
        (
            "nixpkgs",
            attrs(&[("id", "nixpkgs-unstable"), ("type", "indirect")]),
        ),
    ];
    for (url, original) in &cases {
        let declared = parse_flake_ref(url).unwrap();
        assert!(
            !same_reference(&declared, original),
            "{url} vs {original:?}"
        );
    }
}

#[test]
fn edit_distances() {
    assert_eq!(edit_distance("gihub", "github"), 1);
    assert_eq!(edit_distance("", "abc"), 3);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
}

#[test]
fn never_panics() {
    let mut rng = XorShift(0xdead_beef_cafe_f00d);
    let pieces = [
        "github:", "git+", "https://", "path:", "flake:", "file:", "/", "?", "&", "=", "%", "%2",
        "#", ":", "@", "~", ".", "..", " ", "é", "ref", "rev", "dir", "o", "r", REV, "1",
        "tarball+",
    ];
    for _ in 0..5000 {
        let mut url = String::new();
        for _ in 0..rng.below(8) {
            url.push_str(pieces[rng.below(pieces.len())]);
        }
        let is_flake = rng.below(2) == 0;
        if let Ok(attrs) = parse_flake_ref_as(&url, is_flake) {
            assert!(attrs.contains_key("type"), "{url}");
            assert!(same_reference(&attrs, &attrs), "{url}");
        }
    }
}
