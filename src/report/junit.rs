//! `--format junit`: JUnit XML, as CI systems (Jenkins, GitLab, Azure Pipelines, CircleCI) show
//! test results. One test case per task definition the rules were evaluated on (`classname`
//! its file, `name` its address), with one `<failure>` per finding about it (`type` the rule,
//! `message` severity and message; the body the place, the deploy error and the chain), and one
//! test case per file with input errors or warnings, each an `<error>`. A task definition with no
//! finding is a passing test case. Input notes are left out (they are in text and JSON). Text
//! from the input is escaped for XML, and characters XML 1.0 cannot hold (control characters)
//! are written as `\u{1b}`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::compact::severity_name;
use super::{escape_controls, Context, Emitter, Place};
use crate::base::source::display_path;
use crate::base::{Diagnostic, Severity};

pub struct Junit;

/// One `<testcase>`: its file, its name, and its failures and errors (`(element, type,
/// message, body)`).
struct Case {
    classname: String,
    name: String,
    line: Option<usize>,
    items: Vec<(&'static str, String, String, String)>,
}

impl Emitter for Junit {
    fn emit(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        cx: &Context,
    ) -> io::Result<()> {
        let mut cases: Vec<Case> = Vec::new();
        let mut by_task: BTreeMap<&str, usize> = BTreeMap::new();
        for t in cx.tasks {
            by_task.insert(&t.task, cases.len());
            cases.push(Case {
                classname: display_path(&cx.sources.path(t.span.file), cx.cwd),
                name: t.task.clone(),
                line: Some(t.line),
                items: Vec::new(),
            });
        }
        let mut by_file: BTreeMap<String, usize> = BTreeMap::new();
        for d in diagnostics {
            let place = Place::of(d, cx);
            let at = match &place {
                Some(Place {
                    path,
                    range: Some((a, _)),
                }) => format!("{path}:{}:{}", a.line, a.column),
                Some(Place { path, range: None }) => path.clone(),
                None => "(command line)".into(),
            };
            let message = format!("{}: {}", severity_name(d.severity), d.message);
            let case = if let Some(f) = d.finding.as_deref() {
                let mut body = at;
                if !f.deploy_error.trim().is_empty() {
                    body.push_str("\nThe deploy would end in: ");
                    body.push_str(f.deploy_error.trim());
                }
                for (span, label) in &d.related {
                    let (a, _) = cx.sources.line_col(*span);
                    let path = display_path(&cx.sources.path(span.file), cx.cwd);
                    let _ = write!(body, "\n  {path}:{}: {label}", a.line);
                }
                let i = *by_task.entry(&f.task).or_insert_with(|| {
                    cases.push(Case {
                        classname: place.as_ref().map_or(String::new(), |p| p.path.clone()),
                        name: f.task.clone(),
                        line: None,
                        items: Vec::new(),
                    });
                    cases.len() - 1
                });
                (i, ("failure", d.code.to_string(), message, body))
            } else if d.severity == Severity::Info {
                continue;
            } else {
                let file = place.as_ref().map_or(String::new(), |p| p.path.clone());
                let i = *by_file.entry(file.clone()).or_insert_with(|| {
                    cases.push(Case {
                        classname: file,
                        name: "input".into(),
                        line: None,
                        items: Vec::new(),
                    });
                    cases.len() - 1
                });
                (i, ("error", d.code.to_string(), message, at))
            };
            cases[case.0].items.push(case.1);
        }
        let count = |kind: &str| {
            cases
                .iter()
                .flat_map(|c| &c.items)
                .filter(|i| i.0 == kind)
                .count()
        };
        let totals = format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\"",
            cases.len(),
            count("failure"),
            count("error")
        );
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(xml, "<testsuites name=\"pullpath\" {totals}>");
        let _ = writeln!(
            xml,
            "  <testsuite name=\"pullpath check\" {totals} skipped=\"0\">"
        );
        for c in &cases {
            let _ = write!(
                xml,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
                xml_escape(&c.classname),
                xml_escape(&c.name),
                xml_escape(&c.classname),
            );
            if let Some(line) = c.line {
                let _ = write!(xml, " line=\"{line}\"");
            }
            if c.items.is_empty() {
                xml.push_str("/>\n");
                continue;
            }
            xml.push_str(">\n");
            for (element, kind, message, body) in &c.items {
                let _ = writeln!(
                    xml,
                    "      <{element} type=\"{}\" message=\"{}\">{}</{element}>",
                    xml_escape(kind),
                    xml_escape(message),
                    xml_text(body),
                );
            }
            xml.push_str("    </testcase>\n");
        }
        xml.push_str("  </testsuite>\n</testsuites>\n");
        out.write_all(xml.as_bytes())
    }
}

/// Text for an XML attribute: as [`xml_text`], and line breaks as character references (an
/// attribute value's line break would be read as a space).
fn xml_escape(s: &str) -> String {
    xml_text(s).replace('\n', "&#10;").replace('\r', "&#13;")
}

/// Text for an XML element: control characters written out (XML 1.0 cannot hold them; line
/// breaks and tabs stay), then `&`, `<`, `>`, `"` and `'` as entities.
fn xml_text(s: &str) -> String {
    let s = escape_controls(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_from_the_input_breaks_the_xml() {
        assert_eq!(
            xml_escape("a<b>&\"c'\n\u{1b}[31m"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;\\u{1b}[31m"
        );
    }
}
