use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use pullpath::base::Severity;
use pullpath::frontends::Options;
use pullpath::pipeline::{self, Config, DEFAULT_MAX_FILE_SIZE};
use pullpath::report::{self, Item, TextStyle};

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
    /// Load the inputs and report problems (the pull-path rules arrive in a later release; today
    /// this reports what cannot be read).
    Check(CommonArgs),
    /// Print the resource graph pullpath builds from the inputs.
    Graph(CommonArgs),
}

#[derive(Args)]
struct CommonArgs {
    /// Files or directories to read (default: the current directory).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
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
    /// Files larger than this many bytes are skipped, with a diagnostic.
    #[arg(long = "max-file-size", value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
    /// When to use colours (also honours NO_COLOR).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print the wall time of each stage on standard error.
    #[arg(long)]
    timings: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
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

fn main() -> ExitCode {
    // Panics are caught per input and reported as diagnostics; keep the default hook's noise out.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = Cli::parse();
    let (command, args) = match cli.command {
        Command::Check(a) => ("check", a),
        Command::Graph(a) => ("graph", a),
    };
    match run(command, args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pullpath: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(command: &str, args: CommonArgs) -> Result<ExitCode, String> {
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
    let env_vars = std::env::vars()
        .filter_map(|(k, v)| k.strip_prefix("TF_VAR_").map(|n| (n.to_string(), v)))
        .collect();
    let mut config = Config::new(paths);
    config.options = Options {
        var_files: args.var_files,
        vars: args.vars,
        env_vars,
        params: args.params,
        params_files: args.params_files,
        tf_root: args.tf_root,
        max_file_size: args.max_file_size,
        ..config.options
    };
    let start = std::time::Instant::now();
    let out = pipeline::run(&config);
    let pipeline_time = start.elapsed();
    let items: Vec<Item> = out.diagnostics.iter().map(Item::from).collect();
    let errors = out
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let resources: usize = out.units.iter().map(|u| u.resources.len()).sum();
    let mut stdout = std::io::stdout().lock();
    let write = |w: &mut dyn Write, s: &str| {
        w.write_all(s.as_bytes())
            .map_err(|e| format!("cannot write: {e}"))
    };
    match args.format {
        Format::Json => {
            let diagnostics: Vec<serde_json::Value> = items
                .iter()
                .map(|i| report::item_json(i, &out.sources, &cwd))
                .collect();
            let mut doc = if command == "graph" {
                pullpath::graph::to_json(&out.graphs, &out.sources, &cwd)
            } else {
                serde_json::json!({"version": 1, "findings": []})
            };
            doc["diagnostics"] = diagnostics.into();
            doc["summary"] = serde_json::json!({
                "units": out.units.len(),
                "resources": resources,
                "files": out.sources.len(),
                "errors": errors,
            });
            let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
            write(&mut stdout, &text)?;
            write(&mut stdout, "\n")?;
        }
        Format::Text => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let style = TextStyle {
                color,
                unicode: color || std::io::stdout().is_terminal(),
                width: 100,
            };
            if command == "graph" {
                write(
                    &mut stdout,
                    &pullpath::graph::to_text(&out.graphs, &out.sources, &cwd),
                )?;
            }
            write(
                &mut stdout,
                &report::render_text(&items, &out.sources, &cwd, style),
            )?;
            write(
                &mut stdout,
                &format!(
                    "{} unit{}, {} resource{}, {} file{} read; {} error{}, {} other diagnostic{}\n",
                    out.units.len(),
                    plural(out.units.len()),
                    resources,
                    plural(resources),
                    out.sources.len(),
                    plural(out.sources.len()),
                    errors,
                    plural(errors),
                    items.len() - errors,
                    plural(items.len() - errors),
                ),
            )?;
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
    // The process ends here: freeing every value one by one would only cost time.
    std::mem::forget(out);
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
