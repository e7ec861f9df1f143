//! The command line as users run it: exit codes, output formats, discovery rules.

use assert_cmd::Command;

fn pullpath() -> Command {
    let mut c = Command::cargo_bin("pullpath").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    c
}

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let out = pullpath()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (code, doc)
}

fn addresses(doc: &serde_json::Value) -> Vec<String> {
    doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn graph_json_has_the_documented_shape() {
    let (code, doc) = json(&["graph", "testdata/equivalence/template.yaml"]);
    assert_eq!(code, 0);
    let r = &doc["resources"][0];
    for key in ["address", "type", "file", "line"] {
        assert!(!r[key].is_null(), "{key} missing in {r}");
    }
    assert_eq!(r["file"], "testdata/equivalence/template.yaml");
    assert!(doc["edges"].as_array().unwrap().len() >= 20);
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
    assert!(addresses(&doc).contains(&"EcrDkrEndpoint".to_string()));
}

#[test]
fn cdk_output_is_read_only_when_named() {
    // Not read when not named: the directory holds nothing else, which is said (exit 2), with
    // how to read the CDK output.
    let out = pullpath().args(["graph", "testdata/cdk"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing to read"), "{err}");
    assert!(err.contains("pullpath check testdata/cdk/cdk.out"), "{err}");
    let (code, doc) = json(&["graph", "testdata/cdk/cdk.out"]);
    assert_eq!(code, 0);
    let endpoints = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "AWS::EC2::VPCEndpoint")
        .count();
    assert_eq!(endpoints, 4);
}

#[test]
fn a_broken_file_is_reported_and_the_others_still_load() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("good.yaml"),
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("bad.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X: [unclosed\n",
    )
    .unwrap();
    let out = pullpath()
        .current_dir(tmp.path())
        .args(["graph", ".", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(addresses(&doc), vec!["Vpc"]);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["file"], "bad.yaml");
    assert_eq!(d["code"], "parse-error");
    assert_eq!(d["severity"], "error");
    assert!(d["line"].as_u64().unwrap() >= 3, "{d}");
}

#[test]
fn text_output_points_at_the_place() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("dup.yaml"),
        "Resources:\n  A:\n    Type: AWS::SNS::Topic\n  A:\n    Type: AWS::SNS::Topic\n",
    )
    .unwrap();
    let out = pullpath()
        .current_dir(tmp.path())
        .args(["check", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("dup.yaml:4:3"), "{text}");
    assert!(text.contains("duplicate"), "{text}");
    assert!(!text.contains('\u{1b}'), "colour with NO_COLOR: {text}");
}

#[test]
fn usage_and_io_errors_exit_2() {
    pullpath()
        .args(["graph", "does/not/exist"])
        .assert()
        .code(2);
    pullpath()
        .args(["graph", "--var", "novalue"])
        .assert()
        .code(2);
    pullpath()
        .args(["graph", "--var-file", "missing.tfvars"])
        .assert()
        .code(2);
    pullpath().args(["frobnicate"]).assert().code(2);
}

/// A panic that reaches `main` (here one on demand, `PULLPATH_TEST_PANIC`, compiled into
/// debug builds only) prints a crash report naming the file and exits 3.
#[test]
fn a_crash_says_what_where_and_how_to_report_it_and_exits_3() {
    let out = pullpath()
        .args(["check", "testdata/rules/FGP001/fail-tf-ecr-image-no-role"])
        .env("PULLPATH_TEST_PANIC", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("internal error"), "{err}");
    assert!(
        err.contains("PULLPATH_TEST_PANIC is set at src/report/text.rs:"),
        "{err}"
    );
    assert!(
        err.contains("while processing: testdata/rules/FGP001/fail-tf-ecr-image-no-role/main.tf"),
        "{err}"
    );
    assert!(err.contains("Please report it"), "{err}");
    assert!(
        !err.contains("RUST_BACKTRACE"),
        "the default hook's text: {err}"
    );
}

#[test]
fn too_large_iac_files_are_skipped_with_a_diagnostic() {
    let (code, doc) = json(&[
        "graph",
        "testdata/equivalence/template.json",
        "--max-file-size",
        "100",
    ]);
    assert_eq!(code, 0, "a skipped file is a warning, not an error");
    assert_eq!(doc["diagnostics"][0]["code"], "too-large");
    assert!(doc["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("skipped: too large"));
}

#[test]
fn for_each_in_a_local_module_gives_one_address_per_key() {
    let (code, doc) = json(&["graph", "testdata/tf/endpoints-module"]);
    assert_eq!(code, 0);
    let endpoints: Vec<String> = addresses(&doc)
        .into_iter()
        .filter(|a| a.contains("aws_vpc_endpoint"))
        .collect();
    assert_eq!(
        endpoints,
        vec![
            r#"module.endpoints.aws_vpc_endpoint.this["ecr.api"]"#,
            r#"module.endpoints.aws_vpc_endpoint.this["ecr.dkr"]"#,
            r#"module.endpoints.aws_vpc_endpoint.this["logs"]"#,
        ]
    );
    // The region has no value: the service name keeps its known parts, with the reason.
    let r = &doc["resources"][1];
    assert_eq!(
        r["file"],
        "testdata/tf/endpoints-module/modules/endpoints/main.tf"
    );
    let parts = &r["fields"]["service_name"]["$template"];
    assert_eq!(parts[2], ".ecr.api", "{r}");
    assert_eq!(parts[1]["$unknown"], "variable `region` has no value");
    // The module input carries the reference back to the caller's VPC.
    let vpc_edges = doc["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["to"] == "aws_vpc.main" && e["field"] == "vpc_id")
        .count();
    assert_eq!(vpc_edges, 3, "{}", doc["edges"]);
    // The child module is part of its caller, not a root of its own.
    assert_eq!(doc["summary"]["units"], 1);

    let (_, doc) = json(&[
        "graph",
        "testdata/tf/endpoints-module",
        "--var",
        "region=eu-west-1",
    ]);
    assert_eq!(
        doc["resources"][1]["fields"]["service_name"],
        "com.amazonaws.eu-west-1.ecr.api"
    );
}

/// What users see, as a snapshot: the graph as text. The output of `check` in each format is
/// snapshotted in `tests/report.rs`.
#[test]
fn snapshots_of_what_users_see() {
    let run = |args: &[&str]| {
        let out = pullpath().args(args).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    insta::assert_snapshot!(
        "graph_text_main_tf",
        run(&["graph", "testdata/equivalence/main.tf"])
    );
}

#[test]
fn check_json_findings_have_the_documented_shape() {
    let (code, doc) = json(&["check", "testdata/equivalence/main.tf"]);
    assert_eq!(code, 1, "an error finding fails the run");
    assert_eq!(doc["version"], 1);
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "FGP022");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["resource"], "aws_ecs_service.app");
    assert_eq!(f["file"], "testdata/equivalence/main.tf");
    for key in [
        "message",
        "line",
        "column",
        "end_line",
        "end_column",
        "deploy_error",
        "help",
    ] {
        assert!(!f[key].is_null(), "{key} missing in {f}");
    }
    let rel = &f["related"][0];
    for key in ["file", "line", "column", "message"] {
        assert!(!rel[key].is_null(), "{key} missing in {rel}");
    }
    assert!(f["help"]
        .as_str()
        .unwrap()
        .contains("resource \"aws_vpc_endpoint\""));
    assert_eq!(doc["summary"]["errors"], 1);
}

#[test]
fn fail_on_sets_the_threshold_of_the_exit_code() {
    let run = |args: &[&str]| pullpath().args(args).output().unwrap().status.code();
    let error_case = "testdata/equivalence/main.tf";
    let warning_case = "testdata/rules/FGP050/fail-tf-image-pull-behavior";
    assert_eq!(run(&["check", error_case]), Some(1));
    assert_eq!(run(&["check", error_case, "--fail-on", "never"]), Some(0));
    assert_eq!(
        run(&["check", warning_case]),
        Some(0),
        "a warning passes by default"
    );
    assert_eq!(
        run(&["check", warning_case, "--fail-on", "warning"]),
        Some(1)
    );
    assert_eq!(
        run(&["check", "testdata/equivalence/main.tf", "--fail-on", "bad"]),
        Some(2)
    );
}

#[test]
fn rules_explain_and_user_rules() {
    let out = pullpath().args(["rules"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 25, "{text}");
    let out = pullpath().args(["explain", "fgp021"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("FGP021 ("), "{text}");
    assert!(
        text.contains("## What it does") && text.contains("## Deploy error"),
        "{text}"
    );
    let out = pullpath().args(["explain", "FGP999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A user's rule with a typo is refused with its place; a good one runs.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ACME1-x.yaml"),
        "id: ACME1\nname: acme\ntitle: t\nseverity: info\nsubject: task\nchecks:\n  - require: task.fargat\nmessage: m\ndeploy_error: e\nhelp: h\ndocs: d\nsources: []\n",
    )
    .unwrap();
    let out = pullpath()
        .args(["check", "testdata/equivalence/main.tf", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `task.fargate`?"), "{err}");
    std::fs::write(
        dir.path().join("ACME1-x.yaml"),
        "id: ACME1\nname: acme\ntitle: t\nseverity: info\nsubject: task\nchecks:\n  - when: [task.fargate]\n    require: not task.awslogs\nmessage: \"{task.address} logs with awslogs\"\ndeploy_error: e\nhelp: h\ndocs: d\nsources: []\n",
    )
    .unwrap();
    let (code, doc) = {
        let out = pullpath()
            .args([
                "check",
                "testdata/equivalence/main.tf",
                "--format",
                "json",
                "--rules",
            ])
            .arg(dir.path())
            .output()
            .unwrap();
        (
            out.status.code(),
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        )
    };
    assert_eq!(code, Some(1));
    let acme: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "ACME1")
        .collect();
    assert_eq!(acme.len(), 1, "{doc}");
    assert_eq!(acme[0]["severity"], "info");
    assert_eq!(
        acme[0]["message"],
        "aws_ecs_task_definition.app logs with awslogs"
    );
}

#[test]
fn explain_unknown_lists_what_could_not_be_verified() {
    let case = "testdata/rules/FGP003/pass-tf-image-from-unset-variable";
    // Formats that cannot show it say so, rather than dropping the flag silently.
    let warned = |format: &str| {
        let out = pullpath()
            .args(["check", case, "--explain-unknown", "--format", format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).contains("--explain-unknown is shown by")
    };
    assert!(warned("compact") && warned("sarif"));
    assert!(!warned("text") && !warned("json"));
    let out = pullpath().args(["check", case]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not verified"), "{text}");
    assert!(
        !text.contains("Not verified ("),
        "only counted without the flag: {text}"
    );
    let out = pullpath()
        .args(["check", case, "--explain-unknown"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "unknown never fails the run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Not verified (unknown facts never give a finding):"),
        "{text}"
    );
    assert!(
        text.contains("FGP003") && text.contains("variable `image` has no value"),
        "{text}"
    );
}

/// Input diagnostics are not findings: variables without a value are one note, whose help names
/// the variable files Terraform does not load by itself (`prod.tfvars`, `env/*.tfvars`,
/// `*.tfvars.json`); `--verbose` shows each; JSON keeps them all.
#[test]
fn input_notes_are_grouped_with_a_hint() {
    let run = |extra: &[&str]| {
        let out = pullpath()
            .args(["check", "testdata/diagnostics-tfvars", "--color", "never"])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    // Both outputs are snapshots in tests/report.rs (`input-notes`, `explain-unknown`).
    let text = run(&[]);
    // --explain-unknown: each cause once per task, the rules it leaves undecided, and what would
    // make it known (here the variable file beside the configuration).
    let unknown = run(&["--explain-unknown"]);
    let unknown = &unknown[unknown.find("Not verified").unwrap()..];
    let unknown = unknown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        unknown
            .matches("variable `private_subnet_ids` has no value")
            .count(),
        1,
        "{unknown}"
    );
    assert!(
        unknown.contains("--var-file testdata/diagnostics-tfvars/dev.tfvars.json"),
        "{unknown}"
    );
    assert_eq!(text.matches("variable-without-value").count(), 1, "{text}");
    let verbose = run(&["--verbose"]);
    assert_eq!(
        verbose.matches("variable-without-value").count(),
        5,
        "{verbose}"
    );
    assert_eq!(verbose.matches("tfvars-not-loaded").count(), 3, "{verbose}");
    let (_, doc) = json(&["check", "testdata/diagnostics-tfvars"]);
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "variable-without-value")
            .count(),
        5
    );
    let unloaded: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "tfvars-not-loaded")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        unloaded,
        [
            "testdata/diagnostics-tfvars/dev.tfvars.json",
            "testdata/diagnostics-tfvars/env/staging.tfvars",
            "testdata/diagnostics-tfvars/prod.tfvars"
        ]
    );
    // Given with --var-file, it is loaded: no note about it, and no variable without a value.
    let (_, doc) = json(&[
        "check",
        "testdata/diagnostics-tfvars",
        "--var-file",
        "testdata/diagnostics-tfvars/prod.tfvars",
    ]);
    let codes: Vec<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["code"], d["file"]))
        .collect();
    assert!(
        !codes
            .iter()
            .any(|c| c.contains("variable-without-value") || c.contains("prod.tfvars")),
        "{codes:?}"
    );
}

/// One root cause, one finding: five secrets the same execution role may not read are one
/// finding listing the other four places; the same finding in each instance of a module
/// (`for_each` over environments) is one finding listing the instances.
#[test]
fn one_root_cause_one_finding() {
    let (_, doc) = json(&[
        "check",
        "testdata/rules/FGP009/fail-tf-five-secrets-one-role",
    ]);
    let f = doc["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{doc:#}");
    assert_eq!(f[0]["rule"], "FGP009");
    assert_eq!(f[0]["same_fix"].as_array().unwrap().len(), 4, "{doc:#}");
    let lines: Vec<u64> = f[0]["same_fix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [47, 48, 49, 50]);
    let (_, doc) = json(&["check", "testdata/rules/FGP001/fail-tf-module-instances"]);
    let f = doc["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{doc:#}");
    let mut all: Vec<&str> = f[0]["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    all.push(f[0]["resource"].as_str().unwrap());
    all.sort();
    assert_eq!(
        all,
        [
            "module.service[\"dev\"].aws_ecs_task_definition.app",
            "module.service[\"prod\"].aws_ecs_task_definition.app",
            "module.service[\"staging\"].aws_ecs_task_definition.app",
        ]
    );
}

#[test]
fn unreadable_container_definitions_are_listed_as_unverified() {
    // Their needs, secrets and keys are unknown: the checks on them are unverified, named per
    // rule with the reason, and never a finding (issue 8: they used to vanish, "0 unverified").
    let dir = "testdata/task/tf_containers_unknown";
    let (code, doc) = json(&["check", dir]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["summary"]["findings"], 0, "{doc}");
    assert!(
        doc["summary"]["unverified_checks"].as_u64().unwrap() >= 7,
        "{doc}"
    );
    let out = pullpath()
        .args(["check", dir, "--explain-unknown", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("the container definitions are not known"),
        "{text}"
    );
    for rule in ["FGP003", "FGP006", "FGP007", "FGP009", "FGP010", "FGP050"] {
        assert!(text.contains(rule), "{rule} missing from:\n{text}");
    }
    // With the definitions given, the role's missing permissions are findings.
    let defs = r#"container_definitions=[{"name":"app","image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1","essential":true,"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/app","awslogs-region":"eu-west-1","awslogs-stream-prefix":"app"}}}]"#;
    let (code, doc) = json(&["check", dir, "--var", defs]);
    assert_eq!(code, 1, "{doc}");
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(
        rules.contains(&"FGP003") && rules.contains(&"FGP006"),
        "{rules:?}"
    );
}

#[test]
fn the_readme_example_fix_is_written_in_the_configuration_s_own_names() {
    // The shipped example: the FGP022 fix names its VPC, its task subnet and its Region, in
    // the language of each input (a plan is fixed in HCL).
    let cases: &[(&str, &[&str])] = &[
        (
            "main.tf",
            &[
                "vpc_id              = aws_vpc.main.id",
                "\"com.amazonaws.eu-west-1.logs\"",
                "subnet_ids          = [aws_subnet.private.id]",
            ],
        ),
        (
            "plan.json",
            &[
                "vpc_id              = aws_vpc.main.id",
                "\"com.amazonaws.eu-west-1.logs\"",
                "subnet_ids          = [aws_subnet.private.id]",
            ],
        ),
        (
            "template.yaml",
            &[
                "VpcId: !Ref Vpc",
                "!Sub 'com.amazonaws.${AWS::Region}.logs'",
                "SubnetIds: [!Ref PrivateSubnet]",
            ],
        ),
        (
            "template.json",
            &[
                "\"VpcId\": { \"Ref\": \"Vpc\" }",
                "\"com.amazonaws.${AWS::Region}.logs\"",
                "\"SubnetIds\": [{ \"Ref\": \"PrivateSubnet\" }]",
            ],
        ),
    ];
    for (file, wanted) in cases {
        let (_, doc) = json(&["check", &format!("testdata/equivalence/{file}")]);
        let f = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "FGP022")
            .unwrap_or_else(|| panic!("no FGP022 in {file}"));
        let fix = f["fix"].as_str().unwrap();
        for w in *wanted {
            assert!(fix.contains(w), "{file}: `{w}` not in\n{fix}");
        }
        assert!(!fix.contains('<'), "{file}: placeholder in\n{fix}");
    }
}

#[test]
fn one_run_writes_several_formats_each_to_its_place() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-outputs");
    std::fs::create_dir_all(&dir).unwrap();
    let sarif = dir.join("out.sarif");
    let compact = dir.join("out.txt");
    let _ = std::fs::remove_file(&sarif);
    let out = pullpath()
        .args(["check", "testdata/equivalence/main.tf", "--format", "text"])
        .arg(format!("--format=sarif={}", sarif.display()))
        .arg(format!("--format=compact={}", compact.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FGP022"), "{stdout}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(doc["runs"][0]["results"][0]["ruleId"], "FGP022");
    let lines = std::fs::read_to_string(&compact).unwrap();
    assert!(
        lines.starts_with("testdata/equivalence/main.tf:127:24: error FGP022 "),
        "{lines}"
    );
    // `--output` names the file of the one format without one
    let out = pullpath()
        .args([
            "check",
            "testdata/equivalence/main.tf",
            "--format",
            "sarif",
            "-o",
        ])
        .arg(&sarif)
        .output()
        .unwrap();
    assert_eq!((out.status.code(), out.stdout.len()), (Some(1), 0));
    assert!(std::fs::read_to_string(&sarif)
        .unwrap()
        .contains("\"FGP022\""));
}

#[test]
fn formats_that_cannot_be_written_are_usage_errors() {
    for (args, says) in [
        (
            &["check", ".", "--format", "json", "--format", "sarif"][..],
            "several formats would share standard output",
        ),
        (
            &["check", ".", "--format", "json=a", "--format", "sarif=a"][..],
            "a: named for two formats",
        ),
        (
            &["check", ".", "--format", "json=a", "--output", "b"][..],
            "--output b names the file of one format",
        ),
        (
            &["graph", ".", "--format", "sarif"][..],
            "`pullpath graph` prints text or json, not sarif",
        ),
        (
            &["check", ".", "--format", "xml"][..],
            "`xml` is not a format",
        ),
    ] {
        let out = pullpath().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

/// What the pre-commit hook passes: changed files, among them some that are not
/// infrastructure. Named on the command line such a file is an error (exit 2, nothing was
/// checked); with `--skip-other-files` it is passed over quietly and the others are checked.
#[test]
fn skip_other_files_passes_over_what_is_not_infrastructure() {
    let other = "Cargo.toml";
    let out = pullpath().args(["check", other]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Cargo.toml: nothing to read"), "{err}");
    // Documentation is never read as a template, though the README holds template snippets.
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(readme.contains("\nResources:") && readme.contains("AWS::ECS::TaskDefinition"));
    let out = pullpath().args(["check", "README.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("README.md: nothing to read"), "{err}");

    let out = pullpath()
        .args(["check", "--skip-other-files", other])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (code, doc) = json(&[
        "check",
        "--skip-other-files",
        other,
        "testdata/equivalence/main.tf",
        "Cargo.lock",
        "README.md",
    ]);
    assert_eq!(code, 1);
    assert_eq!(doc["findings"][0]["rule"], "FGP022");
    assert_eq!(doc["summary"]["units"], 1);

    // A directory with nothing to read stays an error.
    let out = pullpath()
        .args(["check", "--skip-other-files", "scripts"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
