//! Pull-path analysis: facts derived from the resource graph (today: the IAM policy evaluator).

pub mod fact;
pub mod iam;
pub mod network;

pub use fact::Fact;
