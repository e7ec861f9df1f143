//! Named values of a module instance: input variables (with their type constraints and
//! defaults), locals, outputs, and provider configurations.

use hcl_edit::expr::{Expression, ObjectKey};

use super::{err, Ctx, Evaluator, Loc, Scope, Slot};
use crate::base::value::format_number;
use crate::base::{FileId, Map, Span, Symbol, Val, Value};
use crate::frontends::terraform::config::Expr;
use crate::frontends::terraform::functions::{self, FnCtx};

impl<'a> Evaluator<'a> {
    pub(super) fn var(&self, id: usize, name: &str, span: Option<Span>) -> Value {
        let inst = self.inst(id);
        let Some(decl) = inst.cfg.variables.get(name) else {
            return err(format!("variable `{name}` is not declared"), span);
        };
        self.memo_val(id, Slot::Var(name.into()), &format!("var.{name}"), || {
            let ctx = Ctx {
                inst: id,
                ..Ctx::default()
            };
            let default = || {
                decl.body
                    .attr("default")
                    .map(|a| self.eval(a.expr, &Scope::new(&ctx)))
            };
            let given = match &inst.parent {
                Some(link) => link
                    .call
                    .body
                    .attr(name)
                    .map(|a| self.eval(a.expr, &Scope::new(&link.ctx))),
                None => self.root_vars.get(name).cloned(),
            };
            let nullable = decl
                .body
                .attr("nullable")
                .map(|a| self.eval(a.expr, &Scope::new(&ctx)).as_bool() != Some(false))
                .unwrap_or(true);
            let v = match given {
                Some(v) if matches!(v.kind, Val::Null) && !nullable => default().unwrap_or(v),
                Some(v) => v,
                None => default().unwrap_or_else(|| {
                    Value::unknown(format!("variable `{name}` has no value"), decl.header)
                }),
            };
            match decl.body.attr("type") {
                Some(t) => self.convert_to(v, t.expr),
                None => v,
            }
        })
    }

    /// Applies a variable's type constraint the way Terraform converts values: missing
    /// `optional(...)` object attributes get their default or null, strings become numbers or
    /// booleans where the type says so. Anything else is left as it is.
    fn convert_to(&self, v: Value, ty: Expr<'_>) -> Value {
        match ty {
            Expr::Hcl(e, f) => self.convert(v, e, Loc::File(f)),
            Expr::Json(j) | Expr::JsonLit(j) => {
                match j.as_str().map(hcl_edit::parser::parse_expr) {
                    Some(Ok(e)) => self.convert(v, &e, Loc::Fixed(j.span)),
                    _ => v,
                }
            }
        }
    }

    fn convert(&self, v: Value, ty: &Expression, loc: Loc) -> Value {
        let span = v.span;
        match ty {
            Expression::Variable(t) => match (t.as_str(), &v.kind) {
                ("number", Val::Str(s)) => match s.trim().parse::<f64>() {
                    Ok(n) => Value::new(Val::Number(n), span),
                    Err(_) => v,
                },
                ("bool", Val::Str(s)) if s == "true" || s == "false" => {
                    Value::new(Val::Bool(s == "true"), span)
                }
                ("string", Val::Number(n)) => Value::str(format_number(*n), span),
                ("string", Val::Bool(b)) => Value::str(b.to_string(), span),
                _ => v,
            },
            Expression::FuncCall(fc) if !fc.name.is_namespaced() => {
                let arg = fc.args.iter().next();
                match (fc.name.name.as_str(), arg, v.kind) {
                    ("object", Some(Expression::Object(o)), Val::Map(mut m)) => {
                        // Terraform discards the attributes the object type does not declare.
                        let mut declared: Option<Vec<String>> = Some(Vec::new());
                        for (k, tv) in o.iter() {
                            let key = match k {
                                ObjectKey::Ident(i) => i.as_str().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => {
                                    s.value().to_string()
                                }
                                ObjectKey::Expression(Expression::Variable(i)) => {
                                    i.as_str().to_string()
                                }
                                _ => {
                                    declared = None;
                                    continue;
                                }
                            };
                            if let Some(d) = declared.as_mut() {
                                d.push(key.clone());
                            }
                            let aty = tv.expr();
                            let (inner, default) = match aty {
                                Expression::FuncCall(oc) if oc.name.name.as_str() == "optional" => {
                                    let mut it = oc.args.iter();
                                    (it.next(), it.next())
                                }
                                _ => (Some(aty), None),
                            };
                            let optional = matches!(aty, Expression::FuncCall(oc) if oc.name.name.as_str() == "optional");
                            let present = m
                                .get(&key)
                                .filter(|x| !matches!(x.kind, Val::Null))
                                .cloned();
                            let nv = match (present, optional) {
                                (Some(x), _) => Some(x),
                                (None, true) => Some(match default {
                                    Some(d) => self.constant(d, loc),
                                    None => Value::null(None),
                                }),
                                (None, false) => None,
                            };
                            if let Some(x) = nv {
                                let x = match inner {
                                    Some(it) if !matches!(x.kind, Val::Null) => {
                                        self.convert(x, it, loc)
                                    }
                                    _ => x,
                                };
                                let ks = m.get_entry(&key).and_then(|e| e.key_span);
                                m.insert(key, ks, x);
                            }
                        }
                        if let Some(d) = declared {
                            m.entries.retain(|e| d.contains(&e.key));
                        }
                        Value::new(Val::Map(m), span)
                    }
                    ("map", Some(t), Val::Map(mut m)) => {
                        for e in &mut m.entries {
                            let x = std::mem::replace(&mut e.value, Value::null(None));
                            e.value = self.convert(x, t, loc);
                        }
                        Value::new(Val::Map(m), span)
                    }
                    ("list", Some(t), Val::List(l)) => Value::new(
                        Val::List(l.into_iter().map(|x| self.convert(x, t, loc)).collect()),
                        span,
                    ),
                    // A set: elements converted, then deduplicated and ordered as `toset` does.
                    ("set", Some(t), Val::List(l)) => {
                        let l = Value::new(
                            Val::List(l.into_iter().map(|x| self.convert(x, t, loc)).collect()),
                            span,
                        );
                        let cx = FnCtx {
                            sources: self.sources,
                            base_dir: &self.root_dir,
                            allowed_roots: &self.allowed_roots,
                            max_file_size: self.max_file_size,
                            max_value_size: self.opts.limits.max_value_size,
                            diagnostics: Some(&self.diagnostics),
                        };
                        functions::call("toset", vec![l], span, &cx)
                    }
                    ("tuple", Some(Expression::Array(ts)), Val::List(l)) => Value::new(
                        Val::List(
                            l.into_iter()
                                .enumerate()
                                .map(|(i, x)| match ts.get(i) {
                                    Some(t) => self.convert(x, t, loc),
                                    None => x,
                                })
                                .collect(),
                        ),
                        span,
                    ),
                    (_, _, kind) => Value::new(kind, span),
                }
            }
            _ => v,
        }
    }

    pub(super) fn local(&self, id: usize, name: &str, span: Option<Span>) -> Value {
        let inst = self.inst(id);
        let Some(a) = inst.cfg.locals.get(name) else {
            return err(format!("local value `{name}` is not declared"), span);
        };
        self.memo_val(
            id,
            Slot::Local(name.into()),
            &format!("local.{name}"),
            || {
                let ctx = Ctx {
                    inst: id,
                    ..Ctx::default()
                };
                self.eval_named(a.expr, &Scope::new(&ctx), &format!("local.{name}"))
            },
        )
    }

    pub(super) fn output(&self, id: usize, name: &str, span: Option<Span>) -> Value {
        let inst = self.inst(id);
        let Some(b) = inst.cfg.outputs.get(name) else {
            return err(
                format!(
                    "module `{}` has no output `{name}`",
                    inst.prefix.trim_end_matches('.')
                ),
                span,
            );
        };
        self.memo_val(
            id,
            Slot::Out(name.into()),
            &format!("output {name}"),
            || {
                let ctx = Ctx {
                    inst: id,
                    ..Ctx::default()
                };
                match b.body.attr("value") {
                    Some(a) => self.eval(a.expr, &Scope::new(&ctx)),
                    None => Value::null(b.header),
                }
            },
        )
    }

    /// The provider configuration `pkey` (`aws`, `aws.east`) as seen from an instance:
    /// `{region, account_id}` (region a string when known, else the Region symbol).
    pub(super) fn provider(&self, id: usize, pkey: &str) -> Map {
        let inst = self.inst(id);
        let v = self.memo_val(
            id,
            Slot::Prov(pkey.into()),
            &format!("provider {pkey}"),
            || {
                let ctx = Ctx {
                    inst: id,
                    ..Ctx::default()
                };
                if let Some(b) = inst.cfg.providers.get(pkey) {
                    let sc = Scope::new(&ctx);
                    let mut m = Map::new();
                    // Located at the provider's `region` as written (`var.region`), which is
                    // what a fix in the user's own names repeats.
                    let region = b.body.attr("region").map(|a| {
                        let v = self.eval(a.expr, &sc);
                        Value {
                            span: a.expr.span().or(v.span),
                            ..v
                        }
                    });
                    let region = match region {
                        Some(r) if r.as_str().is_some() => r,
                        Some(r) => Value::new(Val::Symbol(Symbol::Region), r.span),
                        None => Value::new(Val::Symbol(Symbol::Region), None),
                    };
                    m.insert("region", None, region);
                    if let Some(a) = b.body.attr("allowed_account_ids") {
                        let ids = self.eval(a.expr, &sc);
                        if let Some([one]) = ids.as_list() {
                            if one.as_str().is_some() {
                                m.insert("account_id", None, one.clone());
                            }
                        }
                    }
                    return Value::new(Val::Map(m), b.header);
                }
                if let Some(link) = &inst.parent {
                    // `providers = { aws = aws.east }` maps the child's name to the parent's.
                    let mut parent_key = pkey.to_string();
                    if let Some(a) = link.call.body.attr("providers") {
                        if let Expr::Hcl(Expression::Object(o), _) = a.expr {
                            for (k, v) in o.iter() {
                                let kname = match k {
                                    ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                                    ObjectKey::Expression(e) => {
                                        Expr::Hcl(e, FileId(0)).as_ident_path()
                                    }
                                };
                                if kname.as_deref() == Some(pkey) {
                                    if let Some(p) = Expr::Hcl(v.expr(), FileId(0)).as_ident_path()
                                    {
                                        parent_key = p;
                                    }
                                }
                            }
                        }
                    }
                    return Value::new(Val::Map(self.provider(link.ctx.inst, &parent_key)), None);
                }
                let mut m = Map::new();
                m.insert(
                    "region",
                    None,
                    Value::new(Val::Symbol(Symbol::Region), None),
                );
                Value::new(Val::Map(m), None)
            },
        );
        v.as_map().cloned().unwrap_or_default()
    }
}
