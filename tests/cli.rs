//! The command line as users run it: exit codes, output formats, discovery rules.

use assert_cmd::Command;

fn pullpath() -> Command {
    let mut c = Command::cargo_bin("pullpath").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
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
    let (_, doc) = json(&["graph", "testdata/cdk"]);
    assert!(addresses(&doc).is_empty(), "{:?}", addresses(&doc));
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

/// What users see, as snapshots: the graph as text, and diagnostics rendered by miette.
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
    insta::assert_snapshot!(
        "check_text_diagnostics",
        run(&["check", "testdata/diagnostics", "--color", "never"])
    );
}
