//! Tests of the evaluator, trust and repository checks, and managed policies.
//!
//! Documents are written as JSON; in strings, `⟨?⟩` is an unknown part, `⟨Region⟩`, `⟨Account⟩`,
//! `⟨Partition⟩` are pseudo parameters and `⟨ref:addr.attr⟩` an unresolved reference. A string
//! that is exactly `⟨?⟩` is an Unknown value. Statement `k` of a test document gets the span
//! `k*100..k*100+10`, so that answers can be checked against the statements that decided them.

use serde_json::json;

use super::*;
use crate::base::source::{FileId, Span};
use crate::base::value::{Map, Ref, Symbol, Val};

fn part(tok: &str) -> Value {
    match tok {
        "?" => Value::unknown("var.x has no value", None),
        "Region" => Value::new(Val::Symbol(Symbol::Region), None),
        "Account" => Value::new(Val::Symbol(Symbol::AccountId), None),
        "Partition" => Value::new(Val::Symbol(Symbol::Partition), None),
        r => {
            let (target, attr) = r
                .strip_prefix("ref:")
                .and_then(|r| r.rsplit_once('.'))
                .expect("test marker");
            Value::new(
                Val::Ref(Box::new(Ref {
                    target: target.into(),
                    attr: attr.into(),
                    resolved: None,
                })),
                None,
            )
        }
    }
}

/// A string with `⟨…⟩` markers.
fn sv(s: &str) -> Value {
    if !s.contains('⟨') {
        return Value::str(s, None);
    }
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find('⟨') {
        if start > 0 {
            parts.push(Value::str(&rest[..start], None));
        }
        let end = rest[start..].find('⟩').expect("closed marker") + start;
        parts.push(part(&rest[start + '⟨'.len_utf8()..end]));
        rest = &rest[end + '⟩'.len_utf8()..];
    }
    if !rest.is_empty() {
        parts.push(Value::str(rest, None));
    }
    if parts.len() == 1 {
        return parts.pop().unwrap();
    }
    Value::new(Val::Template(parts), None)
}

fn conv(j: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match j {
        J::String(s) => sv(s),
        J::Array(a) => Value::new(Val::List(a.iter().map(conv).collect()), None),
        J::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o {
                m.push(k.clone(), None, conv(v));
            }
            Value::new(Val::Map(m), None)
        }
        other => managed::from_json(other),
    }
}

const FILE: FileId = FileId(7);

fn span(k: usize) -> Span {
    Span::new(FILE, k * 100..k * 100 + 10)
}

/// A document from JSON, statement `k` spanned at `span(k)`.
fn doc(j: serde_json::Value) -> Value {
    let mut d = conv(&j);
    if let Val::Map(m) = &mut d.kind {
        for e in &mut m.entries {
            if e.key == "Statement" {
                if let Val::List(l) = &mut e.value.kind {
                    for (k, s) in l.iter_mut().enumerate() {
                        s.span = Some(span(k));
                    }
                }
            }
        }
    }
    d
}

fn allow(action: serde_json::Value, resource: serde_json::Value) -> serde_json::Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

fn policy(d: &Value) -> Policy<'_> {
    Policy {
        label: "test",
        origin: None,
        document: d,
    }
}

fn one(stmts: Vec<serde_json::Value>) -> Value {
    doc(json!({"Version": "2012-10-17", "Statement": stmts}))
}

fn eval(d: &Value, action: &str, resource: &str) -> Decision {
    evaluate(&[policy(d)], action, &sv(resource))
}

fn spans(cites: &[Cite]) -> Vec<Option<Span>> {
    cites.iter().map(|c| c.span).collect()
}

#[track_caller]
fn assert_allowed_by(d: Decision, by: &[usize]) {
    match d {
        Decision::Allowed { by: cites } => {
            assert_eq!(
                spans(&cites),
                by.iter().map(|&k| Some(span(k))).collect::<Vec<_>>()
            )
        }
        other => panic!("expected Allowed by {by:?}, got {other:?}"),
    }
}

#[track_caller]
fn assert_denied_by(d: Decision, by: &[usize]) {
    match d {
        Decision::Denied { by: cites } => {
            assert_eq!(
                spans(&cites),
                by.iter().map(|&k| Some(span(k))).collect::<Vec<_>>()
            )
        }
        other => panic!("expected Denied by {by:?}, got {other:?}"),
    }
}

#[track_caller]
fn assert_not_allowed(d: Decision) -> Vec<Cite> {
    match d {
        Decision::NotAllowed { near } => near,
        other => panic!("expected NotAllowed, got {other:?}"),
    }
}

#[track_caller]
fn assert_unknown(d: Decision) -> Uncertain {
    match d {
        Decision::Unknown(u) => u,
        other => panic!("expected Unknown, got {other:?}"),
    }
}

const REPO: &str = "arn:aws:ecr:eu-west-1:111122223333:repository/app";
const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf";

// ---------------------------------------------------------------------------------------------
// Actions and wildcards

#[test]
fn action_wildcards() {
    let d = one(vec![allow(json!(["ecr:*"]), json!(["*"]))]);
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
    assert_not_allowed(eval(&d, "logs:PutLogEvents", "*"));

    let d = one(vec![allow(json!(["ecr:Get*"]), json!(["*"]))]);
    assert_allowed_by(eval(&d, "ecr:GetAuthorizationToken", "*"), &[0]);
    assert_allowed_by(eval(&d, "ecr:GetDownloadUrlForLayer", REPO), &[0]);
    assert_not_allowed(eval(&d, "ecr:BatchGetImage", REPO));

    let d = one(vec![allow(json!(["*"]), json!(["*"]))]);
    assert_allowed_by(eval(&d, "secretsmanager:GetSecretValue", SECRET), &[0]);

    let d = one(vec![allow(json!(["ecr:Batch?etImage"]), json!(["*"]))]);
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
    assert_not_allowed(eval(&d, "ecr:BatchGettImage", REPO));
}

#[test]
fn actions_are_case_insensitive() {
    let d = one(vec![allow(
        json!(["ECR:getauthorizationtoken"]),
        json!(["*"]),
    )]);
    assert_allowed_by(eval(&d, "ecr:GetAuthorizationToken", "*"), &[0]);
    let d = one(vec![allow(json!(["Ecr:Get*"]), json!(["*"]))]);
    assert_allowed_by(eval(&d, "ecr:GETAUTHORIZATIONTOKEN", "*"), &[0]);
}

#[test]
fn ssm_get_parameter_singular_is_not_plural() {
    let d = one(vec![allow(json!(["ssm:GetParameter"]), json!(["*"]))]);
    assert_not_allowed(eval(&d, "ssm:GetParameters", "*"));
    let d = one(vec![allow(json!(["ssm:GetParameter*"]), json!(["*"]))]);
    assert_allowed_by(eval(&d, "ssm:GetParameters", "*"), &[0]);
}

#[test]
fn single_strings_are_accepted_too() {
    let d = doc(json!({"Statement": [
        {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"}
    ]}));
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
}

#[test]
fn not_action() {
    // Allow NotAction iam:* grants everything else.
    let d = one(vec![
        json!({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": ["*"]}),
    ]);
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
    assert_not_allowed(eval(&d, "iam:PassRole", "*"));
    // Deny NotAction denies everything but the listed actions.
    let d = one(vec![
        allow(json!(["*"]), json!(["*"])),
        json!({"Effect": "Deny", "NotAction": ["ecr:*"], "Resource": ["*"]}),
    ]);
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
    assert_denied_by(eval(&d, "logs:PutLogEvents", "*"), &[1]);
}

#[test]
fn not_resource() {
    let d = one(vec![json!({
        "Effect": "Allow",
        "Action": ["secretsmanager:GetSecretValue"],
        "NotResource": ["arn:aws:secretsmanager:*:*:secret:admin-*"]
    })]);
    assert_allowed_by(eval(&d, "secretsmanager:GetSecretValue", SECRET), &[0]);
    assert_not_allowed(eval(
        &d,
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:admin-AbCdEf",
    ));
}

#[test]
fn deny_wins_over_allow() {
    let d = one(vec![
        allow(json!(["*"]), json!(["*"])),
        json!({"Effect": "Deny", "Action": ["ecr:*"], "Resource": ["*"]}),
    ]);
    assert_denied_by(eval(&d, "ecr:GetAuthorizationToken", "*"), &[1]);
    assert_denied_by(eval(&d, "ecr:BatchGetImage", REPO), &[1]);
    assert_allowed_by(eval(&d, "logs:PutLogEvents", "*"), &[0]);

    // Across policies too, and the cite names the policy.
    let a = one(vec![allow(json!(["ecr:*"]), json!(["*"]))]);
    let b = one(vec![
        json!({"Effect": "Deny", "Action": ["ecr:BatchGetImage"], "Resource": [REPO]}),
    ]);
    let policies = [
        Policy {
            label: "allow",
            origin: None,
            document: &a,
        },
        Policy {
            label: "deny",
            origin: None,
            document: &b,
        },
    ];
    match evaluate(&policies, "ecr:BatchGetImage", &sv(REPO)) {
        Decision::Denied { by } => {
            assert_eq!(by.len(), 1);
            assert_eq!(by[0].policy, 1);
            assert_eq!(by[0].label, "deny");
            assert_eq!(by[0].statement, Some(0));
        }
        other => panic!("{other:?}"),
    }
    // The deny is scoped to REPO: another repository stays allowed.
    assert!(evaluate(
        &policies,
        "ecr:BatchGetImage",
        &sv("arn:aws:ecr:eu-west-1:111122223333:repository/other")
    )
    .is_allowed());
}

#[test]
fn every_allowing_statement_is_cited() {
    let d = one(vec![
        allow(json!(["ecr:BatchGetImage"]), json!(["*"])),
        allow(json!(["logs:*"]), json!(["*"])),
        allow(json!(["ecr:*"]), json!([REPO])),
    ]);
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0, 2]);
}

#[test]
fn get_authorization_token_scoped_to_a_repository_is_not_an_allow_on_star() {
    let d = one(vec![allow(
        json!([
            "ecr:GetAuthorizationToken",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer"
        ]),
        json!([REPO]),
    )]);
    let near = assert_not_allowed(eval(&d, "ecr:GetAuthorizationToken", "*"));
    // The statement that grants it on the wrong resource is reported as a near miss (FGP004).
    assert_eq!(spans(&near), vec![Some(span(0))]);
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
    let near = assert_not_allowed(eval(
        &d,
        "ecr:BatchGetImage",
        "arn:aws:ecr:eu-west-1:111122223333:repository/other",
    ));
    assert_eq!(near.len(), 1);
}

#[test]
fn resources_are_case_sensitive() {
    let d = one(vec![allow(
        json!(["ecr:BatchGetImage"]),
        json!(["arn:aws:ecr:eu-west-1:111122223333:repository/App"]),
    )]);
    assert_not_allowed(eval(&d, "ecr:BatchGetImage", REPO));
}

#[test]
fn log_group_arn_with_and_without_stream_suffix() {
    let stream = "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/app:log-stream:ecs/web/abc";
    let d = one(vec![allow(
        json!(["logs:CreateLogStream", "logs:PutLogEvents"]),
        json!(["arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/app:*"]),
    )]);
    assert_allowed_by(eval(&d, "logs:PutLogEvents", stream), &[0]);
    let d = one(vec![allow(
        json!(["logs:PutLogEvents"]),
        json!(["arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/app"]),
    )]);
    assert_not_allowed(eval(&d, "logs:PutLogEvents", stream));
}

#[test]
fn resource_wildcards_inside_a_segment_do_not_cross_colons() {
    let d = one(vec![allow(
        json!(["logs:PutLogEvents"]),
        json!(["arn:aws:logs:*:111122223333:log-group:/ecs/*-app"]),
    )]);
    assert_not_allowed(eval(
        &d,
        "logs:PutLogEvents",
        "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/x:log-stream:y-app",
    ));
    assert_allowed_by(
        eval(
            &d,
            "logs:PutLogEvents",
            "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/web-app",
        ),
        &[0],
    );
    // A segment's last `*` extends across colons.
    let d = one(vec![allow(
        json!(["logs:PutLogEvents"]),
        json!(["arn:aws:logs:*:111122223333:log-group:/ecs/*"]),
    )]);
    assert_allowed_by(
        eval(
            &d,
            "logs:PutLogEvents",
            "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/x:log-stream:y",
        ),
        &[0],
    );
}

#[test]
fn secret_arn_without_random_suffix_never_matches() {
    let d = one(vec![allow(
        json!(["secretsmanager:GetSecretValue"]),
        json!(["arn:aws:secretsmanager:eu-west-1:111122223333:secret:db"]),
    )]);
    assert_not_allowed(eval(&d, "secretsmanager:GetSecretValue", SECRET));
    let d = one(vec![allow(
        json!(["secretsmanager:GetSecretValue"]),
        json!(["arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-??????"]),
    )]);
    assert_allowed_by(eval(&d, "secretsmanager:GetSecretValue", SECRET), &[0]);
}

// ---------------------------------------------------------------------------------------------
// Unknown parts

#[test]
fn unknown_action_list_is_unknown() {
    let d = doc(json!({"Statement": [{"Effect": "Allow", "Action": "⟨?⟩", "Resource": ["*"]}]}));
    let u = assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
    assert_eq!(u.doubts[0].cite.span, Some(span(0)));
    assert_eq!(u.doubts[0].leaning, Leaning::MightAllow);
    assert!(u.to_string().contains("Action"), "{u}");
}

#[test]
fn unknown_action_element_is_unknown_unless_another_matches() {
    let d = one(vec![allow(
        json!(["⟨?⟩", "ecr:BatchGetImage"]),
        json!(["*"]),
    )]);
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
    assert_unknown(eval(&d, "ecr:GetDownloadUrlForLayer", REPO));
    // A partly known action decides when its known part excludes the request.
    let d = one(vec![allow(json!(["s3:⟨?⟩"]), json!(["*"]))]);
    assert_not_allowed(eval(&d, "ecr:BatchGetImage", REPO));
}

#[test]
fn unknown_effect_is_unknown_even_next_to_an_allow() {
    let d = one(vec![
        allow(json!(["ecr:*"]), json!(["*"])),
        json!({"Effect": "⟨?⟩", "Action": ["ecr:*"], "Resource": ["*"]}),
    ]);
    let u = assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
    assert_eq!(u.doubts.len(), 1);
    assert_eq!(u.doubts[0].leaning, Leaning::Either);
    assert_eq!(u.doubts[0].cite.span, Some(span(1)));
    // ... but not when the unknown statement provably does not apply.
    assert_not_allowed(eval(&d, "logs:PutLogEvents", "*"));
}

#[test]
fn unknown_document_or_statements() {
    let d = Value::unknown("data.aws_iam_policy.x is read at apply time", None);
    let u = assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
    assert_eq!(u.doubts[0].cite.statement, None);
    assert!(u.to_string().contains("read at apply time"), "{u}");
    let d = doc(json!({"Version": "2012-10-17", "Statement": "⟨?⟩"}));
    assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
    let d = doc(json!({"Version": "2012-10-17", "Statement": ["⟨?⟩"]}));
    assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
    // A known deny still wins over an unknown document.
    let deny = one(vec![
        json!({"Effect": "Deny", "Action": ["*"], "Resource": ["*"]}),
    ]);
    let unknown = Value::unknown("x", None);
    let r = evaluate(
        &[policy(&unknown), policy(&deny)],
        "ecr:BatchGetImage",
        &sv(REPO),
    );
    assert_denied_by(r, &[0]);
}

#[test]
fn encoded_document_is_read_through() {
    let inner = one(vec![allow(json!(["ecr:*"]), json!(["*"]))]);
    let d = Value::new(Val::Encoded(Box::new(inner)), None);
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
}

#[test]
fn resource_with_unknown_parts() {
    let d = one(vec![allow(
        json!(["secretsmanager:GetSecretValue"]),
        json!(["arn:aws:secretsmanager:⟨?⟩:⟨?⟩:secret:db-*"]),
    )]);
    // Known parts prove it: not this secret.
    assert_not_allowed(eval(
        &d,
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app-AbCdEf",
    ));
    // Known parts cannot prove it either way.
    assert_unknown(eval(&d, "secretsmanager:GetSecretValue", SECRET));
    assert_unknown(eval(
        &d,
        "secretsmanager:GetSecretValue",
        "⟨ref:aws_secretsmanager_secret.db.arn⟩",
    ));
    // Partly unknown request resource, excluded by its known parts.
    assert_not_allowed(eval(
        &d,
        "secretsmanager:GetSecretValue",
        "arn:aws:ssm:⟨Region⟩:⟨Account⟩:parameter/db",
    ));
}

#[test]
fn same_references_and_pseudo_parameters_prove_a_match() {
    let d = one(vec![allow(
        json!(["ecr:BatchGetImage"]),
        json!(["arn:⟨Partition⟩:ecr:⟨Region⟩:⟨Account⟩:repository/*"]),
    )]);
    assert_allowed_by(
        eval(
            &d,
            "ecr:BatchGetImage",
            "arn:⟨Partition⟩:ecr:⟨Region⟩:⟨Account⟩:repository/app",
        ),
        &[0],
    );
    // Against a literal ARN the pseudo parameters could differ.
    assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));

    let d = one(vec![allow(
        json!(["secretsmanager:GetSecretValue"]),
        json!(["⟨ref:aws_secretsmanager_secret.db.arn⟩"]),
    )]);
    assert_allowed_by(
        eval(
            &d,
            "secretsmanager:GetSecretValue",
            "⟨ref:aws_secretsmanager_secret.db.arn⟩",
        ),
        &[0],
    );
    assert_unknown(eval(
        &d,
        "secretsmanager:GetSecretValue",
        "⟨ref:aws_secretsmanager_secret.other.arn⟩",
    ));
}

#[test]
fn policy_variables_depend_on_the_version() {
    let stmts = json!([{"Effect": "Allow", "Action": ["s3:GetObject"],
        "Resource": ["arn:aws:s3:::b/${aws:username}/*"]}]);
    let v2012 = doc(json!({"Version": "2012-10-17", "Statement": stmts}));
    assert_unknown(eval(&v2012, "s3:GetObject", "arn:aws:s3:::b/alice/k"));
    // Without a version, `${aws:username}` is literal text.
    let none = doc(json!({"Statement": stmts}));
    assert_not_allowed(eval(&none, "s3:GetObject", "arn:aws:s3:::b/alice/k"));
    let v2008 = doc(json!({"Version": "2008-10-17", "Statement": stmts}));
    assert_not_allowed(eval(&v2008, "s3:GetObject", "arn:aws:s3:::b/alice/k"));
    assert_allowed_by(
        eval(&v2008, "s3:GetObject", "arn:aws:s3:::b/${aws:username}/k"),
        &[0],
    );
    // An unknown version: read cautiously, as if variables were unknown parts.
    let unknown = doc(json!({"Version": "⟨?⟩", "Statement": stmts}));
    assert_unknown(eval(&unknown, "s3:GetObject", "arn:aws:s3:::b/alice/k"));
}

#[test]
fn missing_resource_is_unknown() {
    let d = one(vec![json!({"Effect": "Allow", "Action": ["ecr:*"]})]);
    let u = assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
    assert!(
        u.to_string().contains("neither Resource nor NotResource"),
        "{u}"
    );
}

// ---------------------------------------------------------------------------------------------
// Conditions

#[test]
fn allow_with_condition_is_unknown_with_its_keys() {
    let d = one(vec![json!({
        "Effect": "Allow",
        "Action": ["ecr:GetAuthorizationToken"],
        "Resource": ["*"],
        "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-123"]}}
    })]);
    let u = assert_unknown(eval(&d, "ecr:GetAuthorizationToken", "*"));
    assert!(u.only_conditions());
    assert_eq!(
        u.conditions().collect::<Vec<_>>(),
        vec![&CondKey {
            operator: "StringEquals".into(),
            key: "aws:SourceVpce".into()
        }]
    );
    let reason = eval(&d, "ecr:GetAuthorizationToken", "*").reason().unwrap();
    assert!(
        reason.contains("allowed only under condition StringEquals aws:SourceVpce"),
        "{reason}"
    );
    // A conditioned statement that does not apply is no doubt.
    assert_not_allowed(eval(&d, "ecr:BatchGetImage", REPO));
}

#[test]
fn deny_with_condition_is_unknown_not_denied() {
    let d = one(vec![
        allow(json!(["ecr:*"]), json!(["*"])),
        json!({
            "Effect": "Deny",
            "Action": ["ecr:*"],
            "Resource": ["*"],
            "Condition": {"StringNotEquals": {"aws:SourceVpc": ["vpc-1"]}}
        }),
    ]);
    let u = assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
    assert_eq!(u.doubts[0].leaning, Leaning::MightDeny);
    assert!(!u.only_conditions());
    assert!(u.to_string().contains("denied only under condition"), "{u}");
    // With no allow at all, a conditional deny changes nothing: not allowed.
    let d = one(vec![json!({
        "Effect": "Deny", "Action": ["ecr:*"], "Resource": ["*"],
        "Condition": {"StringNotEquals": {"aws:SourceVpc": ["vpc-1"]}}
    })]);
    assert_not_allowed(eval(&d, "ecr:BatchGetImage", REPO));
}

#[test]
fn secure_transport_conditions_are_decided() {
    // The usual "deny insecure transport" never applies to HTTPS calls.
    let d = one(vec![
        allow(json!(["ecr:*"]), json!(["*"])),
        json!({"Effect": "Deny", "Action": ["*"], "Resource": ["*"],
               "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}}),
    ]);
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
    // An allow that requires HTTPS is an allow.
    let d = one(vec![
        json!({"Effect": "Allow", "Action": ["ecr:*"], "Resource": ["*"],
        "Condition": {"Bool": {"aws:SecureTransport": ["true"]}}}),
    ]);
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
    // Mixed with another key: still conditional.
    let d = one(vec![
        json!({"Effect": "Allow", "Action": ["ecr:*"], "Resource": ["*"],
        "Condition": {"Bool": {"aws:SecureTransport": ["true"]},
                      "StringEquals": {"aws:PrincipalOrgID": ["o-1"]}}}),
    ]);
    assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
}

#[test]
fn unknown_condition_is_unknown() {
    let d = one(vec![
        json!({"Effect": "Allow", "Action": ["ecr:*"], "Resource": ["*"],
        "Condition": "⟨?⟩"}),
    ]);
    let u = assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
    assert!(u.conditions().next().is_none());
}

// ---------------------------------------------------------------------------------------------
// Managed policies

fn managed(arn: &str) -> Policy<'static> {
    Policy {
        label: "managed",
        origin: Some(Span::new(FILE, 5000..5040)),
        document: managed_policy(arn).expect("known managed policy"),
    }
}

const EXEC: &str = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
const LOG_STREAM: &str = "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/app:log-stream:x";

#[test]
fn execution_role_policy() {
    let p = [managed(EXEC)];
    for (action, resource) in [
        ("ecr:GetAuthorizationToken", "*"),
        ("ecr:BatchGetImage", REPO),
        ("ecr:GetDownloadUrlForLayer", REPO),
        ("logs:CreateLogStream", LOG_STREAM),
        ("logs:PutLogEvents", LOG_STREAM),
    ] {
        match evaluate(&p, action, &sv(resource)) {
            Decision::Allowed { by } => {
                // Managed statements have no span: the attachment is pointed at.
                assert_eq!(by[0].span, None);
                assert_eq!(by[0].best_span(), Some(Span::new(FILE, 5000..5040)));
            }
            other => panic!("{action}: {other:?}"),
        }
    }
    for (action, resource) in [
        (
            "logs:CreateLogGroup",
            "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/app",
        ),
        ("secretsmanager:GetSecretValue", SECRET),
        (
            "ssm:GetParameters",
            "arn:aws:ssm:eu-west-1:111122223333:parameter/x",
        ),
        ("kms:Decrypt", "*"),
        ("ecr:BatchImportUpstreamImage", REPO),
    ] {
        assert!(
            evaluate(&p, action, &sv(resource)).is_refused(),
            "{action} should not be allowed"
        );
    }
}

#[test]
fn ecr_managed_policies_allow_pulls() {
    for name in [
        "AmazonEC2ContainerRegistryReadOnly",
        "AmazonEC2ContainerRegistryPullOnly",
        "AmazonEC2ContainerRegistryPowerUser",
        "AmazonEC2ContainerRegistryFullAccess",
        "AmazonEKSFargatePodExecutionRolePolicy",
        "AdministratorAccess",
        "PowerUserAccess",
    ] {
        let p = [managed(&format!("arn:aws:iam::aws:policy/{name}"))];
        for (action, resource) in [
            ("ecr:GetAuthorizationToken", "*"),
            ("ecr:BatchGetImage", REPO),
            ("ecr:GetDownloadUrlForLayer", REPO),
        ] {
            assert!(
                evaluate(&p, action, &sv(resource)).is_allowed(),
                "{name} should allow {action}"
            );
        }
    }
    let pull_only = [managed(
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
    )];
    assert!(evaluate(&pull_only, "ecr:BatchImportUpstreamImage", &sv(REPO)).is_allowed());
    let read_only = [managed(
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    )];
    assert!(evaluate(&read_only, "ecr:BatchImportUpstreamImage", &sv(REPO)).is_refused());
    assert!(evaluate(&read_only, "ecr:PutImage", &sv(REPO)).is_refused());
}

#[test]
fn other_managed_policies() {
    let logs = [managed("arn:aws:iam::aws:policy/CloudWatchLogsFullAccess")];
    assert!(evaluate(&logs, "logs:CreateLogGroup", &sv("*")).is_allowed());
    assert!(evaluate(&logs, "ecr:BatchGetImage", &sv(REPO)).is_refused());
    let sm = [managed("arn:aws:iam::aws:policy/SecretsManagerReadWrite")];
    assert!(evaluate(&sm, "secretsmanager:GetSecretValue", &sv(SECRET)).is_allowed());
    assert!(evaluate(&sm, "kms:Decrypt", &sv("*")).is_refused());
    let ssm = [managed("arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess")];
    assert!(evaluate(
        &ssm,
        "ssm:GetParameters",
        &sv("arn:aws:ssm:eu-west-1:111122223333:parameter/x")
    )
    .is_allowed());
    // PowerUserAccess: everything but IAM, except the few IAM actions it lists.
    let pu = [managed("arn:aws:iam::aws:policy/PowerUserAccess")];
    assert!(evaluate(&pu, "iam:PassRole", &sv("*")).is_refused());
    assert!(evaluate(&pu, "iam:ListRoles", &sv("*")).is_allowed());
    // AmazonEC2ContainerRegistryFullAccess' second statement is conditional, but on another action.
    let full = [managed(
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess",
    )];
    assert!(evaluate(&full, "iam:CreateServiceLinkedRole", &sv("*")).is_unknown());
}

#[test]
fn managed_policy_lookup() {
    assert!(managed_policy(EXEC).is_some());
    // Partition-aware.
    assert!(managed_policy(
        "arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    )
    .is_some());
    assert!(managed_policy("arn:aws-us-gov:iam::aws:policy/AdministratorAccess").is_some());
    assert!(managed_policy("arn:aws-xx:iam::aws:policy/AdministratorAccess").is_none());
    // The path matters.
    assert!(managed_policy("arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy").is_none());
    assert!(managed_policy("arn:aws:iam::123456789012:policy/AdministratorAccess").is_none());
    assert!(is_known_managed_name("AmazonECSTaskExecutionRolePolicy"));
    assert!(is_known_managed_name("AmazonEC2ContainerRegistryPullOnly"));
    assert!(!is_known_managed_name("AmazonECSTaskExecutionPolicy"));
    // Every recorded policy is a parsed document with statements, source and version.
    let all = managed::all();
    assert!(all.len() >= 11, "{}", all.len());
    for p in all {
        let stmts = p.document.get("Statement").and_then(|s| s.as_list());
        assert!(stmts.is_some_and(|s| !s.is_empty()), "{}", p.arn);
        assert!(
            p.source.starts_with("https://docs.aws.amazon.com/"),
            "{}",
            p.arn
        );
        assert!(p.version.starts_with('v'), "{}", p.arn);
    }
    // Only the execution role policy lives under service-role/.
    for p in all {
        assert_eq!(
            p.arn.contains("/service-role/"),
            p.name == "AmazonECSTaskExecutionRolePolicy",
            "{}",
            p.arn
        );
    }
}

#[test]
fn managed_policy_did_you_mean() {
    assert_eq!(
        suggest_managed_arn("arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy").as_deref(),
        Some(EXEC)
    );
    assert_eq!(
        suggest_managed_arn("arn:aws-cn:iam::aws:policy/AmazonECSTaskExecutionRolePolicy")
            .as_deref(),
        Some("arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    );
    assert_eq!(
        suggest_managed_arn(
            "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerRegistryReadOnly"
        )
        .as_deref(),
        Some("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly")
    );
    assert_eq!(
        suggest_managed_arn(
            "arn:aws:iam::aws:policy/service-role/AmazonEcsTaskExecutionRolePolicy"
        )
        .as_deref(),
        Some(EXEC)
    );
    // Right ARN, unknown name, not a managed-policy ARN: nothing to suggest.
    assert_eq!(suggest_managed_arn(EXEC), None);
    assert_eq!(
        suggest_managed_arn("arn:aws:iam::aws:policy/NoSuchPolicy"),
        None
    );
    assert_eq!(
        suggest_managed_arn("arn:aws:iam::123456789012:policy/AmazonECSTaskExecutionRolePolicy"),
        None
    );
}

#[test]
fn managed_arn_check_with_unknown_partition() {
    // CloudFormation `!Sub arn:${AWS::Partition}:iam::aws:policy/service-role/…`.
    let v = sv("arn:⟨Partition⟩:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
    match check_managed_arn(&v) {
        ManagedArn::Known(p) => {
            assert_eq!(p.arn, EXEC);
            assert_eq!(p.version, "v1");
        }
        other => panic!("{other:?}"),
    }
    let v = sv("arn:⟨Partition⟩:iam::aws:policy/AmazonECSTaskExecutionRolePolicy");
    match check_managed_arn(&v) {
        ManagedArn::Misspelt { suggestion } => assert_eq!(
            suggestion,
            "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
        ),
        other => panic!("{other:?}"),
    }
    let v = sv("arn:aws-us-gov:iam::aws:policy/AmazonECSTaskExecutionRolePolicy");
    match check_managed_arn(&v) {
        ManagedArn::Misspelt { suggestion } => assert_eq!(
            suggestion,
            "arn:aws-us-gov:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
        ),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        check_managed_arn(&sv("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")),
        ManagedArn::Unrecorded
    ));
    for not_managed in [
        "arn:aws:iam::123456789012:policy/AmazonECSTaskExecutionRolePolicy",
        "arn:aws:iam::aws:policy/⟨?⟩",
        "⟨ref:aws_iam_policy.x.arn⟩",
        "arn:aws-xx:iam::aws:policy/AdministratorAccess",
    ] {
        assert!(
            matches!(check_managed_arn(&sv(not_managed)), ManagedArn::NotManaged),
            "{not_managed}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Trust policies

fn trust(principal: serde_json::Value) -> Value {
    one(vec![
        json!({"Effect": "Allow", "Principal": principal, "Action": ["sts:AssumeRole"]}),
    ])
}

#[test]
fn trust_service_as_string_or_list() {
    let d = trust(json!({"Service": "ecs-tasks.amazonaws.com"}));
    assert_eq!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::Trusted {
            by: vec![Cite {
                policy: 0,
                label: "test".into(),
                statement: Some(0),
                sid: None,
                span: Some(span(0)),
                origin: None
            }]
        }
    );
    let d = trust(json!({"Service": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]}));
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::Trusted { .. }
    ));
}

#[test]
fn trust_wrong_service_is_not_trusted() {
    let d = trust(json!({"Service": ["ecs.amazonaws.com", "ec2.amazonaws.com"]}));
    match ecs_tasks_can_assume(&policy(&d)) {
        TrustDecision::NotTrusted { near } => assert_eq!(spans(&near), vec![Some(span(0))]),
        other => panic!("{other:?}"),
    }
    // The right service with the wrong action.
    let d = one(vec![json!({"Effect": "Allow",
        "Principal": {"Service": ["ecs-tasks.amazonaws.com"]},
        "Action": ["sts:TagSession"]})]);
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::NotTrusted { .. }
    ));
    // Variants whose effect is not settled here are left open, not refused.
    for variant in ["ECS-Tasks.amazonaws.com", "ecs-tasks.amazonaws.com.cn"] {
        let d = trust(json!({"Service": [variant]}));
        assert!(matches!(
            ecs_tasks_can_assume(&policy(&d)),
            TrustDecision::Unknown(_)
        ));
    }
    // A service name under another principal type is not the service.
    for ty in ["AWS", "Federated"] {
        let d = trust(json!({ty: ["ecs-tasks.amazonaws.com"]}));
        assert!(matches!(
            ecs_tasks_can_assume(&policy(&d)),
            TrustDecision::NotTrusted { .. }
        ));
    }
    // An account principal is not a service.
    let d = trust(json!({"AWS": ["arn:aws:iam::111122223333:root"]}));
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::NotTrusted { .. }
    ));
}

#[test]
fn trust_star_and_wildcard_actions() {
    let d = trust(json!({"AWS": ["*"]}));
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::Trusted { .. }
    ));
    let d = one(vec![json!({"Effect": "Allow",
        "Principal": {"Service": ["ecs-tasks.amazonaws.com"]}, "Action": ["sts:*"]})]);
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::Trusted { .. }
    ));
}

#[test]
fn trust_with_conditions_is_flagged() {
    let d = one(vec![json!({
        "Effect": "Allow",
        "Principal": {"Service": ["ecs-tasks.amazonaws.com"]},
        "Action": ["sts:AssumeRole"],
        "Condition": {
            "ArnLike": {"aws:SourceArn": ["arn:aws:ecs:eu-west-1:111122223333:*"]},
            "StringEquals": {"aws:SourceAccount": ["111122223333"]}
        }
    })]);
    match ecs_tasks_can_assume(&policy(&d)) {
        TrustDecision::TrustedUnderConditions { by, conditions } => {
            assert_eq!(spans(&by), vec![Some(span(0))]);
            let keys: Vec<&str> = conditions.iter().map(|c| c.key.as_str()).collect();
            assert_eq!(keys, vec!["aws:SourceArn", "aws:SourceAccount"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn trust_not_principal_and_deny() {
    // Deny everyone but ecs-tasks: not a deny for ecs-tasks.
    let d = one(vec![
        json!({"Effect": "Allow", "Principal": {"Service": ["ecs-tasks.amazonaws.com"]},
               "Action": ["sts:AssumeRole"]}),
        json!({"Effect": "Deny", "NotPrincipal": {"Service": ["ecs-tasks.amazonaws.com"]},
               "Action": ["sts:AssumeRole"]}),
    ]);
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::Trusted { .. }
    ));
    // Deny that names it.
    let d = one(vec![
        json!({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["sts:AssumeRole"]}),
        json!({"Effect": "Deny", "Principal": {"Service": ["ecs-tasks.amazonaws.com"]},
               "Action": ["sts:AssumeRole"]}),
    ]);
    match ecs_tasks_can_assume(&policy(&d)) {
        TrustDecision::Denied { by } => assert_eq!(spans(&by), vec![Some(span(1))]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn trust_allow_with_not_principal_is_not_modelled() {
    let d = one(vec![json!({"Effect": "Allow",
        "NotPrincipal": {"Service": ["ec2.amazonaws.com"]}, "Action": ["sts:AssumeRole"]})]);
    match ecs_tasks_can_assume(&policy(&d)) {
        TrustDecision::Unknown(u) => assert!(u.to_string().contains("NotPrincipal"), "{u}"),
        other => panic!("{other:?}"),
    }
    // Excluding the service itself is decided.
    let d = one(vec![json!({"Effect": "Allow",
        "NotPrincipal": {"Service": ["ecs-tasks.amazonaws.com"]}, "Action": ["sts:AssumeRole"]})]);
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::NotTrusted { .. }
    ));
}

#[test]
fn trust_unknown_principal() {
    let d = trust(json!({"Service": ["⟨?⟩"]}));
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::Unknown(_)
    ));
    let d = trust(json!("⟨?⟩"));
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::Unknown(_)
    ));
    let d = Value::unknown("var.assume_role_policy has no value", None);
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::Unknown(_)
    ));
    // A template service name with a known part that excludes it.
    let d = trust(json!({"Service": ["ec2.⟨?⟩"]}));
    assert!(matches!(
        ecs_tasks_can_assume(&policy(&d)),
        TrustDecision::NotTrusted { .. }
    ));
}

// ---------------------------------------------------------------------------------------------
// ECR repository policies

const PULLER: &str = "444455556666";

fn repo_policy(principal: serde_json::Value, actions: serde_json::Value) -> Value {
    doc(json!({"Version": "2008-10-17", "Statement": [
        {"Sid": "AllowPull", "Effect": "Allow", "Principal": principal, "Action": actions}
    ]}))
}

fn pull_actions() -> serde_json::Value {
    json!(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])
}

fn account_query<'a>(partition: &'a Value, account: &'a Value) -> PrincipalQuery<'a> {
    PrincipalQuery::Account { partition, account }
}

#[test]
fn repository_policy_cross_account_by_root_or_id() {
    let (p, a) = (sv("aws"), sv(PULLER));
    for principal in [
        json!({"AWS": [format!("arn:aws:iam::{PULLER}:root")]}),
        json!({"AWS": [PULLER]}),
        json!({"AWS": ["*"]}),
    ] {
        let d = repo_policy(principal.clone(), pull_actions());
        let r = repository_grants_pull(&policy(&d), &account_query(&p, &a));
        match r.overall() {
            Decision::Allowed { by } => {
                assert_eq!(by.len(), 1);
                assert_eq!(by[0].sid.as_deref(), Some("AllowPull"));
                assert_eq!(by[0].span, Some(span(0)));
            }
            other => panic!("{principal}: {other:?}"),
        }
    }
    // A role of that account is covered by the account's root.
    let arn = sv(&format!("arn:aws:iam::{PULLER}:role/exec"));
    let role = PrincipalQuery::Role {
        partition: &p,
        account: &a,
        arn: &arn,
    };
    let d = repo_policy(
        json!({"AWS": [format!("arn:aws:iam::{PULLER}:root")]}),
        pull_actions(),
    );
    assert!(repository_grants_pull(&policy(&d), &role)
        .overall()
        .is_allowed());
}

#[test]
fn repository_policy_by_role_arn() {
    let (p, a) = (sv("aws"), sv(PULLER));
    let arn = sv(&format!("arn:aws:iam::{PULLER}:role/exec"));
    let role = PrincipalQuery::Role {
        partition: &p,
        account: &a,
        arn: &arn,
    };
    let d = repo_policy(
        json!({"AWS": [format!("arn:aws:iam::{PULLER}:role/exec")]}),
        pull_actions(),
    );
    assert!(repository_grants_pull(&policy(&d), &role)
        .overall()
        .is_allowed());
    // Another role: not granted, and the grant is a near miss.
    let other = sv(&format!("arn:aws:iam::{PULLER}:role/other"));
    let q = PrincipalQuery::Role {
        partition: &p,
        account: &a,
        arn: &other,
    };
    match repository_grants_pull(&policy(&d), &q).overall() {
        Decision::NotAllowed { near } => assert_eq!(spans(&near), vec![Some(span(0))]),
        o => panic!("{o:?}"),
    }
    // A role grant does not grant the whole account.
    assert!(repository_grants_pull(&policy(&d), &account_query(&p, &a))
        .overall()
        .is_refused());
    // The role ARN as an unresolved reference, on both sides.
    let r = sv("⟨ref:aws_iam_role.exec.arn⟩");
    let q = PrincipalQuery::Role {
        partition: &p,
        account: &a,
        arn: &r,
    };
    let d = repo_policy(
        json!({"AWS": ["⟨ref:aws_iam_role.exec.arn⟩"]}),
        pull_actions(),
    );
    assert!(repository_grants_pull(&policy(&d), &q)
        .overall()
        .is_allowed());
}

#[test]
fn repository_policy_missing_or_partial() {
    let (p, a) = (sv("aws"), sv(PULLER));
    // Another account.
    let d = repo_policy(
        json!({"AWS": ["arn:aws:iam::999999999999:root"]}),
        pull_actions(),
    );
    assert!(repository_grants_pull(&policy(&d), &account_query(&p, &a))
        .overall()
        .is_refused());
    // Only one of the two actions.
    let d = repo_policy(json!({"AWS": [PULLER]}), json!(["ecr:BatchGetImage"]));
    let r = repository_grants_pull(&policy(&d), &account_query(&p, &a));
    assert!(r.batch_get_image.is_allowed());
    assert!(r.get_download_url_for_layer.is_refused());
    assert!(r.overall().is_refused());
    // A policy with no statement for anyone.
    let d = doc(json!({"Version": "2012-10-17", "Statement": []}));
    assert!(repository_grants_pull(&policy(&d), &account_query(&p, &a))
        .overall()
        .is_refused());
    // `ecr:*` grants both.
    let d = repo_policy(json!({"AWS": [PULLER]}), json!(["ecr:*"]));
    assert!(repository_grants_pull(&policy(&d), &account_query(&p, &a))
        .overall()
        .is_allowed());
}

#[test]
fn repository_policy_star_with_org_condition_is_unknown() {
    let (p, a) = (sv("aws"), sv(PULLER));
    let d = doc(json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-abc"]}}
    }]}));
    let r = repository_grants_pull(&policy(&d), &account_query(&p, &a)).overall();
    match r {
        Decision::Unknown(u) => {
            assert!(u.only_conditions());
            assert_eq!(u.conditions().next().unwrap().key, "aws:PrincipalOrgID");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn repository_policy_with_pseudo_parameters() {
    // CloudFormation: `!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root` asked about the
    // same unit's account.
    let p = Value::new(Val::Symbol(Symbol::Partition), None);
    let a = Value::new(Val::Symbol(Symbol::AccountId), None);
    let d = repo_policy(
        json!({"AWS": ["arn:⟨Partition⟩:iam::⟨Account⟩:root"]}),
        pull_actions(),
    );
    assert!(repository_grants_pull(&policy(&d), &account_query(&p, &a))
        .overall()
        .is_allowed());
    // Asked about a literal account, it could be it or not.
    let (p2, a2) = (sv("aws"), sv(PULLER));
    assert!(
        repository_grants_pull(&policy(&d), &account_query(&p2, &a2))
            .overall()
            .is_unknown()
    );
}

#[test]
fn account_ids_written_as_numbers() {
    let (p, a) = (sv("aws"), sv(PULLER));
    let mut d = repo_policy(json!({"AWS": ["x"]}), pull_actions());
    // Replace the principal with a number, as `jsonencode` of a number gives.
    if let Val::Map(m) = &mut d.kind {
        let stmts = &mut m.entries[1].value;
        if let Val::List(l) = &mut stmts.kind {
            if let Val::Map(s) = &mut l[0].kind {
                let mut pm = Map::new();
                pm.push(
                    "AWS",
                    None,
                    Value::new(
                        Val::List(vec![Value::new(Val::Number(444455556666.0), None)]),
                        None,
                    ),
                );
                s.insert("Principal", None, Value::new(Val::Map(pm), None));
            }
        }
    }
    assert!(repository_grants_pull(&policy(&d), &account_query(&p, &a))
        .overall()
        .is_allowed());
}

// ---------------------------------------------------------------------------------------------
// CloudFormation `Fn::If` on a condition that is not known

fn choice(alts: Vec<Value>) -> Value {
    Value::new(Val::Choice(alts), Some(Span::new(FILE, 9000..9010)))
}

#[test]
fn choice_of_statement_or_nothing() {
    let stmt = conv(&allow(json!(["ecr:*"]), json!(["*"])));
    let deny = conv(&json!({"Effect": "Deny", "Action": ["ecr:*"], "Resource": ["*"]}));
    let mk = |items: Vec<Value>| {
        let mut m = Map::new();
        m.push("Version", None, Value::str("2012-10-17", None));
        m.push("Statement", None, Value::new(Val::List(items), None));
        Value::new(Val::Map(m), None)
    };
    // An allow that may be absent: unknown, pointing at the `Fn::If`.
    let d = mk(vec![choice(vec![stmt.clone(), Value::null(None)])]);
    let u = assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
    assert_eq!(u.doubts[0].cite.span, Some(Span::new(FILE, 9000..9010)));
    assert!(u.to_string().contains("only under a condition"), "{u}");
    // ... and no doubt for an action it cannot grant.
    assert_not_allowed(eval(&d, "logs:PutLogEvents", "*"));
    // A deny that may be absent next to a known allow: unknown, not denied.
    let d = mk(vec![stmt.clone(), choice(vec![deny, Value::null(None)])]);
    let u = assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
    assert_eq!(u.doubts[0].leaning, Leaning::MightDeny);
}

#[test]
fn choice_inside_action_lists_decides_when_alternatives_agree() {
    let mk = |action: Value| {
        let mut s = Map::new();
        s.push("Effect", None, Value::str("Allow", None));
        s.push("Action", None, Value::new(Val::List(vec![action]), None));
        s.push("Resource", None, conv(&json!(["*"])));
        let mut m = Map::new();
        m.push(
            "Statement",
            None,
            Value::new(
                Val::List(vec![Value::new(Val::Map(s), Some(span(0)))]),
                None,
            ),
        );
        Value::new(Val::Map(m), None)
    };
    let d = mk(choice(vec![sv("ecr:*"), sv("ecr:BatchGetImage")]));
    assert_allowed_by(eval(&d, "ecr:BatchGetImage", REPO), &[0]);
    assert_unknown(eval(&d, "ecr:GetDownloadUrlForLayer", REPO));
    assert_not_allowed(eval(&d, "logs:PutLogEvents", "*"));
    let d = mk(choice(vec![sv("ecr:*"), Value::null(None)]));
    assert_unknown(eval(&d, "ecr:BatchGetImage", REPO));
}

// ---------------------------------------------------------------------------------------------
// Issue 8: decide on what the decision depends on

#[test]
fn no_ecr_action_refuses_any_repository_whatever_is_unknown() {
    // Only logs actions, with unknown resources, an unknown condition, an unknown effect: none
    // can match an ECR action, so the repository's unknown account and Region do not matter.
    let d = one(vec![
        allow(
            json!(["logs:CreateLogStream", "logs:PutLogEvents"]),
            json!("⟨?⟩"),
        ),
        json!({"Effect": "Allow", "Action": "logs:*", "Resource": "*",
               "Condition": {"StringEquals": {"aws:SourceVpc": "⟨?⟩"}}}),
        json!({"Effect": "⟨?⟩", "Action": "s3:GetObject", "Resource": "*"}),
    ]);
    for action in ["ecr:BatchGetImage", "ecr:GetAuthorizationToken"] {
        assert_not_allowed(eval(
            &d,
            action,
            "arn:aws:ecr:⟨?⟩:⟨?⟩:repository/dev/example-voting-app-api",
        ));
    }
}

#[test]
fn repository_pattern_decided_by_the_known_repository_name() {
    // issue 8: the policy names `ecr-repo-*` in a Region and account that are variables without
    // values; the image is `dev/example-voting-app-api` in unknown Region and account.
    let d = one(vec![
        allow(json!("ecr:GetAuthorizationToken"), json!("*")),
        allow(
            json!(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]),
            json!("arn:aws:ecr:⟨?⟩:⟨?⟩:repository/ecr-repo-*"),
        ),
    ]);
    let near = assert_not_allowed(eval(
        &d,
        "ecr:BatchGetImage",
        "arn:⟨Partition⟩:ecr:⟨?⟩:⟨?⟩:repository/dev/example-voting-app-api",
    ));
    assert_eq!(spans(&near), vec![Some(span(1))]);
    // A matching name stays unknown: the Region and account may differ.
    assert_unknown(eval(
        &d,
        "ecr:BatchGetImage",
        "arn:aws:ecr:⟨?⟩:⟨?⟩:repository/ecr-repo-api",
    ));
}

struct TwoSecrets;
impl Identities for TwoSecrets {
    fn distinct(&self, a: (&str, &str), b: (&str, &str)) -> bool {
        a.1 == "arn" && b.1 == "arn"
    }
}

#[test]
fn a_grant_on_one_secret_does_not_cover_another() {
    let d = one(vec![allow(
        json!("secretsmanager:GetSecretValue"),
        json!("⟨ref:aws_secretsmanager_secret.api_key.arn⟩"),
    )]);
    let read = |target: &str| {
        evaluate_in(
            &[policy(&d)],
            "secretsmanager:GetSecretValue",
            &sv(&format!("⟨ref:{target}.arn⟩")),
            &TwoSecrets,
        )
    };
    assert_not_allowed(read("aws_secretsmanager_secret.db"));
    assert_allowed_by(read("aws_secretsmanager_secret.api_key"), &[0]);
    // Without knowing the references are distinct, undecided.
    assert_unknown(evaluate(
        &[policy(&d)],
        "secretsmanager:GetSecretValue",
        &sv("⟨ref:aws_secretsmanager_secret.db.arn⟩"),
    ));
}
