//! The VPC endpoints of a graph, read once each: service, type, VPC, subnets, route tables,
//! security groups, private DNS and whether they exist.

use crate::analysis::Fact;
use crate::base::{Val, Value};
use crate::graph::{Graph, Kind, NodeId};

use super::index::Index;
use super::lookup::{describe, edge_targets, exists_fact, node_list, single_target};
use super::service::{self, ServiceName};
use super::sg::{sg_of, SgRef};
use super::sites::default_sg;
use super::{Endpoint, EndpointType};

pub(super) fn endpoint(ix: &Index, id: NodeId) -> Endpoint {
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
        if a.created() == Some(false) {
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
