//! Hover: options (type, default, description, where declared; renames), inputs (URL, locked
//! revision, date, narHash, what follows what) and path literals (where they lead, whether git
//! tracks them).

use rowan::TextSize;

use super::options::option_markdown;
use super::target::{target_at, Target};
use super::Hover;
use crate::db::{self, Db, Existence, FlakeContext, SourceFile};
use crate::git::Tracking;
use crate::lock::{attr_str, locked_ref_text, LockInput};
use crate::options::index::{is_forwarding, Lookup};
use crate::path_refs::PathRef;
use crate::paths;

pub(crate) fn hover(db: &dyn Db, file: SourceFile, offset: TextSize) -> Option<Hover> {
    let Some(target) = target_at(db, file, offset) else {
        return value_hover(db, file, offset);
    };
    match target {
        Target::Option { path, range } => Some(Hover {
            range,
            markdown: option_hover(db, file, &path)?,
        }),
        Target::Input { path, range, flake } => Some(Hover {
            range,
            markdown: input_markdown(db, flake, &path),
        }),
        Target::Path(r) => Some(Hover {
            range: r.range,
            markdown: path_markdown(db, &r),
        }),
    }
}

/// Over a value that a module sets (`"orin-nx"` in `som = "orin-nx";`, `true`, a number, also
/// through `lib.mkDefault` and in a list): the option's hover, over the value's range.
fn value_hover(db: &dyn Db, file: SourceFile, offset: TextSize) -> Option<Hover> {
    use rnix::SyntaxKind::*;
    use rowan::ast::AstNode;
    if !file.path(db).ends_with(".nix") {
        return None;
    }
    super::context::checked_offset(file.text(db), offset)?;
    let root = db::parse_file(db, file).root();
    let token = super::context::token_at_offset(&root, offset)
        .right_biased()
        .filter(|t| !matches!(t.kind(), TOKEN_WHITESPACE | TOKEN_COMMENT))?;
    let literal = token.parent()?;
    match literal.kind() {
        NODE_STRING | NODE_LITERAL => {}
        NODE_IDENT if matches!(token.text(), "true" | "false" | "null") => {}
        _ => return None,
    }
    // Up to the binding, through what leaves the value the option's: parentheses, a priority
    // or condition call's argument, a list.
    let mut value = literal.clone();
    for _ in 0..64 {
        let parent = value.parent()?;
        match parent.kind() {
            NODE_PAREN | NODE_LIST => value = parent,
            NODE_APPLY => {
                let apply = rnix::ast::Apply::cast(parent.clone())?;
                if apply.argument()?.syntax() != &value {
                    return None;
                }
                let function = crate::syntax::applied_function(&apply)
                    .and_then(|f| crate::syntax::function_name(&f))?;
                if !matches!(
                    function.as_str(),
                    "mkDefault"
                        | "mkForce"
                        | "mkOverride"
                        | "mkIf"
                        | "mkBefore"
                        | "mkAfter"
                        | "mkOrder"
                ) {
                    return None;
                }
                value = parent;
            }
            NODE_ATTRPATH_VALUE => break,
            _ => return None,
        }
    }
    let (key, set) = super::context::binding_of_value(&value)?;
    let place = super::context::place_of(&set, file.path(db))?;
    let path = super::context::option_path(&place, &key)?;
    Some(Hover {
        range: literal.text_range(),
        markdown: option_hover(db, file, &path)?,
    })
}

fn option_hover(db: &dyn Db, file: SourceFile, path: &[String]) -> Option<String> {
    if !super::options::in_namespace(path) {
        return None;
    }
    let index = db::option_index_for(db, file);
    let dotted = path.join(".");
    if let Some(rename) = index.rename_of(path) {
        let rest = &path[rename.from.len()..];
        let what = if is_forwarding(rename) {
            let mut to = rename.to.clone();
            to.extend(rest.iter().cloned());
            format!("Renamed: use `{}` instead.", to.join("."))
        } else {
            let mut s = "Removed.".to_string();
            if let Some(message) = &rename.message {
                s.push(' ');
                s.push_str(message.trim());
            }
            s
        };
        return Some(format!(
            "**{dotted}**\n\n{what}\n\n*Declared in* `{}` of {}",
            super::options::rename_declared_at(db, &index, rename),
            index.source.describe()
        ));
    }
    match index.lookup(path) {
        Lookup::Option(decls) => Some(option_markdown(db, &index, &dotted, &decls)),
        Lookup::Namespace => {
            let count = super::options::children(&index, path).len();
            Some(format!(
                "**{dotted}**\n\nOption group: {count} entries below it, in {}",
                index.source.describe()
            ))
        }
        Lookup::Inside(decl) => Some(format!(
            "**{dotted}**\n\nAn attribute of `{}` ({}).",
            decl.dotted_path(),
            decl.ty
        )),
        Lookup::Unknown { .. } => Some(format!(
            "**{dotted}**\n\nNot declared by {}.",
            index.source.describe()
        )),
    }
}

/// Markdown about an input (a root input or a nested one, `jetpack/nixpkgs`).
pub(crate) fn input_markdown(db: &dyn Db, flake: FlakeContext, path: &[String]) -> String {
    let model = db::flake_model(db, flake.flake_nix);
    let decl = model.inputs.iter().find(|i| i.name == path[0]);
    let name = path.join("/");
    let mut md = format!("**input `{name}`**\n\n");
    let mut lines: Vec<String> = Vec::new();
    // What flake.nix says.
    match (decl, path.len()) {
        (Some(decl), 1) => {
            if let Some(url) = &decl.url {
                lines.push(format!("URL: `{}`", url.value));
            } else if !decl.attrs.is_empty() {
                let attrs: Vec<String> = decl
                    .attrs
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", v.value))
                    .collect();
                lines.push(format!("Reference: `{}`", attrs.join("; ")));
            }
            if let Some(f) = &decl.follows {
                lines.push(format!("Follows: `{}`", f.value));
            }
            if decl.flake.as_ref().is_some_and(|f| !f.value) {
                lines.push("Not a flake (`flake = false`)".to_string());
            }
        }
        (Some(decl), _) => {
            if let Some(o) = decl.overrides.iter().find(|o| o.path == path[1..]) {
                if let Some(url) = &o.url {
                    lines.push(format!("URL: `{}`", url.value));
                }
                if let Some(f) = &o.follows {
                    lines.push(format!("Follows: `{}`", f.value));
                }
            }
        }
        (None, _) => lines.push("Not declared in `inputs`".to_string()),
    }
    // What flake.lock says.
    let lock = flake.lock.map(|l| db::lock_file(db, l));
    match lock {
        None => lines.push("No `flake.lock`".to_string()),
        Some(Err(_)) => lines.push("`flake.lock` cannot be read".to_string()),
        Some(Ok(lock)) => {
            let (parent_path, last) = path.split_at(path.len() - 1);
            let entry = lock
                .resolve(parent_path)
                .and_then(|p| lock.node(p))
                .and_then(|p| p.input(&last[0]));
            if let Some(LockInput::Follows(target)) = entry {
                let shown = format!("Locked to follow `{}`", target.join("/"));
                if !lines.iter().any(|l| l.starts_with("Follows:")) {
                    lines.push(shown);
                }
            }
            match lock.resolve(path).and_then(|n| lock.node(n)) {
                None => lines.push("Not in `flake.lock`: run `nix flake lock`".to_string()),
                Some(node) => {
                    if let Some(locked) = &node.locked {
                        if let Some(text) = locked_ref_text(locked) {
                            lines.push(format!("Locked: `{text}`"));
                        }
                        if let Some(rev) = attr_str(locked, "rev") {
                            lines.push(format!("Revision: `{rev}`"));
                        }
                        if let Some(date) = node.last_modified_date() {
                            lines.push(format!("Date: {date}"));
                        }
                        if let Some(hash) = attr_str(locked, "narHash") {
                            lines.push(format!("narHash: `{hash}`"));
                        }
                    }
                    let mut own: Vec<String> = Vec::new();
                    for (input, target, _) in &node.inputs {
                        own.push(match target {
                            LockInput::Follows(p) if p.is_empty() => {
                                format!("`{input}` follows this flake")
                            }
                            LockInput::Follows(p) => format!("`{input}` follows `{}`", p.join("/")),
                            LockInput::Node(n) => {
                                let what = lock.node(n).and_then(|n| {
                                    let text = locked_ref_text(n.locked.as_ref()?)?;
                                    Some(match n.last_modified_date() {
                                        Some(date) => format!("`{text}`, {date}"),
                                        None => format!("`{text}`"),
                                    })
                                });
                                format!("`{input}`: own copy {}", what.unwrap_or_default())
                                    .trim_end()
                                    .to_string()
                            }
                        });
                    }
                    if !own.is_empty() {
                        lines.push(format!("Its inputs: {}", own.join("; ")));
                    }
                }
            }
            let mut followers: Vec<String> = Vec::new();
            let root = std::iter::once((Vec::new(), lock.root.clone()));
            let reached = lock.walk().into_iter().map(|r| (r.path, r.node));
            for (at, node) in root.chain(reached) {
                let Some(node) = lock.node(&node) else {
                    continue;
                };
                for (input, target, _) in &node.inputs {
                    if let LockInput::Follows(p) = target {
                        if p.as_slice() == path {
                            let mut who = at.clone();
                            who.push(input.clone());
                            followers.push(format!("`{}`", who.join("/")));
                        }
                    }
                }
            }
            followers.sort();
            followers.dedup();
            if !followers.is_empty() {
                lines.push(format!("Followed by: {}", followers.join(", ")));
            }
        }
    }
    md.push_str(&lines.join("  \n"));
    md
}

fn path_markdown(db: &dyn Db, r: &PathRef) -> String {
    let ws = db.workspace();
    let (disk, git) = (ws.disk(db), ws.git(db));
    let mut lines = vec![format!("`{}` → `{}`", r.text, r.target)];
    let default_nix = paths::join(&r.target, "default.nix");
    let existence = disk.existence(&r.target);
    match existence {
        Existence::Exists if disk.existence(&default_nix) == Existence::Exists => {
            lines.push(format!("A directory; Nix imports `{default_nix}`"));
        }
        Existence::Exists => lines.push("Exists".to_string()),
        Existence::Missing => lines.push("**Does not exist**".to_string()),
        Existence::Unknown => {}
    }
    if existence == Existence::Exists {
        match git.tracking(&r.target) {
            Tracking::Tracked => lines.push("Tracked by git".to_string()),
            Tracking::Untracked => {
                let rel = git
                    .repo_of(&r.target)
                    .and_then(|repo| paths::strip_dir(&r.target, &repo.workdir))
                    .unwrap_or(&r.target);
                lines.push(format!(
                    "**Not tracked by git**: the flake cannot see it (`git add {rel}`)"
                ));
            }
            Tracking::NoRepository => lines.push("Not in a git repository".to_string()),
        }
    }
    if r.guarded {
        lines.push("Tested with `pathExists` in this file".to_string());
    }
    lines.join("  \n")
}
