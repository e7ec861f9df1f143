//! Strings with unknown parts, and three-valued IAM wildcard matching over them.
//!
//! A policy string (an `Action`, a `Resource`, a principal) and the string it is matched against
//! may both contain parts that are not known statically: a Terraform reference, a pseudo parameter
//! such as the Region, an unknown variable. Each becomes a *hole*. A hole that stands for a
//! reference or a pseudo parameter has an identity: two holes with the same identity stand for the
//! same string (within one deployment unit), so `arn:aws:ecr:${Region}:${AccountId}:repository/*`
//! provably matches `arn:aws:ecr:${Region}:${AccountId}:repository/app`.
//!
//! [`matches`] answers [`Tri::Yes`] only when every value of the holes matches, [`Tri::No`] only
//! when none does, and [`Tri::Maybe`] otherwise.

use crate::base::value::{Symbol, Val, Value};

/// A three-valued truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Maybe,
}

impl std::ops::Not for Tri {
    type Output = Tri;
    fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
        }
    }
}

impl Tri {
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Maybe,
        }
    }
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Maybe,
        }
    }
    /// Any of the values (false for none).
    pub fn any(it: impl IntoIterator<Item = Tri>) -> Tri {
        it.into_iter().fold(Tri::No, Tri::or)
    }
}

/// What an unknown part may stand for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum HoleId {
    /// Nothing known: two such holes are unrelated.
    Anonymous,
    /// A deployment-time constant (Region, account id, partition…): the same in every place of
    /// one deployment unit, and never contains `:` or `/`.
    Symbol(Symbol),
    /// An unresolved reference to a resource attribute: its symbolic identity. Two holes with the
    /// same identity stand for the same string; two with different identities are different
    /// strings when [`Identities::distinct`] says so.
    Ref { target: String, attr: String },
}

/// An unknown part of a string.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Hole {
    id: HoleId,
    /// Known to hold no `:` nor `/`: a pseudo parameter, or the partition, service, Region or
    /// account segment of an ARN (see [`SymStr::arn_text`]).
    segment: bool,
}

impl Hole {
    fn new(id: HoleId) -> Hole {
        let segment = matches!(id, HoleId::Symbol(_));
        Hole { id, segment }
    }
}

/// Which unresolved references are known to stand for different strings. The pattern matcher
/// knows only that a reference equals itself; the graph knows more (two distinct managed
/// secrets have distinct ARNs).
pub trait Identities {
    /// `(target, attr)` of two different references: are their values known to differ?
    fn distinct(&self, a: (&str, &str), b: (&str, &str)) -> bool;
}

/// Knows nothing: two different references may be the same string.
pub struct NoIdentities;

impl Identities for NoIdentities {
    fn distinct(&self, _: (&str, &str), _: (&str, &str)) -> bool {
        false
    }
}

/// How far a `*` of a resource ARN pattern reaches. IAM: wildcards work within the
/// colon-separated segments of an ARN, and a `*` that is the last character of a segment may
/// extend across colons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StarKind {
    /// Matches any string (an action's `*`, or the last character of an ARN segment).
    Free,
    /// Inside an ARN segment: matches no `:`.
    InSegment,
    /// Followed by an unknown part: either of the above.
    Unsure,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ch(char),
    /// `*` in a pattern.
    Star(StarKind),
    /// `?` in a pattern.
    One,
    Hole(Hole),
}

/// A string with unknown parts, ready for matching: a pattern (where `*` and `?` are wildcards)
/// or a plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymStr {
    toks: Vec<Tok>,
}

/// How to read a policy string.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reading {
    /// `*` and `?` are wildcards (a pattern), not literal characters.
    pub wildcards: bool,
    /// `${aws:username}`-style policy variables are request-time values (policy version
    /// 2012-10-17 in `Resource` and `Condition`); `${*}`, `${?}` and `${$}` are escapes.
    pub policy_variables: bool,
    /// Compare case-insensitively (actions): literal characters are lowercased.
    pub fold_case: bool,
    /// The pattern is a resource ARN: a `*` that is not the last character of a segment does
    /// not match `:`.
    pub arn_segments: bool,
}

impl SymStr {
    /// Builds from a string-like value; `None` for null, lists and maps.
    pub fn from_value(v: &Value, how: Reading) -> Option<SymStr> {
        let mut toks = Vec::new();
        if push_value(v, how, &mut toks) {
            Some(SymStr::finish(toks, how))
        } else {
            None
        }
    }

    /// A string of which nothing is known.
    pub fn unknown() -> SymStr {
        SymStr {
            toks: vec![Tok::Hole(Hole::new(HoleId::Anonymous))],
        }
    }

    /// A fully known string.
    pub fn literal(s: &str, how: Reading) -> SymStr {
        let mut toks = Vec::new();
        push_str(s, how, &mut toks);
        SymStr::finish(toks, how)
    }

    fn finish(mut toks: Vec<Tok>, how: Reading) -> SymStr {
        if how.arn_segments {
            for i in 0..toks.len() {
                if let Tok::Star(_) = toks[i] {
                    let next = toks[i + 1..].iter().find(|t| !matches!(t, Tok::Star(_)));
                    toks[i] = Tok::Star(match next {
                        None | Some(Tok::Ch(':')) => StarKind::Free,
                        Some(Tok::Hole(_)) => StarKind::Unsure,
                        Some(_) => StarKind::InSegment,
                    });
                }
            }
        }
        SymStr { toks }
    }

    /// Reads the string as a request's resource ARN (`arn:<partition>:<service>:<region>:<account>:
    /// <resource>`, the first five colons written): an unknown part inside one of the first four
    /// segments is that segment's value, which holds no `:` nor `/` (an unknown Region or account
    /// does not make `…:repository/dev/app` a candidate for `…:repository/ecr-repo-*`). Parts of
    /// the resource segment, and every part of a string whose first five colons are not all
    /// written, are left as they are.
    pub fn arn_text(mut self) -> SymStr {
        let prefix = [Tok::Ch('a'), Tok::Ch('r'), Tok::Ch('n'), Tok::Ch(':')];
        if !self.toks.starts_with(&prefix) {
            return self;
        }
        // Index of the fifth written colon (the one before the resource).
        let mut colons = 0;
        let mut fifth = None;
        for (i, t) in self.toks.iter().enumerate() {
            if *t == Tok::Ch(':') {
                colons += 1;
                if colons == 5 {
                    fifth = Some(i);
                    break;
                }
            }
        }
        let Some(fifth) = fifth else {
            return self;
        };
        for t in &mut self.toks[prefix.len()..fifth] {
            if let Tok::Hole(h) = t {
                h.segment = true;
            }
        }
        self
    }

    /// True when the string has no unknown part.
    pub fn is_known(&self) -> bool {
        !self.toks.iter().any(|t| matches!(t, Tok::Hole(_)))
    }

    /// The string with unknown parts shown as `⟨?⟩` (for messages).
    pub fn display(&self) -> String {
        let mut s = String::new();
        for t in &self.toks {
            match t {
                Tok::Ch(c) => s.push(*c),
                Tok::Star(_) => s.push('*'),
                Tok::One => s.push('?'),
                Tok::Hole(Hole {
                    id: HoleId::Symbol(sym),
                    ..
                }) => {
                    s.push_str("${");
                    s.push_str(sym.name());
                    s.push('}');
                }
                Tok::Hole(_) => s.push_str(crate::base::value::UNKNOWN_PART),
            }
        }
        s
    }

    fn concat(mut self, other: &SymStr) -> SymStr {
        self.toks.extend(other.toks.iter().cloned());
        self
    }
}

/// Builds `a ++ b ++ …` (e.g. `arn:` + partition + `:iam::` + account + `:root`).
pub fn concat(parts: &[&SymStr]) -> SymStr {
    parts
        .iter()
        .fold(SymStr { toks: Vec::new() }, |acc, p| acc.concat(p))
}

fn push_value(v: &Value, how: Reading, out: &mut Vec<Tok>) -> bool {
    let v = v.deref();
    match &v.kind {
        Val::Str(s) => push_str(s, how, out),
        Val::Number(_) | Val::Bool(_) => {
            // Rendered as Terraform and JSON print them; never wildcards.
            let s = v.render_pattern().unwrap_or_default();
            let plain = Reading {
                fold_case: how.fold_case,
                ..Reading::default()
            };
            push_str(&s, plain, out);
        }
        Val::Template(parts) => {
            for p in parts {
                if !push_value(p, how, out) {
                    out.push(Tok::Hole(Hole::new(HoleId::Anonymous)));
                }
            }
        }
        Val::Ref(r) => {
            // A resource's ARN attribute (`aws_ecr_repository.app.arn`, `!GetAtt Repo.Arn`) is
            // an ARN: it starts with `arn:`, so it is never `*` (a repository-scoped
            // `ecr:GetAuthorizationToken` provably misses `*`).
            if r.attr.eq_ignore_ascii_case("arn") {
                push_str("arn:", Reading::default(), out);
            }
            out.push(Tok::Hole(Hole::new(HoleId::Ref {
                target: r.target.clone(),
                attr: r.attr.clone(),
            })));
        }
        Val::Symbol(s) => out.push(Tok::Hole(Hole::new(HoleId::Symbol(*s)))),
        Val::Unknown(_) | Val::Choice(_) | Val::Encoded(_) => {
            out.push(Tok::Hole(Hole::new(HoleId::Anonymous)))
        }
        Val::Null | Val::List(_) | Val::Map(_) => return false,
    }
    true
}

fn push_str(s: &str, how: Reading, out: &mut Vec<Tok>) {
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if how.policy_variables && rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                match &rest[2..end] {
                    "*" => out.push(Tok::Ch('*')),
                    "?" => out.push(Tok::Ch('?')),
                    "$" => out.push(Tok::Ch('$')),
                    _ => out.push(Tok::Hole(Hole::new(HoleId::Anonymous))),
                }
                rest = &rest[end + 1..];
                continue;
            }
        }
        let tok = match c {
            '*' if how.wildcards => Tok::Star(StarKind::Free),
            '?' if how.wildcards => Tok::One,
            c if how.fold_case => Tok::Ch(fold(c)),
            c => Tok::Ch(c),
        };
        out.push(tok);
        rest = &rest[c.len_utf8()..];
    }
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Does `pattern` match `text`? `text` is read with no wildcards (it is a request's action,
/// resource or principal: `*` in it is a plain character). Different references are taken to be
/// possibly equal: see [`matches_in`].
pub fn matches(pattern: &SymStr, text: &SymStr) -> Tri {
    matches_in(pattern, text, &NoIdentities)
}

/// [`matches`], knowing which references stand for different strings.
pub fn matches_in(pattern: &SymStr, text: &SymStr, ids: &dyn Identities) -> Tri {
    if pattern.is_known() && text.is_known() {
        return if concrete_match(pattern, text) {
            Tri::Yes
        } else {
            Tri::No
        };
    }
    if must_match(pattern, text) {
        Tri::Yes
    } else if distinct_identities(pattern, text, ids) {
        Tri::No
    } else if could_match(pattern, text) {
        Tri::Maybe
    } else {
        Tri::No
    }
}

/// The pattern and the text are the same written string around one reference each (no wildcard
/// in the pattern's), and these references are known to be different strings: `arn:` +
/// `aws_secretsmanager_secret.a.arn` never matches `arn:` + `aws_secretsmanager_secret.b.arn`.
fn distinct_identities(pattern: &SymStr, text: &SymStr, ids: &dyn Identities) -> bool {
    let (p, t) = (&pattern.toks, &text.toks);
    let pre = p
        .iter()
        .zip(t.iter())
        .take_while(|(a, b)| matches!(a, Tok::Ch(_)) && a == b)
        .count();
    let (p, t) = (&p[pre..], &t[pre..]);
    let post = p
        .iter()
        .rev()
        .zip(t.iter().rev())
        .take_while(|(a, b)| matches!(a, Tok::Ch(_)) && a == b)
        .count();
    let (p, t) = (&p[..p.len() - post], &t[..t.len() - post]);
    match (p, t) {
        (
            [Tok::Hole(Hole {
                id:
                    HoleId::Ref {
                        target: pt,
                        attr: pa,
                    },
                ..
            })],
            [Tok::Hole(Hole {
                id:
                    HoleId::Ref {
                        target: tt,
                        attr: ta,
                    },
                ..
            })],
        ) => (pt, pa) != (tt, ta) && ids.distinct((pt, pa), (tt, ta)),
        _ => false,
    }
}

/// Both sides known: `wildmatch` when the pattern has no escaped wildcard character, our own
/// matcher otherwise (a `${*}` escape is a literal `*`).
fn concrete_match(pattern: &SymStr, text: &SymStr) -> bool {
    let escaped = pattern.toks.iter().any(|t| {
        matches!(
            t,
            Tok::Ch('*') | Tok::Ch('?') | Tok::Star(StarKind::InSegment | StarKind::Unsure)
        )
    });
    if escaped {
        return must_match(pattern, text);
    }
    let p: String = pattern
        .toks
        .iter()
        .map(|t| match t {
            Tok::Ch(c) => *c,
            Tok::Star(_) => '*',
            _ => '?',
        })
        .collect();
    let t: String = text
        .toks
        .iter()
        .map(|t| match t {
            Tok::Ch(c) => *c,
            _ => '?',
        })
        .collect();
    wildmatch::WildMatch::new(&p).matches(&t)
}

/// Matches for every value of the holes: holes are opaque atoms; a pattern atom matches only the
/// same atom, `*` absorbs anything, `?` only a known character.
fn must_match(pattern: &SymStr, text: &SymStr) -> bool {
    let (p, t) = (&pattern.toks, &text.toks);
    let (n, m) = (p.len(), t.len());
    // ok[i][j]: p[i..] matches t[j..].
    let mut ok = vec![false; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    ok[at(n, m)] = true;
    for i in (0..n).rev() {
        for j in (0..=m).rev() {
            let v = match &p[i] {
                Tok::Star(StarKind::Free) => ok[at(i + 1, j)] || (j < m && ok[at(i, j + 1)]),
                // Absorbs only what is known to hold no `:`.
                Tok::Star(_) => {
                    ok[at(i + 1, j)] || (j < m && colon_free(&t[j]) && ok[at(i, j + 1)])
                }
                Tok::Ch(c) => j < m && t[j] == Tok::Ch(*c) && ok[at(i + 1, j + 1)],
                Tok::One => j < m && matches!(t[j], Tok::Ch(_)) && ok[at(i + 1, j + 1)],
                Tok::Hole(Hole {
                    id: HoleId::Anonymous,
                    ..
                }) => false,
                Tok::Hole(h) => {
                    j < m && matches!(&t[j], Tok::Hole(x) if x.id == h.id) && ok[at(i + 1, j + 1)]
                }
            };
            ok[at(i, j)] = v;
        }
    }
    ok[at(0, 0)]
}

/// A text token known to contain no `:`.
fn colon_free(t: &Tok) -> bool {
    match t {
        Tok::Ch(c) => *c != ':',
        Tok::Hole(h) => h.segment,
        _ => false,
    }
}

/// What one position of an automaton accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Any string (a loop).
    AnyLoop,
    /// Any string without `:` or `/` (a loop): the value of a pseudo parameter.
    SegLoop,
    /// Any string without `:` (a loop): a `*` inside an ARN segment.
    NoColonLoop,
    /// Exactly one character, any.
    AnyOne,
    /// Exactly this character.
    Char(char),
}

fn pattern_class(t: &Tok) -> Class {
    match t {
        Tok::Ch(c) => Class::Char(*c),
        Tok::Star(StarKind::InSegment) => Class::NoColonLoop,
        Tok::Star(_) => Class::AnyLoop,
        Tok::One => Class::AnyOne,
        // A pseudo parameter's value has no wildcard and no separator; any other unknown part of
        // a pattern may itself be `*`.
        Tok::Hole(Hole {
            id: HoleId::Symbol(_),
            ..
        }) => Class::SegLoop,
        Tok::Hole(_) => Class::AnyLoop,
    }
}

fn text_class(t: &Tok) -> Class {
    match t {
        Tok::Ch(c) => Class::Char(*c),
        Tok::Hole(h) if h.segment => Class::SegLoop,
        _ => Class::AnyLoop,
    }
}

fn is_loop(c: Class) -> bool {
    matches!(c, Class::AnyLoop | Class::SegLoop | Class::NoColonLoop)
}

/// Can both classes accept one same character?
fn meet(a: Class, b: Class) -> bool {
    let sep_ok = |c: char| c != ':' && c != '/';
    match (a, b) {
        (Class::Char(x), Class::Char(y)) => x == y,
        (Class::Char(x), Class::SegLoop) | (Class::SegLoop, Class::Char(x)) => sep_ok(x),
        (Class::Char(x), Class::NoColonLoop) | (Class::NoColonLoop, Class::Char(x)) => x != ':',
        _ => true,
    }
}

/// Matches for some value of the holes: reachability in the product of the two automata.
fn could_match(pattern: &SymStr, text: &SymStr) -> bool {
    let p: Vec<Class> = pattern.toks.iter().map(pattern_class).collect();
    let t: Vec<Class> = text.toks.iter().map(text_class).collect();
    let (n, m) = (p.len(), t.len());
    let at = |i: usize, j: usize| i * (m + 1) + j;
    let mut seen = vec![false; (n + 1) * (m + 1)];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if seen[at(i, j)] {
            continue;
        }
        seen[at(i, j)] = true;
        if i == n && j == m {
            return true;
        }
        // Empty moves: a loop may match nothing.
        if i < n && is_loop(p[i]) {
            stack.push((i + 1, j));
        }
        if j < m && is_loop(t[j]) {
            stack.push((i, j + 1));
        }
        // One character consumed on both sides.
        if i < n && j < m && meet(p[i], t[j]) {
            let ni = if is_loop(p[i]) { i } else { i + 1 };
            let nj = if is_loop(t[j]) { j } else { j + 1 };
            if (ni, nj) != (i, j) {
                stack.push((ni, nj));
            }
            // A loop on both sides consuming the same character changes nothing: the empty
            // moves above already cover leaving either loop.
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::value::Ref;

    fn pat(s: &str) -> SymStr {
        SymStr::literal(
            s,
            Reading {
                wildcards: true,
                ..Reading::default()
            },
        )
    }
    fn arn(s: &str) -> SymStr {
        SymStr::literal(
            s,
            Reading {
                wildcards: true,
                arn_segments: true,
                ..Reading::default()
            },
        )
    }
    fn txt(s: &str) -> SymStr {
        SymStr::literal(s, Reading::default())
    }
    fn tpl(parts: Vec<Value>) -> Value {
        Value::new(Val::Template(parts), None)
    }
    fn s(x: &str) -> Value {
        Value::str(x, None)
    }
    fn sym(x: Symbol) -> Value {
        Value::new(Val::Symbol(x), None)
    }
    fn unk() -> Value {
        Value::unknown("var.x has no value", None)
    }
    fn rf(target: &str, attr: &str) -> Value {
        Value::new(
            Val::Ref(Box::new(Ref {
                target: target.into(),
                attr: attr.into(),
                resolved: None,
            })),
            None,
        )
    }
    fn p(v: &Value) -> SymStr {
        SymStr::from_value(
            v,
            Reading {
                wildcards: true,
                ..Reading::default()
            },
        )
        .unwrap()
    }
    fn t(v: &Value) -> SymStr {
        SymStr::from_value(v, Reading::default()).unwrap()
    }

    #[test]
    fn an_arn_attribute_is_never_a_star() {
        let how = Reading {
            wildcards: true,
            arn_segments: true,
            ..Reading::default()
        };
        let r = |attr: &str| {
            Value::new(
                Val::Ref(Box::new(Ref {
                    target: "aws_ecr_repository.app".into(),
                    attr: attr.into(),
                    resolved: None,
                })),
                None,
            )
        };
        let arn_ref = SymStr::from_value(&r("arn"), how).unwrap();
        assert_eq!(matches(&arn_ref, &txt("*")), Tri::No);
        // The same reference on both sides still matches itself.
        let text = SymStr::from_value(&r("arn"), Reading::default()).unwrap();
        assert_eq!(matches(&arn_ref, &text), Tri::Yes);
        // Another attribute may be anything, `*` included.
        let url = SymStr::from_value(&r("repository_url"), how).unwrap();
        assert_eq!(matches(&url, &txt("*")), Tri::Maybe);
    }

    #[test]
    fn concrete_wildcards() {
        assert_eq!(matches(&pat("*"), &txt("anything")), Tri::Yes);
        assert_eq!(matches(&pat("*"), &txt("")), Tri::Yes);
        assert_eq!(matches(&pat("a?c"), &txt("abc")), Tri::Yes);
        assert_eq!(matches(&pat("a?c"), &txt("ac")), Tri::No);
        assert_eq!(
            matches(&pat("arn:aws:s3:::b/*"), &txt("arn:aws:s3:::b/x/y")),
            Tri::Yes
        );
        // Resources are case-sensitive.
        assert_eq!(
            matches(&pat("arn:aws:s3:::B/*"), &txt("arn:aws:s3:::b/x")),
            Tri::No
        );
        // A `*` in the text is a plain character: only `*` and `?`-free equal patterns match it.
        assert_eq!(matches(&pat("*"), &txt("*")), Tri::Yes);
        assert_eq!(matches(&pat("arn:*"), &txt("*")), Tri::No);
    }

    #[test]
    fn arn_wildcards_stay_in_their_segment_unless_last() {
        let stream = txt("arn:aws:logs:eu-west-1:1:log-group:/ecs/x:log-stream:y-app");
        // `*` last in its segment crosses colons.
        assert_eq!(matches(&arn("arn:aws:logs:*:*:*"), &stream), Tri::Yes);
        assert_eq!(
            matches(&arn("arn:aws:logs:*:1:log-group:/ecs/*"), &stream),
            Tri::Yes
        );
        // A `*` inside a segment does not.
        assert_eq!(
            matches(&arn("arn:aws:logs:*:1:log-group:/ecs/*-app"), &stream),
            Tri::No
        );
        assert_eq!(
            matches(
                &arn("arn:aws:logs:*:1:log-group:/ecs/*-app"),
                &txt("arn:aws:logs:r:1:log-group:/ecs/x/y-app")
            ),
            Tri::Yes
        );
        // Without the ARN reading (e.g. actions), `*` matches anything.
        assert_eq!(
            matches(&pat("arn:aws:logs:*:1:log-group:/ecs/*-app"), &stream),
            Tri::Yes
        );
        // Followed by an unknown part: undecided when only a colon-crossing match exists.
        let how = Reading {
            wildcards: true,
            arn_segments: true,
            ..Reading::default()
        };
        let p =
            SymStr::from_value(&tpl(vec![s("arn:aws:logs:r:1:log-group:*"), unk()]), how).unwrap();
        assert_eq!(
            matches(&p, &txt("arn:aws:logs:r:1:log-group:g:log-stream:s")),
            Tri::Maybe
        );
        assert_eq!(matches(&p, &txt("arn:aws:s3:::b")), Tri::No);
        // Other unknown parts may hold a colon: a segment `*` does not prove it absorbs them.
        let t = tpl(vec![
            s("arn:aws:logs:r:1:log-group:/ecs/"),
            unk(),
            s("-app"),
        ]);
        assert_eq!(
            matches(
                &arn("arn:aws:logs:r:1:log-group:/ecs/*-app"),
                &SymStr::from_value(&t, Reading::default()).unwrap()
            ),
            Tri::Maybe
        );
        // Pseudo parameters hold no colon: a segment `*` may absorb them.
        let t = tpl(vec![
            s("arn:aws:logs:r:1:log-group:/ecs/"),
            sym(Symbol::Region),
            s("-app"),
        ]);
        assert_eq!(
            matches(
                &arn("arn:aws:logs:r:1:log-group:/ecs/*-app"),
                &SymStr::from_value(&t, Reading::default()).unwrap()
            ),
            Tri::Yes
        );
    }

    #[test]
    fn escaped_policy_variables() {
        let how = Reading {
            wildcards: true,
            policy_variables: true,
            ..Reading::default()
        };
        let p = SymStr::literal("a${*}b", how);
        assert_eq!(matches(&p, &txt("a*b")), Tri::Yes);
        assert_eq!(matches(&p, &txt("axb")), Tri::No);
        // A request-time variable may be anything.
        let p = SymStr::literal("arn:aws:s3:::b/${aws:username}/*", how);
        assert_eq!(matches(&p, &txt("arn:aws:s3:::b/alice/k")), Tri::Maybe);
        assert_eq!(matches(&p, &txt("arn:aws:s3:::c/alice/k")), Tri::No);
    }

    #[test]
    fn same_symbols_and_refs_match() {
        let pattern = tpl(vec![
            s("arn:aws:ecr:"),
            sym(Symbol::Region),
            s(":"),
            sym(Symbol::AccountId),
            s(":repository/*"),
        ]);
        let text = tpl(vec![
            s("arn:aws:ecr:"),
            sym(Symbol::Region),
            s(":"),
            sym(Symbol::AccountId),
            s(":repository/app"),
        ]);
        assert_eq!(matches(&p(&pattern), &t(&text)), Tri::Yes);
        let r = rf("aws_ecr_repository.app", "arn");
        assert_eq!(matches(&p(&r), &t(&r)), Tri::Yes);
        // A different reference may or may not be the same string.
        assert_eq!(
            matches(&p(&rf("aws_ecr_repository.other", "arn")), &t(&r)),
            Tri::Maybe
        );
    }

    #[test]
    fn unknown_parts_decide_only_when_known_parts_prove_it() {
        let pattern = tpl(vec![
            s("arn:aws:secretsmanager:"),
            unk(),
            s(":"),
            unk(),
            s(":secret:db-*"),
        ]);
        assert_eq!(
            matches(
                &p(&pattern),
                &txt("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf")
            ),
            Tri::Maybe
        );
        assert_eq!(
            matches(
                &p(&pattern),
                &txt("arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf")
            ),
            Tri::No
        );
        // Partly unknown on both sides.
        let text = tpl(vec![
            s("arn:aws:secretsmanager:"),
            sym(Symbol::Region),
            s(":"),
            sym(Symbol::AccountId),
            s(":secret:app-AbCdEf"),
        ]);
        assert_eq!(matches(&p(&pattern), &t(&text)), Tri::No);
        // An unknown tail could itself contain `:secret:db-`.
        let text = tpl(vec![
            s("arn:aws:secretsmanager:"),
            sym(Symbol::Region),
            s(":"),
            sym(Symbol::AccountId),
            s(":secret:app-"),
            unk(),
        ]);
        assert_eq!(matches(&p(&pattern), &t(&text)), Tri::Maybe);
        let text = tpl(vec![
            s("arn:aws:secretsmanager:"),
            sym(Symbol::Region),
            s(":"),
            sym(Symbol::AccountId),
            s(":secret:db-"),
            unk(),
        ]);
        assert_eq!(matches(&p(&pattern), &t(&text)), Tri::Maybe);
        // An unknown secret ARN (a reference) might be anything.
        assert_eq!(
            matches(&p(&pattern), &t(&rf("aws_secretsmanager_secret.db", "arn"))),
            Tri::Maybe
        );
    }

    fn arn_text(v: &Value) -> SymStr {
        t(v).arn_text()
    }
    fn rpat(v: &Value) -> SymStr {
        SymStr::from_value(
            v,
            Reading {
                wildcards: true,
                arn_segments: true,
                ..Reading::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn unknown_region_and_account_leave_the_repository_name_decisive() {
        // issue 8: `arn:aws:ecr:${region}:${account}:repository/ecr-repo-*` against the image
        // `${account}.dkr.ecr.${region}.amazonaws.com/dev/example-voting-app-api`.
        let pattern = tpl(vec![
            s("arn:aws:ecr:"),
            unk(),
            s(":"),
            unk(),
            s(":repository/ecr-repo-*"),
        ]);
        let repo = |name: &str| {
            tpl(vec![
                s("arn:aws:ecr:"),
                unk(),
                s(":"),
                unk(),
                s(&format!(":repository/{name}")),
            ])
        };
        let text = repo("dev/example-voting-app-api");
        assert_eq!(
            matches(&rpat(&pattern), &arn_text(&text)),
            Tri::No,
            "the known repository name decides"
        );
        // Read as a plain string, an unknown Region could hold `:repository/ecr-repo-x:…`.
        assert_eq!(matches(&rpat(&pattern), &t(&text)), Tri::Maybe);
        // Only the unknown parts make a matching name undecided.
        assert_eq!(
            matches(&rpat(&pattern), &arn_text(&repo("ecr-repo-api"))),
            Tri::Maybe
        );
        // Symbols and unknown segments together.
        let text = tpl(vec![
            s("arn:"),
            sym(Symbol::Partition),
            s(":ecr:"),
            unk(),
            s(":"),
            sym(Symbol::AccountId),
            s(":repository/dev/app"),
        ]);
        assert_eq!(matches(&rpat(&pattern), &arn_text(&text)), Tri::No);
        assert_eq!(
            matches(
                &rpat(&s("arn:*:ecr:*:*:repository/dev/*")),
                &arn_text(&text)
            ),
            Tri::Yes
        );
        // A segment hole is still unknown: it may or may not be a given Region.
        assert_eq!(
            matches(
                &rpat(&s("arn:aws:ecr:eu-west-1:*:repository/dev/app")),
                &arn_text(&text)
            ),
            Tri::Maybe
        );
        // The resource segment stays open: a secret's unknown suffix may hold anything.
        let secret = tpl(vec![
            s("arn:aws:secretsmanager:"),
            unk(),
            s(":1:secret:db-"),
            unk(),
        ]);
        assert_eq!(
            matches(
                &rpat(&s("arn:aws:secretsmanager:*:1:secret:db-*:x")),
                &arn_text(&secret)
            ),
            Tri::Maybe
        );
        // Fewer than five written colons: nothing is known about where segments end.
        let short = tpl(vec![s("arn:aws:ecr:"), unk(), s(":repository/dev/app")]);
        assert_eq!(matches(&rpat(&pattern), &arn_text(&short)), Tri::Maybe);
    }

    struct Distinct;
    impl Identities for Distinct {
        fn distinct(&self, a: (&str, &str), b: (&str, &str)) -> bool {
            a.0.starts_with("aws_secretsmanager_secret.")
                && b.0.starts_with("aws_secretsmanager_secret.")
        }
    }

    #[test]
    fn distinct_references_are_different_strings() {
        let a = rf("aws_secretsmanager_secret.a", "arn");
        let b = rf("aws_secretsmanager_secret.b", "arn");
        // Without knowledge, another reference may be the same string.
        assert_eq!(matches(&rpat(&a), &t(&b)), Tri::Maybe);
        assert_eq!(matches_in(&rpat(&a), &t(&b), &Distinct), Tri::No);
        assert_eq!(matches_in(&rpat(&a), &t(&a), &Distinct), Tri::Yes);
        // Around the same written parts.
        let around = |r: &Value| tpl(vec![r.clone(), s(":*")]);
        assert_eq!(
            matches_in(&rpat(&around(&a)), &t(&around(&b)), &Distinct),
            Tri::Maybe,
            "a wildcard in the pattern keeps it open"
        );
        let suffixed = |r: &Value| tpl(vec![r.clone(), s("-x")]);
        assert_eq!(
            matches_in(&rpat(&suffixed(&a)), &t(&suffixed(&b)), &Distinct),
            Tri::No
        );
        // Not distinct by the oracle: undecided.
        let d = rf("data.aws_secretsmanager_secret.b", "arn");
        assert_eq!(matches_in(&rpat(&a), &t(&d), &Distinct), Tri::Maybe);
        // A wildcard pattern against a reference stays undecided.
        assert_eq!(
            matches_in(
                &rpat(&s("arn:aws:secretsmanager:*:*:secret:db-*")),
                &t(&b),
                &Distinct
            ),
            Tri::Maybe
        );
    }

    #[test]
    fn pseudo_parameters_never_span_separators() {
        // `${AWS::Region}` cannot be `us-east-1:123456789012`.
        let pattern = tpl(vec![
            s("arn:aws:logs:"),
            sym(Symbol::Region),
            s(":log-group:x"),
        ]);
        assert_eq!(
            matches(&p(&pattern), &txt("arn:aws:logs:us-east-1:123:log-group:x")),
            Tri::No
        );
        assert_eq!(
            matches(&p(&pattern), &txt("arn:aws:logs:us-east-1:log-group:x")),
            Tri::Maybe
        );
        // An unknown pattern part may be `*` itself.
        assert_eq!(matches(&p(&unk()), &txt("arn:aws:s3:::b")), Tri::Maybe);
    }

    #[test]
    fn case_folding_for_actions() {
        let how = Reading {
            wildcards: true,
            fold_case: true,
            ..Reading::default()
        };
        let text = SymStr::literal("ecr:GetAuthorizationToken", how);
        assert_eq!(
            matches(&SymStr::literal("ECR:getauthorizationtoken", how), &text),
            Tri::Yes
        );
        assert_eq!(matches(&SymStr::literal("ecr:Get*", how), &text), Tri::Yes);
        assert_eq!(matches(&SymStr::literal("ecr:Put*", how), &text), Tri::No);
    }

    #[test]
    fn tri_logic() {
        assert_eq!(!Tri::Maybe, Tri::Maybe);
        assert_eq!(!Tri::Yes, Tri::No);
        assert_eq!(Tri::Yes.and(Tri::Maybe), Tri::Maybe);
        assert_eq!(Tri::No.and(Tri::Maybe), Tri::No);
        assert_eq!(Tri::any([Tri::No, Tri::Maybe]), Tri::Maybe);
        assert_eq!(Tri::any([Tri::No, Tri::Maybe, Tri::Yes]), Tri::Yes);
        assert_eq!(Tri::any([]), Tri::No);
    }
}
