//! The graph as JSON (`pullpath graph`): resources with their canonical fields, and edges.

use std::path::Path;

use serde_json::{json, Map as JMap, Value as J};

use crate::base::{SourceMap, Span};

use super::model::Graph;

/// The file of a span as the reports show it (relative to `cwd`, no leading `./`).
fn rel(sources: &SourceMap, span: Span, cwd: &Path) -> String {
    crate::base::source::display_path(&sources.path(span.file), cwd)
}

/// `{"resources": [...], "edges": [...]}` for the graphs of a run. Paths are relative to `cwd`;
/// lines and columns are 1-based. Edges without a span of their own (synthesised links) are
/// placed at their source resource.
pub fn to_json(graphs: &[Graph], sources: &SourceMap, cwd: &Path) -> J {
    let mut resources = Vec::new();
    let mut edges = Vec::new();
    for g in graphs {
        let format = serde_json::to_value(g.format).unwrap_or(J::Null);
        for n in &g.nodes {
            let (start, _) = sources.line_col(n.span);
            let mut o = JMap::new();
            o.insert("address".into(), J::String(n.address.clone()));
            o.insert("type".into(), J::String(n.rtype.clone()));
            o.insert("kind".into(), J::String(n.kind.name()));
            o.insert("unit".into(), J::String(g.unit.clone()));
            o.insert("format".into(), format.clone());
            o.insert("file".into(), J::String(rel(sources, n.span, cwd)));
            o.insert("line".into(), json!(start.line));
            o.insert("column".into(), json!(start.column));
            if let Some(e) = &n.exists {
                o.insert("exists".into(), e.to_json());
            }
            let fields: JMap<String, J> = n
                .fields
                .entries
                .iter()
                .map(|e| (e.key.clone(), e.value.to_json()))
                .collect();
            o.insert("fields".into(), J::Object(fields));
            if !n.defaults.is_empty() {
                o.insert("defaults".into(), json!(n.defaults));
            }
            resources.push(J::Object(o));
        }
        for e in &g.edges {
            let span = e.span.unwrap_or(g.nodes[e.from].span);
            let (start, _) = sources.line_col(span);
            edges.push(json!({
                "from": g.nodes[e.from].address,
                "to": g.nodes[e.to].address,
                "field": e.field,
                "via": e.via,
                "file": rel(sources, span, cwd),
                "line": start.line,
            }));
        }
    }
    json!({"resources": resources, "edges": edges})
}

/// The graph as text: per unit, each resource with its kind and place, then its edges.
pub fn to_text(graphs: &[Graph], sources: &SourceMap, cwd: &Path) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for g in graphs {
        let _ = writeln!(
            out,
            "{} ({} resources, {} edges)",
            g.unit,
            g.nodes.len(),
            g.edges.len()
        );
        for n in &g.nodes {
            let (start, _) = sources.line_col(n.span);
            let _ = writeln!(
                out,
                "  {} [{}] {}:{}",
                n.address,
                n.kind.name(),
                rel(sources, n.span, cwd),
                start.line
            );
            for e in g.edges_from(n.id) {
                let _ = writeln!(out, "    {} -> {}", e.field, g.nodes[e.to].address);
            }
            for d in g.dangling.iter().filter(|d| d.from == n.id) {
                let _ = writeln!(out, "    {} -> {} (not in this unit)", d.field, d.target);
            }
        }
    }
    out
}
