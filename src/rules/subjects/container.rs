//! The facts of one container (`container.*`), shared by the subjects that live in a container
//! definition (permission, secret, cross-account).

use crate::analysis::task::{Container, Image, TaskFact};
use crate::graph::Graph;
use crate::rules::value::{Known, Probe};

use super::pattern;

pub(super) const CONTAINER: &[&str] =
    &["container.name", "container.image", "container.image_class"];

fn image_class(i: &Image) -> &'static str {
    match i {
        Image::Ecr(_) => "ecr",
        Image::EcrDualStack(_) => "ecr-dualstack",
        Image::EcrPullThroughCache { .. } => "ecr-ptc",
        Image::EcrPublic { .. } => "ecr-public",
        Image::External { .. } => "external",
    }
}

pub(super) fn image_text(g: &Graph, t: &TaskFact, c: &Container) -> String {
    g.node(t.node)
        .field(&format!("{}.image", c.path))
        .map(pattern)
        .unwrap_or_else(|| "⟨?⟩".into())
}

pub(super) fn container_facts(
    g: &Graph,
    t: &TaskFact,
    c: &Container,
) -> Vec<(&'static str, Probe)> {
    let name = c
        .name
        .clone()
        .unwrap_or_else(|| format!("#{}", c.index + 1));
    vec![
        ("container.name", Probe::str(name, c.span)),
        (
            "container.image",
            Probe::from_fact(&c.image, |_| Known::Str(image_text(g, t, c))),
        ),
        (
            "container.image_class",
            Probe::from_fact(&c.image, |i| Known::Str(image_class(i).into())),
        ),
    ]
}
