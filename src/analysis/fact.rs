//! Facts the analysis establishes: Known, Unknown with a reason, or Absent. A rule fires only on
//! what Known facts prove.

use crate::base::{Reason, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum Fact<T> {
    /// Proven from the configuration; `at` is where (the attribute, the statement...).
    Known { value: T, at: Option<Span> },
    /// Cannot be known statically; the reason says why and `at` where it stopped.
    Unknown { reason: Reason, at: Option<Span> },
    /// Not written, and no default applies.
    Absent,
}

impl<T> Fact<T> {
    pub fn known(value: T, at: Option<Span>) -> Fact<T> {
        Fact::Known { value, at }
    }
    pub fn unknown(reason: impl Into<String>, at: Option<Span>) -> Fact<T> {
        Fact::Unknown {
            reason: Reason::new(reason),
            at,
        }
    }
    pub fn value(&self) -> Option<&T> {
        match self {
            Fact::Known { value, .. } => Some(value),
            _ => None,
        }
    }
    pub fn is_known(&self) -> bool {
        matches!(self, Fact::Known { .. })
    }
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fact<U> {
        match self {
            Fact::Known { value, at } => Fact::Known {
                value: f(value),
                at,
            },
            Fact::Unknown { reason, at } => Fact::Unknown { reason, at },
            Fact::Absent => Fact::Absent,
        }
    }
}
