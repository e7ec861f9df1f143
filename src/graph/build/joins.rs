//! Name joins: edges from literals that name another resource (a role by its name or ARN, a
//! secret by its ARN, a log group by its name...), matched through a hash index of the name keys
//! of every node.

use std::collections::{HashMap, HashSet};

use crate::base::value::UNKNOWN_PART;
use crate::base::{Span, Val, Value};
use crate::frontends::Mode;
use crate::graph::kinds::Kind;
use crate::graph::model::{Edge, Node, NodeId, Via};

use super::Builder;

impl Builder<'_> {
    pub(super) fn name_joins(&mut self) {
        let mut names: HashMap<(&'static str, String), Vec<NodeId>> = HashMap::new();
        for n in &self.g.nodes {
            for (ns, key) in name_keys(n) {
                names.entry((ns, key)).or_default().push(n.id);
            }
        }
        let mut new_edges = Vec::new();
        for n in &self.g.nodes {
            let joins: Vec<_> = JOINS.iter().filter(|j| j.0 == n.kind).collect();
            if joins.is_empty() {
                continue;
            }
            for e in &n.fields.entries {
                walk_strings(&e.value, &e.key, &mut |path, s, span| {
                    let glob = globify(path);
                    for j in &joins {
                        if j.1 != glob {
                            continue;
                        }
                        let mut seen = HashSet::new();
                        for key in join_keys(j.2, s) {
                            for &to in names.get(&key).into_iter().flatten() {
                                if to != n.id && seen.insert(to) {
                                    new_edges.push(Edge {
                                        from: n.id,
                                        to,
                                        field: path.to_string(),
                                        attr: String::new(),
                                        via: Via::Name,
                                        span,
                                    });
                                }
                            }
                        }
                    }
                });
            }
        }
        self.g.edges.extend(new_edges);
    }
}

/// Calls `f(path, text, span)` for every literal string and every template (rendered with
/// [`UNKNOWN_PART`] for its unknown parts), not looking inside references.
fn walk_strings(v: &Value, path: &str, f: &mut dyn FnMut(&str, &str, Option<Span>)) {
    match &v.kind {
        Val::Str(s) => f(path, s, v.span),
        Val::Template(_) => {
            if let Some(s) = v.render_pattern() {
                f(path, &s, v.span)
            }
        }
        Val::List(l) => {
            for (i, x) in l.iter().enumerate() {
                walk_strings(x, &format!("{path}[{i}]"), f);
            }
        }
        Val::Map(m) => {
            for e in &m.entries {
                walk_strings(&e.value, &format!("{path}.{}", e.key), f);
            }
        }
        Val::Choice(l) => l.iter().for_each(|x| walk_strings(x, path, f)),
        _ => {}
    }
}

/// `a[0].b[12]` → `a[*].b[*]`.
fn globify(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[*]");
            }
            ']' if in_index => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// How a literal designates its target.
#[derive(Clone, Copy)]
enum Key {
    /// A role name or role ARN.
    Role,
    /// A managed policy ARN.
    PolicyArn,
    /// A Secrets Manager ARN, or an SSM parameter ARN or name (`valueFrom`).
    SecretOrParam,
    /// A Secrets Manager secret ARN or name.
    Secret,
    LogGroup,
    /// An ECR image URI → its repository.
    EcrImage,
    EcrName,
    Cluster,
    /// A task definition family, `family:revision` or ARN.
    Family,
    KmsAlias,
}

/// Name joins: `(kind, canonical path with [*], how the value names its target)`.
const JOINS: &[(Kind, &str, Key)] = &[
    (Kind::RolePolicy, "roles[*]", Key::Role),
    (Kind::PolicyAttachment, "roles[*]", Key::Role),
    (Kind::PolicyAttachment, "policy_arns[*]", Key::PolicyArn),
    (Kind::RolePoliciesExclusive, "role", Key::Role),
    (Kind::TaskDefinition, "execution_role_arn", Key::Role),
    (Kind::TaskDefinition, "task_role_arn", Key::Role),
    (
        Kind::TaskDefinition,
        "container_definitions[*].secrets[*].valueFrom",
        Key::SecretOrParam,
    ),
    (
        Kind::TaskDefinition,
        "container_definitions[*].logConfiguration.secretOptions[*].valueFrom",
        Key::SecretOrParam,
    ),
    (
        Kind::TaskDefinition,
        "container_definitions[*].repositoryCredentials.credentialsParameter",
        Key::Secret,
    ),
    (
        Kind::TaskDefinition,
        "container_definitions[*].logConfiguration.options.awslogs-group",
        Key::LogGroup,
    ),
    (
        Kind::TaskDefinition,
        "container_definitions[*].image",
        Key::EcrImage,
    ),
    (Kind::Service, "cluster", Key::Cluster),
    (Kind::ClusterCapacityProviders, "cluster", Key::Cluster),
    (Kind::EventTarget, "arn", Key::Cluster),
    (Kind::Schedule, "target.arn", Key::Cluster),
    (Kind::Service, "task_definition", Key::Family),
    (Kind::TaskDefinition, "task_definition", Key::Family),
    (
        Kind::EventTarget,
        "ecs_target.task_definition_arn",
        Key::Family,
    ),
    (
        Kind::Schedule,
        "target.ecs_parameters.task_definition_arn",
        Key::Family,
    ),
    (Kind::SecretVersion, "secret_id", Key::Secret),
    (Kind::EcrRepositoryPolicy, "repository", Key::EcrName),
    (Kind::PullThroughCacheRule, "credential_arn", Key::Secret),
    (Kind::Secret, "kms_key_id", Key::KmsAlias),
    (Kind::SsmParameter, "key_id", Key::KmsAlias),
    (Kind::LogGroup, "kms_key_id", Key::KmsAlias),
];

/// The names a node can be found by.
fn name_keys(n: &Node) -> Vec<(&'static str, String)> {
    let lit = |k: &str| {
        n.fields
            .get(k)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
    };
    let mut out = Vec::new();
    let mut add = |ns: &'static str, k: Option<&str>| {
        if let Some(k) = k {
            out.push((ns, k.to_string()));
        }
    };
    match n.kind {
        Kind::IamRole => add("role", lit("name")),
        Kind::ManagedPolicy => {
            add("policy-arn", lit("arn"));
            if n.mode == Mode::Managed {
                if let Some(name) = lit("name") {
                    let path = lit("path").unwrap_or("/").trim_start_matches('/');
                    out.push(("policy-path", format!("{path}{name}")));
                }
            }
        }
        Kind::Secret => {
            add("secret", lit("name"));
            add("secret-arn", lit("arn"));
        }
        Kind::SsmParameter => add("ssm", lit("name").map(|s| s.trim_start_matches('/'))),
        Kind::LogGroup => add("log", lit("name")),
        Kind::EcrRepository => add("ecr", lit("name")),
        Kind::Cluster => add("cluster", lit("name")),
        Kind::TaskDefinition => add("family", lit("family")),
        Kind::KmsAlias => add("alias", lit("name")),
        _ => {}
    }
    out
}

/// `arn:aws:secretsmanager:r:a:secret:name-AbCdEf[:json-key:stage:id]` → the keys a secret can
/// be found by: its ARN, its name without the random suffix, its name.
fn secret_keys(arn: &str) -> Vec<(&'static str, String)> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 7 {
        return vec![];
    }
    let name = parts[6];
    let mut out = vec![("secret-arn", parts[..7].join(":"))];
    let b = name.as_bytes();
    if b.len() > 7
        && b[b.len() - 7] == b'-'
        && b[b.len() - 6..].iter().all(u8::is_ascii_alphanumeric)
    {
        out.push(("secret", name[..name.len() - 7].to_string()));
    }
    out.push(("secret", name.to_string()));
    out
}

fn after<'s>(s: &'s str, marker: &str) -> Option<&'s str> {
    s.find(marker).map(|i| &s[i + marker.len()..])
}

/// The index keys a literal may designate, by join kind. A template's unknown parts may sit
/// outside the key (`arn:aws:iam::${account}:role/app-exec` names `app-exec`); keys that
/// contain one are dropped.
fn join_keys(key: Key, s: &str) -> Vec<(&'static str, String)> {
    let mut keys = raw_join_keys(key, s);
    keys.retain(|(_, k)| !k.is_empty() && !k.contains(UNKNOWN_PART));
    keys
}

fn raw_join_keys(key: Key, s: &str) -> Vec<(&'static str, String)> {
    if s.is_empty() {
        return vec![];
    }
    let arn = s.starts_with("arn:");
    let one = |ns: &'static str, k: &str| vec![(ns, k.to_string())];
    match key {
        Key::Role => match arn {
            true => after(s, ":role/")
                .map(|r| one("role", r.rsplit('/').next().unwrap_or(r)))
                .unwrap_or_default(),
            false => one("role", s),
        },
        Key::PolicyArn => {
            let mut out = one("policy-arn", s);
            if arn && s.split(':').nth(4) != Some("aws") {
                if let Some(p) = after(s, ":policy/") {
                    out.push(("policy-path", p.to_string()));
                }
            }
            out
        }
        Key::SecretOrParam | Key::Secret => {
            if arn {
                match s.split(':').nth(2) {
                    Some("secretsmanager") => secret_keys(s),
                    Some("ssm") => after(s, ":parameter/")
                        .map(|p| one("ssm", p.trim_start_matches('/')))
                        .unwrap_or_default(),
                    _ => vec![],
                }
            } else if matches!(key, Key::Secret) {
                one("secret", s)
            } else {
                one("ssm", s.trim_start_matches('/'))
            }
        }
        Key::LogGroup => one("log", s),
        Key::EcrImage => {
            let Some((host, rest)) = s.split_once('/') else {
                return vec![];
            };
            if !host.contains(".dkr.ecr") {
                return vec![];
            }
            let rest = rest.split('@').next().unwrap_or(rest);
            let repo = match rest.rfind(':') {
                Some(i) if !rest[i..].contains('/') => &rest[..i],
                _ => rest,
            };
            one("ecr", repo)
        }
        Key::EcrName => one("ecr", s),
        Key::Cluster => match arn {
            true => after(s, ":cluster/")
                .map(|c| one("cluster", c))
                .unwrap_or_default(),
            false => one("cluster", s),
        },
        Key::Family => {
            let f = if arn {
                after(s, ":task-definition/").unwrap_or("")
            } else {
                s
            };
            let f = f.split(':').next().unwrap_or(f);
            if f.is_empty() {
                vec![]
            } else {
                one("family", f)
            }
        }
        Key::KmsAlias => {
            if s.starts_with("alias/") {
                one("alias", s)
            } else if let Some(a) = after(s, ":alias/") {
                vec![("alias", format!("alias/{a}"))]
            } else {
                vec![]
            }
        }
    }
}
