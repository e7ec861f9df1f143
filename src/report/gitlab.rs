//! `--format gitlab`: a GitLab Code Quality report (the `codequality` artifact of a job), a JSON
//! array of issues with the fields GitLab requires: `description`, `check_name` (the rule or
//! input-diagnostic code), `fingerprint` (as SARIF's, stable across unrelated edits), `severity`
//! (`critical` for an error, which stops the deploy; `major` for a warning; `info`) and
//! `location` (`path` relative to the working directory, `lines.begin`). Input notes are left
//! out; input errors and warnings are issues, about their file.

use std::io::{self, Write};

use serde_json::json;

use super::{Context, Emitter, Fingerprints, Place};
use crate::base::{Diagnostic, Severity};

pub struct Gitlab;

impl Emitter for Gitlab {
    fn emit(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        cx: &Context,
    ) -> io::Result<()> {
        let mut fingerprints = Fingerprints::default();
        let mut issues = Vec::new();
        for d in diagnostics {
            if !d.is_finding() && d.severity == Severity::Info {
                continue;
            }
            let fingerprint = fingerprints.next(d, cx);
            let Some(place) = Place::of(d, cx) else {
                // about no file (a command-line value): Code Quality has no place for it
                continue;
            };
            let (begin, end) = place.range.map_or((1, 1), |(a, b)| (a.line, b.line));
            let severity = match d.severity {
                Severity::Error => "critical",
                Severity::Warning => "major",
                Severity::Info => "info",
            };
            let mut issue = json!({
                "description": d.message,
                "check_name": d.code,
                "fingerprint": fingerprint,
                "severity": severity,
                "location": {"path": place.path, "lines": {"begin": begin, "end": end}},
            });
            if let Some(f) = d.finding.as_deref() {
                issue["categories"] = json!(["Bug Risk"]);
                issue["content"] = json!({"body": format!(
                    "{}\n\nThe deploy would end in: {}",
                    f.title,
                    f.deploy_error.trim()
                )});
            }
            issues.push(issue);
        }
        serde_json::to_writer_pretty(&mut *out, &issues)?;
        out.write_all(b"\n")
    }
}
