//! `testdata/equivalence/main.tf` written four times, as each frontend would hand it to the
//! graph (HCL, plan, CloudFormation YAML, CloudFormation JSON): the shapes must agree.

use super::tests::*;
use super::*;
use crate::base::Value;
use crate::frontends::{Format, Resource, Unit};

fn with_region(format: Format, region: Option<&str>, resources: Vec<Resource>) -> Unit {
    Unit {
        name: "equivalence".into(),
        format: Some(format),
        resources,
        region: region.map(|r| Value::str(r, None)),
        ..Unit::default()
    }
}

/// HCL: references with attributes, `jsonencode` as encoded values, blocks as lists of maps.
pub fn hcl() -> Unit {
    let vpc = || rf("aws_vpc.main", "id");
    with_region(
        Format::Terraform,
        Some("eu-west-1"),
        vec![
            res(
                "aws_vpc.main",
                "aws_vpc",
                m(vec![
                    ("cidr_block", s("10.0.0.0/16")),
                    ("enable_dns_support", b(true)),
                    ("enable_dns_hostnames", b(true)),
                ]),
            ),
            res(
                "aws_subnet.private",
                "aws_subnet",
                m(vec![("vpc_id", vpc()), ("cidr_block", s("10.0.1.0/24"))]),
            ),
            res(
                "aws_route_table.private",
                "aws_route_table",
                m(vec![("vpc_id", vpc())]),
            ),
            res(
                "aws_route_table_association.private",
                "aws_route_table_association",
                m(vec![
                    ("subnet_id", rf("aws_subnet.private", "id")),
                    ("route_table_id", rf("aws_route_table.private", "id")),
                ]),
            ),
            res(
                "aws_security_group.endpoints",
                "aws_security_group",
                m(vec![
                    ("vpc_id", vpc()),
                    (
                        "ingress",
                        l(vec![m(vec![
                            ("from_port", n(443.0)),
                            ("to_port", n(443.0)),
                            ("protocol", s("tcp")),
                            ("cidr_blocks", l(vec![s("10.0.0.0/16")])),
                        ])]),
                    ),
                ]),
            ),
            res(
                "aws_security_group.task",
                "aws_security_group",
                m(vec![
                    ("vpc_id", vpc()),
                    (
                        "egress",
                        l(vec![m(vec![
                            ("from_port", n(0.0)),
                            ("to_port", n(0.0)),
                            ("protocol", s("-1")),
                            ("cidr_blocks", l(vec![s("0.0.0.0/0")])),
                        ])]),
                    ),
                ]),
            ),
            interface_endpoint_tf("aws_vpc_endpoint.ecr_api", "ecr.api"),
            interface_endpoint_tf("aws_vpc_endpoint.ecr_dkr", "ecr.dkr"),
            res(
                "aws_vpc_endpoint.s3",
                "aws_vpc_endpoint",
                m(vec![
                    ("vpc_id", vpc()),
                    ("service_name", s("com.amazonaws.eu-west-1.s3")),
                    ("vpc_endpoint_type", s("Gateway")),
                    (
                        "route_table_ids",
                        l(vec![rf("aws_route_table.private", "id")]),
                    ),
                ]),
            ),
            res(
                "aws_iam_role.exec",
                "aws_iam_role",
                m(vec![
                    ("name", s("app-exec")),
                    (
                        "assume_role_policy",
                        enc(m(vec![
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
                                ])]),
                            ),
                        ])),
                    ),
                ]),
            ),
            res(
                "aws_iam_role_policy_attachment.exec",
                "aws_iam_role_policy_attachment",
                m(vec![
                    ("role", rfv("aws_iam_role.exec", "name", s("app-exec"))),
                    ("policy_arn", s(EXEC_POLICY)),
                ]),
            ),
            res(
                "aws_cloudwatch_log_group.app",
                "aws_cloudwatch_log_group",
                m(vec![("name", s("/ecs/app"))]),
            ),
            res(
                "aws_ecs_cluster.main",
                "aws_ecs_cluster",
                m(vec![("name", s("main"))]),
            ),
            res(
                "aws_ecs_task_definition.app",
                "aws_ecs_task_definition",
                m(vec![
                    ("family", s("app")),
                    ("requires_compatibilities", l(vec![s("FARGATE")])),
                    ("network_mode", s("awsvpc")),
                    ("cpu", s("256")),
                    ("memory", s("512")),
                    ("execution_role_arn", rf("aws_iam_role.exec", "arn")),
                    (
                        "container_definitions",
                        enc(l(vec![m(vec![
                            ("name", s("app")),
                            ("image", s(IMAGE)),
                            ("essential", b(true)),
                            (
                                "logConfiguration",
                                m(vec![
                                    ("logDriver", s("awslogs")),
                                    (
                                        "options",
                                        m(vec![
                                            (
                                                "awslogs-group",
                                                rfv(
                                                    "aws_cloudwatch_log_group.app",
                                                    "name",
                                                    s("/ecs/app"),
                                                ),
                                            ),
                                            ("awslogs-region", s("eu-west-1")),
                                            ("awslogs-stream-prefix", s("app")),
                                        ]),
                                    ),
                                ]),
                            ),
                        ])])),
                    ),
                ]),
            ),
            res(
                "aws_ecs_service.app",
                "aws_ecs_service",
                m(vec![
                    ("name", s("app")),
                    ("cluster", rf("aws_ecs_cluster.main", "id")),
                    ("task_definition", rf("aws_ecs_task_definition.app", "arn")),
                    ("launch_type", s("FARGATE")),
                    ("desired_count", n(1.0)),
                    (
                        "network_configuration",
                        l(vec![m(vec![
                            ("subnets", l(vec![rf("aws_subnet.private", "id")])),
                            (
                                "security_groups",
                                l(vec![rf("aws_security_group.task", "id")]),
                            ),
                            ("assign_public_ip", b(false)),
                        ])]),
                    ),
                ]),
            ),
        ],
    )
}

const EXEC_POLICY: &str = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
const IMAGE: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0";

fn interface_endpoint_tf(address: &str, svc: &str) -> Resource {
    res(
        address,
        "aws_vpc_endpoint",
        m(vec![
            ("vpc_id", rf("aws_vpc.main", "id")),
            ("service_name", s(&format!("com.amazonaws.eu-west-1.{svc}"))),
            ("vpc_endpoint_type", s("Interface")),
            ("private_dns_enabled", b(true)),
            ("subnet_ids", l(vec![rf("aws_subnet.private", "id")])),
            (
                "security_group_ids",
                l(vec![rf("aws_security_group.endpoints", "id")]),
            ),
        ]),
    )
}

/// A plan: values known at plan time are literals (names, JSON documents rendered to strings
/// with the provider's key order), values known only after apply are references, blocks carry
/// every attribute (`[]`, `""`, `false` for the unset ones), and provider defaults are written.
pub fn plan() -> Unit {
    let mut u = hcl();
    u.format = Some(Format::Plan);
    for r in &mut u.resources {
        let a = &mut r.attrs;
        match r.address.as_str() {
            "aws_security_group.endpoints" => {
                a.insert(
                    "ingress",
                    sp(),
                    l(vec![m(vec![
                        ("cidr_blocks", l(vec![s("10.0.0.0/16")])),
                        ("description", s("")),
                        ("from_port", n(443.0)),
                        ("ipv6_cidr_blocks", l(vec![])),
                        ("prefix_list_ids", l(vec![])),
                        ("protocol", s("tcp")),
                        ("security_groups", l(vec![])),
                        ("self", b(false)),
                        ("to_port", n(443.0)),
                    ])]),
                );
            }
            "aws_vpc_endpoint.s3" => {
                a.insert("private_dns_enabled", sp(), b(false));
            }
            "aws_iam_role.exec" => {
                a.insert("assume_role_policy", sp(), s(r#"{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"}}],"Version":"2012-10-17"}"#));
            }
            "aws_iam_role_policy_attachment.exec" => {
                a.insert("role", sp(), s("app-exec"));
            }
            "aws_ecs_task_definition.app" => {
                a.insert("container_definitions", sp(), s(&format!(
                    r#"[{{"essential":true,"image":"{IMAGE}","logConfiguration":{{"logDriver":"awslogs","options":{{"awslogs-group":"/ecs/app","awslogs-region":"eu-west-1","awslogs-stream-prefix":"app"}}}},"name":"app"}}]"#
                )));
            }
            "aws_ecs_service.app" => {
                a.insert("platform_version", sp(), s("LATEST"));
            }
            _ => {}
        }
    }
    u
}

/// CloudFormation YAML: PascalCase, `!Ref` (attr ""), `!GetAtt X.Arn`, `!Sub` templates with the
/// Region symbol, policies as maps, allow-all egress left to AWS's default.
pub fn yaml() -> Unit {
    let vpc = || rf("VPC", "");
    let endpoint = |id: &str, svc: &str| {
        res(
            id,
            "AWS::EC2::VPCEndpoint",
            m(vec![
                ("VpcId", vpc()),
                (
                    "ServiceName",
                    tpl(vec![s("com.amazonaws."), region(), s(&format!(".{svc}"))]),
                ),
                ("VpcEndpointType", s("Interface")),
                ("PrivateDnsEnabled", b(true)),
                ("SubnetIds", l(vec![rf("PrivateSubnet", "")])),
                ("SecurityGroupIds", l(vec![rf("EndpointSecurityGroup", "")])),
            ]),
        )
    };
    with_region(
        Format::CloudFormation,
        None,
        vec![
            res(
                "VPC",
                "AWS::EC2::VPC",
                m(vec![
                    ("CidrBlock", s("10.0.0.0/16")),
                    ("EnableDnsSupport", b(true)),
                    ("EnableDnsHostnames", b(true)),
                ]),
            ),
            res(
                "PrivateSubnet",
                "AWS::EC2::Subnet",
                m(vec![("VpcId", vpc()), ("CidrBlock", s("10.0.1.0/24"))]),
            ),
            res(
                "PrivateRouteTable",
                "AWS::EC2::RouteTable",
                m(vec![("VpcId", vpc())]),
            ),
            res(
                "PrivateSubnetRouteTableAssociation",
                "AWS::EC2::SubnetRouteTableAssociation",
                m(vec![
                    ("SubnetId", rf("PrivateSubnet", "")),
                    ("RouteTableId", rf("PrivateRouteTable", "")),
                ]),
            ),
            res(
                "EndpointSecurityGroup",
                "AWS::EC2::SecurityGroup",
                m(vec![
                    ("GroupDescription", s("endpoints")),
                    ("VpcId", vpc()),
                    (
                        "SecurityGroupIngress",
                        l(vec![m(vec![
                            ("IpProtocol", s("tcp")),
                            ("FromPort", n(443.0)),
                            ("ToPort", n(443.0)),
                            ("CidrIp", s("10.0.0.0/16")),
                        ])]),
                    ),
                ]),
            ),
            res(
                "TaskSecurityGroup",
                "AWS::EC2::SecurityGroup",
                m(vec![("GroupDescription", s("task")), ("VpcId", vpc())]),
            ),
            endpoint("EcrApiEndpoint", "ecr.api"),
            endpoint("EcrDkrEndpoint", "ecr.dkr"),
            res(
                "S3Endpoint",
                "AWS::EC2::VPCEndpoint",
                m(vec![
                    ("VpcId", vpc()),
                    (
                        "ServiceName",
                        tpl(vec![s("com.amazonaws."), region(), s(".s3")]),
                    ),
                    ("RouteTableIds", l(vec![rf("PrivateRouteTable", "")])),
                ]),
            ),
            res(
                "ExecutionRole",
                "AWS::IAM::Role",
                m(vec![
                    ("RoleName", s("app-exec")),
                    (
                        "AssumeRolePolicyDocument",
                        m(vec![
                            ("Version", s("2012-10-17")),
                            (
                                "Statement",
                                l(vec![m(vec![
                                    ("Effect", s("Allow")),
                                    (
                                        "Principal",
                                        m(vec![("Service", l(vec![s("ecs-tasks.amazonaws.com")]))]),
                                    ),
                                    ("Action", l(vec![s("sts:AssumeRole")])),
                                ])]),
                            ),
                        ]),
                    ),
                    ("ManagedPolicyArns", l(vec![s(EXEC_POLICY)])),
                ]),
            ),
            res(
                "LogGroup",
                "AWS::Logs::LogGroup",
                m(vec![("LogGroupName", s("/ecs/app"))]),
            ),
            res(
                "Cluster",
                "AWS::ECS::Cluster",
                m(vec![("ClusterName", s("main"))]),
            ),
            res(
                "TaskDefinition",
                "AWS::ECS::TaskDefinition",
                m(vec![
                    ("Family", s("app")),
                    ("RequiresCompatibilities", l(vec![s("FARGATE")])),
                    ("NetworkMode", s("awsvpc")),
                    ("Cpu", s("256")),
                    ("Memory", s("512")),
                    ("ExecutionRoleArn", rf("ExecutionRole", "Arn")),
                    (
                        "ContainerDefinitions",
                        l(vec![m(vec![
                            ("Name", s("app")),
                            ("Image", s(IMAGE)),
                            ("Essential", b(true)),
                            (
                                "LogConfiguration",
                                m(vec![
                                    ("LogDriver", s("awslogs")),
                                    (
                                        "Options",
                                        m(vec![
                                            ("awslogs-group", rf("LogGroup", "")),
                                            ("awslogs-region", region()),
                                            ("awslogs-stream-prefix", s("app")),
                                        ]),
                                    ),
                                ]),
                            ),
                        ])]),
                    ),
                ]),
            ),
            res(
                "Service",
                "AWS::ECS::Service",
                m(vec![
                    ("ServiceName", s("app")),
                    ("Cluster", rf("Cluster", "")),
                    ("TaskDefinition", rf("TaskDefinition", "")),
                    ("LaunchType", s("FARGATE")),
                    ("DesiredCount", n(1.0)),
                    (
                        "NetworkConfiguration",
                        m(vec![(
                            "AwsvpcConfiguration",
                            m(vec![
                                ("Subnets", l(vec![rf("PrivateSubnet", "")])),
                                (
                                    "SecurityGroups",
                                    l(vec![rf("TaskSecurityGroup", "GroupId")]),
                                ),
                                ("AssignPublicIp", s("DISABLED")),
                            ]),
                        )]),
                    ),
                ]),
            ),
        ],
    )
}

/// CloudFormation JSON: the same template, with the spellings JSON authors use: strings for
/// booleans and numbers, `Fn::Join`-built service names (a template), a JSON-string policy.
pub fn json() -> Unit {
    let mut u = yaml();
    for r in &mut u.resources {
        let a = &mut r.attrs;
        match r.address.as_str() {
            "VPC" => {
                a.insert("EnableDnsSupport", sp(), s("true"));
                a.insert("EnableDnsHostnames", sp(), s("true"));
            }
            "EndpointSecurityGroup" => {
                a.insert(
                    "SecurityGroupIngress",
                    sp(),
                    l(vec![m(vec![
                        ("IpProtocol", s("6")),
                        ("FromPort", s("443")),
                        ("ToPort", s("443")),
                        ("CidrIp", s("10.0.0.0/16")),
                    ])]),
                );
            }
            "EcrApiEndpoint" | "EcrDkrEndpoint" => {
                a.insert("PrivateDnsEnabled", sp(), s("true"));
            }
            "ExecutionRole" => {
                a.insert("AssumeRolePolicyDocument", sp(), s(r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#));
            }
            "TaskDefinition" => {
                a.insert("Cpu", sp(), n(256.0));
                let defs = a.get("ContainerDefinitions").unwrap().clone();
                let mut c0 = defs.as_list().unwrap()[0].as_map().unwrap().clone();
                c0.insert("Essential", sp(), s("true"));
                a.insert(
                    "ContainerDefinitions",
                    sp(),
                    l(vec![crate::base::Value::new(
                        crate::base::Val::Map(c0),
                        sp(),
                    )]),
                );
            }
            _ => {}
        }
    }
    u
}

fn diff(a: &Shape, b: &Shape) -> (Vec<String>, Vec<String>) {
    let only = |x: &[String], y: &[String]| {
        x.iter()
            .filter(|l| !y.contains(l))
            .cloned()
            .collect::<Vec<_>>()
    };
    let mut left = only(&a.nodes, &b.nodes);
    left.extend(only(&a.edges, &b.edges));
    let mut right = only(&b.nodes, &a.nodes);
    right.extend(only(&b.edges, &a.edges));
    (left, right)
}

#[test]
fn hcl_and_plan_give_the_same_graph() {
    let (h, p) = (build(&hcl()).shape(), build(&plan()).shape());
    assert_eq!(diff(&h, &p), (vec![], vec![]));
    assert_eq!(h, p);
}

#[test]
fn yaml_and_json_give_the_same_graph() {
    let (y, j) = (build(&yaml()).shape(), build(&json()).shape());
    assert_eq!(diff(&y, &j), (vec![], vec![]));
}

#[test]
fn terraform_and_cloudformation_give_the_same_graph() {
    let h = build(&hcl()).shape();
    let y = build(&yaml()).shape_with_region(Some("eu-west-1"));
    // One genuine difference: main.tf's endpoint security group has no egress block, and
    // Terraform removes AWS's default egress rule; the template omits `SecurityGroupEgress`, and
    // CloudFormation keeps the default allow-all rule (see table.rs, SECURITY_GROUP).
    let sg = |egress: &str| {
        format!(
            "SecurityGroup {{egress: {egress}, ingress: [{{\"cidr_ipv4\": \"10.0.0.0/16\", \"from_port\": 443, \"protocol\": \"tcp\", \"to_port\": 443}}], vpc_id: ->Vpc}}"
        )
    };
    assert_eq!(
        diff(&h, &y),
        (
            vec![sg("[]")],
            vec![sg("[{\"cidr_ipv4\": \"0.0.0.0/0\", \"protocol\": \"-1\"}]")]
        )
    );
    // and the shape is not trivially empty
    assert_eq!(h.nodes.len(), 15, "{:#?}", h.nodes);
    assert!(
        h.edges
            .contains(&"PolicyAttachment.roles -> IamRole".to_string()),
        "{:#?}",
        h.edges
    );
    assert!(h.edges.contains(
        &"TaskDefinition.container_definitions.logConfiguration.options.awslogs-group -> LogGroup"
            .to_string()
    ));
    // without the Region, the template's `${AWS::Region}` parts do not read as eu-west-1
    assert_ne!(diff(&h, &build(&yaml()).shape()).0.len(), 1);
}
