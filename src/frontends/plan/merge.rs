//! A planned value merged with its unknown marks (`after_unknown`), its configuration expression
//! and its sensitivity marks: known values kept (a plain copy of a reference keeps the edge),
//! unknown ones made references or `known after apply`, JSON strings that reference resources
//! decoded and linked.

use crate::base::{Map, Val, Value};

use super::locate::Shape;
use super::refs::group_heads;
use super::{encoded, Plan, KNOWN_AFTER_APPLY};

use super::resolve::{ex, leaf_refs, ref_value, Ex, Resolved, Scope, RESOLVE_BUDGET};

impl Plan<'_> {
    /// Combines a planned value `v`, its unknown marks `u`, its configuration expression `e` and
    /// its sensitivity marks `s` (used as a type hint: `[]` for lists, `{}` for objects).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn merge(
        &self,
        name: &str,
        v: Option<&Value>,
        u: Option<&Value>,
        e: Option<&Value>,
        s: Option<&Value>,
        scope: &Scope,
        depth: usize,
    ) -> Option<Value> {
        if depth > 64 {
            return v.cloned();
        }
        let x = ex(e);
        // Marks with nothing unknown inside (`[false]`, `{}`) say the value is fully known.
        let u = u.filter(|u| has_unknown(u, 0));
        match u.map(|u| &u.kind) {
            Some(Val::Bool(true)) => {
                let span = e.and_then(|e| e.span).or(u.and_then(|u| u.span));
                let shape = scope.shape(name);
                if let (Ex::Leaf(m), false) = (x, shape == Some(Shape::Computed)) {
                    let list = match (shape, s.map(|s| &s.kind)) {
                        (Some(Shape::List | Shape::Splat), _) => true,
                        (_, Some(Val::List(_))) => true,
                        (_, Some(Val::Map(_))) => false,
                        _ => looks_like_list(name),
                    };
                    return Some(self.unknown_from_refs(name, &leaf_refs(m), scope, list, span));
                }
                Some(Value::unknown(KNOWN_AFTER_APPLY, span))
            }
            Some(Val::List(us)) => {
                let vs = v.and_then(Value::as_list).unwrap_or(&[]);
                let n = vs.len().max(us.len());
                let span = v.and_then(|v| v.span).or(u.and_then(|u| u.span));
                let ss = s.and_then(Value::as_list).unwrap_or(&[]);
                let mut out = Vec::with_capacity(n);
                if let Ex::Leaf(m) = x {
                    let heads = leaf_refs(m);
                    let targets = match scope.shape(name) {
                        Some(Shape::Computed) => None,
                        _ => self.resolve_all(name, &heads, scope),
                    };
                    let is_hole =
                        |u: Option<&Value>| matches!(u.map(|u| &u.kind), Some(Val::Bool(true)));
                    let holes = us.iter().filter(|u| is_hole(Some(u))).count();
                    let mut k = 0;
                    for i in 0..n {
                        let ui = us.get(i);
                        let hole = is_hole(ui).then(|| {
                            k += 1;
                            k - 1
                        });
                        let span_i = vs.get(i).and_then(|v| v.span).or(span);
                        let item = match (hole, &targets) {
                            (Some(k), Some(t)) if t.len() == holes => {
                                ref_value(&t[k].0, &t[k].1, None, span_i)
                            }
                            (Some(_), Some(t)) if t.len() == 1 => {
                                ref_value(&t[0].0, &t[0].1, None, span_i)
                            }
                            (Some(_), _) => Value::unknown(KNOWN_AFTER_APPLY, span_i),
                            (None, _) => match self.merge(
                                name,
                                vs.get(i),
                                ui,
                                None,
                                ss.get(i),
                                scope,
                                depth + 1,
                            ) {
                                Some(v) => v,
                                None => Value::null(span_i),
                            },
                        };
                        out.push(item);
                    }
                } else {
                    let es = match x {
                        Ex::Blocks(es) => es,
                        _ => &[],
                    };
                    for i in 0..n {
                        let item = self
                            .merge(
                                name,
                                vs.get(i),
                                us.get(i),
                                es.get(i),
                                ss.get(i),
                                scope,
                                depth + 1,
                            )
                            .unwrap_or_else(|| Value::null(span));
                        out.push(item);
                    }
                }
                Some(Value::new(Val::List(out), span))
            }
            Some(Val::Map(um)) => {
                let span = v.and_then(|v| v.span).or(u.and_then(|u| u.span));
                let base = v.and_then(Value::as_map);
                let es = match x {
                    Ex::Block(m) => Some(m),
                    _ => None,
                };
                Some(Value::new(
                    Val::Map(self.merge_map(
                        base,
                        Some(um),
                        es,
                        s.and_then(Value::as_map),
                        scope,
                        depth,
                    )),
                    span,
                ))
            }
            _ => {
                let v = v?;
                match (&v.kind, x) {
                    (Val::Null, _) => Some(v.clone()),
                    (Val::Str(_) | Val::Number(_) | Val::Bool(_), Ex::Leaf(m)) => {
                        let heads = leaf_refs(m);
                        let copy = scope.shape(name) != Some(Shape::Computed);
                        if let (Some(t), true) = (self.resolve_all(name, &heads, scope), copy) {
                            if t.len() == 1 && self.consistent(&t[0].0, &t[0].1, v) {
                                return Some(ref_value(&t[0].0, &t[0].1, Some(v.clone()), v.span));
                            }
                        }
                        Some(
                            self.link_encoded(v, &heads, scope)
                                .unwrap_or_else(|| v.clone()),
                        )
                    }
                    (Val::List(vs), Ex::Leaf(m)) if scope.shape(name) != Some(Shape::Computed) => {
                        let heads = leaf_refs(m);
                        match self.resolve_all(name, &heads, scope) {
                            Some(t)
                                if t.len() == vs.len()
                                    && vs.iter().zip(&t).all(|(v, t)| {
                                        !matches!(v.kind, Val::Null | Val::List(_) | Val::Map(_))
                                            && self.consistent(&t.0, &t.1, v)
                                    }) =>
                            {
                                let items = vs
                                    .iter()
                                    .zip(&t)
                                    .map(|(v, t)| ref_value(&t.0, &t.1, Some(v.clone()), v.span))
                                    .collect();
                                Some(Value::new(Val::List(items), v.span))
                            }
                            _ => Some(v.clone()),
                        }
                    }
                    (Val::List(vs), Ex::Blocks(es)) => {
                        let ss = s.and_then(Value::as_list).unwrap_or(&[]);
                        let items = vs
                            .iter()
                            .enumerate()
                            .map(|(i, vi)| {
                                self.merge(
                                    name,
                                    Some(vi),
                                    None,
                                    es.get(i),
                                    ss.get(i),
                                    scope,
                                    depth + 1,
                                )
                                .unwrap_or_else(|| vi.clone())
                            })
                            .collect();
                        Some(Value::new(Val::List(items), v.span))
                    }
                    (Val::Map(vm), Ex::Block(em)) => Some(Value::new(
                        Val::Map(self.merge_map(
                            Some(vm),
                            None,
                            Some(em),
                            s.and_then(Value::as_map),
                            scope,
                            depth,
                        )),
                        v.span,
                    )),
                    _ => Some(v.clone()),
                }
            }
        }
    }

    fn merge_map(
        &self,
        v: Option<&Map>,
        u: Option<&Map>,
        e: Option<&Map>,
        s: Option<&Map>,
        scope: &Scope,
        depth: usize,
    ) -> Map {
        let mut out = Map::new();
        let empty = Map::new();
        let vm = v.unwrap_or(&empty);
        for en in &vm.entries {
            let val = self
                .merge(
                    &en.key,
                    Some(&en.value),
                    u.and_then(|u| u.get(&en.key)),
                    e.and_then(|e| e.get(&en.key)),
                    s.and_then(|s| s.get(&en.key)),
                    scope,
                    depth + 1,
                )
                .unwrap_or_else(|| en.value.clone());
            out.push(en.key.clone(), en.key_span, val);
        }
        if let Some(um) = u {
            for en in &um.entries {
                let empty_marks = match &en.value.kind {
                    Val::Bool(false) => true,
                    Val::List(l) => l.is_empty(),
                    Val::Map(m) => m.is_empty(),
                    _ => false,
                };
                if vm.get_entry(&en.key).is_some() || empty_marks {
                    continue;
                }
                if let Some(val) = self.merge(
                    &en.key,
                    None,
                    Some(&en.value),
                    e.and_then(|e| e.get(&en.key)),
                    s.and_then(|s| s.get(&en.key)),
                    scope,
                    depth + 1,
                ) {
                    out.push(en.key.clone(), en.key_span, val);
                }
            }
        }
        // Constants from the configuration fill what the planned values lack.
        if let Some(em) = e {
            for en in &em.entries {
                if out.get_entry(&en.key).is_some() {
                    continue;
                }
                if let Ex::Leaf(m) = ex(Some(&en.value)) {
                    if let Some(c) = m.get("constant_value") {
                        out.push(en.key.clone(), en.key_span, c.clone());
                    }
                }
            }
        }
        out
    }

    /// A known JSON string whose expression references resources: decoded, with the leaves
    /// equal to a referenced attribute's planned value as references.
    fn link_encoded(&self, v: &Value, heads: &[&str], scope: &Scope) -> Option<Value> {
        let mut known = Vec::new();
        self.budget.set(RESOLVE_BUDGET);
        for h in group_heads(heads.iter().copied()) {
            if let Resolved::Refs(r) = self.resolve(h, scope, 0) {
                for (target, attr) in r {
                    let value = self.values.get(target.as_str()).and_then(|m| m.get(&attr));
                    if let Some(Val::Str(s)) = value.map(|v| &v.kind) {
                        if !s.is_empty() {
                            known.push((target, attr, s.clone()));
                        }
                    }
                }
            }
        }
        if known.is_empty() {
            return None;
        }
        let mut decoded = encoded::decode(self.text, v)?;
        if encoded::link(&mut decoded, &known) == 0 {
            return None;
        }
        Some(Value::new(Val::Encoded(Box::new(decoded)), v.span))
    }
}

fn has_unknown(u: &Value, depth: usize) -> bool {
    match &u.kind {
        Val::Bool(b) => *b,
        Val::List(l) => depth < 64 && l.iter().any(|x| has_unknown(x, depth + 1)),
        Val::Map(m) => depth < 64 && m.entries.iter().any(|e| has_unknown(&e.value, depth + 1)),
        _ => false,
    }
}

/// For plans without sensitivity marks (format 0.1): attribute names that hold lists or sets.
fn looks_like_list(name: &str) -> bool {
    name.ends_with("_ids")
        || name.ends_with("_arns")
        || name.ends_with("_blocks")
        || matches!(
            name,
            "subnets"
                | "security_groups"
                | "vpc_zone_identifier"
                | "availability_zones"
                | "requires_compatibilities"
                | "load_balancers"
                | "target_groups"
                | "dns_entry"
                | "network_interfaces"
                | "aliases"
                | "identifiers"
                | "resources"
                | "actions"
        )
}
