//! Paths as the analysis sees them: absolute, `/`-separated strings handed in by the loader.
//! Resolution is purely textual (no file system access), as Nix does for path literals.

/// The directory part of a path (`/a/b/c.nix` -> `/a/b`; `/a` -> `/`).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "",
    }
}

pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Joins a relative path onto a directory and normalises `.` and `..` segments, like Nix does
/// for path literals. `..` above the root stays at the root.
pub fn join(dir: &str, rel: &str) -> String {
    // Built in place: each segment is appended after a `/`, and `..` cuts back to the previous
    // `/` (the directory's own segments are taken as they are, as `rel`'s are not).
    let mut out = String::with_capacity(dir.len() + rel.len() + 1);
    if !rel.starts_with('/') {
        for segment in dir.split('/').filter(|s| !s.is_empty()) {
            out.push('/');
            out.push_str(segment);
        }
    }
    for segment in rel.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                let cut = out.rfind('/').unwrap_or(0);
                out.truncate(cut);
            }
            s => {
                out.push('/');
                out.push_str(s);
            }
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// `path` relative to `base` if it lies inside it (`/r/a/b`, `/r` -> `a/b`; `/r`, `/r` -> ``).
pub fn strip_dir<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    if base == "/" {
        return path.strip_prefix('/');
    }
    let rest = path.strip_prefix(base)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
    }
}

/// The ancestors of a path's directory, nearest first: `/a/b/c.nix` -> `/a/b`, `/a`, `/`.
pub fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(parent(path));
    std::iter::from_fn(move || {
        let cur = next?;
        next = if cur == "/" || cur.is_empty() {
            None
        } else {
            Some(parent(cur))
        };
        Some(cur)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_normalises() {
        assert_eq!(join("/r/a", "./b.nix"), "/r/a/b.nix");
        assert_eq!(join("/r/a", "../b/./c"), "/r/b/c");
        assert_eq!(join("/r", "../../.."), "/");
        assert_eq!(join("/r", "/etc/x"), "/etc/x");
        assert_eq!(parent("/r/a.nix"), "/r");
        assert_eq!(parent("/a"), "/");
        assert_eq!(strip_dir("/r/a/b", "/r"), Some("a/b"));
        assert_eq!(strip_dir("/rx/a", "/r"), None);
        assert_eq!(strip_dir("/r", "/r"), Some(""));
        assert_eq!(
            ancestors("/a/b/c.nix").collect::<Vec<_>>(),
            ["/a/b", "/a", "/"]
        );
    }
}
