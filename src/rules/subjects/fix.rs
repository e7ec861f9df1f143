//! Fix values: what the analysis knows, in the user's own names, for `help` and `fix` templates.
//! A value is a list of [`Code`] items, written in the fix's language when the template is
//! expanded (`aws_vpc.main.id`, `!Ref VPC`, `{ "Ref": "VPC" }`); a clearly marked placeholder
//! (`<your VPC id>`) stands where nothing is known.

use crate::analysis::network::RunSite;
use crate::analysis::task::{RoleTarget, TaskFact};
use crate::analysis::Fact;
use crate::base::{Format, Span};
use crate::graph::{Graph, Kind, NodeId};
use crate::rules::value::{Code, Known, Probe};

pub(super) const FIX_TASK: &[&str] = &["fix.role", "fix.role_name", "fix.region"];
pub(super) const FIX_SITE: &[&str] = &[
    "fix.vpc",
    "fix.subnets",
    "fix.security_groups",
    "fix.security_group",
    "fix.route_tables",
    "fix.private_route_table",
    "fix.private_route_tables",
];

fn code(items: Vec<Code>, list: bool, at: Option<Span>) -> Probe {
    Probe::new(Known::Code(items, list), at)
}

fn node_ref(g: &Graph, n: NodeId, attr: &'static str) -> Code {
    Code::Ref {
        address: g.node(n).address.clone(),
        attr,
    }
}

/// `fix.role` (the execution role's `arn`), `fix.role_name` and `fix.region`.
pub(super) fn fix_task_values(g: &Graph, t: &TaskFact) -> Vec<(&'static str, Probe)> {
    let (role, role_name) = match &t.execution_role.target {
        Fact::Known {
            value: RoleTarget::Node(n),
            ..
        } => (node_ref(g, *n, "arn"), node_ref(g, *n, "name")),
        _ => (
            Code::Placeholder("your execution role ARN"),
            Code::Placeholder("your execution role name"),
        ),
    };
    let region = match g.region.as_ref().map(|v| (&v.kind, v.span)) {
        Some((crate::base::Val::Str(s), span)) => Code::Region {
            literal: Some(s.clone()),
            span,
        },
        Some((_, Some(span))) => Code::Region {
            literal: None,
            span: Some(span),
        },
        _ => Code::Region {
            literal: None,
            span: None,
        },
    };
    vec![
        ("fix.role", code(vec![role], false, None)),
        ("fix.role_name", code(vec![role_name], false, None)),
        ("fix.region", code(vec![region], false, None)),
    ]
}

/// `fix.vpc`, `fix.subnets`, `fix.security_groups`, `fix.route_tables` of a run site.
pub(super) fn fix_site_values(g: &Graph, site: &RunSite) -> Vec<(&'static str, Probe)> {
    let vpc = match &site.vpc {
        Fact::Known { value, .. } => node_ref(g, *value, "id"),
        _ => Code::Placeholder("your VPC id"),
    };
    let known_subnets: Option<Vec<&crate::analysis::network::SubnetFacts>> = match &site.subnets {
        Fact::Known { value, .. } if !value.is_empty() => Some(value.iter().collect()),
        _ => None,
    };
    let all = |f: &dyn Fn(&crate::analysis::network::SubnetFacts) -> Option<NodeId>,
               to_code: &dyn Fn(NodeId) -> Code,
               none: &'static str|
     -> Vec<Code> {
        let ids: Option<Vec<NodeId>> = known_subnets
            .as_ref()
            .and_then(|subs| subs.iter().map(|s| f(s)).collect());
        match ids {
            Some(mut ids) => {
                let mut seen = std::collections::HashSet::new();
                ids.retain(|n| seen.insert(*n));
                ids.into_iter().map(to_code).collect()
            }
            None => vec![Code::Placeholder(none)],
        }
    };
    let subnets = all(
        &|s| s.subnet.value().copied(),
        &|n| node_ref(g, n, "id"),
        "the task subnet ids",
    );
    // A subnet on its VPC's main route table: the analysis lets the VPC stand for that table.
    // Terraform names it `aws_vpc.x.main_route_table_id`; CloudFormation cannot name it.
    let table = |n: NodeId| match g.node(n).kind {
        Kind::Vpc if g.format == Some(Format::CloudFormation) => Code::Placeholder(
            "the task subnets' route table: they use the VPC's main route table, which a \
             template cannot reference; associate them with a route table",
        ),
        Kind::Vpc => node_ref(g, n, "main_route_table_id"),
        _ => node_ref(g, n, "id"),
    };
    let route_tables = all(
        &|s| s.route_table.value().copied(),
        &table,
        "the route table ids of the task subnets",
    );
    // The tables a NAT route goes on: those of the subnets proven private-only (another task
    // subnet may already route to a NAT gateway); all of them when none is proven so.
    let private_tables: Vec<Code> = {
        let mut seen = std::collections::HashSet::new();
        known_subnets
            .iter()
            .flatten()
            .filter(|s| s.private_only.value() == Some(&true))
            .filter_map(|s| s.route_table.value().copied())
            .filter(|n| seen.insert(*n))
            .map(table)
            .collect()
    };
    let private_tables = if private_tables.is_empty() {
        route_tables.clone()
    } else {
        private_tables
    };
    let groups: Option<Vec<NodeId>> = match &site.security_groups {
        Fact::Known { value, .. } if !value.is_empty() => value
            .iter()
            .map(|f| match f.value() {
                Some(crate::analysis::network::SgRef::Node(n)) => Some(*n),
                Some(crate::analysis::network::SgRef::VpcDefault {
                    managed: Some(n), ..
                }) => Some(*n),
                _ => None,
            })
            .collect(),
        _ => None,
    };
    let first = fix_group(
        g,
        match &site.security_groups {
            Fact::Known { value, .. } => value,
            _ => &[],
        },
    );
    let groups = match groups {
        Some(ns) => ns.into_iter().map(|n| node_ref(g, n, "id")).collect(),
        None => vec![Code::Placeholder("the task security group ids")],
    };
    vec![
        ("fix.vpc", code(vec![vpc], false, None)),
        ("fix.subnets", code(subnets, true, None)),
        ("fix.security_groups", code(groups, true, None)),
        ("fix.security_group", first),
        ("fix.route_tables", code(route_tables, true, None)),
        (
            "fix.private_route_table",
            code(private_tables[..1].to_vec(), false, None),
        ),
        ("fix.private_route_tables", code(private_tables, true, None)),
    ]
}

/// The first of some security groups (`fix.security_group`: any one of the task's groups
/// names the task in a rule; `fix.endpoint_security_group`: the endpoint's).
pub(super) fn fix_group(g: &Graph, groups: &[Fact<crate::analysis::network::SgRef>]) -> Probe {
    use crate::analysis::network::SgRef;
    let first = match groups.first().and_then(|f| f.value()) {
        Some(SgRef::Node(n))
        | Some(SgRef::VpcDefault {
            managed: Some(n), ..
        }) => node_ref(g, *n, "id"),
        _ => Code::Placeholder("a security group id"),
    };
    code(vec![first], false, None)
}
