//! Value helpers of the evaluator: reasons of unknown values, operand checks, primitive
//! unification, the iteration order of maps and collections, equality of known values, and
//! attribute and index access.

use super::{err, quote};
use crate::base::value::format_number;
use crate::base::{Map, Ref, Span, Val, Value};
use crate::frontends::terraform::errors::is_error;
use crate::frontends::terraform::functions;

pub(super) trait WithSpan {
    fn with_span_if_none(self, span: Option<Span>) -> Self;
}

impl WithSpan for Value {
    fn with_span_if_none(mut self, span: Option<Span>) -> Value {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }
}

pub(super) fn reason_of(v: &Value) -> String {
    match &v.deref().kind {
        Val::Unknown(r) => r.to_string(),
        Val::Ref(r) => format!(
            "depends on `{}{}{}`, known only after apply",
            r.target,
            if r.attr.is_empty() { "" } else { "." },
            r.attr
        ),
        Val::Symbol(s) => format!("depends on {}", s.name()),
        Val::Choice(_) => "depends on a condition that is not known".into(),
        Val::Template(parts) => parts
            .iter()
            .find(|p| !matches!(p.deref().kind, Val::Str(_)))
            .map(reason_of)
            .unwrap_or_else(|| "not a known value".into()),
        Val::Encoded(_) => "is a JSON document, not a plain value".into(),
        _ => "not a value of the expected type".into(),
    }
}

/// An Unknown explaining that `what` is not known because of `v`.
pub(super) fn unknown_because(what: &str, v: &Value, span: Option<Span>) -> Value {
    if is_error(v) {
        return v.clone().with_span_if_none(span);
    }
    match &v.deref().kind {
        Val::Unknown(r) => Value::new(Val::Unknown(r.clone()), span.or(v.span)),
        _ => Value::unknown(
            format!("{what} is not known: {}", reason_of(v)),
            span.or(v.span),
        ),
    }
}

/// An operand (`what`) that is not `want`: a Terraform error when its value is known (`"a" < "b"`,
/// `null + 1`, `!"yes"`), else Unknown with the operand's reason.
pub(super) fn operand_unknown(what: &str, v: &Value, want: &str, span: Option<Span>) -> Value {
    match &v.deref().kind {
        Val::Str(s) => err(format!("cannot convert {s:?} to {want}"), span.or(v.span)),
        Val::Null | Val::Bool(_) | Val::Number(_) | Val::List(_) | Val::Map(_) => {
            let got = match &v.deref().kind {
                Val::Null => "null",
                Val::Bool(_) => "a bool",
                Val::Number(_) => "a number",
                Val::List(_) => "a list",
                _ => "a map",
            };
            err(
                format!("an operand must be {want}, got {got}"),
                span.or(v.span),
            )
        }
        _ => unknown_because(what, v, span),
    }
}

pub(super) fn is_plain(v: &Value) -> bool {
    v.is_fully_known()
}

pub(super) fn key_string(v: &Value) -> Option<String> {
    match &v.deref().kind {
        Val::Str(s) => Some(s.clone()),
        Val::Number(n) => Some(format_number(*n)),
        Val::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `v` converted to the type it unifies to with `other` (the other branch of a conditional):
/// a number or bool becomes a string when the other branch is a string, as Terraform unifies
/// them. Anything else is left as it is.
pub(super) fn unify_primitive(v: Value, other: &Value) -> Value {
    let other_is_string = matches!(
        other.deref().kind,
        Val::Str(_) | Val::Template(_) | Val::Encoded(_)
    );
    if !other_is_string {
        return v;
    }
    match &v.kind {
        Val::Number(n) => Value::str(format_number(*n), v.span),
        Val::Bool(b) => Value::str(b.to_string(), v.span),
        _ => v,
    }
}

/// The `(key, value)` pairs of a map or object in the order Terraform iterates them: by key
/// (byte order), whatever the order they were written or built in.
pub(super) fn map_items(m: &Map) -> Vec<(Value, Value)> {
    let mut items: Vec<(Value, Value)> = m
        .entries
        .iter()
        .map(|e| (Value::str(e.key.clone(), e.key_span), e.value.clone()))
        .collect();
    items.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
    items
}

/// The (key, value) pairs a `for` iterates over; `Err` is the Unknown to return.
pub(super) fn iter_items(coll: &Value) -> Result<Vec<(Value, Value)>, Value> {
    if let Val::Ref(r) = &coll.kind {
        if r.attr.is_empty() && r.target.ends_with("[*]") {
            // The stand-in instance of a resource with an unknown number of instances.
            return Ok(vec![(
                Value::unknown(
                    format!(
                        "index in `{}`, whose number of instances is not known",
                        r.target
                    ),
                    None,
                ),
                coll.clone(),
            )]);
        }
    }
    match &coll.deref().kind {
        Val::List(l) => Ok(l
            .iter()
            .enumerate()
            .map(|(i, v)| (Value::new(Val::Number(i as f64), v.span), v.clone()))
            .collect()),
        Val::Map(m) => Ok(map_items(m)),
        Val::Null => Err(err("cannot iterate over null", coll.span)),
        _ => Err(unknown_because("collection", coll, coll.span)),
    }
}

/// Structural equality of known values; `None` when it cannot be told.
pub fn lit_eq(a: &Value, b: &Value) -> Option<bool> {
    if let (Val::Ref(x), Val::Ref(y)) = (&a.kind, &b.kind) {
        if x.target == y.target && x.attr == y.attr {
            return Some(true);
        }
    }
    let (a, b) = (a.deref(), b.deref());
    // Compared with null: strings built from parts, JSON documents and deployment constants are
    // never null; neither, by assumption, is a computed attribute of a resource.
    let never_null = |v: &Value| match &v.kind {
        Val::Template(_) | Val::Encoded(_) | Val::Symbol(_) => true,
        Val::Ref(r) => !r.attr.is_empty() || r.resolved.is_some(),
        Val::Choice(opts) => opts
            .iter()
            .all(|o| !matches!(o.deref().kind, Val::Null | Val::Unknown(_))),
        _ => false,
    };
    match (&a.kind, &b.kind) {
        (Val::Null, _) if never_null(b) => return Some(false),
        (_, Val::Null) if never_null(a) => return Some(false),
        _ => {}
    }
    match (&a.kind, &b.kind) {
        (Val::Null, Val::Null) => Some(true),
        (Val::Bool(x), Val::Bool(y)) => Some(x == y),
        (Val::Number(x), Val::Number(y)) => Some(x == y),
        (Val::Str(x), Val::Str(y)) => Some(x == y),
        (Val::Symbol(x), Val::Symbol(y)) if x == y => Some(true),
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = Some(true);
            for (p, q) in x.iter().zip(y) {
                match lit_eq(p, q) {
                    Some(false) => return Some(false),
                    None => all = None,
                    _ => {}
                }
            }
            all
        }
        (Val::Map(x), Val::Map(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = Some(true);
            for e in &x.entries {
                match y.get(&e.key) {
                    None => return Some(false),
                    Some(q) => match lit_eq(&e.value, q) {
                        Some(false) => return Some(false),
                        None => all = None,
                        _ => {}
                    },
                }
            }
            all
        }
        (Val::Unknown(_), _) | (_, Val::Unknown(_)) => None,
        (Val::Ref(_) | Val::Symbol(_) | Val::Template(_) | Val::Choice(_) | Val::Encoded(_), _)
        | (_, Val::Ref(_) | Val::Symbol(_) | Val::Template(_) | Val::Choice(_) | Val::Encoded(_)) => {
            None
        }
        // Different known kinds: Terraform compares after no conversion.
        _ => Some(false),
    }
}

pub(super) fn get_attr(v: &Value, a: &str, span: Option<Span>) -> Value {
    match &v.kind {
        Val::Map(m) => match m.get(a) {
            Some(x) => x.clone(),
            None => err(format!("object has no attribute `{a}`"), span),
        },
        Val::Ref(r) => {
            let (attr, resolved) = if r.attr.is_empty() {
                (
                    a.to_string(),
                    r.resolved
                        .as_ref()
                        .and_then(|x| x.get(a))
                        .filter(|x| !matches!(x.kind, Val::Null))
                        .cloned(),
                )
            } else {
                (
                    format!("{}.{a}", r.attr),
                    r.resolved
                        .as_ref()
                        .map(|x| get_attr(x, a, span))
                        .filter(|x| !x.is_unknown()),
                )
            };
            Value::new(
                Val::Ref(Box::new(Ref {
                    target: r.target.clone(),
                    attr,
                    resolved,
                })),
                span,
            )
        }
        Val::Unknown(_) => v.clone(),
        Val::Choice(opts) => Value::new(
            Val::Choice(opts.iter().map(|o| get_attr(o, a, span)).collect()),
            v.span,
        ),
        Val::Null => err(format!("attribute `{a}` of null"), span),
        Val::List(_) => err(
            format!("attribute `{a}` of a list (use [*] or an index)"),
            span,
        ),
        Val::Symbol(_)
        | Val::Template(_)
        | Val::Encoded(_)
        | Val::Str(_)
        | Val::Number(_)
        | Val::Bool(_) => err(format!("attribute `{a}` of a value that has none"), span),
    }
}

pub(super) fn index(v: &Value, k: &Value, span: Option<Span>) -> Value {
    if is_error(k) {
        return k.clone();
    }
    match &v.kind {
        // A list over the instances of a resource whose number is not known (a splat of its
        // stand-in): whichever index, the element is one of those instances, the stand-in.
        Val::List(l)
            if l.len() == 1
                && functions::unknown_size(v).is_some()
                && k.as_f64().is_none_or(|i| i >= 0.0 && i.fract() == 0.0) =>
        {
            l[0].clone()
        }
        Val::List(l) => match k.as_f64() {
            Some(i) if i >= 0.0 && i.fract() == 0.0 => match l.get(i as usize) {
                Some(x) => x.clone(),
                None => err(format!("index {} out of range", format_number(i)), span),
            },
            Some(_) => err("invalid index", span),
            None => unknown_because("index", k, span),
        },
        Val::Map(m) => match key_string(k) {
            Some(s) => match m.get(&s) {
                Some(x) => x.clone(),
                None => err(format!("no key {}", quote(&s)), span),
            },
            None => unknown_because("key", k, span),
        },
        Val::Ref(r) => {
            if r.attr.is_empty() {
                if r.target.ends_with("[*]") {
                    return v.clone();
                }
                return err(format!("`{}` is a single instance", r.target), span);
            }
            let ks = match (&k.deref().kind, key_string(k)) {
                (Val::Number(_), Some(s)) => format!("[{s}]"),
                (_, Some(s)) => format!("[{}]", quote(&s)),
                _ => "[*]".to_string(),
            };
            let resolved = r
                .resolved
                .as_ref()
                .map(|x| index(x, k, span))
                .filter(|x| !x.is_unknown());
            Value::new(
                Val::Ref(Box::new(Ref {
                    target: r.target.clone(),
                    attr: format!("{}{ks}", r.attr),
                    resolved,
                })),
                span,
            )
        }
        Val::Unknown(_) => v.clone(),
        Val::Choice(opts) => Value::new(
            Val::Choice(opts.iter().map(|o| index(o, k, span)).collect()),
            v.span,
        ),
        Val::Null => err("index of null", span),
        _ => err("index of a value that is not a collection", span),
    }
}
