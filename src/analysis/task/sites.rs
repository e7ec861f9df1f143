//! Where a task definition runs (ECS services, EventBridge targets, Scheduler schedules that
//! name it) and whether it runs on Fargate: launch types, capacity provider strategies, the
//! cluster's default strategy and `requires_compatibilities`.

use std::collections::HashSet;

use crate::analysis::Fact;
use crate::base::{Span, Value};
use crate::graph::{path_under, Graph, Kind, NodeId};

use super::{image, read_definition, RunSite};

/// `(kind, field of the task definition reference, prefix of the launch fields, cluster field)`.
const SITES: &[(Kind, &str, &str, &str)] = &[
    (Kind::Service, "task_definition", "", "cluster"),
    (
        Kind::EventTarget,
        "ecs_target.task_definition_arn",
        "ecs_target.",
        "arn",
    ),
    (
        Kind::Schedule,
        "target.ecs_parameters.task_definition_arn",
        "target.ecs_parameters.",
        "target.arn",
    ),
];

fn is_fargate_provider(s: &str) -> bool {
    s.eq_ignore_ascii_case("FARGATE") || s.eq_ignore_ascii_case("FARGATE_SPOT")
}

pub(super) fn run_sites(graph: &Graph, td: NodeId) -> Vec<RunSite> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    // Sites naming the task definition, and sites naming a data source that reads it.
    let readers: Vec<NodeId> = graph
        .edges_to(td)
        .filter(|e| read_definition(graph, e.from) == Some(td))
        .map(|e| e.from)
        .collect();
    let edges = graph
        .edges_to(td)
        .chain(readers.iter().flat_map(|&r| graph.edges_to(r)));
    for e in edges {
        let from = graph.node(e.from);
        let Some(&(kind, _, prefix, cluster)) = SITES
            .iter()
            .find(|s| s.0 == from.kind && path_under(&e.field, s.1))
        else {
            continue;
        };
        // A service whose CloudFormation `Condition` is false is not created: it runs nothing.
        if !seen.insert(e.from) || from.created() == Some(false) {
            continue;
        }
        let pv = match from.field(&format!("{prefix}platform_version")) {
            None => Fact::Absent,
            Some(v) if v.as_str().is_some() => Fact::known(v.deref().clone(), v.span),
            Some(v) => Fact::unknown(
                image::hole_reason(v.deref(), "the platform version"),
                v.span,
            ),
        };
        out.push(RunSite {
            node: e.from,
            kind,
            fargate: site_fargate(graph, e.from, prefix, cluster),
            platform_version: pv,
        });
    }
    out
}

/// Fargate from a capacity provider strategy: `None` when the list is empty.
fn strategy_fargate(v: &Value) -> Option<Fact<bool>> {
    let Some(items) = v.as_list() else {
        return Some(Fact::unknown(
            image::hole_reason(v.deref(), "the capacity provider strategy"),
            v.span,
        ));
    };
    if items.is_empty() {
        return None;
    }
    let mut unknown = None;
    let (mut fargate, mut other) = (None, None);
    for it in items {
        match it.get("capacity_provider") {
            Some(p) => match p.as_str() {
                Some(s) if is_fargate_provider(s) => {
                    fargate.get_or_insert(p.span);
                }
                Some(_) => {
                    other.get_or_insert(p.span);
                }
                None => {
                    unknown = Some(Fact::unknown(
                        image::hole_reason(p.deref(), "a capacity provider"),
                        p.span,
                    ))
                }
            },
            None => unknown = Some(Fact::unknown("a strategy item without provider", it.span)),
        }
    }
    // A strategy mixing Fargate and Auto Scaling group providers is refused by ECS, and is not
    // Fargate-only: not known [V ECS CreateService `capacityProviderStrategy`].
    Some(match (fargate, other, unknown) {
        (Some(_), Some(at), _) => Fact::unknown(
            "the capacity provider strategy mixes Fargate and other capacity providers",
            at,
        ),
        // With a Fargate provider, the one not known can only be Fargate too.
        (Some(at), None, _) => Fact::known(true, at),
        (None, _, Some(u)) => u,
        (None, _, None) => Fact::known(false, v.span),
    })
}

fn site_fargate(graph: &Graph, site: NodeId, prefix: &str, cluster_field: &str) -> Fact<bool> {
    let n = graph.node(site);
    if let Some(lt) = n.field(&format!("{prefix}launch_type")) {
        return match lt.as_str() {
            Some(s) => Fact::known(s.eq_ignore_ascii_case("FARGATE"), lt.span),
            None => Fact::unknown(image::hole_reason(lt.deref(), "the launch type"), lt.span),
        };
    }
    if let Some(f) = n
        .field(&format!("{prefix}capacity_provider_strategy"))
        .and_then(strategy_fargate)
    {
        return f;
    }
    // Neither: the cluster's default capacity provider strategy, else EC2.
    let clusters: Vec<NodeId> = graph
        .targets(site, cluster_field)
        .into_iter()
        .filter(|&c| graph.node(c).kind == Kind::Cluster)
        .collect();
    let [cluster] = clusters.as_slice() else {
        return Fact::unknown(
            "neither launch type nor capacity provider strategy is set, and the cluster (whose \
             default strategy decides) is not known",
            Some(n.span),
        );
    };
    let c = graph.node(*cluster);
    if let Some(f) = c
        .field("default_capacity_provider_strategy")
        .and_then(strategy_fargate)
    {
        return f;
    }
    for e in graph.edges_to(*cluster) {
        let a = graph.node(e.from);
        if a.kind == Kind::ClusterCapacityProviders && path_under(&e.field, "cluster") {
            if let Some(f) = a
                .field("default_capacity_provider_strategy")
                .and_then(strategy_fargate)
            {
                return f;
            }
        }
    }
    // The API launches on EC2 when no strategy applies.
    Fact::known(false, Some(n.span))
}

/// `requires_compatibilities` is known and lists FARGATE only: `Some(where it says so)`.
pub(super) fn fargate_only(graph: &Graph, td: NodeId) -> Option<Option<Span>> {
    let v = graph.node(td).field("requires_compatibilities")?;
    let items = v.as_list()?;
    let only = !items.is_empty()
        && items.iter().all(|i| {
            i.as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("FARGATE"))
        });
    only.then_some(v.span)
}

pub(super) fn fargate(graph: &Graph, td: NodeId, sites: &[RunSite]) -> Fact<bool> {
    let node = graph.node(td);
    let own = match node.field("requires_compatibilities") {
        None => Fact::Absent,
        Some(v) => match v.as_list() {
            Some(items) => {
                if let Some(f) = items.iter().find(|i| {
                    i.as_str()
                        .is_some_and(|s| s.eq_ignore_ascii_case("FARGATE"))
                }) {
                    Fact::known(true, f.span.or(v.span))
                } else if items.iter().all(|i| i.as_str().is_some()) {
                    Fact::known(false, v.span)
                } else {
                    Fact::unknown("`requires_compatibilities` is not fully known", v.span)
                }
            }
            None => Fact::unknown(
                image::hole_reason(v.deref(), "`requires_compatibilities`"),
                v.span,
            ),
        },
    };
    if own.value() == Some(&true) {
        return own;
    }
    // A site proves Fargate only if it is created: a service whose `count` or `Condition` is not
    // known may never run the task (`count = var.fargate ? 1 : 0` beside
    // `requires_compatibilities = [var.fargate ? "FARGATE" : "EC2"]`).
    let created = |s: &RunSite| graph.node(s.node).created() == Some(true);
    if let Some(s) = sites
        .iter()
        .find(|s| s.fargate.value() == Some(&true) && created(s))
    {
        return s.fargate.clone();
    }
    if let Fact::Unknown { .. } = own {
        return own;
    }
    if let Some(s) = sites
        .iter()
        .find(|s| s.fargate.value() == Some(&true) || !s.fargate.is_known())
    {
        let n = graph.node(s.node);
        return match (&s.fargate, created(s)) {
            (Fact::Known { .. }, false) => Fact::unknown(
                format!(
                    "`{}` would run it on Fargate, but whether it is created is not known",
                    n.address
                ),
                n.exists.as_ref().and_then(|v| v.span).or(Some(n.span)),
            ),
            _ => s.fargate.clone(),
        };
    }
    match own {
        Fact::Known { .. } => own,
        _ => Fact::known(false, None),
    }
}
