//! Unknown and misspelled container-definition keys (FGP050, FGP052), with a did-you-mean.

use crate::base::{Map, Span};
use std::collections::HashMap;

use crate::graph::WrittenKey;

pub use crate::graph::CONTAINER_DEFINITION_KEYS;

/// Members of the nested shapes that matter to the pull path: `(parent key, members, is a list
/// of items)`.
const NESTED: &[(&str, &[&str], bool)] = &[
    ("repositoryCredentials", &["credentialsParameter"], false),
    ("secrets", &["name", "valueFrom"], true),
    (
        "logConfiguration",
        &["logDriver", "options", "secretOptions"],
        false,
    ),
    ("environmentFiles", &["value", "type"], true),
];

/// A key ECS does not know.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownKey {
    /// Canonical path (`container_definitions[0].imagePullBehavior`).
    pub path: String,
    /// The key as written.
    pub written: String,
    pub span: Option<Span>,
    /// The known key it is probably a misspelling of.
    pub suggestion: Option<&'static str>,
    /// `imagePullBehavior` and its variants: not a field at all (an EC2 agent setting).
    pub image_pull_behavior: bool,
}

fn pascal(k: &str) -> String {
    let mut c = k.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest known key, when close enough to be a misspelling.
pub fn did_you_mean(written: &str, known: &[&'static str]) -> Option<&'static str> {
    let w = written.to_ascii_lowercase().replace(['_', '-'], "");
    let mut best: Option<(usize, &'static str)> = None;
    for &k in known {
        let kl = k.to_ascii_lowercase();
        let d = if w.len() >= 4 && kl.starts_with(&w) {
            1
        } else {
            levenshtein(&w, &kl)
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    let (d, k) = best?;
    (d <= (w.len() / 3).max(2)).then_some(k)
}

/// `(?i)^image[_-]?pull[_-]?(behavior|behaviour|policy)$`.
pub fn is_image_pull_behavior(k: &str) -> bool {
    let s = k.to_ascii_lowercase().replace(['_', '-'], "");
    matches!(
        s.as_str(),
        "imagepullbehavior" | "imagepullbehaviour" | "imagepullpolicy"
    )
}

/// Unknown keys of one container (`path` = `container_definitions[i]`), top level and the
/// nested shapes the pull path reads. Terraform matches keys case-insensitively (the graph has
/// already given known keys their canonical spelling); CloudFormation's schema is
/// case-sensitive, so its written spelling must be the PascalCase of a member. `written` maps
/// canonical paths to the keys as written (the task definition's `written_keys`).
pub fn unknown_keys(
    written: &HashMap<&str, &WrittenKey>,
    container: &Map,
    path: &str,
    cfn: bool,
    out: &mut Vec<UnknownKey>,
) {
    check_map(
        written,
        container,
        path,
        CONTAINER_DEFINITION_KEYS,
        cfn,
        out,
    );
    for (parent, members, list) in NESTED {
        let Some(v) = container.get(parent) else {
            continue;
        };
        let p = format!("{path}.{parent}");
        if *list {
            for (i, item) in v.as_list().unwrap_or_default().iter().enumerate() {
                if let Some(m) = item.as_map() {
                    check_map(written, m, &format!("{p}[{i}]"), members, cfn, out);
                }
            }
        } else if let Some(m) = v.as_map() {
            check_map(written, m, &p, members, cfn, out);
            if *parent == "logConfiguration" {
                if let Some(items) = m.get("secretOptions").and_then(|s| s.as_list()) {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(im) = item.as_map() {
                            check_map(
                                written,
                                im,
                                &format!("{p}.secretOptions[{i}]"),
                                &["name", "valueFrom"],
                                cfn,
                                out,
                            );
                        }
                    }
                }
            }
        }
    }
}

fn check_map(
    written_keys: &HashMap<&str, &WrittenKey>,
    m: &Map,
    path: &str,
    known: &[&'static str],
    cfn: bool,
    out: &mut Vec<UnknownKey>,
) {
    for e in &m.entries {
        let key_path = format!("{path}.{}", e.key);
        let written = written_keys
            .get(key_path.as_str())
            .map(|w| (w.written.clone(), w.span))
            .unwrap_or_else(|| (e.key.clone(), e.key_span));
        let is_member = known.contains(&e.key.as_str());
        let ok = if cfn {
            is_member && written.0 == pascal(&e.key)
        } else {
            is_member
        };
        if ok {
            continue;
        }
        let ipb = is_image_pull_behavior(&written.0);
        let suggestion = if ipb {
            None
        } else if is_member {
            // CloudFormation, wrong case: the member itself.
            known.iter().copied().find(|k| *k == e.key)
        } else {
            did_you_mean(&written.0, known)
        };
        out.push(UnknownKey {
            path: key_path,
            written: written.0,
            span: written.1.or(e.key_span),
            suggestion,
            image_pull_behavior: ipb,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let k = CONTAINER_DEFINITION_KEYS;
        assert_eq!(
            did_you_mean("repositoryCredential", k),
            Some("repositoryCredentials")
        );
        assert_eq!(did_you_mean("secret", k), Some("secrets"));
        assert_eq!(did_you_mean("logconfig", k), Some("logConfiguration"));
        assert_eq!(did_you_mean("imageTag", k), None);
        assert_eq!(
            did_you_mean("credentialParameter", &["credentialsParameter"]),
            Some("credentialsParameter")
        );
        assert!(is_image_pull_behavior("ImagePullBehavior"));
        assert!(is_image_pull_behavior("image_pull_policy"));
        assert!(!is_image_pull_behavior("image"));
    }
}
