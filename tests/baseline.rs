//! The baseline (`--write-baseline`, `--baseline`, the configuration file's `baseline`), through
//! the command line, on every input format: what it records, that edits which do not change a
//! finding keep it baselined, that a new finding is reported alone, and the errors.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

#[path = "common/compact.rs"]
mod compact;
#[path = "common/tools.rs"]
mod tools;
use compact::check;

const BASELINE: &str = ".pullpath-baseline.json";

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The findings of compact lines (not the input diagnostics).
fn findings(lines: &[String]) -> Vec<&String> {
    let code = |l: &str| {
        let (_, rest) = l.split_once(": ")?;
        rest.split(' ').nth(1).map(str::to_string)
    };
    (lines.iter())
        .filter(|l| code(l).is_some_and(|c| c.starts_with("FGP")))
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// One input of each format, copied alone into a git repository (a plan without its `.tf`
/// files points into the plan), with an edit that moves every line but changes no finding.
struct Case {
    from: &'static str,
    name: &'static str,
    shift: &'static str,
}

const CASES: &[Case] = &[
    Case {
        from: "testdata/rules/FGP039/fail-tf-route-table-without-igw-route/main.tf",
        name: "main.tf",
        shift: "# moved down\n\n\n",
    },
    Case {
        from: "testdata/rules/FGP010/fail-plan-no-getsecretvalue/plan.json",
        name: "plan.json",
        shift: "\n\n\n",
    },
    Case {
        from: "testdata/rules/FGP039/fail-cfn-igw-attached-but-not-routed/template.yaml",
        name: "template.yaml",
        shift: "# moved down\n\n\n",
    },
    Case {
        from: "testdata/rules/FGP021/fail-cfn-subnets-on-main-route-table/template.json",
        name: "template.json",
        shift: "\n\n\n",
    },
];

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

#[test]
fn recorded_findings_are_not_reported_again_and_new_ones_are() {
    for case in CASES {
        let r = repo();
        let dir = r.path();
        let input = dir.join("infra").join(case.name);
        std::fs::create_dir(dir.join("infra")).unwrap();
        std::fs::copy(manifest().join(case.from), &input).unwrap();
        let name = case.name;

        let (code, before, _) = check(dir, &["infra"]);
        let before = findings(&before).len();
        assert!(code == 1 && before >= 1, "{name}: {before} findings");

        // Adopting: one command, which passes.
        let (code, lines, err) = check(dir, &["infra", "--write-baseline", BASELINE]);
        assert_eq!(
            (code, findings(&lines).len()),
            (0, 0),
            "{name}: {lines:?} {err}"
        );
        let s = if before == 1 { "" } else { "s" };
        assert!(
            err.contains(&format!("recorded {before} finding{s} in {BASELINE}")),
            "{name}: {err}"
        );
        let doc = read_json(&dir.join(BASELINE));
        assert_eq!(doc["version"], 1);
        let entries = doc["findings"].as_array().unwrap();
        assert_eq!(entries.len(), before, "{name}");
        for e in entries {
            // Relative to the baseline's directory, and nothing about lines.
            assert_eq!(e["file"], format!("infra/{name}"), "{name}");
            let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                ["file", "rule", "resource", "task_definition", "message"],
                "{name}"
            );
            assert!(!e["resource"].as_str().unwrap().is_empty(), "{name}");
        }

        let (code, lines, err) = check(dir, &["infra", "--baseline", BASELINE]);
        assert_eq!((code, lines.len()), (0, 0), "{name}: {lines:?} {err}");
        // The text summary counts them.
        let out = Command::cargo_bin("pullpath")
            .unwrap()
            .current_dir(dir)
            .args(["check", "infra", "--baseline", BASELINE])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.ends_with(&format!("; {before} baselined\n")),
            "{name}: {text}"
        );

        // Every line moves: still the same findings.
        let original = std::fs::read_to_string(&input).unwrap();
        std::fs::write(&input, format!("{}{original}", case.shift)).unwrap();
        let (code, lines, err) = check(dir, &["infra", "--baseline", BASELINE]);
        assert_eq!(
            (code, lines.len()),
            (0, 0),
            "{name} shifted: {lines:?} {err}"
        );

        // From another directory, the baseline's paths still name the same files.
        let (code, lines, err) = check(
            &dir.join("infra"),
            &[".", "--baseline", &format!("../{BASELINE}")],
        );
        assert_eq!(
            (code, lines.len()),
            (0, 0),
            "{name} from infra/: {lines:?} {err}"
        );

        // A finding the baseline does not hold is reported, alone, and fails the run.
        let mut doc = doc.clone();
        let dropped = doc["findings"].as_array_mut().unwrap().remove(0);
        std::fs::write(dir.join("partial.json"), doc.to_string()).unwrap();
        let (code, lines, err) = check(dir, &["infra", "--baseline", "partial.json"]);
        assert_eq!(code, 1, "{name}: {lines:?} {err}");
        let found = findings(&lines);
        assert_eq!(found.len(), 1, "{name}: {lines:?}");
        assert!(
            found[0].contains(&format!(
                "{} {}",
                dropped["rule"].as_str().unwrap(),
                dropped["message"].as_str().unwrap()
            )),
            "{name}: {} vs {dropped}",
            found[0]
        );
    }
}

#[test]
fn a_terraform_finding_follows_its_resource_across_the_files_of_the_module() {
    let r = repo();
    let dir = r.path();
    let main = dir.join("main.tf");
    std::fs::copy(manifest().join("testdata/equivalence/main.tf"), &main).unwrap();
    let (code, _, err) = check(dir, &["--write-baseline", BASELINE]);
    assert_eq!(code, 0, "{err}");

    // The whole module moves to another file, and the image tag changes the message.
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::remove_file(&main).unwrap();
    std::fs::write(dir.join("ecs.tf"), text.replace("app:1.0", "app:1.1")).unwrap();
    let (code, lines, err) = check(dir, &["--baseline", BASELINE]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?} {err}");

    // A renamed resource is another finding; its old entry is stale, said once, as a note.
    let text = std::fs::read_to_string(dir.join("ecs.tf")).unwrap();
    let renamed = text.replace("\"aws_ecs_service\" \"app\"", "\"aws_ecs_service\" \"web\"");
    assert_ne!(renamed, text);
    std::fs::write(dir.join("ecs.tf"), renamed).unwrap();
    let (code, lines, _) = check(dir, &["--baseline", BASELINE]);
    assert_eq!(code, 1);
    let found = findings(&lines);
    assert_eq!(found.len(), 1, "{lines:?}");
    assert!(found[0].contains("aws_ecs_service.web"), "{lines:?}");
    let stale: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("stale-baseline"))
        .collect();
    assert_eq!(stale.len(), 1, "{lines:?}");
    assert!(
        stale[0].starts_with(&format!(
            "{BASELINE}:1:1: info stale-baseline 1 baseline entry matches no finding"
        )),
        "{}",
        stale[0]
    );
    assert!(
        stale[0].contains("FGP022 on `aws_ecs_service.app` in main.tf"),
        "{}",
        stale[0]
    );

    // Writing it again drops the stale entry; nothing is left to report.
    let (code, _, err) = check(dir, &["--write-baseline", BASELINE]);
    assert_eq!(code, 0, "{err}");
    let doc = read_json(&dir.join(BASELINE));
    let entries = doc["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["resource"], "aws_ecs_service.web");
    assert_eq!(entries[0]["file"], "ecs.tf");
    let (code, lines, _) = check(dir, &["--baseline", BASELINE]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?}");
}

#[test]
fn writing_part_of_a_repository_keeps_the_other_entries() {
    let r = repo();
    let dir = r.path();
    for (sub, input) in [
        ("tf", "testdata/equivalence/main.tf"),
        ("cfn", "testdata/equivalence/template.yaml"),
    ] {
        std::fs::create_dir(dir.join(sub)).unwrap();
        let name = Path::new(input).file_name().unwrap();
        std::fs::copy(manifest().join(input), dir.join(sub).join(name)).unwrap();
    }
    let (code, _, err) = check(dir, &["--write-baseline", BASELINE]);
    assert_eq!(code, 0, "{err}");
    let all = read_json(&dir.join(BASELINE));
    assert_eq!(all["findings"].as_array().unwrap().len(), 2);

    // Only `tf` is read: the `cfn` entry stays, and the file is the same.
    let (code, _, err) = check(dir, &["tf", "--write-baseline", BASELINE]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("(1 kept from files not read or rules not run)"),
        "{err}"
    );
    assert_eq!(read_json(&dir.join(BASELINE)), all);
    // A run on one directory does not call the other's entries stale.
    let (code, lines, _) = check(dir, &["cfn", "--baseline", BASELINE]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?}");
    // Nor does a run of other rules.
    let (code, lines, _) = check(dir, &["--select", "FGP001", "--baseline", BASELINE]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?}");
    // A deleted file's entries go at the next write.
    std::fs::remove_dir_all(dir.join("cfn")).unwrap();
    let (code, _, err) = check(dir, &["tf", "--write-baseline", BASELINE]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read_json(&dir.join(BASELINE))["findings"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn the_configuration_file_names_the_baseline() {
    let r = repo();
    let dir = r.path();
    std::fs::create_dir(dir.join("infra")).unwrap();
    std::fs::copy(
        manifest().join("testdata/equivalence/template.json"),
        dir.join("infra/template.json"),
    )
    .unwrap();
    std::fs::write(
        dir.join("pullpath.toml"),
        "baseline = \"ci/pullpath-baseline.json\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.join("ci")).unwrap();

    // Not written yet: a usage error that says how to write it, naming the configuration.
    let (code, _, err) = check(dir, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("pullpath.toml: baseline:"), "{err}");
    assert!(
        err.contains("write it with `pullpath check --write-baseline"),
        "{err}"
    );

    let (code, _, err) = check(dir, &["--write-baseline", "ci/pullpath-baseline.json"]);
    assert_eq!(code, 0, "{err}");
    let doc = read_json(&dir.join("ci/pullpath-baseline.json"));
    assert_eq!(doc["findings"][0]["file"], "../infra/template.json");
    // The file's baseline applies from the repository and from a subdirectory, to a named
    // file as pre-commit names it.
    for (cwd, args) in [
        (dir.to_path_buf(), &[][..]),
        (dir.join("infra"), &[][..]),
        (dir.to_path_buf(), &["infra/template.json"][..]),
    ] {
        let (code, lines, err) = check(&cwd, args);
        assert_eq!((code, lines.len()), (0, 0), "{args:?}: {lines:?} {err}");
    }
    // `--no-baseline` shows everything again.
    let (code, lines, _) = check(dir, &["--no-baseline"]);
    assert_eq!((code, findings(&lines).len()), (1, 1), "{lines:?}");
}

#[test]
fn a_file_that_is_not_a_baseline_is_an_error_and_never_overwritten() {
    let r = repo();
    let dir = r.path();
    std::fs::copy(
        manifest().join("testdata/equivalence/template.yaml"),
        dir.join("template.yaml"),
    )
    .unwrap();
    let cases = [
        ("missing.json", None, "no such baseline"),
        (
            "package.json",
            Some("{\"name\": \"x\"}"),
            "not a pullpath baseline (no `version`)",
        ),
        (
            "broken.json",
            Some("{\"version\": 1, \"findings\": ["),
            "not a pullpath baseline",
        ),
        (
            "newer.json",
            Some("{\"version\": 2, \"findings\": []}"),
            "format version 2",
        ),
        (
            "typo.json",
            Some("{\"version\": 1, \"findings\": [{\"rule\": \"FGP022\"}]}"),
            "missing field",
        ),
    ];
    for (file, text, expected) in cases {
        if let Some(t) = text {
            std::fs::write(dir.join(file), t).unwrap();
        }
        let (code, lines, err) = check(dir, &["template.yaml", "--baseline", file]);
        assert_eq!((code, lines.len()), (2, 0), "{file}: {lines:?}");
        assert!(
            err.contains(file) && err.contains(expected),
            "{file}: {err}"
        );
        if let Some(t) = text {
            let (code, _, err) = check(dir, &["template.yaml", "--write-baseline", file]);
            assert_eq!(code, 2, "{file}");
            assert!(err.contains("not overwritten"), "{file}: {err}");
            assert_eq!(std::fs::read_to_string(dir.join(file)).unwrap(), t);
        }
    }
}

#[test]
fn sarif_marks_what_the_baseline_does_not_hold_as_new() {
    let r = repo();
    let dir = r.path();
    std::fs::copy(
        manifest().join("testdata/rules/FGP039/fail-cfn-igw-attached-but-not-routed/template.yaml"),
        dir.join("template.yaml"),
    )
    .unwrap();
    let (code, _, err) = check(dir, &["--write-baseline", BASELINE]);
    assert_eq!(code, 0, "{err}");
    let mut doc = read_json(&dir.join(BASELINE));
    doc["findings"].as_array_mut().unwrap().truncate(2);
    std::fs::write(dir.join(BASELINE), doc.to_string()).unwrap();
    let out = Command::cargo_bin("pullpath")
        .unwrap()
        .current_dir(dir)
        .args([
            "check",
            "--baseline",
            BASELINE,
            "--format",
            "sarif=out.sarif",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["baselined"], 2);
    let sarif = read_json(&dir.join("out.sarif"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), json["findings"].as_array().unwrap().len());
    assert!(!results.is_empty());
    assert!(
        results.iter().all(|r| r["baselineState"] == "new"),
        "{results:?}"
    );
    tools::validate_sarif(&dir.join("out.sarif"));
}

#[cfg(unix)]
#[test]
fn a_directory_reached_through_a_link_is_recorded_by_its_real_path() {
    let r = repo();
    let dir = r.path();
    std::fs::create_dir(dir.join("real")).unwrap();
    std::fs::copy(
        manifest().join("testdata/equivalence/template.yaml"),
        dir.join("real/template.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("real", dir.join("link")).unwrap();
    let (code, _, err) = check(dir, &["link", "--write-baseline", BASELINE]);
    assert_eq!(code, 0, "{err}");
    let doc = read_json(&dir.join(BASELINE));
    assert_eq!(doc["findings"][0]["file"], "real/template.yaml");
    for path in ["real", "link"] {
        let (code, lines, err) = check(dir, &[path, "--baseline", BASELINE]);
        assert_eq!((code, lines.len()), (0, 0), "{path}: {lines:?} {err}");
    }
}
