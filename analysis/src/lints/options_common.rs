//! What the option rules share: the settings of the file, judged against its option index.

use std::sync::Arc;

use super::LintCtx;
use crate::db;
use crate::options::index::OptionIndex;
use crate::settings::{Setting, JETPACK_NAMESPACES};

/// The file's settings under the jetpack namespaces, and the index they are checked against.
/// Settings under a namespace that the index does not know at all (a jetpack-nixos version
/// without that service) are left out rather than all reported.
pub(crate) fn settings_and_index<'a>(
    ctx: &LintCtx<'a>,
) -> Option<(&'a [Setting], Arc<OptionIndex>)> {
    if !matches!(ctx.kind, super::FileKind::Nix | super::FileKind::FlakeNix) {
        return None;
    }
    let settings = db::file_settings(ctx.db, ctx.file);
    if settings.is_empty() {
        return None;
    }
    Some((settings.as_slice(), db::option_index_for(ctx.db, ctx.file)))
}

/// Whether the index can judge this setting: its namespace is one the index declares.
pub(crate) fn judged(index: &OptionIndex, setting: &Setting) -> bool {
    JETPACK_NAMESPACES
        .iter()
        .any(|ns| setting.under(ns) && index.has_namespace(ns))
}
