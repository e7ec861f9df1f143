//! The `site-endpoint` subject: one endpoint of a needed service as a run site sees it
//! (`endpoint.*`, `vpc.*`): its type, subnets, private DNS, whether it admits the task and the
//! task's egress reaches it, and, for a gateway endpoint, the task's route tables it is missing.

use crate::analysis::network::{Endpoint, EndpointType, RunSite, Service, SiteEndpoint};
use crate::analysis::path::{self, ServiceNeed};
use crate::analysis::Fact;
use crate::base::{Format, Span};
use crate::graph::{Graph, Kind};
use crate::rules::value::{Known, Probe};

use super::fix::fix_group;
use super::{Instance, Subject};

pub(super) const SITE_ENDPOINT: &[&str] = &[
    "need.service",
    "need.why",
    "endpoint.address",
    "endpoint.service",
    "endpoint.type",
    "endpoint.interface_only_service",
    "endpoint.has_subnets",
    "endpoint.private_dns",
    "endpoint.admits_task",
    "endpoint.task_egress",
    "endpoint.on_task_route_tables",
    "endpoint.missing_route_tables",
    "endpoint.missing_unnamed_main_route_table",
    "vpc.address",
    "vpc.dns_support",
    "vpc.dns_hostnames",
];

/// The fix value of a site-endpoint: a security group of the endpoint (see [`fix_group`]).
pub(super) const FIX_ENDPOINT: &[&str] = &["fix.endpoint_security_group"];

/// One endpoint of a needed service `n`, as the run site `site` (whose facts `base` holds) sees
/// it.
pub(super) fn instance(
    g: &Graph,
    site: &RunSite,
    base: &Instance,
    n: &ServiceNeed,
    se: &SiteEndpoint,
    ep: &Endpoint,
    sg_at: Option<Span>,
) -> Instance {
    let en = g.node(ep.node);
    let mut i = base.clone();
    i.subject = Subject::SiteEndpoint;
    i.resource = en.address.clone();
    i.span = en.span;
    i.set("need.service", Probe::str(n.service.name(), n.at));
    i.set("need.why", Probe::str(&n.why, n.at));
    i.set("endpoint.address", Probe::str(&en.address, Some(en.span)));
    i.set(
        "endpoint.service",
        Probe::str(n.service.name(), Some(en.span)),
    );
    i.set(
        "endpoint.type",
        Probe::from_fact(&ep.endpoint_type, |t| {
            Known::Str(match t {
                EndpointType::Interface => "Interface".into(),
                EndpointType::Gateway => "Gateway".into(),
                EndpointType::Other(s) => s.clone(),
            })
        }),
    );
    i.set(
        "endpoint.interface_only_service",
        Probe::bool(n.service != Service::S3, Some(en.span)),
    );
    let interface = ep.endpoint_type.value() == Some(&EndpointType::Interface);
    i.set(
        "endpoint.has_subnets",
        if interface {
            Probe::from_fact(&ep.subnets, |s| Known::Bool(!s.is_empty()))
        } else {
            Probe::absent()
        },
    );
    let gateway = ep.endpoint_type.value() == Some(&EndpointType::Gateway);
    // Facts of one endpoint type are Absent on the other: no check applies.
    let only = |yes: bool, p: Probe| if yes { p } else { Probe::absent() };
    i.set(
        "endpoint.private_dns",
        only(interface, Probe::from_bool(&ep.private_dns)),
    );
    i.set(
        "endpoint.admits_task",
        only(interface, Probe::from_bool(&se.admits_task)),
    );
    let mut te = Probe::from_bool(&se.task_egress);
    te.at
        .extend(sg_at.map(|s| (s, Some("the task's security groups".to_string()))));
    i.set("endpoint.task_egress", te);
    i.set(
        "endpoint.on_task_route_tables",
        only(gateway, Probe::from_bool(&se.on_task_route_tables)),
    );
    // CloudFormation: one of the missing tables is the main route table AWS creates for
    // a VPC of the template (the VPC node stands for it), which a template cannot name
    // (`AWS::EC2::VPC` has no attribute for it). Terraform can
    // (`aws_vpc.<name>.main_route_table_id`).
    let cfn = g.format == Some(Format::CloudFormation);
    let missing_main = match (&site.subnets, &ep.route_tables) {
        (Fact::Known { value: subs, .. }, Fact::Known { value: rts, .. }) => Probe::bool(
            cfn && subs
                .iter()
                .filter_map(|s| s.route_table.value().copied())
                .any(|rt| !rts.contains(&rt) && g.node(rt).kind == Kind::Vpc),
            Some(en.span),
        ),
        (Fact::Unknown { reason, .. }, _) | (_, Fact::Unknown { reason, .. }) => {
            Probe::unknown(reason.to_string(), None)
        }
        _ => Probe::unknown(
            "the task subnets or the endpoint's route tables are not known",
            None,
        ),
    };
    i.set(
        "endpoint.missing_unnamed_main_route_table",
        only(gateway, missing_main),
    );
    let missing: Vec<String> = match (&site.subnets, &ep.route_tables) {
        (Fact::Known { value: subs, .. }, Fact::Known { value: rts, .. }) => {
            let mut m: Vec<String> = subs
                .iter()
                .filter_map(|s| s.route_table.value().copied())
                .filter(|rt| !rts.contains(rt))
                .map(|rt| match g.node(rt).kind {
                    // A VPC stands for its main route table.
                    Kind::Vpc => format!("the main route table of {}", g.node(rt).address),
                    _ => g.node(rt).address.clone(),
                })
                .collect();
            m.dedup();
            m
        }
        _ => Vec::new(),
    };
    i.set(
        "endpoint.missing_route_tables",
        if gateway {
            Probe::new(Known::List(missing), Some(en.span))
        } else {
            Probe::absent()
        },
    );
    match &ep.vpc {
        Fact::Known { value, .. } => {
            let v = g.node(*value);
            i.set("vpc.address", Probe::str(&v.address, Some(v.span)));
        }
        other => i.set("vpc.address", Probe::from_fact(other, |_| Known::Loc)),
    }
    i.set(
        "fix.endpoint_security_group",
        fix_group(g, &ep.security_groups),
    );
    i.set("vpc.dns_support", Probe::from_bool(&ep.vpc_dns_support));
    i.set("vpc.dns_hostnames", Probe::from_bool(&ep.vpc_dns_hostnames));
    // An endpoint that may not be in the task VPC, or may not be created, proves
    // nothing about the task's path: its facts are unknown for this site.
    let doubt = match path::serves_site(g, se, ep) {
        Fact::Known { value: true, .. } => None,
        Fact::Unknown { reason, .. } => Some(reason.to_string()),
        _ => Some(format!("`{}` may not serve the task", en.address)),
    };
    if let Some(reason) = doubt {
        for (name, p) in i.facts.iter_mut() {
            let naming = matches!(
                *name,
                "endpoint.address" | "endpoint.service" | "vpc.address"
            );
            if (name.starts_with("endpoint.") || name.starts_with("vpc."))
                && !naming
                && p.value != Known::Absent
            {
                p.value = Known::Unknown(reason.clone());
            }
        }
    }
    i
}
