//! The `flake.lock` model: nodes, their inputs (direct or `follows` paths of any length), the
//! locked and original references, and the walk from the root that finds duplicate repositories.
//! Lock versions 5 to 7 are accepted. Node names are never assumed (nix hands out `nixpkgs_2`
//! and the like in resolution order): everything goes through the root node's inputs.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rowan::{TextRange, TextSize};

use crate::json::{self, Value};

/// A scalar from a lock's `locked` / `original` objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockValue {
    Str(String),
    Int(i64),
    Bool(bool),
}

impl LockValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            LockValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            LockValue::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            LockValue::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// The attributes of a flake reference as the lock writes them (`type`, `owner`, `repo`, `rev`,
/// `narHash`, `lastModified`, `url`, `path`, `ref`, `dir`, ...).
pub type LockAttrs = BTreeMap<String, LockValue>;

/// The string attribute `key` of `attrs`, if it is a string.
pub fn attr_str<'a>(attrs: &'a LockAttrs, key: &str) -> Option<&'a str> {
    attrs.get(key).and_then(LockValue::as_str)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockInput {
    /// `"nixpkgs": "nixpkgs_2"`: the node of that name.
    Node(String),
    /// `"nixpkgs": ["jetpack", "nixpkgs"]`: an input path from the root.
    Follows(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockNode {
    pub name: String,
    /// The range of the node's key in `nodes`.
    pub range: TextRange,
    /// Inputs in file order, with the range of each input's key. A repeated key keeps its last
    /// value (as Nix reads it).
    pub inputs: Vec<(String, LockInput, TextRange)>,
    /// `locked`; for version 5 locks, with the old `info` object merged in (as Nix does).
    pub locked: Option<LockAttrs>,
    pub original: Option<LockAttrs>,
    /// `"flake": false`.
    pub flake: bool,
    /// `"parent": [...]`: for a relative `path:` input, the input path of the flake it is
    /// relative to.
    pub parent: Option<Vec<String>>,
}

impl LockNode {
    /// The input `name` of this node.
    pub fn input(&self, name: &str) -> Option<&LockInput> {
        self.inputs
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, input, _)| input)
    }

    /// The first 7 characters of `locked.rev`.
    pub fn short_rev(&self) -> Option<String> {
        let rev = attr_str(self.locked.as_ref()?, "rev")?;
        Some(rev.chars().take(7).collect())
    }

    /// `locked.lastModified` as a UTC date, `YYYY-MM-DD`.
    pub fn last_modified_date(&self) -> Option<String> {
        let secs = self.locked.as_ref()?.get("lastModified")?.as_i64()?;
        date_from_epoch(secs)
    }

    /// The repository keys of this node: from `original` and from `locked` (see
    /// [`repo_identity`]), without repeats. An `indirect` original (`nixpkgs`) says which
    /// repository it is only through its locked form, hence both.
    pub fn repo_identities(&self) -> Vec<String> {
        let mut out = Vec::new();
        for attrs in [&self.original, &self.locked].into_iter().flatten() {
            if let Some(id) = repo_identity(attrs) {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockFile {
    pub version: u32,
    pub root: String,
    pub nodes: BTreeMap<String, LockNode>,
}

/// Why a lock could not be read, located in the lock's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockError {
    pub range: TextRange,
    pub message: String,
}

/// A node reached from the root by [`LockFile::walk`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached {
    /// The shortest input path from the root that leads to the node (`["jetpack", "nixpkgs"]`).
    pub path: Vec<String>,
    pub node: String,
}

/// A second copy of a root input's repository, found by [`LockFile::duplicates`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    /// The root input whose repository is duplicated (`nixpkgs`).
    pub root_input: String,
    /// The shortest input path from the root to the copy (`["jetpack", "nixpkgs"]`).
    pub path: Vec<String>,
    /// The copy's node.
    pub node: String,
    /// The node of the root input.
    pub root_node: String,
}

/// The most `follows` indirections one resolution may take before it gives up (real locks need
/// a handful); bounds recursion on hostile locks.
const MAX_FOLLOWS_DEPTH: usize = 64;
/// The most input steps one resolution may take in total.
const MAX_RESOLVE_STEPS: usize = 10_000;

impl LockFile {
    pub fn node(&self, name: &str) -> Option<&LockNode> {
        self.nodes.get(name)
    }

    pub fn root_node(&self) -> Option<&LockNode> {
        self.nodes.get(&self.root)
    }

    /// The root node's inputs, in file order.
    pub fn root_inputs(&self) -> &[(String, LockInput, TextRange)] {
        self.root_node().map_or(&[], |n| n.inputs.as_slice())
    }

    /// The node that input `input` of node `node` leads to, following a `follows` path.
    pub fn input_node(&self, node: &str, input: &str) -> Option<&str> {
        let mut steps = 0;
        let mut stack = Vec::new();
        match self.node(node)?.input(input)? {
            LockInput::Node(n) => Some(n.as_str()),
            LockInput::Follows(path) => self.resolve_guarded(path, &mut stack, &mut steps),
        }
    }

    /// The node an input path from the root leads to (`["jetpack", "nixpkgs"]`), following
    /// `follows` paths (which are themselves paths from the root) however they chain. `None` if
    /// an input is missing or the follows form a cycle. The empty path is the root itself.
    pub fn resolve(&self, path: &[String]) -> Option<&str> {
        let mut steps = 0;
        let mut stack = Vec::new();
        self.resolve_guarded(path, &mut stack, &mut steps)
    }

    /// `stack` holds the follows paths being resolved: meeting one of them again is a cycle.
    fn resolve_guarded<'a>(
        &'a self,
        path: &[String],
        stack: &mut Vec<Vec<String>>,
        steps: &mut usize,
    ) -> Option<&'a str> {
        if stack.len() >= MAX_FOLLOWS_DEPTH || stack.iter().any(|p| p == path) {
            return None;
        }
        stack.push(path.to_vec());
        let mut pos = self.root.as_str();
        for elem in path {
            *steps += 1;
            if *steps > MAX_RESOLVE_STEPS {
                return None;
            }
            pos = match self.node(pos)?.input(elem)? {
                LockInput::Node(n) => n.as_str(),
                LockInput::Follows(target) => self.resolve_guarded(target, stack, steps)?,
            };
        }
        stack.pop();
        Some(pos)
    }

    /// Every node reachable from the root (the root itself excluded) with its shortest input
    /// path. Breadth-first over direct node edges only: a `follows` leads to a node that has its
    /// own direct path. Order: by path length, then by input order in the file.
    pub fn walk(&self) -> Vec<Reached> {
        // Breadth first with parent links; paths are built at the end, so a long chain of
        // inputs costs its length once per node rather than copies at every step.
        let mut reached: Vec<(usize, &str, &str)> = Vec::new(); // (parent + 1, input, node)
        let mut seen = BTreeSet::new();
        seen.insert(self.root.as_str());
        let mut queue = VecDeque::new();
        queue.push_back((self.root.as_str(), 0usize));
        while let Some((name, parent)) = queue.pop_front() {
            let Some(node) = self.node(name) else {
                continue;
            };
            for (input, target, _) in &node.inputs {
                let LockInput::Node(target) = target else {
                    continue;
                };
                if !self.nodes.contains_key(target) || !seen.insert(target.as_str()) {
                    continue;
                }
                reached.push((parent, input.as_str(), target.as_str()));
                queue.push_back((target.as_str(), reached.len()));
            }
        }
        reached
            .iter()
            .map(|&(parent, input, node)| {
                let mut path = vec![input.to_string()];
                let mut at = parent;
                while at > 0 {
                    let (up, name, _) = reached[at - 1];
                    path.push(name.to_string());
                    at = up;
                }
                path.reverse();
                Reached {
                    path,
                    node: node.to_string(),
                }
            })
            .collect()
    }

    /// Nodes that hold a second copy of a root input's repository: reachable only through other
    /// inputs (not the node of any root input), with a [`repo_identity`] (of `original` or
    /// `locked`) shared with a root input's node. Non-flake inputs and copies at other refs count
    /// too. When several root inputs share the repository, the one named like the path's last
    /// segment wins, else the first in file order. Sorted by path.
    pub fn duplicates(&self) -> Vec<Duplicate> {
        let roots: Vec<(&str, &str, Vec<String>)> = self
            .root_inputs()
            .iter()
            .filter_map(|(name, _, _)| {
                let node = self.input_node(&self.root, name)?;
                Some((name.as_str(), node, self.node(node)?.repo_identities()))
            })
            .collect();
        let root_nodes: BTreeSet<&str> = roots.iter().map(|(_, node, _)| *node).collect();
        let mut out = Vec::new();
        for reached in self.walk() {
            if root_nodes.contains(reached.node.as_str()) {
                continue;
            }
            let Some(node) = self.node(&reached.node) else {
                continue;
            };
            let ids = node.repo_identities();
            let matching: Vec<&(&str, &str, Vec<String>)> = roots
                .iter()
                .filter(|(_, _, root_ids)| root_ids.iter().any(|id| ids.contains(id)))
                .collect();
            let last = reached.path.last().map(String::as_str);
            let chosen = matching
                .iter()
                .find(|(name, _, _)| Some(*name) == last)
                .or_else(|| matching.first());
            if let Some((name, root_node, _)) = chosen {
                out.push(Duplicate {
                    root_input: name.to_string(),
                    path: reached.path,
                    node: reached.node,
                    root_node: root_node.to_string(),
                });
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }
}

/// A key that is equal for two references to the same repository, whatever their ref or rev:
/// - `github`/`gitlab`/`sourcehut`: `host/owner/repo` lowercased, with the forge's default host
///   (`github.com`, `gitlab.com`, `git.sr.ht`) unless a `host` attribute is given;
/// - `git`/`hg`/`tarball`/`file`: the url without scheme, user, query, trailing `/` and `.git`,
///   host lowercased, so `git+https://github.com/NixOS/nixpkgs.git` and `github:NixOS/nixpkgs`
///   agree (paths on github.com and gitlab.com are lowercased too, and github.com
///   `/archive/` and `/tarball/` urls name their repository); `file://` urls are paths;
/// - `path`: `path:` and the normalised path;
/// - `indirect`: `indirect:` and the id.
pub fn repo_identity(attrs: &LockAttrs) -> Option<String> {
    let ty = attr_str(attrs, "type")?;
    match ty {
        "github" | "gitlab" | "sourcehut" => {
            let owner = attr_str(attrs, "owner")?;
            let repo = attr_str(attrs, "repo")?;
            let host = attr_str(attrs, "host").unwrap_or(match ty {
                "github" => "github.com",
                "gitlab" => "gitlab.com",
                _ => "git.sr.ht",
            });
            let repo = repo.strip_suffix(".git").unwrap_or(repo);
            Some(format!("{host}/{owner}/{repo}").to_lowercase())
        }
        "git" | "hg" | "mercurial" | "tarball" | "file" => url_identity(attr_str(attrs, "url")?),
        "path" => Some(format!("path:{}", normalize_path(attr_str(attrs, "path")?))),
        "indirect" => Some(format!("indirect:{}", attr_str(attrs, "id")?)),
        _ => None,
    }
}

fn url_identity(url: &str) -> Option<String> {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    if url.is_empty() {
        return None;
    }
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let transport = scheme.map(|s| s.rsplit('+').next().unwrap_or(s).to_ascii_lowercase());
    if transport.as_deref() == Some("file") {
        // file:///abs has an empty authority; file://host/abs is not something Nix writes.
        let path = rest.find('/').map_or(rest, |i| &rest[i..]);
        return Some(format!("path:{}", normalize_path(path)));
    }
    let (authority, path) = if scheme.is_some() {
        rest.split_once('/').unwrap_or((rest, ""))
    } else if let Some((authority, path)) = scp_like(url) {
        (authority, path)
    } else {
        return Some(url.trim_end_matches('/').to_string());
    };
    let host = authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let path = if matches!(host.as_str(), "github.com" | "gitlab.com") {
        path.to_lowercase()
    } else {
        path.to_string()
    };
    let path = if host == "github.com" {
        github_archive_repo(&path).unwrap_or(path)
    } else {
        path
    };
    Some(format!("{host}/{path}"))
}

/// `git@github.com:owner/repo` (scp syntax) as (`git@github.com`, `owner/repo`).
fn scp_like(url: &str) -> Option<(&str, &str)> {
    let (authority, path) = url.split_once(':')?;
    (authority.contains('@') && !authority.contains('/')).then_some((authority, path))
}

/// `owner/repo/archive/x.tar.gz` → `owner/repo`.
fn github_archive_repo(path: &str) -> Option<String> {
    let mut segments = path.split('/');
    let owner = segments.next()?;
    let repo = segments.next()?;
    matches!(segments.next()?, "archive" | "tarball").then(|| format!("{owner}/{repo}"))
}

/// A path with `.` segments, repeated and trailing slashes removed: `./a//b/` → `a/b`,
/// `/x/./y` → `/x/y`, `./` → `.`.
pub(crate) fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// A short readable reference for a node's `locked` attrs: `github:NixOS/nixpkgs/1a2b3c4`,
/// `git+https://host/repo?rev=1a2b3c4`, `path:./sub`, a tarball's url, `flake:nixpkgs/ref`.
pub fn locked_ref_text(attrs: &LockAttrs) -> Option<String> {
    let ty = attr_str(attrs, "type")?;
    let rev: Option<String> = attr_str(attrs, "rev").map(|r| r.chars().take(7).collect());
    let reference = attr_str(attrs, "ref");
    Some(match ty {
        "github" | "gitlab" | "sourcehut" => {
            let mut s = format!(
                "{ty}:{}/{}",
                attr_str(attrs, "owner")?,
                attr_str(attrs, "repo")?
            );
            if let Some(r) = rev.as_deref().or(reference) {
                s.push('/');
                s.push_str(r);
            }
            if let Some(host) = attr_str(attrs, "host") {
                s.push_str("?host=");
                s.push_str(host);
            }
            s
        }
        "git" | "hg" | "mercurial" => {
            let url = attr_str(attrs, "url")?;
            let prefix = match ty {
                "git" if url.starts_with("git://") => "",
                "git" => "git+",
                _ => "hg+",
            };
            let mut s = format!("{prefix}{url}");
            let mut sep = if url.contains('?') { '&' } else { '?' };
            if let Some(r) = reference {
                s.push_str(&format!("{sep}ref={r}"));
                sep = '&';
            }
            if let Some(r) = &rev {
                s.push_str(&format!("{sep}rev={r}"));
            }
            s
        }
        "path" => format!("path:{}", attr_str(attrs, "path")?),
        "tarball" => attr_str(attrs, "url")?.to_string(),
        "file" => format!("file+{}", attr_str(attrs, "url")?),
        "indirect" => {
            let mut s = format!("flake:{}", attr_str(attrs, "id")?);
            for part in [reference, rev.as_deref()].into_iter().flatten() {
                s.push('/');
                s.push_str(part);
            }
            s
        }
        other => other.to_string(),
    })
}

/// Seconds since 1970-01-01 UTC as a `YYYY-MM-DD` date (proleptic Gregorian); `None` outside
/// years 0 to 9999.
pub fn date_from_epoch(secs: i64) -> Option<String> {
    let days = secs.div_euclid(86_400);
    // Count days from 0000-03-01, so that leap days fall at the end of each year, then split
    // into 400-year eras (146097 days each), years of the era, and the day of the year.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months from March: 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28/29.
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (0..=9999)
        .contains(&year)
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

fn lock_error(range: TextRange, message: impl Into<String>) -> LockError {
    LockError {
        range,
        message: message.into(),
    }
}

/// The first byte of a value: where a missing key of an object is reported.
fn opening(range: TextRange) -> TextRange {
    TextRange::at(range.start(), TextSize::from(1).min(range.len()))
}

/// Reads a lock of version 5 to 7. Every error is located at the offending JSON value (a
/// missing key at its object's opening brace).
/// More nodes than this is not a lock Nix wrote for a real flake; the walks over the graph
/// would only burn time and memory on it.
pub const MAX_NODES: usize = 5000;

pub fn parse_lock(text: &str) -> Result<LockFile, LockError> {
    let top = json::parse(text).map_err(|e| {
        lock_error(
            e.range,
            format!("flake.lock is not valid JSON: {}", e.message),
        )
    })?;
    if top.as_object().is_none() {
        return Err(lock_error(
            top.range,
            format!(
                "flake.lock must hold a JSON object (with `nodes`, `root` and `version`), found {}",
                top.kind_name()
            ),
        ));
    }

    let version = top.get("version").ok_or_else(|| {
        lock_error(
            opening(top.range),
            "flake.lock has no `version`: it was not written by `nix flake lock`",
        )
    })?;
    let version_number = version.as_i64().ok_or_else(|| {
        lock_error(
            version.range,
            format!(
                "`version` must be an integer such as 7, found {}",
                version.kind_name()
            ),
        )
    })?;
    if !(5..=7).contains(&version_number) {
        let hint = if version_number < 5 {
            "run `nix flake lock` with Nix 2.4 or newer to rewrite it"
        } else {
            "it was written by a newer Nix than flakelint knows"
        };
        return Err(lock_error(
            version.range,
            format!(
                "flake.lock version {version_number} is not supported: flakelint reads versions 5 to 7; {hint}"
            ),
        ));
    }
    let version = version_number as u32;

    let root_value = top
        .get("root")
        .ok_or_else(|| lock_error(opening(top.range), "flake.lock has no `root`"))?;
    let root = root_value.as_str().ok_or_else(|| {
        lock_error(
            root_value.range,
            format!(
                "`root` must be the name of a node, found {}",
                root_value.kind_name()
            ),
        )
    })?;
    let nodes_value = top
        .get("nodes")
        .ok_or_else(|| lock_error(opening(top.range), "flake.lock has no `nodes`"))?;
    let members = nodes_value.as_object().ok_or_else(|| {
        lock_error(
            nodes_value.range,
            format!(
                "`nodes` must be an object of nodes, found {}",
                nodes_value.kind_name()
            ),
        )
    })?;

    if members.len() > MAX_NODES {
        return Err(lock_error(
            nodes_value.range,
            format!(
                "flake.lock has {} nodes; flakelint reads locks of up to {MAX_NODES} (real locks hold a few hundred)",
                members.len()
            ),
        ));
    }
    let mut nodes = BTreeMap::new();
    // Where each input naming a node is, to check afterwards that the node exists.
    let mut node_refs: Vec<(String, String, String, TextRange)> = Vec::new();
    for member in members {
        let node = parse_node(&member.key, member.key_range, &member.value, &mut node_refs)?;
        nodes.insert(member.key.clone(), node);
    }

    if !nodes.contains_key(root) {
        return Err(lock_error(
            root_value.range,
            format!("`root` names node `{root}`, which is not in `nodes`"),
        ));
    }
    for (node, input, target, range) in node_refs {
        // A repeated input key keeps only its last value: check what was kept.
        let kept = nodes
            .get(&node)
            .and_then(|n: &LockNode| n.input(&input))
            .is_some_and(|i| *i == LockInput::Node(target.clone()));
        if kept && !nodes.contains_key(&target) {
            return Err(lock_error(
                range,
                format!(
                    "input `{input}` of node `{node}` names node `{target}`, which is not in `nodes`"
                ),
            ));
        }
    }

    Ok(LockFile {
        version,
        root: root.to_string(),
        nodes,
    })
}

fn parse_node(
    name: &str,
    range: TextRange,
    value: &Value,
    node_refs: &mut Vec<(String, String, String, TextRange)>,
) -> Result<LockNode, LockError> {
    if value.as_object().is_none() {
        return Err(lock_error(
            value.range,
            format!(
                "node `{name}` must be an object, found {}",
                value.kind_name()
            ),
        ));
    }
    let mut inputs: Vec<(String, LockInput, TextRange)> = Vec::new();
    if let Some(inputs_value) = value.get("inputs") {
        let members = inputs_value.as_object().ok_or_else(|| {
            lock_error(
                inputs_value.range,
                format!(
                    "`inputs` of node `{name}` must be an object, found {}",
                    inputs_value.kind_name()
                ),
            )
        })?;
        for m in members {
            let input = parse_input(name, &m.key, &m.value)?;
            if let LockInput::Node(target) = &input {
                node_refs.push((name.into(), m.key.clone(), target.clone(), m.value.range));
            }
            inputs.retain(|(n, _, _)| *n != m.key);
            inputs.push((m.key.clone(), input, m.key_range));
        }
    }
    let mut locked = attrs_of(name, "locked", value)?;
    if let Some(info) = attrs_of(name, "info", value)? {
        locked.get_or_insert_with(LockAttrs::new).extend(info);
    }
    let original = attrs_of(name, "original", value)?;
    let flake = match value.get("flake") {
        None => true,
        Some(v) => v.as_bool().ok_or_else(|| {
            lock_error(
                v.range,
                format!(
                    "`flake` of node `{name}` must be true or false, found {}",
                    v.kind_name()
                ),
            )
        })?,
    };
    let parent = match value.get("parent") {
        None => None,
        Some(v) => Some(string_path(v).ok_or_else(|| {
            lock_error(
                v.range,
                format!(
                    "`parent` of node `{name}` must be an input path (an array of input names), found {}",
                    v.kind_name()
                ),
            )
        })?),
    };
    Ok(LockNode {
        name: name.to_string(),
        range,
        inputs,
        locked,
        original,
        flake,
        parent,
    })
}

fn string_path(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn parse_input(node: &str, input: &str, value: &Value) -> Result<LockInput, LockError> {
    if let Some(target) = value.as_str() {
        return Ok(LockInput::Node(target.to_string()));
    }
    if let Some(items) = value.as_array() {
        if let Some(bad) = items.iter().find(|v| v.as_str().is_none()) {
            return Err(lock_error(
                bad.range,
                format!(
                    "the follows path of input `{input}` of node `{node}` must hold input names (strings), found {}",
                    bad.kind_name()
                ),
            ));
        }
        return Ok(LockInput::Follows(string_path(value).unwrap_or_default()));
    }
    Err(lock_error(
        value.range,
        format!(
            "input `{input}` of node `{node}` must be a node name or a follows path (an array of input names), found {}",
            value.kind_name()
        ),
    ))
}

/// The `locked` / `original` / `info` object of a node. Attribute values that are neither
/// strings, integers nor booleans are skipped: Nix never writes them, and a future Nix that
/// did should not make the whole lock unreadable.
fn attrs_of(node: &str, key: &str, value: &Value) -> Result<Option<LockAttrs>, LockError> {
    let Some(v) = value.get(key) else {
        return Ok(None);
    };
    let members = v.as_object().ok_or_else(|| {
        lock_error(
            v.range,
            format!(
                "`{key}` of node `{node}` must be an object, found {}",
                v.kind_name()
            ),
        )
    })?;
    let mut attrs = LockAttrs::new();
    for m in members {
        let value = match &m.value.kind {
            json::ValueKind::String(s) => LockValue::Str(s.clone()),
            json::ValueKind::Bool(b) => LockValue::Bool(*b),
            json::ValueKind::Number(_) => match m.value.as_i64() {
                Some(n) => LockValue::Int(n),
                None => continue,
            },
            _ => continue,
        };
        attrs.insert(m.key.clone(), value);
    }
    Ok(Some(attrs))
}

#[cfg(test)]
mod tests;
