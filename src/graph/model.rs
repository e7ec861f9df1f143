//! The graph data model: nodes (resources with canonical fields), edges (references and name
//! joins), and the indexes the analysis uses.

use std::collections::{BTreeSet, HashMap};

use crate::base::{Diagnostic, Format, Map, Span, Value};
use crate::frontends::Mode;

use super::kinds::Kind;

/// Index of a node in [`Graph::nodes`].
pub type NodeId = usize;

/// The resource graph of one deployment unit.
#[derive(Debug, Default)]
pub struct Graph {
    /// The unit's display name.
    pub unit: String,
    pub format: Option<Format>,
    /// The deployment Region when the unit fixes it.
    pub region: Option<Value>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Address → node.
    pub by_address: HashMap<String, NodeId>,
    /// Kind → nodes of that kind, in input order.
    pub by_kind: HashMap<Kind, Vec<NodeId>>,
    /// References whose target is not a resource of the unit.
    pub dangling: Vec<Dangling>,
    /// Problems found while normalising (e.g. `container_definitions` that is not JSON).
    pub diagnostics: Vec<Diagnostic>,
    /// Nodes that stand for configuration that was not read: a Terraform module that is not
    /// installed (kept as a `module` pseudo-resource with its inputs), a nested stack whose
    /// template is not at hand. Resources of the unit may be created there, unseen.
    pub unread: Vec<NodeId>,
    /// What the other units of the scan declare (see [`crate::frontends::Elsewhere`]).
    pub elsewhere: std::sync::Arc<crate::frontends::Elsewhere>,
    pub(crate) out_edges: Vec<Vec<usize>>,
    pub(crate) in_edges: Vec<Vec<usize>>,
}

/// One resource instance (or data source, or a node synthesised from an inline block: see
/// [`Node::parent`]).
#[derive(Clone, Debug)]
pub struct Node {
    pub id: NodeId,
    /// The resource's address (Terraform instance address or CloudFormation logical id). Nodes
    /// synthesised from an inline part of a resource are `parent#part[i]`.
    pub address: String,
    /// The type as written (`aws_vpc_endpoint`, `AWS::EC2::VPCEndpoint`).
    pub rtype: String,
    pub kind: Kind,
    pub mode: Mode,
    pub span: Span,
    /// Whether the resource is created (see [`crate::frontends::Resource::exists`]).
    pub exists: Option<Value>,
    /// Canonical snake_case fields (see `table.rs`). Values keep their spans; defaults the user
    /// did not write have no span and are listed in `defaults`.
    pub fields: Map,
    /// Canonical field paths whose value is a documented default, not written by the user.
    pub defaults: BTreeSet<String>,
    /// Keys whose canonical spelling differs from the written one (container definitions):
    /// `(canonical path, written key, key span)`.
    pub written_keys: Vec<WrittenKey>,
    /// For a synthesised node, the resource it was written in (e.g. the route table of an
    /// inline `route {}` block, the role of `managed_policy_arns`).
    pub parent: Option<NodeId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WrittenKey {
    pub path: String,
    pub written: String,
    pub span: Option<Span>,
}

/// How an edge was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// A reference (`aws_iam_role.exec.arn`, `!GetAtt ExecRole.Arn`).
    Ref,
    /// A literal name or ARN matched against the target's name (`role = "app-exec"`).
    Name,
    /// A synthesised node's link to the resource it was written in.
    Parent,
}

/// `from.field` refers to `to`.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    /// Canonical path of the referring value (`network_configuration.subnets[0]`).
    pub field: String,
    /// The referenced attribute (`arn`, `id`, `Arn`, `""` for the resource itself or a name join).
    pub attr: String,
    pub via: Via,
    pub span: Option<Span>,
}

/// A reference to something that is not a resource of the unit (a variable-built address, a
/// resource of another stack or state, a typo).
#[derive(Clone, Debug, PartialEq)]
pub struct Dangling {
    pub from: NodeId,
    pub field: String,
    pub target: String,
    pub attr: String,
    pub span: Option<Span>,
}

impl Graph {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    pub fn get(&self, address: &str) -> Option<&Node> {
        self.by_address.get(address).map(|&i| &self.nodes[i])
    }

    /// Nodes of one kind, in input order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Node> {
        self.by_kind
            .get(&kind)
            .into_iter()
            .flatten()
            .map(move |&i| &self.nodes[i])
    }

    /// Edges leaving a node.
    pub fn edges_from(&self, id: NodeId) -> impl Iterator<Item = &Edge> {
        self.out_edges
            .get(id)
            .into_iter()
            .flatten()
            .map(move |&e| &self.edges[e])
    }

    /// Edges arriving at a node.
    pub fn edges_to(&self, id: NodeId) -> impl Iterator<Item = &Edge> {
        self.in_edges
            .get(id)
            .into_iter()
            .flatten()
            .map(move |&e| &self.edges[e])
    }

    /// Targets of the edges leaving `id` whose field is `field` or lies under it
    /// (`field` = `network_configuration.subnets` matches `network_configuration.subnets[1]`).
    pub fn targets(&self, id: NodeId, field: &str) -> Vec<NodeId> {
        self.edges_from(id)
            .filter(|e| path_under(&e.field, field))
            .map(|e| e.to)
            .collect()
    }

    /// Sources of the edges arriving at `id` from nodes of `kind`.
    pub fn referrers(&self, id: NodeId, kind: Kind) -> Vec<NodeId> {
        self.edges_to(id)
            .filter(|e| self.nodes[e.from].kind == kind)
            .map(|e| e.from)
            .collect()
    }

    /// The dangling references of the resources the analysis reads (not of [`Kind::Other`]
    /// ones), as warnings the caller can report with the other diagnostics.
    pub fn dangling_diagnostics(&self) -> Vec<Diagnostic> {
        self.dangling
            .iter()
            .filter(|d| self.nodes[d.from].kind != Kind::Other)
            .map(|d| {
                let n = &self.nodes[d.from];
                let mut diag = Diagnostic::warning(
                    "dangling-ref",
                    format!(
                        "`{}` ({}) refers to `{}`, which is not a resource of this unit",
                        n.address, d.field, d.target
                    ),
                );
                diag.span = d.span.or(Some(n.span));
                diag
            })
            .collect()
    }
}

impl Node {
    /// Whether the resource is created: `Some(true)` unconditionally or when its condition is
    /// known true, `Some(false)` when known false (a CloudFormation `Condition` that is false),
    /// `None` when not known (a `count` or `Condition` not known statically).
    pub fn created(&self) -> Option<bool> {
        match &self.exists {
            None => Some(true),
            Some(v) => v.as_bool(),
        }
    }

    /// A canonical field by dotted path (`network_configuration.subnets`); list indices as `[i]`.
    pub fn field(&self, path: &str) -> Option<&Value> {
        lookup(&self.fields, path)
    }

    pub fn is_default(&self, path: &str) -> bool {
        self.defaults.contains(path)
    }
}

/// Looks a dotted path up in a map (segments may end in `[i]`).
pub fn lookup<'a>(map: &'a Map, path: &str) -> Option<&'a Value> {
    let mut segs = path.split('.');
    let first = segs.next()?;
    let (k, idx) = split_index(first);
    let mut cur = map.get(k)?;
    if let Some(i) = idx {
        cur = cur.as_list()?.get(i)?;
    }
    for seg in segs {
        let (k, idx) = split_index(seg);
        cur = cur.as_map()?.get(k)?;
        if let Some(i) = idx {
            cur = cur.as_list()?.get(i)?;
        }
    }
    Some(cur)
}

fn split_index(seg: &str) -> (&str, Option<usize>) {
    if let (Some(open), true) = (seg.find('['), seg.ends_with(']')) {
        if let Ok(i) = seg[open + 1..seg.len() - 1].parse() {
            return (&seg[..open], Some(i));
        }
    }
    (seg, None)
}

/// True when `path` is `prefix` or lies under it (`a.b[0].c` under `a.b`).
pub fn path_under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}
