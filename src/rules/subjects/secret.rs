//! The `secret` subject: one secret or parameter a container reads at start (`secret.*`).

use crate::analysis::task::{Container, SecretRef, SecretStore, SecretUse};
use crate::rules::value::{Known, Probe};

use super::{pattern, Instance};

pub(super) const SECRET: &[&str] = &["secret.usage", "secret.store", "secret.value", "secret.at"];

pub(super) fn secret_ref<'a>(c: &'a Container, path: &str) -> Option<&'a SecretRef> {
    c.secrets
        .iter()
        .chain(c.repository_credentials.iter())
        .find(|s| s.path == path)
}

pub(super) fn secret_facts(i: &mut Instance, s: &SecretRef) {
    i.set(
        "secret.store",
        Probe::from_fact(&s.store, |st| {
            Known::Str(
                match st {
                    SecretStore::SecretsManager => "secretsmanager",
                    SecretStore::Ssm => "ssm",
                }
                .into(),
            )
        }),
    );
    let usage = match s.usage {
        SecretUse::Env => "env",
        SecretUse::LogOption => "log-option",
        SecretUse::RegistryCredentials => "registry-credentials",
    };
    i.set("secret.usage", Probe::str(usage, s.value.span));
}

/// One secret or parameter of a container, with the facts of its container.
pub(super) fn instance(
    mut i: Instance,
    cfacts: &[(&'static str, Probe)],
    s: &SecretRef,
) -> Instance {
    i.facts.extend(cfacts.iter().cloned());
    secret_facts(&mut i, s);
    i.set("secret.value", Probe::str(pattern(&s.value), s.value.span));
    i.set("secret.at", Probe::loc(s.value.span));
    i
}
