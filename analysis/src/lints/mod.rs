//! The rules: one file each, this registry of their names, severities and documentation, and
//! the query that runs them over one file and applies suppression comments.

use rowan::TextRange;

use crate::config::Config;
use crate::db::{self, Db, FlakeContext, SourceFile};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::paths;
use crate::syntax::Parsed;

mod options_common;
pub(crate) mod outputs_common;
mod suppression;

macro_rules! rules {
    ($( $variant:ident => $module:ident, $name:literal, $sev:ident, $summary:literal; )*) => {
        $( pub mod $module; )*

        /// Every rule, in the order they are documented.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable kebab-case id used in configuration and suppressions.
            pub fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$sev, )* }
            }

            /// One line saying what the rule flags.
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }

            /// The rule's documentation in Markdown: what it checks, why, an example, the fix.
            pub fn doc(self) -> &'static str {
                match self { $( Rule::$variant => $module::DOC, )* }
            }

            pub fn from_name(name: &str) -> Option<Rule> {
                match name { $( $name => Some(Rule::$variant), )* _ => None }
            }
        }
    };
}

rules! {
    SyntaxError => syntax_error, "syntax-error", Error,
        "a Nix file that does not parse, or a flake.lock that is not a valid lock";
    MissingFollows => missing_follows, "missing-follows", Warning,
        "an input brings its own copy of a repository that is also a root input";
    FollowsTargetMissing => follows_target_missing, "follows-target-missing", Error,
        "`follows` names an input that does not exist";
    LockOutOfDate => lock_out_of_date, "lock-out-of-date", Error,
        "flake.lock does not match the inputs declared in flake.nix";
    InvalidInputUrl => invalid_input_url, "invalid-input-url", Error,
        "an input URL that is not a valid flake reference";
    UndeclaredInput => undeclared_input, "undeclared-input", Error,
        "an `outputs` parameter that is not a declared input";
    UnknownOutput => unknown_output, "unknown-output", Warning,
        "an output name that looks like a misspelt standard output";
    DeprecatedOutput => deprecated_output, "deprecated-output", Warning,
        "a deprecated output name such as `defaultPackage` or `overlay`";
    InvalidSystem => invalid_system, "invalid-system", Error,
        "a system name that Nix does not know, such as `x86_64_linux`";
    UntrackedFile => untracked_file, "untracked-file", Error,
        "a path to a file that git does not track, so the flake cannot see it";
    MissingFile => missing_file, "missing-file", Error,
        "a path to a file or directory that does not exist";
    UnknownOption => unknown_option, "unknown-option", Error,
        "a jetpack-nixos option that does not exist";
    RenamedOption => renamed_option, "renamed-option", Warning,
        "a jetpack-nixos option path that was renamed";
    InvalidOptionValue => invalid_option_value, "invalid-option-value", Error,
        "a literal value that the option's type rejects";
    JetpackIncompatible => jetpack_incompatible, "jetpack-incompatible", Error,
        "settings that jetpack-nixos's own assertions reject together";
    UnusedSuppression => unused_suppression, "unused-suppression", Warning,
        "a `flakelint: ignore` comment that silences nothing";
}

/// What kind of file a path is, which decides the rules that run on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    FlakeNix,
    FlakeLock,
    Nix,
    Other,
}

impl FileKind {
    pub fn of(path: &str) -> FileKind {
        match paths::file_name(path) {
            "flake.nix" => FileKind::FlakeNix,
            "flake.lock" => FileKind::FlakeLock,
            name if name.ends_with(".nix") => FileKind::Nix,
            _ => FileKind::Other,
        }
    }
}

/// What a rule sees of the file it checks, and where it reports.
pub struct LintCtx<'a> {
    pub db: &'a dyn Db,
    pub file: SourceFile,
    pub path: &'a str,
    pub text: &'a str,
    pub kind: FileKind,
    pub config: &'a Config,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> LintCtx<'a> {
    pub fn parsed(&self) -> &'a Parsed {
        db::parse_file(self.db, self.file)
    }

    pub fn flake(&self) -> Option<FlakeContext> {
        db::flake_context(self.db, self.path)
    }

    /// The parsed `flake.lock` of this file's flake, when there is one and it can be read.
    pub fn lock(&self) -> Option<&'a crate::lock::LockFile> {
        let lock = self.flake()?.lock?;
        db::lock_file(self.db, lock).as_ref().ok()
    }

    /// The model of this file's flake's `flake.nix`.
    pub fn flake_model(&self) -> Option<&'a crate::flake::FlakeModel> {
        Some(db::flake_model(self.db, self.flake()?.flake_nix))
    }

    /// Records a finding in this file, at the configured severity (nothing if the rule is off).
    pub fn report(
        &mut self,
        rule: Rule,
        range: TextRange,
        message: impl Into<String>,
        fix: Option<Fix>,
    ) {
        let Some(severity) = self.config.severity(rule) else {
            return;
        };
        self.diagnostics.push(Diagnostic {
            rule,
            severity,
            file: self.path.to_string(),
            range,
            message: message.into(),
            fix,
        });
    }
}

impl LintCtx<'_> {
    /// Records a finding at most as severe as `cap` (for the milder half of a rule, such as
    /// `lock-out-of-date`'s reverse check); a rule configured below the cap keeps its level.
    pub fn report_capped(
        &mut self,
        rule: Rule,
        cap: Severity,
        range: TextRange,
        message: impl Into<String>,
        fix: Option<Fix>,
    ) {
        let before = self.diagnostics.len();
        self.report(rule, range, message, fix);
        if let Some(d) = self.diagnostics.get_mut(before) {
            d.severity = d.severity.min(cap);
        }
    }
}

/// Every finding in one file, sorted by position.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let path = file.path(db);
    let kind = FileKind::of(path);
    let ws = db.workspace();
    let config = ws.config(db).for_file(path);
    let mut ctx = LintCtx {
        db,
        file,
        path,
        text: file.text(db),
        kind,
        config,
        diagnostics: Vec::new(),
    };
    match kind {
        FileKind::FlakeLock => {
            syntax_error::check_lock(&mut ctx);
            lock_out_of_date::check_lock(&mut ctx);
        }
        FileKind::FlakeNix | FileKind::Nix => {
            syntax_error::check(&mut ctx);
            missing_file::check(&mut ctx);
            untracked_file::check(&mut ctx);
            unknown_option::check(&mut ctx);
            renamed_option::check(&mut ctx);
            invalid_option_value::check(&mut ctx);
            jetpack_incompatible::check(&mut ctx);
            if kind == FileKind::FlakeNix {
                invalid_input_url::check(&mut ctx);
                follows_target_missing::check(&mut ctx);
                lock_out_of_date::check(&mut ctx);
                missing_follows::check(&mut ctx);
                undeclared_input::check(&mut ctx);
                unknown_output::check(&mut ctx);
                deprecated_output::check(&mut ctx);
                invalid_system::check(&mut ctx);
            }
        }
        FileKind::Other => {}
    }
    let mut diagnostics = ctx.diagnostics;
    if matches!(kind, FileKind::FlakeNix | FileKind::Nix) {
        let parsed = db::parse_file(db, file);
        diagnostics = suppression::apply(file.text(db), path, &parsed.root(), config, diagnostics);
    }
    diagnostics.sort_by_key(|d| (d.range.start(), d.range.end(), d.rule));
    diagnostics
}

/// The documentation page of every rule (`docs/rules.md`), generated from the registry.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# flakelint rules\n\n<!-- Generated from analysis/src/lints/*.rs by `UPDATE_EXPECT=1 cargo test -p flakelint-analysis rules_page`; do not edit. -->\n\n| rule | default | what it flags |\n| --- | --- | --- |\n",
    );
    for rule in Rule::ALL {
        out.push_str(&format!(
            "| [`{0}`](#{0}) | {1} | {2} |\n",
            rule.name(),
            rule.default_severity().as_str(),
            rule.summary()
        ));
    }
    for rule in Rule::ALL {
        // Each doc starts with `# name`; every heading goes one level down here.
        let doc = format!("#{}", rule.doc().replace("\n## ", "\n### "));
        out.push_str(&format!(
            "\n{doc}\nDefault severity: {}.\n",
            rule.default_severity().as_str()
        ));
    }
    out
}

/// Levenshtein distance, for "did you mean" suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The closest candidate within `max` edits, if exactly one is closest.
pub(crate) fn closest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    max: usize,
) -> Option<&'c str> {
    let mut best: Option<(&str, usize)> = None;
    let mut tie = false;
    for c in candidates {
        let d = edit_distance(word, c);
        if d > max {
            continue;
        }
        match best {
            Some((_, bd)) if d > bd => {}
            Some((_, bd)) if d == bd => tie = true,
            _ => {
                best = Some((c, d));
                tie = false;
            }
        }
    }
    if tie {
        None
    } else {
        best.map(|(c, _)| c)
    }
}

/// [`closest`] over a static list.
pub(crate) fn closest_static(
    word: &str,
    candidates: &'static [&'static str],
    max: usize,
) -> Option<&'static str> {
    closest(word, candidates.iter().copied(), max)
}

#[cfg(test)]
pub(crate) mod tests;
