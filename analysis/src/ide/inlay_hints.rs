//! Inlay hints in `flake.nix`: after each input's URL, the revision the lock pins and its age.

use super::InlayHint;
use crate::db::{self, Db, SourceFile};
use crate::lock::locked_ref_text;

pub(crate) fn inlay_hints(db: &dyn Db, file: SourceFile, now_unix: i64) -> Vec<InlayHint> {
    let Some(flake) = db::flake_context(db, file.path(db)).filter(|f| f.flake_nix == file) else {
        return Vec::new();
    };
    let Some(Ok(lock)) = flake.lock.map(|l| db::lock_file(db, l)) else {
        return Vec::new();
    };
    let model = db::flake_model(db, file);
    let mut out = Vec::new();
    for input in &model.inputs {
        let Some(url) = &input.url else { continue };
        let Some(node) = lock
            .resolve(std::slice::from_ref(&input.name))
            .and_then(|n| lock.node(n))
        else {
            continue;
        };
        let last_modified = node
            .locked
            .as_ref()
            .and_then(|l| l.get("lastModified"))
            .and_then(|v| v.as_i64());
        let parts: Vec<String> = [node.short_rev(), last_modified.map(|t| age(now_unix, t))]
            .into_iter()
            .flatten()
            .collect();
        if parts.is_empty() {
            continue;
        }
        let locked = node.locked.as_ref().and_then(locked_ref_text);
        let tooltip = match (locked, node.last_modified_date()) {
            (Some(r), Some(date)) => Some(format!("locked: {r}, {date}")),
            (Some(r), None) => Some(format!("locked: {r}")),
            (None, Some(date)) => Some(format!("locked on {date}")),
            (None, None) => None,
        };
        out.push(InlayHint {
            offset: url.range.end(),
            label: parts.join(" · "),
            tooltip,
        });
    }
    out
}

/// How long ago `then` was, in the largest unit that fits: `3 months ago`.
pub(crate) fn age(now: i64, then: i64) -> String {
    let Some(secs) = now.checked_sub(then) else {
        return "long ago".to_string();
    };
    if secs < 0 {
        return "in the future".to_string();
    }
    let (n, unit) = match secs {
        s if s < 60 => return "just now".to_string(),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s if s < 30 * 86_400 => (s / 86_400, "day"),
        s if s < 365 * 86_400 => (s / (30 * 86_400), "month"),
        s => (s / (365 * 86_400), "year"),
    };
    if n == 1 {
        format!("1 {unit} ago")
    } else {
        format!("{n} {unit}s ago")
    }
}
