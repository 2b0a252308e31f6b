//! The `flakelint` binary: loading files from disk, the command line, and (later) the language
//! server. The only crate that does IO or knows output formats.

mod report;

fn main() {}
