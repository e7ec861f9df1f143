//! Module calls: expanding a call into child module instances (local or installed modules),
//! the pseudo-resource of a module that is not available, and references to module outputs.

use std::cell::RefCell;
use std::rc::Rc;

use hcl_edit::expr::TraversalOperator;

use super::blocks::Expansion;
use super::values::reason_of;
use super::{Ctx, Evaluator, Inst, Loc, Memo, ParentLink, Scope, Slot, MAX_MODULE_DEPTH};
use crate::base::{Diagnostic, FileId, Map, Span, Val, Value};
use crate::frontends::terraform::config::Block;
use crate::frontends::terraform::errors::ERROR;
use crate::frontends::{Mode, Resource};

pub(super) enum ModKind {
    /// Instances with their key suffix (`""`, `[0]`, `["k"]`, `[*]`).
    Expanded(Expansion, Vec<usize>),
    /// Not evaluated: the reason (recursion, cycle...).
    Missing(String),
    /// Not available (not installed, no files): kept as a pseudo-resource with its inputs.
    NotLoaded(String),
}

pub(super) struct ModOut {
    pub(super) kind: ModKind,
}

impl<'a> Evaluator<'a> {
    pub(super) fn module_call(&self, id: usize, name: &str) -> Rc<ModOut> {
        let inst = self.inst(id);
        let slot = Slot::Mod(name.into());
        match inst.memo.borrow().get(&slot) {
            Some(Memo::Mod(m)) => return m.clone(),
            Some(Memo::Busy) => {
                return Rc::new(ModOut {
                    kind: ModKind::Missing(format!("cycle: module `{name}` depends on itself")),
                })
            }
            _ => {}
        }
        inst.memo.borrow_mut().insert(slot.clone(), Memo::Busy);
        let out = Rc::new(self.eval_module_call(id, &inst, name));
        inst.memo.borrow_mut().insert(slot, Memo::Mod(out.clone()));
        out
    }

    fn eval_module_call(&self, id: usize, inst: &Inst<'a>, name: &str) -> ModOut {
        let Some(call) = inst.cfg.modules.get(name) else {
            return ModOut {
                kind: ModKind::Missing(format!("{ERROR}module `{name}` is not declared")),
            };
        };
        let source = call
            .body
            .attr("source")
            .and_then(|a| a.expr.as_literal_str())
            .unwrap_or_default();
        let key_path = if inst.key_path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", inst.key_path)
        };
        let dir = if source.starts_with("./") || source.starts_with("../") {
            Some(super::super::normalize(&inst.dir.join(&source)))
        } else {
            self.installed.get(&key_path).cloned()
        };
        let dir = dir.filter(|d| self.configs.contains_key(d));
        let Some(dir) = dir else {
            let reason = if source.starts_with("./") || source.starts_with("../") {
                format!("module `{name}` (source `{source}`) has no Terraform files")
            } else {
                format!("module `{name}` (source `{source}`) is not installed; run terraform init")
            };
            let mut d = Diagnostic::info("module-not-loaded", reason.clone());
            d.span = call.header;
            self.diagnostics.borrow_mut().push(d);
            return ModOut {
                kind: ModKind::NotLoaded(reason),
            };
        };
        if inst.ancestors.contains(&dir) || inst.ancestors.len() > MAX_MODULE_DEPTH {
            let reason = format!("module `{name}` calls itself (recursion through `{source}`)");
            let mut d = Diagnostic::warning("module-recursion", reason.clone());
            d.span = call.header;
            self.diagnostics.borrow_mut().push(d);
            return ModOut {
                kind: ModKind::Missing(reason),
            };
        }
        let cfg = &self.configs[&dir];
        let ctx0 = Ctx {
            inst: id,
            ..Ctx::default()
        };
        let exp = self.expansion(&call.body, &Scope::new(&ctx0));
        let mut ids = Vec::new();
        for (suffix, each, count) in exp.instances() {
            let exists = match &exp {
                Expansion::Unknown(u, _) => Some(u.clone()),
                _ => inst.exists.clone(),
            };
            let mut ancestors = inst.ancestors.clone();
            ancestors.push(dir.clone());
            let child = Inst {
                cfg,
                dir: dir.clone(),
                prefix: format!("{}module.{name}{suffix}.", inst.prefix),
                key_path: key_path.clone(),
                parent: Some(ParentLink {
                    call,
                    ctx: Ctx {
                        inst: id,
                        each,
                        count,
                        sealed: false,
                    },
                }),
                exists,
                ancestors,
                memo: RefCell::default(),
            };
            let mut insts = self.insts.borrow_mut();
            insts.push(Rc::new(child));
            ids.push(insts.len() - 1);
        }
        ModOut {
            kind: ModKind::Expanded(exp, ids),
        }
    }

    /// A module that is not available is kept as one pseudo-resource of type `module` whose
    /// attributes are its inputs, so that module-aware rules can still read them.
    pub(super) fn pseudo_module(
        &self,
        id: usize,
        inst: &Inst<'a>,
        name: &str,
        call: &'a Block<'a>,
        out: &mut Vec<Resource>,
    ) {
        let ctx0 = Ctx {
            inst: id,
            ..Ctx::default()
        };
        let exp = self.expansion(&call.body, &Scope::new(&ctx0));
        for (suffix, each, count) in exp.instances() {
            let ctx = Ctx {
                inst: id,
                each,
                count,
                sealed: false,
            };
            let exists = match &exp {
                Expansion::Unknown(u, _) => Some(u.clone()),
                _ => inst.exists.clone(),
            };
            out.push(self.pseudo_instance(inst, name, call, &suffix, &ctx, exists));
        }
    }

    fn pseudo_instance(
        &self,
        inst: &Inst<'a>,
        name: &str,
        call: &'a Block<'a>,
        suffix: &str,
        ctx: &Ctx,
        exists: Option<Value>,
    ) -> Resource {
        let mut attrs = Map::new();
        let sc = Scope::new(ctx);
        for a in &call.body.attrs {
            if matches!(
                a.name.as_str(),
                "count" | "for_each" | "providers" | "depends_on"
            ) {
                continue;
            }
            attrs.push(a.name.clone(), a.key_span, self.eval(a.expr, &sc));
        }
        Resource {
            address: format!("{}module.{name}{suffix}", inst.prefix),
            rtype: "module".into(),
            mode: Mode::Managed,
            span: call.header.unwrap_or(Span::new(FileId(0), 0..0)),
            attrs,
            exists,
        }
    }

    fn module_object(&self, child: usize) -> Value {
        let inst = self.inst(child);
        let mut m = Map::new();
        for (name, b) in &inst.cfg.outputs {
            m.push(name.clone(), b.header, self.output(child, name, None));
        }
        Value::new(Val::Map(m), None)
    }

    /// `module.NAME` followed by `ops`: returns the value and how many operators it consumed.
    pub(super) fn module_ref(
        &self,
        id: usize,
        name: &str,
        ops: &[&TraversalOperator],
        loc: Loc,
        sc: &Scope,
        span: Option<Span>,
    ) -> (Value, usize) {
        let m = self.module_call(id, name);
        let (exp, ids) = match &m.kind {
            ModKind::Missing(r) | ModKind::NotLoaded(r) => {
                return (Value::unknown(r.clone(), span), ops.len())
            }
            ModKind::Expanded(e, ids) => (e, ids),
        };
        let out_of = |child: usize, op: Option<&&TraversalOperator>| -> Option<Value> {
            match op {
                Some(TraversalOperator::GetAttr(o)) => Some(self.output(child, o.as_str(), span)),
                _ => None,
            }
        };
        match exp {
            Expansion::Single => {
                if let Some(v) = out_of(ids[0], ops.first()) {
                    return (v, 1);
                }
                (self.module_object(ids[0]), 0)
            }
            Expansion::Unknown(u, _) => {
                if let Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)) =
                    ops.first()
                {
                    if let Some(v) = out_of(ids[0], ops.get(1)) {
                        return (v, 2);
                    }
                }
                (
                    Value::unknown(
                        format!(
                            "module `{name}` has an unknown number of instances: {}",
                            reason_of(u)
                        ),
                        span,
                    ),
                    ops.len(),
                )
            }
            Expansion::Count(_) | Expansion::Keys(_) => {
                let idx = match ops.first() {
                    Some(TraversalOperator::Index(e)) => {
                        let k = self.hcl(e, loc, sc);
                        match exp {
                            Expansion::Count(n) => k
                                .as_f64()
                                .filter(|i| *i >= 0.0 && (*i as usize) < *n)
                                .map(|i| i as usize),
                            Expansion::Keys(ks) => k
                                .as_str()
                                .and_then(|s| ks.iter().position(|(kk, _)| kk == s)),
                            _ => None,
                        }
                    }
                    Some(TraversalOperator::LegacyIndex(i)) => Some(*i.value() as usize),
                    _ => None,
                };
                if let Some(i) = idx {
                    if let Some(&child) = ids.get(i) {
                        if let Some(v) = out_of(child, ops.get(1)) {
                            return (v, 2);
                        }
                        return (self.module_object(child), 1);
                    }
                }
                let objs: Vec<Value> = ids.iter().map(|&c| self.module_object(c)).collect();
                match exp {
                    Expansion::Keys(ks) => {
                        let mut m = Map::new();
                        for ((k, _), o) in ks.iter().zip(objs) {
                            m.push(k.clone(), None, o);
                        }
                        (Value::new(Val::Map(m), None), 0)
                    }
                    _ => (Value::new(Val::List(objs), None), 0),
                }
            }
        }
    }
}
