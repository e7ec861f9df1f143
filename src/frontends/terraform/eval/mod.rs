//! The static evaluator: lazily evaluates the named values of module instances (variables, locals,
//! resources, data sources, module calls, outputs), each at most once, over the [`Value`] model.
//! Nothing here fails: what cannot be known is `Unknown` with a reason. Mistakes in the
//! configuration (an attribute that does not exist...) are Unknown with a reason starting with
//! `error: `, which `try()` and `can()` treat as Terraform treats errors.
//!
//! This file holds the evaluator's state (module instances, memo) and its entry points; the
//! evaluation itself is split by concern: `vars.rs` (variables, locals, outputs, providers),
//! `blocks.rs` (resources, data sources, `count`/`for_each`, `dynamic`), `modules.rs` (module
//! calls), `expr.rs` (expressions), `refs.rs` (references), `template.rs` (string templates),
//! `calls.rs` (function calls) and `values.rs` (value helpers).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use hcl_edit::expr::Expression;

use super::config::{Block, ModuleConfig};
use super::errors::ERROR;
use crate::base::{Diagnostic, FileId, Map, SourceMap, Span, Symbol, Val, Value};
use crate::frontends::budget::Budget;
use crate::frontends::{Mode, Options, Resource};

use modules::{ModKind, ModOut};

mod blocks;
mod calls;
mod expr;
mod modules;
mod refs;
mod template;
mod values;
mod vars;

/// Deepest nesting of evaluations (references of references...) before giving up.
const MAX_DEPTH: u32 = 300;
/// Most instances a `count` is expanded to.
const MAX_INSTANCES: usize = 10_000;
/// Deepest nesting of module calls.
const MAX_MODULE_DEPTH: usize = 24;

fn err(msg: impl std::fmt::Display, span: Option<Span>) -> Value {
    Value::unknown(format!("{ERROR}{msg}"), span)
}

/// Where the spans of an expression tree come from.
#[derive(Clone, Copy)]
pub enum Loc {
    File(FileId),
    /// Every node gets this span (a template parsed out of a JSON string).
    Fixed(Option<Span>),
}

impl Loc {
    fn span(self, r: Option<Range<usize>>) -> Option<Span> {
        match self {
            Loc::File(f) => r.map(|r| Span::new(f, r)),
            Loc::Fixed(s) => s,
        }
    }
}

/// The instance-level context of an expression: which module instance, and `each`/`count`.
#[derive(Clone, Default)]
pub struct Ctx {
    pub inst: usize,
    pub each: Option<(Value, Value)>,
    pub count: Option<Value>,
    /// Only the bindings of the scope are visible (`templatefile`, tfvars).
    pub sealed: bool,
}

/// Local bindings (for-expression variables, dynamic-block iterators, template variables).
pub struct Scope<'s> {
    pub ctx: &'s Ctx,
    bind: Option<(&'s str, Value)>,
    map: Option<&'s Map>,
    parent: Option<&'s Scope<'s>>,
}

impl<'s> Scope<'s> {
    pub fn new(ctx: &'s Ctx) -> Scope<'s> {
        Scope {
            ctx,
            bind: None,
            map: None,
            parent: None,
        }
    }
    fn with<'t>(&'t self, name: &'t str, v: Value) -> Scope<'t> {
        Scope {
            ctx: self.ctx,
            bind: Some((name, v)),
            map: None,
            parent: Some(self),
        }
    }
    fn with_map<'t>(&'t self, m: &'t Map) -> Scope<'t> {
        Scope {
            ctx: self.ctx,
            bind: None,
            map: Some(m),
            parent: Some(self),
        }
    }
    fn lookup(&self, name: &str) -> Option<&Value> {
        let mut s = Some(self);
        while let Some(sc) = s {
            if let Some((n, v)) = &sc.bind {
                if *n == name {
                    return Some(v);
                }
            }
            if let Some(v) = sc.map.and_then(|m| m.get(name)) {
                return Some(v);
            }
            s = sc.parent;
        }
        None
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Slot {
    Var(String),
    Local(String),
    Out(String),
    Res(String),
    Data(String),
    Mod(String),
    Prov(String),
}

enum Memo {
    Busy,
    Val(Value),
    Res(Rc<ResOut>),
    Mod(Rc<ModOut>),
}

/// The evaluated instances of one resource or data block.
pub struct ResOut {
    pub instances: Vec<Resource>,
    /// What a reference to the block (without index) evaluates to.
    pub object: Value,
}

pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

struct ParentLink<'a> {
    call: &'a Block<'a>,
    ctx: Ctx,
}

struct Inst<'a> {
    cfg: &'a ModuleConfig<'a>,
    dir: PathBuf,
    /// `module.a.module.b["k"].`
    prefix: String,
    /// `a.b`, the key in `.terraform/modules/modules.json`.
    key_path: String,
    parent: Option<ParentLink<'a>>,
    /// Whether this instance exists (an unknown module count/for_each).
    exists: Option<Value>,
    ancestors: Vec<PathBuf>,
    memo: RefCell<HashMap<Slot, Memo>>,
}

pub struct Evaluator<'a> {
    configs: &'a HashMap<PathBuf, ModuleConfig<'a>>,
    sources: &'a SourceMap,
    opts: &'a Options,
    root_dir: PathBuf,
    /// The root directory as the user gave it.
    pub root_shown: PathBuf,
    allowed_roots: Vec<PathBuf>,
    max_file_size: u64,
    /// Values of the root module's variables (tfvars, -var...).
    pub root_vars: HashMap<String, Value>,
    /// `.terraform/modules/modules.json`: key → directory.
    installed: HashMap<String, PathBuf>,
    insts: RefCell<Vec<Rc<Inst<'a>>>>,
    depth: Cell<u32>,
    /// Inside a `templatefile` template: Terraform refuses `templatefile` there.
    in_templatefile: Cell<bool>,
    /// What evaluating this root may cost (see [`crate::frontends::budget`]).
    pub budget: Budget,
    pub diagnostics: RefCell<Vec<Diagnostic>>,
}

impl<'a> Evaluator<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        configs: &'a HashMap<PathBuf, ModuleConfig<'a>>,
        sources: &'a SourceMap,
        opts: &'a Options,
        root_dir: PathBuf,
        allowed_roots: Vec<PathBuf>,
        max_file_size: u64,
        installed: HashMap<String, PathBuf>,
    ) -> Option<Evaluator<'a>> {
        let cfg = configs.get(&root_dir)?;
        let root = Inst {
            cfg,
            dir: root_dir.clone(),
            prefix: String::new(),
            key_path: String::new(),
            parent: None,
            exists: None,
            ancestors: vec![root_dir.clone()],
            memo: RefCell::default(),
        };
        Some(Evaluator {
            configs,
            sources,
            opts,
            root_shown: root_dir.clone(),
            root_dir,
            allowed_roots,
            max_file_size,
            root_vars: HashMap::new(),
            installed,
            insts: RefCell::new(vec![Rc::new(root)]),
            depth: Cell::new(0),
            in_templatefile: Cell::new(false),
            budget: Budget::new(opts.limits),
            diagnostics: RefCell::default(),
        })
    }

    fn inst(&self, id: usize) -> Rc<Inst<'a>> {
        self.insts.borrow()[id].clone()
    }

    pub fn root_config(&self) -> &'a ModuleConfig<'a> {
        self.inst(0).cfg
    }

    /// The directories of every module instance evaluated so far.
    pub fn used_dirs(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = self.insts.borrow().iter().map(|i| i.dir.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    // -----------------------------------------------------------------------------------------
    // Memo

    fn memo_val(&self, id: usize, slot: Slot, what: &str, f: impl FnOnce() -> Value) -> Value {
        let inst = self.inst(id);
        match inst.memo.borrow().get(&slot) {
            Some(Memo::Val(v)) => return v.clone(),
            Some(Memo::Busy) => {
                return Value::unknown(format!("cycle: {what} depends on itself"), None);
            }
            _ => {}
        }
        inst.memo.borrow_mut().insert(slot.clone(), Memo::Busy);
        let v = f();
        inst.memo.borrow_mut().insert(slot, Memo::Val(v.clone()));
        v
    }

    // -----------------------------------------------------------------------------------------
    // Entry points

    /// Every resource of the root instance and of the module instances under it, in order.
    pub fn collect(&self) -> Vec<Resource> {
        let mut out = Vec::new();
        self.collect_inst(0, &mut out);
        out
    }

    fn collect_inst(&self, id: usize, out: &mut Vec<Resource>) {
        let inst = self.inst(id);
        for key in inst.cfg.resources.keys() {
            if let Some(r) = self.resource(id, key, Mode::Managed) {
                out.extend(r.instances.iter().cloned());
            }
        }
        for key in inst.cfg.data.keys() {
            if let Some(r) = self.resource(id, key, Mode::Data) {
                out.extend(r.instances.iter().cloned());
            }
        }
        for name in inst.cfg.modules.keys() {
            let m = self.module_call(id, name);
            match &m.kind {
                ModKind::Expanded(_, ids) => {
                    for &c in ids {
                        self.collect_inst(c, out);
                    }
                }
                ModKind::NotLoaded(_) => {
                    if let Some(call) = inst.cfg.modules.get(name) {
                        self.pseudo_module(id, &inst, name, call, out);
                    }
                }
                ModKind::Missing(_) => {}
            }
        }
    }

    /// The region of the root module's default AWS provider.
    pub fn root_region(&self) -> Value {
        self.provider(0, "aws")
            .get("region")
            .cloned()
            .unwrap_or_else(|| Value::new(Val::Symbol(Symbol::Region), None))
    }

    /// Evaluates an expression that may not refer to anything (tfvars, -var values).
    pub fn constant(&self, e: &Expression, loc: Loc) -> Value {
        let ctx = Ctx {
            sealed: true,
            ..Ctx::default()
        };
        self.hcl(e, loc, &Scope::new(&ctx))
    }

    /// `p` (relative to the root module) as a path relative to where the user pointed us.
    fn shown_path(&self, p: &str) -> PathBuf {
        super::join_tidy(&self.root_shown, p)
    }

    pub fn root_dir(&self) -> &Path {
        &self.root_dir
    }
}
