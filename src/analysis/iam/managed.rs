//! AWS managed policies, as data (`data/iam/managed-policies.json`, embedded): their documents as
//! AWS publishes them, looked up by ARN in any of the commercial, China and GovCloud partitions,
//! and the "did you mean" for a managed-policy ARN with a wrong path or a misspelt name (FGP005).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::base::value::{Map, Val, Value};

const DATA: &str = include_str!("../../../data/iam/managed-policies.json");

/// Partitions whose managed policies are the ones recorded (under `arn:aws:`).
const PARTITIONS: &[&str] = &["aws", "aws-cn", "aws-us-gov"];

/// One recorded managed policy.
#[derive(Debug)]
pub struct ManagedPolicy {
    /// The ARN in the `aws` partition.
    pub arn: String,
    /// The name (the ARN's last path segment).
    pub name: String,
    /// The default version id recorded (`v3`).
    pub version: String,
    /// Where the document was taken from.
    pub source: String,
    /// The document, normalised like the graph's (`Action`, `Resource`… as lists; `Condition`
    /// values as lists).
    pub document: Value,
}

struct Catalog {
    policies: Vec<ManagedPolicy>,
    by_arn: HashMap<String, usize>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // The file is ours and tested: a parse failure is a build defect, caught by the tests.
        let json: serde_json::Value = serde_json::from_str(DATA).unwrap_or_default();
        let mut policies = Vec::new();
        if let Some(map) = json.get("policies").and_then(|p| p.as_object()) {
            for (arn, entry) in map {
                let text = |k: &str| {
                    entry
                        .get(k)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                policies.push(ManagedPolicy {
                    arn: arn.clone(),
                    name: arn.rsplit('/').next().unwrap_or_default().to_string(),
                    version: text("version"),
                    source: text("source"),
                    document: normalise(from_json(
                        entry.get("document").unwrap_or(&serde_json::Value::Null),
                    )),
                });
            }
        }
        let by_arn = policies
            .iter()
            .enumerate()
            .map(|(i, p)| (p.arn.clone(), i))
            .collect();
        Catalog { policies, by_arn }
    })
}

/// Every recorded managed policy.
pub fn all() -> &'static [ManagedPolicy] {
    &catalog().policies
}

/// `arn:<partition>:iam::aws:policy/<path+name>` → (`partition`, `path+name`).
fn split_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    let name = rest.strip_prefix("iam::aws:policy/")?;
    Some((partition, name))
}

/// The recorded managed policy with this ARN (any supported partition).
pub fn managed_policy_info(arn: &str) -> Option<&'static ManagedPolicy> {
    let (partition, name) = split_arn(arn)?;
    if !PARTITIONS.contains(&partition) {
        return None;
    }
    let c = catalog();
    c.by_arn
        .get(&format!("arn:aws:iam::aws:policy/{name}"))
        .map(|&i| &c.policies[i])
}

/// The document of the AWS managed policy with this ARN, if it is one we record. `None` does not
/// mean the ARN is wrong: only a few policies are recorded (see [`check_managed_arn`]).
pub fn managed_policy(arn: &str) -> Option<&'static Value> {
    managed_policy_info(arn).map(|p| &p.document)
}

/// True when `name` (without path: `AmazonECSTaskExecutionRolePolicy`) is a managed policy we know.
pub fn is_known_managed_name(name: &str) -> bool {
    all().iter().any(|p| p.name == name)
}

/// For an ARN that looks like an AWS managed policy but is not one we know, the right ARN when
/// the name is known (wrong or missing path, wrong case): e.g.
/// `arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy` →
/// `arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`. The partition is kept.
/// `None` when the ARN is right, not a managed-policy ARN, or its name is unknown.
pub fn suggest_managed_arn(arn: &str) -> Option<String> {
    if managed_policy_info(arn).is_some() {
        return None;
    }
    let (partition, path_name) = split_arn(arn)?;
    let name = path_name.rsplit('/').next()?;
    let known = all()
        .iter()
        .find(|p| p.name == name)
        .or_else(|| all().iter().find(|p| p.name.eq_ignore_ascii_case(name)))?;
    let right_partition = if PARTITIONS.contains(&partition) {
        partition
    } else {
        "aws"
    };
    Some(
        known
            .arn
            .replacen("arn:aws:", &format!("arn:{right_partition}:"), 1),
    )
}

/// What an attached policy ARN is, for FGP005.
#[derive(Debug)]
pub enum ManagedArn {
    /// An AWS managed policy we record (its document is known).
    Known(&'static ManagedPolicy),
    /// An AWS managed-policy ARN whose name we record under another path or case: it does not
    /// exist as written; `suggestion` is the right ARN (partition kept as written).
    Misspelt { suggestion: String },
    /// An AWS managed-policy ARN of a name we do not record: it may well exist.
    Unrecorded,
    /// Not an AWS managed-policy ARN (a customer policy, or not known well enough to tell).
    NotManaged,
}

/// Classifies a policy ARN as written, partition included or not known
/// (`arn:${AWS::Partition}:iam::aws:policy/…`, `arn:${data.aws_partition.current.partition}:…`):
/// managed policy documents are taken to be the same in the commercial, China and GovCloud
/// partitions, and a partition that is not known to be one of the three ends the lookup.
pub fn check_managed_arn(arn: &Value) -> ManagedArn {
    use super::pattern::{Reading, SymStr};
    let Some(rendered) = arn.render_pattern() else {
        return ManagedArn::NotManaged;
    };
    let unknown = crate::base::value::UNKNOWN_PART;
    let Some(rest) = rendered.strip_prefix("arn:") else {
        return ManagedArn::NotManaged;
    };
    let Some((partition, path_name)) = rest.split_once(":iam::aws:policy/") else {
        return ManagedArn::NotManaged;
    };
    if path_name.contains(unknown) || (partition != unknown && partition.contains(unknown)) {
        return ManagedArn::NotManaged;
    }
    if partition != unknown && !PARTITIONS.contains(&partition) {
        return ManagedArn::NotManaged;
    }
    let canonical = format!("arn:aws:iam::aws:policy/{path_name}");
    if let Some(p) = managed_policy_info(&canonical) {
        return ManagedArn::Known(p);
    }
    match suggest_managed_arn(&canonical) {
        Some(right) => {
            // Keep the partition as it is written (`${AWS::Partition}` for the pseudo parameter).
            let written = SymStr::from_value(arn, Reading::default())
                .map(|s| s.display())
                .unwrap_or(rendered.clone());
            let written_partition = written
                .strip_prefix("arn:")
                .and_then(|r| r.split_once(":iam::aws:policy/"))
                .map(|(p, _)| p.to_string())
                .unwrap_or_else(|| partition.to_string());
            let tail = right.trim_start_matches("arn:aws:");
            ManagedArn::Misspelt {
                suggestion: format!("arn:{written_partition}:{tail}"),
            }
        }
        None => ManagedArn::Unrecorded,
    }
}

pub(crate) fn from_json(j: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    let kind = match j {
        J::Null => Val::Null,
        J::Bool(b) => Val::Bool(*b),
        J::Number(n) => Val::Number(n.as_f64().unwrap_or(0.0)),
        J::String(s) => Val::Str(s.clone()),
        J::Array(a) => Val::List(a.iter().map(from_json).collect()),
        J::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o {
                m.push(k.clone(), None, from_json(v));
            }
            Val::Map(m)
        }
    };
    Value::new(kind, None)
}

fn as_list(v: Value) -> Value {
    match v.kind {
        Val::List(_) => v,
        _ => Value::new(Val::List(vec![v]), None),
    }
}

/// The graph's normal form: statement elements as lists, condition values as lists.
fn normalise(mut doc: Value) -> Value {
    let Val::Map(m) = &mut doc.kind else {
        return doc;
    };
    for e in &mut m.entries {
        if e.key != "Statement" {
            continue;
        }
        let Val::List(stmts) = &mut e.value.kind else {
            continue;
        };
        for s in stmts {
            let Val::Map(sm) = &mut s.kind else { continue };
            for se in &mut sm.entries {
                match se.key.as_str() {
                    "Action" | "NotAction" | "Resource" | "NotResource" => {
                        let v = std::mem::replace(&mut se.value, Value::null(None));
                        se.value = as_list(v);
                    }
                    "Condition" => {
                        if let Val::Map(ops) = &mut se.value.kind {
                            for op in &mut ops.entries {
                                if let Val::Map(keys) = &mut op.value.kind {
                                    for k in &mut keys.entries {
                                        let v = std::mem::replace(&mut k.value, Value::null(None));
                                        k.value = as_list(v);
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    doc
}
