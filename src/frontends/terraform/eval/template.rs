//! String templates: interpolations and `%{if}`/`%{for}` directives rendered into a string, or
//! a `Template` of known and unknown parts.

use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;

use super::values::{iter_items, unknown_because, WithSpan};
use super::{err, Evaluator, Loc, Scope};
use crate::base::value::format_number;
use crate::base::{Span, Val, Value};
use crate::frontends::terraform::errors::is_error;
use crate::frontends::terraform::functions;

/// The parts of a template being rendered, and the bytes of their text.
#[derive(Default)]
struct Parts {
    out: Vec<Value>,
    text: u64,
}

impl<'a> Evaluator<'a> {
    pub(super) fn template(&self, t: &Template, loc: Loc, sc: &Scope, span: Option<Span>) -> Value {
        let els: Vec<&Element> = t.iter().collect();
        if let [Element::Interpolation(i)] = els.as_slice() {
            return self.hcl(&i.expr, loc, sc);
        }
        let mut parts = Parts::default();
        if !self.template_parts(&els, false, false, loc, sc, &mut parts) {
            if self.budget.is_spent() {
                return self.budget.spent_value(span);
            }
            // Stopped over the value budget: what was rendered is larger than the budget, which
            // the caller's check (every caller checks the value a template makes) turns into an
            // Unknown naming the expression.
            return Value::new(Val::Template(parts.out), span);
        }
        finish_template(parts.out, span)
    }

    /// Adds a part to a template being rendered, text joined to the text before it; `false`
    /// when the template is over the budget (the caller stops).
    fn push_part(&self, parts: &mut Parts, v: Value) -> bool {
        let max = self.opts.limits.max_value_size;
        match (&v.kind, parts.out.last_mut()) {
            (Val::Str(s), _) if s.is_empty() => return true,
            (
                Val::Str(s),
                Some(Value {
                    kind: Val::Str(prev),
                    span: psp,
                }),
            ) => {
                prev.push_str(s);
                parts.text += s.len() as u64;
                if let (Some(a), Some(b)) = (*psp, v.span) {
                    *psp = Some(a.cover(b));
                }
            }
            _ => {
                if let Val::Str(s) = &v.kind {
                    parts.text += s.len() as u64;
                }
                push_unknown_part(&mut parts.out, v);
            }
        }
        // As `deep_size` counts what the template becomes: a string, or a template of parts.
        let size = match parts.out.as_slice() {
            [Value {
                kind: Val::Str(_), ..
            }] => parts.text,
            _ => parts.text + crate::base::value::ELEMENT_SIZE * parts.out.len() as u64,
        };
        max == 0 || size <= max
    }

    /// Renders template elements into `out`; `false` when stopped by the budget.
    fn template_parts(
        &self,
        els: &[&Element],
        strip_first: bool,
        strip_last: bool,
        loc: Loc,
        sc: &Scope,
        out: &mut Parts,
    ) -> bool {
        let strips_after = |e: &Element| match e {
            Element::Interpolation(i) => i.strip.strip_end(),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(x) => x.endif_expr.strip.strip_end(),
                Directive::For(x) => x.endfor_expr.strip.strip_end(),
            },
            Element::Literal(_) => false,
        };
        let strips_before = |e: &Element| match e {
            Element::Interpolation(i) => i.strip.strip_start(),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(x) => x.if_expr.strip.strip_start(),
                Directive::For(x) => x.for_expr.strip.strip_start(),
            },
            Element::Literal(_) => false,
        };
        for (i, el) in els.iter().enumerate() {
            if !self.budget.step(loc.span(el.span())) {
                return false;
            }
            match el {
                Element::Literal(l) => {
                    let mut s: &str = l.value();
                    let first = i == 0;
                    let last = i + 1 == els.len();
                    if (first && strip_first) || (!first && strips_after(els[i - 1])) {
                        s = s.trim_start();
                    }
                    if (last && strip_last) || (!last && strips_before(els[i + 1])) {
                        s = s.trim_end();
                    }
                    if !self.push_part(out, Value::str(s, loc.span(l.span()))) {
                        return false;
                    }
                }
                Element::Interpolation(x) => {
                    let v = self.hcl(&x.expr, loc, sc);
                    if !self.push_part(out, v) {
                        return false;
                    }
                }
                Element::Directive(d) => {
                    let dspan = loc.span(el.span());
                    match d.as_ref() {
                        Directive::If(x) => {
                            let c = self.hcl(&x.if_expr.cond_expr, loc, sc);
                            match c.as_bool() {
                                Some(true) => {
                                    let inner: Vec<&Element> = x.if_expr.template.iter().collect();
                                    let end_strip = match &x.else_expr {
                                        Some(e) => e.strip.strip_start(),
                                        None => x.endif_expr.strip.strip_start(),
                                    };
                                    if !self.template_parts(
                                        &inner,
                                        x.if_expr.strip.strip_end(),
                                        end_strip,
                                        loc,
                                        sc,
                                        out,
                                    ) {
                                        return false;
                                    }
                                }
                                Some(false) => {
                                    if let Some(e) = &x.else_expr {
                                        let inner: Vec<&Element> = e.template.iter().collect();
                                        if !self.template_parts(
                                            &inner,
                                            e.strip.strip_end(),
                                            x.endif_expr.strip.strip_start(),
                                            loc,
                                            sc,
                                            out,
                                        ) {
                                            return false;
                                        }
                                    }
                                }
                                None => {
                                    let u = unknown_because("%{if} condition", &c, dspan);
                                    if !self.push_part(out, u) {
                                        return false;
                                    }
                                }
                            }
                        }
                        Directive::For(x) => {
                            let coll = self.hcl(&x.for_expr.collection_expr, loc, sc);
                            let items = match iter_items(&coll) {
                                Ok(i) => i,
                                Err(u) => {
                                    if !self.push_part(out, u.with_span_if_none(dspan)) {
                                        return false;
                                    }
                                    continue;
                                }
                            };
                            let inner: Vec<&Element> = x.for_expr.template.iter().collect();
                            let vname = x.for_expr.value_var.as_str();
                            for (k, v) in items {
                                if !self.budget.step(dspan) {
                                    return false;
                                }
                                let s1;
                                let s2;
                                let isc: &Scope = match &x.for_expr.key_var {
                                    Some(kn) => {
                                        s1 = sc.with(kn.as_str(), k);
                                        s2 = s1.with(vname, v);
                                        &s2
                                    }
                                    None => {
                                        s2 = sc.with(vname, v);
                                        &s2
                                    }
                                };
                                if !self.template_parts(
                                    &inner,
                                    x.for_expr.strip.strip_end(),
                                    x.endfor_expr.strip.strip_start(),
                                    loc,
                                    isc,
                                    out,
                                ) {
                                    return false;
                                }
                            }
                        }
                    }
                }
            }
        }
        true
    }
}

/// Adds a part to template parts; an Unknown right after an Unknown is one unknown part (any
/// text), keeping the first error: `"${local.u}${local.u}"` doubled forty times stays one part.
fn push_unknown_part(out: &mut Vec<Value>, p: Value) {
    if let (Val::Unknown(_), Some(last)) = (&p.kind, out.last_mut()) {
        if matches!(last.kind, Val::Unknown(_)) {
            if is_error(&p) && !is_error(last) {
                *last = p;
            }
            return;
        }
    }
    out.push(p);
}

/// Joins template parts: a `Str` when every part is a known string, else a `Template`.
pub(super) fn finish_template(parts: Vec<Value>, span: Option<Span>) -> Value {
    let mut out: Vec<Value> = Vec::new();
    let push_str = |out: &mut Vec<Value>, s: &str, sp: Option<Span>| {
        if s.is_empty() {
            return;
        }
        if let Some(Value {
            kind: Val::Str(prev),
            span: psp,
        }) = out.last_mut()
        {
            prev.push_str(s);
            if let (Some(a), Some(b)) = (*psp, sp) {
                *psp = Some(a.cover(b));
            }
            return;
        }
        out.push(Value::str(s, sp));
    };
    for p in parts {
        match &p.kind {
            Val::Str(s) => push_str(&mut out, s, p.span),
            Val::Number(n) => push_str(&mut out, &format_number(*n), p.span),
            Val::Bool(b) => push_str(&mut out, if *b { "true" } else { "false" }, p.span),
            // `"x=${jsonencode(v)}"`: a fully known JSON document is text like any other.
            Val::Encoded(inner) => match functions::encoded_text(inner) {
                Some(text) => push_str(&mut out, &text, p.span),
                None => out.push(p),
            },
            Val::Template(inner) => {
                for q in inner {
                    match &q.kind {
                        Val::Str(s) => push_str(&mut out, s, q.span),
                        Val::Encoded(e) => match functions::encoded_text(e) {
                            Some(text) => push_str(&mut out, &text, q.span),
                            None => out.push(q.clone()),
                        },
                        _ => push_unknown_part(&mut out, q.clone()),
                    }
                }
            }
            Val::Null => out.push(err("null in a string template", p.span)),
            Val::List(_) | Val::Map(_) => {
                out.push(err("a list or object in a string template", p.span))
            }
            _ => push_unknown_part(&mut out, p),
        }
    }
    match out.len() {
        0 => Value::str("", span),
        1 if matches!(out[0].kind, Val::Str(_)) => {
            let mut v = out.pop().unwrap_or_else(|| Value::str("", span));
            v.span = span;
            v
        }
        // An error part stays a part: the known text around it (a container definition around
        // one reference the evaluator could not resolve) is kept; `try()`/`can()` still see it
        // (`first_error`).
        _ => Value::new(Val::Template(out), span),
    }
}
