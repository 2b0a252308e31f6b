//! The walk over module files: from a module's `options` to its declarations, from its
//! `imports` to other files and renames. A small static resolver follows `let` bindings,
//! `inherit (lib) ...`, and evaluates the literal lists and attrsets that enums are built from.
//!
//! Every recursion is bounded by a depth limit and every file by a step budget proportional to
//! its size, so hostile input (self-referencing `let`s, exponential `++` chains) ends quickly
//! with a problem instead of a hang or a stack overflow.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rnix::ast::{self, BinOpKind, HasEntry, InterpolPart, UnaryOpKind};
use rnix::{SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;
use rowan::TextRange;

use super::{
    DefaultValue, FileOptions, ImportRef, LiteralValue, ModuleTree, OptionDecl, OptionType,
    RenameDecl, RenameKind,
};
use crate::paths;
use crate::syntax::{
    self, attrpath_segments, static_bindings, static_path, static_string, string_parts, unparen,
};
use crate::syntax::{ColumnUnit, LineIndex};

/// How deep the walk and the resolver may recurse (nested attrsets, `let` chains, types).
const MAX_DEPTH: usize = 100;
/// A longer chain of `a = b; b = c; ...` than this is not followed.
const MAX_ALIAS_CHAIN: usize = 64;

/// Walks from `entry` (a module file) following `imports`: path literals (`./dir` means
/// `dir/default.nix`), lists built with `++`, `lib.optional(s)`, `with lib; [ ... ]`, and
/// `types.submodule ./file.nix`. `read` returns a file's text (`None`: missing or unreadable).
/// Each file is read once per option prefix, so import cycles end.
pub fn extract_tree(entry: &str, read: &mut dyn FnMut(&str) -> Option<String>) -> ModuleTree {
    struct Pending {
        path: String,
        prefix: Vec<String>,
        /// `importer:line` of the import, for messages.
        from: Option<String>,
    }
    let mut tree = ModuleTree::default();
    let mut seen: HashSet<(String, Vec<String>)> = HashSet::new();
    let mut files_seen: HashSet<String> = HashSet::new();
    let mut stack = vec![Pending {
        path: entry.to_string(),
        prefix: Vec::new(),
        from: None,
    }];
    while let Some(pending) = stack.pop() {
        if !seen.insert((pending.path.clone(), pending.prefix.clone())) {
            continue;
        }
        let (path, text) = match read(&pending.path) {
            Some(text) => (pending.path, text),
            None => {
                let default = join(&pending.path, "default.nix");
                match read(&default) {
                    Some(text) => {
                        if !seen.insert((default.clone(), pending.prefix.clone())) {
                            continue;
                        }
                        (default, text)
                    }
                    None => {
                        tree.problems.push(match &pending.from {
                            Some(from) => format!(
                                "{from}: cannot read the imported `{}` (nor `{default}`)",
                                pending.path
                            ),
                            None => format!("cannot read the module `{}`", pending.path),
                        });
                        continue;
                    }
                }
            }
        };
        let file = extract_file(&path, &text);
        if files_seen.insert(path.clone()) {
            tree.files.push(path.clone());
        }
        let prefixed = |p: Vec<String>| -> Vec<String> {
            if pending.prefix.is_empty() || p.is_empty() {
                p
            } else {
                pending.prefix.iter().cloned().chain(p).collect()
            }
        };
        let index = LineIndex::new(&text);
        let line_of = |range: TextRange| {
            Some(index.line_col(&text, range.start(), ColumnUnit::Char).line + 1)
        };
        for mut option in file.options {
            option.path = prefixed(option.path);
            tree.lines.push(line_of(option.range));
            tree.options.push(option);
        }
        for mut rename in file.renames {
            rename.from = prefixed(rename.from);
            rename.to = prefixed(rename.to);
            tree.rename_lines.push(line_of(rename.range));
            tree.renames.push(rename);
        }
        tree.problems.extend(file.problems);
        if !file.imports.is_empty() {
            // Reversed, so that the first import is visited first.
            for import in file.imports.into_iter().rev() {
                let line = index.line_col(&text, import.range.start(), ColumnUnit::Char);
                stack.push(Pending {
                    path: import.path,
                    prefix: pending
                        .prefix
                        .iter()
                        .cloned()
                        .chain(import.prefix)
                        .collect(),
                    from: Some(format!("{path}:{}", line.line + 1)),
                });
            }
        }
    }
    tree
}

/// The option declarations, renames and imports of one module file. `path` names the file in
/// the results and resolves its relative imports.
pub fn extract_file(path: &str, text: &str) -> FileOptions {
    extract_parsed(path, text, &syntax::parse(text))
}

/// [`extract_file`] from a parse of `text` made already.
pub fn extract_parsed(path: &str, text: &str, parsed: &syntax::Parsed) -> FileOptions {
    let mut ex = Extractor {
        path,
        text,
        lines: None,
        out: FileOptions::default(),
        budget: 100_000 + 20 * text.len() as u64,
        depth: 0,
        limit_reported: false,
    };
    if let Some(first) = parsed.errors.first() {
        let more = match parsed.errors.len() {
            1 => String::new(),
            n => format!(" ({n} syntax errors in all)"),
        };
        ex.problem(
            first.range,
            format!(
                "syntax error: {}{more}; declarations may be missed",
                first.message
            ),
        );
    }
    let root = parsed.root();
    if let Some(expr) = ast::Root::cast(root).and_then(|r| r.expr()) {
        ex.module(expr, &Scope::root(), &[]);
    }
    ex.out
}

/// Joins a relative path onto the directory of `file`, keeping a relative `file` relative.
fn resolve(file: &str, rel: &str) -> String {
    join(paths::parent(file), rel)
}

fn join(dir: &str, rel: &str) -> String {
    if dir.starts_with('/') || rel.starts_with('/') {
        paths::join(dir, rel)
    } else {
        let joined = paths::join(&format!("/{dir}"), rel);
        joined.trim_start_matches('/').to_string()
    }
}

/// Lexical bindings visible at a point: `let` bindings and lambda parameters.
struct Scope {
    parent: Option<Rc<Scope>>,
    names: HashMap<String, Bound>,
}

#[derive(Clone)]
enum Bound {
    /// `name = expr;` in a `let`: `expr` is resolved in the scope holding the binding.
    Expr(ast::Expr),
    /// `inherit (from) name;`
    InheritFrom(ast::Expr),
    /// `inherit name;` in a `let`: the name of the enclosing scope.
    InheritOuter,
    /// A lambda parameter, or a binding that is not modelled: it only shadows.
    Opaque,
}

impl Scope {
    fn root() -> Rc<Scope> {
        Rc::new(Scope {
            parent: None,
            names: HashMap::new(),
        })
    }

    fn with_let(parent: &Rc<Scope>, entries: &impl HasEntry) -> Rc<Scope> {
        let mut names = HashMap::new();
        for entry in entries.entries() {
            match entry {
                ast::Entry::AttrpathValue(apv) => {
                    let Some(segments) = apv.attrpath().and_then(|p| attrpath_segments(&p)) else {
                        continue;
                    };
                    let bound = match (segments.len(), apv.value()) {
                        (1, Some(value)) => Bound::Expr(value),
                        _ => Bound::Opaque,
                    };
                    names.insert(segments[0].0.clone(), bound);
                }
                ast::Entry::Inherit(inherit) => {
                    let from = inherit.from().and_then(|f| f.expr());
                    for attr in inherit.attrs() {
                        if let Some(name) = syntax::attr_name(&attr) {
                            let bound = match &from {
                                Some(from) => Bound::InheritFrom(from.clone()),
                                None => Bound::InheritOuter,
                            };
                            names.insert(name, bound);
                        }
                    }
                }
            }
        }
        Rc::new(Scope {
            parent: Some(parent.clone()),
            names,
        })
    }

    fn with_lambda(parent: &Rc<Scope>, lambda: &ast::Lambda) -> Rc<Scope> {
        let mut names = HashMap::new();
        match lambda.param() {
            Some(ast::Param::IdentParam(p)) => {
                if let Some(name) = p.ident().and_then(|i| ident_text(&i)) {
                    names.insert(name, Bound::Opaque);
                }
            }
            Some(ast::Param::Pattern(p)) => {
                for entry in p.pat_entries() {
                    if let Some(name) = entry.ident().and_then(|i| ident_text(&i)) {
                        names.insert(name, Bound::Opaque);
                    }
                }
                if let Some(name) = p
                    .pat_bind()
                    .and_then(|b| b.ident())
                    .and_then(|i| ident_text(&i))
                {
                    names.insert(name, Bound::Opaque);
                }
            }
            None => {}
        }
        Rc::new(Scope {
            parent: Some(parent.clone()),
            names,
        })
    }

    /// The binding of `name` and the scope that holds it.
    fn lookup(self: &Rc<Scope>, name: &str) -> Option<(Bound, Rc<Scope>)> {
        let mut scope = self;
        loop {
            if let Some(bound) = scope.names.get(name) {
                return Some((bound.clone(), scope.clone()));
            }
            scope = scope.parent.as_ref()?;
        }
    }
}

fn ident_text(ident: &ast::Ident) -> Option<String> {
    Some(ident.ident_token()?.text().to_string())
}

/// A value computed statically, for enum lists, rename paths and the like.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Str(String),
    Int(i64),
    Float(String),
    Bool(bool),
    Null,
    List(Vec<Value>),
    Attrs(Vec<(String, Value)>),
    /// Anything that is not known statically.
    Unknown,
}

impl Value {
    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Attrs(attrs) => attrs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A list of strings (a rename path).
    fn strings(&self) -> Option<Vec<String>> {
        self.list_with(|v| match v {
            Value::Str(s) => Some(s.clone()),
            _ => None,
        })
    }

    /// Enum values: strings as they are, other scalars as written.
    fn enum_values(&self) -> Option<Vec<String>> {
        self.list_with(|v| match v {
            Value::Str(s) | Value::Float(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => Some("null".to_string()),
            _ => None,
        })
    }

    /// A list whose every item `item` accepts.
    fn list_with(&self, item: impl Fn(&Value) -> Option<String>) -> Option<Vec<String>> {
        match self {
            Value::List(items) => items.iter().map(item).collect(),
            _ => None,
        }
    }
}

/// A submodule whose options are declared below an option: `suffix` is what the option's path
/// gets before them (`*` per `listOf`/`attrsOf`).
struct SubmoduleRef {
    suffix: Vec<String>,
    module: ast::Expr,
    scope: Rc<Scope>,
}

/// An option declaration before it has its path.
struct Draft {
    ty: OptionType,
    type_text: String,
    default: Option<DefaultValue>,
    default_text: Option<String>,
    description: Option<String>,
    example: Option<String>,
    internal: bool,
    read_only: bool,
    visible: Option<bool>,
    submodules: Vec<SubmoduleRef>,
}

impl Draft {
    fn new(ty: OptionType, type_text: &str) -> Draft {
        Draft {
            ty,
            type_text: type_text.to_string(),
            default: None,
            default_text: None,
            description: None,
            example: None,
            internal: false,
            read_only: false,
            visible: None,
            submodules: Vec::new(),
        }
    }
}

/// One attribute of an attrset argument, with the scope its value is resolved in (the pieces
/// of `a // b` may come from different scopes).
type ScopedAttr = (String, ast::Expr, Rc<Scope>);

struct Extractor<'a> {
    path: &'a str,
    text: &'a str,
    lines: Option<LineIndex>,
    out: FileOptions,
    /// Steps left for this file; each walk or resolver step takes one.
    budget: u64,
    depth: usize,
    limit_reported: bool,
}

impl Extractor<'_> {
    fn problem(&mut self, range: TextRange, message: String) {
        let lines = self.lines.get_or_insert_with(|| LineIndex::new(self.text));
        let line = lines
            .line_col(self.text, range.start(), ColumnUnit::Char)
            .line
            + 1;
        self.out
            .problems
            .push(format!("{}:{line}: {message}", self.path));
    }

    /// Takes a step and a level of recursion; `false` when a limit is reached (reported once).
    fn enter(&mut self, at: &SyntaxNode) -> bool {
        if self.depth >= MAX_DEPTH || self.budget == 0 {
            if !self.limit_reported {
                self.limit_reported = true;
                let what = if self.budget == 0 {
                    "too many steps"
                } else {
                    "nested too deeply"
                };
                self.problem(
                    at.text_range(),
                    format!("{what} to analyse statically; the rest of this expression is skipped"),
                );
            }
            return false;
        }
        self.budget -= 1;
        self.depth += 1;
        true
    }

    /// Runs `f` as one step one level deeper; `None` when a limit is reached.
    fn guarded<T>(&mut self, at: ast::Expr, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if !self.enter(at.syntax()) {
            return None;
        }
        let result = f(self);
        self.depth -= 1;
        Some(result)
    }

    /// The expression that `expr` stands for, with the scope to resolve it in: through
    /// parentheses, names bound by `let` (and `inherit x;` in a `let`), `let ... in` bodies,
    /// `with x;` bodies (the namespace is not modelled) and `assert`s.
    fn deref(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> (ast::Expr, Rc<Scope>) {
        let mut expr = unparen(expr);
        let mut scope = scope.clone();
        for _ in 0..MAX_ALIAS_CHAIN {
            let next = match &expr {
                ast::Expr::Ident(ident) => {
                    let Some(name) = ident_text(ident) else {
                        break;
                    };
                    match scope.lookup(&name) {
                        Some((Bound::Expr(value), holder)) => {
                            scope = holder;
                            value
                        }
                        Some((Bound::InheritOuter, holder)) => match &holder.parent {
                            Some(parent) => {
                                scope = parent.clone();
                                expr.clone()
                            }
                            None => break,
                        },
                        _ => break,
                    }
                }
                ast::Expr::LetIn(let_in) => {
                    let Some(body) = let_in.body() else {
                        break;
                    };
                    scope = Scope::with_let(&scope, let_in);
                    body
                }
                ast::Expr::With(with) => match with.body() {
                    Some(body) => body,
                    None => break,
                },
                ast::Expr::Assert(assert) => match assert.body() {
                    Some(body) => body,
                    None => break,
                },
                _ => break,
            };
            expr = unparen(next);
            if self.budget == 0 {
                break;
            }
            self.budget -= 1;
        }
        (expr, scope)
    }

    /// The dotted name an expression stands for: `lib.types.str` for `types.str` under
    /// `inherit (lib) types;`. `None` for anything that is not a name.
    fn canonical(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Option<String> {
        self.guarded(expr.clone(), |ex| ex.canonical_inner(expr, scope))
            .flatten()
    }

    fn canonical_inner(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Option<String> {
        let (expr, scope) = self.deref(expr, scope);
        match expr {
            ast::Expr::Ident(ident) => {
                let name = ident_text(&ident)?;
                match scope.lookup(&name) {
                    Some((Bound::InheritFrom(from), holder)) => {
                        Some(format!("{}.{name}", self.canonical(from, &holder)?))
                    }
                    _ => Some(name),
                }
            }
            ast::Expr::Select(select) => {
                let base = self.canonical(select.expr()?, &scope)?;
                let segments = attrpath_segments(&select.attrpath()?)?;
                let mut name = base;
                for (segment, _) in segments {
                    name.push('.');
                    name.push_str(&segment);
                }
                Some(name)
            }
            _ => None,
        }
    }

    /// The function an application calls, by its last name segment (`mkOption` for
    /// `lib.options.mkOption`), with the arguments in order.
    fn call(&mut self, expr: &ast::Expr, scope: &Rc<Scope>) -> Option<(String, Vec<ast::Expr>)> {
        let (head, args) = flatten_apply(expr.clone())?;
        let name = self.canonical(head, scope)?;
        let last = name.rsplit('.').next().unwrap_or(&name).to_string();
        Some((last, args))
    }

    // ---- modules ----

    /// A module: a function (any number of leading lambdas), an attrset, `mkMerge`/`mkIf` of
    /// modules, or a path to one. `prefix` is the option path of an enclosing submodule.
    fn module(&mut self, expr: ast::Expr, scope: &Rc<Scope>, prefix: &[String]) {
        self.guarded(expr.clone(), |ex| ex.module_inner(expr, scope, prefix));
    }

    fn module_inner(&mut self, expr: ast::Expr, scope: &Rc<Scope>, prefix: &[String]) {
        let (expr, scope) = self.deref(expr, scope);
        match &expr {
            ast::Expr::Lambda(lambda) => {
                let inner = Scope::with_lambda(&scope, lambda);
                if let Some(body) = lambda.body() {
                    self.module(body, &inner, prefix);
                }
            }
            ast::Expr::AttrSet(set) => self.module_attrs(set, &scope, prefix),
            ast::Expr::BinOp(op) if op.operator() == Some(BinOpKind::Update) => {
                for side in [op.lhs(), op.rhs()].into_iter().flatten() {
                    self.module(side, &scope, prefix);
                }
            }
            ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) => {
                self.import_item(expr.clone(), &scope, prefix)
            }
            ast::Expr::Apply(_) => match self.call(&expr, &scope) {
                Some((name, args)) if name == "mkMerge" && args.len() == 1 => {
                    for item in self.list_items(args[0].clone(), &scope) {
                        self.module(item, &scope, prefix);
                    }
                }
                Some((name, args)) if name == "mkIf" && args.len() == 2 => {
                    self.module(args[1].clone(), &scope, prefix);
                }
                Some((name, _)) if name == "import" => self.import_item(expr, &scope, prefix),
                _ => self.problem(
                    expr.syntax().text_range(),
                    format!(
                        "module `{}` is not a static attrset; its declarations are skipped",
                        short_text(expr.syntax())
                    ),
                ),
            },
            _ => self.problem(
                expr.syntax().text_range(),
                format!(
                    "module `{}` is not an attrset or a function returning one; skipped",
                    short_text(expr.syntax())
                ),
            ),
        }
    }

    /// The items of a list expression (through `let`-bound names).
    fn list_items(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Vec<ast::Expr> {
        match self.deref(expr, scope).0 {
            ast::Expr::List(list) => list.items().collect(),
            _ => Vec::new(),
        }
    }

    fn module_attrs(&mut self, set: &ast::AttrSet, scope: &Rc<Scope>, prefix: &[String]) {
        for (segments, apv) in static_bindings(set) {
            let Some(value) = apv.value() else {
                continue;
            };
            match segments[0].0.as_str() {
                "options" => {
                    let mut path = prefix.to_vec();
                    path.extend(segments[1..].iter().map(|(s, _)| s.clone()));
                    let name = segments.last().map(|(_, r)| *r);
                    self.options(&mut path, name, value, scope);
                }
                "imports" if segments.len() == 1 => self.imports(value, scope, prefix),
                _ => {}
            }
        }
    }

    // ---- options ----

    /// Declarations below `path`: an option constructor, or an attrset of them (nested and
    /// dotted keys), also through `mkMerge`, `mkIf`, `let` and `with`. `name` is the range of
    /// the last key segment written.
    fn options(
        &mut self,
        path: &mut Vec<String>,
        name: Option<TextRange>,
        expr: ast::Expr,
        scope: &Rc<Scope>,
    ) {
        self.guarded(expr.clone(), |ex| ex.options_inner(path, name, expr, scope));
    }

    fn options_inner(
        &mut self,
        path: &mut Vec<String>,
        name: Option<TextRange>,
        expr: ast::Expr,
        scope: &Rc<Scope>,
    ) {
        let (expr, scope) = self.deref(expr, scope);
        if let Some(draft) = self.option_decl(expr.clone(), &scope) {
            let range = name.unwrap_or_else(|| expr.syntax().text_range());
            self.emit(path, range, draft);
            return;
        }
        match &expr {
            ast::Expr::AttrSet(set) => {
                for entry in set.entries() {
                    let ast::Entry::AttrpathValue(apv) = entry else {
                        continue;
                    };
                    let (Some(attrpath), Some(value)) = (apv.attrpath(), apv.value()) else {
                        continue;
                    };
                    let Some(segments) = attrpath_segments(&attrpath) else {
                        self.problem(
                            attrpath.syntax().text_range(),
                            format!(
                                "option name `{}` is not static; skipped",
                                short_text(attrpath.syntax())
                            ),
                        );
                        continue;
                    };
                    let depth = path.len();
                    path.extend(segments.iter().map(|(s, _)| s.clone()));
                    let last = segments.last().map(|(_, r)| *r);
                    self.options(path, last, value, &scope);
                    path.truncate(depth);
                }
            }
            _ => {
                match self.call(&expr, &scope) {
                    Some((f, args)) if f == "mkMerge" && args.len() == 1 => {
                        for item in self.list_items(args[0].clone(), &scope) {
                            self.options(path, name, item, &scope);
                        }
                        return;
                    }
                    Some((f, args)) if f == "mkIf" && args.len() == 2 => {
                        self.options(path, name, args[1].clone(), &scope);
                        return;
                    }
                    _ => {}
                }
                let at = if path.is_empty() {
                    "`options`".to_string()
                } else {
                    format!("`options.{}`", path.join("."))
                };
                self.problem(
                    expr.syntax().text_range(),
                    format!(
                        "{at} is `{}`, not an option declaration or an attrset of them; skipped",
                        short_text(expr.syntax())
                    ),
                );
            }
        }
    }

    fn emit(&mut self, path: &[String], range: TextRange, draft: Draft) {
        if path.is_empty() {
            self.problem(
                range,
                "an option declared as `options` itself has no name; skipped".into(),
            );
            return;
        }
        let submodules = draft.submodules;
        self.out.options.push(OptionDecl {
            path: path.to_vec(),
            ty: draft.ty,
            type_text: draft.type_text,
            default: draft.default,
            default_text: draft.default_text,
            description: draft.description,
            example: draft.example,
            internal: draft.internal,
            read_only: draft.read_only,
            visible: draft.visible,
            file: self.path.to_string(),
            range,
        });
        for sub in submodules {
            let mut prefix = path.to_vec();
            prefix.extend(sub.suffix);
            self.module(sub.module, &sub.scope, &prefix);
        }
    }

    /// An option constructor: `mkOption { ... }`, `mkEnableOption "x"`, `mkPackageOption pkgs
    /// "x" { ... }`, each possibly followed by `// { default = ...; }`.
    fn option_decl(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Option<Draft> {
        self.guarded(expr.clone(), |ex| ex.option_decl_inner(expr, scope))
            .flatten()
    }

    fn option_decl_inner(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Option<Draft> {
        let (expr, scope) = self.deref(expr, scope);
        match &expr {
            ast::Expr::BinOp(op) if op.operator() == Some(BinOpKind::Update) => {
                let mut draft = self.option_decl(op.lhs()?, &scope)?;
                if let Some(attrs) = self.static_attrs(op.rhs()?, &scope) {
                    self.apply_attrs(&mut draft, attrs);
                }
                Some(draft)
            }
            ast::Expr::Apply(_) => {
                let (name, args) = self.call(&expr, &scope)?;
                match (name.as_str(), args.len()) {
                    ("mkOption", 1) => {
                        let mut draft = Draft::new(OptionType::Unspecified, "");
                        if let Some(attrs) = self.static_attrs(args[0].clone(), &scope) {
                            self.apply_attrs(&mut draft, attrs);
                        }
                        Some(draft)
                    }
                    ("mkEnableOption", 1) => {
                        let mut draft = Draft::new(OptionType::Bool, "types.bool");
                        draft.default = Some(DefaultValue::Literal(LiteralValue::Bool(false)));
                        draft.example = Some("true".into());
                        draft.description = self
                            .string_text(args[0].clone(), &scope)
                            .map(|name| format!("Whether to enable {name}."));
                        Some(draft)
                    }
                    ("mkPackageOption" | "mkPackageOptionMD", 2 | 3) => {
                        Some(self.package_option(&args, &scope))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `mkPackageOption pkgs "name" { default, nullable, example, extraDescription, pkgsText }`.
    fn package_option(&mut self, args: &[ast::Expr], scope: &Rc<Scope>) -> Draft {
        let name = match self.eval(args[1].clone(), scope) {
            Value::Str(s) => s,
            value => value
                .strings()
                .map(|p| p.join("."))
                .unwrap_or_else(|| collapsed_text(args[1].syntax())),
        };
        let mut nullable = false;
        let mut default_path = Some(name.clone());
        let mut pkgs_text = "pkgs".to_string();
        let mut extra = None;
        let mut example = None;
        if let Some(attrs) = args
            .get(2)
            .and_then(|a| self.static_attrs(a.clone(), scope))
        {
            for (key, value, scope) in attrs {
                match key.as_str() {
                    "nullable" => nullable = self.eval(value, &scope) == Value::Bool(true),
                    "default" => {
                        default_path = match self.eval(value.clone(), &scope) {
                            Value::Str(s) => Some(s),
                            Value::Null => None,
                            v => Some(
                                v.strings()
                                    .map(|p| p.join("."))
                                    .unwrap_or_else(|| collapsed_text(value.syntax())),
                            ),
                        }
                    }
                    "pkgsText" => {
                        if let Value::Str(s) = self.eval(value, &scope) {
                            pkgs_text = s;
                        }
                    }
                    "extraDescription" => extra = self.string_text(value, &scope),
                    "example" => {
                        example = Some(match self.eval(value.clone(), &scope) {
                            Value::Str(s) => format!("{pkgs_text}.{s}"),
                            _ => self.doc_text(value, &scope),
                        })
                    }
                    _ => {}
                }
            }
        }
        let (ty, type_text) = if nullable {
            (
                OptionType::NullOr(Box::new(OptionType::Package)),
                "types.nullOr types.package",
            )
        } else {
            (OptionType::Package, "types.package")
        };
        let mut draft = Draft::new(ty, type_text);
        match default_path {
            Some(p) => {
                let text = format!("{pkgs_text}.{p}");
                draft.default = Some(DefaultValue::Expr(text.clone()));
                draft.default_text = Some(text);
            }
            None => draft.default = Some(DefaultValue::Literal(LiteralValue::Null)),
        }
        let mut description = format!("The {name} package to use.");
        if let Some(extra) = extra.filter(|e| !e.is_empty()) {
            description.push(' ');
            description.push_str(&extra);
        }
        draft.description = Some(description);
        draft.example = example;
        draft
    }

    /// The attributes of an attrset literal (through names and `//`), later ones winning.
    fn static_attrs(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Option<Vec<ScopedAttr>> {
        self.guarded(expr.clone(), |ex| ex.static_attrs_inner(expr, scope))
            .flatten()
    }

    fn static_attrs_inner(
        &mut self,
        expr: ast::Expr,
        scope: &Rc<Scope>,
    ) -> Option<Vec<ScopedAttr>> {
        let (expr, scope) = self.deref(expr, scope);
        match &expr {
            ast::Expr::AttrSet(set) => Some(
                static_bindings(set)
                    .filter(|(segments, _)| segments.len() == 1)
                    .filter_map(|(segments, apv)| {
                        Some((segments[0].0.clone(), apv.value()?, scope.clone()))
                    })
                    .collect(),
            ),
            ast::Expr::BinOp(op) if op.operator() == Some(BinOpKind::Update) => {
                let mut attrs = self.static_attrs(op.lhs()?, &scope)?;
                attrs.extend(self.static_attrs(op.rhs()?, &scope)?);
                Some(attrs)
            }
            _ => None,
        }
    }

    /// The attributes of `mkOption { ... }` (or of `// { ... }` after a constructor).
    fn apply_attrs(&mut self, draft: &mut Draft, attrs: Vec<ScopedAttr>) {
        for (key, value, scope) in attrs {
            match key.as_str() {
                "type" => {
                    let mut submodules = Vec::new();
                    draft.ty = self.parse_type(value.clone(), &scope, &[], &mut submodules);
                    // Inline submodule bodies are declarations of their own, not type text.
                    let bodies: Vec<TextRange> = submodules
                        .iter()
                        .filter_map(|sub| module_body_range(&sub.module))
                        .collect();
                    draft.type_text = collapsed_text_eliding(value.syntax(), &bodies);
                    draft.submodules = submodules;
                }
                "default" => {
                    draft.default = Some(match literal(&value, 0) {
                        Some(v) => DefaultValue::Literal(v),
                        None => DefaultValue::Expr(collapsed_text(value.syntax())),
                    })
                }
                "defaultText" => draft.default_text = Some(self.doc_text(value, &scope)),
                "description" => draft.description = self.string_text(value, &scope),
                "example" => {
                    draft.example = Some(match self.literal_doc(value.clone(), &scope) {
                        Some(text) => text,
                        None => collapsed_text(value.syntax()),
                    })
                }
                "internal" => draft.internal = self.eval(value, &scope) == Value::Bool(true),
                "readOnly" => draft.read_only = self.eval(value, &scope) == Value::Bool(true),
                "visible" => {
                    draft.visible = match self.eval(value, &scope) {
                        Value::Bool(b) => Some(b),
                        Value::Str(s) if s == "shallow" => Some(true),
                        Value::Str(s) if s == "transparent" => Some(false),
                        _ => None,
                    }
                }
                _ => {}
            }
        }
    }

    // ---- types ----

    /// The type an expression denotes. Submodules found on the way are pushed to `submodules`
    /// with the path `suffix` their options get (`*` per list or attrset level).
    fn parse_type(
        &mut self,
        expr: ast::Expr,
        scope: &Rc<Scope>,
        suffix: &[String],
        submodules: &mut Vec<SubmoduleRef>,
    ) -> OptionType {
        let at = expr.clone();
        self.guarded(expr.clone(), |ex| {
            ex.parse_type_inner(expr, scope, suffix, submodules)
        })
        .unwrap_or_else(|| OptionType::Unknown(collapsed_text(at.syntax())))
    }

    fn parse_type_inner(
        &mut self,
        expr: ast::Expr,
        scope: &Rc<Scope>,
        suffix: &[String],
        submodules: &mut Vec<SubmoduleRef>,
    ) -> OptionType {
        use OptionType as T;
        let (expr, scope) = self.deref(expr, scope);
        let unknown = || T::Unknown(collapsed_text(expr.syntax()));
        let Some((head, args)) = flatten_apply(expr.clone()) else {
            return unknown();
        };
        let Some(canonical) = self.canonical(head, &scope) else {
            return unknown();
        };
        let name = type_name(&canonical);
        let elem = |suffix: &[String]| {
            let mut s = suffix.to_vec();
            s.push("*".to_string());
            s
        };
        macro_rules! sub {
            ($t:expr, $suffix:expr) => {
                Box::new(self.parse_type($t.clone(), &scope, $suffix, submodules))
            };
        }
        match (name.as_str(), args.as_slice()) {
            ("bool", []) => T::Bool,
            ("int", []) | ("ints.signed", []) => T::Int,
            ("ints.positive", []) => T::IntsPositive,
            ("ints.unsigned", []) => T::IntsUnsigned,
            ("ints.u8", []) => T::IntsBetween(0, 255),
            ("ints.u16", []) => T::IntsBetween(0, 65535),
            ("ints.u32", []) => T::IntsBetween(0, 4294967295),
            ("ints.s8", []) => T::IntsBetween(-128, 127),
            ("ints.s16", []) => T::IntsBetween(-32768, 32767),
            ("ints.s32", []) => T::IntsBetween(-2147483648, 2147483647),
            ("port" | "ints.port", []) => T::Port,
            ("float", []) => T::Float,
            ("number", []) => T::Number,
            ("str" | "string", []) => T::Str,
            ("nonEmptyStr", []) => T::NonEmptyStr,
            ("singleLineStr", []) => T::SingleLineStr,
            ("lines", []) => T::Lines,
            ("commas", []) => T::SeparatedString(",".into()),
            ("envVar", []) => T::SeparatedString(":".into()),
            ("path" | "pathInStore" | "externalPath", []) => T::Path,
            ("package" | "shellPackage", []) => T::Package,
            ("anything", []) => T::Anything,
            ("raw", []) => T::Raw,
            ("attrs", []) => T::Attrs,
            ("unspecified", []) => T::Unspecified,
            ("deferredModule", []) => T::DeferredModule,
            ("ints.between", [lo, hi]) => {
                match (self.eval(lo.clone(), &scope), self.eval(hi.clone(), &scope)) {
                    (Value::Int(lo), Value::Int(hi)) => T::IntsBetween(lo, hi),
                    _ => unknown(),
                }
            }
            ("strMatching", [re]) => match self.eval(re.clone(), &scope) {
                Value::Str(re) => T::StrMatching(re),
                _ => unknown(),
            },
            ("separatedString", [sep]) => match self.eval(sep.clone(), &scope) {
                Value::Str(sep) => T::SeparatedString(sep),
                _ => unknown(),
            },
            ("enum", [values]) => match self.eval(values.clone(), &scope).enum_values() {
                Some(values) => T::Enum(values),
                None => unknown(),
            },
            ("nullOr", [t]) => T::NullOr(sub!(t, suffix)),
            ("listOf" | "nonEmptyListOf", [t]) => T::ListOf(sub!(t, &elem(suffix))),
            ("attrsOf" | "lazyAttrsOf", [t]) => T::AttrsOf(sub!(t, &elem(suffix))),
            ("attrsWith", [spec]) => {
                let elem_type = self
                    .static_attrs(spec.clone(), &scope)
                    .and_then(|attrs| attrs.into_iter().rev().find(|(k, _, _)| k == "elemType"));
                match elem_type {
                    Some((_, t, s)) => {
                        T::AttrsOf(Box::new(self.parse_type(t, &s, &elem(suffix), submodules)))
                    }
                    None => unknown(),
                }
            }
            ("uniq" | "unique" | "passwdEntry", [.., t]) => *sub!(t, suffix),
            ("addCheck", [t, _]) => *sub!(t, suffix),
            ("either", [a, b]) => T::Either(sub!(a, suffix), sub!(b, suffix)),
            ("oneOf", [list]) => {
                let items = self.list_items(list.clone(), &scope);
                if items.is_empty() {
                    return unknown();
                }
                T::OneOf(items.iter().map(|t| *sub!(t, suffix)).collect())
            }
            ("coercedTo", [from, _, to]) => T::CoercedTo(sub!(from, &[]), sub!(to, suffix)),
            ("functionTo", [t]) => {
                // Options of a submodule returned by a function are not addressable.
                let mut ignored = Vec::new();
                T::FunctionTo(Box::new(self.parse_type(
                    t.clone(),
                    &scope,
                    suffix,
                    &mut ignored,
                )))
            }
            ("submodule", [module]) => {
                let (module, module_scope) = self.deref(module.clone(), &scope);
                let modules = match &module {
                    ast::Expr::List(list) => list.items().collect(),
                    _ => vec![module],
                };
                for module in modules {
                    submodules.push(SubmoduleRef {
                        suffix: suffix.to_vec(),
                        module,
                        scope: module_scope.clone(),
                    });
                }
                T::Submodule
            }
            ("submoduleWith", [spec]) => {
                let modules = self
                    .static_attrs(spec.clone(), &scope)
                    .and_then(|attrs| attrs.into_iter().rev().find(|(k, _, _)| k == "modules"));
                if let Some((_, list, list_scope)) = modules {
                    for module in self.list_items(list, &list_scope) {
                        submodules.push(SubmoduleRef {
                            suffix: suffix.to_vec(),
                            module,
                            scope: list_scope.clone(),
                        });
                    }
                }
                T::Submodule
            }
            _ => unknown(),
        }
    }

    // ---- imports and renames ----

    /// The list of an `imports`: `[ ... ]`, `a ++ b`, `lib.optional(s) cond ...`, `with lib;`,
    /// `let`, and both branches of an `if`.
    fn imports(&mut self, expr: ast::Expr, scope: &Rc<Scope>, prefix: &[String]) {
        self.guarded(expr.clone(), |ex| ex.imports_inner(expr, scope, prefix));
    }

    fn imports_inner(&mut self, expr: ast::Expr, scope: &Rc<Scope>, prefix: &[String]) {
        let (expr, scope) = self.deref(expr, scope);
        match &expr {
            ast::Expr::List(list) => {
                for item in list.items() {
                    self.import_item(item, &scope, prefix);
                }
                return;
            }
            ast::Expr::BinOp(op) if op.operator() == Some(BinOpKind::Concat) => {
                for side in [op.lhs(), op.rhs()].into_iter().flatten() {
                    self.imports(side, &scope, prefix);
                }
                return;
            }
            ast::Expr::IfElse(if_else) => {
                for branch in [if_else.body(), if_else.else_body()].into_iter().flatten() {
                    self.imports(branch, &scope, prefix);
                }
                return;
            }
            ast::Expr::Apply(_) => match self.call(&expr, &scope) {
                Some((name, args)) if name == "optionals" && args.len() == 2 => {
                    self.imports(args[1].clone(), &scope, prefix);
                    return;
                }
                Some((name, args)) if name == "optional" && args.len() == 2 => {
                    self.import_item(args[1].clone(), &scope, prefix);
                    return;
                }
                _ => {}
            },
            _ => {}
        }
        self.problem(
            expr.syntax().text_range(),
            format!(
                "`imports = {}` is not a static list; not followed",
                short_text(expr.syntax())
            ),
        );
    }

    /// One element of `imports`: a path, `import path ...`, an inline module, or an option
    /// rename.
    fn import_item(&mut self, expr: ast::Expr, scope: &Rc<Scope>, prefix: &[String]) {
        self.guarded(expr.clone(), |ex| ex.import_item_inner(expr, scope, prefix));
    }

    fn import_item_inner(&mut self, expr: ast::Expr, scope: &Rc<Scope>, prefix: &[String]) {
        let (expr, scope) = self.deref(expr, scope);
        let range = expr.syntax().text_range();
        match &expr {
            ast::Expr::PathRel(_) | ast::Expr::PathAbs(_) => {
                match static_path(&expr) {
                    Some(text) => self.out.imports.push(ImportRef {
                        path: resolve(self.path, &text),
                        range,
                        prefix: prefix.to_vec(),
                    }),
                    None => self.problem(
                        range,
                        format!(
                            "import `{}` is not a static path; not followed",
                            short_text(expr.syntax())
                        ),
                    ),
                }
                return;
            }
            ast::Expr::AttrSet(_) | ast::Expr::Lambda(_) => {
                self.module(expr, &scope, prefix);
                return;
            }
            ast::Expr::Apply(_) => {
                if let Some((name, args)) = self.call(&expr, &scope) {
                    if name == "import" && !args.is_empty() {
                        // `import ./m.nix args`: the file is a curried module, which the walk
                        // of that file handles.
                        self.import_item(args[0].clone(), &scope, prefix);
                        return;
                    }
                    if self.rename(&name, &args, &scope, prefix, range) {
                        return;
                    }
                }
            }
            _ => {}
        }
        self.problem(
            range,
            format!(
                "import `{}` is not a path literal or an inline module; not followed",
                short_text(expr.syntax())
            ),
        );
    }

    /// `mkRenamedOptionModule` and its relatives; `false` when `name` is none of them.
    fn rename(
        &mut self,
        name: &str,
        args: &[ast::Expr],
        scope: &Rc<Scope>,
        prefix: &[String],
        call: TextRange,
    ) -> bool {
        let kind = match name {
            "mkRenamedOptionModule" | "mkRenamedOptionModuleWith" => RenameKind::Renamed,
            "mkAliasOptionModule" | "mkAliasOptionModuleMD" => RenameKind::Alias,
            "mkRemovedOptionModule" => RenameKind::Removed,
            "mkChangedOptionModule" => RenameKind::Changed,
            "mkMergedOptionModule" => RenameKind::Merged,
            _ => return false,
        };
        // (old path expressions, new path expression, message)
        let (froms, to, message): (Vec<(ast::Expr, Rc<Scope>)>, Option<_>, Option<_>) =
            match (name, args) {
                ("mkRenamedOptionModuleWith", [spec]) => {
                    let attrs = self.static_attrs(spec.clone(), scope).unwrap_or_default();
                    let find = |key: &str| {
                        attrs
                            .iter()
                            .rev()
                            .find(|(k, _, _)| k == key)
                            .map(|(_, v, s)| (v.clone(), s.clone()))
                    };
                    (find("from").into_iter().collect(), find("to"), None)
                }
                ("mkRemovedOptionModule", [from, message]) => {
                    let message = self.string_text(message.clone(), scope);
                    (vec![(from.clone(), scope.clone())], None, message)
                }
                ("mkMergedOptionModule", [froms, to, _]) => {
                    let (froms, froms_scope) = self.deref(froms.clone(), scope);
                    let froms = match froms {
                        ast::Expr::List(list) => {
                            list.items().map(|f| (f, froms_scope.clone())).collect()
                        }
                        _ => Vec::new(),
                    };
                    (froms, Some((to.clone(), scope.clone())), None)
                }
                (_, [from, to, ..]) if kind != RenameKind::Removed => (
                    vec![(from.clone(), scope.clone())],
                    Some((to.clone(), scope.clone())),
                    None,
                ),
                _ => (Vec::new(), None, None),
            };
        let to_path = match &to {
            Some((expr, scope)) => self.eval(expr.clone(), scope).strings(),
            None => Some(Vec::new()),
        };
        let mut froms_done = 0;
        for (from, from_scope) in &froms {
            let Some(from_path) = self.eval(from.clone(), from_scope).strings() else {
                continue;
            };
            let Some(to_path) = to_path.clone() else {
                continue;
            };
            let with_prefix = |p: Vec<String>| -> Vec<String> {
                if p.is_empty() {
                    p
                } else {
                    prefix.iter().cloned().chain(p).collect()
                }
            };
            self.out.renames.push(RenameDecl {
                from: with_prefix(from_path),
                to: with_prefix(to_path),
                kind,
                message: message.clone(),
                file: self.path.to_string(),
                range: from.syntax().text_range(),
            });
            froms_done += 1;
        }
        if froms_done == 0 || froms_done < froms.len() {
            self.problem(
                call,
                format!(
                    "`{name}` with option paths that are not literal lists of strings; skipped"
                ),
            );
        }
        true
    }

    // ---- values and text ----

    fn eval(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Value {
        self.guarded(expr.clone(), |ex| ex.eval_inner(expr, scope))
            .unwrap_or(Value::Unknown)
    }

    fn eval_inner(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Value {
        let (expr, scope) = self.deref(expr, scope);
        match &expr {
            ast::Expr::Ident(ident) => {
                let Some(name) = ident_text(ident) else {
                    return Value::Unknown;
                };
                match scope.lookup(&name) {
                    Some((Bound::InheritFrom(from), holder)) => {
                        let base = self.eval(from, &holder);
                        base.get(&name).cloned().unwrap_or(Value::Unknown)
                    }
                    Some(_) => Value::Unknown,
                    None => match name.as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        "null" => Value::Null,
                        _ => Value::Unknown,
                    },
                }
            }
            ast::Expr::Literal(lit) => match lit.syntax().first_token() {
                Some(t) if t.kind() == SyntaxKind::TOKEN_INTEGER => {
                    t.text().parse().map_or(Value::Unknown, Value::Int)
                }
                Some(t) if t.kind() == SyntaxKind::TOKEN_FLOAT => Value::Float(t.text().into()),
                Some(t) if t.kind() == SyntaxKind::TOKEN_URI => Value::Str(t.text().into()),
                _ => Value::Unknown,
            },
            ast::Expr::UnaryOp(op) if op.operator() == Some(UnaryOpKind::Negate) => {
                match op.expr().map(|e| self.eval(e, &scope)) {
                    Some(Value::Int(i)) => i.checked_neg().map_or(Value::Unknown, Value::Int),
                    _ => Value::Unknown,
                }
            }
            ast::Expr::Str(s) => {
                let Some(parts) = string_parts(s) else {
                    return Value::Unknown;
                };
                let mut out = String::new();
                for part in parts {
                    match part {
                        InterpolPart::Literal(text) => out.push_str(&text),
                        InterpolPart::Interpolation(interpol) => {
                            match interpol.expr().map(|e| self.eval(e, &scope)) {
                                Some(Value::Str(text)) => out.push_str(&text),
                                _ => return Value::Unknown,
                            }
                        }
                    }
                }
                Value::Str(out)
            }
            ast::Expr::List(list) => {
                Value::List(list.items().map(|item| self.eval(item, &scope)).collect())
            }
            ast::Expr::AttrSet(set) => self.eval_attrs(set, &scope),
            ast::Expr::Select(select) => {
                let base = match select.expr() {
                    Some(base) => self.eval(base, &scope),
                    None => return Value::Unknown,
                };
                let found = select
                    .attrpath()
                    .and_then(|p| attrpath_segments(&p))
                    .and_then(|segments| {
                        segments
                            .iter()
                            .try_fold(&base, |value, (key, _)| value.get(key))
                            .cloned()
                    });
                match (found, select.default_expr()) {
                    (Some(value), _) => value,
                    (None, Some(default)) if matches!(base, Value::Attrs(_)) => {
                        self.eval(default, &scope)
                    }
                    _ => Value::Unknown,
                }
            }
            ast::Expr::BinOp(op) => {
                let (Some(lhs), Some(rhs)) = (op.lhs(), op.rhs()) else {
                    return Value::Unknown;
                };
                let kind = op.operator();
                let (lhs, rhs) = (self.eval(lhs, &scope), self.eval(rhs, &scope));
                match (kind, lhs, rhs) {
                    (Some(BinOpKind::Concat), Value::List(mut a), Value::List(b)) => {
                        a.extend(b);
                        Value::List(a)
                    }
                    (Some(BinOpKind::Update), Value::Attrs(mut a), Value::Attrs(b)) => {
                        for (key, value) in b {
                            a.retain(|(k, _)| *k != key);
                            a.push((key, value));
                        }
                        Value::Attrs(a)
                    }
                    (Some(BinOpKind::Add), Value::Str(mut a), Value::Str(b)) => {
                        a.push_str(&b);
                        Value::Str(a)
                    }
                    (Some(BinOpKind::Add), Value::Int(a), Value::Int(b)) => {
                        a.checked_add(b).map_or(Value::Unknown, Value::Int)
                    }
                    _ => Value::Unknown,
                }
            }
            ast::Expr::Apply(_) => self.eval_call(&expr, &scope),
            _ => Value::Unknown,
        }
    }

    fn eval_attrs(&mut self, set: &ast::AttrSet, scope: &Rc<Scope>) -> Value {
        let mut attrs: Vec<(String, Value)> = Vec::new();
        for entry in set.entries() {
            match entry {
                ast::Entry::AttrpathValue(apv) => {
                    let Some(segments) = apv.attrpath().and_then(|p| attrpath_segments(&p)) else {
                        // A dynamic key: the names are not known.
                        return Value::Unknown;
                    };
                    let value = apv.value().map_or(Value::Unknown, |v| self.eval(v, scope));
                    insert_path(&mut attrs, &segments, value);
                }
                ast::Entry::Inherit(inherit) => {
                    let from = inherit.from().and_then(|f| f.expr());
                    let base = from.map(|f| self.eval(f, scope));
                    for attr in inherit.attrs() {
                        let Some(name) = syntax::attr_name(&attr) else {
                            return Value::Unknown;
                        };
                        let value = match &base {
                            Some(base) => base.get(&name).cloned().unwrap_or(Value::Unknown),
                            None => self.eval_name(&name, attr.syntax(), scope),
                        };
                        attrs.push((name, value));
                    }
                }
            }
        }
        Value::Attrs(attrs)
    }

    /// The value of a name in scope (for `inherit name;` in an attrset).
    fn eval_name(&mut self, name: &str, at: &SyntaxNode, scope: &Rc<Scope>) -> Value {
        match scope.lookup(name) {
            Some((Bound::Expr(value), holder)) => self.eval(value, &holder),
            Some((Bound::InheritFrom(from), holder)) => {
                let base = self.eval(from, &holder);
                base.get(name).cloned().unwrap_or(Value::Unknown)
            }
            Some((Bound::InheritOuter, holder)) => match &holder.parent {
                Some(parent) => {
                    let parent = parent.clone();
                    if !self.enter(at) {
                        return Value::Unknown;
                    }
                    let value = self.eval_name(name, at, &parent);
                    self.depth -= 1;
                    value
                }
                None => Value::Unknown,
            },
            _ => Value::Unknown,
        }
    }

    /// The few library functions that enum lists are built with.
    fn eval_call(&mut self, expr: &ast::Expr, scope: &Rc<Scope>) -> Value {
        let Some((name, args)) = self.call(expr, scope) else {
            return Value::Unknown;
        };
        let arg = |ex: &mut Self, i: usize| ex.eval(args[i].clone(), scope);
        match (name.as_str(), args.len()) {
            ("attrNames", 1) => match arg(self, 0) {
                Value::Attrs(attrs) => {
                    let mut names: Vec<String> = attrs.into_iter().map(|(k, _)| k).collect();
                    names.sort();
                    names.dedup();
                    Value::List(names.into_iter().map(Value::Str).collect())
                }
                _ => Value::Unknown,
            },
            ("attrValues", 1) => match arg(self, 0) {
                Value::Attrs(mut attrs) => {
                    attrs.sort_by(|a, b| a.0.cmp(&b.0));
                    Value::List(attrs.into_iter().map(|(_, v)| v).collect())
                }
                _ => Value::Unknown,
            },
            // Conditional parts count as present: an enum then accepts a little more.
            ("optionals", 2) => arg(self, 1),
            ("optional", 2) => Value::List(vec![arg(self, 1)]),
            ("concatLists" | "flatten", 1) => match arg(self, 0) {
                Value::List(lists) => {
                    let mut out = Vec::new();
                    for list in lists {
                        match list {
                            Value::List(items) => out.extend(items),
                            _ => return Value::Unknown,
                        }
                    }
                    Value::List(out)
                }
                _ => Value::Unknown,
            },
            ("unique", 1) => match arg(self, 0) {
                Value::List(items) => {
                    let mut out: Vec<Value> = Vec::new();
                    for item in items {
                        if !out.contains(&item) {
                            out.push(item);
                        }
                    }
                    Value::List(out)
                }
                _ => Value::Unknown,
            },
            ("genAttrs", 2) => match arg(self, 0).strings() {
                Some(names) => Value::Attrs(
                    names
                        .into_iter()
                        .map(|name| (name, Value::Unknown))
                        .collect(),
                ),
                None => Value::Unknown,
            },
            _ => Value::Unknown,
        }
    }

    /// A text: a string (interpolations it cannot resolve kept as written), also through
    /// `mdDoc`, `literalMD`, `+`, and names bound to one.
    fn string_text(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Option<String> {
        self.guarded(expr.clone(), |ex| ex.string_text_inner(expr, scope))
            .flatten()
    }

    fn string_text_inner(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Option<String> {
        let (expr, scope) = self.deref(expr, scope);
        match &expr {
            ast::Expr::Str(s) => {
                let mut out = String::new();
                for part in string_parts(s)? {
                    match part {
                        InterpolPart::Literal(text) => out.push_str(&text),
                        InterpolPart::Interpolation(interpol) => {
                            match interpol.expr().map(|e| self.eval(e, &scope)) {
                                Some(Value::Str(text)) => out.push_str(&text),
                                _ => out.push_str(&interpol.syntax().text().to_string()),
                            }
                        }
                    }
                }
                Some(out.trim_end().to_string())
            }
            ast::Expr::BinOp(op) if op.operator() == Some(BinOpKind::Add) => {
                let lhs = self.string_text(op.lhs()?, &scope)?;
                let rhs = self.string_text(op.rhs()?, &scope)?;
                Some(lhs + &rhs)
            }
            ast::Expr::Apply(_) => match self.call(&expr, &scope)? {
                (name, args)
                    if args.len() == 1
                        && matches!(
                            name.as_str(),
                            "mdDoc" | "literalMD" | "literalDocBook" | "doRename"
                        ) =>
                {
                    self.string_text(args[0].clone(), &scope)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The text inside `literalExpression "..."` / `literalMD "..."` / `literalExample`.
    fn literal_doc(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> Option<String> {
        let (expr, scope) = self.deref(expr, scope);
        let (name, args) = self.call(&expr, &scope)?;
        match (name.as_str(), args.as_slice()) {
            ("literalExpression" | "literalExample" | "literalMD" | "literalDocBook", [arg]) => {
                self.string_text(arg.clone(), &scope)
            }
            _ => None,
        }
    }

    /// `defaultText`: the text inside `literalExpression`, a plain string, or the expression.
    fn doc_text(&mut self, expr: ast::Expr, scope: &Rc<Scope>) -> String {
        if let Some(text) = self.literal_doc(expr.clone(), scope) {
            return text;
        }
        if let ast::Expr::Str(_) = unparen(expr.clone()) {
            if let Some(text) = self.string_text(expr.clone(), scope) {
                return text;
            }
        }
        collapsed_text(expr.syntax())
    }
}

/// Inserts `value` at a dotted key path into an attrset being built.
fn insert_path(attrs: &mut Vec<(String, Value)>, path: &[(String, TextRange)], value: Value) {
    let Some(((key, _), rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        attrs.retain(|(k, _)| k != key);
        attrs.push((key.clone(), value));
        return;
    }
    let index = match attrs.iter().position(|(k, _)| k == key) {
        Some(i) => i,
        None => {
            attrs.push((key.clone(), Value::Attrs(Vec::new())));
            attrs.len() - 1
        }
    };
    match &mut attrs[index].1 {
        Value::Attrs(inner) => insert_path(inner, rest, value),
        other => *other = Value::Unknown,
    }
}

/// The head of an application and its arguments in order: `f a b` -> (`f`, [`a`, `b`]).
fn flatten_apply(expr: ast::Expr) -> Option<(ast::Expr, Vec<ast::Expr>)> {
    let mut expr = unparen(expr);
    let mut args = Vec::new();
    while let ast::Expr::Apply(apply) = &expr {
        args.push(apply.argument()?);
        expr = unparen(apply.lambda()?);
    }
    args.reverse();
    Some((expr, args))
}

/// A type's name with any `lib.`/`types.` qualification dropped: `lib.types.ints.positive`
/// and `ints.positive` (under `with types;`) are both `ints.positive`.
fn type_name(canonical: &str) -> String {
    let segments: Vec<&str> = canonical.split('.').collect();
    let start = segments
        .iter()
        .rposition(|s| *s == "lib")
        .map_or(0, |i| i + 1);
    let mut rest = &segments[start..];
    if rest.first() == Some(&"types") {
        rest = &rest[1..];
    }
    rest.join(".")
}

/// A value written literally (no names resolved): a default that can be judged as it is.
fn literal(expr: &ast::Expr, depth: usize) -> Option<LiteralValue> {
    if depth > 32 {
        return None;
    }
    match unparen(expr.clone()) {
        ast::Expr::Ident(ident) => match ident.ident_token()?.text() {
            "true" => Some(LiteralValue::Bool(true)),
            "false" => Some(LiteralValue::Bool(false)),
            "null" => Some(LiteralValue::Null),
            _ => None,
        },
        ast::Expr::Literal(lit) => {
            let token = lit.syntax().first_token()?;
            match token.kind() {
                SyntaxKind::TOKEN_INTEGER => token.text().parse().ok().map(LiteralValue::Int),
                SyntaxKind::TOKEN_FLOAT => Some(LiteralValue::Float(token.text().into())),
                SyntaxKind::TOKEN_URI => Some(LiteralValue::Str(token.text().into())),
                _ => None,
            }
        }
        ast::Expr::UnaryOp(op) if op.operator() == Some(UnaryOpKind::Negate) => {
            match literal(&op.expr()?, depth + 1)? {
                LiteralValue::Int(i) => i.checked_neg().map(LiteralValue::Int),
                LiteralValue::Float(f) if !f.starts_with('-') => {
                    Some(LiteralValue::Float(format!("-{f}")))
                }
                _ => None,
            }
        }
        ast::Expr::Str(s) => static_string(&s).map(LiteralValue::Str),
        ast::Expr::List(list) => list
            .items()
            .map(|item| literal(&item, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(LiteralValue::List),
        ast::Expr::AttrSet(set) => {
            if set.rec_token().is_some() {
                return None;
            }
            let mut attrs = Vec::new();
            for entry in set.entries() {
                let ast::Entry::AttrpathValue(apv) = entry else {
                    return None;
                };
                let segments = attrpath_segments(&apv.attrpath()?)?;
                let [(key, _)] = segments.as_slice() else {
                    return None;
                };
                attrs.push((key.clone(), literal(&apv.value()?, depth + 1)?));
            }
            Some(LiteralValue::Attrs(attrs))
        }
        _ => None,
    }
}

/// The range of a module's attrset body (for `{ ... }: { options = ...; }` the part after
/// the colon), to be shortened in type texts.
fn module_body_range(module: &ast::Expr) -> Option<TextRange> {
    match unparen(module.clone()) {
        ast::Expr::Lambda(lambda) => module_body_range(&lambda.body()?),
        body @ (ast::Expr::AttrSet(_) | ast::Expr::LetIn(_)) => Some(body.syntax().text_range()),
        _ => None,
    }
}

/// The text of a node with whitespace runs collapsed to one space and comments dropped
/// (string contents are kept as they are).
pub(crate) fn collapsed_text(node: &SyntaxNode) -> String {
    collapsed_text_eliding(node, &[])
}

/// [`collapsed_text`], with each of the `elided` ranges written as `{ ... }`.
fn collapsed_text_eliding(node: &SyntaxNode, elided: &[TextRange]) -> String {
    let mut out = String::new();
    let mut space = false;
    let mut in_elided: Option<TextRange> = None;
    for token in node
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
    {
        let range = token.text_range();
        if let Some(current) = in_elided {
            if current.contains_range(range) {
                continue;
            }
            in_elided = None;
        }
        if let Some(&hit) = elided.iter().find(|r| r.contains_range(range)) {
            in_elided = Some(hit);
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push_str("{ ... }");
            continue;
        }
        match token.kind() {
            SyntaxKind::TOKEN_WHITESPACE | SyntaxKind::TOKEN_COMMENT => space = true,
            _ => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push_str(token.text());
            }
        }
    }
    out
}

/// A short form of an expression for messages: collapsed, cut after 60 characters.
fn short_text(node: &SyntaxNode) -> String {
    let text = collapsed_text(node);
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}
