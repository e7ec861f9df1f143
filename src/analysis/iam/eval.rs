//! Statement-by-statement evaluation and the combination rules (see the module doc of `iam`).

use super::pattern::{self, Identities, NoIdentities, Reading, SymStr, Tri};
use super::{
    Cite, CondKey, Decision, Doubt, Leaning, Policy, PrincipalQuery, RepoPull, TrustDecision,
    Uncertain, ECS_TASKS_SERVICE,
};
use crate::base::value::{Map, Val, Value};

/// Is `action` allowed on `resource` by these identity policies? `resource` is the request's
/// resource ARN (`Value::str("*", None)` for actions without resource-level permissions such as
/// `ecr:GetAuthorizationToken`); it may have unknown parts.
pub fn evaluate(policies: &[Policy<'_>], action: &str, resource: &Value) -> Decision {
    evaluate_in(policies, action, resource, &NoIdentities)
}

/// [`evaluate`], knowing which references of the unit are different strings (two distinct
/// secrets' ARNs): a statement on one does not cover the other.
pub fn evaluate_in(
    policies: &[Policy<'_>],
    action: &str,
    resource: &Value,
    ids: &dyn Identities,
) -> Decision {
    let text = SymStr::from_value(resource, Reading::default())
        .map(SymStr::arn_text)
        .unwrap_or_else(SymStr::unknown);
    let req = Request {
        action,
        resource: Some(text),
        principal: None,
        ids,
    };
    combine(statements(policies, &req))
}

/// May the service principal `service` assume a role with this trust policy?
pub fn can_assume(trust: &Policy<'_>, service: &str) -> TrustDecision {
    let req = Request {
        action: "sts:AssumeRole",
        resource: None,
        principal: Some(PrincipalQuery::Service(service)),
        ids: &NoIdentities,
    };
    combine_trust(statements(std::slice::from_ref(trust), &req))
}

/// May ECS tasks (`ecs-tasks.amazonaws.com`) assume a role with this trust policy?
pub fn ecs_tasks_can_assume(trust: &Policy<'_>) -> TrustDecision {
    can_assume(trust, ECS_TASKS_SERVICE)
}

/// Does this ECR repository policy grant `ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer` to
/// the principal? (The principal also needs them in its own identity policies, and
/// `ecr:GetAuthorizationToken`, which a repository policy cannot grant.) `Resource` in the
/// statements is ignored: a repository policy applies to its repository.
pub fn repository_grants_pull(policy: &Policy<'_>, principal: &PrincipalQuery<'_>) -> RepoPull {
    repository_grants_pull_in(policy, principal, &NoIdentities)
}

/// [`repository_grants_pull`], knowing which references are different strings (two distinct
/// roles' ARNs).
pub fn repository_grants_pull_in(
    policy: &Policy<'_>,
    principal: &PrincipalQuery<'_>,
    ids: &dyn Identities,
) -> RepoPull {
    let one = |action: &str| {
        let req = Request {
            action,
            resource: None,
            principal: Some(*principal),
            ids,
        };
        combine(statements(std::slice::from_ref(policy), &req))
    };
    RepoPull {
        batch_get_image: one("ecr:BatchGetImage"),
        get_download_url_for_layer: one("ecr:GetDownloadUrlForLayer"),
    }
}

struct Request<'q> {
    action: &'q str,
    /// `None`: the statements' `Resource` is not looked at (trust and repository policies).
    resource: Option<SymStr>,
    /// `None`: the statements' `Principal` is not looked at (identity policies).
    principal: Option<PrincipalQuery<'q>>,
    /// Which references are known to be different strings.
    ids: &'q dyn Identities,
}

#[derive(Clone, Debug, PartialEq)]
enum Effect {
    Allow,
    Deny,
    Unknown(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Cond {
    /// No condition.
    None,
    /// Conditions that are always true on the pull path.
    Satisfied,
    /// Conditions that are never true on the pull path: the statement never applies.
    Never,
    Conditional(Vec<CondKey>),
    Unknown(String),
}

struct Eval {
    cite: Cite,
    effect: Effect,
    action: Tri,
    /// Resource and principal together.
    rest: Tri,
    /// Why `action` or `rest` is Maybe.
    why: Vec<String>,
    cond: Cond,
}

impl Eval {
    fn unknown(cite: Cite, reason: String) -> Eval {
        Eval {
            cite,
            effect: Effect::Unknown(reason),
            action: Tri::Maybe,
            rest: Tri::Maybe,
            why: Vec::new(),
            cond: Cond::None,
        }
    }
}

fn describe(v: &Value) -> String {
    v.render_pattern()
        .unwrap_or_else(|| crate::base::value::UNKNOWN_PART.to_string())
}

fn statements(policies: &[Policy<'_>], req: &Request<'_>) -> Vec<Eval> {
    let mut out = Vec::new();
    for (i, policy) in policies.iter().enumerate() {
        let cite = |statement: Option<usize>, stmt: Option<&Value>| Cite {
            policy: i,
            label: policy.label.to_string(),
            statement,
            sid: stmt
                .and_then(|s| s.get("Sid"))
                .and_then(|s| s.as_str())
                .map(str::to_string),
            span: stmt.and_then(|s| s.span),
            origin: policy.origin,
        };
        let mut doc = policy.document.deref();
        if let Val::Encoded(inner) = &doc.kind {
            doc = inner.deref();
        }
        let Some(map) = doc.as_map() else {
            let why = match &doc.kind {
                Val::Unknown(r) => format!("the policy document is not known ({r})"),
                _ => format!("the policy document is not known ({})", describe(doc)),
            };
            out.push(Eval::unknown(cite(None, None), why));
            continue;
        };
        let policy_variables = match map.get("Version") {
            None => false,
            Some(v) => match v.as_str() {
                Some(s) => s == "2012-10-17",
                // Unknown version: take variables as unknown parts, the cautious reading.
                None => true,
            },
        };
        let list: Vec<&Value> = match map.get("Statement").map(Value::deref) {
            None => Vec::new(),
            Some(v) => match &v.kind {
                Val::List(l) => l.iter().collect(),
                Val::Map(_) => vec![v],
                _ => {
                    out.push(Eval::unknown(
                        cite(None, None),
                        "the policy's statements are not known".to_string(),
                    ));
                    continue;
                }
            },
        };
        for (k, stmt) in list.into_iter().enumerate() {
            let c = cite(Some(k), Some(stmt));
            match &stmt.deref().kind {
                Val::Map(m) => out.push(statement(m, c, req, policy_variables)),
                // A statement under a condition that is not known (CloudFormation `Fn::If`):
                // each alternative might be the one; `Null` is no statement at all.
                Val::Choice(alts) => {
                    for alt in alts {
                        let mut c = cite(Some(k), Some(alt));
                        c.span = c.span.or(stmt.span);
                        match &alt.deref().kind {
                            Val::Null => {}
                            Val::Map(m) => {
                                let mut e = statement(m, c, req, policy_variables);
                                if e.rest != Tri::No {
                                    e.rest = e.rest.and(Tri::Maybe);
                                    e.why.push(
                                        "the statement exists only under a condition that is not known"
                                            .to_string(),
                                    );
                                }
                                out.push(e);
                            }
                            _ => {
                                out.push(Eval::unknown(c, "the statement is not known".to_string()))
                            }
                        }
                    }
                }
                _ => out.push(Eval::unknown(c, "the statement is not known".to_string())),
            }
        }
    }
    out
}

fn statement(m: &Map, cite: Cite, req: &Request<'_>, policy_variables: bool) -> Eval {
    let effect = match m.get("Effect") {
        None => Effect::Unknown("the statement has no Effect".to_string()),
        Some(v) => match v.as_str() {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            Some(other) => Effect::Unknown(format!("Effect `{other}` is neither Allow nor Deny")),
            None => Effect::Unknown(format!("Effect `{}` is not known", describe(v))),
        },
    };
    let mut why = Vec::new();

    let action_reading = Reading {
        wildcards: true,
        fold_case: true,
        ..Reading::default()
    };
    let action_text = SymStr::literal(req.action, action_reading);
    let action = element(
        m,
        ("Action", "NotAction"),
        &action_text,
        action_reading,
        req.ids,
        &mut why,
    );

    let mut rest = Tri::Yes;
    if let Some(text) = &req.resource {
        let reading = Reading {
            wildcards: true,
            policy_variables,
            fold_case: false,
            arn_segments: true,
        };
        rest = rest.and(element(
            m,
            ("Resource", "NotResource"),
            text,
            reading,
            req.ids,
            &mut why,
        ));
    }
    if let Some(q) = &req.principal {
        let p = if let Some(v) = m.get("Principal") {
            principal(v, q, req.ids, &mut why)
        } else if let Some(v) = m.get("NotPrincipal") {
            let t = !principal(v, q, req.ids, &mut why);
            if t == Tri::Yes && effect == Effect::Allow {
                why.push("an Allow with NotPrincipal is not modelled".to_string());
                Tri::Maybe
            } else {
                t
            }
        } else {
            why.push("the statement has neither Principal nor NotPrincipal".to_string());
            Tri::Maybe
        };
        rest = rest.and(p);
    }
    Eval {
        cite,
        effect,
        action,
        rest,
        why,
        cond: condition(m.get("Condition")),
    }
}

/// Matches `Key` (any of its patterns matches) or `NotKey` (none does).
fn element(
    m: &Map,
    (key, not_key): (&str, &str),
    text: &SymStr,
    how: Reading,
    ids: &dyn Identities,
    why: &mut Vec<String>,
) -> Tri {
    if let Some(v) = m.get(key) {
        any_of(v, key, text, (how, ids), why)
    } else if let Some(v) = m.get(not_key) {
        !any_of(v, not_key, text, (how, ids), why)
    } else {
        why.push(format!("the statement has neither {key} nor {not_key}"));
        Tri::Maybe
    }
}

fn any_of(
    v: &Value,
    key: &str,
    text: &SymStr,
    (how, ids): (Reading, &dyn Identities),
    why: &mut Vec<String>,
) -> Tri {
    let items: Vec<&Value> = match &v.deref().kind {
        Val::List(l) => l.iter().collect(),
        _ => vec![v],
    };
    let mut open = Vec::new();
    let mut result = Tri::No;
    for item in items {
        let t = match_item(item, text, how, ids);
        if t == Tri::Maybe {
            open.push(describe(item));
        }
        result = result.or(t);
    }
    if result == Tri::Maybe {
        why.push(format!(
            "{key} `{}` may or may not match `{}`",
            open.join("`, `"),
            text.display()
        ));
    }
    result
}

/// One pattern against the text; a `Choice` decides when all its alternatives agree (`Null`: the
/// item is absent, so it matches nothing).
fn match_item(item: &Value, text: &SymStr, how: Reading, ids: &dyn Identities) -> Tri {
    match &item.deref().kind {
        Val::Choice(alts) => agree(alts.iter().map(|a| match &a.deref().kind {
            Val::Null => Tri::No,
            _ => match_item(a, text, how, ids),
        })),
        _ => match SymStr::from_value(item, how) {
            Some(p) => pattern::matches_in(&p, text, ids),
            None => Tri::Maybe,
        },
    }
}

/// The common answer of all alternatives, else Maybe.
fn agree(it: impl IntoIterator<Item = Tri>) -> Tri {
    let mut it = it.into_iter();
    let Some(first) = it.next() else {
        return Tri::Maybe;
    };
    if it.all(|t| t == first) {
        first
    } else {
        Tri::Maybe
    }
}

fn principal(
    v: &Value,
    q: &PrincipalQuery<'_>,
    ids: &dyn Identities,
    why: &mut Vec<String>,
) -> Tri {
    let v = v.deref();
    let result = match &v.kind {
        Val::Str(s) if s == "*" => Tri::Yes,
        Val::Map(m) => Tri::any(m.iter().map(|(ty, list)| {
            let items: Vec<&Value> = match &list.deref().kind {
                Val::List(l) => l.iter().collect(),
                _ => vec![list],
            };
            Tri::any(items.into_iter().map(|item| match &item.deref().kind {
                Val::Choice(alts) => agree(alts.iter().map(|a| match &a.deref().kind {
                    Val::Null => Tri::No,
                    _ => principal_item(ty, a, q, ids),
                })),
                _ => principal_item(ty, item, q, ids),
            }))
        })),
        _ => Tri::Maybe,
    };
    if result == Tri::Maybe {
        why.push(format!(
            "the principal `{}` may or may not be {}",
            principal_display(v),
            query_display(q)
        ));
    }
    result
}

fn principal_display(v: &Value) -> String {
    match v.as_map() {
        Some(m) => m
            .iter()
            .map(|(ty, l)| {
                let items: Vec<String> = match l.as_list() {
                    Some(l) => l.iter().map(describe).collect(),
                    None => vec![describe(l)],
                };
                format!("{ty}: {}", items.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; "),
        None => describe(v),
    }
}

fn query_display(q: &PrincipalQuery<'_>) -> String {
    match q {
        PrincipalQuery::Service(s) => (*s).to_string(),
        PrincipalQuery::Account { account, .. } => format!("account {}", describe(account)),
        PrincipalQuery::Role { arn, .. } => format!("role {}", describe(arn)),
    }
}

fn principal_item(ty: &str, item: &Value, q: &PrincipalQuery<'_>, ids: &dyn Identities) -> Tri {
    let plain = Reading::default();
    if item.as_str() == Some("*") {
        // `"*"` and `{"AWS": "*"}` mean every principal.
        return if ty == "AWS" { Tri::Yes } else { Tri::Maybe };
    }
    let Some(item) = SymStr::from_value(item, plain) else {
        return Tri::Maybe;
    };
    let eq = |v: &Value| match SymStr::from_value(v, plain) {
        Some(t) => pattern::matches_in(&item, &t, ids),
        None => Tri::Maybe,
    };
    let account_match = |partition: &Value, account: &Value| {
        let root = match (
            SymStr::from_value(partition, plain),
            SymStr::from_value(account, plain),
        ) {
            (Some(p), Some(a)) => pattern::matches_in(
                &item,
                &pattern::concat(&[
                    &SymStr::literal("arn:", plain),
                    &p,
                    &SymStr::literal(":iam::", plain),
                    &a,
                    &SymStr::literal(":root", plain),
                ]),
                ids,
            ),
            _ => Tri::Maybe,
        };
        eq(account).or(root)
    };
    match (q, ty) {
        (PrincipalQuery::Service(s), "Service") => {
            match pattern::matches(&item, &SymStr::literal(s, plain)) {
                // Not decided here: whether IAM compares service principals case-insensitively,
                // and the China form `<service>.amazonaws.com.cn`.
                Tri::No if item.is_known() && service_variant(&item.display(), s) => Tri::Maybe,
                t => t,
            }
        }
        (
            PrincipalQuery::Account {
                partition, account, ..
            },
            "AWS",
        ) => account_match(partition, account),
        (
            PrincipalQuery::Role {
                partition,
                account,
                arn,
            },
            "AWS",
        ) => {
            // An account's root (`arn:…:iam::<id>:root`) is never a role ARN
            // (`arn:…:iam::<id>:role/<name>`): it names the role through its account only.
            let is_root = item.is_known() && item.display().ends_with(":root");
            let by_arn = if is_root { Tri::No } else { eq(arn) };
            account_match(partition, account).or(by_arn)
        }
        _ => Tri::No,
    }
}

/// `a` is `b` up to case, or `b` with the China suffix `.cn`.
fn service_variant(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || a.strip_suffix(".cn")
            .is_some_and(|a| a.eq_ignore_ascii_case(b))
}

/// Conditions are ANDed across operators and keys; the values of one key are ORed.
fn condition(v: Option<&Value>) -> Cond {
    let Some(v) = v else {
        return Cond::None;
    };
    let Some(ops) = v.as_map() else {
        return Cond::Unknown(format!("the Condition `{}` is not known", describe(v)));
    };
    let mut keys = Vec::new();
    let mut unknown = None;
    let mut satisfied = false;
    for (op, block) in ops.iter() {
        let Some(block) = block.as_map() else {
            unknown = Some(format!("the {op} condition is not known"));
            continue;
        };
        for (key, values) in block.iter() {
            match known_irrelevant(op, key, values) {
                Some(true) => satisfied = true,
                Some(false) => return Cond::Never,
                None => keys.push(CondKey {
                    operator: op.to_string(),
                    key: key.to_string(),
                }),
            }
        }
    }
    if let Some(r) = unknown {
        Cond::Unknown(r)
    } else if !keys.is_empty() {
        Cond::Conditional(keys)
    } else if satisfied {
        Cond::Satisfied
    } else {
        Cond::None
    }
}

/// Conditions decided on the pull path: `aws:SecureTransport` under `Bool`/`BoolIfExists`, since
/// the ECS agent, Fargate and every AWS SDK call there go over HTTPS (the key is always present
/// and true). `Some(true)`: the condition holds; `Some(false)`: it never holds.
fn known_irrelevant(op: &str, key: &str, values: &Value) -> Option<bool> {
    if !(op == "Bool" || op == "BoolIfExists") || !key.eq_ignore_ascii_case("aws:SecureTransport") {
        return None;
    }
    let items: Vec<&Value> = match values.as_list() {
        Some(l) => l.iter().collect(),
        None => vec![values],
    };
    let mut bools = Vec::new();
    for item in items {
        bools.push(item.as_bool()?);
    }
    Some(bools.contains(&true))
}

fn doubt(e: &Eval, leaning: Leaning) -> Doubt {
    let mut why = Vec::new();
    if let Effect::Unknown(r) = &e.effect {
        why.push(r.clone());
    }
    why.extend(e.why.iter().cloned());
    let mut conditions = Vec::new();
    match &e.cond {
        Cond::Conditional(keys) => {
            let list = keys
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let verb = match leaning {
                Leaning::MightDeny => "denied",
                _ => "allowed",
            };
            why.push(format!("{verb} only under condition {list}"));
            conditions = keys.clone();
        }
        Cond::Unknown(r) => why.push(r.clone()),
        _ => {}
    }
    Doubt {
        cite: e.cite.clone(),
        leaning,
        why: why.join(", and "),
        conditions,
    }
}

fn certain(e: &Eval) -> bool {
    e.action.and(e.rest) == Tri::Yes && matches!(e.cond, Cond::None | Cond::Satisfied)
}

fn excluded(e: &Eval) -> bool {
    e.action.and(e.rest) == Tri::No || e.cond == Cond::Never
}

fn is_near(e: &Eval) -> bool {
    e.effect == Effect::Allow && e.action == Tri::Yes && e.rest == Tri::No
}

fn combine(evals: Vec<Eval>) -> Decision {
    let (mut denied, mut allowed, mut might_allow, mut might_deny, mut near) =
        (vec![], vec![], vec![], vec![], vec![]);
    for e in &evals {
        if excluded(e) {
            if is_near(e) {
                near.push(e.cite.clone());
            }
            continue;
        }
        match (&e.effect, certain(e)) {
            (Effect::Deny, true) => denied.push(e.cite.clone()),
            (Effect::Allow, true) => allowed.push(e.cite.clone()),
            (Effect::Deny, false) => might_deny.push(doubt(e, Leaning::MightDeny)),
            (Effect::Allow, false) => might_allow.push(doubt(e, Leaning::MightAllow)),
            (Effect::Unknown(_), _) => might_allow.push(doubt(e, Leaning::Either)),
        }
    }
    if !denied.is_empty() {
        Decision::Denied { by: denied }
    } else if !allowed.is_empty() {
        if might_deny.is_empty() && !might_allow.iter().any(|d| d.leaning == Leaning::Either) {
            Decision::Allowed { by: allowed }
        } else {
            let mut doubts = might_deny;
            doubts.extend(
                might_allow
                    .into_iter()
                    .filter(|d| d.leaning == Leaning::Either),
            );
            Decision::Unknown(Uncertain { doubts })
        }
    } else if !might_allow.is_empty() {
        let mut doubts = might_allow;
        doubts.extend(might_deny);
        Decision::Unknown(Uncertain { doubts })
    } else {
        Decision::NotAllowed { near }
    }
}

fn combine_trust(evals: Vec<Eval>) -> TrustDecision {
    let (mut denied, mut trusted, mut conditional, mut conditions) =
        (vec![], vec![], vec![], vec![]);
    let (mut might_allow, mut might_deny, mut near) = (vec![], vec![], vec![]);
    for e in &evals {
        if excluded(e) {
            if is_near(e) {
                near.push(e.cite.clone());
            }
            continue;
        }
        let applies = e.action.and(e.rest) == Tri::Yes;
        match (&e.effect, certain(e), &e.cond) {
            (Effect::Deny, true, _) => denied.push(e.cite.clone()),
            (Effect::Allow, true, _) => trusted.push(e.cite.clone()),
            (Effect::Allow, false, Cond::Conditional(keys)) if applies => {
                conditional.push(e.cite.clone());
                for k in keys {
                    if !conditions.contains(k) {
                        conditions.push(k.clone());
                    }
                }
            }
            (Effect::Allow, false, _) => might_allow.push(doubt(e, Leaning::MightAllow)),
            (Effect::Deny, false, _) => might_deny.push(doubt(e, Leaning::MightDeny)),
            (Effect::Unknown(_), _, _) => might_deny.push(doubt(e, Leaning::Either)),
        }
    }
    if !denied.is_empty() {
        return TrustDecision::Denied { by: denied };
    }
    let unknown_effect = might_deny.iter().any(|d| d.leaning == Leaning::Either);
    if !trusted.is_empty() || !conditional.is_empty() {
        if !might_deny.is_empty() {
            return TrustDecision::Unknown(Uncertain { doubts: might_deny });
        }
        if !trusted.is_empty() {
            return TrustDecision::Trusted { by: trusted };
        }
        return TrustDecision::TrustedUnderConditions {
            by: conditional,
            conditions,
        };
    }
    if !might_allow.is_empty() || unknown_effect {
        let mut doubts = might_allow;
        doubts.extend(might_deny);
        return TrustDecision::Unknown(Uncertain { doubts });
    }
    TrustDecision::NotTrusted { near }
}
