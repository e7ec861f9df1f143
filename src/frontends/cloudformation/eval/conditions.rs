//! Conditions: named conditions (memoised, cycles unknown), condition expressions, a resource's
//! `Condition`, and whether a resource exists given its stack's condition and its own.

use super::values::{respan, unknown, why_unknown};
use super::{CondState, Tpl, MAX_DEPTH};
use crate::base::{Span, Val, Value};
use crate::frontends::cloudformation::Ctx;

/// The evaluated `Condition` of a resource, if it has one.
pub(super) fn resource_condition(t: &mut Tpl, cx: &mut Ctx, res: &Value) -> Option<Value> {
    res.get("Condition").map(|c| match c.as_str() {
        Some(name) => t.condition(cx, name, c.span),
        None => unknown("the resource's Condition is not a condition name", c.span),
    })
}

/// Both conditions must hold (the parent stack's and the resource's own).
pub(super) fn combine_exists(parent: Option<Value>, own: Option<Value>) -> Option<Value> {
    match (parent, own) {
        (None, x) | (x, None) => x,
        (Some(p), Some(o)) => match (&p.kind, &o.kind) {
            (Val::Bool(false), _) => Some(p),
            (Val::Bool(true), _) => Some(o),
            (_, Val::Bool(false)) => Some(o),
            (_, Val::Bool(true)) => Some(p),
            _ => Some(unknown(
                format!(
                    "depends on the nested stack's condition ({}) and the resource's ({})",
                    why_unknown(&p),
                    why_unknown(&o)
                ),
                o.span,
            )),
        },
    }
}

impl Tpl {
    /// The value of a named condition (memoised; cycles give Unknown).
    pub fn condition(&mut self, cx: &mut Ctx, name: &str, site: Option<Span>) -> Value {
        match self.conditions.get(name) {
            Some(CondState::Done(v)) => return respan(v.clone(), site),
            Some(CondState::InProgress) => {
                return unknown(format!("condition {name} refers to itself"), site)
            }
            None => {}
        }
        let doc = self.doc.clone();
        let Some(def) = doc.get("Conditions").and_then(|c| c.get(name)) else {
            return unknown(
                format!("condition {name} is not defined in Conditions"),
                site,
            );
        };
        if self.depth >= MAX_DEPTH {
            return unknown(
                format!("condition {name} is nested too deeply to evaluate"),
                site,
            );
        }
        self.conditions
            .insert(name.to_string(), CondState::InProgress);
        self.depth += 1;
        let v = self.cond_expr(cx, def);
        self.depth -= 1;
        let v = match v.kind {
            Val::Bool(_) => v,
            Val::Unknown(r) => unknown(format!("condition {name} is not known: {r}"), v.span),
            _ => unknown(
                format!("condition {name} is not known: {}", why_unknown(&v)),
                v.span,
            ),
        };
        self.conditions
            .insert(name.to_string(), CondState::Done(v.clone()));
        respan(v, site)
    }

    /// A condition expression (`Fn::Equals`, `Fn::And`, …, `{"Condition": name}`): Bool or Unknown.
    pub(super) fn cond_expr(&mut self, cx: &mut Ctx, v: &Value) -> Value {
        if let Some(m) = v.as_map() {
            if m.len() == 1 && m.entries[0].key == "Condition" {
                let arg = &m.entries[0].value;
                return match arg.as_str() {
                    Some(n) => self.condition(cx, n, v.span),
                    None => unknown("`Condition` needs a condition name", v.span),
                };
            }
        }
        match self.eval(cx, v) {
            Some(r) => match r.kind {
                Val::Bool(_) | Val::Unknown(_) => r,
                _ => match r.as_bool() {
                    Some(b) => Value::new(Val::Bool(b), r.span),
                    None => unknown(
                        format!("the condition is not a boolean ({})", why_unknown(&r)),
                        r.span,
                    ),
                },
            },
            None => unknown("the condition is AWS::NoValue", v.span),
        }
    }
}
