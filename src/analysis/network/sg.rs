//! A small security-group evaluator: does a set of groups allow TCP 443 out to a destination, or
//! in from a source? Rules come from the graph: inline rules (`ingress`/`egress` fields of
//! [`Kind::SecurityGroup`] / [`Kind::DefaultSecurityGroup`], already one canonical rule per peer,
//! with the documented defaults made explicit: CloudFormation's allow-all egress when
//! `SecurityGroupEgress` is omitted, none for a Terraform group without `egress {}`) and
//! standalone [`Kind::SecurityGroupRule`] nodes pointing at the group through `security_group_id`.
//!
//! Three-valued: `Known(true)` names the rule that allows, `Known(false)` is given only when every
//! rule that could matter is known not to match, anything else is `Unknown` with the reason.

use std::collections::{HashMap, HashSet};

use ipnet::Ipv4Net;

use crate::analysis::Fact;
use crate::base::{Span, Val, Value};
use crate::graph::{Graph, Kind, NodeId};

use super::index::Index;
use super::lookup::{describe, edge_matches, edge_targets};

/// A security group as the analysis knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SgRef {
    /// A group of the unit (`aws_security_group`, `AWS::EC2::SecurityGroup`,
    /// `aws_default_security_group`).
    Node(NodeId),
    /// The VPC's default group, used when none is given. `managed` is the
    /// `aws_default_security_group` node that manages it, when there is one.
    VpcDefault {
        vpc: NodeId,
        managed: Option<NodeId>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

/// The other side of the connection: what a rule's peer must cover.
#[derive(Clone, Debug, Default)]
pub struct Peer {
    /// Groups: a rule naming one of them matches; `self = true` matches when the rule's own group
    /// is one of them.
    pub groups: Vec<Fact<SgRef>>,
    /// Addresses: a CIDR rule matches when it contains every one of them. `None`: no address
    /// to cover (only the groups or the prefix list count).
    pub cidrs: Option<Fact<Vec<Ipv4Net>>>,
    /// Any internet address: `0.0.0.0/0` matches; another public CIDR cannot be proven to cover
    /// the service (unknown); a private CIDR does not match.
    pub internet: bool,
    /// The S3 gateway endpoint whose prefix list is the destination (its `prefix_list_id`).
    pub s3_prefix_list_of: Option<NodeId>,
}

/// Memoised security-group answers of a unit: an answer that depends only on known groups,
/// known addresses and one endpoint (many services share their groups and subnets) is worked
/// out once. The key: the direction, the endpoint, the task's groups and the task's CIDRs.
#[derive(Default)]
pub struct Memo {
    answers: HashMap<MemoKey, Fact<bool>>,
}

type MemoKey = (Direction, usize, Vec<SgRef>, Vec<Ipv4Net>);

impl Memo {
    /// The answer under `key`, computed by `f` the first time; always computed when there is no
    /// key (something it depends on is not known).
    pub fn get_or(&mut self, key: Option<MemoKey>, f: impl FnOnce() -> Fact<bool>) -> Fact<bool> {
        match key {
            Some(k) => self.answers.entry(k).or_insert_with(f).clone(),
            None => f(),
        }
    }
}

enum Verdict {
    Match(Option<Span>),
    No,
    Unknown(String, Option<Span>),
}

/// Does the union of `groups`' rules in `dir` allow TCP 443 with `peer`?
pub fn allows_443(ix: &Index, groups: &[Fact<SgRef>], dir: Direction, peer: &Peer) -> Fact<bool> {
    let g = ix.g;
    let mut unknown: Option<(String, Option<Span>)> = None;
    let mut last_at = None;
    if groups.is_empty() {
        return Fact::unknown("no security group is known", None);
    }
    for sg in groups {
        let sg = match sg {
            Fact::Known { value, .. } => *value,
            Fact::Unknown { reason, at } => {
                unknown.get_or_insert((reason.to_string(), *at));
                continue;
            }
            Fact::Absent => continue,
        };
        match group_allows(ix, sg, dir, peer) {
            Verdict::Match(at) => return Fact::known(true, at),
            Verdict::No => {
                if let SgRef::Node(id) = sg {
                    last_at = g.node(id).field(dir.field()).and_then(|v| v.span);
                    last_at = last_at.or(Some(g.node(id).span));
                }
            }
            Verdict::Unknown(r, at) => {
                unknown.get_or_insert((r, at));
            }
        }
    }
    match unknown {
        Some((r, at)) => Fact::unknown(r, at),
        None => Fact::known(false, last_at),
    }
}

/// The groups that the unit's VPC endpoints are members of: what an egress rule whose peer is a
/// security group (`self = true`, `source_security_group_id`, `referenced_security_group_id`)
/// can reach. Such a rule matches only traffic to the members' own addresses: never the
/// internet (a NAT gateway forwards to the destination's address, not its own), never an S3
/// prefix list, so for pulling an image it reaches an interface endpoint or nothing.
pub struct Members {
    groups: HashSet<(bool, NodeId)>,
    /// Why membership is not fully known: an endpoint whose groups are not known.
    unknown: Option<(String, Option<Span>)>,
}

impl Members {
    pub fn new(ix: &Index, endpoints: &[super::Endpoint]) -> Members {
        let mut groups = HashSet::new();
        let mut unknown = None;
        // Gateway endpoints have no network interface: nothing is a member of a group there.
        let interfaces = endpoints
            .iter()
            .filter(|ep| !matches!(ep.endpoint_type.value(), Some(super::EndpointType::Gateway)));
        for ep in interfaces {
            for sg in &ep.security_groups {
                match sg {
                    Fact::Known { value, .. } => {
                        groups.insert(group_key(ix, value));
                    }
                    Fact::Unknown { reason, at } => {
                        unknown.get_or_insert((
                            format!(
                                "the security groups of `{}` are not known: {reason}",
                                ix.g.node(ep.node).address
                            ),
                            *at,
                        ));
                    }
                    Fact::Absent => {}
                }
            }
        }
        Members { groups, unknown }
    }

    /// Whether an interface endpoint is a member of `sg`. Only a group that this configuration
    /// creates has no members but the ones it shows: a data source names an existing group,
    /// and a VPC's default group takes in every endpoint created without a group, by any
    /// configuration.
    fn has_endpoint(&self, ix: &Index, sg: &SgRef, at: Option<Span>) -> Fact<bool> {
        let key = group_key(ix, sg);
        if self.groups.contains(&key) {
            return Fact::known(true, at);
        }
        let outside = match *sg {
            SgRef::Node(id) => {
                let n = ix.g.node(id);
                let default = n.kind == Kind::DefaultSecurityGroup;
                (n.mode == crate::graph::Mode::Data || default).then(|| format!("`{}`", n.address))
            }
            SgRef::VpcDefault { vpc, .. } => {
                Some(format!("the default group of `{}`", ix.g.node(vpc).address))
            }
        };
        if let Some(name) = outside {
            return Fact::unknown(
                format!("{name} may have members that this configuration does not show, endpoints included"),
                at,
            );
        }
        match &self.unknown {
            Some((r, a)) => Fact::unknown(r.clone(), *a),
            None => Fact::known(false, at),
        }
    }
}

/// Does one of `groups` have a rule in `dir` that lets traffic leave the task, of any protocol
/// or port? `Known(false)`: every group is known and has none (a Terraform `aws_security_group`
/// without `egress` blocks or rule resources; only loopback rules; only rules to security
/// groups that no endpoint of the unit is a member of, such as TCP 443 to the group itself): no
/// traffic reaches a registry, ECR, S3 or an endpoint, whatever the destination, so the decision
/// depends neither on the subnets nor on the endpoints.
pub fn has_rules(
    ix: &Index,
    members: &Members,
    groups: &[Fact<SgRef>],
    dir: Direction,
) -> Fact<bool> {
    if groups.is_empty() {
        return Fact::unknown("no security group is known", None);
    }
    Fact::any(groups.iter().map(|sg| match sg {
        Fact::Known { value, .. } => group_has_rules(ix, members, *value, dir),
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        Fact::Absent => Fact::known(false, None),
    }))
}

/// Whether traffic that canonical `rule` (at `path` of node `holder`, a rule of group `own`)
/// allows can leave the task: not to a loopback CIDR (`127.0.0.1/32`: CloudFormation's idiom
/// for a group without egress, since an omitted `SecurityGroupEgress` means allow-all), and not
/// only to the members of groups that no endpoint of the unit belongs to.
fn leaves(
    ix: &Index,
    members: &Members,
    holder: NodeId,
    own: SgRef,
    path: &str,
    rule: &Value,
) -> Fact<bool> {
    let g = ix.g;
    let at = rule.span;
    let Some(m) = rule.as_map() else {
        return Fact::known(true, at);
    };
    if m.get("cidr_ipv4")
        .and_then(|v| v.as_str())
        .and_then(|s| s.trim().parse::<Ipv4Net>().ok())
        .is_some_and(|n| loopback_net().contains(&n))
    {
        return Fact::known(false, at);
    }
    if let Some(v) = m.get("self") {
        return match v.as_bool() {
            Some(true) => members.has_endpoint(ix, &own, v.span.or(at)),
            _ => Fact::known(true, at),
        };
    }
    if let Some(v) = m.get("security_group_id") {
        let targets = sg_targets(ix, holder, &format!("{path}.security_group_id"));
        if targets.is_empty() {
            return Fact::unknown(
                describe(g, holder, &format!("{path}.security_group_id"), v),
                v.span.or(at),
            );
        }
        return Fact::any(
            targets
                .iter()
                .map(|t| members.has_endpoint(ix, t, v.span.or(at))),
        );
    }
    Fact::known(true, at)
}

fn loopback_net() -> Ipv4Net {
    Ipv4Net::new(std::net::Ipv4Addr::new(127, 0, 0, 0), 8).expect("valid")
}

fn group_has_rules(ix: &Index, members: &Members, sg: SgRef, dir: Direction) -> Fact<bool> {
    let g = ix.g;
    let node = match sg {
        SgRef::Node(id) => id,
        SgRef::VpcDefault {
            managed: Some(id), ..
        } => id,
        // AWS's default group: inbound from its members, outbound to anywhere.
        SgRef::VpcDefault { managed: None, .. } => return Fact::known(true, None),
    };
    let n = g.node(node);
    let mut parts = Vec::new();
    match n.field(dir.field()) {
        Some(v) => match &v.deref().kind {
            Val::List(items) => {
                if items.is_empty() {
                    parts.push(Fact::known(false, v.span));
                }
                for (i, r) in items.iter().enumerate() {
                    let path = format!("{}[{i}]", dir.field());
                    parts.push(leaves(ix, members, node, sg, &path, r));
                }
            }
            _ => parts.push(Fact::unknown(describe(g, node, dir.field(), v), v.span)),
        },
        None if n.mode == crate::graph::Mode::Data => parts.push(Fact::unknown(
            format!(
                "`{}` is a data source: its {} rules are not in the configuration",
                n.address,
                dir.field()
            ),
            Some(n.span),
        )),
        None => {}
    }
    for &rid in ix.standalone_rules(node) {
        let r = g.node(rid);
        match r.field("direction").and_then(|v| v.as_str()) {
            Some(d) if d == dir.field() => {}
            Some(_) => continue,
            None => {
                parts.push(Fact::unknown(
                    format!("`{}`: the rule's direction is not known", r.address),
                    Some(r.span),
                ));
                continue;
            }
        }
        let leaves = match r.field("rules").map(|v| &v.kind) {
            Some(Val::List(l)) => Fact::any(
                l.iter()
                    .enumerate()
                    .map(|(i, x)| leaves(ix, members, rid, sg, &format!("rules[{i}]"), x)),
            ),
            _ => Fact::known(true, Some(r.span)),
        };
        parts.push(match r.created() {
            Some(false) => Fact::known(false, Some(r.span)),
            Some(true) => leaves,
            None => match leaves {
                Fact::Known { value: false, at } => Fact::known(false, at),
                _ => Fact::unknown(
                    format!("whether `{}` is created is not known", r.address),
                    r.exists.as_ref().and_then(|v| v.span).or(Some(r.span)),
                ),
            },
        });
    }
    let at = n.field(dir.field()).and_then(|v| v.span).or(Some(n.span));
    match Fact::any(parts) {
        // A module or nested stack that is not read may add rules to the group.
        Fact::Known { value: false, .. } | Fact::Absent if !g.unread.is_empty() => {
            let u = g.node(g.unread[0]);
            Fact::unknown(
                format!(
                    "`{}` is not read: it may add {} rules to `{}`",
                    u.address,
                    dir.field(),
                    n.address
                ),
                at,
            )
        }
        Fact::Known { value: false, .. } => Fact::known(false, at),
        Fact::Absent => Fact::known(false, at),
        other => other,
    }
}

fn group_allows(ix: &Index, sg: SgRef, dir: Direction, peer: &Peer) -> Verdict {
    let g = ix.g;
    let node = match sg {
        SgRef::Node(id) => id,
        SgRef::VpcDefault {
            managed: Some(id), ..
        } => id,
        // AWS's default group: inbound from its own members, outbound to anywhere (IPv4).
        SgRef::VpcDefault { managed: None, .. } => {
            return match dir {
                Direction::Egress => cidr_verdict("0.0.0.0/0".parse().ok(), peer, None),
                Direction::Ingress => {
                    if peer
                        .groups
                        .iter()
                        .any(|f| f.value().is_some_and(|p| same_group(ix, p, &sg)))
                    {
                        Verdict::Match(None)
                    } else if peer.groups.iter().any(|f| !f.is_known()) {
                        Verdict::Unknown(
                            "the VPC default security group admits its own members only, and a task security group is not known".into(),
                            None,
                        )
                    } else {
                        Verdict::No
                    }
                }
            };
        }
    };
    let n = g.node(node);
    let mut unknown: Option<(String, Option<Span>)> = None;
    // Inline rules.
    match n.field(dir.field()) {
        Some(v) => match &v.deref().kind {
            Val::List(items) => {
                for (i, rule) in items.iter().enumerate() {
                    let path = format!("{}[{i}]", dir.field());
                    match rule_verdict(ix, node, sg, &path, rule, peer) {
                        Verdict::Match(at) => return Verdict::Match(at),
                        Verdict::No => {}
                        Verdict::Unknown(r, at) => {
                            unknown.get_or_insert((r, at));
                        }
                    }
                }
            }
            _ => {
                unknown.get_or_insert((describe(g, node, dir.field(), v), v.span));
            }
        },
        None if n.mode == crate::graph::Mode::Data => {
            unknown.get_or_insert((
                format!(
                    "`{}` is a data source: its {} rules are not in the configuration",
                    n.address,
                    dir.field()
                ),
                Some(n.span),
            ));
        }
        None => {}
    }
    // Standalone rules naming this group.
    for &rid in ix.standalone_rules(node) {
        let r = g.node(rid);
        let rdir = match r.field("direction").and_then(|v| v.as_str()) {
            Some("ingress") => Direction::Ingress,
            Some("egress") => Direction::Egress,
            _ => {
                unknown.get_or_insert((
                    format!("`{}`: the rule's direction is not known", r.address),
                    Some(r.span),
                ));
                continue;
            }
        };
        if rdir != dir {
            continue;
        }
        let exists = r.created();
        if exists == Some(false) {
            continue;
        }
        let Some(rules) = r.field("rules") else {
            continue;
        };
        let list = match &rules.kind {
            Val::List(l) => l,
            _ => {
                unknown.get_or_insert((describe(g, r.id, "rules", rules), rules.span));
                continue;
            }
        };
        for (i, rule) in list.iter().enumerate() {
            let path = format!("rules[{i}]");
            match rule_verdict(ix, r.id, sg, &path, rule, peer) {
                Verdict::Match(at) if exists == Some(true) => return Verdict::Match(at),
                Verdict::Match(at) => {
                    unknown.get_or_insert((
                        format!(
                            "`{}` allows it, but whether it is created is not known",
                            r.address
                        ),
                        at,
                    ));
                }
                Verdict::No => {}
                Verdict::Unknown(why, at) => {
                    unknown.get_or_insert((why, at));
                }
            }
        }
    }
    match unknown {
        Some((r, at)) => Verdict::Unknown(r, at),
        None => Verdict::No,
    }
}

/// One canonical rule `{protocol, from_port, to_port, <peer>}` at `path` of node `holder`.
fn rule_verdict(
    ix: &Index,
    holder: NodeId,
    own: SgRef,
    path: &str,
    rule: &Value,
    peer: &Peer,
) -> Verdict {
    let g = ix.g;
    let h = g.node(holder);
    let Some(m) = rule.as_map() else {
        return Verdict::Unknown(describe(g, holder, path, rule), rule.span);
    };
    let at = rule.span.or(Some(h.span));
    // Protocol and ports.
    let all = match m.get("protocol") {
        Some(p) => match p.as_str() {
            Some("-1") => true,
            Some("tcp") => false,
            Some(_) => return Verdict::No,
            None => {
                return Verdict::Unknown(
                    describe(g, holder, &format!("{path}.protocol"), p),
                    p.span,
                )
            }
        },
        None => {
            return Verdict::Unknown(
                format!("`{}` {path}: the protocol is not written", h.address),
                at,
            )
        }
    };
    if !all {
        for (k, from) in [("from_port", true), ("to_port", false)] {
            let ok = |p: f64| if from { p <= 443.0 } else { p >= 443.0 };
            match m.get(k) {
                Some(v) => match v.as_f64() {
                    Some(p) if p < 0.0 => {}
                    Some(p) if ok(p) => {}
                    Some(_) => return Verdict::No,
                    None => {
                        return Verdict::Unknown(
                            describe(g, holder, &format!("{path}.{k}"), v),
                            v.span,
                        )
                    }
                },
                None => {
                    return Verdict::Unknown(
                        format!("`{}` {path}: `{k}` is not written", h.address),
                        at,
                    )
                }
            }
        }
    }
    // Peer.
    for e in &m.entries {
        let v = &e.value;
        let field = format!("{path}.{}", e.key);
        let vat = v.span.or(e.key_span).or(at);
        match e.key.as_str() {
            "cidr_ipv4" => {
                let net = match cidr_of(g, holder, &field, v) {
                    Ok(n) => n,
                    Err(r) => return Verdict::Unknown(r, vat),
                };
                return cidr_verdict(Some(net), peer, vat);
            }
            // IPv6 rules do not carry the IPv4 traffic the analysis is about.
            "cidr_ipv6" => return Verdict::No,
            "prefix_list_id" => {
                let targets = edge_targets(g, holder, &field);
                if let Some(s3) = peer.s3_prefix_list_of {
                    if targets.contains(&s3) {
                        return Verdict::Match(vat);
                    }
                }
                if peer.s3_prefix_list_of.is_none() && peer.cidrs.is_none() && !peer.internet {
                    return Verdict::No;
                }
                return Verdict::Unknown(
                    format!(
                        "`{}` {field}: a prefix list whose addresses are not known",
                        h.address
                    ),
                    vat,
                );
            }
            "security_group_id" => {
                let targets = sg_targets(ix, holder, &field);
                if targets.is_empty() {
                    if peer.groups.is_empty() {
                        return Verdict::No;
                    }
                    return Verdict::Unknown(describe(g, holder, &field, v), vat);
                }
                let hit = targets.iter().any(|t| {
                    peer.groups
                        .iter()
                        .any(|f| f.value().is_some_and(|p| same_group(ix, p, t)))
                });
                if hit {
                    return Verdict::Match(vat);
                }
                if peer.groups.iter().any(|f| !f.is_known()) {
                    return Verdict::Unknown(
                        format!(
                            "`{}` {field} names a group, and a group it should name is not known",
                            h.address
                        ),
                        vat,
                    );
                }
                return Verdict::No;
            }
            "security_group_name" => {
                if peer.groups.is_empty() {
                    return Verdict::No;
                }
                return Verdict::Unknown(
                    format!("`{}` {field}: a group named by its name", h.address),
                    vat,
                );
            }
            "self" => {
                return match v.as_bool() {
                    Some(true) => {
                        if peer
                            .groups
                            .iter()
                            .any(|f| f.value().is_some_and(|p| same_group(ix, p, &own)))
                        {
                            Verdict::Match(vat)
                        } else if peer.groups.iter().any(|f| !f.is_known()) {
                            Verdict::Unknown(
                                format!("`{}` {field}: a group is not known", h.address),
                                vat,
                            )
                        } else {
                            Verdict::No
                        }
                    }
                    Some(false) => Verdict::No,
                    None => Verdict::Unknown(describe(g, holder, &field, v), vat),
                };
            }
            _ => {}
        }
    }
    Verdict::Unknown(
        format!("`{}` {path}: the rule names no known peer", h.address),
        at,
    )
}

fn cidr_verdict(net: Option<Ipv4Net>, peer: &Peer, at: Option<Span>) -> Verdict {
    let Some(net) = net else { return Verdict::No };
    if net.prefix_len() == 0 {
        return Verdict::Match(at);
    }
    if peer.internet || peer.s3_prefix_list_of.is_some() {
        if !is_private(&net) {
            return Verdict::Unknown(
                format!("the CIDR {net} may or may not cover the AWS service addresses"),
                at,
            );
        }
        if peer.cidrs.is_none() {
            return Verdict::No;
        }
    }
    match &peer.cidrs {
        None => Verdict::No,
        Some(Fact::Known { value, .. }) => {
            if !value.is_empty() && value.iter().all(|c| net.contains(c)) {
                Verdict::Match(at)
            } else {
                Verdict::No
            }
        }
        Some(Fact::Unknown { reason, .. }) => Verdict::Unknown(reason.to_string(), at),
        Some(Fact::Absent) => Verdict::No,
    }
}

fn is_private(n: &Ipv4Net) -> bool {
    [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
    ]
    .iter()
    .filter_map(|s| s.parse::<Ipv4Net>().ok())
    .any(|p| p.contains(n))
}

/// A CIDR value: a literal, or a reference to a VPC's or subnet's `cidr_block`.
pub fn cidr_of(g: &Graph, holder: NodeId, field: &str, v: &Value) -> Result<Ipv4Net, String> {
    if let Some(s) = v.as_str() {
        return s.trim().parse::<Ipv4Net>().map(|n| n.trunc()).map_err(|_| {
            format!(
                "`{}` {field}: `{s}` is not an IPv4 CIDR",
                g.node(holder).address
            )
        });
    }
    if let Val::Ref(r) = &v.kind {
        let attr = r.attr.to_ascii_lowercase();
        if attr == "cidr_block" || attr == "cidrblock" {
            for t in edge_targets(g, holder, field) {
                let tn = g.node(t);
                if matches!(tn.kind, Kind::Vpc | Kind::Subnet) {
                    if let Some(c) = tn.field("cidr_block") {
                        return cidr_of(g, t, "cidr_block", c);
                    }
                }
            }
        }
    }
    Err(describe(g, holder, field, v))
}

/// A node (a group, or a VPC for its default group) as a security group.
pub(super) fn sg_of(ix: &Index, f: Fact<NodeId>) -> Fact<SgRef> {
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

/// The groups a rule's `security_group_id` at `field` of `holder` names.
pub(super) fn sg_targets(ix: &Index, holder: NodeId, field: &str) -> Vec<SgRef> {
    let g = ix.g;
    g.edges_from(holder)
        .filter(|e| e.field == field && edge_matches(g, e, Kind::SecurityGroup))
        .filter_map(|e| sg_of(ix, Fact::known(e.to, None)).value().copied())
        .collect()
}

/// Two references to the same group (a managed `aws_default_security_group` is its VPC's
/// default group).
pub(super) fn same_group(ix: &Index, a: &SgRef, b: &SgRef) -> bool {
    group_key(ix, a) == group_key(ix, b)
}

/// What identifies a group: a VPC's default group by its VPC (`true`), any other by its node.
pub(super) fn group_key(ix: &Index, s: &SgRef) -> (bool, NodeId) {
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
