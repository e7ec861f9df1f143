//! An endpoint as seen from one run site: whether the task's egress reaches it and it admits the
//! task on 443, its availability-zone coverage and private DNS, and, for a gateway endpoint
//! (S3), whether it is on the task's route tables.

use std::collections::HashSet;

use crate::analysis::Fact;
use crate::graph::Graph;

use super::index::Index;
use super::sg::{self, Direction, Peer};
use super::{Endpoint, EndpointType, Near, Service, SiteEndpoint, SubnetFacts, Task};

/// What a task's egress must reach to get to an interface endpoint: its security groups, or
/// its subnets' CIDRs (once per endpoint, whatever the number of sites).
pub(super) fn endpoint_peer(g: &Graph, ep: &Endpoint) -> Peer {
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

pub(super) fn site_endpoint(
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
