//! The rules stage: rules are data (`rules/*.yaml`, see `rules/README.md`), read into [`Rule`]s
//! and evaluated over the facts of the analysis stage, exposed by name through
//! [`subjects`]. A check fires only when every `when` condition is proven true and its
//! `require` is proven false; anything unknown on the way makes it *unverified* instead, which
//! `--explain-unknown` lists and which never becomes a finding.

pub mod baseline;
pub mod cond;
pub mod rule;
pub mod select;
pub mod subjects;
pub mod suppress;
mod value;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::analysis::{network, task};
use crate::base::diag::{self, Fix};
use crate::base::{Diagnostic, Format, Severity, SourceMap, Span};
use crate::graph::Graph;

pub use rule::{Check, Rule, Severities};
pub use select::Selection;
use subjects::{Instance, Subject};
use value::{render_code, CodeLang, Known, Tri};

/// The rules embedded at build time: `(file name, contents)`.
/// `--rules` files larger than this are refused (the built-in ones are a few KB).
const MAX_RULE_FILE: u64 = 1 << 20;

const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The rules of a run, sorted by id.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// The ids and names of the rules `--select`/`--ignore` left out: they do not run, but a
    /// suppression may still name them (see [`RuleSet::knows`]).
    pub left_out: Vec<(String, String)>,
}

impl RuleSet {
    /// The built-in rules. They are tested to load (`builtin_rules_load`); an error here is a
    /// bug of this build, reported with the rule file and the mistakes.
    pub fn builtin() -> Result<RuleSet, String> {
        let sources = SourceMap::new();
        let mut rules = Vec::new();
        for (name, text) in BUILTIN {
            let path = format!("rules/{name}");
            let id = sources.add(&path, *text);
            match rule::parse(id, text, &path, true) {
                Ok(r) => rules.push(r),
                Err(e) => {
                    let msgs: Vec<String> = e.iter().map(|d| d.message.clone()).collect();
                    return Err(format!(
                        "built-in rule {name} is invalid (a bug of this build): {}",
                        msgs.join("; ")
                    ));
                }
            }
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(RuleSet {
            rules,
            left_out: Vec::new(),
        })
    }

    /// Adds the `*.yaml` rules of a directory (a user's own rules). Files are registered in
    /// `sources` so that mistakes are reported at their place; an id or name already taken is
    /// an error.
    pub fn add_dir(&mut self, dir: &Path, sources: &SourceMap) -> Result<usize, Vec<Diagnostic>> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            vec![Diagnostic::error(
                "invalid-rule",
                format!("cannot read the rules directory: {e}"),
            )
            .in_file(dir)]
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        files.sort();
        let mut errors = Vec::new();
        let mut added = 0;
        for f in files {
            // A regular file of at most 1 MiB (a FIFO or `/dev/zero` named `x.yaml` is refused,
            // not waited on); the directory was named on the command line, so no boundary.
            let text = match crate::base::fs::read_file(&f, MAX_RULE_FILE, &[]).and_then(|b| {
                crate::base::source::decode_text(&b).map_err(|e| {
                    Diagnostic::error("encoding", format!("cannot decode: {e}")).in_file(&f)
                })
            }) {
                Ok(t) => t,
                Err(mut d) => {
                    d.severity = Severity::Error;
                    errors.push(d);
                    continue;
                }
            };
            let id = sources.add(&f, text.as_str());
            match rule::parse(id, &text, &f.display().to_string(), false) {
                Ok(r) => {
                    if let Some(o) = self.rules.iter().find(|o| o.id == r.id || o.name == r.name) {
                        errors.push(
                            Diagnostic::error(
                                "invalid-rule",
                                format!(
                                    "rule {} ({}) is already defined by {}",
                                    r.id, r.name, o.origin
                                ),
                            )
                            .in_file(&f),
                        );
                    } else {
                        self.rules.push(r);
                        added += 1;
                    }
                }
                Err(e) => errors.extend(e.into_iter().map(|d| d.in_file(&f))),
            }
        }
        self.rules.sort_by(|a, b| a.id.cmp(&b.id));
        if errors.is_empty() {
            Ok(added)
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(id) || r.name == id)
    }

    /// Whether `id` names a rule that was loaded, whether it runs or was left out.
    pub fn knows(&self, id: &str) -> bool {
        self.get(id).is_some()
            || (self.left_out.iter()).any(|(i, name)| i.eq_ignore_ascii_case(id) || name == id)
    }
}

/// A check that could not be decided for a task: what, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unverified {
    /// The unit the task definition is in (its module directory, template or plan, as the run
    /// names it): two templates may each have a `TaskDefinition`.
    pub unit: String,
    /// The unit's input format (what would make a fact known depends on it).
    pub format: Option<Format>,
    pub task: String,
    pub rule: String,
    pub title: String,
    pub reason: String,
}

/// Findings and unverified checks of one graph.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Diagnostics with [`crate::base::diag::Finding`] details.
    pub findings: Vec<Diagnostic>,
    pub unverified: Vec<Unverified>,
    /// Every task definition the rules were evaluated on, with or without findings.
    pub tasks: Vec<Checked>,
}

/// A task definition the rules were evaluated on (a test case, for reports that count them).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Checked {
    /// Its address, as findings name it in `Finding::task`.
    pub task: String,
    /// Where it is declared, and on which line (1-based: the file's text may be let go before
    /// a report reads it).
    pub span: Span,
    pub line: usize,
}

/// Analyses one graph: every subject instance with its facts.
pub fn facts(graph: &Graph) -> Vec<Instance> {
    let tasks = task::analyse(graph);
    let net = network::analyse(graph);
    subjects::instances(graph, &tasks, &net)
}

/// The facts of every instance as JSON (`pullpath facts`): what rule authors read.
pub fn facts_json(instances: &[Instance], sources: &SourceMap, cwd: &Path) -> serde_json::Value {
    let list: Vec<serde_json::Value> = instances
        .iter()
        .map(|i| {
            let mut facts = serde_json::Map::new();
            for (name, p) in i.facts() {
                let value = match &p.value {
                    Known::Bool(b) => serde_json::json!(b),
                    Known::Str(s) => serde_json::json!(s),
                    Known::List(l) => serde_json::json!(l),
                    Known::Loc => serde_json::json!("(location)"),
                    Known::Code(..) => serde_json::json!(p.display()),
                    Known::Unknown(r) => serde_json::json!({ "unknown": r }),
                    Known::Absent => serde_json::json!(null),
                };
                let at: Vec<String> =
                    p.at.iter()
                        .map(|(s, _)| {
                            let (a, _) = sources.line_col(*s);
                            format!(
                                "{}:{}:{}",
                                crate::base::source::display_path(&sources.path(s.file), cwd),
                                a.line,
                                a.column
                            )
                        })
                        .collect();
                facts.insert(
                    name.to_string(),
                    if at.is_empty() {
                        value
                    } else {
                        serde_json::json!({ "value": value, "at": at })
                    },
                );
            }
            serde_json::json!({
                "subject": i.subject.name(),
                "resource": i.resource,
                "task_definition": i.task,
                "facts": facts,
            })
        })
        .collect();
    serde_json::json!(list)
}

/// Analyses one graph and evaluates every rule over it.
///
/// Instances are made and evaluated one task definition at a time (a root of thousands of
/// services never holds them all); the findings come out in the order of an evaluation rule by
/// rule, check by check, over every instance.
pub fn check(graph: &Graph, rules: &RuleSet, sources: &SourceMap) -> Outcome {
    let tasks = task::analyse(graph);
    let net = network::analyse(graph);
    let sites = subjects::Sites::new(&net);
    let mut merge = Merge::default();
    for t in &tasks.tasks {
        merge.out.tasks.push(Checked {
            task: t.address.clone(),
            span: t.span,
            line: sources
                .get(t.span.file)
                .line_col(t.span.start as usize)
                .line,
        });
        let instances = subjects::task_instances(graph, t, &net, &sites);
        let mut by_subject: HashMap<Subject, Vec<&Instance>> = HashMap::new();
        for i in &instances {
            by_subject.entry(i.subject).or_default().push(i);
        }
        merge.evaluate(&rules.rules, &by_subject, graph, sources);
    }
    merge.finish()
}

/// The findings and unverified checks of one graph, merged as the tasks are evaluated.
#[derive(Default)]
struct Merge {
    out: Outcome,
    /// (rule, check) of each finding, to put them back in rule and check order.
    made_by: Vec<(usize, usize)>,
    /// (rule, check, primary) → index in `out.findings`: the same finding in module instances.
    seen: HashMap<(usize, usize, Option<Span>), usize>,
    /// (rule, check, resource, help) → index: one root cause (the help says what to change, on
    /// which resource), one finding.
    same_fix: HashMap<(usize, usize, String, String), usize>,
}

impl Merge {
    /// Evaluates every check of `rules` over the instances of one task.
    fn evaluate(
        &mut self,
        rules: &[Rule],
        by_subject: &HashMap<Subject, Vec<&Instance>>,
        graph: &Graph,
        sources: &SourceMap,
    ) {
        let format = graph.format;
        let out = &mut self.out;
        for (ri, r) in rules.iter().enumerate() {
            for (ci, c) in r.checks.iter().enumerate() {
                for inst in by_subject.get(&c.subject).into_iter().flatten() {
                    let when = Tri::all(c.when.iter().map(|x| x.eval(inst)));
                    if matches!(when, Tri::False | Tri::NotApplicable) {
                        continue;
                    }
                    let require = Tri::all(c.require.iter().map(|x| x.eval(inst)));
                    if require == Tri::NotApplicable {
                        continue;
                    }
                    match (&when, &require) {
                        (Tri::True, Tri::False) if inst.stand_in.is_some() => {
                            out.unverified.push(Unverified {
                                unit: graph.unit.clone(),
                                format,
                                task: inst.task.clone(),
                                rule: r.id.clone(),
                                title: r.title.clone(),
                                reason: inst.stand_in.clone().unwrap_or_default(),
                            });
                        }
                        (Tri::True, Tri::False) => {
                            let f = finding(r, c, inst, format, sources);
                            let resource = f
                                .finding
                                .as_ref()
                                .map(|x| x.resource.clone())
                                .unwrap_or_default();
                            let fix_key = (ri, ci, resource, f.help.clone().unwrap_or_default());
                            let primary = f.span;
                            let at = self
                                .seen
                                .get(&(ri, ci, primary))
                                .or_else(|| self.same_fix.get(&fix_key));
                            match at {
                                Some(&k) => {
                                    self.seen.insert((ri, ci, primary), k);
                                    out.findings[k].absorb(f);
                                }
                                None => {
                                    self.seen.insert((ri, ci, primary), out.findings.len());
                                    self.same_fix.insert(fix_key, out.findings.len());
                                    self.made_by.push((ri, ci));
                                    out.findings.push(f);
                                }
                            }
                        }
                        (_, Tri::True) => {}
                        (Tri::Unknown(reason), _) | (_, Tri::Unknown(reason)) => {
                            out.unverified.push(Unverified {
                                unit: graph.unit.clone(),
                                format,
                                task: inst.task.clone(),
                                rule: r.id.clone(),
                                title: r.title.clone(),
                                reason: reason.clone(),
                            });
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// The outcome in rule and check order: within one (rule, check), findings were made in
    /// instance order, so a stable sort restores the order across tasks.
    fn finish(self) -> Outcome {
        let mut out = self.out;
        let mut findings: Vec<_> = self.made_by.into_iter().zip(out.findings).collect();
        findings.sort_by_key(|(by, _)| *by);
        out.findings = findings.into_iter().map(|(_, f)| f).collect();
        out.unverified.sort();
        out.unverified.dedup();
        out
    }
}

/// The `{fact}` references of a template: `{` + a fact-shaped name + `}`, not preceded by `$`
/// (so that `${var.region}` in an HCL fix and `${AWS::Region}` in a YAML fix stay as written).
/// Yields the byte range of the braces and the name.
pub fn references(template: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let b = template.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = template[i..].find('{') {
        let open = i + off;
        i = open + 1;
        if open > 0 && b[open - 1] == b'$' {
            continue;
        }
        let Some(len) = template[open + 1..].find('}') else {
            break;
        };
        let name = &template[open + 1..open + 1 + len];
        if cond::Cond::parse(name).is_ok_and(|c| c.op == cond::Op::Holds && c.text == name) {
            out.push((open..open + len + 2, name));
        }
    }
    out
}

/// Replaces each `{fact}` reference by the instance's value of that fact.
pub fn expand(template: &str, inst: &Instance) -> String {
    expand_in(template, inst, None)
}

/// [`expand`], fix values (`{fix.vpc}`) written in a fix's language; `sources` gives the text
/// of what they cite as written.
fn expand_in(template: &str, inst: &Instance, lang: Option<(CodeLang, &SourceMap)>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut last = 0;
    for (range, name) in references(template) {
        out.push_str(&template[last..range.start]);
        let text = match (inst.get(name), lang) {
            (Some(p), Some((lang, sources))) => match &p.value {
                Known::Code(items, list) => {
                    let slice = |s: Span| Some(sources.get(s.file).slice(s).to_string());
                    render_code(items, *list, lang, &slice)
                }
                _ => p.display(),
            },
            (Some(p), None) => p.display(),
            (None, _) => "⟨?⟩".into(),
        };
        out.push_str(&text);
        last = range.end;
    }
    out.push_str(&template[last..]);
    out
}

/// The fix language of a file: HCL for Terraform (plans are fixed in their `.tf` files),
/// JSON or YAML for CloudFormation, as the file is written.
fn fix_for(
    c: &Check,
    format: Option<Format>,
    primary: Span,
    sources: &SourceMap,
) -> (CodeLang, Option<String>) {
    let file = sources.get(primary.file);
    let ext = file
        .path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let json_text = file.text.trim_start().starts_with('{');
    let (lang, fix) = if ext == "tf" || matches!(format, Some(Format::Terraform | Format::Plan)) {
        if ext == "json" && format == Some(Format::Terraform) {
            (CodeLang::Json, &c.fix.json)
        } else {
            (CodeLang::Hcl, &c.fix.hcl)
        }
    } else if json_text {
        (CodeLang::Json, &c.fix.json)
    } else {
        (CodeLang::Yaml, &c.fix.yaml)
    };
    (lang, fix.clone())
}

fn finding(
    r: &Rule,
    c: &Check,
    inst: &Instance,
    format: Option<Format>,
    sources: &SourceMap,
) -> Diagnostic {
    let primary = c
        .primary
        .as_ref()
        .and_then(|p| inst.get(p))
        .and_then(|p| p.at.first().map(|a| a.0))
        .unwrap_or(inst.span);
    let (lang, fix) = fix_for(c, format, primary, sources);
    let mut related: Vec<(Span, String)> = Vec::new();
    for rel in &c.related {
        let Some(p) = inst.get(&rel.at) else {
            continue;
        };
        for (span, own) in &p.at {
            let label = own.clone().unwrap_or_else(|| expand(&rel.label, inst));
            if *span != primary && !related.iter().any(|(s, _)| s == span) {
                related.push((*span, label));
            }
        }
    }
    let help = expand_in(c.help.trim_end(), inst, Some((lang, sources)));
    let fix = fix.map(|f| {
        Fix::display_only(
            fix_title(&help),
            primary,
            expand_in(f.trim_end(), inst, Some((lang, sources))),
        )
    });
    Diagnostic {
        severity: c.severity.for_format(format),
        code: r.id.clone().into(),
        message: expand(&c.message, inst),
        file: None,
        span: Some(primary),
        label: expand(&c.label, inst),
        related,
        help: Some(help),
        fix,
        finding: Some(Box::new(diag::Finding {
            title: r.title.clone(),
            resource: inst.resource.clone(),
            task: inst.task.clone(),
            deploy_error: expand(c.deploy_error.trim_end(), inst),
            instances: Vec::new(),
            same_fix: Vec::new(),
            suppression: None,
        })),
    }
}

/// A fix's title: the first sentence of the help (which says what to change).
fn fix_title(help: &str) -> String {
    let first = help.split(". ").next().unwrap_or(help);
    first.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests;
