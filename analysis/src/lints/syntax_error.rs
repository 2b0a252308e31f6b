//! `syntax-error`
pub(crate) const DOC: &str = "TODO";
