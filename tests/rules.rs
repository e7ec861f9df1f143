//! Every rule against its fixtures (`testdata/rules/README.md`): each `fail-*` case gives at least
//! one finding of the rule and each `pass-*` case none, one test per case (`build.rs` lists them:
//! `cargo test FGP021` runs one rule's cases); every built-in rule has failing and passing cases in
//! Terraform and CloudFormation; the text users see for each failing case is a snapshot beside it,
//! `testdata/rules/FGPnnn/fail-*/expected.snap`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

#[path = "common/cases.rs"]
mod cases;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

// `mod FGPnnn { #[test] fn fail_tf_…() { super::check_case("FGPnnn", "fail-tf-…") } … }` for each
// case folder, and `CASES`.
include!(concat!(env!("OUT_DIR"), "/rule_cases.rs"));

/// The snapshot of a failing case, in its folder.
const SNAPSHOT: &str = "expected";

struct Case {
    rule: String,
    dir: PathBuf,
    fail: bool,
    format: String,
}

impl Case {
    /// `testdata/rules/<rule>/<name>`; panics unless the name is `fail|pass-<format>-…`.
    fn new(rule: &str, name: &str) -> Case {
        let dir = Path::new(ROOT).join("testdata/rules").join(rule).join(name);
        let mut parts = name.splitn(3, '-');
        let verdict = parts.next().unwrap_or("");
        let format = parts.next().unwrap_or("");
        assert!(
            matches!(verdict, "fail" | "pass")
                && matches!(format, "tf" | "plan" | "cfn" | "taskdef")
                && parts.next().is_some_and(|what| !what.is_empty()),
            "{}: a case is named fail-<tf|plan|cfn|taskdef>-… or pass-<tf|plan|cfn|taskdef>-…",
            dir.display()
        );
        Case {
            rule: rule.to_string(),
            fail: verdict == "fail",
            format: format.to_string(),
            dir,
        }
    }
}

/// The case folders as they are on disk now, sorted.
fn case_dirs() -> Vec<(String, String)> {
    let base = Path::new(ROOT).join("testdata/rules");
    let mut out = Vec::new();
    for rule in cases::subdirs(&base) {
        for case in cases::subdirs(&base.join(&rule)) {
            out.push((rule.clone(), case));
        }
    }
    out
}

fn cases() -> Vec<Case> {
    case_dirs().iter().map(|(r, c)| Case::new(r, c)).collect()
}

fn run(case: &Case, format: &str) -> (i32, String) {
    let rel = case.dir.strip_prefix(ROOT).unwrap();
    let mut cmd = Command::cargo_bin("pullpath").unwrap();
    cmd.current_dir(ROOT)
        .env("NO_COLOR", "1")
        .env_remove("TF_VAR_region")
        .env_remove("COLUMNS")
        .args(["check", "--format", format])
        .arg(rel);
    if let Ok(args) = std::fs::read_to_string(case.dir.join("args")) {
        cmd.args(args.lines().map(str::trim).filter(|l| !l.is_empty()));
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// One case: a finding of the rule in `fail-*`, none in `pass-*`, no input error, and for a
/// failing case the text output equal to its snapshot.
fn check_case(rule: &str, name: &str) {
    let case = Case::new(rule, name);
    let (code, out) = run(&case, "json");
    let doc: serde_json::Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("{rule}/{name}: no JSON ({e}), exit {code}:\n{out}"));
    let list = |key: &str| doc[key].as_array().cloned().unwrap_or_default();
    let (findings, diagnostics) = (list("findings"), list("diagnostics"));
    // What came out, for the failure message.
    let seen = findings
        .iter()
        .chain(&diagnostics)
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap_or_default().to_string();
            let id = [text("rule"), text("code")].concat();
            format!("  {} {id}: {}", text("severity"), text("message"))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let seen = if seen.is_empty() {
        "  no finding, no diagnostic".to_string()
    } else {
        seen
    };
    let mut problems = Vec::new();
    let errors = diagnostics
        .iter()
        .filter(|d| d["severity"] == "error")
        .count();
    if errors > 0 {
        problems.push(format!("{errors} input error(s)"));
    }
    let hits = findings.iter().filter(|f| f["rule"] == rule).count();
    if case.fail && hits == 0 {
        problems.push(format!("expected a {rule} finding, got none"));
    }
    if !case.fail && hits > 0 {
        problems.push(format!("expected no {rule} finding, got {hits}"));
    }
    assert!(
        problems.is_empty(),
        "{rule}/{name}: {}; exit {code}, output:\n{seen}\n",
        problems.join("; ")
    );
    let snapshot = case.dir.join(format!("{SNAPSHOT}.snap"));
    if case.fail {
        let (_, text) = run(&case, "text");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&case.dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(SNAPSHOT, text));
    } else {
        assert!(
            !snapshot.exists(),
            "{rule}/{name}: a passing case has no snapshot; remove {}",
            snapshot.display()
        );
    }
}

/// The generated tests are the case folders: a folder added since the last build would otherwise
/// go untested (`build.rs` reruns when `testdata/rules` changes, this says so if it did not).
#[test]
fn each_case_folder_has_its_test_and_a_valid_name() {
    let on_disk = case_dirs();
    let (missing, gone) = cases::unlisted(&on_disk, CASES);
    assert!(
        missing.is_empty() && gone.is_empty(),
        "testdata/rules changed since build.rs listed the cases (touch build.rs and rerun): \
         no test for {missing:?}, tests of folders gone: {gone:?}"
    );
    for (rule, case) in &on_disk {
        Case::new(rule, case);
    }
}

/// Every `.snap` under `testdata/rules` is the snapshot of a failing case, and none is left in
/// `tests/snapshots`, where they were before.
#[test]
fn no_rule_snapshot_is_orphaned() {
    let root = Path::new(ROOT);
    let fails: Vec<PathBuf> = cases()
        .into_iter()
        .filter(|c| c.fail)
        .map(|c| c.dir.join(format!("{SNAPSHOT}.snap")))
        .collect();
    let mut orphans = Vec::new();
    let mut stack = vec![root.join("testdata/rules")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "snap") && !fails.contains(&p) {
                orphans.push(p);
            }
        }
    }
    for e in std::fs::read_dir(root.join("tests/snapshots")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("rules__")
        {
            orphans.push(p);
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots of no failing case:\n{orphans:#?}"
    );
}

/// Cases that cannot exist, with the reason.
const IMPOSSIBLE: &[(&str, &str, &str)] = &[(
    "FGP014",
    "fail-cfn",
    "a cross-account repository policy is never in the stack of the task: one stack (and its \
     nested stacks) is one account, and rules read one deployment unit at a time",
)];

#[test]
fn every_builtin_rule_has_fixtures_in_each_format() {
    let out = Command::cargo_bin("pullpath")
        .unwrap()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cases = cases();
    let mut missing = Vec::new();
    for r in rules.as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        for fail in [true, false] {
            for format in ["tf", "cfn"] {
                let kind = format!("{}-{format}", if fail { "fail" } else { "pass" });
                if IMPOSSIBLE.iter().any(|(r, k, _)| *r == id && *k == kind) {
                    continue;
                }
                if !cases
                    .iter()
                    .any(|c| c.rule == id && c.fail == fail && c.format == format)
                {
                    missing.push(format!(
                        "{id}: no {}-{format} case",
                        if fail { "fail" } else { "pass" }
                    ));
                }
            }
        }
    }
    for c in &cases {
        if !rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == c.rule.as_str())
        {
            missing.push(format!("{}: fixtures of no rule", c.rule));
        }
    }
    assert!(missing.is_empty(), "\n{}\n", missing.join("\n"));
}

/// Every rule id (`FGPnnn`) cited by a shipped text (README, ARCHITECTURE, the rules and their
/// README, the fixtures' README, and the messages written in the code) has a rule file: the
/// domain catalog's other ids are not rules users can look up.
#[test]
fn shipped_texts_cite_only_existing_rules() {
    let root = Path::new(ROOT);
    let mut ids: Vec<String> = std::fs::read_dir(root.join("rules"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            (name.ends_with(".yaml")).then(|| name.split('-').next().unwrap().to_string())
        })
        .collect();
    ids.sort();
    let mut files: Vec<PathBuf> = ["README.md", "ARCHITECTURE.md", "rules/README.md"]
        .iter()
        .map(|f| root.join(f))
        .collect();
    files.push(root.join("testdata/rules/README.md"));
    for e in std::fs::read_dir(root.join("rules")).unwrap() {
        files.push(e.unwrap().path());
    }
    // Code: string literals users see; comments and tests are not shipped.
    let mut stack = vec![root.join("src")];
    let mut code = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && !p.file_name().unwrap().to_string_lossy().contains("tests")
            {
                code.push(p);
            }
        }
    }
    let mut wrong = Vec::new();
    let mut scan = |path: &Path, line_no: usize, line: &str| {
        let b = line.as_bytes();
        for (i, _) in line.match_indices("FGP") {
            let digits: String = b[i + 3..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .map(|&c| c as char)
                .collect();
            if digits.len() != 3 {
                continue;
            }
            let id = format!("FGP{digits}");
            if !ids.contains(&id) {
                wrong.push(format!(
                    "{}:{}: {id}",
                    path.strip_prefix(root).unwrap().display(),
                    line_no + 1
                ));
            }
        }
    };
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            scan(f, n, line);
        }
    }
    for f in &code {
        let text = std::fs::read_to_string(f).unwrap();
        // Stop at the unit tests of the file.
        let body = text.split("#[cfg(test)]").next().unwrap();
        for (n, line) in body.lines().enumerate() {
            if !line.trim_start().starts_with("//") {
                scan(f, n, line);
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "texts cite rules that have no rule file (rules/FGPnnn-*.yaml):\n{}",
        wrong.join("\n")
    );
}
