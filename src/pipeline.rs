//! Runs the stages in order: discover → syntax/frontends → graph → analysis and rules. Frontends,
//! graph building and rules run in parallel, and each unit of work is isolated: a panic in one file or unit becomes an
//! `internal-error` diagnostic and the run goes on.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::{Diagnostic, SourceMap};
use crate::discover::discover;
use crate::frontends::{self, Options, Unit};
use crate::graph::{self, Graph};
use crate::rules::{self, Finding, RuleSet, Unverified};

/// What to run on.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub paths: Vec<PathBuf>,
    pub options: Options,
    /// The rules to evaluate (none: the pipeline stops at the graph).
    pub rules: RuleSet,
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
        }
    }
}

/// Default `--max-file-size`: 16 MiB. The largest real plan in our corpus is 2 MB. `0` means no
/// limit (reads are still bounded by what a regular file holds: no FIFO or device is read).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

pub struct Output {
    pub sources: SourceMap,
    pub units: Vec<Unit>,
    pub graphs: Vec<Graph>,
    /// Diagnostics about the input, sorted by file and position, duplicates removed.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings of the rules, sorted by file, position and rule.
    pub findings: Vec<Finding>,
    /// Checks that could not be decided (for `--explain-unknown`), per task.
    pub unverified: Vec<Unverified>,
    /// Wall time of each stage (frontends run side by side, so theirs overlap).
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

/// Runs a frontend over a batch; if the batch panics, runs it again one item at a time so that
/// only the item that panics is lost.
fn batch<I: Clone + Sync, F>(items: &[I], name: impl Fn(&I) -> String + Sync, f: F) -> Vec<Unit>
where
    F: Fn(&[I]) -> Vec<Unit> + Sync,
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
                    Err(d) => vec![Unit {
                        name: name(i),
                        diagnostics: vec![d.in_file(name(i))],
                        ..Unit::default()
                    }],
                },
            )
            .collect(),
    }
}

/// Variable files of a Terraform root (beside it, or in a subdirectory without `.tf` files, such
/// as `env/prod.tfvars`) that Terraform does not load by itself and that were not given with
/// `--var-file`: the values they hold are not used, and the hint says how to use them.
fn unloaded_var_files(root: &std::path::Path, given: &[PathBuf]) -> Vec<Diagnostic> {
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
        discover(&config.paths, &sources, opts.max_bytes())
    });

    let clock = |f: &dyn Fn() -> Vec<Unit>| {
        let start = Instant::now();
        (f(), start.elapsed())
    };
    let ((tf, t_tf), ((plans, t_plan), (templates, t_cfn))) =
        timed(&mut timings, "frontends", || {
            rayon::join(
                || {
                    clock(&|| {
                        batch(
                            &found.terraform_dirs,
                            |d| d.display().to_string(),
                            |dirs| frontends::terraform::load(dirs, &sources, opts),
                        )
                    })
                },
                || {
                    rayon::join(
                        || {
                            clock(&|| {
                                batch(
                                    &found.plans,
                                    |f| sources.path(*f).display().to_string(),
                                    |files| {
                                        files
                                            .par_iter()
                                            .map(|f| frontends::plan::load(*f, &sources, opts))
                                            .collect()
                                    },
                                )
                            })
                        },
                        || {
                            clock(&|| {
                                let mut units = batch(
                                    &found.templates,
                                    |f| sources.path(*f).display().to_string(),
                                    |files| frontends::cloudformation::load(files, &sources, opts),
                                );
                                units.extend(batch(
                                    &found.task_definitions,
                                    |f| sources.path(*f).display().to_string(),
                                    |files| frontends::taskdef::load(files, &sources, opts),
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
    ]);
    let units: Vec<Unit> = tf.into_iter().chain(plans).chain(templates).collect();

    let built: Vec<Result<Graph, Diagnostic>> = timed(&mut timings, "graph", || {
        units
            .par_iter()
            .map(|u| {
                isolated(&u.name, || graph::build_with_sources(u, Some(&sources)))
                    .map_err(|d| d.in_file(u.root.clone()))
            })
            .collect()
    });
    let mut diagnostics = found.diagnostics;
    let mut graphs = Vec::new();
    for g in built {
        match g {
            Ok(g) => {
                diagnostics.extend(g.diagnostics.iter().cloned());
                diagnostics.extend(g.dangling_diagnostics());
                graphs.push(g)
            }
            Err(d) => diagnostics.push(d),
        }
    }
    for u in &units {
        diagnostics.extend(u.diagnostics.iter().cloned());
        if u.format == Some(frontends::Format::Terraform) && u.root.is_dir() {
            diagnostics.extend(unloaded_var_files(&u.root, &opts.var_files));
        }
    }
    let checked: Vec<Result<rules::Outcome, Diagnostic>> = timed(&mut timings, "rules", || {
        if config.rules.rules.is_empty() {
            return Vec::new();
        }
        graphs
            .par_iter()
            .map(|g| {
                isolated(&g.unit, || rules::check(g, &config.rules, &sources))
                    .map_err(|d| d.in_file(g.unit.clone()))
            })
            .collect()
    });
    let mut findings = Vec::new();
    let mut unverified = Vec::new();
    for c in checked {
        match c {
            Ok(o) => {
                findings.extend(o.findings);
                unverified.extend(o.unverified);
            }
            Err(d) => diagnostics.push(d),
        }
    }
    findings.sort_by_cached_key(|f| {
        (
            sources.path(f.primary.file),
            f.primary.start,
            f.rule.clone(),
            f.message.clone(),
        )
    });
    // A plan read with its `.tf` files beside it points into them, as the Terraform unit of the
    // same files does: the same finding twice, once.
    findings.dedup_by(|a, b| a.rule == b.rule && a.primary == b.primary && a.message == b.message);
    unverified.sort();
    unverified.dedup();
    let key = |d: &Diagnostic| {
        let path = d
            .span
            .map(|s| sources.path(s.file))
            .or_else(|| d.file.clone())
            .unwrap_or_default();
        (
            path,
            d.span.map(|s| (s.start, s.end)),
            d.code,
            d.message.clone(),
        )
    };
    diagnostics.sort_by_cached_key(key);
    diagnostics.dedup_by(|a, b| key(a) == key(b));
    Output {
        sources,
        units,
        graphs,
        diagnostics,
        findings,
        unverified,
        timings,
        empty_paths: found.empty_paths,
    }
}
