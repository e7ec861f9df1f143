//! Terraform HCL frontend: a static evaluator of Terraform configurations.
//!
//! [`load`] parses every given module directory once (in parallel), works out which of them are
//! roots (a directory that another given directory calls as a local module is evaluated as part of
//! its caller, with the caller's inputs), and evaluates each root with its module tree into one
//! [`Unit`]. See [`eval`] for the evaluation model: lazy, memoised, Unknown with a reason for
//! whatever cannot be known statically.
//!
//! Conventions of the output, for the graph:
//! - A resource with an unknown `count`/`for_each` is one instance `addr[*]` with
//!   `exists = Some(Unknown)`; references to it are `Ref`s to `addr[*]`, and a splat or `for` over
//!   it gives a one-element list holding that stand-in. The size of such a list is not known:
//!   `length`/`keys`/`values` of it are Unknown, and `coalescelist` gives a `Choice` between it and
//!   the next candidate.
//! - A module call that is not available (registry/git module not installed, local path without
//!   files) becomes a pseudo-resource of `rtype` `"module"` at `module.NAME` (with its instance
//!   key when it has `count`/`for_each`) whose attrs are its evaluated inputs plus `source` and
//!   `version`; its outputs are Unknown.
//! - Special data sources: `aws_region` → the provider's region or `Symbol::Region`;
//!   `aws_partition` → symbols; `aws_caller_identity.account_id` → the single
//!   `allowed_account_ids` entry or `Symbol::AccountId`; `aws_iam_policy_document.json` →
//!   `Val::Encoded`; `aws_vpc_endpoint_service.service_name` (when only `service` is set) → a `Ref`
//!   resolved to `⟨ReverseDnsPrefix⟩.<region>.<service>`.
//! - Unknown reasons that start with `error: ` stand for what Terraform would reject (missing
//!   attribute, undeclared variable...).
//! - Assumption: a computed attribute of a resource is not null (`x != null` is true).

pub mod config;
pub mod errors;
pub mod eval;
pub mod functions;
pub mod policy;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use hcl_edit::structure::Body as HBody;
use rayon::prelude::*;

use crate::base::{Diagnostic, FileId, Format, Map, SourceMap, Val, Value};
use crate::frontends::{Options, Unit};

use config::{Body, ModuleConfig};
use eval::{Evaluator, Loc};

/// A parsed file of a module directory.
pub enum Ast {
    Hcl(HBody),
    Json(Value),
}

pub struct ParsedFile {
    pub name: String,
    pub file: FileId,
    pub ast: Ast,
}

/// Every `.tf`/`.tf.json` file of one directory, parsed, in lexical order.
pub struct ParsedDir {
    /// Absolute, normalised: the directory's identity.
    pub dir: PathBuf,
    /// As the user gave it (tidied): what files are read and reported as.
    pub display: PathBuf,
    pub files: Vec<ParsedFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lexical normalisation: absolute, without `.` and with `..` applied.
pub fn normalize(p: &Path) -> PathBuf {
    tidy(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

pub use crate::base::source::tidy;

/// `base` joined with `rel`, resolving `.` and `..` of `rel` only: `base` stays as given, so that
/// files keep the names discovery gave them.
pub fn join_tidy(base: &Path, rel: &str) -> PathBuf {
    let rel = Path::new(rel);
    if rel.is_absolute() {
        return tidy(rel);
    }
    let mut out: Vec<Component> = base.components().collect();
    for c in rel.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().map(|c| c.as_os_str()).collect()
}

/// `path` relative to `base` (both normalised), as Terraform prints `path.module`.
pub fn relative_to(path: &Path, base: &Path) -> String {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    let s = out.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

fn max_size(opts: &Options) -> u64 {
    opts.max_bytes()
}

fn parse_dir(key: &Path, dir: &Path, sources: &SourceMap, max: u64) -> ParsedDir {
    let mut pd = ParsedDir {
        dir: key.to_path_buf(),
        display: dir.to_path_buf(),
        files: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            // A link is read like the file it leads to; `load` refuses, with a diagnostic, a
            // FIFO, a device or a link leaving the boundary or leading to one.
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".tf") || n.ends_with(".tf.json"))
            .collect(),
        Err(e) => {
            pd.diagnostics.push(
                Diagnostic::error("io-error", format!("cannot read directory: {e}")).in_file(dir),
            );
            return pd;
        }
    };
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let id = match crate::base::fs::load(sources, &path, max) {
            Ok(id) => id,
            Err(d) => {
                pd.diagnostics.push(d);
                continue;
            }
        };
        let text = sources.get(id).text.clone();
        let ast = if name.ends_with(".tf.json") {
            match crate::syntax::json::parse(id, &text, 0) {
                Ok(p) => {
                    pd.diagnostics
                        .extend(p.diagnostics.into_iter().map(|d| d.in_file(&path)));
                    Ast::Json(p.value)
                }
                Err(d) => {
                    pd.diagnostics.push(d.in_file(&path));
                    continue;
                }
            }
        } else {
            match crate::syntax::hcl::parse_with_diagnostics(id, &text) {
                Ok((b, diags)) => {
                    pd.diagnostics
                        .extend(diags.into_iter().map(|d| d.in_file(&path)));
                    Ast::Hcl(b)
                }
                Err(d) => {
                    pd.diagnostics.push(d.in_file(&path));
                    continue;
                }
            }
        };
        pd.files.push(ParsedFile {
            name,
            file: id,
            ast,
        });
    }
    pd
}

/// The `source` of every module call of a parsed directory.
fn module_sources(pd: &ParsedDir) -> Vec<String> {
    let mut out = Vec::new();
    for f in &pd.files {
        match &f.ast {
            Ast::Hcl(b) => {
                for m in b.get_blocks("module") {
                    if let Some(a) = m.body.get_attribute("source") {
                        if let Some(s) = config::Expr::Hcl(&a.value, f.file).as_literal_str() {
                            out.push(s);
                        }
                    }
                }
            }
            Ast::Json(v) => {
                if let Some(mods) = v.get("module").and_then(|m| m.as_map()) {
                    for e in &mods.entries {
                        let bodies: Vec<&Value> = match &e.value.kind {
                            Val::List(l) => l.iter().collect(),
                            _ => vec![&e.value],
                        };
                        for b in bodies {
                            if let Some(s) = b.get("source").and_then(|s| s.as_str()) {
                                out.push(s.to_string());
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

fn is_local(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

/// `<root>/.terraform/modules/modules.json`: module key → directory (as given, tidied), read
/// through `base::fs` (a regular file inside the boundary). An entry whose directory leads
/// outside the boundary (absolute, `..`, a symbolic link) is refused with a diagnostic.
fn installed_modules(
    root: &Path,
    sources: &SourceMap,
    max: u64,
) -> (HashMap<String, PathBuf>, Vec<Diagnostic>) {
    let mut out = HashMap::new();
    let mut diags = Vec::new();
    let path = root.join(".terraform/modules/modules.json");
    if std::fs::symlink_metadata(&path).is_err() {
        return (out, diags);
    }
    let boundary = sources.boundary();
    let bytes = match crate::base::fs::read_file(&path, max, &boundary) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return (out, diags);
        }
    };
    let Ok(j) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        diags.push(
            Diagnostic::warning(
                "parse-error",
                "not valid JSON: the installed modules are not read (run `terraform init` again)",
            )
            .in_file(&path),
        );
        return (out, diags);
    };
    if let Some(mods) = j.get("Modules").and_then(|m| m.as_array()) {
        for m in mods {
            let (Some(k), Some(d)) = (
                m.get("Key").and_then(|k| k.as_str()),
                m.get("Dir").and_then(|d| d.as_str()),
            ) else {
                continue;
            };
            if k.is_empty() {
                continue;
            }
            let dir = join_tidy(root, d);
            if let Ok(canon) = std::fs::canonicalize(&dir) {
                if !crate::base::fs::inside(&canon, &boundary) {
                    diags.push(
                        Diagnostic::error(
                            "outside-scan",
                            format!(
                                "module `{k}` is installed in `{d}`, outside the scanned \
                                 repository ({}): not read",
                                canon.display()
                            ),
                        )
                        .in_file(&path),
                    );
                    continue;
                }
            }
            out.insert(k.to_string(), dir);
        }
    }
    (out, diags)
}

fn build_config(pd: &ParsedDir) -> ModuleConfig<'_> {
    let mut diags = Vec::new();
    let files: Vec<(Body<'_>, bool)> = pd
        .files
        .iter()
        .map(|f| {
            let body = match &f.ast {
                Ast::Hcl(b) => config::from_hcl(b, f.file),
                Ast::Json(v) => config::from_json(v, &mut diags),
            };
            (body, config::is_override(&f.name))
        })
        .collect();
    let mut cfg = ModuleConfig::build(files);
    cfg.diagnostics.extend(diags);
    cfg
}

/// Loads the Terraform configurations in `module_dirs`: one [`Unit`] per root module.
pub fn load(module_dirs: &[PathBuf], sources: &SourceMap, opts: &Options) -> Vec<Unit> {
    load_each(module_dirs, sources, opts, &|u| u)
}

/// [`load`], handing each root's unit to `each` as soon as it is evaluated (the pipeline builds
/// its graph and findings there and drops it, rather than holding every unit).
pub fn load_each<R: Send>(
    module_dirs: &[PathBuf],
    sources: &SourceMap,
    opts: &Options,
    each: &(dyn Fn(Unit) -> R + Sync),
) -> Vec<R> {
    let max = max_size(opts);
    let boundary = sources.boundary();
    let mut given: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut seen = HashSet::new();
    for d in module_dirs {
        let n = normalize(d);
        if seen.insert(n.clone()) {
            given.push((d.clone(), n));
        }
    }
    let mut installed_diags: Vec<(PathBuf, Vec<Diagnostic>)> = Vec::new();
    let installed_shown: HashMap<PathBuf, HashMap<String, PathBuf>> = given
        .par_iter()
        .map(|(shown, n)| (n.clone(), installed_modules(shown, sources, max)))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(n, (m, d))| {
            installed_diags.push((n.clone(), d));
            (n, m)
        })
        .collect();
    let installed: HashMap<PathBuf, HashMap<String, PathBuf>> = installed_shown
        .iter()
        .map(|(root, m)| {
            let abs = m.iter().map(|(k, d)| (k.clone(), normalize(d))).collect();
            (root.clone(), abs)
        })
        .collect();

    // Parse every directory once, then the local and installed modules they call, transitively.
    // (identity, path as shown)
    let mut parsed: HashMap<PathBuf, ParsedDir> = HashMap::new();
    let mut frontier: Vec<(PathBuf, PathBuf)> =
        given.iter().map(|(s, n)| (n.clone(), s.clone())).collect();
    for m in installed_shown.values() {
        frontier.extend(m.values().map(|d| (normalize(d), d.clone())));
    }
    frontier.sort();
    frontier.dedup_by(|a, b| a.0 == b.0);
    while !frontier.is_empty() {
        let batch: Vec<ParsedDir> = frontier
            .par_iter()
            .map(|(k, d)| parse_dir(k, d, sources, max))
            .collect();
        let mut next: Vec<(PathBuf, PathBuf)> = Vec::new();
        for mut pd in batch {
            for s in module_sources(&pd) {
                if is_local(&s) {
                    let shown = join_tidy(&pd.display, &s);
                    let d = normalize(&shown);
                    if parsed.contains_key(&d) || !d.is_dir() {
                        continue;
                    }
                    match std::fs::canonicalize(&d) {
                        Ok(c) if !crate::base::fs::inside(&c, &boundary) => {
                            pd.diagnostics.push(
                                Diagnostic::error(
                                    "outside-scan",
                                    format!(
                                        "module source `{s}` leads outside the scanned \
                                         repository ({}): not read (scan a directory that \
                                         holds both, or the git checkout they are in)",
                                        c.display()
                                    ),
                                )
                                .in_file(&pd.display),
                            );
                        }
                        _ => next.push((d, shown)),
                    }
                }
            }
            parsed.insert(pd.dir.clone(), pd);
        }
        next.retain(|(d, _)| !parsed.contains_key(d));
        next.sort();
        next.dedup_by(|a, b| a.0 == b.0);
        frontier = next;
    }

    for (n, d) in installed_diags {
        if let Some(pd) = parsed.get_mut(&n) {
            pd.diagnostics.extend(d);
        }
    }
    let configs: HashMap<PathBuf, ModuleConfig<'_>> = parsed
        .par_iter()
        .map(|(p, pd)| (p.clone(), build_config(pd)))
        .collect();

    // A given directory that another given directory calls as a local module is not a root.
    let given_set: HashSet<&PathBuf> = given.iter().map(|(_, n)| n).collect();
    let mut called: HashSet<PathBuf> = HashSet::new();
    for (dir, cfg) in &configs {
        if !given_set.contains(dir) {
            continue;
        }
        for b in cfg.modules.values() {
            if let Some(s) = b.body.attr("source").and_then(|a| a.expr.as_literal_str()) {
                if is_local(&s) {
                    let d = normalize(&dir.join(&s));
                    if &d != dir {
                        called.insert(d);
                    }
                }
            }
        }
    }
    let roots: Vec<&(PathBuf, PathBuf)> =
        given.iter().filter(|(_, n)| !called.contains(n)).collect();

    let allowed: Vec<PathBuf> = opts.scan_roots.iter().map(|r| normalize(r)).collect();
    let run = || -> Vec<R> {
        roots
            .par_iter()
            .map(|(shown, norm)| {
                each(eval_root(
                    shown,
                    norm,
                    &configs,
                    &parsed,
                    sources,
                    opts,
                    &allowed,
                    installed.get(norm).cloned().unwrap_or_default(),
                ))
            })
            .collect()
    };
    // Evaluation recurses through references: give it room.
    match rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .num_threads(rayon::current_num_threads().max(1))
        .build()
    {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

/// The code of the diagnostic for a `--var` naming a variable a root does not declare.
pub const UNDECLARED_VAR: &str = "undeclared-var";

/// The variable name of an [`UNDECLARED_VAR`] diagnostic.
pub fn undeclared_var_name(d: &Diagnostic) -> Option<&str> {
    if d.code != UNDECLARED_VAR {
        return None;
    }
    d.message
        .strip_prefix("`--var ")?
        .split_once("=...`")
        .map(|(k, _)| k)
}

#[allow(clippy::too_many_arguments)]
fn eval_root(
    shown: &Path,
    dir: &Path,
    configs: &HashMap<PathBuf, ModuleConfig<'_>>,
    parsed: &HashMap<PathBuf, ParsedDir>,
    sources: &SourceMap,
    opts: &Options,
    allowed: &[PathBuf],
    installed: HashMap<String, PathBuf>,
) -> Unit {
    let mut unit = Unit {
        name: shown.display().to_string(),
        format: Some(Format::Terraform),
        root: shown.to_path_buf(),
        ..Unit::default()
    };
    let Some(mut ev) = Evaluator::new(
        configs,
        sources,
        opts,
        dir.to_path_buf(),
        allowed.to_vec(),
        max_size(opts),
        installed,
    ) else {
        return unit;
    };
    ev.root_shown = shown.to_path_buf();
    let mut var_diags = Vec::new();
    ev.root_vars = root_variables(&ev, shown, sources, opts, &mut var_diags);
    unit.resources = ev.collect();
    unit.region = Some(ev.root_region());
    for d in ev.used_dirs() {
        if let Some(pd) = parsed.get(&d) {
            unit.diagnostics.extend(pd.diagnostics.iter().cloned());
        }
        if let Some(c) = configs.get(&d) {
            unit.diagnostics.extend(c.diagnostics.iter().cloned());
        }
    }
    unit.diagnostics.extend(var_diags);
    // `--var` for a variable this root does not declare: Terraform refuses it ("Value for
    // undeclared variable"). The command line stops the run when no scanned root declares it.
    let mut undeclared: Vec<&str> = opts
        .vars
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !ev.root_config().variables.contains_key(*k))
        .collect();
    undeclared.sort();
    undeclared.dedup();
    for k in undeclared {
        unit.diagnostics.push(
            Diagnostic::info(
                UNDECLARED_VAR,
                format!(
                    "`--var {k}=...`: this root declares no variable `{k}`; the value is not used"
                ),
            )
            .in_file(shown),
        );
    }
    for (name, decl) in &ev.root_config().variables {
        if decl.body.attr("default").is_none() && !ev.root_vars.contains_key(name) {
            let mut d = Diagnostic::info(
                "variable-without-value",
                format!(
                    "variable `{name}` has no value (no default, tfvars, -var or TF_VAR_{name}); \
                     what depends on it is unknown"
                ),
            );
            d.span = decl.header;
            unit.diagnostics.push(d);
        }
    }
    unit.diagnostics
        .extend(ev.diagnostics.borrow().iter().cloned());
    unit.diagnostics.extend(ev.budget.diagnostics());
    unit
}

// ---------------------------------------------------------------------------------------------
// Root module variables

/// How a `-var`/`TF_VAR_` value is read: `Some(true)` literally (type `string`, as Terraform
/// does), `Some(false)` as HCL (any other declared type), `None` (no type): as HCL when that gives
/// a plain value, else literally.
fn literal_mode(ev: &Evaluator, name: &str) -> Option<bool> {
    let decl = ev.root_config().variables.get(name)?;
    let a = decl.body.attr("type")?;
    Some(match a.expr {
        config::Expr::Hcl(e, _) => {
            matches!(e, hcl_edit::expr::Expression::Variable(v) if v.as_str() == "string")
        }
        _ => a.expr.as_literal_str().as_deref() == Some("string"),
    })
}

/// A value given on the command line or in the environment.
fn cli_value(ev: &Evaluator, sources: &SourceMap, origin: &str, name: &str, raw: &str) -> Value {
    let id = sources.add(format!("<{origin} {name}>"), raw.to_string());
    let span = Some(crate::base::Span::new(id, 0..raw.len()));
    let mode = literal_mode(ev, name);
    if mode == Some(true) {
        return Value::str(raw, span);
    }
    if crate::syntax::nesting_depth(raw) <= crate::syntax::MAX_NESTING {
        if let Ok(e) = hcl_edit::parser::parse_expr(raw) {
            let v = ev.constant(&e, Loc::File(id));
            let ok = match mode {
                Some(_) => errors::first_error(&v).is_none(),
                None => v.is_fully_known(),
            };
            if ok {
                return v;
            }
        }
    }
    Value::str(raw, span)
}

fn vars_file(
    ev: &Evaluator,
    path: &Path,
    sources: &SourceMap,
    max: u64,
    out: &mut HashMap<String, Value>,
    diags: &mut Vec<Diagnostic>,
) {
    let id = match crate::base::fs::load(sources, path, max) {
        Ok(id) => id,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let text = sources.get(id).text.clone();
    let is_json = path.to_string_lossy().ends_with(".json");
    if is_json {
        match crate::syntax::json::parse(id, &text, 0) {
            Ok(p) => {
                if let Some(m) = p.value.as_map() {
                    for e in &m.entries {
                        out.insert(e.key.clone(), e.value.clone());
                    }
                }
            }
            Err(d) => diags.push(d.in_file(path)),
        }
    } else {
        match crate::syntax::hcl::parse_with_diagnostics(id, &text) {
            Ok((body, warnings)) => {
                diags.extend(warnings.into_iter().map(|d| d.in_file(path)));
                for a in body.attributes() {
                    out.insert(
                        a.key.as_str().to_string(),
                        ev.constant(&a.value, Loc::File(id)),
                    );
                }
            }
            Err(d) => diags.push(d.in_file(path)),
        }
    }
}

/// The root variables' values with Terraform's precedence (later wins): environment,
/// `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in lexical order,
/// `-var-file`s, then `-var`s.
fn root_variables(
    ev: &Evaluator,
    dir: &Path,
    sources: &SourceMap,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, Value> {
    let max = max_size(opts);
    let mut out = HashMap::new();
    for (k, v) in &opts.env_vars {
        let val = cli_value(ev, sources, "TF_VAR", k, v);
        out.insert(k.clone(), val);
    }
    for f in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(f);
        // Whatever it is (a FIFO, a link to a device or outside): `load` says why it is not read.
        if std::fs::symlink_metadata(&p).is_ok() {
            vars_file(ev, &p, sources, max, &mut out, diags);
        }
    }
    let mut autos: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
                .collect()
        })
        .unwrap_or_default();
    autos.sort();
    for f in autos {
        vars_file(ev, &dir.join(f), sources, max, &mut out, diags);
    }
    for f in opts.var_files_of(dir) {
        vars_file(ev, f, sources, max, &mut out, diags);
    }
    for (k, v) in &opts.vars {
        let val = cli_value(ev, sources, "-var", k, v);
        out.insert(k.clone(), val);
    }
    let _ = Map::new;
    out
}
