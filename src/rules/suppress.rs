//! Inline suppressions applied to the findings of a run (after the rules, before the report).
//!
//! A finding is suppressed when its primary span lies inside the item an [`Ignore`] covers and
//! one of the ignore's ids names its rule (its id, any case, or its name; `all` names every
//! rule). It then leaves the findings for the suppressed list, with its [`Suppression`]: it no
//! longer counts for the exit code, and only JSON and SARIF show it. Input diagnostics (parse
//! errors...) are never suppressed: what pullpath could not read, it could not check.
//!
//! Besides, as diagnostics at the comment:
//! - `unknown-ignore` (warning): an id that names no rule, built in or given with `--rules`;
//! - `unused-ignore` (info): an id whose rule ran in this run and matched no finding in the
//!   item, or a comment above no item (a blank line follows it). An id of a rule that did not
//!   run (a deselected rule) is not reported: it is not known to be unused.
//!
//! Cost: one sort of the ignores and one of the findings per file, then one sweep; the ignores
//! open at a finding are those whose item holds it, items being nested or disjoint (they are
//! nodes of one tree), so the work is the findings times the nesting depth, never findings
//! times ignores.

use std::collections::HashMap;

use super::RuleSet;
use crate::base::diag::Suppression;
use crate::base::{Diagnostic, FileId};
use crate::syntax::suppress::Ignore;

/// What the suppressions leave of a run's findings.
#[derive(Debug, Default)]
pub struct Applied {
    /// The findings still reported.
    pub findings: Vec<Diagnostic>,
    /// The findings suppressed, each with its [`Suppression`] (in `finding.suppression`).
    pub suppressed: Vec<Diagnostic>,
    /// `unknown-ignore` and `unused-ignore` diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// Applies `ignores` to `findings` (in any order; their order is kept). `rules`: the rules that
/// ran, and those the selection left out ([`RuleSet::knows`]).
pub fn apply(findings: Vec<Diagnostic>, ignores: &[Ignore], rules: &RuleSet) -> Applied {
    let mut out = Applied::default();
    // Each id resolved once: the rule id it names (`None`: all), or not a rule that ran.
    let mut resolved: Vec<Vec<Option<Option<&str>>>> = Vec::with_capacity(ignores.len());
    for ig in ignores {
        let mut ids = Vec::with_capacity(ig.ids.len());
        for (id, span) in &ig.ids {
            if id.eq_ignore_ascii_case("all") {
                ids.push(Some(None));
            } else if let Some(r) = rules.get(id) {
                ids.push(Some(Some(r.id.as_str())));
            } else {
                if !rules.knows(id) {
                    out.diagnostics.push(
                        Diagnostic::warning(
                            "unknown-ignore",
                            format!("`{id}` in this suppression names no rule"),
                        )
                        .at(*span)
                        .with_help(
                            "write a rule id (`FGP021`), several separated by commas, or `all`; \
                             `pullpath rules` lists them",
                        ),
                    );
                }
                ids.push(None);
            }
        }
        if ig.ids.is_empty() {
            out.diagnostics.push(
                Diagnostic::warning("unknown-ignore", "this suppression names no rule")
                    .at(ig.at)
                    .with_help("write `pullpath:ignore FGP021 reason` (or `all`)"),
            );
        }
        resolved.push(ids);
    }
    let mut used: Vec<Vec<bool>> = ignores.iter().map(|i| vec![false; i.ids.len()]).collect();

    // Per file: the ignores by start (outer first), the findings by start.
    let mut by_file: HashMap<FileId, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (i, ig) in ignores.iter().enumerate() {
        if let Some(c) = ig.covers {
            by_file.entry(c.file).or_default().0.push(i);
        }
    }
    for (i, f) in findings.iter().enumerate() {
        if let Some(s) = f.span {
            if let Some(e) = by_file.get_mut(&s.file) {
                e.1.push(i);
            }
        }
    }
    let mut suppression: Vec<Option<Suppression>> = vec![None; findings.len()];
    for (igs, mut fs) in by_file.into_values() {
        let mut igs = igs;
        let cover = |i: usize| ignores[i].covers.expect("grouped by their cover");
        igs.sort_by_key(|&i| (cover(i).start, std::cmp::Reverse(cover(i).end)));
        fs.sort_by_key(|&f| findings[f].span.map(|s| s.start));
        let mut open: Vec<usize> = Vec::new();
        let mut next = 0;
        for f in fs {
            let Some(span) = findings[f].span else {
                continue;
            };
            while let Some(&i) = igs.get(next).filter(|&&i| cover(i).start <= span.start) {
                while open.last().is_some_and(|&o| cover(o).end <= cover(i).start) {
                    open.pop();
                }
                open.push(i);
                next += 1;
            }
            while open.last().is_some_and(|&o| cover(o).end < span.start) {
                open.pop();
            }
            // innermost first: its reason is the one shown
            for &i in open.iter().rev() {
                let c = cover(i);
                if c.start > span.start || c.end < span.end {
                    continue;
                }
                for (k, id) in resolved[i].iter().enumerate() {
                    let Some(id) = id else { continue };
                    if id.is_none_or(|id| id == findings[f].code) {
                        used[i][k] = true;
                        suppression[f].get_or_insert_with(|| Suppression {
                            kind: ignores[i].kind,
                            reason: ignores[i].reason.clone(),
                            at: ignores[i].at,
                        });
                    }
                }
            }
        }
    }
    for (mut f, s) in findings.into_iter().zip(suppression) {
        match (s, f.finding.as_mut()) {
            (Some(s), Some(finding)) => {
                finding.suppression = Some(s);
                out.suppressed.push(f);
            }
            _ => out.findings.push(f),
        }
    }
    for (i, ig) in ignores.iter().enumerate() {
        if ig.covers.is_none() {
            out.diagnostics.push(
                Diagnostic::info(
                    "unused-ignore",
                    "this suppression covers nothing: no block, attribute or entry starts on \
                     the next line",
                )
                .at(ig.at)
                .with_help(
                    "put the comment on the line just above the item (no blank line between), \
                     or at the end of the item's line",
                ),
            );
            continue;
        }
        for (k, (id, span)) in ig.ids.iter().enumerate() {
            let ran = resolved[i][k].is_some() && !rules.rules.is_empty();
            if ran && !used[i][k] {
                out.diagnostics.push(
                    Diagnostic::info(
                        "unused-ignore",
                        format!("unused suppression: `{id}` reports nothing in what it covers"),
                    )
                    .at(*span)
                    .with_help("remove the suppression (or the id) if the finding was fixed"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diag::{Finding, SuppressionKind};
    use crate::base::Span;

    fn finding(code: &'static str, at: std::ops::Range<usize>) -> Diagnostic {
        let mut d = Diagnostic::error(code, "m").at(Span::new(FileId(0), at));
        d.finding = Some(Box::new(Finding {
            title: String::new(),
            resource: String::new(),
            task: String::new(),
            deploy_error: String::new(),
            instances: Vec::new(),
            same_fix: Vec::new(),
            suppression: None,
        }));
        d
    }

    fn ignore(ids: &[&str], covers: std::ops::Range<usize>, reason: &str) -> Ignore {
        Ignore {
            ids: ids
                .iter()
                .map(|i| (i.to_string(), Span::new(FileId(0), 0..i.len())))
                .collect(),
            reason: Some(reason.to_string()),
            kind: SuppressionKind::Comment,
            at: Span::new(FileId(0), 0..1),
            covers: Some(Span::new(FileId(0), covers)),
        }
    }

    #[test]
    fn nested_items_innermost_reason_unused_and_unknown() {
        let rules = RuleSet::builtin().unwrap();
        let findings = vec![
            finding("FGP021", 20..25),   // in the block and the attribute
            finding("FGP021", 40..45),   // in the block only
            finding("FGP022", 60..65),   // in the block, not named
            finding("FGP021", 120..125), // outside
        ];
        let ignores = vec![
            ignore(&["FGP021"], 10..100, "outer"),
            ignore(&["fgp021", "FGP030"], 18..30, "inner"),
            ignore(&["FGP999"], 110..115, "typo"),
            ignore(&["all"], 200..300, "nothing there"),
        ];
        let out = apply(findings, &ignores, &rules);
        let codes = |v: &[Diagnostic]| -> Vec<(String, u32)> {
            v.iter()
                .map(|d| (d.code.to_string(), d.span.unwrap().start))
                .collect()
        };
        assert_eq!(
            codes(&out.findings),
            [("FGP022".into(), 60), ("FGP021".into(), 120)]
        );
        assert_eq!(
            codes(&out.suppressed),
            [("FGP021".into(), 20), ("FGP021".into(), 40)]
        );
        let reason = |d: &Diagnostic| {
            d.finding
                .as_ref()
                .unwrap()
                .suppression
                .clone()
                .unwrap()
                .reason
        };
        assert_eq!(reason(&out.suppressed[0]).as_deref(), Some("inner"));
        assert_eq!(reason(&out.suppressed[1]).as_deref(), Some("outer"));
        let diags: Vec<String> = out
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert_eq!(
            diags,
            [
                "unknown-ignore `FGP999` in this suppression names no rule",
                "unused-ignore unused suppression: `FGP030` reports nothing in what it covers",
                "unused-ignore unused suppression: `all` reports nothing in what it covers",
            ]
        );
    }

    #[test]
    fn a_rule_that_did_not_run_is_not_unused() {
        let mut ran = RuleSet::builtin().unwrap();
        ran.configure(&crate::rules::Selection {
            ignore: vec!["FGP030".into()],
            ..Default::default()
        })
        .unwrap();
        let out = apply(Vec::new(), &[ignore(&["FGP030"], 0..10, "")], &ran);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }
}
