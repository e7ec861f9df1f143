//! The `endpoint-need` subject: one service a run site needs to reach (`need.service`,
//! `need.why`) and whether an endpoint of it is around (`endpoint.present`,
//! `endpoint.s3_gateway`).

use crate::analysis::path::Coverage;
use crate::base::Span;
use crate::rules::value::Probe;

use super::{Instance, Subject};

pub(super) const ENDPOINT_NEED: &[&str] = &[
    "need.service",
    "need.why",
    "need.at",
    "endpoint.present",
    "endpoint.s3_gateway",
];

/// One service a run site needs, on the facts of the site.
pub(super) fn instance(base: &Instance, c: &Coverage, subnets_at: Option<Span>) -> Instance {
    let n = &c.need;
    let mut i = base.clone();
    i.subject = Subject::EndpointNeed;
    i.set("need.service", Probe::str(n.service.name(), n.at));
    i.set("need.why", Probe::str(&n.why, n.at));
    i.set("need.at", Probe::loc(n.at));
    i.set(
        "endpoint.s3_gateway",
        Probe::at_least(&c.s3_gateway, subnets_at),
    );
    i.set("endpoint.present", Probe::from_bool(&c.present));
    i
}
