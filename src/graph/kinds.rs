//! Resource kinds, and the one table mapping Terraform and CloudFormation types to them.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::frontends::Mode;

/// What a resource is, independent of the format it is written in (tables (c)-2 and (c)-3 of
/// the domain notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    // ECS and run sites
    TaskDefinition,
    Service,
    Cluster,
    ClusterCapacityProviders,
    EventRule,
    EventTarget,
    Schedule,
    // IAM
    IamRole,
    /// A customer managed policy, or (data source) a managed policy looked up by name/ARN.
    ManagedPolicy,
    /// An inline policy of one or more roles (`aws_iam_role_policy`, `AWS::IAM::Policy`,
    /// `AWS::IAM::RolePolicy`, `aws_iam_role.inline_policy`, `AWS::IAM::Role.Policies`).
    RolePolicy,
    /// Managed policies attached to roles (`aws_iam_role_policy_attachment`,
    /// `aws_iam_policy_attachment`, `aws_iam_role_policy_attachments_exclusive`,
    /// `aws_iam_role.managed_policy_arns`, `AWS::IAM::Role.ManagedPolicyArns`,
    /// `AWS::IAM::ManagedPolicy.Roles`).
    PolicyAttachment,
    RolePoliciesExclusive,
    /// `data "aws_iam_policy_document"`.
    PolicyDocument,
    // Network
    Vpc,
    Subnet,
    RouteTable,
    /// `aws_default_route_table`: the VPC's main route table, managed.
    DefaultRouteTable,
    Route,
    RouteTableAssociation,
    MainRouteTableAssociation,
    /// Routes propagated from a virtual private gateway into route tables
    /// (`aws_vpn_gateway_route_propagation`, `AWS::EC2::VPNGatewayRoutePropagation`).
    VgwRoutePropagation,
    InternetGateway,
    InternetGatewayAttachment,
    EgressOnlyInternetGateway,
    NatGateway,
    VpcEndpoint,
    VpcEndpointSubnetAssociation,
    VpcEndpointRouteTableAssociation,
    VpcEndpointSecurityGroupAssociation,
    VpcEndpointPolicy,
    VpcEndpointPrivateDns,
    /// `data "aws_vpc_endpoint_service"`.
    VpcEndpointService,
    SecurityGroup,
    DefaultSecurityGroup,
    /// A standalone rule of any form (`aws_security_group_rule`,
    /// `aws_vpc_security_group_ingress_rule`/`_egress_rule`, `AWS::EC2::SecurityGroupIngress`/`Egress`).
    SecurityGroupRule,
    PrefixList,
    /// A Route 53 hosted zone (a private zone for a service domain can stand in for endpoint
    /// private DNS, FGP026).
    HostedZone,
    HostedZoneAssociation,
    DhcpOptions,
    DhcpOptionsAssociation,
    NetworkAcl,
    NetworkAclRule,
    NetworkAclAssociation,
    // Registries, secrets, logs
    EcrRepository,
    EcrRepositoryPolicy,
    EcrRegistryPolicy,
    PullThroughCacheRule,
    EcrRepositoryCreationTemplate,
    Secret,
    SecretVersion,
    SsmParameter,
    KmsKey,
    KmsAlias,
    LogGroup,
    Other,
}

/// `(Terraform type, CloudFormation type, kind)`. Either type may be empty. Terraform types are
/// matched for resources and data sources alike (a `data "aws_vpc"` is a [`Kind::Vpc`] with
/// mode `Data`), except the `data:`-prefixed ones, which are data sources only.
pub const TYPES: &[(&str, &str, Kind)] = &[
    (
        "aws_ecs_task_definition",
        "AWS::ECS::TaskDefinition",
        Kind::TaskDefinition,
    ),
    ("aws_ecs_service", "AWS::ECS::Service", Kind::Service),
    ("aws_ecs_cluster", "AWS::ECS::Cluster", Kind::Cluster),
    (
        "aws_ecs_cluster_capacity_providers",
        "AWS::ECS::ClusterCapacityProviderAssociations",
        Kind::ClusterCapacityProviders,
    ),
    (
        "aws_cloudwatch_event_rule",
        "AWS::Events::Rule",
        Kind::EventRule,
    ),
    ("aws_cloudwatch_event_target", "", Kind::EventTarget),
    (
        "aws_scheduler_schedule",
        "AWS::Scheduler::Schedule",
        Kind::Schedule,
    ),
    ("aws_iam_role", "AWS::IAM::Role", Kind::IamRole),
    (
        "aws_iam_policy",
        "AWS::IAM::ManagedPolicy",
        Kind::ManagedPolicy,
    ),
    (
        "aws_iam_role_policy",
        "AWS::IAM::RolePolicy",
        Kind::RolePolicy,
    ),
    ("", "AWS::IAM::Policy", Kind::RolePolicy),
    ("aws_iam_role_policy_attachment", "", Kind::PolicyAttachment),
    ("aws_iam_policy_attachment", "", Kind::PolicyAttachment),
    (
        "aws_iam_role_policy_attachments_exclusive",
        "",
        Kind::PolicyAttachment,
    ),
    (
        "aws_iam_role_policies_exclusive",
        "",
        Kind::RolePoliciesExclusive,
    ),
    ("data:aws_iam_policy_document", "", Kind::PolicyDocument),
    ("aws_vpc", "AWS::EC2::VPC", Kind::Vpc),
    ("aws_default_vpc", "", Kind::Vpc),
    ("aws_subnet", "AWS::EC2::Subnet", Kind::Subnet),
    ("aws_default_subnet", "", Kind::Subnet),
    ("aws_route_table", "AWS::EC2::RouteTable", Kind::RouteTable),
    ("aws_default_route_table", "", Kind::DefaultRouteTable),
    ("aws_route", "AWS::EC2::Route", Kind::Route),
    (
        "aws_route_table_association",
        "AWS::EC2::SubnetRouteTableAssociation",
        Kind::RouteTableAssociation,
    ),
    (
        "aws_main_route_table_association",
        "",
        Kind::MainRouteTableAssociation,
    ),
    (
        "aws_vpn_gateway_route_propagation",
        "AWS::EC2::VPNGatewayRoutePropagation",
        Kind::VgwRoutePropagation,
    ),
    (
        "aws_internet_gateway",
        "AWS::EC2::InternetGateway",
        Kind::InternetGateway,
    ),
    (
        "aws_internet_gateway_attachment",
        "AWS::EC2::VPCGatewayAttachment",
        Kind::InternetGatewayAttachment,
    ),
    (
        "aws_egress_only_internet_gateway",
        "AWS::EC2::EgressOnlyInternetGateway",
        Kind::EgressOnlyInternetGateway,
    ),
    ("aws_nat_gateway", "AWS::EC2::NatGateway", Kind::NatGateway),
    (
        "aws_vpc_endpoint",
        "AWS::EC2::VPCEndpoint",
        Kind::VpcEndpoint,
    ),
    (
        "aws_vpc_endpoint_subnet_association",
        "",
        Kind::VpcEndpointSubnetAssociation,
    ),
    (
        "aws_vpc_endpoint_route_table_association",
        "",
        Kind::VpcEndpointRouteTableAssociation,
    ),
    (
        "aws_vpc_endpoint_security_group_association",
        "",
        Kind::VpcEndpointSecurityGroupAssociation,
    ),
    ("aws_vpc_endpoint_policy", "", Kind::VpcEndpointPolicy),
    (
        "aws_vpc_endpoint_private_dns",
        "",
        Kind::VpcEndpointPrivateDns,
    ),
    (
        "data:aws_vpc_endpoint_service",
        "",
        Kind::VpcEndpointService,
    ),
    (
        "aws_security_group",
        "AWS::EC2::SecurityGroup",
        Kind::SecurityGroup,
    ),
    ("aws_default_security_group", "", Kind::DefaultSecurityGroup),
    ("aws_security_group_rule", "", Kind::SecurityGroupRule),
    (
        "aws_vpc_security_group_ingress_rule",
        "AWS::EC2::SecurityGroupIngress",
        Kind::SecurityGroupRule,
    ),
    (
        "aws_vpc_security_group_egress_rule",
        "AWS::EC2::SecurityGroupEgress",
        Kind::SecurityGroupRule,
    ),
    (
        "aws_ec2_managed_prefix_list",
        "AWS::EC2::PrefixList",
        Kind::PrefixList,
    ),
    ("data:aws_prefix_list", "", Kind::PrefixList),
    (
        "aws_vpc_dhcp_options",
        "AWS::EC2::DHCPOptions",
        Kind::DhcpOptions,
    ),
    (
        "aws_vpc_dhcp_options_association",
        "AWS::EC2::VPCDHCPOptionsAssociation",
        Kind::DhcpOptionsAssociation,
    ),
    ("aws_network_acl", "AWS::EC2::NetworkAcl", Kind::NetworkAcl),
    ("aws_default_network_acl", "", Kind::NetworkAcl),
    (
        "aws_network_acl_rule",
        "AWS::EC2::NetworkAclEntry",
        Kind::NetworkAclRule,
    ),
    (
        "aws_network_acl_association",
        "AWS::EC2::SubnetNetworkAclAssociation",
        Kind::NetworkAclAssociation,
    ),
    (
        "aws_ecr_repository",
        "AWS::ECR::Repository",
        Kind::EcrRepository,
    ),
    ("aws_ecr_repository_policy", "", Kind::EcrRepositoryPolicy),
    (
        "aws_ecr_registry_policy",
        "AWS::ECR::RegistryPolicy",
        Kind::EcrRegistryPolicy,
    ),
    (
        "aws_ecr_pull_through_cache_rule",
        "AWS::ECR::PullThroughCacheRule",
        Kind::PullThroughCacheRule,
    ),
    (
        "aws_secretsmanager_secret",
        "AWS::SecretsManager::Secret",
        Kind::Secret,
    ),
    ("aws_secretsmanager_secret_version", "", Kind::SecretVersion),
    (
        "aws_ssm_parameter",
        "AWS::SSM::Parameter",
        Kind::SsmParameter,
    ),
    ("aws_kms_key", "AWS::KMS::Key", Kind::KmsKey),
    ("aws_kms_alias", "AWS::KMS::Alias", Kind::KmsAlias),
    (
        "aws_cloudwatch_log_group",
        "AWS::Logs::LogGroup",
        Kind::LogGroup,
    ),
];

struct Index {
    tf: HashMap<&'static str, Kind>,
    tf_data: HashMap<&'static str, Kind>,
    cfn: HashMap<&'static str, Kind>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut ix = Index {
            tf: HashMap::new(),
            tf_data: HashMap::new(),
            cfn: HashMap::new(),
        };
        for &(tf, cfn, kind) in TYPES {
            if let Some(data) = tf.strip_prefix("data:") {
                ix.tf_data.insert(data, kind);
            } else if !tf.is_empty() {
                ix.tf.insert(tf, kind);
            }
            if !cfn.is_empty() {
                ix.cfn.insert(cfn, kind);
            }
        }
        ix
    })
}

/// The kind of a resource type as written (Terraform or CloudFormation; CloudFormation types are
/// recognised by their `::`).
pub fn kind_of(rtype: &str, mode: Mode) -> Kind {
    let ix = index();
    if rtype.contains("::") {
        return ix.cfn.get(rtype).copied().unwrap_or(Kind::Other);
    }
    if mode == Mode::Data {
        if let Some(&k) = ix.tf_data.get(rtype) {
            return k;
        }
    }
    ix.tf.get(rtype).copied().unwrap_or(Kind::Other)
}

impl Kind {
    /// The snake_case name used in JSON output.
    pub fn name(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            _ => format!("{self:?}"),
        }
    }
}
