//! The fact vocabulary: what rules may read. Each [`Subject`] is a kind of thing a rule looks at
//! (a task definition, a permission need, a run site, an endpoint as seen from a run site…); an
//! [`Instance`] is one of them with its named facts, taken from the analysis (`TaskFacts`,
//! `NetworkFacts`) without deciding anything: every fact keeps the analysis's Known / Unknown /
//! Absent and its locations. `rules/README.md` documents every name; [`Subject::facts`] is the
//! list the rule loader checks names against.

use std::collections::HashMap;

use crate::analysis::iam::{Decision, TrustDecision};
use crate::analysis::network::{EndpointType, NetworkFacts, RunSite, Service};
use crate::analysis::path;
use crate::analysis::task::{
    Container, Image, Need, PolicyDoc, RoleTarget, SecretRef, SecretStore, SecretUse, TaskFact,
    TaskFacts,
};
use crate::analysis::Fact;
use crate::base::{Span, Value};
use crate::frontends::Format;
use crate::graph::{Graph, Kind, NodeId};

use super::value::{Code, Known, Probe, Tri};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    Task,
    Permission,
    Secret,
    ContainerKey,
    CrossAccount,
    Site,
    EndpointNeed,
    SiteEndpoint,
}

const TASK: &[&str] = &[
    "input.format",
    "task.address",
    "task.fargate",
    "task.needs_execution_role",
    "task.needs",
    "task.execution_role",
    "task.ecr_image",
    "task.non_ecr_image",
    "task.non_ecr_image_value",
    "task.awslogs",
    "task.secretsmanager",
    "task.ssm",
    "role.address",
    "role.in_graph",
    "role.invalid",
    "role.invalid_reason",
    "role.trusted",
    "role.bad_managed_arn",
    "role.bad_managed_arn_value",
    "role.bad_managed_arn_suggestion",
];
const CONTAINER: &[&str] = &["container.name", "container.image", "container.image_class"];
const PERMISSION: &[&str] = &[
    "need.kind",
    "need.actions",
    "need.allowed",
    "need.missing",
    "need.resource",
    "need.resource_scoped",
    "need.source_vpc_condition",
    "need.denied",
    "need.at",
    "need.statements",
    "secret.store",
    "secret.usage",
];
const SECRET: &[&str] = &["secret.usage", "secret.store", "secret.value", "secret.at"];
const KEY: &[&str] = &[
    "key.name",
    "key.suggestion",
    "key.has_suggestion",
    "key.image_pull_behavior",
    "key.at",
];
const CROSS: &[&str] = &[
    "image.account",
    "image.repository",
    "image.cross_account",
    "repository.policy_visible",
    "repository.grants_pull",
];
const SITE: &[&str] = &[
    "site.address",
    "site.fargate",
    "site.subnets",
    "site.security_groups",
    "site.private_only",
    "site.some_private_only",
    "site.public_without_ip",
    "site.internet",
    "site.egress_internet",
    "site.egress_any",
    "site.igw_unrouted",
    "site.internet_gateway",
    "site.route_tables",
    "site.endpoints_usable",
];
const ENDPOINT_NEED: &[&str] = &[
    "need.service",
    "need.why",
    "need.at",
    "endpoint.present",
    "endpoint.s3_gateway",
];
const SITE_ENDPOINT: &[&str] = &[
    "need.service",
    "need.why",
    "endpoint.address",
    "endpoint.service",
    "endpoint.type",
    "endpoint.interface_only_service",
    "endpoint.has_subnets",
    "endpoint.private_dns",
    "endpoint.admits_task",
    "endpoint.task_egress",
    "endpoint.on_task_route_tables",
    "endpoint.missing_route_tables",
    "endpoint.missing_unnamed_main_route_table",
    "vpc.address",
    "vpc.dns_support",
    "vpc.dns_hostnames",
];

impl Subject {
    pub const ALL: &'static [Subject] = &[
        Subject::Task,
        Subject::Permission,
        Subject::Secret,
        Subject::ContainerKey,
        Subject::CrossAccount,
        Subject::Site,
        Subject::EndpointNeed,
        Subject::SiteEndpoint,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Subject::Task => "task",
            Subject::Permission => "permission",
            Subject::Secret => "secret",
            Subject::ContainerKey => "container-key",
            Subject::CrossAccount => "cross-account",
            Subject::Site => "site",
            Subject::EndpointNeed => "endpoint-need",
            Subject::SiteEndpoint => "site-endpoint",
        }
    }

    pub fn parse(s: &str) -> Option<Subject> {
        Subject::ALL.iter().copied().find(|x| x.name() == s)
    }

    fn groups(self) -> &'static [&'static [&'static str]] {
        match self {
            Subject::Task => &[TASK, FIX_TASK],
            Subject::Permission => &[TASK, FIX_TASK, CONTAINER, PERMISSION],
            Subject::Secret => &[TASK, FIX_TASK, CONTAINER, SECRET],
            Subject::ContainerKey => &[TASK, FIX_TASK, &["container.name"], KEY],
            Subject::CrossAccount => &[TASK, FIX_TASK, CONTAINER, CROSS],
            Subject::Site => &[TASK, FIX_TASK, SITE, FIX_SITE],
            Subject::EndpointNeed => &[TASK, FIX_TASK, SITE, FIX_SITE, ENDPOINT_NEED],
            Subject::SiteEndpoint => &[
                TASK,
                FIX_TASK,
                SITE,
                FIX_SITE,
                SITE_ENDPOINT,
                &["fix.endpoint_security_group"],
            ],
        }
    }

    /// Every fact name an instance of this subject has.
    pub fn facts(self) -> Vec<&'static str> {
        self.groups()
            .iter()
            .flat_map(|g| g.iter().copied())
            .collect()
    }

    pub fn has_fact(self, name: &str) -> bool {
        self.groups().iter().any(|g| g.contains(&name))
    }
}

/// One subject instance with its facts.
#[derive(Clone, Debug)]
pub struct Instance {
    pub subject: Subject,
    /// The task definition it is about (for `--explain-unknown`, grouped per task).
    pub task: String,
    /// The resource a finding names, and where it is.
    pub resource: String,
    pub span: Span,
    facts: Vec<(&'static str, Probe)>,
    /// Set when the instance stands for members that are not known (the needs, secrets and keys
    /// of a task whose container definitions cannot be read), with the reason: its facts are
    /// unknown, and it never gives a finding, only unverified checks.
    pub stand_in: Option<String>,
}

impl Instance {
    /// Every fact, by name, the last value of a name winning.
    pub fn facts(&self) -> Vec<(&'static str, &Probe)> {
        let mut out: Vec<(&'static str, &Probe)> = Vec::new();
        for (n, p) in &self.facts {
            match out.iter_mut().find(|(m, _)| m == n) {
                Some(e) => e.1 = p,
                None => out.push((n, p)),
            }
        }
        out
    }
    pub fn get(&self, name: &str) -> Option<&Probe> {
        self.facts
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p)
    }
    fn set(&mut self, name: &'static str, p: Probe) {
        debug_assert!(self.subject.has_fact(name), "{name} on {:?}", self.subject);
        self.facts.push((name, p));
    }
}

/// A value as messages show it (references and constants as `${…}`).
fn pattern(v: &Value) -> String {
    v.render_display().unwrap_or_else(|| "⟨?⟩".into())
}

fn format_name(f: Option<Format>) -> &'static str {
    match f {
        Some(Format::Plan) => "plan",
        Some(Format::CloudFormation) => "cloudformation",
        Some(Format::TaskDefinition) => "task-definition",
        _ => "terraform",
    }
}

fn image_class(i: &Image) -> &'static str {
    match i {
        Image::Ecr(_) => "ecr",
        Image::EcrDualStack(_) => "ecr-dualstack",
        Image::EcrPullThroughCache { .. } => "ecr-ptc",
        Image::EcrPublic { .. } => "ecr-public",
        Image::External { .. } => "external",
    }
}

fn image_text(g: &Graph, t: &TaskFact, c: &Container) -> String {
    g.node(t.node)
        .field(&format!("{}.image", c.path))
        .map(pattern)
        .unwrap_or_else(|| "⟨?⟩".into())
}

fn cites_at(d: &Decision, label: impl Fn(&Decision) -> String) -> Vec<(Span, Option<String>)> {
    d.cites()
        .into_iter()
        .filter_map(|c| c.best_span().map(|s| (s, Some(label(d)))))
        .collect()
}

/// Builds every instance of every subject of one graph.
pub fn instances(g: &Graph, tasks: &TaskFacts, net: &NetworkFacts) -> Vec<Instance> {
    let sites = Sites::new(net);
    (tasks.tasks.iter())
        .flat_map(|t| task_instances(g, t, net, &sites))
        .collect()
}

/// The run sites of a unit by node, for [`task_instances`].
pub struct Sites<'a>(HashMap<NodeId, &'a RunSite>);

impl<'a> Sites<'a> {
    pub fn new(net: &'a NetworkFacts) -> Sites<'a> {
        Sites(net.sites.iter().map(|s| (s.node, s)).collect())
    }
}

/// The instances about one task definition, in the order [`instances`] gives them: the rules
/// stage makes them one task at a time, so that a unit of thousands of services never holds
/// them all.
pub fn task_instances(g: &Graph, t: &TaskFact, net: &NetworkFacts, sites: &Sites) -> Vec<Instance> {
    let mut out = Vec::new();
    let base = task_facts(g, t);
    let new = |subject: Subject, resource: &str, span: Span| Instance {
        subject,
        task: t.address.clone(),
        resource: resource.to_string(),
        span,
        facts: base.clone(),
        stand_in: None,
    };
    out.push(new(Subject::Task, &t.address, t.span));
    // Container definitions that cannot be read hide what the task needs: one stand-in per
    // subject that lives in them, all its own facts unknown, so that every check on them is
    // listed as unverified (with the reason) rather than silently absent.
    if let Fact::Unknown { reason, at } = &t.container_definitions {
        let reason = format!("the container definitions are not known: {reason}");
        for (subject, own) in [
            (Subject::Permission, PERMISSION),
            (Subject::Secret, SECRET),
            (Subject::ContainerKey, KEY),
        ] {
            let mut i = new(subject, &t.address, t.span);
            for name in CONTAINER.iter().chain(own) {
                if subject.has_fact(name) {
                    i.set(name, Probe::unknown(reason.clone(), *at));
                }
            }
            i.stand_in = Some(reason.clone());
            out.push(i);
        }
    }
    permission_instances(g, t, &new, &mut out);
    for c in &t.containers {
        let cfacts = container_facts(g, t, c);
        for s in c.secrets.iter().chain(c.repository_credentials.iter()) {
            let mut i = new(Subject::Secret, &t.address, t.span);
            i.facts.extend(cfacts.iter().cloned());
            secret_facts(&mut i, s);
            i.set("secret.value", Probe::str(pattern(&s.value), s.value.span));
            i.set("secret.at", Probe::loc(s.value.span));
            out.push(i);
        }
        for k in &c.unknown_keys {
            let mut i = new(Subject::ContainerKey, &t.address, t.span);
            i.set("container.name", cfacts[0].1.clone());
            i.set("key.name", Probe::str(&k.written, k.span));
            // CloudFormation spells the keys in PascalCase (`Secrets`), JSON in camelCase.
            let spelled = |s: &str| {
                if g.format == Some(Format::CloudFormation) {
                    let mut c = s.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                } else {
                    s.to_string()
                }
            };
            i.set(
                "key.suggestion",
                match k.suggestion {
                    Some(s) => Probe::str(spelled(s), k.span),
                    None => Probe::absent(),
                },
            );
            i.set(
                "key.has_suggestion",
                Probe::bool(k.suggestion.is_some(), k.span),
            );
            i.set(
                "key.image_pull_behavior",
                Probe::bool(k.image_pull_behavior, k.span),
            );
            i.set("key.at", Probe::loc(k.span));
            out.push(i);
        }
    }
    for x in &t.cross_account {
        let Some(c) = t.containers.get(x.container) else {
            continue;
        };
        let mut i = new(Subject::CrossAccount, &t.address, t.span);
        i.facts.extend(container_facts(g, t, c));
        let at = c.image.clone().map(|_| ());
        let img_at = match &at {
            Fact::Known { at, .. } | Fact::Unknown { at, .. } => *at,
            Fact::Absent => None,
        };
        i.set("image.account", Probe::str(pattern(&x.account), img_at));
        let repo = c
            .image
            .value()
            .and_then(|im| im.ecr())
            .map(|e| pattern(&e.repository))
            .unwrap_or_else(|| "⟨?⟩".into());
        i.set("image.repository", Probe::str(repo, img_at));
        i.set("image.cross_account", Probe::from_bool(&x.cross));
        match &x.repository_policy {
            Some((node, pull)) => {
                let at = Some(g.node(*node).span);
                i.set("repository.policy_visible", Probe::bool(true, at));
                let d = pull.overall();
                let mut p = Probe::from_bool(&x.grants_pull);
                p.at.extend(cites_at(&d, |_| "the repository policy".into()));
                i.set("repository.grants_pull", p);
            }
            None => {
                i.set("repository.policy_visible", Probe::bool(false, img_at));
                i.set("repository.grants_pull", Probe::absent());
            }
        }
        out.push(i);
    }
    for rs in &t.run_sites {
        let Some(site) = sites.0.get(&rs.node) else {
            continue;
        };
        site_instances(g, net, t, rs, site, &new, &mut out);
    }
    out
}

fn task_facts(g: &Graph, t: &TaskFact) -> Vec<(&'static str, Probe)> {
    let mut f: Vec<(&'static str, Probe)> = Vec::new();
    f.push(("input.format", Probe::str(format_name(g.format), None)));
    f.push(("task.address", Probe::str(&t.address, Some(t.span))));
    f.push(("task.fargate", Probe::from_bool(&t.fargate)));
    // What needs an execution role.
    let mut needs: Vec<(String, Option<Span>)> = Vec::new();
    let mut unknown: Option<(String, Option<Span>)> = None;
    if let Fact::Unknown { reason, at } = &t.container_definitions {
        unknown = Some((format!("the container definitions: {reason}"), *at));
    }
    for c in &t.containers {
        match &c.image {
            Fact::Known { value, at } if value.ecr().is_some() => {
                needs.push((format!("the ECR image `{}`", image_text(g, t, c)), *at));
            }
            Fact::Unknown { reason, at } => {
                unknown.get_or_insert((format!("the image: {reason}"), *at));
            }
            _ => {}
        }
        if c.uses_awslogs() {
            let at = c.awslogs.as_ref().and_then(|a| a.driver_span);
            needs.push(("the awslogs log driver".into(), at.or(c.span)));
        }
        if let Some(s) = c.secrets.first() {
            needs.push(("container secrets".into(), s.value.span));
        }
        if let Some(s) = &c.repository_credentials {
            needs.push(("private registry credentials".into(), s.value.span));
        }
        if !c.environment_files.is_empty() {
            needs.push((
                "environment files".into(),
                c.environment_files[0].value.span,
            ));
        }
    }
    let first = needs.first().and_then(|n| n.1);
    f.push((
        "task.needs",
        Probe::new(
            Known::List(needs.iter().map(|n| n.0.clone()).collect()),
            first,
        ),
    ));
    f.push((
        "task.needs_execution_role",
        match (needs.is_empty(), unknown) {
            (false, _) => Probe::bool(true, first),
            (true, Some((r, at))) => Probe::unknown(r, at),
            (true, None) => Probe::bool(false, Some(t.span)),
        },
    ));
    f.extend(image_facts(g, t));
    let role = &t.execution_role;
    f.push((
        "task.execution_role",
        match &role.target {
            Fact::Absent => Probe::bool(false, Some(t.span)),
            Fact::Known { at, .. } | Fact::Unknown { at, .. } => {
                Probe::bool(true, at.or(Some(t.span)))
            }
        },
    ));
    let (address, in_graph) = match &role.target {
        Fact::Known { value, at } => match value {
            RoleTarget::Node(n) => (
                Probe::str(&g.node(*n).address, Some(g.node(*n).span)),
                Probe::bool(true, Some(g.node(*n).span)),
            ),
            RoleTarget::External(v) => (Probe::str(pattern(v), *at), Probe::bool(false, *at)),
            RoleTarget::Invalid { value, .. } => {
                (Probe::str(pattern(value), *at), Probe::bool(false, *at))
            }
        },
        Fact::Unknown { reason, at } => (
            Probe::unknown(reason.to_string(), *at),
            Probe::unknown(reason.to_string(), *at),
        ),
        Fact::Absent => (Probe::absent(), Probe::absent()),
    };
    f.push(("role.address", address));
    f.extend(fix_task_values(g, t));
    f.push(("role.in_graph", in_graph));
    let (invalid, invalid_reason) = match &role.target {
        Fact::Known {
            value: RoleTarget::Invalid { value, reason },
            at,
        } => (
            Probe::bool(true, value.span.or(*at)),
            Probe::str(reason, value.span.or(*at)),
        ),
        Fact::Known { at, .. } => (Probe::bool(false, *at), Probe::absent()),
        Fact::Unknown { reason, at } => (Probe::unknown(reason.to_string(), *at), Probe::absent()),
        Fact::Absent => (Probe::absent(), Probe::absent()),
    };
    f.push(("role.invalid", invalid));
    f.push(("role.invalid_reason", invalid_reason));
    let role_span = match &role.target {
        Fact::Known {
            value: RoleTarget::Node(n),
            ..
        } => Some(g.node(*n).span),
        _ => None,
    };
    f.push((
        "role.trusted",
        match &role.trust {
            Fact::Known { value, at } => {
                let at = at.or(role_span);
                match value {
                    TrustDecision::Trusted { by }
                    | TrustDecision::TrustedUnderConditions { by, .. } => {
                        let mut p = Probe::bool(true, at);
                        p.at.extend(by.iter().filter_map(|c| c.best_span().map(|s| (s, None))));
                        p
                    }
                    TrustDecision::Denied { by } => {
                        let mut p = Probe::bool(false, at);
                        p.at.extend(by.iter().filter_map(|c| {
                            c.best_span()
                                .map(|s| (s, Some("denies `sts:AssumeRole` to ECS tasks".into())))
                        }));
                        p
                    }
                    TrustDecision::NotTrusted { near } => {
                        let mut p = Probe::bool(false, at);
                        p.at.extend(near.iter().filter_map(|c| {
                            c.best_span().map(|s| {
                                (
                                    s,
                                    Some(
                                        "trusts another principal, not `ecs-tasks.amazonaws.com`"
                                            .into(),
                                    ),
                                )
                            })
                        }));
                        p
                    }
                    TrustDecision::Unknown(u) => Probe::unknown(u.to_string(), at),
                }
            }
            Fact::Unknown { reason, at } => Probe::unknown(reason.to_string(), *at),
            Fact::Absent => Probe::absent(),
        },
    ));
    let bad = role.policies.iter().find_map(|p| match &p.document {
        PolicyDoc::Misspelt { arn, suggestion } => Some((p, arn, suggestion)),
        _ => None,
    });
    let (b, bv, bs) = match (&role.target, bad) {
        (_, Some((p, arn, suggestion))) => {
            let at = arn.span.or(p.origin);
            (
                Probe::bool(true, at),
                Probe::str(pattern(arn), at),
                Probe::str(suggestion, at),
            )
        }
        (
            Fact::Known {
                value: RoleTarget::Node(_),
                ..
            },
            None,
        ) => (
            Probe::bool(false, role_span),
            Probe::absent(),
            Probe::absent(),
        ),
        (Fact::Absent, None) => (Probe::absent(), Probe::absent(), Probe::absent()),
        (_, None) => (
            Probe::unknown("the execution role is not defined here", role_span),
            Probe::absent(),
            Probe::absent(),
        ),
    };
    f.push(("role.bad_managed_arn", b));
    f.push(("role.bad_managed_arn_value", bv));
    f.push(("role.bad_managed_arn_suggestion", bs));
    f
}

/// What the images of a task are: any from ECR (through the ECR endpoints), any from a registry
/// Why a fact is not known, and where.
type Why = (String, Option<Span>);

/// Where the task's images come from (see [`crate::analysis::task::ImageUse`]) and what else its
/// containers use.
fn image_facts(g: &Graph, t: &TaskFact) -> Vec<(&'static str, Probe)> {
    let images = t.image_use();
    let non_ecr_value = images
        .internet_only_container
        .and_then(|i| t.containers.get(i))
        .map(|c| image_text(g, t, c));
    let non_ecr_at = match &images.internet_only {
        Fact::Known { at, .. } => *at,
        _ => None,
    };
    // Known true where a container uses it; unknown when some container's setting is not known
    // (a log driver or a secret store from a variable); else known false.
    let uses = |what: &dyn Fn(&Container) -> Option<Option<Span>>,
                unsure: &dyn Fn(&Container) -> Option<Why>| {
        match t.containers.iter().find_map(what) {
            Some(at) => Probe::bool(true, at),
            None => match (
                &t.container_definitions,
                t.containers.iter().find_map(unsure),
            ) {
                (Fact::Unknown { reason, at }, _) => Probe::unknown(reason.to_string(), *at),
                (_, Some((reason, at))) => Probe::unknown(reason, at),
                _ => Probe::bool(false, Some(t.span)),
            },
        }
    };
    let driver_unsure = |c: &Container| {
        c.log_driver
            .as_ref()
            .filter(|v| v.as_str().is_none())
            .map(|v| ("the log driver is not known".to_string(), v.span))
    };
    let store_unsure = |c: &Container| {
        c.secrets
            .iter()
            .chain(c.repository_credentials.iter())
            .find_map(|s| match &s.store {
                Fact::Unknown { reason, at } => Some((reason.to_string(), *at)),
                _ => None,
            })
    };
    let store = |c: &Container, st: SecretStore| {
        c.secrets
            .iter()
            .chain(c.repository_credentials.iter())
            .find(|s| {
                s.store.value() == Some(&st)
                    || (st == SecretStore::SecretsManager && s.secrets_manager_reference.is_some())
            })
            .map(|s| s.value.span)
    };
    vec![
        ("task.ecr_image", Probe::from_bool(&images.ecr)),
        (
            "task.non_ecr_image",
            Probe::from_bool(&images.internet_only),
        ),
        (
            "task.non_ecr_image_value",
            match non_ecr_value {
                Some(v) => Probe::str(v, non_ecr_at),
                None => Probe::absent(),
            },
        ),
        (
            "task.awslogs",
            uses(
                &|c| {
                    c.uses_awslogs()
                        .then(|| c.awslogs.as_ref().and_then(|a| a.driver_span).or(c.span))
                },
                &driver_unsure,
            ),
        ),
        (
            "task.secretsmanager",
            uses(&|c| store(c, SecretStore::SecretsManager), &store_unsure),
        ),
        (
            "task.ssm",
            uses(&|c| store(c, SecretStore::Ssm), &store_unsure),
        ),
    ]
}

fn container_facts(g: &Graph, t: &TaskFact, c: &Container) -> Vec<(&'static str, Probe)> {
    let name = c
        .name
        .clone()
        .unwrap_or_else(|| format!("#{}", c.index + 1));
    vec![
        ("container.name", Probe::str(name, c.span)),
        (
            "container.image",
            Probe::from_fact(&c.image, |_| Known::Str(image_text(g, t, c))),
        ),
        (
            "container.image_class",
            Probe::from_fact(&c.image, |i| Known::Str(image_class(i).into())),
        ),
    ]
}

fn secret_ref<'a>(c: &'a Container, path: &str) -> Option<&'a SecretRef> {
    c.secrets
        .iter()
        .chain(c.repository_credentials.iter())
        .find(|s| s.path == path)
}

fn secret_facts(i: &mut Instance, s: &SecretRef) {
    i.set(
        "secret.store",
        Probe::from_fact(&s.store, |st| {
            Known::Str(
                match st {
                    SecretStore::SecretsManager => "secretsmanager",
                    SecretStore::Ssm => "ssm",
                }
                .into(),
            )
        }),
    );
    let usage = match s.usage {
        SecretUse::Env => "env",
        SecretUse::LogOption => "log-option",
        SecretUse::RegistryCredentials => "registry-credentials",
    };
    i.set("secret.usage", Probe::str(usage, s.value.span));
}

fn need_kind(n: &Need) -> &'static str {
    match n {
        Need::EcrAuth => "ecr-auth",
        Need::EcrPull { .. } => "ecr-pull",
        Need::PullThroughCache { .. } => "ptc-import",
        Need::LogWrite { .. } => "log-write",
        Need::LogCreateGroup { .. } => "log-create-group",
        Need::Secret { .. } => "secret",
        Need::SecretReference { .. } => "secret-reference",
        Need::KmsDecrypt { .. } => "kms-decrypt",
        Need::EnvFile { .. } => "env-file",
    }
}

fn need_container(n: &Need) -> Option<(usize, Option<&str>)> {
    match n {
        Need::EcrAuth => None,
        Need::EcrPull { container }
        | Need::PullThroughCache { container }
        | Need::LogWrite { container }
        | Need::LogCreateGroup { container } => Some((*container, None)),
        Need::Secret { container, path }
        | Need::SecretReference { container, path }
        | Need::KmsDecrypt { container, path }
        | Need::EnvFile { container, path } => Some((*container, Some(path.as_str()))),
    }
}

fn permission_instances(
    g: &Graph,
    t: &TaskFact,
    new: &dyn Fn(Subject, &str, Span) -> Instance,
    out: &mut Vec<Instance>,
) {
    // Group the permissions by need, in order.
    let mut groups: Vec<(&Need, Vec<&crate::analysis::task::Permission>)> = Vec::new();
    for p in &t.permissions {
        match groups.iter_mut().find(|(n, _)| *n == &p.need) {
            Some((_, v)) => v.push(p),
            None => groups.push((&p.need, vec![p])),
        }
    }
    for (need, perms) in groups {
        // An ECR need is real only for an image known to be in ECR (dual-stack URIs included):
        // with an image that is not known, a refusal proves nothing (it may be `nginx`).
        let in_ecr = |c: &Container| match &c.image {
            Fact::Known { value, at } => Fact::known(value.ecr().is_some(), *at),
            Fact::Unknown { reason, at } => {
                Fact::unknown(format!("the image is not known: {reason}"), *at)
            }
            Fact::Absent => Fact::known(false, None),
        };
        let required = match need {
            Need::EcrAuth => Fact::any(t.containers.iter().map(in_ecr)),
            Need::EcrPull { container } | Need::PullThroughCache { container } => t
                .containers
                .get(*container)
                .map(in_ecr)
                .unwrap_or(Fact::known(false, None)),
            _ => Fact::known(true, None),
        };
        if required.value() == Some(&false) {
            continue;
        }
        let mut i = new(Subject::Permission, &t.address, t.span);
        if let Some((ci, path)) = need_container(need) {
            if let Some(c) = t.containers.get(ci) {
                i.facts.extend(container_facts(g, t, c));
                if let Some(s) = path.and_then(|p| secret_ref(c, p)) {
                    secret_facts(&mut i, s);
                }
            }
        }
        let at = perms.iter().find_map(|p| p.at);
        i.set("need.kind", Probe::str(need_kind(need), at));
        i.set(
            "need.actions",
            Probe::new(
                Known::List(perms.iter().map(|p| p.action.to_string()).collect()),
                at,
            ),
        );
        i.set("need.resource", Probe::str(pattern(&perms[0].resource), at));
        i.set("need.at", Probe::loc(at));
        let mut missing = Vec::new();
        let mut statements = Vec::new();
        let mut verdicts = Vec::new();
        let mut scoped: Vec<(Span, Option<String>)> = Vec::new();
        let mut denied: Vec<(Span, Option<String>)> = Vec::new();
        let mut source_vpc: Vec<(Span, Option<String>)> = Vec::new();
        let mut all_decided = true;
        let mut first_unknown: Option<String> = None;
        for p in &perms {
            match &p.decision {
                Fact::Known { value: d, .. } => match d {
                    Decision::Allowed { .. } => verdicts.push(Tri::True),
                    Decision::Denied { by } => {
                        missing.push(p.action.to_string());
                        verdicts.push(Tri::False);
                        for c in by {
                            if let Some(s) = c.best_span() {
                                let l = Some(format!("denies `{}`", p.action));
                                denied.push((s, l.clone()));
                                statements.push((s, l));
                            }
                        }
                    }
                    Decision::NotAllowed { near } => {
                        missing.push(p.action.to_string());
                        verdicts.push(Tri::False);
                        for c in near {
                            if let Some(s) = c.best_span() {
                                let l = Some(format!(
                                    "allows `{}`, but not on `{}`",
                                    p.action,
                                    pattern(&p.resource)
                                ));
                                scoped.push((s, l.clone()));
                                statements.push((s, l));
                            }
                        }
                    }
                    Decision::Unknown(u) => {
                        all_decided = false;
                        first_unknown.get_or_insert_with(|| u.to_string());
                        verdicts.push(Tri::Unknown(u.to_string()));
                        let vpc = u.conditions().any(|k| {
                            k.key.eq_ignore_ascii_case("aws:SourceVpc")
                                || k.key.eq_ignore_ascii_case("aws:SourceVpce")
                        });
                        if vpc {
                            for d in &u.doubts {
                                if let Some(s) = d.cite.best_span() {
                                    let l = Some(d.why.to_string());
                                    source_vpc.push((s, l.clone()));
                                    statements.push((s, l));
                                }
                            }
                        }
                    }
                },
                Fact::Unknown { reason, .. } => {
                    all_decided = false;
                    first_unknown.get_or_insert_with(|| reason.to_string());
                    verdicts.push(Tri::Unknown(reason.to_string()));
                }
                Fact::Absent => {
                    all_decided = false;
                    verdicts.push(Tri::Unknown("not evaluated".into()));
                }
            }
        }
        // One statement refusing several actions: one label naming them all.
        let statements = merge_labels(statements);
        let scoped = merge_labels(scoped);
        let denied = merge_labels(denied);
        let allowed = Tri::all(verdicts);
        let mut ap = Probe::from_tri(allowed, at);
        ap.at.extend(statements.iter().cloned());
        i.set("need.allowed", ap);
        i.set("need.missing", Probe::new(Known::List(missing), at));
        let flag = |spans: Vec<(Span, Option<String>)>, decided: bool| {
            if !spans.is_empty() {
                Probe {
                    value: Known::Bool(true),
                    at: spans,
                }
            } else if decided {
                Probe::bool(false, at)
            } else {
                Probe::unknown(
                    first_unknown
                        .clone()
                        .unwrap_or_else(|| "not every action is decided".into()),
                    at,
                )
            }
        };
        i.set("need.resource_scoped", flag(scoped, all_decided));
        i.set("need.denied", flag(denied, all_decided));
        i.set("need.source_vpc_condition", flag(source_vpc, true));
        i.set(
            "need.statements",
            if statements.is_empty() {
                Probe::absent()
            } else {
                Probe {
                    value: Known::Loc,
                    at: statements,
                }
            },
        );
        if let Fact::Unknown { reason, .. } = required {
            let reason = reason.to_string();
            for name in [
                "need.allowed",
                "need.resource_scoped",
                "need.denied",
                "need.source_vpc_condition",
            ] {
                i.set(name, Probe::unknown(reason.clone(), at));
            }
        }
        out.push(i);
    }
}

/// Merges labels on the same place: "allows `a`, but not on `r`" and "allows `b`, but not on `r`"
/// become "allows `a`, `b`, but not on `r`" (labels differing only in the first backquoted
/// action are joined; others are kept apart).
fn merge_labels(items: Vec<(Span, Option<String>)>) -> Vec<(Span, Option<String>)> {
    let mut out: Vec<(Span, Option<String>)> = Vec::new();
    for (span, label) in items {
        match out.iter_mut().find(|(s, _)| *s == span) {
            Some((_, Some(prev))) => {
                if let Some(l) = &label {
                    let split = |x: &str| -> Option<(String, String, String)> {
                        let a = x.find('`')?;
                        let b = a + 1 + x[a + 1..].find('`')?;
                        Some((x[..a].into(), x[a..=b].into(), x[b + 1..].into()))
                    };
                    match (split(prev), split(l)) {
                        (Some((p1, acts, p3)), Some((q1, act, q3))) if p1 == q1 && p3 == q3 => {
                            if !acts.contains(&act) {
                                *prev = format!("{p1}{acts}, {act}{p3}");
                            }
                        }
                        _ => {
                            if !prev.contains(l.as_str()) {
                                *prev = format!("{prev}; {l}");
                            }
                        }
                    }
                }
            }
            Some((_, None)) => {}
            None => out.push((span, label)),
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn site_instances(
    g: &Graph,
    net: &NetworkFacts,
    t: &TaskFact,
    rs: &crate::analysis::task::RunSite,
    site: &RunSite,
    new: &dyn Fn(Subject, &str, Span) -> Instance,
    out: &mut Vec<Instance>,
) {
    let sn = g.node(site.node);
    let mut base = new(Subject::Site, &sn.address, sn.span);
    base.set("site.address", Probe::str(&sn.address, Some(sn.span)));
    // Not the task's own `requires_compatibilities`: a task compatible with EC2 and FARGATE may
    // run on EC2 here (the analysis already decides FARGATE-only tasks).
    base.set("site.fargate", Probe::from_bool(&rs.fargate));
    let path = path::site(g, net, t, rs, site);
    let subnets_at = match &site.subnets {
        Fact::Known { at, .. } | Fact::Unknown { at, .. } => at.or(Some(sn.span)),
        Fact::Absent => Some(sn.span),
    };
    base.set(
        "site.subnets",
        Probe::from_fact(&site.subnets, |_| Known::Loc),
    );
    base.set(
        "site.security_groups",
        Probe::from_fact(&site.security_groups, |_| Known::Loc),
    );
    base.set("site.private_only", Probe::from_bool(&site.private_only));
    for (name, p) in fix_site_values(g, site) {
        base.set(name, p);
    }
    let at_least = |f: &Fact<bool>, at: Option<Span>| {
        let mut p = Probe::from_bool(f);
        if p.at.is_empty() {
            p.at.extend(at.map(|s| (s, None)));
        }
        p
    };
    base.set(
        "site.some_private_only",
        at_least(&path.some_private_only, subnets_at),
    );
    let ip_at = match &site.public_ip {
        Fact::Known { at, .. } | Fact::Unknown { at, .. } => *at,
        Fact::Absent => None,
    };
    // Where the public IP is (not) asked for, and the subnets it is about.
    let mut pw = Probe::from_bool(&path.public_without_ip);
    pw.at = ip_at
        .or(subnets_at)
        .map(|s| (s, None))
        .into_iter()
        .collect();
    if ip_at.is_some() && !site.public_ip_default {
        pw.at.push((subnets_at.unwrap_or(sn.span), None));
    }
    base.set("site.public_without_ip", pw);
    base.set("site.internet", at_least(&path.internet, subnets_at));
    let sg_at = match &site.security_groups {
        Fact::Known { at, .. } | Fact::Unknown { at, .. } => *at,
        Fact::Absent => None,
    };
    base.set(
        "site.egress_internet",
        at_least(&site.egress_internet, sg_at),
    );
    base.set("site.egress_any", at_least(&site.egress_any, sg_at));
    // The task subnets' route tables (a VPC stands for its main route table), where the
    // internet route is missing: the location of site.igw_unrouted.
    let mut rts: Vec<(String, Option<Span>)> = Vec::new();
    if let Fact::Known { value, .. } = &site.subnets {
        for s in value {
            if let Some(&rt) = s.route_table.value() {
                let n = g.node(rt);
                let name = match n.kind {
                    Kind::Vpc => format!("the main route table of {}", n.address),
                    _ => n.address.clone(),
                };
                if !rts.iter().any(|(x, _)| *x == name) {
                    rts.push((name, Some(n.span)));
                }
            }
        }
    }
    let mut iu = at_least(&site.igw_unrouted, subnets_at);
    if site.igw_unrouted.value() == Some(&true) {
        iu.at = rts
            .iter()
            .map(|(_, at)| (at.unwrap_or(sn.span), None))
            .collect();
    }
    base.set("site.igw_unrouted", iu);
    base.set(
        "site.internet_gateway",
        match site.unrouted_igw {
            Some(i) => Probe::str(&g.node(i).address, Some(g.node(i).span)),
            None => Probe::absent(),
        },
    );
    base.set(
        "site.route_tables",
        Probe::new(
            Known::List(rts.iter().map(|(x, _)| x.clone()).collect()),
            rts.first().and_then(|(_, at)| *at),
        ),
    );
    base.set(
        "site.endpoints_usable",
        at_least(&path.endpoints_usable, subnets_at),
    );

    for c in path.coverage {
        let n = &c.need;
        let mut i = base.clone();
        i.subject = Subject::EndpointNeed;
        i.set("need.service", Probe::str(n.service.name(), n.at));
        i.set("need.why", Probe::str(&n.why, n.at));
        i.set("need.at", Probe::loc(n.at));
        i.set("endpoint.s3_gateway", at_least(&c.s3_gateway, subnets_at));
        i.set("endpoint.present", Probe::from_bool(&c.present));
        out.push(i);
        for (se, ep) in c.candidates {
            let en = g.node(ep.node);
            let mut i = base.clone();
            i.subject = Subject::SiteEndpoint;
            i.resource = en.address.clone();
            i.span = en.span;
            i.set("need.service", Probe::str(n.service.name(), n.at));
            i.set("need.why", Probe::str(&n.why, n.at));
            i.set("endpoint.address", Probe::str(&en.address, Some(en.span)));
            i.set(
                "endpoint.service",
                Probe::str(n.service.name(), Some(en.span)),
            );
            i.set(
                "endpoint.type",
                Probe::from_fact(&ep.endpoint_type, |t| {
                    Known::Str(match t {
                        EndpointType::Interface => "Interface".into(),
                        EndpointType::Gateway => "Gateway".into(),
                        EndpointType::Other(s) => s.clone(),
                    })
                }),
            );
            i.set(
                "endpoint.interface_only_service",
                Probe::bool(n.service != Service::S3, Some(en.span)),
            );
            let interface = ep.endpoint_type.value() == Some(&EndpointType::Interface);
            i.set(
                "endpoint.has_subnets",
                if interface {
                    Probe::from_fact(&ep.subnets, |s| Known::Bool(!s.is_empty()))
                } else {
                    Probe::absent()
                },
            );
            let gateway = ep.endpoint_type.value() == Some(&EndpointType::Gateway);
            // Facts of one endpoint type are Absent on the other: no check applies.
            let only = |yes: bool, p: Probe| if yes { p } else { Probe::absent() };
            i.set(
                "endpoint.private_dns",
                only(interface, Probe::from_bool(&ep.private_dns)),
            );
            i.set(
                "endpoint.admits_task",
                only(interface, Probe::from_bool(&se.admits_task)),
            );
            let mut te = Probe::from_bool(&se.task_egress);
            te.at
                .extend(sg_at.map(|s| (s, Some("the task's security groups".to_string()))));
            i.set("endpoint.task_egress", te);
            i.set(
                "endpoint.on_task_route_tables",
                only(gateway, Probe::from_bool(&se.on_task_route_tables)),
            );
            // CloudFormation: one of the missing tables is the main route table AWS creates for
            // a VPC of the template (the VPC node stands for it), which a template cannot name
            // (`AWS::EC2::VPC` has no attribute for it). Terraform can
            // (`aws_vpc.<name>.main_route_table_id`).
            let cfn = g.format == Some(Format::CloudFormation);
            let missing_main = match (&site.subnets, &ep.route_tables) {
                (Fact::Known { value: subs, .. }, Fact::Known { value: rts, .. }) => Probe::bool(
                    cfn && subs
                        .iter()
                        .filter_map(|s| s.route_table.value().copied())
                        .any(|rt| !rts.contains(&rt) && g.node(rt).kind == Kind::Vpc),
                    Some(en.span),
                ),
                (Fact::Unknown { reason, .. }, _) | (_, Fact::Unknown { reason, .. }) => {
                    Probe::unknown(reason.to_string(), None)
                }
                _ => Probe::unknown(
                    "the task subnets or the endpoint's route tables are not known",
                    None,
                ),
            };
            i.set(
                "endpoint.missing_unnamed_main_route_table",
                only(gateway, missing_main),
            );
            let missing: Vec<String> = match (&site.subnets, &ep.route_tables) {
                (Fact::Known { value: subs, .. }, Fact::Known { value: rts, .. }) => {
                    let mut m: Vec<String> = subs
                        .iter()
                        .filter_map(|s| s.route_table.value().copied())
                        .filter(|rt| !rts.contains(rt))
                        .map(|rt| match g.node(rt).kind {
                            // A VPC stands for its main route table.
                            Kind::Vpc => format!("the main route table of {}", g.node(rt).address),
                            _ => g.node(rt).address.clone(),
                        })
                        .collect();
                    m.dedup();
                    m
                }
                _ => Vec::new(),
            };
            i.set(
                "endpoint.missing_route_tables",
                if gateway {
                    Probe::new(Known::List(missing), Some(en.span))
                } else {
                    Probe::absent()
                },
            );
            match &ep.vpc {
                Fact::Known { value, .. } => {
                    let v = g.node(*value);
                    i.set("vpc.address", Probe::str(&v.address, Some(v.span)));
                }
                other => i.set("vpc.address", Probe::from_fact(other, |_| Known::Loc)),
            }
            i.set(
                "fix.endpoint_security_group",
                fix_group(g, &ep.security_groups),
            );
            i.set("vpc.dns_support", Probe::from_bool(&ep.vpc_dns_support));
            i.set("vpc.dns_hostnames", Probe::from_bool(&ep.vpc_dns_hostnames));
            // An endpoint that may not be in the task VPC, or may not be created, proves
            // nothing about the task's path: its facts are unknown for this site.
            let doubt = match path::serves_site(g, se, ep) {
                Fact::Known { value: true, .. } => None,
                Fact::Unknown { reason, .. } => Some(reason.to_string()),
                _ => Some(format!("`{}` may not serve the task", en.address)),
            };
            if let Some(reason) = doubt {
                for (name, p) in i.facts.iter_mut() {
                    let naming = matches!(
                        *name,
                        "endpoint.address" | "endpoint.service" | "vpc.address"
                    );
                    if (name.starts_with("endpoint.") || name.starts_with("vpc."))
                        && !naming
                        && p.value != Known::Absent
                    {
                        p.value = Known::Unknown(reason.clone());
                    }
                }
            }
            out.push(i);
        }
    }
    out.push(base);
}

// ---------------------------------------------------------------------------------------------
// Fix values: what the analysis knows, in the user's own names, for `help` and `fix` templates.
// A value is a list of [`Code`] items, written in the fix's language when the template is
// expanded (`aws_vpc.main.id`, `!Ref VPC`, `{ "Ref": "VPC" }`); a clearly marked placeholder
// (`<your VPC id>`) stands where nothing is known.

const FIX_TASK: &[&str] = &["fix.role", "fix.role_name", "fix.region"];
const FIX_SITE: &[&str] = &[
    "fix.vpc",
    "fix.subnets",
    "fix.security_groups",
    "fix.security_group",
    "fix.route_tables",
    "fix.private_route_table",
    "fix.private_route_tables",
];

fn code(items: Vec<Code>, list: bool, at: Option<Span>) -> Probe {
    Probe::new(Known::Code(items, list), at)
}

fn node_ref(g: &Graph, n: NodeId, attr: &'static str) -> Code {
    Code::Ref {
        address: g.node(n).address.clone(),
        attr,
    }
}

/// `fix.role` (the execution role's `arn`), `fix.role_name` and `fix.region`.
fn fix_task_values(g: &Graph, t: &TaskFact) -> Vec<(&'static str, Probe)> {
    let (role, role_name) = match &t.execution_role.target {
        Fact::Known {
            value: RoleTarget::Node(n),
            ..
        } => (node_ref(g, *n, "arn"), node_ref(g, *n, "name")),
        _ => (
            Code::Placeholder("your execution role ARN"),
            Code::Placeholder("your execution role name"),
        ),
    };
    let region = match g.region.as_ref().map(|v| (&v.kind, v.span)) {
        Some((crate::base::Val::Str(s), span)) => Code::Region {
            literal: Some(s.clone()),
            span,
        },
        Some((_, Some(span))) => Code::Region {
            literal: None,
            span: Some(span),
        },
        _ => Code::Region {
            literal: None,
            span: None,
        },
    };
    vec![
        ("fix.role", code(vec![role], false, None)),
        ("fix.role_name", code(vec![role_name], false, None)),
        ("fix.region", code(vec![region], false, None)),
    ]
}

/// `fix.vpc`, `fix.subnets`, `fix.security_groups`, `fix.route_tables` of a run site.
fn fix_site_values(g: &Graph, site: &RunSite) -> Vec<(&'static str, Probe)> {
    let vpc = match &site.vpc {
        Fact::Known { value, .. } => node_ref(g, *value, "id"),
        _ => Code::Placeholder("your VPC id"),
    };
    let known_subnets: Option<Vec<&crate::analysis::network::SubnetFacts>> = match &site.subnets {
        Fact::Known { value, .. } if !value.is_empty() => Some(value.iter().collect()),
        _ => None,
    };
    let all = |f: &dyn Fn(&crate::analysis::network::SubnetFacts) -> Option<NodeId>,
               to_code: &dyn Fn(NodeId) -> Code,
               none: &'static str|
     -> Vec<Code> {
        let ids: Option<Vec<NodeId>> = known_subnets
            .as_ref()
            .and_then(|subs| subs.iter().map(|s| f(s)).collect());
        match ids {
            Some(mut ids) => {
                let mut seen = std::collections::HashSet::new();
                ids.retain(|n| seen.insert(*n));
                ids.into_iter().map(to_code).collect()
            }
            None => vec![Code::Placeholder(none)],
        }
    };
    let subnets = all(
        &|s| s.subnet.value().copied(),
        &|n| node_ref(g, n, "id"),
        "the task subnet ids",
    );
    // A subnet on its VPC's main route table: the analysis lets the VPC stand for that table.
    // Terraform names it `aws_vpc.x.main_route_table_id`; CloudFormation cannot name it.
    let table = |n: NodeId| match g.node(n).kind {
        Kind::Vpc if g.format == Some(Format::CloudFormation) => Code::Placeholder(
            "the task subnets' route table: they use the VPC's main route table, which a \
             template cannot reference; associate them with a route table",
        ),
        Kind::Vpc => node_ref(g, n, "main_route_table_id"),
        _ => node_ref(g, n, "id"),
    };
    let route_tables = all(
        &|s| s.route_table.value().copied(),
        &table,
        "the route table ids of the task subnets",
    );
    // The tables a NAT route goes on: those of the subnets proven private-only (another task
    // subnet may already route to a NAT gateway); all of them when none is proven so.
    let private_tables: Vec<Code> = {
        let mut seen = std::collections::HashSet::new();
        known_subnets
            .iter()
            .flatten()
            .filter(|s| s.private_only.value() == Some(&true))
            .filter_map(|s| s.route_table.value().copied())
            .filter(|n| seen.insert(*n))
            .map(table)
            .collect()
    };
    let private_tables = if private_tables.is_empty() {
        route_tables.clone()
    } else {
        private_tables
    };
    let groups: Option<Vec<NodeId>> = match &site.security_groups {
        Fact::Known { value, .. } if !value.is_empty() => value
            .iter()
            .map(|f| match f.value() {
                Some(crate::analysis::network::SgRef::Node(n)) => Some(*n),
                Some(crate::analysis::network::SgRef::VpcDefault {
                    managed: Some(n), ..
                }) => Some(*n),
                _ => None,
            })
            .collect(),
        _ => None,
    };
    let first = fix_group(
        g,
        match &site.security_groups {
            Fact::Known { value, .. } => value,
            _ => &[],
        },
    );
    let groups = match groups {
        Some(ns) => ns.into_iter().map(|n| node_ref(g, n, "id")).collect(),
        None => vec![Code::Placeholder("the task security group ids")],
    };
    vec![
        ("fix.vpc", code(vec![vpc], false, None)),
        ("fix.subnets", code(subnets, true, None)),
        ("fix.security_groups", code(groups, true, None)),
        ("fix.security_group", first),
        ("fix.route_tables", code(route_tables, true, None)),
        (
            "fix.private_route_table",
            code(private_tables[..1].to_vec(), false, None),
        ),
        ("fix.private_route_tables", code(private_tables, true, None)),
    ]
}

/// The first of some security groups (`fix.security_group`: any one of the task's groups
/// names the task in a rule; `fix.endpoint_security_group`: the endpoint's).
fn fix_group(g: &Graph, groups: &[Fact<crate::analysis::network::SgRef>]) -> Probe {
    use crate::analysis::network::SgRef;
    let first = match groups.first().and_then(|f| f.value()) {
        Some(SgRef::Node(n))
        | Some(SgRef::VpcDefault {
            managed: Some(n), ..
        }) => node_ref(g, *n, "id"),
        _ => Code::Placeholder("a security group id"),
    };
    code(vec![first], false, None)
}
