//! `templatefile(path, vars)`: the template is read like `file()` and rendered with a small
//! evaluator that knows the template's own variables, literals, attribute and index access,
//! conditionals with a known condition, collections and function calls (through [`super::call`]).
//! `%{if}`/`%{for}` directives and other expressions become unknown parts. Literal parts keep
//! spans into the template file, so the result points there.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Element, Template};
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
        return Err(c.fail("the template could not be read"));
    };
    let tpl = hcl_edit::parser::parse_template(src)
        .map_err(|e| c.fail(format!("invalid template: {}", e.message().trim())))?;
    let r = Render {
        c,
        vars,
        file: span.file,
    };
    let parts = r.template(&tpl, 0);
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
    fn template(&self, tpl: &Template, depth: usize) -> Vec<Value> {
        let elements: Vec<&Element> = tpl.iter().collect();
        let strip = |e: &Element| match e {
            Element::Interpolation(i) => (i.strip.strip_start(), i.strip.strip_end()),
            _ => (false, false),
        };
        let mut parts = Vec::new();
        for (i, el) in elements.iter().enumerate() {
            match el {
                Element::Literal(lit) => {
                    let mut s: &str = lit.value();
                    if i > 0 && strip(elements[i - 1]).1 {
                        s = s.trim_start();
                    }
                    if i + 1 < elements.len() && strip(elements[i + 1]).0 {
                        s = s.trim_end();
                    }
                    if !s.is_empty() {
                        parts.push(Value::str(s, self.span(lit.span())));
                    }
                }
                Element::Interpolation(ip) => {
                    let v = self.expr(&ip.expr, depth + 1);
                    push_flat(&mut parts, v, self.c);
                }
                Element::Directive(d) => parts.push(self.unknown("a template directive", d.span())),
            }
        }
        parts
    }

    fn expr(&self, e: &Expression, depth: usize) -> Value {
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
                        Element::Interpolation(ip) => parts.push(self.expr(&ip.expr, depth + 1)),
                        Element::Directive(d) => {
                            parts.push(self.unknown("a template directive", d.span()))
                        }
                    }
                }
                super::build_string(parts, sp)
            }
            Expression::HeredocTemplate(h) => {
                super::build_string(self.template(&h.template, depth + 1), sp)
            }
            Expression::Parenthesis(p) => self.expr(p.inner(), depth + 1),
            Expression::Variable(v) => match self.vars.get(v.value().as_str()) {
                Some(x) => x.clone(),
                None => Value::unknown(
                    format!("`templatefile`: vars has no `{}`", v.value().as_str()),
                    sp,
                ),
            },
            Expression::Array(a) => Value::new(
                Val::List(a.iter().map(|x| self.expr(x, depth + 1)).collect()),
                sp,
            ),
            Expression::Object(o) => {
                let mut m = Map::new();
                for (k, v) in o.iter() {
                    let (key, ksp) = match k {
                        ObjectKey::Ident(id) => (id.value().as_str().to_string(), id.span()),
                        ObjectKey::Expression(x) => match self.expr(x, depth + 1).as_str() {
                            Some(s) => (s.to_string(), x.span()),
                            None => return self.unknown("an object with a computed key", e.span()),
                        },
                    };
                    m.push(key, self.span(ksp), self.expr(v.expr(), depth + 1));
                }
                Value::new(Val::Map(m), sp)
            }
            Expression::Conditional(cd) => match self.expr(&cd.cond_expr, depth + 1).deref().kind {
                Val::Bool(true) => self.expr(&cd.true_expr, depth + 1),
                Val::Bool(false) => self.expr(&cd.false_expr, depth + 1),
                _ => self.unknown("a condition that is not known", e.span()),
            },
            Expression::FuncCall(f) => {
                let ns_ok = f.name.namespace.is_empty()
                    || (f.name.namespace.len() == 1
                        && f.name.namespace[0].value().as_str() == "core");
                if !ns_ok || f.args.expand_final() {
                    return self.unknown("this function call", e.span());
                }
                let args = f.args.iter().map(|x| self.expr(x, depth + 1)).collect();
                call(f.name.name.value().as_str(), args, sp, self.c.fx)
            }
            Expression::Traversal(t) => {
                let mut v = self.expr(&t.expr, depth + 1);
                for op in &t.operators {
                    let next = match op.value() {
                        TraversalOperator::GetAttr(id) => call(
                            "lookup",
                            vec![v, Value::str(id.value().as_str(), None)],
                            sp,
                            self.c.fx,
                        ),
                        TraversalOperator::Index(ix) => self.index(v, self.expr(ix, depth + 1), sp),
                        TraversalOperator::LegacyIndex(n) => {
                            self.index(v, Value::new(Val::Number(*n.value() as f64), None), sp)
                        }
                        _ => return self.unknown("a splat expression", e.span()),
                    };
                    v = next;
                }
                v
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
