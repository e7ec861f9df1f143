//! Choosing rules (`--select`, `--ignore`, `--severity`, `--min-severity`) and the configuration
//! file (`pullpath.toml`), through the command line, on every input format.

use std::path::Path;

use assert_cmd::Command;

#[path = "common/compact.rs"]
mod compact;
use compact::check;

/// The same infrastructure in each input format; each has one FGP022 finding (error).
const INPUTS: &[&str] = &[
    "testdata/equivalence/main.tf",
    "testdata/equivalence/plan.json",
    "testdata/equivalence/template.yaml",
    "testdata/equivalence/template.json",
];

fn pullpath(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("pullpath").unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    c
}

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn select_ignore_and_severity_on_every_input_format() {
    let dir = manifest();
    for input in INPUTS {
        let (code, lines, _) = check(dir, &[input]);
        assert_eq!(code, 1, "{input}: {lines:?}");
        assert!(
            lines.iter().any(|l| l.contains("error FGP022")),
            "{input}: {lines:?}"
        );

        for ignore in [
            &["--ignore", "FGP022"][..],
            &["--ignore", "fgp02"],
            &["--select", "FGP001,FGP003"],
        ] {
            let (code, lines, err) = check(dir, &[&[*input][..], ignore].concat());
            assert_eq!(
                (code, lines.len()),
                (0, 0),
                "{input} {ignore:?}: {lines:?} {err}"
            );
        }
        let by_name = ["--select", "Private-Subnets-Without-Logs-Endpoint"];
        let (code, lines, err) = check(dir, &[&[*input][..], &by_name].concat());
        assert_eq!(code, 1, "{err}");
        assert!(
            lines.iter().all(|l| l.contains("FGP022")) && !lines.is_empty(),
            "{lines:?}"
        );

        let (code, lines, _) = check(dir, &[input, "--severity", "FGP022=warning"]);
        assert_eq!(code, 0, "a warning does not fail by default: {lines:?}");
        assert!(
            lines.iter().any(|l| l.contains("warning FGP022")),
            "{input}: {lines:?}"
        );
        let (code, _, _) = check(
            dir,
            &[
                input,
                "--severity",
                "FGP022=warning",
                "--fail-on",
                "warning",
            ],
        );
        assert_eq!(code, 1);
        let (code, lines, _) = check(
            dir,
            &[
                input,
                "--severity",
                "FGP02=info",
                "--min-severity",
                "warning",
            ],
        );
        assert_eq!((code, lines.len()), (0, 0), "{input}: {lines:?}");
    }
}

#[test]
fn a_selector_that_names_no_rule_is_a_usage_error() {
    for args in [
        &["--select", "FGP99"][..],
        &["--ignore", "FGP0222"],
        &["--severity", "nope=error"],
    ] {
        let (code, lines, err) = check(manifest(), &[&[INPUTS[0]][..], args].concat());
        assert_eq!(code, 2, "{args:?}: {lines:?}");
        assert!(err.contains("no rule has this id"), "{err}");
    }
    let (code, _, err) = check(manifest(), &[INPUTS[0], "--severity", "FGP022=fatal"]);
    assert_eq!(code, 2);
    assert!(err.contains("`fatal` is not a severity"), "{err}");
}

/// A git repository with each input format in its own directory and the given configuration.
fn repo(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for input in INPUTS {
        let name = Path::new(input).file_name().unwrap();
        let sub = dir.path().join(name.to_str().unwrap().replace('.', "-"));
        std::fs::create_dir(&sub).unwrap();
        std::fs::copy(manifest().join(input), sub.join(name)).unwrap();
    }
    std::fs::write(dir.path().join("pullpath.toml"), config).unwrap();
    dir
}

#[test]
fn the_configuration_file_is_found_upward_and_the_command_line_wins() {
    let r = repo("ignore = [\"FGP022\"]\n");
    let (code, lines, err) = check(r.path(), &[]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?} {err}");
    // from a subdirectory, and for a file given by name, in every format
    for sub in ["main-tf", "plan-json", "template-yaml", "template-json"] {
        let (code, lines, _) = check(&r.path().join(sub), &[]);
        assert_eq!((code, lines.len()), (0, 0), "{sub}: {lines:?}");
    }
    // three findings: the plan, without its `.tf` files beside it, has the private route
    // table's route "known after apply", so its FGP022 is unverified, not a finding
    let (code, lines, _) = check(r.path(), &["--no-config"]);
    assert_eq!((code, lines.len()), (1, 3), "{lines:?}");

    // `--select` replaces the file's `select`; `--ignore` adds to its `ignore`; the command
    // line's severity and fail-on win.
    let r = repo("select = [\"FGP001\"]\nfail-on = \"never\"\n[severity]\nFGP022 = \"warning\"\n");
    let (code, lines, _) = check(r.path(), &[]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?}");
    let (code, lines, _) = check(r.path(), &["--select", "FGP022"]);
    assert_eq!(code, 0, "fail-on never from the file");
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines.iter().all(|l| l.contains("warning FGP022")),
        "{lines:?}"
    );
    let (code, _, _) = check(r.path(), &["--select", "FGP022", "--fail-on", "warning"]);
    assert_eq!(code, 1);
    let (code, lines, _) = check(
        r.path(),
        &[
            "--select",
            "FGP022",
            "--severity",
            "FGP022=error",
            "--fail-on",
            "error",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        lines.iter().all(|l| l.contains("error FGP022")),
        "{lines:?}"
    );
    let (_, lines, _) = check(r.path(), &["--select", "FGP022", "--ignore", "FGP022"]);
    assert!(lines.is_empty(), "{lines:?}");

    // min-severity from the file
    let r = repo("min-severity = \"error\"\n[severity]\nFGP022 = \"warning\"\n");
    let (code, lines, _) = check(r.path(), &["--fail-on", "info"]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?}");
}

#[test]
fn exclude_globs_leave_out_walked_and_named_paths() {
    let r = repo("exclude = [\"plan-json/\", \"template-*/*.yaml\"]\n");
    let (code, lines, _) = check(r.path(), &[]);
    assert_eq!(code, 1);
    let mut files: Vec<&str> = lines.iter().map(|l| l.split(':').next().unwrap()).collect();
    files.sort();
    assert_eq!(
        files,
        ["main-tf/main.tf", "template-json/template.json"],
        "{lines:?}"
    );
    // a file named on the command line (as pre-commit names them) is excluded too, and the
    // run says so instead of passing silently
    let (code, lines, err) = check(r.path(), &["plan-json/plan.json"]);
    assert_eq!((code, lines.len()), (2, 0), "{lines:?}");
    assert!(err.contains("excluded by `exclude` in"), "{err}");
}

#[test]
fn var_files_apply_to_their_root_only() {
    let r = tempfile::tempdir().unwrap();
    std::fs::create_dir(r.path().join(".git")).unwrap();
    let tf = manifest().join("testdata/rules/FGP001/pass-tf-role-from-unset-variable/main.tf");
    for root in ["envs/prod", "envs/dev"] {
        std::fs::create_dir_all(r.path().join(root)).unwrap();
        std::fs::copy(&tf, r.path().join(root).join("main.tf")).unwrap();
    }
    std::fs::create_dir(r.path().join("vars")).unwrap();
    std::fs::write(
        r.path().join("vars/prod.tfvars"),
        "execution_role_arn = null\n",
    )
    .unwrap();
    std::fs::write(
        r.path().join("pullpath.toml"),
        "[var-files]\n\"envs/prod\" = [\"vars/prod.tfvars\"]\n",
    )
    .unwrap();
    let (code, lines, err) = check(r.path(), &[]);
    assert_eq!(code, 1, "{err}");
    // envs/dev keeps its variable without a value: a note, no finding
    let lines: Vec<_> = lines.into_iter().filter(|l| l.contains("FGP")).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("envs/prod/main.tf:") && lines[0].contains("FGP001"),
        "{lines:?}"
    );
    // a root or a file that does not exist is an error naming the key
    std::fs::write(
        r.path().join("pullpath.toml"),
        "[var-files]\n\"envs/prod\" = [\"vars/missing.tfvars\"]\n",
    )
    .unwrap();
    let (code, _, err) = check(r.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("pullpath.toml") && err.contains("var-files.\"envs/prod\""),
        "{err}"
    );
}

#[test]
fn mistakes_in_the_file_name_the_file_and_the_key() {
    for (text, expect) in [
        ("ignroe = [\"FGP021\"]\n", "unknown field `ignroe`"),
        ("ignore = [\"FGP0222\"]\n", "ignore `FGP0222`: no rule"),
        ("fail-on = \"sometimes\"\n", "fail-on: `sometimes`"),
        ("exclude = \"legacy\"\n", "invalid type"),
    ] {
        let r = repo(text);
        let (code, lines, err) = check(r.path(), &[]);
        assert_eq!(code, 2, "{text}: {lines:?}");
        assert!(
            err.contains("pullpath.toml") && err.contains(expect),
            "{text}: {err}"
        );
    }
    // two configuration files in one directory: which applies would be a guess
    let r = repo("");
    std::fs::write(r.path().join(".pullpath.toml"), "").unwrap();
    let (code, _, err) = check(r.path(), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("two configuration files"), "{err}");
}

#[test]
fn formats_from_the_file_and_init() {
    let r = repo("format = [\"compact\", \"sarif=out/pullpath.sarif\"]\n");
    std::fs::create_dir(r.path().join("out")).unwrap();
    let out = pullpath(r.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let shown = String::from_utf8_lossy(&out.stdout).lines().count();
    assert!(shown >= 3, "{}", String::from_utf8_lossy(&out.stdout));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.path().join("out/pullpath.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), shown);
    // a format the file names wrongly is an error naming the file
    std::fs::write(r.path().join("pullpath.toml"), "format = [\"xml\"]\n").unwrap();
    let out = pullpath(r.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pullpath.toml: format: `xml` is not a format"),
        "{err}"
    );

    let d = tempfile::tempdir().unwrap();
    pullpath(d.path()).arg("init").assert().success();
    let written = std::fs::read_to_string(d.path().join("pullpath.toml")).unwrap();
    assert!(written.contains("# ignore = "), "{written}");
    pullpath(d.path()).arg("init").assert().code(2);
}

/// Selection and inline suppression together: a comment naming a rule that `--ignore` left out
/// is neither unknown nor unused, and `--min-severity` leaves out suppressed findings too.
#[test]
fn selection_and_suppression_together() {
    let run = |args: &[&str]| {
        let out = pullpath(manifest())
            .args(["check", "testdata/suppress/tf", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let codes = |doc: &serde_json::Value| -> Vec<String> {
        (doc["diagnostics"].as_array().unwrap().iter())
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let all = run(&[]);
    assert_eq!(all["summary"]["suppressed"], 2);
    let ignored = run(&["--ignore", "FGP005"]);
    assert_eq!(ignored["summary"]["suppressed"], 1);
    assert_eq!(
        codes(&ignored),
        codes(&all),
        "the FGP005 comment stays quiet"
    );
    let quiet = run(&["--severity", "FGP=info", "--min-severity", "warning"]);
    assert!(
        quiet["summary"].get("suppressed").is_none(),
        "{}",
        quiet["summary"]
    );
    assert!(quiet.get("suppressed").is_none());
}

#[test]
fn rules_and_explain_read_the_configuration_files_rules() {
    let r = repo("rules = [\"policies\"]\n");
    std::fs::create_dir(r.path().join("policies")).unwrap();
    std::fs::write(
        r.path().join("policies/ACME1-x.yaml"),
        "id: ACME1\nname: acme-awslogs\ntitle: Acme logs with awslogs\nseverity: info\nsubject: task\nchecks:\n  - when: [task.fargate]\n    require: not task.awslogs\nmessage: \"{task.address} logs with awslogs\"\ndeploy_error: e\nhelp: h\ndocs: Acme ships logs otherwise.\nsources: []\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = pullpath(r.path()).args(args).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, list) = run(&["rules"]);
    assert_eq!(code, 0);
    assert!(list.contains("ACME1   info"), "{list}");
    let (code, text) = run(&["explain", "acme-awslogs"]);
    assert_eq!(code, 0);
    assert!(
        text.starts_with("ACME1 (acme-awslogs): Acme logs with awslogs"),
        "{text}"
    );
    assert!(text.contains("Acme ships logs otherwise."), "{text}");
    // and `check` runs it
    let (code, lines, _) = check(
        r.path(),
        &["main-tf", "--select", "ACME1", "--fail-on", "info"],
    );
    assert_eq!(code, 1);
    assert!(lines.iter().any(|l| l.contains("info ACME1")), "{lines:?}");
    // not without the configuration
    let (_, list) = run(&["rules", "--no-config"]);
    assert!(!list.contains("ACME1"), "{list}");
    let (code, _) = run(&["explain", "ACME1", "--no-config"]);
    assert_eq!(code, 2);
}
