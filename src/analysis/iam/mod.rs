//! An IAM policy evaluator of our own, three-valued: a question about a set of policies is
//! answered *allowed*, *denied*, *not allowed* (proven: no statement allows it) or *unknown*, and
//! every answer carries the statements that decided it, so that findings can point at them.
//!
//! Policy documents come already normalised by the graph (`Statement` a list of maps; `Action`,
//! `NotAction`, `Resource`, `NotResource` lists; `Principal` a map of type → list; `Condition`
//! operator → key → list); single strings are accepted too. Any part may be unknown, a template
//! with unknown parts, or a reference: see [`pattern`] for how such strings are matched.
//!
//! Semantics (identity policies, [`evaluate`]):
//! - an explicit `Deny` that applies wins over every `Allow`;
//! - `Action`/`NotAction` are matched case-insensitively, `Resource`/`NotResource` case-sensitively,
//!   with IAM's wildcards `*` and `?` (in a resource ARN, a `*` matches no `:` unless it is the
//!   last character of its colon-separated segment; policy variables such as `${aws:username}`
//!   are request-time values in version 2012-10-17 documents);
//! - a statement with a `Condition` is never a proven allow nor a proven deny: it makes the answer
//!   unknown, with the condition keys listed — except `aws:SecureTransport` under `Bool`, which is
//!   decided, since every call on the pull path is made over HTTPS;
//! - [`Decision::NotAllowed`] is given only when no statement could allow the request: every
//!   statement that might matter is known well enough to exclude it.
//!
//! Trust policies ([`can_assume`]) and ECR repository policies ([`repository_grants_pull`]) use the
//! same statement semantics, with a principal to match.
//!
//! `Symbol` parts (Region, account id, partition) are taken to stand for the same value wherever
//! they appear: ask questions about one deployment unit at a time.

mod eval;
pub mod managed;
pub mod pattern;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::base::source::Span;
use crate::base::value::Value;

pub use eval::{
    can_assume, ecs_tasks_can_assume, evaluate, evaluate_in, repository_grants_pull,
    repository_grants_pull_in,
};
pub use managed::{
    check_managed_arn, is_known_managed_name, managed_policy, suggest_managed_arn, ManagedArn,
};
pub use pattern::{Identities, NoIdentities};

/// The service principal of ECS tasks (the execution role's trust).
pub const ECS_TASKS_SERVICE: &str = "ecs-tasks.amazonaws.com";

/// One policy document and where it comes from.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'a> {
    /// How findings name it: a resource address (`aws_iam_role_policy.exec`), a logical id, or a
    /// managed policy ARN.
    pub label: &'a str,
    /// Where it is attached or declared (for a managed policy: the ARN in the attachment), used
    /// when its statements have no span of their own.
    pub origin: Option<Span>,
    pub document: &'a Value,
}

/// A statement (or a whole document, when its statements are not known) that decided an answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Cite {
    /// Index of the policy in the slice given to the evaluator.
    pub policy: usize,
    pub label: String,
    /// Index of the statement in `Statement`; `None` when the statement list itself is unknown.
    pub statement: Option<usize>,
    pub sid: Option<String>,
    /// The statement's span (`None` for managed policies and synthesised documents).
    pub span: Option<Span>,
    /// The policy's origin span.
    pub origin: Option<Span>,
}

impl Cite {
    /// The span to point at: the statement's, else the policy's origin.
    pub fn best_span(&self) -> Option<Span> {
        self.span.or(self.origin)
    }
}

impl fmt::Display for Cite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.sid, self.statement) {
            (Some(sid), _) => write!(f, "statement \"{sid}\" of {}", self.label),
            (None, Some(i)) => write!(f, "statement {} of {}", i + 1, self.label),
            (None, None) => write!(f, "{}", self.label),
        }
    }
}

/// A condition that a statement is subject to: operator and key (`StringEquals`,
/// `aws:SourceVpc`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CondKey {
    pub operator: String,
    pub key: String,
}

impl fmt::Display for CondKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.operator, self.key)
    }
}

/// Which way a statement that could not be decided would go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaning {
    /// An `Allow` that might apply.
    MightAllow,
    /// A `Deny` that might apply.
    MightDeny,
    /// The effect itself is not known.
    Either,
}

/// One statement that leaves an answer open, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Doubt {
    pub cite: Cite,
    pub leaning: Leaning,
    /// In words: "allowed only under condition StringEquals aws:SourceVpc", "Resource
    /// `arn:aws:ecr:⟨?⟩:…` may or may not match".
    pub why: String,
    /// The statement's conditions, when they are what leaves it open.
    pub conditions: Vec<CondKey>,
}

/// Why an answer is unknown: the statements that could change it.
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertain {
    pub doubts: Vec<Doubt>,
}

impl Uncertain {
    /// Every condition key involved.
    pub fn conditions(&self) -> impl Iterator<Item = &CondKey> {
        self.doubts.iter().flat_map(|d| d.conditions.iter())
    }
    /// True when every doubt is an `Allow` that would apply but for its conditions.
    pub fn only_conditions(&self) -> bool {
        self.doubts
            .iter()
            .all(|d| d.leaning == Leaning::MightAllow && !d.conditions.is_empty())
    }
}

impl fmt::Display for Uncertain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.doubts.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{} ({})", d.why, d.cite)?;
        }
        Ok(())
    }
}

/// The answer to "is this action allowed on this resource?".
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Proven allowed, by these statements (all those that allow it), and no deny might apply.
    Allowed { by: Vec<Cite> },
    /// Proven denied by these explicit `Deny` statements.
    Denied { by: Vec<Cite> },
    /// No statement allows it, and none might. `near` lists the `Allow` statements whose action
    /// matches but whose resource (or principal) provably does not, e.g. a repository-scoped
    /// `ecr:GetAuthorizationToken`.
    NotAllowed { near: Vec<Cite> },
    /// Not decidable statically.
    Unknown(Uncertain),
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }
    /// Proven not allowed (explicitly denied or never allowed).
    pub fn is_refused(&self) -> bool {
        matches!(self, Decision::Denied { .. } | Decision::NotAllowed { .. })
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Decision::Unknown(_))
    }
    /// The statements that decided the answer (for Unknown: those that left it open).
    pub fn cites(&self) -> Vec<&Cite> {
        match self {
            Decision::Allowed { by } | Decision::Denied { by } => by.iter().collect(),
            Decision::NotAllowed { near } => near.iter().collect(),
            Decision::Unknown(u) => u.doubts.iter().map(|d| &d.cite).collect(),
        }
    }
    /// Why the answer is unknown, in words; `None` for a decided answer.
    pub fn reason(&self) -> Option<String> {
        match self {
            Decision::Unknown(u) => Some(u.to_string()),
            _ => None,
        }
    }
}

/// The answer to "may this service principal assume the role?".
#[derive(Clone, Debug, PartialEq)]
pub enum TrustDecision {
    /// An unconditional `Allow` of `sts:AssumeRole` for the principal.
    Trusted {
        by: Vec<Cite>,
    },
    /// Allowed, but only under conditions (usually `aws:SourceAccount` / `aws:SourceArn`, which
    /// are legitimate and satisfied when the role is used by the same account's tasks).
    TrustedUnderConditions {
        by: Vec<Cite>,
        conditions: Vec<CondKey>,
    },
    Denied {
        by: Vec<Cite>,
    },
    /// No statement lets the principal assume the role; `near` lists statements that allow
    /// `sts:AssumeRole` to other principals (e.g. `ecs.amazonaws.com`).
    NotTrusted {
        near: Vec<Cite>,
    },
    Unknown(Uncertain),
}

/// Who asks, for trust and resource policies.
#[derive(Clone, Copy, Debug)]
pub enum PrincipalQuery<'a> {
    /// A service principal (`ecs-tasks.amazonaws.com`).
    Service(&'a str),
    /// An account, as a whole: matched by `*`, the account id and `arn:<partition>:iam::<id>:root`.
    Account {
        partition: &'a Value,
        account: &'a Value,
    },
    /// A role of an account: matched by what matches its account, and by its ARN.
    Role {
        partition: &'a Value,
        account: &'a Value,
        arn: &'a Value,
    },
}

/// What an ECR repository policy grants a principal for a pull.
#[derive(Clone, Debug, PartialEq)]
pub struct RepoPull {
    pub batch_get_image: Decision,
    pub get_download_url_for_layer: Decision,
}

impl RepoPull {
    /// Both actions together: denied or not allowed if either is; unknown if either is; allowed
    /// (by the union of the statements) when both are.
    pub fn overall(&self) -> Decision {
        let (a, b) = (&self.batch_get_image, &self.get_download_url_for_layer);
        match (a, b) {
            (Decision::Denied { .. }, _) => a.clone(),
            (_, Decision::Denied { .. }) => b.clone(),
            (Decision::NotAllowed { .. }, _) => a.clone(),
            (_, Decision::NotAllowed { .. }) => b.clone(),
            (Decision::Unknown(x), Decision::Unknown(y)) => {
                let mut doubts = x.doubts.clone();
                for d in &y.doubts {
                    if !doubts.contains(d) {
                        doubts.push(d.clone());
                    }
                }
                Decision::Unknown(Uncertain { doubts })
            }
            (Decision::Unknown(_), _) => a.clone(),
            (_, Decision::Unknown(_)) => b.clone(),
            (Decision::Allowed { by: x }, Decision::Allowed { by: y }) => {
                let mut by = x.clone();
                for c in y {
                    if !by.contains(c) {
                        by.push(c.clone());
                    }
                }
                Decision::Allowed { by }
            }
        }
    }
}
