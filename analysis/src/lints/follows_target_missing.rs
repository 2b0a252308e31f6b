//! placeholder
pub(crate) const DOC: &str = "";
pub(crate) fn check(_ctx: &mut super::LintCtx) {}
