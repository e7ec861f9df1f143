//! Graph helpers of the network analysis: whether a node is created (as a fact), the targets of a field's
//! edges, the one node or the list of nodes a field names (or why not), security-group
//! references and identities.

use std::collections::HashMap;

use crate::analysis::Fact;
use crate::base::{Val, Value};
use crate::graph::{Graph, Kind, Mode, Node, NodeId};

/// Whether a node is created, as a fact.
pub(super) fn exists_fact(n: &Node) -> Fact<bool> {
    let at = n.exists.as_ref().and_then(|v| v.span);
    match n.created() {
        Some(b) => Fact::known(b, at),
        None => Fact::unknown(
            format!("whether `{}` is created is not known", n.address),
            at.or(Some(n.span)),
        ),
    }
}

/// Targets of the edges leaving `id` whose field is exactly `field`.
pub(super) fn edge_targets(g: &Graph, id: NodeId, field: &str) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = g
        .edges_from(id)
        .filter(|e| e.field == field)
        .map(|e| e.to)
        .collect();
    out.dedup();
    out
}

/// Why a value at `field` of `id` does not give what was needed, naming the resource.
pub(super) fn describe(g: &Graph, id: NodeId, field: &str, v: &Value) -> String {
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
pub(super) fn single_target(g: &Graph, id: NodeId, field: &str, kind: Kind) -> Fact<NodeId> {
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
pub(super) fn edge_matches(g: &Graph, e: &crate::graph::Edge, want: Kind) -> bool {
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

/// `aws_vpc.x.main_route_table_id` / `default_route_table_id`: the VPC's main route table.
pub(super) fn is_main_table_attr(attr: &str) -> bool {
    attr == "main_route_table_id" || attr == "default_route_table_id"
}

fn is_default_sg_attr(attr: &str) -> bool {
    attr.eq_ignore_ascii_case("default_security_group_id")
        || attr.eq_ignore_ascii_case("DefaultSecurityGroup")
}

/// A list field of node references: each element a node (from its edge) or why not.
pub(super) fn node_list(g: &Graph, id: NodeId, field: &str, kind: Kind) -> Fact<Vec<Fact<NodeId>>> {
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
