//! Inline suppression through the command line, in every input format where it applies: HCL
//! comments (above a block, above an attribute, at the end of a line, `#` and `//`, several
//! ids), YAML comments, CloudFormation `Metadata` in YAML and JSON, a plan with `--tf-root`;
//! unused and unknown ids; what each output format does with a suppressed finding.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn pullpath(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("pullpath").unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    c
}

/// `pullpath check --format json ARGS` in `dir`: the exit code and the document.
fn check(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = pullpath(dir)
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), doc)
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap()
}

/// A scratch directory holding `files`.
fn scratch(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn rules(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect()
}

/// The input diagnostics of a document as `code line:column`.
fn diagnostics(doc: &Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}",
                d["code"].as_str().unwrap(),
                d["line"],
                d["column"]
            )
        })
        .collect()
}

/// FGP003 at the task definition's image; FGP005 at the attachment's `policy_arn`.
const FGP003: &str = "testdata/rules/FGP003/fail-tf-auth-token-missing/main.tf";
const FGP005: &str =
    "testdata/rules/FGP005/fail-tf-execution-policy-without-service-role-path/main.tf";

#[test]
fn hcl_comment_above_the_block_covers_every_finding_inside_it() {
    let tf = fixture(FGP003).replacen(
        "resource \"aws_ecs_task_definition\" \"app\" {",
        "# pullpath:ignore FGP003 the login comes from a boundary\nresource \"aws_ecs_task_definition\" \"app\" {",
        1,
    );
    let dir = scratch(&[("main.tf", &tf)]);
    let (code, doc) = check(dir.path(), &["."]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(rules(&doc["findings"]), Vec::<&str>::new());
    assert_eq!(rules(&doc["suppressed"]), ["FGP003"]);
    let s = &doc["suppressed"][0]["suppression"];
    assert_eq!(s["kind"], "comment");
    assert_eq!(s["reason"], "the login comes from a boundary");
    assert_eq!(
        (s["file"].as_str(), s["line"].as_u64()),
        (Some("main.tf"), Some(38))
    );
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert_eq!(doc["summary"]["findings"], 0);
    assert_eq!(diagnostics(&doc), Vec::<String>::new());
}

#[test]
fn hcl_comment_above_an_attribute_at_the_end_of_its_line_and_with_slashes() {
    let line = "  policy_arn = \"arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy\"";
    let cases = [
        format!("  # pullpath:ignore FGP005 fixed in PLAT-1\n{line}"),
        format!("  // pullpath:ignore FGP005\n  # another comment between\n{line}"),
        format!("{line} # pullpath:ignore FGP005 trailing"),
        format!("{line} // pullpath:ignore FGP005"),
    ];
    for case in &cases {
        let dir = scratch(&[("main.tf", &fixture(FGP005).replacen(line, case, 1))]);
        let (code, doc) = check(dir.path(), &["."]);
        assert_eq!(
            (code, rules(&doc["suppressed"])),
            (0, vec!["FGP005"]),
            "{case}\n{doc:#}"
        );
        assert_eq!(diagnostics(&doc), Vec::<String>::new(), "{case}");
    }
    // above another attribute, or with a blank line before the attribute: nothing suppressed,
    // and the comment is reported
    let role = "  role       = aws_iam_role.exec.name\n";
    for (from, to, at) in [
        (role, format!("  # pullpath:ignore FGP005\n{role}"), "24:21"),
        (
            line,
            format!("  # pullpath:ignore FGP005\n\n{line}"),
            "25:3",
        ),
    ] {
        let case = &to;
        let dir = scratch(&[("main.tf", &fixture(FGP005).replacen(from, &to, 1))]);
        let (code, doc) = check(dir.path(), &["."]);
        assert_eq!(
            (code, rules(&doc["findings"])),
            (1, vec!["FGP005"]),
            "{case}"
        );
        assert_eq!(diagnostics(&doc), [format!("unused-ignore {at}")], "{case}");
    }
}

#[test]
fn hcl_comment_inside_an_expression_covers_an_object_item() {
    // the finding points at the image, inside `jsonencode([{ ... }])`
    let image = "    image     = \"${aws_ecr_repository.app.repository_url}:1.0\"";
    for case in [
        format!("    # pullpath:ignore FGP003 pulled through a proxy\n{image}"),
        format!("{image} # pullpath:ignore FGP003"),
    ] {
        let dir = scratch(&[("main.tf", &fixture(FGP003).replacen(image, &case, 1))]);
        let (code, doc) = check(dir.path(), &["."]);
        assert_eq!(
            (code, rules(&doc["suppressed"])),
            (0, vec!["FGP003"]),
            "{case}\n{doc:#}"
        );
    }
}

#[test]
fn several_ids_unused_and_unknown_ones() {
    let dir = scratch(&[(
        "main.tf",
        &fixture(FGP003).replacen(
            "resource \"aws_ecs_task_definition\" \"app\" {",
            "# pullpath:ignore FGP006,FGP003,FGP999 why\nresource \"aws_ecs_task_definition\" \"app\" {",
            1,
        ),
    )]);
    let (code, doc) = check(dir.path(), &["."]);
    assert_eq!((code, rules(&doc["suppressed"])), (0, vec!["FGP003"]));
    // FGP006 ran and found nothing there; FGP999 is no rule (a warning)
    assert_eq!(
        diagnostics(&doc),
        ["unused-ignore 38:19", "unknown-ignore 38:33"],
        "{doc:#}"
    );
    assert_eq!(doc["diagnostics"][1]["severity"], "warning");
    assert_eq!(doc["diagnostics"][0]["severity"], "info");
}

#[test]
fn all_and_rule_names_match_and_a_heredoc_is_not_a_comment() {
    let tf = fixture(FGP003).replacen(
        "resource \"aws_ecs_task_definition\" \"app\" {",
        "locals {\n  doc = <<EOT\n# pullpath:ignore all\nEOT\n}\nresource \"aws_ecs_task_definition\" \"app\" {",
        1,
    );
    let dir = scratch(&[("main.tf", &tf)]);
    let (code, doc) = check(dir.path(), &["."]);
    assert_eq!(
        (code, rules(&doc["findings"])),
        (1, vec!["FGP003"]),
        "{doc:#}"
    );
    assert!(doc.get("suppressed").is_none());
    assert_eq!(diagnostics(&doc), Vec::<String>::new());
    for ids in ["all", "fgp003"] {
        let tf = fixture(FGP003).replacen(
            "resource \"aws_ecs_task_definition\" \"app\" {",
            &format!("resource \"aws_ecs_task_definition\" \"app\" {{ # pullpath:ignore {ids}"),
            1,
        );
        let dir = scratch(&[("main.tf", &tf)]);
        let (code, doc) = check(dir.path(), &["."]);
        assert_eq!(
            (code, rules(&doc["suppressed"])),
            (0, vec!["FGP003"]),
            "{ids}"
        );
    }
}

#[test]
fn a_suppression_never_hides_an_input_diagnostic() {
    let dir = scratch(&[(
        "main.tf",
        "# pullpath:ignore all\nresource \"aws_ecs_task_definition\" \"app\" {\n  family = \n}\n",
    )]);
    let (_, doc) = check(dir.path(), &["."]);
    assert_eq!(doc["diagnostics"][0]["code"], "parse-error", "{doc:#}");
}

#[test]
fn shipped_examples_in_hcl_yaml_and_json() {
    let root = Path::new(ROOT);
    let (code, doc) = check(root, &["testdata/suppress/tf"]);
    assert_eq!(code, 0);
    assert_eq!(rules(&doc["suppressed"]), ["FGP005", "FGP003"]);
    assert_eq!(diagnostics(&doc), ["unused-ignore 63:26"]);
    assert_eq!(
        doc["suppressed"][0]["suppression"]["reason"],
        "fixed in PLAT-1234"
    );

    let (code, doc) = check(root, &["testdata/suppress/cfn-yaml"]);
    assert_eq!(code, 0);
    assert_eq!(rules(&doc["suppressed"]), ["FGP021"]);
    assert_eq!(doc["suppressed"][0]["suppression"]["kind"], "comment");
    // the Metadata of the task definition names FGP006, which finds nothing there
    assert_eq!(diagnostics(&doc), ["unused-ignore 133:17"]);

    let (code, doc) = check(root, &["testdata/suppress/cfn-json"]);
    assert_eq!(code, 0);
    assert_eq!(rules(&doc["suppressed"]), ["FGP003", "FGP003"]);
    let s = &doc["suppressed"][0]["suppression"];
    assert_eq!(s["kind"], "metadata");
    assert_eq!(s["reason"], "the platform replaces the role at deploy time");
    assert_eq!(diagnostics(&doc), Vec::<String>::new());

    // without them, the same inputs fail
    for (dir, file) in [
        ("tf", "main.tf"),
        ("cfn-yaml", "template.yaml"),
        ("cfn-json", "template.json"),
    ] {
        let text = fixture(&format!("testdata/suppress/{dir}/{file}"))
            .replace("pullpath:ignore", "pullpath-not")
            .replace("\"pullpath\":", "\"not-pullpath\":")
            .replace("      pullpath:", "      not-pullpath:");
        let tmp = scratch(&[(file, &text)]);
        let (code, doc) = check(tmp.path(), &["."]);
        assert_eq!(code, 1, "{dir}");
        assert!(doc.get("suppressed").is_none(), "{dir}");
    }
}

#[test]
fn yaml_comment_at_the_end_of_an_entry_line() {
    let yaml = fixture("testdata/suppress/cfn-yaml/template.yaml")
        .replace("  # pullpath:ignore FGP021", "  # not one")
        .replacen("  Service:\n", "  Service: # pullpath:ignore FGP021\n", 1);
    let dir = scratch(&[("template.yaml", &yaml)]);
    let (code, doc) = check(dir.path(), &["."]);
    assert_eq!(
        (code, rules(&doc["suppressed"])),
        (0, vec!["FGP021"]),
        "{doc:#}"
    );
}

#[test]
fn a_plan_with_tf_root_reads_the_comments_of_its_sources() {
    let case = "testdata/rules/FGP031/fail-plan-no-egress";
    let tf = fixture(&format!("{case}/main.tf")).replacen(
        "resource \"aws_security_group\" \"task\" {",
        "resource \"aws_security_group\" \"task\" { # pullpath:ignore FGP031 a proxy",
        1,
    );
    let dir = scratch(&[
        ("plan.json", &fixture(&format!("{case}/plan.json"))),
        ("tf/main.tf", &tf),
    ]);
    let (code, doc) = check(dir.path(), &["--tf-root", "tf", "plan.json"]);
    assert_eq!(
        (code, rules(&doc["suppressed"])),
        (0, vec!["FGP031"]),
        "{doc:#}"
    );
    assert_eq!(doc["suppressed"][0]["file"], "tf/main.tf");
}

#[test]
fn formats_hide_suppressed_findings_but_count_them_and_sarif_keeps_them() {
    let root = Path::new(ROOT);
    let run = |format: &str| {
        let out = pullpath(root)
            .args(["check", "testdata/suppress/tf", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run("text");
    assert!(text.contains("0 findings"), "{text}");
    assert!(text.trim_end().ends_with("; 2 suppressed"), "{text}");
    for format in ["compact", "github", "gitlab", "junit"] {
        let out = run(format);
        assert!(
            !out.contains("FGP003") && !out.contains("FGP005"),
            "{format}: {out}"
        );
    }
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 2);
    let s = &suppressed[0]["suppressions"][0];
    assert_eq!(s["kind"], "inSource");
    assert_eq!(s["justification"], "fixed in PLAT-1234");
    let region = &s["location"]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 54);
}
