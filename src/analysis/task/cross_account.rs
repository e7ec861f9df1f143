//! ECR images of another account: the repository, whether its policy is visible, and whether it
//! grants the execution role the pull (FGP050).

use crate::analysis::iam::{self, Decision, PrincipalQuery};
use crate::analysis::Fact;
use crate::base::{Symbol, Val, Value};
use crate::graph::{path_under, Graph, Kind, NodeId};

use super::permissions::GraphIds;
use super::{account_sym, image, Container, CrossAccount, ExecutionRole, Image};

pub(super) fn cross_account(
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
