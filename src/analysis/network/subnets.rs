//! A run site's subnets: each one's VPC, CIDR, availability zone, effective route table and
//! egress class, and what they say together (common VPC, private only, CIDRs).

use ipnet::Ipv4Net;

use crate::analysis::Fact;
use crate::base::Span;
use crate::graph::{Kind, NodeId};

use super::index::Index;
use super::lookup::{describe, edge_targets, single_target};
use super::routes::{self, Egress};
use super::sg;
use super::SubnetFacts;

pub(super) fn subnet_facts(
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

pub(super) fn common_vpc(subnets: &[SubnetFacts], at: Option<Span>) -> Fact<NodeId> {
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

pub(super) fn all_private(subnets: &Fact<Vec<SubnetFacts>>) -> Fact<bool> {
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

pub(super) fn subnet_cidrs(subnets: &Fact<Vec<SubnetFacts>>) -> Fact<Vec<Ipv4Net>> {
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
