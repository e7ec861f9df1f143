//! The network half of the pull path: for every Fargate-capable run site (ECS service, EventBridge
//! target with ECS parameters, Scheduler schedule), its task subnets with their effective route
//! table and egress class, the public-IP setting, whether each subnet reaches the internet, the
//! VPC endpoints around it, and security-group answers (task egress, endpoint ingress on 443).
//!
//! Conservative by construction: every link that cannot be followed gives an `Unknown` fact whose
//! reason names the resource and attribute; nothing unknown becomes a default. Domain semantics:
//! `/work/shared/docs/domain.md` §(b) "Conventions used by all rules", FGP016, FGP020–FGP035.
//!
//! Cost: one index pass over the few kinds it needs ([`Index`]), then one pass over the run
//! sites following edges from their own nodes; route tables and subnets are classified once
//! (memoised), endpoints once each. Endpoints are grouped by VPC: a site is paired only with the
//! endpoints of its own VPC and those whose VPC is not known (all of them when its own VPC is
//! not known), so the per-site answers grow with run sites + endpoints, not their product (an
//! endpoint known to be in another VPC tells a site nothing: see [`RunSite::endpoints`]).
//! Security-group answers that depend only on known groups and addresses are memoised.
//!
//! Limits (each gives `Unknown`, never a guess):
//! - the main route table of a VPC that is not created here, or that a part of the configuration
//!   not read (a module not installed, a nested stack) or a reference that is not known (a route
//!   on a route table that is not one of the configuration, an association whose subnet is not
//!   known) may edit, is not assumed to hold only the local route; a VPC created here whose main
//!   route table nothing else can touch holds the local route and the `aws_route`s written on
//!   `main_route_table_id` (the VPC node stands for it). CloudFormation has no attribute for it
//!   (`AWS::EC2::VPC` returns no route table; cloudformation-coverage-roadmap issue 357): only a
//!   custom resource can return it, whose output is not a route table of the template;
//! - a plan's computed `route` of `aws_route_table` and `egress` of `aws_security_group` (a
//!   "known after apply" whole attribute when no block is written) stay unknown: the graph does not
//!   say whether the configuration wrote blocks;
//! - prefix-list peers other than the S3 gateway endpoint's own, and public CIDRs other than
//!   `0.0.0.0/0`, cannot be expanded; IPv6 rules and routes carry no IPv4 traffic;
//! - Route 53 private hosted zones standing in for endpoint private DNS are not considered.

mod routes;
pub mod service;
pub mod sg;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use ipnet::Ipv4Net;

use crate::analysis::Fact;
use crate::base::{Span, Val, Value};
use crate::graph::Mode;
use crate::graph::{Graph, Kind, Node, NodeId};

pub use routes::Egress;
pub use service::{Confidence, Service, ServiceName};
pub use sg::{allows_443, Direction, Peer, SgRef};

/// Everything the network rules read.
#[derive(Clone, Debug, Default)]
pub struct NetworkFacts {
    pub sites: Vec<RunSite>,
    /// Every VPC endpoint of the unit.
    pub endpoints: Vec<Endpoint>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteKind {
    Service,
    EventTarget,
    Schedule,
}

/// One place that starts Fargate tasks.
#[derive(Clone, Debug)]
pub struct RunSite {
    pub node: NodeId,
    pub kind: SiteKind,
    /// Canonical path of the network configuration in the node
    /// (`network_configuration`, `ecs_target.network_configuration`...).
    pub path: &'static str,
    /// The task subnets. `Absent` when no network configuration is written; `Unknown` when the
    /// list itself is not known (an import, a variable).
    pub subnets: Fact<Vec<SubnetFacts>>,
    /// The task security groups (none written → the VPC default group).
    pub security_groups: Fact<Vec<Fact<SgRef>>>,
    /// `assign_public_ip`; `public_ip_default` when not written (false/DISABLED).
    pub public_ip: Fact<bool>,
    pub public_ip_default: bool,
    /// The VPC of the task subnets.
    pub vpc: Fact<NodeId>,
    /// Every subnet private-only (`Known(false)` when one has an internet path).
    pub private_only: Fact<bool>,
    /// The endpoints of the unit that may be in this site's VPC, as seen from it (indexes into
    /// [`NetworkFacts::endpoints`] with per-site answers, in that order): those of its VPC and
    /// those whose VPC is not known (`in_task_vpc` unknown), or every endpoint when the site's
    /// own VPC is not known. An endpoint known to be in another VPC is left out: no fact reads
    /// it (endpoints in another VPC, reached over a transit gateway or peering, are a documented
    /// limit of the rules), and pairing it would make the analysis sites × endpoints.
    pub endpoints: Vec<SiteEndpoint>,
    /// Does the task's egress allow TCP 443 to the internet (`0.0.0.0/0`)?
    pub egress_internet: Fact<bool>,
    /// The task subnets look meant to be public (`assign_public_ip` true, a
    /// `map_public_ip_on_launch` subnet, or an internet gateway of the task VPC that no route
    /// table of the configuration routes to) while none has a default route, though the VPC has
    /// an internet gateway: the missing route is the cause. `unrouted_igw` is that gateway.
    pub igw_unrouted: Fact<bool>,
    pub unrouted_igw: Option<NodeId>,
    /// Do the task's security groups have an egress rule at all (any protocol, port, peer)?
    /// `Known(false)`: nothing leaves the task, whatever the subnets and endpoints are.
    pub egress_any: Fact<bool>,
}

/// A task subnet.
#[derive(Clone, Debug)]
pub struct SubnetFacts {
    /// The subnet node, or why it is not known.
    pub subnet: Fact<NodeId>,
    pub vpc: Fact<NodeId>,
    pub cidr: Fact<Ipv4Net>,
    pub availability_zone: Fact<String>,
    /// The effective route table: the explicit association, else the VPC's main route table.
    pub route_table: Fact<NodeId>,
    /// How the route table was found: `true` for an explicit subnet association.
    pub route_table_explicit: bool,
    /// The egress class; `at` is the route (or its target attribute) that decided it.
    pub egress: Fact<Egress>,
    /// The route node that decided the class (the default route), when there is one.
    pub egress_route: Option<NodeId>,
    /// The NAT gateway the default route targets, when it does (FGP035 reads its facts).
    pub nat_gateway: Option<NodeId>,
    /// The internet gateway on the way out: the default route's (`Igw`), or the one of the NAT
    /// gateway's subnet (`Nat`, and a public NAT gateway whose subnet routes to one).
    pub internet_gateway: Option<NodeId>,
    /// Whether that internet gateway is attached to the subnet's VPC (`aws_internet_gateway.vpc_id`,
    /// `aws_internet_gateway_attachment`, `AWS::EC2::VPCGatewayAttachment`); `Absent` without one.
    pub igw_attached: Fact<bool>,
    /// `(Igw and public IP) or Nat or Other`.
    pub internet: Fact<bool>,
    pub private_only: Fact<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EndpointType {
    Interface,
    Gateway,
    Other(String),
}

/// A VPC endpoint.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub node: NodeId,
    pub service: Fact<ServiceName>,
    /// Region from the service name when literal.
    pub region: Fact<String>,
    /// The service name's Region part is the deployment Region (`${AWS::Region}`).
    pub region_is_deployment: bool,
    pub endpoint_type: Fact<EndpointType>,
    pub endpoint_type_default: bool,
    pub vpc: Fact<NodeId>,
    /// Subnets (`subnet_ids` and subnet associations).
    pub subnets: Fact<Vec<NodeId>>,
    /// `private_dns_enabled`, overridden by `aws_vpc_endpoint_private_dns`.
    pub private_dns: Fact<bool>,
    pub private_dns_default: bool,
    pub vpc_dns_support: Fact<bool>,
    pub vpc_dns_hostnames: Fact<bool>,
    /// Security groups (`security_group_ids` and associations; none → the VPC default group).
    pub security_groups: Vec<Fact<SgRef>>,
    /// Route tables (`route_table_ids` and associations).
    pub route_tables: Fact<Vec<NodeId>>,
    /// Whether the endpoint is created (`Unknown` under an undecidable condition or count).
    /// Endpoints known not to be created are left out of [`NetworkFacts::endpoints`].
    pub exists: Fact<bool>,
}

/// An endpoint as seen from one run site.
#[derive(Clone, Debug)]
pub struct SiteEndpoint {
    /// Index into [`NetworkFacts::endpoints`].
    pub endpoint: usize,
    /// In the VPC of the task subnets.
    pub in_task_vpc: Fact<bool>,
    /// Interface endpoints: its subnets cover every AZ of the task subnets.
    pub az_coverage: Fact<bool>,
    /// Interface endpoints: its security groups admit TCP 443 from the task (its groups, or a CIDR
    /// containing every task subnet).
    pub admits_task: Fact<bool>,
    /// The task's security groups allow TCP 443 out to it (interface: its groups or subnets;
    /// gateway S3: `0.0.0.0/0` or its prefix list).
    pub task_egress: Fact<bool>,
    /// Gateway endpoints: on the effective route table of every task subnet.
    pub on_task_route_tables: Fact<bool>,
}

impl Endpoint {
    /// Private DNS that works: enabled on the endpoint, and the VPC resolves and hosts names
    /// (`enable_dns_support` and `enable_dns_hostnames`). Unknown when any part is.
    pub fn private_dns_effective(&self) -> Fact<bool> {
        let mut unknown = None;
        for f in [
            &self.private_dns,
            &self.vpc_dns_support,
            &self.vpc_dns_hostnames,
        ] {
            match f {
                Fact::Known { value: false, at } => return Fact::known(false, *at),
                Fact::Known { .. } => {}
                Fact::Unknown { .. } => {
                    unknown.get_or_insert_with(|| f.clone());
                }
                Fact::Absent => {
                    unknown.get_or_insert(Fact::unknown("not known", None));
                }
            }
        }
        unknown.unwrap_or_else(|| self.private_dns.clone())
    }
}

impl NetworkFacts {
    /// The endpoints of a site's VPC classified as `service` (including those whose VPC is not
    /// known, which a rule must treat as maybe-present).
    pub fn site_endpoints<'a, 's>(
        &'a self,
        site: &'a RunSite,
        service: &'s Service,
    ) -> impl Iterator<Item = (&'a SiteEndpoint, &'a Endpoint)> + use<'a, 's> {
        site.endpoints.iter().filter_map(move |se| {
            let ep = &self.endpoints[se.endpoint];
            let same = ep.service.value().map(|s| &s.service) == Some(service);
            (same && se.in_task_vpc.value() != Some(&false)).then_some((se, ep))
        })
    }
}

/// Indexes built once per graph, in one pass over the few kinds they need: standalone
/// security-group rules by group, the managed default group and the main route table by VPC.
pub struct Index<'g> {
    pub g: &'g Graph,
    rules: HashMap<NodeId, Vec<NodeId>>,
    default_sgs: HashMap<NodeId, NodeId>,
    main_tables: HashMap<NodeId, Fact<NodeId>>,
    /// Internet gateway → the VPCs it is attached to, and the attaching resource's span.
    igw_vpcs: HashMap<NodeId, Vec<(NodeId, Option<Span>)>>,
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
            if node_exists(g.node(a)) == Some(false) {
                continue;
            }
            for v in edge_targets(g, a, "vpc_id") {
                main_tables
                    .entry(v)
                    .or_insert_with(|| single_target(g, a, "route_table_id", Kind::RouteTable));
            }
        }
        for d in of(Kind::DefaultRouteTable) {
            if node_exists(g.node(d)) == Some(false) {
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
            if node_exists(g.node(a)) == Some(false) {
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
            .filter(|&id| node_exists(g.node(id)) != Some(false))
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

/// `aws_vpc.x.main_route_table_id` / `default_route_table_id`: the VPC's main route table.
pub(crate) fn is_main_table_attr(attr: &str) -> bool {
    attr == "main_route_table_id" || attr == "default_route_table_id"
}

/// Analyses the network of every run site of the graph.
pub fn analyse(graph: &Graph) -> NetworkFacts {
    let ix = Index::new(graph);
    let mut cx = routes::Classifier::new(&ix);
    let endpoints: Vec<Endpoint> = graph
        .by_kind
        .get(&Kind::VpcEndpoint)
        .into_iter()
        .flatten()
        .filter(|&&id| node_exists(graph.node(id)) != Some(false))
        .map(|&id| endpoint(&ix, id))
        .collect();
    // Endpoints by VPC; those whose VPC is not known may be in any.
    let mut by_vpc: HashMap<NodeId, Vec<usize>> = HashMap::new();
    let mut anywhere: Vec<usize> = Vec::new();
    for (i, ep) in endpoints.iter().enumerate() {
        match ep.vpc.value() {
            Some(&v) => by_vpc.entry(v).or_default().push(i),
            None => anywhere.push(i),
        }
    }
    let near = Near {
        endpoints: &endpoints,
        peers: endpoints.iter().map(|ep| endpoint_peer(ix.g, ep)).collect(),
        by_vpc,
        anywhere,
        members: sg::Members::new(&ix, &endpoints),
    };
    let mut memo = sg::Memo::default();
    let mut sites = Vec::new();
    for (kind, sk, path) in [
        (Kind::Service, SiteKind::Service, "network_configuration"),
        (
            Kind::EventTarget,
            SiteKind::EventTarget,
            "ecs_target.network_configuration",
        ),
        (
            Kind::Schedule,
            SiteKind::Schedule,
            "target.ecs_parameters.network_configuration",
        ),
    ] {
        for &id in graph.by_kind.get(&kind).into_iter().flatten() {
            let n = graph.node(id);
            if !fargate_capable(n, sk) || node_exists(n) == Some(false) {
                continue;
            }
            sites.push(site(&ix, &mut cx, &mut memo, &near, id, sk, path));
        }
    }
    NetworkFacts { sites, endpoints }
}

/// Excludes only run sites proven not to use Fargate (launch type EC2/EXTERNAL, or a known
/// capacity-provider strategy without FARGATE*). EventBridge/Scheduler targets must have ECS
/// parameters.
fn fargate_capable(n: &Node, kind: SiteKind) -> bool {
    let base = match kind {
        SiteKind::Service => "",
        SiteKind::EventTarget => "ecs_target",
        SiteKind::Schedule => "target.ecs_parameters",
    };
    let p = |f: &str| {
        if base.is_empty() {
            f.to_string()
        } else {
            format!("{base}.{f}")
        }
    };
    if !base.is_empty() && n.field(base).is_none() {
        return false;
    }
    if let Some(lt) = n.field(&p("launch_type")).and_then(|v| v.as_str()) {
        return lt.eq_ignore_ascii_case("FARGATE");
    }
    if let Some(list) = n
        .field(&p("capacity_provider_strategy"))
        .and_then(|v| v.as_list())
    {
        let names: Vec<Option<&str>> = list
            .iter()
            .map(|i| i.get("capacity_provider").and_then(|v| v.as_str()))
            .collect();
        if !names.is_empty()
            && names
                .iter()
                .all(|n| n.is_some_and(|n| !n.to_ascii_uppercase().starts_with("FARGATE")))
        {
            return false;
        }
    }
    true
}

/// The endpoints of a unit, grouped for pairing with run sites.
struct Near<'a> {
    endpoints: &'a [Endpoint],
    /// Per endpoint, what a task's egress must reach (its groups and subnet CIDRs).
    peers: Vec<sg::Peer>,
    /// Endpoints of a known VPC, by VPC, in input order.
    by_vpc: HashMap<NodeId, Vec<usize>>,
    /// Endpoints whose VPC is not known, in input order.
    anywhere: Vec<usize>,
    /// The security groups the endpoints are members of (what a group-to-group rule reaches).
    members: sg::Members,
}

impl Near<'_> {
    /// The endpoints that may be in `vpc`, in input order: all of them when it is not known.
    fn of(&self, vpc: &Fact<NodeId>) -> Vec<usize> {
        let Some(v) = vpc.value() else {
            return (0..self.endpoints.len()).collect();
        };
        let own = self.by_vpc.get(v).map(Vec::as_slice).unwrap_or(&[]);
        let mut out: Vec<usize> = own.iter().chain(&self.anywhere).copied().collect();
        out.sort_unstable();
        out
    }
}

fn site(
    ix: &Index,
    cx: &mut routes::Classifier,
    memo: &mut sg::Memo,
    near: &Near,
    id: NodeId,
    kind: SiteKind,
    path: &'static str,
) -> RunSite {
    let g = ix.g;
    let n = g.node(id);
    // Where defaults point: the network configuration block, else the resource.
    let nc_at = n.field(path).and_then(|v| v.span).or(Some(n.span));
    // Public IP.
    let ip_path = format!("{path}.assign_public_ip");
    let (public_ip, public_ip_default) = match n.field(&ip_path) {
        Some(v) => match v.as_bool() {
            Some(b) => (Fact::known(b, v.span.or(nc_at)), n.is_default(&ip_path)),
            None => (Fact::unknown(describe(g, id, &ip_path, v), v.span), false),
        },
        None if n.field(path).is_some() => (Fact::known(false, nc_at), true),
        None => (Fact::Absent, false),
    };
    // Subnets.
    let subnet_ids = node_list(g, id, &format!("{path}.subnets"), Kind::Subnet);
    let subnets: Fact<Vec<SubnetFacts>> = match subnet_ids {
        Fact::Known { value, at } => Fact::Known {
            value: value
                .into_iter()
                .map(|s| subnet_facts(ix, cx, s, &public_ip))
                .collect(),
            at,
        },
        Fact::Unknown { reason, at } => Fact::Unknown { reason, at },
        Fact::Absent => Fact::Absent,
    };
    // VPC of the subnets.
    let vpc = match &subnets {
        Fact::Known { value, at } => common_vpc(value, *at),
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        Fact::Absent => Fact::Absent,
    };
    // Security groups (none → the VPC default).
    let sg_path = format!("{path}.security_groups");
    let dflt = || match default_sg(ix, &vpc) {
        Fact::Known { value, .. } => Fact::known(vec![value], nc_at),
        other => other.map(|_| vec![]),
    };
    let security_groups = match node_list(g, id, &sg_path, Kind::SecurityGroup) {
        Fact::Known { value, .. } if value.is_empty() => dflt(),
        Fact::Absent if n.field(path).is_some() => dflt(),
        Fact::Known { value, at } => Fact::Known {
            value: value.into_iter().map(|f| sg_of(ix, f)).collect(),
            at,
        },
        Fact::Unknown { reason, at } => Fact::Unknown { reason, at },
        Fact::Absent => Fact::Absent,
    };
    let private_only = all_private(&subnets);
    let groups: Vec<Fact<SgRef>> = match &security_groups {
        Fact::Known { value, .. } => value.clone(),
        Fact::Unknown { reason, at } => vec![Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        }],
        Fact::Absent => vec![],
    };
    let egress_internet = sg::allows_443(
        ix,
        &groups,
        Direction::Egress,
        &Peer {
            internet: true,
            ..Peer::default()
        },
    );
    let egress_any = sg::has_rules(ix, &near.members, &groups, Direction::Egress);
    let (igw_unrouted, unrouted_igw) = igw_unrouted(ix, &vpc, &subnets, &public_ip);
    let task_cidrs = subnet_cidrs(&subnets);
    let site_endpoints = near
        .of(&vpc)
        .into_iter()
        .map(|i| {
            let task = Task {
                vpc: &vpc,
                subnets: &subnets,
                groups: &groups,
                cidrs: &task_cidrs,
            };
            site_endpoint(ix, memo, i, near, &task)
        })
        .collect();
    RunSite {
        node: id,
        kind,
        path,
        subnets,
        security_groups,
        public_ip,
        public_ip_default,
        vpc,
        private_only,
        endpoints: site_endpoints,
        egress_internet,
        igw_unrouted,
        unrouted_igw,
        egress_any,
    }
}

/// See [`RunSite::igw_unrouted`].
fn igw_unrouted(
    ix: &Index,
    vpc: &Fact<NodeId>,
    subnets: &Fact<Vec<SubnetFacts>>,
    public_ip: &Fact<bool>,
) -> (Fact<bool>, Option<NodeId>) {
    let g = ix.g;
    let subs = match subnets {
        Fact::Known { value, .. } if !value.is_empty() => value,
        Fact::Known { at, .. } => return (Fact::known(false, *at), None),
        Fact::Unknown { reason, at } => {
            return (
                Fact::Unknown {
                    reason: reason.clone(),
                    at: *at,
                },
                None,
            )
        }
        Fact::Absent => return (Fact::Absent, None),
    };
    // Every task subnet without a default route (a known class, no route deciding it).
    let unrouted = Fact::all(subs.iter().map(|s| match &s.egress {
        Fact::Known { value, at } => {
            Fact::known(*value == Egress::None && s.egress_route.is_none(), *at)
        }
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        Fact::Absent => Fact::unknown("the egress is not known", None),
    }));
    let v = match vpc {
        Fact::Known { value, .. } => *value,
        Fact::Unknown { reason, at } => {
            let u = Fact::Unknown {
                reason: reason.clone(),
                at: *at,
            };
            return (Fact::all([unrouted, u]), None);
        }
        Fact::Absent => {
            return (
                Fact::all([unrouted, Fact::unknown("the task VPC is not known", None)]),
                None,
            )
        }
    };
    let mut igws: Vec<NodeId> = ix
        .igw_vpcs
        .iter()
        .filter(|(i, vs)| node_exists(g.node(**i)) == Some(true) && vs.iter().any(|(x, _)| *x == v))
        .map(|(i, _)| *i)
        .collect();
    igws.sort();
    let Some(&igw) = igws.first() else {
        // No internet gateway in the configuration: the VPC may have one elsewhere.
        let has = if g.node(v).mode == Mode::Data || !g.unread.is_empty() {
            Fact::unknown(
                "the task VPC's internet gateway may be defined elsewhere",
                None,
            )
        } else {
            Fact::known(false, None)
        };
        return (Fact::all([unrouted, has]), None);
    };
    // Meant to be public: a public IP asked for, a public-IP subnet, or a gateway nothing routes
    // to (an IGW is created to be routed to).
    let map_public = Fact::any(subs.iter().map(|s| match s.subnet.value() {
        Some(&sid) => match g.node(sid).field("map_public_ip_on_launch") {
            None if g.node(sid).mode != Mode::Data => Fact::known(false, None),
            None => Fact::unknown("a data-source subnet", None),
            Some(x) => match x.as_bool() {
                Some(b) => Fact::known(b, x.span),
                None => Fact::unknown("`map_public_ip_on_launch` is not known", x.span),
            },
        },
        None => Fact::unknown("a task subnet is not known", None),
    }));
    let routed_by_nobody = {
        let routed = g.edges_to(igw).any(|e| {
            matches!(
                g.node(e.from).kind,
                Kind::Route | Kind::RouteTable | Kind::DefaultRouteTable
            )
        });
        if routed {
            Fact::known(false, None)
        } else if !g.unread.is_empty() {
            Fact::unknown(
                "a module or nested stack that is not read may route to the internet gateway",
                None,
            )
        } else {
            Fact::known(true, Some(g.node(igw).span))
        }
    };
    let intent = Fact::any([known_or(public_ip), map_public, routed_by_nobody]);
    (Fact::all([unrouted, intent]), Some(igw))
}

fn known_or(f: &Fact<bool>) -> Fact<bool> {
    match f {
        Fact::Absent => Fact::known(false, None),
        f => f.clone(),
    }
}

fn subnet_facts(
    ix: &Index,
    cx: &mut routes::Classifier,
    s: Fact<NodeId>,
    public_ip: &Fact<bool>,
) -> SubnetFacts {
    let g = ix.g;
    let Fact::Known { value: sid, .. } = s else {
        return SubnetFacts {
            vpc: same_unknown(&s),
            cidr: same_unknown(&s),
            availability_zone: same_unknown(&s),
            route_table: same_unknown(&s),
            route_table_explicit: false,
            egress: same_unknown(&s),
            egress_route: None,
            nat_gateway: None,
            internet_gateway: None,
            igw_attached: Fact::Absent,
            internet: same_unknown(&s),
            private_only: same_unknown(&s),
            subnet: s,
        };
    };
    let n = g.node(sid);
    let vpc = single_target(g, sid, "vpc_id", Kind::Vpc);
    let cidr = match n.field("cidr_block") {
        Some(v) => match sg::cidr_of(g, sid, "cidr_block", v) {
            Ok(c) => Fact::known(c, v.span),
            Err(r) => Fact::unknown(r, v.span),
        },
        None => Fact::unknown(
            format!("`{}` has no known cidr_block", n.address),
            Some(n.span),
        ),
    };
    let availability_zone = match n.field("availability_zone") {
        Some(v) => match v.as_str() {
            Some(s) => Fact::known(s.to_string(), v.span),
            None => Fact::unknown(describe(g, sid, "availability_zone", v), v.span),
        },
        None => Fact::unknown(
            format!(
                "`{}` does not set availability_zone (AWS chooses it)",
                n.address
            ),
            Some(n.span),
        ),
    };
    let (route_table, explicit) = cx.route_table(sid);
    let (egress, egress_route) = cx.egress(sid);
    let nat_gateway = egress_route.and_then(|r| {
        edge_targets(g, r, "nat_gateway_id")
            .into_iter()
            .find(|&t| g.node(t).kind == Kind::NatGateway)
    });
    let igw_of = |route: Option<NodeId>| {
        route.and_then(|r| {
            edge_targets(g, r, "gateway_id")
                .into_iter()
                .find(|&t| g.node(t).kind == Kind::InternetGateway)
        })
    };
    let mut internet_gateway = igw_of(egress_route);
    if let (None, Some(nat)) = (internet_gateway, nat_gateway) {
        if let Fact::Known { value: ns, .. } = single_target(g, nat, "subnet_id", Kind::Subnet) {
            internet_gateway = igw_of(cx.egress(ns).1);
        }
    }
    let igw_attached = match internet_gateway {
        Some(igw) => ix.igw_attached(igw, &vpc),
        None => Fact::Absent,
    };
    let internet = match &egress {
        Fact::Known { value, at } => match value {
            Egress::Igw => match public_ip {
                Fact::Known {
                    value: ip,
                    at: ip_at,
                } => Fact::known(*ip, ip_at.or(*at)),
                Fact::Unknown { reason, at } => Fact::Unknown {
                    reason: reason.clone(),
                    at: *at,
                },
                Fact::Absent => Fact::unknown("no network configuration", None),
            },
            Egress::Nat => Fact::known(true, *at),
            Egress::Other => Fact::unknown(
                match egress_route {
                    Some(r) => format!(
                        "the default route `{}` leads to a target beyond which the configuration does not show the way: the internet or endpoints elsewhere may be reached through it",
                        g.node(r).address
                    ),
                    None => "the default route leads to a target beyond which the configuration does not show the way".into(),
                },
                *at,
            ),
            Egress::None => Fact::known(false, *at),
        },
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        Fact::Absent => Fact::Absent,
    };
    // An IPv6-only subnet reaches AWS over IPv6 (egress-only gateways, dual-stack endpoints):
    // the IPv4 model cannot tell.
    let internet = match n.field("ipv6_native") {
        Some(v) if v.as_bool() == Some(true) => Fact::unknown(
            format!(
                "`{}` is an IPv6-only subnet: its tasks reach AWS over IPv6, which is not modelled",
                n.address
            ),
            v.span.or(Some(n.span)),
        ),
        _ => internet,
    };
    let private_only = internet.clone().map(|b| !b);
    SubnetFacts {
        subnet: Fact::known(sid, Some(n.span)),
        vpc,
        cidr,
        availability_zone,
        route_table,
        route_table_explicit: explicit,
        egress,
        egress_route,
        nat_gateway,
        internet_gateway,
        igw_attached,
        internet,
        private_only,
    }
}

/// The same Unknown (or Absent) for another type; `Absent` for a Known.
fn same_unknown<T, U>(f: &Fact<T>) -> Fact<U> {
    match f {
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        _ => Fact::Absent,
    }
}

fn common_vpc(subnets: &[SubnetFacts], at: Option<Span>) -> Fact<NodeId> {
    let mut found: Option<NodeId> = None;
    for s in subnets {
        match &s.vpc {
            Fact::Known { value, .. } => {
                if found.is_some_and(|f| f != *value) {
                    return Fact::unknown("the task subnets are in different VPCs", at);
                }
                found = Some(*value);
            }
            Fact::Unknown { reason, at } => {
                return Fact::Unknown {
                    reason: reason.clone(),
                    at: *at,
                }
            }
            Fact::Absent => return Fact::unknown("a task subnet has no VPC", at),
        }
    }
    match found {
        Some(v) => Fact::known(v, at),
        None => Fact::unknown("no task subnet is known", at),
    }
}

fn all_private(subnets: &Fact<Vec<SubnetFacts>>) -> Fact<bool> {
    match subnets {
        Fact::Known { value, at } => {
            if value.is_empty() {
                return Fact::unknown("no task subnet is written", *at);
            }
            let mut unknown = None;
            for s in value {
                match &s.private_only {
                    Fact::Known { value: false, at } => return Fact::known(false, *at),
                    Fact::Known { .. } => {}
                    Fact::Unknown { reason, at } => {
                        unknown.get_or_insert(Fact::Unknown {
                            reason: reason.clone(),
                            at: *at,
                        });
                    }
                    Fact::Absent => {
                        unknown.get_or_insert(Fact::unknown("a task subnet is not known", None));
                    }
                }
            }
            unknown.unwrap_or(Fact::known(true, *at))
        }
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        Fact::Absent => Fact::Absent,
    }
}

fn subnet_cidrs(subnets: &Fact<Vec<SubnetFacts>>) -> Fact<Vec<Ipv4Net>> {
    match subnets {
        Fact::Known { value, at } => {
            let mut out = Vec::new();
            for s in value {
                match &s.cidr {
                    Fact::Known { value, .. } => out.push(*value),
                    Fact::Unknown { reason, at } => {
                        return Fact::Unknown {
                            reason: reason.clone(),
                            at: *at,
                        }
                    }
                    Fact::Absent => return Fact::unknown("a task subnet is not known", *at),
                }
            }
            Fact::known(out, *at)
        }
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        Fact::Absent => Fact::Absent,
    }
}

fn default_sg(ix: &Index, vpc: &Fact<NodeId>) -> Fact<Fact<SgRef>> {
    match vpc {
        Fact::Known { value, at } => {
            let managed = ix.default_sg(*value);
            Fact::known(
                Fact::known(
                    SgRef::VpcDefault {
                        vpc: *value,
                        managed,
                    },
                    *at,
                ),
                *at,
            )
        }
        // No group given and the VPC is not known: the VPC's reason is the root cause (one
        // cause in `--explain-unknown`, whichever fact it leaves unknown).
        Fact::Unknown { reason, at } => Fact::known(
            Fact::Unknown {
                reason: reason.clone(),
                at: *at,
            },
            *at,
        ),
        Fact::Absent => Fact::Absent,
    }
}

fn sg_of(ix: &Index, f: Fact<NodeId>) -> Fact<SgRef> {
    let g = ix.g;
    match f {
        Fact::Known { value, at } => match g.node(value).kind {
            Kind::SecurityGroup | Kind::DefaultSecurityGroup => Fact::known(SgRef::Node(value), at),
            // `aws_vpc.x.default_security_group_id`, `!GetAtt Vpc.DefaultSecurityGroup`.
            Kind::Vpc => Fact::known(
                SgRef::VpcDefault {
                    vpc: value,
                    managed: ix.default_sg(value),
                },
                at,
            ),
            _ => Fact::unknown(
                format!("`{}` is not a security group", g.node(value).address),
                at,
            ),
        },
        Fact::Unknown { reason, at } => Fact::Unknown { reason, at },
        Fact::Absent => Fact::Absent,
    }
}

/// What a run site brings to its endpoint answers.
struct Task<'a> {
    vpc: &'a Fact<NodeId>,
    subnets: &'a Fact<Vec<SubnetFacts>>,
    groups: &'a [Fact<SgRef>],
    cidrs: &'a Fact<Vec<Ipv4Net>>,
}

impl Task<'_> {
    /// The task's groups when every one is known: the key of its memoised answers.
    fn known_groups(&self) -> Option<Vec<SgRef>> {
        self.groups.iter().map(|f| f.value().copied()).collect()
    }
}

/// What a task's egress must reach to get to an interface endpoint: its security groups, or
/// its subnets' CIDRs (once per endpoint, whatever the number of sites).
fn endpoint_peer(g: &Graph, ep: &Endpoint) -> Peer {
    let cidrs = match &ep.subnets {
        Fact::Known { value, at } => {
            let mut out = Vec::new();
            let mut bad = None;
            for &s in value {
                match g.node(s).field("cidr_block") {
                    Some(v) => match sg::cidr_of(g, s, "cidr_block", v) {
                        Ok(c) => out.push(c),
                        Err(r) => {
                            bad.get_or_insert(r);
                        }
                    },
                    None => {
                        bad.get_or_insert(format!(
                            "`{}` has no known cidr_block",
                            g.node(s).address
                        ));
                    }
                }
            }
            match bad {
                Some(r) => Fact::unknown(r, *at),
                None => Fact::known(out, *at),
            }
        }
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        Fact::Absent => Fact::known(vec![], None),
    };
    Peer {
        groups: ep.security_groups.clone(),
        cidrs: Some(cidrs),
        ..Peer::default()
    }
}

fn site_endpoint(
    ix: &Index,
    memo: &mut sg::Memo,
    index: usize,
    near: &Near,
    task: &Task,
) -> SiteEndpoint {
    let g = ix.g;
    let ep = &near.endpoints[index];
    let (vpc, subnets, groups) = (task.vpc, task.subnets, task.groups);
    let at = Some(g.node(ep.node).span);
    let in_task_vpc = match (&ep.vpc, vpc) {
        (Fact::Known { value: a, at }, Fact::Known { value: b, .. }) => Fact::known(a == b, *at),
        (Fact::Unknown { reason, at }, _) | (_, Fact::Unknown { reason, at }) => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        _ => Fact::unknown("the VPC is not known", at),
    };
    let interface = ep.endpoint_type.value() == Some(&EndpointType::Interface);
    let gateway = ep.endpoint_type.value() == Some(&EndpointType::Gateway);
    let na = |what: &str| Fact::unknown(format!("not an interface endpoint ({what})"), at);
    let az_coverage = if interface {
        az_coverage(g, ep, subnets)
    } else {
        na("AZ coverage")
    };
    let admits_task = if interface {
        // The endpoint's groups admitting the task: the same for every site with the same
        // groups and subnets.
        let key = task.known_groups().zip(task.cidrs.value().cloned());
        memo.get_or(
            key.map(|(gs, cs)| (Direction::Ingress, index, gs, cs)),
            || {
                sg::allows_443(
                    ix,
                    &ep.security_groups,
                    Direction::Ingress,
                    &Peer {
                        groups: groups.to_vec(),
                        cidrs: Some(task.cidrs.clone()),
                        ..Peer::default()
                    },
                )
            },
        )
    } else {
        na("ingress")
    };
    let s3_gateway = gateway && ep.service.value().map(|s| &s.service) == Some(&Service::S3);
    let task_egress = if interface || s3_gateway {
        let key = task.known_groups();
        memo.get_or(key.map(|gs| (Direction::Egress, index, gs, vec![])), || {
            let s3 = Peer {
                s3_prefix_list_of: Some(ep.node),
                ..Peer::default()
            };
            let peer = if interface { &near.peers[index] } else { &s3 };
            sg::allows_443(ix, groups, Direction::Egress, peer)
        })
    } else {
        Fact::unknown("not an interface or S3 gateway endpoint", at)
    };
    let on_task_route_tables = if gateway {
        on_route_tables(ep, subnets)
    } else {
        Fact::unknown("not a gateway endpoint", at)
    };
    SiteEndpoint {
        endpoint: index,
        in_task_vpc,
        az_coverage,
        admits_task,
        task_egress,
        on_task_route_tables,
    }
}

fn az_coverage(g: &Graph, ep: &Endpoint, subnets: &Fact<Vec<SubnetFacts>>) -> Fact<bool> {
    let at = Some(g.node(ep.node).span);
    let ep_subnets = match &ep.subnets {
        Fact::Known { value, .. } => value,
        Fact::Unknown { reason, at } => {
            return Fact::Unknown {
                reason: reason.clone(),
                at: *at,
            }
        }
        Fact::Absent => return Fact::known(false, at),
    };
    let mut azs = HashSet::new();
    for &s in ep_subnets {
        let n = g.node(s);
        match n.field("availability_zone").and_then(|v| v.as_str()) {
            Some(a) => {
                azs.insert(a);
            }
            None => {
                return Fact::unknown(
                    format!("the availability zone of `{}` is not known", n.address),
                    Some(n.span),
                )
            }
        }
    }
    let Fact::Known { value: task, .. } = subnets else {
        return Fact::unknown("the task subnets are not known", at);
    };
    for s in task {
        match &s.availability_zone {
            Fact::Known { value, .. } => {
                if !azs.contains(value.as_str()) {
                    return Fact::known(false, at);
                }
            }
            Fact::Unknown { reason, at } => {
                return Fact::Unknown {
                    reason: reason.clone(),
                    at: *at,
                }
            }
            Fact::Absent => return Fact::unknown("a task subnet is not known", at),
        }
    }
    Fact::known(true, at)
}

fn on_route_tables(ep: &Endpoint, subnets: &Fact<Vec<SubnetFacts>>) -> Fact<bool> {
    let Fact::Known { value: task, .. } = subnets else {
        return Fact::unknown("the task subnets are not known", None);
    };
    let tables = match &ep.route_tables {
        Fact::Known { value, .. } => value.as_slice(),
        Fact::Unknown { reason, at } => {
            // Still proven when every task table is listed among the known ones? Not knowable.
            return Fact::Unknown {
                reason: reason.clone(),
                at: *at,
            };
        }
        Fact::Absent => &[],
    };
    let at = match &ep.route_tables {
        Fact::Known { at, .. } => *at,
        _ => None,
    };
    for s in task {
        match &s.route_table {
            Fact::Known { value, .. } => {
                if !tables.contains(value) {
                    return Fact::known(false, at);
                }
            }
            Fact::Unknown { reason, at } => {
                return Fact::Unknown {
                    reason: reason.clone(),
                    at: *at,
                }
            }
            Fact::Absent => return Fact::unknown("a task subnet is not known", at),
        }
    }
    Fact::known(true, at)
}

// ---------------------------------------------------------------------------------------------
// Endpoints

fn endpoint(ix: &Index, id: NodeId) -> Endpoint {
    let g = ix.g;
    let n = g.node(id);
    // Service name (possibly through `data "aws_vpc_endpoint_service"`).
    let service = match n.field("service_name") {
        Some(v) => service_of(g, id, v),
        None => Fact::unknown(format!("`{}` has no service_name", n.address), Some(n.span)),
    };
    let region = match &service {
        Fact::Known { value, at } => match &value.region {
            Some(r) => Fact::known(r.clone(), *at),
            None => Fact::unknown(
                format!("`{}` service_name has no literal Region part", n.address),
                *at,
            ),
        },
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        Fact::Absent => Fact::Absent,
    };
    let (endpoint_type, endpoint_type_default) = match n.field("vpc_endpoint_type") {
        Some(v) => match v.as_str() {
            Some(s) => (
                Fact::known(
                    if s.eq_ignore_ascii_case("Interface") {
                        EndpointType::Interface
                    } else if s.eq_ignore_ascii_case("Gateway") {
                        EndpointType::Gateway
                    } else {
                        EndpointType::Other(s.to_string())
                    },
                    v.span,
                ),
                n.is_default("vpc_endpoint_type"),
            ),
            None => (
                Fact::unknown(describe(g, id, "vpc_endpoint_type", v), v.span),
                false,
            ),
        },
        None => (
            Fact::unknown(
                format!("`{}` vpc_endpoint_type is not known", n.address),
                Some(n.span),
            ),
            false,
        ),
    };
    let vpc = single_target(g, id, "vpc_id", Kind::Vpc);
    // Associations pointing at the endpoint.
    let mut assoc_subnets = Vec::new();
    let mut assoc_sgs = Vec::new();
    let mut assoc_rts = Vec::new();
    let mut dns_override: Option<Fact<bool>> = None;
    for e in g.edges_to(id) {
        if e.field != "vpc_endpoint_id" {
            continue;
        }
        let a = g.node(e.from);
        if node_exists(a) == Some(false) {
            continue;
        }
        match a.kind {
            Kind::VpcEndpointSubnetAssociation => {
                assoc_subnets.push(single_target(g, a.id, "subnet_id", Kind::Subnet))
            }
            Kind::VpcEndpointSecurityGroupAssociation => assoc_sgs.push(sg_of(
                ix,
                single_target(g, a.id, "security_group_id", Kind::SecurityGroup),
            )),
            Kind::VpcEndpointRouteTableAssociation => {
                assoc_rts.push(single_target(g, a.id, "route_table_id", Kind::RouteTable))
            }
            Kind::VpcEndpointPrivateDns => {
                dns_override = Some(match a.field("private_dns_enabled") {
                    Some(v) => match v.as_bool() {
                        Some(b) => Fact::known(b, v.span),
                        None => Fact::unknown(describe(g, a.id, "private_dns_enabled", v), v.span),
                    },
                    None => Fact::unknown(
                        format!("`{}` private_dns_enabled is not written", a.address),
                        Some(a.span),
                    ),
                })
            }
            _ => {}
        }
    }
    let subnets = merge(node_list(g, id, "subnet_ids", Kind::Subnet), assoc_subnets);
    let route_tables = merge(
        node_list(g, id, "route_table_ids", Kind::RouteTable),
        assoc_rts,
    );
    let (private_dns, private_dns_default) = match dns_override {
        Some(f) => (f, false),
        None => match n.field("private_dns_enabled") {
            Some(v) => match v.as_bool() {
                Some(b) => (Fact::known(b, v.span), n.is_default("private_dns_enabled")),
                None => (
                    Fact::unknown(describe(g, id, "private_dns_enabled", v), v.span),
                    false,
                ),
            },
            None => (
                Fact::unknown(
                    format!("`{}` private_dns_enabled is not known", n.address),
                    Some(n.span),
                ),
                false,
            ),
        },
    };
    let vpc_attr = |field: &str| match &vpc {
        Fact::Known { value, .. } => {
            let v = g.node(*value);
            match v.field(field) {
                Some(x) => match x.as_bool() {
                    Some(b) => Fact::known(b, x.span.or(Some(v.span))),
                    None => Fact::unknown(describe(g, *value, field, x), x.span),
                },
                None => Fact::unknown(
                    format!("`{}` {field} is not known", v.address),
                    Some(v.span),
                ),
            }
        }
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        Fact::Absent => Fact::Absent,
    };
    let vpc_dns_support = vpc_attr("enable_dns_support");
    let vpc_dns_hostnames = vpc_attr("enable_dns_hostnames");
    // Security groups: written ones and associations; none → the VPC default group.
    let mut security_groups: Vec<Fact<SgRef>> =
        match node_list(g, id, "security_group_ids", Kind::SecurityGroup) {
            Fact::Known { value, .. } => value.into_iter().map(|f| sg_of(ix, f)).collect(),
            Fact::Unknown { reason, at } => vec![Fact::Unknown { reason, at }],
            Fact::Absent => vec![],
        };
    security_groups.extend(assoc_sgs);
    if security_groups.is_empty() {
        if let Fact::Known { value, .. } = default_sg(ix, &vpc) {
            security_groups.push(value);
        } else {
            security_groups.push(Fact::unknown(
                format!(
                    "`{}` has no security group and its VPC is not known",
                    n.address
                ),
                Some(n.span),
            ));
        }
    }
    Endpoint {
        node: id,
        region_is_deployment: n.field("service_name").is_some_and(mentions_region_symbol),
        service,
        region,
        endpoint_type,
        endpoint_type_default,
        vpc,
        subnets,
        private_dns,
        private_dns_default,
        vpc_dns_support,
        vpc_dns_hostnames,
        security_groups,
        route_tables,
        exists: exists_fact(n),
    }
}

fn service_of(g: &Graph, id: NodeId, v: &Value) -> Fact<ServiceName> {
    // A reference to `data "aws_vpc_endpoint_service"`: its `service` or `service_name`.
    if let Val::Ref(_) = &v.kind {
        if v.as_str().is_none() {
            for t in edge_targets(g, id, "service_name") {
                let d = g.node(t);
                if d.kind != Kind::VpcEndpointService {
                    continue;
                }
                if let Some(s) = d.field("service").and_then(|s| s.as_str()) {
                    return Fact::known(service::classify_short(s), v.span);
                }
                if let Some(sn) = d.field("service_name") {
                    if let Some(c) = sn.render_pattern().and_then(|r| service::classify(&r)) {
                        return Fact::known(c, v.span);
                    }
                }
            }
        }
    }
    match v.render_pattern().and_then(|r| service::classify(&r)) {
        Some(c) => Fact::known(c, v.span),
        None => Fact::unknown(describe(g, id, "service_name", v), v.span),
    }
}

/// Whether a string value contains the Region pseudo parameter.
fn mentions_region_symbol(v: &Value) -> bool {
    match &v.deref().kind {
        Val::Symbol(crate::base::Symbol::Region) => true,
        Val::Template(parts) => parts.iter().any(mentions_region_symbol),
        _ => false,
    }
}

fn merge(base: Fact<Vec<Fact<NodeId>>>, extra: Vec<Fact<NodeId>>) -> Fact<Vec<NodeId>> {
    let (mut all, at) = match base {
        Fact::Known { value, at } => (value, at),
        Fact::Absent => (vec![], None),
        Fact::Unknown { reason, at } => return Fact::Unknown { reason, at },
    };
    all.extend(extra);
    let mut out = Vec::new();
    for f in all {
        match f {
            Fact::Known { value, .. } => {
                if !out.contains(&value) {
                    out.push(value)
                }
            }
            Fact::Unknown { reason, at } => return Fact::Unknown { reason, at },
            Fact::Absent => {}
        }
    }
    Fact::known(out, at)
}

// ---------------------------------------------------------------------------------------------
// Graph helpers

/// Whether a node is created: `Some(true)` / `Some(false)` when known, `None` when not.
pub(crate) fn node_exists(n: &Node) -> Option<bool> {
    match &n.exists {
        None => Some(true),
        Some(v) => v.as_bool(),
    }
}

/// Whether a node is created, as a fact.
fn exists_fact(n: &Node) -> Fact<bool> {
    match &n.exists {
        None => Fact::known(true, None),
        Some(v) => match v.as_bool() {
            Some(b) => Fact::known(b, v.span),
            None => Fact::unknown(
                format!("whether `{}` is created is not known", n.address),
                v.span.or(Some(n.span)),
            ),
        },
    }
}

/// Targets of the edges leaving `id` whose field is exactly `field`.
pub(crate) fn edge_targets(g: &Graph, id: NodeId, field: &str) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = g
        .edges_from(id)
        .filter(|e| e.field == field)
        .map(|e| e.to)
        .collect();
    out.dedup();
    out
}

/// Why a value at `field` of `id` does not give what was needed, naming the resource.
pub(crate) fn describe(g: &Graph, id: NodeId, field: &str, v: &Value) -> String {
    let a = &g.node(id).address;
    match &v.deref().kind {
        Val::Unknown(r) => format!("`{a}` {field}: {r}"),
        Val::Ref(r) => {
            if let Some(d) = g.dangling.iter().find(|d| d.from == id && d.field == field) {
                format!(
                    "`{a}` {field} refers to `{}`, which is not a resource of this unit",
                    d.target
                )
            } else {
                let attr = if r.attr.is_empty() {
                    String::new()
                } else {
                    format!(".{}", r.attr)
                };
                format!(
                    "`{a}` {field} is `{}{attr}`, whose value is not known",
                    r.target
                )
            }
        }
        Val::Choice(_) => format!("`{a}` {field} depends on a condition that cannot be decided"),
        Val::Template(_) => format!(
            "`{a}` {field} is only partly known (`{}`)",
            v.render_pattern().unwrap_or_default()
        ),
        Val::Symbol(s) => format!("`{a}` {field} is {}", s.name()),
        Val::Str(s) => format!("`{a}` {field} is the literal `{s}`, not a resource of this unit"),
        Val::Encoded(_) => format!("`{a}` {field} is an encoded value"),
        _ => format!("`{a}` {field} does not have the expected shape"),
    }
}

/// The one node of `kind` (or a related kind) that `field` of `id` refers to.
pub(crate) fn single_target(g: &Graph, id: NodeId, field: &str, kind: Kind) -> Fact<NodeId> {
    let n = g.node(id);
    let Some(v) = n.field(field) else {
        if n.mode == Mode::Data {
            return Fact::unknown(
                format!(
                    "`{}` is a data source: its {field} is not in the configuration",
                    n.address
                ),
                Some(n.span),
            );
        }
        return Fact::unknown(format!("`{}` has no {field}", n.address), Some(n.span));
    };
    let mut targets: Vec<NodeId> = g
        .edges_from(id)
        .filter(|e| e.field == field && edge_matches(g, e, kind))
        .map(|e| e.to)
        .collect();
    targets.dedup();
    match targets.as_slice() {
        [t] => Fact::known(*t, v.span),
        [] => Fact::unknown(describe(g, id, field, v), v.span),
        _ => Fact::unknown(
            format!("`{}` {field} refers to several resources", n.address),
            v.span,
        ),
    }
}

/// Whether an edge leads to a node of the wanted kind: the kind itself, its managed-default
/// variant, or, for security groups, a VPC's default group (`default_security_group_id`).
fn edge_matches(g: &Graph, e: &crate::graph::Edge, want: Kind) -> bool {
    let have = g.node(e.to).kind;
    have == want
        || matches!(
            (have, want),
            (Kind::DefaultRouteTable, Kind::RouteTable)
                | (Kind::DefaultSecurityGroup, Kind::SecurityGroup)
        )
        || (have == Kind::Vpc && want == Kind::SecurityGroup && is_default_sg_attr(&e.attr))
        || (have == Kind::Vpc && want == Kind::RouteTable && is_main_table_attr(&e.attr))
}

fn is_default_sg_attr(attr: &str) -> bool {
    attr.eq_ignore_ascii_case("default_security_group_id")
        || attr.eq_ignore_ascii_case("DefaultSecurityGroup")
}

/// The groups a rule's `security_group_id` at `field` of `holder` names.
pub(crate) fn sg_targets(ix: &Index, holder: NodeId, field: &str) -> Vec<SgRef> {
    let g = ix.g;
    g.edges_from(holder)
        .filter(|e| e.field == field && edge_matches(g, e, Kind::SecurityGroup))
        .filter_map(|e| sg_of(ix, Fact::known(e.to, None)).value().copied())
        .collect()
}

/// Two references to the same group (a managed `aws_default_security_group` is its VPC's
/// default group).
pub(crate) fn same_group(ix: &Index, a: &SgRef, b: &SgRef) -> bool {
    group_key(ix, a) == group_key(ix, b)
}

/// What identifies a group: a VPC's default group by its VPC (`true`), any other by its node.
pub(crate) fn group_key(ix: &Index, s: &SgRef) -> (bool, NodeId) {
    match *s {
        SgRef::VpcDefault { vpc, .. } => (true, vpc),
        SgRef::Node(id) if ix.g.node(id).kind == Kind::DefaultSecurityGroup => {
            match edge_targets(ix.g, id, "vpc_id").first() {
                Some(&v) => (true, v),
                None => (false, id),
            }
        }
        SgRef::Node(id) => (false, id),
    }
}

/// A list field of node references: each element a node (from its edge) or why not.
pub(crate) fn node_list(g: &Graph, id: NodeId, field: &str, kind: Kind) -> Fact<Vec<Fact<NodeId>>> {
    let n = g.node(id);
    let Some(v) = n.field(field) else {
        return Fact::Absent;
    };
    let mut by_field: HashMap<&str, Vec<NodeId>> = HashMap::new();
    for e in g.edges_from(id) {
        if crate::graph::path_under(&e.field, field) && edge_matches(g, e, kind) {
            by_field.entry(e.field.as_str()).or_default().push(e.to);
        }
    }
    match &v.kind {
        Val::List(items) => {
            let mut out = Vec::new();
            for (i, it) in items.iter().enumerate() {
                let f = format!("{field}[{i}]");
                match by_field.get(f.as_str()) {
                    Some(ts) => out.extend(ts.iter().map(|&t| Fact::known(t, it.span))),
                    None => out.push(Fact::unknown(describe(g, id, &f, it), it.span)),
                }
            }
            Fact::known(out, v.span)
        }
        _ => match by_field.get(field) {
            Some(ts) => Fact::known(ts.iter().map(|&t| Fact::known(t, v.span)).collect(), v.span),
            None => Fact::unknown(describe(g, id, field, v), v.span),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Explanation

/// What could not be verified, and why, one line each (for `--explain-unknown`).
pub fn explain(facts: &NetworkFacts, graph: &Graph) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |who: &str, what: &str, reason: &crate::base::Reason| {
        let line = format!("{who}: {what}: {reason}");
        if !out.contains(&line) {
            out.push(line);
        }
    };
    for site in &facts.sites {
        let who = graph.node(site.node).address.as_str();
        if let Fact::Unknown { reason, .. } = &site.public_ip {
            push(who, "public IP", reason);
        }
        if let Fact::Unknown { reason, .. } = &site.subnets {
            push(who, "subnets", reason);
        }
        if let Fact::Unknown { reason, .. } = &site.security_groups {
            push(who, "security groups", reason);
        }
        if let Fact::Known { value, .. } = &site.subnets {
            for (i, s) in value.iter().enumerate() {
                let what = match s.subnet.value() {
                    Some(&id) => format!("subnet `{}`", graph.node(id).address),
                    None => format!("subnet {i}"),
                };
                if let Fact::Unknown { reason, .. } = &s.subnet {
                    push(who, &what, reason);
                    continue;
                }
                if let Fact::Unknown { reason, .. } = &s.route_table {
                    push(who, &format!("{what} route table"), reason);
                }
                if let Fact::Unknown { reason, .. } = &s.egress {
                    push(who, &format!("{what} egress"), reason);
                }
                if let Fact::Unknown { reason, .. } = &s.internet {
                    push(who, &format!("{what} internet path"), reason);
                }
            }
        }
        if let Fact::Unknown { reason, .. } = &site.egress_internet {
            push(who, "task egress to the internet", reason);
        }
        for se in &site.endpoints {
            if se.in_task_vpc.value() == Some(&false) {
                continue;
            }
            let ep = &facts.endpoints[se.endpoint];
            let what = format!("endpoint `{}`", graph.node(ep.node).address);
            for (label, f) in [
                ("in the task VPC", &se.in_task_vpc),
                ("admits the task on 443", &se.admits_task),
                ("task egress to it", &se.task_egress),
            ] {
                if let Fact::Unknown { reason, .. } = f {
                    if !reason.0.starts_with("not ") {
                        push(who, &format!("{what} {label}"), reason);
                    }
                }
            }
            if let Fact::Unknown { reason, .. } = &se.on_task_route_tables {
                if !reason.0.starts_with("not ") {
                    push(who, &format!("{what} on the task route tables"), reason);
                }
            }
            for (label, f) in [
                ("created", &ep.exists.clone().map(|_| ())),
                ("service", &ep.service.clone().map(|_| ())),
                ("type", &ep.endpoint_type.clone().map(|_| ())),
                ("private DNS", &ep.private_dns.clone().map(|_| ())),
            ] {
                if let Fact::Unknown { reason, .. } = f {
                    push(who, &format!("{what} {label}"), reason);
                }
            }
        }
    }
    out
}
