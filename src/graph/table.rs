//! The normalisation tables: one row per fact, giving its canonical snake_case name, where
//! Terraform writes it, where CloudFormation writes it, how its value is normalised, and the
//! documented default when it is not written.
//!
//! Paths are dotted (`NetworkConfiguration.AwsvpcConfiguration`); `a|b` lists alternatives (the
//! first present wins); `.` is the whole resource. A Terraform nested block (a list of maps) is
//! entered through its first element, so `network_configuration.subnets` reads
//! `network_configuration = [{subnets = ...}]`. An empty path means "not expressible in this
//! format".

use super::kinds::Kind;

/// How a value is normalised (see `normalize/`).
#[derive(Clone, Copy, Debug)]
pub enum Conv {
    /// Kept as is.
    Same,
    /// `"true"`/`"false"` strings become booleans.
    Bool,
    /// CloudFormation `ENABLED`/`DISABLED` and Terraform booleans become booleans.
    PublicIp,
    /// Numeric strings become numbers.
    Num,
    /// Numbers become strings (`cpu = "256"` ↔ `Cpu: 256`).
    Str,
    /// A single value becomes a one-element list (`role = x` ↔ `Roles: [x]`).
    List,
    /// Like `Same`, but an empty string counts as absent (plan output fills unset route targets
    /// with `""`).
    NonEmpty,
    /// An IP protocol: lower case, `all` → `-1`, protocol numbers 1/6/17/58 → names.
    Protocol,
    /// Lower case (`rule_action = "allow"` ↔ `RuleAction: Allow`).
    Lower,
    /// An IAM policy document (string JSON, encoded, or a map) into the normalised shape.
    Policy,
    /// ECS container definitions into a list of containers with camelCase API keys.
    Containers,
    /// Security-group rules written inline in the group, one canonical rule per source.
    SgRules,
    /// The resource itself is one security-group rule (standalone rule resources).
    SgRuleSelf,
    /// The direction (`ingress`/`egress`) of a standalone rule resource, from its type or `type`.
    SgDirection,
    /// `data "aws_iam_policy_document"` statements into the normalised policy shape.
    PolicyDocData,
    /// A block/map normalised with its own rows.
    Block(&'static [Row]),
    /// A list of blocks/maps, each normalised with the rows. An empty list is absent (a plan
    /// writes `[]` for blocks the configuration does not have).
    Items(&'static [Row]),
}

/// A documented default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lit {
    Bool(bool),
    Num(f64),
    Str(&'static str),
    EmptyList,
    /// The allow-all IPv4 egress rule AWS creates with a security group.
    AllowAllEgress,
}

#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub canon: &'static str,
    pub tf: &'static str,
    pub cfn: &'static str,
    pub conv: Conv,
    /// Default when absent in Terraform (HCL or plan), for managed resources only.
    pub tf_def: Option<Lit>,
    /// Default when absent in CloudFormation.
    pub cfn_def: Option<Lit>,
}

const fn r(canon: &'static str, tf: &'static str, cfn: &'static str) -> Row {
    Row {
        canon,
        tf,
        cfn,
        conv: Conv::Same,
        tf_def: None,
        cfn_def: None,
    }
}

impl Row {
    const fn c(mut self, conv: Conv) -> Row {
        self.conv = conv;
        self
    }
    /// The same default in both formats.
    const fn d(mut self, lit: Lit) -> Row {
        self.tf_def = Some(lit);
        self.cfn_def = Some(lit);
        self
    }
    const fn d2(mut self, tf: Option<Lit>, cfn: Option<Lit>) -> Row {
        self.tf_def = tf;
        self.cfn_def = cfn;
        self
    }
}

use Conv::*;

// ---------------------------------------------------------------------------------------------
// ECS and run sites

/// `runtime_platform {}` / `RuntimePlatform`.
const RUNTIME_PLATFORM: &[Row] = &[
    r(
        "operating_system_family",
        "operating_system_family",
        "OperatingSystemFamily",
    ),
    r("cpu_architecture", "cpu_architecture", "CpuArchitecture"),
];

const TASK_DEFINITION: &[Row] = &[
    r("family", "family", "Family"),
    r(
        "requires_compatibilities",
        "requires_compatibilities",
        "RequiresCompatibilities",
    ),
    r("network_mode", "network_mode", "NetworkMode"),
    r("cpu", "cpu", "Cpu").c(Str),
    r("memory", "memory", "Memory").c(Str),
    r(
        "execution_role_arn",
        "execution_role_arn",
        "ExecutionRoleArn",
    ),
    r("task_role_arn", "task_role_arn", "TaskRoleArn"),
    r(
        "container_definitions",
        "container_definitions",
        "ContainerDefinitions",
    )
    .c(Containers),
    r("runtime_platform", "runtime_platform", "RuntimePlatform").c(Block(RUNTIME_PLATFORM)),
    // `data "aws_ecs_task_definition"`: the task definition it reads (family, family:revision
    // or ARN).
    r("task_definition", "task_definition", ""),
];

const CAPACITY_PROVIDER_STRATEGY: &[Row] = &[
    r("capacity_provider", "capacity_provider", "CapacityProvider"),
    r("weight", "weight", "Weight").c(Num),
    r("base", "base", "Base").c(Num),
];

/// Run-site network configuration. Default `assign_public_ip`: TF `false`, CFN `DISABLED` [V TF
/// and CFN docs, domain notes "Run-site network facts"].
const NETWORK_CONFIGURATION: &[Row] = &[
    r("subnets", "subnets", "Subnets"),
    r("security_groups", "security_groups", "SecurityGroups"),
    r("assign_public_ip", "assign_public_ip", "AssignPublicIp")
        .c(PublicIp)
        .d(Lit::Bool(false)),
];

const SERVICE: &[Row] = &[
    r("name", "name", "ServiceName"),
    r("cluster", "cluster", "Cluster"),
    r("task_definition", "task_definition", "TaskDefinition"),
    r("launch_type", "launch_type", "LaunchType"),
    r(
        "capacity_provider_strategy",
        "capacity_provider_strategy",
        "CapacityProviderStrategy",
    )
    .c(Items(CAPACITY_PROVIDER_STRATEGY)),
    // Default LATEST in both [V TF aws_ecs_service doc, CFN AWS::ECS::Service doc].
    r("platform_version", "platform_version", "PlatformVersion").d(Lit::Str("LATEST")),
    // Defaults differ: Terraform 0 [TF aws_ecs_service doc "Defaults to 0"], CloudFormation 1
    // for a new service [CFN AWS::ECS::Service `DesiredCount` doc].
    r("desired_count", "desired_count", "DesiredCount")
        .c(Num)
        .d2(Some(Lit::Num(0.0)), Some(Lit::Num(1.0))),
    // ECS Service: `AwsvpcConfiguration` (lower-case v) [V cfn-lint schema].
    r(
        "network_configuration",
        "network_configuration",
        "NetworkConfiguration.AwsvpcConfiguration",
    )
    .c(Block(NETWORK_CONFIGURATION)),
];

const ECS_TARGET: &[Row] = &[
    r(
        "task_definition_arn",
        "task_definition_arn",
        "TaskDefinitionArn",
    ),
    r("launch_type", "launch_type", "LaunchType"),
    r("platform_version", "platform_version", "PlatformVersion"),
    r("task_count", "task_count", "TaskCount").c(Num),
    r(
        "capacity_provider_strategy",
        "capacity_provider_strategy",
        "CapacityProviderStrategy",
    )
    .c(Items(CAPACITY_PROVIDER_STRATEGY)),
    // Events: `AwsVpcConfiguration` (capital V) [V cfn-lint schema].
    r(
        "network_configuration",
        "network_configuration",
        "NetworkConfiguration.AwsVpcConfiguration",
    )
    .c(Block(NETWORK_CONFIGURATION)),
];

/// `aws_cloudwatch_event_target`, and each of `AWS::Events::Rule.Targets[]` (synthesised nodes).
pub const EVENT_TARGET: &[Row] = &[
    r("rule", "rule", ""),
    r("arn", "arn", "Arn"),
    r("role_arn", "role_arn", "RoleArn"),
    r("ecs_target", "ecs_target", "EcsParameters").c(Block(ECS_TARGET)),
];

const EVENT_RULE: &[Row] = &[
    r("name", "name", "Name"),
    r(
        "schedule_expression",
        "schedule_expression",
        "ScheduleExpression",
    ),
    r("event_pattern", "event_pattern", "EventPattern"),
    r("state", "state", "State"),
];

const SCHEDULER_ECS: &[Row] = &[
    r(
        "task_definition_arn",
        "task_definition_arn",
        "TaskDefinitionArn",
    ),
    r("launch_type", "launch_type", "LaunchType"),
    r("platform_version", "platform_version", "PlatformVersion"),
    r("task_count", "task_count", "TaskCount").c(Num),
    r(
        "capacity_provider_strategy",
        "capacity_provider_strategy",
        "CapacityProviderStrategy",
    )
    .c(Items(CAPACITY_PROVIDER_STRATEGY)),
    // Casing of the Scheduler schema not verified (domain notes (c)-3): both spellings read.
    r(
        "network_configuration",
        "network_configuration",
        "NetworkConfiguration.AwsvpcConfiguration|NetworkConfiguration.AwsVpcConfiguration",
    )
    .c(Block(NETWORK_CONFIGURATION)),
];

const SCHEDULE_TARGET: &[Row] = &[
    r("arn", "arn", "Arn"),
    r("role_arn", "role_arn", "RoleArn"),
    r("ecs_parameters", "ecs_parameters", "EcsParameters").c(Block(SCHEDULER_ECS)),
];

const SCHEDULE: &[Row] = &[
    r("name", "name", "Name"),
    r("target", "target", "Target").c(Block(SCHEDULE_TARGET)),
];

const CLUSTER: &[Row] = &[
    r("name", "name", "ClusterName"),
    // Terraform: arguments of `aws_ecs_cluster` before provider 5.0 (now
    // `aws_ecs_cluster_capacity_providers`) [V TF aws_ecs_cluster doc, 4.x].
    r(
        "capacity_providers",
        "capacity_providers",
        "CapacityProviders",
    ),
    r(
        "default_capacity_provider_strategy",
        "default_capacity_provider_strategy",
        "DefaultCapacityProviderStrategy",
    )
    .c(Items(CAPACITY_PROVIDER_STRATEGY)),
];

const CLUSTER_CAPACITY_PROVIDERS: &[Row] = &[
    r("cluster", "cluster_name", "Cluster"),
    r(
        "capacity_providers",
        "capacity_providers",
        "CapacityProviders",
    ),
    r(
        "default_capacity_provider_strategy",
        "default_capacity_provider_strategy",
        "DefaultCapacityProviderStrategy",
    )
    .c(Items(CAPACITY_PROVIDER_STRATEGY)),
];

// ---------------------------------------------------------------------------------------------
// IAM

/// `aws_iam_role`. `managed_policy_arns`/`ManagedPolicyArns` and `inline_policy`/`Policies`
/// become [`Kind::PolicyAttachment`] / [`Kind::RolePolicy`] nodes (see `build.rs`); they stay
/// here only when not a known list (unknown), so that the analysis sees something is attached.
const IAM_ROLE: &[Row] = &[
    r("name", "name", "RoleName"),
    // Default `/` [V TF aws_iam_role doc; CFN AWS::IAM::Role doc]; part of the role's ARN.
    r("path", "path", "Path").d(Lit::Str("/")),
    r(
        "assume_role_policy",
        "assume_role_policy",
        "AssumeRolePolicyDocument",
    )
    .c(Policy),
    r(
        "permissions_boundary",
        "permissions_boundary",
        "PermissionsBoundary",
    ),
];

const MANAGED_POLICY: &[Row] = &[
    r("name", "name", "ManagedPolicyName"),
    // Default `/` [V TF aws_iam_policy doc; CFN AWS::IAM::ManagedPolicy doc]; part of the ARN.
    r("path", "path", "Path").d(Lit::Str("/")),
    r("arn", "arn", ""),
    r("policy", "policy", "PolicyDocument").c(Policy),
];

/// Inline role policies; also the items of `aws_iam_role.inline_policy` / `Role.Policies`.
pub const ROLE_POLICY: &[Row] = &[
    r("name", "name", "PolicyName"),
    r("roles", "role", "Roles|RoleName").c(List),
    r("policy", "policy", "PolicyDocument").c(Policy),
];

pub const POLICY_ATTACHMENT: &[Row] = &[
    r("roles", "role|roles|role_name", "Roles").c(List),
    r("policy_arns", "policy_arn|policy_arns", "").c(List),
];

const ROLE_POLICIES_EXCLUSIVE: &[Row] = &[
    r("role", "role_name", ""),
    r("policy_names", "policy_names", ""),
];

const POLICY_DOCUMENT: &[Row] = &[
    r("policy", ".", "").c(PolicyDocData),
    r("source_policy_documents", "source_policy_documents", "").c(Policy),
    r("override_policy_documents", "override_policy_documents", "").c(Policy),
];

// ---------------------------------------------------------------------------------------------
// Network

/// Defaults: DNS support true, DNS hostnames false (non-default VPCs) [V TF aws_vpc doc; CFN
/// AWS::EC2::VPC doc; domain notes (c)-2/(c)-3].
const VPC: &[Row] = &[
    r("cidr_block", "cidr_block", "CidrBlock"),
    r(
        "enable_dns_support",
        "enable_dns_support",
        "EnableDnsSupport",
    )
    .c(Bool)
    .d(Lit::Bool(true)),
    r(
        "enable_dns_hostnames",
        "enable_dns_hostnames",
        "EnableDnsHostnames",
    )
    .c(Bool)
    .d(Lit::Bool(false)),
];

const SUBNET: &[Row] = &[
    r("vpc_id", "vpc_id", "VpcId"),
    r("cidr_block", "cidr_block", "CidrBlock"),
    r("availability_zone", "availability_zone", "AvailabilityZone"),
    r(
        "map_public_ip_on_launch",
        "map_public_ip_on_launch",
        "MapPublicIpOnLaunch",
    )
    .c(Bool)
    // Both the provider and CloudFormation default it to false (irrelevant to Fargate ENIs,
    // which follow assign_public_ip, but a plan prints it, so the graphs must agree).
    .d(Lit::Bool(false)),
    // IPv6-only subnets: tasks reach AWS services over IPv6 (dual-stack endpoints), which the
    // IPv4 reachability model does not cover.
    r("ipv6_native", "ipv6_native", "Ipv6Native")
        .c(Bool)
        .d(Lit::Bool(false)),
];

/// Inline `route {}` blocks become [`Kind::Route`] nodes (see `build.rs`).
/// `propagating_vgws`: virtual private gateways whose routes (possibly a default route) are
/// propagated into the table [V TF aws_route_table doc].
const ROUTE_TABLE: &[Row] = &[
    r("vpc_id", "vpc_id", "VpcId"),
    r("propagating_vgws", "propagating_vgws", ""),
];

/// Terraform names one route table, CloudFormation a list [V TF
/// aws_vpn_gateway_route_propagation doc; CFN AWS::EC2::VPNGatewayRoutePropagation doc].
const VGW_ROUTE_PROPAGATION: &[Row] = &[
    r("route_table_ids", "route_table_id", "RouteTableIds").c(List),
    r("vpn_gateway_id", "vpn_gateway_id", "VpnGatewayId"),
];

const DEFAULT_ROUTE_TABLE: &[Row] = &[r("default_route_table_id", "default_route_table_id", "")];

/// `aws_route`, `AWS::EC2::Route`, and inline `route {}` blocks (whose keys are `cidr_block`...).
pub const ROUTE: &[Row] = &[
    r("route_table_id", "route_table_id", "RouteTableId"),
    r(
        "destination_cidr_block",
        "destination_cidr_block|cidr_block",
        "DestinationCidrBlock",
    )
    .c(NonEmpty),
    r(
        "destination_ipv6_cidr_block",
        "destination_ipv6_cidr_block|ipv6_cidr_block",
        "DestinationIpv6CidrBlock",
    )
    .c(NonEmpty),
    r(
        "destination_prefix_list_id",
        "destination_prefix_list_id",
        "DestinationPrefixListId",
    )
    .c(NonEmpty),
    r("gateway_id", "gateway_id", "GatewayId").c(NonEmpty),
    r("nat_gateway_id", "nat_gateway_id", "NatGatewayId").c(NonEmpty),
    r(
        "transit_gateway_id",
        "transit_gateway_id",
        "TransitGatewayId",
    )
    .c(NonEmpty),
    r(
        "network_interface_id",
        "network_interface_id",
        "NetworkInterfaceId",
    )
    .c(NonEmpty),
    r("vpc_endpoint_id", "vpc_endpoint_id", "VpcEndpointId").c(NonEmpty),
    r(
        "vpc_peering_connection_id",
        "vpc_peering_connection_id",
        "VpcPeeringConnectionId",
    )
    .c(NonEmpty),
    r(
        "egress_only_gateway_id",
        "egress_only_gateway_id",
        "EgressOnlyInternetGatewayId",
    )
    .c(NonEmpty),
    r(
        "carrier_gateway_id",
        "carrier_gateway_id",
        "CarrierGatewayId",
    )
    .c(NonEmpty),
    r("local_gateway_id", "local_gateway_id", "LocalGatewayId").c(NonEmpty),
    r("core_network_arn", "core_network_arn", "CoreNetworkArn").c(NonEmpty),
    r("instance_id", "instance_id", "InstanceId").c(NonEmpty),
];

const ROUTE_TABLE_ASSOCIATION: &[Row] = &[
    r("subnet_id", "subnet_id", "SubnetId"),
    r("route_table_id", "route_table_id", "RouteTableId"),
    r("gateway_id", "gateway_id", ""),
];

const MAIN_ROUTE_TABLE_ASSOCIATION: &[Row] = &[
    r("vpc_id", "vpc_id", ""),
    r("route_table_id", "route_table_id", ""),
];

const INTERNET_GATEWAY: &[Row] = &[r("vpc_id", "vpc_id", "")];

const INTERNET_GATEWAY_ATTACHMENT: &[Row] = &[
    r("vpc_id", "vpc_id", "VpcId"),
    r(
        "internet_gateway_id",
        "internet_gateway_id",
        "InternetGatewayId",
    ),
    r("vpn_gateway_id", "", "VpnGatewayId"),
];

const EGRESS_ONLY_IGW: &[Row] = &[r("vpc_id", "vpc_id", "VpcId")];

/// Default connectivity `public` [V TF aws_nat_gateway doc; CFN NatGateway doc].
const NAT_GATEWAY: &[Row] = &[
    r("subnet_id", "subnet_id", "SubnetId"),
    r("allocation_id", "allocation_id", "AllocationId"),
    r("connectivity_type", "connectivity_type", "ConnectivityType").d(Lit::Str("public")),
];

const DNS_OPTIONS: &[Row] = &[
    r(
        "dns_record_ip_type",
        "dns_record_ip_type",
        "DnsRecordIpType",
    ),
    r(
        "private_dns_only_for_inbound_resolver_endpoint",
        "private_dns_only_for_inbound_resolver_endpoint",
        "PrivateDnsOnlyForInboundResolverEndpoint",
    )
    .c(Bool),
];

/// Defaults: type `Gateway`, private DNS `false` in both formats [V TF vpc_endpoint doc, CFN
/// VPCEndpoint doc; domain notes FGP026/FGP028]. No policy = full access (left absent).
const VPC_ENDPOINT: &[Row] = &[
    r("vpc_id", "vpc_id", "VpcId"),
    r("service_name", "service_name", "ServiceName"),
    r("vpc_endpoint_type", "vpc_endpoint_type", "VpcEndpointType").d(Lit::Str("Gateway")),
    r(
        "private_dns_enabled",
        "private_dns_enabled",
        "PrivateDnsEnabled",
    )
    .c(Bool)
    .d(Lit::Bool(false)),
    r("subnet_ids", "subnet_ids", "SubnetIds"),
    r(
        "security_group_ids",
        "security_group_ids",
        "SecurityGroupIds",
    ),
    r("route_table_ids", "route_table_ids", "RouteTableIds"),
    r("policy", "policy", "PolicyDocument").c(Policy),
    r("ip_address_type", "ip_address_type", "IpAddressType"),
    r("dns_options", "dns_options", "DnsOptions").c(Block(DNS_OPTIONS)),
    r("service_region", "service_region", "ServiceRegion"),
    r("region", "region", ""),
];

const VPC_ENDPOINT_SUBNET_ASSOCIATION: &[Row] = &[
    r("vpc_endpoint_id", "vpc_endpoint_id", ""),
    r("subnet_id", "subnet_id", ""),
];

const VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION: &[Row] = &[
    r("vpc_endpoint_id", "vpc_endpoint_id", ""),
    r("route_table_id", "route_table_id", ""),
];

const VPC_ENDPOINT_SG_ASSOCIATION: &[Row] = &[
    r("vpc_endpoint_id", "vpc_endpoint_id", ""),
    r("security_group_id", "security_group_id", ""),
    r(
        "replace_default_association",
        "replace_default_association",
        "",
    )
    .c(Bool),
];

const VPC_ENDPOINT_POLICY: &[Row] = &[
    r("vpc_endpoint_id", "vpc_endpoint_id", ""),
    r("policy", "policy", "").c(Policy),
];

const VPC_ENDPOINT_PRIVATE_DNS: &[Row] = &[
    r("vpc_endpoint_id", "vpc_endpoint_id", ""),
    r("private_dns_enabled", "private_dns_enabled", "").c(Bool),
];

const VPC_ENDPOINT_SERVICE: &[Row] = &[
    r("service", "service", ""),
    r("service_name", "service_name", ""),
    r("service_type", "service_type", ""),
    r("filter", "filter", ""),
];

/// Inline rules, one canonical rule per source (see `normalize/sg.rs`).
///
/// Defaults — what exists when the rules are not written:
/// - Ingress: none, in both formats (a new security group has no inbound rule).
/// - Egress, CloudFormation: AWS's allow-all egress stays when `SecurityGroupEgress` is omitted
///   [V CFN AWS::EC2::SecurityGroup doc; domain notes (c)-3, FGP031]. Modelled as the IPv4 rule
///   only: the `::/0` companion exists only in VPCs with an IPv6 block, not modelled here.
/// - Egress, Terraform: `aws_security_group` removes AWS's default egress rule on creation, so
///   without `egress {}` blocks the group has no egress of its own (separate
///   `aws_security_group_rule`/`aws_vpc_security_group_egress_rule` resources may add some)
///   [V TF aws_security_group doc: "Terraform will remove this default rule"; domain FGP031].
const SECURITY_GROUP: &[Row] = &[
    r("name", "name", "GroupName"),
    r("vpc_id", "vpc_id", "VpcId"),
    r("ingress", "ingress", "SecurityGroupIngress")
        .c(SgRules)
        .d(Lit::EmptyList),
    r("egress", "egress", "SecurityGroupEgress")
        .c(SgRules)
        .d2(Some(Lit::EmptyList), Some(Lit::AllowAllEgress)),
];

/// `aws_default_security_group`: once managed, only the written rules remain; with no blocks it
/// has none [V TF aws_default_security_group doc; domain notes (c)-2, FGP030].
const DEFAULT_SECURITY_GROUP: &[Row] = &[
    r("vpc_id", "vpc_id", ""),
    r("ingress", "ingress", "").c(SgRules).d(Lit::EmptyList),
    r("egress", "egress", "").c(SgRules).d(Lit::EmptyList),
];

/// Standalone rules. `direction` is set from the type (or `type` of `aws_security_group_rule`).
const SECURITY_GROUP_RULE: &[Row] = &[
    r("security_group_id", "security_group_id", "GroupId"),
    r("direction", ".", ".").c(SgDirection),
    r("rules", ".", ".").c(SgRuleSelf),
];

const PREFIX_LIST: &[Row] = &[
    r("name", "name", "PrefixListName"),
    r("prefix_list_id", "prefix_list_id", ""),
    r("filter", "filter", ""),
];

const HOSTED_ZONE_VPC: &[Row] = &[
    r("vpc_id", "vpc_id", "VPCId"),
    r("vpc_region", "vpc_region", "VPCRegion"),
];

/// A zone with VPCs is private [V TF aws_route53_zone doc `vpc` block; CFN HostedZone `VPCs`].
const HOSTED_ZONE: &[Row] = &[
    r("name", "name", "Name"),
    r("vpcs", "vpc", "VPCs").c(Items(HOSTED_ZONE_VPC)),
];

const HOSTED_ZONE_ASSOCIATION: &[Row] = &[
    r("zone_id", "zone_id", ""),
    r("vpc_id", "vpc_id", ""),
    r("vpc_region", "vpc_region", ""),
];

const DHCP_OPTIONS: &[Row] = &[
    r(
        "domain_name_servers",
        "domain_name_servers",
        "DomainNameServers",
    ),
    r("domain_name", "domain_name", "DomainName"),
];

const DHCP_OPTIONS_ASSOCIATION: &[Row] = &[
    r("vpc_id", "vpc_id", "VpcId"),
    r("dhcp_options_id", "dhcp_options_id", "DhcpOptionsId"),
];

/// Inline `ingress {}`/`egress {}` and `subnet_ids` become [`Kind::NetworkAclRule`] and
/// [`Kind::NetworkAclAssociation`] nodes (see `build.rs`).
const NETWORK_ACL: &[Row] = &[
    r("vpc_id", "vpc_id", "VpcId"),
    r("default_network_acl_id", "default_network_acl_id", ""),
];

/// `aws_network_acl_rule`, `AWS::EC2::NetworkAclEntry`, inline NACL blocks (`rule_no`, `action`).
pub const NETWORK_ACL_RULE: &[Row] = &[
    r("network_acl_id", "network_acl_id", "NetworkAclId"),
    r("rule_number", "rule_number|rule_no", "RuleNumber").c(Num),
    // Default ingress [V TF aws_network_acl_rule doc `egress` "Default false"; CFN `Egress`].
    r("egress", "egress", "Egress").c(Bool).d(Lit::Bool(false)),
    r("protocol", "protocol", "Protocol").c(Protocol),
    r("rule_action", "rule_action|action", "RuleAction").c(Lower),
    r("cidr_block", "cidr_block", "CidrBlock").c(NonEmpty),
    r("ipv6_cidr_block", "ipv6_cidr_block", "Ipv6CidrBlock").c(NonEmpty),
    r("from_port", "from_port", "PortRange.From").c(Num),
    r("to_port", "to_port", "PortRange.To").c(Num),
];

const NETWORK_ACL_ASSOCIATION: &[Row] = &[
    r("network_acl_id", "network_acl_id", "NetworkAclId"),
    r("subnet_id", "subnet_id", "SubnetId"),
];

// ---------------------------------------------------------------------------------------------
// Registries, secrets, logs

const ENCRYPTION_CONFIGURATION: &[Row] = &[
    r("encryption_type", "encryption_type", "EncryptionType"),
    r("kms_key", "kms_key", "KmsKey"),
];

/// `RepositoryPolicyText` becomes a [`Kind::EcrRepositoryPolicy`] node (see `build.rs`).
const ECR_REPOSITORY: &[Row] = &[
    r("name", "name", "RepositoryName"),
    r(
        "encryption_configuration",
        "encryption_configuration",
        "EncryptionConfiguration",
    )
    .c(Block(ENCRYPTION_CONFIGURATION)),
    r(
        "image_tag_mutability",
        "image_tag_mutability",
        "ImageTagMutability",
    ),
];

pub const ECR_REPOSITORY_POLICY: &[Row] = &[
    r("repository", "repository", ""),
    r("policy", "policy", "").c(Policy),
];

const ECR_REGISTRY_POLICY: &[Row] = &[r("policy", "policy", "PolicyText").c(Policy)];

const PULL_THROUGH_CACHE_RULE: &[Row] = &[
    r(
        "ecr_repository_prefix",
        "ecr_repository_prefix",
        "EcrRepositoryPrefix",
    ),
    r(
        "upstream_registry_url",
        "upstream_registry_url",
        "UpstreamRegistryUrl",
    ),
    r("upstream_registry", "", "UpstreamRegistry"),
    r("credential_arn", "credential_arn", "CredentialArn"),
    r("custom_role_arn", "custom_role_arn", "CustomRoleArn"),
    r(
        "upstream_repository_prefix",
        "upstream_repository_prefix",
        "UpstreamRepositoryPrefix",
    ),
];

const ECR_REPOSITORY_CREATION_TEMPLATE: &[Row] = &[
    r("prefix", "prefix", "Prefix"),
    r("applied_for", "applied_for", "AppliedFor"),
];

/// `SecretString` (CloudFormation) becomes a [`Kind::SecretVersion`] node (see `build.rs`).
const SECRET: &[Row] = &[
    r("name", "name", "Name"),
    r("arn", "arn", ""),
    r("kms_key_id", "kms_key_id", "KmsKeyId"),
    // A generated value is a random string, not `{"username", "password"}` JSON unless its
    // template says so (FGP010).
    r("generate_secret_string", "", "GenerateSecretString"),
];

pub const SECRET_VERSION: &[Row] = &[
    r("secret_id", "secret_id", ""),
    r("secret_string", "secret_string", "SecretString"),
];

const SSM_PARAMETER: &[Row] = &[
    r("name", "name", "Name"),
    r("arn", "arn", ""),
    r("type", "type", "Type"),
    r("key_id", "key_id", ""),
];

const KMS_KEY: &[Row] = &[
    r("policy", "policy", "KeyPolicy").c(Policy),
    r("arn", "arn", ""),
    r("key_id", "key_id", ""),
];

const KMS_ALIAS: &[Row] = &[
    r("name", "name", "AliasName"),
    r("target_key_id", "target_key_id", "TargetKeyId"),
];

const LOG_GROUP: &[Row] = &[
    r("name", "name", "LogGroupName"),
    r("kms_key_id", "kms_key_id", "KmsKeyId"),
];

/// The rows of a kind (`None` for [`Kind::Other`], whose attributes are kept as written).
pub fn rows(kind: Kind) -> Option<&'static [Row]> {
    use Kind as K;
    Some(match kind {
        K::TaskDefinition => TASK_DEFINITION,
        K::Service => SERVICE,
        K::Cluster => CLUSTER,
        K::ClusterCapacityProviders => CLUSTER_CAPACITY_PROVIDERS,
        K::EventRule => EVENT_RULE,
        K::EventTarget => EVENT_TARGET,
        K::Schedule => SCHEDULE,
        K::IamRole => IAM_ROLE,
        K::ManagedPolicy => MANAGED_POLICY,
        K::RolePolicy => ROLE_POLICY,
        K::PolicyAttachment => POLICY_ATTACHMENT,
        K::RolePoliciesExclusive => ROLE_POLICIES_EXCLUSIVE,
        K::PolicyDocument => POLICY_DOCUMENT,
        K::Vpc => VPC,
        K::Subnet => SUBNET,
        K::RouteTable => ROUTE_TABLE,
        K::DefaultRouteTable => DEFAULT_ROUTE_TABLE,
        K::Route => ROUTE,
        K::RouteTableAssociation => ROUTE_TABLE_ASSOCIATION,
        K::MainRouteTableAssociation => MAIN_ROUTE_TABLE_ASSOCIATION,
        K::VgwRoutePropagation => VGW_ROUTE_PROPAGATION,
        K::InternetGateway => INTERNET_GATEWAY,
        K::InternetGatewayAttachment => INTERNET_GATEWAY_ATTACHMENT,
        K::EgressOnlyInternetGateway => EGRESS_ONLY_IGW,
        K::NatGateway => NAT_GATEWAY,
        K::VpcEndpoint => VPC_ENDPOINT,
        K::VpcEndpointSubnetAssociation => VPC_ENDPOINT_SUBNET_ASSOCIATION,
        K::VpcEndpointRouteTableAssociation => VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION,
        K::VpcEndpointSecurityGroupAssociation => VPC_ENDPOINT_SG_ASSOCIATION,
        K::VpcEndpointPolicy => VPC_ENDPOINT_POLICY,
        K::VpcEndpointPrivateDns => VPC_ENDPOINT_PRIVATE_DNS,
        K::VpcEndpointService => VPC_ENDPOINT_SERVICE,
        K::SecurityGroup => SECURITY_GROUP,
        K::DefaultSecurityGroup => DEFAULT_SECURITY_GROUP,
        K::SecurityGroupRule => SECURITY_GROUP_RULE,
        K::PrefixList => PREFIX_LIST,
        K::HostedZone => HOSTED_ZONE,
        K::HostedZoneAssociation => HOSTED_ZONE_ASSOCIATION,
        K::DhcpOptions => DHCP_OPTIONS,
        K::DhcpOptionsAssociation => DHCP_OPTIONS_ASSOCIATION,
        K::NetworkAcl => NETWORK_ACL,
        K::NetworkAclRule => NETWORK_ACL_RULE,
        K::NetworkAclAssociation => NETWORK_ACL_ASSOCIATION,
        K::EcrRepository => ECR_REPOSITORY,
        K::EcrRepositoryPolicy => ECR_REPOSITORY_POLICY,
        K::EcrRegistryPolicy => ECR_REGISTRY_POLICY,
        K::PullThroughCacheRule => PULL_THROUGH_CACHE_RULE,
        K::EcrRepositoryCreationTemplate => ECR_REPOSITORY_CREATION_TEMPLATE,
        K::Secret => SECRET,
        K::SecretVersion => SECRET_VERSION,
        K::SsmParameter => SSM_PARAMETER,
        K::KmsKey => KMS_KEY,
        K::KmsAlias => KMS_ALIAS,
        K::LogGroup => LOG_GROUP,
        K::Other => return None,
    })
}
