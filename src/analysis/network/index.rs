//! The indexes built once per graph ([`Index`]), and what may change a subnet's route table or a
//! VPC's main route table without the configuration saying which.

use std::collections::HashMap;

use crate::analysis::Fact;
use crate::base::Span;
use crate::graph::{Graph, Kind, Mode, NodeId};

use super::lookup::{describe, edge_targets, is_main_table_attr, single_target};

/// Indexes built once per graph, in one pass over the few kinds they need: standalone
/// security-group rules by group, the managed default group and the main route table by VPC.
pub struct Index<'g> {
    pub g: &'g Graph,
    rules: HashMap<NodeId, Vec<NodeId>>,
    default_sgs: HashMap<NodeId, NodeId>,
    main_tables: HashMap<NodeId, Fact<NodeId>>,
    /// Internet gateway → the VPCs it is attached to, and the attaching resource's span.
    pub(super) igw_vpcs: HashMap<NodeId, Vec<(NodeId, Option<Span>)>>,
    /// Why a VPC's own main route table may not hold only what the configuration shows: the
    /// first resource that may associate a subnet or edit or replace a main route table without
    /// saying which (see [`Index::main_table_unseen`]).
    main_unseen: Option<(String, Option<Span>)>,
}

impl<'g> Index<'g> {
    pub fn new(g: &'g Graph) -> Index<'g> {
        let of = |k: Kind| g.by_kind.get(&k).into_iter().flatten().copied();
        let mut rules: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
        for r in of(Kind::SecurityGroupRule) {
            for t in edge_targets(g, r, "security_group_id") {
                rules.entry(t).or_default().push(r);
            }
        }
        let mut default_sgs = HashMap::new();
        for d in of(Kind::DefaultSecurityGroup) {
            for v in edge_targets(g, d, "vpc_id") {
                default_sgs.entry(v).or_insert(d);
            }
        }
        let mut main_tables = HashMap::new();
        for a in of(Kind::MainRouteTableAssociation) {
            if g.node(a).created() == Some(false) {
                continue;
            }
            for v in edge_targets(g, a, "vpc_id") {
                main_tables
                    .entry(v)
                    .or_insert_with(|| single_target(g, a, "route_table_id", Kind::RouteTable));
            }
        }
        for d in of(Kind::DefaultRouteTable) {
            if g.node(d).created() == Some(false) {
                continue;
            }
            for v in edge_targets(g, d, "default_route_table_id") {
                main_tables
                    .entry(v)
                    .or_insert_with(|| Fact::known(d, Some(g.node(d).span)));
            }
        }
        let mut igw_vpcs: HashMap<NodeId, Vec<(NodeId, Option<Span>)>> = HashMap::new();
        for i in of(Kind::InternetGateway) {
            for v in edge_targets(g, i, "vpc_id") {
                let at = g.node(i).field("vpc_id").and_then(|x| x.span);
                igw_vpcs.entry(i).or_default().push((v, at));
            }
        }
        for a in of(Kind::InternetGatewayAttachment) {
            if g.node(a).created() == Some(false) {
                continue;
            }
            for i in edge_targets(g, a, "internet_gateway_id") {
                for v in edge_targets(g, a, "vpc_id") {
                    igw_vpcs
                        .entry(i)
                        .or_default()
                        .push((v, Some(g.node(a).span)));
                }
            }
        }
        let main_unseen = main_unseen(g);
        Index {
            g,
            main_unseen,
            igw_vpcs,
            rules,
            default_sgs,
            main_tables,
        }
    }

    /// Standalone rule nodes whose `security_group_id` is `sg`.
    pub fn standalone_rules(&self, sg: NodeId) -> &[NodeId] {
        self.rules.get(&sg).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The `aws_default_security_group` managing a VPC's default group.
    pub fn default_sg(&self, vpc: NodeId) -> Option<NodeId> {
        self.default_sgs.get(&vpc).copied()
    }

    /// Whether an internet gateway is attached to a VPC.
    pub fn igw_attached(&self, igw: NodeId, vpc: &Fact<NodeId>) -> Fact<bool> {
        let n = self.g.node(igw);
        let vpc = match vpc {
            Fact::Known { value, .. } => *value,
            Fact::Unknown { reason, at } => {
                return Fact::Unknown {
                    reason: reason.clone(),
                    at: *at,
                }
            }
            Fact::Absent => return Fact::unknown("the VPC is not known", Some(n.span)),
        };
        let attached = self.igw_vpcs.get(&igw).map(Vec::as_slice).unwrap_or(&[]);
        if let Some((_, at)) = attached.iter().find(|(v, _)| *v == vpc) {
            return Fact::known(true, at.or(Some(n.span)));
        }
        if n.mode == Mode::Data {
            return Fact::unknown(
                format!(
                    "`{}` is a data source: its attachment is not in the configuration",
                    n.address
                ),
                Some(n.span),
            );
        }
        if let Some(v) = n.field("vpc_id") {
            if edge_targets(self.g, igw, "vpc_id").is_empty() {
                return Fact::unknown(describe(self.g, igw, "vpc_id", v), v.span);
            }
        }
        Fact::known(false, Some(n.span))
    }

    /// The VPC's main route table when managed here.
    pub fn main_table(&self, vpc: NodeId) -> Option<&Fact<NodeId>> {
        self.main_tables.get(&vpc)
    }

    /// Why the main route table that AWS creates with a VPC of this configuration may hold more
    /// than the local route, or be replaced, when nothing in the configuration manages it:
    /// `None` when it is known to hold only the local route and what `aws_route`s on
    /// `aws_vpc.x.main_route_table_id` add. The VPC node then stands for its main route table.
    pub fn main_table_unseen(&self, vpc: NodeId) -> Option<(String, Option<Span>)> {
        let v = self.g.node(vpc);
        if v.mode == Mode::Data || !matches!(v.rtype.as_str(), "aws_vpc" | "AWS::EC2::VPC") {
            return Some((
                format!(
                    "`{}` is not created here: its main route table is not in the configuration",
                    v.address
                ),
                Some(v.span),
            ));
        }
        self.main_unseen.clone()
    }
}

/// Whether a reference field names no resource of the unit while its value is not a literal
/// (a literal `rtb-…`/`subnet-…` names something that exists already, not what this configuration
/// creates): it may be anything, the main route table or a subnet of this configuration.
fn unresolved(
    g: &Graph,
    id: NodeId,
    field: &str,
    ok: impl Fn(&crate::graph::Edge) -> bool,
) -> Option<(String, Option<Span>)> {
    let v = g.node(id).field(field)?;
    if v.as_str().is_some() || g.edges_from(id).any(|e| e.field == field && ok(e)) {
        return None;
    }
    Some((describe(g, id, field, v), v.span.or(Some(g.node(id).span))))
}

/// The first resource that may associate a subnet of this configuration with a route table, or
/// edit or replace the main route table of one of its VPCs, without the configuration saying
/// which: a module or nested stack that is not read, an association whose subnet is not known,
/// a route whose route table is not a route table of the configuration (a data source, a
/// variable, a custom resource returning the main route table of a CloudFormation VPC), a main
/// route table association or default route table whose VPC is not known.
fn main_unseen(g: &Graph) -> Option<(String, Option<Span>)> {
    if let Some(&u) = g.unread.first() {
        let n = g.node(u);
        let what = if n.rtype == "module" {
            format!("`{}` is not loaded (run `terraform init`)", n.address)
        } else {
            format!("the nested stack `{}` is not read", n.address)
        };
        return Some((
            format!("{what}: it may associate the subnet with a route table or edit the main route table"),
            Some(n.span),
        ));
    }
    let of = |k: Kind| {
        g.by_kind
            .get(&k)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&id| g.node(id).created() != Some(false))
    };
    let kind_is = |e: &crate::graph::Edge, k: Kind| g.node(e.to).kind == k;
    let managed = |e: &crate::graph::Edge| g.node(e.to).mode != Mode::Data;
    for r in of(Kind::Route) {
        let table = |e: &crate::graph::Edge| {
            (matches!(
                g.node(e.to).kind,
                Kind::RouteTable | Kind::DefaultRouteTable
            ) && managed(e))
                || (kind_is(e, Kind::Vpc) && is_main_table_attr(&e.attr))
        };
        if let Some((why, at)) = unresolved(g, r, "route_table_id", table) {
            return Some((
                format!("{why}: it may add a route to the main route table"),
                at,
            ));
        }
    }
    for a in of(Kind::RouteTableAssociation) {
        if let Some((why, at)) = unresolved(g, a, "subnet_id", |e| kind_is(e, Kind::Subnet)) {
            return Some((
                format!("{why}: it may associate the subnet with a route table"),
                at,
            ));
        }
    }
    for a in of(Kind::MainRouteTableAssociation) {
        if let Some((why, at)) = unresolved(g, a, "vpc_id", |e| kind_is(e, Kind::Vpc)) {
            return Some((format!("{why}: it may replace the main route table"), at));
        }
    }
    for d in of(Kind::DefaultRouteTable) {
        if let Some((why, at)) =
            unresolved(g, d, "default_route_table_id", |e| kind_is(e, Kind::Vpc))
        {
            return Some((format!("{why}: it may edit the main route table"), at));
        }
    }
    None
}
