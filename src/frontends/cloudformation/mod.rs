//! CloudFormation frontend: YAML and JSON templates (with nested stacks) into evaluated resources.
//!
//! A file is a template when its top level is a map with `AWSTemplateFormatVersion`, or with a
//! `Resources` map holding at least one entry whose `Type` starts with `AWS::` or `Custom::`.
//! Anything else gives no [`Unit`] and no diagnostic (a file that does not parse gives its
//! `parse-error` only when it names `AWSTemplateFormatVersion` or `Resources` and `AWS::`).
//!
//! Each entry of `Resources` becomes one [`super::Resource`]: `address` is the logical id,
//! `attrs` the evaluated `Properties`, `exists` the evaluated `Condition`. Evaluation rules are in
//! `eval/` (one file per concern: intrinsics, references, conditions, outputs, nested stacks);
//! in short:
//! * parameters take `--params-file` / `--param` values, then their `Default`; without either
//!   they are `Unknown`; `CommaDelimitedList` / `List<…>` values are split (also string
//!   templates, so `!Join [",", [!Ref A, !Ref B]]` passed to a list parameter gives `[A, B]`,
//!   a single `!Ref A` gives `[A]`, and each alternative of an `!If` is split);
//!   `AWS::SSM::Parameter::Value<…>` parameters are `Unknown` (read at deploy time);
//! * `Ref` to a resource is `Val::Ref{target, attr: ""}`, with `resolved` set to the name the
//!   template gives it for types whose `Ref` is that name (log group, role, cluster, repository…);
//! * `Fn::If` on a condition that is not known gives `Val::Choice` of both branches (nested
//!   `Fn::If`s give one flat choice; a `AWS::NoValue` branch is `Null` there);
//!   `Properties: !If […]` becomes per-key choices;
//! * dynamic references (`{{resolve:ssm:…}}`) are unknown parts.
//!
//! Nested stacks (`AWS::CloudFormation::Stack.TemplateURL`, `AWS::Serverless::Application.Location`)
//! that resolve to a local file are loaded into the parent's unit: a path relative to the parent's
//! directory, or for an http(s)/s3 URL the longest suffix of its path that exists there (reported
//! with an `info` diagnostic). Child addresses are `Parent/Child`, the stack's `Parameters` are
//! passed in, `!GetAtt Stack.Outputs.Name` is the child's evaluated output, and a template loaded
//! as a child of another given template is not a unit of its own. Cycles are cut.

mod eval;
mod exports;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::{fs, Diagnostic, FileId, Format, SourceMap, Span, Symbol, Val, Value};
use crate::syntax::{json, yaml};

use super::{Options, Unit};

use eval::{ParamInputs, Tpl};

/// Loads every template among `files` into one [`Unit`] each. Templates loaded as a nested stack
/// of another given template are part of that template's unit, not units of their own.
pub fn load(files: &[FileId], sources: &SourceMap, opts: &Options) -> Vec<Unit> {
    let mut cache = Cache::default();
    cache.preload(files, sources);
    let (inputs, param_diags) = read_params(opts, sources);
    let export_index = index_exports(files, sources, opts, &mut cache, &inputs);
    let mut built: Vec<(FileId, Unit, Vec<FileId>)> = Vec::new();
    for &file in files {
        let src = sources.get(file);
        if !might_be_template(&src.text) {
            continue;
        }
        let (doc, parse_diags) = match cache.parse(file, sources) {
            Ok(p) => p,
            Err(d) => {
                if looks_like_template(&src.text) {
                    let mut unit = new_unit(&src.path);
                    unit.diagnostics = param_diags.clone();
                    unit.diagnostics.push(match templating_marker(&src.text) {
                        // What a templating engine renders into a template is not one: what it
                        // will say is not known here, so it is a note, not a parse error.
                        Some(at) => Diagnostic::info(
                            "templated-file",
                            "holds `{{ … }}` or `{% … %}` markers of a templating engine (Go, \
                             Jinja, Handlebars): it is what a template is rendered from, not one; \
                             not read",
                        )
                        .at(Span::new(file, at..at + 2))
                        .in_file(src.path.clone())
                        .with_help("check the rendered template instead"),
                        None => d,
                    });
                    built.push((file, unit, Vec::new()));
                }
                continue;
            }
        };
        if !is_template(&doc) {
            continue;
        }
        let mut cx = Ctx::new(sources, opts, &mut cache, &export_index, &inputs);
        cx.diagnostics = param_diags.clone();
        cx.diagnostics.extend(parse_diags);
        let dir = src.path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut tpl = Tpl::new(file, dir, String::new(), doc, &inputs, vec![file]);
        let mut resources = tpl.run(&mut cx);
        resources.append(&mut cx.imported);
        let mut unit = new_unit(&src.path);
        unit.resources = resources;
        for d in cx.budget.diagnostics() {
            cx.diag(d);
        }
        unit.diagnostics = cx.diagnostics;
        built.push((file, unit, cx.children));
    }
    // Drop the units of templates that another unit loaded as a nested stack (unless that unit is
    // itself loaded by this one: a cycle keeps both).
    let mut parents: HashMap<FileId, Vec<FileId>> = HashMap::new();
    for (f, _, children) in &built {
        for c in children {
            if c != f {
                parents.entry(*c).or_default().push(*f);
            }
        }
    }
    let loads = |p: &FileId, c: &FileId| parents.get(c).is_some_and(|ps| ps.contains(p));
    let keep: Vec<bool> = built
        .iter()
        .map(|(f, _, _)| {
            !parents
                .get(f)
                .is_some_and(|ps| ps.iter().any(|p| !loads(f, p)))
        })
        .collect();
    let mut units: Vec<Unit> = built
        .into_iter()
        .zip(keep)
        .filter_map(|((_, u, _), k)| k.then_some(u))
        .collect();
    // Stacks are deployed one by one and name each other's resources by name (a log group that
    // one stack creates and another's tasks log to).
    let elsewhere = Arc::new(super::Elsewhere::of(&units));
    for u in &mut units {
        u.elsewhere = elsewhere.clone();
    }
    units
}

fn new_unit(path: &Path) -> Unit {
    Unit {
        name: path.display().to_string(),
        format: Some(Format::CloudFormation),
        root: path.to_path_buf(),
        resources: Vec::new(),
        diagnostics: Vec::new(),
        region: Some(Value::new(Val::Symbol(Symbol::Region), None)),
        elsewhere: Arc::default(),
    }
}

/// Whether a parsed document is a CloudFormation template.
pub fn is_template(doc: &Value) -> bool {
    let Some(m) = doc.as_map() else {
        return false;
    };
    if m.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    m.get("Resources").and_then(Value::as_map).is_some_and(|r| {
        r.entries.iter().any(|e| {
            e.value
                .get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
        })
    })
}

/// Where the first marker of a templating engine is: `{{` (not CloudFormation's own dynamic
/// reference `{{resolve:…}}`) or `{%`.
fn templating_marker(text: &str) -> Option<usize> {
    text.match_indices("{{")
        .find(|(i, _)| !text[i + 2..].trim_start().starts_with("resolve:"))
        .map(|(i, _)| i)
        .into_iter()
        .chain(text.find("{%"))
        .min()
}

/// For a file that does not parse: whether it was meant to be a template.
fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && (text.contains("AWS::") || text.contains("Custom::")))
}

type ParseResult = Result<(Arc<Value>, Vec<Diagnostic>), Diagnostic>;

/// Parsed files, each parsed once per `load` call.
#[derive(Default)]
struct Cache {
    parsed: HashMap<FileId, ParseResult>,
}

impl Cache {
    fn parse(&mut self, file: FileId, sources: &SourceMap) -> ParseResult {
        self.parsed
            .entry(file)
            .or_insert_with(|| parse_file(file, sources))
            .clone()
    }

    /// Parses the given files in parallel (a template's nested stacks are parsed on demand).
    fn preload(&mut self, files: &[FileId], sources: &SourceMap) {
        use rayon::prelude::*;
        let parsed: Vec<(FileId, ParseResult)> = files
            .par_iter()
            .filter(|&&f| !self.parsed.contains_key(&f) && might_be_template(&sources.get(f).text))
            .map(|&f| (f, parse_file(f, sources)))
            .collect();
        self.parsed.extend(parsed);
    }
}

/// Fast path: a template names one of these keys literally.
fn might_be_template(text: &str) -> bool {
    text.contains("Resources") || text.contains("AWSTemplateFormatVersion")
}

fn parse_file(file: FileId, sources: &SourceMap) -> ParseResult {
    let src = sources.get(file);
    match parse_text(file, &src.path, &src.text) {
        Ok((v, diags)) => Ok((
            Arc::new(v),
            diags.into_iter().map(|d| d.in_file(&src.path)).collect(),
        )),
        Err(d) => Err(d.in_file(&src.path)),
    }
}

/// JSON for `.json` files and for `.template`/other files that start with `{`; YAML otherwise.
fn parse_text(
    file: FileId,
    path: &Path,
    text: &str,
) -> Result<(Value, Vec<Diagnostic>), Diagnostic> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_json = match ext.as_str() {
        "json" => true,
        "yaml" | "yml" => false,
        _ => text.trim_start().starts_with('{'),
    };
    if is_json {
        json::parse(file, text, 0).map(|p| (p.value, p.diagnostics))
    } else {
        yaml::parse(file, text).map(|p| (p.value, p.diagnostics))
    }
}

/// The exports of every template among `files` (see [`exports`]): each exporting template is
/// evaluated once, for its export names only.
fn index_exports(
    files: &[FileId],
    sources: &SourceMap,
    opts: &Options,
    cache: &mut Cache,
    inputs: &ParamInputs,
) -> exports::ExportIndex {
    let empty = exports::ExportIndex::default();
    let mut index = exports::ExportIndex::default();
    for &file in files {
        let src = sources.get(file);
        if !might_be_template(&src.text) || !src.text.contains("Export") {
            continue;
        }
        let Ok((doc, _)) = cache.parse(file, sources) else {
            continue;
        };
        if !is_template(&doc) {
            continue;
        }
        let mut cx = Ctx::new(sources, opts, cache, &empty, inputs);
        let dir = src.path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut tpl = Tpl::new(file, dir, String::new(), doc, inputs, vec![file]);
        for (output, name, span) in tpl.export_names(&mut cx) {
            index.add(exports::Export {
                file,
                output,
                name: exports::name_pattern(&name),
                span,
            });
        }
    }
    index
}

/// An exporting template loaded into an importing unit.
pub(crate) enum Imported {
    Loading,
    Loaded(Box<Tpl>),
}

/// Shared state while evaluating one unit.
pub(crate) struct Ctx<'a> {
    sources: &'a SourceMap,
    opts: &'a Options,
    cache: &'a mut Cache,
    diagnostics: Vec<Diagnostic>,
    /// Files loaded as nested stacks.
    children: Vec<FileId>,
    /// The exports of the scan, for `Fn::ImportValue`.
    pub(crate) exports: &'a exports::ExportIndex,
    /// The parameter inputs of root templates (an exporting template is one).
    pub(crate) inputs: &'a ParamInputs,
    /// Exporting templates loaded for this unit's imports, by file.
    pub(crate) imports: HashMap<FileId, Imported>,
    /// Their resources, added to the unit.
    pub(crate) imported: Vec<super::Resource>,
    /// What evaluating this unit may cost (see [`crate::frontends::budget`]).
    pub(crate) budget: super::budget::Budget,
}

impl<'a> Ctx<'a> {
    fn new(
        sources: &'a SourceMap,
        opts: &'a Options,
        cache: &'a mut Cache,
        exports: &'a exports::ExportIndex,
        inputs: &'a ParamInputs,
    ) -> Ctx<'a> {
        Ctx {
            sources,
            opts,
            cache,
            diagnostics: Vec::new(),
            children: Vec::new(),
            exports,
            inputs,
            imports: HashMap::new(),
            imported: Vec::new(),
            budget: super::budget::Budget::new(opts.limits),
        }
    }

    /// A parsed template of the scan (exporting templates are among the given files).
    pub(crate) fn parsed(&mut self, file: FileId) -> Option<Arc<Value>> {
        self.cache.parse(file, self.sources).ok().map(|(d, _)| d)
    }

    pub(crate) fn sources(&self) -> &'a SourceMap {
        self.sources
    }

    pub(crate) fn diag(&mut self, mut d: Diagnostic) {
        if d.file.is_none() {
            if let Some(sp) = d.span {
                d.file = Some(self.sources.path(sp.file));
            }
        }
        self.diagnostics.push(d);
    }

    /// Reads and parses a nested template; problems become diagnostics.
    pub(crate) fn load_template(
        &mut self,
        path: &Path,
        here: Option<Span>,
    ) -> Option<(FileId, Arc<Value>)> {
        let max = self.opts.max_bytes();
        let file = match fs::load(self.sources, path, max) {
            Ok(f) => f,
            Err(mut d) => {
                if let Some(h) = here {
                    d = d.with_related(h, "loaded as a nested stack here");
                }
                self.diag(d);
                return None;
            }
        };
        match self.cache.parse(file, self.sources) {
            Ok((doc, diags)) => {
                self.diagnostics.extend(diags);
                Some((file, doc))
            }
            Err(mut d) => {
                if let Some(h) = here {
                    d = d.with_related(h, "loaded as a nested stack here");
                }
                self.diag(d);
                None
            }
        }
    }

    pub(crate) fn in_scan_roots(&self, path: &Path) -> bool {
        if self.opts.scan_roots.is_empty() {
            return true;
        }
        let Ok(p) = path.canonicalize() else {
            return false;
        };
        self.opts
            .scan_roots
            .iter()
            .filter_map(|r| r.canonicalize().ok())
            .any(|r| p.starts_with(r))
    }
}

/// Where a nested stack's `TemplateURL` / `Location` points on disk: a path relative to the
/// parent's directory, or, for an http(s)/s3 URL (or a string whose start is only known at deploy
/// time), the longest suffix of its path that exists relative to the parent's directory. The
/// second element is the URL when a URL was mapped to a local file.
pub(crate) fn resolve_template_location(
    dir: &Path,
    v: &Value,
) -> Option<(PathBuf, Option<String>)> {
    let (text, is_url) = match &v.deref().kind {
        Val::Str(s) => {
            let lower = s.to_ascii_lowercase();
            if let Some(rest) = lower.strip_prefix("file://") {
                let _ = rest;
                (s["file://".len()..].to_string(), false)
            } else if lower.starts_with("http://") || lower.starts_with("https://") {
                let after = &s[s.find("://").map_or(0, |i| i + 3)..];
                (
                    after.find('/').map_or("", |i| &after[i..]).to_string(),
                    true,
                )
            } else if lower.starts_with("s3://") {
                (s["s3://".len()..].to_string(), true)
            } else {
                let p = dir.join(s);
                return p.is_file().then_some((p, None));
            }
        }
        // A string with unknown parts: its known tail may still name the file.
        Val::Template(parts) => match parts.last().map(|p| &p.kind) {
            Some(Val::Str(s)) if s.contains('/') || s.contains('.') => (s.clone(), true),
            _ => return None,
        },
        _ => return None,
    };
    let text = text.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = text.split('/').filter(|s| !s.is_empty()).collect();
    for i in 0..segs.len() {
        let p = dir.join(segs[i..].join("/"));
        if p.is_file() {
            let shown = v.render_pattern().unwrap_or_default();
            return Some((p, is_url.then_some(shown)));
        }
    }
    None
}

/// `--params-file` (both AWS CLI shapes) then `--param K=V` (later wins).
fn read_params(opts: &Options, sources: &SourceMap) -> (ParamInputs, Vec<Diagnostic>) {
    let mut inputs = ParamInputs::new();
    let mut diags = Vec::new();
    let max = opts.max_bytes();
    for path in &opts.params_files {
        let file = match fs::load(sources, path, max) {
            Ok(f) => f,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let src = sources.get(file);
        let doc = match parse_text(file, path, &src.text) {
            Ok((v, _)) => v,
            Err(d) => {
                diags.push(d.in_file(path));
                continue;
            }
        };
        let mut ok = false;
        if let Some(list) = doc.as_list() {
            ok = true;
            for item in list {
                let k = item.get("ParameterKey").and_then(Value::as_str);
                match (k, item.get("ParameterValue")) {
                    (Some(k), Some(v)) => {
                        inputs.insert(k.to_string(), param_value(v));
                    }
                    (Some(_), None) => {}
                    _ => ok = false,
                }
            }
        } else if let Some(m) = doc.get("Parameters").and_then(Value::as_map) {
            ok = true;
            for e in &m.entries {
                inputs.insert(e.key.clone(), param_value(&e.value));
            }
        }
        if !ok {
            let mut d = Diagnostic::error(
                "params-file",
                "not a CloudFormation parameters file: expected [{\"ParameterKey\": …, \"ParameterValue\": …}] or {\"Parameters\": {…}}",
            )
            .in_file(path);
            if let Some(sp) = doc.span {
                d = d.at(sp);
            }
            diags.push(d);
        }
    }
    for (k, v) in &opts.params {
        inputs.insert(k.clone(), Value::str(v.clone(), None));
    }
    (inputs, diags)
}

/// Parameter values are strings; lists (as some tools write them) join with commas.
fn param_value(v: &Value) -> Value {
    match &v.kind {
        Val::List(items) => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .or_else(|| i.as_f64().map(crate::base::value::format_number))
                })
                .collect();
            match parts {
                Some(p) => Value::str(p.join(","), v.span),
                None => v.clone(),
            }
        }
        Val::Number(n) => Value::str(crate::base::value::format_number(*n), v.span),
        Val::Bool(b) => Value::str(b.to_string(), v.span),
        _ => v.clone(),
    }
}
