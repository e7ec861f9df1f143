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

mod containers;
mod cross_account;
mod image;
mod keys;
mod logs;
mod permissions;
mod role;
mod secrets;
mod sites;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use crate::analysis::iam::{Decision, RepoPull, TrustDecision};
use crate::analysis::Fact;
use crate::base::{Span, Symbol, Val, Value};
use crate::frontends::Mode;
use crate::graph::{path_under, Graph, Kind, NodeId, WrittenKey};

use containers::container;
use cross_account::cross_account;
use permissions::permissions;
use sites::{fargate, fargate_only, run_sites};

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
    // A task definition that is not created (its CloudFormation `Condition` is false) is not
    // registered: nothing runs it, nothing is checked. A task definition read by a data source
    // that designates one of the configuration's is that one (its run sites join it); any other
    // is read at apply time.
    let tasks: Vec<TaskFact> = graph
        .of_kind(Kind::TaskDefinition)
        .filter(|n| n.created() != Some(false))
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
