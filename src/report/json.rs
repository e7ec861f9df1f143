//! `--format json`: one document with the findings, the suppressed findings (`suppressed`, each
//! with its `suppression`: kind, reason and place; only when there are some), every input
//! diagnostic (never grouped), the unverified checks when asked for, and the summary. 1-based
//! lines and columns (columns count characters), paths relative to the working directory.
//! `graph` and `facts` put their own body in place of the findings.

use std::io::{self, Write};
use std::path::Path;

use super::{Context, Emitter};
use crate::base::diag::Fix;
use crate::base::source::display_path;
use crate::base::{Diagnostic, SourceMap, Span};

/// The JSON document.
#[derive(Default)]
pub struct Json {
    /// The document's body (`graph`, `facts`); `None`: `{"version": 1, "findings": [...]}`.
    pub body: Option<serde_json::Value>,
}

impl Emitter for Json {
    fn emit(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        cx: &Context,
    ) -> io::Result<()> {
        let mut doc = match &self.body {
            Some(b) => b.clone(),
            None => {
                let findings: Vec<serde_json::Value> = diagnostics
                    .iter()
                    .filter(|d| d.is_finding())
                    .map(|f| finding(f, cx.sources, cx.cwd))
                    .collect();
                serde_json::json!({"version": 1, "findings": findings})
            }
        };
        if !cx.suppressed.is_empty() {
            doc["suppressed"] = cx
                .suppressed
                .iter()
                .map(|d| finding(d, cx.sources, cx.cwd))
                .collect::<Vec<_>>()
                .into();
        }
        doc["diagnostics"] = diagnostics
            .iter()
            .filter(|d| !d.is_finding())
            .map(|d| input(d, cx.sources, cx.cwd))
            .collect::<Vec<_>>()
            .into();
        if let Some(unverified) = cx.unverified {
            doc["unverified"] = unverified
                .iter()
                .map(|u| {
                    serde_json::json!({
                        "unit": display_path(Path::new(&u.unit), cx.cwd),
                        "task_definition": u.task,
                        "rule": u.rule,
                        "title": u.title,
                        "reason": u.reason,
                    })
                })
                .collect::<Vec<_>>()
                .into();
        }
        doc["summary"] = serde_json::to_value(&cx.summary)?;
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}

/// Related places as JSON: `[{file, line, column, message}]`.
fn related_json(related: &[(Span, String)], sources: &SourceMap, cwd: &Path) -> serde_json::Value {
    related
        .iter()
        .map(|(span, msg)| {
            let (a, _) = sources.line_col(*span);
            serde_json::json!({
                "file": display_path(&sources.path(span.file), cwd),
                "line": a.line,
                "column": a.column,
                "message": msg,
            })
        })
        .collect::<Vec<_>>()
        .into()
}

/// One finding as JSON (the `findings[]` entries).
fn finding(d: &Diagnostic, sources: &SourceMap, cwd: &Path) -> serde_json::Value {
    let f = d.finding.as_deref();
    let fix = d.fix.as_ref().and_then(Fix::shown_code);
    let mut help = d.help.clone().unwrap_or_default();
    if let Some(fix) = &fix {
        help.push_str("\n\n");
        help.push_str(fix);
    }
    let mut obj = serde_json::json!({
        "rule": d.code,
        "title": f.map(|f| f.title.as_str()),
        "severity": d.severity,
        "message": d.message,
        "resource": f.map(|f| f.resource.as_str()),
        "task_definition": f.map(|f| f.task.as_str()),
    });
    position(&mut obj, d, sources, cwd);
    let more = serde_json::json!({
        "label": d.label,
        "related": related_json(&d.related, sources, cwd),
        "deploy_error": f.map(|f| f.deploy_error.as_str()),
        "help": help,
        "fix": fix,
        "instances": f.map(|f| f.instances.clone()).unwrap_or_default(),
        "same_fix": related_json(f.map_or(&[][..], |f| &f.same_fix), sources, cwd),
    });
    if let (Some(o), serde_json::Value::Object(m)) = (obj.as_object_mut(), more) {
        o.extend(m);
    }
    if let Some(s) = f.and_then(|f| f.suppression.as_ref()) {
        let (a, _) = sources.line_col(s.at);
        obj["suppression"] = serde_json::json!({
            "kind": s.kind,
            "reason": s.reason,
            "file": display_path(&sources.path(s.at.file), cwd),
            "line": a.line,
            "column": a.column,
        });
    }
    obj
}

/// One input diagnostic as JSON (the `diagnostics[]` entries).
fn input(d: &Diagnostic, sources: &SourceMap, cwd: &Path) -> serde_json::Value {
    let mut obj = serde_json::json!({
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
    });
    position(&mut obj, d, sources, cwd);
    obj["related"] = related_json(&d.related, sources, cwd);
    if let Some(h) = &d.help {
        obj["help"] = h.clone().into();
    }
    obj
}

/// `file` (or `null`), and with a span `line`, `column`, `end_line`, `end_column`.
fn position(obj: &mut serde_json::Value, d: &Diagnostic, sources: &SourceMap, cwd: &Path) {
    let file = d
        .span
        .map(|s| sources.path(s.file))
        .or_else(|| d.file.clone());
    obj["file"] = file
        .map(|f| display_path(&f, cwd).into())
        .unwrap_or(serde_json::Value::Null);
    if let Some(span) = d.span {
        let (a, b) = sources.line_col(span);
        obj["line"] = a.line.into();
        obj["column"] = a.column.into();
        obj["end_line"] = b.line.into();
        obj["end_column"] = b.column.into();
    }
}
