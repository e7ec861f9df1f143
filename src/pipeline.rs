//! Runs the stages in order: discover → syntax/frontends → graph → analysis and rules, each unit
//! streaming through graph and rules as its frontend hands it over. Frontends,
//! graph building and rules run in parallel, and each unit of work is isolated: a panic in one file or unit becomes an
//! `internal-error` diagnostic and the run goes on.

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::{Diagnostic, FileId, Severity, SourceMap};
use crate::discover::discover;
use crate::frontends::{self, Options, Unit};
use crate::graph::{self, Graph};
use crate::rules::baseline::Baseline;
use crate::rules::{self, RuleSet, Unverified};
use crate::syntax;

/// What to run on.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub paths: Vec<PathBuf>,
    pub options: Options,
    /// The rules to evaluate (none: the pipeline stops at the graph).
    pub rules: RuleSet,
    /// Keep only what the report shows (`pullpath check`): each unit's resources and graph are
    /// dropped once its findings are made ([`Output::units`] keep their name, format, root and
    /// diagnostics; [`Output::graphs`] is empty), and at the end the text of every file that
    /// no finding or diagnostic cites. Otherwise everything is kept (`graph`, `facts`, tests).
    pub lean: bool,
    /// Paths not to scan (the configuration file's `exclude`).
    pub exclude: crate::discover::Exclude,
    /// Findings and diagnostics below this severity are left out (`--min-severity`).
    pub min_severity: Severity,
    /// A given file in which there is nothing to read (`package.json`, a workflow) is skipped
    /// quietly, not reported in [`Output::empty_paths`]: pre-commit passes every changed file.
    pub skip_other_files: bool,
    /// The baseline to apply, or to record the run into.
    pub baseline: Option<BaselineUse>,
}

/// What a run does with a baseline (see [`rules::baseline`]). It is applied after the
/// suppressions and before `--min-severity`, so that it holds findings of every severity.
#[derive(Clone, Debug)]
pub enum BaselineUse {
    /// Report only the findings it does not hold (`--baseline`).
    Apply(Baseline),
    /// Record the run's findings into it (`--write-baseline`; it holds the previous file's
    /// entries, or none), then apply what was recorded: [`Output::recorded`] is what to write.
    Record(Baseline),
}

impl Config {
    /// A configuration for `paths` with the defaults: the size limit, and reads (sources,
    /// `file()` / `templatefile()`, nested stacks) allowed inside the git repositories of the
    /// given paths (see [`crate::base::fs::boundary`]).
    pub fn new(paths: Vec<PathBuf>) -> Config {
        let scan_roots = crate::base::fs::boundary(&paths, &[]);
        Config {
            paths,
            options: Options {
                max_file_size: DEFAULT_MAX_FILE_SIZE,
                scan_roots,
                ..Options::default()
            },
            rules: RuleSet::default(),
            lean: false,
            exclude: Default::default(),
            min_severity: Severity::Info,
            skip_other_files: false,
            baseline: None,
        }
    }
}

/// Default `--max-file-size`: 16 MiB. The largest real plan in our corpus is 2 MB. `0` means no
/// limit (reads are still bounded by what a regular file holds: no FIFO or device is read).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

pub struct Output {
    pub sources: SourceMap,
    /// The units (without their resources with [`Config::lean`]).
    pub units: Vec<Unit>,
    /// The resources of every unit, counted before they are dropped.
    pub resources: usize,
    /// The graph of every unit (none with [`Config::lean`]).
    pub graphs: Vec<Graph>,
    /// Diagnostics about the input, sorted by file and position, duplicates removed.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings of the rules, sorted by file, position and rule.
    pub findings: Vec<Diagnostic>,
    /// Findings an inline suppression covers (each with its `finding.suppression`), in the same
    /// order: not in [`Output::findings`], not counted for the exit code.
    pub suppressed: Vec<Diagnostic>,
    /// How many findings the baseline holds (not in [`Output::findings`]).
    pub baselined: usize,
    /// With [`BaselineUse::Record`]: the baseline to write, and how many of its entries were
    /// kept from the previous file (files the run did not read, rules that did not run).
    pub recorded: Option<(Baseline, usize)>,
    /// Checks that could not be decided (for `--explain-unknown`), per task.
    pub unverified: Vec<Unverified>,
    /// The task definitions the rules were evaluated on, sorted, each once.
    pub tasks: Vec<rules::Checked>,
    /// Wall time of each stage; graph and rules run inside the frontends, per unit (their
    /// times are summed over threads).
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// The given paths in which nothing pullpath reads was found (no `.tf` directory, plan,
    /// template or task definition, and no such file it could not read), each with a hint.
    pub empty_paths: Vec<(PathBuf, String)>,
}

fn timed<T>(
    timings: &mut Vec<(&'static str, Duration)>,
    what: &'static str,
    f: impl FnOnce() -> T,
) -> T {
    let start = Instant::now();
    let out = f();
    timings.push((what, start.elapsed()));
    out
}

/// Runs `f`, turning a panic into an `internal-error` diagnostic about `what`.
fn isolated<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    let _working = crate::base::crash::working_on(what);
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Diagnostic::error(
            "internal-error",
            format!("internal error while reading {what}: {msg} (please report this)"),
        )
    })
}

/// Runs a frontend over a batch, each unit handed to `each` as it comes; if the batch panics,
/// runs it again one item at a time so that only the item that panics is lost.
fn batch<I: Clone + Sync, R: Send, F>(
    items: &[I],
    name: impl Fn(&I) -> String + Sync,
    f: F,
    each: &(dyn Fn(Unit) -> R + Sync),
) -> Vec<R>
where
    F: Fn(&[I]) -> Vec<R> + Sync,
{
    if items.is_empty() {
        return Vec::new();
    }
    match isolated("a batch of inputs", || f(items)) {
        Ok(units) => units,
        Err(_) => items
            .par_iter()
            .flat_map(
                |i| match isolated(&name(i), || f(std::slice::from_ref(i))) {
                    Ok(units) => units,
                    Err(d) => vec![each(Unit {
                        name: name(i),
                        diagnostics: vec![d.in_file(name(i))],
                        ..Unit::default()
                    })],
                },
            )
            .collect(),
    }
}

/// Variable files of a Terraform root (beside it, or in a subdirectory without `.tf` files, such
/// as `env/prod.tfvars`) that Terraform does not load by itself and that were not given with
/// `--var-file`: the values they hold are not used, and the hint says how to use them.
fn unloaded_var_files(root: &std::path::Path, given: &[&PathBuf]) -> Vec<Diagnostic> {
    let is_vars = |n: &str| n.ends_with(".tfvars") || n.ends_with(".tfvars.json");
    let auto = |n: &str| {
        matches!(n, "terraform.tfvars" | "terraform.tfvars.json")
            || n.ends_with(".auto.tfvars")
            || n.ends_with(".auto.tfvars.json")
    };
    let names = |dir: &std::path::Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        v.sort();
        v
    };
    let given: Vec<PathBuf> = given
        .iter()
        .filter_map(|g| std::fs::canonicalize(g).ok())
        .collect();
    let mut files = Vec::new();
    for p in names(root) {
        let name = p.file_name().map(|n| n.to_string_lossy().to_string());
        let Some(name) = name else { continue };
        if p.is_file() && is_vars(&name) && !auto(&name) {
            files.push(p);
        } else if p.is_dir() && !name.starts_with('.') {
            let inner = names(&p);
            let module = inner.iter().any(|f| {
                f.extension()
                    .is_some_and(|x| x == "tf" || f.to_string_lossy().ends_with(".tf.json"))
            });
            if !module {
                files.extend(inner.into_iter().filter(|f| {
                    f.is_file() && f.file_name().is_some_and(|n| is_vars(&n.to_string_lossy()))
                }));
            }
        }
    }
    files
        .into_iter()
        .filter(|f| std::fs::canonicalize(f).map_or(true, |c| !given.contains(&c)))
        .map(|f| {
            let shown = f
                .strip_prefix(".")
                .map(PathBuf::from)
                .unwrap_or_else(|_| f.clone());
            let shown = shown.display();
            Diagnostic::info(
                "tfvars-not-loaded",
                format!(
                    "`{shown}` is not loaded automatically (only terraform.tfvars and \
                     *.auto.tfvars are); pass `--var-file {shown}` to check with its values"
                ),
            )
            .in_file(f)
        })
        .collect()
}

/// Stack size of the worker threads: evaluators recurse over nested expressions, and inputs are
/// already bounded in depth (see `syntax::MAX_NESTING`); this leaves a wide margin.
const STACK_SIZE: usize = 64 * 1024 * 1024;

/// Runs the pipeline on a dedicated thread pool (large stacks, all cores).
pub fn run(config: &Config) -> Output {
    match rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("pullpath-{i}"))
        .build()
    {
        Ok(pool) => pool.install(|| run_here(config)),
        Err(_) => run_here(config),
    }
}

fn run_here(config: &Config) -> Output {
    let sources = SourceMap::new();
    let opts = &config.options;
    sources.set_boundary(opts.scan_roots.clone());
    let mut timings = Vec::new();
    let found = timed(&mut timings, "discover", || {
        discover(
            &config.paths,
            &sources,
            opts.max_bytes(),
            &config.exclude,
            config.skip_other_files,
        )
    });

    // Each unit streams through graph and rules as its frontend hands it over: with `lean`,
    // its resources and graph are dropped once its findings are made, so that a run holds the
    // graphs of the units in progress, not of every unit.
    let (t_graph, t_rules) = (AtomicU64::new(0), AtomicU64::new(0));
    let process = |mut u: Unit| -> Done {
        let start = Instant::now();
        let built = isolated(&u.name, || graph::build_with_sources(&u, Some(&sources)))
            .map_err(|d| d.in_file(u.root.clone()));
        let mid = Instant::now();
        t_graph.fetch_add(nanos(mid - start), Ordering::Relaxed);
        let resources = u.resources.len();
        if config.lean {
            u.resources = Vec::new();
        }
        let mut graph_diagnostics = Vec::new();
        let mut outcome = None;
        let graph = match built {
            Ok(g) => {
                graph_diagnostics.extend(g.diagnostics.iter().cloned());
                graph_diagnostics.extend(g.dangling_diagnostics());
                if !config.rules.rules.is_empty() {
                    outcome = Some(
                        isolated(&g.unit, || rules::check(&g, &config.rules, &sources))
                            .map_err(|d| d.in_file(g.unit.clone())),
                    );
                }
                Some(g)
            }
            Err(d) => {
                graph_diagnostics.push(d);
                None
            }
        };
        t_rules.fetch_add(nanos(mid.elapsed()), Ordering::Relaxed);
        let mut unit_diagnostics = u.diagnostics.clone();
        if u.format == Some(crate::base::Format::Terraform) && u.root.is_dir() {
            unit_diagnostics.extend(unloaded_var_files(&u.root, &opts.var_files_of(&u.root)));
        }
        Done {
            graph: graph.filter(|_| !config.lean),
            unit: u,
            resources,
            graph_diagnostics,
            unit_diagnostics,
            outcome,
        }
    };
    let process = &process;
    let clock = |f: &dyn Fn() -> Vec<Done>| {
        let start = Instant::now();
        (f(), start.elapsed())
    };
    let ((tf, t_tf), ((plans, t_plan), (templates, t_cfn))) =
        timed(&mut timings, "frontends, graph and rules", || {
            one_after_other(
                || {
                    clock(&|| {
                        batch(
                            &found.terraform_dirs,
                            |d| d.display().to_string(),
                            |dirs| frontends::terraform::load_each(dirs, &sources, opts, process),
                            process,
                        )
                    })
                },
                || {
                    one_after_other(
                        || {
                            clock(&|| {
                                batch(
                                    &found.plans,
                                    |f| sources.path(*f).display().to_string(),
                                    |files| {
                                        files
                                            .par_iter()
                                            .map(|f| {
                                                process(frontends::plan::load(*f, &sources, opts))
                                            })
                                            .collect()
                                    },
                                    process,
                                )
                            })
                        },
                        || {
                            clock(&|| {
                                let mut units = batch(
                                    &found.templates,
                                    |f| sources.path(*f).display().to_string(),
                                    |files| {
                                        frontends::cloudformation::load(files, &sources, opts)
                                            .into_par_iter()
                                            .map(process)
                                            .collect()
                                    },
                                    process,
                                );
                                units.extend(batch(
                                    &found.task_definitions,
                                    |f| sources.path(*f).display().to_string(),
                                    |files| {
                                        frontends::taskdef::load(files, &sources, opts)
                                            .into_par_iter()
                                            .map(process)
                                            .collect()
                                    },
                                    process,
                                ));
                                units
                            })
                        },
                    )
                },
            )
        });
    timings.extend([
        ("  terraform", t_tf),
        ("  plan", t_plan),
        ("  cloudformation and task definitions", t_cfn),
        (
            "  graph (all threads)",
            Duration::from_nanos(t_graph.into_inner()),
        ),
        (
            "  rules (all threads)",
            Duration::from_nanos(t_rules.into_inner()),
        ),
    ]);
    // Diagnostics, findings and unverified checks in the order of the stages: the graph
    // diagnostics of every unit, then the units' own, then the rules'.
    let mut diagnostics = found.diagnostics;
    let mut units = Vec::new();
    let mut resources = 0;
    let mut graphs = Vec::new();
    let mut unit_diagnostics = Vec::new();
    let mut outcomes = Vec::new();
    for d in tf.into_iter().chain(plans).chain(templates) {
        diagnostics.extend(d.graph_diagnostics);
        unit_diagnostics.extend(d.unit_diagnostics);
        outcomes.extend(d.outcome);
        graphs.extend(d.graph);
        resources += d.resources;
        units.push(d.unit);
    }
    diagnostics.extend(unit_diagnostics);
    let mut findings = Vec::new();
    let mut unverified = Vec::new();
    let mut tasks = Vec::new();
    for c in outcomes {
        match c {
            Ok(o) => {
                findings.extend(o.findings);
                unverified.extend(o.unverified);
                tasks.extend(o.tasks);
            }
            Err(d) => diagnostics.push(d),
        }
    }
    findings.sort_by_cached_key(|f| {
        (
            f.span.map(|s| sources.path(s.file)),
            f.span.map(|s| s.start),
            f.code.clone(),
            own_message(f),
            f.message.len(),
        )
    });
    // A plan read with its `.tf` files beside it points into them, as the Terraform unit of the
    // same files does; a template importing another's export holds the exporter's resources
    // (named `a.yaml/Task`) beside the exporter's own unit: the same finding twice, once (the
    // exporter's own wording, the shorter, is kept).
    findings
        .dedup_by(|a, b| a.code == b.code && a.span == b.span && own_message(a) == own_message(b));
    // Inline suppressions, read before the text is let go (see `syntax::suppress`).
    let mut suppressed = Vec::new();
    if !config.rules.rules.is_empty() {
        let (ignores, mut found_diagnostics) = timed(&mut timings, "suppressions", || {
            suppressions(&sources, &found.templates)
        });
        let applied = rules::suppress::apply(findings, &ignores, &config.rules);
        findings = applied.findings;
        suppressed = applied.suppressed;
        diagnostics.append(&mut found_diagnostics);
        diagnostics.extend(applied.diagnostics);
    }
    let (mut baselined, mut recorded) = (0, None);
    if let Some(u) = &config.baseline {
        let b = match u {
            BaselineUse::Apply(b) => b,
            BaselineUse::Record(previous) => {
                &recorded
                    .insert(previous.record(&findings, &sources, &config.rules))
                    .0
            }
        };
        let applied = timed(&mut timings, "baseline", || {
            b.apply(findings, &sources, &config.rules)
        });
        findings = applied.new;
        baselined = applied.baselined;
        diagnostics.extend(applied.stale);
    }
    unverified.sort();
    unverified.dedup();
    // A plan read with its `.tf` files beside it has the same task definitions at the same
    // places, and an importing template holds its exporter's: one task definition per place,
    // named as its own unit names it.
    tasks.sort_by_cached_key(|t| {
        let own = !t.task.contains('/');
        (
            sources.path(t.span.file),
            t.span.start,
            !own,
            t.task.clone(),
        )
    });
    tasks.dedup_by(|a, b| a.span == b.span);
    let key = |d: &Diagnostic| {
        let path = d
            .span
            .map(|s| sources.path(s.file))
            .or_else(|| d.file.clone())
            .unwrap_or_default();
        (
            path,
            d.span.map(|s| (s.start, s.end)),
            d.code.clone(),
            d.message.clone(),
        )
    };
    diagnostics.sort_by_cached_key(key);
    diagnostics.dedup_by(|a, b| key(a) == key(b));
    for list in [&mut findings, &mut suppressed, &mut diagnostics] {
        list.retain(|d| d.severity >= config.min_severity);
    }
    if config.lean {
        let mut cited = cited_files(&findings, &diagnostics);
        cited.extend(cited_files(&suppressed, &[]));
        sources.keep_text_of(&cited);
    }
    Output {
        sources,
        units,
        resources,
        graphs,
        diagnostics,
        findings,
        suppressed,
        baselined,
        recorded,
        unverified,
        tasks,
        timings,
        empty_paths: found.empty_paths,
    }
}

impl Output {
    /// What a report reads: the findings, then the input diagnostics (both taken out of the
    /// output), and their summary. `checked`: the rules ran.
    pub fn report(&mut self, checked: bool) -> (Vec<Diagnostic>, crate::report::Summary) {
        let mut diagnostics = std::mem::take(&mut self.findings);
        diagnostics.append(&mut self.diagnostics);
        let summary = crate::report::Summary::of(
            &diagnostics,
            self.units.len(),
            self.resources,
            self.sources.len(),
            &self.unverified,
            checked,
        );
        let summary = crate::report::Summary {
            suppressed: self.suppressed.len(),
            baselined: self.baselined,
            ..summary
        };
        (diagnostics, summary)
    }
}

/// A finding's message as the unit that owns its task definition words it: a template importing
/// another's export names the exporter's resources with a prefix (`a.yaml/Role`), which is taken
/// out (nested stacks' prefixes too, harmlessly: their resources are in one unit only).
fn own_message(f: &Diagnostic) -> String {
    let prefix =
        (f.finding.as_ref()).and_then(|x| x.task.rfind('/').map(|i| x.task[..=i].to_string()));
    match prefix {
        Some(p) => f.message.replace(&p, ""),
        None => f.message.clone(),
    }
}

/// What one unit left after graph and rules.
struct Done {
    unit: Unit,
    resources: usize,
    graph: Option<Graph>,
    graph_diagnostics: Vec<Diagnostic>,
    unit_diagnostics: Vec<Diagnostic>,
    outcome: Option<Result<rules::Outcome, Diagnostic>>,
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The inline suppressions of the files read: the `.tf` files (those of a plan's `--tf-root`
/// too) and the templates, each with its `invalid-ignore` diagnostics. Only files that contain
/// `pullpath` are parsed for them (a second parse of those few; the others cost a substring
/// search), so a run without suppressions pays nothing more.
fn suppressions(
    sources: &SourceMap,
    templates: &[FileId],
) -> (Vec<syntax::suppress::Ignore>, Vec<Diagnostic>) {
    let templates: HashSet<FileId> = templates.iter().copied().collect();
    let per_file: Vec<_> = (0..sources.len())
        .into_par_iter()
        .map(|i| {
            let id = FileId(i as u32);
            let file = sources.get(id);
            if file.released() {
                return (Vec::new(), Vec::new());
            }
            syntax::suppress::of_file(id, &file.path, &file.text, templates.contains(&id))
        })
        .collect();
    let mut ignores = Vec::new();
    let mut diagnostics = Vec::new();
    for (i, d) in per_file {
        ignores.extend(i);
        diagnostics.extend(d);
    }
    (ignores, diagnostics)
}

/// The files a report shows: those a finding or a diagnostic points into.
fn cited_files(findings: &[Diagnostic], diagnostics: &[Diagnostic]) -> HashSet<FileId> {
    let mut files = HashSet::new();
    for d in findings.iter().chain(diagnostics) {
        files.extend(d.span.map(|s| s.file));
        files.extend(d.related.iter().map(|(s, _)| s.file));
        if let Some(f) = &d.finding {
            files.extend(f.same_fix.iter().map(|(s, _)| s.file));
        }
        if let Some(fix) = &d.fix {
            files.extend(fix.edits.iter().map(|e| e.span.file));
        }
    }
    files
}

/// Runs `a`, then `b`: the frontends run one after the other (each in parallel over its
/// inputs), so that the peak memory is the largest one's, not their sum (the Terraform frontend
/// holds the parsed files of every directory while it evaluates the roots).
fn one_after_other<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B) -> (A, B) {
    let a = a();
    (a, b())
}
