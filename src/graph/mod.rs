//! The resource graph. Being written on its own branch; this placeholder is empty.

use std::path::Path;

use crate::base::SourceMap;
use crate::frontends::Unit;

pub struct Graph;

pub fn build(_unit: &Unit) -> Graph {
    Graph
}

pub fn to_json(_graphs: &[Graph], _sources: &SourceMap, _cwd: &Path) -> serde_json::Value {
    serde_json::json!({"resources": [], "edges": []})
}

pub fn to_text(_graphs: &[Graph], _sources: &SourceMap, _cwd: &Path) -> String {
    String::new()
}
