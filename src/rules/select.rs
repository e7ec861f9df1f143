//! Which rules run, and at which severity: `--select`, `--ignore` and `--severity RULE=LEVEL`
//! (and the same keys of `pullpath.toml`). A selector is a rule id (`FGP021`), a prefix of ids
//! (`FGP02` for FGP020–FGP029, `FGP` for all), a rule name (`private-subnets-without-ecr-endpoints`)
//! or `ALL`, case-insensitive. A selector that matches no rule is an error: a typo must not
//! silently select nothing or ignore nothing.

use super::{Rule, RuleSet, Severities};
use crate::base::Severity;

/// What the user chose (command line and configuration file merged).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// Only these rules (empty: all).
    pub select: Vec<String>,
    /// Not these, even when selected.
    pub ignore: Vec<String>,
    /// Each matching rule's checks at this severity, in every input format.
    pub severity: Vec<(String, Severity)>,
}

/// Whether `selector` names `rule`.
fn matches(selector: &str, rule: &Rule) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case("ALL")
        || rule.name.eq_ignore_ascii_case(s)
        || (s.len() <= rule.id.len()
            && rule.id.is_char_boundary(s.len())
            && rule.id[..s.len()].eq_ignore_ascii_case(s))
}

/// A severity as written in options and configuration (`error`, `warning`, `info`).
pub fn parse_severity(s: &str) -> Result<Severity, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "error" => Ok(Severity::Error),
        "warning" => Ok(Severity::Warning),
        "info" => Ok(Severity::Info),
        _ => Err(format!("`{s}` is not a severity: error, warning or info")),
    }
}

impl RuleSet {
    /// Keeps the selected rules and sets the severities asked for; a selector that matches no
    /// rule is an error naming the option.
    pub fn configure(&mut self, sel: &Selection) -> Result<(), String> {
        self.check_selectors(sel)?;
        let (kept, left_out): (Vec<Rule>, Vec<Rule>) =
            std::mem::take(&mut self.rules).into_iter().partition(|r| {
                (sel.select.is_empty() || sel.select.iter().any(|s| matches(s, r)))
                    && !sel.ignore.iter().any(|s| matches(s, r))
            });
        self.rules = kept;
        (self.left_out).extend(left_out.into_iter().map(|r| (r.id, r.name)));
        for r in &mut self.rules {
            // The last matching override wins: the command line comes after the file.
            if let Some((_, level)) = sel.severity.iter().rev().find(|(s, _)| matches(s, r)) {
                let all = Severities {
                    terraform: *level,
                    plan: *level,
                    cloudformation: *level,
                };
                r.severity = all;
                for c in &mut r.checks {
                    c.severity = all;
                }
            }
        }
        Ok(())
    }

    /// An error naming the first selector of `sel` that matches no rule.
    pub fn check_selectors(&self, sel: &Selection) -> Result<(), String> {
        let selectors = (sel.select.iter().map(|s| ("select", s)))
            .chain(sel.ignore.iter().map(|s| ("ignore", s)))
            .chain(sel.severity.iter().map(|(s, _)| ("severity", s)));
        for (option, s) in selectors {
            if !self.rules.iter().any(|r| matches(s, r)) {
                return Err(format!(
                    "{option} `{s}`: no rule has this id, id prefix or name (`pullpath rules` \
                     lists them)"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(set: &RuleSet) -> Vec<&str> {
        set.rules.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn select_by_prefix_and_name_then_ignore() {
        let mut set = RuleSet::builtin().unwrap();
        set.configure(&Selection {
            select: vec!["fgp02".into(), "execution-role-missing".into()],
            ignore: vec!["FGP022".into()],
            severity: vec![("FGP021".into(), Severity::Warning)],
        })
        .unwrap();
        let ids = ids(&set);
        assert!(
            ids.contains(&"FGP001") && ids.contains(&"FGP021"),
            "{ids:?}"
        );
        assert!(
            !ids.contains(&"FGP022") && !ids.contains(&"FGP003"),
            "{ids:?}"
        );
        assert!(ids.iter().all(|i| i.starts_with("FGP02") || *i == "FGP001"));
        assert!(set.knows("FGP003") && set.knows("execution-role-missing") && !set.knows("FGP999"));
        let r = set.get("FGP021").unwrap();
        assert!(r
            .checks
            .iter()
            .all(|c| c.severity.cloudformation == Severity::Warning));
    }

    #[test]
    fn a_selector_that_matches_nothing_is_an_error() {
        let mut set = RuleSet::builtin().unwrap();
        let e = set
            .configure(&Selection {
                ignore: vec!["FGP99".into()],
                ..Selection::default()
            })
            .unwrap_err();
        assert!(e.contains("ignore `FGP99`"), "{e}");
        assert_eq!(parse_severity("Warning"), Ok(Severity::Warning));
        assert!(parse_severity("fatal").is_err());
    }
}
