//! The plan's `configuration` section: the module scope an expression is read in, its
//! expressions, and the resolution of their references, through module arguments (`var.x`),
//! module outputs and `each.value`, down to resource attributes: the `Ref`s that values unknown
//! at plan time become.

use std::sync::Arc;

use crate::base::{Map, Ref, Span, Val, Value};

use super::locate::{Shape, Shapes};
use super::refs::{self, classify, group_heads, join_attr, split_address, Subject};
use super::{obj, Plan, KNOWN_AFTER_APPLY, MAX_HOPS};

/// How many references are looked at to resolve one expression.
pub(super) const RESOLVE_BUDGET: usize = 1024;

/// The module scope an expression is evaluated in.
#[derive(Clone, Debug, Default)]
pub(super) struct Scope {
    /// Module instance steps (`module.a[0]`), for addresses.
    pub(super) inst: Vec<String>,
    /// Module call names, for the configuration.
    pub(super) calls: Vec<String>,
    /// The shapes of the resource's expressions, when its source was found.
    pub(super) shapes: Option<Arc<Shapes>>,
    /// The resource's own instance key (`0`, `"a"`), for `count.index` and `each.key`.
    pub(super) own_key: Option<String>,
    /// The references of the resource's `for_each` expression, for `each.value`.
    pub(super) for_each: Option<Arc<Vec<String>>>,
}

impl Scope {
    pub(super) fn prefix(&self, rel: &str) -> String {
        if self.inst.is_empty() {
            rel.to_string()
        } else {
            format!("{}.{rel}", self.inst.join("."))
        }
    }
    pub(super) fn parent(&self) -> Option<Scope> {
        if self.calls.is_empty() {
            return None;
        }
        let mut p = self.clone();
        p.inst.pop();
        p.calls.pop();
        p.shapes = None;
        p.own_key = None;
        p.for_each = None;
        Some(p)
    }
    pub(super) fn child(&self, call: &str, key: Option<&str>) -> Scope {
        let mut c = self.clone();
        c.inst.push(match key {
            Some(k) => format!("module.{call}[{k}]"),
            None => format!("module.{call}"),
        });
        c.calls.push(call.to_string());
        c.shapes = None;
        c.own_key = None;
        c.for_each = None;
        c
    }
    /// How the attribute `name` is written, when the source is known.
    pub(super) fn shape(&self, name: &str) -> Option<Shape> {
        self.shapes
            .as_ref()
            .and_then(|s| s.get(name))
            .map(|w| w.shape)
    }
    /// The resource and attribute a copy reads, when the source says it.
    pub(super) fn tail(&self, name: &str) -> Option<&(String, String)> {
        self.shapes.as_ref()?.get(name)?.tail.as_ref()
    }
}

/// A configuration expression (`{"references": [...], "constant_value": ...}`), a nested block's
/// expressions, or a list of nested blocks.
pub(super) enum Ex<'a> {
    Leaf(&'a Map),
    Block(&'a Map),
    Blocks(&'a [Value]),
    None,
}

pub(super) fn ex(e: Option<&Value>) -> Ex<'_> {
    let Some(e) = e else { return Ex::None };
    match &e.kind {
        Val::Map(m) => {
            let leaf = m.entries.iter().all(|en| match en.key.as_str() {
                "constant_value" => true,
                "references" => matches!(&en.value.kind, Val::List(l)
                    if l.iter().all(|r| matches!(r.kind, Val::Str(_)))),
                _ => false,
            });
            if leaf {
                Ex::Leaf(m)
            } else {
                Ex::Block(m)
            }
        }
        Val::List(l) => Ex::Blocks(l),
        _ => Ex::None,
    }
}

pub(super) fn leaf_refs(m: &Map) -> Vec<&str> {
    m.get("references")
        .and_then(Value::as_list)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// What a reference resolves to.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Resolved {
    /// Resource attributes (several when a module argument lists several).
    Refs(Vec<(String, String)>),
    Selector,
    Opaque,
}

impl Plan<'_> {
    /// Resolves every distinct reference; `None` when one of them is not a resource attribute
    /// (a local value, a variable with a known value...), since the value then is not just a copy.
    pub(super) fn resolve_all(
        &self,
        name: &str,
        heads: &[&str],
        scope: &Scope,
    ) -> Option<Vec<(String, String)>> {
        let heads = group_heads(heads.iter().copied());
        let mut out = Vec::new();
        let mut selected = false;
        self.budget.set(RESOLVE_BUDGET);
        for h in heads {
            match self.resolve(h, scope, 0) {
                Resolved::Refs(r) => out.extend(r),
                Resolved::Selector => selected = true,
                Resolved::Opaque => return None,
            }
        }
        // `aws_subnet.private[count.index].id` is listed as `aws_subnet.private` and
        // `count.index`: the instance with this resource's own key, when there is one.
        if let (true, Some(key)) = (selected, &scope.own_key) {
            for (target, _) in out.iter_mut() {
                let unkeyed = split_address(target).is_some_and(|a| a.key.is_none());
                let keyed = format!("{target}[{key}]");
                if unkeyed && self.values.contains_key(keyed.as_str()) {
                    *target = keyed;
                }
            }
        }
        // The attribute the plan left out (after a dynamic index, a splat, or in 0.12 plans),
        // from the written expression.
        if let ([(target, attr)], Some((resource, path))) = (out.as_mut_slice(), scope.tail(name)) {
            if attr.is_empty() && split_address(target).is_some_and(|a| &a.rel == resource) {
                *attr = path.clone();
            }
        }
        if out.is_empty() {
            None
        } else {
            Some(out)
        }
    }

    pub(super) fn resolve(&self, head: &str, scope: &Scope, hops: usize) -> Resolved {
        let left = self.budget.get();
        if hops > MAX_HOPS || left == 0 {
            return Resolved::Opaque;
        }
        self.budget.set(left - 1);
        match classify(head) {
            Subject::Resource { addr, attr } => Resolved::Refs(vec![(scope.prefix(&addr), attr)]),
            Subject::Selector => Resolved::Selector,
            Subject::Other => Resolved::Opaque,
            // `for_each = aws_subnet.private` (a whole resource, or a module output that is
            // one): `each.value` is that resource's instance with this resource's own key.
            Subject::EachValue { rest } => {
                let (Some(refs), Some(key)) = (&scope.for_each, &scope.own_key) else {
                    return Resolved::Opaque;
                };
                let mut found = Vec::new();
                for h in group_heads(refs.iter().map(String::as_str)) {
                    match self.resolve(h, scope, hops + 1) {
                        Resolved::Refs(r) => found.extend(r),
                        _ => return Resolved::Opaque,
                    }
                }
                match found.as_slice() {
                    [(target, attr)]
                        if attr.is_empty()
                            && split_address(target).is_some_and(|a| a.key.is_none()) =>
                    {
                        let keyed = format!("{target}[{key}]");
                        if self.values.contains_key(keyed.as_str()) {
                            Resolved::Refs(vec![(keyed, rest)])
                        } else {
                            Resolved::Opaque
                        }
                    }
                    _ => Resolved::Opaque,
                }
            }
            Subject::Var { name, rest } => {
                let (Some(parent), Some(call)) =
                    (scope.parent(), self.calls.get(&refs::cfg_key(&scope.calls)))
                else {
                    return Resolved::Opaque;
                };
                let arg = obj(call.get("expressions")).and_then(|e| e.get(name));
                self.resolve_expr(arg, &parent, &rest, hops)
            }
            Subject::ModuleOutput {
                call,
                key,
                output,
                rest,
            } => {
                let child = scope.child(call, key);
                let expr = self
                    .calls
                    .get(&refs::cfg_key(&child.calls))
                    .and_then(|c| obj(c.get("module")))
                    .and_then(|m| obj(m.get("outputs")))
                    .and_then(|o| obj(o.get(output)))
                    .and_then(|o| o.get("expression"));
                self.resolve_expr(expr, &child, &rest, hops)
            }
        }
    }

    /// Resolves a module argument or output expression made only of resource references (plus
    /// instance selectors); `rest` (what the reader takes of it, `var.sg.id`) needs exactly one.
    fn resolve_expr(&self, e: Option<&Value>, scope: &Scope, rest: &str, hops: usize) -> Resolved {
        let Ex::Leaf(m) = ex(e) else {
            return Resolved::Opaque;
        };
        let mut found = Vec::new();
        for h in group_heads(leaf_refs(m)) {
            match self.resolve(h, scope, hops + 1) {
                Resolved::Selector => {}
                Resolved::Opaque => return Resolved::Opaque,
                Resolved::Refs(r) => found.extend(r),
            }
        }
        match found.len() {
            0 => Resolved::Opaque,
            1 => {
                let (target, attr) = found.pop().unwrap_or_default();
                Resolved::Refs(vec![(target, join_attr(&attr, rest))])
            }
            _ if rest.is_empty() => Resolved::Refs(found),
            _ => Resolved::Opaque,
        }
    }

    /// Unknown value from its configuration references.
    pub(super) fn unknown_from_refs(
        &self,
        name: &str,
        heads: &[&str],
        scope: &Scope,
        list: bool,
        span: Option<Span>,
    ) -> Value {
        match self.resolve_all(name, heads, scope) {
            Some(t) if list => Value::new(
                Val::List(
                    t.iter()
                        .map(|(target, attr)| ref_value(target, attr, None, span))
                        .collect(),
                ),
                span,
            ),
            Some(t) if t.len() == 1 => ref_value(&t[0].0, &t[0].1, None, span),
            _ => Value::unknown(KNOWN_AFTER_APPLY, span),
        }
    }

    /// False when the target's planned attribute is known and differs from `v` (the expression
    /// then transforms the reference, e.g. `cidrsubnet(aws_vpc.main.cidr_block, 8, 1)`).
    pub(super) fn consistent(&self, target: &str, attr: &str, v: &Value) -> bool {
        let Some(tv) = self.values.get(target).and_then(|m| m.get(attr)) else {
            return true;
        };
        match (&tv.kind, &v.kind) {
            (Val::Str(a), Val::Str(b)) => a == b,
            (Val::Number(a), Val::Number(b)) => a == b,
            (Val::Bool(a), Val::Bool(b)) => a == b,
            (Val::Null, _) => true,
            _ => tv.to_json() == v.to_json(),
        }
    }
}

pub(super) fn ref_value(
    target: &str,
    attr: &str,
    resolved: Option<Value>,
    span: Option<Span>,
) -> Value {
    Value::new(
        Val::Ref(Box::new(Ref {
            target: target.to_string(),
            attr: attr.to_string(),
            resolved,
        })),
        span,
    )
}
