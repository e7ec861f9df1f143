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
//!
//! This file loads the plan and walks its modules and resources; `merge.rs` combines each planned
//! value with its unknown marks and expression, `resolve.rs` follows the `configuration`
//! references, `refs.rs` parses addresses and references, `locate.rs` reads the `.tf` sources,
//! `encoded.rs` links JSON strings.

mod encoded;
mod locate;
mod merge;
mod refs;
mod resolve;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::base::{Diagnostic, FileId, Format, Map, SourceMap, Span, Symbol, Val, Value};
use crate::frontends::{Mode, Options, Resource, Unit};
use crate::syntax::json;

use locate::Locator;
use refs::{classify, group_heads, split_address, Subject};
use resolve::{ex, leaf_refs, ref_value, Ex, Scope};

/// The reason given to values Terraform computes during apply.
pub const KNOWN_AFTER_APPLY: &str = "known after apply";

/// How deep `var`/module output chains are followed (protects against cycles in odd plans).
const MAX_HOPS: usize = 32;

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

fn mode_of(m: &Map) -> Mode {
    if m.get("mode").and_then(Value::as_str) == Some("data") {
        Mode::Data
    } else {
        Mode::Managed
    }
}
