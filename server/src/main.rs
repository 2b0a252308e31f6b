//! The `flakelint` binary: loading files from disk, the command line, and (later) the language
//! server. The only crate that does IO or knows output formats.

// Neither the loader nor the CLI calls these yet.
#[allow(dead_code)]
mod git_index;
#[allow(dead_code)]
mod report;

fn main() {}
