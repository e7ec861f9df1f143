//! Building a graph from a unit: normalise each resource (splitting inline parts into their own
//! nodes), index the nodes, then turn references and name matches into edges. Every step is a
//! pass over the resources with hash lookups: O(n) in resources (times their size).
//!
//! This file holds the passes and the reference edges; `synth.rs` splits inline parts into
//! nodes, `joins.rs` makes the name joins.

use std::collections::HashMap;

use crate::base::{Map, Ref, SourceMap, Span, Val, Value};
use crate::frontends::{Mode, Resource, Unit};

use super::kinds::{kind_of, Kind};
use super::model::{path_under, Dangling, Edge, Graph, Node, NodeId, Via};
use super::normalize::{apply, Cx};
use super::table::rows;

mod joins;
mod synth;

/// Builds the graph of one unit. Pure: no I/O.
pub fn build(unit: &Unit) -> Graph {
    build_with_sources(unit, None)
}

/// [`build`], with the source texts that let positions inside JSON held in strings (escaped,
/// in heredocs, in templates) point at the source rather than at the whole string.
pub fn build_with_sources(unit: &Unit, sources: Option<&SourceMap>) -> Graph {
    let mut b = Builder {
        sources,
        g: Graph {
            unit: unit.name.clone(),
            format: unit.format,
            region: unit.region.clone(),
            elsewhere: unit.elsewhere.clone(),
            ..Graph::default()
        },
        links: HashMap::new(),
        instances: HashMap::new(),
    };
    for res in &unit.resources {
        b.add_resource(res);
    }
    b.index();
    b.ref_edges();
    b.name_joins();
    b.adjacency();
    b.g.unread = unread(&b.g);
    for d in &mut b.g.diagnostics {
        if d.span.is_none() && d.file.is_none() {
            d.file = Some(unit.root.clone());
        }
    }
    b.g
}

/// See [`Graph::unread`]. A nested stack that was read has resources named `Stack/Logical`.
fn unread(g: &Graph) -> Vec<NodeId> {
    let loaded: std::collections::HashSet<&str> = g
        .nodes
        .iter()
        .filter_map(|n| n.address.rsplit_once('/').map(|(stack, _)| stack))
        .collect();
    g.nodes
        .iter()
        .filter(|n| {
            n.rtype == "module"
                || (matches!(
                    n.rtype.as_str(),
                    "AWS::CloudFormation::Stack" | "AWS::Serverless::Application"
                ) && !loaded.contains(n.address.as_str()))
        })
        .map(|n| n.id)
        .collect()
}

struct Builder<'s> {
    sources: Option<&'s SourceMap>,
    g: Graph,
    /// `(child, field)`: the field of a synthesised node that points at its parent.
    links: HashMap<NodeId, Vec<String>>,
    /// Un-indexed address → its instances (`aws_subnet.private` → `aws_subnet.private[0]`, ...).
    instances: HashMap<String, Vec<NodeId>>,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn new_node(
        &mut self,
        address: String,
        rtype: &str,
        kind: Kind,
        mode: Mode,
        span: Span,
        exists: Option<Value>,
        parent: Option<NodeId>,
    ) -> NodeId {
        let id = self.g.nodes.len();
        self.g.nodes.push(Node {
            id,
            address,
            rtype: rtype.to_string(),
            kind,
            mode,
            span,
            exists,
            fields: Map::new(),
            defaults: Default::default(),
            written_keys: Vec::new(),
            parent,
        });
        id
    }

    /// Normalises `src` with the rows of the node's kind into its fields.
    fn fill(&mut self, id: NodeId, src: &Map, span: Option<Span>, cfn: bool) {
        let node = &self.g.nodes[id];
        let Some(rows) = rows(node.kind) else {
            self.g.nodes[id].fields = src.clone();
            return;
        };
        let rtype = node.rtype.clone();
        let mut cx = Cx::new(cfn, node.mode == Mode::Managed, &rtype).with_sources(self.sources);
        let mut fields = apply(rows, src, span, "", &mut cx);
        prune_exclusive(node.kind, &mut fields);
        let node = &mut self.g.nodes[id];
        node.fields = fields;
        node.defaults = cx.defaults;
        node.written_keys = cx.written_keys;
        self.g.diagnostics.append(&mut cx.diagnostics);
    }

    fn add_resource(&mut self, res: &Resource) {
        let cfn = res.rtype.contains("::");
        let kind = kind_of(&res.rtype, res.mode);
        let id = self.new_node(
            res.address.clone(),
            &res.rtype,
            kind,
            res.mode,
            res.span,
            res.exists.clone(),
            None,
        );
        self.fill(id, &res.attrs, Some(res.span), cfn);
        self.synthesise(id, &res.attrs, cfn);
    }

    fn child(&mut self, parent: NodeId, part: &str, kind: Kind, span: Option<Span>) -> NodeId {
        let p = &self.g.nodes[parent];
        let (address, rtype, mode, pspan, exists) = (
            format!("{}#{part}", p.address),
            p.rtype.clone(),
            p.mode,
            p.span,
            p.exists.clone(),
        );
        self.new_node(
            address,
            &rtype,
            kind,
            mode,
            span.unwrap_or(pspan),
            exists,
            Some(parent),
        )
    }

    /// Sets a field written by the synthesis (not a default).
    fn set(&mut self, id: NodeId, key: &str, key_span: Option<Span>, v: Value) {
        let n = &mut self.g.nodes[id];
        n.defaults.remove(key);
        n.fields.insert(key, key_span, v);
    }

    /// Sets the field of a synthesised node that designates its parent.
    fn link(&mut self, child: NodeId, key: &str, v: Value) {
        self.set(child, key, None, v);
        self.links.entry(child).or_default().push(key.to_string());
    }

    /// A reference to a parent, resolved to its canonical name when `attr` is `name`.
    fn parent_ref(&self, parent: NodeId, attr: &str, span: Option<Span>) -> Value {
        let p = &self.g.nodes[parent];
        let resolved = if attr == "name" {
            p.fields.get("name").cloned()
        } else {
            None
        };
        Value::new(
            Val::Ref(Box::new(Ref {
                target: p.address.clone(),
                attr: attr.to_string(),
                resolved,
            })),
            span,
        )
    }

    fn index(&mut self) {
        for n in &self.g.nodes {
            self.g.by_address.entry(n.address.clone()).or_insert(n.id);
            self.g.by_kind.entry(n.kind).or_default().push(n.id);
            if let Some(base) = strip_index(&n.address) {
                self.instances
                    .entry(base.to_string())
                    .or_default()
                    .push(n.id);
            }
        }
    }

    /// The nodes a reference designates: the exact address, else every instance of an
    /// un-indexed address, else the un-indexed resource of an indexed reference. `None` for
    /// CloudFormation pseudo parameters (not resources).
    fn resolve(&self, target: &str) -> Option<Vec<NodeId>> {
        if target.starts_with("AWS::") {
            return None;
        }
        if let Some(&id) = self.g.by_address.get(target) {
            return Some(vec![id]);
        }
        if let Some(ids) = self.instances.get(target) {
            return Some(ids.clone());
        }
        if let Some(&id) = strip_index(target).and_then(|b| self.g.by_address.get(b)) {
            return Some(vec![id]);
        }
        Some(vec![])
    }

    fn ref_edges(&mut self) {
        let mut found = Vec::new();
        for n in &self.g.nodes {
            for e in &n.fields.entries {
                walk_refs(&e.value, &e.key, &mut |path, r, span| {
                    found.push((
                        n.id,
                        path.to_string(),
                        r.target.clone(),
                        r.attr.clone(),
                        span,
                    ));
                });
            }
        }
        for (from, field, target, attr, span) in found {
            let Some(ids) = self.resolve(&target) else {
                continue;
            };
            if ids.is_empty() {
                self.g.dangling.push(Dangling {
                    from,
                    field,
                    target,
                    attr,
                    span,
                });
                continue;
            }
            let parent = self.g.nodes[from].parent;
            let via = if ids.len() == 1
                && parent == Some(ids[0])
                && self
                    .links
                    .get(&from)
                    .is_some_and(|fs| fs.iter().any(|f| path_under(&field, f)))
            {
                Via::Parent
            } else {
                Via::Ref
            };
            for to in ids {
                self.g.edges.push(Edge {
                    from,
                    to,
                    field: field.clone(),
                    attr: attr.clone(),
                    via,
                    span,
                });
            }
        }
    }

    fn adjacency(&mut self) {
        let n = self.g.nodes.len();
        self.g.out_edges = vec![Vec::new(); n];
        self.g.in_edges = vec![Vec::new(); n];
        for (i, e) in self.g.edges.iter().enumerate() {
            self.g.out_edges[e.from].push(i);
            self.g.in_edges[e.to].push(i);
        }
    }
}

/// Fields of which a resource has exactly one. When one is written, unknown siblings are the
/// provider's computed attributes (a plan's "known after apply"), not alternatives: a route has
/// one destination and one target [V TF aws_route doc "exactly one of"; CFN AWS::EC2::Route].
const EXCLUSIVE: &[(Kind, &[&str])] = &[
    (
        Kind::Route,
        &[
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
        ],
    ),
    (
        Kind::Route,
        &[
            "gateway_id",
            "nat_gateway_id",
            "transit_gateway_id",
            "network_interface_id",
            "vpc_endpoint_id",
            "vpc_peering_connection_id",
            "egress_only_gateway_id",
            "carrier_gateway_id",
            "local_gateway_id",
            "core_network_arn",
            "instance_id",
        ],
    ),
];

fn prune_exclusive(kind: Kind, fields: &mut Map) {
    for (k, group) in EXCLUSIVE {
        if *k != kind {
            continue;
        }
        let written = |v: &Value| !matches!(v.kind, Val::Unknown(_));
        if group.iter().any(|f| fields.get(f).is_some_and(written)) {
            fields
                .entries
                .retain(|e| !group.contains(&e.key.as_str()) || written(&e.value));
        }
    }
}

/// `aws_subnet.private[0]` → `aws_subnet.private`; `x["a.b"]` → `x`; `None` when not indexed.
pub fn strip_index(address: &str) -> Option<&str> {
    if !address.ends_with(']') {
        return None;
    }
    let open = match address.strip_suffix("\"]") {
        Some(inner) => inner.rfind("[\"")?,
        None => address.rfind('[')?,
    };
    Some(&address[..open])
}

/// Calls `f(path, ref, span)` for every reference in a value; `path` is the canonical path
/// (`network_configuration.subnets[0]`). Parts of templates and alternatives share the path of
/// the value they are in.
pub fn walk_refs<'a>(v: &'a Value, path: &str, f: &mut dyn FnMut(&str, &'a Ref, Option<Span>)) {
    match &v.kind {
        // Not into `resolved`: the references inside a referenced value (a whole resource, a
        // rendered policy document) belong to its own node, which has those edges.
        Val::Ref(r) => f(path, r, v.span),
        Val::List(l) => {
            for (i, x) in l.iter().enumerate() {
                walk_refs(x, &format!("{path}[{i}]"), f);
            }
        }
        Val::Template(l) | Val::Choice(l) => l.iter().for_each(|x| walk_refs(x, path, f)),
        Val::Map(m) => {
            for e in &m.entries {
                walk_refs(&e.value, &format!("{path}.{}", e.key), f);
            }
        }
        Val::Encoded(x) => walk_refs(x, path, f),
        _ => {}
    }
}
