//! The Terraform plan frontend: `terraform show -json` output (format 0.1 to 1.x, and the stub
//! plans some tools write without `format_version`) into a [`Unit`].
//!
//! * Resources come from `planned_values` (root module and child modules, recursively), plus the
//!   data sources read at plan time from `prior_state` (whose child-module resources Terraform
//!   0.12 writes with module-relative addresses: they get the module's address in front).
//!   Attribute values keep their spans into the plan file.
//! * Values unknown at plan time (`resource_changes[].change.after_unknown`) become
//!   `Unknown("known after apply")`, or a [`Ref`] when the `configuration` section says which
//!   resource attribute they come from (lists element-wise). Known values written as a plain
//!   reference keep the edge: a `Ref` whose `resolved` value is the planned value.
//! * `var.x` inside a module follows the module call's argument to the caller; `module.m.out`
//!   follows the module's output expression. `aws_s.n[count.index]` / `[each.key]` give the
//!   instance with the referencing resource's own key when the plan has it.
//! * A known JSON string (`container_definitions`, a policy) whose expression references other
//!   resources is decoded into [`Val::Encoded`] when a referenced attribute's planned value
//!   appears in it; that leaf becomes a resolved reference (spans into the escaped string).
//! * When the `.tf` sources sit beside the plan (or in `--tf-root`), resources point at their
//!   `resource "TYPE" "NAME"` block header instead of the plan, and the written expressions tell
//!   a plain copy (`aws_a.b.id`, `[aws_a.b.id]`) from a computed value (`"${aws_a.b.id}:1"`,
//!   function calls), which the plan's flat `references` lists cannot. Without the sources, an
//!   expression whose only reference is one resource attribute is taken as a copy of it.
//!
//! `each.value` is resolved when `for_each` is a whole resource (`for_each = aws_subnet.private`,
//! directly or through a module output): the instance with the same key.
//!
//! Limits: values computed through `local.*` (the plan lists no locals), or through `each.value`
//! when `for_each` is not a whole resource, stay `Unknown`; values from root variables are known
//! and kept as plain values. A splat (`aws_subnet.private[*].id`) gives the un-indexed address.
//! The plan leaves the attribute out after a splat or a dynamic index (and always in Terraform
//! 0.12 plans): it is then taken from the sources when they are at hand, else it is `""`.

mod encoded;
mod locate;
mod refs;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::base::{Diagnostic, FileId, Format, Map, Ref, SourceMap, Span, Symbol, Val, Value};
use crate::frontends::{Mode, Options, Resource, Unit};
use crate::syntax::json;

use locate::{Locator, Shape, Shapes};
use refs::{classify, group_heads, join_attr, split_address, Subject};

/// The reason given to values Terraform computes during apply.
pub const KNOWN_AFTER_APPLY: &str = "known after apply";

/// How deep `var`/module output chains are followed (protects against cycles in odd plans).
const MAX_HOPS: usize = 32;

/// How many references are looked at to resolve one expression.
const RESOLVE_BUDGET: usize = 1024;

/// A resource to load: its full address, its object, where it is, its mode.
type Entry<'a> = (Cow<'a, str>, &'a Map, &'a Value, Mode);

/// A resource's full address. Terraform 0.12 writes the resources of a child module in
/// `prior_state` with addresses relative to the module (`data.aws_iam_policy_document.x` in
/// the module `module.test`): they get the module's address in front.
fn full_address<'a>(module: &'a Map, addr: &'a str) -> Cow<'a, str> {
    match module.get("address").and_then(Value::as_str) {
        Some(m) if !m.is_empty() && !addr.starts_with("module.") => {
            Cow::Owned(format!("{m}.{addr}"))
        }
        _ => Cow::Borrowed(addr),
    }
}

/// A quick test for discovery: whether a JSON text is probably `terraform show -json` output of
/// a plan (it has one of the keys only plans have). [`load`] decides for sure.
pub fn looks_like_plan(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
}

/// Loads a plan already registered in `sources`. Never panics; problems become diagnostics.
pub fn load(file: FileId, sources: &SourceMap, opts: &Options) -> Unit {
    let src = sources.get(file);
    let path = src.path.clone();
    let mut unit = Unit {
        name: path.display().to_string(),
        root: path.clone(),
        ..Unit::default()
    };
    let parsed = match json::parse(file, &src.text, 0) {
        Ok(p) => p,
        Err(d) => {
            unit.diagnostics.push(d.in_file(&path));
            return unit;
        }
    };
    unit.diagnostics
        .extend(parsed.diagnostics.into_iter().map(|d| d.in_file(&path)));
    let whole = Span::new(file, 0..0);
    let top = match parsed.value.as_map() {
        Some(m) if m.get("planned_values").is_some() || m.get("resource_changes").is_some() => m,
        other => {
            let state = other.is_some_and(|m| m.get("values").is_some());
            let message = if state {
                "not a Terraform plan but a state (`terraform show -json` without a plan file); skipped"
            } else {
                "not a Terraform plan: the document has neither `planned_values` nor `resource_changes`"
            };
            let start = parsed.value.span.map_or(0, |s| s.start as usize);
            unit.diagnostics.push(
                Diagnostic::warning("not-a-plan", message)
                    .in_file(&path)
                    .at(Span::new(file, start..(start + 1).min(src.text.len()))),
            );
            return unit;
        }
    };
    unit.format = Some(Format::Plan);

    if let Some(fv) = top.get("format_version") {
        let major = fv
            .as_str()
            .and_then(|s| s.split('.').next()?.parse::<u32>().ok());
        match major {
            Some(0 | 1) => {}
            _ => unit.diagnostics.push(
                Diagnostic::warning(
                    "plan-format-version",
                    "unsupported plan `format_version` (expected 0.x or 1.x); reading it anyway",
                )
                .in_file(&path)
                .at(fv.span.unwrap_or(whole)),
            ),
        }
    }

    let mut plan = Plan::new(top, file, &src.text);
    let module_sources = plan
        .calls
        .iter()
        .filter_map(|(k, c)| Some((k.clone(), c.get("source")?.as_str()?.to_string())))
        .collect();
    let mut locator = Locator::new(module_sources, &path, sources, opts);
    plan.collect_resources(top, &mut locator);
    unit.region = Some(plan.region(top));
    unit.resources = std::mem::take(&mut plan.resources);
    unit.diagnostics.append(&mut locator.diagnostics);
    unit.diagnostics.extend(
        plan.diagnostics
            .into_iter()
            .map(|d| d.in_file(path.clone())),
    );
    unit
}

/// The module scope an expression is evaluated in.
#[derive(Clone, Debug, Default)]
struct Scope {
    /// Module instance steps (`module.a[0]`), for addresses.
    inst: Vec<String>,
    /// Module call names, for the configuration.
    calls: Vec<String>,
    /// The shapes of the resource's expressions, when its source was found.
    shapes: Option<Arc<Shapes>>,
    /// The resource's own instance key (`0`, `"a"`), for `count.index` and `each.key`.
    own_key: Option<String>,
    /// The references of the resource's `for_each` expression, for `each.value`.
    for_each: Option<Arc<Vec<String>>>,
}

impl Scope {
    fn prefix(&self, rel: &str) -> String {
        if self.inst.is_empty() {
            rel.to_string()
        } else {
            format!("{}.{rel}", self.inst.join("."))
        }
    }
    fn parent(&self) -> Option<Scope> {
        if self.calls.is_empty() {
            return None;
        }
        let mut p = self.clone();
        p.inst.pop();
        p.calls.pop();
        p.shapes = None;
        p.own_key = None;
        p.for_each = None;
        Some(p)
    }
    fn child(&self, call: &str, key: Option<&str>) -> Scope {
        let mut c = self.clone();
        c.inst.push(match key {
            Some(k) => format!("module.{call}[{k}]"),
            None => format!("module.{call}"),
        });
        c.calls.push(call.to_string());
        c.shapes = None;
        c.own_key = None;
        c.for_each = None;
        c
    }
    /// How the attribute `name` is written, when the source is known.
    fn shape(&self, name: &str) -> Option<Shape> {
        self.shapes
            .as_ref()
            .and_then(|s| s.get(name))
            .map(|w| w.shape)
    }
    /// The resource and attribute a copy reads, when the source says it.
    fn tail(&self, name: &str) -> Option<&(String, String)> {
        self.shapes.as_ref()?.get(name)?.tail.as_ref()
    }
}

/// A configuration expression (`{"references": [...], "constant_value": ...}`), a nested block's
/// expressions, or a list of nested blocks.
enum Ex<'a> {
    Leaf(&'a Map),
    Block(&'a Map),
    Blocks(&'a [Value]),
    None,
}

fn ex(e: Option<&Value>) -> Ex<'_> {
    let Some(e) = e else { return Ex::None };
    match &e.kind {
        Val::Map(m) => {
            let leaf = m.entries.iter().all(|en| match en.key.as_str() {
                "constant_value" => true,
                "references" => matches!(&en.value.kind, Val::List(l)
                    if l.iter().all(|r| matches!(r.kind, Val::Str(_)))),
                _ => false,
            });
            if leaf {
                Ex::Leaf(m)
            } else {
                Ex::Block(m)
            }
        }
        Val::List(l) => Ex::Blocks(l),
        _ => Ex::None,
    }
}

fn leaf_refs(m: &Map) -> Vec<&str> {
    m.get("references")
        .and_then(Value::as_list)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// What a reference resolves to.
#[derive(Clone, Debug, PartialEq)]
enum Resolved {
    /// Resource attributes (several when a module argument lists several).
    Refs(Vec<(String, String)>),
    Selector,
    Opaque,
}

struct Plan<'a> {
    file: FileId,
    /// The plan's text (to map decoded JSON strings back into it).
    text: &'a str,
    /// `resource_changes[].change` by address.
    changes: HashMap<&'a str, &'a Map>,
    /// Configuration resources by (module configuration path, relative address).
    config: HashMap<(String, &'a str), &'a Map>,
    /// Module calls by configuration path (`module.a.module.b`).
    calls: HashMap<String, &'a Map>,
    /// Planned (or prior-state) values by instance address, to check known references.
    values: HashMap<Cow<'a, str>, &'a Map>,
    resources: Vec<Resource>,
    diagnostics: Vec<Diagnostic>,
    /// Resolution steps left for the current expression (module arguments and outputs can
    /// refer to each other in circles, and each step can branch).
    budget: Cell<usize>,
}

fn obj(v: Option<&Value>) -> Option<&Map> {
    v.and_then(|v| match &v.kind {
        Val::Map(m) => Some(m),
        _ => None,
    })
}

fn arr(v: Option<&Value>) -> &[Value] {
    match v.map(|v| &v.kind) {
        Some(Val::List(l)) => l,
        _ => &[],
    }
}

impl<'a> Plan<'a> {
    fn new(top: &'a Map, file: FileId, text: &'a str) -> Plan<'a> {
        let mut plan = Plan {
            file,
            text,
            changes: HashMap::new(),
            config: HashMap::new(),
            calls: HashMap::new(),
            values: HashMap::new(),
            resources: Vec::new(),
            diagnostics: Vec::new(),
            budget: Cell::new(0),
        };
        for rc in arr(top.get("resource_changes")) {
            let Some(m) = obj(Some(rc)) else { continue };
            if m.get("deposed").is_some() {
                continue; // an old object being destroyed, next to the planned one
            }
            if let (Some(addr), Some(ch)) = (
                m.get("address").and_then(Value::as_str),
                obj(m.get("change")),
            ) {
                plan.changes.entry(addr).or_insert(ch);
            }
        }
        if let Some(root) = obj(obj(top.get("configuration")).and_then(|c| c.get("root_module"))) {
            plan.index_config(root, &mut Vec::new(), 0);
        }
        plan
    }

    fn index_config(&mut self, module: &'a Map, calls: &mut Vec<String>, depth: usize) {
        if depth > MAX_HOPS {
            return;
        }
        let key = refs::cfg_key(calls);
        for r in arr(module.get("resources")) {
            let Some(m) = obj(Some(r)) else { continue };
            if let Some(addr) = m.get("address").and_then(Value::as_str) {
                self.config.entry((key.clone(), addr)).or_insert(m);
            }
        }
        if let Some(mc) = obj(module.get("module_calls")) {
            for e in &mc.entries {
                let Some(call) = obj(Some(&e.value)) else {
                    continue;
                };
                calls.push(e.key.clone());
                self.calls.entry(refs::cfg_key(calls)).or_insert(call);
                if let Some(inner) = obj(call.get("module")) {
                    self.index_config(inner, calls, depth + 1);
                }
                calls.pop();
            }
        }
    }

    fn invalid(&mut self, what: &str, at: &Value) {
        self.diagnostics.push(
            Diagnostic::warning("invalid-plan", format!("skipped {what}"))
                .at(at.span.unwrap_or(Span::new(self.file, 0..0))),
        );
    }

    fn collect_resources(&mut self, top: &'a Map, locator: &mut Locator<'_>) {
        let mut entries: Vec<Entry<'a>> = Vec::new();
        let mut seen: HashSet<Cow<'a, str>> = HashSet::new();
        let planned = obj(obj(top.get("planned_values")).and_then(|p| p.get("root_module")));
        if let Some(root) = planned {
            self.walk_module(root, &mut entries, &mut seen, false, 0);
        } else {
            // No planned values: take the `after` of every change that leaves something behind.
            for rc in arr(top.get("resource_changes")) {
                let Some(m) = obj(Some(rc)) else { continue };
                let deleted = obj(m.get("change"))
                    .map(|c| {
                        arr(c.get("actions"))
                            .iter()
                            .all(|a| a.as_str() == Some("delete"))
                    })
                    .unwrap_or(true);
                if deleted {
                    continue;
                }
                if let Some(addr) = m.get("address").and_then(Value::as_str) {
                    if seen.insert(Cow::Borrowed(addr)) {
                        entries.push((Cow::Borrowed(addr), m, rc, mode_of(m)));
                    }
                }
            }
        }
        let prior = obj(
            obj(obj(top.get("prior_state")).and_then(|p| p.get("values")))
                .and_then(|v| v.get("root_module")),
        );
        if let Some(root) = prior {
            self.walk_module(root, &mut entries, &mut seen, true, 0);
        }
        for (addr, m, _, _) in &entries {
            if let Some(values) = obj(m.get("values"))
                .or_else(|| obj(obj(m.get("change")).and_then(|c| c.get("after"))))
            {
                self.values.insert(addr.clone(), values);
            }
        }
        for (addr, m, v, mode) in entries {
            self.resource(&addr, m, v, mode, locator);
        }
    }

    fn walk_module(
        &mut self,
        module: &'a Map,
        out: &mut Vec<Entry<'a>>,
        seen: &mut HashSet<Cow<'a, str>>,
        data_only: bool,
        depth: usize,
    ) {
        if depth > MAX_HOPS {
            return;
        }
        for r in arr(module.get("resources")) {
            let Some(m) = obj(Some(r)) else {
                self.invalid("a resource that is not an object", r);
                continue;
            };
            let mode = mode_of(m);
            if data_only && mode != Mode::Data {
                continue;
            }
            match m.get("address").and_then(Value::as_str) {
                Some(addr) => {
                    let addr = full_address(module, addr);
                    if seen.insert(addr.clone()) {
                        out.push((addr, m, r, mode));
                    }
                }
                None => self.invalid("a resource without an `address`", r),
            }
        }
        for c in arr(module.get("child_modules")) {
            match obj(Some(c)) {
                Some(cm) => self.walk_module(cm, out, seen, data_only, depth + 1),
                None => self.invalid("a child module that is not an object", c),
            }
        }
    }

    fn resource(
        &mut self,
        address: &str,
        m: &'a Map,
        at: &'a Value,
        mode: Mode,
        locator: &mut Locator<'_>,
    ) {
        let Some(addr) = split_address(address) else {
            self.invalid("a resource whose `address` cannot be read", at);
            return;
        };
        let rtype = m
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| addr.rtype.clone());
        let change = self.changes.get(address).copied();
        let values = m
            .get("values")
            .or_else(|| change.and_then(|c| c.get("after")));
        let unknown = change.and_then(|c| c.get("after_unknown"));
        let sensitive = m
            .get("sensitive_values")
            .or_else(|| change.and_then(|c| c.get("after_sensitive")));
        let cfg = self
            .config
            .get(&(addr.cfg_key(), addr.rel.as_str()))
            .copied();
        let exprs = cfg.and_then(|c| c.get("expressions"));
        let decl = locator.find(&addr, mode);
        let scope = Scope {
            inst: addr.module_inst.clone(),
            calls: addr.module_calls.clone(),
            shapes: decl.as_ref().map(|d| d.shapes.clone()),
            own_key: addr.key.clone(),
            for_each: cfg
                .and_then(|c| c.get("for_each_expression"))
                .and_then(Value::as_map)
                .map(|m| Arc::new(leaf_refs(m).into_iter().map(str::to_string).collect())),
        };
        let empty = Value::new(Val::Map(Map::new()), None);
        let attrs = self
            .merge(
                "",
                Some(values.unwrap_or(&empty)),
                unknown,
                exprs,
                sensitive,
                &scope,
                0,
            )
            .and_then(|v| match v.kind {
                Val::Map(m) => Some(m),
                _ => None,
            })
            .unwrap_or_default();
        // An attribute the provider computes and the configuration does not write is, for the
        // graph, what it is in HCL: not written, so that documented defaults apply alike (an
        // `aws_security_group` without `egress` has none: Terraform removes AWS's default rule).
        // Only when the `.tf` block is at hand, since a `dynamic` block leaves no expression in
        // the plan's `configuration`.
        let mut attrs = attrs;
        if let (Some(decl), Some(exprs), Some(Val::Map(unknown))) = (
            decl.as_ref(),
            exprs.and_then(Value::as_map),
            unknown.map(|u| &u.kind),
        ) {
            attrs.entries.retain(|e| {
                let computed = unknown
                    .get(&e.key)
                    .is_some_and(|u| matches!(u.kind, Val::Bool(true)));
                !(computed
                    && exprs.get(&e.key).is_none()
                    && !decl.top_level.contains(&e.key)
                    && e.value.is_unknown())
            });
        }
        self.resources.push(Resource {
            address: address.to_string(),
            rtype,
            mode,
            span: decl
                .map(|d| d.span)
                .or(at.span)
                .unwrap_or(Span::new(self.file, 0..0)),
            attrs,
            exists: None,
        });
    }

    /// Combines a planned value `v`, its unknown marks `u`, its configuration expression `e` and
    /// its sensitivity marks `s` (used as a type hint: `[]` for lists, `{}` for objects).
    #[allow(clippy::too_many_arguments)]
    fn merge(
        &self,
        name: &str,
        v: Option<&Value>,
        u: Option<&Value>,
        e: Option<&Value>,
        s: Option<&Value>,
        scope: &Scope,
        depth: usize,
    ) -> Option<Value> {
        if depth > 64 {
            return v.cloned();
        }
        let x = ex(e);
        // Marks with nothing unknown inside (`[false]`, `{}`) say the value is fully known.
        let u = u.filter(|u| has_unknown(u, 0));
        match u.map(|u| &u.kind) {
            Some(Val::Bool(true)) => {
                let span = e.and_then(|e| e.span).or(u.and_then(|u| u.span));
                let shape = scope.shape(name);
                if let (Ex::Leaf(m), false) = (x, shape == Some(Shape::Computed)) {
                    let list = match (shape, s.map(|s| &s.kind)) {
                        (Some(Shape::List | Shape::Splat), _) => true,
                        (_, Some(Val::List(_))) => true,
                        (_, Some(Val::Map(_))) => false,
                        _ => looks_like_list(name),
                    };
                    return Some(self.unknown_from_refs(name, &leaf_refs(m), scope, list, span));
                }
                Some(Value::unknown(KNOWN_AFTER_APPLY, span))
            }
            Some(Val::List(us)) => {
                let vs = v.and_then(Value::as_list).unwrap_or(&[]);
                let n = vs.len().max(us.len());
                let span = v.and_then(|v| v.span).or(u.and_then(|u| u.span));
                let ss = s.and_then(Value::as_list).unwrap_or(&[]);
                let mut out = Vec::with_capacity(n);
                if let Ex::Leaf(m) = x {
                    let heads = leaf_refs(m);
                    let targets = match scope.shape(name) {
                        Some(Shape::Computed) => None,
                        _ => self.resolve_all(name, &heads, scope),
                    };
                    let is_hole =
                        |u: Option<&Value>| matches!(u.map(|u| &u.kind), Some(Val::Bool(true)));
                    let holes = us.iter().filter(|u| is_hole(Some(u))).count();
                    let mut k = 0;
                    for i in 0..n {
                        let ui = us.get(i);
                        let hole = is_hole(ui).then(|| {
                            k += 1;
                            k - 1
                        });
                        let span_i = vs.get(i).and_then(|v| v.span).or(span);
                        let item = match (hole, &targets) {
                            (Some(k), Some(t)) if t.len() == holes => {
                                ref_value(&t[k].0, &t[k].1, None, span_i)
                            }
                            (Some(_), Some(t)) if t.len() == 1 => {
                                ref_value(&t[0].0, &t[0].1, None, span_i)
                            }
                            (Some(_), _) => Value::unknown(KNOWN_AFTER_APPLY, span_i),
                            (None, _) => match self.merge(
                                name,
                                vs.get(i),
                                ui,
                                None,
                                ss.get(i),
                                scope,
                                depth + 1,
                            ) {
                                Some(v) => v,
                                None => Value::null(span_i),
                            },
                        };
                        out.push(item);
                    }
                } else {
                    let es = match x {
                        Ex::Blocks(es) => es,
                        _ => &[],
                    };
                    for i in 0..n {
                        let item = self
                            .merge(
                                name,
                                vs.get(i),
                                us.get(i),
                                es.get(i),
                                ss.get(i),
                                scope,
                                depth + 1,
                            )
                            .unwrap_or_else(|| Value::null(span));
                        out.push(item);
                    }
                }
                Some(Value::new(Val::List(out), span))
            }
            Some(Val::Map(um)) => {
                let span = v.and_then(|v| v.span).or(u.and_then(|u| u.span));
                let base = v.and_then(Value::as_map);
                let es = match x {
                    Ex::Block(m) => Some(m),
                    _ => None,
                };
                Some(Value::new(
                    Val::Map(self.merge_map(
                        base,
                        Some(um),
                        es,
                        s.and_then(Value::as_map),
                        scope,
                        depth,
                    )),
                    span,
                ))
            }
            _ => {
                let v = v?;
                match (&v.kind, x) {
                    (Val::Null, _) => Some(v.clone()),
                    (Val::Str(_) | Val::Number(_) | Val::Bool(_), Ex::Leaf(m)) => {
                        let heads = leaf_refs(m);
                        let copy = scope.shape(name) != Some(Shape::Computed);
                        if let (Some(t), true) = (self.resolve_all(name, &heads, scope), copy) {
                            if t.len() == 1 && self.consistent(&t[0].0, &t[0].1, v) {
                                return Some(ref_value(&t[0].0, &t[0].1, Some(v.clone()), v.span));
                            }
                        }
                        Some(
                            self.link_encoded(v, &heads, scope)
                                .unwrap_or_else(|| v.clone()),
                        )
                    }
                    (Val::List(vs), Ex::Leaf(m)) if scope.shape(name) != Some(Shape::Computed) => {
                        let heads = leaf_refs(m);
                        match self.resolve_all(name, &heads, scope) {
                            Some(t)
                                if t.len() == vs.len()
                                    && vs.iter().zip(&t).all(|(v, t)| {
                                        !matches!(v.kind, Val::Null | Val::List(_) | Val::Map(_))
                                            && self.consistent(&t.0, &t.1, v)
                                    }) =>
                            {
                                let items = vs
                                    .iter()
                                    .zip(&t)
                                    .map(|(v, t)| ref_value(&t.0, &t.1, Some(v.clone()), v.span))
                                    .collect();
                                Some(Value::new(Val::List(items), v.span))
                            }
                            _ => Some(v.clone()),
                        }
                    }
                    (Val::List(vs), Ex::Blocks(es)) => {
                        let ss = s.and_then(Value::as_list).unwrap_or(&[]);
                        let items = vs
                            .iter()
                            .enumerate()
                            .map(|(i, vi)| {
                                self.merge(
                                    name,
                                    Some(vi),
                                    None,
                                    es.get(i),
                                    ss.get(i),
                                    scope,
                                    depth + 1,
                                )
                                .unwrap_or_else(|| vi.clone())
                            })
                            .collect();
                        Some(Value::new(Val::List(items), v.span))
                    }
                    (Val::Map(vm), Ex::Block(em)) => Some(Value::new(
                        Val::Map(self.merge_map(
                            Some(vm),
                            None,
                            Some(em),
                            s.and_then(Value::as_map),
                            scope,
                            depth,
                        )),
                        v.span,
                    )),
                    _ => Some(v.clone()),
                }
            }
        }
    }

    fn merge_map(
        &self,
        v: Option<&Map>,
        u: Option<&Map>,
        e: Option<&Map>,
        s: Option<&Map>,
        scope: &Scope,
        depth: usize,
    ) -> Map {
        let mut out = Map::new();
        let empty = Map::new();
        let vm = v.unwrap_or(&empty);
        for en in &vm.entries {
            let val = self
                .merge(
                    &en.key,
                    Some(&en.value),
                    u.and_then(|u| u.get(&en.key)),
                    e.and_then(|e| e.get(&en.key)),
                    s.and_then(|s| s.get(&en.key)),
                    scope,
                    depth + 1,
                )
                .unwrap_or_else(|| en.value.clone());
            out.push(en.key.clone(), en.key_span, val);
        }
        if let Some(um) = u {
            for en in &um.entries {
                let empty_marks = match &en.value.kind {
                    Val::Bool(false) => true,
                    Val::List(l) => l.is_empty(),
                    Val::Map(m) => m.is_empty(),
                    _ => false,
                };
                if vm.get_entry(&en.key).is_some() || empty_marks {
                    continue;
                }
                if let Some(val) = self.merge(
                    &en.key,
                    None,
                    Some(&en.value),
                    e.and_then(|e| e.get(&en.key)),
                    s.and_then(|s| s.get(&en.key)),
                    scope,
                    depth + 1,
                ) {
                    out.push(en.key.clone(), en.key_span, val);
                }
            }
        }
        // Constants from the configuration fill what the planned values lack.
        if let Some(em) = e {
            for en in &em.entries {
                if out.get_entry(&en.key).is_some() {
                    continue;
                }
                if let Ex::Leaf(m) = ex(Some(&en.value)) {
                    if let Some(c) = m.get("constant_value") {
                        out.push(en.key.clone(), en.key_span, c.clone());
                    }
                }
            }
        }
        out
    }

    /// A known JSON string whose expression references resources: decoded, with the leaves
    /// equal to a referenced attribute's planned value as references.
    fn link_encoded(&self, v: &Value, heads: &[&str], scope: &Scope) -> Option<Value> {
        let mut known = Vec::new();
        self.budget.set(RESOLVE_BUDGET);
        for h in group_heads(heads.iter().copied()) {
            if let Resolved::Refs(r) = self.resolve(h, scope, 0) {
                for (target, attr) in r {
                    let value = self.values.get(target.as_str()).and_then(|m| m.get(&attr));
                    if let Some(Val::Str(s)) = value.map(|v| &v.kind) {
                        if !s.is_empty() {
                            known.push((target, attr, s.clone()));
                        }
                    }
                }
            }
        }
        if known.is_empty() {
            return None;
        }
        let mut decoded = encoded::decode(self.text, v)?;
        if encoded::link(&mut decoded, &known) == 0 {
            return None;
        }
        Some(Value::new(Val::Encoded(Box::new(decoded)), v.span))
    }

    /// Resolves every distinct reference; `None` when one of them is not a resource attribute
    /// (a local value, a variable with a known value...), since the value then is not just a copy.
    fn resolve_all(
        &self,
        name: &str,
        heads: &[&str],
        scope: &Scope,
    ) -> Option<Vec<(String, String)>> {
        let heads = group_heads(heads.iter().copied());
        let mut out = Vec::new();
        let mut selected = false;
        self.budget.set(RESOLVE_BUDGET);
        for h in heads {
            match self.resolve(h, scope, 0) {
                Resolved::Refs(r) => out.extend(r),
                Resolved::Selector => selected = true,
                Resolved::Opaque => return None,
            }
        }
        // `aws_subnet.private[count.index].id` is listed as `aws_subnet.private` and
        // `count.index`: the instance with this resource's own key, when there is one.
        if let (true, Some(key)) = (selected, &scope.own_key) {
            for (target, _) in out.iter_mut() {
                let unkeyed = split_address(target).is_some_and(|a| a.key.is_none());
                let keyed = format!("{target}[{key}]");
                if unkeyed && self.values.contains_key(keyed.as_str()) {
                    *target = keyed;
                }
            }
        }
        // The attribute the plan left out (after a dynamic index, a splat, or in 0.12 plans),
        // from the written expression.
        if let ([(target, attr)], Some((resource, path))) = (out.as_mut_slice(), scope.tail(name)) {
            if attr.is_empty() && split_address(target).is_some_and(|a| &a.rel == resource) {
                *attr = path.clone();
            }
        }
        if out.is_empty() {
            None
        } else {
            Some(out)
        }
    }

    fn resolve(&self, head: &str, scope: &Scope, hops: usize) -> Resolved {
        let left = self.budget.get();
        if hops > MAX_HOPS || left == 0 {
            return Resolved::Opaque;
        }
        self.budget.set(left - 1);
        match classify(head) {
            Subject::Resource { addr, attr } => Resolved::Refs(vec![(scope.prefix(&addr), attr)]),
            Subject::Selector => Resolved::Selector,
            Subject::Other => Resolved::Opaque,
            // `for_each = aws_subnet.private` (a whole resource, or a module output that is
            // one): `each.value` is that resource's instance with this resource's own key.
            Subject::EachValue { rest } => {
                let (Some(refs), Some(key)) = (&scope.for_each, &scope.own_key) else {
                    return Resolved::Opaque;
                };
                let mut found = Vec::new();
                for h in group_heads(refs.iter().map(String::as_str)) {
                    match self.resolve(h, scope, hops + 1) {
                        Resolved::Refs(r) => found.extend(r),
                        _ => return Resolved::Opaque,
                    }
                }
                match found.as_slice() {
                    [(target, attr)]
                        if attr.is_empty()
                            && split_address(target).is_some_and(|a| a.key.is_none()) =>
                    {
                        let keyed = format!("{target}[{key}]");
                        if self.values.contains_key(keyed.as_str()) {
                            Resolved::Refs(vec![(keyed, rest)])
                        } else {
                            Resolved::Opaque
                        }
                    }
                    _ => Resolved::Opaque,
                }
            }
            Subject::Var { name, rest } => {
                let (Some(parent), Some(call)) =
                    (scope.parent(), self.calls.get(&refs::cfg_key(&scope.calls)))
                else {
                    return Resolved::Opaque;
                };
                let arg = obj(call.get("expressions")).and_then(|e| e.get(name));
                self.resolve_expr(arg, &parent, &rest, hops)
            }
            Subject::ModuleOutput {
                call,
                key,
                output,
                rest,
            } => {
                let child = scope.child(call, key);
                let expr = self
                    .calls
                    .get(&refs::cfg_key(&child.calls))
                    .and_then(|c| obj(c.get("module")))
                    .and_then(|m| obj(m.get("outputs")))
                    .and_then(|o| obj(o.get(output)))
                    .and_then(|o| o.get("expression"));
                self.resolve_expr(expr, &child, &rest, hops)
            }
        }
    }

    /// Resolves a module argument or output expression made only of resource references (plus
    /// instance selectors); `rest` (what the reader takes of it, `var.sg.id`) needs exactly one.
    fn resolve_expr(&self, e: Option<&Value>, scope: &Scope, rest: &str, hops: usize) -> Resolved {
        let Ex::Leaf(m) = ex(e) else {
            return Resolved::Opaque;
        };
        let mut found = Vec::new();
        for h in group_heads(leaf_refs(m)) {
            match self.resolve(h, scope, hops + 1) {
                Resolved::Selector => {}
                Resolved::Opaque => return Resolved::Opaque,
                Resolved::Refs(r) => found.extend(r),
            }
        }
        match found.len() {
            0 => Resolved::Opaque,
            1 => {
                let (target, attr) = found.pop().unwrap_or_default();
                Resolved::Refs(vec![(target, join_attr(&attr, rest))])
            }
            _ if rest.is_empty() => Resolved::Refs(found),
            _ => Resolved::Opaque,
        }
    }

    /// Unknown value from its configuration references.
    fn unknown_from_refs(
        &self,
        name: &str,
        heads: &[&str],
        scope: &Scope,
        list: bool,
        span: Option<Span>,
    ) -> Value {
        match self.resolve_all(name, heads, scope) {
            Some(t) if list => Value::new(
                Val::List(
                    t.iter()
                        .map(|(target, attr)| ref_value(target, attr, None, span))
                        .collect(),
                ),
                span,
            ),
            Some(t) if t.len() == 1 => ref_value(&t[0].0, &t[0].1, None, span),
            _ => Value::unknown(KNOWN_AFTER_APPLY, span),
        }
    }

    /// False when the target's planned attribute is known and differs from `v` (the expression
    /// then transforms the reference, e.g. `cidrsubnet(aws_vpc.main.cidr_block, 8, 1)`).
    fn consistent(&self, target: &str, attr: &str, v: &Value) -> bool {
        let Some(tv) = self.values.get(target).and_then(|m| m.get(attr)) else {
            return true;
        };
        match (&tv.kind, &v.kind) {
            (Val::Str(a), Val::Str(b)) => a == b,
            (Val::Number(a), Val::Number(b)) => a == b,
            (Val::Bool(a), Val::Bool(b)) => a == b,
            (Val::Null, _) => true,
            _ => tv.to_json() == v.to_json(),
        }
    }

    /// The Region from the root `aws` provider configuration, else the Region symbol.
    fn region(&self, top: &'a Map) -> Value {
        let cfg = obj(obj(top.get("configuration")).and_then(|c| c.get("provider_config")));
        let region = cfg
            .and_then(|p| obj(p.get("aws")))
            .and_then(|a| obj(a.get("expressions")))
            .and_then(|e| e.get("region"));
        if let Ex::Leaf(m) = ex(region) {
            if let Some(c) = m.get("constant_value").filter(|c| c.as_str().is_some()) {
                return c.clone();
            }
            let heads = group_heads(leaf_refs(m));
            if let [h] = heads.as_slice() {
                if let Subject::Var { name, rest } = classify(h) {
                    let value = obj(top.get("variables"))
                        .and_then(|v| obj(v.get(name)))
                        .and_then(|v| v.get("value"))
                        .filter(|v| v.as_str().is_some());
                    if let (Some(v), true) = (value, rest.is_empty()) {
                        return v.clone();
                    }
                }
            }
        }
        Value::new(Val::Symbol(Symbol::Region), None)
    }
}

fn has_unknown(u: &Value, depth: usize) -> bool {
    match &u.kind {
        Val::Bool(b) => *b,
        Val::List(l) => depth < 64 && l.iter().any(|x| has_unknown(x, depth + 1)),
        Val::Map(m) => depth < 64 && m.entries.iter().any(|e| has_unknown(&e.value, depth + 1)),
        _ => false,
    }
}

fn mode_of(m: &Map) -> Mode {
    if m.get("mode").and_then(Value::as_str) == Some("data") {
        Mode::Data
    } else {
        Mode::Managed
    }
}

fn ref_value(target: &str, attr: &str, resolved: Option<Value>, span: Option<Span>) -> Value {
    Value::new(
        Val::Ref(Box::new(Ref {
            target: target.to_string(),
            attr: attr.to_string(),
            resolved,
        })),
        span,
    )
}

/// For plans without sensitivity marks (format 0.1): attribute names that hold lists or sets.
fn looks_like_list(name: &str) -> bool {
    name.ends_with("_ids")
        || name.ends_with("_arns")
        || name.ends_with("_blocks")
        || matches!(
            name,
            "subnets"
                | "security_groups"
                | "vpc_zone_identifier"
                | "availability_zones"
                | "requires_compatibilities"
                | "load_balancers"
                | "target_groups"
                | "dns_entry"
                | "network_interfaces"
                | "aliases"
                | "identifiers"
                | "resources"
                | "actions"
        )
}
