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

mod build;
mod json;
mod kinds;
mod model;
mod normalize;
mod shape;
mod table;

#[cfg(test)]
mod equivalence_tests;
#[cfg(test)]
mod tests;

pub use build::{build, strip_index};
pub use json::{to_json, to_text};
pub use kinds::{kind_of, Kind, TYPES};
pub use model::{lookup, path_under, Dangling, Edge, Graph, Node, NodeId, Via, WrittenKey};
pub use normalize::container_key;
pub use shape::Shape;
