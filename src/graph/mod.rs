//! The resource graph: format-agnostic. Each frontend [`crate::frontends::Unit`] becomes a
//! [`Graph`] whose nodes are resources of a [`Kind`] with canonical snake_case fields (one table
//! row per fact, read from the Terraform or the CloudFormation spelling: `table.rs`), and whose
//! edges are the references between them plus the joins the domain makes by name (a role by its
//! name, a secret by its ARN, a log group by its name...). The analysis reads only this.
//!
//! Inline parts that are resources of their own in the other format are split into nodes of
//! their own (`parent#part[i]`): route-table `route {}` blocks, `AWS::Events::Rule` targets,
//! role `managed_policy_arns`/`ManagedPolicyArns` and `inline_policy`/`Policies`,
//! `AWS::IAM::ManagedPolicy.Roles`, `AWS::ECR::Repository.RepositoryPolicyText`,
//! `AWS::SecretsManager::Secret.SecretString`, Terraform network-ACL blocks and `subnet_ids`.
//!
//! # Reading the graph (for the analysis)
//!
//! - Fields: `table.rs` lists every canonical field of every kind and where it comes from.
//!   Absent = not written and no documented default; a default is present with no span and its
//!   path is in [`Node::defaults`]. Unknown values stay `Val::Unknown`, never defaulted.
//! - Booleans are booleans (`AssignPublicIp: ENABLED` → `true`), ports and counts numbers,
//!   protocols names (`6` → `tcp`, `all` → `-1`), Terraform blocks maps (their first element).
//! - Security-group rules, wherever written, are lists of `{protocol, from_port, to_port, <peer>,
//!   description}` with exactly one peer among `cidr_ipv4`, `cidr_ipv6`, `prefix_list_id`,
//!   `security_group_id`, `security_group_name`, `self` (ports absent for protocol `-1`). A group's
//!   rules = its `ingress`/`egress` plus the `rules` of the [`Kind::SecurityGroupRule`] nodes
//!   whose `security_group_id` edge points at it (with their `direction`).
//! - Policy documents (`policy`, `assume_role_policy`, endpoint and repository policies) have
//!   `Statement` as a list, `Action`/`NotAction`/`Resource`/`NotResource` as lists, `Principal`
//!   as type → list (`"*"` → `{"AWS": ["*"]}`), `Condition` as operator → key → list. A field that
//!   refers to a `data "aws_iam_policy_document"` stays a reference (with its resolved document
//!   normalised when the frontend rendered it) and has an edge to the document node.
//! - `container_definitions` is a list of containers with the ECS API's camelCase keys (values of
//!   `options`/`dockerLabels` as written); [`Node::written_keys`] keeps the written spelling and
//!   span of renamed keys (every key for CloudFormation), for FGP050/FGP052.
//! - A role's permissions: [`Kind::RolePolicy`] nodes and [`Kind::PolicyAttachment`] nodes with
//!   an edge from `roles[i]` to the role, then `policy_arns[i]` → [`Kind::ManagedPolicy`] (or a
//!   literal ARN with no edge: an AWS-managed or external policy).
//! - Edges: [`Graph::targets`] (`node.field` → nodes), [`Graph::referrers`] (nodes of a kind
//!   pointing at a node). [`Edge::via`] says whether a reference, a name match or a synthesised
//!   parent link made it; [`Edge::attr`] which attribute was referenced (`prefix_list_id`...).
//!   [`Graph::dangling`] lists references to resources outside the unit.

mod build;
mod json;
mod kinds;
mod model;
mod normalize;
mod shape;
mod table;

#[cfg(test)]
mod e2e_tests;
#[cfg(test)]
mod tests;

pub use build::{build, build_with_sources, strip_index};
pub use json::{to_json, to_text};
pub use kinds::{kind_of, Kind, TYPES};
pub use model::{lookup, path_under, Dangling, Edge, Graph, Node, NodeId, Via, WrittenKey};
pub use normalize::{container_key, CONTAINER_DEFINITION_KEYS};
pub use shape::Shape;

/// The graph's nodes carry the frontends' resource mode and format.
pub use crate::frontends::Mode;
