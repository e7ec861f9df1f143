//! Effective route tables and subnet egress classes (domain notes, "Subnet egress
//! classification"; FGP035 for NAT gateways).

use std::collections::HashMap;

use crate::analysis::Fact;
use crate::base::{Span, Val};
use crate::graph::Mode;
use crate::graph::{Graph, Kind, NodeId};

use super::index::Index;
use super::lookup::{describe, edge_targets, is_main_table_attr, single_target};

/// Where a subnet's IPv4 default route (`0.0.0.0/0`) leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Egress {
    /// An internet gateway: internet only with a public IP on the task ENI.
    Igw,
    /// A public NAT gateway sitting in an `Igw` subnet.
    Nat,
    /// Transit gateway, network interface, peering, virtual private gateway, GWLB/firewall
    /// endpoint, instance, local or carrier gateway, Cloud WAN: it may lead to the internet or to
    /// endpoints elsewhere, which the configuration does not show (internet: unknown).
    Other,
    /// No IPv4 default route (an egress-only gateway gives IPv6 only), or a NAT gateway that
    /// cannot reach the internet (private connectivity, or not in an `Igw` subnet).
    None,
}

type RouteTable = (Fact<NodeId>, bool);
type Class = (Fact<Egress>, Option<NodeId>);

/// A route table's IPv4 default route: the route, or why it is not known (`Ok(None)`: none).
type DefaultRoute = Result<Option<NodeId>, (String, Option<Span>)>;

pub struct Classifier<'g> {
    g: &'g Graph,
    ix: &'g Index<'g>,
    tables: HashMap<NodeId, RouteTable>,
    classes: HashMap<NodeId, Option<Class>>,
    defaults: HashMap<NodeId, DefaultRoute>,
}

impl<'g> Classifier<'g> {
    pub fn new(ix: &'g Index<'g>) -> Classifier<'g> {
        Classifier {
            g: ix.g,
            ix,
            tables: HashMap::new(),
            classes: HashMap::new(),
            defaults: HashMap::new(),
        }
    }

    /// The effective route table of a subnet, and whether it is explicitly associated.
    pub fn route_table(&mut self, subnet: NodeId) -> RouteTable {
        if let Some(t) = self.tables.get(&subnet) {
            return t.clone();
        }
        let t = self.find_table(subnet);
        self.tables.insert(subnet, t.clone());
        t
    }

    fn find_table(&self, subnet: NodeId) -> RouteTable {
        let g = self.g;
        let s = g.node(subnet);
        // Explicit associations.
        let assocs: Vec<NodeId> = g
            .edges_to(subnet)
            .filter(|e| e.field == "subnet_id")
            .map(|e| e.from)
            .filter(|&a| g.node(a).kind == Kind::RouteTableAssociation)
            .filter(|&a| g.node(a).created() != Some(false))
            .collect();
        if let Some(&a) = assocs.first() {
            if assocs.len() > 1 {
                return (
                    Fact::unknown(
                        format!(
                            "`{}` has several route table associations (`{}`, `{}`)",
                            s.address,
                            g.node(assocs[0]).address,
                            g.node(assocs[1]).address
                        ),
                        Some(g.node(a).span),
                    ),
                    true,
                );
            }
            if g.node(a).created().is_none() {
                return (
                    Fact::unknown(
                        format!("whether `{}` is created is not known", g.node(a).address),
                        Some(g.node(a).span),
                    ),
                    true,
                );
            }
            return (
                single_target(g, a, "route_table_id", Kind::RouteTable),
                true,
            );
        }
        if s.mode == Mode::Data {
            return (
                Fact::unknown(
                    format!(
                        "`{}` is a data source: its route table is not in the configuration",
                        s.address
                    ),
                    Some(s.span),
                ),
                false,
            );
        }
        // The VPC's main route table.
        let vpc = match single_target(g, subnet, "vpc_id", Kind::Vpc) {
            Fact::Known { value, .. } => value,
            Fact::Unknown { reason, at } => {
                return (
                    Fact::unknown(
                        format!(
                        "`{}` has no route table association and its VPC is not known: {reason}",
                        s.address
                    ),
                        at,
                    ),
                    false,
                )
            }
            Fact::Absent => return (Fact::Absent, false),
        };
        if let Some(t) = self.ix.main_table(vpc) {
            return (t.clone(), false);
        }
        match self.ix.main_table_unseen(vpc) {
            // The VPC stands for the main route table AWS created with it.
            None => (Fact::known(vpc, Some(s.span)), false),
            Some((reason, at)) => (
                Fact::unknown(
                    format!(
                        "`{}` has no route table association, and the main route table of `{}` may hold routes not seen here: {reason}",
                        s.address,
                        g.node(vpc).address
                    ),
                    at.or(Some(s.span)),
                ),
                false,
            ),
        }
    }

    /// The egress class of a subnet and the route that decided it.
    pub fn egress(&mut self, subnet: NodeId) -> Class {
        match self.classes.get(&subnet) {
            Some(Some(c)) => return c.clone(),
            // In progress: a NAT gateway routed through its own subnet.
            Some(None) => {
                return (
                    Fact::known(Egress::None, Some(self.g.node(subnet).span)),
                    None,
                )
            }
            None => {}
        }
        self.classes.insert(subnet, None);
        let c = self.classify(subnet);
        self.classes.insert(subnet, Some(c.clone()));
        c
    }

    fn classify(&mut self, subnet: NodeId) -> Class {
        let g = self.g;
        let rt = match self.route_table(subnet).0 {
            Fact::Known { value, .. } => value,
            Fact::Unknown { reason, at } => return (Fact::Unknown { reason, at }, None),
            Fact::Absent => return (Fact::Absent, None),
        };
        let t = g.node(rt);
        if t.mode == Mode::Data {
            return (
                Fact::unknown(
                    format!(
                        "`{}` is a data source: its routes are not in the configuration",
                        t.address
                    ),
                    Some(t.span),
                ),
                None,
            );
        }
        if !self.defaults.contains_key(&rt) {
            let d = self.default_route(rt);
            self.defaults.insert(rt, d);
        }
        let route = match &self.defaults[&rt] {
            Ok(Some(r)) => *r,
            Ok(None) => return (Fact::known(Egress::None, Some(t.span)), None),
            Err((reason, at)) => return (Fact::unknown(reason.clone(), *at), None),
        };
        (self.target_class(route), Some(route))
    }

    /// The IPv4 default route of a route table (once per table).
    fn default_route(&self, rt: NodeId) -> DefaultRoute {
        let g = self.g;
        let t = g.node(rt);
        // Inline routes that are not a known list (a plan's computed `route`, a dynamic block).
        let mut unknown: Option<(String, Option<Span>)> = None;
        if let Some(v) = t.field("routes") {
            unknown = Some((describe(g, rt, "route", v), v.span.or(Some(t.span))));
        }
        let mut default: Option<NodeId> = None;
        // A route, or propagated routes, that may lead to the internet or to endpoints
        // elsewhere (a transit gateway, a peering...): without a default route, no egress is not
        // proven.
        let mut opaque: Option<(String, Option<Span>)> = propagation(g, rt);
        let main = t.kind == Kind::Vpc;
        for e in g.edges_to(rt) {
            if e.field != "route_table_id" || (main && !is_main_table_attr(&e.attr)) {
                continue;
            }
            let r = g.node(e.from);
            if r.kind != Kind::Route || r.created() == Some(false) {
                continue;
            }
            if opaque.is_none() && r.field("destination_ipv6_cidr_block").is_none() {
                opaque = opaque_target(g, r.id);
            }
            match r.field("destination_cidr_block") {
                Some(d) => match d.as_str() {
                    Some(c) if c.trim() == "0.0.0.0/0" => {
                        if r.created().is_none() {
                            unknown.get_or_insert((
                                format!("whether `{}` is created is not known", r.address),
                                Some(r.span),
                            ));
                        } else {
                            default.get_or_insert(r.id);
                        }
                    }
                    Some(_) => {}
                    None => {
                        unknown.get_or_insert((
                            describe(g, r.id, "destination_cidr_block", d),
                            d.span,
                        ));
                    }
                },
                None => {
                    if r.field("destination_ipv6_cidr_block").is_none()
                        && r.field("destination_prefix_list_id").is_none()
                    {
                        unknown.get_or_insert((
                            format!("`{}` has no known destination", r.address),
                            Some(r.span),
                        ));
                    }
                }
            }
        }
        match (default, unknown, opaque) {
            (Some(r), _, _) => Ok(Some(r)),
            (None, Some(u), _) | (None, None, Some(u)) => Err(u),
            (None, None, None) => Ok(None),
        }
    }

    /// The class given by a default route's target.
    fn target_class(&mut self, route: NodeId) -> Fact<Egress> {
        let g = self.g;
        let r = g.node(route);
        for (field, other) in [
            ("gateway_id", false),
            ("nat_gateway_id", false),
            ("transit_gateway_id", true),
            ("network_interface_id", true),
            ("vpc_endpoint_id", true),
            ("vpc_peering_connection_id", true),
            ("instance_id", true),
            ("local_gateway_id", true),
            ("carrier_gateway_id", true),
            ("core_network_arn", true),
        ] {
            let Some(v) = r.field(field) else { continue };
            let at = v.span.or(Some(r.span));
            if other {
                return Fact::known(Egress::Other, at);
            }
            let targets = edge_targets(g, route, field);
            if field == "gateway_id" {
                if let Some(&t) = targets.first() {
                    return match g.node(t).kind {
                        Kind::InternetGateway => Fact::known(Egress::Igw, at),
                        _ => Fact::known(Egress::Other, at),
                    };
                }
                return match v.as_str() {
                    Some(s) if s.starts_with("igw-") => Fact::known(Egress::Igw, at),
                    Some("local") => Fact::known(Egress::None, at),
                    Some(_) => Fact::known(Egress::Other, at),
                    None => Fact::unknown(describe(g, route, field, v), at),
                };
            }
            // NAT gateway.
            let Some(&nat) = targets
                .iter()
                .find(|&&t| g.node(t).kind == Kind::NatGateway)
            else {
                return Fact::unknown(describe(g, route, field, v), at);
            };
            return self.nat_class(nat, at);
        }
        if r.field("egress_only_gateway_id").is_some() {
            return Fact::known(Egress::None, Some(r.span));
        }
        Fact::unknown(
            format!(
                "`{}`: the target of the default route is not known",
                r.address
            ),
            Some(r.span),
        )
    }

    fn nat_class(&mut self, nat: NodeId, route_at: Option<Span>) -> Fact<Egress> {
        let g = self.g;
        let n = g.node(nat);
        if n.mode == Mode::Data {
            return Fact::unknown(
                format!(
                    "`{}` is a data source: its subnet is not in the configuration",
                    n.address
                ),
                Some(n.span),
            );
        }
        match n.field("connectivity_type") {
            Some(v) => match v.as_str() {
                Some(c) if c.eq_ignore_ascii_case("private") => {
                    return Fact::known(Egress::None, v.span.or(Some(n.span)))
                }
                Some(_) => {}
                None => return Fact::unknown(describe(g, nat, "connectivity_type", v), v.span),
            },
            None => {
                return Fact::unknown(
                    format!("`{}` connectivity_type is not known", n.address),
                    Some(n.span),
                )
            }
        }
        let sub = match single_target(g, nat, "subnet_id", Kind::Subnet) {
            Fact::Known { value, .. } => value,
            Fact::Unknown { reason, at } => return Fact::Unknown { reason, at },
            Fact::Absent => return Fact::unknown("the NAT gateway has no subnet", Some(n.span)),
        };
        match self.egress(sub).0 {
            Fact::Known {
                value: Egress::Igw, ..
            } => Fact::known(Egress::Nat, route_at),
            // A public NAT gateway needs an internet gateway route in its own subnet.
            Fact::Known {
                value: Egress::None | Egress::Nat,
                at,
            } => Fact::known(Egress::None, at.or(Some(n.span))),
            Fact::Known {
                value: Egress::Other,
                at,
            } => Fact::known(Egress::Other, at),
            Fact::Unknown { reason, at } => Fact::unknown(
                format!(
                    "the subnet of NAT gateway `{}` cannot be classified: {reason}",
                    n.address
                ),
                at,
            ),
            Fact::Absent => Fact::unknown("the NAT gateway's subnet is not known", Some(n.span)),
        }
    }
}

/// The plan frontend's reason for a value unknown at plan time (`frontends::plan::KNOWN_AFTER_APPLY`;
/// the analysis does not depend on the frontends).
const PLAN_COMPUTED: &str = "known after apply";

/// Route targets beyond which the configuration does not show where traffic goes.
const OPAQUE_TARGETS: &[(&str, &str)] = &[
    ("transit_gateway_id", "a transit gateway"),
    ("vpc_peering_connection_id", "a VPC peering connection"),
    ("network_interface_id", "a network interface"),
    ("vpc_endpoint_id", "a Gateway Load Balancer endpoint"),
    ("instance_id", "an instance"),
    ("local_gateway_id", "a local gateway"),
    ("carrier_gateway_id", "a carrier gateway"),
    ("core_network_arn", "a Cloud WAN core network"),
];

/// A route whose target may lead to the internet or to endpoints elsewhere (a hub VPC's
/// endpoints through a transit gateway or a peering): why, in words.
fn opaque_target(g: &Graph, route: NodeId) -> Option<(String, Option<Span>)> {
    let r = g.node(route);
    let dest = r
        .field("destination_cidr_block")
        .or_else(|| r.field("destination_prefix_list_id"))
        .and_then(|d| d.render_display())
        .unwrap_or_else(|| "⟨?⟩".into());
    let say = |what: &str, at: Option<Span>| {
        Some((
            format!(
                "`{}` routes `{dest}` to {what}: the internet or endpoints elsewhere may be reached through it",
                r.address
            ),
            at.or(Some(r.span)),
        ))
    };
    for (field, what) in OPAQUE_TARGETS {
        if let Some(v) = r.field(field) {
            return say(what, v.span);
        }
    }
    let v = r.field("gateway_id")?;
    match edge_targets(g, route, "gateway_id").first() {
        Some(&t) if g.node(t).kind == Kind::InternetGateway => None,
        Some(_) => say("a virtual private gateway", v.span),
        None => match v.as_str() {
            Some(s) if s.starts_with("igw-") || s == "local" => None,
            Some(s) if s.starts_with("vgw-") => say("a virtual private gateway", v.span),
            Some(_) => say("a gateway", v.span),
            None => say("a gateway that is not known", v.span),
        },
    }
}

/// Routes propagated into a route table from a virtual private gateway (`propagating_vgws`,
/// `aws_vpn_gateway_route_propagation`, `AWS::EC2::VPNGatewayRoutePropagation`): a VPN may
/// advertise any route, a default route too.
fn propagation(g: &Graph, rt: NodeId) -> Option<(String, Option<Span>)> {
    let t = g.node(rt);
    if let Some(v) = t.field("propagating_vgws") {
        // A plan gives the provider's computed value of an attribute the configuration does not
        // write as a bare "known after apply" (a written one is a list, or the reference the
        // configuration names); the plan frontend leaves such attributes out only when the `.tf`
        // files are at hand.
        let computed = matches!(&v.deref().kind, Val::Unknown(r) if &*r.0 == PLAN_COMPUTED);
        if !computed && v.as_list().is_none_or(|l| !l.is_empty()) {
            return Some((
                format!(
                    "`{}` receives routes propagated from a virtual private gateway (propagating_vgws), which may lead to the internet or to endpoints elsewhere",
                    t.address
                ),
                v.span.or(Some(t.span)),
            ));
        }
    }
    g.edges_to(rt)
        .filter(|e| crate::graph::path_under(&e.field, "route_table_ids"))
        .map(|e| g.node(e.from))
        .find(|p| p.kind == Kind::VgwRoutePropagation && p.created() != Some(false))
        .map(|p| {
            (
                format!(
                    "`{}` propagates routes from a virtual private gateway into `{}`, which may lead to the internet or to endpoints elsewhere",
                    p.address, t.address
                ),
                Some(p.span),
            )
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn plan_computed_reason_is_the_plan_frontends() {
        assert_eq!(
            super::PLAN_COMPUTED,
            crate::frontends::plan::KNOWN_AFTER_APPLY
        );
    }
}
