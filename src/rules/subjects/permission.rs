//! The `permission` subject: one permission the execution role needs (`need.*`), with the
//! answer of the role's policies and the statements that deny or fail to allow it.

use crate::analysis::iam::Decision;
use crate::analysis::task::{Container, Need, TaskFact};
use crate::analysis::Fact;
use crate::base::Span;
use crate::graph::Graph;
use crate::rules::value::{Known, Probe, Tri};

use super::container::container_facts;
use super::secret::{secret_facts, secret_ref};
use super::{pattern, Instance, Subject};

pub(super) const PERMISSION: &[&str] = &[
    "need.kind",
    "need.actions",
    "need.allowed",
    "need.missing",
    "need.resource",
    "need.resource_scoped",
    "need.source_vpc_condition",
    "need.denied",
    "need.at",
    "need.statements",
    "secret.store",
    "secret.usage",
];

fn need_kind(n: &Need) -> &'static str {
    match n {
        Need::EcrAuth => "ecr-auth",
        Need::EcrPull { .. } => "ecr-pull",
        Need::PullThroughCache { .. } => "ptc-import",
        Need::LogWrite { .. } => "log-write",
        Need::LogCreateGroup { .. } => "log-create-group",
        Need::Secret { .. } => "secret",
        Need::SecretReference { .. } => "secret-reference",
        Need::KmsDecrypt { .. } => "kms-decrypt",
        Need::EnvFile { .. } => "env-file",
    }
}

fn need_container(n: &Need) -> Option<(usize, Option<&str>)> {
    match n {
        Need::EcrAuth => None,
        Need::EcrPull { container }
        | Need::PullThroughCache { container }
        | Need::LogWrite { container }
        | Need::LogCreateGroup { container } => Some((*container, None)),
        Need::Secret { container, path }
        | Need::SecretReference { container, path }
        | Need::KmsDecrypt { container, path }
        | Need::EnvFile { container, path } => Some((*container, Some(path.as_str()))),
    }
}

pub(super) fn permission_instances(
    g: &Graph,
    t: &TaskFact,
    new: &dyn Fn(Subject, &str, Span) -> Instance,
    out: &mut Vec<Instance>,
) {
    // Group the permissions by need, in order.
    let mut groups: Vec<(&Need, Vec<&crate::analysis::task::Permission>)> = Vec::new();
    for p in &t.permissions {
        match groups.iter_mut().find(|(n, _)| *n == &p.need) {
            Some((_, v)) => v.push(p),
            None => groups.push((&p.need, vec![p])),
        }
    }
    for (need, perms) in groups {
        // An ECR need is real only for an image known to be in ECR (dual-stack URIs included):
        // with an image that is not known, a refusal proves nothing (it may be `nginx`).
        let in_ecr = |c: &Container| match &c.image {
            Fact::Known { value, at } => Fact::known(value.ecr().is_some(), *at),
            Fact::Unknown { reason, at } => {
                Fact::unknown(format!("the image is not known: {reason}"), *at)
            }
            Fact::Absent => Fact::known(false, None),
        };
        let required = match need {
            Need::EcrAuth => Fact::any(t.containers.iter().map(in_ecr)),
            Need::EcrPull { container } | Need::PullThroughCache { container } => t
                .containers
                .get(*container)
                .map(in_ecr)
                .unwrap_or(Fact::known(false, None)),
            _ => Fact::known(true, None),
        };
        if required.value() == Some(&false) {
            continue;
        }
        let mut i = new(Subject::Permission, &t.address, t.span);
        if let Some((ci, path)) = need_container(need) {
            if let Some(c) = t.containers.get(ci) {
                i.facts.extend(container_facts(g, t, c));
                if let Some(s) = path.and_then(|p| secret_ref(c, p)) {
                    secret_facts(&mut i, s);
                }
            }
        }
        let at = perms.iter().find_map(|p| p.at);
        i.set("need.kind", Probe::str(need_kind(need), at));
        i.set(
            "need.actions",
            Probe::new(
                Known::List(perms.iter().map(|p| p.action.to_string()).collect()),
                at,
            ),
        );
        i.set("need.resource", Probe::str(pattern(&perms[0].resource), at));
        i.set("need.at", Probe::loc(at));
        let mut missing = Vec::new();
        let mut statements = Vec::new();
        let mut verdicts = Vec::new();
        let mut scoped: Vec<(Span, Option<String>)> = Vec::new();
        let mut denied: Vec<(Span, Option<String>)> = Vec::new();
        let mut source_vpc: Vec<(Span, Option<String>)> = Vec::new();
        let mut all_decided = true;
        let mut first_unknown: Option<String> = None;
        for p in &perms {
            match &p.decision {
                Fact::Known { value: d, .. } => match d {
                    Decision::Allowed { .. } => verdicts.push(Tri::True),
                    Decision::Denied { by } => {
                        missing.push(p.action.to_string());
                        verdicts.push(Tri::False);
                        for c in by {
                            if let Some(s) = c.best_span() {
                                let l = Some(format!("denies `{}`", p.action));
                                denied.push((s, l.clone()));
                                statements.push((s, l));
                            }
                        }
                    }
                    Decision::NotAllowed { near } => {
                        missing.push(p.action.to_string());
                        verdicts.push(Tri::False);
                        for c in near {
                            if let Some(s) = c.best_span() {
                                let l = Some(format!(
                                    "allows `{}`, but not on `{}`",
                                    p.action,
                                    pattern(&p.resource)
                                ));
                                scoped.push((s, l.clone()));
                                statements.push((s, l));
                            }
                        }
                    }
                    Decision::Unknown(u) => {
                        all_decided = false;
                        first_unknown.get_or_insert_with(|| u.to_string());
                        verdicts.push(Tri::Unknown(u.to_string()));
                        let vpc = u.conditions().any(|k| {
                            k.key.eq_ignore_ascii_case("aws:SourceVpc")
                                || k.key.eq_ignore_ascii_case("aws:SourceVpce")
                        });
                        if vpc {
                            for d in &u.doubts {
                                if let Some(s) = d.cite.best_span() {
                                    let l = Some(d.why.to_string());
                                    source_vpc.push((s, l.clone()));
                                    statements.push((s, l));
                                }
                            }
                        }
                    }
                },
                Fact::Unknown { reason, .. } => {
                    all_decided = false;
                    first_unknown.get_or_insert_with(|| reason.to_string());
                    verdicts.push(Tri::Unknown(reason.to_string()));
                }
                Fact::Absent => {
                    all_decided = false;
                    verdicts.push(Tri::Unknown("not evaluated".into()));
                }
            }
        }
        // One statement refusing several actions: one label naming them all.
        let statements = merge_labels(statements);
        let scoped = merge_labels(scoped);
        let denied = merge_labels(denied);
        let allowed = Tri::all(verdicts);
        let mut ap = Probe::from_tri(allowed, at);
        ap.at.extend(statements.iter().cloned());
        i.set("need.allowed", ap);
        i.set("need.missing", Probe::new(Known::List(missing), at));
        let flag = |spans: Vec<(Span, Option<String>)>, decided: bool| {
            if !spans.is_empty() {
                Probe {
                    value: Known::Bool(true),
                    at: spans,
                }
            } else if decided {
                Probe::bool(false, at)
            } else {
                Probe::unknown(
                    first_unknown
                        .clone()
                        .unwrap_or_else(|| "not every action is decided".into()),
                    at,
                )
            }
        };
        i.set("need.resource_scoped", flag(scoped, all_decided));
        i.set("need.denied", flag(denied, all_decided));
        i.set("need.source_vpc_condition", flag(source_vpc, true));
        i.set(
            "need.statements",
            if statements.is_empty() {
                Probe::absent()
            } else {
                Probe {
                    value: Known::Loc,
                    at: statements,
                }
            },
        );
        if let Fact::Unknown { reason, .. } = required {
            let reason = reason.to_string();
            for name in [
                "need.allowed",
                "need.resource_scoped",
                "need.denied",
                "need.source_vpc_condition",
            ] {
                i.set(name, Probe::unknown(reason.clone(), at));
            }
        }
        out.push(i);
    }
}

/// Merges labels on the same place: "allows `a`, but not on `r`" and "allows `b`, but not on `r`"
/// become "allows `a`, `b`, but not on `r`" (labels differing only in the first backquoted
/// action are joined; others are kept apart).
fn merge_labels(items: Vec<(Span, Option<String>)>) -> Vec<(Span, Option<String>)> {
    let mut out: Vec<(Span, Option<String>)> = Vec::new();
    for (span, label) in items {
        match out.iter_mut().find(|(s, _)| *s == span) {
            Some((_, Some(prev))) => {
                if let Some(l) = &label {
                    let split = |x: &str| -> Option<(String, String, String)> {
                        let a = x.find('`')?;
                        let b = a + 1 + x[a + 1..].find('`')?;
                        Some((x[..a].into(), x[a..=b].into(), x[b + 1..].into()))
                    };
                    match (split(prev), split(l)) {
                        (Some((p1, acts, p3)), Some((q1, act, q3))) if p1 == q1 && p3 == q3 => {
                            if !acts.contains(&act) {
                                *prev = format!("{p1}{acts}, {act}{p3}");
                            }
                        }
                        _ => {
                            if !prev.contains(l.as_str()) {
                                *prev = format!("{prev}; {l}");
                            }
                        }
                    }
                }
            }
            Some((_, None)) => {}
            None => out.push((span, label)),
        }
    }
    out
}
