//! The `flakelint` binary: loading files from disk, the command line, and (later) the language
//! server. The only crate that does IO or knows output formats.

#[allow(dead_code)]
mod render;
mod report;

fn main() {}
