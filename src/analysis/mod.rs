//! Pull-path analysis: facts derived from the resource graph, each Known, Unknown(reason) or
//! Absent. `iam` evaluates policies; `task` says what each task definition needs and what its
//! execution role grants; `network` follows each run site's subnets, routes, endpoints and
//! security groups. The rules (next) read only these facts.

pub mod fact;
pub mod iam;
pub mod network;
pub mod task;

pub use fact::Fact;
