//! Building a graph from a unit: normalise each resource (splitting inline parts into their own
//! nodes), index the nodes, then turn references and name matches into edges. Every step is a
//! pass over the resources with hash lookups: O(n) in resources (times their size).

use std::collections::{HashMap, HashSet};

use crate::base::value::UNKNOWN_PART;
use crate::base::{Map, Ref, SourceMap, Span, Val, Value};
use crate::frontends::{Mode, Resource, Unit};

use super::kinds::{kind_of, Kind};
use super::model::{path_under, Dangling, Edge, Graph, Node, NodeId, Via};
use super::normalize::{apply, convert, find, Cx};
use super::table::{rows, Conv};

/// Builds the graph of one unit. Pure: no I/O.
pub fn build(unit: &Unit) -> Graph {
    build_with_sources(unit, None)
}

/// [`build`], with the source texts that let positions inside JSON held in strings (escaped,
/// in heredocs, in templates) point at the source rather than at the whole string.
pub fn build_with_sources(unit: &Unit, sources: Option<&SourceMap>) -> Graph {
    let mut b = Builder {
        sources,
        g: Graph {
            unit: unit.name.clone(),
            format: unit.format,
            region: unit.region.clone(),
            elsewhere: unit.elsewhere.clone(),
            ..Graph::default()
        },
        links: HashMap::new(),
        instances: HashMap::new(),
    };
    for res in &unit.resources {
        b.add_resource(res);
    }
    b.index();
    b.ref_edges();
    b.name_joins();
    b.adjacency();
    b.g.unread = unread(&b.g);
    for d in &mut b.g.diagnostics {
        if d.span.is_none() && d.file.is_none() {
            d.file = Some(unit.root.clone());
        }
    }
    b.g
}

/// See [`Graph::unread`]. A nested stack that was read has resources named `Stack/Logical`.
fn unread(g: &Graph) -> Vec<NodeId> {
    let loaded: std::collections::HashSet<&str> = g
        .nodes
        .iter()
        .filter_map(|n| n.address.rsplit_once('/').map(|(stack, _)| stack))
        .collect();
    g.nodes
        .iter()
        .filter(|n| {
            n.rtype == "module"
                || (matches!(
                    n.rtype.as_str(),
                    "AWS::CloudFormation::Stack" | "AWS::Serverless::Application"
                ) && !loaded.contains(n.address.as_str()))
        })
        .map(|n| n.id)
        .collect()
}

struct Builder<'s> {
    sources: Option<&'s SourceMap>,
    g: Graph,
    /// `(child, field)`: the field of a synthesised node that points at its parent.
    links: HashMap<NodeId, Vec<String>>,
    /// Un-indexed address → its instances (`aws_subnet.private` → `aws_subnet.private[0]`, ...).
    instances: HashMap<String, Vec<NodeId>>,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn new_node(
        &mut self,
        address: String,
        rtype: &str,
        kind: Kind,
        mode: Mode,
        span: Span,
        exists: Option<Value>,
        parent: Option<NodeId>,
    ) -> NodeId {
        let id = self.g.nodes.len();
        self.g.nodes.push(Node {
            id,
            address,
            rtype: rtype.to_string(),
            kind,
            mode,
            span,
            exists,
            fields: Map::new(),
            defaults: Default::default(),
            written_keys: Vec::new(),
            parent,
        });
        id
    }

    /// Normalises `src` with the rows of the node's kind into its fields.
    fn fill(&mut self, id: NodeId, src: &Map, span: Option<Span>, cfn: bool) {
        let node = &self.g.nodes[id];
        let Some(rows) = rows(node.kind) else {
            self.g.nodes[id].fields = src.clone();
            return;
        };
        let rtype = node.rtype.clone();
        let mut cx = Cx::new(cfn, node.mode == Mode::Managed, &rtype).with_sources(self.sources);
        let mut fields = apply(rows, src, span, "", &mut cx);
        prune_exclusive(node.kind, &mut fields);
        let node = &mut self.g.nodes[id];
        node.fields = fields;
        node.defaults = cx.defaults;
        node.written_keys = cx.written_keys;
        self.g.diagnostics.append(&mut cx.diagnostics);
    }

    fn add_resource(&mut self, res: &Resource) {
        let cfn = res.rtype.contains("::");
        let kind = kind_of(&res.rtype, res.mode);
        let id = self.new_node(
            res.address.clone(),
            &res.rtype,
            kind,
            res.mode,
            res.span,
            res.exists.clone(),
            None,
        );
        self.fill(id, &res.attrs, Some(res.span), cfn);
        self.synthesise(id, &res.attrs, cfn);
    }

    fn child(&mut self, parent: NodeId, part: &str, kind: Kind, span: Option<Span>) -> NodeId {
        let p = &self.g.nodes[parent];
        let (address, rtype, mode, pspan, exists) = (
            format!("{}#{part}", p.address),
            p.rtype.clone(),
            p.mode,
            p.span,
            p.exists.clone(),
        );
        self.new_node(
            address,
            &rtype,
            kind,
            mode,
            span.unwrap_or(pspan),
            exists,
            Some(parent),
        )
    }

    /// Sets a field written by the synthesis (not a default).
    fn set(&mut self, id: NodeId, key: &str, key_span: Option<Span>, v: Value) {
        let n = &mut self.g.nodes[id];
        n.defaults.remove(key);
        n.fields.insert(key, key_span, v);
    }

    /// Sets the field of a synthesised node that designates its parent.
    fn link(&mut self, child: NodeId, key: &str, v: Value) {
        self.set(child, key, None, v);
        self.links.entry(child).or_default().push(key.to_string());
    }

    /// A reference to a parent, resolved to its canonical name when `attr` is `name`.
    fn parent_ref(&self, parent: NodeId, attr: &str, span: Option<Span>) -> Value {
        let p = &self.g.nodes[parent];
        let resolved = if attr == "name" {
            p.fields.get("name").cloned()
        } else {
            None
        };
        Value::new(
            Val::Ref(Box::new(Ref {
                target: p.address.clone(),
                attr: attr.to_string(),
                resolved,
            })),
            span,
        )
    }

    /// Inline parts that are resources of their own in the other format become nodes, so that
    /// the analysis sees one form: routes, event targets, role policies and attachments,
    /// repository policies, secret values, network ACL rules and associations.
    fn synthesise(&mut self, id: NodeId, attrs: &Map, cfn: bool) {
        let kind = self.g.nodes[id].kind;
        let pick = |tf: &str, c: &str| find(attrs, if cfn { c } else { tf });
        match kind {
            Kind::RouteTable | Kind::DefaultRouteTable if !cfn => {
                if let Some((ks, v)) = pick("route", "") {
                    self.split_list(
                        id,
                        ks,
                        v,
                        "route",
                        "routes",
                        Kind::Route,
                        cfn,
                        |b, c, sp| {
                            let r = b.parent_ref(id, "id", sp);
                            b.link(c, "route_table_id", r);
                        },
                    );
                }
            }
            Kind::EventRule if cfn => {
                if let Some((ks, v)) = pick("", "Targets") {
                    self.split_list(
                        id,
                        ks,
                        v,
                        "targets",
                        "targets",
                        Kind::EventTarget,
                        cfn,
                        |b, c, sp| {
                            let r = b.parent_ref(id, "", sp);
                            b.link(c, "rule", r);
                        },
                    );
                }
            }
            Kind::IamRole => {
                if let Some((ks, v)) = pick("managed_policy_arns", "ManagedPolicyArns") {
                    match &v.kind {
                        Val::List(l) if l.is_empty() => {}
                        Val::List(_) => {
                            let c = self.child(
                                id,
                                "managed_policy_arns",
                                Kind::PolicyAttachment,
                                ks.or(v.span),
                            );
                            let r = self.parent_ref(id, "name", None);
                            self.link(c, "roles", Value::new(Val::List(vec![r]), None));
                            self.set(c, "policy_arns", ks, v.clone());
                        }
                        _ => self.set(id, "managed_policy_arns", ks, v.clone()),
                    }
                }
                if let Some((ks, v)) = pick("inline_policy", "Policies") {
                    self.split_list(
                        id,
                        ks,
                        v,
                        "inline_policy",
                        "inline_policy",
                        Kind::RolePolicy,
                        cfn,
                        |b, c, _| {
                            let r = b.parent_ref(id, "name", None);
                            b.link(c, "roles", Value::new(Val::List(vec![r]), None));
                        },
                    );
                }
            }
            Kind::ManagedPolicy if cfn => {
                if let Some((ks, v)) = pick("", "Roles") {
                    let c = self.child(id, "roles", Kind::PolicyAttachment, ks.or(v.span));
                    let mut cx = Cx::new(cfn, true, "").with_sources(self.sources);
                    if let Some(roles) = convert(Conv::List, v, "roles", &mut cx) {
                        self.set(c, "roles", ks, roles);
                    }
                    let r = self.parent_ref(id, "", None);
                    self.link(c, "policy_arns", Value::new(Val::List(vec![r]), None));
                }
            }
            Kind::EcrRepository if cfn => {
                if let Some((ks, v)) = pick("", "RepositoryPolicyText") {
                    let c = self.child(id, "policy", Kind::EcrRepositoryPolicy, ks.or(v.span));
                    let r = self.parent_ref(id, "", None);
                    self.link(c, "repository", r);
                    let mut cx = Cx::new(cfn, true, "").with_sources(self.sources);
                    if let Some(p) = convert(Conv::Policy, v, "policy", &mut cx) {
                        self.set(c, "policy", ks, p);
                    }
                    self.g.diagnostics.append(&mut cx.diagnostics);
                }
            }
            Kind::Secret if cfn => {
                if let Some((ks, v)) = pick("", "SecretString") {
                    let c = self.child(id, "secret_string", Kind::SecretVersion, ks.or(v.span));
                    let r = self.parent_ref(id, "", None);
                    self.link(c, "secret_id", r);
                    self.set(c, "secret_string", ks, v.clone());
                }
            }
            Kind::NetworkAcl if !cfn => {
                for (dir, egress) in [("ingress", false), ("egress", true)] {
                    if let Some((ks, v)) = pick(dir, "") {
                        self.split_list(
                            id,
                            ks,
                            v,
                            dir,
                            dir,
                            Kind::NetworkAclRule,
                            cfn,
                            |b, c, sp| {
                                let r = b.parent_ref(id, "id", sp);
                                b.link(c, "network_acl_id", r);
                                b.set(c, "egress", ks, Value::new(Val::Bool(egress), None));
                            },
                        );
                    }
                }
                if let Some((ks, v)) = pick("subnet_ids", "") {
                    match &v.kind {
                        Val::List(items) => {
                            for (i, it) in items.iter().enumerate() {
                                let c = self.child(
                                    id,
                                    &format!("subnet_ids[{i}]"),
                                    Kind::NetworkAclAssociation,
                                    it.span.or(ks),
                                );
                                let r = self.parent_ref(id, "id", None);
                                self.link(c, "network_acl_id", r);
                                self.set(c, "subnet_id", ks, it.clone());
                            }
                        }
                        _ => self.set(id, "subnet_ids", ks, v.clone()),
                    }
                }
            }
            _ => {}
        }
    }

    /// One node per map of a list (`part[i]`), normalised with the rows of `kind`, then `then`
    /// links it to the parent. A list that is not known stays on the parent as `field`.
    #[allow(clippy::too_many_arguments)]
    fn split_list(
        &mut self,
        parent: NodeId,
        key_span: Option<Span>,
        v: &Value,
        part: &str,
        field: &str,
        kind: Kind,
        cfn: bool,
        then: impl Fn(&mut Builder, NodeId, Option<Span>),
    ) {
        match &v.kind {
            Val::List(items) => {
                for (i, it) in items.iter().enumerate() {
                    let Val::Map(m) = &it.kind else {
                        self.set(parent, field, key_span, v.clone());
                        continue;
                    };
                    // Plan output lists unset inline policies as `{name = "", policy = ""}`.
                    if m.iter()
                        .all(|(_, x)| matches!(&x.kind, Val::Null) || x.as_str() == Some(""))
                    {
                        continue;
                    }
                    let c = self.child(parent, &format!("{part}[{i}]"), kind, it.span.or(key_span));
                    self.fill(c, m, it.span, cfn);
                    then(self, c, it.span);
                }
            }
            _ => self.set(parent, field, key_span, v.clone()),
        }
    }

    fn index(&mut self) {
        for n in &self.g.nodes {
            self.g.by_address.entry(n.address.clone()).or_insert(n.id);
            self.g.by_kind.entry(n.kind).or_default().push(n.id);
            if let Some(base) = strip_index(&n.address) {
                self.instances
                    .entry(base.to_string())
                    .or_default()
                    .push(n.id);
            }
        }
    }

    /// The nodes a reference designates: the exact address, else every instance of an
    /// un-indexed address, else the un-indexed resource of an indexed reference. `None` for
    /// CloudFormation pseudo parameters (not resources).
    fn resolve(&self, target: &str) -> Option<Vec<NodeId>> {
        if target.starts_with("AWS::") {
            return None;
        }
        if let Some(&id) = self.g.by_address.get(target) {
            return Some(vec![id]);
        }
        if let Some(ids) = self.instances.get(target) {
            return Some(ids.clone());
        }
        if let Some(&id) = strip_index(target).and_then(|b| self.g.by_address.get(b)) {
            return Some(vec![id]);
        }
        Some(vec![])
    }

    fn ref_edges(&mut self) {
        let mut found = Vec::new();
        for n in &self.g.nodes {
            for e in &n.fields.entries {
                walk_refs(&e.value, &e.key, &mut |path, r, span| {
                    found.push((
                        n.id,
                        path.to_string(),
                        r.target.clone(),
                        r.attr.clone(),
                        span,
                    ));
                });
            }
        }
        for (from, field, target, attr, span) in found {
            let Some(ids) = self.resolve(&target) else {
                continue;
            };
            if ids.is_empty() {
                self.g.dangling.push(Dangling {
                    from,
                    field,
                    target,
                    attr,
                    span,
                });
                continue;
            }
            let parent = self.g.nodes[from].parent;
            let via = if ids.len() == 1
                && parent == Some(ids[0])
                && self
                    .links
                    .get(&from)
                    .is_some_and(|fs| fs.iter().any(|f| path_under(&field, f)))
            {
                Via::Parent
            } else {
                Via::Ref
            };
            for to in ids {
                self.g.edges.push(Edge {
                    from,
                    to,
                    field: field.clone(),
                    attr: attr.clone(),
                    via,
                    span,
                });
            }
        }
    }

    fn name_joins(&mut self) {
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

    fn adjacency(&mut self) {
        let n = self.g.nodes.len();
        self.g.out_edges = vec![Vec::new(); n];
        self.g.in_edges = vec![Vec::new(); n];
        for (i, e) in self.g.edges.iter().enumerate() {
            self.g.out_edges[e.from].push(i);
            self.g.in_edges[e.to].push(i);
        }
    }
}

/// Fields of which a resource has exactly one. When one is written, unknown siblings are the
/// provider's computed attributes (a plan's "known after apply"), not alternatives: a route has
/// one destination and one target [V TF aws_route doc "exactly one of"; CFN AWS::EC2::Route].
const EXCLUSIVE: &[(Kind, &[&str])] = &[
    (
        Kind::Route,
        &[
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
        ],
    ),
    (
        Kind::Route,
        &[
            "gateway_id",
            "nat_gateway_id",
            "transit_gateway_id",
            "network_interface_id",
            "vpc_endpoint_id",
            "vpc_peering_connection_id",
            "egress_only_gateway_id",
            "carrier_gateway_id",
            "local_gateway_id",
            "core_network_arn",
            "instance_id",
        ],
    ),
];

fn prune_exclusive(kind: Kind, fields: &mut Map) {
    for (k, group) in EXCLUSIVE {
        if *k != kind {
            continue;
        }
        let written = |v: &Value| !matches!(v.kind, Val::Unknown(_));
        if group.iter().any(|f| fields.get(f).is_some_and(written)) {
            fields
                .entries
                .retain(|e| !group.contains(&e.key.as_str()) || written(&e.value));
        }
    }
}

/// `aws_subnet.private[0]` → `aws_subnet.private`; `x["a.b"]` → `x`; `None` when not indexed.
pub fn strip_index(address: &str) -> Option<&str> {
    if !address.ends_with(']') {
        return None;
    }
    let open = match address.strip_suffix("\"]") {
        Some(inner) => inner.rfind("[\"")?,
        None => address.rfind('[')?,
    };
    Some(&address[..open])
}

/// Calls `f(path, ref, span)` for every reference in a value; `path` is the canonical path
/// (`network_configuration.subnets[0]`). Parts of templates and alternatives share the path of
/// the value they are in.
pub fn walk_refs<'a>(v: &'a Value, path: &str, f: &mut dyn FnMut(&str, &'a Ref, Option<Span>)) {
    match &v.kind {
        // Not into `resolved`: the references inside a referenced value (a whole resource, a
        // rendered policy document) belong to its own node, which has those edges.
        Val::Ref(r) => f(path, r, v.span),
        Val::List(l) => {
            for (i, x) in l.iter().enumerate() {
                walk_refs(x, &format!("{path}[{i}]"), f);
            }
        }
        Val::Template(l) | Val::Choice(l) => l.iter().for_each(|x| walk_refs(x, path, f)),
        Val::Map(m) => {
            for e in &m.entries {
                walk_refs(&e.value, &format!("{path}.{}", e.key), f);
            }
        }
        Val::Encoded(x) => walk_refs(x, path, f),
        _ => {}
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
