//! Pull-path analysis: facts derived from the resource graph, each Known, Unknown(reason) or
//! Absent. `iam` evaluates policies; `task` says what each task definition needs and what its
//! execution role grants; `network` follows each run site's subnets, routes, endpoints and
//! security groups; `path` joins the two for each run site (what the task needs from its VPC
//! against what the VPC offers). The rules read only these facts.

pub mod fact;
pub mod iam;
pub mod network;
pub mod path;
pub mod task;

pub use fact::Fact;
