//! The value model shared by every frontend and the graph: a value is Known (a concrete literal or
//! structure), symbolic (a reference to another resource's attribute, or a pseudo parameter such as
//! the Region), partially known (a string template with unknown parts), or Unknown with a reason.
//! An attribute that is not written at all is *Absent*: it is simply missing from its [`Map`].
//!
//! Every value carries the span it came from, through evaluation, so that findings can point at
//! the exact attribute.

use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

use super::source::Span;

/// A value with the span of the expression it was evaluated from (`None` when synthesised, for
/// example a default the user did not write).
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: Val,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    List(Vec<Value>),
    Map(Map),
    /// An attribute of another resource (or the resource itself): identity known, and its value
    /// too when `resolved` is set (e.g. a `name` written in the configuration).
    Ref(Box<Ref>),
    /// A deployment-time constant: the Region, the account id, the partition...
    Symbol(Symbol),
    /// A string built from parts of which at least one is not a known string
    /// (e.g. `"com.amazonaws.${var.region}.ecr.dkr"`). Parts are in order.
    Template(Vec<Value>),
    /// A string that is the JSON encoding of this value (`jsonencode(...)`, a rendered policy
    /// document). Keeps the structure, spans and unknown parts of what was encoded.
    Encoded(Box<Value>),
    /// One of these values, depending on something not known statically (a CloudFormation
    /// condition whose inputs are parameters without values, for instance).
    Choice(Vec<Value>),
    /// Not knowable statically; the reason says why.
    Unknown(Reason),
}

/// Why a value is unknown, in words a user can act on ("variable `region` has no value").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason(pub Arc<str>);

impl Reason {
    pub fn new(s: impl Into<String>) -> Reason {
        Reason(Arc::from(s.into()))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A reference to an attribute of a resource in the same deployment unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Ref {
    /// The target's address: a Terraform instance address (`module.net.aws_subnet.private[0]`,
    /// `data.aws_vpc.main`) or a CloudFormation logical id (nested stacks: `Stack/LogicalId`).
    pub target: String,
    /// The attribute (`arn`, `id`, `Arn`, `RepositoryUri`); `""` for the resource itself
    /// (CloudFormation `Ref`, a Terraform reference to a whole resource).
    pub attr: String,
    /// The attribute's value when the configuration sets it (e.g. `aws_iam_role.x.name`).
    pub resolved: Option<Value>,
}

/// Deployment-time constants that are the same for every resource of a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Symbol {
    Region,
    AccountId,
    Partition,
    UrlSuffix,
    /// `cn.com.amazonaws` / `com.amazonaws` (Terraform `aws_partition.reverse_dns_prefix`).
    ReverseDnsPrefix,
    StackName,
    StackId,
    NotificationArns,
}

impl Symbol {
    /// How messages show the value, in words that fit Terraform and CloudFormation alike.
    pub fn placeholder(self) -> &'static str {
        match self {
            Symbol::Region => "<region>",
            Symbol::AccountId => "<account-id>",
            Symbol::Partition => "<partition>",
            Symbol::UrlSuffix => "<url-suffix>",
            _ => "<…>",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Symbol::Region => "AWS::Region",
            Symbol::AccountId => "AWS::AccountId",
            Symbol::Partition => "AWS::Partition",
            Symbol::UrlSuffix => "AWS::URLSuffix",
            Symbol::ReverseDnsPrefix => "AWS::ReverseDnsPrefix",
            Symbol::StackName => "AWS::StackName",
            Symbol::StackId => "AWS::StackId",
            Symbol::NotificationArns => "AWS::NotificationARNs",
        }
    }
}

/// An ordered map that keeps every key with its span, duplicates included (the first one wins on
/// lookup; duplicates are reported by the parser). Cloning a map is O(1): the entries are shared
/// (see [`Entries`]), so a memoised value used a thousand times is not copied a thousand times.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    pub entries: Entries,
}

/// The entries of a [`Map`], shared between its clones and copied on the first write to a shared
/// one (`Arc::make_mut`). Reads and writes go through `Vec<Entry>` (`Deref`/`DerefMut`). The
/// deep size and whether it is fully known are computed once per shared map (a write forgets
/// them), so a map used many times is never walked many times.
#[derive(Clone, Default)]
pub struct Entries(Option<Arc<Shared>>);

/// A map's entries and what is computed once about them. Kept small: every map of every parsed
/// file has one (an empty map has none).
#[derive(Default)]
struct Shared {
    v: Vec<Entry>,
    /// [`Value::deep_size`] of the map, `u64::MAX` until computed.
    size: AtomicU64,
    /// [`Value::is_fully_known`]: 0 not computed, 1 no, 2 yes.
    known: AtomicU8,
    /// Key → position of its first entry, for maps of more than [`INDEXED`] entries. Boxed:
    /// most maps never have one, and every map carries the field.
    #[allow(clippy::box_collection)]
    index: std::sync::OnceLock<Box<std::collections::HashMap<String, usize>>>,
}

impl Clone for Shared {
    /// A copy to be written to: nothing computed is kept.
    fn clone(&self) -> Shared {
        Shared::new(self.v.clone())
    }
}

impl Shared {
    fn new(v: Vec<Entry>) -> Shared {
        Shared {
            v,
            size: AtomicU64::new(u64::MAX),
            known: AtomicU8::new(0),
            index: std::sync::OnceLock::new(),
        }
    }
}

/// Shared maps with more entries than this are looked up through a hash index (built on the
/// first lookup): a large map looked up once per instance of a `for_each` over it stays linear.
/// A map only one value holds (one being built) is searched, as before.
const INDEXED: usize = 1024;

static NO_ENTRIES: Vec<Entry> = Vec::new();

impl Entries {
    fn shared_mut(&mut self) -> &mut Vec<Entry> {
        let arc = self
            .0
            .get_or_insert_with(|| Arc::new(Shared::new(Vec::new())));
        let s = Arc::make_mut(arc);
        if s.size.load(Ordering::Relaxed) != u64::MAX || s.known.load(Ordering::Relaxed) != 0 {
            s.size = AtomicU64::new(u64::MAX);
            s.known = AtomicU8::new(0);
        }
        if s.index.get().is_some() {
            s.index = std::sync::OnceLock::new();
        }
        &mut s.v
    }

    /// The first entry with this key.
    fn find(&self, key: &str) -> Option<&Entry> {
        let Some(arc) = &self.0 else {
            return None;
        };
        match Self::index(arc) {
            Some(index) => index.get(key).map(|&i| &arc.v[i]),
            None => arc.v.iter().find(|e| e.key == key),
        }
    }

    /// The key index of a large shared map (built once), `None` for the others.
    fn index(arc: &Arc<Shared>) -> Option<&std::collections::HashMap<String, usize>> {
        let v = &arc.v;
        if v.len() <= INDEXED || Arc::strong_count(arc) == 1 {
            return None;
        }
        let index = arc.index.get_or_init(|| {
            let mut m = std::collections::HashMap::with_capacity(v.len());
            for (i, e) in v.iter().enumerate() {
                m.entry(e.key.clone()).or_insert(i);
            }
            Box::new(m)
        });
        Some(index)
    }

    /// How many distinct keys (the parser keeps duplicates): through the index of a large shared
    /// map, so that `length(local.big)` in each of its `for_each` instances stays linear.
    pub fn unique_len(&self) -> usize {
        let Some(arc) = &self.0 else { return 0 };
        match Self::index(arc) {
            Some(index) => index.len(),
            None => {
                let mut seen = std::collections::HashSet::with_capacity(arc.v.len());
                arc.v.iter().filter(|e| seen.insert(e.key.as_str())).count()
            }
        }
    }

    /// `f()` computed once per shared map ([`Value::deep_size`]).
    fn size_once(&self, f: impl FnOnce() -> u64) -> u64 {
        let Some(arc) = &self.0 else { return 0 };
        match arc.size.load(Ordering::Relaxed) {
            u64::MAX => {
                let n = f().min(u64::MAX - 1);
                arc.size.store(n, Ordering::Relaxed);
                n
            }
            n => n,
        }
    }

    /// `f()` computed once per shared map ([`Value::is_fully_known`]).
    fn known_once(&self, f: impl FnOnce() -> bool) -> bool {
        let Some(arc) = &self.0 else { return true };
        match arc.known.load(Ordering::Relaxed) {
            0 => {
                let k = f();
                arc.known.store(if k { 2 } else { 1 }, Ordering::Relaxed);
                k
            }
            k => k == 2,
        }
    }

    /// Whether two maps share their entries (a clone, not a copy).
    pub fn shared_with(&self, other: &Entries) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Debug for Entries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl PartialEq for Entries {
    fn eq(&self, other: &Entries) -> bool {
        self.shared_with(other) || **self == **other
    }
}

impl std::ops::Deref for Entries {
    type Target = Vec<Entry>;
    fn deref(&self) -> &Vec<Entry> {
        match &self.0 {
            Some(s) => &s.v,
            None => &NO_ENTRIES,
        }
    }
}

impl std::ops::DerefMut for Entries {
    fn deref_mut(&mut self) -> &mut Vec<Entry> {
        self.shared_mut()
    }
}

impl From<Vec<Entry>> for Entries {
    fn from(v: Vec<Entry>) -> Entries {
        if v.is_empty() {
            return Entries(None);
        }
        Entries(Some(Arc::new(Shared::new(v))))
    }
}

impl IntoIterator for Entries {
    type Item = Entry;
    type IntoIter = std::vec::IntoIter<Entry>;
    fn into_iter(self) -> Self::IntoIter {
        match self.0.map(Arc::try_unwrap) {
            Some(Ok(s)) => s.v.into_iter(),
            Some(Err(shared)) => shared.v.clone().into_iter(),
            None => Vec::new().into_iter(),
        }
    }
}

impl<'a> IntoIterator for &'a Entries {
    type Item = &'a Entry;
    type IntoIter = std::slice::Iter<'a, Entry>;
    fn into_iter(self) -> Self::IntoIter {
        (**self).iter()
    }
}

impl<'a> IntoIterator for &'a mut Entries {
    type Item = &'a mut Entry;
    type IntoIter = std::slice::IterMut<'a, Entry>;
    fn into_iter(self) -> Self::IntoIter {
        self.shared_mut().iter_mut()
    }
}

impl FromIterator<Entry> for Entries {
    fn from_iter<I: IntoIterator<Item = Entry>>(iter: I) -> Entries {
        Entries::from(iter.into_iter().collect::<Vec<_>>())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Option<Span>,
    pub value: Value,
}

/// What one element of a list or map counts for in [`Value::deep_size`], in bytes (about what a
/// `Value` takes in memory).
pub const ELEMENT_SIZE: u64 = 64;

impl Map {
    pub fn new() -> Map {
        Map::default()
    }
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.find(key).map(|e| &e.value)
    }
    pub fn get_entry(&self, key: &str) -> Option<&Entry> {
        self.entries.find(key)
    }
    /// Case-insensitive lookup (ECS decodes container definitions case-insensitively).
    pub fn get_ci(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|e| e.key.eq_ignore_ascii_case(key))
            .map(|e| &e.value)
    }
    pub fn insert(&mut self, key: impl Into<String>, key_span: Option<Span>, value: Value) {
        let key = key.into();
        if let Some(e) = self.entries.iter_mut().find(|e| e.key == key) {
            e.value = value;
            e.key_span = key_span;
        } else {
            self.entries.push(Entry {
                key,
                key_span,
                value,
            });
        }
    }
    /// [`Map::insert`] through `index` (key → position), which the caller keeps while it builds
    /// the map: building a large map stays linear.
    pub fn insert_indexed(
        &mut self,
        index: &mut std::collections::HashMap<String, usize>,
        key: String,
        key_span: Option<Span>,
        value: Value,
    ) {
        match index.get(&key) {
            Some(&i) => {
                let e = &mut self.entries[i];
                e.key_span = key_span;
                e.value = value;
            }
            None => {
                index.insert(key.clone(), self.entries.len());
                self.push(key, key_span, value);
            }
        }
    }
    /// Appends without replacing (used by parsers to keep duplicate keys).
    pub fn push(&mut self, key: impl Into<String>, key_span: Option<Span>, value: Value) {
        self.entries.push(Entry {
            key: key.into(),
            key_span,
            value,
        });
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|e| (e.key.as_str(), &e.value))
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Value {
    pub fn new(kind: Val, span: Option<Span>) -> Value {
        Value { kind, span }
    }
    pub fn str(s: impl Into<String>, span: Option<Span>) -> Value {
        Value::new(Val::Str(s.into()), span)
    }
    pub fn unknown(reason: impl Into<String>, span: Option<Span>) -> Value {
        Value::new(Val::Unknown(Reason::new(reason)), span)
    }
    pub fn null(span: Option<Span>) -> Value {
        Value::new(Val::Null, span)
    }

    /// Follows resolved references: the value a `Ref` stands for when the configuration gives it.
    #[allow(clippy::should_implement_trait)]
    pub fn deref(&self) -> &Value {
        match &self.kind {
            Val::Ref(r) => match &r.resolved {
                Some(v) => v.deref(),
                None => self,
            },
            _ => self,
        }
    }

    /// The string when it is fully known.
    pub fn as_str(&self) -> Option<&str> {
        match &self.deref().kind {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A boolean, accepting the strings Terraform and CloudFormation accept for booleans.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.deref().kind {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Val::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.deref().kind {
            Val::Number(n) => Some(*n),
            Val::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match &self.deref().kind {
            Val::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.deref().kind {
            Val::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Looks a key up in a known map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.deref().kind, Val::Unknown(_))
    }

    /// True when the value, and everything inside it, is a plain literal.
    pub fn is_fully_known(&self) -> bool {
        match &self.deref().kind {
            Val::Null | Val::Bool(_) | Val::Number(_) | Val::Str(_) => true,
            Val::List(l) => l.iter().all(Value::is_fully_known),
            Val::Map(m) => m
                .entries
                .known_once(|| m.entries.iter().all(|e| e.value.is_fully_known())),
            Val::Encoded(v) => v.is_fully_known(),
            _ => false,
        }
    }

    /// The size of the value as the evaluation budgets count it: the bytes of its text and
    /// [`ELEMENT_SIZE`] for each element of a list, map or template, all the way down (a map
    /// held twice counts twice: it is what walking the value costs). Computed once per shared
    /// map; saturating.
    pub fn deep_size(&self) -> u64 {
        match &self.kind {
            Val::Str(s) => s.len() as u64,
            Val::List(l) | Val::Template(l) | Val::Choice(l) => l.iter().fold(0u64, |acc, e| {
                acc.saturating_add(ELEMENT_SIZE)
                    .saturating_add(e.deep_size())
            }),
            Val::Map(m) => m.entries.size_once(|| {
                m.entries.iter().fold(0u64, |acc, e| {
                    acc.saturating_add(ELEMENT_SIZE + e.key.len() as u64)
                        .saturating_add(e.value.deep_size())
                })
            }),
            Val::Ref(r) => r.resolved.as_ref().map_or(0, Value::deep_size),
            Val::Encoded(v) => v.deep_size(),
            Val::Null | Val::Bool(_) | Val::Number(_) | Val::Symbol(_) | Val::Unknown(_) => 0,
        }
    }

    /// Renders a string-like value with every part that is not a known string replaced by
    /// [`UNKNOWN_PART`] (references and symbols by `${…}` markers), so that patterns such as
    /// `com.amazonaws.⟨?⟩.ecr.dkr` stay recognisable. `None` for lists, maps and null.
    pub fn render_pattern(&self) -> Option<String> {
        let mut out = String::new();
        if self.render_into(&mut out) {
            Some(out)
        } else {
            None
        }
    }

    /// Renders a string-like value for people: like [`Value::render_pattern`], but references
    /// as `${…}` and deployment constants by name (`${aws_ecr_repository.app.repository_url}:1`,
    /// `<account-id>.dkr.ecr.<region>.amazonaws.com/app`), so that a message shows what the
    /// configuration wrote. `None` for lists, maps and null.
    pub fn render_display(&self) -> Option<String> {
        let mut out = String::new();
        if self.display_into(&mut out) {
            Some(out)
        } else {
            None
        }
    }

    fn display_into(&self, out: &mut String) -> bool {
        match &self.kind {
            Val::Ref(r) => match &r.resolved {
                Some(v) if v.as_str().is_some() => return v.display_into(out),
                _ if r.attr.is_empty() => out.push_str(&format!("${{{}}}", r.target)),
                _ => out.push_str(&format!("${{{}.{}}}", r.target, r.attr)),
            },
            Val::Symbol(s) => out.push_str(s.placeholder()),
            Val::Template(parts) => {
                for p in parts {
                    if !p.display_into(out) {
                        out.push_str(UNKNOWN_PART);
                    }
                }
            }
            _ => return self.render_into(out),
        }
        true
    }

    fn render_into(&self, out: &mut String) -> bool {
        match &self.deref().kind {
            Val::Str(s) => out.push_str(s),
            Val::Number(n) => out.push_str(&format_number(*n)),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Template(parts) => {
                for p in parts {
                    if !p.render_into(out) {
                        out.push_str(UNKNOWN_PART);
                    }
                }
            }
            Val::Ref(_) | Val::Symbol(_) | Val::Unknown(_) | Val::Choice(_) | Val::Encoded(_) => {
                out.push_str(UNKNOWN_PART)
            }
            Val::Null | Val::List(_) | Val::Map(_) => return false,
        }
        true
    }

    /// Calls `f` on every reference inside this value (depth first).
    pub fn visit_refs<'a>(&'a self, f: &mut dyn FnMut(&'a Ref, Option<Span>)) {
        match &self.kind {
            Val::Ref(r) => {
                f(r, self.span);
                if let Some(v) = &r.resolved {
                    v.visit_refs(f);
                }
            }
            Val::List(l) | Val::Template(l) | Val::Choice(l) => {
                l.iter().for_each(|v| v.visit_refs(f))
            }
            Val::Map(m) => m.entries.iter().for_each(|e| e.value.visit_refs(f)),
            Val::Encoded(v) => v.visit_refs(f),
            _ => {}
        }
    }

    /// A debugging/JSON view: literals as JSON, symbolic values as `{"$ref": …}`, `{"$symbol": …}`,
    /// `{"$template": […]}`, `{"$json": …}`, `{"$choice": […]}`, `{"$unknown": reason}`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{json, Value as J};
        match &self.kind {
            Val::Null => J::Null,
            Val::Bool(b) => J::Bool(*b),
            Val::Number(n) => serde_json::Number::from_f64(*n)
                .map(J::Number)
                .unwrap_or(J::Null),
            Val::Str(s) => J::String(s.clone()),
            Val::List(l) => J::Array(l.iter().map(Value::to_json).collect()),
            Val::Map(m) => J::Object(
                m.entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
            Val::Ref(r) => {
                let name = if r.attr.is_empty() {
                    r.target.clone()
                } else {
                    format!("{}.{}", r.target, r.attr)
                };
                match &r.resolved {
                    Some(v) => json!({"$ref": name, "value": v.to_json()}),
                    None => json!({ "$ref": name }),
                }
            }
            Val::Symbol(s) => json!({"$symbol": s.name()}),
            Val::Template(parts) => {
                json!({"$template": parts.iter().map(Value::to_json).collect::<Vec<_>>()})
            }
            Val::Encoded(v) => json!({"$json": v.to_json()}),
            Val::Choice(l) => json!({"$choice": l.iter().map(Value::to_json).collect::<Vec<_>>()}),
            Val::Unknown(r) => json!({"$unknown": r.0.as_ref()}),
        }
    }
}

/// Stands for an unknown part in [`Value::render_pattern`].
pub const UNKNOWN_PART: &str = "\u{27e8}?\u{27e9}";

/// Formats a number the way Terraform and JSON print it (integers without a fraction).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_keeps_known_parts() {
        let v = Value::new(
            Val::Template(vec![
                Value::str("com.amazonaws.", None),
                Value::unknown("var.region has no value", None),
                Value::str(".ecr.dkr", None),
            ]),
            None,
        );
        assert_eq!(v.render_pattern().unwrap(), "com.amazonaws.⟨?⟩.ecr.dkr");
    }

    #[test]
    fn a_shared_map_is_one_copy_looked_up_by_index_and_first_key_wins() {
        let mut m = Map::new();
        for i in 0..2000 {
            m.push(format!("k{i}"), None, Value::str(format!("v{i}"), None));
        }
        m.push("k7", None, Value::str("second", None));
        let a = Value::new(Val::Map(m), None);
        let b = a.clone();
        let (ma, mb) = (a.as_map().unwrap(), b.as_map().unwrap());
        assert!(ma.entries.shared_with(&mb.entries));
        assert_eq!(mb.get("k7").and_then(Value::as_str), Some("v7"));
        assert_eq!(mb.get("k1999").and_then(Value::as_str), Some("v1999"));
        assert_eq!(mb.entries.unique_len(), 2000);
        assert_eq!(a.deep_size(), b.deep_size());
        // A write copies, and forgets what was computed.
        let mut c = b.clone();
        if let Val::Map(m) = &mut c.kind {
            m.insert("k7", None, Value::str("new", None));
            assert!(!m.entries.shared_with(&ma.entries));
        }
        assert_eq!(c.get("k7").and_then(Value::as_str), Some("new"));
        assert_eq!(b.get("k7").and_then(Value::as_str), Some("v7"));
    }

    #[test]
    fn resolved_ref_reads_as_its_value() {
        let r = Value::new(
            Val::Ref(Box::new(Ref {
                target: "aws_iam_role.exec".into(),
                attr: "name".into(),
                resolved: Some(Value::str("exec", None)),
            })),
            None,
        );
        assert_eq!(r.as_str(), Some("exec"));
        let mut seen = vec![];
        r.visit_refs(&mut |r, _| seen.push(r.target.clone()));
        assert_eq!(seen, vec!["aws_iam_role.exec"]);
    }
}
