//! Image classification (domain table (c)-5): ECR, ECR dual-stack, ECR pull-through cache, ECR
//! Public, external registries, or unknown. Works on values with unknown parts: the image string
//! is flattened into literal text and holes (references, symbols, unknowns), and the host and
//! repository are read around the holes.

use crate::analysis::Fact;
use crate::base::{Ref, Span, Symbol, Val, Value};
use crate::graph::{Graph, Kind, NodeId};

/// What a container image is.
#[derive(Clone, Debug, PartialEq)]
pub enum Image {
    /// A private ECR repository.
    Ecr(EcrImage),
    /// `<acct>.dkr-ecr.<region>.on.aws/...`.
    EcrDualStack(EcrImage),
    /// An ECR repository whose path starts with the `ecr_repository_prefix` of a pull-through
    /// cache rule of the graph.
    EcrPullThroughCache {
        ecr: EcrImage,
        prefix: String,
        rule: NodeId,
    },
    /// `public.ecr.aws/...`.
    EcrPublic { repository: String },
    /// Docker Hub (bare names, `docker.io`...), `ghcr.io`, `quay.io`, ...
    External { registry: String },
}

impl Image {
    /// Pulled through the ECR interface endpoints (dual-stack URIs are not: PrivateLink does
    /// not serve them).
    pub fn via_ecr_endpoints(&self) -> bool {
        matches!(self, Image::Ecr(_) | Image::EcrPullThroughCache { .. })
    }

    /// Only reachable over the internet: no VPC endpoint serves ECR Public or other registries.
    pub fn needs_internet(&self) -> bool {
        matches!(self, Image::EcrPublic { .. } | Image::External { .. })
    }

    /// The ECR repository the image is pulled from (private ECR classes only).
    pub fn ecr(&self) -> Option<&EcrImage> {
        match self {
            Image::Ecr(e) | Image::EcrDualStack(e) | Image::EcrPullThroughCache { ecr: e, .. } => {
                Some(e)
            }
            _ => None,
        }
    }
}

/// A private ECR image. Account and Region are values: literals, [`Symbol`]s (the deployment
/// account/Region), references or unknowns.
#[derive(Clone, Debug, PartialEq)]
pub struct EcrImage {
    pub account: Value,
    pub region: Value,
    /// The repository name (without tag or digest).
    pub repository: Value,
    /// The repository resource of the graph the image comes from, when known.
    pub repository_node: Option<NodeId>,
}

impl EcrImage {
    /// The repository ARN, built from what is known: the repository resource's `arn` when the
    /// image is written through it, else `arn:<partition>:ecr:<region>:<account>:repository/<name>`.
    pub fn repository_arn(&self, graph: &Graph) -> Value {
        if let Some(n) = self.repository_node {
            let node = graph.node(n);
            let attr = if node.rtype.contains("::") {
                "Arn"
            } else {
                "arn"
            };
            return reference(&node.address, attr, None);
        }
        arn(
            &self.region,
            "ecr",
            &self.region,
            &self.account,
            "repository/",
            &self.repository,
        )
    }
}

pub(crate) fn reference(target: &str, attr: &str, span: Option<Span>) -> Value {
    Value::new(
        Val::Ref(Box::new(Ref {
            target: target.to_string(),
            attr: attr.to_string(),
            resolved: None,
        })),
        span,
    )
}

/// The partition of a Region when it is a literal (`cn-*` → `aws-cn`, `us-gov-*` →
/// `aws-us-gov`, else `aws`); the partition symbol otherwise.
pub(crate) fn partition_of(region: &Value) -> Value {
    match region.as_str() {
        Some(r) if r.starts_with("cn-") => Value::str("aws-cn", None),
        Some(r) if r.starts_with("us-gov-") => Value::str("aws-us-gov", None),
        Some(r) if !r.is_empty() => Value::str("aws", None),
        _ => Value::new(Val::Symbol(Symbol::Partition), None),
    }
}

/// `arn:<partition>:<service>:<region>:<account>:<kind><name>`, a template when parts are not
/// known.
pub(crate) fn arn(
    partition_from: &Value,
    service: &str,
    region: &Value,
    account: &Value,
    kind: &str,
    name: &Value,
) -> Value {
    let parts = vec![
        Value::str("arn:", None),
        partition_of(partition_from),
        Value::str(format!(":{service}:"), None),
        region.clone(),
        Value::str(":", None),
        account.clone(),
        Value::str(format!(":{kind}"), None),
        name.clone(),
    ];
    template(parts)
}

/// Joins parts into a string when all are known, else a template.
pub(crate) fn template(parts: Vec<Value>) -> Value {
    if parts.iter().all(|p| p.as_str().is_some()) {
        let s: String = parts.iter().filter_map(|p| p.as_str()).collect();
        return Value::str(s, None);
    }
    Value::new(Val::Template(parts), None)
}

/// A piece of a flattened string.
#[derive(Clone, Debug)]
enum Piece {
    Lit(String),
    Hole(Value),
    /// A repository resource's `repository_url` / `RepositoryUri`.
    RepoUrl(NodeId),
}

fn flatten(v: &Value, graph: &Graph, out: &mut Vec<Piece>) {
    match &v.kind {
        Val::Ref(r) => {
            if let Some(&id) = graph.by_address.get(&r.target) {
                let n = graph.node(id);
                let a = r.attr.to_ascii_lowercase();
                if n.kind == Kind::EcrRepository && (a == "repository_url" || a == "repositoryuri")
                {
                    out.push(Piece::RepoUrl(id));
                    return;
                }
            }
            if r.target.starts_with("data.aws_caller_identity.") && r.attr == "account_id" {
                out.push(Piece::Hole(Value::new(
                    Val::Symbol(Symbol::AccountId),
                    v.span,
                )));
                return;
            }
            if r.target.starts_with("data.aws_region.") && (r.attr == "name" || r.attr == "id") {
                out.push(Piece::Hole(Value::new(Val::Symbol(Symbol::Region), v.span)));
                return;
            }
            match &r.resolved {
                Some(inner) => flatten(inner, graph, out),
                None => out.push(Piece::Hole(v.clone())),
            }
        }
        Val::Str(s) => out.push(Piece::Lit(s.clone())),
        Val::Number(_) | Val::Bool(_) => {
            out.push(Piece::Lit(v.render_pattern().unwrap_or_default()))
        }
        Val::Template(parts) => parts.iter().for_each(|p| flatten(p, graph, out)),
        _ => out.push(Piece::Hole(v.clone())),
    }
}

/// Characters standing for holes in the rendered text.
const H0: char = '\u{E000}';

/// Renders pieces: literal text as is, each hole as one private-use character (`H0 + index`).
fn render(pieces: &[Piece]) -> (String, Vec<Value>) {
    let mut s = String::new();
    let mut holes = Vec::new();
    for p in pieces {
        match p {
            Piece::Lit(t) => s.push_str(t),
            Piece::Hole(v) => {
                let c = char::from_u32(H0 as u32 + holes.len() as u32).unwrap_or(H0);
                s.push(c);
                holes.push(v.clone());
            }
            Piece::RepoUrl(_) => {}
        }
    }
    (s, holes)
}

fn is_hole(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// A rendered fragment back to a value: a literal, a single hole, or a template.
fn unrender(text: &str, holes: &[Value], span: Option<Span>) -> Value {
    let mut parts = Vec::new();
    let mut lit = String::new();
    for c in text.chars() {
        if is_hole(c) {
            if !lit.is_empty() {
                parts.push(Value::str(std::mem::take(&mut lit), span));
            }
            let i = (c as u32 - H0 as u32) as usize;
            parts.push(
                holes
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| Value::unknown("part of the image not known", span)),
            );
        } else {
            lit.push(c);
        }
    }
    if !lit.is_empty() {
        parts.push(Value::str(lit, span));
    }
    match parts.len() {
        0 => Value::str("", span),
        1 => parts.pop().unwrap_or_else(|| Value::str("", span)),
        _ => Value::new(Val::Template(parts), span),
    }
}

/// `repo[:tag][@digest]` → `repo`.
fn strip_tag(path: &str) -> &str {
    let path = path.split('@').next().unwrap_or(path);
    match path.rfind(':') {
        Some(i) if !path[i..].contains('/') => &path[..i],
        _ => path,
    }
}

/// `<acct>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]` or the dual-stack form → (account,
/// region, dual-stack). Account and Region may each be one hole.
fn ecr_host(host: &str) -> Option<(&str, &str, bool)> {
    let (account, rest) = host.split_once('.')?;
    let (rest, dual) = if let Some(r) = rest
        .strip_prefix("dkr.ecr-fips.")
        .or_else(|| rest.strip_prefix("dkr.ecr."))
    {
        let region = r
            .strip_suffix(".amazonaws.com.cn")
            .or_else(|| r.strip_suffix(".amazonaws.com"))?;
        (region, false)
    } else if let Some(r) = rest
        .strip_prefix("dkr-ecr-fips.")
        .or_else(|| rest.strip_prefix("dkr-ecr."))
    {
        (r.strip_suffix(".on.aws")?, true)
    } else {
        return None;
    };
    let ok_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())
        || (account.chars().count() == 1 && account.chars().all(is_hole));
    let ok_region = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || is_hole(c));
    (ok_account && ok_region).then_some((account, rest, dual))
}

/// Pull-through-cache rule prefixes of the graph (literal ones).
pub(crate) fn ptc_prefixes(graph: &Graph) -> Vec<(String, NodeId)> {
    graph
        .of_kind(Kind::PullThroughCacheRule)
        .filter_map(|n| {
            n.field("ecr_repository_prefix")
                .and_then(|v| v.as_str())
                .map(|p| (p.trim_matches('/').to_string(), n.id))
        })
        .collect()
}

const EXTERNAL_HOSTS: &[&str] = &[
    "docker.io",
    "registry-1.docker.io",
    "index.docker.io",
    "registry.hub.docker.com",
];

/// Classifies an image value.
pub fn classify(v: &Value, graph: &Graph, ptc: &[(String, NodeId)]) -> Fact<Image> {
    let at = v.span;
    let mut pieces = Vec::new();
    flatten(v, graph, &mut pieces);
    let account_sym = || Value::new(Val::Symbol(Symbol::AccountId), at);
    let region_sym = || {
        graph
            .region
            .clone()
            .unwrap_or_else(|| Value::new(Val::Symbol(Symbol::Region), at))
    };

    // An image written through a repository resource (`repository_url`, `RepositoryUri`).
    if let Some(Piece::RepoUrl(id)) = pieces.first() {
        let node = graph.node(*id);
        let repository = node.field("name").cloned().unwrap_or_else(|| {
            Value::unknown(format!("`{}` has no name written", node.address), at)
        });
        let ecr = EcrImage {
            account: account_sym(),
            region: region_sym(),
            repository,
            repository_node: Some(*id),
        };
        return Fact::known(with_ptc(Image::Ecr(ecr), ptc), at);
    }
    if pieces.iter().any(|p| matches!(p, Piece::RepoUrl(_))) {
        return Fact::unknown("the image puts a repository URL after other text", at);
    }
    if let [Piece::Hole(h)] = pieces.as_slice() {
        return Fact::unknown(hole_reason(h, "the image"), at);
    }
    let (text, holes) = render(&pieces);
    if text.is_empty() {
        return Fact::unknown("the image is empty", at);
    }
    let (host, path) = match text.split_once('/') {
        Some((h, p)) => (h, Some(p)),
        None => (text.as_str(), None),
    };
    if let Some((acct, region, dual)) = ecr_host(host) {
        let Some(path) = path else {
            return Fact::unknown("an ECR registry without a repository", at);
        };
        let ecr = EcrImage {
            account: unrender(acct, &holes, at),
            region: unrender(region, &holes, at),
            repository: unrender(strip_tag(path), &holes, at),
            repository_node: None,
        };
        let img = if dual {
            Image::EcrDualStack(ecr)
        } else {
            with_ptc(Image::Ecr(ecr), ptc)
        };
        return Fact::known(img, at);
    }
    // `nginx:${var.tag}`: only the name before the tag or digest matters.
    let name_only = match path {
        None => host.split(['@', ':']).next().unwrap_or(host),
        Some(_) => host,
    };
    if name_only.chars().any(is_hole) {
        let first = holes
            .first()
            .map(|h| hole_reason(h, "the registry"))
            .unwrap_or_default();
        return Fact::unknown(
            format!(
                "registry `{}` is not known: {first}",
                unrender(host, &holes, at)
                    .render_pattern()
                    .unwrap_or_default()
            ),
            at,
        );
    }
    if host == "public.ecr.aws" {
        let repository = path
            .map(strip_tag)
            .unwrap_or_default()
            .replace(|c: char| is_hole(c), crate::base::value::UNKNOWN_PART);
        return Fact::known(Image::EcrPublic { repository }, at);
    }
    let registry_host =
        path.is_some() && (host.contains('.') || host.contains(':') || host == "localhost");
    if registry_host {
        let registry = if EXTERNAL_HOSTS.contains(&host) {
            "docker.io".to_string()
        } else {
            host.to_string()
        };
        return Fact::known(Image::External { registry }, at);
    }
    // No registry host: Docker Hub (`nginx`, `library/nginx`, `user/app`).
    Fact::known(
        Image::External {
            registry: "docker.io".into(),
        },
        at,
    )
}

fn with_ptc(img: Image, ptc: &[(String, NodeId)]) -> Image {
    let Image::Ecr(ecr) = img else { return img };
    if let Some(repo) = ecr.repository.as_str() {
        for (prefix, rule) in ptc {
            if !prefix.is_empty() && repo.starts_with(&format!("{prefix}/")) {
                return Image::EcrPullThroughCache {
                    ecr,
                    prefix: prefix.clone(),
                    rule: *rule,
                };
            }
        }
    }
    Image::Ecr(ecr)
}

/// Why a hole is not known, in words.
pub(crate) fn hole_reason(v: &Value, what: &str) -> String {
    match &v.kind {
        Val::Unknown(r) => format!("{what} is not known: {r}"),
        Val::Ref(r) => {
            let name = if r.attr.is_empty() {
                r.target.clone()
            } else {
                format!("{}.{}", r.target, r.attr)
            };
            format!("{what} comes from `{name}`, whose value is not known")
        }
        Val::Symbol(s) => format!("{what} is {}", s.name()),
        Val::Choice(_) => format!("{what} depends on a condition that cannot be decided"),
        Val::Encoded(_) => format!("{what} is a JSON-encoded value"),
        Val::Template(_) => format!(
            "{what} is `{}`, with parts not known",
            v.render_pattern().unwrap_or_default()
        ),
        _ => format!("{what} is not a string"),
    }
}
