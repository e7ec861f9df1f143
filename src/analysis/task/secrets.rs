//! The secrets and parameters a container reads at start (`secrets`, `repositoryCredentials`):
//! their ARNs as IAM sees them, their store, and the KMS key that encrypts them.

use crate::analysis::Fact;
use crate::base::{Span, Val, Value};
use crate::graph::{Graph, Kind, NodeId};

use super::{account_sym, image, region_value, KmsKey, SecretRef, SecretStore, SecretUse};

/// A secret ARN as IAM sees it: a partial ARN (no `-XXXXXX` random suffix, which Secrets
/// Manager resolves) gets an unknown suffix, so that `prod/db-*` may match but `prod/db` not.
fn full_secret_arn(s: &str, at: Option<Span>) -> Value {
    let name = s.rsplit(':').next().unwrap_or("");
    let b = name.as_bytes();
    let suffixed = b.len() > 7
        && b[b.len() - 7] == b'-'
        && b[b.len() - 6..].iter().all(u8::is_ascii_alphanumeric);
    if suffixed {
        Value::str(s, at)
    } else {
        Value::new(
            Val::Template(vec![
                Value::str(format!("{s}-"), at),
                Value::unknown("the secret's random suffix", at),
            ]),
            at,
        )
    }
}

fn strip_secret_arn(s: &str) -> String {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() > 7 {
        parts[..7].join(":")
    } else {
        s.to_string()
    }
}

/// `arn:<p>:secretsmanager:<r>:<a>:secret:<name>-??????` with the random suffix unknown.
fn secret_arn_from_name(graph: &Graph, name: &str) -> Value {
    let r = region_value(graph);
    let name = Value::new(
        Val::Template(vec![
            Value::str(format!("{name}-"), None),
            Value::unknown("the secret's random suffix", None),
        ]),
        None,
    );
    image::arn(&r, "secretsmanager", &r, &account_sym(), "secret:", &name)
}

fn parameter_arn_from_name(graph: &Graph, name: &Value) -> Value {
    let r = region_value(graph);
    let name = match name.as_str() {
        Some(s) => Value::str(s.trim_start_matches('/'), name.span),
        None => name.clone(),
    };
    image::arn(&r, "ssm", &r, &account_sym(), "parameter/", &name)
}

pub(super) fn secret(
    graph: &Graph,
    td: NodeId,
    path: &str,
    v: &Value,
    usage: SecretUse,
    name: Option<String>,
) -> SecretRef {
    let at = v.span;
    let attr = match &v.kind {
        Val::Ref(r) => r.attr.to_ascii_lowercase(),
        _ => String::new(),
    };
    let node = graph.targets(td, path).into_iter().find_map(|t| {
        let n = graph.node(t);
        match n.kind {
            Kind::Secret | Kind::SsmParameter => Some(t),
            // `aws_secretsmanager_secret_version.x.arn` (newer providers: `secret_arn`, `arn`
            // deprecated) is the ARN of its secret (terraform-provider-aws#5488); `.id` is
            // `arn|version`, which ECS does not take.
            Kind::SecretVersion
                if (attr == "arn" || attr == "secret_arn") && !n.rtype.contains("::") =>
            {
                graph
                    .edges_from(t)
                    .filter(|e| e.field == "secret_id")
                    .map(|e| e.to)
                    .find(|&s| graph.node(s).kind == Kind::Secret)
            }
            _ => None,
        }
    });
    let creds = usage == SecretUse::RegistryCredentials;
    let mut store = Fact::unknown(image::hole_reason(v.deref(), "the secret reference"), at);
    let mut resource = None;
    let mut reference = None;
    let lit = v.as_str();
    let unresolved_ref = matches!(v.kind, Val::Ref(_)) && lit.is_none();
    if let Some(s) = lit {
        if s.starts_with("arn:") {
            match s.split(':').nth(2) {
                Some("secretsmanager") => {
                    store = Fact::known(SecretStore::SecretsManager, at);
                    resource = Some(full_secret_arn(&strip_secret_arn(s), at));
                }
                Some("ssm") => {
                    store = Fact::known(SecretStore::Ssm, at);
                    resource = Some(Value::str(s, at));
                }
                _ => {
                    store = Fact::unknown(
                        format!("`{s}` is neither a Secrets Manager nor an SSM ARN"),
                        at,
                    )
                }
            }
        } else if creds {
            // `credentialsParameter` is always a Secrets Manager secret (ARN or name).
            store = Fact::known(SecretStore::SecretsManager, at);
            resource = Some(secret_arn_from_name(graph, s));
        } else {
            store = Fact::known(SecretStore::Ssm, at);
            resource = Some(parameter_arn_from_name(graph, &Value::str(s, at)));
            if let Some(rest) = s.strip_prefix("/aws/reference/secretsmanager/") {
                reference = Some(secret_arn_from_name(graph, rest));
            }
        }
    } else if let Some(n) = node {
        let nn = graph.node(n);
        match nn.kind {
            Kind::Secret => {
                store = Fact::known(SecretStore::SecretsManager, at);
                // The secret's ARN as policies name it: Terraform `.arn` (`.id` is the same
                // value), CloudFormation `!Ref`.
                let attr = if nn.rtype.contains("::") { "" } else { "arn" };
                resource = Some(image::reference(&nn.address, attr, at));
            }
            _ => {
                store = Fact::known(SecretStore::Ssm, at);
                resource = Some(if attr == "arn" {
                    v.clone()
                } else {
                    match nn.field("name") {
                        Some(name) => parameter_arn_from_name(graph, name),
                        None => parameter_arn_from_name(graph, v),
                    }
                });
            }
        }
    } else if let Some(p) = v.render_pattern().filter(|_| !unresolved_ref) {
        // A template: `arn:${AWS::Partition}:secretsmanager:...`.
        let svc = p.strip_prefix("arn:").and_then(|r| r.split(':').nth(1));
        match svc {
            Some("secretsmanager") => {
                store = Fact::known(SecretStore::SecretsManager, at);
                resource = Some(v.clone());
            }
            Some("ssm") => {
                store = Fact::known(SecretStore::Ssm, at);
                resource = Some(v.clone());
            }
            _ => {}
        }
    }
    let kms = match node {
        Some(n) => kms_of(graph, n),
        None => Fact::unknown("the secret or parameter is not defined here", at),
    };
    SecretRef {
        usage,
        name,
        path: path.to_string(),
        value: v.clone(),
        store,
        resource,
        secrets_manager_reference: reference,
        node,
        kms,
    }
}

fn aws_managed_alias(s: &str) -> bool {
    s.ends_with("alias/aws/secretsmanager") || s.ends_with("alias/aws/ssm")
}

fn kms_of(graph: &Graph, n: NodeId) -> Fact<KmsKey> {
    let node = graph.node(n);
    let field = if node.kind == Kind::Secret {
        "kms_key_id"
    } else {
        match node.field("type") {
            None => return Fact::known(KmsKey::NotEncrypted, None),
            Some(t) => match t.as_str() {
                Some("SecureString") => "key_id",
                Some(_) => return Fact::known(KmsKey::NotEncrypted, t.span),
                None => {
                    return Fact::unknown(
                        image::hole_reason(t.deref(), "the parameter type"),
                        t.span,
                    )
                }
            },
        }
    };
    let Some(k) = node.field(field) else {
        return Fact::known(KmsKey::AwsManaged, None);
    };
    // `""` is how a data source (and the provider's state) says "the AWS managed key".
    if k.as_str()
        .is_some_and(|s| s.is_empty() || aws_managed_alias(s))
    {
        return Fact::known(KmsKey::AwsManaged, k.span);
    }
    let mut key_node = None;
    for t in graph.targets(n, field) {
        match graph.node(t).kind {
            Kind::KmsKey => key_node = Some(t),
            Kind::KmsAlias => {
                if let Some(kn) = graph
                    .targets(t, "target_key_id")
                    .into_iter()
                    .find(|&x| graph.node(x).kind == Kind::KmsKey)
                {
                    key_node = Some(kn);
                }
            }
            _ => {}
        }
    }
    let key = match key_node {
        Some(kn) => {
            let knode = graph.node(kn);
            let attr = if knode.rtype.contains("::") {
                "Arn"
            } else {
                "arn"
            };
            image::reference(&knode.address, attr, k.span)
        }
        None => match k.as_str() {
            Some(s) if s.starts_with("arn:") && s.contains(":key/") => k.deref().clone(),
            _ => Value::unknown(
                format!(
                    "the key ARN behind `{}` is not known",
                    k.render_pattern().unwrap_or_default()
                ),
                k.span,
            ),
        },
    };
    Fact::known(
        KmsKey::Customer {
            key,
            node: key_node,
        },
        k.span,
    )
}
