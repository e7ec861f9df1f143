//! Function calls: arguments evaluated and handed to the built-in functions (`functions/`),
//! `try`/`can` with Terraform's error semantics, and `templatefile` rendered by this evaluator.

use hcl_edit::expr::{Expression, FuncCall};

use super::values::{reason_of, unknown_because, WithSpan};
use super::{err, Ctx, Evaluator, Loc, Scope};
use crate::base::{Diagnostic, Map, Span, Val, Value};
use crate::frontends::terraform::errors::first_error;
use crate::frontends::terraform::functions::{self, FnCtx};

impl<'a> Evaluator<'a> {
    pub(super) fn call(&self, fc: &FuncCall, loc: Loc, sc: &Scope, span: Option<Span>) -> Value {
        if fc.name.is_namespaced() {
            let ns: Vec<&str> = fc.name.namespace.iter().map(|n| n.as_str()).collect();
            return Value::unknown(
                format!(
                    "provider function `{}::{}` is not evaluated",
                    ns.join("::"),
                    fc.name.name.as_str()
                ),
                span,
            );
        }
        let name = fc.name.name.as_str();
        let args: Vec<&Expression> = fc.args.iter().collect();
        match name {
            "try" => {
                let mut last = err("try: no arguments", span);
                for a in args {
                    let v = self.hcl(a, loc, sc);
                    match first_error(&v) {
                        None => return v,
                        Some(e) => last = e.clone(),
                    }
                }
                err(
                    format!("try: every argument failed (last: {})", reason_of(&last)),
                    span,
                )
            }
            "can" => {
                let Some(a) = args.first() else {
                    return err("can: needs one argument", span);
                };
                let v = self.hcl(a, loc, sc);
                if first_error(&v).is_some() {
                    Value::new(Val::Bool(false), span)
                } else if matches!(v.deref().kind, Val::Unknown(_)) {
                    v
                } else {
                    Value::new(Val::Bool(true), span)
                }
            }
            // Terraform refuses it: "cannot recursively call templatefile from inside
            // templatefile call".
            "templatefile" if self.in_templatefile.get() => {
                let why = "`templatefile` cannot be called from inside a templatefile template \
                           (Terraform refuses it); it is not evaluated";
                let mut d = Diagnostic::warning("templatefile-recursion", why);
                d.span = span;
                self.diagnostics.borrow_mut().push(d);
                err(why, span)
            }
            "templatefile" => {
                let vals: Vec<Value> = args.iter().map(|a| self.hcl(a, loc, sc)).collect();
                self.templatefile(&vals, span)
            }
            _ => {
                let mut vals: Vec<Value> = args.iter().map(|a| self.hcl(a, loc, sc)).collect();
                if fc.args.expand_final() {
                    match vals.pop() {
                        Some(last) => match &last.deref().kind {
                            Val::List(l) => vals.extend(l.iter().cloned()),
                            _ => return unknown_because("expanded argument", &last, span),
                        },
                        None => return err("`...` without an argument", span),
                    }
                }
                let cx = FnCtx {
                    sources: self.sources,
                    base_dir: &self.root_dir,
                    allowed_roots: &self.allowed_roots,
                    max_file_size: self.max_file_size,
                    max_value_size: self.opts.limits.max_value_size,
                    diagnostics: Some(&self.diagnostics),
                };
                functions::call(name, vals, span, &cx)
            }
        }
    }

    fn templatefile(&self, args: &[Value], span: Option<Span>) -> Value {
        let Some(p) = args.first() else {
            return err("templatefile: needs a path", span);
        };
        let Some(ps) = p.as_str() else {
            return unknown_because("templatefile path", p, span);
        };
        let empty = Value::new(Val::Map(Map::new()), None);
        let vars = args.get(1).unwrap_or(&empty);
        let Some(vars) = vars.as_map() else {
            return unknown_because("templatefile variables", vars, span);
        };
        let path = super::super::normalize(&self.root_dir.join(ps));
        if !self.allowed_roots.iter().any(|r| path.starts_with(r)) {
            return Value::unknown(
                format!("templatefile: `{ps}` is outside the scanned directories"),
                span,
            );
        }
        // Read (and report) it under the path as the user wrote it when it is relative.
        let shown = match self.sources.find(&path) {
            Some(_) => path.clone(),
            None => self.shown_path(ps),
        };
        let id = match crate::base::fs::load(self.sources, &shown, self.max_file_size) {
            Ok(id) => id,
            Err(d) => {
                if matches!(d.code.as_ref(), "outside-scan" | "not-regular-file") {
                    let mut r = d.clone();
                    r.message = format!("`templatefile` of `{ps}`: {}", d.message);
                    r.span = span;
                    self.diagnostics.borrow_mut().push(r);
                }
                return err(format!("templatefile: {}", d.message), span);
            }
        };
        let text = self.sources.get(id).text.clone();
        if crate::syntax::nesting_depth(&text) > crate::syntax::MAX_NESTING {
            return Value::unknown("templatefile: the template is nested too deeply", span);
        }
        let t = match hcl_edit::parser::parse_template(&text) {
            Ok(t) => t,
            Err(e) => return err(format!("templatefile: {}", e.message().trim()), span),
        };
        let ctx = Ctx {
            sealed: true,
            ..Ctx::default()
        };
        let root = Scope::new(&ctx);
        let sc = root.with_map(vars);
        self.in_templatefile.set(true);
        let v = self.template(&t, Loc::File(id), &sc, span);
        self.in_templatefile.set(false);
        v.with_span_if_none(span)
    }
}
