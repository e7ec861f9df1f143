//! The fact vocabulary: what rules may read. Each [`Subject`] is a kind of thing a rule looks at
//! (a task definition, a permission need, a run site, an endpoint as seen from a run site…); an
//! [`Instance`] is one of them with its named facts, taken from the analysis (`TaskFacts`,
//! `NetworkFacts`) without deciding anything: every fact keeps the analysis's Known / Unknown /
//! Absent and its locations. `rules/README.md` documents every name; [`Subject::facts`] is the
//! list the rule loader checks names against.

mod container;
mod container_key;
mod cross_account;
mod endpoint_need;
mod fix;
mod permission;
mod secret;
mod site;
mod site_endpoint;
mod task;

use std::collections::HashMap;

use crate::analysis::iam::Decision;
use crate::analysis::network::{NetworkFacts, RunSite};
use crate::analysis::task::{TaskFact, TaskFacts};
use crate::analysis::Fact;
use crate::base::{Span, Value};
use crate::graph::{Graph, NodeId};

use super::value::Probe;

use container::{container_facts, CONTAINER};
use container_key::KEY;
use cross_account::CROSS;
use endpoint_need::ENDPOINT_NEED;
use fix::{FIX_SITE, FIX_TASK};
use permission::{permission_instances, PERMISSION};
use secret::SECRET;
use site::{site_instances, SITE};
use site_endpoint::{FIX_ENDPOINT, SITE_ENDPOINT};
use task::{task_facts, TASK};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    Task,
    Permission,
    Secret,
    ContainerKey,
    CrossAccount,
    Site,
    EndpointNeed,
    SiteEndpoint,
}

impl Subject {
    pub const ALL: &'static [Subject] = &[
        Subject::Task,
        Subject::Permission,
        Subject::Secret,
        Subject::ContainerKey,
        Subject::CrossAccount,
        Subject::Site,
        Subject::EndpointNeed,
        Subject::SiteEndpoint,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Subject::Task => "task",
            Subject::Permission => "permission",
            Subject::Secret => "secret",
            Subject::ContainerKey => "container-key",
            Subject::CrossAccount => "cross-account",
            Subject::Site => "site",
            Subject::EndpointNeed => "endpoint-need",
            Subject::SiteEndpoint => "site-endpoint",
        }
    }

    pub fn parse(s: &str) -> Option<Subject> {
        Subject::ALL.iter().copied().find(|x| x.name() == s)
    }

    fn groups(self) -> &'static [&'static [&'static str]] {
        match self {
            Subject::Task => &[TASK, FIX_TASK],
            Subject::Permission => &[TASK, FIX_TASK, CONTAINER, PERMISSION],
            Subject::Secret => &[TASK, FIX_TASK, CONTAINER, SECRET],
            Subject::ContainerKey => &[TASK, FIX_TASK, &["container.name"], KEY],
            Subject::CrossAccount => &[TASK, FIX_TASK, CONTAINER, CROSS],
            Subject::Site => &[TASK, FIX_TASK, SITE, FIX_SITE],
            Subject::EndpointNeed => &[TASK, FIX_TASK, SITE, FIX_SITE, ENDPOINT_NEED],
            Subject::SiteEndpoint => &[TASK, FIX_TASK, SITE, FIX_SITE, SITE_ENDPOINT, FIX_ENDPOINT],
        }
    }

    /// Every fact name an instance of this subject has.
    pub fn facts(self) -> Vec<&'static str> {
        self.groups()
            .iter()
            .flat_map(|g| g.iter().copied())
            .collect()
    }

    pub fn has_fact(self, name: &str) -> bool {
        self.groups().iter().any(|g| g.contains(&name))
    }
}

/// One subject instance with its facts.
#[derive(Clone, Debug)]
pub struct Instance {
    pub subject: Subject,
    /// The task definition it is about (for `--explain-unknown`, grouped per task).
    pub task: String,
    /// The resource a finding names, and where it is.
    pub resource: String,
    pub span: Span,
    facts: Vec<(&'static str, Probe)>,
    /// Set when the instance stands for members that are not known (the needs, secrets and keys
    /// of a task whose container definitions cannot be read), with the reason: its facts are
    /// unknown, and it never gives a finding, only unverified checks.
    pub stand_in: Option<String>,
}

impl Instance {
    /// Every fact, by name, the last value of a name winning.
    pub fn facts(&self) -> Vec<(&'static str, &Probe)> {
        let mut out: Vec<(&'static str, &Probe)> = Vec::new();
        for (n, p) in &self.facts {
            match out.iter_mut().find(|(m, _)| m == n) {
                Some(e) => e.1 = p,
                None => out.push((n, p)),
            }
        }
        out
    }
    pub fn get(&self, name: &str) -> Option<&Probe> {
        self.facts
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p)
    }
    fn set(&mut self, name: &'static str, p: Probe) {
        debug_assert!(self.subject.has_fact(name), "{name} on {:?}", self.subject);
        self.facts.push((name, p));
    }
}

/// A value as messages show it (references and constants as `${…}`).
fn pattern(v: &Value) -> String {
    v.render_display().unwrap_or_else(|| "⟨?⟩".into())
}

fn cites_at(d: &Decision, label: impl Fn(&Decision) -> String) -> Vec<(Span, Option<String>)> {
    d.cites()
        .into_iter()
        .filter_map(|c| c.best_span().map(|s| (s, Some(label(d)))))
        .collect()
}

/// Builds every instance of every subject of one graph.
pub fn instances(g: &Graph, tasks: &TaskFacts, net: &NetworkFacts) -> Vec<Instance> {
    let sites = Sites::new(net);
    (tasks.tasks.iter())
        .flat_map(|t| task_instances(g, t, net, &sites))
        .collect()
}

/// The run sites of a unit by node, for [`task_instances`].
pub struct Sites<'a>(HashMap<NodeId, &'a RunSite>);

impl<'a> Sites<'a> {
    pub fn new(net: &'a NetworkFacts) -> Sites<'a> {
        Sites(net.sites.iter().map(|s| (s.node, s)).collect())
    }
}

/// The instances about one task definition, in the order [`instances`] gives them: the rules
/// stage makes them one task at a time, so that a unit of thousands of services never holds
/// them all.
pub fn task_instances(g: &Graph, t: &TaskFact, net: &NetworkFacts, sites: &Sites) -> Vec<Instance> {
    let mut out = Vec::new();
    let base = task_facts(g, t);
    let new = |subject: Subject, resource: &str, span: Span| Instance {
        subject,
        task: t.address.clone(),
        resource: resource.to_string(),
        span,
        facts: base.clone(),
        stand_in: None,
    };
    out.push(new(Subject::Task, &t.address, t.span));
    // Container definitions that cannot be read hide what the task needs: one stand-in per
    // subject that lives in them, all its own facts unknown, so that every check on them is
    // listed as unverified (with the reason) rather than silently absent.
    if let Fact::Unknown { reason, at } = &t.container_definitions {
        let reason = format!("the container definitions are not known: {reason}");
        for (subject, own) in [
            (Subject::Permission, PERMISSION),
            (Subject::Secret, SECRET),
            (Subject::ContainerKey, KEY),
        ] {
            let mut i = new(subject, &t.address, t.span);
            for name in CONTAINER.iter().chain(own) {
                if subject.has_fact(name) {
                    i.set(name, Probe::unknown(reason.clone(), *at));
                }
            }
            i.stand_in = Some(reason.clone());
            out.push(i);
        }
    }
    permission_instances(g, t, &new, &mut out);
    for c in &t.containers {
        let cfacts = container_facts(g, t, c);
        for s in c.secrets.iter().chain(c.repository_credentials.iter()) {
            let i = new(Subject::Secret, &t.address, t.span);
            out.push(secret::instance(i, &cfacts, s));
        }
        for k in &c.unknown_keys {
            let i = new(Subject::ContainerKey, &t.address, t.span);
            out.push(container_key::instance(g, i, &cfacts, k));
        }
    }
    for x in &t.cross_account {
        let Some(c) = t.containers.get(x.container) else {
            continue;
        };
        let i = new(Subject::CrossAccount, &t.address, t.span);
        out.push(cross_account::instance(g, t, c, x, i));
    }
    for rs in &t.run_sites {
        let Some(site) = sites.0.get(&rs.node) else {
            continue;
        };
        site_instances(g, net, t, rs, site, &new, &mut out);
    }
    out
}
