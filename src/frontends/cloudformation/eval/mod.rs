//! Evaluation of one CloudFormation template: parameters, mappings, conditions, intrinsic
//! functions, and nested stacks (loaded lazily, memoised).
//!
//! Conventions:
//! * `eval` returns `None` for `AWS::NoValue` (the property or list item is removed).
//! * The result of an intrinsic function carries the span of the function node; values inside a
//!   structured result keep their own spans.
//! * A `Fn::If` whose condition is not known yields `Val::Choice` of both branches; a branch that
//!   is `AWS::NoValue` appears there as `Null`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::base::{Diagnostic, FileId, Map, Span, Val, Value};
use crate::frontends::{Mode, Resource};

use super::Ctx;
use conditions::{combine_exists, resource_condition};
use stacks::is_stack_type;
use values::{dynamic_refs, fn_name, scalar_string, split_list, unknown, why_unknown};

mod conditions;
mod intrinsics;
mod outputs;
mod refs;
mod stacks;
mod values;

/// Deepest evaluation recursion (the YAML parser already caps nesting; JSON may go deeper).
const MAX_DEPTH: usize = 128;
/// Deepest chain of nested stacks.
const MAX_STACK_DEPTH: usize = 8;
/// What loading a nested stack counts in the unit's `--max-eval-steps` (a template read, its
/// parameters and resources set up): with the default, at most 2,000 nested stacks per unit,
/// however they fan out.
pub const NESTED_STACK_STEPS: u64 = 10_000;

/// A template being evaluated (the root one or a nested stack).
pub(crate) struct Tpl {
    pub dir: PathBuf,
    /// `""` for the root template, `"Stack/"` (or `"A/B/"`) for nested ones.
    pub prefix: String,
    doc: Arc<Value>,
    /// Parameter values after defaults and overrides.
    params: HashMap<String, Value>,
    /// Logical id → resource type.
    resources: HashMap<String, String>,
    conditions: HashMap<String, CondState>,
    /// Logical id → its evaluated name property (see [`ref_name_property`]).
    ref_names: HashMap<String, Option<Value>>,
    outputs: HashMap<String, Option<Value>>,
    children: HashMap<String, Child>,
    /// Files of this template and its ancestors (cycle guard).
    ancestors: Vec<FileId>,
    /// Whether this stack is created (the stack resource's condition), for nested stacks.
    pub exists: Option<Value>,
    /// Loaded for an `Fn::ImportValue` of another template: its own stack name is not known.
    pub imported: bool,
    depth: usize,
}

enum CondState {
    InProgress,
    Done(Value),
}

enum Child {
    Loading,
    /// Not loadable (the reason is already reported).
    Missing,
    Loaded(Box<Tpl>, Vec<Resource>),
}

/// Values given to a template's parameters from outside (command line or parent stack).
pub(crate) type ParamInputs = HashMap<String, Value>;

impl Tpl {
    /// Prepares a template: resolves its parameters from `inputs` (or their defaults).
    pub fn new(
        file: FileId,
        dir: PathBuf,
        prefix: String,
        doc: Arc<Value>,
        inputs: &ParamInputs,
        ancestors: Vec<FileId>,
    ) -> Tpl {
        debug_assert!(ancestors.last() == Some(&file));
        let mut t = Tpl {
            dir,
            prefix,
            doc: doc.clone(),
            params: HashMap::new(),
            resources: HashMap::new(),
            conditions: HashMap::new(),
            ref_names: HashMap::new(),
            outputs: HashMap::new(),
            children: HashMap::new(),
            ancestors,
            exists: None,
            imported: false,
            depth: 0,
        };
        if let Some(res) = doc.get("Resources").and_then(Value::as_map) {
            for e in &res.entries {
                let ty = e.value.get("Type").and_then(Value::as_str).unwrap_or("");
                t.resources.entry(e.key.clone()).or_insert(ty.to_string());
            }
        }
        if let Some(params) = doc.get("Parameters").and_then(Value::as_map) {
            for e in &params.entries {
                let ty = e
                    .value
                    .get("Type")
                    .and_then(Value::as_str)
                    .unwrap_or("String");
                let name = &e.key;
                let given = inputs.get(name).cloned();
                let value = if let Some(inner) = ty
                    .strip_prefix("AWS::SSM::Parameter::Value<")
                    .and_then(|s| s.strip_suffix('>'))
                {
                    let from = given
                        .as_ref()
                        .or_else(|| e.value.get("Default"))
                        .and_then(Value::as_str)
                        .map(|s| format!(" `{s}`"))
                        .unwrap_or_default();
                    unknown(
                        format!("parameter {name} ({inner}) is read from the SSM parameter{from} at deploy time"),
                        e.key_span,
                    )
                } else {
                    let raw = given.or_else(|| e.value.get("Default").cloned());
                    match raw {
                        None => match t.prefix.strip_suffix('/') {
                            // `--param` sets the root stack's parameters only
                            Some(stack) => unknown(
                                format!("parameter {name} of the nested stack `{stack}` has no value (its parent's `Parameters` do not give it and it has no Default)"),
                                e.key_span,
                            ),
                            None => unknown(
                                format!("parameter {name} has no value (give it with --param {name}=VALUE or a Default)"),
                                e.key_span,
                            ),
                        },
                        Some(v) if ty == "CommaDelimitedList" || ty.starts_with("List<") => {
                            split_list(&v)
                        }
                        Some(v) => v,
                    }
                };
                t.params.entry(name.clone()).or_insert(value);
            }
        }
        t
    }

    /// Evaluates every resource (and nested stack) of the template, in order.
    pub fn run(&mut self, cx: &mut Ctx) -> Vec<Resource> {
        let doc = self.doc.clone();
        let mut out = Vec::new();
        let Some(res) = doc.get("Resources").and_then(Value::as_map) else {
            return out;
        };
        for e in &res.entries {
            let Some(key_span) = e.key_span else { continue };
            if e.key.starts_with("Fn::ForEach") {
                cx.diag(
                    Diagnostic::warning(
                        "cfn-unsupported",
                        format!("`{}` (AWS::LanguageExtensions) is not expanded; the resources it makes are not checked", e.key),
                    )
                    .at(key_span),
                );
                continue;
            }
            let Some(rtype) = e.value.get("Type").and_then(Value::as_str) else {
                // A `Type` that is an object is a preprocessor's (`{"Rain::Module": …}`), which
                // CloudFormation itself rejects.
                let (what, at) = match e.value.get("Type") {
                    Some(t) => {
                        let key = t.as_map().and_then(|m| m.entries.first()).map(|e| &e.key);
                        let why = match key {
                            Some(k) if k == "Ref" || k.starts_with("Fn::") => {
                                format!("CloudFormation needs a literal type name, not `{k}`")
                            }
                            Some(k) => format!("`{k}` is a preprocessor's, not CloudFormation's"),
                            None => "CloudFormation needs a literal type name".to_string(),
                        };
                        (
                            format!(
                                "the `Type` of resource `{}` is not a string ({why}); the \
                                 resource is skipped",
                                e.key
                            ),
                            t.span.unwrap_or(key_span),
                        )
                    }
                    None => (
                        format!("resource `{}` has no `Type`; it is skipped", e.key),
                        key_span,
                    ),
                };
                cx.diag(Diagnostic::warning("cfn-invalid", what).at(at));
                continue;
            };
            let own_exists = resource_condition(self, cx, &e.value);
            let exists = combine_exists(self.exists.clone(), own_exists);
            let attrs = match e.value.get("Properties") {
                None => Map::new(),
                // Once the budget is spent, the properties are there but unknown (absent ones
                // could prove what is not so).
                Some(p) if cx.budget.is_spent() => {
                    let mut m = Map::new();
                    for pe in p.as_map().map(|m| m.entries.iter()).into_iter().flatten() {
                        m.push(
                            pe.key.clone(),
                            pe.key_span,
                            cx.budget.spent_value(pe.value.span),
                        );
                    }
                    m
                }
                Some(p) => match self.eval(cx, p) {
                    Some(Value {
                        kind: Val::Map(m), ..
                    }) => m,
                    Some(other) => match choice_of_maps(&other) {
                        Some(m) => m,
                        None => {
                            if !matches!(other.kind, Val::Null) {
                                let what = match &other.kind {
                                    Val::Unknown(_) | Val::Choice(_) => why_unknown(&other),
                                    _ => "a map is expected".to_string(),
                                };
                                cx.diag(
                                    Diagnostic::warning(
                                        "cfn-unsupported",
                                        format!("the Properties of `{}` are not a map once evaluated ({what}); they are not checked", e.key),
                                    )
                                    .at(p.span.unwrap_or(key_span)),
                                );
                            }
                            Map::new()
                        }
                    },
                    None => Map::new(),
                },
            };
            out.push(Resource {
                address: format!("{}{}", self.prefix, e.key),
                rtype: rtype.to_string(),
                mode: Mode::Managed,
                span: key_span,
                attrs,
                exists: exists.clone(),
            });
            if is_stack_type(rtype) {
                self.ensure_child(cx, &e.key);
                if let Some(Child::Loaded(_, resources)) = self.children.get_mut(&e.key) {
                    out.append(resources);
                }
            }
        }
        out
    }

    /// Evaluates a value; `None` is `AWS::NoValue`. Within the unit's budget: one step, and the
    /// value an intrinsic function or a collection makes checked and counted.
    pub fn eval(&mut self, cx: &mut Ctx, v: &Value) -> Option<Value> {
        if !cx.budget.step(v.span) {
            return Some(cx.budget.spent_value(v.span));
        }
        if self.depth >= MAX_DEPTH {
            return Some(unknown(
                "the template is nested too deeply to evaluate",
                v.span,
            ));
        }
        self.depth += 1;
        let r = self.eval_inner(cx, v);
        self.depth -= 1;
        let r = r?;
        Some(match fn_name(v) {
            Some((name, _)) => cx.budget.made(r, || format!("`{name}`")),
            None if matches!(v.kind, Val::List(_) | Val::Map(_)) => {
                cx.budget.made(r, || "a list or map".into())
            }
            None => r,
        })
    }

    /// Adds `v` to the size of the string being built by `name` (`Fn::Sub`, `Fn::Join`): the
    /// Unknown that stands for it once that is over the value budget.
    fn over_budget(
        cx: &Ctx,
        name: &str,
        size: &mut u64,
        v: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        *size += v.deep_size() + crate::base::value::ELEMENT_SIZE;
        cx.budget
            .too_large(*size)
            .then(|| cx.budget.over_size(format!("`{name}`"), *size, span))
    }

    fn eval_inner(&mut self, cx: &mut Ctx, v: &Value) -> Option<Value> {
        if let Some((name, arg)) = fn_name(v) {
            return self.intrinsic(cx, name, arg, v.span);
        }
        match &v.kind {
            Val::List(items) => {
                let items = items.iter().filter_map(|i| self.eval(cx, i)).collect();
                Some(Value::new(Val::List(items), v.span))
            }
            Val::Map(m) => {
                let mut out = Map::new();
                for e in &m.entries {
                    if let Some(val) = self.eval(cx, &e.value) {
                        out.push(e.key.clone(), e.key_span, val);
                    }
                }
                Some(Value::new(Val::Map(out), v.span))
            }
            Val::Str(text) if text.contains("{{resolve:") => Some(dynamic_refs(text, v.span)),
            _ => Some(v.clone()),
        }
    }

    fn eval_or_null(&mut self, cx: &mut Ctx, v: &Value) -> Value {
        self.eval(cx, v).unwrap_or_else(|| Value::null(v.span))
    }

    /// Evaluates to a known string, or explains why not.
    fn eval_str(&mut self, cx: &mut Ctx, v: &Value) -> Result<String, Value> {
        let r = self.eval_or_null(cx, v);
        scalar_string(&r).ok_or(r)
    }

    fn args<'v>(&self, arg: &'v Value, n: std::ops::RangeInclusive<usize>) -> Option<&'v [Value]> {
        arg.as_list().filter(|l| n.contains(&l.len()))
    }
}

/// `Properties: !If [C, {…}, {…}]`: one map whose entries are choices between the alternatives
/// (an alternative without the key, or `AWS::NoValue`, contributes `Null`).
fn choice_of_maps(v: &Value) -> Option<Map> {
    let Val::Choice(alts) = &v.kind else {
        return None;
    };
    let mut maps = Vec::new();
    for a in alts {
        match &a.kind {
            Val::Map(m) => maps.push((m, a.span)),
            Val::Null => {}
            _ => return None,
        }
    }
    let empty = Map::new();
    let all: Vec<(&Map, Option<Span>)> = alts
        .iter()
        .map(|a| match &a.kind {
            Val::Map(m) => (m, a.span),
            _ => (&empty, a.span),
        })
        .collect();
    let mut out = Map::new();
    for (m, _) in &maps {
        for e in &m.entries {
            if out.get_entry(&e.key).is_some() {
                continue;
            }
            let mut options: Vec<Value> = Vec::new();
            for (alt, span) in &all {
                let o = alt
                    .get(&e.key)
                    .cloned()
                    .unwrap_or_else(|| Value::null(*span));
                if !options.iter().any(|x| x.to_json() == o.to_json()) {
                    options.push(o);
                }
            }
            let value = if options.len() == 1 {
                options.pop().unwrap_or_else(|| Value::null(e.value.span))
            } else {
                Value::new(Val::Choice(options), v.span)
            };
            out.push(e.key.clone(), e.key_span, value);
        }
    }
    Some(out)
}
