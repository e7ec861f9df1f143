//! The cross-template join of `Fn::ImportValue`: an index of the exports (`Outputs.*.Export.Name`)
//! of every template in the scan, built once per scan, and the lookup of an import name in it.
//!
//! Export names are evaluated in their own template (parameters from `--param` or `Default`).
//! A name that depends on what only deployment knows (`${AWS::StackName}-PrivateSubnetOne`) is a
//! pattern whose unknown parts match any text. An import resolves only when exactly one export
//! of the scan could have its name: two candidates (or a candidate whose name is not known at
//! all) leave it unknown. Lookups go through a hash of the known names and, for patterns, a hash
//! of their literal tails: one lookup per distinct tail length, never a scan of all exports.

use std::collections::{BTreeSet, HashMap};

use crate::base::value::UNKNOWN_PART;
use crate::base::{FileId, Span, Value};

/// One export: its template, the output that exports, the name as evaluated.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Export {
    pub file: FileId,
    pub output: String,
    /// The name with [`UNKNOWN_PART`] for what is not known; `None` when nothing of it is.
    pub name: Option<String>,
    pub span: Option<Span>,
}

#[derive(Debug, Default)]
pub(crate) struct ExportIndex {
    pub exports: Vec<Export>,
    /// Fully known names → exports.
    exact: HashMap<String, Vec<usize>>,
    /// Patterns by the literal text after their last unknown part.
    by_tail: HashMap<String, Vec<usize>>,
    tail_lengths: BTreeSet<usize>,
    /// Exports whose name is not known at all: they could be any import.
    opaque: Vec<usize>,
}

/// What an import name resolves to.
#[derive(Debug, PartialEq)]
pub(crate) enum Lookup<'a> {
    One(&'a Export),
    /// No export of the scan could have this name.
    None,
    /// Several could (their outputs, for the message), or only one whose name is not known.
    Ambiguous(Vec<&'a Export>),
}

impl ExportIndex {
    pub fn add(&mut self, e: Export) {
        let i = self.exports.len();
        match &e.name {
            None => self.opaque.push(i),
            Some(n) if !n.contains(UNKNOWN_PART) => {
                self.exact.entry(n.clone()).or_default().push(i)
            }
            Some(n) => {
                let tail = n.rsplit(UNKNOWN_PART).next().unwrap_or("").to_string();
                self.tail_lengths.insert(tail.len());
                self.by_tail.entry(tail).or_default().push(i);
            }
        }
        self.exports.push(e);
    }

    /// The exports that could have the name `import` (a pattern when parts of it are unknown).
    pub fn lookup(&self, import: &str) -> Lookup<'_> {
        let mut found: Vec<usize> = Vec::new();
        if import.contains(UNKNOWN_PART) {
            // Rare (an import name that itself depends on deployment): every export is compared.
            for (i, e) in self.exports.iter().enumerate() {
                if e.name
                    .as_deref()
                    .is_some_and(|n| patterns_may_meet(n, import))
                {
                    found.push(i);
                }
            }
        } else {
            if let Some(v) = self.exact.get(import) {
                found.extend(v);
            }
            for &len in &self.tail_lengths {
                let Some(tail) = import.len().checked_sub(len).and_then(|s| import.get(s..)) else {
                    continue;
                };
                for &i in self.by_tail.get(tail).into_iter().flatten() {
                    if self.exports[i]
                        .name
                        .as_deref()
                        .is_some_and(|p| glob_matches(p, import))
                    {
                        found.push(i);
                    }
                }
            }
        }
        let opaque = self.opaque.iter().map(|&i| &self.exports[i]);
        match (found.as_slice(), self.opaque.is_empty()) {
            ([], true) => Lookup::None,
            ([one], true) => Lookup::One(&self.exports[*one]),
            _ => Lookup::Ambiguous(
                found
                    .iter()
                    .map(|&i| &self.exports[i])
                    .chain(opaque)
                    .collect(),
            ),
        }
    }
}

/// Whether the text `s` can be what `pattern` becomes, each [`UNKNOWN_PART`] standing for any
/// non-empty text (a stack name, a parameter).
pub(crate) fn glob_matches(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split(UNKNOWN_PART).collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if s.len() < first.len() + last.len() || !s.starts_with(first) || !s.ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    // Each unknown part takes at least one character; the literals in between are found greedily
    // leftmost, which is enough for "some assignment exists".
    for lit in &parts[1..parts.len() - 1] {
        if rest.is_empty() {
            return false;
        }
        let after_one = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
        match after_one.find(lit) {
            Some(i) => rest = &after_one[i + lit.len()..],
            None => return false,
        }
    }
    !rest.is_empty()
}

/// Whether two patterns could become the same text: their literal starts and ends agree. An
/// over-approximation, so more imports stay unknown rather than fewer.
fn patterns_may_meet(a: &str, b: &str) -> bool {
    let start = |p: &str| p.split(UNKNOWN_PART).next().unwrap_or("").to_string();
    let end = |p: &str| p.rsplit(UNKNOWN_PART).next().unwrap_or("").to_string();
    let (sa, sb, ea, eb) = (start(a), start(b), end(a), end(b));
    (sa.starts_with(&sb) || sb.starts_with(&sa)) && (ea.ends_with(&eb) || eb.ends_with(&ea))
}

/// The name of an export as a pattern (`None` when nothing of it is known).
pub(crate) fn name_pattern(v: &Value) -> Option<String> {
    let p = v.render_pattern()?;
    if p.replace(UNKNOWN_PART, "").is_empty() {
        None
    } else {
        Some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(name: Option<&str>, output: &str) -> Export {
        Export {
            file: FileId(0),
            output: output.into(),
            name: name.map(|n| n.replace('*', UNKNOWN_PART)),
            span: None,
        }
    }

    #[test]
    fn globs() {
        let p = format!("{UNKNOWN_PART}:VpcId");
        assert!(glob_matches(&p, "production:VpcId"));
        assert!(!glob_matches(&p, ":VpcId"));
        assert!(!glob_matches(&p, "production:VPCId"));
        let p = format!("{UNKNOWN_PART}-{UNKNOWN_PART}-Subnet");
        assert!(glob_matches(&p, "a-b-Subnet"));
        assert!(!glob_matches(&p, "a--Subnet"));
        assert!(glob_matches("exact", "exact"));
    }

    #[test]
    fn one_candidate_resolves_two_are_ambiguous() {
        let mut ix = ExportIndex::default();
        ix.add(export(Some("*:VpcId"), "VpcId"));
        ix.add(export(Some("*:PrivateSubnetOne"), "PrivateSubnetOne"));
        ix.add(export(Some("shared-PrivateSubnetOne"), "Other"));
        assert!(matches!(ix.lookup("production:VpcId"), Lookup::One(e) if e.output == "VpcId"));
        assert_eq!(ix.lookup("production:Nothing"), Lookup::None);
        // `*:PrivateSubnetOne` could be `shared-PrivateSubnetOne`... no: `:` is literal. But
        // `*-PrivateSubnetOne` and the exact name both could.
        assert!(
            matches!(ix.lookup("shared-PrivateSubnetOne"), Lookup::One(e) if e.output == "Other")
        );
        ix.add(export(Some("*-PrivateSubnetOne"), "Dash"));
        assert!(matches!(
            ix.lookup("shared-PrivateSubnetOne"),
            Lookup::Ambiguous(v) if v.len() == 2
        ));
        // An export whose name is not known at all could be anything.
        ix.add(export(None, "Opaque"));
        assert!(matches!(ix.lookup("production:VpcId"), Lookup::Ambiguous(v) if v.len() == 2));
    }

    #[test]
    fn pattern_imports() {
        let mut ix = ExportIndex::default();
        ix.add(export(Some("*:VpcId"), "VpcId"));
        ix.add(export(Some("net-SubnetA"), "A"));
        let import = format!("{UNKNOWN_PART}:VpcId");
        assert!(matches!(ix.lookup(&import), Lookup::One(e) if e.output == "VpcId"));
    }
}
