//! Conditions of a check (`site.private_only`, `not need.allowed`, `need.kind == ecr-auth`,
//! `need.service in [ecr.api, s3]`) and their three-valued evaluation.

use super::subjects::Instance;
use super::value::{Known, Probe, Tri};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `fact`: a known true / non-empty value.
    Holds,
    /// `not fact`: a known false / empty value.
    Not,
    Eq(String),
    Ne(String),
    In(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cond {
    pub fact: String,
    pub op: Op,
    /// As written, for messages.
    pub text: String,
}

impl Cond {
    /// Parses one condition; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Cond, String> {
        let t = text.trim();
        let ident = |s: &str| -> Result<String, String> {
            let s = s.trim();
            let ok = !s.is_empty()
                && s.split('.').all(|seg| {
                    !seg.is_empty()
                        && seg
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                });
            if ok {
                Ok(s.to_string())
            } else {
                Err(format!(
                    "`{s}` is not a fact name (lowercase words joined by dots)"
                ))
            }
        };
        let value = |s: &str| -> Result<String, String> {
            let s = s.trim().trim_matches(|c| c == '"' || c == '\'');
            if s.is_empty() {
                Err("empty value".into())
            } else {
                Ok(s.to_string())
            }
        };
        let (fact, op) = if let Some(rest) = t.strip_prefix("not ") {
            (ident(rest)?, Op::Not)
        } else if let Some((l, r)) = t.split_once("==") {
            (ident(l)?, Op::Eq(value(r)?))
        } else if let Some((l, r)) = t.split_once("!=") {
            (ident(l)?, Op::Ne(value(r)?))
        } else if let Some((l, r)) = t.split_once(" in ") {
            let r = r.trim();
            let inner = r
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .ok_or_else(|| format!("`in` needs a list in brackets: `{r}`"))?;
            let values = inner.split(',').map(value).collect::<Result<Vec<_>, _>>()?;
            (ident(l)?, Op::In(values))
        } else {
            (ident(t)?, Op::Holds)
        };
        Ok(Cond {
            fact,
            op,
            text: t.to_string(),
        })
    }

    pub fn eval(&self, inst: &Instance) -> Tri {
        let probe = inst.get(&self.fact);
        let known = match probe.map(|p: &Probe| &p.value) {
            None | Some(Known::Absent) => return Tri::NotApplicable,
            Some(Known::Unknown(reason)) => {
                return Tri::Unknown(format!("{}: {reason}", self.fact));
            }
            Some(k) => k,
        };
        let truthy = match known {
            Known::Bool(b) => Some(*b),
            Known::List(l) => Some(!l.is_empty()),
            Known::Str(s) => Some(!s.is_empty()),
            Known::Loc | Known::Code(..) => None,
            Known::Absent | Known::Unknown(_) => unreachable!(),
        };
        let text = match known {
            Known::Str(s) => Some(s.as_str()),
            Known::Bool(true) => Some("true"),
            Known::Bool(false) => Some("false"),
            _ => None,
        };
        let b = match &self.op {
            Op::Holds => truthy.unwrap_or(true),
            Op::Not => !truthy.unwrap_or(true),
            Op::Eq(v) => text == Some(v.as_str()),
            Op::Ne(v) => text.is_some_and(|t| t != v),
            Op::In(vs) => text.is_some_and(|t| vs.iter().any(|v| v == t)),
        };
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(Cond::parse("a.b").unwrap().op, Op::Holds);
        assert_eq!(Cond::parse("not a.b").unwrap().op, Op::Not);
        assert_eq!(Cond::parse("a.b == x.y").unwrap().op, Op::Eq("x.y".into()));
        assert_eq!(Cond::parse("a.b != 'x'").unwrap().op, Op::Ne("x".into()));
        assert_eq!(
            Cond::parse("need.service in [ecr.api, s3]").unwrap().op,
            Op::In(vec!["ecr.api".into(), "s3".into()])
        );
        assert!(Cond::parse("A.b").is_err());
        assert!(Cond::parse("a..b").is_err());
        assert!(Cond::parse("a in b").is_err());
        assert!(Cond::parse("a == ").is_err());
    }
}
