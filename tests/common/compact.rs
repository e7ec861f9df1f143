//! `pullpath check --format compact` as the command-line tests run it.

use std::path::Path;

/// `pullpath check ARGS --format compact` in `dir` (no colour, the default width): the exit
/// code, the lines of standard output, standard error.
pub fn check(dir: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let out = assert_cmd::Command::cargo_bin("pullpath")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .arg("check")
        .args(args)
        .args(["--format", "compact"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
