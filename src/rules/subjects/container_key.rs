//! The `container-key` subject: one key of a container definition that ECS does not know
//! (`key.*`), with the suggestion of a known key.

use crate::analysis::task::UnknownKey;
use crate::base::Format;
use crate::graph::Graph;
use crate::rules::value::Probe;

use super::Instance;

pub(super) const KEY: &[&str] = &[
    "key.name",
    "key.suggestion",
    "key.has_suggestion",
    "key.image_pull_behavior",
    "key.at",
];

/// One key of a container definition that ECS does not know, named with its container.
pub(super) fn instance(
    g: &Graph,
    mut i: Instance,
    cfacts: &[(&'static str, Probe)],
    k: &UnknownKey,
) -> Instance {
    i.set("container.name", cfacts[0].1.clone());
    i.set("key.name", Probe::str(&k.written, k.span));
    // CloudFormation spells the keys in PascalCase (`Secrets`), JSON in camelCase.
    let spelled = |s: &str| {
        if g.format == Some(Format::CloudFormation) {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        } else {
            s.to_string()
        }
    };
    i.set(
        "key.suggestion",
        match k.suggestion {
            Some(s) => Probe::str(spelled(s), k.span),
            None => Probe::absent(),
        },
    );
    i.set(
        "key.has_suggestion",
        Probe::bool(k.suggestion.is_some(), k.span),
    );
    i.set(
        "key.image_pull_behavior",
        Probe::bool(k.image_pull_behavior, k.span),
    );
    i.set("key.at", Probe::loc(k.span));
    i
}
