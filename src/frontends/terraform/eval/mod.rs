//! The static evaluator: lazily evaluates the named values of module instances (variables, locals,
//! resources, data sources, module calls, outputs), each at most once, over the [`Value`] model.
//! Nothing here fails: what cannot be known is `Unknown` with a reason. Mistakes in the
//! configuration (an attribute that does not exist...) are Unknown with a reason starting with
//! `error: `, which `try()` and `can()` treat as Terraform treats errors.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, FuncCall, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;

use super::config::{Block, Body, Expr, ModuleConfig};
use super::errors::{first_error, is_error, ERROR};
use super::functions::{self, FnCtx};
use super::policy;
use crate::base::value::format_number;
use crate::base::{Diagnostic, FileId, Map, Ref, SourceMap, Span, Symbol, Val, Value};
use crate::frontends::budget::Budget;
use crate::frontends::{Mode, Options, Resource};

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

enum ModKind {
    /// Instances with their key suffix (`""`, `[0]`, `["k"]`, `[*]`).
    Expanded(Expansion, Vec<usize>),
    /// Not evaluated: the reason (recursion, cycle...).
    Missing(String),
    /// Not available (not installed, no files): kept as a pseudo-resource with its inputs.
    NotLoaded(String),
}

struct ModOut {
    kind: ModKind,
}

/// An instance's address suffix, `each` (key, value) and `count.index`.
type InstanceKey = (String, Option<(Value, Value)>, Option<Value>);

/// A group of nested blocks: name, span of the first, the maps, or an Unknown for all of them.
type BlockGroup = (String, Option<Span>, Vec<Value>, Option<Value>);

#[derive(Clone)]
enum Expansion {
    Single,
    Count(usize),
    Keys(Vec<(String, Value)>),
    /// Why the instances are not known, and `each.value` when it is known to be one element of
    /// a known shape (`for_each` over a resource whose instances are not known: its stand-in).
    Unknown(Value, Option<Value>),
}

impl Expansion {
    fn unknown(why: Value) -> Expansion {
        Expansion::Unknown(why, None)
    }

    /// (address suffix, each, count.index) for every instance.
    fn instances(&self) -> Vec<InstanceKey> {
        match self {
            Expansion::Single => vec![(String::new(), None, None)],
            Expansion::Count(n) => (0..*n)
                .map(|i| {
                    (
                        format!("[{i}]"),
                        None,
                        Some(Value::new(Val::Number(i as f64), None)),
                    )
                })
                .collect(),
            Expansion::Keys(ks) => ks
                .iter()
                .map(|(k, v)| {
                    (
                        format!("[{}]", quote(k)),
                        Some((Value::str(k.clone(), v.span), v.clone())),
                        None,
                    )
                })
                .collect(),
            Expansion::Unknown(u, value) => {
                let r = match &u.kind {
                    Val::Unknown(r) => r.to_string(),
                    _ => "the number of instances is not known".into(),
                };
                vec![(
                    "[*]".into(),
                    Some((
                        Value::unknown(
                            format!("each.key of an unknown set of instances: {r}"),
                            None,
                        ),
                        value.clone().unwrap_or_else(|| {
                            Value::unknown(
                                format!("each.value of an unknown set of instances: {r}"),
                                None,
                            )
                        }),
                    )),
                    Some(Value::unknown(
                        format!("count.index of an unknown number of instances: {r}"),
                        None,
                    )),
                )]
            }
        }
    }
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

    // -----------------------------------------------------------------------------------------
    // Named values

    fn var(&self, id: usize, name: &str, span: Option<Span>) -> Value {
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

    fn local(&self, id: usize, name: &str, span: Option<Span>) -> Value {
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

    fn output(&self, id: usize, name: &str, span: Option<Span>) -> Value {
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
    fn provider(&self, id: usize, pkey: &str) -> Map {
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

    // -----------------------------------------------------------------------------------------
    // Resources and data sources

    fn expansion(&self, body: &Body<'a>, sc: &Scope) -> Expansion {
        if let Some(a) = body.attr("count") {
            let v = self.eval(a.expr, sc);
            return match v.as_f64() {
                Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_INSTANCES as f64 => {
                    Expansion::Count(n as usize)
                }
                Some(n) if n > MAX_INSTANCES as f64 => Expansion::unknown(Value::unknown(
                    format!(
                        "count {} is more than this tool expands ({MAX_INSTANCES})",
                        format_number(n)
                    ),
                    a.expr.span(),
                )),
                Some(n) => Expansion::unknown(err(
                    format!(
                        "invalid count {}: it must be a whole number, 0 or more",
                        format_number(n)
                    ),
                    a.expr.span(),
                )),
                None => Expansion::unknown(operand_unknown("count", &v, "a number", a.expr.span())),
            };
        }
        if let Some(a) = body.attr("for_each") {
            let v = self.eval(a.expr, sc);
            // Over a resource whose instances are not known (its stand-in), or a splat of it: the
            // keys are not known either; `each.value` is the stand-in when iterating the resource.
            if let Some(r) = functions::unknown_size(&v) {
                let standin = match &v.kind {
                    Val::Ref(_) => Some(v.clone()),
                    _ => None,
                };
                return Expansion::Unknown(Value::unknown(r, a.expr.span()), standin);
            }
            match &v.deref().kind {
                Val::Map(m) => {
                    return Expansion::Keys(
                        m.entries
                            .iter()
                            .map(|e| (e.key.clone(), e.value.clone()))
                            .collect(),
                    )
                }
                Val::List(l) => {
                    let mut keys: Vec<(String, Value)> = Vec::new();
                    let mut seen = std::collections::HashSet::new();
                    for x in l {
                        match x.as_str() {
                            Some(s) => {
                                if seen.insert(s.to_string()) {
                                    keys.push((s.to_string(), x.clone()));
                                }
                            }
                            None => {
                                return Expansion::unknown(unknown_because(
                                    "for_each",
                                    x,
                                    a.expr.span(),
                                ))
                            }
                        }
                    }
                    return Expansion::Keys(keys);
                }
                _ => return Expansion::unknown(unknown_because("for_each", &v, a.expr.span())),
            }
        }
        Expansion::Single
    }

    fn resource(&self, id: usize, key: &str, mode: Mode) -> Option<Rc<ResOut>> {
        let inst = self.inst(id);
        let (table, slot) = match mode {
            Mode::Managed => (&inst.cfg.resources, Slot::Res(key.into())),
            Mode::Data => (&inst.cfg.data, Slot::Data(key.into())),
        };
        let block = table.get(key)?;
        match inst.memo.borrow().get(&slot) {
            Some(Memo::Res(r)) => return Some(r.clone()),
            Some(Memo::Busy) => return None,
            _ => {}
        }
        inst.memo.borrow_mut().insert(slot.clone(), Memo::Busy);
        let r = Rc::new(self.eval_resource(id, &inst, block, mode));
        inst.memo.borrow_mut().insert(slot, Memo::Res(r.clone()));
        Some(r)
    }

    fn eval_resource(
        &self,
        id: usize,
        inst: &Inst<'a>,
        block: &'a Block<'a>,
        mode: Mode,
    ) -> ResOut {
        let rtype = block.labels[0].clone();
        let base = match mode {
            Mode::Managed => format!("{}{}.{}", inst.prefix, rtype, block.labels[1]),
            Mode::Data => format!("{}data.{}.{}", inst.prefix, rtype, block.labels[1]),
        };
        let ctx0 = Ctx {
            inst: id,
            ..Ctx::default()
        };
        let exp = self.expansion(&block.body, &Scope::new(&ctx0));
        let header = block
            .header
            .or(block.span)
            .unwrap_or(Span::new(FileId(0), 0..0));
        let mut instances = Vec::new();
        let mut objects = Vec::new();
        let pkey = block
            .body
            .attr("provider")
            .and_then(|a| a.expr.as_ident_path())
            .unwrap_or_else(|| rtype.split('_').next().unwrap_or("aws").to_string());
        for (suffix, each, count) in exp.instances() {
            let ctx = Ctx {
                inst: id,
                each,
                count,
                sealed: false,
            };
            let sc = Scope::new(&ctx);
            let attrs = self.body_map(&block.body, &sc, true);
            let address = format!("{base}{suffix}");
            let exists = match &exp {
                Expansion::Unknown(u, _) => Some(u.clone()),
                _ => inst.exists.clone(),
            };
            let object = if mode == Mode::Data {
                self.data_object(id, &rtype, &address, &attrs, &pkey, block.header)
            } else {
                None
            };
            // The stand-in of an unknown number of instances must accept an index.
            let object = match (&exp, object) {
                (Expansion::Unknown(..), Some(o)) => Some(Value::new(
                    Val::Ref(Box::new(Ref {
                        target: address.clone(),
                        attr: String::new(),
                        resolved: Some(o),
                    })),
                    None,
                )),
                (_, o) => o,
            };
            let object = object.unwrap_or_else(|| {
                let mut known = attrs.clone();
                if mode == Mode::Data && rtype == "aws_vpc_endpoint_service" {
                    self.endpoint_service_name(id, &mut known, &pkey);
                }
                Value::new(
                    Val::Ref(Box::new(Ref {
                        target: address.clone(),
                        attr: String::new(),
                        resolved: Some(Value::new(Val::Map(known), block.span)),
                    })),
                    None,
                )
            });
            // The account a provider is pinned to (`allowed_account_ids`) is what
            // `data.aws_caller_identity` reads, as a plan's state shows it.
            let mut attrs = attrs;
            if mode == Mode::Data && rtype == "aws_caller_identity" {
                if let Some(a) = object.deref().get("account_id") {
                    if a.as_str().is_some() {
                        attrs.insert("account_id", None, a.clone());
                    }
                }
            }
            objects.push(object);
            instances.push(Resource {
                address,
                rtype: rtype.clone(),
                mode,
                span: header,
                attrs,
                exists,
            });
        }
        let object = match &exp {
            Expansion::Single | Expansion::Unknown(..) => {
                objects.pop().unwrap_or_else(|| Value::null(None))
            }
            Expansion::Count(_) => Value::new(Val::List(objects), None),
            Expansion::Keys(ks) => {
                let mut m = Map::new();
                for ((k, _), o) in ks.iter().zip(objects) {
                    m.push(k.clone(), None, o);
                }
                Value::new(Val::Map(m), None)
            }
        };
        ResOut { instances, object }
    }

    /// `data "aws_vpc_endpoint_service"` with `service = "ecr.dkr"` and no `service_name`: the
    /// provider looks the service up by `<reverse DNS prefix>.<region>.<service>`, which is then
    /// its `service_name`.
    fn endpoint_service_name(&self, id: usize, attrs: &mut Map, pkey: &str) {
        let set = |k: &str| {
            attrs
                .get(k)
                .filter(|v| !matches!(v.kind, Val::Null))
                .cloned()
        };
        if set("service_name").is_some() {
            return;
        }
        let Some(service) = set("service").filter(|s| s.as_str().is_some()) else {
            return;
        };
        let region = set("region")
            .or_else(|| self.provider(id, pkey).get("region").cloned())
            .unwrap_or_else(|| Value::new(Val::Symbol(Symbol::Region), None));
        let sp = service.span;
        let parts = vec![
            Value::new(Val::Symbol(Symbol::ReverseDnsPrefix), sp),
            Value::str(".", sp),
            region,
            Value::str(".", sp),
            service,
        ];
        attrs.insert("service_name", None, finish_template(parts, sp));
    }

    /// The object of the data sources that stand for deployment constants or are rendered here.
    fn data_object(
        &self,
        id: usize,
        rtype: &str,
        address: &str,
        attrs: &Map,
        pkey: &str,
        span: Option<Span>,
    ) -> Option<Value> {
        let sym = |s: Symbol| Value::new(Val::Symbol(s), span);
        let computed = |attr: &str| {
            Value::new(
                Val::Ref(Box::new(Ref {
                    target: address.to_string(),
                    attr: attr.to_string(),
                    resolved: None,
                })),
                span,
            )
        };
        let mut m = Map::new();
        match rtype {
            "aws_region" => {
                let set = |k: &str| {
                    attrs
                        .get(k)
                        .filter(|v| !matches!(v.kind, Val::Null))
                        .cloned()
                };
                let region = set("region")
                    .or_else(|| set("name"))
                    .or_else(|| self.provider(id, pkey).get("region").cloned())
                    .unwrap_or_else(|| sym(Symbol::Region));
                for k in ["name", "region", "id"] {
                    m.insert(k, None, region.clone());
                }
                m.insert("description", None, computed("description"));
                m.insert("endpoint", None, computed("endpoint"));
            }
            "aws_partition" => {
                m.insert("partition", None, sym(Symbol::Partition));
                m.insert("id", None, sym(Symbol::Partition));
                m.insert("dns_suffix", None, sym(Symbol::UrlSuffix));
                m.insert("reverse_dns_prefix", None, sym(Symbol::ReverseDnsPrefix));
            }
            "aws_caller_identity" => {
                let acct = self
                    .provider(id, pkey)
                    .get("account_id")
                    .cloned()
                    .unwrap_or_else(|| sym(Symbol::AccountId));
                m.insert("account_id", None, acct.clone());
                m.insert("id", None, acct);
                m.insert("arn", None, computed("arn"));
                m.insert("user_id", None, computed("user_id"));
            }
            "aws_iam_policy_document" => {
                let doc = policy::render(attrs, span);
                m.insert("json", None, doc.clone());
                m.insert("minified_json", None, doc);
                m.insert("id", None, computed("id"));
            }
            _ => return None,
        }
        Some(Value::new(Val::Map(m), span))
    }

    /// A block body as a map: attributes, then nested blocks as lists of maps (dynamic blocks
    /// expanded). `top` skips the meta-arguments of resources and data sources.
    pub fn body_map(&self, body: &Body<'a>, sc: &Scope, top: bool) -> Map {
        const META: &[&str] = &["count", "for_each", "provider", "depends_on"];
        const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];
        let mut m = Map::new();
        for a in &body.attrs {
            if top && META.contains(&a.name.as_str()) {
                continue;
            }
            m.push(a.name.clone(), a.key_span, self.eval(a.expr, sc));
        }
        let mut groups: Vec<BlockGroup> = Vec::new();
        for b in &body.blocks {
            if top && META_BLOCKS.contains(&b.kind.as_str()) {
                continue;
            }
            let name = if b.kind == "dynamic" {
                match b.labels.first() {
                    Some(l) => l.clone(),
                    None => continue,
                }
            } else {
                b.kind.clone()
            };
            let gi = match groups.iter().position(|g| g.0 == name) {
                Some(i) => i,
                None => {
                    groups.push((name.clone(), b.header, Vec::new(), None));
                    groups.len() - 1
                }
            };
            if b.kind == "dynamic" {
                let g = &mut groups[gi];
                self.dynamic(b, &name, sc, &mut g.2, &mut g.3);
            } else {
                let inner = self.body_map(&b.body, sc, false);
                groups[gi].2.push(Value::new(Val::Map(inner), b.span));
            }
        }
        for (name, span, list, unknown) in groups {
            let v = match unknown {
                Some(u) => u,
                None => Value::new(Val::List(list), None),
            };
            m.push(name, span, v);
        }
        m
    }

    fn dynamic(
        &self,
        b: &Block<'a>,
        name: &str,
        sc: &Scope,
        out: &mut Vec<Value>,
        unknown: &mut Option<Value>,
    ) {
        let iter_name = b
            .body
            .attr("iterator")
            .and_then(|a| a.expr.as_ident_path())
            .unwrap_or_else(|| name.to_string());
        let Some(content) = b.body.blocks("content").next() else {
            return;
        };
        let Some(fe) = b.body.attr("for_each") else {
            return;
        };
        let coll = self.eval(fe.expr, sc);
        // Over a resource whose instances are not known: how many blocks is not known.
        if let Some(r) = functions::unknown_size(&coll) {
            if unknown.is_none() {
                *unknown = Some(Value::unknown(
                    format!("dynamic \"{name}\" for_each: {r}"),
                    fe.expr.span(),
                ));
            }
            return;
        }
        let items: Vec<(Value, Value)> = match &coll.deref().kind {
            Val::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::new(Val::Number(i as f64), v.span), v.clone()))
                .collect(),
            Val::Map(m) => map_items(m),
            Val::Null => Vec::new(),
            _ => {
                if unknown.is_none() {
                    *unknown = Some(unknown_because(
                        &format!("dynamic \"{name}\" for_each"),
                        &coll,
                        fe.expr.span(),
                    ));
                }
                return;
            }
        };
        for (k, v) in items {
            let mut it = Map::new();
            it.insert("key", None, k);
            it.insert("value", None, v);
            let isc = sc.with(&iter_name, Value::new(Val::Map(it), None));
            let inner = self.body_map(&content.body, &isc, false);
            out.push(Value::new(Val::Map(inner), content.span.or(b.span)));
        }
    }

    // -----------------------------------------------------------------------------------------
    // Modules

    fn module_call(&self, id: usize, name: &str) -> Rc<ModOut> {
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
            Some(super::normalize(&inst.dir.join(&source)))
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
    fn pseudo_module(
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
    fn module_ref(
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

    // -----------------------------------------------------------------------------------------
    // Expressions

    pub fn eval(&self, e: Expr<'_>, sc: &Scope) -> Value {
        match e {
            Expr::Hcl(x, f) => self.hcl(x, Loc::File(f), sc),
            Expr::Json(v) => self.json(v, sc),
            Expr::JsonLit(v) => v.clone(),
        }
    }

    /// [`Evaluator::eval`] of the expression of a named value (`local.x`): a value over the
    /// budget is named after it.
    fn eval_named(&self, e: Expr<'_>, sc: &Scope, name: &str) -> Value {
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

    // -----------------------------------------------------------------------------------------
    // References

    fn traversal(
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
                    Some("module") => super::relative_to(&inst.dir, &self.root_dir),
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

    fn apply_ops(
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

    // -----------------------------------------------------------------------------------------
    // Templates

    fn template(&self, t: &Template, loc: Loc, sc: &Scope, span: Option<Span>) -> Value {
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

    // -----------------------------------------------------------------------------------------
    // Functions

    fn call(&self, fc: &FuncCall, loc: Loc, sc: &Scope, span: Option<Span>) -> Value {
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
        let path = super::normalize(&self.root_dir.join(ps));
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
        let id = match crate::base::source::load(self.sources, &shown, self.max_file_size) {
            Ok(id) => id,
            Err(d) => {
                if matches!(d.code, "outside-scan" | "not-regular-file") {
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

// ---------------------------------------------------------------------------------------------
// Value helpers

/// The parts of a template being rendered, and the bytes of their text.
#[derive(Default)]
struct Parts {
    out: Vec<Value>,
    text: u64,
}

trait WithSpan {
    fn with_span_if_none(self, span: Option<Span>) -> Self;
}

impl WithSpan for Value {
    fn with_span_if_none(mut self, span: Option<Span>) -> Value {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }
}

fn reason_of(v: &Value) -> String {
    match &v.deref().kind {
        Val::Unknown(r) => r.to_string(),
        Val::Ref(r) => format!(
            "depends on `{}{}{}`, known only after apply",
            r.target,
            if r.attr.is_empty() { "" } else { "." },
            r.attr
        ),
        Val::Symbol(s) => format!("depends on {}", s.name()),
        Val::Choice(_) => "depends on a condition that is not known".into(),
        Val::Template(parts) => parts
            .iter()
            .find(|p| !matches!(p.deref().kind, Val::Str(_)))
            .map(reason_of)
            .unwrap_or_else(|| "not a known value".into()),
        Val::Encoded(_) => "is a JSON document, not a plain value".into(),
        _ => "not a value of the expected type".into(),
    }
}

/// An Unknown explaining that `what` is not known because of `v`.
fn unknown_because(what: &str, v: &Value, span: Option<Span>) -> Value {
    if is_error(v) {
        return v.clone().with_span_if_none(span);
    }
    match &v.deref().kind {
        Val::Unknown(r) => Value::new(Val::Unknown(r.clone()), span.or(v.span)),
        _ => Value::unknown(
            format!("{what} is not known: {}", reason_of(v)),
            span.or(v.span),
        ),
    }
}

/// An operand (`what`) that is not `want`: a Terraform error when its value is known (`"a" < "b"`,
/// `null + 1`, `!"yes"`), else Unknown with the operand's reason.
fn operand_unknown(what: &str, v: &Value, want: &str, span: Option<Span>) -> Value {
    match &v.deref().kind {
        Val::Str(s) => err(format!("cannot convert {s:?} to {want}"), span.or(v.span)),
        Val::Null | Val::Bool(_) | Val::Number(_) | Val::List(_) | Val::Map(_) => {
            let got = match &v.deref().kind {
                Val::Null => "null",
                Val::Bool(_) => "a bool",
                Val::Number(_) => "a number",
                Val::List(_) => "a list",
                _ => "a map",
            };
            err(
                format!("an operand must be {want}, got {got}"),
                span.or(v.span),
            )
        }
        _ => unknown_because(what, v, span),
    }
}

fn is_plain(v: &Value) -> bool {
    v.is_fully_known()
}

fn key_string(v: &Value) -> Option<String> {
    match &v.deref().kind {
        Val::Str(s) => Some(s.clone()),
        Val::Number(n) => Some(format_number(*n)),
        Val::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `v` converted to the type it unifies to with `other` (the other branch of a conditional):
/// a number or bool becomes a string when the other branch is a string, as Terraform unifies
/// them. Anything else is left as it is.
fn unify_primitive(v: Value, other: &Value) -> Value {
    let other_is_string = matches!(
        other.deref().kind,
        Val::Str(_) | Val::Template(_) | Val::Encoded(_)
    );
    if !other_is_string {
        return v;
    }
    match &v.kind {
        Val::Number(n) => Value::str(format_number(*n), v.span),
        Val::Bool(b) => Value::str(b.to_string(), v.span),
        _ => v,
    }
}

/// The `(key, value)` pairs of a map or object in the order Terraform iterates them: by key
/// (byte order), whatever the order they were written or built in.
fn map_items(m: &Map) -> Vec<(Value, Value)> {
    let mut items: Vec<(Value, Value)> = m
        .entries
        .iter()
        .map(|e| (Value::str(e.key.clone(), e.key_span), e.value.clone()))
        .collect();
    items.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
    items
}

/// The (key, value) pairs a `for` iterates over; `Err` is the Unknown to return.
fn iter_items(coll: &Value) -> Result<Vec<(Value, Value)>, Value> {
    if let Val::Ref(r) = &coll.kind {
        if r.attr.is_empty() && r.target.ends_with("[*]") {
            // The stand-in instance of a resource with an unknown number of instances.
            return Ok(vec![(
                Value::unknown(
                    format!(
                        "index in `{}`, whose number of instances is not known",
                        r.target
                    ),
                    None,
                ),
                coll.clone(),
            )]);
        }
    }
    match &coll.deref().kind {
        Val::List(l) => Ok(l
            .iter()
            .enumerate()
            .map(|(i, v)| (Value::new(Val::Number(i as f64), v.span), v.clone()))
            .collect()),
        Val::Map(m) => Ok(map_items(m)),
        Val::Null => Err(err("cannot iterate over null", coll.span)),
        _ => Err(unknown_because("collection", coll, coll.span)),
    }
}

/// Structural equality of known values; `None` when it cannot be told.
pub fn lit_eq(a: &Value, b: &Value) -> Option<bool> {
    if let (Val::Ref(x), Val::Ref(y)) = (&a.kind, &b.kind) {
        if x.target == y.target && x.attr == y.attr {
            return Some(true);
        }
    }
    let (a, b) = (a.deref(), b.deref());
    // Compared with null: strings built from parts, JSON documents and deployment constants are
    // never null; neither, by assumption, is a computed attribute of a resource.
    let never_null = |v: &Value| match &v.kind {
        Val::Template(_) | Val::Encoded(_) | Val::Symbol(_) => true,
        Val::Ref(r) => !r.attr.is_empty() || r.resolved.is_some(),
        Val::Choice(opts) => opts
            .iter()
            .all(|o| !matches!(o.deref().kind, Val::Null | Val::Unknown(_))),
        _ => false,
    };
    match (&a.kind, &b.kind) {
        (Val::Null, _) if never_null(b) => return Some(false),
        (_, Val::Null) if never_null(a) => return Some(false),
        _ => {}
    }
    match (&a.kind, &b.kind) {
        (Val::Null, Val::Null) => Some(true),
        (Val::Bool(x), Val::Bool(y)) => Some(x == y),
        (Val::Number(x), Val::Number(y)) => Some(x == y),
        (Val::Str(x), Val::Str(y)) => Some(x == y),
        (Val::Symbol(x), Val::Symbol(y)) if x == y => Some(true),
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = Some(true);
            for (p, q) in x.iter().zip(y) {
                match lit_eq(p, q) {
                    Some(false) => return Some(false),
                    None => all = None,
                    _ => {}
                }
            }
            all
        }
        (Val::Map(x), Val::Map(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = Some(true);
            for e in &x.entries {
                match y.get(&e.key) {
                    None => return Some(false),
                    Some(q) => match lit_eq(&e.value, q) {
                        Some(false) => return Some(false),
                        None => all = None,
                        _ => {}
                    },
                }
            }
            all
        }
        (Val::Unknown(_), _) | (_, Val::Unknown(_)) => None,
        (Val::Ref(_) | Val::Symbol(_) | Val::Template(_) | Val::Choice(_) | Val::Encoded(_), _)
        | (_, Val::Ref(_) | Val::Symbol(_) | Val::Template(_) | Val::Choice(_) | Val::Encoded(_)) => {
            None
        }
        // Different known kinds: Terraform compares after no conversion.
        _ => Some(false),
    }
}

fn get_attr(v: &Value, a: &str, span: Option<Span>) -> Value {
    match &v.kind {
        Val::Map(m) => match m.get(a) {
            Some(x) => x.clone(),
            None => err(format!("object has no attribute `{a}`"), span),
        },
        Val::Ref(r) => {
            let (attr, resolved) = if r.attr.is_empty() {
                (
                    a.to_string(),
                    r.resolved
                        .as_ref()
                        .and_then(|x| x.get(a))
                        .filter(|x| !matches!(x.kind, Val::Null))
                        .cloned(),
                )
            } else {
                (
                    format!("{}.{a}", r.attr),
                    r.resolved
                        .as_ref()
                        .map(|x| get_attr(x, a, span))
                        .filter(|x| !x.is_unknown()),
                )
            };
            Value::new(
                Val::Ref(Box::new(Ref {
                    target: r.target.clone(),
                    attr,
                    resolved,
                })),
                span,
            )
        }
        Val::Unknown(_) => v.clone(),
        Val::Choice(opts) => Value::new(
            Val::Choice(opts.iter().map(|o| get_attr(o, a, span)).collect()),
            v.span,
        ),
        Val::Null => err(format!("attribute `{a}` of null"), span),
        Val::List(_) => err(
            format!("attribute `{a}` of a list (use [*] or an index)"),
            span,
        ),
        Val::Symbol(_)
        | Val::Template(_)
        | Val::Encoded(_)
        | Val::Str(_)
        | Val::Number(_)
        | Val::Bool(_) => err(format!("attribute `{a}` of a value that has none"), span),
    }
}

fn index(v: &Value, k: &Value, span: Option<Span>) -> Value {
    if is_error(k) {
        return k.clone();
    }
    match &v.kind {
        // A list over the instances of a resource whose number is not known (a splat of its
        // stand-in): whichever index, the element is one of those instances, the stand-in.
        Val::List(l)
            if l.len() == 1
                && functions::unknown_size(v).is_some()
                && k.as_f64().is_none_or(|i| i >= 0.0 && i.fract() == 0.0) =>
        {
            l[0].clone()
        }
        Val::List(l) => match k.as_f64() {
            Some(i) if i >= 0.0 && i.fract() == 0.0 => match l.get(i as usize) {
                Some(x) => x.clone(),
                None => err(format!("index {} out of range", format_number(i)), span),
            },
            Some(_) => err("invalid index", span),
            None => unknown_because("index", k, span),
        },
        Val::Map(m) => match key_string(k) {
            Some(s) => match m.get(&s) {
                Some(x) => x.clone(),
                None => err(format!("no key {}", quote(&s)), span),
            },
            None => unknown_because("key", k, span),
        },
        Val::Ref(r) => {
            if r.attr.is_empty() {
                if r.target.ends_with("[*]") {
                    return v.clone();
                }
                return err(format!("`{}` is a single instance", r.target), span);
            }
            let ks = match (&k.deref().kind, key_string(k)) {
                (Val::Number(_), Some(s)) => format!("[{s}]"),
                (_, Some(s)) => format!("[{}]", quote(&s)),
                _ => "[*]".to_string(),
            };
            let resolved = r
                .resolved
                .as_ref()
                .map(|x| index(x, k, span))
                .filter(|x| !x.is_unknown());
            Value::new(
                Val::Ref(Box::new(Ref {
                    target: r.target.clone(),
                    attr: format!("{}{ks}", r.attr),
                    resolved,
                })),
                span,
            )
        }
        Val::Unknown(_) => v.clone(),
        Val::Choice(opts) => Value::new(
            Val::Choice(opts.iter().map(|o| index(o, k, span)).collect()),
            v.span,
        ),
        Val::Null => err("index of null", span),
        _ => err("index of a value that is not a collection", span),
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
fn finish_template(parts: Vec<Value>, span: Option<Span>) -> Value {
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
