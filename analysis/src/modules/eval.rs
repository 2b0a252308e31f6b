//! A small symbolic evaluator for the parts of Nix that assemble NixOS configurations: `let`,
//! attrsets, lists and `++`, functions applied to literals (`mkHost "orin"`), `//`, selections
//! through inputs, and a few well-known functions (`import`, `nixosSystem`, `genAttrs`,
//! flake-parts' `mkFlake`, `fetchTarball`). Anything else evaluates to `Unknown`: the caller
//! skips it rather than guessing. Evaluation is bounded in depth and steps.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rnix::ast::{self, HasEntry};
use rnix::SyntaxNode;
use rowan::ast::AstNode;
use rowan::TextRange;

use super::Term;
use crate::paths;
use crate::syntax::{attr_name, attrpath_segments, function_name, static_path, string_parts};

const MAX_DEPTH: u32 = 96;
const MAX_STEPS: u32 = 200_000;

/// A value as far as the evaluator can tell.
#[derive(Clone)]
pub(crate) enum Val {
    Term(Term),
    Str(String),
    Bool(bool),
    /// Items with their ranges; `false` when part of the list could not be seen.
    List(Vec<(Val, Place)>, bool),
    Attrs(Rc<Attrs>),
    /// `inputs // { host = "orin"; }`: the attrset's names, and every other name of the term.
    Over(Term, Rc<Attrs>),
    /// `lib.mkDefault v`, `lib.mkForce v`, `lib.mkOverride 50 v`: a definition with its
    /// priority (lower wins; plain definitions are 100).
    Prio(u32, Box<Val>),
    Closure(ast::Lambda, Env),
    /// `<nixpkgs>.lib.nixosSystem { ... }`: its argument.
    NixosSystem(Box<Val>),
    /// `pkgs.nixos module`: a configuration of one module, with its range.
    NixosModule(Box<Val>, Place),
    /// `import <nixpkgs> { overlays = [ ... ]; }`: the overlays list, if any.
    Pkgs(Box<Val>),
    Unknown,
}

/// Where something is written: the file and the range in it.
#[derive(Clone, Debug)]
pub(crate) struct Place {
    pub file: String,
    pub range: TextRange,
}

/// Reads another file for `import`: the path it resolved to (`dir` → `dir/default.nix`) and
/// its syntax tree.
pub(crate) type Loader<'a> = &'a dyn Fn(&str) -> Option<(String, SyntaxNode)>;

/// An attrset whose values are evaluated on demand.
pub(crate) struct Attrs {
    /// Where the attrset is written (its identity as an inline value); `None` when made up.
    pub origin: Option<(String, u32)>,
    pub entries: Vec<(Vec<String>, Lazy)>,
    /// Whether some keys are dynamic (then a missing name may still be there).
    pub opaque: bool,
}

#[derive(Clone)]
pub(crate) enum Lazy {
    Expr(ast::Expr, Env),
    Val(Val),
}

pub(crate) type Env = Option<Rc<Frame>>;

pub(crate) struct Frame {
    names: Vec<(String, Binding)>,
    /// `with E;`: names not bound lexically are looked up in `E`.
    with: Option<Val>,
    parent: Env,
    /// For the frame of a function call, a number unique to that call (0 otherwise): a
    /// function made inside a call is a different value for every call (`mkOverlay 1`,
    /// `mkOverlay 2`).
    call: u32,
}

/// Names that `with inputs;` cannot shadow: Nix's builtins stay what they are.
const BUILTIN_NAMES: &[&str] = &[
    "import",
    "builtins",
    "map",
    "toString",
    "throw",
    "abort",
    "true",
    "false",
    "null",
    "fetchTarball",
    "fetchGit",
    "baseNameOf",
    "dirOf",
    "removeAttrs",
    "isNull",
    "derivation",
];

#[derive(Clone)]
enum Binding {
    /// Evaluated in the environment starting at its own frame (`let` is recursive).
    Rec(ast::Expr),
    Lazy(Lazy),
}

pub(crate) struct Evaluator<'a> {
    /// The file being evaluated (absolute).
    pub file: &'a str,
    /// Every syntax tree evaluated, with its file: nodes are placed in files through them.
    roots: RefCell<Vec<(SyntaxNode, String)>>,
    loader: Option<Loader<'a>>,
    depth: Cell<u32>,
    steps: Cell<u32>,
    /// Function calls made so far (numbers the call frames).
    calls: Cell<u32>,
}

impl<'a> Evaluator<'a> {
    pub fn new(file: &'a str, root: &SyntaxNode, loader: Option<Loader<'a>>) -> Evaluator<'a> {
        Evaluator {
            file,
            roots: RefCell::new(vec![(root.clone(), file.to_string())]),
            loader,
            depth: Cell::new(0),
            steps: Cell::new(0),
            calls: Cell::new(0),
        }
    }

    /// The file a node is written in.
    pub fn file_of(&self, node: &SyntaxNode) -> String {
        let root = node.ancestors().last().unwrap_or_else(|| node.clone());
        self.roots
            .borrow()
            .iter()
            .find(|(r, _)| *r == root)
            .map_or_else(|| self.file.to_string(), |(_, f)| f.clone())
    }

    /// The attrset literal written at `offset` in `file`, among the trees evaluated.
    pub fn attrset_at(&self, file: &str, offset: u32) -> Option<ast::AttrSet> {
        let roots = self.roots.borrow();
        let (root, _) = roots.iter().find(|(_, f)| f == file)?;
        let token = root.token_at_offset(offset.into()).right_biased()?;
        token.parent_ancestors().find_map(|n| {
            (u32::from(n.text_range().start()) == offset)
                .then(|| ast::AttrSet::cast(n))
                .flatten()
        })
    }

    pub fn place(&self, node: &SyntaxNode) -> Place {
        Place {
            file: self.file_of(node),
            range: node.text_range(),
        }
    }

    /// The value of `import <file>` when a loader can read the file; the term otherwise.
    pub fn load(&self, val: Val) -> Val {
        let (Some(loader), Val::Term(Term::Import(inner))) = (self.loader, &val) else {
            return val;
        };
        let Term::File(path) = &**inner else {
            return val;
        };
        let Some((file, root)) = loader(path) else {
            return val;
        };
        self.roots.borrow_mut().push((root.clone(), file));
        match ast::Root::cast(root).and_then(|r| r.expr()) {
            Some(expr) => self.eval(&expr, &None),
            None => Val::Unknown,
        }
    }

    pub fn eval(&self, expr: &ast::Expr, env: &Env) -> Val {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > MAX_STEPS || self.depth.get() > MAX_DEPTH {
            return Val::Unknown;
        }
        self.depth.set(self.depth.get() + 1);
        let val = self.eval_inner(expr, env);
        self.depth.set(self.depth.get() - 1);
        val
    }

    /// Runs `f` one level deeper (for walks outside `eval`, such as modules inside `imports`),
    /// or returns `None` past the depth bound.
    pub fn nested<T>(&self, f: impl FnOnce() -> T) -> Option<T> {
        if self.depth.get() > MAX_DEPTH {
            return None;
        }
        self.depth.set(self.depth.get() + 4);
        let out = f();
        self.depth.set(self.depth.get() - 4);
        Some(out)
    }

    pub fn force(&self, lazy: &Lazy) -> Val {
        match lazy {
            Lazy::Expr(e, env) => self.eval(e, env),
            Lazy::Val(v) => v.clone(),
        }
    }

    fn eval_inner(&self, expr: &ast::Expr, env: &Env) -> Val {
        match expr {
            ast::Expr::Paren(p) => match p.expr() {
                Some(e) => self.eval(&e, env),
                None => Val::Unknown,
            },
            ast::Expr::Ident(i) => {
                let Some(tok) = i.ident_token() else {
                    return Val::Unknown;
                };
                self.lookup(tok.text(), env)
                    .unwrap_or_else(|| match tok.text() {
                        "true" => Val::Bool(true),
                        "false" => Val::Bool(false),
                        _ => Val::Unknown,
                    })
            }
            ast::Expr::Select(s) => {
                let (Some(base), Some(path)) = (s.expr(), s.attrpath()) else {
                    return Val::Unknown;
                };
                let Some(segments) = attrpath_segments(&path) else {
                    return Val::Unknown;
                };
                let mut val = self.eval(&base, env);
                for (seg, _) in &segments {
                    val = self.select(val, seg);
                }
                val
            }
            ast::Expr::Str(s) => self.string(s, env),
            ast::Expr::PathRel(_) | ast::Expr::PathAbs(_) => self.path(expr, env),
            ast::Expr::List(l) => Val::List(
                l.items()
                    .map(|item| (self.eval(&item, env), self.place(item.syntax())))
                    .collect(),
                true,
            ),
            ast::Expr::AttrSet(set) => {
                let offset = Some((
                    self.file_of(set.syntax()),
                    u32::from(set.syntax().text_range().start()),
                ));
                if set.rec_token().is_some() {
                    // `rec { }`: its values see its own keys, like `let`.
                    let mut names = Vec::new();
                    for (segments, apv) in crate::syntax::static_bindings(set) {
                        if let (1, Some(value)) = (segments.len(), apv.value()) {
                            names.push((segments[0].0.clone(), Binding::Rec(value)));
                        }
                    }
                    for inherit in set.inherits() {
                        for (name, lazy) in self.inherit(&inherit, env) {
                            names.push((name, Binding::Lazy(lazy)));
                        }
                    }
                    let frame = Some(Rc::new(Frame {
                        names,
                        with: None,
                        parent: env.clone(),
                        call: 0,
                    }));
                    return Val::Attrs(Rc::new(self.attrs(set, &frame, offset)));
                }
                Val::Attrs(Rc::new(self.attrs(set, env, offset)))
            }
            ast::Expr::LetIn(l) => {
                let mut names = Vec::new();
                for (segments, apv) in crate::syntax::static_bindings(l) {
                    if let (1, Some(value)) = (segments.len(), apv.value()) {
                        names.push((segments[0].0.clone(), Binding::Rec(value)));
                    }
                }
                let mut frame = Frame {
                    names,
                    with: None,
                    parent: env.clone(),
                    call: 0,
                };
                for inherit in l.inherits() {
                    for (name, lazy) in self.inherit(&inherit, env) {
                        frame.names.push((name, Binding::Lazy(lazy)));
                    }
                }
                let env = Some(Rc::new(frame));
                match l.body() {
                    Some(body) => self.eval(&body, &env),
                    None => Val::Unknown,
                }
            }
            ast::Expr::Lambda(l) => Val::Closure(l.clone(), env.clone()),
            ast::Expr::With(w) => {
                let (Some(scope), Some(body)) = (w.namespace(), w.body()) else {
                    return Val::Unknown;
                };
                let scope = self.eval(&scope, env);
                let env = Some(Rc::new(Frame {
                    names: Vec::new(),
                    with: Some(scope),
                    parent: env.clone(),
                    call: 0,
                }));
                self.eval(&body, &env)
            }
            ast::Expr::Apply(a) => self.apply(a, env),
            ast::Expr::BinOp(op) => {
                let (Some(lhs), Some(rhs)) = (op.lhs(), op.rhs()) else {
                    return Val::Unknown;
                };
                match op.operator() {
                    Some(ast::BinOpKind::Concat) => {
                        concat(self.eval(&lhs, env), self.eval(&rhs, env))
                    }
                    Some(ast::BinOpKind::Add) => match (self.eval(&lhs, env), self.eval(&rhs, env))
                    {
                        (Val::Str(a), Val::Str(b)) => Val::Str(a + &b),
                        // `modulesPath + "/installer/scan/not-detected.nix"`
                        (Val::Term(t), Val::Str(rel)) => Val::Term(source_file(t, &rel)),
                        _ => Val::Unknown,
                    },
                    Some(ast::BinOpKind::Update) => {
                        match (self.eval(&lhs, env), self.eval(&rhs, env)) {
                            (Val::Attrs(a), Val::Attrs(b)) => Val::Attrs(Rc::new(update(&a, &b))),
                            // `eachDefaultSystem (...) // { nixosConfigurations = ...; }`: the
                            // right side's names are known, any other may come from the left.
                            (Val::Term(t @ (Term::Inputs | Term::Args)), Val::Attrs(b))
                                if !b.opaque =>
                            {
                                Val::Over(t, b)
                            }
                            (Val::Unknown, Val::Attrs(b)) => Val::Attrs(Rc::new(Attrs {
                                origin: b.origin.clone(),
                                entries: b.entries.clone(),
                                opaque: true,
                            })),
                            _ => Val::Unknown,
                        }
                    }
                    _ => Val::Unknown,
                }
            }
            _ => Val::Unknown,
        }
    }

    fn lookup(&self, name: &str, env: &Env) -> Option<Val> {
        let mut cur = env.clone();
        while let Some(frame) = cur {
            if let Some((_, binding)) = frame.names.iter().rev().find(|(n, _)| n == name) {
                return Some(match binding {
                    Binding::Rec(e) => self.eval(e, &Some(frame.clone())),
                    Binding::Lazy(l) => self.force(l),
                });
            }
            cur = frame.parent.clone();
        }
        if BUILTIN_NAMES.contains(&name) {
            return None;
        }
        // Lexical bindings win over `with`; the innermost `with` first.
        let mut cur = env.clone();
        while let Some(frame) = cur {
            if let Some(scope) = &frame.with {
                match self.select(scope.clone(), name) {
                    Val::Unknown => {}
                    found => return Some(found),
                }
            }
            cur = frame.parent.clone();
        }
        None
    }

    /// The entries of an attrset literal (static keys), plus `inherit`s.
    /// The entries of an attrset literal, plus `inherit`s; and whether some key could not be
    /// known (`${system}` with an unknown `system`).
    fn bindings(&self, set: &impl HasEntry, env: &Env) -> (Vec<(Vec<String>, Lazy)>, bool) {
        let mut out = Vec::new();
        let mut opaque = false;
        for apv in set.attrpath_values() {
            let (Some(path), Some(value)) = (apv.attrpath(), apv.value()) else {
                continue;
            };
            let segments = match attrpath_segments(&path) {
                Some(segments) => Some(segments.into_iter().map(|(s, _)| s).collect()),
                // `nixosConfigurations.${hostname} = ...;` with `hostname` a known string.
                None => self.dynamic_segments(&path, env),
            };
            match segments {
                Some(segments) => out.push((segments, Lazy::Expr(value, env.clone()))),
                None => opaque = true,
            }
        }
        for inherit in set.inherits() {
            for (name, lazy) in self.inherit(&inherit, env) {
                out.push((vec![name], lazy));
            }
        }
        (out, opaque)
    }

    /// The names of an attribute path whose interpolated parts evaluate to strings.
    fn dynamic_segments(&self, path: &ast::Attrpath, env: &Env) -> Option<Vec<String>> {
        path.attrs()
            .map(|attr| match attr {
                ast::Attr::Ident(i) => i.ident_token().map(|t| t.text().to_string()),
                ast::Attr::Str(s) => match self.string(&s, env) {
                    Val::Str(text) => Some(text),
                    _ => None,
                },
                ast::Attr::Dynamic(d) => match self.eval(&d.expr()?, env) {
                    Val::Str(text) => Some(text),
                    _ => None,
                },
            })
            .collect()
    }

    fn attrs(&self, set: &ast::AttrSet, env: &Env, origin: Option<(String, u32)>) -> Attrs {
        let (entries, opaque) = self.bindings(set, env);
        Attrs {
            origin,
            entries,
            opaque,
        }
    }

    fn inherit(&self, inherit: &ast::Inherit, env: &Env) -> Vec<(String, Lazy)> {
        let from = inherit.from().and_then(|f| f.expr());
        inherit
            .attrs()
            .filter_map(|a| attr_name(&a))
            .map(|name| {
                let lazy = match &from {
                    Some(src) => Lazy::Val(self.select(self.eval(src, env), &name)),
                    None => Lazy::Val(self.lookup(&name, env).unwrap_or(Val::Unknown)),
                };
                (name, lazy)
            })
            .collect()
    }

    pub fn select(&self, val: Val, name: &str) -> Val {
        match self.load(val) {
            Val::Term(t) => t.select(name).map_or(Val::Unknown, Val::Term),
            Val::Attrs(a) => self.attr(&a, name).unwrap_or(Val::Unknown),
            Val::Over(t, a) => match self.attr(&a, name) {
                Some(v) => v,
                None => t.select(name).map_or(Val::Unknown, Val::Term),
            },
            _ => Val::Unknown,
        }
    }

    /// The value of `name` in an attrset, merging dotted keys (`a.b = 1; a.c = 2;`).
    pub fn attr(&self, attrs: &Attrs, name: &str) -> Option<Val> {
        let matching: Vec<&(Vec<String>, Lazy)> =
            attrs.entries.iter().filter(|(p, _)| p[0] == name).collect();
        if matching.is_empty() {
            return None;
        }
        if let [(path, lazy)] = matching.as_slice() {
            if path.len() == 1 {
                return Some(self.force(lazy));
            }
        }
        let mut entries = Vec::new();
        let mut opaque = false;
        for (path, lazy) in matching {
            if path.len() > 1 {
                entries.push((path[1..].to_vec(), lazy.clone()));
            } else {
                match self.force(lazy) {
                    Val::Attrs(inner) => {
                        entries.extend(inner.entries.iter().cloned());
                        opaque |= inner.opaque;
                    }
                    _ => opaque = true,
                }
            }
        }
        // Made up from several bindings (`a.b = ...; a.c = ...;`): no literal of its own, so
        // not identified with the attrset it is part of.
        Some(Val::Attrs(Rc::new(Attrs {
            origin: None,
            entries,
            opaque,
        })))
    }

    /// The static key names of an attrset, in order, without repeats.
    pub fn names(attrs: &Attrs) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (p, _) in &attrs.entries {
            if !out.contains(&p[0]) {
                out.push(p[0].clone());
            }
        }
        out
    }

    fn string(&self, s: &ast::Str, env: &Env) -> Val {
        let Some(parts) = string_parts(s) else {
            return Val::Unknown;
        };
        let mut out = String::new();
        let mut base: Option<Term> = None;
        for (i, part) in parts.iter().enumerate() {
            match part {
                ast::InterpolPart::Literal(lit) => out.push_str(lit),
                ast::InterpolPart::Interpolation(interpol) => {
                    let Some(e) = interpol.expr() else {
                        return Val::Unknown;
                    };
                    match self.eval(&e, env) {
                        Val::Str(text) => out.push_str(&text),
                        // `"${jetpack}/modules/default.nix"`: a file of a source.
                        Val::Term(t) if i == 0 => base = Some(t),
                        _ => return Val::Unknown,
                    }
                }
            }
        }
        match base {
            Some(base) => Val::Term(source_file(base, &out)),
            None => Val::Str(out),
        }
    }

    /// A path literal, interpolations included (`./hosts/${name}`), made absolute.
    fn path(&self, expr: &ast::Expr, env: &Env) -> Val {
        let text = match static_path(expr) {
            Some(text) => text,
            None => {
                let mut text = String::new();
                for child in expr.syntax().children_with_tokens() {
                    match child {
                        rowan::NodeOrToken::Token(t) => text.push_str(t.text()),
                        rowan::NodeOrToken::Node(n) => {
                            let Some(e) = ast::Interpol::cast(n).and_then(|i| i.expr()) else {
                                return Val::Unknown;
                            };
                            match self.eval(&e, env) {
                                Val::Str(s) => text.push_str(&s),
                                _ => return Val::Unknown,
                            }
                        }
                    }
                }
                text
            }
        };
        if text.starts_with('/') {
            return Val::Term(Term::File(normalize(&text)));
        }
        let file = self.file_of(expr.syntax());
        Val::Term(Term::File(normalize(&paths::join(
            paths::parent(&file),
            &text,
        ))))
    }

    fn apply(&self, apply: &ast::Apply, env: &Env) -> Val {
        // The chain `f a b c`, arguments in order.
        let mut args = Vec::new();
        let mut head = ast::Expr::Apply(apply.clone());
        while let ast::Expr::Apply(a) = crate::syntax::unparen(head.clone()) {
            let (Some(f), Some(arg)) = (a.lambda(), a.argument()) else {
                return Val::Unknown;
            };
            args.push(arg);
            head = f;
        }
        args.reverse();
        let mut name = function_name(&head).unwrap_or_default();
        let mut val = self.eval(&head, env);
        let mut rest = args.as_slice();
        while let Some((arg, more)) = rest.split_first() {
            rest = more;
            // `import ./hosts inputs`: the file's function, when it can be read.
            if matches!(val, Val::Term(Term::Import(_))) {
                val = self.load(val);
            }
            val = match val {
                Val::Closure(lambda, cenv) => {
                    self.call(&lambda, &cenv, Lazy::Expr(arg.clone(), env.clone()))
                }
                Val::Unknown | Val::Term(_) => {
                    match self.builtin(&name, &val, arg, rest, env) {
                        Some((v, used)) => {
                            rest = &rest[used..];
                            // What a known function returns is not that function again.
                            name.clear();
                            v
                        }
                        None => return Val::Unknown,
                    }
                }
                _ => return Val::Unknown,
            };
        }
        val
    }

    /// Applies a known function by name; returns the value and how many further arguments it
    /// consumed.
    fn builtin(
        &self,
        name: &str,
        head: &Val,
        arg: &ast::Expr,
        rest: &[ast::Expr],
        env: &Env,
    ) -> Option<(Val, usize)> {
        // Names bound by the user shadow these; only free names or library selections count.
        let free = matches!(head, Val::Unknown)
            || matches!(head, Val::Term(Term::Input { path, .. } | Term::Arg { path, .. }) if !path.is_empty());
        if !free {
            // A term applied to a term: `import "${src}/modules/default.nix" overlay`.
            if let Val::Term(f) = head {
                let a = self.eval(arg, env).into_term(self)?;
                return Some((Val::Term(Term::Apply(Box::new(f.clone()), Box::new(a))), 0));
            }
            return None;
        }
        match name {
            "import" => {
                let target = self.eval(arg, env);
                if let (Some(second), Val::Term(t)) = (rest.first(), &target) {
                    // `import nixpkgs { overlays = ...; }` is a package set.
                    if let Val::Attrs(cfg) = self.eval(second, env) {
                        if is_nixpkgs(t) {
                            let overlays = self
                                .attr(&cfg, "overlays")
                                .unwrap_or(Val::List(Vec::new(), true));
                            return Some((Val::Pkgs(Box::new(overlays)), 1));
                        }
                    }
                }
                match target {
                    Val::Term(t) => Some((Val::Term(Term::Import(Box::new(t))), 0)),
                    _ => None,
                }
            }
            "nixosSystem" => Some((Val::NixosSystem(Box::new(self.eval(arg, env))), 0)),
            "nixos" => Some((
                Val::NixosModule(Box::new(self.eval(arg, env)), self.place(arg.syntax())),
                0,
            )),
            "genAttrs" => {
                let Val::List(names, true) = self.load(self.eval(arg, env)) else {
                    return None;
                };
                let f = rest.first()?;
                let f = self.eval(f, env);
                let Val::Closure(lambda, cenv) = f else {
                    return None;
                };
                let mut entries = Vec::new();
                for (n, _) in names {
                    let Val::Str(n) = n else { return None };
                    let v = self.call(&lambda, &cenv, Lazy::Val(Val::Str(n.clone())));
                    entries.push((vec![n], Lazy::Val(v)));
                }
                let attrs = Attrs {
                    origin: None,
                    entries,
                    opaque: false,
                };
                Some((Val::Attrs(Rc::new(attrs)), 1))
            }
            "mapAttrs" => {
                // `mapAttrs (name: host: mkHost name host) { orin = ...; }` over a known set.
                let Val::Closure(lambda, cenv) = self.eval(arg, env) else {
                    return None;
                };
                let Val::Attrs(set) = self.load(self.eval(rest.first()?, env)) else {
                    return None;
                };
                if set.opaque {
                    return None;
                }
                let mut entries = Vec::new();
                for name in Evaluator::names(&set) {
                    let value = self.attr(&set, &name).unwrap_or(Val::Unknown);
                    let v = match self.call(&lambda, &cenv, Lazy::Val(Val::Str(name.clone()))) {
                        Val::Closure(inner, ienv) => self.call(&inner, &ienv, Lazy::Val(value)),
                        _ => Val::Unknown,
                    };
                    entries.push((vec![name], Lazy::Val(v)));
                }
                let attrs = Attrs {
                    origin: None,
                    entries,
                    opaque: false,
                };
                Some((Val::Attrs(Rc::new(attrs)), 1))
            }
            "mkFlake" => {
                // flake-parts: `mkFlake { inherit inputs; } { flake = { ... }; }` or a module
                // function; what it outputs is under `flake`, in it and in the modules it
                // imports.
                let module = rest.first()?;
                let mut found = Vec::new();
                self.flake_parts_module(self.eval(module, env), &mut found, 0);
                let entries = found
                    .iter()
                    .flat_map(|a| a.entries.iter().cloned())
                    .collect();
                let opaque = found.iter().any(|a| a.opaque);
                Some((
                    Val::Attrs(Rc::new(Attrs {
                        origin: None,
                        entries,
                        opaque,
                    })),
                    1,
                ))
            }
            "withSystem" => {
                // flake-parts: `withSystem "aarch64-linux" ({ config, ... }: nixosSystem {...})`;
                // the per-system arguments are not known.
                let Val::Closure(lambda, cenv) = self.eval(rest.first()?, env) else {
                    return None;
                };
                Some((self.call(&lambda, &cenv, Lazy::Val(Val::Unknown)), 1))
            }
            "fetchTarball" | "fetchGit" | "fetchFromGitHub" | "fetchzip" | "fetchurl" => {
                let text = match self.eval(arg, env) {
                    Val::Str(url) => url,
                    Val::Attrs(a) => {
                        let get = |k: &str| match self.attr(&a, k) {
                            Some(Val::Str(s)) => Some(s),
                            _ => None,
                        };
                        match (get("url"), get("owner"), get("repo")) {
                            (Some(url), _, _) => url,
                            (None, Some(owner), Some(repo)) => format!("{owner}/{repo}"),
                            _ => return None,
                        }
                    }
                    _ => return None,
                };
                Some((Val::Term(Term::Source(text)), 0))
            }
            "attrValues" => {
                // `builtins.attrValues baseModules`: the values in the order of their names.
                let Val::Attrs(attrs) = self.eval(arg, env) else {
                    return None;
                };
                if attrs.opaque {
                    return None;
                }
                let mut names = Evaluator::names(&attrs);
                names.sort();
                let items = names
                    .iter()
                    .filter_map(|name| {
                        let place = match attrs
                            .entries
                            .iter()
                            .find(|(p, _)| p.len() == 1 && &p[0] == name)
                        {
                            Some((_, Lazy::Expr(e, _))) => self.place(e.syntax()),
                            _ => self.place(arg.syntax()),
                        };
                        Some((self.attr(&attrs, name)?, place))
                    })
                    .collect();
                Some((Val::List(items, true), 0))
            }
            "mkBefore" | "mkAfter" => Some((self.eval(arg, env), 0)),
            // `mkOrder 500 x` takes the value last.
            "mkOrder" => Some((self.eval(rest.first()?, env), 1)),
            "mkDefault" => Some((Val::Prio(1000, Box::new(self.eval(arg, env))), 0)),
            "mkForce" => Some((Val::Prio(50, Box::new(self.eval(arg, env))), 0)),
            "mkOptionDefault" => Some((Val::Prio(1500, Box::new(self.eval(arg, env))), 0)),
            "mkOverride" => {
                let priority = match crate::syntax::unparen(arg.clone()) {
                    ast::Expr::Literal(l) => l.syntax().text().to_string().parse().ok()?,
                    _ => return None,
                };
                let v = self.eval(rest.first()?, env);
                Some((Val::Prio(priority, Box::new(v)), 1))
            }
            _ => None,
        }
    }

    /// The `flake` attrsets of a flake-parts module and of the modules it imports.
    fn flake_parts_module(&self, module: Val, found: &mut Vec<Rc<Attrs>>, depth: u32) {
        if depth > 8 {
            return;
        }
        // A path in `imports` is a module file.
        let module = match module {
            Val::Term(Term::File(p)) => Val::Term(Term::Import(Box::new(Term::File(p)))),
            other => other,
        };
        let body = match self.load(module) {
            Val::Closure(lambda, cenv) => {
                let args = Val::Attrs(Rc::new(Attrs {
                    origin: None,
                    entries: vec![
                        (vec!["inputs".into()], Lazy::Val(Val::Term(Term::Inputs))),
                        (
                            vec!["self".into()],
                            Lazy::Val(Val::Term(Term::input("self"))),
                        ),
                    ],
                    opaque: true,
                }));
                self.call(&lambda, &cenv, Lazy::Val(args))
            }
            other => other,
        };
        if let Val::Attrs(flake) = self.select(body.clone(), "flake") {
            found.push(flake);
        }
        if let Val::List(items, _) = self.select(body, "imports") {
            for (item, _) in items {
                self.flake_parts_module(item, found, depth + 1);
            }
        }
    }

    /// Calls a function literal with one argument.
    pub fn call(&self, lambda: &ast::Lambda, env: &Env, arg: Lazy) -> Val {
        let Some(param) = lambda.param() else {
            return Val::Unknown;
        };
        let mut names = Vec::new();
        match param {
            ast::Param::IdentParam(p) => {
                if let Some(name) = p.ident().and_then(|i| i.ident_token()) {
                    names.push((name.text().to_string(), Binding::Lazy(arg)));
                }
            }
            ast::Param::Pattern(p) => {
                let argv = self.force(&arg);
                if let Some(bind) = p
                    .pat_bind()
                    .and_then(|b| b.ident())
                    .and_then(|i| i.ident_token())
                {
                    names.push((
                        bind.text().to_string(),
                        Binding::Lazy(Lazy::Val(argv.clone())),
                    ));
                }
                for entry in p.pat_entries() {
                    let Some(name) = entry.ident().and_then(|i| i.ident_token()) else {
                        continue;
                    };
                    let name = name.text().to_string();
                    let v = self.select(argv.clone(), &name);
                    let v = match (v, entry.default()) {
                        (Val::Unknown, Some(d)) => Lazy::Expr(d, env.clone()),
                        (v, _) => Lazy::Val(v),
                    };
                    names.push((name, Binding::Lazy(v)));
                }
            }
        }
        self.calls.set(self.calls.get() + 1);
        let env = Some(Rc::new(Frame {
            names,
            with: None,
            parent: env.clone(),
            call: self.calls.get(),
        }));
        match lambda.body() {
            Some(body) => self.eval(&body, &env),
            None => Val::Unknown,
        }
    }
}

impl Val {
    /// The value as a term that can be compared across files, or `None` when it is not known.
    /// Inline functions and attrsets are identified by where they are written.
    pub fn into_term(self, ev: &Evaluator) -> Option<Term> {
        match self {
            Val::Term(t) => Some(t),
            Val::Closure(l, env) => Some(Term::Local {
                file: ev.file_of(l.syntax()),
                offset: u32::from(l.syntax().text_range().start()),
                instance: call_instance(&env),
            }),
            Val::Attrs(a) => a.origin.clone().map(|(file, offset)| Term::Local {
                file,
                offset,
                instance: 0,
            }),
            Val::Str(s) => Some(Term::Str(s)),
            _ => None,
        }
    }
}

impl Val {
    /// For a value written inline, which call of an enclosing function made it (0: none):
    /// `mkHost "a"` and `mkHost "b"` make two modules from one literal.
    pub fn instance(&self) -> u32 {
        match self {
            Val::Closure(_, env) => call_instance(env),
            Val::Attrs(attrs) => attrs
                .entries
                .iter()
                .find_map(|(_, lazy)| match lazy {
                    Lazy::Expr(_, env) => Some(call_instance(env)),
                    Lazy::Val(_) => None,
                })
                .unwrap_or(0),
            _ => 0,
        }
    }
}

/// The innermost function call a closure was made in (0 for none).
fn call_instance(env: &Env) -> u32 {
    let mut cur = env.clone();
    while let Some(frame) = cur {
        if frame.call != 0 {
            return frame.call;
        }
        cur = frame.parent.clone();
    }
    0
}

fn concat(a: Val, b: Val) -> Val {
    match (a, b) {
        (Val::List(mut x, cx), Val::List(y, cy)) => {
            x.extend(y);
            Val::List(x, cx && cy)
        }
        (Val::List(x, _), _) | (_, Val::List(x, _)) => Val::List(x, false),
        _ => Val::List(Vec::new(), false),
    }
}

fn update(a: &Attrs, b: &Attrs) -> Attrs {
    let right = Evaluator::names(b);
    let mut entries: Vec<(Vec<String>, Lazy)> = a
        .entries
        .iter()
        .filter(|(p, _)| !right.contains(&p[0]))
        .cloned()
        .collect();
    entries.extend(b.entries.iter().cloned());
    Attrs {
        origin: b.origin.clone(),
        entries,
        opaque: a.opaque || b.opaque,
    }
}

/// `"${base}/rel"`, or the file itself when `base` is a path.
fn source_file(base: Term, rel: &str) -> Term {
    let rel = rel.trim_start_matches('/');
    match base {
        Term::File(dir) if !rel.is_empty() => Term::File(normalize(&paths::join(&dir, rel))),
        Term::SrcFile { base, rel: inner } if !rel.is_empty() => Term::SrcFile {
            base,
            rel: format!("{inner}/{rel}"),
        },
        base if rel.is_empty() => base,
        base => Term::SrcFile {
            base: Box::new(base),
            rel: rel.to_string(),
        },
    }
}

/// Whether a term names nixpkgs (an input called nixpkgs or `<nixpkgs>`).
fn is_nixpkgs(t: &Term) -> bool {
    match t {
        Term::Input { name, path } | Term::Arg { name, path } => {
            path.is_empty() && name.starts_with("nixpkgs")
                || path.last().is_some_and(|p| p.starts_with("nixpkgs"))
        }
        Term::Source(s) => s.contains("nixpkgs"),
        _ => false,
    }
}

/// `/a/./b/../c` → `/a/c`.
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if !path.starts_with('/') {
        out.remove(0);
    }
    out
}
