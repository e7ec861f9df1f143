//! `templatefile(path, vars)`: the template is read like `file()` and rendered with a small
//! evaluator that knows the template's own variables, literals, attribute and index access,
//! conditionals with a known condition, collections, function calls (through [`super::call`]),
//! operators, and `%{if}`/`%{for}` directives over known values; other expressions (`for`
//! expressions, splats) and directives over unknown values become unknown parts. Literal parts keep
//! spans into the template file, so the result points there.

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;

use crate::base::value::format_number;
use crate::base::{FileId, Map, Span, Val, Value};

use super::{call, Cx, Res};

const MAX_DEPTH: usize = 64;

pub fn templatefile(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let text = super::files::file(c, &a[..1])?;
    let vars = c.map(&a[1])?;
    let (Some(src), Some(span)) = (text.as_str(), text.span) else {
        return Err(c.limit("the template could not be read"));
    };
    let tpl = hcl_edit::parser::parse_template(src)
        .map_err(|e| c.fail(format!("invalid template: {}", e.message().trim())))?;
    let r = Render {
        c,
        vars,
        file: span.file,
    };
    let parts = r.template(&tpl, 0, &[], (false, false));
    if let Some(s) = known_text(&parts) {
        return Ok(Value::str(s, Some(span)));
    }
    Ok(c.out(Val::Template(parts)))
}

/// The text when every part is a known string (a fully known `jsonencode` part is rendered).
fn known_text(parts: &[Value]) -> Option<String> {
    parts
        .iter()
        .map(|p| match &p.deref().kind {
            Val::Str(s) => Some(s.clone()),
            Val::Encoded(inner) => super::encoding::to_json_string(inner),
            _ => None,
        })
        .collect()
}

struct Render<'r, 'a, 'b> {
    c: &'r Cx<'a, 'b>,
    vars: &'r Map,
    file: FileId,
}

impl Render<'_, '_, '_> {
    fn span(&self, r: Option<std::ops::Range<usize>>) -> Option<Span> {
        r.map(|r| Span::new(self.file, r))
    }

    fn unknown(&self, what: &str, r: Option<std::ops::Range<usize>>) -> Value {
        Value::unknown(
            format!("`templatefile`: {what} is not evaluated"),
            self.span(r),
        )
    }

    /// The parts of a template, literal parts with their spans, nested templates flattened.
    /// `trim` strips the whitespace at the (start, end) of the template (`~` markers of an
    /// enclosing directive).
    fn template(
        &self,
        tpl: &Template,
        depth: usize,
        locals: &[(String, Value)],
        trim: (bool, bool),
    ) -> Vec<Value> {
        let elements: Vec<&Element> = tpl.iter().collect();
        let strip = |e: &Element| match e {
            Element::Interpolation(i) => (i.strip.strip_start(), i.strip.strip_end()),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(x) => (
                    x.if_expr.strip.strip_start(),
                    x.endif_expr.strip.strip_end(),
                ),
                Directive::For(x) => (
                    x.for_expr.strip.strip_start(),
                    x.endfor_expr.strip.strip_end(),
                ),
            },
            Element::Literal(_) => (false, false),
        };
        let mut parts = Vec::new();
        if depth > MAX_DEPTH {
            parts.push(self.unknown("a template this deep", tpl.span()));
            return parts;
        }
        for (i, el) in elements.iter().enumerate() {
            match el {
                Element::Literal(lit) => {
                    let mut s: &str = lit.value();
                    if (i == 0 && trim.0) || (i > 0 && strip(elements[i - 1]).1) {
                        s = s.trim_start();
                    }
                    let last = i + 1 == elements.len();
                    if (last && trim.1) || (!last && strip(elements[i + 1]).0) {
                        s = s.trim_end();
                    }
                    if !s.is_empty() {
                        parts.push(Value::str(s, self.span(lit.span())));
                    }
                }
                Element::Interpolation(ip) => {
                    let v = self.expr(&ip.expr, depth + 1, locals);
                    push_flat(&mut parts, v, self.c);
                }
                Element::Directive(d) => self.directive(d, depth + 1, locals, &mut parts),
            }
        }
        parts
    }

    fn directive(
        &self,
        d: &Directive,
        depth: usize,
        locals: &[(String, Value)],
        parts: &mut Vec<Value>,
    ) {
        match d {
            Directive::If(x) => {
                let cond = self.expr(&x.if_expr.cond_expr, depth, locals);
                let branch = match cond.deref().kind {
                    Val::Bool(b) => b,
                    Val::Str(ref s) if s == "true" || s == "false" => s == "true",
                    _ => {
                        parts.push(Value::unknown(super::reason_of(&cond), self.span(d.span())));
                        return;
                    }
                };
                let end_strip = x.endif_expr.strip.strip_start();
                if branch {
                    let last = match &x.else_expr {
                        Some(e) => e.strip.strip_start(),
                        None => end_strip,
                    };
                    parts.extend(self.template(
                        &x.if_expr.template,
                        depth,
                        locals,
                        (x.if_expr.strip.strip_end(), last),
                    ));
                } else if let Some(e) = &x.else_expr {
                    parts.extend(self.template(
                        &e.template,
                        depth,
                        locals,
                        (e.strip.strip_end(), end_strip),
                    ));
                }
            }
            Directive::For(x) => {
                let coll = self.expr(&x.for_expr.collection_expr, depth, locals);
                let items: Vec<(Value, Value)> = match &coll.deref().kind {
                    Val::List(l) => l
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (Value::new(Val::Number(i as f64), None), v.clone()))
                        .collect(),
                    Val::Map(m) => {
                        let mut keys = super::unique_keys(m);
                        keys.sort();
                        keys.into_iter()
                            .filter_map(|k| Some((Value::str(k.clone(), None), m.get(&k)?.clone())))
                            .collect()
                    }
                    Val::Null | Val::Str(_) | Val::Number(_) | Val::Bool(_) => {
                        parts.push(Value::unknown(
                            "`templatefile`: a `for` directive needs a list or a map",
                            self.span(d.span()),
                        ));
                        return;
                    }
                    _ => {
                        parts.push(Value::unknown(super::reason_of(&coll), self.span(d.span())));
                        return;
                    }
                };
                if items.len() > 10_000 {
                    parts.push(self.unknown("a `for` directive this long", d.span()));
                    return;
                }
                let trim = (
                    x.for_expr.strip.strip_end(),
                    x.endfor_expr.strip.strip_start(),
                );
                for (k, v) in items {
                    let mut scope = locals.to_vec();
                    if let Some(kv) = &x.for_expr.key_var {
                        scope.push((kv.value().as_str().to_string(), k));
                    }
                    scope.push((x.for_expr.value_var.value().as_str().to_string(), v));
                    parts.extend(self.template(&x.for_expr.template, depth, &scope, trim));
                }
            }
        }
    }

    fn expr(&self, e: &Expression, depth: usize, locals: &[(String, Value)]) -> Value {
        if depth > MAX_DEPTH {
            return self.unknown("an expression this deep", e.span());
        }
        let sp = self.span(e.span());
        match e {
            Expression::Null(_) => Value::null(sp),
            Expression::Bool(b) => Value::new(Val::Bool(*b.value()), sp),
            Expression::Number(n) => match n.value().as_f64() {
                Some(x) => Value::new(Val::Number(x), sp),
                None => self.unknown("this number", e.span()),
            },
            Expression::String(s) => Value::str(s.value().clone(), sp),
            Expression::StringTemplate(st) => {
                let mut parts = Vec::new();
                for el in st.iter() {
                    match el {
                        Element::Literal(l) => {
                            parts.push(Value::str(l.value().clone(), self.span(l.span())))
                        }
                        Element::Interpolation(ip) => {
                            parts.push(self.expr(&ip.expr, depth + 1, locals))
                        }
                        Element::Directive(d) => self.directive(d, depth + 1, locals, &mut parts),
                    }
                }
                super::build_string(parts, sp)
            }
            Expression::HeredocTemplate(h) => super::build_string(
                self.template(&h.template, depth + 1, locals, (false, false)),
                sp,
            ),
            Expression::Parenthesis(p) => self.expr(p.inner(), depth + 1, locals),
            Expression::Variable(v) => match locals
                .iter()
                .rev()
                .find(|(k, _)| k == v.value().as_str())
                .map(|(_, x)| x)
                .or_else(|| self.vars.get(v.value().as_str()))
            {
                Some(x) => x.clone(),
                None => Value::unknown(
                    format!("`templatefile`: vars has no `{}`", v.value().as_str()),
                    sp,
                ),
            },
            Expression::Array(a) => Value::new(
                Val::List(a.iter().map(|x| self.expr(x, depth + 1, locals)).collect()),
                sp,
            ),
            Expression::Object(o) => {
                let mut m = Map::new();
                for (k, v) in o.iter() {
                    let (key, ksp) = match k {
                        ObjectKey::Ident(id) => (id.value().as_str().to_string(), id.span()),
                        ObjectKey::Expression(x) => {
                            match self.expr(x, depth + 1, locals).as_str() {
                                Some(s) => (s.to_string(), x.span()),
                                None => {
                                    return self.unknown("an object with a computed key", e.span())
                                }
                            }
                        }
                    };
                    m.push(key, self.span(ksp), self.expr(v.expr(), depth + 1, locals));
                }
                Value::new(Val::Map(m), sp)
            }
            Expression::Conditional(cd) => {
                match self.expr(&cd.cond_expr, depth + 1, locals).deref().kind {
                    Val::Bool(true) => self.expr(&cd.true_expr, depth + 1, locals),
                    Val::Bool(false) => self.expr(&cd.false_expr, depth + 1, locals),
                    _ => self.unknown("a condition that is not known", e.span()),
                }
            }
            Expression::FuncCall(f) => {
                let ns_ok = f.name.namespace.is_empty()
                    || (f.name.namespace.len() == 1
                        && f.name.namespace[0].value().as_str() == "core");
                if f.name.name.value().as_str() == "templatefile" {
                    // As Terraform: "cannot recursively call templatefile from inside
                    // templatefile call".
                    return self
                        .c
                        .fail("cannot be called from inside a templatefile template");
                }
                if !ns_ok || f.args.expand_final() {
                    return self.unknown("this function call", e.span());
                }
                let args = f
                    .args
                    .iter()
                    .map(|x| self.expr(x, depth + 1, locals))
                    .collect();
                call(f.name.name.value().as_str(), args, sp, self.c.fx)
            }
            Expression::Traversal(t) => {
                let mut v = self.expr(&t.expr, depth + 1, locals);
                for op in &t.operators {
                    let next = match op.value() {
                        TraversalOperator::GetAttr(id) => call(
                            "lookup",
                            vec![v, Value::str(id.value().as_str(), None)],
                            sp,
                            self.c.fx,
                        ),
                        TraversalOperator::Index(ix) => {
                            self.index(v, self.expr(ix, depth + 1, locals), sp)
                        }
                        TraversalOperator::LegacyIndex(n) => {
                            self.index(v, Value::new(Val::Number(*n.value() as f64), None), sp)
                        }
                        _ => return self.unknown("a splat expression", e.span()),
                    };
                    v = next;
                }
                v
            }
            Expression::UnaryOp(u) => {
                let v = self.expr(&u.expr, depth + 1, locals);
                if !super::is_primitive(&v) {
                    return Value::unknown(super::reason_of(&v), sp);
                }
                match (u.operator.value(), &v.deref().kind) {
                    (UnaryOperator::Not, Val::Bool(b)) => Value::new(Val::Bool(!b), sp),
                    (UnaryOperator::Neg, _) if v.as_f64().is_some() => {
                        Value::new(Val::Number(-v.as_f64().unwrap_or(0.0)), sp)
                    }
                    _ => Value::unknown("`templatefile`: invalid operand", sp),
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.expr(&b.lhs_expr, depth + 1, locals);
                let r = self.expr(&b.rhs_expr, depth + 1, locals);
                binary(*b.operator.value(), &l, &r, sp)
            }
            _ => self.unknown("this expression", e.span()),
        }
    }

    fn index(&self, v: Value, ix: Value, sp: Option<Span>) -> Value {
        match &v.deref().kind {
            Val::List(l) => match ix.as_f64() {
                Some(i) if i >= 0.0 && i.fract() == 0.0 && (i as usize) < l.len() => {
                    l[i as usize].clone()
                }
                Some(_) => Value::unknown("`templatefile`: index out of range", sp),
                None => Value::unknown(super::reason_of(&ix), sp),
            },
            _ => call("lookup", vec![v, ix], sp, self.c.fx),
        }
    }
}

/// Adds an interpolated value to the parts: scalars as strings (keeping their spans), nested
/// templates flattened, collections are an error (Terraform cannot interpolate them).
fn push_flat(parts: &mut Vec<Value>, v: Value, c: &Cx) {
    match &v.deref().kind {
        Val::Number(n) => parts.push(Value::str(format_number(*n), v.span)),
        Val::Bool(b) => parts.push(Value::str(b.to_string(), v.span)),
        Val::Template(inner) => {
            for p in inner.clone() {
                parts.push(p);
            }
        }
        Val::Null => parts.push(c.fail("cannot include a null value in a string template")),
        Val::List(_) | Val::Map(_) => parts.push(c.fail(format!(
            "cannot include {} in a string template",
            super::type_name(&v)
        ))),
        _ => parts.push(v),
    }
}

/// A binary operator on evaluated operands, as Terraform applies it (`==` does not convert types;
/// arithmetic and comparisons convert strings to numbers; `&&`/`||` are decided by one known
/// operand when it is enough).
fn binary(op: BinaryOperator, l: &Value, r: &Value, sp: Option<Span>) -> Value {
    use BinaryOperator as B;
    let bool_of = |v: &Value| match &v.deref().kind {
        Val::Bool(b) => Some(*b),
        _ => None,
    };
    match op {
        B::And | B::Or => {
            let stop = op == B::Or;
            let (a, b) = (bool_of(l), bool_of(r));
            if a == Some(stop) || b == Some(stop) {
                return Value::new(Val::Bool(stop), sp);
            }
            match (a, b) {
                (Some(_), Some(_)) => Value::new(Val::Bool(!stop), sp),
                _ => {
                    let u = if a.is_none() { l } else { r };
                    if super::is_primitive(u) {
                        Value::unknown("`templatefile`: a logical operator needs bools", sp)
                    } else {
                        Value::unknown(super::reason_of(u), sp)
                    }
                }
            }
        }
        B::Eq | B::NotEq => {
            let same_kind =
                std::mem::discriminant(&l.deref().kind) == std::mem::discriminant(&r.deref().kind);
            let eq = if super::is_primitive(l) && super::is_primitive(r) && !same_kind {
                Some(false)
            } else {
                super::loose_eq(l, r)
            };
            match eq {
                Some(e) => Value::new(Val::Bool(e == (op == B::Eq)), sp),
                None => {
                    let u = if super::is_primitive(l) { r } else { l };
                    Value::unknown(super::reason_of(u), sp)
                }
            }
        }
        _ => {
            for v in [l, r] {
                if !super::is_primitive(v) {
                    return Value::unknown(super::reason_of(v), sp);
                }
            }
            let (Some(a), Some(b)) = (l.as_f64(), r.as_f64()) else {
                return Value::unknown("`templatefile`: an arithmetic operator needs numbers", sp);
            };
            let v = match op {
                B::Less => Val::Bool(a < b),
                B::LessEq => Val::Bool(a <= b),
                B::Greater => Val::Bool(a > b),
                B::GreaterEq => Val::Bool(a >= b),
                B::Plus => Val::Number(a + b),
                B::Minus => Val::Number(a - b),
                B::Mul => Val::Number(a * b),
                B::Div if b == 0.0 => {
                    return Value::unknown("`templatefile`: division by zero", sp)
                }
                B::Div => Val::Number(a / b),
                B::Mod if b == 0.0 => {
                    return Value::unknown("`templatefile`: division by zero", sp)
                }
                B::Mod => Val::Number(a % b),
                _ => return Value::unknown("`templatefile`: unsupported operator", sp),
            };
            Value::new(v, sp)
        }
    }
}
