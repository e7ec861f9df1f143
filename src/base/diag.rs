//! The one diagnostic type that every consumer reads (the reporters, and later SARIF, `--fix`
//! and the language server): diagnostics about the input itself (parse errors, unsupported
//! constructs, skipped files: a kebab-case `code`) and findings about the infrastructure (a rule
//! that fired: the rule id as `code`, with [`Finding`] details). Both have a severity, a
//! message, a primary place with its label, labelled related places, help, and an optional
//! [`Fix`].

use std::borrow::Cow;
use std::path::PathBuf;

use super::source::Span;

/// Ordered: `Info < Warning < Error`; the default is the lowest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Info,
    Warning,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A finding's rule id (`FGP021`), or the stable kebab-case code of an input diagnostic:
    /// `parse-error`, `duplicate-key`, `yaml-alias`, `too-large`, ...
    pub code: Cow<'static, str>,
    pub message: String,
    /// The file concerned (always set when the diagnostic is about a file).
    pub file: Option<PathBuf>,
    /// The exact place, when known.
    pub span: Option<Span>,
    /// What the primary place says (empty: nothing).
    pub label: String,
    /// Other places that explain the diagnostic (the first occurrence of a duplicate key; a
    /// finding's chain: role, statement, route table, endpoint…).
    pub related: Vec<(Span, String)>,
    /// What to do, in prose.
    pub help: Option<String>,
    /// The change that fixes it.
    pub fix: Option<Fix>,
    /// What a finding is about (`None` for input diagnostics).
    pub finding: Option<Box<Finding>>,
}

/// What a finding adds to a diagnostic: the rule that fired and what it fired on.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The rule's title.
    pub title: String,
    /// The resource to change (or, for what a task needs, the task definition).
    pub resource: String,
    /// The task definition it concerns.
    pub task: String,
    /// The error the deploy ends in without the fix.
    pub deploy_error: String,
    /// Other resources with the same finding at the same place: the instances of a module
    /// (`for_each`, `count`) that share the code, the endpoints of one VPC.
    pub instances: Vec<String>,
    /// Other findings of the same check whose fix is the same change on the same resource
    /// (five secrets the same role may not read): their place and message.
    pub same_fix: Vec<(Span, String)>,
    /// Set when an inline suppression covers the finding: it is then reported only where a
    /// format can say so (JSON, SARIF) and does not count for the exit code.
    pub suppression: Option<Suppression>,
}

/// Why a finding is not reported: the user's own suppression, where they wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// The reason written beside the rule id (`None`: none given).
    pub reason: Option<String>,
    /// The comment or the `Metadata` entry.
    pub at: Span,
}

/// Where a suppression is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    /// A `# pullpath:ignore` comment (HCL, YAML).
    Comment,
    /// A CloudFormation resource's `Metadata.pullpath.ignore`.
    Metadata,
}

/// A change that fixes a diagnostic: edits, possibly in several files (each span names its
/// file), and how safe it is to apply them without reading.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    /// What the fix does, in a few words.
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// Replace the text of `span` with `content` (an empty span inserts).
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

/// How a fix may be applied (ruff's and rustc's levels).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Changes an attribute as the user would: applied by `--fix`.
    Safe,
    /// Adds or removes resources, or changes what else may depend on: applied only on request.
    Unsafe,
    /// An example to adapt, shown to the user, never applied (`content` is the code to show,
    /// `span` where it belongs).
    DisplayOnly,
}

impl Fix {
    /// A display-only fix: `code` to show, about the place `at`.
    pub fn display_only(title: impl Into<String>, at: Span, code: impl Into<String>) -> Fix {
        Fix {
            title: title.into(),
            edits: vec![Edit {
                span: at,
                content: code.into(),
            }],
            applicability: Applicability::DisplayOnly,
        }
    }

    /// The code a display-only fix shows (its edits' contents, one after the other).
    pub fn shown_code(&self) -> Option<String> {
        (self.applicability == Applicability::DisplayOnly && !self.edits.is_empty()).then(|| {
            self.edits
                .iter()
                .map(|e| e.content.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
    }
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            code: code.into(),
            message: message.into(),
            file: None,
            span: None,
            label: String::new(),
            related: Vec::new(),
            help: None,
            fix: None,
            finding: None,
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
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Whether a rule gave it (not the input's reading).
    pub fn is_finding(&self) -> bool {
        self.finding.is_some()
    }

    /// Merges `other`, a finding of the same check, into this one: the same place in another
    /// instance, or the same fix for another place.
    pub fn absorb(&mut self, other: Diagnostic) {
        let (Some(mine), Some(theirs)) = (self.finding.as_deref_mut(), other.finding) else {
            return;
        };
        if other.span == self.span {
            if theirs.resource != mine.resource && !mine.instances.contains(&theirs.resource) {
                mine.instances.push(theirs.resource);
            }
        } else if let Some(at) = other.span {
            if !mine.same_fix.iter().any(|(s, _)| *s == at) {
                mine.same_fix.push((at, other.message));
            }
        }
        for rel in other.related {
            if !self.related.contains(&rel) && Some(rel.0) != self.span {
                self.related.push(rel);
            }
        }
    }
}
