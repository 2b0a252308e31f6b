//! Path references in a Nix file: path literals (`./x.nix`, `../dir`), and strings that name a
//! file of the flake through `self` (`"${self}/f"`). Used by `missing-file` and `untracked-file`,
//! with what exempts a reference from them: an existence guard (`builtins.pathExists`) or a place
//! where the path is never read (an option's `example`, `toString`).

use rnix::ast::{self, BinOpKind, HasEntry, InterpolPart};
use rnix::{SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;
use rowan::{TextRange, TextSize};

use crate::syntax::unparen;
use crate::{paths, syntax};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathRef {
    /// The absolute path the reference names.
    pub target: String,
    /// The literal as written.
    pub text: String,
    pub range: TextRange,
    /// The path, or a directory above it, is tested for existence in this file
    /// (`builtins.pathExists`, `lib.pathIsDirectory`, `lib.fileset.maybeMissing`): its absence is
    /// expected.
    pub guarded: bool,
    /// The path is never read: it sits in the `example`, `defaultText` or `description` of an
    /// attribute set (an option's documentation), or is only made a string by `toString`.
    pub unevaluated: bool,
}

impl PathRef {
    /// Whether the path rules leave this reference alone.
    pub fn exempt(&self) -> bool {
        self.guarded || self.unevaluated
    }
}

/// Functions whose argument may name nothing: calling them is how a file tests for a path.
const GUARD_FUNCTIONS: &[&str] = &[
    "pathExists",
    "pathIsDirectory",
    "pathIsRegularFile",
    "maybeMissing",
];

/// Attributes whose value documents rather than configures (`mkOption { example = ...; }`).
const UNREAD_ATTRIBUTES: &[&str] = &["example", "defaultText", "description"];

/// How far `let` bindings are followed to find what an expression names.
const MAX_RESOLVE_DEPTH: u8 = 8;

/// Every static path reference in a file. `flake_root` resolves `self`.
/// The paths whose existence the path rules ask about for these references: each target and,
/// for `import ./dir`, `dir/default.nix`; for a `flake.lock`, the `flake.nix` beside it.
pub fn paths_to_stat(refs: &[PathRef]) -> Vec<String> {
    refs.iter()
        .flat_map(|r| {
            let beside = (paths::file_name(&r.target) == "flake.lock")
                .then(|| paths::join(paths::parent(&r.target), "flake.nix"));
            [r.target.clone(), format!("{}/default.nix", r.target)]
                .into_iter()
                .chain(beside)
        })
        .collect()
}

pub fn path_refs(
    root: &SyntaxNode,
    text: &str,
    file_path: &str,
    flake_root: Option<&str>,
) -> Vec<PathRef> {
    let resolver = Resolver {
        dir: paths::parent(file_path),
        flake_root,
    };
    let mut refs = Vec::new();
    for node in candidates(root, text) {
        let found = match node.kind() {
            SyntaxKind::NODE_PATH_REL => ast::PathRel::cast(node.clone()).and_then(|path| {
                let text = syntax::static_path(&ast::Expr::PathRel(path))?;
                let target = (!text.is_empty()).then(|| paths::join(resolver.dir, &text))?;
                Some((target, text))
            }),
            SyntaxKind::NODE_STRING => ast::Str::cast(node.clone())
                .and_then(|s| self_relative(&s))
                .and_then(|(rel, text)| Some((paths::join(flake_root?, &rel), text))),
            _ => None,
        };
        let Some((target, text)) = found else {
            continue;
        };
        // Nothing under `.git` is part of a flake's source or can be `git add`ed: a reference
        // to it (`lib.commitIdFromGitRepo ./.git`) is deliberate.
        if target.split('/').any(|segment| segment == ".git") {
            continue;
        }
        refs.push(PathRef {
            target,
            text,
            range: node.text_range(),
            guarded: false,
            unevaluated: is_unevaluated(&node),
        });
    }
    // Guards are rare: look for them only in a file that names one.
    if refs.is_empty() || !GUARD_FUNCTIONS.iter().any(|g| text.contains(g)) {
        return refs;
    }
    // A test of the file's own directory (or one above it) always succeeds: it guards nothing.
    let guards: Vec<String> = guarded_targets(root, &resolver)
        .into_iter()
        .filter(|guard| paths::strip_dir(resolver.dir, guard).is_none())
        .collect();
    for r in &mut refs {
        r.guarded = guards
            .iter()
            .any(|guard| paths::strip_dir(&r.target, guard).is_some());
    }
    refs
}

/// The directories a file declares as flake templates: a path literal bound as `path = ./dir`
/// under a `templates` or `defaultTemplate` attribute (`templates.default = { path = ./t; }`,
/// flake-parts' `flake.templates.x.path = ./t`).
pub fn template_dirs(root: &SyntaxNode, file_path: &str) -> Vec<String> {
    let dir = paths::parent(file_path);
    let mut dirs = Vec::new();
    for binding in root.descendants().filter_map(ast::AttrpathValue::cast) {
        let names = attr_names(&binding);
        if names.last().map(String::as_str) != Some("path") {
            continue;
        }
        let Some(text) = binding
            .value()
            .map(unparen)
            .filter(|v| matches!(v, ast::Expr::PathRel(_)))
            .and_then(|v| syntax::static_path(&v))
        else {
            continue;
        };
        let mut enclosing = binding
            .syntax()
            .ancestors()
            .skip(1)
            .filter_map(ast::AttrpathValue::cast)
            .flat_map(|outer| attr_names(&outer));
        let is_template_key = |name: &String| name == "templates" || name == "defaultTemplate";
        if names[..names.len() - 1].iter().any(is_template_key)
            || enclosing.any(|n| is_template_key(&n))
        {
            dirs.push(paths::join(dir, &text));
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The static segment names of a binding's attrpath (dynamic segments are left out).
fn attr_names(binding: &ast::AttrpathValue) -> Vec<String> {
    binding
        .attrpath()
        .map(|p| p.attrs().filter_map(|a| syntax::attr_name(&a)).collect())
        .unwrap_or_default()
}

/// The path literals of a file and the strings that start with an interpolation (the only
/// ones that can be `"${self}/..."`), found by walking the green tree, which costs no
/// allocation per node; red nodes are made for the few candidates only.
///
/// Both kinds hold a `/` (a path literal always does; such a string matters only when a `/`
/// follows its interpolation), so the walk enters only the subtrees whose text holds one:
/// most of a file is skipped.
fn candidates(root: &SyntaxNode, text: &str) -> Vec<SyntaxNode> {
    // The offsets of the slashes, when the text is the tree's (it always is; otherwise every
    // subtree is entered).
    let slashes: Option<Vec<u32>> = (TextSize::of(text) == root.green().text_len()).then(|| {
        memchr::memchr_iter(b'/', text.as_bytes())
            .map(|at| at as u32)
            .collect()
    });
    candidates_around(root, slashes.as_deref())
}

/// [`candidates`], entering only subtrees that hold one of `slashes` (all when `None`).
fn candidates_around(root: &SyntaxNode, slashes: Option<&[u32]>) -> Vec<SyntaxNode> {
    use rowan::NodeOrToken;
    let raw = |kind: SyntaxKind| rowan::SyntaxKind(kind as u16);
    let green = root.green();
    let holds_slash = |start: TextSize, len: TextSize| {
        slashes.is_none_or(|slashes| {
            let (start, end) = (u32::from(start), u32::from(start + len));
            let first = slashes.partition_point(|&at| at < start);
            slashes.get(first).is_some_and(|&at| at < end)
        })
    };
    let mut ranges: Vec<(TextRange, SyntaxKind)> = Vec::new();
    let mut stack: Vec<(&rowan::GreenNodeData, TextSize)> = vec![(green, TextSize::from(0))];
    while let Some((node, start)) = stack.pop() {
        let mut offset = start;
        for child in node.children() {
            let len = child.text_len();
            if !holds_slash(offset, len) {
                offset += len;
                continue;
            }
            if let NodeOrToken::Node(child) = child {
                if child.kind() == raw(SyntaxKind::NODE_PATH_REL) {
                    ranges.push((TextRange::at(offset, len), SyntaxKind::NODE_PATH_REL));
                } else {
                    if child.kind() == raw(SyntaxKind::NODE_STRING) {
                        let second = child.children().nth(1);
                        if second.is_some_and(|c| c.kind() == raw(SyntaxKind::NODE_INTERPOL)) {
                            ranges.push((TextRange::at(offset, len), SyntaxKind::NODE_STRING));
                        }
                    }
                    stack.push((child, offset));
                }
            }
            offset += len;
        }
    }
    ranges.sort_by_key(|(range, _)| range.start());
    ranges
        .into_iter()
        .filter_map(|(range, kind)| {
            let element = root.covering_element(range);
            let start = match element {
                rowan::NodeOrToken::Node(n) => Some(n),
                rowan::NodeOrToken::Token(t) => t.parent(),
            };
            start?
                .ancestors()
                .find(|n| n.kind() == kind && n.text_range() == range)
        })
        .collect()
}

/// `"${self}/rel"` or `"${inputs.self}/rel"`: the relative path, and the string as written.
/// A `self` that the file binds itself (`let self = ./sub; in ...`) is not the flake.
fn self_relative(s: &ast::Str) -> Option<(String, String)> {
    let parts: Vec<InterpolPart<String>> = syntax::string_parts(s)?;
    let [InterpolPart::Interpolation(first), InterpolPart::Literal(rest)] = parts.as_slice() else {
        return None;
    };
    let rel = rest.strip_prefix('/')?;
    if !names_flake_self(&first.expr()?) || rel.is_empty() {
        return None;
    }
    Some((rel.to_string(), s.syntax().text().to_string()))
}

/// Whether an expression is the flake's `self`: `self` (a parameter, or not bound in the file at
/// all) or `inputs.self`.
fn names_flake_self(expr: &ast::Expr) -> bool {
    match unparen(expr.clone()) {
        ast::Expr::Ident(i) => {
            i.ident_token().is_some_and(|t| t.text() == "self")
                && matches!(lookup(&i), Binding::Param | Binding::Free)
        }
        ast::Expr::Select(sel) => {
            sel.default_expr().is_none()
                && sel
                    .syntax()
                    .text()
                    .to_string()
                    .replace(char::is_whitespace, "")
                    == "inputs.self"
        }
        _ => false,
    }
}

/// Whether the value at `node` is never read: the argument of `toString`, or inside the
/// `example`, `defaultText` or `description` attribute of an attribute set.
fn is_unevaluated(node: &SyntaxNode) -> bool {
    let mut arg = node.clone();
    while let Some(paren) = arg.parent().filter(|p| p.kind() == SyntaxKind::NODE_PAREN) {
        arg = paren;
    }
    if let Some(apply) = arg.parent().and_then(ast::Apply::cast) {
        let is_argument = apply.argument().is_some_and(|a| a.syntax() == &arg);
        if is_argument
            && apply
                .lambda()
                .as_ref()
                .and_then(syntax::function_name)
                .as_deref()
                == Some("toString")
        {
            return true;
        }
    }
    node.ancestors()
        .filter_map(ast::AttrpathValue::cast)
        .filter(|b| {
            b.syntax()
                .parent()
                .is_some_and(|p| p.kind() == SyntaxKind::NODE_ATTR_SET)
        })
        .any(|b| {
            // A one-name key (most keys are not: no names are copied to find that out).
            let Some(path) = b.attrpath() else {
                return false;
            };
            let mut attrs = path.attrs();
            match (attrs.next(), attrs.next()) {
                (Some(ast::Attr::Ident(ident)), None) => ident
                    .ident_token()
                    .is_some_and(|t| UNREAD_ATTRIBUTES.contains(&t.text())),
                (Some(attr), None) => syntax::attr_name(&attr)
                    .is_some_and(|name| UNREAD_ATTRIBUTES.contains(&name.as_str())),
                _ => false,
            }
        })
}

fn is_guard_function(function: &ast::Expr) -> bool {
    syntax::function_name(function).is_some_and(|name| GUARD_FUNCTIONS.contains(&name.as_str()))
}

/// A guard as a predicate: `builtins.pathExists`, or `p: builtins.pathExists p`.
fn is_guard_predicate(expr: &ast::Expr) -> bool {
    let ast::Expr::Lambda(lambda) = unparen(expr.clone()) else {
        return is_guard_function(expr);
    };
    let Some(ast::Param::IdentParam(param)) = lambda.param() else {
        return false;
    };
    let param = param.ident().and_then(|i| i.ident_token());
    let Some(ast::Expr::Apply(call)) = lambda.body().map(unparen) else {
        return false;
    };
    let argument = call.argument().map(unparen);
    let passes_param = match (&argument, &param) {
        (Some(ast::Expr::Ident(arg)), Some(param)) => {
            arg.ident_token().is_some_and(|t| t.text() == param.text())
        }
        _ => false,
    };
    passes_param && call.lambda().is_some_and(|f| is_guard_function(&f))
}

/// The paths this file tests for existence: guard calls (`builtins.pathExists ./x`,
/// `lib.pathIsDirectory "${self}/d"`, `lib.fileset.maybeMissing (./. + "/x")`) and lists
/// filtered by one (`builtins.filter builtins.pathExists [ ./a.nix ./b.nix ]`).
fn guarded_targets(root: &SyntaxNode, resolver: &Resolver) -> Vec<String> {
    let mut guarded = Vec::new();
    for apply in root.descendants().filter_map(ast::Apply::cast) {
        let (Some(function), Some(argument)) = (apply.lambda(), apply.argument()) else {
            continue;
        };
        if is_guard_function(&function) {
            guarded.extend(resolver.target(&argument, 0));
            continue;
        }
        let ast::Expr::Apply(filter) = unparen(function) else {
            continue;
        };
        let is_filter = filter
            .lambda()
            .as_ref()
            .and_then(syntax::function_name)
            .as_deref()
            == Some("filter");
        if is_filter && filter.argument().is_some_and(|p| is_guard_predicate(&p)) {
            resolver.list_targets(&argument, 0, &mut guarded);
        }
    }
    guarded
}

/// Resolves expressions to the paths they name, the way Nix would, as far as the text shows.
struct Resolver<'a> {
    /// The directory of the file, for path literals.
    dir: &'a str,
    flake_root: Option<&'a str>,
}

impl Resolver<'_> {
    /// The absolute path an expression names: a path literal, `self`, `path + "/rest"`,
    /// `"${path}/rest"`, `toString path`, or a name bound by `let` to one of these.
    fn target(&self, expr: &ast::Expr, depth: u8) -> Option<String> {
        if depth > MAX_RESOLVE_DEPTH {
            return None;
        }
        match unparen(expr.clone()) {
            e @ ast::Expr::PathRel(_) => {
                let text = syntax::static_path(&e).filter(|t| !t.is_empty())?;
                Some(paths::join(self.dir, &text))
            }
            ast::Expr::Ident(i) => match lookup(&i) {
                Binding::Value(value) => self.target(&value, depth + 1),
                Binding::Param | Binding::Free if i.ident_token()?.text() == "self" => {
                    self.flake_root.map(String::from)
                }
                _ => None,
            },
            e @ ast::Expr::Select(_) if names_flake_self(&e) => self.flake_root.map(String::from),
            ast::Expr::BinOp(op) if op.operator() == Some(BinOpKind::Add) => {
                let base = self.target(&op.lhs()?, depth + 1)?;
                let ast::Expr::Str(suffix) = unparen(op.rhs()?) else {
                    return None;
                };
                Some(append(&base, &syntax::static_string(&suffix)?))
            }
            ast::Expr::Str(s) => match syntax::string_parts(&s)?.as_slice() {
                [InterpolPart::Interpolation(base)] => self.target(&base.expr()?, depth + 1),
                [InterpolPart::Interpolation(base), InterpolPart::Literal(rest)] => {
                    Some(append(&self.target(&base.expr()?, depth + 1)?, rest))
                }
                _ => None,
            },
            ast::Expr::Apply(call)
                if call
                    .lambda()
                    .as_ref()
                    .and_then(syntax::function_name)
                    .as_deref()
                    == Some("toString") =>
            {
                self.target(&call.argument()?, depth + 1)
            }
            _ => None,
        }
    }

    /// The paths of a list expression: `[ ./a ./b ]`, `xs ++ [ ./c ]`, or a name bound to one.
    fn list_targets(&self, expr: &ast::Expr, depth: u8, out: &mut Vec<String>) {
        if depth > MAX_RESOLVE_DEPTH {
            return;
        }
        match unparen(expr.clone()) {
            ast::Expr::List(list) => {
                out.extend(
                    list.items()
                        .filter_map(|item| self.target(&item, depth + 1)),
                );
            }
            ast::Expr::BinOp(op) if op.operator() == Some(BinOpKind::Concat) => {
                for side in [op.lhs(), op.rhs()].into_iter().flatten() {
                    self.list_targets(&side, depth + 1, out);
                }
            }
            ast::Expr::Ident(i) => {
                if let Binding::Value(value) = lookup(&i) {
                    self.list_targets(&value, depth + 1, out);
                }
            }
            _ => {}
        }
    }
}

/// `path + suffix` as Nix computes it: the texts joined, then normalised.
fn append(base: &str, suffix: &str) -> String {
    paths::join("/", &format!("{base}{suffix}"))
}

/// What a name refers to at a place in the file.
enum Binding {
    /// Bound by `let` or a `rec` attribute set to this expression.
    Value(ast::Expr),
    /// Bound by `let` or `rec` in a way the text does not resolve (`inherit`, `x.y = ...`).
    Other,
    /// A function parameter.
    Param,
    /// Not bound in this file: a builtin, or a name from `with`.
    Free,
}

/// The innermost binding of an identifier, by Nix's lexical scoping.
fn lookup(ident: &ast::Ident) -> Binding {
    let Some(name) = ident.ident_token().map(|t| t.text().to_string()) else {
        return Binding::Other;
    };
    for scope in ident.syntax().ancestors().skip(1) {
        let found = match scope.kind() {
            SyntaxKind::NODE_LET_IN => ast::LetIn::cast(scope).and_then(|l| binding_in(&l, &name)),
            SyntaxKind::NODE_ATTR_SET => ast::AttrSet::cast(scope)
                .filter(|set| set.rec_token().is_some())
                .and_then(|set| binding_in(&set, &name)),
            SyntaxKind::NODE_LAMBDA => ast::Lambda::cast(scope)
                .and_then(|l| l.param())
                .filter(|param| param_binds(param, &name))
                .map(|_| Binding::Param),
            _ => None,
        };
        if let Some(binding) = found {
            return binding;
        }
    }
    Binding::Free
}

/// The binding of `name` among the entries of a `let` or `rec` set, if they bind it.
fn binding_in(entries: &impl HasEntry, name: &str) -> Option<Binding> {
    for entry in entries.entries() {
        match entry {
            ast::Entry::AttrpathValue(binding) => {
                let Some(first) = binding.attrpath().and_then(|p| p.attrs().next()) else {
                    continue;
                };
                if syntax::attr_name(&first).as_deref() != Some(name) {
                    continue;
                }
                let single = binding.attrpath().is_some_and(|p| p.attrs().count() == 1);
                return Some(match binding.value() {
                    Some(value) if single => Binding::Value(value),
                    _ => Binding::Other,
                });
            }
            ast::Entry::Inherit(inherit) => {
                if inherit
                    .attrs()
                    .any(|a| syntax::attr_name(&a).as_deref() == Some(name))
                {
                    return Some(Binding::Other);
                }
            }
        }
    }
    None
}

fn param_binds(param: &ast::Param, name: &str) -> bool {
    let is = |ident: Option<ast::Ident>| {
        ident
            .and_then(|i| i.ident_token())
            .is_some_and(|t| t.text() == name)
    };
    match param {
        ast::Param::IdentParam(p) => is(p.ident()),
        ast::Param::Pattern(p) => {
            p.pat_entries().any(|e| is(e.ident())) || is(p.pat_bind().and_then(|b| b.ident()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entering only the subtrees that hold a slash finds every candidate that could be a
    /// reference, as entering all of them does: in
    /// every Nix file of the repository's test data (fixtures of every rule, example flakes)
    /// and in texts where slashes sit in comments, strings, divisions and interpolations.
    #[test]
    fn skipping_subtrees_without_a_slash_finds_every_candidate() {
        let mut texts: Vec<String> = [
            "{ a = ./x.nix; b = 1 / 2; c = \"${self}/y\"; d = \"${self}z\"; }",
            "# ./not/a/path\n{ imports = [ ../up/mod.nix ./dir ]; u = https://x/y; }",
            "{ a = ./p/${name}.nix; b = \"${x + \"/\"}\"; c = ~/home/f; d = /abs/f; }",
            "let s = \"${inputs.self}/m.nix\"; in { imports = [ s (./a + \"/b\") ]; }",
            "{ a = x/y; b = ''${self}/z''; }",
            "{ }",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        texts.extend(crate::test_data::texts(&["nix", "fixture"]));
        assert!(texts.len() > 50, "the test data was found");
        let mut found = 0;
        for text in &texts {
            let root = syntax::parse(text).root();
            let slashes: Vec<u32> = memchr::memchr_iter(b'/', text.as_bytes())
                .map(|at| at as u32)
                .collect();
            let pruned = candidates_around(&root, Some(&slashes));
            let (with_slash, without): (Vec<SyntaxNode>, Vec<SyntaxNode>) =
                candidates_around(&root, None)
                    .into_iter()
                    .partition(|n| n.text().contains_char('/'));
            assert_eq!(pruned, with_slash, "{text}");
            // What is skipped could never have been a reference.
            for node in without {
                let string = ast::Str::cast(node).expect("every path literal holds a slash");
                assert_eq!(self_relative(&string), None, "{text}");
            }
            found += pruned.len();
        }
        assert!(found > 50, "candidates were found: {found}");
    }

    fn refs(text: &str) -> Vec<PathRef> {
        let parsed = syntax::parse(text);
        path_refs(&parsed.root(), text, "/f/m.nix", Some("/f"))
    }

    /// The targets, each with `g` if guarded and `u` if unevaluated.
    fn summary(text: &str) -> Vec<String> {
        refs(text)
            .iter()
            .map(|r| {
                let mut s = r.target.clone();
                if r.guarded {
                    s.push_str(" g");
                }
                if r.unevaluated {
                    s.push_str(" u");
                }
                s
            })
            .collect()
    }

    #[test]
    fn broken_strings_and_paths_do_not_panic() {
        // rnix's own part accessors panic on error nodes inside strings and paths.
        for text in [
            "{i=\"{",
            "{ a = \"${self}/x\"${[; b = ./p; }",
            "[ ./a/${ \"${[ ]",
            "builtins.pathExists (./. + ",
            "builtins.filter builtins.pathExists [ ./a ${",
            "let x = x; in builtins.pathExists x",
        ] {
            let parsed = syntax::parse(text);
            path_refs(&parsed.root(), text, "/f.nix", Some("/"));
            template_dirs(&parsed.root(), "/f.nix");
        }
    }

    #[test]
    fn guard_functions_and_their_arguments() {
        let text = r#"{ lib, self, ... }: [
          (lib.optional (builtins.pathExists ./a.nix) ./a.nix)
          (lib.optional (lib.pathIsDirectory ./b) ./b/default.nix)
          (lib.filesystem.pathIsDirectory "${self}/c")
          (lib.pathIsRegularFile (./. + "/d.nix"))
          (lib.fileset.maybeMissing ./e)
          (with builtins; pathExists ./f.nix)
          ./d.nix
          "${self}/c/x"
          ./unguarded.nix
        ]"#;
        assert_eq!(
            summary(text),
            [
                "/f/a.nix g",
                "/f/a.nix g",
                "/f/b g",
                "/f/b/default.nix g",
                "/f/c g",
                "/f",
                "/f/e g",
                "/f/f.nix g",
                "/f/d.nix g",
                "/f/c/x g",
                "/f/unguarded.nix",
            ]
        );
    }

    #[test]
    fn filtered_lists_and_let_bound_paths_are_guarded() {
        let text = r#"let
          hw = ./hardware-configuration.nix;
          extra = [ ./x.nix ];
        in [
          (lib.optional (builtins.pathExists hw) hw)
          (builtins.filter builtins.pathExists ([ ./a.nix ] ++ extra))
          (lib.filter (p: builtins.pathExists p) [ ./b.nix ])
          (builtins.filter (p: p != null) [ ./c.nix ])
        ]"#;
        assert_eq!(
            summary(text),
            [
                "/f/hardware-configuration.nix g",
                "/f/x.nix g",
                "/f/a.nix g",
                "/f/b.nix g",
                "/f/c.nix",
            ]
        );
    }

    #[test]
    fn a_test_of_the_own_directory_guards_nothing() {
        let text = r#"{ self }: [ (builtins.pathExists ./.) (builtins.pathExists self) ./a.nix ]"#;
        assert_eq!(summary(text), ["/f", "/f/a.nix"]);
    }

    #[test]
    fn a_parameter_shadows_a_let_binding() {
        let text = "let hw = ./hw.nix; in hw: builtins.pathExists hw";
        assert_eq!(summary(text), ["/f/hw.nix"]);
    }

    #[test]
    fn documentation_and_to_string_are_not_read() {
        let text = r#"{ lib, ... }: {
          options.x = lib.mkOption {
            example = { skills = ./skills/data-analysis; };
            defaultText = ./default.txt;
            description = "${./doc.md}";
          };
          config.passwordFile = toString ./password-file;
          config.other = builtins.toString (./secret);
          config.services.example = ./read.nix;
          config.read = let example = ./let.nix; in example;
        }"#;
        assert_eq!(
            summary(text),
            [
                "/f/skills/data-analysis u",
                "/f/default.txt u",
                "/f/doc.md u",
                "/f/password-file u",
                "/f/secret u",
                "/f/read.nix",
                "/f/let.nix",
            ]
        );
    }

    #[test]
    fn git_internals_are_not_references() {
        let text = r#"{ self, lib }: [ (lib.commitIdFromGitRepo ./.git) "${self}/.git/HEAD" ./.gitignore ]"#;
        assert_eq!(summary(text), ["/f/.gitignore"]);
    }

    #[test]
    fn a_rebound_self_is_not_the_flake() {
        let text = r#"{ self, ... }: [
          "${self}/a.nix"
          (let self = ./sub; in "${self}/b.nix")
          (rec { self = ./sub; x = "${self}/c.nix"; }).x
          { self = ./sub; x = "${self}/d.nix"; }
        ]"#;
        assert_eq!(
            summary(text),
            ["/f/a.nix", "/f/sub", "/f/sub", "/f/sub", "/f/d.nix"]
        );
    }

    #[test]
    fn template_directories() {
        let text = r#"{ self, ... }: {
          templates.default = { path = ./templates/nixos; description = "NixOS"; };
          templates.jetson.path = ./templates/jetson;
          flake.templates = { x = { path = (./boilerplate); }; };
          defaultTemplate = { path = ./templates/old; };
          packages.x.path = ./not-a-template;
          templates.y.path = "${self}/not-a-literal";
        }"#;
        let parsed = syntax::parse(text);
        assert_eq!(
            template_dirs(&parsed.root(), "/f/flake.nix"),
            [
                "/f/boilerplate",
                "/f/templates/jetson",
                "/f/templates/nixos",
                "/f/templates/old",
            ]
        );
    }
}
