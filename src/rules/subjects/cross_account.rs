//! The `cross-account` subject: one ECR image of another account (`image.*`,
//! `repository.*`): whether the repository's policy is visible and grants the pull.

use crate::analysis::task::{Container, CrossAccount, TaskFact};
use crate::analysis::Fact;
use crate::graph::Graph;
use crate::rules::value::Probe;

use super::container::container_facts;
use super::{cites_at, pattern, Instance};

pub(super) const CROSS: &[&str] = &[
    "image.account",
    "image.repository",
    "image.cross_account",
    "repository.policy_visible",
    "repository.grants_pull",
];

/// One ECR image of another account, with the facts of its container.
pub(super) fn instance(
    g: &Graph,
    t: &TaskFact,
    c: &Container,
    x: &CrossAccount,
    mut i: Instance,
) -> Instance {
    i.facts.extend(container_facts(g, t, c));
    let at = c.image.clone().map(|_| ());
    let img_at = match &at {
        Fact::Known { at, .. } | Fact::Unknown { at, .. } => *at,
        Fact::Absent => None,
    };
    i.set("image.account", Probe::str(pattern(&x.account), img_at));
    let repo = c
        .image
        .value()
        .and_then(|im| im.ecr())
        .map(|e| pattern(&e.repository))
        .unwrap_or_else(|| "⟨?⟩".into());
    i.set("image.repository", Probe::str(repo, img_at));
    i.set("image.cross_account", Probe::from_bool(&x.cross));
    match &x.repository_policy {
        Some((node, pull)) => {
            let at = Some(g.node(*node).span);
            i.set("repository.policy_visible", Probe::bool(true, at));
            let d = pull.overall();
            let mut p = Probe::from_bool(&x.grants_pull);
            p.at.extend(cites_at(&d, |_| "the repository policy".into()));
            i.set("repository.grants_pull", p);
        }
        None => {
            i.set("repository.policy_visible", Probe::bool(false, img_at));
            i.set("repository.grants_pull", Probe::absent());
        }
    }
    i
}
