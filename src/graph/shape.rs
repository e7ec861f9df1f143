//! A canonical, name-independent description of a graph, to check that the same
//! infrastructure written in different formats gives the same graph.

use std::collections::HashMap;

use crate::base::value::format_number;
use crate::base::{Symbol, Val, Value};

use super::build::strip_index;
use super::kinds::Kind;
use super::model::Graph;

/// Nodes as `Kind {field: value, ...}` and edges as `Kind.field -> Kind`, each sorted. Names,
/// addresses, spans, list indices in edge fields and the written-vs-default distinction are left
/// out; references are shown as the kind of their target (`->Vpc`); unknown values as `?`;
/// the Region symbol as the unit's Region when it is known. Nodes of kind `Other` and the edges
/// touching them are left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    pub nodes: Vec<String>,
    pub edges: Vec<String>,
}

impl Graph {
    pub fn shape(&self) -> Shape {
        self.shape_with_region(self.region.as_ref().and_then(|r| r.as_str()))
    }

    /// [`Graph::shape`] with the Region symbol read as `region` (for units whose Region is not
    /// fixed by the configuration, e.g. a CloudFormation template).
    pub fn shape_with_region(&self, region: Option<&str>) -> Shape {
        let region = region.map(str::to_string);
        let mut kinds: HashMap<&str, Vec<Kind>> = HashMap::new();
        for n in &self.nodes {
            kinds.entry(n.address.as_str()).or_default().push(n.kind);
            if let Some(base) = strip_index(&n.address) {
                kinds.entry(base).or_default().push(n.kind);
            }
        }
        // A literal that names a resource (a name join) reads like a reference to it.
        let mut edge_kinds = HashMap::new();
        for e in &self.edges {
            edge_kinds.insert((e.from, e.field.clone()), self.nodes[e.to].kind);
        }
        let r = Render {
            edge_kinds: &edge_kinds,
            kinds: &kinds,
            region,
        };
        let mut nodes: Vec<String> = self
            .nodes
            .iter()
            .filter(|n| n.kind != Kind::Other)
            .map(|n| {
                let mut fields: Vec<String> = n
                    .fields
                    .entries
                    .iter()
                    .map(|e| format!("{}: {}", e.key, r.value(n.id, &e.key, &e.value)))
                    .collect();
                fields.sort();
                format!("{:?} {{{}}}", n.kind, fields.join(", "))
            })
            .collect();
        nodes.sort();
        let mut edges: Vec<String> = self
            .edges
            .iter()
            .filter(|e| {
                self.nodes[e.from].kind != Kind::Other && self.nodes[e.to].kind != Kind::Other
            })
            .map(|e| {
                format!(
                    "{:?}.{} -> {:?}",
                    self.nodes[e.from].kind,
                    strip_indices(&e.field),
                    self.nodes[e.to].kind
                )
            })
            .collect();
        edges.sort();
        Shape { nodes, edges }
    }
}

fn strip_indices(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

struct Render<'a> {
    edge_kinds: &'a HashMap<(usize, String), Kind>,
    kinds: &'a HashMap<&'a str, Vec<Kind>>,
    region: Option<String>,
}

impl Render<'_> {
    fn target(&self, target: &str) -> String {
        match self
            .kinds
            .get(target)
            .or_else(|| strip_index(target).and_then(|b| self.kinds.get(b)))
        {
            Some(k) => format!("->{:?}", k[0]),
            None => "->?".to_string(),
        }
    }

    fn value(&self, id: usize, path: &str, v: &Value) -> String {
        match &v.kind {
            Val::Null => "null".into(),
            Val::Bool(b) => b.to_string(),
            Val::Number(n) => format_number(*n),
            Val::Str(s) => match self.edge_kinds.get(&(id, path.to_string())) {
                Some(k) => format!("->{k:?}"),
                None => format!("{s:?}"),
            },
            Val::List(l) => format!(
                "[{}]",
                l.iter()
                    .enumerate()
                    .map(|(i, x)| self.value(id, &format!("{path}[{i}]"), x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Val::Map(m) => {
                let mut f: Vec<String> = m
                    .entries
                    .iter()
                    .map(|e| {
                        format!(
                            "{:?}: {}",
                            e.key,
                            self.value(id, &format!("{path}.{}", e.key), &e.value)
                        )
                    })
                    .collect();
                f.sort();
                format!("{{{}}}", f.join(", "))
            }
            Val::Ref(r) => self.target(&r.target),
            Val::Symbol(s) => format!("{:?}", self.symbol(*s)),
            Val::Template(parts) => {
                let mut s = String::new();
                for p in parts {
                    match &p.kind {
                        Val::Str(x) => s.push_str(x),
                        Val::Symbol(sym) => s.push_str(&self.symbol(*sym)),
                        Val::Number(n) => s.push_str(&format_number(*n)),
                        _ => {
                            s.push_str("${");
                            s.push_str(&self.value(id, path, p));
                            s.push('}');
                        }
                    }
                }
                format!("{s:?}")
            }
            Val::Encoded(x) => format!("json({})", self.value(id, path, x)),
            Val::Choice(l) => format!(
                "choice({})",
                l.iter()
                    .map(|x| self.value(id, path, x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Val::Unknown(_) => "?".into(),
        }
    }

    fn symbol(&self, s: Symbol) -> String {
        match (s, &self.region) {
            (Symbol::Region, Some(r)) => r.clone(),
            _ => format!("${{{}}}", s.name()),
        }
    }
}
