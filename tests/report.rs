//! Every output format of `pullpath check` on one shared set of inputs, as snapshots
//! (`tests/snapshots/report/<format>/<fixture>.snap`): adding a format is adding its name to
//! `pullpath::report::FORMATS` and accepting its snapshots (`INSTA_UPDATE=always cargo test --test report`, then
//! read them, or `cargo insta review`).

use std::panic::{catch_unwind, AssertUnwindSafe};

use assert_cmd::Command;

/// The values of `--format` for `pullpath check`: every format the reporter stage has.
use pullpath::report::FORMATS;

/// Name and arguments of `pullpath check`, paths relative to the crate root.
const FIXTURES: &[(&str, &[&str])] = &[
    // A finding with its related chain (`Advice`), the deploy error and the fix, in HCL.
    ("finding-hcl", &["testdata/equivalence/main.tf"]),
    // The same finding and fix in CloudFormation YAML.
    ("finding-cfn-yaml", &["testdata/equivalence/template.yaml"]),
    // Input diagnostics: YAML aliases, duplicate keys, an HCL file that does not parse.
    ("input-diagnostics", &["testdata/diagnostics"]),
    // Input notes grouped with a hint, and the count of checks not verified.
    ("input-notes", &["testdata/diagnostics-tfvars"]),
    // The same with what could not be verified, and why.
    (
        "explain-unknown",
        &["testdata/diagnostics-tfvars", "--explain-unknown"],
    ),
    // Findings an inline suppression covers (counted, in JSON and SARIF only) and an unused one.
    ("suppressed", &["testdata/suppress/tf"]),
    // Nothing to report.
    (
        "clean",
        &["testdata/rules/FGP001/pass-tf-ecr-image-with-role"],
    ),
];

fn check(args: &[&str], format: &str) -> String {
    let out = Command::cargo_bin("pullpath")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env_remove("TF_VAR_region")
        .arg("check")
        .args(args)
        .args(["--format", format])
        .output()
        .unwrap();
    stable(format, String::from_utf8(out.stdout).unwrap())
}

/// What a snapshot keeps of an output: all of it, but the checkout's absolute path (SARIF's
/// `%SRCROOT%`) and, in SARIF, the rules' docs (the same in every run, and each rule's own
/// business: its `rules/*.yaml`), which stand for themselves as `<docs of FGPnnn>`.
fn stable(format: &str, out: String) -> String {
    let out = out.replace(env!("CARGO_MANIFEST_DIR"), "[ROOT]");
    if format != "sarif" {
        return out;
    }
    let mut doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .unwrap()
    {
        let id = rule["id"].as_str().unwrap().to_string();
        if id.starts_with("FGP") {
            for key in ["text", "markdown"] {
                rule["help"][key] = format!("<docs of {id}>").into();
            }
        }
    }
    serde_json::to_string_pretty(&doc).unwrap() + "\n"
}

/// Each format on each fixture; every mismatch is reported (and written for review), not only
/// the first.
#[test]
fn every_format_on_the_shared_fixtures() {
    let mut failed = Vec::new();
    for format in FORMATS {
        for (name, args) in FIXTURES {
            let out = check(args, format);
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(format!("snapshots/report/{format}"));
            settings.set_prepend_module_to_snapshot(false);
            settings.set_description(format!(
                "pullpath check {} --format {format}",
                args.join(" ")
            ));
            let result = catch_unwind(AssertUnwindSafe(|| {
                settings.bind(|| insta::assert_snapshot!(*name, out));
            }));
            if result.is_err() {
                failed.push(format!("{format}/{name}"));
            }
        }
    }
    assert!(failed.is_empty(), "snapshots differ: {}", failed.join(", "));
}

/// No snapshot is left of a format or fixture taken out of the lists.
#[test]
fn no_report_snapshot_is_orphaned() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/report");
    let expected: Vec<String> = FORMATS
        .iter()
        .flat_map(|f| FIXTURES.iter().map(move |(n, _)| format!("{f}/{n}.snap")))
        .collect();
    let mut orphans = Vec::new();
    for format in std::fs::read_dir(&dir).unwrap() {
        let format = format.unwrap().path();
        for snap in std::fs::read_dir(&format).unwrap() {
            let rel = snap.unwrap().path();
            let rel = rel
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel.ends_with(".snap") && !expected.contains(&rel) {
                orphans.push(rel);
            }
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots of no format or fixture in tests/report.rs: {orphans:?}"
    );
}
