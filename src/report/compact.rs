//! `--format compact`: one line per finding and input diagnostic,
//! `path:line:column: severity code message` (line and column 1-based, columns in characters; a
//! file-level diagnostic at `1:1`, one about no file at `pullpath:`), as editors' problem
//! matchers, `grep` and `sort` expect; no summary. A message is one line (line breaks become
//! spaces), control characters escaped as in text. Notes are grouped as in text unless
//! `--verbose`.

use std::io::{self, Write};

use super::{items, Context, Emitter, Place};
use crate::base::{Diagnostic, Severity};

pub struct Compact;

pub(super) fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

impl Emitter for Compact {
    fn emit(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        cx: &Context,
    ) -> io::Result<()> {
        for d in &items(diagnostics, cx.verbose) {
            let place = match Place::of(d, cx) {
                Some(Place {
                    path,
                    range: Some((a, _)),
                }) => format!("{path}:{}:{}", a.line, a.column),
                Some(Place { path, range: None }) => format!("{path}:1:1"),
                None => "pullpath".to_string(),
            };
            let message = one_line(&d.message);
            let line = format!(
                "{place}: {} {} {message}\n",
                severity_name(d.severity),
                d.code
            );
            out.write_all(super::escape_controls(&line).as_bytes())?;
        }
        Ok(())
    }
}

/// A message on one line: line breaks (and the indentation after them) become one space.
pub(super) fn one_line(s: &str) -> String {
    s.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
