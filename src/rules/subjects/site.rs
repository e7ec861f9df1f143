//! The `site` subject: one run site of a task (`site.*`): Fargate, subnets, security groups,
//! public IP, internet reach and egress, route tables, and whether endpoints serve it.

use crate::analysis::network::{NetworkFacts, RunSite};
use crate::analysis::path;
use crate::analysis::task::TaskFact;
use crate::analysis::Fact;
use crate::base::Span;
use crate::graph::{Graph, Kind};
use crate::rules::value::{Known, Probe};

use super::fix::fix_site_values;
use super::{endpoint_need, site_endpoint, Instance, Subject};

pub(super) const SITE: &[&str] = &[
    "site.address",
    "site.fargate",
    "site.subnets",
    "site.security_groups",
    "site.private_only",
    "site.some_private_only",
    "site.public_without_ip",
    "site.internet",
    "site.egress_internet",
    "site.egress_any",
    "site.igw_unrouted",
    "site.internet_gateway",
    "site.route_tables",
    "site.endpoints_usable",
];

#[allow(clippy::too_many_arguments)]
pub(super) fn site_instances(
    g: &Graph,
    net: &NetworkFacts,
    t: &TaskFact,
    rs: &crate::analysis::task::RunSite,
    site: &RunSite,
    new: &dyn Fn(Subject, &str, Span) -> Instance,
    out: &mut Vec<Instance>,
) {
    let sn = g.node(site.node);
    let mut base = new(Subject::Site, &sn.address, sn.span);
    base.set("site.address", Probe::str(&sn.address, Some(sn.span)));
    // Not the task's own `requires_compatibilities`: a task compatible with EC2 and FARGATE may
    // run on EC2 here (the analysis already decides FARGATE-only tasks).
    base.set("site.fargate", Probe::from_bool(&rs.fargate));
    let path = path::site(g, net, t, rs, site);
    let subnets_at = match &site.subnets {
        Fact::Known { at, .. } | Fact::Unknown { at, .. } => at.or(Some(sn.span)),
        Fact::Absent => Some(sn.span),
    };
    base.set(
        "site.subnets",
        Probe::from_fact(&site.subnets, |_| Known::Loc),
    );
    base.set(
        "site.security_groups",
        Probe::from_fact(&site.security_groups, |_| Known::Loc),
    );
    base.set("site.private_only", Probe::from_bool(&site.private_only));
    for (name, p) in fix_site_values(g, site) {
        base.set(name, p);
    }
    base.set(
        "site.some_private_only",
        Probe::at_least(&path.some_private_only, subnets_at),
    );
    let ip_at = match &site.public_ip {
        Fact::Known { at, .. } | Fact::Unknown { at, .. } => *at,
        Fact::Absent => None,
    };
    // Where the public IP is (not) asked for, and the subnets it is about.
    let mut pw = Probe::from_bool(&path.public_without_ip);
    pw.at = ip_at
        .or(subnets_at)
        .map(|s| (s, None))
        .into_iter()
        .collect();
    if ip_at.is_some() && !site.public_ip_default {
        pw.at.push((subnets_at.unwrap_or(sn.span), None));
    }
    base.set("site.public_without_ip", pw);
    base.set("site.internet", Probe::at_least(&path.internet, subnets_at));
    let sg_at = match &site.security_groups {
        Fact::Known { at, .. } | Fact::Unknown { at, .. } => *at,
        Fact::Absent => None,
    };
    base.set(
        "site.egress_internet",
        Probe::at_least(&site.egress_internet, sg_at),
    );
    base.set("site.egress_any", Probe::at_least(&site.egress_any, sg_at));
    // The task subnets' route tables (a VPC stands for its main route table), where the
    // internet route is missing: the location of site.igw_unrouted.
    let mut rts: Vec<(String, Option<Span>)> = Vec::new();
    if let Fact::Known { value, .. } = &site.subnets {
        for s in value {
            if let Some(&rt) = s.route_table.value() {
                let n = g.node(rt);
                let name = match n.kind {
                    Kind::Vpc => format!("the main route table of {}", n.address),
                    _ => n.address.clone(),
                };
                if !rts.iter().any(|(x, _)| *x == name) {
                    rts.push((name, Some(n.span)));
                }
            }
        }
    }
    let mut iu = Probe::at_least(&site.igw_unrouted, subnets_at);
    if site.igw_unrouted.value() == Some(&true) {
        iu.at = rts
            .iter()
            .map(|(_, at)| (at.unwrap_or(sn.span), None))
            .collect();
    }
    base.set("site.igw_unrouted", iu);
    base.set(
        "site.internet_gateway",
        match site.unrouted_igw {
            Some(i) => Probe::str(&g.node(i).address, Some(g.node(i).span)),
            None => Probe::absent(),
        },
    );
    base.set(
        "site.route_tables",
        Probe::new(
            Known::List(rts.iter().map(|(x, _)| x.clone()).collect()),
            rts.first().and_then(|(_, at)| *at),
        ),
    );
    base.set(
        "site.endpoints_usable",
        Probe::at_least(&path.endpoints_usable, subnets_at),
    );

    for c in path.coverage {
        out.push(endpoint_need::instance(&base, &c, subnets_at));
        for (se, ep) in c.candidates {
            out.push(site_endpoint::instance(
                g, site, &base, &c.need, se, ep, sg_at,
            ));
        }
    }
    out.push(base);
}
