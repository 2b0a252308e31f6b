//! Which paths a git repository tracks, read straight from its index file. flakelint never runs
//! git: a repository's config can make git run programs (fsmonitor, filters, hooks), and a linter
//! pointed at an untrusted checkout must not.
//!
//! Supported: index versions 2, 3 (extended flags) and 4 (prefix-compressed paths), SHA-1 and
//! SHA-256 repositories (`extensions.objectFormat`), the split index (`link` extension merged
//! with its `sharedindex.<hash>`), linked worktrees and submodules (`.git` files, `commondir`).
//! Every entry counts, whatever its stage or flags: conflicted paths (once), intent-to-add and
//! skip-worktree entries, gitlinks of submodules. The trailing checksum is not verified; a
//! damaged index gives an error or a best-effort list, never a panic.
//!
//! Limitations: a sparse index (`sdir`) stores a directory outside the sparse cone as one entry;
//! it is reported as that directory's path (so the directory counts as tracked) because the
//! files below it are only listed in tree objects, which are not read here. The environment
//! (`GIT_DIR`, `GIT_INDEX_FILE`, ...), `core.worktree` and config includes are ignored.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use analysis::git::GitRepo;

/// Where a repository lives on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoLocation {
    /// The top of the work tree (the directory holding `.git`).
    pub workdir: PathBuf,
    /// This work tree's git directory: holds `index` and `HEAD`.
    pub git_dir: PathBuf,
    /// The directory shared by all worktrees of the repository: holds `config` and `objects`.
    /// Equal to `git_dir` outside linked worktrees.
    pub common_dir: PathBuf,
}

/// An index (or the repository around it) that cannot be read.
#[derive(Debug)]
pub struct GitIndexError {
    path: Option<PathBuf>,
    message: String,
}

impl GitIndexError {
    fn new(message: impl Into<String>) -> Self {
        GitIndexError {
            path: None,
            message: message.into(),
        }
    }

    /// Names the file the error is about, unless a more precise one is already named.
    fn in_file(mut self, path: &Path) -> Self {
        if self.path.is_none() {
            self.path = Some(path.to_path_buf());
        }
        self
    }

    #[cfg(test)]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for GitIndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(
                f,
                "cannot read the git index {}: {}",
                path.display(),
                self.message
            ),
            None => write!(f, "cannot read the git index: {}", self.message),
        }
    }
}

impl std::error::Error for GitIndexError {}

type Result<T, E = GitIndexError> = std::result::Result<T, E>;

/// Walks up from `start` (a file or directory) to the nearest `.git`: a directory, or a file
/// `gitdir: <path>` as in linked worktrees and submodules (a relative path is relative to the
/// file's directory). A `commondir` file inside the git directory points at the directory the
/// worktrees share. `None` when `start` is in no repository, or when its `.git` file is broken
/// (the files are then not attributed to an outer repository whose index cannot list them).
pub fn discover_repo(start: &Path) -> Option<RepoLocation> {
    let start = fs::canonicalize(start)
        .or_else(|_| std::path::absolute(start))
        .ok()?;
    let first = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    for dir in first.ancestors() {
        let dot_git = dir.join(".git");
        let Ok(meta) = fs::metadata(&dot_git) else {
            continue;
        };
        if meta.is_dir() {
            // Like git, pass over a `.git` directory that is not a repository.
            if is_git_dir(&dot_git) {
                return Some(locate(dir, dot_git));
            }
        } else if meta.is_file() {
            let git_dir = read_gitfile(&dot_git)?;
            return is_git_dir(&git_dir).then(|| locate(dir, git_dir));
        }
    }
    None
}

/// Reads the index of the repository (the worktree's own `<git_dir>/index`, merged with its
/// shared index when split). A repository with no index yet (fresh `git init`) tracks nothing.
pub fn read_tracked(loc: &RepoLocation) -> Result<GitRepo> {
    let index_path = loc.git_dir.join("index");
    let workdir = fs::canonicalize(&loc.workdir).map_err(|e| {
        GitIndexError::new(format!(
            "its work tree {} cannot be resolved: {e}",
            loc.workdir.display()
        ))
        .in_file(&index_path)
    })?;
    let workdir = slash_path(&workdir);
    let bytes = match fs::read(&index_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(GitRepo {
                workdir,
                tracked: Vec::new(),
            })
        }
        Err(e) => return Err(GitIndexError::new(e.to_string()).in_file(&index_path)),
    };
    let format = object_format(&loc.common_dir).map_err(|e| e.in_file(&index_path))?;
    let index = IndexFile::parse(&bytes, format).map_err(|e| e.in_file(&index_path))?;
    let entries = match index.shared_index_name() {
        None => index.entries,
        Some(name) => {
            // git looks for the shared index next to the index, in this worktree's git dir.
            let shared_path = loc.git_dir.join(&name);
            let shared_bytes = fs::read(&shared_path).map_err(|e| {
                GitIndexError::new(format!("its split index needs {name}: {e}"))
                    .in_file(&index_path)
            })?;
            let shared =
                IndexFile::parse(&shared_bytes, format).map_err(|e| e.in_file(&shared_path))?;
            merge_split_index(index, shared).map_err(|e| e.in_file(&index_path))?
        }
    };
    let tracked = into_paths(entries).map_err(|e| e.in_file(&index_path))?;
    Ok(GitRepo { workdir, tracked })
}

/// The paths of an index file of a SHA-1 repository: sorted, each once (conflicted paths have
/// up to three entries), not UTF-8 ones converted lossily. A split index needs its shared
/// index: see [`parse_split_index`].
#[cfg(test)]
pub fn parse_index(bytes: &[u8]) -> Result<Vec<String>> {
    let index = IndexFile::parse(bytes, ObjectFormat::Sha1)?;
    if let Some(name) = index.shared_index_name() {
        return Err(GitIndexError::new(format!(
            "this is a split index: most of its entries are in {name}"
        )));
    }
    into_paths(index.entries)
}

/// The paths of a split index (SHA-1) given the bytes of the shared index it names.
#[cfg(test)]
pub fn parse_split_index(index: &[u8], shared: &[u8]) -> Result<Vec<String>> {
    let index = IndexFile::parse(index, ObjectFormat::Sha1)?;
    let entries = if index.shared_index_name().is_some() {
        let shared = IndexFile::parse(shared, ObjectFormat::Sha1)
            .map_err(|e| GitIndexError::new(format!("in the shared index: {}", e.message)))?;
        merge_split_index(index, shared)?
    } else {
        index.entries
    };
    into_paths(entries)
}

fn locate(workdir: &Path, git_dir: PathBuf) -> RepoLocation {
    let git_dir = fs::canonicalize(&git_dir).unwrap_or(git_dir);
    let common_dir = match read_small_file(&git_dir.join("commondir")) {
        Some(text) => {
            let common = git_dir.join(trim_line_end(&text));
            fs::canonicalize(&common).unwrap_or(common)
        }
        None => git_dir.clone(),
    };
    RepoLocation {
        workdir: workdir.to_path_buf(),
        git_dir,
        common_dir,
    }
}

/// What git itself checks first: a repository has a `HEAD`.
fn is_git_dir(dir: &Path) -> bool {
    dir.join("HEAD").is_file()
}

/// The git directory a `.git` file points at.
fn read_gitfile(file: &Path) -> Option<PathBuf> {
    let text = read_small_file(file)?;
    let target = trim_line_end(text.strip_prefix("gitdir:")?).trim_start();
    if target.is_empty() {
        return None;
    }
    Some(file.parent()?.join(target))
}

/// A small text file (`.git`, `commondir`, `config`); `None` when missing, unreadable or
/// implausibly large.
fn read_small_file(path: &Path) -> Option<String> {
    const LIMIT: u64 = 1 << 20;
    let mut bytes = Vec::new();
    fs::File::open(path)
        .ok()?
        .take(LIMIT + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 > LIMIT {
        return None;
    }
    String::from_utf8(bytes).ok()
}

fn trim_line_end(text: &str) -> &str {
    text.trim_end_matches(['\n', '\r'])
}

fn slash_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// The hash function of the repository's objects; it sets the size of every index entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ObjectFormat {
    Sha1,
    Sha256,
}

impl ObjectFormat {
    fn hash_len(self) -> usize {
        match self {
            ObjectFormat::Sha1 => 20,
            ObjectFormat::Sha256 => 32,
        }
    }
}

/// `extensions.objectFormat` from the repository's `config`; SHA-1 when unset or unreadable.
fn object_format(common_dir: &Path) -> Result<ObjectFormat> {
    let Some(config) = read_small_file(&common_dir.join("config")) else {
        return Ok(ObjectFormat::Sha1);
    };
    match config_value(&config, "extensions", "objectformat") {
        None => Ok(ObjectFormat::Sha1),
        Some(v) if v.eq_ignore_ascii_case("sha1") => Ok(ObjectFormat::Sha1),
        Some(v) if v.eq_ignore_ascii_case("sha256") => Ok(ObjectFormat::Sha256),
        Some(v) => Err(GitIndexError::new(format!(
            "the repository uses the object format `{v}`, which flakelint does not know"
        ))),
    }
}

/// The last value of `section.key` (both matched case-insensitively) in a git config file,
/// ignoring subsections. Enough for the one setting read here, not a general config parser.
fn config_value(config: &str, section: &str, key: &str) -> Option<String> {
    let mut current = String::new();
    let mut found = None;
    for line in config.lines() {
        let mut line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            let Some(end) = header.find(']') else {
                continue;
            };
            let name = header[..end].split_whitespace().next().unwrap_or("");
            current = name.to_ascii_lowercase();
            // `[section] key = value` on one line is valid git config.
            line = header[end + 1..].trim();
        }
        if line.is_empty() || line.starts_with(['#', ';']) || current != section {
            continue;
        }
        let (name, value) = line.split_once('=').unwrap_or((line, "true"));
        if !name.trim().eq_ignore_ascii_case(key) {
            continue;
        }
        let value = value.split(['#', ';']).next().unwrap_or("").trim();
        found = Some(value.trim_matches('"').to_string());
    }
    found
}

/// One entry as far as paths are concerned.
#[derive(Clone, Debug)]
struct Entry {
    /// Raw path bytes; empty for a split-index entry that replaces a shared one.
    path: Vec<u8>,
    mode: u32,
}

/// One index file, parsed.
#[derive(Debug)]
struct IndexFile {
    entries: Vec<Entry>,
    link: Option<Link>,
    /// The stored trailing checksum (not verified), which names a shared index.
    checksum: Vec<u8>,
}

/// The `link` extension of a split index.
#[derive(Debug)]
struct Link {
    shared_hash: Vec<u8>,
    /// Shared entries dropped from the result.
    delete: Ewah,
    /// Shared entries replaced, in order, by the first entries of this file.
    replace: Ewah,
}

const ENTRY_STAT_LEN: usize = 40;
const NAME_MASK: u16 = 0x0fff;
const FLAG_EXTENDED: u16 = 0x4000;
const MODE_TYPE_MASK: u32 = 0o170000;
const MODE_DIRECTORY: u32 = 0o040000;

impl IndexFile {
    fn parse(bytes: &[u8], format: ObjectFormat) -> Result<IndexFile> {
        let hash_len = format.hash_len();
        if bytes.len() < 12 + hash_len {
            return Err(GitIndexError::new(format!(
                "the file is too short to be an index ({} bytes)",
                bytes.len()
            )));
        }
        if &bytes[..4] != b"DIRC" {
            return Err(GitIndexError::new(
                "the file is not a git index (it does not start with `DIRC`)",
            ));
        }
        let version = be32(&bytes[4..8]);
        if !(2..=4).contains(&version) {
            return Err(GitIndexError::new(format!(
                "index version {version} is not supported (flakelint reads versions 2 to 4)"
            )));
        }
        let count = be32(&bytes[8..12]) as usize;
        // Entries and extensions lie between the header and the trailing checksum; bounding
        // every read by `body` makes a truncated file fail instead of reading the checksum.
        let (body, checksum) = bytes.split_at(bytes.len() - hash_len);
        let (entries, end) = parse_entries(body, version, count, hash_len)?;
        let link = parse_extensions(&body[end..], hash_len)?;
        Ok(IndexFile {
            entries,
            link,
            checksum: checksum.to_vec(),
        })
    }

    /// `sharedindex.<hex>` when this is a split index that needs its shared index.
    fn shared_index_name(&self) -> Option<String> {
        let link = self.link.as_ref()?;
        if link.shared_hash.iter().all(|&b| b == 0) {
            return None;
        }
        Some(format!("sharedindex.{}", hex(&link.shared_hash)))
    }
}

fn parse_entries(
    body: &[u8],
    version: u32,
    count: usize,
    hash_len: usize,
) -> Result<(Vec<Entry>, usize)> {
    let flags_at = ENTRY_STAT_LEN + hash_len;
    let truncated =
        |i: usize| GitIndexError::new(format!("the file ends inside entry {} of {count}", i + 1));
    // The count comes from the file: do not let it size an allocation on its own.
    let mut entries = Vec::with_capacity(count.min(body.len() / (flags_at + 3)));
    // Version 4 spells each path as an edit of the previous one.
    let mut previous: Vec<u8> = Vec::new();
    let mut pos = 12;
    for i in 0..count {
        let fixed = body
            .get(pos..pos + flags_at + 2)
            .ok_or_else(|| truncated(i))?;
        let mode = be32(&fixed[24..28]);
        let flags = be16(&fixed[flags_at..flags_at + 2]);
        let mut name_at = pos + flags_at + 2;
        if flags & FLAG_EXTENDED != 0 {
            name_at += 2;
        }
        let rest = body.get(name_at..).ok_or_else(|| truncated(i))?;
        let name_len_field = usize::from(flags & NAME_MASK);
        let path = if version == 4 {
            let (strip, varint_len) = decode_varint(rest).ok_or_else(|| {
                GitIndexError::new(format!("entry {} has a malformed path prefix", i + 1))
            })?;
            let keep = previous.len().checked_sub(strip).ok_or_else(|| {
                GitIndexError::new(format!(
                    "entry {} removes {strip} bytes from a {}-byte path",
                    i + 1,
                    previous.len()
                ))
            })?;
            let suffix = &rest[varint_len..];
            let nul = find_nul(suffix).ok_or_else(|| truncated(i))?;
            previous.truncate(keep);
            previous.extend_from_slice(&suffix[..nul]);
            if name_len_field != usize::from(NAME_MASK) && name_len_field != previous.len() {
                return Err(name_length_mismatch(i));
            }
            pos = name_at + varint_len + nul + 1;
            previous.clone()
        } else {
            let len = if name_len_field == usize::from(NAME_MASK) {
                // Long paths store 0xFFF and rely on the NUL.
                find_nul(rest).ok_or_else(|| truncated(i))?
            } else {
                match rest.get(name_len_field) {
                    Some(0) => name_len_field,
                    Some(_) => return Err(name_length_mismatch(i)),
                    None => return Err(truncated(i)),
                }
            };
            // 1 to 8 NULs pad the entry to a multiple of 8 bytes.
            let entry_len = (name_at - pos + len + 8) & !7;
            if pos + entry_len > body.len() {
                return Err(truncated(i));
            }
            pos += entry_len;
            rest[..len].to_vec()
        };
        entries.push(Entry { path, mode });
    }
    Ok((entries, pos))
}

fn name_length_mismatch(i: usize) -> GitIndexError {
    GitIndexError::new(format!(
        "entry {} has a path whose length disagrees with its flags",
        i + 1
    ))
}

/// Walks the extensions after the entries; returns the split-index link if there is one.
fn parse_extensions(mut rest: &[u8], hash_len: usize) -> Result<Option<Link>> {
    let mut link = None;
    while !rest.is_empty() {
        if rest.len() < 8 {
            return Err(GitIndexError::new(format!(
                "{} stray bytes follow the last extension",
                rest.len()
            )));
        }
        let signature = &rest[..4];
        let size = be32(&rest[4..8]) as usize;
        let name = String::from_utf8_lossy(signature)
            .escape_debug()
            .to_string();
        let data = rest.get(8..).and_then(|r| r.get(..size)).ok_or_else(|| {
            GitIndexError::new(format!("extension `{name}` runs past the end of the file"))
        })?;
        match signature {
            b"link" => link = Some(parse_link(data, hash_len)?),
            // Marks a sparse index; the directory entries themselves are handled as entries.
            b"sdir" => {}
            // Upper-case extensions are optional caches (TREE, REUC, UNTR, FSMN, EOIE, IEOT).
            [b'A'..=b'Z', ..] => {}
            _ => {
                return Err(GitIndexError::new(format!(
                    "the index needs the extension `{name}`, which flakelint does not know"
                )))
            }
        }
        rest = &rest[8 + size..];
    }
    Ok(link)
}

fn parse_link(data: &[u8], hash_len: usize) -> Result<Link> {
    let corrupt =
        |what: &str| GitIndexError::new(format!("the split-index link is corrupt: {what}"));
    if data.len() < hash_len {
        return Err(corrupt("too short"));
    }
    let (shared_hash, rest) = data.split_at(hash_len);
    let (delete, replace) = if rest.is_empty() {
        (Ewah::default(), Ewah::default())
    } else {
        let (delete, used) = Ewah::parse(rest).ok_or_else(|| corrupt("bad delete bitmap"))?;
        let rest = &rest[used..];
        let (replace, used) = Ewah::parse(rest).ok_or_else(|| corrupt("bad replace bitmap"))?;
        if used != rest.len() {
            return Err(corrupt("bytes after the replace bitmap"));
        }
        (delete, replace)
    };
    Ok(Link {
        shared_hash: shared_hash.to_vec(),
        delete,
        replace,
    })
}

/// An EWAH-compressed bitmap as git stores it: 64-bit words, each run-length word followed by
/// the literal words it announces.
#[derive(Debug, Default)]
struct Ewah {
    words: Vec<u64>,
}

impl Ewah {
    /// Parses a serialized bitmap; returns it and the number of bytes it took.
    fn parse(bytes: &[u8]) -> Option<(Ewah, usize)> {
        // The bit count is implied by the words; only its presence is checked.
        bytes.get(0..4)?;
        let word_count = be32(bytes.get(4..8)?) as usize;
        let words_len = word_count.checked_mul(8)?;
        let words = bytes.get(8..8usize.checked_add(words_len)?)?;
        // The last field locates the last run-length word, which only writers need.
        bytes.get(8 + words_len..8 + words_len + 4)?;
        let words = words
            .chunks_exact(8)
            .map(|w| u64::from_be_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]))
            .collect();
        Some((Ewah { words }, 8 + words_len + 4))
    }

    /// Calls `f` with each set bit's position, in increasing order; every position must be
    /// below `limit`.
    fn for_each_set(&self, limit: usize, mut f: impl FnMut(usize)) -> Result<(), String> {
        let limit = limit as u64;
        let out_of_range = |pos: u64| {
            format!("it marks entry {pos}, but the shared index has only {limit} entries")
        };
        let mut pos: u64 = 0;
        let mut i = 0;
        while i < self.words.len() {
            let marker = self.words[i];
            i += 1;
            let run_bits = ((marker >> 1) & 0xffff_ffff) * 64;
            if marker & 1 == 1 && run_bits > 0 {
                if pos.saturating_add(run_bits) > limit {
                    return Err(out_of_range(pos.saturating_add(run_bits) - 1));
                }
                for p in pos..pos + run_bits {
                    f(p as usize);
                }
            }
            pos = pos.saturating_add(run_bits);
            let literals = (marker >> 33) as usize;
            if literals > self.words.len() - i {
                return Err("a run-length word announces more words than the bitmap has".into());
            }
            for &word in &self.words[i..i + literals] {
                let mut bits = word;
                while bits != 0 {
                    let p = pos.saturating_add(u64::from(bits.trailing_zeros()));
                    if p >= limit {
                        return Err(out_of_range(p));
                    }
                    f(p as usize);
                    bits &= bits - 1;
                }
                pos = pos.saturating_add(64);
            }
            i += literals;
        }
        Ok(())
    }
}

/// The entries of a split index: the shared entries minus the deleted ones (replaced ones keep
/// their path), plus the entries this file adds after its replacements.
fn merge_split_index(split: IndexFile, shared: IndexFile) -> Result<Vec<Entry>> {
    let Some(link) = split.link else {
        return Ok(split.entries);
    };
    let corrupt =
        |what: String| GitIndexError::new(format!("the split-index link is corrupt: {what}"));
    if shared.checksum != link.shared_hash {
        return Err(GitIndexError::new(format!(
            "sharedindex.{} does not hold the checksum the index expects",
            hex(&link.shared_hash)
        )));
    }
    let n = shared.entries.len();
    let mut replaced = vec![false; n];
    let mut replacements = 0;
    link.replace
        .for_each_set(n, |p| {
            replaced[p] = true;
            replacements += 1;
        })
        .map_err(|e| corrupt(format!("replace bitmap: {e}")))?;
    let mut deleted = vec![false; n];
    link.delete
        .for_each_set(n, |p| deleted[p] = true)
        .map_err(|e| corrupt(format!("delete bitmap: {e}")))?;
    if replaced.iter().zip(&deleted).any(|(r, d)| *r && *d) {
        return Err(corrupt("an entry is both replaced and deleted".into()));
    }
    if replacements > split.entries.len() {
        return Err(corrupt(format!(
            "{replacements} replacements, but only {} entries",
            split.entries.len()
        )));
    }
    let (replacing, added) = split.entries.split_at(replacements);
    if replacing.iter().any(|e| !e.path.is_empty()) {
        return Err(corrupt("a replacing entry has a path".into()));
    }
    if added.iter().any(|e| e.path.is_empty()) {
        return Err(corrupt("an added entry has no path".into()));
    }
    let mut entries: Vec<Entry> = shared
        .entries
        .into_iter()
        .zip(deleted)
        .filter(|(_, d)| !d)
        .map(|(e, _)| e)
        .collect();
    entries.extend_from_slice(added);
    Ok(entries)
}

/// Sorted, deduplicated paths. A sparse-index directory entry (`dir/`) becomes `dir`.
fn into_paths(entries: Vec<Entry>) -> Result<Vec<String>> {
    let mut paths = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        let mut path = entry.path;
        if entry.mode & MODE_TYPE_MASK == MODE_DIRECTORY && path.last() == Some(&b'/') {
            path.pop();
        }
        if path.is_empty() {
            return Err(GitIndexError::new(format!(
                "entry {} has an empty path",
                i + 1
            )));
        }
        paths.push(match String::from_utf8(path) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        });
    }
    paths.sort_unstable();
    paths.dedup();
    Ok(paths)
}

/// git's variable-length integer (the OFS_DELTA encoding): 7 bits per byte, high bit means
/// more follow, and each continuation adds one. Returns the value and the bytes used.
fn decode_varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut byte = *bytes.first()?;
    let mut used = 1;
    let mut value = u64::from(byte & 0x7f);
    while byte & 0x80 != 0 {
        value = value.checked_add(1)?;
        if value >> 57 != 0 {
            return None;
        }
        byte = *bytes.get(used)?;
        used += 1;
        value = (value << 7) | u64::from(byte & 0x7f);
    }
    Some((usize::try_from(value).ok()?, used))
}

fn find_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// A temporary directory holding repositories built with the real `git`, isolated from the
    /// user's and the system's git configuration.
    struct Sandbox {
        dir: tempfile::TempDir,
    }

    impl Sandbox {
        fn new() -> Sandbox {
            Sandbox {
                dir: tempfile::tempdir().expect("temporary directory"),
            }
        }

        fn path(&self, rel: &str) -> PathBuf {
            self.dir.path().join(rel)
        }

        fn canonical(&self, rel: &str) -> PathBuf {
            fs::canonicalize(self.path(rel)).expect("path exists")
        }

        fn write(&self, rel: &str, text: &str) {
            let path = self.path(rel);
            fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
            fs::write(path, text).expect("write");
        }

        fn run_git(&self, dir: &str, args: &[&str]) -> std::process::Output {
            let mut cmd = Command::new("git");
            for (key, _) in std::env::vars_os() {
                if key.to_string_lossy().starts_with("GIT_") {
                    cmd.env_remove(key);
                }
            }
            cmd.env("GIT_CONFIG_NOSYSTEM", "1")
                .env("HOME", self.dir.path())
                .env("XDG_CONFIG_HOME", self.path(".config"))
                .args(["-c", "user.name=flakelint tests"])
                .args(["-c", "user.email=tests@flakelint.invalid"])
                .args(["-c", "init.defaultBranch=main"])
                .args(["-c", "commit.gpgSign=false"])
                .args(["-c", "core.autocrlf=false"])
                .args(["-c", "protocol.file.allow=always"])
                .args(args)
                .current_dir(self.path(dir));
            cmd.output().expect("git can be started")
        }

        fn git(&self, dir: &str, args: &[&str]) -> Vec<u8> {
            let out = self.run_git(dir, args);
            assert!(
                out.status.success(),
                "git {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        }

        fn init(&self, dir: &str, extra: &[&str]) {
            fs::create_dir_all(self.path(dir)).expect("mkdir");
            let mut args = vec!["init", "-q"];
            args.extend_from_slice(extra);
            self.git(dir, &args);
        }

        fn commit(&self, dir: &str) {
            self.git(dir, &["add", "-A"]);
            self.git(dir, &["commit", "-q", "-m", "commit"]);
        }

        fn read_tracked(&self, dir: &str) -> GitRepo {
            let loc = discover_repo(&self.path(dir)).expect("inside a repository");
            read_tracked(&loc).expect("readable index")
        }

        /// What git itself lists, each path once.
        fn ls_files(&self, dir: &str) -> Vec<String> {
            let out = self.git(dir, &["ls-files", "-z"]);
            let mut paths: Vec<String> = out
                .split(|&b| b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            paths.sort();
            paths.dedup();
            paths
        }

        /// The index reads as `expected`, which is also what `git ls-files` says.
        fn check(&self, dir: &str, expected: &[&str]) {
            let repo = self.read_tracked(dir);
            assert_eq!(repo.tracked, expected);
            assert_eq!(repo.tracked, self.ls_files(dir));
        }

        fn index(&self, git_dir: &str) -> Vec<u8> {
            fs::read(self.path(git_dir).join("index")).expect("an index")
        }
    }

    fn index_version(bytes: &[u8]) -> u32 {
        be32(&bytes[4..8])
    }

    #[test]
    fn committed_staged_and_force_added_files_are_tracked() {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        sb.write("repo/.gitignore", "*.log\n/result\n");
        sb.write("repo/flake.nix", "{ }");
        sb.write("repo/lib/default.nix", "{ }");
        sb.commit("repo");
        sb.write("repo/staged.nix", "{ }");
        sb.git("repo", &["add", "staged.nix"]);
        sb.write("repo/untracked.nix", "{ }");
        sb.write("repo/ignored.log", "");
        sb.write("repo/result/out.nix", "");
        sb.write("repo/forced.log", "");
        sb.git("repo", &["add", "-f", "forced.log"]);
        sb.check(
            "repo",
            &[
                ".gitignore",
                "flake.nix",
                "forced.log",
                "lib/default.nix",
                "staged.nix",
            ],
        );
        let repo = sb.read_tracked("repo");
        assert_eq!(repo.workdir, slash_path(&sb.canonical("repo")));
        assert!(repo.is_tracked("lib"));
        assert!(!repo.is_tracked("untracked.nix"));
        assert!(!repo.is_tracked("ignored.log"));
        assert!(!repo.is_tracked("result"));
    }

    #[test]
    fn linked_worktree_reads_its_own_index() {
        let sb = Sandbox::new();
        sb.init("main", &[]);
        sb.write("main/flake.nix", "{ }");
        sb.commit("main");
        sb.git("main", &["worktree", "add", "-q", "-b", "feature", "../wt"]);
        sb.write("wt/new.nix", "{ }");
        sb.git("wt", &["add", "new.nix"]);
        assert!(fs::metadata(sb.path("wt/.git")).unwrap().is_file());

        let loc = discover_repo(&sb.path("wt/new.nix")).unwrap();
        assert_eq!(loc.workdir, sb.canonical("wt"));
        assert_eq!(loc.git_dir, sb.canonical("main/.git/worktrees/wt"));
        assert_eq!(loc.common_dir, sb.canonical("main/.git"));
        sb.check("wt", &["flake.nix", "new.nix"]);
        sb.check("main", &["flake.nix"]);
    }

    #[test]
    fn flake_in_a_subdirectory_finds_the_top() {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        sb.write("repo/README.md", "");
        sb.write("repo/nix/hosts/flake.nix", "{ }");
        sb.commit("repo");
        for start in [
            "repo/nix/hosts/flake.nix",
            "repo/nix/hosts",
            "repo/nix/hosts/",
        ] {
            let loc = discover_repo(&sb.path(start)).unwrap();
            assert_eq!(loc.workdir, sb.canonical("repo"), "from {start}");
            assert_eq!(loc.git_dir, sb.canonical("repo/.git"));
            assert_eq!(loc.common_dir, loc.git_dir);
        }
        // A file that does not exist yet still belongs to the repository around it.
        let loc = discover_repo(&sb.path("repo/nix/hosts/new.nix")).unwrap();
        assert_eq!(loc.workdir, sb.canonical("repo"));
        sb.check("repo", &["README.md", "nix/hosts/flake.nix"]);
    }

    #[test]
    fn no_repository() {
        // Assumes the system's temporary directory is not inside a git repository.
        let sb = Sandbox::new();
        sb.write("plain/flake.nix", "{ }");
        assert_eq!(discover_repo(&sb.path("plain/flake.nix")), None);
        assert_eq!(discover_repo(&sb.path("plain")), None);
        assert_eq!(discover_repo(&sb.path("plain/missing.nix")), None);
        // A `.git` directory that is no repository is passed over, as git does.
        fs::create_dir_all(sb.path("plain/.git")).unwrap();
        assert_eq!(discover_repo(&sb.path("plain/flake.nix")), None);
    }

    #[test]
    fn broken_gitfile_is_no_repository() {
        let sb = Sandbox::new();
        sb.init("outer", &[]);
        sb.write("outer/inner/.git", "this is not a gitfile\n");
        sb.write("outer/inner/flake.nix", "{ }");
        assert_eq!(discover_repo(&sb.path("outer/inner/flake.nix")), None);
        sb.write("outer/inner/.git", "gitdir: ../nowhere\n");
        assert_eq!(discover_repo(&sb.path("outer/inner/flake.nix")), None);
    }

    #[test]
    fn fresh_repository_tracks_nothing() {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        sb.write("repo/flake.nix", "{ }");
        assert!(!sb.path("repo/.git/index").exists());
        let repo = sb.read_tracked("repo");
        assert_eq!(repo.workdir, slash_path(&sb.canonical("repo")));
        assert!(repo.tracked.is_empty());
    }

    #[test]
    fn index_version_4() {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        for f in [
            "modules/a.nix",
            "modules/ab.nix",
            "modules/b/c.nix",
            "modules/b/d.nix",
            "modules/bb.nix",
            "pkgs/x/default.nix",
            "z",
        ] {
            sb.write(&format!("repo/{f}"), f);
        }
        sb.commit("repo");
        sb.git("repo", &["update-index", "--index-version", "4"]);
        assert_eq!(index_version(&sb.index("repo/.git")), 4);
        sb.write("repo/modules/b/cc.nix", "");
        sb.git("repo", &["add", "modules/b/cc.nix"]);
        assert_eq!(index_version(&sb.index("repo/.git")), 4);
        sb.check(
            "repo",
            &[
                "modules/a.nix",
                "modules/ab.nix",
                "modules/b/c.nix",
                "modules/b/cc.nix",
                "modules/b/d.nix",
                "modules/bb.nix",
                "pkgs/x/default.nix",
                "z",
            ],
        );
    }

    #[test]
    fn index_version_3_with_intent_to_add_and_skip_worktree() {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        sb.write("repo/flake.nix", "{ }");
        sb.write("repo/hidden.nix", "{ }");
        sb.commit("repo");
        sb.write("repo/later.nix", "{ }");
        sb.git("repo", &["add", "-N", "later.nix"]);
        sb.git("repo", &["update-index", "--skip-worktree", "hidden.nix"]);
        assert_eq!(index_version(&sb.index("repo/.git")), 3);
        sb.check("repo", &["flake.nix", "hidden.nix", "later.nix"]);
    }

    /// Stages a replacement, two additions and a deletion on top of a split index and checks
    /// that the split index really records each of them.
    fn split_index_scenario(version: Option<u32>) {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        for f in ["a.nix", "b.nix", "c.nix", "d/e.nix", "d/f.nix"] {
            sb.write(&format!("repo/{f}"), f);
        }
        sb.commit("repo");
        if let Some(v) = version {
            sb.git("repo", &["update-index", "--index-version", &v.to_string()]);
        }
        // Keep git from folding the changes back into a new shared index.
        sb.git("repo", &["config", "splitIndex.maxPercentChange", "100"]);
        sb.git("repo", &["update-index", "--split-index"]);
        sb.write("repo/b.nix", "changed");
        sb.write("repo/new.nix", "");
        sb.write("repo/d/g.nix", "");
        sb.git("repo", &["add", "b.nix", "new.nix", "d/g.nix"]);
        sb.git("repo", &["rm", "-q", "--cached", "c.nix"]);

        let bytes = sb.index("repo/.git");
        if let Some(v) = version {
            assert_eq!(index_version(&bytes), v);
        }
        let index = IndexFile::parse(&bytes, ObjectFormat::Sha1).unwrap();
        let name = index.shared_index_name().expect("a split index");
        let shared_bytes = fs::read(sb.path("repo/.git").join(&name)).unwrap();
        let shared = IndexFile::parse(&shared_bytes, ObjectFormat::Sha1).unwrap();
        let link = index.link.as_ref().unwrap();
        let (mut replaced, mut deleted) = (0, 0);
        link.replace
            .for_each_set(shared.entries.len(), |_| replaced += 1)
            .unwrap();
        link.delete
            .for_each_set(shared.entries.len(), |_| deleted += 1)
            .unwrap();
        // `b.nix` is replaced; entries whose stat data git refreshed may be too.
        assert!(replaced >= 1);
        assert_eq!(deleted, 1);
        assert_eq!(
            index.entries.len(),
            replaced + 2,
            "replacements, then two additions"
        );

        let expected = ["a.nix", "b.nix", "d/e.nix", "d/f.nix", "d/g.nix", "new.nix"];
        sb.check("repo", &expected);
        assert_eq!(parse_split_index(&bytes, &shared_bytes).unwrap(), expected);
        let err = parse_index(&bytes).unwrap_err();
        assert!(err.to_string().contains(&name), "{err}");
        // A shared index that is not the one named is refused.
        let mut other = shared_bytes.clone();
        *other.last_mut().unwrap() ^= 1;
        assert!(parse_split_index(&bytes, &other).is_err());
    }

    #[test]
    fn split_index() {
        split_index_scenario(None);
    }

    #[test]
    fn split_index_version_4() {
        split_index_scenario(Some(4));
    }

    #[test]
    fn missing_shared_index_is_an_error() {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        sb.write("repo/a.nix", "");
        sb.commit("repo");
        sb.git("repo", &["update-index", "--split-index"]);
        for entry in fs::read_dir(sb.path("repo/.git")).unwrap() {
            let entry = entry.unwrap();
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with("sharedindex.")
            {
                fs::remove_file(entry.path()).unwrap();
            }
        }
        let loc = discover_repo(&sb.path("repo")).unwrap();
        let err = read_tracked(&loc).unwrap_err();
        assert!(err.to_string().contains("sharedindex."), "{err}");
    }

    #[test]
    fn conflicted_paths_count_once() {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        sb.write("repo/conflict.nix", "base");
        sb.commit("repo");
        sb.git("repo", &["checkout", "-q", "-b", "other"]);
        sb.write("repo/conflict.nix", "other");
        sb.write("repo/both.nix", "other");
        sb.commit("repo");
        sb.git("repo", &["checkout", "-q", "main"]);
        sb.write("repo/conflict.nix", "main");
        sb.write("repo/both.nix", "main");
        sb.commit("repo");
        assert!(!sb
            .run_git("repo", &["merge", "-q", "other"])
            .status
            .success());

        let index = IndexFile::parse(&sb.index("repo/.git"), ObjectFormat::Sha1).unwrap();
        let stages = index
            .entries
            .iter()
            .filter(|e| e.path == b"conflict.nix")
            .count();
        assert_eq!(stages, 3);
        sb.check("repo", &["both.nix", "conflict.nix"]);
    }

    #[test]
    fn submodules_are_gitlinks() {
        let sb = Sandbox::new();
        sb.init("lib", &[]);
        sb.write("lib/default.nix", "{ }");
        sb.commit("lib");
        sb.init("repo", &[]);
        sb.write("repo/flake.nix", "{ }");
        let lib = sb.path("lib").to_string_lossy().into_owned();
        sb.git("repo", &["submodule", "add", "-q", &lib, "vendor/lib"]);
        sb.commit("repo");
        sb.check("repo", &[".gitmodules", "flake.nix", "vendor/lib"]);

        // Inside the submodule, `.git` is a file with a relative `gitdir:`.
        let gitfile = fs::read_to_string(sb.path("repo/vendor/lib/.git")).unwrap();
        assert!(gitfile.starts_with("gitdir: ../"), "{gitfile}");
        let loc = discover_repo(&sb.path("repo/vendor/lib/default.nix")).unwrap();
        assert_eq!(loc.workdir, sb.canonical("repo/vendor/lib"));
        assert_eq!(loc.git_dir, sb.canonical("repo/.git/modules/vendor/lib"));
        sb.check("repo/vendor/lib", &["default.nix"]);
    }

    #[test]
    fn sha256_repository() {
        let sb = Sandbox::new();
        sb.init("repo", &["--object-format=sha256"]);
        sb.write("repo/flake.nix", "{ }");
        sb.write("repo/lib/a.nix", "{ }");
        sb.commit("repo");
        sb.write("repo/staged.nix", "{ }");
        sb.git("repo", &["add", "staged.nix"]);
        sb.check("repo", &["flake.nix", "lib/a.nix", "staged.nix"]);
    }

    #[test]
    fn non_ascii_names() {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        let names = [
            "emoji 🙂.nix",
            "space name.nix",
            "ünïcødé.nix",
            "日本語/ファイル.nix",
        ];
        for f in names {
            sb.write(&format!("repo/{f}"), "");
        }
        sb.commit("repo");
        sb.check("repo", &names);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_are_converted_lossily() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        sb.write("repo/ok.nix", "");
        let bad = sb.path("repo").join(OsStr::from_bytes(b"bad\xff.nix"));
        if fs::write(&bad, "").is_err() {
            // Some file systems only take UTF-8 names.
            return;
        }
        sb.commit("repo");
        sb.check("repo", &["bad\u{FFFD}.nix", "ok.nix"]);
    }

    #[test]
    fn deeply_nested_and_very_long_paths() {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        let deep: String = (0..40).map(|i| format!("d{i:02}/")).collect::<String>() + "leaf.nix";
        sb.write(&format!("repo/{deep}"), "");
        sb.commit("repo");
        // Paths of 0xFFF bytes or more store 0xFFF as their length. No file system takes
        // such a path, but the index does.
        let blob = String::from_utf8(sb.git("repo", &["hash-object", "-w", &deep]))
            .unwrap()
            .trim()
            .to_string();
        let long: String = (0..25).map(|i| format!("{i:0>199}/")).collect::<String>() + "x.nix";
        let exact: String = "e".repeat(0xfff);
        assert!(long.len() > 0xfff);
        for path in [&long, &exact] {
            let info = format!("100644,{blob},{path}");
            sb.git("repo", &["update-index", "--add", "--cacheinfo", &info]);
        }
        let mut expected = vec![deep.as_str(), long.as_str(), exact.as_str()];
        expected.sort();
        sb.check("repo", &expected);
        sb.git("repo", &["update-index", "--index-version", "4"]);
        assert_eq!(index_version(&sb.index("repo/.git")), 4);
        sb.check("repo", &expected);
    }

    #[test]
    fn sparse_directories_stand_for_their_contents() {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        for f in [
            "flake.nix",
            "hosts/a/flake.nix",
            "pkgs/x/default.nix",
            "pkgs/y.nix",
        ] {
            sb.write(&format!("repo/{f}"), "");
        }
        sb.commit("repo");
        sb.git(
            "repo",
            &["sparse-checkout", "init", "--cone", "--sparse-index"],
        );
        sb.git("repo", &["sparse-checkout", "set", "hosts"]);
        let index = IndexFile::parse(&sb.index("repo/.git"), ObjectFormat::Sha1).unwrap();
        assert!(index.entries.iter().any(|e| e.path == b"pkgs/"));
        // `git ls-files` expands sparse directories from the trees; the index alone cannot.
        let repo = sb.read_tracked("repo");
        assert_eq!(repo.tracked, ["flake.nix", "hosts/a/flake.nix", "pkgs"]);
        assert!(repo.is_tracked("pkgs"));
    }

    /// A real index with extensions (TREE, REUC) in each version, for the damage tests.
    fn sample_indexes() -> Vec<Vec<u8>> {
        let sb = Sandbox::new();
        sb.init("repo", &[]);
        for f in ["flake.nix", "lib/a.nix", "lib/b.nix", "ü.nix", "x.nix"] {
            sb.write(&format!("repo/{f}"), f);
        }
        sb.commit("repo");
        sb.write("repo/later.nix", "");
        sb.git("repo", &["add", "-N", "later.nix"]);
        let mut out = vec![sb.index("repo/.git")];
        sb.git("repo", &["update-index", "--index-version", "4"]);
        out.push(sb.index("repo/.git"));
        sb.git("repo", &["update-index", "--index-version", "2"]);
        sb.git("repo", &["rm", "-q", "--cached", "later.nix"]);
        out.push(sb.index("repo/.git"));
        assert_eq!(
            out.iter().map(|b| index_version(b)).collect::<Vec<_>>(),
            [3, 4, 2]
        );
        out
    }

    #[test]
    fn truncated_indexes_fail_or_read_in_full() {
        for bytes in sample_indexes() {
            let full = parse_index(&bytes).unwrap();
            assert!(full.contains(&"lib/b.nix".to_string()));
            let mut failures = 0;
            for len in 0..bytes.len() {
                match parse_index(&bytes[..len]) {
                    Err(e) => {
                        assert!(!e.message().is_empty());
                        failures += 1;
                    }
                    // A cut exactly between extensions loses only optional caches.
                    Ok(paths) => assert_eq!(paths, full, "prefix of {len} bytes"),
                }
            }
            assert!(failures > bytes.len() * 9 / 10);
        }
    }

    #[test]
    fn damaged_bytes_never_panic() {
        for bytes in sample_indexes() {
            for i in 0..bytes.len() {
                for mask in [0x01, 0x10, 0x80, 0xff] {
                    let mut damaged = bytes.clone();
                    damaged[i] ^= mask;
                    let _ = parse_index(&damaged);
                }
            }
        }
    }

    /// xorshift64: reproducible noise without a dependency.
    struct Noise(u64);

    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn bytes(&mut self, len: usize) -> Vec<u8> {
            (0..len).map(|_| self.next() as u8).collect()
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
        for round in 0..20_000 {
            let len = (noise.next() % 400) as usize;
            let mut bytes = noise.bytes(len);
            if round % 2 == 0 && len >= 12 {
                // Get past the header so the entry and extension readers see the noise.
                bytes[..4].copy_from_slice(b"DIRC");
                bytes[4..8].copy_from_slice(&(2 + round as u32 % 3).to_be_bytes());
                bytes[8..12].copy_from_slice(&(noise.next() as u32 % 8).to_be_bytes());
            }
            let _ = parse_index(&bytes);
            let _ = parse_split_index(&bytes, &bytes);
        }
    }

    /// An index with no entries and the given extensions, its checksum left zero.
    fn synthetic_index(extensions: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut bytes = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        for (signature, data) in extensions {
            bytes.extend_from_slice(*signature);
            bytes.extend_from_slice(&(data.len() as u32).to_be_bytes());
            bytes.extend_from_slice(data);
        }
        bytes.extend_from_slice(&[0; 20]);
        bytes
    }

    fn ewah_bytes(words: &[u64]) -> Vec<u8> {
        let mut out = (words.len() as u32 * 64).to_be_bytes().to_vec();
        out.extend_from_slice(&(words.len() as u32).to_be_bytes());
        for w in words {
            out.extend_from_slice(&w.to_be_bytes());
        }
        out.extend_from_slice(&0u32.to_be_bytes());
        out
    }

    #[test]
    fn hostile_split_links_fail_fast() {
        // The shared index: no entries, checksum 1..=20.
        let mut shared = synthetic_index(&[]);
        let n = shared.len();
        for (i, b) in shared[n - 20..].iter_mut().enumerate() {
            *b = i as u8 + 1;
        }
        let link = |delete: &[u64], replace: &[u64]| {
            let mut data: Vec<u8> = (1..=20).collect();
            data.extend(ewah_bytes(delete));
            data.extend(ewah_bytes(replace));
            synthetic_index(&[(b"link", data)])
        };
        assert_eq!(
            parse_split_index(&link(&[], &[]), &shared).unwrap(),
            Vec::<String>::new()
        );
        // A run of 2^32 - 1 words of ones, far beyond the zero shared entries.
        let huge_run = (0xffff_ffffu64 << 1) | 1;
        assert!(parse_split_index(&link(&[huge_run], &[]), &shared).is_err());
        // A run-length word announcing literal words that are not there.
        let missing_literals = 5u64 << 33;
        assert!(parse_split_index(&link(&[], &[missing_literals]), &shared).is_err());
        // A bitmap claiming more words than the extension holds.
        let mut data: Vec<u8> = (1..=20).collect();
        data.extend_from_slice(&[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        assert!(parse_split_index(&synthetic_index(&[(b"link", data)]), &shared).is_err());
    }

    #[test]
    fn clear_errors() {
        let message = |bytes: &[u8]| parse_index(bytes).unwrap_err().to_string();
        assert!(message(b"").contains("too short"));
        assert!(message(&[b'x'; 64]).contains("DIRC"));
        let mut v5 = synthetic_index(&[]);
        v5[7] = 5;
        assert!(message(&v5).contains("version 5"));
        let mut many = synthetic_index(&[]);
        many[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(message(&many).contains("entry 1 of 4294967295"));
        assert!(message(&synthetic_index(&[(b"zzzz", vec![])])).contains("zzzz"));
        assert!(parse_index(&synthetic_index(&[(b"ZZZZ", vec![1, 2, 3])])).is_ok());
        assert!(parse_index(&synthetic_index(&[(b"sdir", vec![])])).is_ok());
    }

    #[test]
    fn varints() {
        assert_eq!(decode_varint(&[0x00]), Some((0, 1)));
        assert_eq!(decode_varint(&[0x7f]), Some((127, 1)));
        assert_eq!(decode_varint(&[0x80, 0x00]), Some((128, 2)));
        assert_eq!(decode_varint(&[0x80, 0x7f]), Some((255, 2)));
        assert_eq!(decode_varint(&[0x81, 0x00]), Some((256, 2)));
        assert_eq!(decode_varint(&[0x80]), None);
        assert_eq!(decode_varint(&[0xff; 12]), None);
    }

    #[test]
    fn ewah_bits() {
        let ewah = Ewah {
            // 64 zero bits, then one literal word with bits 0 and 3; then a run of 64 ones.
            words: vec![(1 << 33) | (1 << 1), 0b1001, (1 << 1) | 1],
        };
        let mut bits = Vec::new();
        ewah.for_each_set(200, |p| bits.push(p)).unwrap();
        assert_eq!(bits[..2], [64, 67]);
        assert_eq!(bits[2..], (128..192).collect::<Vec<_>>());
        assert!(ewah.for_each_set(150, |_| {}).is_err());
    }

    #[test]
    fn object_format_from_config() {
        let config =
            "[core]\n\tbare = false\n[extensions]\n\tobjectFormat = sha256 ; set by init\n";
        assert_eq!(
            config_value(config, "extensions", "objectformat").as_deref(),
            Some("sha256")
        );
        assert_eq!(
            config_value("[core]\n\tx = 1\n", "extensions", "objectformat"),
            None
        );
        assert_eq!(
            config_value(
                "[Extensions] objectformat = \"sha1\"",
                "extensions",
                "objectformat"
            )
            .as_deref(),
            Some("sha1")
        );
    }
}
