use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use pullpath::base::Severity;
use pullpath::config;
use pullpath::frontends::{budget, Options};
use pullpath::pipeline::{self, Config, DEFAULT_MAX_FILE_SIZE};
use pullpath::report::{self, Emitter, TextStyle};
use pullpath::rules::select::parse_severity;
use pullpath::rules::{RuleSet, Selection};

/// The run allocates many small values (every evaluated value keeps its span); mimalloc cuts the
/// time spent in the allocator, which was a quarter of the run with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Will this ECS/Fargate task be able to pull its container image? Reads Terraform (HCL and plan
/// JSON) and CloudFormation (YAML and JSON).
#[derive(Parser)]
#[command(name = "pullpath", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Trace each Fargate task's pull path and report what would stop it at deploy.
    Check(CheckArgs),
    /// Print the resource graph pullpath builds from the inputs.
    Graph(CommonArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print the documentation of one rule (`pullpath explain FGP021`).
    Explain(ExplainArgs),
    /// Print the facts rules read, per subject (JSON): for writing and debugging rules.
    Facts(CommonArgs),
    /// Write a commented `pullpath.toml` (every option, all commented out) in DIR (default: the
    /// current directory).
    Init { dir: Option<PathBuf> },
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Also load the rules (`*.yaml`) of this directory, in the format of `rules/README.md`.
    #[arg(long = "rules", value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Exit with 1 when a finding or diagnostic is at or above this severity [default: error].
    #[arg(long = "fail-on", value_enum)]
    fail_on: Option<FailOn>,
    /// Run only these rules: ids, id prefixes (`FGP02`), names or `ALL` (comma-separated or
    /// repeated; replaces the configuration file's `select`).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these rules (as `--select`; added to the configuration file's `ignore`).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Leave out findings and diagnostics below this severity [default: info].
    #[arg(long = "min-severity", value_name = "LEVEL", value_parser = parse_severity)]
    min_severity: Option<Severity>,
    /// The severity of a rule's findings, `RULES=LEVEL` (RULES as `--select`; repeatable).
    #[arg(long, value_name = "RULES=LEVEL", value_parser = parse_rule_severity)]
    severity: Vec<(String, Severity)>,
    /// List, per task definition, the checks that could not be decided and why.
    #[arg(long = "explain-unknown")]
    explain_unknown: bool,
    /// A file given in which there is nothing to read (package.json, a workflow) is skipped
    /// quietly instead of being an error: what the pre-commit hook passes.
    #[arg(long = "skip-other-files")]
    skip_other_files: bool,
    /// Report only the findings this baseline does not hold (written by `--write-baseline`;
    /// replaces the configuration file's `baseline`).
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    baseline: Option<PathBuf>,
    /// Record the findings of this run in FILE (keeping its entries of files this run did not
    /// read); the run then reports as `--baseline FILE` would: no finding.
    #[arg(long = "write-baseline", value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Apply no baseline (not the configuration file's `baseline` either).
    #[arg(long = "no-baseline")]
    no_baseline: bool,
}

#[derive(Args)]
struct RulesArgs {
    /// Also load the rules of this directory (besides the configuration file's `rules`).
    #[arg(long = "rules", value_name = "DIR")]
    rules: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(Args)]
struct ExplainArgs {
    /// A rule id (`FGP021`) or name.
    rule: String,
    /// Also load the rules of this directory (besides the configuration file's `rules`).
    #[arg(long = "rules", value_name = "DIR")]
    rules: Vec<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
}

/// Which configuration file applies.
#[derive(Args)]
struct ConfigArgs {
    /// The configuration file (default: `pullpath.toml` or `.pullpath.toml` in the first path's
    /// directory, or the current one, or above, up to the top of its git repository).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Read no configuration file.
    #[arg(long = "no-config")]
    no_config: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Args)]
struct CommonArgs {
    /// Files or directories to read (default: the current directory).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
    /// Output format: text, json, sarif, github, junit, gitlab or compact (`check`; `graph` prints text or
    /// json, `facts` json). `FORMAT=FILE` writes that format to FILE; repeat to write several in
    /// one run (`--format text --format sarif=pullpath.sarif`).
    #[arg(long, value_name = "FORMAT[=FILE]", value_parser = parse_format)]
    format: Vec<(String, Option<PathBuf>)>,
    /// Write the report to FILE instead of standard output (the one `--format` given without
    /// a file).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Terraform: a variables file (repeatable, applied in order).
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// Terraform: a variable, `NAME=VALUE` (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_kv)]
    vars: Vec<(String, String)>,
    /// CloudFormation: a parameter, `KEY=VALUE` (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_kv)]
    params: Vec<(String, String)>,
    /// CloudFormation: a parameters file, in either AWS CLI form (repeatable).
    #[arg(long = "params-file", value_name = "FILE")]
    params_files: Vec<PathBuf>,
    /// Terraform plan: the directory of the `.tf` sources, to point at them instead of the plan.
    #[arg(long = "tf-root", value_name = "DIR")]
    tf_root: Option<PathBuf>,
    /// Files larger than this many bytes are skipped, with a diagnostic (default 16 MiB; 0: no
    /// limit). Only regular files are ever read.
    #[arg(long = "max-file-size", value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
    /// Evaluation steps of one unit (expressions, iterations, template elements; a nested stack
    /// counts 10000); what is not evaluated after is unknown (0: no limit).
    #[arg(long = "max-eval-steps", value_name = "N", default_value_t = budget::DEFAULT_MAX_EVAL_STEPS)]
    max_eval_steps: u64,
    /// The size of any one evaluated value: its text, plus 64 bytes per element of a list or
    /// map, all the way down (default 16 MiB); a larger value is unknown (0: no limit).
    #[arg(long = "max-value-size", value_name = "BYTES", default_value_t = budget::DEFAULT_MAX_VALUE_SIZE)]
    max_value_size: u64,
    /// What the values one unit's evaluation makes may take in all (default 512 MiB); what is
    /// evaluated after is unknown (0: no limit).
    #[arg(long = "max-eval-memory", value_name = "BYTES", default_value_t = budget::DEFAULT_MAX_EVAL_MEMORY)]
    max_eval_memory: u64,
    /// When to use colours (also honours NO_COLOR).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print the wall time of each stage on standard error.
    #[arg(long)]
    timings: bool,
    /// Show every input diagnostic on its own (by default, variables without a value, variable
    /// files not loaded and references out of the unit are one note each, and identical
    /// diagnostics one with a count).
    #[arg(long, short = 'v')]
    verbose: bool,
}

/// `pullpath rules --format`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ListFormat {
    Text,
    Json,
}

/// `FORMAT` or `FORMAT=FILE`, FORMAT one of [`report::FORMATS`].
fn parse_format(s: &str) -> Result<(String, Option<PathBuf>), String> {
    let (name, file) = match s.split_once('=') {
        Some((n, f)) if !f.is_empty() => (n, Some(PathBuf::from(f))),
        Some(_) => return Err(format!("`{s}`: a file name after `=`")),
        None => (s, None),
    };
    if !report::FORMATS.contains(&name) {
        return Err(format!(
            "`{name}` is not a format; one of {}",
            report::FORMATS.join(", ")
        ));
    }
    Ok((name.to_string(), file))
}

/// `RULES=LEVEL`.
fn parse_rule_severity(s: &str) -> Result<(String, Severity), String> {
    let (rule, level) = parse_kv(s).map_err(|_| format!("expected RULES=LEVEL, got `{s}`"))?;
    Ok((rule, parse_severity(&level)?))
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

fn parse_kv(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// Exit codes: nothing at or above `--fail-on` 0, something 1, usage or I/O error 2, a bug
/// (a panic that was not caught per unit of work) 3.
const EXIT_INTERNAL_ERROR: u8 = 3;

fn main() -> ExitCode {
    // A panic caught per unit of work is reported as an `internal-error` diagnostic; one that
    // reaches here is printed as a crash report (what, where, which file, how to report it).
    std::panic::set_hook(Box::new(pullpath::base::crash::hook));
    match std::panic::catch_unwind(run_cli) {
        Ok(code) => code,
        Err(_) => {
            let _ = std::io::stdout().flush();
            eprint!(
                "{}",
                report::escape_controls(&pullpath::base::crash::report())
            );
            ExitCode::from(EXIT_INTERNAL_ERROR)
        }
    }
}

fn run_cli() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(a) => run(
            "check",
            a.common,
            Some(CheckOptions {
                rules: a.rules,
                fail_on: a.fail_on,
                explain_unknown: a.explain_unknown,
                selection: Selection {
                    select: a.select,
                    ignore: a.ignore,
                    severity: a.severity,
                },
                min_severity: a.min_severity,
                skip_other_files: a.skip_other_files,
                baseline: a.baseline,
                write_baseline: a.write_baseline,
                no_baseline: a.no_baseline,
            }),
        ),
        Command::Graph(a) => run("graph", a, None),
        Command::Facts(a) => run("facts", a, None),
        Command::Rules(a) => list_rules(a),
        Command::Explain(a) => explain(a),
        Command::Init { dir } => init(dir),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pullpath: {}", report::escape_controls(&e));
            ExitCode::from(2)
        }
    }
}

struct CheckOptions {
    rules: Vec<PathBuf>,
    fail_on: Option<FailOn>,
    explain_unknown: bool,
    skip_other_files: bool,
    selection: Selection,
    min_severity: Option<Severity>,
    baseline: Option<PathBuf>,
    write_baseline: Option<PathBuf>,
    no_baseline: bool,
}

/// The baseline of a `check`: `--write-baseline` (its previous entries read, if the file
/// exists: a file that is not a baseline is not overwritten), else `--baseline`, else the
/// configuration file's `baseline` unless `--no-baseline`.
fn baseline_use(
    c: &CheckOptions,
    conf: Option<&config::Config>,
) -> Result<Option<pipeline::BaselineUse>, String> {
    use pullpath::rules::baseline::Baseline;
    if let Some(w) = &c.write_baseline {
        let previous = if std::fs::symlink_metadata(w).is_ok() {
            Baseline::read(w).map_err(|e| format!("{e}; not overwritten"))?
        } else {
            Baseline::empty(w)?
        };
        return Ok(Some(pipeline::BaselineUse::Record(previous)));
    }
    if c.no_baseline {
        return Ok(None);
    }
    let read = match (&c.baseline, conf) {
        (Some(b), _) => Baseline::read(b)?,
        (None, Some(cf)) => match &cf.file.baseline {
            Some(b) => {
                Baseline::read(&cf.resolve(b)).map_err(|e| cf.error(&format!("baseline: {e}")))?
            }
            None => return Ok(None),
        },
        (None, None) => return Ok(None),
    };
    Ok(Some(pipeline::BaselineUse::Apply(read)))
}

/// `pullpath init`: writes the commented template, never over an existing file.
fn init(dir: Option<PathBuf>) -> Result<ExitCode, String> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    if let Some(existing) = config::NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| std::fs::symlink_metadata(p).is_ok())
    {
        return Err(format!(
            "{}: already exists; not overwritten",
            existing.display()
        ));
    }
    let path = dir.join(config::NAMES[0]);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| f.write_all(config::TEMPLATE.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("pullpath: wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// The configuration file that applies: `--config`, none with `--no-config`, else the one
/// found from `start` (the first path) upward.
fn configuration(args: &ConfigArgs, start: &Path) -> Result<Option<config::Config>, String> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(p) => Some(std::fs::canonicalize(p).map_err(|e| format!("{}: {e}", p.display()))?),
        None => config::find(start)?,
    };
    path.map(|p| config::load(&p)).transpose()
}

/// The directories of rules to load: the command line's, then the configuration file's.
fn rule_dirs(cli: &[PathBuf], conf: Option<&config::Config>) -> Vec<PathBuf> {
    let mut dirs = cli.to_vec();
    if let Some(c) = conf {
        dirs.extend(c.file.rules.iter().flatten().map(|d| c.resolve(d)));
    }
    dirs
}

/// The built-in rules and those of `dirs`; mistakes in a user's rule file are printed with
/// their place, and stop the run (exit 2).
fn load_rules(dirs: &[PathBuf], sources: &pullpath::base::SourceMap) -> Result<RuleSet, String> {
    let mut set = RuleSet::builtin()?;
    for d in dirs {
        if !d.is_dir() {
            return Err(format!("{}: not a directory", d.display()));
        }
        if let Err(errors) = set.add_dir(d, sources) {
            let cwd = std::env::current_dir().unwrap_or_default();
            eprint!(
                "{}",
                report::render(&errors, sources, &cwd, stderr_style(Color::Auto))
            );
            return Err(format!(
                "{} error{} in the rules of {}",
                errors.len(),
                plural(errors.len()),
                d.display()
            ));
        }
    }
    Ok(set)
}

fn stderr_style(color: Color) -> TextStyle {
    let tty = std::io::stderr().is_terminal();
    let color = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => tty && std::env::var_os("NO_COLOR").is_none(),
    };
    TextStyle {
        color,
        unicode: color || tty,
        width: 100,
    }
}

fn list_rules(args: RulesArgs) -> Result<ExitCode, String> {
    let sources = pullpath::base::SourceMap::new();
    let conf = configuration(&args.config, Path::new("."))?;
    let set = load_rules(&rule_dirs(&args.rules, conf.as_ref()), &sources)?;
    let mut out = String::new();
    match args.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = set
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "name": r.name,
                        "title": r.title,
                        "severity": {
                            "terraform": r.severity.terraform,
                            "plan": r.severity.plan,
                            "cloudformation": r.severity.cloudformation,
                        },
                        "phase": r.phase,
                        "subject": r.subject.name(),
                        "builtin": r.builtin,
                        "origin": r.origin,
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())? + "\n";
        }
        ListFormat::Text => {
            for r in &set.rules {
                out.push_str(&format!(
                    "{:<7} {:<14} {}{}\n",
                    r.id,
                    r.severity.short(),
                    r.title,
                    if r.builtin {
                        String::new()
                    } else {
                        format!(" [{}]", r.origin)
                    }
                ));
            }
        }
    }
    // A `--rules` file's title is input: text escapes its control characters, JSON is exact.
    if args.format == ListFormat::Text {
        out = report::escape_controls(&out).into_owned();
    }
    emit(&mut std::io::stdout().lock(), &out)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes to standard output. A reader that went away (`pullpath check | head`) is not an error:
/// the rest is dropped quietly and the exit code still says what was found.
fn emit(w: &mut dyn Write, s: &str) -> Result<(), String> {
    match w.write_all(s.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write: {e}")),
        _ => Ok(()),
    }
}

fn explain(args: ExplainArgs) -> Result<ExitCode, String> {
    let sources = pullpath::base::SourceMap::new();
    let conf = configuration(&args.config, Path::new("."))?;
    let set = load_rules(&rule_dirs(&args.rules, conf.as_ref()), &sources)?;
    let Some(r) = set.get(&args.rule) else {
        return Err(format!(
            "no rule `{}`; `pullpath rules` lists them",
            args.rule
        ));
    };
    let mut out = format!("{} ({}): {}\n\n", r.id, r.name, r.title);
    out.push_str(&format!(
        "Severity: {}. Fails at: {}. Reads: {}.\n\n",
        r.severity.describe(),
        match r.phase.as_deref() {
            Some("apply") => "apply (terraform apply / stack creation)",
            Some("start") => "task start (the deploy succeeds, tasks stop)",
            _ => "-",
        },
        {
            let mut names: Vec<&str> = Vec::new();
            for c in &r.checks {
                if !names.contains(&c.subject.name()) {
                    names.push(c.subject.name());
                }
            }
            names.join(", ")
        }
    ));
    out.push_str(r.docs.trim_end());
    out.push('\n');
    let errors: Vec<&str> = r.checks.iter().map(|c| c.deploy_error.trim_end()).collect();
    let mut seen = Vec::new();
    for e in errors {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    out.push_str("\n## Deploy error\n\n");
    for e in seen {
        out.push_str(e);
        out.push_str("\n\n");
    }
    // Docs may list their sources themselves.
    if !r.sources.is_empty() && !r.docs.contains("## Sources") {
        out.push_str("## Sources\n\n");
        for s in &r.sources {
            out.push_str(&format!("- {s}\n"));
        }
    }
    emit(
        &mut std::io::stdout().lock(),
        &report::escape_controls(&out),
    )?;
    Ok(ExitCode::SUCCESS)
}

fn run(command: &str, args: CommonArgs, check: Option<CheckOptions>) -> Result<ExitCode, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for p in &paths {
        if !p.exists() {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    for f in args.var_files.iter().chain(&args.params_files) {
        if !f.is_file() {
            return Err(format!("{}: no such file", f.display()));
        }
    }
    let conf = configuration(&args.config, &paths[0])?;
    // The file's formats are `check`'s, and apply when the command line names none.
    let formats = match (&conf, command) {
        (Some(c), "check") if args.format.is_empty() => (c.file.format.iter().flatten())
            .map(|f| {
                let (name, file) = parse_format(f).map_err(|e| c.error(&format!("format: {e}")))?;
                Ok((name, file.map(|f| c.resolve(&f))))
            })
            .collect::<Result<Vec<_>, String>>()?,
        _ => args.format.clone(),
    };
    let outputs = outputs(command, &formats, args.output.as_ref())?;
    let root_var_files = match &conf {
        Some(c) => root_var_files(c)?,
        None => Vec::new(),
    };
    let env_vars = std::env::vars()
        .filter_map(|(k, v)| k.strip_prefix("TF_VAR_").map(|n| (n.to_string(), v)))
        .collect();
    // Reads stay inside the scanned repositories and the files named here.
    let explicit: Vec<PathBuf> = (args.var_files.iter())
        .chain(&args.params_files)
        .chain(&args.tf_root)
        .chain(root_var_files.iter().flat_map(|(_, files)| files))
        .cloned()
        .collect();
    let mut config = Config::new(paths);
    if let Some(c) = &conf {
        let globs = c.file.exclude.clone().unwrap_or_default();
        config.exclude = pullpath::discover::Exclude::new(c.dir(), &globs, &c.path)?;
    }
    config.options.scan_roots = pullpath::base::fs::boundary(&config.paths, &explicit);
    config.options = Options {
        var_files: args.var_files,
        root_var_files,
        vars: args.vars,
        env_vars,
        params: args.params,
        params_files: args.params_files,
        tf_root: args.tf_root,
        max_file_size: args.max_file_size,
        limits: budget::Limits {
            max_steps: args.max_eval_steps,
            max_value_size: args.max_value_size,
            max_memory: args.max_eval_memory,
        },
        ..config.options
    };
    let start = std::time::Instant::now();
    let mut fail_on = FailOn::Error;
    if let Some(c) = &check {
        let file = conf.as_ref().map(|c| &c.file);
        let dirs = rule_dirs(&c.rules, conf.as_ref());
        config.rules = load_rules(&dirs, &pullpath::base::SourceMap::new())?;
        config
            .rules
            .configure(&selection(conf.as_ref(), &c.selection, &config.rules)?)?;
        config.min_severity = match (c.min_severity, file.and_then(|f| f.min_severity.as_deref())) {
            (Some(s), _) => s,
            (None, Some(s)) => parse_severity(s)?,
            (None, None) => Severity::Info,
        };
        fail_on = match (c.fail_on, file.and_then(|f| f.fail_on.as_deref())) {
            (Some(f), _) => f,
            (None, Some(f)) => FailOn::from_str(f, true)?,
            (None, None) => FailOn::Error,
        };
        // `check` shows findings and diagnostics only: units and graphs go once used.
        config.lean = true;
        config.skip_other_files = c.skip_other_files;
        config.baseline = baseline_use(c, conf.as_ref())?;
        if let Some(pipeline::BaselineUse::Apply(b) | pipeline::BaselineUse::Record(b)) =
            &config.baseline
        {
            config.exclude.own_file(b.canonical_path());
        }
    }
    let mut out = pipeline::run(&config);
    let pipeline_time = start.elapsed();
    nothing_silent(&out, &config.options)?;
    if let Some((b, kept)) = &out.recorded {
        b.write()?;
        let n = b.entries.len();
        eprintln!(
            "pullpath: recorded {n} finding{} in {}{}",
            plural(n),
            b.path.display(),
            match kept {
                0 => String::new(),
                k => format!(" ({k} kept from files not read or rules not run)"),
            }
        );
    }
    let explain_unknown = check.as_ref().is_some_and(|c| c.explain_unknown);
    if explain_unknown && !outputs.iter().any(|(f, _)| f == "text" || f == "json") {
        eprintln!(
            "pullpath: --explain-unknown is shown by the text and json formats only; add \
             `--format text` or `--format json=FILE`"
        );
    }
    let (diagnostics, summary) = out.report(command == "check");
    let rules = check.as_ref().map_or(&[][..], |_| &config.rules.rules[..]);
    for (name, file) in &outputs {
        // Colour and box drawing only on a terminal (or when asked for), never in a file.
        let terminal = file.is_none() && std::io::stdout().is_terminal();
        let color = match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
        };
        let cx = report::Context {
            sources: &out.sources,
            cwd: &cwd,
            style: TextStyle {
                color,
                unicode: color || terminal,
                width: terminal_width(),
            },
            verbose: args.verbose,
            unverified: explain_unknown.then_some(&out.unverified[..]),
            summary: summary.clone(),
            rules,
            tasks: &out.tasks,
            suppressed: &out.suppressed,
            baseline: config.baseline.is_some(),
        };
        let mut text = Vec::new();
        let written = match (name.as_str(), command) {
            ("json", "graph") => report::Json {
                body: Some(pullpath::graph::to_json(&out.graphs, &out.sources, &cwd)),
            }
            .emit(&mut text, &diagnostics, &cx),
            ("json", "facts") => {
                let instances: Vec<_> =
                    out.graphs.iter().flat_map(pullpath::rules::facts).collect();
                report::Json {
                    body: Some(serde_json::json!({
                        "version": 1,
                        "instances": pullpath::rules::facts_json(&instances, &out.sources, &cwd),
                    })),
                }
                .emit(&mut text, &diagnostics, &cx)
            }
            ("text", "graph") => {
                text.extend_from_slice(
                    report::escape_controls(&pullpath::graph::to_text(
                        &out.graphs,
                        &out.sources,
                        &cwd,
                    ))
                    .as_bytes(),
                );
                report::Text.emit(&mut text, &diagnostics, &cx)
            }
            _ => report::emitter(name).expect("formats were checked").emit(
                &mut text,
                &diagnostics,
                &cx,
            ),
        };
        written.map_err(|e| format!("cannot write the report: {e}"))?;
        match file {
            Some(f) => std::fs::write(f, &text)
                .map_err(|e| format!("cannot write {}: {e}", f.display()))?,
            None => emit(
                &mut std::io::stdout().lock(),
                &String::from_utf8_lossy(&text),
            )?,
        }
    }
    if args.timings {
        for (stage, t) in &out.timings {
            eprintln!("{stage:<18} {:>8.1} ms", t.as_secs_f64() * 1e3);
        }
        eprintln!(
            "{:<18} {:>8.1} ms",
            "pipeline",
            pipeline_time.as_secs_f64() * 1e3
        );
        eprintln!(
            "{:<18} {:>8.1} ms",
            "total",
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| diagnostics.iter().any(|d| d.severity >= t));
    // The process ends here: freeing every value one by one would only cost time.
    std::mem::forget(diagnostics);
    std::mem::forget(out);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The configuration file's and the command line's rule selections merged: `--select`
/// replaces the file's `select`, `--ignore` adds to its `ignore`, `--severity` comes after its
/// `[severity]` (the last match wins). Each side's selectors are checked first, so that an
/// error names where the selector is written.
fn selection(
    conf: Option<&config::Config>,
    cli: &Selection,
    rules: &RuleSet,
) -> Result<Selection, String> {
    rules.check_selectors(cli)?;
    let Some(c) = conf else {
        return Ok(cli.clone());
    };
    let mut sel = c.selection()?;
    rules.check_selectors(&sel).map_err(|e| c.error(&e))?;
    if !cli.select.is_empty() {
        sel.select = cli.select.clone();
    }
    sel.ignore.extend(cli.ignore.iter().cloned());
    sel.severity.extend(cli.severity.iter().cloned());
    Ok(sel)
}

/// The configuration file's `var-files`: each root's canonical directory and its files, all
/// relative to the file; a directory or a file that does not exist is an error.
fn root_var_files(c: &config::Config) -> Result<Vec<(PathBuf, Vec<PathBuf>)>, String> {
    let mut out = Vec::new();
    for (dir, files) in c.file.var_files.iter().flatten() {
        let key = format!("var-files.\"{}\"", dir.display());
        let canon = std::fs::canonicalize(c.resolve(dir))
            .ok()
            .filter(|d| d.is_dir())
            .ok_or_else(|| c.error(&format!("{key}: no such directory")))?;
        let files: Vec<PathBuf> = files.iter().map(|f| c.resolve(f)).collect();
        if let Some(f) = files.iter().find(|f| !f.is_file()) {
            return Err(c.error(&format!("{key}: {}: no such file", f.display())));
        }
        out.push((canon, files));
    }
    Ok(out)
}

/// What to write where: each `--format` with its file (`None`: standard output), checked before
/// anything runs. `facts` is for rule authors and tools: always JSON.
fn outputs(
    command: &str,
    formats: &[(String, Option<PathBuf>)],
    output: Option<&PathBuf>,
) -> Result<Vec<(String, Option<PathBuf>)>, String> {
    let mut outputs = formats.to_vec();
    if outputs.is_empty() {
        let default = if command == "facts" { "json" } else { "text" };
        outputs.push((default.to_string(), None));
    }
    for (name, _) in &outputs {
        let allowed: &[&str] = match command {
            "graph" => &["text", "json"],
            "facts" => &["json"],
            _ => report::FORMATS,
        };
        if !allowed.contains(&name.as_str()) {
            return Err(format!(
                "`pullpath {command}` prints {}, not {name}",
                allowed.join(" or ")
            ));
        }
    }
    let on_stdout = outputs.iter().filter(|(_, f)| f.is_none()).count();
    if let Some(o) = output {
        if on_stdout != 1 {
            return Err(format!(
                "--output {} names the file of one format; give several as --format FORMAT=FILE",
                o.display()
            ));
        }
        for (_, f) in outputs.iter_mut().filter(|(_, f)| f.is_none()) {
            *f = Some(o.clone());
        }
    } else if on_stdout > 1 {
        return Err(
            "several formats would share standard output; give each but one a file: \
             --format FORMAT=FILE"
                .into(),
        );
    }
    let mut files: Vec<&PathBuf> = outputs.iter().filter_map(|(_, f)| f.as_ref()).collect();
    files.sort();
    if let Some(w) = files.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("{}: named for two formats", w[0].display()));
    }
    Ok(outputs)
}

/// Stops the run (exit 2) when a given path holds nothing pullpath reads, or a `--var` names a
/// variable no scanned Terraform root declares: a run that checked nothing must not pass.
fn nothing_silent(out: &pipeline::Output, opts: &Options) -> Result<(), String> {
    if let Some((p, hint)) = out.empty_paths.first() {
        return Err(format!(
            "{}: nothing to read here (no Terraform `.tf` files, plan JSON, CloudFormation \
             template or ECS task definition){hint}",
            p.display()
        ));
    }
    use pullpath::base::Format;
    use pullpath::frontends::terraform::undeclared_var_name;
    let roots: Vec<_> = (out.units.iter())
        .filter(|u| u.format == Some(Format::Terraform))
        .collect();
    for (k, _) in &opts.vars {
        let declared = roots.iter().any(|u| {
            !u.diagnostics
                .iter()
                .any(|d| undeclared_var_name(d) == Some(k.as_str()))
        });
        if !declared {
            return Err(format!(
                "--var {k}: no scanned Terraform root declares a variable `{k}`{}",
                if roots.is_empty() {
                    " (no Terraform root was read)"
                } else {
                    ""
                }
            ));
        }
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The width to wrap text at: `COLUMNS` when the shell exports it (40 to 200), else 100.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .map_or(100, |w| w.clamp(40, 200))
}
