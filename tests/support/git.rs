//! Runs `git` in test repositories, isolated from the machine's configuration. Tests only: the
//! product never runs git.

use std::path::Path;
use std::process::{Command, Stdio};

/// `git ARGS` in `dir`, with a fixed identity and branch name and no system or user
/// configuration; panics if it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?} failed");
}
