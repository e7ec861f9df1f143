//! Reporters: what users see. Text (miette graphical diagnostics) and JSON.
//!
//! Everything printed goes through [`Item`], a format-independent report of one problem: a
//! severity, a code, a message, a primary place and labelled related places, and a help text.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use crate::base::source::display_path;
use crate::base::{Diagnostic, Severity, SourceMap, Span};
use crate::rules::Finding;

/// One problem to report.
#[derive(Clone, Debug)]
pub struct Item {
    pub severity: Severity,
    pub code: String,
    pub message: String,
    pub file: Option<PathBuf>,
    pub primary: Option<(Span, String)>,
    pub related: Vec<(Span, String)>,
    pub help: Option<String>,
    /// Code to show as written after the help (a finding's fix).
    pub fix: Option<String>,
    /// The error the deploy ends in (a finding's).
    pub deploy_error: Option<String>,
}

impl From<&Diagnostic> for Item {
    fn from(d: &Diagnostic) -> Item {
        Item {
            severity: d.severity,
            code: d.code.to_string(),
            message: d.message.clone(),
            file: d.file.clone(),
            primary: d.span.map(|s| (s, String::new())),
            related: d.related.clone(),
            help: None,
            fix: None,
            deploy_error: None,
        }
    }
}

impl From<&Finding> for Item {
    fn from(f: &Finding) -> Item {
        Item {
            severity: f.severity,
            code: f.rule.clone(),
            message: f.message.clone(),
            file: None,
            primary: Some((f.primary, f.label.clone())),
            related: f.related.clone(),
            help: Some(f.help.clone()),
            fix: f.fix.clone(),
            deploy_error: Some(f.deploy_error.clone()),
        }
    }
}

/// Diagnostics about the input that are notes about what pullpath could not read rather than
/// mistakes in it: shown as one grouped note per code unless `--verbose`.
pub const NOTE_CODES: &[&str] = &[
    "variable-without-value",
    "tfvars-not-loaded",
    "dangling-ref",
];

/// How many places a grouped diagnostic shows.
const GROUP_PLACES: usize = 3;

/// The name a diagnostic is about: the first `…` of its message (every diagnostic message
/// names its subject first, in backticks).
fn subject_of(d: &Diagnostic) -> Option<&str> {
    let rest = d.message.split_once('`')?.1;
    Some(rest.split_once('`')?.0)
}

/// "`a`, `b`, `c` and 4 more".
fn name_list(names: &[&str], shown: usize) -> String {
    let mut out: Vec<String> = names.iter().take(shown).map(|n| format!("`{n}`")).collect();
    if names.len() > shown {
        out.push(format!("and {} more", names.len() - shown));
        let last = out.pop().unwrap_or_default();
        return format!("{} {last}", out.join(", "));
    }
    out.join(", ")
}

/// The input diagnostics as users read them. With `verbose`, one item each. Otherwise the notes
/// ([`NOTE_CODES`]) are one item per code (a count, the names, the first places and what would
/// make them known), and identical diagnostics (same code and message) one item with a count
/// and their first places. JSON always lists every diagnostic.
pub fn diagnostic_items(diags: &[Diagnostic], verbose: bool) -> Vec<Item> {
    if verbose {
        return diags.iter().map(Item::from).collect();
    }
    let unloaded: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.code == "tfvars-not-loaded")
        .collect();
    let unloaded_names: Vec<&str> = unloaded.iter().filter_map(|d| subject_of(d)).collect();
    let mut out: Vec<Item> = Vec::new();
    // (code, message) → index in `out`, with the number of diagnostics merged into it.
    let mut same: Vec<((&str, &str), usize, usize)> = Vec::new();
    let mut notes_done: Vec<&str> = Vec::new();
    for d in diags {
        if NOTE_CODES.contains(&d.code) {
            if notes_done.contains(&d.code) {
                continue;
            }
            notes_done.push(d.code);
            let group: Vec<&Diagnostic> = diags.iter().filter(|x| x.code == d.code).collect();
            if d.code == "tfvars-not-loaded"
                && diags.iter().any(|x| x.code == "variable-without-value")
            {
                // Said in the help of the variables' note.
                continue;
            }
            if group.len() == 1 && d.code != "variable-without-value" {
                out.push(Item::from(d));
                continue;
            }
            out.push(note(d.code, &group, &unloaded_names));
            continue;
        }
        let key = (d.code, d.message.as_str());
        if let Some(entry) = same.iter_mut().find(|(k, _, _)| *k == key) {
            entry.2 += 1;
            let item = &mut out[entry.1];
            if let Some(span) = d.span {
                if item.related.len() + 1 < GROUP_PLACES && item.primary.is_some() {
                    item.related.push((span, "also here".into()));
                }
            }
            continue;
        }
        same.push((key, out.len(), 1));
        out.push(Item::from(d));
    }
    for (_, i, n) in same {
        if n > 1 {
            out[i].message = format!("{} ({n} times)", out[i].message);
        }
    }
    out
}

/// One grouped note for the diagnostics of a [`NOTE_CODES`] code.
fn note(code: &str, group: &[&Diagnostic], unloaded: &[&str]) -> Item {
    let mut names: Vec<&str> = Vec::new();
    for d in group {
        if let Some(n) = subject_of(d) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    let n = group.len();
    let (message, help) = match code {
        "variable-without-value" => (
            format!(
                "{n} variable{} without a value (no default, tfvars, -var or TF_VAR_): {}; \
                 what depends on {} is unknown and not checked",
                if n == 1 { "" } else { "s" },
                name_list(&names, 6),
                if n == 1 { "it" } else { "them" },
            ),
            match unloaded {
                [] => "Give values with `--var NAME=VALUE` or `--var-file FILE`; `--verbose` \
                       lists each."
                    .to_string(),
                [one] => format!(
                    "`{one}` is not loaded automatically; pass `--var-file {one}`. `--verbose` \
                     lists each."
                ),
                [first, ..] => format!(
                    "{} are not loaded automatically; pass the one of the environment to check, \
                     e.g. `--var-file {first}`. `--verbose` lists each.",
                    name_list(unloaded, 4)
                ),
            },
        ),
        "tfvars-not-loaded" => (
            format!(
                "{n} variable files are not loaded automatically: {}",
                name_list(&names, 6)
            ),
            format!(
                "Pass the one for the environment to check, e.g. `--var-file {}`.",
                names.first().copied().unwrap_or("FILE")
            ),
        ),
        _ => (
            format!(
                "{n} references to resources that are not in their unit: {}; what they point \
                 to is unknown and not checked",
                name_list(&names, 6)
            ),
            "`--verbose` lists each.".to_string(),
        ),
    };
    // A note names what it is about; its places are `--verbose`'s.
    let (primary, related) = (None, Vec::new());
    Item {
        severity: group
            .iter()
            .map(|d| d.severity)
            .max()
            .unwrap_or(Severity::Info),
        code: code.to_string(),
        message,
        file: None,
        primary,
        related,
        help: Some(help),
        fix: None,
        deploy_error: None,
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

/// One finding as JSON (the `findings[]` entries of `pullpath check --format json`): 1-based
/// lines and columns, paths relative to `cwd`.
pub fn finding_json(f: &Finding, sources: &SourceMap, cwd: &Path) -> serde_json::Value {
    let (a, b) = sources.line_col(f.primary);
    let related = related_json(&f.related, sources, cwd);
    let mut help = f.help.clone();
    if let Some(fix) = &f.fix {
        help.push_str("\n\n");
        help.push_str(fix);
    }
    serde_json::json!({
        "rule": f.rule,
        "title": f.title,
        "severity": f.severity,
        "message": f.message,
        "resource": f.resource,
        "task_definition": f.task,
        "file": display_path(&sources.path(f.primary.file), cwd),
        "line": a.line,
        "column": a.column,
        "end_line": b.line,
        "end_column": b.column,
        "label": f.label,
        "related": related,
        "deploy_error": f.deploy_error,
        "help": help,
        "fix": f.fix,
    })
}

/// Text rendering options.
#[derive(Clone, Copy, Debug)]
pub struct TextStyle {
    pub color: bool,
    pub unicode: bool,
    pub width: usize,
}

struct MietteItem {
    message: String,
    code: String,
    severity: miette::Severity,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<MietteItem>,
}

impl fmt::Debug for MietteItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl fmt::Display for MietteItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for MietteItem {}

impl miette::Diagnostic for MietteItem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn label(span: Span, text: &str, primary: bool) -> LabeledSpan {
    let len = (span.end - span.start) as usize;
    let text = (!text.is_empty()).then(|| text.to_string());
    if primary {
        LabeledSpan::new_primary_with_span(text, (span.start as usize, len))
    } else {
        LabeledSpan::new_with_span(text, (span.start as usize, len))
    }
}

/// How far (in lines) a related place may be from the primary one to share its snippet.
const NEAR_LINES: i64 = 6;

/// Greedy word wrap of prose at `width` columns, keeping the text's own line breaks.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut col = 0;
        for word in line.split(' ') {
            let w = word.chars().count();
            if col > 0 && col + 1 + w > width {
                out.push('\n');
                col = 0;
            } else if col > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += w;
        }
    }
    out
}

/// The help block of an item: the help prose (wrapped), the fix as written, and the deploy
/// error (wrapped).
fn help_block(item: &Item, width: usize) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(h) = &item.help {
        parts.push(wrap(h, width));
    }
    if let Some(f) = &item.fix {
        parts.push(f.clone());
    }
    if let Some(e) = &item.deploy_error {
        parts.push(format!(
            "Without the fix, the deploy ends in:\n{}",
            wrap(e, width)
        ));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn to_miette(item: &Item, sources: &SourceMap, cwd: &Path, width: usize) -> MietteItem {
    let primary_file = item.primary.as_ref().map(|(s, _)| s.file);
    let named = |file| {
        let f = sources.get(file);
        NamedSource::new(display_path(&f.path, cwd), f.text.clone()).with_language("text")
    };
    let mut message = item.message.clone();
    if primary_file.is_none() {
        if let Some(f) = &item.file {
            message = format!("{}: {message}", display_path(f, cwd));
        }
    }
    let mut labels = Vec::new();
    let mut related = Vec::new();
    if let Some((span, text)) = &item.primary {
        labels.push(label(*span, text, true));
    }
    // Related places near the primary one share its snippet; the others (another file, or far
    // away in the same one) get their own, so that a snippet never spans half a file.
    let line = |s: &Span| sources.line_col(*s).0.line as i64;
    let primary_lines = item
        .primary
        .as_ref()
        .map(|(s, _)| (line(s), sources.line_col(*s).1.line as i64));
    let near = |s: &Span| match primary_lines {
        Some((a, b)) => {
            let (x, y) = (line(s), sources.line_col(*s).1.line as i64);
            y >= a - NEAR_LINES && x <= b + NEAR_LINES
        }
        None => false,
    };
    for (span, text) in &item.related {
        if Some(span.file) == primary_file && near(span) {
            labels.push(label(*span, text, false));
        } else {
            related.push(MietteItem {
                message: text.clone(),
                code: item.code.clone(),
                severity: miette::Severity::Advice,
                source: Some(named(span.file)),
                labels: vec![label(*span, "", true)],
                help: None,
                related: Vec::new(),
            });
        }
    }
    MietteItem {
        message: wrap(&message, width),
        code: item.code.clone(),
        severity: severity(item.severity),
        source: primary_file.map(named),
        labels,
        help: help_block(item, width),
        related,
    }
}

/// Renders items as miette graphical reports.
pub fn render_text(items: &[Item], sources: &SourceMap, cwd: &Path, style: TextStyle) -> String {
    let theme = match (style.unicode, style.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, _) => GraphicalTheme::none(),
    };
    // miette does not wrap: prose is wrapped by `wrap`, code (the fix) stays as written.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_wrap_lines(false)
        .with_links(false);
    let mut out = String::new();
    for item in items {
        // Room for miette's gutter ("  x ", "  help: ").
        let m = to_miette(item, sources, cwd, style.width.saturating_sub(8).max(40));
        if handler.render_report(&mut out, &m).is_err() {
            out.push_str(&format!("{}\n", item.message));
        }
    }
    out
}

/// One item as JSON: 1-based lines and columns, paths relative to `cwd`.
pub fn item_json(item: &Item, sources: &SourceMap, cwd: &Path) -> serde_json::Value {
    let mut obj = serde_json::Map::new();
    obj.insert("code".into(), item.code.clone().into());
    obj.insert(
        "severity".into(),
        serde_json::to_value(item.severity).unwrap_or_default(),
    );
    obj.insert("message".into(), item.message.clone().into());
    let file = item
        .primary
        .as_ref()
        .map(|(s, _)| sources.path(s.file))
        .or_else(|| item.file.clone());
    obj.insert(
        "file".into(),
        file.map(|f| display_path(&f, cwd).into())
            .unwrap_or(serde_json::Value::Null),
    );
    if let Some((span, _)) = &item.primary {
        let (a, b) = sources.line_col(*span);
        obj.insert("line".into(), a.line.into());
        obj.insert("column".into(), a.column.into());
        obj.insert("end_line".into(), b.line.into());
        obj.insert("end_column".into(), b.column.into());
    }
    obj.insert("related".into(), related_json(&item.related, sources, cwd));
    if let Some(h) = &item.help {
        obj.insert("help".into(), h.clone().into());
    }
    serde_json::Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_diagnostics_are_one_item_with_a_count() {
        let sources = SourceMap::new();
        let id = sources.add("/w/a.tf", "a\nb\nc\nd\ne\n");
        let d = |at: usize| {
            Diagnostic::warning("module-not-loaded", "module `vpc` is not installed")
                .at(Span::new(id, at..at + 1))
        };
        let other = Diagnostic::warning("module-not-loaded", "module `ecs` is not installed");
        let diags = [d(0), d(2), d(4), d(6), other];
        let items = diagnostic_items(&diags, false);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].message, "module `vpc` is not installed (4 times)");
        assert_eq!(items[0].related.len(), GROUP_PLACES - 1);
        assert_eq!(diagnostic_items(&diags, true).len(), 5);
        let vars: Vec<Diagnostic> = ["a", "b"]
            .iter()
            .map(|n| {
                Diagnostic::info(
                    "variable-without-value",
                    format!("variable `{n}` has no value"),
                )
            })
            .collect();
        let items = diagnostic_items(&vars, false);
        assert_eq!(items.len(), 1);
        assert!(
            items[0].message.starts_with("2 variables"),
            "{}",
            items[0].message
        );
        assert!(
            items[0].message.contains("`a`, `b`"),
            "{}",
            items[0].message
        );
    }

    #[test]
    fn renders_snippet_and_json_positions() {
        let sources = SourceMap::new();
        let id = sources.add("/w/a.yaml", "Resources:\n  X: !Bad 1\n");
        let d = Diagnostic::error("parse-error", "unknown tag")
            .in_file("/w/a.yaml")
            .at(Span::new(id, 16..20));
        let item = Item::from(&d);
        let text = render_text(
            std::slice::from_ref(&item),
            &sources,
            Path::new("/w"),
            TextStyle {
                color: false,
                unicode: false,
                width: 80,
            },
        );
        assert!(text.contains("a.yaml:2:6"), "{text}");
        assert!(text.contains("unknown tag"), "{text}");
        let j = item_json(&item, &sources, Path::new("/w"));
        assert_eq!(j["file"], "a.yaml");
        assert_eq!(j["line"], 2);
        assert_eq!(j["column"], 6);
        assert_eq!(j["end_column"], 10);
    }
}
