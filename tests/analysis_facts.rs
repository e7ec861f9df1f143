//! What rules read of each analysis fixture, as a snapshot beside it: the output of
//! `pullpath facts <dir>` for every `testdata/task/<case>/` and `testdata/network/<case>/`
//! (`facts.snap`), and for a network fixture also `pullpath graph --format json <dir>`
//! (`graph.snap`: most network fixtures have no task or service, so no subject and no facts,
//! and the graph is what the network analysis reads). One test per fixture (`build.rs` lists them:
//! `cargo test tf_secrets` runs one, `cargo test analysis_facts` all). The fixtures are read as
//! the unit tests of `src/analysis/{task,network}/tests.rs` read them: the folder, no options.
//! Accept a snapshot with `INSTA_UPDATE=always cargo test --test analysis_facts <case>`, then read
//! its diff.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use assert_cmd::Command;

#[path = "common/cases.rs"]
mod cases;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The kinds of analysis fixture, each a folder of `testdata/`.
const KINDS: &[&str] = &["task", "network"];

// `mod analysis_facts { mod task { #[test] fn tf_secrets() { super::check_case("task",
// "tf_secrets") } … } mod network { … } CASES }`, so that the tests' names say what they are.
mod analysis_facts {
    use super::check_case;
    include!(concat!(env!("OUT_DIR"), "/analysis_cases.rs"));
}

/// The snapshots of a fixture of `kind`, by name (`<name>.snap`), and the arguments of the
/// `pullpath` command each one holds the output of (the fixture folder is added).
fn snapshots(kind: &str) -> &'static [(&'static str, &'static [&'static str])] {
    match kind {
        "network" => &[
            ("facts", &["facts"]),
            ("graph", &["graph", "--format", "json"]),
        ],
        _ => &[("facts", &["facts"])],
    }
}

/// `pullpath <args> <rel>` from the crate root, its standard output; panics unless it succeeds
/// with JSON on standard output.
fn run(args: &[&str], rel: &str) -> String {
    let out = Command::cargo_bin("pullpath")
        .unwrap()
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .env_remove("TF_VAR_region")
        .env_remove("COLUMNS")
        .args(args)
        .arg(rel)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "pullpath {} {rel}: exit {:?}\n{}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str::<serde_json::Value>(&stdout)
        .unwrap_or_else(|e| panic!("pullpath {} {rel}: no JSON ({e})", args.join(" ")));
    assert!(
        !stdout.contains(ROOT),
        "pullpath {} {rel}: the output holds the checkout's absolute path",
        args.join(" ")
    );
    stdout
}

/// Each snapshot of one fixture; every mismatch is reported (and written for review), not only
/// the first.
fn check_case(kind: &str, case: &str) {
    let rel = format!("testdata/{kind}/{case}");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(ROOT).join(&rel));
    settings.set_prepend_module_to_snapshot(false);
    let mut failed = Vec::new();
    for (name, args) in snapshots(kind) {
        let out = run(args, &rel);
        settings.set_description(format!("pullpath {} {rel}", args.join(" ")));
        let result = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(*name, out));
        }));
        if result.is_err() {
            failed.push(format!("{rel}/{name}.snap"));
        }
    }
    assert!(failed.is_empty(), "snapshots differ: {}", failed.join(", "));
}

/// The fixture folders as they are on disk now, sorted.
fn case_dirs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for kind in KINDS {
        let names = cases::subdirs(&Path::new(ROOT).join("testdata").join(kind));
        out.extend(names.into_iter().map(|n| (kind.to_string(), n)));
    }
    out
}

/// The generated tests are the fixture folders: a folder added since the last build would
/// otherwise go untested (`build.rs` reruns when `testdata/task` or `testdata/network` changes,
/// this says so if it did not).
#[test]
fn each_analysis_fixture_has_its_test() {
    let on_disk = case_dirs();
    let (missing, gone) = cases::unlisted(&on_disk, analysis_facts::CASES);
    assert!(
        missing.is_empty() && gone.is_empty(),
        "testdata/task or testdata/network changed since build.rs listed the fixtures (touch \
         build.rs and rerun): no test for {missing:?}, tests of folders gone: {gone:?}"
    );
}

/// Every `.snap` under `testdata/task` and `testdata/network` is a snapshot of a fixture with a
/// test (a folder whose fixture files are gone keeps no snapshot), and every fixture has each of
/// its snapshots.
#[test]
fn no_analysis_snapshot_is_orphaned_or_missing() {
    let expected: Vec<PathBuf> = case_dirs()
        .iter()
        .filter(|(k, c)| {
            analysis_facts::CASES.contains(&(k.as_str(), c.as_str()))
                && std::fs::read_dir(Path::new(ROOT).join("testdata").join(k).join(c))
                    .unwrap()
                    .any(|e| {
                        let p = e.unwrap().path();
                        p.is_file() && p.extension().is_none_or(|x| x != "snap" && x != "new")
                    })
        })
        .flat_map(|(k, c)| {
            snapshots(k)
                .iter()
                .map(move |(n, _)| Path::new(ROOT).join(format!("testdata/{k}/{c}/{n}.snap")))
        })
        .collect();
    let mut orphans = Vec::new();
    let mut stack: Vec<PathBuf> = KINDS
        .iter()
        .map(|k| Path::new(ROOT).join("testdata").join(k))
        .collect();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "snap") && !expected.contains(&p) {
                orphans.push(p.strip_prefix(ROOT).unwrap().display().to_string());
            }
        }
    }
    orphans.sort();
    let missing: Vec<String> = expected
        .iter()
        .filter(|p| !p.exists())
        .map(|p| p.strip_prefix(ROOT).unwrap().display().to_string())
        .collect();
    assert!(
        orphans.is_empty() && missing.is_empty(),
        "snapshots of no analysis fixture: {orphans:?}; fixtures without their snapshot (accept \
         with INSTA_UPDATE=always cargo test --test analysis_facts): {missing:?}"
    );
}
