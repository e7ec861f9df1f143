//! The `task` subject: one task definition, with the facts every other subject of the task
//! shares (`input.*`, `task.*`, `role.*`): what needs an execution role, the role and its
//! trust, where the images come from and what the containers use.

use crate::analysis::iam::TrustDecision;
use crate::analysis::task::{Container, PolicyDoc, RoleTarget, SecretStore, TaskFact};
use crate::analysis::Fact;
use crate::base::{Format, Span};
use crate::graph::Graph;
use crate::rules::value::{Known, Probe};

use super::container::image_text;
use super::fix::fix_task_values;
use super::pattern;

pub(super) const TASK: &[&str] = &[
    "input.format",
    "task.address",
    "task.fargate",
    "task.needs_execution_role",
    "task.needs",
    "task.execution_role",
    "task.ecr_image",
    "task.non_ecr_image",
    "task.non_ecr_image_value",
    "task.awslogs",
    "task.secretsmanager",
    "task.ssm",
    "role.address",
    "role.in_graph",
    "role.invalid",
    "role.invalid_reason",
    "role.trusted",
    "role.bad_managed_arn",
    "role.bad_managed_arn_value",
    "role.bad_managed_arn_suggestion",
];

fn format_name(f: Option<Format>) -> &'static str {
    match f {
        Some(Format::Plan) => "plan",
        Some(Format::CloudFormation) => "cloudformation",
        Some(Format::TaskDefinition) => "task-definition",
        _ => "terraform",
    }
}

pub(super) fn task_facts(g: &Graph, t: &TaskFact) -> Vec<(&'static str, Probe)> {
    let mut f: Vec<(&'static str, Probe)> = Vec::new();
    f.push(("input.format", Probe::str(format_name(g.format), None)));
    f.push(("task.address", Probe::str(&t.address, Some(t.span))));
    f.push(("task.fargate", Probe::from_bool(&t.fargate)));
    // What needs an execution role.
    let mut needs: Vec<(String, Option<Span>)> = Vec::new();
    let mut unknown: Option<(String, Option<Span>)> = None;
    if let Fact::Unknown { reason, at } = &t.container_definitions {
        unknown = Some((format!("the container definitions: {reason}"), *at));
    }
    for c in &t.containers {
        match &c.image {
            Fact::Known { value, at } if value.ecr().is_some() => {
                needs.push((format!("the ECR image `{}`", image_text(g, t, c)), *at));
            }
            Fact::Unknown { reason, at } => {
                unknown.get_or_insert((format!("the image: {reason}"), *at));
            }
            _ => {}
        }
        if c.uses_awslogs() {
            let at = c.awslogs.as_ref().and_then(|a| a.driver_span);
            needs.push(("the awslogs log driver".into(), at.or(c.span)));
        }
        if let Some(s) = c.secrets.first() {
            needs.push(("container secrets".into(), s.value.span));
        }
        if let Some(s) = &c.repository_credentials {
            needs.push(("private registry credentials".into(), s.value.span));
        }
        if !c.environment_files.is_empty() {
            needs.push((
                "environment files".into(),
                c.environment_files[0].value.span,
            ));
        }
    }
    let first = needs.first().and_then(|n| n.1);
    f.push((
        "task.needs",
        Probe::new(
            Known::List(needs.iter().map(|n| n.0.clone()).collect()),
            first,
        ),
    ));
    f.push((
        "task.needs_execution_role",
        match (needs.is_empty(), unknown) {
            (false, _) => Probe::bool(true, first),
            (true, Some((r, at))) => Probe::unknown(r, at),
            (true, None) => Probe::bool(false, Some(t.span)),
        },
    ));
    f.extend(image_facts(g, t));
    let role = &t.execution_role;
    f.push((
        "task.execution_role",
        match &role.target {
            Fact::Absent => Probe::bool(false, Some(t.span)),
            Fact::Known { at, .. } | Fact::Unknown { at, .. } => {
                Probe::bool(true, at.or(Some(t.span)))
            }
        },
    ));
    let (address, in_graph) = match &role.target {
        Fact::Known { value, at } => match value {
            RoleTarget::Node(n) => (
                Probe::str(&g.node(*n).address, Some(g.node(*n).span)),
                Probe::bool(true, Some(g.node(*n).span)),
            ),
            RoleTarget::External(v) => (Probe::str(pattern(v), *at), Probe::bool(false, *at)),
            RoleTarget::Invalid { value, .. } => {
                (Probe::str(pattern(value), *at), Probe::bool(false, *at))
            }
        },
        Fact::Unknown { reason, at } => (
            Probe::unknown(reason.to_string(), *at),
            Probe::unknown(reason.to_string(), *at),
        ),
        Fact::Absent => (Probe::absent(), Probe::absent()),
    };
    f.push(("role.address", address));
    f.extend(fix_task_values(g, t));
    f.push(("role.in_graph", in_graph));
    let (invalid, invalid_reason) = match &role.target {
        Fact::Known {
            value: RoleTarget::Invalid { value, reason },
            at,
        } => (
            Probe::bool(true, value.span.or(*at)),
            Probe::str(reason, value.span.or(*at)),
        ),
        Fact::Known { at, .. } => (Probe::bool(false, *at), Probe::absent()),
        Fact::Unknown { reason, at } => (Probe::unknown(reason.to_string(), *at), Probe::absent()),
        Fact::Absent => (Probe::absent(), Probe::absent()),
    };
    f.push(("role.invalid", invalid));
    f.push(("role.invalid_reason", invalid_reason));
    let role_span = match &role.target {
        Fact::Known {
            value: RoleTarget::Node(n),
            ..
        } => Some(g.node(*n).span),
        _ => None,
    };
    f.push((
        "role.trusted",
        match &role.trust {
            Fact::Known { value, at } => {
                let at = at.or(role_span);
                match value {
                    TrustDecision::Trusted { by }
                    | TrustDecision::TrustedUnderConditions { by, .. } => {
                        let mut p = Probe::bool(true, at);
                        p.at.extend(by.iter().filter_map(|c| c.best_span().map(|s| (s, None))));
                        p
                    }
                    TrustDecision::Denied { by } => {
                        let mut p = Probe::bool(false, at);
                        p.at.extend(by.iter().filter_map(|c| {
                            c.best_span()
                                .map(|s| (s, Some("denies `sts:AssumeRole` to ECS tasks".into())))
                        }));
                        p
                    }
                    TrustDecision::NotTrusted { near } => {
                        let mut p = Probe::bool(false, at);
                        p.at.extend(near.iter().filter_map(|c| {
                            c.best_span().map(|s| {
                                (
                                    s,
                                    Some(
                                        "trusts another principal, not `ecs-tasks.amazonaws.com`"
                                            .into(),
                                    ),
                                )
                            })
                        }));
                        p
                    }
                    TrustDecision::Unknown(u) => Probe::unknown(u.to_string(), at),
                }
            }
            Fact::Unknown { reason, at } => Probe::unknown(reason.to_string(), *at),
            Fact::Absent => Probe::absent(),
        },
    ));
    let bad = role.policies.iter().find_map(|p| match &p.document {
        PolicyDoc::Misspelt { arn, suggestion } => Some((p, arn, suggestion)),
        _ => None,
    });
    let (b, bv, bs) = match (&role.target, bad) {
        (_, Some((p, arn, suggestion))) => {
            let at = arn.span.or(p.origin);
            (
                Probe::bool(true, at),
                Probe::str(pattern(arn), at),
                Probe::str(suggestion, at),
            )
        }
        (
            Fact::Known {
                value: RoleTarget::Node(_),
                ..
            },
            None,
        ) => (
            Probe::bool(false, role_span),
            Probe::absent(),
            Probe::absent(),
        ),
        (Fact::Absent, None) => (Probe::absent(), Probe::absent(), Probe::absent()),
        // A role whose ARN is not known is said as the other role facts say it (one cause in
        // `--explain-unknown`, not two).
        (Fact::Unknown { .. }, None) => (
            Probe::unknown(role.blind_spot().unwrap_or_default(), role_span),
            Probe::absent(),
            Probe::absent(),
        ),
        (_, None) => (
            Probe::unknown("the execution role is not defined here", role_span),
            Probe::absent(),
            Probe::absent(),
        ),
    };
    f.push(("role.bad_managed_arn", b));
    f.push(("role.bad_managed_arn_value", bv));
    f.push(("role.bad_managed_arn_suggestion", bs));
    f
}

/// What the images of a task are: any from ECR (through the ECR endpoints), any from a registry
/// Why a fact is not known, and where.
type Why = (String, Option<Span>);

/// Where the task's images come from (see [`crate::analysis::task::ImageUse`]) and what else its
/// containers use.
fn image_facts(g: &Graph, t: &TaskFact) -> Vec<(&'static str, Probe)> {
    let images = t.image_use();
    let non_ecr_value = images
        .internet_only_container
        .and_then(|i| t.containers.get(i))
        .map(|c| image_text(g, t, c));
    let non_ecr_at = match &images.internet_only {
        Fact::Known { at, .. } => *at,
        _ => None,
    };
    // Known true where a container uses it; unknown when some container's setting is not known
    // (a log driver or a secret store from a variable); else known false.
    let uses = |what: &dyn Fn(&Container) -> Option<Option<Span>>,
                unsure: &dyn Fn(&Container) -> Option<Why>| {
        match t.containers.iter().find_map(what) {
            Some(at) => Probe::bool(true, at),
            None => match (
                &t.container_definitions,
                t.containers.iter().find_map(unsure),
            ) {
                (Fact::Unknown { reason, at }, _) => Probe::unknown(reason.to_string(), *at),
                (_, Some((reason, at))) => Probe::unknown(reason, at),
                _ => Probe::bool(false, Some(t.span)),
            },
        }
    };
    let driver_unsure = |c: &Container| {
        c.log_driver
            .as_ref()
            .filter(|v| v.as_str().is_none())
            .map(|v| ("the log driver is not known".to_string(), v.span))
    };
    let store_unsure = |c: &Container| {
        c.secrets
            .iter()
            .chain(c.repository_credentials.iter())
            .find_map(|s| match &s.store {
                Fact::Unknown { reason, at } => Some((reason.to_string(), *at)),
                _ => None,
            })
    };
    let store = |c: &Container, st: SecretStore| {
        c.secrets
            .iter()
            .chain(c.repository_credentials.iter())
            .find(|s| {
                s.store.value() == Some(&st)
                    || (st == SecretStore::SecretsManager && s.secrets_manager_reference.is_some())
            })
            .map(|s| s.value.span)
    };
    vec![
        ("task.ecr_image", Probe::from_bool(&images.ecr)),
        (
            "task.non_ecr_image",
            Probe::from_bool(&images.internet_only),
        ),
        (
            "task.non_ecr_image_value",
            match non_ecr_value {
                Some(v) => Probe::str(v, non_ecr_at),
                None => Probe::absent(),
            },
        ),
        (
            "task.awslogs",
            uses(
                &|c| {
                    c.uses_awslogs()
                        .then(|| c.awslogs.as_ref().and_then(|a| a.driver_span).or(c.span))
                },
                &driver_unsure,
            ),
        ),
        (
            "task.secretsmanager",
            uses(&|c| store(c, SecretStore::SecretsManager), &store_unsure),
        ),
        (
            "task.ssm",
            uses(&|c| store(c, SecretStore::Ssm), &store_unsure),
        ),
    ]
}
