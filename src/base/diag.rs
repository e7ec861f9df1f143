//! Diagnostics about the input itself (parse errors, unsupported constructs, skipped files), as
//! opposed to findings about the infrastructure, which come from the rules.

use std::path::PathBuf;

use super::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case code: `parse-error`, `duplicate-key`, `yaml-alias`, `too-large`, ...
    pub code: &'static str,
    pub message: String,
    /// The file concerned (always set when the diagnostic is about a file).
    pub file: Option<PathBuf>,
    /// The exact place, when known.
    pub span: Option<Span>,
    /// Other places that explain the diagnostic (e.g. the first occurrence of a duplicate key).
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: None,
            span: None,
            related: Vec::new(),
        }
    }
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message)
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message)
    }
    pub fn info(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Info, code, message)
    }
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Diagnostic {
        self.file = Some(file.into());
        self
    }
    pub fn at(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.related.push((span, message.into()));
        self
    }
}
