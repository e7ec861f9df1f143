//! The input format of a unit: which frontend read it. Every stage after the frontends reads it
//! (the graph keeps it, rules pick the fix's language by it, reports name it).

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Terraform,
    Plan,
    #[serde(rename = "cloudformation")]
    CloudFormation,
    /// An ECS task definition JSON (`register-task-definition` input, `describe-task-definition`
    /// output).
    #[serde(rename = "task-definition")]
    TaskDefinition,
}
