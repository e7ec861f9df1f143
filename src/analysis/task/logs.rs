//! The awslogs log driver: the options a container sets and whether its log group exists when the
//! task starts (FGP007); the log permissions the execution role needs for it (FGP006) are
//! `permissions.rs`'s `log_check`.

use crate::analysis::iam;
use crate::analysis::Fact;
use crate::base::{Map, Span, Val, Value};
use crate::graph::{Graph, Kind, NodeId};

use super::{account_sym, image, region_value, AwsLogs};

pub(super) fn awslogs(graph: &Graph, td: NodeId, path: &str, driver: &Value, l: &Map) -> AwsLogs {
    let opts = l.get("options").and_then(|o| o.as_map());
    let opt = |k: &str| opts.and_then(|o| o.get(k));
    let gpath = format!("{path}.logConfiguration.options.awslogs-group");
    let group_node = graph
        .targets(td, &gpath)
        .into_iter()
        .find(|&t| graph.node(t).kind == Kind::LogGroup);
    let group = match opt("awslogs-group") {
        None => Fact::Absent,
        Some(v) => match v.as_str() {
            Some(s) => Fact::known(Value::str(s, v.span), v.span),
            // `/ecs/${var.env}/app`: the ARN keeps the known parts.
            None if matches!(v.deref().kind, Val::Template(_)) && group_node.is_none() => {
                Fact::known(v.deref().clone(), v.span)
            }
            None => match group_node.and_then(|g| graph.node(g).field("name")) {
                Some(name) if name.as_str().is_some() => Fact::known(name.deref().clone(), v.span),
                // A group of the graph whose name is generated: the reference stands for it.
                _ if group_node.is_some() => Fact::known(v.clone(), v.span),
                _ => Fact::unknown(image::hole_reason(v.deref(), "`awslogs-group`"), v.span),
            },
        },
    };
    let region = match opt("awslogs-region") {
        None => Fact::Absent,
        Some(v) if matches!(v.deref().kind, Val::Str(_) | Val::Symbol(_)) => {
            Fact::known(v.deref().clone(), v.span)
        }
        Some(v) => Fact::unknown(image::hole_reason(v.deref(), "`awslogs-region`"), v.span),
    };
    let create_group = match opt("awslogs-create-group") {
        None => Fact::Absent,
        Some(v) => match v.as_bool() {
            Some(b) => Fact::known(b, v.span),
            None => Fact::unknown(
                image::hole_reason(v.deref(), "`awslogs-create-group`"),
                v.span,
            ),
        },
    };
    let region_v = region
        .value()
        .cloned()
        .unwrap_or_else(|| region_value(graph));
    let group_v = match &group {
        Fact::Known { value, .. } => value.clone(),
        _ => Value::unknown("log group not known", None),
    };
    let group_arn = image::arn(
        &region_v,
        "logs",
        &region_v,
        &account_sym(),
        "log-group:",
        &group_v,
    );
    AwsLogs {
        driver_span: driver.span,
        group,
        group_node,
        region,
        create_group,
        group_arn,
    }
}

impl AwsLogs {
    pub(super) fn create_group_span(&self) -> Option<Span> {
        match &self.create_group {
            Fact::Known { at, .. } | Fact::Unknown { at, .. } => *at,
            Fact::Absent => None,
        }
    }
}

/// Does the log group exist when the task starts, because the configuration declares it? The
/// awslogs driver (moby `daemon/logger/awslogs`, which Fargate's log shim runs) calls
/// `CreateLogStream` first and `CreateLogGroup` only when that fails with
/// `ResourceNotFoundException` and `awslogs-create-group` is true: a declared group is never
/// created by the task, so `logs:CreateLogGroup` is not needed. Known true when the group is a log
/// group of the graph (by reference or by name, a data source included) that is created; Unknown
/// when a group of the graph or of another unit of the scan (a sibling stack: see
/// [`crate::frontends::Elsewhere`]) may have that name, the name is not known, or configuration
/// that was not read may declare it; known false otherwise (the group may still exist outside the
/// configuration: `awslogs-create-group` says the author expects it may not).
pub(super) fn group_exists(graph: &Graph, l: &AwsLogs) -> Fact<bool> {
    use iam::pattern::{matches, Reading, SymStr, Tri};
    let at = l.group.value().and_then(|v| v.span);
    let created_if = |exists: &Option<Value>| match exists {
        None => Tri::Yes,
        Some(v) => match v.as_bool() {
            Some(true) => Tri::Yes,
            Some(false) => Tri::No,
            None => Tri::Maybe,
        },
    };
    let created = |n: NodeId| created_if(&graph.node(n).exists);
    if let Some(g) = l.group_node {
        return match created(g) {
            Tri::Yes => Fact::known(true, at),
            Tri::No => Fact::known(false, at),
            Tri::Maybe => Fact::unknown(
                format!(
                    "whether the log group `{}` is created is not known",
                    graph.node(g).address
                ),
                at,
            ),
        };
    }
    let name = match &l.group {
        Fact::Known { value, .. } => value,
        Fact::Unknown { reason, at } => {
            return Fact::unknown(
                format!("the log group is not known ({reason}), so neither is whether it exists before the task starts"),
                *at,
            )
        }
        Fact::Absent => return Fact::known(false, None),
    };
    let plain = Reading::default();
    let Some(text) = SymStr::from_value(name, plain) else {
        return Fact::unknown("the log group name is not a string", at);
    };
    for g in graph.of_kind(Kind::LogGroup) {
        let same = match g.field("name").and_then(|n| SymStr::from_value(n, plain)) {
            Some(other) => matches(&other, &text),
            None => Tri::Maybe,
        };
        if same.and(created(g.id)) != Tri::No {
            return Fact::unknown(
                format!(
                    "the log group `{}` may be `{}`, declared here",
                    text.display(),
                    g.address
                ),
                at,
            );
        }
    }
    for d in graph.elsewhere.log_groups_for(&graph.unit, name.as_str()) {
        let same = match SymStr::from_value(&d.name, plain) {
            Some(other) => matches(&other, &text),
            None => Tri::Maybe,
        };
        if same.and(created_if(&d.exists)) != Tri::No {
            return Fact::unknown(
                format!(
                    "the log group `{}` may be `{}` of `{}`, another unit of the scan: it exists \
                     before the task starts if that unit is deployed first",
                    text.display(),
                    d.address,
                    d.unit
                ),
                at,
            );
        }
    }
    if let Some(&u) = graph.unread.first() {
        return Fact::unknown(
            format!(
                "`{}` is not read and may declare the log group `{}`",
                graph.node(u).address,
                text.display()
            ),
            at,
        );
    }
    Fact::known(false, at)
}
