//! References: traversals (`var.x`, `local.y`, `aws_vpc.main.id`, `module.m.out`, `each`,
//! `count`, `path`, `self`...) resolved to their named values, and the attribute, index and splat
//! operators applied to them.

use hcl_edit::expr::TraversalOperator;

use super::values::{get_attr, index, WithSpan};
use super::{err, Evaluator, Loc, Scope};
use crate::base::{Span, Val, Value};
use crate::frontends::Mode;

impl<'a> Evaluator<'a> {
    pub(super) fn traversal(
        &self,
        root: &str,
        ops: &[&TraversalOperator],
        loc: Loc,
        sc: &Scope,
        span: Option<Span>,
    ) -> Value {
        let (v, used) = self.resolve_root(root, ops, loc, sc, span);
        let mut v = self.apply_ops(v, &ops[used.min(ops.len())..], loc, sc, span);
        // A value passed on by a variable, local or module output keeps its origin's span when
        // it was written there (a literal: that is where to change it). Anything else (a
        // reference to a resource, a structure holding one) is located where it is used: the
        // variable's default or the module's `output` block is only a place it passed through,
        // never where the user must act. Its parts keep their own spans, and an Unknown keeps
        // the span that explains it.
        let passed_on = matches!(root, "var" | "local" | "module") && sc.lookup(root).is_none();
        if passed_on && span.is_some() && !v.is_fully_known() && !matches!(v.kind, Val::Unknown(_))
        {
            v.span = span;
        }
        v.with_span_if_none(span)
    }

    fn resolve_root(
        &self,
        root: &str,
        ops: &[&TraversalOperator],
        loc: Loc,
        sc: &Scope,
        span: Option<Span>,
    ) -> (Value, usize) {
        if let Some(v) = sc.lookup(root) {
            return (v.clone(), 0);
        }
        if sc.ctx.sealed {
            return (
                err(format!("`{root}` is not available here"), span),
                ops.len(),
            );
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let id = sc.ctx.inst;
        match root {
            "var" => match attr(0) {
                Some(n) => (self.var(id, n, span), 1),
                None => (err("`var` needs an attribute", span), ops.len()),
            },
            "local" => match attr(0) {
                Some(n) => (self.local(id, n, span), 1),
                None => (err("`local` needs an attribute", span), ops.len()),
            },
            "module" => match attr(0) {
                Some(n) => {
                    let (v, used) = self.module_ref(id, n, &ops[1..], loc, sc, span);
                    (v, used + 1)
                }
                None => (err("`module` needs an attribute", span), ops.len()),
            },
            "each" => {
                let Some((k, v)) = &sc.ctx.each else {
                    return (
                        err("`each` is only available with for_each", span),
                        ops.len(),
                    );
                };
                match attr(0) {
                    Some("key") => (k.clone(), 1),
                    Some("value") => (v.clone(), 1),
                    _ => (err("`each` has only `key` and `value`", span), ops.len()),
                }
            }
            "count" => match (&sc.ctx.count, attr(0)) {
                (Some(i), Some("index")) => (i.clone(), 1),
                _ => (
                    err("`count.index` is only available with count", span),
                    ops.len(),
                ),
            },
            "path" => {
                let inst = self.inst(id);
                let p = match attr(0) {
                    Some("module") => super::super::relative_to(&inst.dir, &self.root_dir),
                    Some("root") => ".".into(),
                    // Terraform runs in the root module's directory.
                    Some("cwd") => self.root_dir.to_string_lossy().replace('\\', "/"),
                    _ => return (err("`path` has only module, root and cwd", span), ops.len()),
                };
                (Value::str(p, span), 1)
            }
            "terraform" => match attr(0) {
                Some("workspace") => (Value::str("default", span), 1),
                _ => (
                    Value::unknown("`terraform.*` other than workspace is not known", span),
                    ops.len(),
                ),
            },
            "self" => (
                Value::unknown("`self` is only available in provisioners", span),
                ops.len(),
            ),
            "data" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) => match self.resource(id, &format!("{t}.{n}"), Mode::Data) {
                    Some(r) => (r.object.clone(), 2),
                    None => (
                        self.missing_resource(id, &format!("data.{t}.{n}"), span),
                        ops.len(),
                    ),
                },
                _ => (err("`data` needs a type and a name", span), ops.len()),
            },
            _ => match attr(0) {
                Some(n) => match self.resource(id, &format!("{root}.{n}"), Mode::Managed) {
                    Some(r) => (r.object.clone(), 1),
                    None => (
                        self.missing_resource(id, &format!("{root}.{n}"), span),
                        ops.len(),
                    ),
                },
                None => (err(format!("unknown reference `{root}`"), span), ops.len()),
            },
        }
    }

    fn missing_resource(&self, id: usize, key: &str, span: Option<Span>) -> Value {
        let inst = self.inst(id);
        let (table, k) = match key.strip_prefix("data.") {
            Some(k) => (&inst.cfg.data, k),
            None => (&inst.cfg.resources, key),
        };
        if table.contains_key(k) {
            Value::unknown(format!("cycle: {key} depends on itself"), span)
        } else {
            err(format!("reference to undeclared resource `{key}`"), span)
        }
    }

    pub(super) fn apply_ops(
        &self,
        mut v: Value,
        ops: &[&TraversalOperator],
        loc: Loc,
        sc: &Scope,
        span: Option<Span>,
    ) -> Value {
        let mut i = 0;
        while i < ops.len() {
            match ops[i] {
                TraversalOperator::GetAttr(a) => v = get_attr(&v, a.as_str(), span),
                TraversalOperator::Index(e) => {
                    let k = self.hcl(e, loc, sc);
                    v = index(&v, &k, span);
                }
                TraversalOperator::LegacyIndex(n) => {
                    v = index(&v, &Value::new(Val::Number(*n.value() as f64), None), span)
                }
                TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_) => {
                    let full = matches!(ops[i], TraversalOperator::FullSplat(_));
                    let mut j = i + 1;
                    if full {
                        j = ops.len();
                    } else {
                        while j < ops.len() && matches!(ops[j], TraversalOperator::GetAttr(_)) {
                            j += 1;
                        }
                    }
                    let rest = &ops[i + 1..j];
                    let items: Vec<Value> = match &v.kind {
                        Val::List(l) => l.clone(),
                        Val::Null => Vec::new(),
                        Val::Unknown(_) => return v,
                        _ => vec![v.clone()],
                    };
                    let mapped = items
                        .into_iter()
                        .map(|x| self.apply_ops(x, rest, loc, sc, span))
                        .collect();
                    v = Value::new(Val::List(mapped), v.span.or(span));
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        v
    }
}
