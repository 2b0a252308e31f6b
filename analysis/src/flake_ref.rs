//! Flake references (`github:owner/repo/ref`, `git+https://...?ref=x`, `path:./dir`, `nixpkgs`,
//! ...) parsed into the attribute form that `flake.lock` writes in a node's `original`, so the
//! two can be compared, and checked for the mistakes Nix would reject.
//!
//! What each form becomes follows what Nix's fetchers do with a flake input's `url`:
//! - `github:o/r`, `gitlab:o/r`, `sourcehut:~u/r`: `{type, owner, repo}`; a third path part is a
//!   `rev` when it is 40 hex digits, else a `ref`; more parts join into the `ref`
//!   (`github:o/r/release/1.0` has ref `release/1.0`). Query: `ref`, `rev`, `host`, `narHash`,
//!   `dir`; anything else is an error (as in Nix).
//! - `git+https:`, `git+http:`, `git+ssh:`, `git+file:`, `git:`: `{type: git, url}` with the
//!   `git+` and the known parameters removed from `url`; `ref`, `rev`, `keytype`, `publicKey(s)`
//!   are string attrs, `shallow`, `submodules`, `lfs`, `exportIgnore`, `allRefs`, `verifyCommit`
//!   booleans; unknown parameters stay in `url` (Nix passes them on to the server).
//! - `hg+https:` (and `http`, `ssh`, `file`): `{type: hg, url}`, with `ref` and `rev`.
//! - `tarball+https:`, `file+https:` (and `http`, `file`): `{type: tarball|file, url}`. Plain
//!   `https:`/`http:`/`file:` urls are tarballs for flake inputs (and for non-flake inputs whose
//!   name ends in an archive extension), files otherwise. `narHash`, `rev`, `revCount`,
//!   `lastModified` become attrs; `name`, `unpack` are dropped; other parameters stay in `url`.
//! - `path:/abs`, `path:./rel`, bare `/abs`, `./rel`, `../rel`: `{type: path, path}` with `rev`,
//!   `narHash`, `revCount`, `lastModified` allowed.
//! - `nixpkgs`, `nixpkgs/REF`, `nixpkgs/REV`, `nixpkgs/REF/REV`, `flake:...`: `{type: indirect,
//!   id, ref?, rev?}`.
//! - `dir=` is kept for every form as a `dir` attr (omitted when empty).
//!
//! Stricter than Nix on purpose (each is surely a mistake, so `invalid-input-url` reports it):
//! a query parameter without `=` (Nix warns and ignores it), a repeated parameter, boolean
//! parameters other than `0`/`1` (Nix reads anything but `1`, even `true`, as false), query
//! parameters other than `dir` on indirect references (Nix ignores them), fragments, `git+`
//! transports other than http(s)/ssh/file, and scheme-less text that Nix would take for a
//! relative path without `./` (`github.com/o/r`).

use crate::lock::{attr_str, normalize_path, LockAttrs, LockValue};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlakeRefError {
    /// One sentence saying what is wrong, including the accepted forms where that helps.
    pub message: String,
}

/// The schemes offered when one is not recognised.
const SCHEMES: &[&str] = &[
    "github:",
    "gitlab:",
    "sourcehut:",
    "git+https:",
    "git+ssh:",
    "git+file:",
    "path:",
    "tarball+https:",
    "https:",
    "file+https:",
    "flake:",
];

/// Every scheme accepted, for "did you mean".
const ALL_SCHEMES: &[&str] = &[
    "github",
    "gitlab",
    "sourcehut",
    "git",
    "git+https",
    "git+http",
    "git+ssh",
    "git+file",
    "hg+https",
    "hg+http",
    "hg+ssh",
    "hg+file",
    "path",
    "tarball+https",
    "tarball+http",
    "tarball+file",
    "file+https",
    "file+http",
    "file+file",
    "https",
    "http",
    "file",
    "flake",
];

const FORMS: &str = "`github:owner/repo[/ref]`, `gitlab:owner/repo`, `sourcehut:~user/repo`, \
    `git+https://host/repo?ref=branch`, `git+ssh://host/repo`, `git+file:///path`, `path:./dir`, \
    `https://host/archive.tar.gz`, `tarball+https://...`, `file+https://...`, or an indirect id \
    such as `nixpkgs` or `nixpkgs/nixos-24.05`";

fn error(message: impl Into<String>) -> FlakeRefError {
    FlakeRefError {
        message: message.into(),
    }
}

/// Parses a flake input's `url` into the attrs Nix writes as the lock node's `original`,
/// assuming the input is a flake (`flake = true`, the default).
pub fn parse_flake_ref(url: &str) -> Result<LockAttrs, FlakeRefError> {
    parse_flake_ref_as(url, true)
}

/// [`parse_flake_ref`] for an input with `flake = is_flake`: that decides whether a plain
/// `https://host/x` (no archive extension) is a `tarball` (flake) or a `file` (not a flake).
pub fn parse_flake_ref_as(url: &str, is_flake: bool) -> Result<LockAttrs, FlakeRefError> {
    if url.is_empty() {
        return Err(error(format!(
            "empty flake reference; expected one of {FORMS}"
        )));
    }
    if url.trim() != url {
        return Err(error(format!(
            "flake reference `{url}` has leading or trailing spaces; remove them"
        )));
    }
    if let Some(i) = url.find('#') {
        return Err(error(format!(
            "flake reference `{url}` has a fragment `{}`: an input names a whole flake, not one of its outputs; remove it",
            &url[i..]
        )));
    }
    if is_flake_id_form(url) {
        let segments: Vec<String> = url.split('/').map(str::to_string).collect();
        return indirect(url, &segments, Vec::new());
    }
    let (scheme, rest) = match split_scheme(url) {
        Some(split) => split,
        None if url.starts_with('/') || url.starts_with('.') => {
            let (path, query) = split_query(url);
            return path_ref(url, path, parse_query(url, query)?);
        }
        None => return Err(not_a_reference(url)),
    };
    let (rest, query) = split_query(rest);
    let params = parse_query(url, query)?;
    // Schemes are matched as written: Nix does not accept `GitHub:` either.
    let (application, transport) = match scheme.split_once('+') {
        Some((a, t)) => (Some(a), t),
        None => (None, scheme),
    };
    match (application, transport) {
        (None, "github" | "gitlab" | "sourcehut") => forge(url, transport, rest, params),
        (None, "git") => git(url, "git", rest, params),
        (Some("git"), "https" | "http" | "ssh" | "file") => git(url, transport, rest, params),
        (Some("git"), _) => Err(error(format!(
            "`{url}` uses `{scheme}:`, which flakelint does not know; Git repositories are \
             fetched with `git+https:`, `git+http:`, `git+ssh:` or `git+file:`"
        ))),
        (Some("hg"), "https" | "http" | "ssh" | "file") => hg(url, transport, rest, params),
        (Some(app @ ("tarball" | "file")), "https" | "http" | "file") => {
            curl(url, app, transport, rest, params)
        }
        (Some("file"), "git") => Err(error(format!(
            "unknown flake reference scheme `{scheme}:` in `{url}`; did you mean `git+file:`?"
        ))),
        (None, "https" | "http" | "file") => {
            let ty = if is_flake || has_archive_extension(rest) {
                "tarball"
            } else {
                "file"
            };
            curl(url, ty, transport, rest, params)
        }
        (None, "path") => path_ref(url, rest, params),
        (None, "flake") => {
            if rest.starts_with("//") {
                return Err(error(format!("`{url}`: write `flake:id`, without `//`")));
            }
            let segments: Vec<String> = rest
                .split('/')
                .filter(|s| !s.is_empty())
                .map(percent_decode)
                .collect::<Result<_, _>>()
                .map_err(|e| error(format!("`{url}`: {e}")))?;
            indirect(url, &segments, params)
        }
        _ => Err(unknown_scheme(scheme)),
    }
}

fn unknown_scheme(scheme: &str) -> FlakeRefError {
    let lower = scheme.to_ascii_lowercase();
    let suggestion = ALL_SCHEMES
        .iter()
        .map(|s| (edit_distance(&lower, s), *s))
        .filter(|(d, s)| *d <= 2 && *d < s.len())
        .min()
        .map(|(_, s)| format!(" (did you mean `{s}:`?)"))
        .unwrap_or_default();
    error(format!(
        "unknown flake reference scheme `{scheme}:`{suggestion}; expected one of {} (or an indirect id such as `nixpkgs`)",
        SCHEMES.join(", ")
    ))
}

fn not_a_reference(url: &str) -> FlakeRefError {
    let lower = url.to_ascii_lowercase();
    for (host, scheme) in [
        ("github.com/", "github"),
        ("gitlab.com/", "gitlab"),
        ("git.sr.ht/", "sourcehut"),
    ] {
        if let Some(rest) = lower.strip_prefix(host).or_else(|| {
            lower
                .strip_prefix("www.")
                .and_then(|l| l.strip_prefix(host))
        }) {
            let rest = &url[url.len() - rest.len()..];
            return error(format!(
                "`{url}` is not a flake reference (Nix would read it as a relative path); write `{scheme}:{}`",
                rest.trim_end_matches('/')
            ));
        }
    }
    if let Some((id, query)) = url.split_once('?') {
        if is_flake_id(id) {
            let in_path = query
                .split('&')
                .find_map(|p| p.strip_prefix("ref=").or_else(|| p.strip_prefix("rev=")));
            let fix = match in_path {
                Some(r) => format!("{id}/{r}"),
                None => format!("flake:{url}"),
            };
            return error(format!(
                "`{url}`: an indirect id cannot take query parameters; write `{fix}`"
            ));
        }
    }
    if url.contains(char::is_whitespace) {
        return error(format!(
            "`{url}` is not a flake reference: it contains spaces; expected one of {FORMS}"
        ));
    }
    error(format!(
        "`{url}` is not a flake reference (Nix would read it as a relative path; write `./{url}` if that is meant); expected one of {FORMS}"
    ))
}

/// `nixpkgs`, `nixpkgs/ref-or-rev`, `nixpkgs/ref/rev`: what Nix tries before reading a URL.
fn is_flake_id_form(url: &str) -> bool {
    let (id, rest) = match url.split_once('/') {
        Some((id, rest)) => (id, Some(rest)),
        None => (url, None),
    };
    if !is_flake_id(id) {
        return false;
    }
    match rest {
        None => true,
        Some(rest) => {
            let mut chars = rest.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '@')
                && chars.all(|c| c.is_ascii_alphanumeric() || "_./@+-".contains(c))
        }
    }
}

fn is_flake_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once(':')?;
    let mut chars = scheme.chars();
    (chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)))
    .then_some((scheme, rest))
}

fn split_query(s: &str) -> (&str, &str) {
    s.split_once('?').unwrap_or((s, ""))
}

/// A percent-decoded query parameter.
struct Param {
    name: String,
    value: String,
}

fn parse_query(url: &str, query: &str) -> Result<Vec<Param>, FlakeRefError> {
    let mut params: Vec<Param> = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let Some((name, value)) = piece.split_once('=') else {
            return Err(error(format!(
                "query parameter `{piece}` in `{url}` has no value; write `{piece}=VALUE`"
            )));
        };
        let decode = |s: &str| percent_decode(s).map_err(|e| error(format!("`{url}`: {e}")));
        let name = decode(name)?;
        let value = decode(value)?;
        if params.iter().any(|p| p.name == name) {
            return Err(error(format!(
                "query parameter `{name}` is given twice in `{url}`; keep one"
            )));
        }
        params.push(Param { name, value });
    }
    Ok(params)
}

fn percent_decode(s: &str) -> Result<String, String> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            let Some(b) = hex else {
                let end = (i + 3).min(bytes.len());
                let shown = String::from_utf8_lossy(&bytes[i..end]);
                return Err(format!(
                    "invalid percent-encoding `{shown}`: `%` must be followed by two hex digits (write `%25` for `%`)"
                ));
            };
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "percent-encoding that is not UTF-8".to_string())
}

fn percent_encode(s: &str, keep: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.as_bytes().contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Parameters left for the server, as a query string (`?a=b&c=d`, sorted as Nix sorts them).
fn kept_query(mut kept: Vec<Param>) -> String {
    if kept.is_empty() {
        return String::new();
    }
    kept.sort_by(|a, b| a.name.cmp(&b.name));
    let parts: Vec<String> = kept
        .iter()
        .map(|p| {
            format!(
                "{}={}",
                percent_encode(&p.name, ":@/?"),
                percent_encode(&p.value, ":@/?")
            )
        })
        .collect();
    format!("?{}", parts.join("&"))
}

fn is_rev(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_rev(url: &str, rev: &str) -> Result<(), FlakeRefError> {
    // Git repositories in SHA-256 mode have 64-digit commit hashes.
    if is_rev(rev) || (rev.len() == 64 && rev.bytes().all(|b| b.is_ascii_hexdigit())) {
        Ok(())
    } else {
        Err(error(format!(
            "`rev={rev}` in `{url}` is not a full commit hash (40 hex digits); use `ref=` for a branch or tag"
        )))
    }
}

/// What makes `name` an invalid Git branch or tag name (git check-ref-format's rules).
fn ref_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if name == "@" {
        return Some("`@` alone is not a name".into());
    }
    if name.contains(char::is_whitespace) {
        return Some("it contains a space".into());
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("it contains a control character".into());
    }
    if let Some(c) = name.chars().find(|c| "~^:?*[\\".contains(*c)) {
        return Some(format!("it contains `{c}`"));
    }
    for bad in ["..", "@{", "//"] {
        if name.contains(bad) {
            return Some(format!("it contains `{bad}`"));
        }
    }
    if name.starts_with('/') || name.ends_with('/') {
        return Some("it starts or ends with `/`".into());
    }
    if name.ends_with('.') {
        return Some("it ends with `.`".into());
    }
    if name.starts_with('-') {
        return Some("it starts with `-`".into());
    }
    if name.split('/').any(|c| c.starts_with('.')) {
        return Some("a part of it starts with `.`".into());
    }
    if name.split('/').any(|c| c.ends_with(".lock")) {
        return Some("a part of it ends with `.lock`".into());
    }
    None
}

fn check_ref(url: &str, name: &str) -> Result<(), FlakeRefError> {
    match ref_problem(name) {
        None => Ok(()),
        Some(why) => Err(error(format!(
            "`{name}` in `{url}` is not a valid branch or tag name: {why}"
        ))),
    }
}

fn str_attr(attrs: &mut LockAttrs, key: &str, value: impl Into<String>) {
    attrs.insert(key.to_string(), LockValue::Str(value.into()));
}

/// Takes `dir` out of the parameters (every scheme has it; empty means none).
fn take_dir(attrs: &mut LockAttrs, params: &mut Vec<Param>) {
    if let Some(i) = params.iter().position(|p| p.name == "dir") {
        let p = params.remove(i);
        if !p.value.is_empty() {
            str_attr(attrs, "dir", p.value);
        }
    }
}

fn parse_int(url: &str, p: &Param) -> Result<LockValue, FlakeRefError> {
    p.value.parse::<i64>().map(LockValue::Int).map_err(|_| {
        error(format!(
            "`{}={}` in `{url}` must be an integer",
            p.name, p.value
        ))
    })
}

fn parse_bool(url: &str, p: &Param) -> Result<LockValue, FlakeRefError> {
    match p.value.as_str() {
        "1" => Ok(LockValue::Bool(true)),
        "0" => Ok(LockValue::Bool(false)),
        other => Err(error(format!(
            "`{}={other}` in `{url}`: Nix reads only `1` as true (anything else, even `true`, is false); write `{}=1` or `{}=0`",
            p.name, p.name, p.name
        ))),
    }
}

fn forge(
    url: &str,
    ty: &str,
    rest: &str,
    mut params: Vec<Param>,
) -> Result<LockAttrs, FlakeRefError> {
    let example = if ty == "sourcehut" {
        "sourcehut:~user/repo"
    } else {
        "github:owner/repo"
    }
    .replacen("github", ty, 1);
    if rest.starts_with("//") {
        return Err(error(format!("`{url}`: write `{example}`, without `//`")));
    }
    let segments: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect::<Result<_, _>>()
        .map_err(|e| error(format!("`{url}`: {e}")))?;
    let mut attrs = LockAttrs::new();
    str_attr(&mut attrs, "type", ty);
    match segments.as_slice() {
        [] => {
            return Err(error(format!(
                "`{url}` names no repository; write `{example}`"
            )))
        }
        [_] if rest.starts_with('/') => {
            return Err(error(format!(
                "`{url}` has an empty owner; write `{example}`"
            )))
        }
        [owner] => {
            return Err(error(format!(
                "`{url}` has an owner but no repository; write `{ty}:{owner}/REPO`"
            )))
        }
        [owner, repo] => {
            str_attr(&mut attrs, "owner", owner.as_str());
            str_attr(&mut attrs, "repo", repo.as_str());
        }
        [owner, repo, third] => {
            str_attr(&mut attrs, "owner", owner.as_str());
            str_attr(&mut attrs, "repo", repo.as_str());
            let key = if is_rev(third) { "rev" } else { "ref" };
            str_attr(&mut attrs, key, third.as_str());
        }
        [owner, repo, more @ ..] => {
            str_attr(&mut attrs, "owner", owner.as_str());
            str_attr(&mut attrs, "repo", repo.as_str());
            str_attr(&mut attrs, "ref", more.join("/"));
        }
    }
    take_dir(&mut attrs, &mut params);
    for p in params {
        match p.name.as_str() {
            "rev" | "ref" => {
                if attrs.contains_key(&p.name) {
                    return Err(error(format!(
                        "`{url}` gives `{}` both in its path and as `?{}=`; keep one",
                        p.name, p.name
                    )));
                }
                str_attr(&mut attrs, &p.name, p.value);
            }
            "host" => {
                if !p
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
                {
                    return Err(error(format!(
                        "`host={}` in `{url}` is not a host name",
                        p.value
                    )));
                }
                str_attr(&mut attrs, "host", p.value);
            }
            "narHash" => str_attr(&mut attrs, "narHash", p.value),
            other => {
                return Err(error(format!(
                    "unknown parameter `{other}` in `{url}`: `{ty}:` references accept `dir`, `ref`, `rev`, `host` and `narHash`"
                )))
            }
        }
    }
    let reference = attr_str(&attrs, "ref");
    let rev = attr_str(&attrs, "rev");
    if let (Some(reference), Some(rev)) = (reference, rev) {
        return Err(error(format!(
            "`{url}` names both a branch or tag (`{reference}`) and a commit (`{rev}`); keep one"
        )));
    }
    if let Some(rev) = rev {
        check_rev(url, rev)?;
    }
    if let Some(reference) = reference {
        check_ref(url, reference)?;
    }
    Ok(attrs)
}

/// `rest` after `scheme:` for url-shaped references: rejects an empty one and the
/// `ssh://git@host:owner/repo` mix of URL and scp syntax.
fn check_url_rest(url: &str, scheme: &str, rest: &str) -> Result<(), FlakeRefError> {
    let scheme_text = url.split_once(':').map_or(scheme, |(s, _)| s);
    let Some(after) = rest.strip_prefix("//") else {
        if rest.is_empty() {
            return Err(error(format!("`{url}` has nothing after `{scheme_text}:`")));
        }
        return Ok(());
    };
    let authority = after.split('/').next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    if let Some((_, port)) = host_port.split_once(':') {
        if !port.is_empty() && !port.bytes().all(|b| b.is_ascii_digit()) {
            let user_host = &after[..authority.len() - port.len() - 1];
            let path = &after[user_host.len() + 1..];
            return Err(error(format!(
                "`{url}` mixes URL and scp syntax (`{port}` after `:` is not a port); write `{scheme_text}://{user_host}/{path}`"
            )));
        }
    }
    if scheme == "file" && !authority.is_empty() {
        return Err(error(format!(
            "`{url}`: a `{scheme_text}:` URL takes no host (`{authority}`); write `{scheme_text}:///absolute/path`"
        )));
    }
    if after.is_empty() || (scheme != "file" && authority.is_empty()) {
        return Err(error(format!("`{url}` names no host")));
    }
    Ok(())
}

fn git(
    url: &str,
    transport: &str,
    rest: &str,
    mut params: Vec<Param>,
) -> Result<LockAttrs, FlakeRefError> {
    check_url_rest(url, transport, rest)?;
    let mut attrs = LockAttrs::new();
    str_attr(&mut attrs, "type", "git");
    take_dir(&mut attrs, &mut params);
    let mut kept = Vec::new();
    for p in params {
        match p.name.as_str() {
            "rev" | "ref" | "keytype" | "publicKey" | "publicKeys" => {
                str_attr(&mut attrs, &p.name, p.value)
            }
            "shallow" | "submodules" | "lfs" | "exportIgnore" | "allRefs" | "verifyCommit" => {
                let value = parse_bool(url, &p)?;
                attrs.insert(p.name, value);
            }
            _ => kept.push(p),
        }
    }
    if let Some(rev) = attr_str(&attrs, "rev") {
        check_rev(url, rev)?;
    }
    if let Some(reference) = attr_str(&attrs, "ref") {
        check_ref(url, reference)?;
    }
    str_attr(
        &mut attrs,
        "url",
        format!("{transport}:{rest}{}", kept_query(kept)),
    );
    Ok(attrs)
}

fn hg(
    url: &str,
    transport: &str,
    rest: &str,
    mut params: Vec<Param>,
) -> Result<LockAttrs, FlakeRefError> {
    check_url_rest(url, transport, rest)?;
    let mut attrs = LockAttrs::new();
    str_attr(&mut attrs, "type", "hg");
    take_dir(&mut attrs, &mut params);
    let mut kept = Vec::new();
    for p in params {
        match p.name.as_str() {
            "rev" | "ref" => str_attr(&mut attrs, &p.name, p.value),
            _ => kept.push(p),
        }
    }
    str_attr(
        &mut attrs,
        "url",
        format!("{transport}:{rest}{}", kept_query(kept)),
    );
    Ok(attrs)
}

fn has_archive_extension(rest: &str) -> bool {
    let last = rest.rsplit('/').next().unwrap_or(rest);
    [
        ".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst",
    ]
    .iter()
    .any(|ext| last.ends_with(ext))
}

fn curl(
    url: &str,
    ty: &str,
    transport: &str,
    rest: &str,
    mut params: Vec<Param>,
) -> Result<LockAttrs, FlakeRefError> {
    check_url_rest(url, transport, rest)?;
    let mut attrs = LockAttrs::new();
    str_attr(&mut attrs, "type", ty);
    take_dir(&mut attrs, &mut params);
    let mut kept = Vec::new();
    for p in params {
        match p.name.as_str() {
            "narHash" | "rev" => str_attr(&mut attrs, &p.name, p.value),
            "revCount" | "lastModified" => {
                let value = parse_int(url, &p)?;
                attrs.insert(p.name, value);
            }
            // Nix takes these out of the url without keeping them.
            "name" | "unpack" | "url" => {}
            _ => kept.push(p),
        }
    }
    str_attr(
        &mut attrs,
        "url",
        format!("{transport}:{rest}{}", kept_query(kept)),
    );
    Ok(attrs)
}

fn path_ref(url: &str, rest: &str, mut params: Vec<Param>) -> Result<LockAttrs, FlakeRefError> {
    let path = match rest.strip_prefix("//") {
        Some(after) => {
            let (authority, path) = after.split_at(after.find('/').unwrap_or(after.len()));
            if !authority.is_empty() {
                return Err(error(format!(
                    "`{url}`: a `path:` reference takes no host (`{authority}`); write `path:/absolute/dir` or `path:./relative/dir`"
                )));
            }
            path
        }
        None => rest,
    };
    let path = percent_decode(path).map_err(|e| error(format!("`{url}`: {e}")))?;
    if path.is_empty() {
        return Err(error(format!(
            "`{url}` names no directory; write `path:./dir` or `path:/absolute/dir`"
        )));
    }
    let mut attrs = LockAttrs::new();
    str_attr(&mut attrs, "type", "path");
    str_attr(&mut attrs, "path", path);
    take_dir(&mut attrs, &mut params);
    for p in params {
        match p.name.as_str() {
            "rev" | "narHash" => str_attr(&mut attrs, &p.name, p.value),
            "revCount" | "lastModified" => {
                let value = parse_int(url, &p)?;
                attrs.insert(p.name, value);
            }
            other => {
                return Err(error(format!(
                    "unknown parameter `{other}` in `{url}`: `path:` references accept `dir`, `rev`, `narHash`, `revCount` and `lastModified`"
                )))
            }
        }
    }
    Ok(attrs)
}

fn indirect(
    url: &str,
    segments: &[String],
    mut params: Vec<Param>,
) -> Result<LockAttrs, FlakeRefError> {
    let mut attrs = LockAttrs::new();
    str_attr(&mut attrs, "type", "indirect");
    let id = match segments {
        [] => return Err(error(format!("`{url}` names no flake id; write `flake:nixpkgs`"))),
        [id] => id,
        [id, second] => {
            if is_rev(second) {
                str_attr(&mut attrs, "rev", second.as_str());
            } else {
                check_ref(url, second)?;
                str_attr(&mut attrs, "ref", second.as_str());
            }
            id
        }
        [id, reference, rev] => {
            check_ref(url, reference)?;
            if !is_rev(rev) {
                return Err(error(format!(
                    "`{rev}` in `{url}` is not a commit hash (40 hex digits): an indirect reference is `id`, `id/ref`, `id/rev` or `id/ref/rev`"
                )));
            }
            str_attr(&mut attrs, "ref", reference.as_str());
            str_attr(&mut attrs, "rev", rev.as_str());
            id
        }
        _ => {
            return Err(error(format!(
                "`{url}` has too many `/` parts: an indirect reference is `id`, `id/ref`, `id/rev` or `id/ref/rev`"
            )))
        }
    };
    if !is_flake_id(id) {
        return Err(error(format!(
            "`{id}` in `{url}` is not a valid flake id (a letter, then letters, digits, `_` or `-`)"
        )));
    }
    str_attr(&mut attrs, "id", id.as_str());
    take_dir(&mut attrs, &mut params);
    if let Some(p) = params.first() {
        return Err(error(format!(
            "Nix ignores the parameter `{}` in `{url}`: indirect references take only `dir`; put a branch or commit in the path, as in `flake:{id}/nixos-24.05`",
            p.name
        )));
    }
    Ok(attrs)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Whether the `original` written in the lock is the reference declared in `flake.nix` (both
/// as attrs, the declared one from [`parse_flake_ref`]), for `lock-out-of-date`. Lenient so it
/// never reports a false change: compares the `type` (`tarball` and `file` count as one),
/// the identity (owner/repo case-insensitively with the forge's default host; url after
/// percent-decoding, lowercasing scheme and host, sorting parameters and dropping a trailing `/`
/// and a legacy `dir=` parameter; normalised path; id), `ref`, `rev` (case-insensitively), `dir`
/// and the Git booleans (missing = false). Attributes only one side can have (`narHash`,
/// `lastModified`, ...) are ignored; a relative path against an absolute one, or an unknown
/// type, counts as the same.
pub fn same_reference(declared: &LockAttrs, original: &LockAttrs) -> bool {
    let (Some(a), Some(b)) = (attr_str(declared, "type"), attr_str(original, "type")) else {
        return true;
    };
    let class = |t: &str| match t {
        "mercurial" => "hg".to_string(),
        "file" => "tarball".to_string(),
        other => other.to_string(),
    };
    if class(a) != class(b) {
        return false;
    }
    let s = |attrs: &LockAttrs, key: &str| attr_str(attrs, key).unwrap_or("").to_string();
    let dir_a = s(declared, "dir");
    let dir_b = s(original, "dir");
    if dir_a != dir_b
        || s(declared, "ref") != s(original, "ref")
        || !s(declared, "rev").eq_ignore_ascii_case(&s(original, "rev"))
    {
        return false;
    }
    match class(a).as_str() {
        "github" | "gitlab" | "sourcehut" => {
            let default_host = match a {
                "github" => "github.com",
                "gitlab" => "gitlab.com",
                _ => "git.sr.ht",
            };
            let host = |attrs: &LockAttrs| {
                attr_str(attrs, "host")
                    .unwrap_or(default_host)
                    .to_ascii_lowercase()
            };
            // Older Nix kept `%2F` in a GitLab subgroup owner, newer Nix writes `/`.
            let decoded = |attrs: &LockAttrs, key: &str| {
                let raw = s(attrs, key);
                percent_decode(&raw).unwrap_or(raw)
            };
            decoded(declared, "owner").eq_ignore_ascii_case(&decoded(original, "owner"))
                && decoded(declared, "repo").eq_ignore_ascii_case(&decoded(original, "repo"))
                && host(declared) == host(original)
        }
        "git" | "hg" | "tarball" => {
            let bools_equal = [
                "shallow",
                "submodules",
                "lfs",
                "exportIgnore",
                "allRefs",
                "verifyCommit",
            ]
            .iter()
            .all(|k| {
                let get = |attrs: &LockAttrs| attrs.get(*k).and_then(LockValue::as_bool);
                get(declared).unwrap_or(false) == get(original).unwrap_or(false)
            });
            bools_equal
                && comparable_url(&s(declared, "url"), &dir_a)
                    == comparable_url(&s(original, "url"), &dir_b)
        }
        "path" => {
            let (pa, pb) = (s(declared, "path"), s(original, "path"));
            if pa.starts_with('/') != pb.starts_with('/') {
                return true;
            }
            normalize_path(&pa) == normalize_path(&pb)
        }
        "indirect" => s(declared, "id") == s(original, "id"),
        _ => true,
    }
}

/// A url in a form where spelling differences Nix may introduce or drop do not matter.
fn comparable_url(url: &str, dir: &str) -> String {
    let (base, query) = split_query(url);
    let decode = |s: &str| percent_decode(s).unwrap_or_else(|_| s.to_string());
    let (scheme, rest) = base.split_once("://").unwrap_or(("", base));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut params: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .filter(|(k, v)| !(k == "dir" && v == dir))
        .collect();
    params.sort();
    format!(
        "{}://{}{}?{:?}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase(),
        decode(path).trim_end_matches('/'),
        params
    )
}

#[cfg(test)]
mod tests;
