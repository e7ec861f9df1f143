//! One run site: whether it may use Fargate, its subnets, public IP, security groups (the
//! VPC's default group when none is named), internet reach and egress, and its endpoint
//! answers.

use crate::analysis::Fact;
use crate::graph::{Kind, Mode, Node, NodeId};

use super::index::Index;
use super::lookup::{describe, node_list};
use super::routes::{self, Egress};
use super::sg::{self, sg_of, Direction, Peer, SgRef};
use super::site_endpoints::site_endpoint;
use super::subnets::{all_private, common_vpc, subnet_cidrs, subnet_facts};
use super::{Near, RunSite, SiteKind, SubnetFacts, Task};

/// Excludes only run sites proven not to use Fargate (launch type EC2/EXTERNAL, or a known
/// capacity-provider strategy without FARGATE*). EventBridge/Scheduler targets must have ECS
/// parameters.
pub(super) fn fargate_capable(n: &Node, kind: SiteKind) -> bool {
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

pub(super) fn site(
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
        .filter(|(i, vs)| g.node(**i).created() == Some(true) && vs.iter().any(|(x, _)| *x == v))
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

pub(super) fn default_sg(ix: &Index, vpc: &Fact<NodeId>) -> Fact<Fact<SgRef>> {
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
