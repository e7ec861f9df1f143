use super::*;

#[test]
fn builtin_rules_load() {
    let set = RuleSet::builtin();
    let mut ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate rule ids");
    for r in &set.rules {
        assert!(
            r.origin.starts_with(&format!("rules/{}-", r.id)),
            "{}: the file name must start with the id",
            r.origin
        );
    }
}
