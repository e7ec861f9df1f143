//! The permissions the execution role needs for a task's containers (images, logs, secrets,
//! KMS keys, environment files), each answered by the IAM evaluator over the role's visible
//! policies, with what the graph knows about resource identities and resource-side grants.

use crate::analysis::iam::{self, Decision};
use crate::analysis::Fact;
use crate::base::{Span, Val, Value};
use crate::graph::{Graph, Kind, NodeId};

use super::logs::group_exists;
use super::{
    image, AwsLogs, Container, ExecutionRole, Image, KmsKey, Need, Permission, PolicyDoc,
    RoleTarget, SecretStore,
};

/// Asks the evaluator, over the visible policies of the role (and its boundary).
pub(super) fn check(
    graph: &Graph,
    role: &ExecutionRole,
    action: &str,
    resource: &Value,
) -> Fact<Decision> {
    let at = role.target_span();
    if !matches!(
        role.target,
        Fact::Known {
            value: RoleTarget::Node(_),
            ..
        }
    ) {
        return Fact::Unknown {
            reason: crate::base::Reason::new(role.blind_spot().unwrap_or_default()),
            at,
        };
    }
    let visible: Vec<iam::Policy<'_>> = role
        .policies
        .iter()
        .filter_map(|p| match &p.document {
            PolicyDoc::Known(d) => Some(iam::Policy {
                label: &p.label,
                origin: p.origin,
                document: d,
            }),
            _ => None,
        })
        .collect();
    let ids = GraphIds(graph);
    let mut d = iam::evaluate_in(&visible, action, resource, &ids);
    if let Some(b) = &role.boundary {
        match &b.document {
            PolicyDoc::Known(doc) => {
                let bp = iam::Policy {
                    label: &b.label,
                    origin: b.origin,
                    document: doc,
                };
                let bd = iam::evaluate_in(std::slice::from_ref(&bp), action, resource, &ids);
                d = match (&d, &bd) {
                    (Decision::Denied { .. }, _) => d,
                    (_, Decision::Denied { .. } | Decision::NotAllowed { .. }) => bd,
                    (Decision::Allowed { .. }, Decision::Allowed { .. }) => d,
                    (Decision::NotAllowed { .. }, _) => d,
                    (_, Decision::Unknown(_)) => bd,
                    _ => d,
                };
            }
            _ if d.is_refused() => {}
            _ => {
                return Fact::unknown(
                    format!("the permissions boundary `{}` is not visible", b.label),
                    b.origin,
                )
            }
        }
    }
    match (&d, role.blind_spot()) {
        (Decision::NotAllowed { .. }, Some(blind)) => Fact::unknown(
            format!("no visible policy allows {action}, but {blind}"),
            at,
        ),
        _ => Fact::known(d, at),
    }
}

/// What the graph knows about references: two distinct managed resources of one kind and type
/// (instances with distinct keys included) have distinct ARNs, and, within one CloudFormation
/// stack, distinct `Ref` values (a secret's ARN, a role's or log group's name). Data sources, and
/// a data source against a resource, may be the same object; resources of other types may share
/// a value (`aws_secretsmanager_secret_version.arn` is its secret's ARN); a reference to
/// something that is not a node (a module output, an unexpanded `count`) is not decided.
pub(crate) struct GraphIds<'g>(pub &'g Graph);

/// Kinds whose `arn` (and CloudFormation `Ref`) names the resource itself.
const IDENTITY_KINDS: &[Kind] = &[
    Kind::Secret,
    Kind::SsmParameter,
    Kind::IamRole,
    Kind::ManagedPolicy,
    Kind::KmsKey,
    Kind::LogGroup,
    Kind::EcrRepository,
];

impl iam::Identities for GraphIds<'_> {
    fn distinct(&self, a: (&str, &str), b: (&str, &str)) -> bool {
        let (Some(na), Some(nb)) = (self.0.get(a.0), self.0.get(b.0)) else {
            return false;
        };
        let own = |n: &crate::graph::Node| {
            n.mode == crate::graph::Mode::Managed
                && n.parent.is_none()
                && IDENTITY_KINDS.contains(&n.kind)
        };
        let cfn = na.rtype.contains("::");
        let identity_attr = a.1.eq_ignore_ascii_case("arn") || (cfn && a.1.is_empty());
        na.id != nb.id
            && own(na)
            && own(nb)
            && na.kind == nb.kind
            && na.rtype == nb.rtype
            && a.1 == b.1
            && identity_attr
    }
}

impl ExecutionRole {
    fn target_span(&self) -> Option<Span> {
        match &self.target {
            Fact::Known { at, .. } | Fact::Unknown { at, .. } => *at,
            Fact::Absent => None,
        }
    }
}

/// A grant on the resource side that the identity-policy evaluation does not see: a secret's
/// resource policy (`aws_secretsmanager_secret_policy`, `AWS::SecretsManager::ResourcePolicy`),
/// a KMS key policy naming principals other than account roots, or a KMS grant. Within one
/// account either side may allow, so a refusal by the role's policies alone proves nothing.
fn resource_side_grant(graph: &Graph, node: Option<NodeId>) -> Option<(String, Option<Span>)> {
    let n = node?;
    let target = graph.node(n);
    for e in graph.edges_to(n) {
        let from = graph.node(e.from);
        if matches!(
            from.rtype.as_str(),
            "aws_secretsmanager_secret_policy"
                | "AWS::SecretsManager::ResourcePolicy"
                | "aws_kms_grant"
        ) {
            return Some((
                format!("`{}` may grant it on the resource side", from.address),
                Some(from.span),
            ));
        }
    }
    if target.kind == Kind::KmsKey {
        if let Some(p) = target.field("policy") {
            let mut principals = Vec::new();
            collect_principals(p.deref(), &mut principals);
            let only_roots = !principals.is_empty()
                && principals.iter().all(|s| {
                    s.ends_with(":root") || (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
                });
            if !only_roots {
                return Some((
                    format!(
                        "the key policy of `{}` may grant it directly",
                        target.address
                    ),
                    p.span.or(Some(target.span)),
                ));
            }
        }
    }
    None
}

/// Every `Principal` value of a policy document, rendered (unknown parts as `⟨?⟩`).
fn collect_principals(v: &Value, out: &mut Vec<String>) {
    match &v.deref().kind {
        Val::Map(m) => {
            for (k, x) in m.iter() {
                if k == "Principal" {
                    principal_strings(x, out);
                } else {
                    collect_principals(x, out);
                }
            }
        }
        Val::List(l) => l.iter().for_each(|x| collect_principals(x, out)),
        Val::Encoded(x) => collect_principals(x, out),
        _ => {}
    }
}

fn principal_strings(v: &Value, out: &mut Vec<String>) {
    match &v.deref().kind {
        Val::Map(m) => m.iter().for_each(|(_, x)| principal_strings(x, out)),
        Val::List(l) => l.iter().for_each(|x| principal_strings(x, out)),
        _ => out.push(v.render_pattern().unwrap_or_default()),
    }
}

/// A refusal that a resource-side grant may overturn becomes Unknown.
fn with_resource_side(d: Fact<Decision>, grant: &Option<(String, Option<Span>)>) -> Fact<Decision> {
    match (&d, grant) {
        (
            Fact::Known {
                value: Decision::NotAllowed { .. },
                ..
            },
            Some((why, at)),
        ) => Fact::unknown(
            format!("the execution role's policies do not allow it, but {why}"),
            *at,
        ),
        _ => d,
    }
}

/// Log permissions, matched generously (domain FGP006): the stream ARN
/// `…:log-group:<g>:log-stream:<s>` first; when that is not allowed, the group ARN with and
/// without `:*`, and the log group resource's own ARN.
pub(super) fn log_check(
    graph: &Graph,
    role: &ExecutionRole,
    action: &str,
    l: &AwsLogs,
) -> Fact<Decision> {
    let stream = Value::new(
        Val::Template(vec![
            l.group_arn.clone(),
            Value::str(":log-stream:", None),
            Value::unknown("the log stream name", None),
        ]),
        None,
    );
    let first = check(graph, role, action, &stream);
    if matches!(
        first.value(),
        Some(Decision::Allowed { .. } | Decision::Denied { .. })
    ) {
        return first;
    }
    let mut alts = vec![
        l.group_arn.clone(),
        Value::new(
            Val::Template(vec![l.group_arn.clone(), Value::str(":*", None)]),
            None,
        ),
    ];
    if let Some(g) = l.group_node {
        let n = graph.node(g);
        let attr = if n.rtype.contains("::") { "Arn" } else { "arn" };
        let r = image::reference(&n.address, attr, None);
        alts.push(Value::new(
            Val::Template(vec![r.clone(), Value::str(":*", None)]),
            None,
        ));
        alts.push(r);
    }
    for alt in alts {
        let d = check(graph, role, action, &alt);
        if matches!(d.value(), Some(Decision::Allowed { .. })) {
            return d;
        }
    }
    first
}

pub(super) fn permissions(
    graph: &Graph,
    containers: &[Container],
    role: &ExecutionRole,
) -> Vec<Permission> {
    let mut out = Vec::new();
    let mk = |need: Need, action: &'static str, resource: Value, at: Option<Span>| {
        let decision = check(graph, role, action, &resource);
        Permission {
            need,
            action,
            resource,
            at,
            decision,
        }
    };
    let auth_at = containers.iter().find_map(|c| match &c.image {
        Fact::Known { value, at } if value.ecr().is_some() => Some(*at),
        Fact::Unknown { at, .. } => Some(*at),
        _ => None,
    });
    if let Some(at) = auth_at {
        out.push(mk(
            Need::EcrAuth,
            "ecr:GetAuthorizationToken",
            Value::str("*", None),
            at,
        ));
    }
    for c in containers {
        let i = c.index;
        if let Fact::Known { value: img, at } = &c.image {
            if let Some(ecr) = img.ecr() {
                let arn = ecr.repository_arn(graph);
                out.push(mk(
                    Need::EcrPull { container: i },
                    "ecr:BatchGetImage",
                    arn.clone(),
                    *at,
                ));
                out.push(mk(
                    Need::EcrPull { container: i },
                    "ecr:GetDownloadUrlForLayer",
                    arn.clone(),
                    *at,
                ));
                if matches!(img, Image::EcrPullThroughCache { .. }) {
                    out.push(mk(
                        Need::PullThroughCache { container: i },
                        "ecr:BatchImportUpstreamImage",
                        arn,
                        *at,
                    ));
                }
            }
        }
        if let Some(l) = &c.awslogs {
            for action in ["logs:CreateLogStream", "logs:PutLogEvents"] {
                let decision = log_check(graph, role, action, l);
                out.push(Permission {
                    need: Need::LogWrite { container: i },
                    action,
                    resource: l.group_arn.clone(),
                    at: l.driver_span,
                    decision,
                });
            }
            let exists = group_exists(graph, l);
            if !matches!(
                l.create_group,
                Fact::Known { value: false, .. } | Fact::Absent
            ) && !matches!(exists, Fact::Known { value: true, .. })
            {
                let decision = match exists {
                    Fact::Unknown { reason, at } => Fact::Unknown { reason, at },
                    _ => log_check(graph, role, "logs:CreateLogGroup", l),
                };
                out.push(Permission {
                    need: Need::LogCreateGroup { container: i },
                    action: "logs:CreateLogGroup",
                    resource: l.group_arn.clone(),
                    at: l.create_group_span().or(l.driver_span),
                    decision,
                });
            }
        }
        for s in c.secrets.iter().chain(c.repository_credentials.iter()) {
            let (Some(store), Some(res)) = (s.store.value(), &s.resource) else {
                continue;
            };
            let action = match store {
                SecretStore::SecretsManager => "secretsmanager:GetSecretValue",
                SecretStore::Ssm => "ssm:GetParameters",
            };
            let at = s.value.span;
            out.push(Permission {
                need: Need::Secret {
                    container: i,
                    path: s.path.clone(),
                },
                action,
                resource: res.clone(),
                at,
                decision: with_resource_side(
                    check(graph, role, action, res),
                    &resource_side_grant(graph, s.node),
                ),
            });
            if let Some(r) = &s.secrets_manager_reference {
                out.push(Permission {
                    need: Need::SecretReference {
                        container: i,
                        path: s.path.clone(),
                    },
                    action: "secretsmanager:GetSecretValue",
                    resource: r.clone(),
                    at,
                    decision: check(graph, role, "secretsmanager:GetSecretValue", r),
                });
            }
            if let Some(KmsKey::Customer { key, node }) = s.kms.value() {
                out.push(Permission {
                    need: Need::KmsDecrypt {
                        container: i,
                        path: s.path.clone(),
                    },
                    action: "kms:Decrypt",
                    resource: key.clone(),
                    at,
                    decision: with_resource_side(
                        check(graph, role, "kms:Decrypt", key),
                        &resource_side_grant(graph, *node),
                    ),
                });
            }
        }
        for f in &c.environment_files {
            let at = f.value.span;
            out.push(Permission {
                need: Need::EnvFile {
                    container: i,
                    path: f.path.clone(),
                },
                action: "s3:GetObject",
                resource: f.value.clone(),
                at,
                decision: check(graph, role, "s3:GetObject", &f.value),
            });
            // The bucket, for `s3:GetBucketLocation` (domain (c)-6), when the ARN is literal.
            if let Some(bucket) = f.value.as_str().and_then(|v| {
                let (head, rest) = v.split_once(":::")?;
                let name = rest.split('/').next()?;
                Some(format!("{head}:::{name}"))
            }) {
                let res = Value::str(bucket, at);
                out.push(Permission {
                    need: Need::EnvFile {
                        container: i,
                        path: f.path.clone(),
                    },
                    action: "s3:GetBucketLocation",
                    decision: check(graph, role, "s3:GetBucketLocation", &res),
                    resource: res,
                    at,
                });
            }
        }
    }
    out
}
