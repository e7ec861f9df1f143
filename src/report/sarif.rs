//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
//!
//! - `tool.driver.rules`: every rule of the run (id, name, title, the "What it does" paragraph,
//!   the docs as help text and Markdown, the most severe default level, tags), then one
//!   descriptor per input-diagnostic code that has a result;
//! - `results`: one per finding and per input error or warning (input notes, such as a variable
//!   without a value, go to `invocations[0].toolExecutionNotifications`: they are about the
//!   run, not the infrastructure); each with its level, message (and the deploy error a finding
//!   predicts), location, the related chain as `relatedLocations`, a `partialFingerprints` entry
//!   that does not move with unrelated edits, and `fixes` when a fix is a concrete edit
//!   (display-only fixes are examples to adapt: they stay in the rule's help); a finding an
//!   inline suppression covers is a result too, with `suppressions: [{kind: inSource,
//!   justification, location}]` (the reason and the comment or `Metadata` entry);
//! - locations: URIs relative to the working directory under the base id `%SRCROOT%` (absolute
//!   `file://` URIs for files outside it), 1-based regions with columns in UTF-16 code units
//!   (`columnKind: utf16CodeUnits`, SARIF's default and GitHub's).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{json, Value};

use super::{Context, Emitter, Fingerprints};
use crate::base::diag::Applicability;
use crate::base::source::{display_path, Unit};
use crate::base::{Diagnostic, Severity, SourceMap, Span};
use crate::rules::Rule;

/// The base id of every relative URI.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Default)]
pub struct Sarif;

impl Emitter for Sarif {
    fn emit(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        cx: &Context,
    ) -> io::Result<()> {
        let mut rules: Vec<Value> = cx.rules.iter().map(descriptor).collect();
        let mut index: HashMap<String, usize> = (cx.rules.iter().enumerate())
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let mut results = Vec::new();
        let mut notifications = Vec::new();
        let mut fingerprints = Fingerprints::default();
        // The suppressed findings last, each with its `suppressions` (GitHub shows them as
        // closed alerts).
        for d in diagnostics.iter().chain(cx.suppressed) {
            if !d.is_finding() && d.severity == Severity::Info {
                notifications.push(notification(d, cx));
                continue;
            }
            let code = d.code.to_string();
            let rule_index = *index.entry(code.clone()).or_insert_with(|| {
                rules.push(input_descriptor(&code));
                rules.len() - 1
            });
            let mut r = result(d, rule_index, cx, &mut fingerprints);
            if let Some(s) = d.finding.as_ref().and_then(|f| f.suppression.as_ref()) {
                let mut suppression =
                    json!({"kind": "inSource", "location": span_location(s.at, cx)});
                if let Some(reason) = &s.reason {
                    suppression["justification"] = reason.as_str().into();
                }
                r["suppressions"] = json!([suppression]);
            } else if cx.baseline && d.is_finding() {
                r["baselineState"] = "new".into();
            }
            results.push(r);
        }
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "pullpath",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "originalUriBaseIds": {SRCROOT: {"uri": directory_uri(cx.cwd)}},
                "invocations": [{
                    "executionSuccessful": true,
                    "toolExecutionNotifications": notifications,
                }],
                "columnKind": "utf16CodeUnits",
                "results": results,
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A rule's descriptor.
fn descriptor(r: &Rule) -> Value {
    let s = &r.severity;
    let most = s.terraform.max(s.plan).max(s.cloudformation);
    let mut tags = vec!["ecs", "fargate", "image-pull", r.subject.name()];
    if let Some(p) = r.phase.as_deref() {
        tags.push(p);
    }
    let what = what_it_does(&r.docs);
    json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": if what.is_empty() { r.title.clone() } else { what }},
        "help": {"text": r.docs, "markdown": r.docs},
        "defaultConfiguration": {"level": level(most)},
        "properties": {"tags": tags},
    })
}

/// The descriptor of an input-diagnostic code (`parse-error`, `duplicate-declaration`…).
fn input_descriptor(code: &str) -> Value {
    let text = format!(
        "pullpath could not read the input as Terraform or CloudFormation needs it ({code}); \
         what it cannot read, it cannot check"
    );
    json!({
        "id": code,
        "shortDescription": {"text": format!("Input diagnostic: {code}")},
        "fullDescription": {"text": text},
        "help": {"text": text},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["input"]},
    })
}

/// The paragraph under the docs' `## What it does`, on one line (the docs' first paragraph
/// when there is no such heading).
fn what_it_does(docs: &str) -> String {
    let body = match docs.split_once("## What it does") {
        Some((_, rest)) => rest,
        None => docs,
    };
    let para: Vec<&str> = body
        .trim_start()
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect();
    para.join(" ")
}

fn result(
    d: &Diagnostic,
    rule_index: usize,
    cx: &Context,
    fingerprints: &mut Fingerprints,
) -> Value {
    let f = d.finding.as_deref();
    let mut message = d.message.clone();
    if let Some(e) = f.map(|f| f.deploy_error.trim()).filter(|e| !e.is_empty()) {
        message.push_str("\n\nThe deploy would end in: ");
        message.push_str(e);
    }
    let mut related: Vec<(Span, &str)> = d.related.iter().map(|(s, m)| (*s, m.as_str())).collect();
    if let Some(f) = f {
        related.extend(f.same_fix.iter().map(|(s, m)| (*s, m.as_str())));
    }
    let related: Vec<Value> = related
        .iter()
        .enumerate()
        .map(|(i, (span, msg))| {
            let mut l = span_location(*span, cx);
            l["id"] = (i + 1).into();
            l["message"] = json!({"text": msg});
            l
        })
        .collect();
    let mut r = json!({
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": {"text": message},
        "locations": location(d, cx).into_iter().collect::<Vec<_>>(),
        "partialFingerprints": {"pullpath/v1": fingerprints.next(d, cx)},
    });
    if !related.is_empty() {
        r["relatedLocations"] = related.into();
    }
    if let Some(f) = f {
        r["properties"] = json!({
            "resource": f.resource,
            "taskDefinition": f.task,
            "deployError": f.deploy_error.trim(),
        });
    }
    if let Some(fix) = d.fix.as_ref() {
        if fix.applicability != Applicability::DisplayOnly && !fix.edits.is_empty() {
            r["fixes"] = json!([fix_json(fix, cx)]);
        }
    }
    r
}

/// A concrete fix: its edits grouped by file, each a replacement of a region.
fn fix_json(fix: &crate::base::diag::Fix, cx: &Context) -> Value {
    let mut by_file: Vec<(crate::base::FileId, Vec<Value>)> = Vec::new();
    for e in &fix.edits {
        let replacement = json!({
            "deletedRegion": region(e.span, cx.sources),
            "insertedContent": {"text": e.content},
        });
        match by_file.iter_mut().find(|(f, _)| *f == e.span.file) {
            Some((_, list)) => list.push(replacement),
            None => by_file.push((e.span.file, vec![replacement])),
        }
    }
    json!({
        "description": {"text": fix.title},
        "artifactChanges": by_file
            .into_iter()
            .map(|(file, replacements)| json!({
                "artifactLocation": artifact(&cx.sources.path(file), cx.cwd),
                "replacements": replacements,
            }))
            .collect::<Vec<_>>(),
    })
}

fn notification(d: &Diagnostic, cx: &Context) -> Value {
    let mut n = json!({
        "descriptor": {"id": d.code},
        "level": level(d.severity),
        "message": {"text": d.message},
    });
    if let Some(l) = location(d, cx) {
        n["locations"] = json!([l]);
    }
    n
}

/// The primary location: the span, or for a file-level diagnostic the file's first line (code
/// scanning shows a result only at a line).
fn location(d: &Diagnostic, cx: &Context) -> Option<Value> {
    if let Some(span) = d.span {
        let mut l = span_location(span, cx);
        if !d.label.is_empty() {
            l["message"] = json!({"text": d.label});
        }
        return Some(l);
    }
    let file = d.file.as_ref()?;
    Some(json!({"physicalLocation": {
        "artifactLocation": artifact(file, cx.cwd),
        "region": {"startLine": 1},
    }}))
}

fn span_location(span: Span, cx: &Context) -> Value {
    json!({"physicalLocation": {
        "artifactLocation": artifact(&cx.sources.path(span.file), cx.cwd),
        "region": region(span, cx.sources),
    }})
}

/// 1-based lines; columns in UTF-16 code units, the end column just past the region.
fn region(span: Span, sources: &SourceMap) -> Value {
    let file = sources.get(span.file);
    let a = file.position(span.start as usize, Unit::Utf16);
    let b = file.position(span.end as usize, Unit::Utf16);
    json!({
        "startLine": a.line + 1,
        "startColumn": a.column + 1,
        "endLine": b.line + 1,
        "endColumn": b.column + 1,
    })
}

/// A file as a SARIF artifact location: relative to the working directory under `%SRCROOT%`,
/// or an absolute `file://` URI.
fn artifact(path: &Path, cwd: &Path) -> Value {
    let shown = display_path(path, cwd);
    let shown = Path::new(&shown);
    if shown.is_absolute() {
        json!({"uri": format!("file://{}", percent_encode(shown))})
    } else {
        json!({"uri": percent_encode(shown), "uriBaseId": SRCROOT})
    }
}

fn directory_uri(dir: &Path) -> String {
    let mut uri = format!("file://{}", percent_encode(dir));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// A path's bytes as a URI path (RFC 3986): unreserved characters and `/` as they are, every
/// other byte `%XX`.
fn percent_encode(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diag::{Edit, Fix};
    use crate::report::{Summary, TextStyle};

    fn cx<'a>(sources: &'a SourceMap, diagnostics: &[Diagnostic]) -> Context<'a> {
        Context {
            sources,
            cwd: Path::new("/w"),
            style: TextStyle {
                color: false,
                unicode: false,
                width: 80,
            },
            verbose: false,
            unverified: None,
            summary: Summary::of(diagnostics, 1, 0, 1, &[], true),
            rules: &[],
            tasks: &[],
            suppressed: &[],
            baseline: false,
        }
    }

    fn emit(diagnostics: &[Diagnostic], sources: &SourceMap) -> Value {
        let mut out = Vec::new();
        Sarif
            .emit(&mut out, diagnostics, &cx(sources, diagnostics))
            .unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn regions_count_utf16_and_uris_are_encoded() {
        let sources = SourceMap::new();
        let id = sources.add("/w/my dir/a.tf", "x = \"😀\" # é\ny = 1\n");
        let at = |s: &str| {
            let t = sources.get(id).text.clone();
            let i = t.find(s).unwrap();
            Span::new(id, i..i + s.len())
        };
        let d = Diagnostic::error("parse-error", "bad").at(at("é"));
        let doc = emit(&[d], &sources);
        let r = &doc["runs"][0]["results"][0];
        // `x = "😀" # é`: 😀 is two UTF-16 units, so é starts at unit 11 (column 12).
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"],
            json!({"startLine": 1, "startColumn": 12, "endLine": 1, "endColumn": 13})
        );
        let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(
            uri,
            &json!({"uri": "my%20dir/a.tf", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///w/"
        );
        // an input code gets its own descriptor, and the result points at it
        assert_eq!(
            doc["runs"][0]["tool"]["driver"]["rules"][0]["id"],
            "parse-error"
        );
        assert_eq!(r["ruleIndex"], 0);
    }

    #[test]
    fn notes_are_notifications_and_fingerprints_ignore_lines() {
        let sources = SourceMap::new();
        let a = sources.add("/w/a.tf", "a = 1\nb = 2\n");
        let b = sources.add("/w/b.tf", "\n\n\na = 1\nb = 2\n");
        let d = |id, at: std::ops::Range<usize>| {
            Diagnostic::warning("duplicate-key", "twice").at(Span::new(id, at))
        };
        let doc = emit(
            &[
                d(a, 0..5),
                d(a, 6..11),
                Diagnostic::info("variable-without-value", "no value").in_file("/w/a.tf"),
            ],
            &sources,
        );
        let run = &doc["runs"][0];
        assert_eq!(run["results"].as_array().unwrap().len(), 2);
        let notes = &run["invocations"][0]["toolExecutionNotifications"];
        assert_eq!(notes[0]["level"], "note");
        assert_eq!(
            notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a.tf"
        );
        let fp = |doc: &Value, i: usize| {
            doc["runs"][0]["results"][i]["partialFingerprints"]["pullpath/v1"]
                .as_str()
                .unwrap()
                .to_string()
        };
        // different text, different fingerprint; the same text three lines down (another
        // file here, to keep the test short) differs only by its file
        assert_ne!(fp(&doc, 0), fp(&doc, 1));
        let moved = emit(&[d(b, 3..8)], &sources);
        let same = emit(&[d(a, 0..5)], &sources);
        assert_eq!(fp(&same, 0), fp(&doc, 0));
        assert_ne!(fp(&moved, 0), fp(&doc, 0));
        // two identical ones are told apart
        let twice = emit(&[d(a, 0..5), d(a, 0..5)], &sources);
        assert_eq!(fp(&twice, 1), format!("{}:2", fp(&twice, 0)));
    }

    #[test]
    fn concrete_fixes_become_sarif_fixes_display_only_ones_do_not() {
        let sources = SourceMap::new();
        let id = sources.add("/w/a.tf", "assign_public_ip = false\n");
        let span = Span::new(id, 19..24);
        let mut d = Diagnostic::error("FGP020", "no public IP").at(span);
        d.fix = Some(Fix {
            title: "Assign a public IP".into(),
            edits: vec![Edit {
                span,
                content: "true".into(),
            }],
            applicability: Applicability::Safe,
        });
        let doc = emit(std::slice::from_ref(&d), &sources);
        let fix = &doc["runs"][0]["results"][0]["fixes"][0];
        assert_eq!(fix["description"]["text"], "Assign a public IP");
        let change = &fix["artifactChanges"][0];
        assert_eq!(change["artifactLocation"]["uri"], "a.tf");
        assert_eq!(
            change["replacements"][0]["deletedRegion"],
            json!({"startLine": 1, "startColumn": 20, "endLine": 1, "endColumn": 25})
        );
        assert_eq!(change["replacements"][0]["insertedContent"]["text"], "true");
        d.fix = Some(Fix::display_only("Example", span, "x"));
        let doc = emit(&[d], &sources);
        assert!(doc["runs"][0]["results"][0].get("fixes").is_none());
    }
}
