//! Expressions: the evaluation entry points (`eval`, `hcl`), JSON-syntax values, and HCL
//! expression nodes (literals, collections, operators, conditionals, `for` expressions).

use std::collections::HashMap;

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::Span as _;

use super::values::{
    is_plain, iter_items, key_string, lit_eq, operand_unknown, unify_primitive, unknown_because,
    WithSpan,
};
use super::{err, Evaluator, Loc, Scope, MAX_DEPTH};
use crate::base::{Map, Span, Val, Value};
use crate::frontends::terraform::config::Expr;
use crate::frontends::terraform::errors::is_error;

impl<'a> Evaluator<'a> {
    pub fn eval(&self, e: Expr<'_>, sc: &Scope) -> Value {
        match e {
            Expr::Hcl(x, f) => self.hcl(x, Loc::File(f), sc),
            Expr::Json(v) => self.json(v, sc),
            Expr::JsonLit(v) => v.clone(),
        }
    }

    /// [`Evaluator::eval`] of the expression of a named value (`local.x`): a value over the
    /// budget is named after it.
    pub(super) fn eval_named(&self, e: Expr<'_>, sc: &Scope, name: &str) -> Value {
        match e {
            Expr::Hcl(x, f) => self.hcl_as(x, Loc::File(f), sc, Some(name)),
            _ => self.eval(e, sc),
        }
    }

    fn json(&self, v: &Value, sc: &Scope) -> Value {
        if !self.budget.step(v.span) {
            return self.budget.spent_value(v.span);
        }
        match &v.kind {
            Val::Str(s) if s.contains("${") || s.contains("%{") => {
                match hcl_edit::parser::parse_template(s) {
                    Ok(t) => {
                        let r = self.template(&t, Loc::Fixed(v.span), sc, v.span);
                        self.budget.made(r, || "a template of a JSON string".into())
                    }
                    Err(e) => err(format!("invalid template: {}", e.message().trim()), v.span),
                }
            }
            Val::List(l) => Value::new(
                Val::List(l.iter().map(|x| self.json(x, sc)).collect()),
                v.span,
            ),
            Val::Map(m) => {
                let mut out = Map::new();
                for e in &m.entries {
                    out.push(e.key.clone(), e.key_span, self.json(&e.value, sc));
                }
                Value::new(Val::Map(out), v.span)
            }
            _ => v.clone(),
        }
    }

    pub fn hcl(&self, e: &Expression, loc: Loc, sc: &Scope) -> Value {
        self.hcl_as(e, loc, sc, None)
    }

    /// Evaluates one expression within the budget: one step, and the value it makes (a
    /// template, a collection, a `for`, a function's result) checked and counted. `name` names
    /// the expression in reasons (`local.x`); else its text does.
    fn hcl_as(&self, e: &Expression, loc: Loc, sc: &Scope, name: Option<&str>) -> Value {
        let span = loc.span(e.span());
        if !self.budget.step(span) {
            return self.budget.spent_value(span);
        }
        let d = self.depth.get();
        if d > MAX_DEPTH {
            return Value::unknown("evaluation is nested too deeply", span);
        }
        self.depth.set(d + 1);
        let v = self.hcl_inner(e, loc, sc, span);
        self.depth.set(d);
        let makes = matches!(
            e,
            Expression::StringTemplate(_)
                | Expression::HeredocTemplate(_)
                | Expression::Array(_)
                | Expression::Object(_)
                | Expression::ForExpr(_)
                | Expression::FuncCall(_)
        );
        if !makes {
            // A reference copies what it reads, except maps (shared): counted as memory made.
            if matches!(e, Expression::Traversal(_) | Expression::Variable(_)) {
                let copied = match &v.kind {
                    Val::Str(_) | Val::List(_) | Val::Template(_) => v.deep_size(),
                    _ => 0,
                };
                if copied > 0 {
                    return self.budget.copied(v, copied);
                }
            }
            return v;
        }
        self.budget.made(v, || match name {
            Some(n) => format!("`{n}`"),
            None => self.snippet(e, loc),
        })
    }

    /// The text of an expression, for reasons (`` `concat(local.a, local.a)` ``), shortened.
    fn snippet(&self, e: &Expression, loc: Loc) -> String {
        let text = match (loc, e.span()) {
            (Loc::File(f), Some(r)) => self.sources.get(f).text.get(r).map(str::to_string),
            _ => None,
        };
        let Some(text) = text else {
            return "an expression".into();
        };
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let short: String = one_line.chars().take(60).collect();
        if short.len() < one_line.len() {
            format!("`{short}…`")
        } else {
            format!("`{short}`")
        }
    }

    fn hcl_inner(&self, e: &Expression, loc: Loc, sc: &Scope, span: Option<Span>) -> Value {
        match e {
            Expression::Null(_) => Value::null(span),
            Expression::Bool(b) => Value::new(Val::Bool(*b.value()), span),
            Expression::Number(n) => match n.value().as_f64() {
                Some(f) => Value::new(Val::Number(f), span),
                None => err("number out of range", span),
            },
            Expression::String(s) => Value::str(s.value().to_string(), span),
            Expression::Array(a) => {
                let items: Vec<Value> = a.iter().map(|x| self.hcl(x, loc, sc)).collect();
                Value::new(Val::List(items), span)
            }
            Expression::Object(o) => {
                let mut m = Map::new();
                let mut at: HashMap<String, usize> = HashMap::new();
                for (k, v) in o.iter() {
                    let ks = loc.span(k.span());
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(ke) => {
                            // `(var.x) = ...` and `"k" = ...`; a bare traversal is a literal key.
                            let kv = match ke {
                                Expression::Variable(i) => Value::str(i.as_str(), ks),
                                _ => self.hcl(ke, loc, sc),
                            };
                            match key_string(&kv) {
                                Some(s) => s,
                                None => return unknown_because("object key", &kv, ks),
                            }
                        }
                    };
                    let x = self.hcl(v.expr(), loc, sc);
                    m.insert_indexed(&mut at, key, ks, x);
                }
                Value::new(Val::Map(m), span)
            }
            Expression::StringTemplate(t) => self.template(t, loc, sc, span),
            Expression::HeredocTemplate(h) => self.template(&h.template, loc, sc, span),
            Expression::Parenthesis(p) => self.hcl(p.inner(), loc, sc),
            Expression::Variable(v) => self.traversal(v.as_str(), &[], loc, sc, span),
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                match &t.expr {
                    Expression::Variable(v) => self.traversal(v.as_str(), &ops, loc, sc, span),
                    other => {
                        let base = self.hcl(other, loc, sc);
                        self.apply_ops(base, &ops, loc, sc, span)
                    }
                }
            }
            Expression::Conditional(c) => {
                let cond = self.hcl(&c.cond_expr, loc, sc);
                match cond.as_bool() {
                    // The result has the type both branches unify to: `c ? 1 : "x"` is a string.
                    Some(true) => {
                        let a = self.hcl(&c.true_expr, loc, sc);
                        unify_primitive(a, &self.hcl(&c.false_expr, loc, sc))
                    }
                    Some(false) => {
                        let b = self.hcl(&c.false_expr, loc, sc);
                        unify_primitive(b, &self.hcl(&c.true_expr, loc, sc))
                    }
                    None if is_error(&cond) => cond,
                    None => {
                        let a = self.hcl(&c.true_expr, loc, sc);
                        let b = self.hcl(&c.false_expr, loc, sc);
                        let (a0, b0) = (a.clone(), b.clone());
                        let (a, b) = (unify_primitive(a, &b0), unify_primitive(b, &a0));
                        if a.is_unknown() || b.is_unknown() {
                            return unknown_because("condition", &cond, span);
                        }
                        if lit_eq(&a, &b) == Some(true) {
                            return a;
                        }
                        Value::new(Val::Choice(vec![a, b]), span)
                    }
                }
            }
            Expression::FuncCall(fc) => self.call(fc, loc, sc, span),
            Expression::UnaryOp(u) => {
                let v = self.hcl(&u.expr, loc, sc);
                match u.operator.value() {
                    UnaryOperator::Neg => match v.as_f64() {
                        Some(n) => Value::new(Val::Number(-n), span),
                        None => operand_unknown("operand", &v, "a number", span),
                    },
                    UnaryOperator::Not => match v.as_bool() {
                        Some(b) => Value::new(Val::Bool(!b), span),
                        None => operand_unknown("operand", &v, "a bool", span),
                    },
                }
            }
            Expression::BinaryOp(b) => self.binary(b, loc, sc, span),
            Expression::ForExpr(f) => self.for_expr(f, loc, sc, span),
        }
    }

    fn binary(
        &self,
        b: &hcl_edit::expr::BinaryOp,
        loc: Loc,
        sc: &Scope,
        span: Option<Span>,
    ) -> Value {
        use BinaryOperator as B;
        let op = *b.operator.value();
        let l = self.hcl(&b.lhs_expr, loc, sc);
        if matches!(op, B::And | B::Or) {
            if is_error(&l) {
                return l;
            }
            let lb = l.as_bool();
            if lb == Some(false) && op == B::And {
                return Value::new(Val::Bool(false), span);
            }
            if lb == Some(true) && op == B::Or {
                return Value::new(Val::Bool(true), span);
            }
            let r = self.hcl(&b.rhs_expr, loc, sc);
            let rb = r.as_bool();
            return match (lb, rb, op) {
                (_, Some(false), B::And) => Value::new(Val::Bool(false), span),
                (_, Some(true), B::Or) => Value::new(Val::Bool(true), span),
                (Some(_), Some(x), _) => Value::new(Val::Bool(x), span),
                (None, _, _) => operand_unknown("operand", &l, "a bool", span),
                _ => operand_unknown("operand", &r, "a bool", span),
            };
        }
        let r = self.hcl(&b.rhs_expr, loc, sc);
        match op {
            B::Eq | B::NotEq => match lit_eq(&l, &r) {
                Some(x) => Value::new(Val::Bool(x == (op == B::Eq)), span),
                None if l.is_unknown() || !is_plain(&l) => unknown_because("operand", &l, span),
                None => unknown_because("operand", &r, span),
            },
            _ => {
                let (Some(x), Some(y)) = (l.as_f64(), r.as_f64()) else {
                    return if l.as_f64().is_none() {
                        operand_unknown("operand", &l, "a number", span)
                    } else {
                        operand_unknown("operand", &r, "a number", span)
                    };
                };
                let v = match op {
                    B::Plus => Val::Number(x + y),
                    B::Minus => Val::Number(x - y),
                    B::Mul => Val::Number(x * y),
                    B::Div if y == 0.0 => return err("division by zero", span),
                    B::Div => Val::Number(x / y),
                    B::Mod if y == 0.0 => return err("modulo by zero", span),
                    B::Mod => Val::Number(x % y),
                    B::Less => Val::Bool(x < y),
                    B::LessEq => Val::Bool(x <= y),
                    B::Greater => Val::Bool(x > y),
                    B::GreaterEq => Val::Bool(x >= y),
                    _ => return err("unsupported operator", span),
                };
                Value::new(v, span)
            }
        }
    }

    fn for_expr(&self, f: &ForExpr, loc: Loc, sc: &Scope, span: Option<Span>) -> Value {
        let coll = self.hcl(&f.intro.collection_expr, loc, sc);
        let items = match iter_items(&coll) {
            Ok(i) => i,
            Err(u) => return u.with_span_if_none(span),
        };
        let vname = f.intro.value_var.as_str();
        let kname = f.intro.key_var.as_ref().map(|k| k.as_str());
        let mut list = Vec::new();
        let mut map = Map::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for (k, v) in items {
            if self.budget.is_spent() {
                return self.budget.spent_value(span);
            }
            let s1;
            let s2;
            let isc: &Scope = match kname {
                Some(kn) => {
                    s1 = sc.with(kn, k);
                    s2 = s1.with(vname, v);
                    &s2
                }
                None => {
                    s2 = sc.with(vname, v);
                    &s2
                }
            };
            if let Some(c) = &f.cond {
                let cv = self.hcl(&c.expr, loc, isc);
                match cv.as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return unknown_because("for filter", &cv, span),
                }
            }
            let val = self.hcl(&f.value_expr, loc, isc);
            match &f.key_expr {
                Some(ke) => {
                    let kv = self.hcl(ke, loc, isc);
                    let Some(key) = key_string(&kv) else {
                        return unknown_because("for key", &kv, span);
                    };
                    match at.get(&key) {
                        Some(&i) if f.grouping => {
                            if let Val::List(l) = &mut map.entries[i].value.kind {
                                l.push(val);
                            }
                        }
                        Some(&i) => map.entries[i].value = val,
                        None => {
                            at.insert(key.clone(), map.entries.len());
                            let val = if f.grouping {
                                Value::new(Val::List(vec![val]), None)
                            } else {
                                val
                            };
                            map.push(key, kv.span, val);
                        }
                    }
                }
                None => list.push(val),
            }
        }
        if f.key_expr.is_some() {
            Value::new(Val::Map(map), span)
        } else {
            Value::new(Val::List(list), span)
        }
    }
}
