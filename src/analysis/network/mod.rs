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

mod endpoints;
mod index;
mod lookup;
mod routes;
pub mod service;
pub mod sg;
mod site_endpoints;
mod sites;
mod subnets;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use ipnet::Ipv4Net;

use crate::analysis::Fact;
use crate::graph::{Graph, Kind, NodeId};

use endpoints::endpoint;
use site_endpoints::endpoint_peer;
use sites::{fargate_capable, site};

pub use index::Index;
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

/// Analyses the network of every run site of the graph.
pub fn analyse(graph: &Graph) -> NetworkFacts {
    let ix = Index::new(graph);
    let mut cx = routes::Classifier::new(&ix);
    let endpoints: Vec<Endpoint> = graph
        .by_kind
        .get(&Kind::VpcEndpoint)
        .into_iter()
        .flatten()
        .filter(|&&id| graph.node(id).created() != Some(false))
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
            if !fargate_capable(n, sk) || n.created() == Some(false) {
                continue;
            }
            sites.push(site(&ix, &mut cx, &mut memo, &near, id, sk, path));
        }
    }
    NetworkFacts { sites, endpoints }
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
