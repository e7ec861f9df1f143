//! `--format github`: GitHub Actions workflow commands, one per finding and input diagnostic
//! (`::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`), which the runner
//! turns into annotations on the pull request's diff. The message carries the deploy error a
//! finding predicts and its chain of related places; it is escaped as the runner requires (`%`,
//! CR and LF in the message; also `:` and `,` in properties) so that no input can end the
//! command or start another, and control characters are escaped as in text. Notes are
//! `::notice`, grouped as in text unless `--verbose`. No summary: the job log has the text.

use std::io::{self, Write};

use super::compact::one_line;
use super::{escape_controls, items, Context, Emitter, Place};
use crate::base::source::display_path;
use crate::base::{Diagnostic, Severity};

pub struct Github;

impl Emitter for Github {
    fn emit(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        cx: &Context,
    ) -> io::Result<()> {
        for d in &items(diagnostics, cx.verbose) {
            out.write_all(command(d, cx).as_bytes())?;
        }
        Ok(())
    }
}

fn command(d: &Diagnostic, cx: &Context) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let f = d.finding.as_deref();
    let mut props = Vec::new();
    if let Some(place) = Place::of(d, cx) {
        props.push(("file", place.path));
        if let Some((a, b)) = place.range {
            props.push(("line", a.line.to_string()));
            props.push(("endLine", b.line.to_string()));
            // Columns apply to one line only (GitHub ignores them across lines).
            if a.line == b.line {
                props.push(("col", a.column.to_string()));
                props.push(("endColumn", b.column.to_string()));
            }
        }
    }
    let title = match f {
        Some(f) => format!("{}: {}", d.code, f.title),
        None => d.code.to_string(),
    };
    props.push(("title", title));
    let mut message = d.message.clone();
    if let Some(e) = f.map(|f| f.deploy_error.trim()).filter(|e| !e.is_empty()) {
        message.push_str("\nThe deploy would end in: ");
        message.push_str(&one_line(e));
    }
    for (span, label) in &d.related {
        let (a, _) = cx.sources.line_col(*span);
        let path = display_path(&cx.sources.path(span.file), cx.cwd);
        message.push_str(&format!("\n  {path}:{}: {label}", a.line));
    }
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!("::{kind} {}::{}\n", props.join(","), escape_data(&message))
}

/// The message of a workflow command: `%`, CR and LF escaped (the runner's `escapeData`), and
/// control characters as in text.
fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    escape_controls(&s).into_owned()
}

/// A property of a workflow command: also `:` and `,` (the runner's `escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_in_the_input_ends_the_command_or_starts_another() {
        let hostile = "a%0A\r\n::add-mask::x,y:z\u{1b}[31m";
        let data = escape_data(hostile);
        assert!(!data.contains(['\n', '\r', '\u{1b}']), "{data}");
        assert!(data.starts_with("a%250A%0D%0A::add-mask::"), "{data}");
        let prop = escape_property(hostile);
        assert!(!prop.contains([':', ',', '\n']), "{prop}");
    }
}
