//! `--explain-unknown` in the terminal: per task definition, each cause of an unverified check
//! once, the rules it keeps from deciding, and what would make it known.

use std::path::Path;

use super::snippet::{escape_controls, wrap};
use crate::base::source::display_path;
use crate::base::Format;
use crate::rules::Unverified;

/// What would make an unknown known, from the cause `--explain-unknown` shows and the format of
/// the unit (a plan is advice for Terraform HCL only).
fn to_know(cause: &str, var_files: &[&str], format: Option<Format>) -> Option<String> {
    let quoted = |after: &str| -> Option<String> {
        let rest = cause.split(after).nth(1)?;
        let rest = rest.strip_prefix('`').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        (!name.is_empty()).then_some(name)
    };
    if cause.contains("has no value") {
        if let Some(v) = quoted("variable ") {
            return Some(match var_files {
                [] => format!("`--var {v}=…` (or a `--var-file` that sets it)"),
                [f, ..] => format!("`--var {v}=…` or `--var-file {f}`"),
            });
        }
        if let Some(p) = quoted("parameter ") {
            return Some(format!("`--param {p}=…` (or `--params-file`)"));
        }
    }
    if cause.contains("terraform init") {
        return Some("`terraform init` (to install the module), then check again".into());
    }
    if cause.contains("Fn::ImportValue") || cause.contains("another stack") {
        return Some("known at deploy time only: check the exporting stack's template with it, or give the value with `--param`".into());
    }
    if cause.contains("outside the scanned directories") {
        return Some("check the directory that holds the file too".into());
    }
    if format == Some(Format::Terraform)
        && (cause.contains("data source") || cause.contains("whose value is not known"))
    {
        return Some("a plan (`terraform show -json plan.out`) read with its `.tf` files".into());
    }
    None
}

/// `a: a: b` → `a: b`: a cause said twice by nested evaluations, once.
fn collapse_repeats(cause: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in cause.split(": ") {
        if parts.last() != Some(&p) {
            parts.push(p);
        }
    }
    parts.join(": ")
}

/// The `--explain-unknown` text: per task definition, each cause once (what could not be
/// verified and why), the rules it keeps from deciding, and what would make it known; wrapped at
/// `width`. `var_files` are the variable files Terraform does not load by itself (paths shown
/// relative to `cwd`, as the units are): a task's hint names only those of its own unit. A task
/// is named with its unit when the run has several.
pub fn unverified_text(
    unverified: &[Unverified],
    var_files: &[&str],
    cwd: &Path,
    width: usize,
) -> String {
    let mut out = String::from("Not verified (unknown facts never give a finding):\n");
    let mut tasks: Vec<(&str, &str)> = (unverified.iter())
        .map(|u| (u.unit.as_str(), u.task.as_str()))
        .collect();
    tasks.dedup();
    let several = tasks.windows(2).any(|w| w[0].0 != w[1].0);
    let indent = |text: &str, first: &str, rest: &str| -> String {
        let w = width.saturating_sub(rest.len()).max(30);
        let mut s = String::new();
        for (i, line) in wrap(text, w).lines().enumerate() {
            s.push_str(if i == 0 { first } else { rest });
            s.push_str(line);
            s.push('\n');
        }
        s
    };
    for (unit, task) in tasks {
        let unit_shown = display_path(Path::new(unit), cwd);
        if several {
            out.push_str(&format!("  {task} ({unit_shown})\n"));
        } else {
            out.push_str(&format!("  {task}\n"));
        }
        let inside = format!("{}/", unit_shown.trim_end_matches('/'));
        let own_var_files: Vec<&str> = (var_files.iter())
            .filter(|f| f.starts_with(&inside) || unit_shown == ".")
            .copied()
            .collect();
        // cause → rules, in order of first appearance.
        let mut causes: Vec<(String, Vec<&str>)> = Vec::new();
        let format = (unverified.iter())
            .find(|u| u.unit == unit)
            .and_then(|u| u.format);
        for u in (unverified.iter()).filter(|u| u.unit == unit && u.task == task) {
            let cause = u
                .reason
                .split_once(": ")
                .filter(|(fact, _)| !fact.contains(' '))
                .map_or(u.reason.as_str(), |(_, c)| c);
            let cause = collapse_repeats(cause);
            match causes.iter_mut().find(|(c, _)| *c == cause) {
                Some((_, rules)) => {
                    if !rules.contains(&u.rule.as_str()) {
                        rules.push(&u.rule);
                    }
                }
                None => causes.push((cause, vec![&u.rule])),
            }
        }
        for (cause, rules) in causes {
            out.push_str(&indent(&cause, "    - ", "      "));
            out.push_str(&indent(
                &format!("undecided: {}", rules.join(", ")),
                "      ",
                "      ",
            ));
            if let Some(hint) = to_know(&cause, &own_var_files, format) {
                out.push_str(&indent(&format!("to know it: {hint}"), "      ", "      "));
            }
        }
    }
    out.push('\n');
    escape_controls(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unverified_causes_are_listed_once_with_what_would_make_them_known() {
        let u = |rule: &str, reason: &str| crate::rules::Unverified {
            unit: "/w/infra".into(),
            format: Some(Format::Terraform),
            task: "aws_ecs_task_definition.app".into(),
            rule: rule.into(),
            title: "t".into(),
            reason: reason.into(),
        };
        let cause = "`aws_ecs_service.app` network_configuration.subnets: variable \
                     `private_subnet_ids` has no value";
        let list = [
            u("FGP020", &format!("site.public_without_ip: {cause}")),
            u("FGP021", &format!("site.private_only: {cause}")),
            u("FGP021", &format!("site.some_private_only: {cause}")),
            u(
                "FGP004",
                "need.resource_scoped: the image is not known: the image is not known: \
                 parameter DockerImage has no value (give it with --param DockerImage=VALUE)",
            ),
        ];
        let text = unverified_text(&list, &["infra/prod.tfvars"], Path::new("/w"), 80);
        assert_eq!(text.matches("private_subnet_ids").count(), 2, "{text}");
        assert!(text.contains("undecided: FGP020, FGP021\n"), "{text}");
        assert!(
            text.contains("`--var private_subnet_ids=…` or `--var-file infra/prod.tfvars`"),
            "{text}"
        );
        assert!(
            text.contains("- the image is not known: parameter DockerImage"),
            "{text}"
        );
        assert!(text.contains("`--param DockerImage=…`"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    }

    #[test]
    fn tasks_of_the_same_name_in_several_units_are_apart_and_hints_stay_in_their_unit() {
        let u = |unit: &str| crate::rules::Unverified {
            unit: unit.into(),
            format: Some(Format::Terraform),
            task: "TaskDefinition".into(),
            rule: "FGP021".into(),
            title: "t".into(),
            reason: "site.private_only: variable `subnets` has no value".into(),
        };
        let list = [u("/w/a"), u("/w/b")];
        let text = unverified_text(&list, &["b/prod.tfvars"], Path::new("/w"), 100);
        assert!(text.contains("  TaskDefinition (a)\n"), "{text}");
        assert!(text.contains("  TaskDefinition (b)\n"), "{text}");
        let (a, b) = text.split_once("TaskDefinition (b)").unwrap();
        assert!(!a.contains("prod.tfvars"), "{text}");
        assert!(b.contains("`--var-file b/prod.tfvars`"), "{text}");
    }

    #[test]
    fn a_plan_is_advice_for_terraform_only() {
        let u = |format| crate::rules::Unverified {
            unit: "/w/x".into(),
            format: Some(format),
            task: "Task".into(),
            rule: "FGP021".into(),
            title: "t".into(),
            reason: "site.private_only: `Service` subnets[0] is `Vpc.Outputs.A`, whose value is \
                     not known"
                .into(),
        };
        let text = |f| unverified_text(&[u(f)], &[], Path::new("/w"), 100);
        assert!(text(Format::Terraform).contains("to know it: a plan"));
        assert!(!text(Format::CloudFormation).contains("to know it"));
    }
}
