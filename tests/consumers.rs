//! Each output format read by its consumer's own rules, on the shipped examples (the
//! equivalence set in all four input formats, input diagnostics, a file whose name needs
//! escaping):
//! - SARIF: Microsoft's SARIF multitool (`validate`, which checks the SARIF 2.1.0 schema and
//!   its rules), when `SARIF_MULTITOOL` names it (`.ci/run` installs it and sets
//!   `PULLPATH_REQUIRE_TOOLS`, which makes its absence a failure rather than a skip); and
//!   GitHub code scanning's documented requirements for an upload;
//! - GitHub: workflow commands parsed as the Actions runner parses them;
//! - JUnit: read by `junitparser` (PyPI), when `PULLPATH_PYTHON` names a Python that has it
//!   (`.ci/run` makes one);
//! - GitLab Code Quality: the fields GitLab requires of each issue;
//! - compact: one `path:line:col: severity code message` line per item.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

#[path = "common/tools.rs"]
mod tools;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The inputs every format is checked on.
fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = [
        "testdata/equivalence/main.tf",
        "testdata/equivalence/plan.json",
        "testdata/equivalence/template.yaml",
        "testdata/equivalence/template.json",
        "testdata/diagnostics",
        "testdata/suppress/tf",
        "testdata/suppress/cfn-yaml",
    ]
    .iter()
    .map(|p| Path::new(ROOT).join(p))
    .collect();
    v.push(awkward_name());
    v
}

/// A copy of the Terraform example in a directory whose file name holds every character a
/// consumer must have escaped (`,` `:` `%` `;` `]`, a space).
fn awkward_name() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("consumers-awkward");
    std::fs::create_dir_all(&dir).unwrap();
    let text =
        std::fs::read_to_string(Path::new(ROOT).join("testdata/equivalence/main.tf")).unwrap();
    let file = dir.join("a,b:c%25 d;e]f.tf");
    std::fs::write(&file, text).unwrap();
    file
}

/// `pullpath check --format FORMAT PATH`, from the repository root: (exit code, stdout).
fn check(format: &str, path: &Path) -> (i32, String) {
    let out = Command::cargo_bin("pullpath")
        .unwrap()
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .args(["check", "--format", format])
        .arg(path)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{format} {}: exit {code}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    (code, String::from_utf8(out.stdout).unwrap())
}

/// The JSON report of the same run: what the other formats must all say.
fn json(path: &Path) -> Value {
    serde_json::from_str(&check("json", path).1).unwrap()
}

#[test]
fn sarif_meets_github_code_scanning_and_the_multitool() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("consumers-sarif");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (i, path) in examples().iter().enumerate() {
        let (code, out) = check("sarif", path);
        let doc: Value = serde_json::from_str(&out).unwrap();
        let expected = json(path);
        let run = &doc["runs"][0];
        assert_eq!(doc["version"], "2.1.0");
        assert_eq!(run["tool"]["driver"]["name"], "pullpath");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        // every finding and every input error or warning is a result; notes are notifications
        let inputs = expected["diagnostics"].as_array().unwrap();
        let notes = inputs.iter().filter(|d| d["severity"] == "info").count();
        // and every suppressed finding, with its `suppressions`
        let suppressed = expected["suppressed"].as_array().map_or(0, Vec::len);
        assert_eq!(
            results.len(),
            expected["findings"].as_array().unwrap().len() + suppressed + inputs.len() - notes,
            "{}",
            path.display()
        );
        assert_eq!(
            results
                .iter()
                .filter(|r| r.get("suppressions").is_some())
                .count(),
            suppressed
        );
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"]
                .as_array()
                .unwrap()
                .len(),
            notes
        );
        assert_eq!(
            code == 1,
            results
                .iter()
                .any(|r| r["level"] == "error" && r.get("suppressions").is_none())
        );
        // GitHub's upload limits and required properties (docs.github.com, "SARIF support for
        // code scanning"): a rule id, a message, a location with a URI and a start line, tags
        // at most 20 per rule, related locations at most 1,000 per result.
        for rule in rules {
            assert!(rule["properties"]["tags"].as_array().unwrap().len() <= 20);
            assert!(!rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty());
        }
        for r in results {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
            assert!(!r["message"]["text"].as_str().unwrap().is_empty());
            let loc = &r["locations"][0]["physicalLocation"];
            let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%", "{uri}");
            assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
            // the URI names the file, relative to the working directory
            let decoded = percent_decode(uri);
            assert!(
                Path::new(ROOT).join(&decoded).is_file() || Path::new(&decoded).is_file(),
                "{uri}"
            );
            assert!(r["relatedLocations"].as_array().map_or(0, Vec::len) <= 1000);
            assert!(r["partialFingerprints"]["pullpath/v1"].is_string());
        }
        let file = dir.join(format!("{i}.sarif"));
        std::fs::write(&file, &out).unwrap();
        files.push(file);
    }
    for file in &files {
        tools::validate_sarif(file);
    }
}

#[test]
fn junit_reads_back_with_junitparser() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("consumers-junit");
    std::fs::create_dir_all(&dir).unwrap();
    let mut runs = Vec::new();
    for (i, path) in examples().iter().enumerate() {
        let (_, out) = check("junit", path);
        let file = dir.join(format!("{i}.xml"));
        std::fs::write(&file, out).unwrap();
        runs.push((file, json(path)));
    }
    let Some(python) = tools::tool("PULLPATH_PYTHON", "a Python with junitparser") else {
        return;
    };
    // Each case as junitparser reads it: classname, name, and its failures' and errors' types.
    const READ: &str = "import json, sys\nfrom junitparser import JUnitXml, Failure, Error\n\
        xml = JUnitXml.fromfile(sys.argv[1])\n\
        print(json.dumps([{'classname': c.classname, 'name': c.name, 'failures': \
        [r.type for r in c.result if isinstance(r, Failure)], 'errors': \
        [r.type for r in c.result if isinstance(r, Error)]} for s in xml for c in s]))";
    for (file, expected) in runs {
        let out = Process::new(&python)
            .args(["-c", READ])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let cases: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        // each finding is a failure of its task definition's case, of its rule's type
        let findings = expected["findings"].as_array().unwrap();
        for f in findings {
            let case = cases
                .iter()
                .find(|c| c["name"] == f["task_definition"])
                .unwrap_or_else(|| panic!("no case for {}: {cases:?}", f["task_definition"]));
            assert!(
                case["failures"].as_array().unwrap().contains(&f["rule"]),
                "{case}"
            );
        }
        let failures: usize = (cases.iter())
            .map(|c| c["failures"].as_array().unwrap().len())
            .sum();
        assert_eq!(failures, findings.len(), "{}", file.display());
        let inputs = (expected["diagnostics"].as_array().unwrap().iter())
            .filter(|d| d["severity"] != "info")
            .count();
        let errors: usize = (cases.iter())
            .map(|c| c["errors"].as_array().unwrap().len())
            .sum();
        assert_eq!(errors, inputs, "{}", file.display());
    }
}

#[test]
fn gitlab_code_quality_issues_have_the_required_fields() {
    for path in examples() {
        let (_, out) = check("gitlab", &path);
        let issues: Vec<Value> = serde_json::from_str(&out).unwrap();
        let expected = json(&path);
        let inputs = (expected["diagnostics"].as_array().unwrap().iter())
            .filter(|d| d["severity"] != "info")
            .count();
        assert_eq!(
            issues.len(),
            expected["findings"].as_array().unwrap().len() + inputs
        );
        let mut fingerprints = std::collections::HashSet::new();
        for i in &issues {
            for key in ["description", "check_name", "fingerprint"] {
                assert!(!i[key].as_str().unwrap().is_empty(), "{key}: {i}");
            }
            assert!(fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()));
            let severity = i["severity"].as_str().unwrap();
            assert!(
                ["info", "minor", "major", "critical", "blocker"].contains(&severity),
                "{i}"
            );
            let path = i["location"]["path"].as_str().unwrap();
            assert!(
                Path::new(ROOT).join(path).is_file() || Path::new(path).is_file(),
                "{path}"
            );
            assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        }
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A workflow command as the Actions runner reads a line (`ActionCommand.TryParseV2` in
/// actions/runner, src/Runner.Common/ActionCommand.cs): `::name k=v,k=v::data`, the command
/// info ending at the first `::` after the prefix; properties split on `,` then on the first
/// `=`; properties unescaped `%0D` `%0A` `%3A` `%2C` `%25`, data `%0D` `%0A` `%25`.
struct Workflow {
    name: String,
    props: Vec<(String, String)>,
    data: String,
}

fn parse_workflow(line: &str) -> Option<Workflow> {
    let line = line.trim();
    let rest = line.strip_prefix("::")?;
    let end = rest.find("::")?;
    let (info, data) = (&rest[..end], &rest[end + 2..]);
    let (name, props) = info.split_once(' ').unwrap_or((info, ""));
    let unescape = |s: &str, property: bool| {
        let mut s = s.replace("%0D", "\r").replace("%0A", "\n");
        if property {
            s = s.replace("%3A", ":").replace("%2C", ",");
        }
        s.replace("%25", "%")
    };
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), unescape(v, true)))
        .collect();
    Some(Workflow {
        name: name.to_string(),
        props,
        data: unescape(data, false),
    })
}

#[test]
fn github_commands_read_back_as_the_runner_reads_them() {
    for path in examples() {
        let (_, out) = check("github", &path);
        let expected = json(&path);
        let findings = expected["findings"].as_array().unwrap();
        let mut seen = 0;
        for line in out.lines() {
            let w = parse_workflow(line).unwrap_or_else(|| panic!("not a command: {line}"));
            assert!(
                ["error", "warning", "notice"].contains(&w.name.as_str()),
                "{line}"
            );
            let prop = |k: &str| {
                w.props
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.as_str())
            };
            let Some(f) = findings.iter().find(|f| {
                prop("title").is_some_and(|t| t.starts_with(f["rule"].as_str().unwrap()))
                    && w.data.starts_with(f["message"].as_str().unwrap())
            }) else {
                continue;
            };
            seen += 1;
            // the file and line read back exactly, whatever the file's name holds
            assert_eq!(prop("file"), f["file"].as_str(), "{line}");
            assert_eq!(
                prop("line").map(|l| l.parse::<u64>().unwrap()),
                f["line"].as_u64()
            );
            if let Some(e) = f["deploy_error"].as_str().filter(|e| !e.is_empty()) {
                let first = e.lines().next().unwrap().trim();
                assert!(w.data.contains(first), "{}", w.data);
            }
        }
        assert_eq!(seen, findings.len(), "{}: {out}", path.display());
    }
}

#[test]
fn compact_is_one_line_per_item_with_its_place() {
    for path in examples() {
        let (_, out) = check("compact", &path);
        let expected = json(&path);
        for f in expected["findings"].as_array().unwrap() {
            let line = format!(
                "{}:{}:{}: {} {} {}",
                f["file"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["severity"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            );
            assert!(out.lines().any(|l| l == line), "{line} not in\n{out}");
        }
        for l in out.lines() {
            let (place, rest) = l.split_once(": ").unwrap();
            let mut parts = place.rsplitn(3, ':');
            let (col, line) = (parts.next().unwrap(), parts.next().unwrap());
            assert!(
                col.parse::<u32>().is_ok() && line.parse::<u32>().is_ok(),
                "{l}"
            );
            let severity = rest.split(' ').next().unwrap();
            assert!(["error", "warning", "info"].contains(&severity), "{l}");
        }
    }
}
