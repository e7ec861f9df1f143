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

impl Fact<bool> {
    /// Three-valued AND: known false if any is (where that one says), else unknown if any is
    /// not known (Absent counts as not known), else known true (where the first says).
    pub fn all(items: impl IntoIterator<Item = Fact<bool>>) -> Fact<bool> {
        Fact::fold(items, false)
    }

    /// Three-valued OR: known true if any is, else unknown if any is not known, else false.
    pub fn any(items: impl IntoIterator<Item = Fact<bool>>) -> Fact<bool> {
        Fact::fold(items, true)
    }

    /// `all` (`decisive == false`) or `any` (`decisive == true`); an empty list gives the
    /// neutral value, with no location.
    fn fold(items: impl IntoIterator<Item = Fact<bool>>, decisive: bool) -> Fact<bool> {
        let mut unknown = None;
        let mut first_at = None;
        for f in items {
            match f {
                Fact::Known { value, at } if value == decisive => return Fact::known(value, at),
                Fact::Known { at, .. } => {
                    first_at = first_at.or(Some(at));
                }
                Fact::Unknown { .. } => {
                    unknown.get_or_insert(f);
                }
                Fact::Absent => {
                    unknown.get_or_insert(Fact::unknown("not known", None));
                }
            }
        }
        unknown.unwrap_or(Fact::known(!decisive, first_at.flatten()))
    }
}

/// Three-valued NOT.
impl std::ops::Not for Fact<bool> {
    type Output = Fact<bool>;
    fn not(self) -> Fact<bool> {
        self.map(|b| !b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued_and_or() {
        let t = || Fact::known(true, None);
        let f = || Fact::known(false, None);
        let u = || Fact::<bool>::unknown("why", None);
        assert_eq!(Fact::all([t(), f(), u()]).value(), Some(&false));
        assert!(matches!(Fact::all([t(), u()]), Fact::Unknown { .. }));
        assert!(matches!(
            Fact::all([t(), Fact::Absent]),
            Fact::Unknown { .. }
        ));
        assert_eq!(Fact::all([t(), t()]).value(), Some(&true));
        assert_eq!(Fact::any([f(), u(), t()]).value(), Some(&true));
        assert!(matches!(Fact::any([f(), u()]), Fact::Unknown { .. }));
        assert_eq!(Fact::any(Vec::new()).value(), Some(&false));
        assert_eq!(Fact::all(Vec::new()).value(), Some(&true));
        assert_eq!((!t()).value(), Some(&false));
    }
}
