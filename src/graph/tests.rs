//! Tests with hand-built units that mimic each frontend's output.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::base::{FileId, Format, Map, Ref, Span, Symbol, Val, Value};
use crate::frontends::{Mode, Resource, Unit};

use super::*;

// ---------------------------------------------------------------------------------------------
// A small DSL for values with distinct spans.

static POS: AtomicU32 = AtomicU32::new(1000);

pub(super) fn sp() -> Option<Span> {
    let start = POS.fetch_add(10, Ordering::Relaxed);
    Some(Span {
        file: FileId(0),
        start,
        end: start + 5,
    })
}

pub(super) fn s(x: &str) -> Value {
    Value::str(x, sp())
}
pub(super) fn b(x: bool) -> Value {
    Value::new(Val::Bool(x), sp())
}
pub(super) fn n(x: f64) -> Value {
    Value::new(Val::Number(x), sp())
}
pub(super) fn l(items: Vec<Value>) -> Value {
    Value::new(Val::List(items), sp())
}
pub(super) fn m(entries: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (k, v) in entries {
        map.push(k, sp(), v);
    }
    Value::new(Val::Map(map), sp())
}
pub(super) fn rf(target: &str, attr: &str) -> Value {
    Value::new(
        Val::Ref(Box::new(Ref {
            target: target.into(),
            attr: attr.into(),
            resolved: None,
        })),
        sp(),
    )
}
pub(super) fn rfv(target: &str, attr: &str, v: Value) -> Value {
    Value::new(
        Val::Ref(Box::new(Ref {
            target: target.into(),
            attr: attr.into(),
            resolved: Some(v),
        })),
        sp(),
    )
}
pub(super) fn enc(v: Value) -> Value {
    Value::new(Val::Encoded(Box::new(v)), sp())
}
pub(super) fn region() -> Value {
    Value::new(Val::Symbol(Symbol::Region), sp())
}
pub(super) fn tpl(parts: Vec<Value>) -> Value {
    Value::new(Val::Template(parts), sp())
}
pub(super) fn unknown() -> Value {
    Value::unknown("var.x has no value", sp())
}

pub(super) fn res(address: &str, rtype: &str, attrs: Value) -> Resource {
    let Val::Map(attrs) = attrs.kind else {
        panic!("attrs must be a map")
    };
    Resource {
        address: address.into(),
        rtype: rtype.into(),
        mode: Mode::Managed,
        span: sp().unwrap(),
        attrs,
        exists: None,
    }
}
pub(super) fn data(address: &str, rtype: &str, attrs: Value) -> Resource {
    Resource {
        mode: Mode::Data,
        ..res(address, rtype, attrs)
    }
}

fn unit(format: Format, resources: Vec<Resource>) -> Unit {
    Unit {
        name: "u".into(),
        format: Some(format),
        resources,
        region: Some(Value::str("eu-west-1", None)),
        ..Unit::default()
    }
}

fn tf(resources: Vec<Resource>) -> Graph {
    build(&unit(Format::Terraform, resources))
}
fn cfn(resources: Vec<Resource>) -> Graph {
    build(&unit(Format::CloudFormation, resources))
}

fn field<'g>(g: &'g Graph, addr: &str, path: &str) -> &'g Value {
    g.get(addr)
        .unwrap_or_else(|| panic!("no node {addr}"))
        .field(path)
        .unwrap_or_else(|| panic!("{addr} has no {path}: {:?}", g.get(addr).unwrap().fields))
}

fn edge_targets(g: &Graph, addr: &str, path: &str) -> Vec<String> {
    let id = g.get(addr).unwrap().id;
    let mut v: Vec<String> = g
        .targets(id, path)
        .into_iter()
        .map(|t| g.nodes[t].address.clone())
        .collect();
    v.sort();
    v
}

/// The canonical rules of a field as compact strings (`tcp 443-443 cidr_ipv4=10.0.0.0/16`).
fn rules(v: &Value) -> Vec<String> {
    v.as_list()
        .unwrap()
        .iter()
        .map(|r| {
            let m = r.as_map().unwrap();
            let mut out = m
                .get("protocol")
                .and_then(|p| p.as_str())
                .unwrap_or("?")
                .to_string();
            if let (Some(f), Some(t)) = (m.get("from_port"), m.get("to_port")) {
                out += &format!(" {}-{}", f.as_f64().unwrap(), t.as_f64().unwrap());
            }
            for k in [
                "cidr_ipv4",
                "cidr_ipv6",
                "prefix_list_id",
                "security_group_id",
                "self",
            ] {
                if let Some(v) = m.get(k) {
                    let shown = match &v.kind {
                        Val::Ref(r) => format!("->{}", r.target),
                        Val::Bool(b) => b.to_string(),
                        Val::Unknown(_) => "?".into(),
                        _ => v.as_str().unwrap_or("?").to_string(),
                    };
                    out += &format!(" {k}={shown}");
                }
            }
            out
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Kinds

#[test]
fn one_table_maps_both_formats_to_kinds() {
    assert_eq!(
        kind_of("aws_vpc_endpoint", Mode::Managed),
        Kind::VpcEndpoint
    );
    assert_eq!(
        kind_of("AWS::EC2::VPCEndpoint", Mode::Managed),
        Kind::VpcEndpoint
    );
    assert_eq!(kind_of("aws_vpc", Mode::Data), Kind::Vpc);
    assert_eq!(kind_of("aws_iam_policy", Mode::Data), Kind::ManagedPolicy);
    assert_eq!(
        kind_of("aws_iam_policy_document", Mode::Data),
        Kind::PolicyDocument
    );
    assert_eq!(
        kind_of("aws_iam_policy_document", Mode::Managed),
        Kind::Other
    );
    assert_eq!(kind_of("AWS::IAM::Policy", Mode::Managed), Kind::RolePolicy);
    assert_eq!(
        kind_of("AWS::EC2::SecurityGroupEgress", Mode::Managed),
        Kind::SecurityGroupRule
    );
    assert_eq!(
        kind_of("aws_vpc_security_group_ingress_rule", Mode::Managed),
        Kind::SecurityGroupRule
    );
    assert_eq!(kind_of("aws_s3_bucket", Mode::Managed), Kind::Other);
    assert_eq!(kind_of("AWS::S3::Bucket", Mode::Managed), Kind::Other);
    assert_eq!(Kind::VpcEndpoint.name(), "vpc_endpoint");
    // every kind but Other has a table
    for &(_, _, k) in TYPES {
        assert!(super::table::rows(k).is_some(), "{k:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Network

#[test]
fn run_site_network_configuration_is_one_shape() {
    let g = tf(vec![res(
        "aws_ecs_service.a",
        "aws_ecs_service",
        m(vec![(
            "network_configuration",
            l(vec![m(vec![
                ("subnets", l(vec![rf("aws_subnet.p", "id")])),
                ("assign_public_ip", b(true)),
            ])]),
        )]),
    )]);
    let c = cfn(vec![res(
        "Svc",
        "AWS::ECS::Service",
        m(vec![(
            "NetworkConfiguration",
            m(vec![(
                "AwsvpcConfiguration",
                m(vec![
                    ("Subnets", l(vec![rf("Subnet", "")])),
                    ("AssignPublicIp", s("ENABLED")),
                ]),
            )]),
        )]),
    )]);
    assert_eq!(
        field(
            &g,
            "aws_ecs_service.a",
            "network_configuration.assign_public_ip"
        )
        .as_bool(),
        Some(true)
    );
    assert_eq!(
        field(&c, "Svc", "network_configuration.assign_public_ip").as_bool(),
        Some(true)
    );
    assert!(field(&c, "Svc", "network_configuration.assign_public_ip")
        .span
        .is_some());
    // platform_version defaults to LATEST, marked as a default, without a span
    let pv = field(&c, "Svc", "platform_version");
    assert_eq!(pv.as_str(), Some("LATEST"));
    assert!(pv.span.is_none());
    assert!(c.get("Svc").unwrap().is_default("platform_version"));
    // desired_count defaults differ between the formats
    assert_eq!(field(&c, "Svc", "desired_count").as_f64(), Some(1.0));
    assert_eq!(
        field(&g, "aws_ecs_service.a", "desired_count").as_f64(),
        Some(0.0)
    );
    // the wrong casing for a service (Events' spelling) is not read
    let wrong = cfn(vec![res(
        "Svc",
        "AWS::ECS::Service",
        m(vec![(
            "NetworkConfiguration",
            m(vec![(
                "AwsVpcConfiguration",
                m(vec![("Subnets", l(vec![]))]),
            )]),
        )]),
    )]);
    assert!(wrong
        .get("Svc")
        .unwrap()
        .field("network_configuration")
        .is_none());
}

#[test]
fn assign_public_ip_default_and_unknown() {
    let g = cfn(vec![
        res(
            "A",
            "AWS::ECS::Service",
            m(vec![(
                "NetworkConfiguration",
                m(vec![("AwsvpcConfiguration", m(vec![]))]),
            )]),
        ),
        res(
            "B",
            "AWS::ECS::Service",
            m(vec![(
                "NetworkConfiguration",
                m(vec![(
                    "AwsvpcConfiguration",
                    m(vec![("AssignPublicIp", unknown())]),
                )]),
            )]),
        ),
    ]);
    assert_eq!(
        field(&g, "A", "network_configuration.assign_public_ip").as_bool(),
        Some(false)
    );
    assert!(g
        .get("A")
        .unwrap()
        .is_default("network_configuration.assign_public_ip"));
    // Unknown stays unknown: never replaced by the default
    assert!(field(&g, "B", "network_configuration.assign_public_ip").is_unknown());
    assert!(!g
        .get("B")
        .unwrap()
        .is_default("network_configuration.assign_public_ip"));
}

#[test]
fn events_rule_targets_become_event_target_nodes() {
    let c = cfn(vec![
        res(
            "Rule",
            "AWS::Events::Rule",
            m(vec![(
                "Targets",
                l(vec![m(vec![
                    ("Arn", rf("Cluster", "Arn")),
                    (
                        "EcsParameters",
                        m(vec![
                            ("TaskDefinitionArn", rf("Task", "")),
                            ("LaunchType", s("FARGATE")),
                            (
                                "NetworkConfiguration",
                                m(vec![(
                                    "AwsVpcConfiguration",
                                    m(vec![
                                        ("Subnets", l(vec![rf("Subnet", "")])),
                                        ("AssignPublicIp", s("DISABLED")),
                                    ]),
                                )]),
                            ),
                        ]),
                    ),
                ])]),
            )]),
        ),
        res("Cluster", "AWS::ECS::Cluster", m(vec![])),
        res("Task", "AWS::ECS::TaskDefinition", m(vec![])),
        res("Subnet", "AWS::EC2::Subnet", m(vec![])),
    ]);
    let t = "Rule#targets[0]";
    assert_eq!(c.get(t).unwrap().kind, Kind::EventTarget);
    assert_eq!(
        field(&c, t, "ecs_target.network_configuration.assign_public_ip").as_bool(),
        Some(false)
    );
    assert_eq!(
        edge_targets(&c, t, "ecs_target.network_configuration.subnets"),
        vec!["Subnet"]
    );
    assert_eq!(
        edge_targets(&c, t, "ecs_target.task_definition_arn"),
        vec!["Task"]
    );
    assert_eq!(edge_targets(&c, t, "rule"), vec!["Rule"]);
    let rule_edge = c
        .edges_from(c.get(t).unwrap().id)
        .find(|e| e.field == "rule")
        .unwrap();
    assert_eq!(rule_edge.via, Via::Parent);
    // Terraform's event target reads the same facts
    let g = tf(vec![res(
        "aws_cloudwatch_event_target.t",
        "aws_cloudwatch_event_target",
        m(vec![(
            "ecs_target",
            l(vec![m(vec![
                ("launch_type", s("FARGATE")),
                (
                    "network_configuration",
                    l(vec![m(vec![("subnets", l(vec![]))])]),
                ),
            ])]),
        )]),
    )]);
    assert_eq!(
        field(
            &g,
            "aws_cloudwatch_event_target.t",
            "ecs_target.launch_type"
        )
        .as_str(),
        Some("FARGATE")
    );
    assert_eq!(
        field(
            &g,
            "aws_cloudwatch_event_target.t",
            "ecs_target.network_configuration.assign_public_ip"
        )
        .as_bool(),
        Some(false)
    );
}

#[test]
fn vpc_dns_defaults_only_for_managed_vpcs() {
    let g = tf(vec![
        res(
            "aws_vpc.a",
            "aws_vpc",
            m(vec![("enable_dns_hostnames", s("true"))]),
        ),
        data("data.aws_vpc.b", "aws_vpc", m(vec![])),
    ]);
    assert_eq!(
        field(&g, "aws_vpc.a", "enable_dns_support").as_bool(),
        Some(true)
    );
    assert!(g.get("aws_vpc.a").unwrap().is_default("enable_dns_support"));
    // a string "true" becomes a boolean, keeping its span
    let h = field(&g, "aws_vpc.a", "enable_dns_hostnames");
    assert_eq!(h.kind, Val::Bool(true));
    assert!(h.span.is_some());
    let c = cfn(vec![res("V", "AWS::EC2::VPC", m(vec![]))]);
    assert_eq!(
        field(&c, "V", "enable_dns_hostnames").as_bool(),
        Some(false)
    );
    // a data source reads what exists: no defaults
    assert!(g.get("data.aws_vpc.b").unwrap().fields.is_empty());
}

#[test]
fn inline_routes_become_route_nodes() {
    let g = tf(vec![
        res(
            "aws_route_table.p",
            "aws_route_table",
            m(vec![
                ("vpc_id", rf("aws_vpc.main", "id")),
                (
                    "route",
                    l(vec![m(vec![
                        ("cidr_block", s("0.0.0.0/0")),
                        ("nat_gateway_id", rf("aws_nat_gateway.n", "id")),
                        // plan output fills unset targets with ""
                        ("gateway_id", s("")),
                    ])]),
                ),
            ]),
        ),
        res(
            "aws_route.r",
            "aws_route",
            m(vec![
                ("route_table_id", rf("aws_route_table.p", "id")),
                ("destination_cidr_block", s("10.1.0.0/16")),
                ("transit_gateway_id", s("tgw-1")),
            ]),
        ),
        res("aws_nat_gateway.n", "aws_nat_gateway", m(vec![])),
        res("aws_vpc.main", "aws_vpc", m(vec![])),
    ]);
    let r = "aws_route_table.p#route[0]";
    assert_eq!(g.get(r).unwrap().kind, Kind::Route);
    assert_eq!(
        field(&g, r, "destination_cidr_block").as_str(),
        Some("0.0.0.0/0")
    );
    assert!(g.get(r).unwrap().field("gateway_id").is_none());
    assert_eq!(
        edge_targets(&g, r, "route_table_id"),
        vec!["aws_route_table.p"]
    );
    assert_eq!(
        edge_targets(&g, r, "nat_gateway_id"),
        vec!["aws_nat_gateway.n"]
    );
    // both routes are found from the table
    let rt = g.get("aws_route_table.p").unwrap().id;
    let mut routes: Vec<_> = g
        .referrers(rt, Kind::Route)
        .into_iter()
        .map(|i| g.nodes[i].address.clone())
        .collect();
    routes.sort();
    assert_eq!(routes, vec!["aws_route.r", "aws_route_table.p#route[0]"]);
    // a plan's computed targets beside the written one are not targets
    let p = tf(vec![res(
        "aws_route.r",
        "aws_route",
        m(vec![
            ("destination_cidr_block", s("0.0.0.0/0")),
            ("destination_prefix_list_id", unknown()),
            ("gateway_id", rf("aws_internet_gateway.i", "id")),
            ("nat_gateway_id", unknown()),
        ]),
    )]);
    let keys: Vec<&str> = p
        .get("aws_route.r")
        .unwrap()
        .fields
        .entries
        .iter()
        .map(|e| e.key.as_str())
        .collect();
    assert_eq!(keys, vec!["destination_cidr_block", "gateway_id"]);
    let p = tf(vec![res(
        "aws_route.r",
        "aws_route",
        m(vec![("nat_gateway_id", unknown())]),
    )]);
    assert!(
        field(&p, "aws_route.r", "nat_gateway_id").is_unknown(),
        "alone, unknown stays"
    );
    // NAT connectivity defaults to public
    assert_eq!(
        field(&g, "aws_nat_gateway.n", "connectivity_type").as_str(),
        Some("public")
    );
}

#[test]
fn network_acl_blocks_and_entries_are_one_shape() {
    let g = tf(vec![
        res(
            "aws_network_acl.a",
            "aws_network_acl",
            m(vec![
                ("subnet_ids", l(vec![rf("aws_subnet.p", "id")])),
                (
                    "egress",
                    l(vec![m(vec![
                        ("rule_no", n(100.0)),
                        ("action", s("deny")),
                        ("protocol", s("6")),
                        ("cidr_block", s("0.0.0.0/0")),
                        ("from_port", n(443.0)),
                        ("to_port", n(443.0)),
                    ])]),
                ),
            ]),
        ),
        res("aws_subnet.p", "aws_subnet", m(vec![])),
    ]);
    let c = cfn(vec![res(
        "E",
        "AWS::EC2::NetworkAclEntry",
        m(vec![
            ("NetworkAclId", rf("Acl", "")),
            ("RuleNumber", s("100")),
            ("RuleAction", s("Deny")),
            ("Egress", b(true)),
            ("Protocol", n(6.0)),
            ("CidrBlock", s("0.0.0.0/0")),
            ("PortRange", m(vec![("From", n(443.0)), ("To", n(443.0))])),
        ]),
    )]);
    let t = g.get("aws_network_acl.a#egress[0]").unwrap();
    let e = c.get("E").unwrap();
    for k in [
        "rule_number",
        "egress",
        "protocol",
        "rule_action",
        "cidr_block",
        "from_port",
        "to_port",
    ] {
        assert_eq!(
            t.field(k).map(|v| &v.kind),
            e.field(k).map(|v| &v.kind),
            "{k}"
        );
    }
    assert_eq!(t.field("protocol").unwrap().as_str(), Some("tcp"));
    assert!(!t.is_default("egress"));
    assert_eq!(
        edge_targets(&g, "aws_network_acl.a#subnet_ids[0]", "subnet_id"),
        vec!["aws_subnet.p"]
    );
}

// ---------------------------------------------------------------------------------------------
// Endpoints

#[test]
fn endpoint_defaults_are_explicit_and_marked() {
    let g = tf(vec![res(
        "aws_vpc_endpoint.e",
        "aws_vpc_endpoint",
        m(vec![
            ("service_name", s("com.amazonaws.eu-west-1.ecr.dkr")),
            ("vpc_endpoint_type", s("Interface")),
        ]),
    )]);
    let n = g.get("aws_vpc_endpoint.e").unwrap();
    assert_eq!(
        n.field("vpc_endpoint_type").unwrap().as_str(),
        Some("Interface")
    );
    assert!(!n.is_default("vpc_endpoint_type"));
    assert_eq!(
        n.field("private_dns_enabled").unwrap().as_bool(),
        Some(false)
    );
    assert!(n.is_default("private_dns_enabled"));
    assert!(n.field("private_dns_enabled").unwrap().span.is_none());
    assert!(
        n.field("policy").is_none(),
        "no policy means full access: left absent"
    );

    let c = cfn(vec![
        res(
            "S3",
            "AWS::EC2::VPCEndpoint",
            m(vec![
                (
                    "ServiceName",
                    tpl(vec![s("com.amazonaws."), region(), s(".s3")]),
                ),
                ("RouteTableIds", l(vec![rf("Rt", "")])),
                (
                    "PolicyDocument",
                    m(vec![(
                        "Statement",
                        m(vec![
                            ("Effect", s("Allow")),
                            ("Principal", s("*")),
                            ("Action", s("s3:GetObject")),
                            (
                                "Resource",
                                s("arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"),
                            ),
                        ]),
                    )]),
                ),
            ]),
        ),
        res("Rt", "AWS::EC2::RouteTable", m(vec![])),
    ]);
    let e = c.get("S3").unwrap();
    assert_eq!(
        e.field("vpc_endpoint_type").unwrap().as_str(),
        Some("Gateway")
    );
    assert!(e.is_default("vpc_endpoint_type"));
    let st = e.field("policy.Statement").unwrap().as_list().unwrap();
    assert_eq!(st.len(), 1);
    assert_eq!(
        st[0].get("Action").unwrap().as_list().unwrap()[0].as_str(),
        Some("s3:GetObject")
    );
    assert_eq!(
        st[0]
            .get("Principal")
            .unwrap()
            .get("AWS")
            .unwrap()
            .as_list()
            .unwrap()[0]
            .as_str(),
        Some("*")
    );
    assert_eq!(edge_targets(&c, "S3", "route_table_ids"), vec!["Rt"]);
    assert!(matches!(
        e.field("service_name").unwrap().kind,
        Val::Template(_)
    ));
}

#[test]
fn endpoint_association_resources_link_to_the_endpoint() {
    let g = tf(vec![
        res("aws_vpc_endpoint.e", "aws_vpc_endpoint", m(vec![])),
        res(
            "aws_vpc_endpoint_private_dns.d",
            "aws_vpc_endpoint_private_dns",
            m(vec![
                ("vpc_endpoint_id", rf("aws_vpc_endpoint.e", "id")),
                ("private_dns_enabled", b(true)),
            ]),
        ),
        res(
            "aws_vpc_endpoint_policy.p",
            "aws_vpc_endpoint_policy",
            m(vec![
                ("vpc_endpoint_id", rf("aws_vpc_endpoint.e", "id")),
                (
                    "policy",
                    s(r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#),
                ),
            ]),
        ),
    ]);
    let e = g.get("aws_vpc_endpoint.e").unwrap().id;
    let mut kinds: Vec<Kind> = g.edges_to(e).map(|x| g.nodes[x.from].kind).collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec![Kind::VpcEndpointPolicy, Kind::VpcEndpointPrivateDns]
    );
    let st = field(&g, "aws_vpc_endpoint_policy.p", "policy.Statement");
    assert_eq!(
        st.as_list().unwrap()[0].get("Effect").unwrap().as_str(),
        Some("Deny")
    );
}

// ---------------------------------------------------------------------------------------------
// Security-group rules

#[test]
fn inline_rules_one_per_peer_in_both_formats() {
    let g = tf(vec![
        res(
            "aws_security_group.a",
            "aws_security_group",
            m(vec![
                (
                    "ingress",
                    l(vec![m(vec![
                        ("from_port", n(443.0)),
                        ("to_port", n(443.0)),
                        ("protocol", s("tcp")),
                        ("cidr_blocks", l(vec![s("10.0.0.0/16"), s("10.1.0.0/16")])),
                        (
                            "security_groups",
                            l(vec![rf("aws_security_group.task", "id")]),
                        ),
                        ("self", b(true)),
                        // plan noise
                        ("ipv6_cidr_blocks", l(vec![])),
                        ("description", s("")),
                    ])]),
                ),
                (
                    "egress",
                    l(vec![m(vec![
                        ("from_port", n(0.0)),
                        ("to_port", n(0.0)),
                        ("protocol", s("-1")),
                        ("cidr_blocks", l(vec![s("0.0.0.0/0")])),
                        ("self", b(false)),
                    ])]),
                ),
            ]),
        ),
        res("aws_security_group.task", "aws_security_group", m(vec![])),
    ]);
    assert_eq!(
        rules(field(&g, "aws_security_group.a", "ingress")),
        vec![
            "tcp 443-443 cidr_ipv4=10.0.0.0/16",
            "tcp 443-443 cidr_ipv4=10.1.0.0/16",
            "tcp 443-443 security_group_id=->aws_security_group.task",
            "tcp 443-443 self=true",
        ]
    );
    // protocol -1: ports are meaningless and dropped
    assert_eq!(
        rules(field(&g, "aws_security_group.a", "egress")),
        vec!["-1 cidr_ipv4=0.0.0.0/0"]
    );
    assert_eq!(
        edge_targets(&g, "aws_security_group.a", "ingress"),
        vec!["aws_security_group.task"]
    );

    let c = cfn(vec![
        res(
            "A",
            "AWS::EC2::SecurityGroup",
            m(vec![
                (
                    "SecurityGroupIngress",
                    l(vec![
                        m(vec![
                            ("IpProtocol", s("tcp")),
                            ("FromPort", s("443")),
                            ("ToPort", n(443.0)),
                            ("CidrIp", s("10.0.0.0/16")),
                        ]),
                        m(vec![
                            ("IpProtocol", n(6.0)),
                            ("FromPort", n(443.0)),
                            ("ToPort", n(443.0)),
                            ("SourceSecurityGroupId", rf("Task", "GroupId")),
                        ]),
                    ]),
                ),
                (
                    "SecurityGroupEgress",
                    l(vec![m(vec![
                        ("IpProtocol", n(-1.0)),
                        ("CidrIp", s("0.0.0.0/0")),
                    ])]),
                ),
            ]),
        ),
        res("Task", "AWS::EC2::SecurityGroup", m(vec![])),
    ]);
    assert_eq!(
        rules(field(&c, "A", "ingress")),
        vec![
            "tcp 443-443 cidr_ipv4=10.0.0.0/16",
            "tcp 443-443 security_group_id=->Task"
        ]
    );
    assert_eq!(
        rules(field(&c, "A", "egress")),
        vec!["-1 cidr_ipv4=0.0.0.0/0"]
    );
    // each rule keeps the span of its peer
    let r0 = &field(&c, "A", "ingress").as_list().unwrap()[0];
    assert!(r0.get("cidr_ipv4").unwrap().span.is_some());
}

#[test]
fn default_egress_differs_between_formats() {
    // Terraform removes AWS's default egress; CloudFormation keeps it when none is written.
    let g = tf(vec![
        res("aws_security_group.a", "aws_security_group", m(vec![])),
        res(
            "aws_default_security_group.d",
            "aws_default_security_group",
            m(vec![]),
        ),
        res(
            "aws_security_group.u",
            "aws_security_group",
            m(vec![("egress", unknown())]),
        ),
    ]);
    assert_eq!(
        rules(field(&g, "aws_security_group.a", "egress")),
        Vec::<String>::new()
    );
    assert!(g.get("aws_security_group.a").unwrap().is_default("egress"));
    assert_eq!(
        rules(field(&g, "aws_default_security_group.d", "ingress")),
        Vec::<String>::new()
    );
    assert_eq!(
        rules(field(&g, "aws_default_security_group.d", "egress")),
        Vec::<String>::new()
    );
    assert!(field(&g, "aws_security_group.u", "egress").is_unknown());
    let c = cfn(vec![
        res("A", "AWS::EC2::SecurityGroup", m(vec![])),
        res(
            "B",
            "AWS::EC2::SecurityGroup",
            m(vec![("SecurityGroupEgress", l(vec![]))]),
        ),
    ]);
    assert_eq!(
        rules(field(&c, "B", "egress")),
        vec!["-1 cidr_ipv4=0.0.0.0/0"]
    );
    assert_eq!(
        rules(field(&c, "A", "egress")),
        vec!["-1 cidr_ipv4=0.0.0.0/0"]
    );
    assert!(c.get("A").unwrap().is_default("egress"));
    assert_eq!(rules(field(&c, "A", "ingress")), Vec::<String>::new());
}

#[test]
fn standalone_rules_of_every_form() {
    let g = tf(vec![
        res("aws_security_group.e", "aws_security_group", m(vec![])),
        res(
            "aws_security_group_rule.a",
            "aws_security_group_rule",
            m(vec![
                ("type", s("ingress")),
                ("security_group_id", rf("aws_security_group.e", "id")),
                ("protocol", s("TCP")),
                ("from_port", n(443.0)),
                ("to_port", n(443.0)),
                (
                    "source_security_group_id",
                    rf("aws_security_group.task", "id"),
                ),
            ]),
        ),
        res(
            "aws_vpc_security_group_egress_rule.b",
            "aws_vpc_security_group_egress_rule",
            m(vec![
                ("security_group_id", rf("aws_security_group.task", "id")),
                ("ip_protocol", s("-1")),
                ("cidr_ipv4", s("0.0.0.0/0")),
            ]),
        ),
        res("aws_security_group.task", "aws_security_group", m(vec![])),
    ]);
    assert_eq!(
        field(&g, "aws_security_group_rule.a", "direction").as_str(),
        Some("ingress")
    );
    assert_eq!(
        rules(field(&g, "aws_security_group_rule.a", "rules")),
        vec!["tcp 443-443 security_group_id=->aws_security_group.task"]
    );
    assert_eq!(
        field(&g, "aws_vpc_security_group_egress_rule.b", "direction").as_str(),
        Some("egress")
    );
    assert_eq!(
        rules(field(&g, "aws_vpc_security_group_egress_rule.b", "rules")),
        vec!["-1 cidr_ipv4=0.0.0.0/0"]
    );
    // the rules of a group are found from the group
    let task = g.get("aws_security_group.task").unwrap().id;
    let r: Vec<_> = g
        .referrers(task, Kind::SecurityGroupRule)
        .into_iter()
        .map(|i| g.nodes[i].address.clone())
        .collect();
    assert_eq!(
        r,
        vec![
            "aws_security_group_rule.a",
            "aws_vpc_security_group_egress_rule.b"
        ]
    );
    assert_eq!(
        edge_targets(&g, "aws_security_group_rule.a", "security_group_id"),
        vec!["aws_security_group.e"]
    );

    let c = cfn(vec![res(
        "In",
        "AWS::EC2::SecurityGroupEgress",
        m(vec![
            ("GroupId", rf("Sg", "GroupId")),
            ("IpProtocol", s("tcp")),
            ("FromPort", n(443.0)),
            ("ToPort", n(443.0)),
            ("DestinationPrefixListId", s("pl-123")),
        ]),
    )]);
    assert_eq!(field(&c, "In", "direction").as_str(), Some("egress"));
    assert_eq!(
        rules(field(&c, "In", "rules")),
        vec!["tcp 443-443 prefix_list_id=pl-123"]
    );
    assert_eq!(c.dangling.len(), 1, "Sg is not in the unit");
}

// ---------------------------------------------------------------------------------------------
// IAM

#[test]
fn policy_json_string_spans_point_into_the_source() {
    let text =
        r#"{"Statement":{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}}"#;
    // the span covers the literal with its quotes
    let lit = Value::str(
        text,
        Some(Span {
            file: FileId(3),
            start: 100,
            end: 100 + text.len() as u32 + 2,
        }),
    );
    let g = tf(vec![res(
        "aws_iam_policy.p",
        "aws_iam_policy",
        m(vec![("policy", lit)]),
    )]);
    let st = field(&g, "aws_iam_policy.p", "policy.Statement");
    let act = st.as_list().unwrap()[0].get("Action").unwrap();
    let a0 = &act.as_list().unwrap()[0];
    let off = text.find("\"ecr:").unwrap() as u32;
    assert_eq!(a0.span.unwrap().start, 101 + off);
    assert_eq!(a0.span.unwrap().file, FileId(3));

    // an escaped literal (span longer than the text) gets the literal's span everywhere
    let esc = Value::str(
        text,
        Some(Span {
            file: FileId(3),
            start: 0,
            end: text.len() as u32 + 30,
        }),
    );
    let g = tf(vec![res(
        "aws_iam_policy.p",
        "aws_iam_policy",
        m(vec![("policy", esc.clone())]),
    )]);
    let st = field(&g, "aws_iam_policy.p", "policy.Statement");
    assert_eq!(
        st.as_list().unwrap()[0].get("Effect").unwrap().span,
        esc.span
    );

    // invalid JSON: unknown with a reason, and a diagnostic
    let bad = Value::str("{\"Statement\": [", sp());
    let g = tf(vec![res(
        "aws_iam_policy.p",
        "aws_iam_policy",
        m(vec![("policy", bad)]),
    )]);
    assert!(field(&g, "aws_iam_policy.p", "policy").is_unknown());
    assert_eq!(g.diagnostics.len(), 1);
    // without a span, the diagnostic still names the unit's file
    let mut u = unit(
        Format::Plan,
        vec![res(
            "aws_iam_policy.p",
            "aws_iam_policy",
            m(vec![("policy", Value::str("{", None))]),
        )],
    );
    u.root = "plan.json".into();
    let g = build(&u);
    assert_eq!(
        g.diagnostics[0].file.as_deref(),
        Some(std::path::Path::new("plan.json"))
    );
}

#[test]
fn encoded_and_data_documents_share_the_shape() {
    let encoded = enc(m(vec![
        ("Version", s("2012-10-17")),
        (
            "Statement",
            l(vec![m(vec![
                ("Effect", s("Allow")),
                (
                    "Principal",
                    m(vec![("Service", s("ecs-tasks.amazonaws.com"))]),
                ),
                ("Action", s("sts:AssumeRole")),
                (
                    "Condition",
                    m(vec![(
                        "StringEquals",
                        m(vec![("aws:SourceAccount", s("123456789012"))]),
                    )]),
                ),
            ])]),
        ),
    ]));
    let g = tf(vec![
        res(
            "aws_iam_role.a",
            "aws_iam_role",
            m(vec![("assume_role_policy", encoded)]),
        ),
        data(
            "data.aws_iam_policy_document.t",
            "aws_iam_policy_document",
            m(vec![(
                "statement",
                l(vec![m(vec![
                    ("actions", l(vec![s("sts:AssumeRole")])),
                    (
                        "principals",
                        l(vec![m(vec![
                            ("type", s("Service")),
                            ("identifiers", l(vec![s("ecs-tasks.amazonaws.com")])),
                        ])]),
                    ),
                    (
                        "condition",
                        l(vec![m(vec![
                            ("test", s("StringEquals")),
                            ("variable", s("aws:SourceAccount")),
                            ("values", l(vec![s("123456789012")])),
                        ])]),
                    ),
                    ("not_actions", l(vec![])),
                ])]),
            )]),
        ),
        res(
            "aws_iam_role.b",
            "aws_iam_role",
            m(vec![(
                "assume_role_policy",
                rf("data.aws_iam_policy_document.t", "json"),
            )]),
        ),
    ]);
    let a = &field(&g, "aws_iam_role.a", "assume_role_policy.Statement")
        .as_list()
        .unwrap()[0];
    let d = &field(&g, "data.aws_iam_policy_document.t", "policy.Statement")
        .as_list()
        .unwrap()[0];
    for k in ["Effect", "Action", "Principal", "Condition"] {
        let (x, y) = (a.get(k).unwrap(), d.get(k).unwrap());
        assert_eq!(x.to_json(), y.to_json(), "{k}");
    }
    assert!(d.get("NotAction").is_none());
    assert_eq!(
        edge_targets(&g, "aws_iam_role.b", "assume_role_policy"),
        vec!["data.aws_iam_policy_document.t"]
    );
}

#[test]
fn every_attachment_form_links_role_and_policy() {
    let g = tf(vec![
        res(
            "aws_iam_role.exec",
            "aws_iam_role",
            m(vec![
                ("name", s("app-exec")),
                (
                    "managed_policy_arns",
                    l(vec![s(
                        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
                    )]),
                ),
                (
                    "inline_policy",
                    l(vec![
                        m(vec![
                            ("name", s("logs")),
                            ("policy", s(r#"{"Statement":[]}"#)),
                        ]),
                        // plan noise for an unset inline policy
                        m(vec![("name", s("")), ("policy", s(""))]),
                    ]),
                ),
            ]),
        ),
        res(
            "aws_iam_policy.pull",
            "aws_iam_policy",
            m(vec![("name", s("pull")), ("path", s("/ecs/"))]),
        ),
        // literal names and ARNs are joined by name
        res(
            "aws_iam_role_policy_attachment.a",
            "aws_iam_role_policy_attachment",
            m(vec![
                ("role", s("app-exec")),
                ("policy_arn", s("arn:aws:iam::123456789012:policy/ecs/pull")),
            ]),
        ),
        res(
            "aws_iam_policy_attachment.b",
            "aws_iam_policy_attachment",
            m(vec![
                (
                    "roles",
                    l(vec![rfv("aws_iam_role.exec", "name", s("app-exec"))]),
                ),
                ("policy_arn", rf("aws_iam_policy.pull", "arn")),
            ]),
        ),
        res(
            "aws_iam_role_policy_attachments_exclusive.c",
            "aws_iam_role_policy_attachments_exclusive",
            m(vec![
                ("role_name", s("app-exec")),
                ("policy_arns", l(vec![rf("aws_iam_policy.pull", "arn")])),
            ]),
        ),
        res(
            "aws_iam_role_policy.d",
            "aws_iam_role_policy",
            m(vec![
                ("role", s("arn:aws:iam::123456789012:role/app-exec")),
                ("policy", unknown()),
            ]),
        ),
    ]);
    let role = g.get("aws_iam_role.exec").unwrap().id;
    let mut att: Vec<_> = g
        .referrers(role, Kind::PolicyAttachment)
        .into_iter()
        .map(|i| g.nodes[i].address.clone())
        .collect();
    att.sort();
    assert_eq!(
        att,
        vec![
            "aws_iam_policy_attachment.b",
            "aws_iam_role.exec#managed_policy_arns",
            "aws_iam_role_policy_attachment.a",
            "aws_iam_role_policy_attachments_exclusive.c",
        ]
    );
    let mut inl: Vec<_> = g
        .referrers(role, Kind::RolePolicy)
        .into_iter()
        .map(|i| g.nodes[i].address.clone())
        .collect();
    inl.sort();
    assert_eq!(
        inl,
        vec![
            "aws_iam_role.exec#inline_policy[0]",
            "aws_iam_role_policy.d"
        ]
    );
    assert_eq!(
        edge_targets(&g, "aws_iam_role_policy_attachment.a", "policy_arns"),
        vec!["aws_iam_policy.pull"]
    );
    // the AWS-managed ARN has no node and joins nothing
    assert!(edge_targets(&g, "aws_iam_role.exec#managed_policy_arns", "policy_arns").is_empty());
    // the synthesised role reference reads as the role's name
    assert_eq!(
        field(&g, "aws_iam_role.exec#managed_policy_arns", "roles[0]").as_str(),
        Some("app-exec")
    );
    assert!(field(&g, "aws_iam_role_policy.d", "policy").is_unknown());
    let join = g
        .edges_from(g.get("aws_iam_role_policy_attachment.a").unwrap().id)
        .find(|e| e.field == "roles[0]")
        .unwrap();
    assert_eq!(join.via, Via::Name);

    // CloudFormation: ManagedPolicy.Roles, Policy.Roles, RolePolicy.RoleName, Role.Policies
    let c = cfn(vec![
        res(
            "Exec",
            "AWS::IAM::Role",
            m(vec![
                (
                    "Policies",
                    l(vec![m(vec![
                        ("PolicyName", s("p")),
                        ("PolicyDocument", m(vec![("Statement", l(vec![]))])),
                    ])]),
                ),
                ("ManagedPolicyArns", l(vec![rf("Mp", "")])),
            ]),
        ),
        res(
            "Mp",
            "AWS::IAM::ManagedPolicy",
            m(vec![
                ("Roles", l(vec![rf("Exec", "")])),
                ("PolicyDocument", m(vec![])),
            ]),
        ),
        res(
            "Pol",
            "AWS::IAM::Policy",
            m(vec![
                ("Roles", l(vec![rf("Exec", "")])),
                ("PolicyDocument", m(vec![])),
            ]),
        ),
        res(
            "Rp",
            "AWS::IAM::RolePolicy",
            m(vec![
                ("RoleName", rf("Exec", "")),
                ("PolicyDocument", m(vec![])),
            ]),
        ),
    ]);
    let role = c.get("Exec").unwrap().id;
    let mut att: Vec<_> = c
        .referrers(role, Kind::PolicyAttachment)
        .into_iter()
        .map(|i| c.nodes[i].address.clone())
        .collect();
    att.sort();
    assert_eq!(att, vec!["Exec#managed_policy_arns", "Mp#roles"]);
    let mut inl: Vec<_> = c
        .referrers(role, Kind::RolePolicy)
        .into_iter()
        .map(|i| c.nodes[i].address.clone())
        .collect();
    inl.sort();
    assert_eq!(inl, vec!["Exec#inline_policy[0]", "Pol", "Rp"]);
    assert_eq!(edge_targets(&c, "Mp#roles", "policy_arns"), vec!["Mp"]);
    assert_eq!(
        edge_targets(&c, "Exec#managed_policy_arns", "policy_arns"),
        vec!["Mp"]
    );
}

// ---------------------------------------------------------------------------------------------
// Containers

#[test]
fn cfn_containers_become_camel_case_keeping_written_keys() {
    let c = cfn(vec![res("Task", "AWS::ECS::TaskDefinition", m(vec![(
        "ContainerDefinitions",
        l(vec![m(vec![
            ("Name", s("app")),
            ("Image", s("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.0")),
            ("ImagePullBehavior", s("ALWAYS")),
            ("RepositoryCredentials", m(vec![("CredentialsParameter", rf("Creds", ""))])),
            ("LogConfiguration", m(vec![
                ("LogDriver", s("awslogs")),
                ("Options", m(vec![("awslogs-group", s("/ecs/app")), ("awslogs-create-group", s("true"))])),
            ])),
            ("Secrets", l(vec![m(vec![
                ("Name", s("DB")),
                ("ValueFrom", s("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::")),
            ])])),
        ])]),
    )])),
    res("Creds", "AWS::SecretsManager::Secret", m(vec![("SecretString", s("{}"))])),
    res("Db", "AWS::SecretsManager::Secret", m(vec![("Name", s("prod/db"))])),
    res("Logs", "AWS::Logs::LogGroup", m(vec![("LogGroupName", s("/ecs/app"))])),
    res("Repo", "AWS::ECR::Repository", m(vec![("RepositoryName", s("team/app"))])),
    ]);
    let t = c.get("Task").unwrap();
    let c0 = t
        .field("container_definitions[0]")
        .unwrap()
        .as_map()
        .unwrap();
    let keys: Vec<&str> = c0.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "name",
            "image",
            "imagePullBehavior",
            "repositoryCredentials",
            "logConfiguration",
            "secrets"
        ]
    );
    // free-form option keys are kept as written
    assert!(t
        .field("container_definitions[0].logConfiguration.options.awslogs-create-group")
        .is_some());
    let wk = t
        .written_keys
        .iter()
        .find(|w| w.path == "container_definitions[0].imagePullBehavior")
        .unwrap();
    assert_eq!(wk.written, "ImagePullBehavior");
    assert!(wk.span.is_some());
    assert!(t.written_keys.iter().all(|w| !w.path.contains("awslogs")));
    // joins: credentials (ref), secret by ARN with suffix and JSON-key tail, log group, repository
    assert_eq!(
        edge_targets(&c, "Task", "container_definitions[0].repositoryCredentials"),
        vec!["Creds"]
    );
    assert_eq!(
        edge_targets(&c, "Task", "container_definitions[0].secrets"),
        vec!["Db"]
    );
    assert_eq!(
        edge_targets(&c, "Task", "container_definitions[0].logConfiguration"),
        vec!["Logs"]
    );
    assert_eq!(
        edge_targets(&c, "Task", "container_definitions[0].image"),
        vec!["Repo"]
    );
    // SecretString became a secret version
    assert_eq!(
        edge_targets(&c, "Creds#secret_string", "secret_id"),
        vec!["Creds"]
    );
}

#[test]
fn terraform_container_json_is_decoded_case_insensitively() {
    let text = r#"[{"Name":"app","image":"nginx","repositoryCredential":{"credentialsParameter":"x"},"secrets":[{"name":"P","valueFrom":"/app/param"}]}]"#;
    let lit = Value::str(
        text,
        Some(Span {
            file: FileId(1),
            start: 50,
            end: 50 + text.len() as u32 + 2,
        }),
    );
    let g = tf(vec![
        res(
            "aws_ecs_task_definition.t",
            "aws_ecs_task_definition",
            m(vec![("container_definitions", lit)]),
        ),
        res(
            "aws_ssm_parameter.p",
            "aws_ssm_parameter",
            m(vec![("name", s("/app/param"))]),
        ),
    ]);
    let t = g.get("aws_ecs_task_definition.t").unwrap();
    assert_eq!(
        t.field("container_definitions[0].name").unwrap().as_str(),
        Some("app")
    );
    let name_key = t
        .written_keys
        .iter()
        .find(|w| w.path == "container_definitions[0].name")
        .unwrap();
    assert_eq!(name_key.written, "Name");
    assert_eq!(
        name_key.span.unwrap().start,
        50 + 1 + text.find("\"Name\"").unwrap() as u32
    );
    // a misspelled key stays as written (the provider drops it; FGP052 reports it)
    assert!(t
        .field("container_definitions[0].repositoryCredential")
        .is_some());
    assert!(t.written_keys.iter().all(|w| w.written != "image"));
    // a non-ARN valueFrom names an SSM parameter
    assert_eq!(
        edge_targets(
            &g,
            "aws_ecs_task_definition.t",
            "container_definitions[0].secrets"
        ),
        vec!["aws_ssm_parameter.p"]
    );

    // heredoc-like: the span does not match the text; every part gets the literal's span
    let heredoc = Value::str(
        "[{\"image\": \"nginx\"}]",
        Some(Span {
            file: FileId(1),
            start: 0,
            end: 40,
        }),
    );
    let g = tf(vec![res(
        "aws_ecs_task_definition.t",
        "aws_ecs_task_definition",
        m(vec![("container_definitions", heredoc.clone())]),
    )]);
    assert_eq!(
        field(
            &g,
            "aws_ecs_task_definition.t",
            "container_definitions[0].image"
        )
        .span,
        heredoc.span
    );
    // unknown stays unknown
    let g = tf(vec![res(
        "aws_ecs_task_definition.t",
        "aws_ecs_task_definition",
        m(vec![("container_definitions", unknown())]),
    )]);
    assert!(field(&g, "aws_ecs_task_definition.t", "container_definitions").is_unknown());
}

// ---------------------------------------------------------------------------------------------
// Edge index

#[test]
fn refs_resolve_to_instances_modules_and_nested_stacks() {
    let g = tf(vec![
        res("module.net.aws_subnet.p[0]", "aws_subnet", m(vec![])),
        res("module.net.aws_subnet.p[1]", "aws_subnet", m(vec![])),
        res("module.net.aws_subnet.q[\"a.b\"]", "aws_subnet", m(vec![])),
        res("aws_subnet.p", "aws_subnet", m(vec![])),
        res(
            "aws_vpc_endpoint.e",
            "aws_vpc_endpoint",
            m(vec![
                (
                    "subnet_ids",
                    l(vec![
                        rf("module.net.aws_subnet.p", "id"),
                        rf("module.net.aws_subnet.q[\"a.b\"]", "id"),
                    ]),
                ),
                (
                    "route_table_ids",
                    l(vec![rf("aws_route_table.missing", "id")]),
                ),
                ("security_group_ids", l(vec![rf("aws_subnet.p[0]", "id")])),
            ]),
        ),
    ]);
    assert_eq!(
        edge_targets(&g, "aws_vpc_endpoint.e", "subnet_ids"),
        vec![
            "module.net.aws_subnet.p[0]",
            "module.net.aws_subnet.p[1]",
            "module.net.aws_subnet.q[\"a.b\"]",
        ]
    );
    // an indexed reference to a resource without instances finds the resource
    assert_eq!(
        edge_targets(&g, "aws_vpc_endpoint.e", "security_group_ids"),
        vec!["aws_subnet.p"]
    );
    // unresolvable targets are recorded, and reported
    assert_eq!(g.dangling.len(), 1);
    assert_eq!(g.dangling[0].target, "aws_route_table.missing");
    assert_eq!(g.dangling[0].field, "route_table_ids[0]");
    let d = g.dangling_diagnostics();
    assert_eq!(d[0].code, "dangling-ref");
    assert!(d[0].span.is_some());
    // recorded but not reported for resources outside the pull path
    let o = tf(vec![res(
        "aws_db_instance.d",
        "aws_db_instance",
        m(vec![("x", rf("aws_db_subnet_group.g", "name"))]),
    )]);
    assert_eq!(o.dangling.len(), 1);
    assert!(o.dangling_diagnostics().is_empty());

    let c = cfn(vec![
        res("Net/Subnet", "AWS::EC2::Subnet", m(vec![])),
        res(
            "Net/Endpoint",
            "AWS::EC2::VPCEndpoint",
            m(vec![
                ("SubnetIds", l(vec![rf("Net/Subnet", "")])),
                ("VpcId", rf("AWS::NoValue", "")),
            ]),
        ),
    ]);
    assert_eq!(
        edge_targets(&c, "Net/Endpoint", "subnet_ids"),
        vec!["Net/Subnet"]
    );
    assert!(c.dangling.is_empty(), "pseudo parameters are not dangling");
}

#[test]
fn name_joins_cover_log_groups_secrets_clusters_and_families() {
    let g = tf(vec![
        res(
            "aws_ecs_cluster.c",
            "aws_ecs_cluster",
            m(vec![("name", s("main"))]),
        ),
        res(
            "aws_ecs_task_definition.t",
            "aws_ecs_task_definition",
            m(vec![
                ("family", s("app")),
                (
                    "execution_role_arn",
                    s("arn:aws:iam::123456789012:role/service/app-exec"),
                ),
            ]),
        ),
        res(
            "aws_iam_role.r",
            "aws_iam_role",
            m(vec![("name", s("app-exec"))]),
        ),
        res(
            "aws_ecs_service.s",
            "aws_ecs_service",
            m(vec![
                (
                    "cluster",
                    s("arn:aws:ecs:eu-west-1:123456789012:cluster/main"),
                ),
                ("task_definition", s("app:3")),
            ]),
        ),
        res(
            "aws_secretsmanager_secret.k",
            "aws_secretsmanager_secret",
            m(vec![
                ("name", s("dockerhub")),
                ("kms_key_id", s("alias/secrets")),
            ]),
        ),
        res(
            "aws_kms_alias.a",
            "aws_kms_alias",
            m(vec![("name", s("alias/secrets"))]),
        ),
        res(
            "aws_secretsmanager_secret_version.v",
            "aws_secretsmanager_secret_version",
            m(vec![("secret_id", s("dockerhub"))]),
        ),
    ]);
    assert_eq!(
        edge_targets(&g, "aws_ecs_service.s", "cluster"),
        vec!["aws_ecs_cluster.c"]
    );
    assert_eq!(
        edge_targets(&g, "aws_ecs_service.s", "task_definition"),
        vec!["aws_ecs_task_definition.t"]
    );
    assert_eq!(
        edge_targets(&g, "aws_ecs_task_definition.t", "execution_role_arn"),
        vec!["aws_iam_role.r"]
    );
    assert_eq!(
        edge_targets(&g, "aws_secretsmanager_secret.k", "kms_key_id"),
        vec!["aws_kms_alias.a"]
    );
    assert_eq!(
        edge_targets(&g, "aws_secretsmanager_secret_version.v", "secret_id"),
        vec!["aws_secretsmanager_secret.k"]
    );
    // unknown parts outside the name do not prevent the join
    let g = tf(vec![
        res(
            "aws_iam_role.r",
            "aws_iam_role",
            m(vec![("name", s("app-exec"))]),
        ),
        res(
            "aws_ecr_repository.app",
            "aws_ecr_repository",
            m(vec![("name", s("app"))]),
        ),
        res(
            "aws_ecs_task_definition.t",
            "aws_ecs_task_definition",
            m(vec![
                (
                    "execution_role_arn",
                    tpl(vec![s("arn:aws:iam::"), unknown(), s(":role/app-exec")]),
                ),
                (
                    "container_definitions",
                    enc(l(vec![m(vec![(
                        "image",
                        tpl(vec![
                            unknown(),
                            s(".dkr.ecr."),
                            region(),
                            s(".amazonaws.com/app:1"),
                        ]),
                    )])])),
                ),
            ]),
        ),
    ]);
    assert_eq!(
        edge_targets(&g, "aws_ecs_task_definition.t", "execution_role_arn"),
        vec!["aws_iam_role.r"]
    );
    assert_eq!(
        edge_targets(
            &g,
            "aws_ecs_task_definition.t",
            "container_definitions[0].image"
        ),
        vec!["aws_ecr_repository.app"]
    );
    // names with unknown parts join nothing
    let g = tf(vec![
        res(
            "aws_iam_role.r",
            "aws_iam_role",
            m(vec![("name", s("app-exec"))]),
        ),
        res(
            "aws_iam_role_policy.p",
            "aws_iam_role_policy",
            m(vec![("role", tpl(vec![s("app-"), unknown()]))]),
        ),
    ]);
    assert!(edge_targets(&g, "aws_iam_role_policy.p", "roles").is_empty());
}

// ---------------------------------------------------------------------------------------------
// JSON output

#[test]
fn json_output_has_places_relative_to_cwd() {
    let sources = crate::base::SourceMap::new();
    let text = "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";
    let file = sources.add("/work/x/main.tf", text);
    let at = |needle: &str| {
        let i = text.find(needle).unwrap();
        Some(Span::new(file, i..i + needle.len()))
    };
    let mut attrs = Map::new();
    attrs.push(
        "cidr_block",
        at("cidr_block"),
        Value::str("10.0.0.0/16", at("\"10.0.0.0/16\"")),
    );
    let u = Unit {
        name: "x".into(),
        format: Some(Format::Terraform),
        resources: vec![
            Resource {
                address: "aws_vpc.main".into(),
                rtype: "aws_vpc".into(),
                mode: Mode::Managed,
                span: at("resource").unwrap(),
                attrs,
                exists: None,
            },
            Resource {
                address: "aws_subnet.a".into(),
                rtype: "aws_subnet".into(),
                mode: Mode::Managed,
                span: at("cidr_block").unwrap(),
                attrs: {
                    let mut a = Map::new();
                    a.push(
                        "vpc_id",
                        None,
                        Value::new(
                            Val::Ref(Box::new(Ref {
                                target: "aws_vpc.main".into(),
                                attr: "id".into(),
                                resolved: None,
                            })),
                            at("\"10.0.0.0/16\""),
                        ),
                    );
                    a
                },
                exists: Some(Value::new(Val::Bool(true), None)),
            },
        ],
        ..Unit::default()
    };
    let g = build(&u);
    let j = to_json(&[g], &sources, std::path::Path::new("/work"));
    let r0 = &j["resources"][0];
    assert_eq!(r0["file"], "x/main.tf");
    assert_eq!(r0["line"], 1);
    assert_eq!(r0["column"], 1);
    assert_eq!(r0["kind"], "vpc");
    assert_eq!(r0["format"], "terraform");
    assert_eq!(r0["fields"]["cidr_block"], "10.0.0.0/16");
    assert_eq!(r0["fields"]["enable_dns_hostnames"], false);
    assert!(r0.get("exists").is_none());
    assert_eq!(j["resources"][1]["exists"], true);
    let e0 = &j["edges"][0];
    assert_eq!(e0["from"], "aws_subnet.a");
    assert_eq!(e0["to"], "aws_vpc.main");
    assert_eq!(e0["field"], "vpc_id");
    assert_eq!(e0["line"], 2);
}

#[test]
fn json_templates_are_decoded_when_parts_sit_in_strings() {
    // policy = <<EOF {"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"${aws_secretsmanager_secret.db.arn}"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"${aws_s3_bucket.b.arn}/*"}]} EOF
    let policy = tpl(vec![
        s(
            r#"{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":""#,
        ),
        rf("aws_secretsmanager_secret.db", "arn"),
        s(r#""},{"Effect":"Allow","Action":"s3:GetObject","Resource":""#),
        rf("aws_s3_bucket.b", "arn"),
        s(r#"/*"}]}"#),
    ]);
    let g = tf(vec![
        res(
            "aws_iam_role_policy.p",
            "aws_iam_role_policy",
            m(vec![("policy", policy.clone())]),
        ),
        res(
            "aws_secretsmanager_secret.db",
            "aws_secretsmanager_secret",
            m(vec![]),
        ),
        res("aws_s3_bucket.b", "aws_s3_bucket", m(vec![])),
    ]);
    let st = field(&g, "aws_iam_role_policy.p", "policy.Statement")
        .as_list()
        .unwrap();
    assert_eq!(st.len(), 2);
    let r0 = &st[0].get("Resource").unwrap().as_list().unwrap()[0];
    assert!(matches!(&r0.kind, Val::Ref(r) if r.target == "aws_secretsmanager_secret.db"));
    let r1 = &st[1].get("Resource").unwrap().as_list().unwrap()[0];
    assert_eq!(r1.render_pattern().unwrap(), "⟨?⟩/*");
    // Located by its parts (these test spans do not hold the parts' text, so each part maps as
    // a whole): from the part that opens the string to the part that closes it.
    let Val::Template(parts) = &policy.kind else {
        unreachable!()
    };
    let (opens, closes) = (parts[2].span.unwrap(), parts[4].span.unwrap());
    assert_eq!(r1.span, Some(opens.cover(closes)));
    assert_eq!(
        edge_targets(&g, "aws_iam_role_policy.p", "policy"),
        vec!["aws_s3_bucket.b", "aws_secretsmanager_secret.db"]
    );
    // a part outside a JSON string is the value written there: the rest stays known
    let defs = tpl(vec![
        s(r#"[{"name":"app","cpu":"#),
        unknown(),
        s(r#","image":"nginx","portMappings":[{"containerPort":"#),
        unknown(),
        s(r#"}],"command":["echo","a \" ${"#),
        s(r#"}"]}]"#),
    ]);
    let g = tf(vec![res(
        "aws_ecs_task_definition.t",
        "aws_ecs_task_definition",
        m(vec![("container_definitions", defs)]),
    )]);
    let c = field(&g, "aws_ecs_task_definition.t", "container_definitions");
    let c0 = &c.as_list().expect("decoded")[0];
    assert_eq!(c0.get("name").and_then(|v| v.as_str()), Some("app"));
    assert_eq!(c0.get("image").and_then(|v| v.as_str()), Some("nginx"));
    assert!(c0.get("cpu").is_some_and(|v| v.is_unknown()));
    let pm = &c0.get("portMappings").and_then(|v| v.as_list()).unwrap()[0];
    assert!(pm.get("containerPort").is_some_and(|v| v.is_unknown()));
    // an escaped quote inside a string does not end it
    let cmd = c0.get("command").and_then(|v| v.as_list()).unwrap();
    assert_eq!(cmd[1].as_str(), Some("a \" ${}"));
}

#[test]
fn rendered_policy_document_wins_over_statements() {
    // The Terraform frontend renders `json` (merging source/override documents); prefer it.
    let rendered = enc(m(vec![(
        "Statement",
        l(vec![m(vec![
            ("Effect", s("Deny")),
            ("Action", s("*")),
            ("Resource", s("*")),
        ])]),
    )]));
    let g = tf(vec![data(
        "data.aws_iam_policy_document.d",
        "aws_iam_policy_document",
        m(vec![
            (
                "statement",
                l(vec![m(vec![("actions", l(vec![s("ecr:*")]))])]),
            ),
            ("json", rendered),
        ]),
    )]);
    let st = field(&g, "data.aws_iam_policy_document.d", "policy.Statement")
        .as_list()
        .unwrap();
    assert_eq!(st[0].get("Effect").unwrap().as_str(), Some("Deny"));
    // an unknown rendering stays unknown
    let g = tf(vec![data(
        "data.aws_iam_policy_document.d",
        "aws_iam_policy_document",
        m(vec![
            (
                "statement",
                l(vec![m(vec![("actions", l(vec![s("ecr:*")]))])]),
            ),
            ("json", unknown()),
        ]),
    )]);
    assert!(field(&g, "data.aws_iam_policy_document.d", "policy").is_unknown());
}

#[test]
fn references_inside_resolved_values_are_not_edges_of_the_referrer() {
    let whole = rfv(
        "aws_subnet.a",
        "",
        m(vec![("vpc_id", rf("aws_vpc.main", "id"))]),
    );
    let g = tf(vec![
        res(
            "aws_subnet.a",
            "aws_subnet",
            m(vec![("vpc_id", rf("aws_vpc.main", "id"))]),
        ),
        res("aws_vpc.main", "aws_vpc", m(vec![])),
        res(
            "aws_vpc_endpoint.e",
            "aws_vpc_endpoint",
            m(vec![("subnet_ids", l(vec![whole]))]),
        ),
    ]);
    assert_eq!(
        edge_targets(&g, "aws_vpc_endpoint.e", "subnet_ids"),
        vec!["aws_subnet.a"]
    );
}

#[test]
fn json_and_text_output_name_files_like_the_reports() {
    let sources = crate::base::SourceMap::new();
    let file = sources.add("./infra/main.tf", "resource \"aws_vpc\" \"v\" {}\n");
    let u = Unit {
        name: "infra".into(),
        format: Some(Format::Terraform),
        resources: vec![Resource {
            address: "aws_vpc.v".into(),
            rtype: "aws_vpc".into(),
            mode: Mode::Managed,
            span: Span::new(file, 0..8),
            attrs: Map::new(),
            exists: None,
        }],
        ..Unit::default()
    };
    let g = build(&u);
    let j = to_json(
        std::slice::from_ref(&g),
        &sources,
        std::path::Path::new("/somewhere"),
    );
    assert_eq!(j["resources"][0]["file"], "infra/main.tf");
    let t = to_text(&[g], &sources, std::path::Path::new("/somewhere"));
    assert!(t.contains("aws_vpc.v [vpc] infra/main.tf:1"), "{t}");
}

#[test]
fn scale_is_linear_enough() {
    // 30k resources: instances referenced un-indexed, roles joined by name.
    let mut rs = Vec::new();
    for i in 0..10_000 {
        rs.push(res(
            &format!("aws_subnet.p[{i}]"),
            "aws_subnet",
            m(vec![("vpc_id", rf("aws_vpc.v", "id"))]),
        ));
        rs.push(res(
            &format!("aws_iam_role.r{i}"),
            "aws_iam_role",
            m(vec![("name", s(&format!("role-{i}")))]),
        ));
        rs.push(res(
            &format!("aws_iam_role_policy_attachment.a{i}"),
            "aws_iam_role_policy_attachment",
            m(vec![
                ("role", s(&format!("role-{i}"))),
                ("policy_arn", s("arn:aws:iam::aws:policy/X")),
            ]),
        ));
    }
    rs.push(res("aws_vpc.v", "aws_vpc", m(vec![])));
    rs.push(res(
        "aws_vpc_endpoint.e",
        "aws_vpc_endpoint",
        m(vec![("subnet_ids", rf("aws_subnet.p", "id"))]),
    ));
    let t = std::time::Instant::now();
    let g = tf(rs);
    let took = t.elapsed();
    assert_eq!(
        g.targets(g.get("aws_vpc_endpoint.e").unwrap().id, "subnet_ids")
            .len(),
        10_000
    );
    assert_eq!(
        edge_targets(&g, "aws_iam_role_policy_attachment.a9999", "roles"),
        vec!["aws_iam_role.r9999"]
    );
    // generous: a quadratic pass over 30k nodes takes far longer than this in a debug build
    assert!(took.as_secs() < 20, "{took:?}");
}
