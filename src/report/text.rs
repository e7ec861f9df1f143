//! The terminal report: miette graphical diagnostics with bounded snippets (`snippet.rs`), prose
//! wrapped at the terminal's width, fixes shown as written, and the summary line.

use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use super::group::{grouped, name_list};
use super::snippet::{self, escape_controls, wrap, Excerpt};
use super::unverified::unverified_text;
use super::{Context, Emitter, Summary};
use crate::base::diag::Fix;
use crate::base::source::display_path;
use crate::base::{Diagnostic, Severity, SourceMap, Span};

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
fn merged_message(d: &Diagnostic) -> String {
    let mut message = d.message.clone();
    let Some(f) = &d.finding else {
        return message;
    };
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
            message.push_str(&format!("\n- {}", difference(&d.message, m)));
        }
    }
    message
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

/// The help block of an item: the help prose (wrapped), the fix as written, and the deploy
/// error (wrapped).
fn help_block(item: &Diagnostic, width: usize) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(h) = &item.help {
        parts.push(wrap(h, width));
    }
    if let Some(code) = item.fix.as_ref().and_then(Fix::shown_code) {
        parts.push(code);
    }
    if let Some(e) = item.finding.as_ref().map(|f| &f.deploy_error) {
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

fn to_miette(item: &Diagnostic, sources: &SourceMap, cwd: &Path, width: usize) -> MietteItem {
    let primary_file = item.span.map(|s| s.file);
    let mut message = merged_message(item);
    if primary_file.is_none() {
        if let Some(f) = &item.file {
            message = format!("{}: {message}", display_path(f, cwd));
        }
    }
    // A finding's other places with the same fix are labelled as its own.
    let mut related = item.related.clone();
    for (span, _) in item.finding.iter().flat_map(|f| &f.same_fix) {
        if !related.iter().any(|(s, _)| s == span) {
            related.push((*span, item.label.clone()));
        }
    }
    // Related places near the primary one share its snippet; the others (another file, far
    // away in the same one, or far along the same long line) get their own, so that a snippet
    // never spans half a file or half a line.
    let mut shared: Vec<(Span, &str)> = Vec::new();
    let mut apart = Vec::new();
    if let Some(span) = item.span {
        shared.push((span, &item.label));
    }
    let primary_lines = item.span.map(|s| {
        let (a, b) = sources.line_col(s);
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
    for (span, text) in &related {
        if Some(span.file) == primary_file && near(span) {
            shared.push((*span, text));
        } else {
            let (excerpt, labels) = snippet(sources, cwd, &[(*span, "")], true);
            apart.push(MietteItem {
                message: escape_controls(text).into_owned(),
                code: item.code.to_string(),
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
        related: apart,
    }
}

/// Renders diagnostics as miette graphical reports.
pub fn render(items: &[Diagnostic], sources: &SourceMap, cwd: &Path, style: TextStyle) -> String {
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
            .span
            .map(|s| crate::base::crash::working_on(display_path(&sources.path(s.file), cwd)));
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

/// The terminal report: findings, then the input diagnostics (grouped unless `--verbose`), the
/// unverified checks when asked for, and the summary line.
pub struct Text;

impl Emitter for Text {
    fn emit(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        cx: &Context,
    ) -> io::Result<()> {
        let (findings, inputs): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
            .iter()
            .cloned()
            .partition(Diagnostic::is_finding);
        out.write_all(render(&findings, cx.sources, cx.cwd, cx.style).as_bytes())?;
        let notes = grouped(&inputs, cx.verbose);
        out.write_all(render(&notes, cx.sources, cx.cwd, cx.style).as_bytes())?;
        if let Some(unverified) = cx.unverified.filter(|u| !u.is_empty()) {
            let var_files: Vec<String> = inputs
                .iter()
                .filter(|d| d.code == "tfvars-not-loaded")
                .filter_map(|d| d.file.as_ref())
                .map(|f| display_path(f, cx.cwd))
                .collect();
            let var_files: Vec<&str> = var_files.iter().map(String::as_str).collect();
            out.write_all(
                unverified_text(unverified, &var_files, cx.cwd, cx.style.width).as_bytes(),
            )?;
        }
        out.write_all(summary_line(&cx.summary, cx.unverified.is_some()).as_bytes())
    }
}

/// "3 findings (1 error, 2 warnings, 0 info) in 2 units, …".
fn summary_line(s: &Summary, explained: bool) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut line = String::new();
    if s.checked {
        line = format!(
            "{} finding{} ({} error{}, {} warning{}, {} info) in ",
            s.findings,
            plural(s.findings),
            s.errors,
            plural(s.errors),
            s.warnings,
            plural(s.warnings),
            s.info,
        );
    }
    line.push_str(&format!(
        "{} unit{}, {} resource{}, {} file{}; {} input diagnostic{} ({} error{})",
        s.units,
        plural(s.units),
        s.resources,
        plural(s.resources),
        s.files,
        plural(s.files),
        s.diagnostics,
        plural(s.diagnostics),
        s.input_errors,
        plural(s.input_errors),
    ));
    if s.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        line.push_str(&format!("; {} baselined", s.baselined));
    }
    if s.checked && s.unverified_checks > 0 && !explained {
        line.push_str(&format!(
            "; {} check{} not verified in {} task definition{} (--explain-unknown)",
            s.unverified_checks,
            plural(s.unverified_checks),
            s.unverified_tasks,
            plural(s.unverified_tasks),
        ));
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
