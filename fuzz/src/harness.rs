//! What one fuzz input is run through, and what counts as a failure: a panic (in the parsers,
//! the pipeline or the reporters), or a panic that the pipeline caught per unit of work and
//! turned into an `internal-error` diagnostic. Hangs and unbounded memory are caught by
//! libFuzzer's `-timeout` and `-rss_limit_mb`.

use std::path::PathBuf;
use std::sync::OnceLock;

use pullpath::base::SourceMap;
use pullpath::pipeline::{self, Config};
use pullpath::report::{self, TextStyle};
use pullpath::rules::RuleSet;
use pullpath::syntax;

/// The parser a parser target feeds.
#[derive(Clone, Copy, Debug)]
pub enum Syntax {
    Hcl,
    Json,
    Yaml,
}

/// One parser on arbitrary bytes (decoded as the pipeline decodes files).
pub fn parse(which: Syntax, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sources = SourceMap::new();
    let file = sources.add(PathBuf::from("fuzz.input"), text.to_string());
    // Errors are diagnostics, which is fine; only a panic fails.
    match which {
        Syntax::Hcl => drop(syntax::hcl::parse_with_diagnostics(file, text)),
        Syntax::Json => drop(syntax::json::parse(file, text, 0)),
        Syntax::Yaml => drop(syntax::yaml::parse(file, text)),
    }
}

/// The whole pipeline with the built-in rules on one file named `name` holding `data`, then
/// every reporter (`report::FORMATS`) on everything it reports.
pub fn check(name: &str, data: &[u8]) {
    let dir = scratch_dir();
    let path = dir.join(name);
    std::fs::write(&path, data).expect("the scratch directory is writable");
    let mut config = Config::new(vec![path]);
    config.rules = rules().clone();
    // As `pullpath check` runs: the text of files no finding cites is let go before the
    // reporters run, so a reporter reading it fails here too.
    config.lean = true;
    let mut out = pipeline::run(&config);
    for d in &out.diagnostics {
        assert_ne!(d.code, "internal-error", "{}", d.message);
    }
    let (diagnostics, summary) = out.report(true);
    let cx = report::Context {
        sources: &out.sources,
        cwd: dir,
        style: TextStyle {
            color: true,
            unicode: true,
            width: 100,
        },
        verbose: false,
        unverified: Some(&out.unverified),
        summary,
        rules: &config.rules.rules,
        tasks: &out.tasks,
        suppressed: &out.suppressed,
        baseline: false,
    };
    for name in report::FORMATS {
        let emitter = report::emitter(name).expect("every listed format has an emitter");
        emitter
            .emit(&mut std::io::sink(), &diagnostics, &cx)
            .expect("a sink takes everything");
    }
}

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("the built-in rules load"))
}

/// One directory per process: each input replaces the previous one's file.
fn scratch_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("pullpath-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("a scratch directory");
        d
    })
}
