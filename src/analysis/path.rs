//! The pull path of one run site: what its task needs from the VPC (task facts) against what the
//! VPC offers (network facts). For each service the task needs (`ecr.api`, `ecr.dkr`, `s3`,
//! `logs`, `secretsmanager`, `ssm`): is an endpoint present in the task VPC, is one usable, and
//! (S3) is it a gateway endpoint; and over the task subnets: are some, or all, private-only, are
//! they public subnets without a public IP, do they all reach the internet.
//!
//! Conservative like the rest of the analysis: an endpoint is known missing only when the task
//! VPC is known, defined here, and no part of the configuration that is not read (see
//! [`Graph::unread`]) or no endpoint with an unknown service name could be it.

use crate::analysis::network::{
    Egress, Endpoint, EndpointType, NetworkFacts, RunSite, Service, SiteEndpoint,
};
use crate::analysis::task::{self, SecretStore, TaskFact};
use crate::analysis::Fact;
use crate::base::{Span, Value};
use crate::graph::{Graph, Mode};

/// A service the task needs from its VPC, why (in words), and where the need is written.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceNeed {
    pub service: Service,
    pub why: String,
    pub at: Option<Span>,
}

/// How the endpoints of the task VPC serve one needed service.
#[derive(Clone, Debug)]
pub struct Coverage<'a> {
    pub need: ServiceNeed,
    /// An endpoint of the service, of any type, is in the task VPC (`at`: the endpoint, or the
    /// task subnets when there is none).
    pub present: Fact<bool>,
    /// One of them serves the task (see [`usable`]).
    pub usable: Fact<bool>,
    /// S3 only: one of them is a gateway endpoint. Absent for other services.
    pub s3_gateway: Fact<bool>,
    /// The endpoints that may serve it (not known to be outside the task VPC).
    pub candidates: Vec<(&'a SiteEndpoint, &'a Endpoint)>,
}

/// The pull path of one run site running one task definition.
#[derive(Clone, Debug)]
pub struct SitePath<'a> {
    /// Some task subnets are private-only and some are not.
    pub some_private_only: Fact<bool>,
    /// Every task subnet routes to an internet gateway, and the task gets no public IP.
    pub public_without_ip: Fact<bool>,
    /// Every task subnet reaches the internet (IGW with a public IP, NAT, other).
    pub internet: Fact<bool>,
    pub coverage: Vec<Coverage<'a>>,
    /// Every needed service is served by a usable endpoint (false when an image can only be
    /// pulled over the internet).
    pub endpoints_usable: Fact<bool>,
}

fn shown(v: &Value) -> String {
    v.render_display().unwrap_or_else(|| "⟨?⟩".into())
}

/// The services a task needs from its VPC, in the order they are found.
pub fn service_needs(g: &Graph, t: &TaskFact, rs: &task::RunSite) -> Vec<ServiceNeed> {
    let mut out: Vec<ServiceNeed> = Vec::new();
    let mut add = |service: Service, why: String, at: Option<Span>| {
        if !out.iter().any(|n| n.service == service) {
            out.push(ServiceNeed { service, why, at });
        }
    };
    // Platform versions up to 1.3.0 fetch the ECR auth token outside the task ENI.
    let legacy_pv = rs
        .platform_version
        .value()
        .and_then(|v| v.as_str())
        .is_some_and(|v| matches!(v, "1.0.0" | "1.1.0" | "1.2.0" | "1.3.0"));
    for c in &t.containers {
        if let Fact::Known { value, at } = &c.image {
            if value.via_ecr_endpoints() {
                let image = g
                    .node(t.node)
                    .field(&format!("{}.image", c.path))
                    .map(shown)
                    .unwrap_or_else(|| "⟨?⟩".into());
                let why = format!("the ECR image `{image}`");
                if !legacy_pv {
                    add(Service::EcrApi, why.clone(), *at);
                }
                add(Service::EcrDkr, why.clone(), *at);
                add(Service::S3, format!("{why} (its layers)"), *at);
            }
        }
        if c.uses_awslogs() {
            let at = c.awslogs.as_ref().and_then(|a| a.driver_span).or(c.span);
            add(Service::Logs, "the awslogs log driver".into(), at);
        }
        for s in c.secrets.iter().chain(c.repository_credentials.iter()) {
            match s.store.value() {
                Some(SecretStore::SecretsManager) => add(
                    Service::SecretsManager,
                    format!("the secret `{}`", shown(&s.value)),
                    s.value.span,
                ),
                Some(SecretStore::Ssm) => {
                    add(
                        Service::Ssm,
                        format!("the parameter `{}`", shown(&s.value)),
                        s.value.span,
                    );
                    if s.secrets_manager_reference.is_some() {
                        add(
                            Service::SecretsManager,
                            format!("the secret referenced by `{}`", shown(&s.value)),
                            s.value.span,
                        );
                    }
                }
                None => {}
            }
        }
    }
    out
}

/// A fact, with Absent read as not known.
fn known(f: &Fact<bool>) -> Fact<bool> {
    match f {
        Fact::Absent => Fact::unknown("not known", None),
        f => f.clone(),
    }
}

/// The endpoint has the type the service needs: Gateway for S3, Interface otherwise.
fn type_ok(ep: &Endpoint, service: &Service) -> Fact<bool> {
    let want = if *service == Service::S3 {
        EndpointType::Gateway
    } else {
        EndpointType::Interface
    };
    match &ep.endpoint_type {
        Fact::Known { value, at } => Fact::known(*value == want, *at),
        Fact::Absent => Fact::unknown("the endpoint type is not known", None),
        Fact::Unknown { reason, at } => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
    }
}

/// Whether one endpoint serves the task: in its VPC, created, of the right type, and
/// (interface) with subnets, working private DNS and security groups both ways, or (gateway)
/// on the task route tables with the task's egress to it.
pub fn usable(ep: &Endpoint, se: &SiteEndpoint, service: &Service) -> Fact<bool> {
    let mut parts = vec![
        known(&se.in_task_vpc),
        known(&ep.exists),
        type_ok(ep, service),
    ];
    if *service == Service::S3 {
        parts.push(known(&se.on_task_route_tables));
    } else {
        parts.push(match &ep.subnets {
            Fact::Known { value, at } => Fact::known(!value.is_empty(), *at),
            Fact::Unknown { reason, at } => Fact::Unknown {
                reason: reason.clone(),
                at: *at,
            },
            Fact::Absent => Fact::known(false, None),
        });
        parts.push(known(&ep.private_dns_effective()));
        parts.push(known(&se.admits_task));
    }
    parts.push(known(&se.task_egress));
    Fact::all(parts)
}

/// The endpoint is in the task VPC and created; Unknown, with why, when either is not known.
pub fn serves_site(g: &Graph, se: &SiteEndpoint, ep: &Endpoint) -> Fact<bool> {
    let address = &g.node(ep.node).address;
    let at = Some(g.node(ep.node).span);
    match (&se.in_task_vpc, &ep.exists) {
        (Fact::Known { value: true, .. }, Fact::Known { value: true, .. }) => Fact::known(true, at),
        (Fact::Known { value: false, .. }, _) | (_, Fact::Known { value: false, .. }) => {
            Fact::known(false, at)
        }
        (Fact::Unknown { reason, .. }, _) => Fact::unknown(
            format!("`{address}` may not be in the task VPC: {reason}"),
            at,
        ),
        (_, Fact::Unknown { reason, .. }) => {
            Fact::unknown(format!("`{address}` may not be created: {reason}"), at)
        }
        _ => Fact::unknown(format!("`{address}` may not serve the task"), at),
    }
}

/// An endpoint whose service name is not known (a variable, an unknown `for_each` key): it may
/// be any service.
fn service_may_be(ep: &Endpoint) -> bool {
    match &ep.service {
        Fact::Known { value, .. } => match &value.service {
            Service::Other(s) => s.contains(crate::base::value::UNKNOWN_PART),
            _ => false,
        },
        _ => true,
    }
}

/// Why endpoints of the task VPC may exist unseen, if they may.
fn unseen_endpoints(g: &Graph, site: &RunSite) -> Option<String> {
    match &site.vpc {
        Fact::Known { value, .. } => {
            let v = g.node(*value);
            if v.mode == Mode::Data {
                return Some(format!(
                    "the VPC `{}` is defined outside this configuration: its endpoints may be too",
                    v.address
                ));
            }
            let n = g.node(*g.unread.first()?);
            Some(if n.rtype == "module" {
                format!(
                    "`{}` is not loaded (run `terraform init`): it may create it",
                    n.address
                )
            } else {
                format!(
                    "the nested stack `{}` is not read (its template is not at hand): it may create it",
                    n.address
                )
            })
        }
        Fact::Unknown { reason, .. } => Some(format!("the task VPC is not known: {reason}")),
        Fact::Absent => Some("the task VPC is not known".into()),
    }
}

/// How the task VPC's endpoints serve one service.
fn coverage<'a>(
    g: &Graph,
    net: &'a NetworkFacts,
    site: &'a RunSite,
    need: ServiceNeed,
    unseen: &Option<String>,
    subnets_at: Option<Span>,
) -> Coverage<'a> {
    let candidates: Vec<(&SiteEndpoint, &Endpoint)> =
        net.site_endpoints(site, &need.service).collect();
    let at_of = |ep: &Endpoint| Some(g.node(ep.node).span);
    let serving: Vec<Fact<bool>> = candidates
        .iter()
        .map(|(se, ep)| serves_site(g, se, ep))
        .collect();
    let present = if !serving.is_empty() {
        // Known true if one serves, else unknown (candidates are never known not to).
        Fact::any(serving)
    } else if let Some(ep) = site.endpoints.iter().find_map(|se| {
        let ep = &net.endpoints[se.endpoint];
        (se.in_task_vpc.value() != Some(&false) && service_may_be(ep)).then_some(ep)
    }) {
        Fact::unknown(
            format!(
                "`{}` has a service name that is not known: it may be the `{}` endpoint",
                g.node(ep.node).address,
                need.service.name()
            ),
            at_of(ep),
        )
    } else if let Some(r) = unseen {
        Fact::unknown(r.clone(), subnets_at)
    } else {
        Fact::known(false, subnets_at)
    };
    // None usable among those seen proves nothing when others may exist unseen.
    let not_proven = |f: Fact<bool>| match (&f, &present, unseen) {
        (Fact::Known { value: false, .. }, Fact::Unknown { reason, at }, _) => Fact::Unknown {
            reason: reason.clone(),
            at: *at,
        },
        (Fact::Known { value: false, .. }, _, Some(r)) => Fact::unknown(r.clone(), subnets_at),
        _ => f,
    };
    let usable = match &present {
        Fact::Known { value: false, at } => Fact::known(false, *at),
        _ => not_proven(Fact::any(
            candidates
                .iter()
                .map(|(se, ep)| usable(ep, se, &need.service)),
        )),
    };
    let s3_gateway = if need.service == Service::S3 {
        not_proven(Fact::any(candidates.iter().map(|(se, ep)| {
            Fact::all([
                known(&se.in_task_vpc),
                known(&ep.exists),
                type_ok(ep, &Service::S3),
            ])
        })))
    } else {
        Fact::Absent
    };
    Coverage {
        need,
        present,
        usable,
        s3_gateway,
        candidates,
    }
}

/// The pull path of a run site running the task definition `t`.
pub fn site<'a>(
    g: &Graph,
    net: &'a NetworkFacts,
    t: &TaskFact,
    rs: &task::RunSite,
    site: &'a RunSite,
) -> SitePath<'a> {
    let subnets_at = match &site.subnets {
        Fact::Known { at, .. } | Fact::Unknown { at, .. } => at.or(Some(g.node(site.node).span)),
        Fact::Absent => Some(g.node(site.node).span),
    };
    let (some_private_only, public_without_ip, internet) = match &site.subnets {
        Fact::Known { value, .. } if !value.is_empty() => {
            let private: Vec<Fact<bool>> = value.iter().map(|s| known(&s.private_only)).collect();
            // Some and not all: proven when one is known private and one known not.
            let some = Fact::all([
                Fact::any(private.iter().cloned()),
                Fact::any(private.iter().map(|p| !p.clone())),
            ]);
            let igw = Fact::all(value.iter().map(|s| match &s.egress {
                Fact::Known { value, at } => Fact::known(*value == Egress::Igw, *at),
                Fact::Unknown { reason, at } => Fact::Unknown {
                    reason: reason.clone(),
                    at: *at,
                },
                Fact::Absent => Fact::unknown("the egress is not known", None),
            }));
            let no_ip = !known(&site.public_ip);
            let internet = Fact::all(value.iter().map(|s| known(&s.internet)));
            (some, Fact::all([igw, no_ip]), internet)
        }
        Fact::Known { at, .. } => (
            Fact::known(false, *at),
            Fact::known(false, *at),
            Fact::known(false, *at),
        ),
        Fact::Unknown { reason, at } => {
            let u = Fact::Unknown {
                reason: reason.clone(),
                at: *at,
            };
            (u.clone(), u.clone(), u)
        }
        Fact::Absent => {
            let u = Fact::unknown("no network configuration", subnets_at);
            (u.clone(), u.clone(), u)
        }
    };
    let unseen = unseen_endpoints(g, site);
    let coverage: Vec<Coverage> = service_needs(g, t, rs)
        .into_iter()
        .map(|n| coverage(g, net, site, n, &unseen, subnets_at))
        .collect();
    let images = t.image_use();
    let mut all = vec![!images.internet_only.clone()];
    if let Fact::Unknown { .. } = images.ecr {
        all.push(images.ecr.clone());
    }
    all.extend(coverage.iter().map(|c| c.usable.clone()));
    let endpoints_usable = match Fact::all(all) {
        Fact::Known { value, .. } => Fact::known(value, subnets_at),
        other => other,
    };
    SitePath {
        some_private_only,
        public_without_ip,
        internet,
        coverage,
        endpoints_usable,
    }
}
