//! Terraform evaluation errors as values: an error is an `Unknown` whose reason starts with
//! [`ERROR`]. Shared by the evaluator (`eval/`) and the built-in functions (`functions/`), which
//! both produce and test them; neither depends on the other for it.

use crate::base::{Val, Value};

/// Prefix of the reasons that stand for a Terraform evaluation error.
pub const ERROR: &str = "error: ";

/// The first Terraform error anywhere inside a value: Terraform fails the whole expression,
/// which is what `try()` and `can()` see. (Elsewhere errors stay where they are, so that one
/// element the evaluator cannot handle does not hide its siblings.)
pub fn first_error(v: &Value) -> Option<&Value> {
    match &v.kind {
        Val::Unknown(_) if is_error(v) => Some(v),
        Val::List(l) | Val::Template(l) => l.iter().find_map(first_error),
        Val::Map(m) => m.entries.iter().find_map(|e| first_error(&e.value)),
        Val::Encoded(x) => first_error(x),
        _ => None,
    }
}

pub fn is_error(v: &Value) -> bool {
    matches!(&v.kind, Val::Unknown(r) if r.0.starts_with(ERROR))
}
