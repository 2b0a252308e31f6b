//! Completion: option path segments and values in NixOS modules; output names, systems, input
//! names and URL schemes in `flake.nix`.

use rnix::{SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;
use rowan::{TextRange, TextSize};

use super::context::{
    attrset_for_key, binding_of_value, checked_offset, dotted_key_before, is_ident_byte,
    keys_set_below, option_path, place_of, range, significant_token_before, string_at, word_range,
    Place,
};
use super::options::{children, detail, documentation, key_text, nix_string};
use super::{CompletionItem, CompletionKind};
use crate::db::{self, Db, SourceFile};
use crate::lints::outputs_common::{has_system_level, PER_SYSTEM_OUTPUTS, STANDARD_OUTPUTS};
use crate::options::index::{merged_type, Lookup};
use crate::options::OptionType;
use crate::systems::KNOWN_SYSTEMS;

pub(crate) fn completion(db: &dyn Db, file: SourceFile, offset: TextSize) -> Vec<CompletionItem> {
    let text = file.text(db);
    let Some(offset) = checked_offset(text, offset) else {
        return Vec::new();
    };
    let root = db::parse_file(db, file).root();
    let at = TextSize::from(offset as u32);
    // Nothing to offer inside a comment.
    if let Some(token) = super::context::token_at_offset(&root, at).left_biased() {
        // The end of a `#` comment is still inside it (the line is).
        let inside = token.text_range().end() > at || !token.text().starts_with("/*");
        if token.kind() == SyntaxKind::TOKEN_COMMENT && inside {
            return Vec::new();
        }
    }
    let ctx = Ctx {
        db,
        file,
        text,
        root: &root,
        offset,
    };
    if let Some((string, content_start)) = string_at(&root, offset) {
        return ctx.in_string(&string, content_start);
    }
    ctx.outside_string()
}

struct Ctx<'a> {
    db: &'a dyn Db,
    file: SourceFile,
    text: &'a str,
    root: &'a SyntaxNode,
    offset: usize,
}

impl Ctx<'_> {
    fn path(&self) -> &str {
        self.file.path(self.db)
    }

    fn is_flake_nix(&self) -> bool {
        crate::paths::file_name(self.path()) == "flake.nix"
    }

    /// A key being written, or a value right after `=`.
    fn outside_string(&self) -> Vec<CompletionItem> {
        let word = word_range(self.text, self.offset);
        let word_start = usize::from(word.start());
        // A number or a path is not a key.
        if word_start > 0 && matches!(self.text.as_bytes()[word_start - 1], b'/' | b'~' | b'<') {
            return Vec::new();
        }
        let (key, key_start) = dotted_key_before(self.text, word_start);
        let Some(anchor) = significant_token_before(self.root, key_start) else {
            return Vec::new();
        };
        // `config.hardware.nvidia-jetpack.enable` read in an expression of a module.
        let in_expression = !matches!(
            anchor.kind(),
            SyntaxKind::TOKEN_L_BRACE | SyntaxKind::TOKEN_SEMICOLON
        );
        if in_expression && key.first().is_some_and(|k| k == "config") && !self.is_flake_nix() {
            return self.option_segments(&key[1..], word, &[]);
        }
        // `som = lib.mkDefault |`: the value is the priority's argument.
        let eq = if anchor.kind() == SyntaxKind::TOKEN_ASSIGN {
            Some(usize::from(anchor.text_range().start()))
        } else if key.is_empty() {
            assign_before_priority(self.text, key_start)
        } else {
            None
        };
        if let Some(eq) = eq {
            if !key.is_empty() {
                return Vec::new();
            }
            let Some((set, key)) = self.binding_before(eq) else {
                return Vec::new();
            };
            let mut values = self.values(&set, &key, word, false);
            // Right after `=` (the trigger character): `som = "orin-nx"`, not `som ="orin-nx"`.
            if word.is_empty() && self.text[..self.offset].ends_with('=') {
                for v in &mut values {
                    v.insert.insert(0, ' ');
                }
            }
            return values;
        }
        let Some(set) = attrset_for_key(self.root, self.text, key_start) else {
            return Vec::new();
        };
        let Some(place) = place_of(&set, self.path()) else {
            return Vec::new();
        };
        if let Some(path) = option_path(&place, &key) {
            let set_here = keys_set_below(&set, &key, TextSize::from(self.offset as u32));
            return self.option_segments(&path, word, &set_here);
        }
        match place {
            Place::Outputs { path, per_system } => self.outputs(&path, per_system, &key, word),
            Place::FlakeParts(mut path) => {
                path.extend(key);
                match path.split_first() {
                    Some((flake, rest)) if flake == "flake" => self.outputs(rest, false, &[], word),
                    _ => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    /// The attrset and key of the binding whose `=` is at `eq`, read from the text before it
    /// (the tree may have attached the `=` to something else in broken code).
    fn binding_before(&self, eq: usize) -> Option<(SyntaxNode, Vec<String>)> {
        let before = self.text[..eq].trim_end_matches([' ', '\t', '\n', '\r']);
        let end = before.len();
        let last = usize::from(word_range(self.text, end).start());
        let last_segment = if last < end {
            self.text[last..end].to_string()
        } else if before.ends_with('"') {
            let q = before[..end - 1].rfind('"')?;
            let seg = &before[q + 1..end - 1];
            if seg.contains(['\n', '$', '\\']) {
                return None;
            }
            let (mut key, start) = dotted_key_before(self.text, q);
            key.push(seg.to_string());
            let set = attrset_for_key(self.root, self.text, start)?;
            return Some((set, key));
        } else {
            return None;
        };
        let (mut key, start) = dotted_key_before(self.text, last);
        key.push(last_segment);
        let set = attrset_for_key(self.root, self.text, start)?;
        Some((set, key))
    }

    /// Option path segments after `path`, except options already set in the attrset being
    /// written (`set_here`) that cannot take more bindings there: a leaf set once is not set
    /// again, while a group or an attrset-valued option can be extended.
    fn option_segments(
        &self,
        path: &[String],
        replace: TextRange,
        set_here: &[String],
    ) -> Vec<CompletionItem> {
        let index = db::option_index_for(self.db, self.file);
        let mut out = Vec::new();
        for (segment, child) in children(&index, path) {
            let mut full = path.to_vec();
            full.push(segment.clone());
            // Renamed options are not offered (a rename's old path has no declaration, but a
            // prefix of one can still lead to others: only exact old paths are dropped).
            if index.renames.iter().any(|r| r.from == full) {
                continue;
            }
            if set_here.contains(&segment)
                && !child.decls.is_empty()
                && !takes_bindings(&merged_type(&child.decls))
            {
                continue;
            }
            let item = if child.decls.is_empty() {
                CompletionItem {
                    label: segment.clone(),
                    kind: CompletionKind::OptionGroup,
                    replace,
                    insert: key_text(&segment),
                    detail: Some(match child.below {
                        1 => "1 option".to_string(),
                        n => format!("{n} options"),
                    }),
                    documentation: None,
                }
            } else {
                CompletionItem {
                    label: segment.clone(),
                    kind: CompletionKind::Option,
                    replace,
                    insert: key_text(&segment),
                    detail: Some(detail(&child.decls)),
                    documentation: Some(format!(
                        "**{}**\n\n{}",
                        full.join("."),
                        documentation(self.db, &index, &child.decls, false)
                    )),
                }
            };
            out.push(item);
        }
        out
    }

    /// Values for the option that `key` names in `set`: enum values (quoted unless the cursor
    /// is in a string already), booleans, `null` for nullable options.
    fn values(
        &self,
        set: &SyntaxNode,
        key: &[String],
        replace: TextRange,
        in_string: bool,
    ) -> Vec<CompletionItem> {
        let Some(path) = place_of(set, self.path()).and_then(|p| option_path(&p, key)) else {
            return Vec::new();
        };
        let index = db::option_index_for(self.db, self.file);
        let Lookup::Option(decls) = index.lookup(&path) else {
            return Vec::new();
        };
        let ty = merged_type(&decls);
        let option = path.join(".");
        let item = |label: String, insert: String| CompletionItem {
            kind: if matches!(label.as_str(), "true" | "false" | "null") && label == insert {
                CompletionKind::Keyword
            } else {
                CompletionKind::Value
            },
            label,
            replace,
            insert,
            detail: Some(option.clone()),
            documentation: None,
        };
        let mut out = Vec::new();
        if let Some(values) = ty.enum_values() {
            for v in values {
                let insert = if in_string { v.clone() } else { nix_string(v) };
                out.push(item(v.clone(), insert));
            }
        }
        if in_string {
            return out;
        }
        let bool_like = match &ty {
            OptionType::Bool => true,
            OptionType::NullOr(inner) => matches!(**inner, OptionType::Bool),
            _ => false,
        };
        if bool_like {
            for b in ["true", "false"] {
                out.push(item(b.to_string(), b.to_string()));
            }
        }
        if matches!(ty, OptionType::NullOr(_)) {
            out.push(item("null".to_string(), "null".to_string()));
        }
        out
    }

    /// Output names and systems in the attrsets of `outputs`.
    fn outputs(
        &self,
        path: &[String],
        per_system: bool,
        key: &[String],
        replace: TextRange,
    ) -> Vec<CompletionItem> {
        if !self.is_flake_nix() {
            return Vec::new();
        }
        let mut full = path.to_vec();
        full.extend(key.iter().cloned());
        let (names, kind): (&[&str], _) = match (full.as_slice(), per_system) {
            ([], false) => (STANDARD_OUTPUTS, CompletionKind::Output),
            ([], true) => (PER_SYSTEM_OUTPUTS, CompletionKind::Output),
            ([output], false) if has_system_level(output) => {
                (KNOWN_SYSTEMS, CompletionKind::System)
            }
            _ => return Vec::new(),
        };
        names
            .iter()
            .map(|name| CompletionItem {
                label: name.to_string(),
                kind,
                replace,
                insert: key_text(name),
                detail: (kind == CompletionKind::Output
                    && !per_system
                    && PER_SYSTEM_OUTPUTS.contains(name))
                .then(|| "per system".to_string()),
                documentation: None,
            })
            .collect()
    }

    fn in_string(&self, string: &SyntaxNode, content_start: usize) -> Vec<CompletionItem> {
        let content = &self.text[content_start..self.offset];
        if content.contains(['\n', '"']) || content.contains("${") {
            return Vec::new();
        }
        // The item replaces what is written from the string's start to the end of the word at
        // the cursor.
        let bytes = self.text.as_bytes();
        let mut end = self.offset;
        while end < bytes.len()
            && (is_ident_byte(bytes[end]) || matches!(bytes[end], b'/' | b':' | b'.' | b'+'))
        {
            end += 1;
        }
        let replace = range(content_start, end);
        // The binding is read from the text before the string when the tree attached the
        // string elsewhere (an unterminated string swallows the next line).
        let before = self.text[..content_start - 1].trim_end();
        let by_text = (before.ends_with('=') && !before.ends_with("=="))
            .then(|| self.binding_before(before.len() - 1))
            .flatten()
            .map(|(set, key)| (key, set));
        let by_tree = || binding_of_value(&priority_wrapper(string).unwrap_or(string.clone()));
        if let Some((key, set)) = by_text.or_else(by_tree) {
            let last = key.last().map(String::as_str).unwrap_or("");
            // `follows` and `url` of the inputs (not a `fetchurl { url = ...; }` in outputs).
            let in_inputs = || match place_of(&set, self.path()) {
                Some(Place::FlakeTop(top)) => {
                    top.first().or(key.first()).is_some_and(|k| k == "inputs")
                }
                _ => false,
            };
            if self.is_flake_nix() && last == "follows" && in_inputs() {
                // `inputs.a.inputs.b.follows`: `a` and `a/b` would follow themselves.
                let full: Vec<String> = match place_of(&set, self.path()) {
                    Some(Place::FlakeTop(top)) => top.iter().chain(&key).cloned().collect(),
                    _ => Vec::new(),
                };
                let own = match full.as_slice() {
                    [_, a, inputs, b, ..] if inputs == "inputs" => {
                        vec![a.clone(), format!("{a}/{b}")]
                    }
                    [_, a, ..] => vec![a.clone()],
                    _ => Vec::new(),
                };
                return self.input_names(replace, &own);
            }
            if self.is_flake_nix() && last == "url" && in_inputs() {
                return url_schemes(content, replace);
            }
            if matches!(
                last,
                "system" | "localSystem" | "hostPlatform" | "buildPlatform"
            ) {
                return systems(replace);
            }
            return self.values(&set, &key, replace, true);
        }
        if self.system_list(string) {
            return systems(replace);
        }
        Vec::new()
    }

    /// Whether a string is an element of a list of systems: `systems = [ ... ]`,
    /// `eachSystem [ ... ]`, `genAttrs [ ... ]`.
    fn system_list(&self, string: &SyntaxNode) -> bool {
        let Some(list) = string
            .parent()
            .filter(|p| p.kind() == SyntaxKind::NODE_LIST)
        else {
            return false;
        };
        let Some(parent) = list.parent() else {
            return false;
        };
        match parent.kind() {
            SyntaxKind::NODE_ATTRPATH_VALUE => binding_of_value(&list).is_some_and(|(key, _)| {
                key.last().is_some_and(|k| {
                    matches!(
                        k.as_str(),
                        "systems" | "supportedSystems" | "defaultSystems"
                    )
                })
            }),
            SyntaxKind::NODE_APPLY => rnix::ast::Apply::cast(parent.clone())
                .filter(|a| a.argument().is_some_and(|arg| arg.syntax() == &list))
                .and_then(|a| crate::syntax::function_name(&crate::syntax::applied_function(&a)?))
                .is_some_and(|name| {
                    name.starts_with("eachSystem") || name == "genAttrs" || name == "forEachSystem"
                }),
            _ => false,
        }
    }

    /// Root inputs, and the inputs of each root input as `a/b` (from the lock).
    /// Root inputs and their inputs (`jetpack/nixpkgs`), except `own` (the input being
    /// declared and the path of the follows itself).
    fn input_names(&self, replace: TextRange, own: &[String]) -> Vec<CompletionItem> {
        let Some(flake) = db::flake_context(self.db, self.path()) else {
            return Vec::new();
        };
        let model = db::flake_model(self.db, flake.flake_nix);
        let lock = flake
            .lock
            .and_then(|l| db::lock_file(self.db, l).as_ref().ok());
        // The declared inputs, and the lock's (the model of a flake being edited may have lost
        // some of them to a syntax error).
        let mut roots: Vec<(String, Option<String>)> = model
            .inputs
            .iter()
            .map(|i| (i.name.clone(), i.url.as_ref().map(|u| u.value.clone())))
            .collect();
        for (name, _, _) in lock.map_or(&[][..], |l| l.root_inputs()) {
            if !roots.iter().any(|(n, _)| n == name) {
                roots.push((name.clone(), None));
            }
        }
        let mut out = Vec::new();
        for (name, url) in roots.iter().filter(|(name, _)| !own.contains(name)) {
            out.push(CompletionItem {
                label: name.clone(),
                kind: CompletionKind::Input,
                replace,
                insert: name.clone(),
                detail: url.clone(),
                documentation: None,
            });
        }
        if let Some(lock) = lock {
            for (root, _) in &roots {
                let Some(node) = lock.input_node(&lock.root, root).and_then(|n| lock.node(n))
                else {
                    continue;
                };
                for (name, _, _) in &node.inputs {
                    let label = format!("{root}/{name}");
                    if own.contains(&label) {
                        continue;
                    }
                    let target = lock
                        .resolve(&[root.clone(), name.clone()])
                        .and_then(|n| lock.node(n));
                    out.push(CompletionItem {
                        insert: label.clone(),
                        label,
                        kind: CompletionKind::Input,
                        replace,
                        detail: target
                            .and_then(|n| n.locked.as_ref())
                            .and_then(crate::lock::locked_ref_text),
                        documentation: None,
                    });
                }
            }
        }
        out
    }
}

/// Whether a value of the type may be an attrset that further bindings extend
/// (`firmware.variants.a = ...;` next to `firmware.variants.b = ...;`). Types not understood
/// statically count, so that nothing is left out by mistake.
fn takes_bindings(ty: &OptionType) -> bool {
    match ty {
        OptionType::AttrsOf(_)
        | OptionType::Attrs
        | OptionType::Submodule
        | OptionType::DeferredModule
        | OptionType::Anything
        | OptionType::Raw
        | OptionType::Unspecified
        | OptionType::Unknown(_) => true,
        OptionType::NullOr(inner) => takes_bindings(inner),
        OptionType::OneOf(types) => types.iter().any(takes_bindings),
        OptionType::Either(a, b) | OptionType::CoercedTo(a, b) => {
            takes_bindings(a) || takes_bindings(b)
        }
        _ => false,
    }
}

/// The `lib.mkDefault "x"` (`mkForce`, `mkOverride 10`) application whose argument is `value`.
fn priority_wrapper(value: &SyntaxNode) -> Option<SyntaxNode> {
    let apply = value
        .parent()
        .filter(|p| p.kind() == SyntaxKind::NODE_APPLY)?;
    let call = rnix::ast::Apply::cast(apply.clone())?;
    if call.argument()?.syntax() != value {
        return None;
    }
    let name = crate::syntax::function_name(&crate::syntax::applied_function(&call)?)?;
    matches!(name.as_str(), "mkDefault" | "mkForce" | "mkOverride").then_some(apply)
}

/// Where the `=` is when the text before `end` is `= lib.mkDefault ` (`mkForce`,
/// `mkOverride 50`, with or without `lib.`): the value being written is the priority's argument.
fn assign_before_priority(text: &str, end: usize) -> Option<usize> {
    let blank = |c: char| c.is_ascii_whitespace();
    let before = text.get(..end)?;
    // Something has to separate the call from its argument.
    if !before.ends_with(blank) {
        return None;
    }
    let mut rest = before.trim_end_matches(blank);
    let digits = rest.trim_end_matches(|c: char| c.is_ascii_digit());
    let name = if digits.len() < rest.len() {
        rest = digits.trim_end_matches(blank);
        "mkOverride"
    } else if rest.ends_with("mkDefault") {
        "mkDefault"
    } else {
        "mkForce"
    };
    rest = rest.strip_suffix(name)?;
    if rest.ends_with(|c: char| c.is_ascii() && is_ident_byte(c as u8)) {
        return None;
    }
    rest = rest.strip_suffix("lib.").unwrap_or(rest);
    if rest.ends_with(|c: char| c == '.' || (c.is_ascii() && is_ident_byte(c as u8))) {
        return None;
    }
    let rest = rest.trim_end_matches(blank);
    rest.strip_suffix('=')
        .filter(|r| !r.ends_with(['=', '!', '<', '>']))
        .map(str::len)
}

/// Flake reference schemes, while no scheme is written yet.
const URL_SCHEMES: &[(&str, &str)] = &[
    ("github:", "github:owner/repo[/ref-or-rev]"),
    ("gitlab:", "gitlab:owner/repo[/ref-or-rev]"),
    ("sourcehut:", "sourcehut:~owner/repo[/ref-or-rev]"),
    ("git+https://", "a Git repository over HTTPS"),
    ("git+ssh://", "a Git repository over SSH"),
    ("git+file://", "a local Git repository"),
    ("git+http://", "a Git repository over HTTP"),
    ("path:", "a local directory (copied whole)"),
    ("tarball+https://", "a tarball to unpack"),
    ("file+https://", "a single file"),
    ("https://", "a tarball or file, by extension"),
    ("hg+https://", "a Mercurial repository"),
    ("flake:", "a name looked up in the flake registry"),
    ("nixpkgs", "the registry's nixpkgs (indirect)"),
];

fn url_schemes(content: &str, replace: TextRange) -> Vec<CompletionItem> {
    if content.contains(':') || content.contains('/') {
        return Vec::new();
    }
    URL_SCHEMES
        .iter()
        .map(|(scheme, what)| CompletionItem {
            label: scheme.to_string(),
            kind: CompletionKind::UrlScheme,
            replace,
            insert: scheme.to_string(),
            detail: Some(what.to_string()),
            documentation: None,
        })
        .collect()
}

fn systems(replace: TextRange) -> Vec<CompletionItem> {
    KNOWN_SYSTEMS
        .iter()
        .map(|s| CompletionItem {
            label: s.to_string(),
            kind: CompletionKind::System,
            replace,
            insert: s.to_string(),
            detail: None,
            documentation: None,
        })
        .collect()
}
