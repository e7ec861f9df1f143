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
