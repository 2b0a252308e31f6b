//! placeholder
pub(crate) const DOC: &str = "";
pub(crate) fn check(_ctx: &mut super::LintCtx) {}
pub(crate) fn check_lock(_ctx: &mut super::LintCtx) {}
