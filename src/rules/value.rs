//! The values of facts, below both the subjects that compute them and the conditions that read
//! them: a fact's value and its places ([`Known`], [`Probe`]), the three-valued answer of a
//! condition ([`Tri`]), and fix code ([`Code`]) with its rendering in a fix's language.

use crate::analysis::Fact;
use crate::base::Span;

/// A fact's value. `Loc` is a fact that is only a location (`need.at`).
#[derive(Clone, Debug, PartialEq)]
pub enum Known {
    Bool(bool),
    Str(String),
    List(Vec<String>),
    Loc,
    /// Code for a fix, written in the fix's language when it is expanded (see [`Code`]).
    Code(Vec<Code>, bool),
    Unknown(String),
    Absent,
}

/// A fact: its value and where it comes from (several places, each optionally labelled, for
/// facts such as "the statements that deny").
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub value: Known,
    pub at: Vec<(Span, Option<String>)>,
}

impl Probe {
    pub(super) fn new(value: Known, at: Option<Span>) -> Probe {
        Probe {
            value,
            at: at.map(|s| (s, None)).into_iter().collect(),
        }
    }
    pub(super) fn absent() -> Probe {
        Probe::new(Known::Absent, None)
    }
    pub(super) fn unknown(reason: impl Into<String>, at: Option<Span>) -> Probe {
        Probe::new(Known::Unknown(reason.into()), at)
    }
    pub(super) fn str(s: impl Into<String>, at: Option<Span>) -> Probe {
        Probe::new(Known::Str(s.into()), at)
    }
    pub(super) fn bool(b: bool, at: Option<Span>) -> Probe {
        Probe::new(Known::Bool(b), at)
    }
    pub(super) fn loc(at: Option<Span>) -> Probe {
        match at {
            Some(_) => Probe::new(Known::Loc, at),
            None => Probe::absent(),
        }
    }
    pub(super) fn from_bool(f: &Fact<bool>) -> Probe {
        Probe::from_fact(f, |b| Known::Bool(*b))
    }
    /// A fact with a place: `at` where the analysis gives none.
    pub(super) fn at_least(f: &Fact<bool>, at: Option<Span>) -> Probe {
        let mut p = Probe::from_bool(f);
        if p.at.is_empty() {
            p.at.extend(at.map(|s| (s, None)));
        }
        p
    }
    pub(super) fn from_fact<T>(f: &Fact<T>, v: impl FnOnce(&T) -> Known) -> Probe {
        match f {
            Fact::Known { value, at } => Probe::new(v(value), *at),
            Fact::Unknown { reason, at } => Probe::unknown(reason.to_string(), *at),
            Fact::Absent => Probe::absent(),
        }
    }
    pub(super) fn from_tri(t: Tri, at: Option<Span>) -> Probe {
        match t {
            Tri::True => Probe::bool(true, at),
            Tri::False => Probe::bool(false, at),
            Tri::Unknown(r) => Probe::unknown(r, at),
            Tri::NotApplicable => Probe::absent(),
        }
    }
    /// The value as text for messages.
    pub fn display(&self) -> String {
        match &self.value {
            Known::Bool(b) => b.to_string(),
            Known::Str(s) => s.clone(),
            Known::List(l) => l.join(", "),
            Known::Code(items, list) => render_code(items, *list, CodeLang::Hcl, &|_| None),
            Known::Loc | Known::Unknown(_) | Known::Absent => "⟨?⟩".into(),
        }
    }
}

/// A three-valued answer; `Unknown` carries why. `NotApplicable` is the answer of a condition
/// on an Absent fact: the check does not apply to that subject at all.
#[derive(Clone, Debug, PartialEq)]
pub enum Tri {
    True,
    False,
    Unknown(String),
    NotApplicable,
}

impl From<bool> for Tri {
    fn from(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

impl Tri {
    /// Three-valued AND: not applicable if any is, else false if any is false, else unknown if
    /// any is unknown (the first reason), else true.
    pub fn all(items: impl IntoIterator<Item = Tri>) -> Tri {
        let mut unknown = None;
        let mut false_ = false;
        for t in items {
            match t {
                Tri::NotApplicable => return Tri::NotApplicable,
                Tri::False => false_ = true,
                Tri::Unknown(r) => {
                    unknown.get_or_insert(r);
                }
                Tri::True => {}
            }
        }
        if false_ {
            Tri::False
        } else {
            unknown.map_or(Tri::True, Tri::Unknown)
        }
    }
}

/// One item of code in a fix.
#[derive(Clone, Debug, PartialEq)]
pub enum Code {
    /// An attribute of a resource of the configuration: `id` (`aws_vpc.main.id`, `!Ref VPC`),
    /// `name` (`aws_iam_role.exec.name`, `!Ref ExecutionRole`) or `arn`
    /// (`aws_iam_role.exec.arn`, `!GetAtt ExecutionRole.Arn`).
    Ref { address: String, attr: &'static str },
    /// The Region, for use inside a string: the provider's expression as written (`span`, when
    /// it is an expression such as `var.region`), or the literal; `AWS::Region` in
    /// CloudFormation.
    Region {
        literal: Option<String>,
        span: Option<Span>,
    },
    /// Nothing is known: a marked placeholder such as `<your VPC id>`.
    Placeholder(&'static str),
}

/// The language of a fix (see `fix_for` in `rules/mod.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeLang {
    Hcl,
    Yaml,
    Json,
}

/// Writes fix code in a language. `text` gives the source text of a span (the Region as written).
pub fn render_code(
    items: &[Code],
    list: bool,
    lang: CodeLang,
    text: &dyn Fn(Span) -> Option<String>,
) -> String {
    let one = |c: &Code| -> String {
        match c {
            Code::Placeholder(p) => format!("<{p}>"),
            Code::Ref { address, attr } => {
                // Not referable from the root module / template: a named placeholder. A
                // CloudFormation address with `/` is in another template (a nested stack, an
                // export joined by name).
                let elsewhere = match lang {
                    CodeLang::Hcl => address.starts_with("module."),
                    CodeLang::Yaml | CodeLang::Json => address.contains('/'),
                };
                if elsewhere || address.contains('#') {
                    return format!("<the {attr} of {address}>");
                }
                match (lang, *attr) {
                    (CodeLang::Hcl, _) => format!("{address}.{attr}"),
                    (CodeLang::Yaml, "arn") => format!("!GetAtt {address}.Arn"),
                    (CodeLang::Yaml, _) => format!("!Ref {address}"),
                    (CodeLang::Json, "arn") => {
                        format!("{{ \"Fn::GetAtt\": [\"{address}\", \"Arn\"] }}")
                    }
                    (CodeLang::Json, _) => format!("{{ \"Ref\": \"{address}\" }}"),
                }
            }
            Code::Region { literal, span } => match lang {
                CodeLang::Yaml | CodeLang::Json => "${AWS::Region}".into(),
                CodeLang::Hcl => {
                    let written = span.and_then(text).map(|t| t.trim().to_string());
                    match (written, literal) {
                        (Some(w), _) if is_expression(&w) => format!("${{{w}}}"),
                        (_, Some(l)) => l.clone(),
                        _ => "<your Region>".into(),
                    }
                }
            },
        }
    };
    let parts: Vec<String> = items.iter().map(one).collect();
    if list {
        format!("[{}]", parts.join(", "))
    } else {
        parts.join(", ")
    }
}

/// A reference as written (`var.region`, `data.aws_region.current.name`, `local.r`), not a
/// quoted literal or a longer text.
fn is_expression(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_alphabetic())
        && w.contains('.')
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '[' | ']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued_and() {
        assert_eq!(Tri::all([Tri::True, Tri::True]), Tri::True);
        assert_eq!(Tri::all([Tri::Unknown("r".into()), Tri::False]), Tri::False);
        assert_eq!(
            Tri::all([Tri::True, Tri::Unknown("r".into())]),
            Tri::Unknown("r".into())
        );
        assert_eq!(Tri::all([]), Tri::True);
        assert_eq!(
            Tri::all([Tri::False, Tri::NotApplicable]),
            Tri::NotApplicable
        );
    }
}
