//! The execution role: which role `execution_role_arn` designates, its trust, and every policy
//! attached to it in the graph (domain "Execution-role permission resolution").

use crate::analysis::iam::{self, ManagedArn, TrustDecision};
use crate::analysis::Fact;
use crate::base::{Format, Span, Val, Value};
use crate::graph::Mode;
use crate::graph::{path_under, Graph, Kind, NodeId};

use super::image::hole_reason;

/// What `execution_role_arn` designates.
#[derive(Clone, Debug, PartialEq)]
pub enum RoleTarget {
    /// A role of the graph (by reference, or a literal name/ARN matched by name).
    Node(NodeId),
    /// A role ARN (or, in CloudFormation, a role name) of no role in the graph: its policies
    /// are not visible.
    External(Value),
    /// A literal that cannot designate a role: `reason` says why (a quoted Terraform reference,
    /// an ARN of something else, an empty string...).
    Invalid { value: Value, reason: String },
}

/// One policy attached to the execution role.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachedPolicy {
    /// How findings name it: a resource address, or a managed-policy ARN.
    pub label: String,
    /// Where it is attached or declared.
    pub origin: Option<Span>,
    /// The resource that attaches or declares it.
    pub via: Option<NodeId>,
    pub document: PolicyDoc,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PolicyDoc {
    /// The normalised document.
    Known(Value),
    /// An AWS managed-policy ARN with a wrong path or case: it does not exist, the attachment
    /// fails at apply (FGP005). Not evaluated.
    Misspelt { arn: Value, suggestion: String },
    /// Not visible (an unrecorded managed policy, a policy of another unit, a variable...).
    Unresolved { reason: String },
}

/// The execution role and what is attached to it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionRole {
    pub target: Fact<RoleTarget>,
    /// Whether ECS tasks may assume it (roles of the graph with a visible trust policy).
    pub trust: Fact<TrustDecision>,
    pub policies: Vec<AttachedPolicy>,
    /// A permissions boundary is set: its document, when visible.
    pub boundary: Option<AttachedPolicy>,
    /// The role's ARN as a value (a reference to the role's `arn`, or the literal).
    pub arn: Option<Value>,
}

impl ExecutionRole {
    /// Why permission answers cannot be proven refusals: the role is not known, or some
    /// attached policy is not visible. `None` when every policy is visible.
    pub fn blind_spot(&self) -> Option<String> {
        match &self.target {
            Fact::Unknown { reason, .. } => {
                return Some(format!("the execution role is not known: {reason}"))
            }
            Fact::Absent => return Some("no execution role".into()),
            Fact::Known {
                value: RoleTarget::External(v),
                ..
            } => {
                return Some(format!(
                    "the execution role `{}` is not defined here: its policies are not visible",
                    v.render_pattern().unwrap_or_default()
                ))
            }
            Fact::Known {
                value: RoleTarget::Invalid { reason, .. },
                ..
            } => return Some(format!("the execution role is invalid: {reason}")),
            _ => {}
        }
        // A permissions boundary only restricts: an unresolved one cannot turn a refusal by
        // the role's own policies into an allow, so it is no blind spot for refusals.
        let unresolved: Vec<String> = self
            .policies
            .iter()
            .filter_map(|p| match &p.document {
                PolicyDoc::Unresolved { reason } => Some(format!("{} ({reason})", p.label)),
                _ => None,
            })
            .collect();
        (!unresolved.is_empty()).then(|| {
            format!(
                "policies attached to the execution role are not visible: {}",
                unresolved.join("; ")
            )
        })
    }
}

/// A Terraform reference written as a string: `"aws_iam_role.execution.arn"`.
fn quoted_reference(s: &str) -> bool {
    let segs: Vec<&str> = s.split('.').collect();
    let first = segs.first().copied().unwrap_or("");
    let resource_like = (first.starts_with("aws_") && segs.len() >= 3)
        || (matches!(first, "data" | "module") && segs.len() >= 3)
        || (matches!(first, "var" | "local") && segs.len() >= 2);
    resource_like
        && segs.iter().all(|seg| {
            !seg.is_empty()
                && seg.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '[' | ']' | '"' | '*')
                })
        })
}

/// Resolves `execution_role_arn` of a task definition.
pub fn resolve_target(graph: &Graph, td: NodeId) -> Fact<RoleTarget> {
    let node = graph.node(td);
    let Some(v) = node.field("execution_role_arn") else {
        return Fact::Absent;
    };
    let at = v.span;
    let mut roles: Vec<NodeId> = graph
        .edges_from(td)
        .filter(|e| path_under(&e.field, "execution_role_arn"))
        .map(|e| e.to)
        .filter(|&t| graph.node(t).kind == Kind::IamRole)
        .collect();
    roles.sort_unstable();
    roles.dedup();
    match roles.as_slice() {
        [one] => return Fact::known(RoleTarget::Node(*one), at),
        [_, _, ..] => {
            return Fact::unknown(
                format!(
                    "`execution_role_arn` may designate any of {} roles",
                    roles.len()
                ),
                at,
            )
        }
        [] => {}
    }
    // ECS itself takes a role name and fills in the account when it registers the task
    // definition (aws-actions/amazon-ecs-render-task-definition#19, an ECS maintainer: "both the
    // executionRoleArn and taskRoleArn can actually be just the role name"): CloudFormation and
    // a task definition JSON pass the value to ECS as written. The Terraform provider requires
    // an ARN [V TF aws_ecs_task_definition `execution_role_arn` "ARN of the task execution
    // role"].
    let accepts_name = node.rtype.contains("::") || graph.format == Some(Format::TaskDefinition);
    let d = v.deref();
    match &d.kind {
        Val::Null => Fact::Absent,
        Val::Str(s) if s.is_empty() => Fact::Absent,
        Val::Str(s) if s.starts_with("arn:") => {
            let parts: Vec<&str> = s.splitn(6, ':').collect();
            if parts.len() == 6 && parts[2] == "iam" && parts[5].starts_with("role/") {
                Fact::known(RoleTarget::External(d.clone()), at)
            } else {
                Fact::known(
                    RoleTarget::Invalid {
                        value: d.clone(),
                        reason: format!("`{s}` is not the ARN of an IAM role"),
                    },
                    at,
                )
            }
        }
        Val::Str(s) if quoted_reference(s) => Fact::known(
            RoleTarget::Invalid {
                value: d.clone(),
                reason: format!(
                    "`\"{s}\"` is a Terraform reference written as a string: the literal text is \
                     not an ARN (remove the quotes)"
                ),
            },
            at,
        ),
        Val::Str(s) if accepts_name => {
            Fact::known(RoleTarget::External(Value::str(s.clone(), at)), at)
        }
        Val::Str(s) => Fact::known(
            RoleTarget::Invalid {
                value: d.clone(),
                reason: format!("`{s}` is not an ARN"),
            },
            at,
        ),
        Val::Template(_) => {
            let p = d.render_pattern().unwrap_or_default();
            if p.starts_with("arn:") && p.contains(":role/") {
                Fact::known(RoleTarget::External(d.clone()), at)
            } else {
                Fact::unknown(format!("`execution_role_arn` is `{p}`, not known"), at)
            }
        }
        _ => Fact::unknown(hole_reason(d, "`execution_role_arn`"), at),
    }
}

/// A policy document field (`policy`, `assume_role_policy`): the normalised map, or a reference
/// to a `data "aws_iam_policy_document"` whose statements the graph has.
fn document(graph: &Graph, from: NodeId, field: &str) -> Result<Value, String> {
    let node = graph.node(from);
    let Some(v) = node.field(field) else {
        return Err(format!("`{}` has no `{field}`", node.address));
    };
    let d = v.deref();
    match &d.kind {
        Val::Map(_) => return Ok(d.clone()),
        Val::Encoded(inner) if inner.as_map().is_some() => return Ok((**inner).clone()),
        _ => {}
    }
    // `policy = data.aws_iam_policy_document.x.json`
    for e in graph
        .edges_from(from)
        .filter(|e| path_under(&e.field, field))
    {
        let t = graph.node(e.to);
        if t.kind == Kind::PolicyDocument {
            if let Some(p) = t
                .field("policy")
                .map(Value::deref)
                .filter(|p| p.as_map().is_some())
            {
                return Ok(p.clone());
            }
            return Err(format!("`{}` has no statements we can read", t.address));
        }
    }
    Err(hole_reason(d, &format!("`{}.{field}`", node.address)))
}

/// The policy a managed-policy node stands for.
fn managed_node_doc(graph: &Graph, id: NodeId) -> PolicyDoc {
    let n = graph.node(id);
    if n.field("policy").is_some() {
        return match document(graph, id, "policy") {
            Ok(d) => PolicyDoc::Known(d),
            Err(reason) => PolicyDoc::Unresolved { reason },
        };
    }
    // `data "aws_iam_policy"` looked up by ARN or name.
    if let Some(arn) = n.field("arn") {
        if let ManagedArn::Known(p) = iam::check_managed_arn(arn) {
            return PolicyDoc::Known(p.document.clone());
        }
    }
    if let Some(name) = n.field("name").and_then(|v| v.as_str()) {
        if let Some(p) = iam::managed::all().iter().find(|p| p.name == name) {
            return PolicyDoc::Known(p.document.clone());
        }
    }
    PolicyDoc::Unresolved {
        reason: format!("the document of `{}` is not visible", n.address),
    }
}

fn arn_doc(v: &Value) -> PolicyDoc {
    match iam::check_managed_arn(v) {
        ManagedArn::Known(p) => PolicyDoc::Known(p.document.clone()),
        ManagedArn::Misspelt { suggestion } => PolicyDoc::Misspelt {
            arn: v.clone(),
            suggestion,
        },
        ManagedArn::Unrecorded => PolicyDoc::Unresolved {
            reason: "an AWS managed policy whose document we do not record".into(),
        },
        ManagedArn::NotManaged => PolicyDoc::Unresolved {
            reason: match v.deref().kind {
                Val::Str(_) => "a policy that is not defined here".into(),
                _ => hole_reason(v.deref(), "the policy ARN"),
            },
        },
    }
}

/// Every policy attached to a role of the graph, its trust and boundary.
pub fn attached(graph: &Graph, role: NodeId) -> (Vec<AttachedPolicy>, Option<AttachedPolicy>) {
    let mut out = Vec::new();
    let role_node = graph.node(role);
    let mut seen = std::collections::HashSet::new();
    // A part of the configuration that is not read (a Terraform module that is not installed, a
    // nested stack whose template is not at hand) and is given the role may attach policies to
    // it: they are not visible.
    for e in graph.edges_to(role) {
        if graph.unread.contains(&e.from) && seen.insert(e.from) {
            let from = graph.node(e.from);
            out.push(AttachedPolicy {
                label: from.address.clone(),
                origin: e.span.or(Some(from.span)),
                via: Some(e.from),
                document: PolicyDoc::Unresolved {
                    reason: format!(
                        "`{}` is given the role and is not read: it may attach policies",
                        from.address
                    ),
                },
            });
        }
    }
    for e in graph.edges_to(role) {
        if !path_under(&e.field, "roles") || !seen.insert(e.from) {
            continue;
        }
        let from = graph.node(e.from);
        match from.kind {
            Kind::RolePolicy => {
                let doc = match document(graph, e.from, "policy") {
                    Ok(d) => PolicyDoc::Known(d),
                    Err(reason) => PolicyDoc::Unresolved { reason },
                };
                out.push(AttachedPolicy {
                    label: from.address.clone(),
                    origin: from
                        .field("policy")
                        .and_then(|v| v.span)
                        .or(Some(from.span)),
                    via: Some(e.from),
                    document: doc,
                });
            }
            Kind::PolicyAttachment => {
                let Some(arns) = from.field("policy_arns") else {
                    continue;
                };
                let Some(list) = arns.as_list() else {
                    out.push(AttachedPolicy {
                        label: from.address.clone(),
                        origin: arns.span.or(Some(from.span)),
                        via: Some(e.from),
                        document: PolicyDoc::Unresolved {
                            reason: hole_reason(arns.deref(), "the attached policy list"),
                        },
                    });
                    continue;
                };
                for (i, item) in list.iter().enumerate() {
                    let path = format!("policy_arns[{i}]");
                    let target = graph
                        .edges_from(e.from)
                        .find(|x| {
                            path_under(&x.field, &path)
                                && graph.node(x.to).kind == Kind::ManagedPolicy
                        })
                        .map(|x| x.to);
                    let (label, doc) = match target {
                        Some(t) => (graph.node(t).address.clone(), managed_node_doc(graph, t)),
                        None => (
                            item.render_pattern()
                                .unwrap_or_else(|| from.address.clone()),
                            arn_doc(item),
                        ),
                    };
                    out.push(AttachedPolicy {
                        label,
                        origin: item.span.or(arns.span).or(Some(from.span)),
                        via: Some(e.from),
                        document: doc,
                    });
                }
            }
            _ => {}
        }
    }
    // A policy attached to a role that is not known (`role = var.name`, a name cut from an ARN
    // known only after apply, CloudFormation `Roles: [!Ref Param]`) may be attached to this
    // one: it is not visible, so a refusal is not proven.
    for (id, why) in maybe_attached(graph) {
        if seen.contains(&id) {
            continue;
        }
        let from = graph.node(id);
        out.push(AttachedPolicy {
            label: from.address.clone(),
            origin: from.field("roles").and_then(|v| v.span).or(Some(from.span)),
            via: Some(id),
            document: PolicyDoc::Unresolved {
                reason: format!(
                    "`{}` attaches a policy to a role that is not known ({why}): it may be this one",
                    from.address
                ),
            },
        });
    }
    // A role read by a data source: what is attached to it lives outside this configuration.
    if role_node.mode == Mode::Data {
        out.push(AttachedPolicy {
            label: role_node.address.clone(),
            origin: Some(role_node.span),
            via: Some(role),
            document: PolicyDoc::Unresolved {
                reason: "an existing role read by a data source: its policies are attached \
                         outside this configuration"
                    .into(),
            },
        });
    }
    // Attached lists the graph could not split (not a known list) stay on the role.
    for field in ["managed_policy_arns", "inline_policy"] {
        if let Some(v) = role_node.field(field) {
            if !v.as_list().is_some_and(|l| l.is_empty()) {
                out.push(AttachedPolicy {
                    label: format!("{}.{field}", role_node.address),
                    origin: v.span.or(Some(role_node.span)),
                    via: Some(role),
                    document: PolicyDoc::Unresolved {
                        reason: hole_reason(v.deref(), &format!("`{field}`")),
                    },
                });
            }
        }
    }
    let boundary = role_node.field("permissions_boundary").map(|b| {
        let target = graph
            .edges_from(role)
            .find(|x| {
                path_under(&x.field, "permissions_boundary")
                    && graph.node(x.to).kind == Kind::ManagedPolicy
            })
            .map(|x| x.to);
        AttachedPolicy {
            label: b
                .render_pattern()
                .unwrap_or_else(|| "permissions boundary".into()),
            origin: b.span,
            via: Some(role),
            document: match target {
                Some(t) => managed_node_doc(graph, t),
                None => arn_doc(b),
            },
        }
    });
    (out, boundary)
}

/// The inline policies and policy attachments whose role is not known, each with why: a
/// `roles` that is not a known list, or an item of it that is neither a reference to a role of
/// the graph nor a known name (a known name is joined to its role by name, or is another role's).
fn maybe_attached(graph: &Graph) -> Vec<(NodeId, String)> {
    let mut out = Vec::new();
    let policies = graph.of_kind(Kind::RolePolicy);
    for n in policies.chain(graph.of_kind(Kind::PolicyAttachment)) {
        let Some(roles) = n.field("roles") else {
            continue;
        };
        let unknown = match roles.as_list() {
            None => Some(roles),
            Some(items) => items.iter().enumerate().find_map(|(i, item)| {
                let path = format!("roles[{i}]");
                let to_role = graph
                    .edges_from(n.id)
                    .any(|e| path_under(&e.field, &path) && graph.node(e.to).kind == Kind::IamRole);
                (!to_role && item.as_str().is_none()).then_some(item)
            }),
        };
        if let Some(v) = unknown {
            out.push((n.id, hole_reason(v.deref(), "its role")));
        }
    }
    // In the order they are declared, whatever their kind.
    out.sort_unstable_by_key(|(id, _)| *id);
    out
}

/// The trust of a role of the graph.
pub fn trust(graph: &Graph, role: NodeId) -> Fact<TrustDecision> {
    let n = graph.node(role);
    match document(graph, role, "assume_role_policy") {
        Ok(doc) => {
            let at = n.field("assume_role_policy").and_then(|v| v.span);
            let policy = iam::Policy {
                label: &n.address,
                origin: at,
                document: &doc,
            };
            Fact::known(iam::ecs_tasks_can_assume(&policy), at)
        }
        Err(reason) => Fact::unknown(reason, Some(n.span)),
    }
}

/// The execution role of a task definition, resolved.
pub fn execution_role(graph: &Graph, td: NodeId) -> ExecutionRole {
    let target = resolve_target(graph, td);
    match &target {
        Fact::Known {
            value: RoleTarget::Node(r),
            ..
        } => {
            let (policies, boundary) = attached(graph, *r);
            let node = graph.node(*r);
            let attr = if node.rtype.contains("::") {
                "Arn"
            } else {
                "arn"
            };
            ExecutionRole {
                trust: trust(graph, *r),
                policies,
                boundary,
                arn: Some(super::image::reference(
                    &node.address,
                    attr,
                    Some(node.span),
                )),
                target,
            }
        }
        Fact::Known {
            value: RoleTarget::External(v),
            ..
        } => ExecutionRole {
            trust: Fact::unknown("the role is not defined here", v.span),
            policies: vec![],
            boundary: None,
            arn: Some(v.clone()),
            target: target.clone(),
        },
        _ => ExecutionRole {
            trust: Fact::Absent,
            policies: vec![],
            boundary: None,
            arn: None,
            target,
        },
    }
}
