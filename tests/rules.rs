//! Every rule against its fixtures (`testdata/rules/README.md`): each `fail-*` case gives at least
//! one finding of the rule and each `pass-*` case none; every built-in rule has failing and
//! passing cases in Terraform and CloudFormation; the text users see for each failing case is a
//! snapshot.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct Case {
    rule: String,
    name: String,
    dir: PathBuf,
    fail: bool,
    format: String,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let base = Path::new(ROOT).join("testdata/rules");
    let mut rules: Vec<PathBuf> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    rules.sort();
    for r in rules {
        let rule = r.file_name().unwrap().to_string_lossy().to_string();
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&r)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            let name = dir.file_name().unwrap().to_string_lossy().to_string();
            let mut parts = name.splitn(3, '-');
            let verdict = parts.next().unwrap_or("").to_string();
            let format = parts.next().unwrap_or("").to_string();
            assert!(
                matches!(verdict.as_str(), "fail" | "pass")
                    && matches!(format.as_str(), "tf" | "plan" | "cfn" | "taskdef"),
                "{}: a case is named fail-<tf|plan|cfn|taskdef>-… or pass-<tf|plan|cfn|taskdef>-…",
                dir.display()
            );
            out.push(Case {
                rule: rule.clone(),
                name,
                fail: verdict == "fail",
                format,
                dir,
            });
        }
    }
    out
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

#[test]
fn every_rule_fires_on_its_failing_cases_and_only_there() {
    let mut problems = Vec::new();
    let mut snapshots = Vec::new();
    for case in cases() {
        let (code, out) = run(&case, "json");
        let doc: serde_json::Value = match serde_json::from_str(&out) {
            Ok(d) => d,
            Err(e) => {
                problems.push(format!(
                    "{}/{}: no JSON ({e}), exit {code}",
                    case.rule, case.name
                ));
                continue;
            }
        };
        let hits: Vec<&serde_json::Value> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == case.rule.as_str())
            .collect();
        let errors: Vec<String> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| d["message"].to_string())
            .collect();
        if !errors.is_empty() {
            problems.push(format!(
                "{}/{}: input errors: {}",
                case.rule,
                case.name,
                errors.join("; ")
            ));
        }
        if case.fail && hits.is_empty() {
            problems.push(format!(
                "{}/{}: expected a {} finding, got none",
                case.rule, case.name, case.rule
            ));
        }
        if !case.fail && !hits.is_empty() {
            problems.push(format!(
                "{}/{}: expected no {} finding, got: {}",
                case.rule,
                case.name,
                case.rule,
                hits.iter()
                    .map(|h| h["message"].to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        if case.fail {
            let (_, text) = run(&case, "text");
            snapshots.push((format!("{}__{}", case.rule, case.name), text));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
    for (name, text) in snapshots {
        insta::assert_snapshot!(name, text);
    }
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
