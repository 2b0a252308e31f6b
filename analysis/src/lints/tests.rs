//! The rule fixtures: `test-data/rules/<rule>/{bad,good,suppressed}.fixture`, each a set of
//! files (`#- /flake.nix`), checked against the `.expect` snapshot beside it. Run with
//! `UPDATE_EXPECT=1` to rewrite the snapshots, then review the diff.

use std::path::{Path, PathBuf};

use super::{file_diagnostics, Rule};
use crate::diagnostic::{apply_edits, Diagnostic, FileEdit};
pub(crate) use crate::fixture::Fixture;
use crate::syntax::{ColumnUnit, LineIndex};

/// Runs every rule on every file of a fixture.
pub(crate) fn diagnostics(fixture: &Fixture) -> Vec<Diagnostic> {
    // As the loader does: stat what the path references name, then run the rules.
    let host = fixture.host();
    let db = host.snapshot();
    let mut out = Vec::new();
    for (path, _) in &fixture.files {
        let file = crate::db::file_by_path(&db, path).expect("fixture file is loaded");
        out.extend(file_diagnostics(&db, file).iter().cloned());
    }
    out
}

/// Findings as text: `path:line:col-line:col severity[rule] message`, and their fixes.
pub(crate) fn render(fixture: &Fixture, diagnostics: &[Diagnostic]) -> String {
    let text_of = |path: &str| {
        fixture
            .files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
            .unwrap_or("")
    };
    let pos = |path: &str, range: rowan::TextRange| {
        let text = text_of(path);
        let index = LineIndex::new(text);
        let s = index.line_col(text, range.start(), ColumnUnit::Char);
        let e = index.line_col(text, range.end(), ColumnUnit::Char);
        format!("{}:{}-{}:{}", s.line + 1, s.col + 1, e.line + 1, e.col + 1)
    };
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!(
            "{}:{} {}[{}] {}\n",
            d.file,
            pos(&d.file, d.range),
            d.severity.as_str(),
            d.rule.name(),
            d.message
        ));
        if let Some(fix) = &d.fix {
            out.push_str(&format!("  fix: {}\n", fix.message));
            for edit in &fix.edits {
                out.push_str(&format!(
                    "    {}:{} => {:?}\n",
                    edit.file,
                    pos(&edit.file, edit.range),
                    edit.new_text
                ));
            }
        }
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

/// Applies every fix of one rule and returns the fixed fixture.
fn apply_fixes(fixture: &Fixture, diagnostics: &[Diagnostic], rule: Rule) -> Fixture {
    let edits: Vec<&FileEdit> = diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| &f.edits)
        .collect();
    let files = fixture
        .files
        .iter()
        .map(|(path, text)| {
            let mine: Vec<&FileEdit> = edits.iter().copied().filter(|e| &e.file == path).collect();
            (path.clone(), apply_edits(text, &mine).0)
        })
        .collect();
    Fixture {
        files,
        untracked: fixture.untracked.clone(),
        extra_paths: fixture.extra_paths.clone(),
        git_roots: fixture.git_roots.clone(),
    }
}

/// The text of a file of `test-data/`, for `@dir/file` in fixtures.
pub(crate) fn include_test_data(rel: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-data")
        .join(rel);
    std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("cannot read {}", file.display()))
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-data/rules")
}

/// Compares with the snapshot file, or rewrites it under `UPDATE_EXPECT=1`.
fn assert_snapshot(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(expected == actual, "snapshot {} differs (run with UPDATE_EXPECT=1):\n--- expected\n{expected}\n--- actual\n{actual}", path.display());
}

/// Rules whose fix can be checked by running the rule again on the fixed files (the fix of
/// `missing-follows` also needs a new lock, which only `nix flake lock` writes).
const SELF_CONTAINED_FIXES: &[Rule] = &[
    Rule::DoubleOverlay,
    Rule::UnknownOption,
    Rule::RenamedOption,
    Rule::InvalidOptionValue,
    Rule::DeprecatedOutput,
    Rule::InvalidSystem,
    Rule::UnknownOutput,
    Rule::UnusedSuppression,
];

#[test]
fn every_rule_has_bad_good_and_suppressed_fixtures() {
    let mut failures = Vec::new();
    for &rule in Rule::ALL {
        if let Err(failure) = std::panic::catch_unwind(|| check_rule_fixtures(rule)) {
            let message = failure
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| failure.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", rule.name()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rule(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn check_rule_fixtures(rule: Rule) {
    {
        let dir = fixtures_dir().join(rule.name());
        for kind in ["bad", "good", "suppressed"] {
            let path = dir.join(format!("{kind}.fixture"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("{} is missing", path.display()));
            let fixture = Fixture::parse(&text, include_test_data);
            let found = diagnostics(&fixture);
            let of_rule = found.iter().filter(|d| d.rule == rule).count();
            match kind {
                "bad" => assert!(
                    of_rule > 0,
                    "{}: `{}` found nothing",
                    path.display(),
                    rule.name()
                ),
                "suppressed" if rule != Rule::UnusedSuppression => {
                    assert!(
                        text.contains("flakelint: ignore"),
                        "{} has no suppression comment",
                        path.display()
                    );
                    assert_eq!(
                        of_rule,
                        0,
                        "{}: suppressed finding reported",
                        path.display()
                    );
                    assert!(
                        found.iter().all(|d| d.rule != Rule::UnusedSuppression),
                        "{}: suppression unused",
                        path.display()
                    );
                }
                _ => assert_eq!(
                    of_rule,
                    0,
                    "{}: false positive:\n{}",
                    path.display(),
                    render(&fixture, &found)
                ),
            }
            let mut snapshot = render(&fixture, &found);
            if kind == "bad" && SELF_CONTAINED_FIXES.contains(&rule) {
                let fixed = apply_fixes(&fixture, &found, rule);
                let again = diagnostics(&fixed);
                let fixable_left = again
                    .iter()
                    .filter(|d| d.rule == rule && d.fix.is_some())
                    .count();
                assert_eq!(
                    fixable_left,
                    0,
                    "{}: fixes did not fix:\n{}",
                    path.display(),
                    render(&fixed, &again)
                );
                assert!(
                    again.iter().all(|d| d.rule != Rule::SyntaxError),
                    "{}: a fix broke the syntax",
                    path.display()
                );
                snapshot.push_str("\n--- after --fix\n");
                for ((p, before), (_, after)) in fixture.files.iter().zip(&fixed.files) {
                    if before != after {
                        snapshot.push_str(&format!("#- {p}\n{after}"));
                    }
                }
            }
            assert_snapshot(&dir.join(format!("{kind}.expect")), &snapshot);
        }
    }
}

#[test]
fn rules_page_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    assert_snapshot(&path, &super::rules_markdown());
}

#[test]
fn every_rule_doc_has_the_four_sections() {
    for rule in Rule::ALL {
        let doc = rule.doc();
        assert!(
            doc.starts_with(&format!("# {}\n", rule.name())),
            "{} doc title",
            rule.name()
        );
        for heading in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(doc.contains(heading), "{}: missing {heading}", rule.name());
        }
    }
}
