//! Reporters: what users see. Text (miette graphical diagnostics) and JSON.
//!
//! Everything printed goes through [`Item`], a format-independent report of one problem: a
//! severity, a code, a message, a primary place and labelled related places, and a help text.

mod snippet;

use std::fmt;
use std::path::{Path, PathBuf};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

pub use snippet::escape_controls;
use snippet::Excerpt;

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

/// What `other` says that `first` does not: the words between their common beginning and end
/// (the secret's name of two "cannot read the secret X" messages), or all of `other`.
fn difference<'a>(first: &str, other: &'a str) -> &'a str {
    let a: Vec<&str> = first.split(' ').collect();
    let b: Vec<&str> = other.split(' ').collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    if head + tail >= b.len() || head + tail == 0 {
        return other;
    }
    let start: usize = b[..head].iter().map(|w| w.len() + 1).sum();
    let end: usize = other.len()
        - b[b.len() - tail..]
            .iter()
            .map(|w| w.len() + 1)
            .sum::<usize>();
    &other[start..end.max(start)]
}

/// A finding's message with what was merged into it: the other module instances, and the other
/// places the same fix covers.
fn merged_message(f: &Finding) -> String {
    let mut message = f.message.clone();
    if !f.instances.is_empty() {
        let names: Vec<&str> = f.instances.iter().map(String::as_str).collect();
        message.push_str(&format!(
            "\n(the same for {} other resource{}: {})",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            name_list(&names, 4)
        ));
    }
    if !f.same_fix.is_empty() {
        message.push_str(&format!(
            "\nThe same fix covers {} more place{}:",
            f.same_fix.len(),
            if f.same_fix.len() == 1 { "" } else { "s" }
        ));
        for (_, m) in &f.same_fix {
            message.push_str(&format!("\n- {}", difference(&f.message, m)));
        }
    }
    message
}

impl From<&Finding> for Item {
    fn from(f: &Finding) -> Item {
        let mut related = f.related.clone();
        for (span, _) in &f.same_fix {
            if !related.iter().any(|(s, _)| s == span) {
                related.push((*span, f.label.clone()));
            }
        }
        Item {
            severity: f.severity,
            code: f.rule.clone(),
            message: merged_message(f),
            file: None,
            primary: Some((f.primary, f.label.clone())),
            related,
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
            {
                // One name declared in many roots (a repository of services) is one variable
                // in many files, not many variables.
                let k = names.len().max(1);
                let mut files: Vec<crate::base::FileId> = group
                    .iter()
                    .filter_map(|d| d.span.map(|s| s.file))
                    .collect();
                files.sort();
                files.dedup();
                let modules = if n > k && files.len() > 1 {
                    format!(" (declared in {} files)", files.len())
                } else {
                    String::new()
                };
                format!(
                    "{k} variable{} without a value (no default, tfvars, -var or TF_VAR_): {}{modules}; \
                     what depends on {} is unknown and not checked",
                    if k == 1 { "" } else { "s" },
                    name_list(&names, 6),
                    if k == 1 { "it" } else { "them" },
                )
            },
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

/// What would make an unknown known, from the cause `--explain-unknown` shows.
fn to_know(cause: &str, var_files: &[&str]) -> Option<String> {
    let quoted = |after: &str| -> Option<String> {
        let rest = cause.split(after).nth(1)?;
        let rest = rest.strip_prefix('`').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        (!name.is_empty()).then_some(name)
    };
    if cause.contains("has no value") {
        if let Some(v) = quoted("variable ") {
            return Some(match var_files {
                [] => format!("`--var {v}=…` (or a `--var-file` that sets it)"),
                [f, ..] => format!("`--var {v}=…` or `--var-file {f}`"),
            });
        }
        if let Some(p) = quoted("parameter ") {
            return Some(format!("`--param {p}=…` (or `--params-file`)"));
        }
    }
    if cause.contains("terraform init") {
        return Some("`terraform init` (to install the module), then check again".into());
    }
    if cause.contains("Fn::ImportValue") || cause.contains("another stack") {
        return Some("known at deploy time only: check the exporting stack's template with it, or give the value with `--param`".into());
    }
    if cause.contains("outside the scanned directories") {
        return Some("check the directory that holds the file too".into());
    }
    if cause.contains("data source") || cause.contains("whose value is not known") {
        return Some("a plan (`terraform show -json plan.out`) read with its `.tf` files".into());
    }
    None
}

/// `a: a: b` → `a: b`: a cause said twice by nested evaluations, once.
fn collapse_repeats(cause: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in cause.split(": ") {
        if parts.last() != Some(&p) {
            parts.push(p);
        }
    }
    parts.join(": ")
}

/// The `--explain-unknown` text: per task definition, each cause once (what could not be
/// verified and why), the rules it keeps from deciding, and what would make it known; wrapped at
/// `width`. `var_files` are the variable files Terraform does not load by itself.
pub fn unverified_text(
    unverified: &[crate::rules::Unverified],
    var_files: &[&str],
    width: usize,
) -> String {
    let mut out = String::from("Not verified (unknown facts never give a finding):\n");
    let mut tasks: Vec<&str> = unverified.iter().map(|u| u.task.as_str()).collect();
    tasks.dedup();
    let indent = |text: &str, first: &str, rest: &str| -> String {
        let w = width.saturating_sub(rest.len()).max(30);
        let mut s = String::new();
        for (i, line) in wrap(text, w).lines().enumerate() {
            s.push_str(if i == 0 { first } else { rest });
            s.push_str(line);
            s.push('\n');
        }
        s
    };
    for task in tasks {
        out.push_str(&format!("  {task}\n"));
        // cause → rules, in order of first appearance.
        let mut causes: Vec<(String, Vec<&str>)> = Vec::new();
        for u in unverified.iter().filter(|u| u.task == task) {
            let cause = u
                .reason
                .split_once(": ")
                .filter(|(fact, _)| !fact.contains(' '))
                .map_or(u.reason.as_str(), |(_, c)| c);
            let cause = collapse_repeats(cause);
            match causes.iter_mut().find(|(c, _)| *c == cause) {
                Some((_, rules)) => {
                    if !rules.contains(&u.rule.as_str()) {
                        rules.push(&u.rule);
                    }
                }
                None => causes.push((cause, vec![&u.rule])),
            }
        }
        for (cause, rules) in causes {
            out.push_str(&indent(&cause, "    - ", "      "));
            out.push_str(&indent(
                &format!("undecided: {}", rules.join(", ")),
                "      ",
                "      ",
            ));
            if let Some(hint) = to_know(&cause, var_files) {
                out.push_str(&indent(&format!("to know it: {hint}"), "      ", "      "));
            }
        }
    }
    out.push('\n');
    escape_controls(&out).into_owned()
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
        "instances": f.instances,
        "same_fix": related_json(&f.same_fix, sources, cwd),
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
    source: Option<Excerpt>,
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

fn label(span: SourceSpan, text: &str, primary: bool) -> LabeledSpan {
    let text = (!text.is_empty()).then(|| escape_controls(text).into_owned());
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
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

/// The snippet of `spans` (labels, in one file), as miette reads it.
fn snippet(
    sources: &SourceMap,
    cwd: &Path,
    spans: &[(Span, &str)],
    primary: bool,
) -> (Excerpt, Vec<LabeledSpan>) {
    let file = sources.get(spans[0].0.file);
    let only: Vec<Span> = spans.iter().map(|(s, _)| *s).collect();
    let (excerpt, mapped) = Excerpt::new(&file, &display_path(&file.path, cwd), &only);
    let labels = mapped
        .into_iter()
        .zip(spans)
        .enumerate()
        .map(|(i, (m, (_, text)))| label(m, text, primary && i == 0))
        .collect();
    (excerpt, labels)
}

fn to_miette(item: &Item, sources: &SourceMap, cwd: &Path, width: usize) -> MietteItem {
    let primary_file = item.primary.as_ref().map(|(s, _)| s.file);
    let mut message = item.message.clone();
    if primary_file.is_none() {
        if let Some(f) = &item.file {
            message = format!("{}: {message}", display_path(f, cwd));
        }
    }
    // Related places near the primary one share its snippet; the others (another file, far
    // away in the same one, or far along the same long line) get their own, so that a snippet
    // never spans half a file or half a line.
    let mut shared: Vec<(Span, &str)> = Vec::new();
    let mut related = Vec::new();
    if let Some((span, text)) = &item.primary {
        shared.push((*span, text));
    }
    let primary_lines = item.primary.as_ref().map(|(s, _)| {
        let (a, b) = sources.line_col(*s);
        (a.line as i64, b.line as i64, s.start)
    });
    let near = |s: &Span| match primary_lines {
        Some((a, b, start)) => {
            let (x, y) = sources.line_col(*s);
            let (x, y) = (x.line as i64, y.line as i64);
            let far_along = x == a && s.start.abs_diff(start) as usize > snippet::WIDTH / 2;
            y >= a - NEAR_LINES && x <= b + NEAR_LINES && !far_along
        }
        None => false,
    };
    for (span, text) in &item.related {
        if Some(span.file) == primary_file && near(span) {
            shared.push((*span, text));
        } else {
            let (excerpt, labels) = snippet(sources, cwd, &[(*span, "")], true);
            related.push(MietteItem {
                message: escape_controls(text).into_owned(),
                code: item.code.clone(),
                severity: miette::Severity::Advice,
                source: Some(excerpt),
                labels,
                help: None,
                related: Vec::new(),
            });
        }
    }
    let (source, labels) = if shared.is_empty() {
        (None, Vec::new())
    } else {
        let (e, l) = snippet(sources, cwd, &shared, true);
        (Some(e), l)
    };
    MietteItem {
        message: escape_controls(&wrap(&message, width)).into_owned(),
        code: escape_controls(&item.code).into_owned(),
        severity: severity(item.severity),
        source,
        labels,
        help: help_block(item, width).map(|h| escape_controls(&h).into_owned()),
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
        let _working = item
            .primary
            .as_ref()
            .map(|(s, _)| crate::base::crash::working_on(display_path(&sources.path(s.file), cwd)));
        // A crash on demand, for the test of the crash report (debug builds only).
        #[cfg(debug_assertions)]
        if std::env::var_os("PULLPATH_TEST_PANIC").is_some() {
            panic!("PULLPATH_TEST_PANIC is set");
        }
        // Room for miette's gutter ("  x ", "  help: ").
        let m = to_miette(item, sources, cwd, style.width.saturating_sub(8).max(40));
        if handler.render_report(&mut out, &m).is_err() {
            out.push_str(&format!("{}\n", escape_controls(&item.message)));
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
    fn unverified_causes_are_listed_once_with_what_would_make_them_known() {
        let u = |rule: &str, reason: &str| crate::rules::Unverified {
            task: "aws_ecs_task_definition.app".into(),
            rule: rule.into(),
            title: "t".into(),
            reason: reason.into(),
        };
        let cause = "`aws_ecs_service.app` network_configuration.subnets: variable \
                     `private_subnet_ids` has no value";
        let list = [
            u("FGP020", &format!("site.public_without_ip: {cause}")),
            u("FGP021", &format!("site.private_only: {cause}")),
            u("FGP021", &format!("site.some_private_only: {cause}")),
            u(
                "FGP004",
                "need.resource_scoped: the image is not known: the image is not known: \
                 parameter DockerImage has no value (give it with --param DockerImage=VALUE)",
            ),
        ];
        let text = unverified_text(&list, &["prod.tfvars"], 80);
        assert_eq!(text.matches("private_subnet_ids").count(), 2, "{text}");
        assert!(text.contains("undecided: FGP020, FGP021\n"), "{text}");
        assert!(
            text.contains("`--var private_subnet_ids=…` or `--var-file prod.tfvars`"),
            "{text}"
        );
        assert!(
            text.contains("- the image is not known: parameter DockerImage"),
            "{text}"
        );
        assert!(text.contains("`--param DockerImage=…`"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    }

    #[test]
    fn merged_places_show_what_differs() {
        let a = "container `app` reads the secret `db` when the task starts";
        assert_eq!(
            difference(
                a,
                "container `app` reads the secret `api-key` when the task starts"
            ),
            "`api-key`"
        );
        assert_eq!(
            difference(
                a,
                "container `worker` reads the secret `x` when the task starts"
            ),
            "`worker` reads the secret `x`"
        );
        assert_eq!(difference(a, "something else"), "something else");
        assert_eq!(difference(a, a), a);
    }

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
