//! Reporters: what users see. One file per output format, each an [`Emitter`]: it is given the
//! diagnostics of a run (findings and input diagnostics alike, see [`crate::base::diag`]) and a
//! [`Context`] (the sources, paths relative to the working directory, colour and width, the
//! summary), and writes the report. Adding a format is adding a file and its snapshot.
//!
//! - `text.rs`: the terminal (miette graphical reports; input notes grouped, see `group.rs`;
//!   `--explain-unknown` in `unverified.rs`; the summary line);
//! - `json.rs`: `--format json`, the document tools read;
//! - `sarif.rs`: `--format sarif`, SARIF 2.1.0 for code scanning;
//! - `github.rs`: `--format github`, GitHub Actions workflow commands (annotations);
//! - `junit.rs`: `--format junit`, JUnit XML for CI test reports;
//! - `gitlab.rs`: `--format gitlab`, a GitLab Code Quality report;
//! - `compact.rs`: `--format compact`, one line per item (`path:line:col: severity code
//!   message`), for editors' problem matchers and grep;
//! - `snippet.rs`: bounded snippets and escaping, which every format that echoes the input uses,
//!   and the word wrap of prose that the terminal's formats share.

mod compact;
mod github;
mod gitlab;
mod group;
mod json;
mod junit;
mod sarif;
mod snippet;
mod text;
mod unverified;

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

pub use compact::Compact;
pub use github::Github;
pub use gitlab::Gitlab;
pub use group::{grouped, NOTE_CODES};
pub use json::Json;
pub use junit::Junit;
pub use sarif::Sarif;
pub use snippet::escape_controls;
pub use text::{render, Text, TextStyle};
pub use unverified::unverified_text;

use crate::base::source::{display_path, LineCol};
use crate::base::{Diagnostic, Severity, SourceMap};
use crate::rules::{Checked, Rule, Unverified};

/// An output format.
pub trait Emitter {
    /// Writes the report of `diagnostics` (findings first, then input diagnostics, each sorted
    /// by place) to `out`.
    fn emit(&self, out: &mut dyn Write, diagnostics: &[Diagnostic], cx: &Context)
        -> io::Result<()>;
}

/// The formats of `pullpath check`, by the name `--format` takes.
pub const FORMATS: &[&str] = &[
    "text", "json", "sarif", "github", "junit", "gitlab", "compact",
];

/// The emitter of a format of [`FORMATS`].
pub fn emitter(name: &str) -> Option<Box<dyn Emitter>> {
    Some(match name {
        "text" => Box::new(Text),
        "json" => Box::new(Json::default()),
        "sarif" => Box::new(Sarif),
        "github" => Box::new(Github),
        "junit" => Box::new(Junit),
        "gitlab" => Box::new(Gitlab),
        "compact" => Box::new(Compact),
        _ => return None,
    })
}

/// The items a report shows one by one: the findings, then the input diagnostics as
/// [`grouped`] (one item per note code and per repeated diagnostic unless `verbose`).
pub fn items(diagnostics: &[Diagnostic], verbose: bool) -> Vec<Diagnostic> {
    let (mut findings, inputs): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
        .iter()
        .cloned()
        .partition(Diagnostic::is_finding);
    findings.extend(grouped(&inputs, verbose));
    findings
}

/// Where a diagnostic is, as users read it: the file (relative to the working directory when
/// inside it) and, with a span, its first and last line and column (1-based, characters).
pub struct Place {
    pub path: String,
    pub range: Option<(LineCol, LineCol)>,
}

impl Place {
    /// `None`: the diagnostic is about no file (a command-line value).
    pub fn of(d: &Diagnostic, cx: &Context) -> Option<Place> {
        if let Some(span) = d.span {
            return Some(Place {
                path: display_path(&cx.sources.path(span.file), cx.cwd),
                range: Some(cx.sources.line_col(span)),
            });
        }
        d.file.as_ref().map(|f| Place {
            path: display_path(f, cx.cwd),
            range: None,
        })
    }
}

/// What every format may need besides the diagnostics.
pub struct Context<'a> {
    pub sources: &'a SourceMap,
    /// Paths are shown relative to it.
    pub cwd: &'a Path,
    pub style: TextStyle,
    /// One item per input diagnostic (no grouping of notes).
    pub verbose: bool,
    /// The checks that could not be decided, when the user asked for them
    /// (`--explain-unknown`).
    pub unverified: Option<&'a [Unverified]>,
    pub summary: Summary,
    /// The rules of the run (`check`; empty otherwise), for formats that describe them (SARIF).
    pub rules: &'a [Rule],
    /// The task definitions the rules were evaluated on (JUnit's test cases).
    pub tasks: &'a [Checked],
    /// The findings an inline suppression covers: not among the diagnostics; JSON lists them
    /// under `suppressed`, SARIF as results with `suppressions`, the others only count them.
    pub suppressed: &'a [Diagnostic],
    /// A baseline was applied: the findings shown are those it does not hold (SARIF marks
    /// them `baselineState: new`).
    pub baseline: bool,
}

/// The counts a report ends with.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Whether rules ran (`check`): the text summary then counts findings.
    #[serde(skip)]
    pub checked: bool,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    pub diagnostics: usize,
    pub input_errors: usize,
    pub units: usize,
    pub resources: usize,
    pub files: usize,
    pub unverified_checks: usize,
    /// Findings an inline suppression covers (in the JSON summary only when there are some).
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
    /// Findings the baseline holds (`--baseline`; in the JSON summary only when there are some).
    #[serde(skip_serializing_if = "is_zero")]
    pub baselined: usize,
    /// The task definitions with unverified checks.
    #[serde(skip)]
    pub unverified_tasks: usize,
}

impl Summary {
    /// The counts of a run: its diagnostics (findings and input diagnostics), what it read, and
    /// what it could not verify.
    pub fn of(
        diagnostics: &[Diagnostic],
        units: usize,
        resources: usize,
        files: usize,
        unverified: &[Unverified],
        checked: bool,
    ) -> Summary {
        let findings = || diagnostics.iter().filter(|d| d.is_finding());
        let count = |sev: Severity| findings().filter(|f| f.severity == sev).count();
        let inputs = || diagnostics.iter().filter(|d| !d.is_finding());
        let tasks: std::collections::BTreeSet<(&str, &str)> = (unverified.iter())
            .map(|u| (u.unit.as_str(), u.task.as_str()))
            .collect();
        Summary {
            checked,
            findings: findings().count(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            info: count(Severity::Info),
            diagnostics: inputs().count(),
            input_errors: inputs().filter(|d| d.severity == Severity::Error).count(),
            units,
            resources,
            files,
            unverified_checks: unverified.len(),
            suppressed: 0,
            baselined: 0,
            unverified_tasks: tasks.len(),
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Fingerprints of the diagnostics of one report, in order (SARIF's `partialFingerprints`,
/// GitLab's `fingerprint`): what identifies a finding across unrelated edits.
#[derive(Default)]
pub struct Fingerprints {
    /// Hash → how many diagnostics had it so far.
    seen: HashMap<u64, usize>,
}

impl Fingerprints {
    /// The rule, the file, the resource and the task definition, and the text the diagnostic
    /// points at (not its line): moving the block or editing another keeps it; the n-th
    /// identical one gets `:n`. An input diagnostic adds its message.
    pub fn next(&mut self, d: &Diagnostic, cx: &Context) -> String {
        let seen = &mut self.seen;
        let f = d.finding.as_deref();
        let file = d
            .span
            .map(|s| cx.sources.path(s.file))
            .or_else(|| d.file.clone())
            .map(|p| display_path(&p, cx.cwd))
            .unwrap_or_default();
        let text = d.span.map_or(String::new(), |s| {
            let t = cx.sources.get(s.file);
            let t = t.slice(s);
            t.chars().take(256).collect::<String>()
        });
        let parts = [
            d.code.as_ref(),
            &file,
            f.map_or("", |f| f.resource.as_str()),
            f.map_or("", |f| f.task.as_str()),
            text.trim(),
            if f.is_some() { "" } else { d.message.as_str() },
        ];
        let hash = fnv1a(&parts);
        let n = seen.entry(hash).or_insert(0);
        *n += 1;
        if *n == 1 {
            format!("{hash:016x}")
        } else {
            format!("{hash:016x}:{n}")
        }
    }
}

/// FNV-1a, 64 bits, over the parts separated by a NUL: stable across builds and platforms
/// (std's hashers promise neither).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in p.as_bytes().iter().chain(&[0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::Span;

    #[test]
    fn renders_snippet_and_json_positions() {
        let sources = SourceMap::new();
        let id = sources.add("/w/a.yaml", "Resources:\n  X: !Bad 1\n");
        let d = Diagnostic::error("parse-error", "unknown tag")
            .in_file("/w/a.yaml")
            .at(Span::new(id, 16..20));
        let diagnostics = [d];
        let cx = Context {
            sources: &sources,
            cwd: Path::new("/w"),
            style: TextStyle {
                color: false,
                unicode: false,
                width: 80,
            },
            verbose: false,
            unverified: None,
            summary: Summary::of(&diagnostics, 1, 0, 1, &[], true),
            rules: &[],
            tasks: &[],
            suppressed: &[],
            baseline: false,
        };
        let mut text = Vec::new();
        Text.emit(&mut text, &diagnostics, &cx).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("a.yaml:2:6"), "{text}");
        assert!(text.contains("unknown tag"), "{text}");
        assert!(
            text.ends_with("0 findings (0 errors, 0 warnings, 0 info) in 1 unit, 0 resources, 1 file; 1 input diagnostic (1 error)\n"),
            "{text}"
        );
        let mut json = Vec::new();
        Json::default().emit(&mut json, &diagnostics, &cx).unwrap();
        let j: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let d = &j["diagnostics"][0];
        assert_eq!(d["file"], "a.yaml");
        assert_eq!(d["line"], 2);
        assert_eq!(d["column"], 6);
        assert_eq!(d["end_column"], 10);
        assert_eq!(j["summary"]["input_errors"], 1);
        assert_eq!(j["findings"], serde_json::json!([]));
    }
}
