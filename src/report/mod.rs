//! Reporters: what users see. One file per output format, each an [`Emitter`]: it is given the
//! diagnostics of a run (findings and input diagnostics alike, see [`crate::base::diag`]) and a
//! [`Context`] (the sources, paths relative to the working directory, colour and width, the
//! summary), and writes the report. Adding a format is adding a file and its snapshot.
//!
//! - `text.rs`: the terminal (miette graphical reports; input notes grouped, see `group.rs`;
//!   `--explain-unknown` in `unverified.rs`; the summary line);
//! - `json.rs`: `--format json`, the document tools read;
//! - `snippet.rs`: bounded snippets and escaping, which every format that echoes the input uses,
//!   and the word wrap of prose that the terminal's formats share.

mod group;
mod json;
mod snippet;
mod text;
mod unverified;

use std::io::{self, Write};
use std::path::Path;

pub use group::{grouped, NOTE_CODES};
pub use json::Json;
pub use snippet::escape_controls;
pub use text::{render, Text, TextStyle};
pub use unverified::unverified_text;

use crate::base::{Diagnostic, Severity, SourceMap};
use crate::rules::Unverified;

/// An output format.
pub trait Emitter {
    /// Writes the report of `diagnostics` (findings first, then input diagnostics, each sorted
    /// by place) to `out`.
    fn emit(&self, out: &mut dyn Write, diagnostics: &[Diagnostic], cx: &Context)
        -> io::Result<()>;
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
        let tasks: std::collections::BTreeSet<&str> =
            unverified.iter().map(|u| u.task.as_str()).collect();
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
            unverified_tasks: tasks.len(),
        }
    }
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
