//! The task half of the pull-path analysis: for every task definition of a graph, what it needs
//! to start on Fargate (images, awslogs, secrets, registry credentials, environment files) and
//! what its execution role grants, as [`Fact`]s the rules read (FGP001–FGP014, FGP050).
//!
//! [`analyse`] is pure and reads the graph through its indexes (kinds, adjacency): one pass over
//! the task definitions, each looking only at its own edges.
//!
//! Permission answers come from the IAM evaluator, over every policy attached to the execution
//! role. When the role or one of its policies is not visible, a "not allowed" answer is not a
//! proof: it becomes `Unknown` with the reason. An `Allowed` answer stays allowed (a policy we
//! cannot see could only add a `Deny`, which we do not guess).

mod image;
mod keys;
mod role;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use crate::analysis::iam::{self, Decision, PrincipalQuery, RepoPull, TrustDecision};
use crate::analysis::Fact;
use crate::base::{Map, Span, Symbol, Val, Value};
use crate::frontends::Mode;
use crate::graph::{path_under, Graph, Kind, NodeId, WrittenKey};

pub use image::{classify as classify_image, EcrImage, Image};
pub use keys::{did_you_mean, is_image_pull_behavior, UnknownKey, CONTAINER_DEFINITION_KEYS};
pub use role::{AttachedPolicy, ExecutionRole, PolicyDoc, RoleTarget};

/// The facts of every task definition of one graph.
#[derive(Clone, Debug)]
pub struct TaskFacts {
    pub tasks: Vec<TaskFact>,
    /// Task-definition node → index in `tasks`.
    index: HashMap<NodeId, usize>,
    /// The deployment account when the unit fixes it (`data.aws_caller_identity` with a known
    /// `account_id`); the account symbol stands for it otherwise.
    pub deployment_account: Fact<Value>,
}

impl TaskFacts {
    pub fn get(&self, node: NodeId) -> Option<&TaskFact> {
        self.index.get(&node).map(|&i| &self.tasks[i])
    }
    /// Linear: for tests and tools; rules use [`TaskFacts::get`].
    pub fn by_address(&self, address: &str) -> Option<&TaskFact> {
        self.tasks.iter().find(|t| t.address == address)
    }
}

/// One task definition.
#[derive(Clone, Debug)]
pub struct TaskFact {
    pub node: NodeId,
    pub address: String,
    pub span: Span,
    /// Whether it runs on Fargate (domain "Fargate task context"), with the span that decided.
    pub fargate: Fact<bool>,
    pub run_sites: Vec<RunSite>,
    /// `Unknown` when `container_definitions` cannot be read (then `containers` is empty).
    pub container_definitions: Fact<usize>,
    pub containers: Vec<Container>,
    pub execution_role: ExecutionRole,
    pub permissions: Vec<Permission>,
    pub cross_account: Vec<CrossAccount>,
}

impl TaskFact {
    /// The permission facts of one need.
    pub fn permission(&self, need: &Need, action: &str) -> Option<&Permission> {
        self.permissions
            .iter()
            .find(|p| &p.need == need && p.action == action)
    }
}

/// Where a task's images come from, over all its containers (three-valued: an image that is
/// not known may be either).
#[derive(Clone, Debug, PartialEq)]
pub struct ImageUse {
    /// Some image is pulled through the ECR endpoints (`at`: the first such image).
    pub ecr: Fact<bool>,
    /// Some image is only reachable over the internet (`at`: the first such image).
    pub internet_only: Fact<bool>,
    /// The container of that first internet-only image.
    pub internet_only_container: Option<usize>,
}

impl TaskFact {
    pub fn image_use(&self) -> ImageUse {
        let any = |pick: &dyn Fn(&Image) -> bool| {
            let mut facts: Vec<Fact<bool>> = self
                .containers
                .iter()
                .map(|c| match &c.image {
                    Fact::Known { value, at } => Fact::known(pick(value), *at),
                    Fact::Unknown { reason, at } => {
                        Fact::unknown(format!("the image is not known: {reason}"), *at)
                    }
                    Fact::Absent => Fact::known(false, None),
                })
                .collect();
            if let Fact::Unknown { reason, at } = &self.container_definitions {
                facts.push(Fact::Unknown {
                    reason: reason.clone(),
                    at: *at,
                });
            }
            Fact::any(facts)
        };
        ImageUse {
            ecr: any(&Image::via_ecr_endpoints),
            internet_only: any(&Image::needs_internet),
            internet_only_container: self
                .containers
                .iter()
                .find(|c| c.image.value().is_some_and(Image::needs_internet))
                .map(|c| c.index),
        }
    }
}

impl Container {
    /// Logs with the `awslogs` driver.
    pub fn uses_awslogs(&self) -> bool {
        self.log_driver
            .as_ref()
            .and_then(|v| v.as_str())
            .is_some_and(|d| d.eq_ignore_ascii_case("awslogs"))
    }
}

/// A service, EventBridge target or schedule that runs the task definition.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSite {
    pub node: NodeId,
    pub kind: Kind,
    /// Launches on Fargate (launch type, capacity provider strategy, or the cluster's default
    /// strategy).
    pub fargate: Fact<bool>,
    /// `Absent` means `LATEST`.
    pub platform_version: Fact<Value>,
}

/// One container definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    pub index: usize,
    pub name: Option<String>,
    /// `container_definitions[i]`.
    pub path: String,
    pub span: Option<Span>,
    pub image: Fact<Image>,
    /// `logConfiguration.logDriver` as written.
    pub log_driver: Option<Value>,
    pub awslogs: Option<AwsLogs>,
    /// `secrets[]` and `logConfiguration.secretOptions[]`.
    pub secrets: Vec<SecretRef>,
    pub repository_credentials: Option<SecretRef>,
    pub environment_files: Vec<EnvFile>,
    pub unknown_keys: Vec<UnknownKey>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AwsLogs {
    pub driver_span: Option<Span>,
    /// `awslogs-group`: the group name (a literal, or a reference to a log group of the graph).
    pub group: Fact<Value>,
    pub group_node: Option<NodeId>,
    pub region: Fact<Value>,
    /// `awslogs-create-group`.
    pub create_group: Fact<bool>,
    /// The log group ARN the permissions are checked on.
    pub group_arn: Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretUse {
    /// `secrets[]` (environment variable `name`).
    Env,
    /// `logConfiguration.secretOptions[]`.
    LogOption,
    /// `repositoryCredentials.credentialsParameter`.
    RegistryCredentials,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretStore {
    SecretsManager,
    /// Parameter Store (an ARN, or a name: ECS reads any non-ARN string as a parameter name).
    Ssm,
}

/// A secret or parameter a container reads at start.
#[derive(Clone, Debug, PartialEq)]
pub struct SecretRef {
    pub usage: SecretUse,
    /// `name` of the item, when written.
    pub name: Option<String>,
    /// Canonical path of `valueFrom` / `credentialsParameter`.
    pub path: String,
    pub value: Value,
    pub store: Fact<SecretStore>,
    /// The ARN the permission is checked on (JSON-key / version suffix stripped), when the store
    /// is known.
    pub resource: Option<Value>,
    /// A parameter name under `/aws/reference/secretsmanager/`: the Secrets Manager secret it
    /// reads (its ARN pattern).
    pub secrets_manager_reference: Option<Value>,
    /// The secret or parameter resource of the graph.
    pub node: Option<NodeId>,
    pub kms: Fact<KmsKey>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum KmsKey {
    /// The AWS managed key (`aws/secretsmanager`, `aws/ssm`): no `kms:Decrypt` needed.
    AwsManaged,
    /// A plain (not `SecureString`) parameter.
    NotEncrypted,
    /// A customer managed key: `key` is its ARN as far as known.
    Customer { key: Value, node: Option<NodeId> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnvFile {
    pub path: String,
    pub value: Value,
    pub file_type: Option<Value>,
}

/// Why a permission is needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    /// `ecr:GetAuthorizationToken` on `*`.
    EcrAuth,
    /// Image layers of container `container`.
    EcrPull { container: usize },
    /// Pull-through cache import for container `container`.
    PullThroughCache { container: usize },
    /// awslogs stream writes.
    LogWrite { container: usize },
    /// `awslogs-create-group`.
    LogCreateGroup { container: usize },
    /// The secret at `path`.
    Secret { container: usize, path: String },
    /// The Secrets Manager secret behind a `/aws/reference/secretsmanager/` parameter.
    SecretReference { container: usize, path: String },
    /// The customer key of the secret at `path`.
    KmsDecrypt { container: usize, path: String },
    /// An environment file.
    EnvFile { container: usize, path: String },
}

/// One permission the execution role needs, and the answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Permission {
    pub need: Need,
    pub action: &'static str,
    pub resource: Value,
    /// Where the need is written (the image, the log driver, the `valueFrom`...).
    pub at: Option<Span>,
    /// The evaluator's answer (cited statements; `Cite::policy` indexes the visible policies of
    /// the role, in order), or `Unknown` when the role or some of its policies are not visible
    /// and nothing allows it.
    pub decision: Fact<Decision>,
}

/// An ECR image of another account.
#[derive(Clone, Debug, PartialEq)]
pub struct CrossAccount {
    pub container: usize,
    pub account: Value,
    pub cross: Fact<bool>,
    /// The repository's policy in the graph and what it grants the execution role.
    pub repository_policy: Option<(NodeId, RepoPull)>,
    /// Whether the pull is granted on the repository side: by its policy, or unknown when it
    /// refuses but a registry policy of the unit (V2 scope, the default) may grant it (it is not
    /// visible, or does not refuse the pull whatever its `Resource`). Absent
    /// when no repository policy is visible.
    pub grants_pull: Fact<bool>,
}

/// Analyses every task definition of a graph.
pub fn analyse(graph: &Graph) -> TaskFacts {
    let ptc = image::ptc_prefixes(graph);
    let deployment_account = deployment_account(graph);
    // A task definition read by a data source that designates one of the configuration's is that
    // one (its run sites join it); any other is read at apply time.
    let tasks: Vec<TaskFact> = graph
        .of_kind(Kind::TaskDefinition)
        .filter(|n| read_definition(graph, n.id).is_none())
        .map(|n| task(graph, n.id, &ptc, &deployment_account))
        .collect();
    TaskFacts {
        index: tasks.iter().enumerate().map(|(i, t)| (t.node, i)).collect(),
        tasks,
        deployment_account,
    }
}

fn deployment_account(graph: &Graph) -> Fact<Value> {
    graph
        .nodes
        .iter()
        .filter(|n| n.rtype == "aws_caller_identity")
        .find_map(|n| {
            n.fields
                .get("account_id")
                .filter(|v| v.as_str().is_some())
                .map(|v| Fact::known(v.deref().clone(), v.span))
        })
        .unwrap_or(Fact::Absent)
}

fn region_value(graph: &Graph) -> Value {
    graph
        .region
        .clone()
        .unwrap_or_else(|| Value::new(Val::Symbol(Symbol::Region), None))
}

fn account_sym() -> Value {
    Value::new(Val::Symbol(Symbol::AccountId), None)
}

/// For a data source reading a task definition (`data "aws_ecs_task_definition"`), the task
/// definition of the graph its `task_definition` designates (by reference or family), if one.
fn read_definition(graph: &Graph, n: NodeId) -> Option<NodeId> {
    if graph.node(n).mode != Mode::Data {
        return None;
    }
    let mut tds: Vec<NodeId> = graph
        .edges_from(n)
        .filter(|e| path_under(&e.field, "task_definition"))
        .map(|e| e.to)
        .filter(|&t| {
            let t = graph.node(t);
            t.kind == Kind::TaskDefinition && t.mode != Mode::Data
        })
        .collect();
    tds.sort_unstable();
    tds.dedup();
    match tds.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Why the contents of a task definition read by a data source that designates none of the
/// configuration's are not known.
fn read_at_apply(node: &crate::graph::Node) -> String {
    format!(
        "`{}` reads a task definition at apply time: its contents are not in the configuration",
        node.address
    )
}

fn task(graph: &Graph, td: NodeId, ptc: &[(String, NodeId)], account: &Fact<Value>) -> TaskFact {
    let node = graph.node(td);
    let read = node.mode == Mode::Data;
    let mut run_sites = run_sites(graph, td);
    // A task definition compatible with FARGATE only can launch nowhere else: where a run site's
    // launch type is not known, that decides it.
    if let Some(at) = fargate_only(graph, td) {
        for rs in &mut run_sites {
            if !rs.fargate.is_known() {
                rs.fargate = Fact::known(true, at);
            }
        }
    }
    let fargate = fargate(graph, td, &run_sites);
    let cfn = node.rtype.contains("::");
    let (container_definitions, containers) = match node.field("container_definitions") {
        None if read => (Fact::unknown(read_at_apply(node), Some(node.span)), vec![]),
        None => (Fact::Absent, vec![]),
        Some(v) => match v.as_list() {
            Some(items) => {
                let written: HashMap<&str, &WrittenKey> = node
                    .written_keys
                    .iter()
                    .map(|w| (w.path.as_str(), w))
                    .collect();
                let cs: Vec<Container> = items
                    .iter()
                    .enumerate()
                    .map(|(i, c)| container(graph, td, &written, i, c, cfn, ptc))
                    .collect();
                (Fact::known(cs.len(), v.span), cs)
            }
            None => (
                Fact::unknown(
                    image::hole_reason(v.deref(), "`container_definitions`"),
                    v.span,
                ),
                vec![],
            ),
        },
    };
    let mut execution_role = role::execution_role(graph, td);
    if read && matches!(execution_role.target, Fact::Absent) {
        execution_role.target = Fact::unknown(read_at_apply(node), Some(node.span));
        execution_role.trust = Fact::unknown(read_at_apply(node), Some(node.span));
    }
    let permissions = permissions(graph, &containers, &execution_role);
    let cross_account = cross_account(graph, td, &containers, &execution_role, account);
    TaskFact {
        node: td,
        address: node.address.clone(),
        span: node.span,
        fargate,
        run_sites,
        container_definitions,
        containers,
        execution_role,
        permissions,
        cross_account,
    }
}

// ---------------------------------------------------------------------------------------------
// Fargate context

/// `(kind, field of the task definition reference, prefix of the launch fields, cluster field)`.
const SITES: &[(Kind, &str, &str, &str)] = &[
    (Kind::Service, "task_definition", "", "cluster"),
    (
        Kind::EventTarget,
        "ecs_target.task_definition_arn",
        "ecs_target.",
        "arn",
    ),
    (
        Kind::Schedule,
        "target.ecs_parameters.task_definition_arn",
        "target.ecs_parameters.",
        "target.arn",
    ),
];

fn is_fargate_provider(s: &str) -> bool {
    s.eq_ignore_ascii_case("FARGATE") || s.eq_ignore_ascii_case("FARGATE_SPOT")
}

fn run_sites(graph: &Graph, td: NodeId) -> Vec<RunSite> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    // Sites naming the task definition, and sites naming a data source that reads it.
    let readers: Vec<NodeId> = graph
        .edges_to(td)
        .filter(|e| read_definition(graph, e.from) == Some(td))
        .map(|e| e.from)
        .collect();
    let edges = graph
        .edges_to(td)
        .chain(readers.iter().flat_map(|&r| graph.edges_to(r)));
    for e in edges {
        let from = graph.node(e.from);
        let Some(&(kind, _, prefix, cluster)) = SITES
            .iter()
            .find(|s| s.0 == from.kind && path_under(&e.field, s.1))
        else {
            continue;
        };
        if !seen.insert(e.from) {
            continue;
        }
        let pv = match from.field(&format!("{prefix}platform_version")) {
            None => Fact::Absent,
            Some(v) if v.as_str().is_some() => Fact::known(v.deref().clone(), v.span),
            Some(v) => Fact::unknown(
                image::hole_reason(v.deref(), "the platform version"),
                v.span,
            ),
        };
        out.push(RunSite {
            node: e.from,
            kind,
            fargate: site_fargate(graph, e.from, prefix, cluster),
            platform_version: pv,
        });
    }
    out
}

/// Fargate from a capacity provider strategy: `None` when the list is empty.
fn strategy_fargate(v: &Value) -> Option<Fact<bool>> {
    let Some(items) = v.as_list() else {
        return Some(Fact::unknown(
            image::hole_reason(v.deref(), "the capacity provider strategy"),
            v.span,
        ));
    };
    if items.is_empty() {
        return None;
    }
    let mut unknown = None;
    let (mut fargate, mut other) = (None, None);
    for it in items {
        match it.get("capacity_provider") {
            Some(p) => match p.as_str() {
                Some(s) if is_fargate_provider(s) => {
                    fargate.get_or_insert(p.span);
                }
                Some(_) => {
                    other.get_or_insert(p.span);
                }
                None => {
                    unknown = Some(Fact::unknown(
                        image::hole_reason(p.deref(), "a capacity provider"),
                        p.span,
                    ))
                }
            },
            None => unknown = Some(Fact::unknown("a strategy item without provider", it.span)),
        }
    }
    // A strategy mixing Fargate and Auto Scaling group providers is refused by ECS, and is not
    // Fargate-only: not known [V ECS CreateService `capacityProviderStrategy`].
    Some(match (fargate, other, unknown) {
        (Some(_), Some(at), _) => Fact::unknown(
            "the capacity provider strategy mixes Fargate and other capacity providers",
            at,
        ),
        // With a Fargate provider, the one not known can only be Fargate too.
        (Some(at), None, _) => Fact::known(true, at),
        (None, _, Some(u)) => u,
        (None, _, None) => Fact::known(false, v.span),
    })
}

fn site_fargate(graph: &Graph, site: NodeId, prefix: &str, cluster_field: &str) -> Fact<bool> {
    let n = graph.node(site);
    if let Some(lt) = n.field(&format!("{prefix}launch_type")) {
        return match lt.as_str() {
            Some(s) => Fact::known(s.eq_ignore_ascii_case("FARGATE"), lt.span),
            None => Fact::unknown(image::hole_reason(lt.deref(), "the launch type"), lt.span),
        };
    }
    if let Some(f) = n
        .field(&format!("{prefix}capacity_provider_strategy"))
        .and_then(strategy_fargate)
    {
        return f;
    }
    // Neither: the cluster's default capacity provider strategy, else EC2.
    let clusters: Vec<NodeId> = graph
        .targets(site, cluster_field)
        .into_iter()
        .filter(|&c| graph.node(c).kind == Kind::Cluster)
        .collect();
    let [cluster] = clusters.as_slice() else {
        return Fact::unknown(
            "neither launch type nor capacity provider strategy is set, and the cluster (whose \
             default strategy decides) is not known",
            Some(n.span),
        );
    };
    let c = graph.node(*cluster);
    if let Some(f) = c
        .field("default_capacity_provider_strategy")
        .and_then(strategy_fargate)
    {
        return f;
    }
    for e in graph.edges_to(*cluster) {
        let a = graph.node(e.from);
        if a.kind == Kind::ClusterCapacityProviders && path_under(&e.field, "cluster") {
            if let Some(f) = a
                .field("default_capacity_provider_strategy")
                .and_then(strategy_fargate)
            {
                return f;
            }
        }
    }
    // The API launches on EC2 when no strategy applies.
    Fact::known(false, Some(n.span))
}

/// `requires_compatibilities` is known and lists FARGATE only: `Some(where it says so)`.
fn fargate_only(graph: &Graph, td: NodeId) -> Option<Option<Span>> {
    let v = graph.node(td).field("requires_compatibilities")?;
    let items = v.as_list()?;
    let only = !items.is_empty()
        && items.iter().all(|i| {
            i.as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("FARGATE"))
        });
    only.then_some(v.span)
}

fn fargate(graph: &Graph, td: NodeId, sites: &[RunSite]) -> Fact<bool> {
    let node = graph.node(td);
    let own = match node.field("requires_compatibilities") {
        None => Fact::Absent,
        Some(v) => match v.as_list() {
            Some(items) => {
                if let Some(f) = items.iter().find(|i| {
                    i.as_str()
                        .is_some_and(|s| s.eq_ignore_ascii_case("FARGATE"))
                }) {
                    Fact::known(true, f.span.or(v.span))
                } else if items.iter().all(|i| i.as_str().is_some()) {
                    Fact::known(false, v.span)
                } else {
                    Fact::unknown("`requires_compatibilities` is not fully known", v.span)
                }
            }
            None => Fact::unknown(
                image::hole_reason(v.deref(), "`requires_compatibilities`"),
                v.span,
            ),
        },
    };
    if own.value() == Some(&true) {
        return own;
    }
    if let Some(s) = sites.iter().find(|s| s.fargate.value() == Some(&true)) {
        return s.fargate.clone();
    }
    if let Fact::Unknown { .. } = own {
        return own;
    }
    if let Some(s) = sites.iter().find(|s| !s.fargate.is_known()) {
        return s.fargate.clone();
    }
    match own {
        Fact::Known { .. } => own,
        _ => Fact::known(false, None),
    }
}

// ---------------------------------------------------------------------------------------------
// Containers

fn container(
    graph: &Graph,
    td: NodeId,
    written: &HashMap<&str, &WrittenKey>,
    index: usize,
    c: &Value,
    cfn: bool,
    ptc: &[(String, NodeId)],
) -> Container {
    let path = format!("container_definitions[{index}]");
    let empty = Map::new();
    let m = c.as_map().unwrap_or(&empty);
    let mut image = match m.get("image") {
        Some(v) if !matches!(v.kind, Val::Null) => image::classify(v, graph, ptc),
        _ => Fact::Absent,
    };
    // `!Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/${Repo}:1'`: the repository
    // resource the graph links the image to, when the name is not a literal.
    if let Fact::Known {
        value: Image::Ecr(ecr),
        ..
    } = &mut image
    {
        if ecr.repository_node.is_none() && ecr.repository.as_str().is_none() {
            let repos: Vec<NodeId> = graph
                .targets(td, &format!("{path}.image"))
                .into_iter()
                .filter(|&t| graph.node(t).kind == Kind::EcrRepository)
                .collect();
            if let [one] = repos.as_slice() {
                ecr.repository_node = Some(*one);
            }
        }
    }
    let mut secrets = Vec::new();
    for (i, it) in m
        .get("secrets")
        .and_then(|s| s.as_list())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(vf) = it.get("valueFrom") {
            let p = format!("{path}.secrets[{i}].valueFrom");
            let name = it.get("name").and_then(|n| n.as_str()).map(String::from);
            secrets.push(secret(graph, td, &p, vf, SecretUse::Env, name));
        }
    }
    let log = m.get("logConfiguration").and_then(|l| l.as_map());
    let log_driver = log.and_then(|l| l.get("logDriver")).cloned();
    if let Some(l) = log {
        let opts = l
            .get("secretOptions")
            .and_then(|s| s.as_list())
            .unwrap_or_default();
        for (i, it) in opts.iter().enumerate() {
            if let Some(vf) = it.get("valueFrom") {
                let p = format!("{path}.logConfiguration.secretOptions[{i}].valueFrom");
                let name = it.get("name").and_then(|n| n.as_str()).map(String::from);
                secrets.push(secret(graph, td, &p, vf, SecretUse::LogOption, name));
            }
        }
    }
    let awslogs = match (&log_driver, log) {
        (Some(d), Some(l)) if d.as_str() == Some("awslogs") => {
            Some(awslogs(graph, td, &path, d, l))
        }
        _ => None,
    };
    let repository_credentials = m
        .get("repositoryCredentials")
        .and_then(|r| r.get("credentialsParameter"))
        .map(|v| {
            let p = format!("{path}.repositoryCredentials.credentialsParameter");
            secret(graph, td, &p, v, SecretUse::RegistryCredentials, None)
        });
    let environment_files = m
        .get("environmentFiles")
        .and_then(|e| e.as_list())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            Some(EnvFile {
                path: format!("{path}.environmentFiles[{i}]"),
                value: f.get("value")?.clone(),
                file_type: f.get("type").cloned(),
            })
        })
        .collect();
    let mut unknown_keys = Vec::new();
    keys::unknown_keys(written, m, &path, cfn, &mut unknown_keys);
    Container {
        index,
        name: m.get("name").and_then(|n| n.as_str()).map(String::from),
        path,
        span: c.span,
        image,
        log_driver,
        awslogs,
        secrets,
        repository_credentials,
        environment_files,
        unknown_keys,
    }
}

fn awslogs(graph: &Graph, td: NodeId, path: &str, driver: &Value, l: &Map) -> AwsLogs {
    let opts = l.get("options").and_then(|o| o.as_map());
    let opt = |k: &str| opts.and_then(|o| o.get(k));
    let gpath = format!("{path}.logConfiguration.options.awslogs-group");
    let group_node = graph
        .targets(td, &gpath)
        .into_iter()
        .find(|&t| graph.node(t).kind == Kind::LogGroup);
    let group = match opt("awslogs-group") {
        None => Fact::Absent,
        Some(v) => match v.as_str() {
            Some(s) => Fact::known(Value::str(s, v.span), v.span),
            // `/ecs/${var.env}/app`: the ARN keeps the known parts.
            None if matches!(v.deref().kind, Val::Template(_)) && group_node.is_none() => {
                Fact::known(v.deref().clone(), v.span)
            }
            None => match group_node.and_then(|g| graph.node(g).field("name")) {
                Some(name) if name.as_str().is_some() => Fact::known(name.deref().clone(), v.span),
                // A group of the graph whose name is generated: the reference stands for it.
                _ if group_node.is_some() => Fact::known(v.clone(), v.span),
                _ => Fact::unknown(image::hole_reason(v.deref(), "`awslogs-group`"), v.span),
            },
        },
    };
    let region = match opt("awslogs-region") {
        None => Fact::Absent,
        Some(v) if matches!(v.deref().kind, Val::Str(_) | Val::Symbol(_)) => {
            Fact::known(v.deref().clone(), v.span)
        }
        Some(v) => Fact::unknown(image::hole_reason(v.deref(), "`awslogs-region`"), v.span),
    };
    let create_group = match opt("awslogs-create-group") {
        None => Fact::Absent,
        Some(v) => match v.as_bool() {
            Some(b) => Fact::known(b, v.span),
            None => Fact::unknown(
                image::hole_reason(v.deref(), "`awslogs-create-group`"),
                v.span,
            ),
        },
    };
    let region_v = region
        .value()
        .cloned()
        .unwrap_or_else(|| region_value(graph));
    let group_v = match &group {
        Fact::Known { value, .. } => value.clone(),
        _ => Value::unknown("log group not known", None),
    };
    let group_arn = image::arn(
        &region_v,
        "logs",
        &region_v,
        &account_sym(),
        "log-group:",
        &group_v,
    );
    AwsLogs {
        driver_span: driver.span,
        group,
        group_node,
        region,
        create_group,
        group_arn,
    }
}

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

fn secret(
    graph: &Graph,
    td: NodeId,
    path: &str,
    v: &Value,
    usage: SecretUse,
    name: Option<String>,
) -> SecretRef {
    let at = v.span;
    let node = graph
        .targets(td, path)
        .into_iter()
        .find(|&t| matches!(graph.node(t).kind, Kind::Secret | Kind::SsmParameter));
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
                let attr = match &v.kind {
                    Val::Ref(r) => r.attr.to_ascii_lowercase(),
                    _ => String::new(),
                };
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

// ---------------------------------------------------------------------------------------------
// Permissions

/// Asks the evaluator, over the visible policies of the role (and its boundary).
fn check(graph: &Graph, role: &ExecutionRole, action: &str, resource: &Value) -> Fact<Decision> {
    let at = role.target_span();
    if !matches!(
        role.target,
        Fact::Known {
            value: RoleTarget::Node(_),
            ..
        }
    ) {
        return Fact::Unknown {
            reason: crate::base::Reason::new(role.blind_spot().unwrap_or_default()),
            at,
        };
    }
    let visible: Vec<iam::Policy<'_>> = role
        .policies
        .iter()
        .filter_map(|p| match &p.document {
            PolicyDoc::Known(d) => Some(iam::Policy {
                label: &p.label,
                origin: p.origin,
                document: d,
            }),
            _ => None,
        })
        .collect();
    let ids = GraphIds(graph);
    let mut d = iam::evaluate_in(&visible, action, resource, &ids);
    if let Some(b) = &role.boundary {
        match &b.document {
            PolicyDoc::Known(doc) => {
                let bp = iam::Policy {
                    label: &b.label,
                    origin: b.origin,
                    document: doc,
                };
                let bd = iam::evaluate_in(std::slice::from_ref(&bp), action, resource, &ids);
                d = match (&d, &bd) {
                    (Decision::Denied { .. }, _) => d,
                    (_, Decision::Denied { .. } | Decision::NotAllowed { .. }) => bd,
                    (Decision::Allowed { .. }, Decision::Allowed { .. }) => d,
                    (Decision::NotAllowed { .. }, _) => d,
                    (_, Decision::Unknown(_)) => bd,
                    _ => d,
                };
            }
            _ if d.is_refused() => {}
            _ => {
                return Fact::unknown(
                    format!("the permissions boundary `{}` is not visible", b.label),
                    b.origin,
                )
            }
        }
    }
    match (&d, role.blind_spot()) {
        (Decision::NotAllowed { .. }, Some(blind)) => Fact::unknown(
            format!("no visible policy allows {action}, but {blind}"),
            at,
        ),
        _ => Fact::known(d, at),
    }
}

/// What the graph knows about references: two distinct managed resources of one kind and type
/// (instances with distinct keys included) have distinct ARNs, and, within one CloudFormation
/// stack, distinct `Ref` values (a secret's ARN, a role's or log group's name). Data sources, and
/// a data source against a resource, may be the same object; resources of other types may share
/// a value (`aws_secretsmanager_secret_version.arn` is its secret's ARN); a reference to
/// something that is not a node (a module output, an unexpanded `count`) is not decided.
pub(crate) struct GraphIds<'g>(pub &'g Graph);

/// Kinds whose `arn` (and CloudFormation `Ref`) names the resource itself.
const IDENTITY_KINDS: &[Kind] = &[
    Kind::Secret,
    Kind::SsmParameter,
    Kind::IamRole,
    Kind::ManagedPolicy,
    Kind::KmsKey,
    Kind::LogGroup,
    Kind::EcrRepository,
];

impl iam::Identities for GraphIds<'_> {
    fn distinct(&self, a: (&str, &str), b: (&str, &str)) -> bool {
        let (Some(na), Some(nb)) = (self.0.get(a.0), self.0.get(b.0)) else {
            return false;
        };
        let own = |n: &crate::graph::Node| {
            n.mode == crate::graph::Mode::Managed
                && n.parent.is_none()
                && IDENTITY_KINDS.contains(&n.kind)
        };
        let cfn = na.rtype.contains("::");
        let identity_attr = a.1.eq_ignore_ascii_case("arn") || (cfn && a.1.is_empty());
        na.id != nb.id
            && own(na)
            && own(nb)
            && na.kind == nb.kind
            && na.rtype == nb.rtype
            && a.1 == b.1
            && identity_attr
    }
}

impl ExecutionRole {
    fn target_span(&self) -> Option<Span> {
        match &self.target {
            Fact::Known { at, .. } | Fact::Unknown { at, .. } => *at,
            Fact::Absent => None,
        }
    }
}

/// A grant on the resource side that the identity-policy evaluation does not see: a secret's
/// resource policy (`aws_secretsmanager_secret_policy`, `AWS::SecretsManager::ResourcePolicy`),
/// a KMS key policy naming principals other than account roots, or a KMS grant. Within one
/// account either side may allow, so a refusal by the role's policies alone proves nothing.
fn resource_side_grant(graph: &Graph, node: Option<NodeId>) -> Option<(String, Option<Span>)> {
    let n = node?;
    let target = graph.node(n);
    for e in graph.edges_to(n) {
        let from = graph.node(e.from);
        if matches!(
            from.rtype.as_str(),
            "aws_secretsmanager_secret_policy"
                | "AWS::SecretsManager::ResourcePolicy"
                | "aws_kms_grant"
        ) {
            return Some((
                format!("`{}` may grant it on the resource side", from.address),
                Some(from.span),
            ));
        }
    }
    if target.kind == Kind::KmsKey {
        if let Some(p) = target.field("policy") {
            let mut principals = Vec::new();
            collect_principals(p.deref(), &mut principals);
            let only_roots = !principals.is_empty()
                && principals.iter().all(|s| {
                    s.ends_with(":root") || (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
                });
            if !only_roots {
                return Some((
                    format!(
                        "the key policy of `{}` may grant it directly",
                        target.address
                    ),
                    p.span.or(Some(target.span)),
                ));
            }
        }
    }
    None
}

/// Every `Principal` value of a policy document, rendered (unknown parts as `⟨?⟩`).
fn collect_principals(v: &Value, out: &mut Vec<String>) {
    match &v.deref().kind {
        Val::Map(m) => {
            for (k, x) in m.iter() {
                if k == "Principal" {
                    principal_strings(x, out);
                } else {
                    collect_principals(x, out);
                }
            }
        }
        Val::List(l) => l.iter().for_each(|x| collect_principals(x, out)),
        Val::Encoded(x) => collect_principals(x, out),
        _ => {}
    }
}

fn principal_strings(v: &Value, out: &mut Vec<String>) {
    match &v.deref().kind {
        Val::Map(m) => m.iter().for_each(|(_, x)| principal_strings(x, out)),
        Val::List(l) => l.iter().for_each(|x| principal_strings(x, out)),
        _ => out.push(v.render_pattern().unwrap_or_default()),
    }
}

/// A refusal that a resource-side grant may overturn becomes Unknown.
fn with_resource_side(d: Fact<Decision>, grant: &Option<(String, Option<Span>)>) -> Fact<Decision> {
    match (&d, grant) {
        (
            Fact::Known {
                value: Decision::NotAllowed { .. },
                ..
            },
            Some((why, at)),
        ) => Fact::unknown(
            format!("the execution role's policies do not allow it, but {why}"),
            *at,
        ),
        _ => d,
    }
}

fn permissions(graph: &Graph, containers: &[Container], role: &ExecutionRole) -> Vec<Permission> {
    let mut out = Vec::new();
    let mk = |need: Need, action: &'static str, resource: Value, at: Option<Span>| {
        let decision = check(graph, role, action, &resource);
        Permission {
            need,
            action,
            resource,
            at,
            decision,
        }
    };
    let auth_at = containers.iter().find_map(|c| match &c.image {
        Fact::Known { value, at } if value.ecr().is_some() => Some(*at),
        Fact::Unknown { at, .. } => Some(*at),
        _ => None,
    });
    if let Some(at) = auth_at {
        out.push(mk(
            Need::EcrAuth,
            "ecr:GetAuthorizationToken",
            Value::str("*", None),
            at,
        ));
    }
    for c in containers {
        let i = c.index;
        if let Fact::Known { value: img, at } = &c.image {
            if let Some(ecr) = img.ecr() {
                let arn = ecr.repository_arn(graph);
                out.push(mk(
                    Need::EcrPull { container: i },
                    "ecr:BatchGetImage",
                    arn.clone(),
                    *at,
                ));
                out.push(mk(
                    Need::EcrPull { container: i },
                    "ecr:GetDownloadUrlForLayer",
                    arn.clone(),
                    *at,
                ));
                if matches!(img, Image::EcrPullThroughCache { .. }) {
                    out.push(mk(
                        Need::PullThroughCache { container: i },
                        "ecr:BatchImportUpstreamImage",
                        arn,
                        *at,
                    ));
                }
            }
        }
        if let Some(l) = &c.awslogs {
            for action in ["logs:CreateLogStream", "logs:PutLogEvents"] {
                let decision = log_check(graph, role, action, l);
                out.push(Permission {
                    need: Need::LogWrite { container: i },
                    action,
                    resource: l.group_arn.clone(),
                    at: l.driver_span,
                    decision,
                });
            }
            let exists = group_exists(graph, l);
            if !matches!(
                l.create_group,
                Fact::Known { value: false, .. } | Fact::Absent
            ) && !matches!(exists, Fact::Known { value: true, .. })
            {
                let decision = match exists {
                    Fact::Unknown { reason, at } => Fact::Unknown { reason, at },
                    _ => log_check(graph, role, "logs:CreateLogGroup", l),
                };
                out.push(Permission {
                    need: Need::LogCreateGroup { container: i },
                    action: "logs:CreateLogGroup",
                    resource: l.group_arn.clone(),
                    at: l.create_group_span().or(l.driver_span),
                    decision,
                });
            }
        }
        for s in c.secrets.iter().chain(c.repository_credentials.iter()) {
            let (Some(store), Some(res)) = (s.store.value(), &s.resource) else {
                continue;
            };
            let action = match store {
                SecretStore::SecretsManager => "secretsmanager:GetSecretValue",
                SecretStore::Ssm => "ssm:GetParameters",
            };
            let at = s.value.span;
            out.push(Permission {
                need: Need::Secret {
                    container: i,
                    path: s.path.clone(),
                },
                action,
                resource: res.clone(),
                at,
                decision: with_resource_side(
                    check(graph, role, action, res),
                    &resource_side_grant(graph, s.node),
                ),
            });
            if let Some(r) = &s.secrets_manager_reference {
                out.push(Permission {
                    need: Need::SecretReference {
                        container: i,
                        path: s.path.clone(),
                    },
                    action: "secretsmanager:GetSecretValue",
                    resource: r.clone(),
                    at,
                    decision: check(graph, role, "secretsmanager:GetSecretValue", r),
                });
            }
            if let Some(KmsKey::Customer { key, node }) = s.kms.value() {
                out.push(Permission {
                    need: Need::KmsDecrypt {
                        container: i,
                        path: s.path.clone(),
                    },
                    action: "kms:Decrypt",
                    resource: key.clone(),
                    at,
                    decision: with_resource_side(
                        check(graph, role, "kms:Decrypt", key),
                        &resource_side_grant(graph, *node),
                    ),
                });
            }
        }
        for f in &c.environment_files {
            let at = f.value.span;
            out.push(Permission {
                need: Need::EnvFile {
                    container: i,
                    path: f.path.clone(),
                },
                action: "s3:GetObject",
                resource: f.value.clone(),
                at,
                decision: check(graph, role, "s3:GetObject", &f.value),
            });
            // The bucket, for `s3:GetBucketLocation` (domain (c)-6), when the ARN is literal.
            if let Some(bucket) = f.value.as_str().and_then(|v| {
                let (head, rest) = v.split_once(":::")?;
                let name = rest.split('/').next()?;
                Some(format!("{head}:::{name}"))
            }) {
                let res = Value::str(bucket, at);
                out.push(Permission {
                    need: Need::EnvFile {
                        container: i,
                        path: f.path.clone(),
                    },
                    action: "s3:GetBucketLocation",
                    decision: check(graph, role, "s3:GetBucketLocation", &res),
                    resource: res,
                    at,
                });
            }
        }
    }
    out
}

impl AwsLogs {
    fn create_group_span(&self) -> Option<Span> {
        match &self.create_group {
            Fact::Known { at, .. } | Fact::Unknown { at, .. } => *at,
            Fact::Absent => None,
        }
    }
}

/// Does the log group exist when the task starts, because the configuration declares it? The
/// awslogs driver (moby `daemon/logger/awslogs`, which Fargate's log shim runs) calls
/// `CreateLogStream` first and `CreateLogGroup` only when that fails with
/// `ResourceNotFoundException` and `awslogs-create-group` is true: a declared group is never
/// created by the task, so `logs:CreateLogGroup` is not needed. Known true when the group is a log
/// group of the graph (by reference or by name, a data source included) that is created; Unknown
/// when a group of the graph or of another unit of the scan (a sibling stack: see
/// [`crate::frontends::Elsewhere`]) may have that name, the name is not known, or configuration
/// that was not read may declare it; known false otherwise (the group may still exist outside the
/// configuration: `awslogs-create-group` says the author expects it may not).
fn group_exists(graph: &Graph, l: &AwsLogs) -> Fact<bool> {
    use iam::pattern::{matches, Reading, SymStr, Tri};
    let at = l.group.value().and_then(|v| v.span);
    let created_if = |exists: &Option<Value>| match exists {
        None => Tri::Yes,
        Some(v) => match v.as_bool() {
            Some(true) => Tri::Yes,
            Some(false) => Tri::No,
            None => Tri::Maybe,
        },
    };
    let created = |n: NodeId| created_if(&graph.node(n).exists);
    if let Some(g) = l.group_node {
        return match created(g) {
            Tri::Yes => Fact::known(true, at),
            Tri::No => Fact::known(false, at),
            Tri::Maybe => Fact::unknown(
                format!(
                    "whether the log group `{}` is created is not known",
                    graph.node(g).address
                ),
                at,
            ),
        };
    }
    let name = match &l.group {
        Fact::Known { value, .. } => value,
        Fact::Unknown { reason, at } => {
            return Fact::unknown(
                format!("the log group is not known ({reason}), so neither is whether it exists before the task starts"),
                *at,
            )
        }
        Fact::Absent => return Fact::known(false, None),
    };
    let plain = Reading::default();
    let Some(text) = SymStr::from_value(name, plain) else {
        return Fact::unknown("the log group name is not a string", at);
    };
    for g in graph.of_kind(Kind::LogGroup) {
        let same = match g.field("name").and_then(|n| SymStr::from_value(n, plain)) {
            Some(other) => matches(&other, &text),
            None => Tri::Maybe,
        };
        if same.and(created(g.id)) != Tri::No {
            return Fact::unknown(
                format!(
                    "the log group `{}` may be `{}`, declared here",
                    text.display(),
                    g.address
                ),
                at,
            );
        }
    }
    for d in graph.elsewhere.log_groups_for(&graph.unit, name.as_str()) {
        let same = match SymStr::from_value(&d.name, plain) {
            Some(other) => matches(&other, &text),
            None => Tri::Maybe,
        };
        if same.and(created_if(&d.exists)) != Tri::No {
            return Fact::unknown(
                format!(
                    "the log group `{}` may be `{}` of `{}`, another unit of the scan: it exists \
                     before the task starts if that unit is deployed first",
                    text.display(),
                    d.address,
                    d.unit
                ),
                at,
            );
        }
    }
    if let Some(&u) = graph.unread.first() {
        return Fact::unknown(
            format!(
                "`{}` is not read and may declare the log group `{}`",
                graph.node(u).address,
                text.display()
            ),
            at,
        );
    }
    Fact::known(false, at)
}

/// Log permissions, matched generously (domain FGP006): the stream ARN
/// `…:log-group:<g>:log-stream:<s>` first; when that is not allowed, the group ARN with and
/// without `:*`, and the log group resource's own ARN.
fn log_check(graph: &Graph, role: &ExecutionRole, action: &str, l: &AwsLogs) -> Fact<Decision> {
    let stream = Value::new(
        Val::Template(vec![
            l.group_arn.clone(),
            Value::str(":log-stream:", None),
            Value::unknown("the log stream name", None),
        ]),
        None,
    );
    let first = check(graph, role, action, &stream);
    if matches!(
        first.value(),
        Some(Decision::Allowed { .. } | Decision::Denied { .. })
    ) {
        return first;
    }
    let mut alts = vec![
        l.group_arn.clone(),
        Value::new(
            Val::Template(vec![l.group_arn.clone(), Value::str(":*", None)]),
            None,
        ),
    ];
    if let Some(g) = l.group_node {
        let n = graph.node(g);
        let attr = if n.rtype.contains("::") { "Arn" } else { "arn" };
        let r = image::reference(&n.address, attr, None);
        alts.push(Value::new(
            Val::Template(vec![r.clone(), Value::str(":*", None)]),
            None,
        ));
        alts.push(r);
    }
    for alt in alts {
        let d = check(graph, role, action, &alt);
        if matches!(d.value(), Some(Decision::Allowed { .. })) {
            return d;
        }
    }
    first
}

// ---------------------------------------------------------------------------------------------
// Cross-account ECR

fn cross_account(
    graph: &Graph,
    td: NodeId,
    containers: &[Container],
    role: &ExecutionRole,
    deployment: &Fact<Value>,
) -> Vec<CrossAccount> {
    let mut out = Vec::new();
    for c in containers {
        let Some(ecr) = c.image.value().and_then(Image::ecr) else {
            continue;
        };
        let at = ecr.account.span;
        let cross = match (&ecr.account.kind, ecr.account.as_str(), deployment.value()) {
            (Val::Symbol(Symbol::AccountId), _, _) => Fact::known(false, at),
            (_, Some(a), Some(dep)) => match dep.as_str() {
                Some(d) => Fact::known(a != d, at),
                None => Fact::unknown("the deployment account is not known", at),
            },
            (_, Some(_), None) => Fact::unknown("the deployment account is not known", at),
            _ => Fact::unknown(
                image::hole_reason(ecr.account.deref(), "the image's account"),
                at,
            ),
        };
        if cross.value() == Some(&false) {
            continue;
        }
        let repo = ecr.repository_node.or_else(|| {
            graph
                .targets(td, &format!("{}.image", c.path))
                .into_iter()
                .find(|&t| graph.node(t).kind == Kind::EcrRepository)
        });
        let repository_policy = repo.and_then(|r| {
            graph.edges_to(r).find_map(|e| {
                let p = graph.node(e.from);
                if p.kind != Kind::EcrRepositoryPolicy || !path_under(&e.field, "repository") {
                    return None;
                }
                let doc = p.field("policy")?.deref();
                doc.as_map()?;
                let arn = role.arn.clone()?;
                let account = deployment.value().cloned().unwrap_or_else(account_sym);
                let partition = image::partition_of(&ecr.region);
                let policy = iam::Policy {
                    label: &p.address,
                    origin: p.field("policy").and_then(|v| v.span),
                    document: doc,
                };
                let q = PrincipalQuery::Role {
                    partition: &partition,
                    account: &account,
                    arn: &arn,
                };
                Some((
                    e.from,
                    iam::repository_grants_pull_in(&policy, &q, &GraphIds(graph)),
                ))
            })
        });
        let grants_pull = match &repository_policy {
            None => Fact::Absent,
            Some((node, pull)) => {
                let at = Some(graph.node(*node).span);
                // A registry policy may grant what the repository policy does not, unless it is
                // visible and refuses it too (its `Resource` ignored: an allow on no repository
                // is an allow on none).
                let may_grant = graph.of_kind(Kind::EcrRegistryPolicy).find(|r| {
                    let Some(doc) = r.field("policy").map(Value::deref) else {
                        return true;
                    };
                    if doc.as_map().is_none() {
                        return true;
                    }
                    let (Some(arn), account) = (
                        role.arn.clone(),
                        deployment.value().cloned().unwrap_or_else(account_sym),
                    ) else {
                        return true;
                    };
                    let partition = image::partition_of(&ecr.region);
                    let q = PrincipalQuery::Role {
                        partition: &partition,
                        account: &account,
                        arn: &arn,
                    };
                    let policy = iam::Policy {
                        label: &r.address,
                        origin: r.field("policy").and_then(|v| v.span),
                        document: doc,
                    };
                    !iam::repository_grants_pull_in(&policy, &q, &GraphIds(graph))
                        .overall()
                        .is_refused()
                });
                match (pull.overall(), may_grant) {
                    (Decision::Allowed { .. }, _) => Fact::known(true, at),
                    (Decision::NotAllowed { .. }, Some(r)) => Fact::unknown(
                        format!(
                            "the repository policy does not allow it, but the registry policy `{}` may",
                            r.address
                        ),
                        Some(r.span),
                    ),
                    (Decision::Denied { .. } | Decision::NotAllowed { .. }, _) => {
                        Fact::known(false, at)
                    }
                    (Decision::Unknown(u), _) => Fact::unknown(u.to_string(), at),
                }
            }
        };
        out.push(CrossAccount {
            container: c.index,
            account: ecr.account.clone(),
            cross,
            repository_policy,
            grants_pull,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Explanations

fn fact_reason<T>(f: &Fact<T>) -> Option<String> {
    match f {
        Fact::Unknown { reason, .. } => Some(reason.to_string()),
        _ => None,
    }
}

/// What could not be verified, and why, one line each.
pub fn explain(facts: &TaskFacts, graph: &Graph) -> Vec<String> {
    let mut out = Vec::new();
    for t in &facts.tasks {
        let a = &t.address;
        if let Some(r) = fact_reason(&t.fargate) {
            out.push(format!("{a}: whether it runs on Fargate is not known: {r}"));
        }
        for s in &t.run_sites {
            if let Some(r) = fact_reason(&s.platform_version) {
                out.push(format!(
                    "{a}: platform version of `{}`: {r}",
                    graph.node(s.node).address
                ));
            }
        }
        if let Some(r) = fact_reason(&t.container_definitions) {
            out.push(format!("{a}: the containers are not known: {r}"));
        }
        for c in &t.containers {
            let cn = c.name.clone().unwrap_or_else(|| c.path.clone());
            if let Some(r) = fact_reason(&c.image) {
                out.push(format!("{a}: image of container `{cn}`: {r}"));
            }
            if let Some(l) = &c.awslogs {
                if let Some(r) = fact_reason(&l.group) {
                    out.push(format!("{a}: log group of container `{cn}`: {r}"));
                }
            }
            for s in c.secrets.iter().chain(c.repository_credentials.iter()) {
                if let Some(r) = fact_reason(&s.store) {
                    out.push(format!("{a}: `{}`: {r}", s.path));
                }
                if s.store.is_known() {
                    if let Some(r) = fact_reason(&s.kms) {
                        out.push(format!("{a}: KMS key of `{}`: {r}", s.path));
                    }
                }
            }
        }
        let role = &t.execution_role;
        match &role.target {
            Fact::Unknown { reason, .. } => {
                out.push(format!("{a}: the execution role is not known: {reason}"))
            }
            Fact::Absent => {}
            Fact::Known { value, .. } => {
                if let Some(r) = role.blind_spot() {
                    out.push(format!("{a}: {r}"));
                }
                if let (RoleTarget::Node(_), Some(r)) = (value, fact_reason(&role.trust)) {
                    out.push(format!("{a}: trust of the execution role: {r}"));
                }
                if let Some(TrustDecision::Unknown(u)) = role.trust.value() {
                    out.push(format!("{a}: trust of the execution role: {u}"));
                }
            }
        }
        let blind = role.blind_spot();
        for p in &t.permissions {
            let res = p.resource.render_pattern().unwrap_or_default();
            match &p.decision {
                // The blind spot is said once, above.
                Fact::Unknown { reason, .. }
                    if blind.as_deref().is_none_or(|b| !reason.0.contains(b)) =>
                {
                    out.push(format!("{a}: {} on `{res}`: {reason}", p.action));
                }
                Fact::Known {
                    value: d @ Decision::Unknown(_),
                    ..
                } => {
                    out.push(format!(
                        "{a}: {} on `{res}`: {}",
                        p.action,
                        d.reason().unwrap_or_default()
                    ));
                }
                _ => {}
            }
        }
        for x in &t.cross_account {
            if let Some(r) = fact_reason(&x.cross) {
                out.push(format!(
                    "{a}: whether the image of container {} is in another account: {r}",
                    x.container
                ));
            } else if x.repository_policy.is_none() {
                out.push(format!(
                    "{a}: the image of container {} is in account `{}`, whose repository policy is not visible",
                    x.container,
                    x.account.render_pattern().unwrap_or_default()
                ));
            }
        }
    }
    out
}
