//! What pullpath prints of hostile, huge or odd inputs (issue 9): it never panics on them,
//! prints bounded snippets, escapes the control characters they hold, and does not flood.

use assert_cmd::Command;

fn pullpath() -> Command {
    let mut c = Command::cargo_bin("pullpath").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    c
}

/// A plan case of the repository, made one line (as `terraform show -json` writes plans) with
/// `pad` bytes of other values before the resources.
fn one_line_plan(pad: usize) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/rules/FGP001/fail-plan-ecr-image-no-role/plan.json"
    );
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut doc = serde_json::Map::new();
    doc.insert("padding".into(), "x".repeat(pad).into());
    doc.extend(plan.as_object().unwrap().clone());
    serde_json::to_string(&doc).unwrap()
}

#[test]
fn a_finding_past_column_65535_of_a_one_line_plan_is_shown_in_a_bounded_snippet() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tmp.path().join("plan.json");
    std::fs::write(&plan, one_line_plan(2_000_000)).unwrap();
    let out = pullpath()
        .args(["check", "--color", "never"])
        .arg(&plan)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("FGP001"), "{text}");
    assert!(text.contains("plan.json:1:2000"), "{text}");
    assert!(text.contains('…'), "{text}");
    assert!(
        !text.contains("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        "{text}"
    );
    // A snippet line is at most its window and the gutter; the whole output a few KB.
    assert!(text.lines().all(|l| l.chars().count() <= 140), "{text}");
    assert!(text.len() < 8_000, "{} bytes", text.len());
}

/// The raw bytes of an escape sequence and of a right-to-left override.
const ESC: &str = "\u{1b}[31m";
const RLO: char = '\u{202e}';

#[test]
fn control_characters_from_the_input_never_reach_text_output() {
    let tmp = tempfile::tempdir().unwrap();
    // CloudFormation JSON: the task's logical id holds ESC[31m and U+202E (its message quotes
    // it), and a raw U+202E sits in a string of the snippet's line.
    let id = format!("Task{ESC}Def{RLO}");
    let template = serde_json::json!({
        "Resources": {
            "Repository": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "app"}},
            id.clone(): {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "Family": format!("app{RLO}"),
                    "RequiresCompatibilities": ["FARGATE"],
                    "NetworkMode": "awsvpc",
                    "Cpu": "256",
                    "Memory": "512",
                    "ContainerDefinitions": [{
                        "Name": format!("app{RLO}"),
                        "Image": {"Fn::Sub": "${Repository.RepositoryUri}:1.0"},
                        "Essential": true
                    }]
                }
            }
        }
    });
    std::fs::write(
        tmp.path().join("template.json"),
        serde_json::to_string_pretty(&template).unwrap(),
    )
    .unwrap();
    // HCL: raw ESC and U+202E in a comment on the lines a snippet shows.
    let tf = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/rules/FGP001/fail-tf-ecr-image-no-role/main.tf"
    ))
    .unwrap()
    .replace(
        "  family                   = \"app\"",
        &format!("  family                   = \"app\" # {ESC}red{RLO}"),
    );
    std::fs::create_dir(tmp.path().join("tf")).unwrap();
    std::fs::write(tmp.path().join("tf/main.tf"), tf).unwrap();
    for color in ["never", "always"] {
        let out = pullpath()
            .args(["check", "--color", color])
            .arg(tmp.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(
            text.contains("`Task\\u{1b}[31mDef\\u{202e}` runs on Fargate"),
            "{text}"
        );
        assert!(text.contains("# \\u{1b}[31mred\\u{202e}"), "{text}");
        // (with colours, miette's own ESC[31m colours the severity: only the input's are hostile)
        assert!(!text.contains(RLO), "{text:?}");
        assert!(!text.contains(&format!("{ESC}Def")), "{text:?}");
        assert!(!text.contains(&format!("{ESC}red")), "{text:?}");
        assert!(
            text.contains("\\u{1b}[31m") && text.contains("\\u{202e}"),
            "{text}"
        );
        if color == "never" {
            assert!(!text.contains('\u{1b}'), "{text:?}");
        }
    }
    // JSON carries the exact values.
    let out = pullpath()
        .args(["check", "--format", "json"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let resources: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert!(resources.contains(&id.as_str()), "{resources:?}");
}

/// One variable left without a value in a repository of 118 roots (each root's task uses it in
/// several places) is one note: its name, how many roots, a bounded output.
#[test]
fn one_missing_variable_in_118_roots_is_one_note() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..118 {
        let dir = tmp.path().join(format!("svc{i}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            r#"variable "image" {}

resource "aws_ecs_task_definition" "app" {
  family                   = "app-${var.image}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([
    { name = "app", image = var.image },
    { name = "sidecar", image = "${var.image}-sidecar" },
  ])
}
"#,
        )
        .unwrap();
    }
    let out = pullpath()
        .args(["check", "--color", "never"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("variable-without-value").count(), 1, "{text}");
    let prose: Vec<&str> = text.split_whitespace().filter(|w| *w != "|").collect();
    let prose = prose.join(" ");
    assert!(prose.contains("1 variable without a value"), "{text}");
    assert!(prose.contains("`image` (declared in 118 files)"), "{text}");
    assert!(text.lines().count() < 15, "{text}");
    // JSON lists each.
    let out = pullpath()
        .args(["check", "--format", "json"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 118);
}

/// A `--rules` file is input too: `pullpath rules` and `explain` escape what it says in text,
/// `rules --format json` keeps it exact.
#[test]
fn a_user_rule_s_control_characters_are_escaped_in_rules_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ACME1-x.yaml"),
        format!(
            "id: ACME1\nname: acme\ntitle: \"t\\e[31m{RLO}\"\nseverity: info\nsubject: task\nchecks:\n  - when: [task.fargate]\n    require: not task.awslogs\nmessage: m\ndeploy_error: e\nhelp: h\ndocs: \"d\\e[2J\"\nsources: []\n"
        ),
    )
    .unwrap();
    for args in [&["rules"][..], &["explain", "ACME1"]] {
        let out = pullpath()
            .args(args)
            .arg("--rules")
            .arg(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("t\\u{1b}[31m\\u{202e}"), "{text:?}");
        assert!(!text.contains('\u{1b}') && !text.contains(RLO), "{text:?}");
    }
    let out = pullpath()
        .args(["rules", "--format", "json", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let acme = doc
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "ACME1")
        .unwrap();
    assert_eq!(acme["title"], format!("t{ESC}{RLO}"));
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // `pullpath check testdata/rules | head -c 1`: far more than a pipe holds.
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("pullpath"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--format", "json", "testdata/rules"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("cannot write"), "{stderr}");
    // Findings were made: the exit code still says so.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
}
