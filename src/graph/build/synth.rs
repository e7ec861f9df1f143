//! Inline parts that are resources of their own in the other format, split into nodes of their
//! own (`parent#part[i]`): routes, event targets, role policies and attachments, repository
//! policies, secret values, network ACL rules and associations.

use crate::base::{Map, Span, Val, Value};
use crate::graph::kinds::Kind;
use crate::graph::model::NodeId;
use crate::graph::normalize::{convert, find, Cx};
use crate::graph::table::Conv;

use super::Builder;

impl Builder<'_> {
    /// Inline parts that are resources of their own in the other format become nodes, so that
    /// the analysis sees one form: routes, event targets, role policies and attachments,
    /// repository policies, secret values, network ACL rules and associations.
    pub(super) fn synthesise(&mut self, id: NodeId, attrs: &Map, cfn: bool) {
        let kind = self.g.nodes[id].kind;
        let pick = |tf: &str, c: &str| find(attrs, if cfn { c } else { tf });
        match kind {
            Kind::RouteTable | Kind::DefaultRouteTable if !cfn => {
                if let Some((ks, v)) = pick("route", "") {
                    self.split_list(
                        id,
                        ks,
                        v,
                        "route",
                        "routes",
                        Kind::Route,
                        cfn,
                        |b, c, sp| {
                            let r = b.parent_ref(id, "id", sp);
                            b.link(c, "route_table_id", r);
                        },
                    );
                }
            }
            Kind::EventRule if cfn => {
                if let Some((ks, v)) = pick("", "Targets") {
                    self.split_list(
                        id,
                        ks,
                        v,
                        "targets",
                        "targets",
                        Kind::EventTarget,
                        cfn,
                        |b, c, sp| {
                            let r = b.parent_ref(id, "", sp);
                            b.link(c, "rule", r);
                        },
                    );
                }
            }
            Kind::IamRole => {
                if let Some((ks, v)) = pick("managed_policy_arns", "ManagedPolicyArns") {
                    match &v.kind {
                        Val::List(l) if l.is_empty() => {}
                        Val::List(_) => {
                            let c = self.child(
                                id,
                                "managed_policy_arns",
                                Kind::PolicyAttachment,
                                ks.or(v.span),
                            );
                            let r = self.parent_ref(id, "name", None);
                            self.link(c, "roles", Value::new(Val::List(vec![r]), None));
                            self.set(c, "policy_arns", ks, v.clone());
                        }
                        _ => self.set(id, "managed_policy_arns", ks, v.clone()),
                    }
                }
                if let Some((ks, v)) = pick("inline_policy", "Policies") {
                    self.split_list(
                        id,
                        ks,
                        v,
                        "inline_policy",
                        "inline_policy",
                        Kind::RolePolicy,
                        cfn,
                        |b, c, _| {
                            let r = b.parent_ref(id, "name", None);
                            b.link(c, "roles", Value::new(Val::List(vec![r]), None));
                        },
                    );
                }
            }
            Kind::ManagedPolicy if cfn => {
                if let Some((ks, v)) = pick("", "Roles") {
                    let c = self.child(id, "roles", Kind::PolicyAttachment, ks.or(v.span));
                    let mut cx = Cx::new(cfn, true, "").with_sources(self.sources);
                    if let Some(roles) = convert(Conv::List, v, "roles", &mut cx) {
                        self.set(c, "roles", ks, roles);
                    }
                    let r = self.parent_ref(id, "", None);
                    self.link(c, "policy_arns", Value::new(Val::List(vec![r]), None));
                }
            }
            Kind::EcrRepository if cfn => {
                if let Some((ks, v)) = pick("", "RepositoryPolicyText") {
                    let c = self.child(id, "policy", Kind::EcrRepositoryPolicy, ks.or(v.span));
                    let r = self.parent_ref(id, "", None);
                    self.link(c, "repository", r);
                    let mut cx = Cx::new(cfn, true, "").with_sources(self.sources);
                    if let Some(p) = convert(Conv::Policy, v, "policy", &mut cx) {
                        self.set(c, "policy", ks, p);
                    }
                    self.g.diagnostics.append(&mut cx.diagnostics);
                }
            }
            Kind::Secret if cfn => {
                if let Some((ks, v)) = pick("", "SecretString") {
                    let c = self.child(id, "secret_string", Kind::SecretVersion, ks.or(v.span));
                    let r = self.parent_ref(id, "", None);
                    self.link(c, "secret_id", r);
                    self.set(c, "secret_string", ks, v.clone());
                }
            }
            Kind::NetworkAcl if !cfn => {
                for (dir, egress) in [("ingress", false), ("egress", true)] {
                    if let Some((ks, v)) = pick(dir, "") {
                        self.split_list(
                            id,
                            ks,
                            v,
                            dir,
                            dir,
                            Kind::NetworkAclRule,
                            cfn,
                            |b, c, sp| {
                                let r = b.parent_ref(id, "id", sp);
                                b.link(c, "network_acl_id", r);
                                b.set(c, "egress", ks, Value::new(Val::Bool(egress), None));
                            },
                        );
                    }
                }
                if let Some((ks, v)) = pick("subnet_ids", "") {
                    match &v.kind {
                        Val::List(items) => {
                            for (i, it) in items.iter().enumerate() {
                                let c = self.child(
                                    id,
                                    &format!("subnet_ids[{i}]"),
                                    Kind::NetworkAclAssociation,
                                    it.span.or(ks),
                                );
                                let r = self.parent_ref(id, "id", None);
                                self.link(c, "network_acl_id", r);
                                self.set(c, "subnet_id", ks, it.clone());
                            }
                        }
                        _ => self.set(id, "subnet_ids", ks, v.clone()),
                    }
                }
            }
            _ => {}
        }
    }

    /// One node per map of a list (`part[i]`), normalised with the rows of `kind`, then `then`
    /// links it to the parent. A list that is not known stays on the parent as `field`.
    #[allow(clippy::too_many_arguments)]
    fn split_list(
        &mut self,
        parent: NodeId,
        key_span: Option<Span>,
        v: &Value,
        part: &str,
        field: &str,
        kind: Kind,
        cfn: bool,
        then: impl Fn(&mut Builder, NodeId, Option<Span>),
    ) {
        match &v.kind {
            Val::List(items) => {
                for (i, it) in items.iter().enumerate() {
                    let Val::Map(m) = &it.kind else {
                        self.set(parent, field, key_span, v.clone());
                        continue;
                    };
                    // Plan output lists unset inline policies as `{name = "", policy = ""}`.
                    if m.iter()
                        .all(|(_, x)| matches!(&x.kind, Val::Null) || x.as_str() == Some(""))
                    {
                        continue;
                    }
                    let c = self.child(parent, &format!("{part}[{i}]"), kind, it.span.or(key_span));
                    self.fill(c, m, it.span, cfn);
                    then(self, c, it.span);
                }
            }
            _ => self.set(parent, field, key_span, v.clone()),
        }
    }
}
