# Writes the network-rule fixtures (FGP016, FGP020-FGP024) from the specs in fixture_cases.py:
#   python3 testdata/rules/FGP021/gen_fixtures.py
# One spec per case, rendered as Terraform HCL (main.tf), CloudFormation (template.yaml / template.json) or a
# `terraform show -json` plan (plan.json, with the main.tf it was planned from beside it, or
# alone). Plans are written by hand in the shape of testdata/plan/gen_equivalence_plan.py.
import json, os, sys

REGION = "eu-west-1"
ACCOUNT = "123456789012"
ECR_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/app:1.0"
SM_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:app/db-password-AbCdEf"
SSM_ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/app/db-password"
BASE_EP = ["ecr.api", "ecr.dkr", "s3", "logs"]
P = "registry.terraform.io/hashicorp/aws"


class Ref:
    def __init__(self, path):
        self.path = path  # "aws_vpc.main.id" or "var.x"


class Var(Ref):
    pass


class Block(dict):
    """A nested block (rendered `name { ... }` in HCL, a one-element list in plans)."""


class JsonEnc:
    def __init__(self, v):
        self.v = v


UNKNOWN = object()
# Attribute values known at plan time, for references.
KNOWN = {
    "aws_cloudwatch_log_group.app.name": "/ecs/app",
    "aws_iam_role.execution.name": "app-execution",
}


# --------------------------------------------------------------------------------------------
# The model: one list of Terraform resources per spec.

def tf_resources(s):
    R = []  # (type, name, attrs, extra_hcl)

    def res(t, n, attrs, extra=None):
        R.append((t, n, attrs, extra))

    net = s["net"]
    res("aws_vpc", "main", {"cidr_block": "10.0.0.0/16", "enable_dns_support": True,
                            "enable_dns_hostnames": True})
    igw = net in ("nat", "public", "mixed")
    if igw:
        res("aws_internet_gateway", "main", {"vpc_id": Ref("aws_vpc.main.id")})
    if net == "public":
        task_subnets = ["public_a", "public_b"]
        for sn, cidr, az in [("public_a", "10.0.101.0/24", "a"), ("public_b", "10.0.102.0/24", "b")]:
            a = {"vpc_id": Ref("aws_vpc.main.id"), "cidr_block": cidr, "availability_zone": REGION + az}
            if s.get("map_public_ip"):
                a["map_public_ip_on_launch"] = True
            res("aws_subnet", sn, a)
        res("aws_route_table", "public", {"vpc_id": Ref("aws_vpc.main.id"),
                                          "route": [Block(cidr_block="0.0.0.0/0", gateway_id=Ref("aws_internet_gateway.main.id"))]})
        for sn in task_subnets:
            res("aws_route_table_association", sn, {"subnet_id": Ref(f"aws_subnet.{sn}.id"),
                                                     "route_table_id": Ref("aws_route_table.public.id")})
        task_tables = ["public"]
    elif net == "subnet_var":
        task_subnets = None
        task_tables = []
    else:
        task_subnets = ["private_a", "private_b"]
        for sn, cidr, az in [("private_a", "10.0.1.0/24", "a"), ("private_b", "10.0.2.0/24", "b")]:
            res("aws_subnet", sn, {"vpc_id": Ref("aws_vpc.main.id"), "cidr_block": cidr,
                                   "availability_zone": REGION + az})
        if net in ("nat", "mixed"):
            res("aws_subnet", "public_a", {"vpc_id": Ref("aws_vpc.main.id"), "cidr_block": "10.0.101.0/24",
                                           "availability_zone": REGION + "a"})
            res("aws_route_table", "public", {"vpc_id": Ref("aws_vpc.main.id"),
                                              "route": [Block(cidr_block="0.0.0.0/0", gateway_id=Ref("aws_internet_gateway.main.id"))]})
            res("aws_route_table_association", "public_a", {"subnet_id": Ref("aws_subnet.public_a.id"),
                                                             "route_table_id": Ref("aws_route_table.public.id")})
            res("aws_eip", "nat", {"domain": "vpc"})
            res("aws_nat_gateway", "main", {"allocation_id": Ref("aws_eip.nat.id"),
                                            "subnet_id": Ref("aws_subnet.public_a.id")},
                "depends_on = [aws_internet_gateway.main]")
        res("aws_route_table", "private", {"vpc_id": Ref("aws_vpc.main.id")})
        if net == "mixed":
            res("aws_route_table", "private_nat", {"vpc_id": Ref("aws_vpc.main.id")})
            res("aws_route", "private_nat_default", {"route_table_id": Ref("aws_route_table.private_nat.id"),
                                                     "destination_cidr_block": "0.0.0.0/0",
                                                     "nat_gateway_id": Ref("aws_nat_gateway.main.id")})
            tables = {"private_a": "private_nat", "private_b": "private"}
            task_tables = ["private_nat", "private"]
        else:
            tables = {"private_a": "private", "private_b": "private"}
            task_tables = ["private"]
        if net == "nat":
            res("aws_route", "private_default", {"route_table_id": Ref("aws_route_table.private.id"),
                                                 "destination_cidr_block": "0.0.0.0/0",
                                                 "nat_gateway_id": Ref("aws_nat_gateway.main.id")})
        if net == "tgw":
            res("aws_ec2_transit_gateway_vpc_attachment", "main", {
                "transit_gateway_id": Var("var.transit_gateway_id"), "vpc_id": Ref("aws_vpc.main.id"),
                "subnet_ids": [Ref("aws_subnet.private_a.id"), Ref("aws_subnet.private_b.id")]})
            res("aws_route", "private_default", {"route_table_id": Ref("aws_route_table.private.id"),
                                                 "destination_cidr_block": "0.0.0.0/0",
                                                 "transit_gateway_id": Var("var.transit_gateway_id")},
                "depends_on = [aws_ec2_transit_gateway_vpc_attachment.main]")
        for sn in task_subnets:
            if s.get("no_assoc"):
                continue  # the subnets use the VPC's main route table, not managed here
            res("aws_route_table_association", sn, {"subnet_id": Ref(f"aws_subnet.{sn}.id"),
                                                     "route_table_id": Ref(f"aws_route_table.{tables[sn]}.id")})
    eps = s.get("endpoints", [])
    interface = [e for e in eps if e != "s3"]
    ep_subnets = [Ref(f"aws_subnet.{sn}.id") for sn in (task_subnets or [])]
    if interface and not s.get("module"):
        res("aws_security_group", "endpoints", {
            "name": "vpc-endpoints", "description": "HTTPS from the VPC to the interface endpoints",
            "vpc_id": Ref("aws_vpc.main.id"),
            "ingress": [Block(from_port=443, to_port=443, protocol="tcp", cidr_blocks=["10.0.0.0/16"])]})
    res("aws_security_group", "task", {
        "name": "app-task", "description": "Fargate task", "vpc_id": Ref("aws_vpc.main.id"),
        "egress": [Block(from_port=0, to_port=0, protocol="-1", cidr_blocks=["0.0.0.0/0"])]})
    if not s.get("module"):
        for e in eps:
            n = e.replace(".", "_")
            if e == "s3":
                res("aws_vpc_endpoint", n, {"vpc_id": Ref("aws_vpc.main.id"),
                                            "service_name": f"com.amazonaws.{REGION}.s3",
                                            "vpc_endpoint_type": "Gateway",
                                            "route_table_ids": [Ref(f"aws_route_table.{t}.id") for t in task_tables]})
            else:
                res("aws_vpc_endpoint", n, {"vpc_id": Ref("aws_vpc.main.id"),
                                            "service_name": f"com.amazonaws.{REGION}.{e}",
                                            "vpc_endpoint_type": "Interface",
                                            "private_dns_enabled": True,
                                            "subnet_ids": ep_subnets,
                                            "security_group_ids": [Ref("aws_security_group.endpoints.id")]})
    res("aws_iam_role", "execution", {"name": "app-execution", "assume_role_policy": JsonEnc({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]})})
    res("aws_iam_role_policy_attachment", "execution", {
        "role": Ref("aws_iam_role.execution.name"),
        "policy_arn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"})
    secrets = s.get("secrets", [])
    if secrets:
        stmts = []
        for store in secrets:
            if store == "sm":
                stmts.append({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": SM_ARN})
            else:
                stmts.append({"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": SSM_ARN})
        res("aws_iam_role_policy", "secrets", {"name": "read-app-secrets", "role": Ref("aws_iam_role.execution.name"),
                                               "policy": JsonEnc({"Version": "2012-10-17", "Statement": stmts})})
    res("aws_cloudwatch_log_group", "app", {"name": "/ecs/app", "retention_in_days": 30})
    res("aws_ecs_cluster", "main", {"name": "main"})
    cd = {"name": "app", "image": s["image"], "essential": True,
          "portMappings": [{"containerPort": 8080, "protocol": "tcp"}]}
    if secrets:
        cd["secrets"] = [{"name": "DB_PASSWORD", "valueFrom": SM_ARN if st == "sm" else SSM_ARN} for st in secrets]
    cd["logConfiguration"] = {"logDriver": "awslogs", "options": {
        "awslogs-group": Ref("aws_cloudwatch_log_group.app.name"), "awslogs-region": REGION,
        "awslogs-stream-prefix": "app"}}
    res("aws_ecs_task_definition", "app", {
        "family": "app", "requires_compatibilities": ["FARGATE"], "network_mode": "awsvpc",
        "cpu": "256", "memory": "512", "execution_role_arn": Ref("aws_iam_role.execution.arn"),
        "container_definitions": JsonEnc([cd])})
    nc = Block()
    nc["subnets"] = Var("var.subnet_ids") if task_subnets is None else [Ref(f"aws_subnet.{sn}.id") for sn in task_subnets]
    nc["security_groups"] = [Ref("aws_security_group.task.id")]
    if s.get("public_ip") is not None:
        nc["assign_public_ip"] = s["public_ip"]
    if s.get("site") == "schedule":
        # A scheduled task: an EventBridge rule whose target runs the task on Fargate.
        res("aws_iam_role", "events", {"name": "app-events", "assume_role_policy": JsonEnc({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                           "Action": "sts:AssumeRole"}]})})
        res("aws_iam_role_policy_attachment", "events", {
            "role": Ref("aws_iam_role.events.name"),
            "policy_arn": "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceEventsRole"})
        res("aws_cloudwatch_event_rule", "nightly", {"name": "app-nightly",
                                                     "schedule_expression": "cron(0 3 * * ? *)"})
        et = Block(task_definition_arn=Ref("aws_ecs_task_definition.app.arn"), launch_type="FARGATE",
                   task_count=1)
        et["network_configuration"] = [nc]
        res("aws_cloudwatch_event_target", "nightly", {"rule": Ref("aws_cloudwatch_event_rule.nightly.name"),
                                                       "arn": Ref("aws_ecs_cluster.main.arn"),
                                                       "role_arn": Ref("aws_iam_role.events.arn"),
                                                       "ecs_target": [et]})
    else:
        svc = {"name": "app", "cluster": Ref("aws_ecs_cluster.main.id"),
               "task_definition": Ref("aws_ecs_task_definition.app.arn"),
               "launch_type": "FARGATE", "desired_count": 2}
        if s.get("platform_version"):
            svc["platform_version"] = s["platform_version"]
        svc["network_configuration"] = [nc]
        res("aws_ecs_service", "app", svc)
    variables = {}
    if net == "tgw":
        variables["transit_gateway_id"] = ("string", "tgw-0a1b2c3d4e5f67890",
                                           "Transit gateway shared by the network account (default route to the inspection VPC)")
    if net == "subnet_var":
        variables["subnet_ids"] = ("list(string)", None, "Private subnets of the shared VPC")
    return R, variables


# --------------------------------------------------------------------------------------------
# HCL

def hcl_val(v, ind):
    pad = "  " * ind
    if isinstance(v, Ref):
        return v.path
    if isinstance(v, JsonEnc):
        return "jsonencode(" + hcl_obj(v.v, ind) + ")"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        if all(not isinstance(x, (dict, list)) for x in v):
            return "[" + ", ".join(hcl_val(x, ind) for x in v) + "]"
        return "[\n" + "".join(pad + "  " + hcl_obj(x, ind + 1) + ",\n" for x in v) + pad + "]"
    if isinstance(v, dict):
        return hcl_obj(v, ind)
    raise TypeError(v)


def hcl_key(k):
    return k if k.replace("_", "").isalnum() and not k[0].isdigit() else json.dumps(k)


def hcl_obj(v, ind):
    if isinstance(v, list):
        return hcl_val(v, ind)
    if not isinstance(v, dict):
        return hcl_val(v, ind)
    pad = "  " * ind
    if not v:
        return "{}"
    rendered = [(hcl_key(k), hcl_val(x, ind + 1)) for k, x in v.items()]
    w = max([len(k) for k, r in rendered if "\n" not in r] or [0])
    lines = []
    for k, r in rendered:
        lines.append(f"{pad}  {(k if chr(10) in r else k.ljust(w))} = {r}")
    return "{\n" + "\n".join(lines) + "\n" + pad + "}"


def hcl_body(attrs, ind):
    pad = "  " * ind
    simple = [(k, v) for k, v in attrs.items() if not (isinstance(v, list) and v and isinstance(v[0], Block))]
    blocks = [(k, v) for k, v in attrs.items() if (isinstance(v, list) and v and isinstance(v[0], Block))]
    out = []
    w = max([len(k) for k, v in simple if not isinstance(v, JsonEnc)] or [0])
    for k, v in simple:
        if isinstance(v, JsonEnc):
            out.append(f"{pad}{k} = {hcl_val(v, ind)}")
        else:
            out.append(f"{pad}{k.ljust(w)} = {hcl_val(v, ind)}")
    for k, bl in blocks:
        for b in bl:
            out.append("")
            out.append(f"{pad}{k} {{")
            out.extend(hcl_body(b, ind + 1))
            out.append(f"{pad}}}")
    return out


def render_tf(s, R, variables, header):
    out = ["# " + l if l else "#" for l in header.splitlines()]
    out.append("")
    out.append('provider "aws" {')
    out.append(f'  region = "{REGION}"')
    out.append("}")
    out.append("")
    for name, (typ, default, desc) in variables.items():
        out.append(f'variable "{name}" {{')
        out.append(f"  description = {json.dumps(desc)}")
        out.append(f"  type        = {typ}")
        if default is not None:
            out.append(f"  default     = {json.dumps(default)}")
        out.append("}")
        out.append("")
    for t, n, attrs, extra in R:
        out.append(f'resource "{t}" "{n}" {{')
        out.extend(hcl_body(attrs, 1))
        if extra:
            out.append("")
            out.append("  " + extra)
        out.append("}")
        out.append("")
        if t == "aws_security_group" and n == "task" and s.get("module"):
            out.extend(module_call(s))
    return "\n".join(out).rstrip() + "\n"


def module_call(s):
    eps = s["endpoints"]
    lines = ['module "vpc_endpoints" {',
             '  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"',
             '  version = "~> 6.0"',
             "",
             "  vpc_id     = aws_vpc.main.id",
             "  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]",
             "",
             "  create_security_group      = true",
             '  security_group_name_prefix = "vpc-endpoints-"',
             '  security_group_description = "HTTPS from the VPC to the interface endpoints"',
             "  security_group_rules = {",
             "    ingress_https = {",
             "      cidr_blocks = [aws_vpc.main.cidr_block]",
             "    }",
             "  }",
             "",
             "  endpoints = {"]
    for e in eps:
        k = e.replace(".", "_")
        if e == "s3":
            lines += [f"    {k} = {{", f'      service         = "s3"', f'      service_type    = "Gateway"',
                      "      route_table_ids = [aws_route_table.private.id]", "    }"]
        else:
            lines += [f"    {k} = {{", f'      service             = "{e}"', "      private_dns_enabled = true", "    }"]
    lines += ["  }", "}", ""]
    return lines


# --------------------------------------------------------------------------------------------
# CloudFormation

def cfn_template(s, desc):
    net = s["net"]
    Rs = {}
    params = {}
    ref = lambda x: {"Ref": x}
    Rs["Vpc"] = {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16", "EnableDnsSupport": True,
                                                          "EnableDnsHostnames": True}}
    if net in ("nat", "public", "mixed"):
        Rs["InternetGateway"] = {"Type": "AWS::EC2::InternetGateway"}
        Rs["GatewayAttachment"] = {"Type": "AWS::EC2::VPCGatewayAttachment",
                                   "Properties": {"VpcId": ref("Vpc"), "InternetGatewayId": ref("InternetGateway")}}

    def subnet(name, cidr, az, public=False):
        p = {"VpcId": ref("Vpc"), "CidrBlock": cidr, "AvailabilityZone": REGION + az}
        if public and s.get("map_public_ip"):
            p["MapPublicIpOnLaunch"] = True
        Rs[name] = {"Type": "AWS::EC2::Subnet", "Properties": p}

    def assoc(subnet, table):
        Rs[subnet + "RouteTableAssociation"] = {"Type": "AWS::EC2::SubnetRouteTableAssociation",
                                                "Properties": {"SubnetId": ref(subnet), "RouteTableId": ref(table)}}

    def public_table():
        Rs["PublicRouteTable"] = {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": ref("Vpc")}}
        Rs["PublicDefaultRoute"] = {"Type": "AWS::EC2::Route", "DependsOn": "GatewayAttachment",
                                    "Properties": {"RouteTableId": ref("PublicRouteTable"),
                                                   "DestinationCidrBlock": "0.0.0.0/0",
                                                   "GatewayId": ref("InternetGateway")}}

    tables = []
    if net == "public":
        subnet("PublicSubnetA", "10.0.101.0/24", "a", True)
        subnet("PublicSubnetB", "10.0.102.0/24", "b", True)
        public_table()
        assoc("PublicSubnetA", "PublicRouteTable")
        assoc("PublicSubnetB", "PublicRouteTable")
        task_subnets = ["PublicSubnetA", "PublicSubnetB"]
        tables = ["PublicRouteTable"]
    elif net == "subnet_var":
        task_subnets = None
        params["SubnetIds"] = {"Type": "List<AWS::EC2::Subnet::Id>", "Description": "Private subnets of the shared VPC"}
    else:
        subnet("PrivateSubnetA", "10.0.1.0/24", "a")
        subnet("PrivateSubnetB", "10.0.2.0/24", "b")
        task_subnets = ["PrivateSubnetA", "PrivateSubnetB"]
        if net in ("nat", "mixed"):
            subnet("PublicSubnetA", "10.0.101.0/24", "a", True)
            public_table()
            assoc("PublicSubnetA", "PublicRouteTable")
            Rs["NatEip"] = {"Type": "AWS::EC2::EIP", "DependsOn": "GatewayAttachment", "Properties": {"Domain": "vpc"}}
            Rs["NatGateway"] = {"Type": "AWS::EC2::NatGateway", "Properties": {
                "AllocationId": {"Fn::GetAtt": ["NatEip", "AllocationId"]}, "SubnetId": ref("PublicSubnetA")}}
        Rs["PrivateRouteTable"] = {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": ref("Vpc")}}
        if net == "nat":
            Rs["PrivateDefaultRoute"] = {"Type": "AWS::EC2::Route", "Properties": {
                "RouteTableId": ref("PrivateRouteTable"), "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": ref("NatGateway")}}
        if net == "tgw":
            params["TransitGatewayId"] = {"Type": "String", "Default": "tgw-0a1b2c3d4e5f67890",
                                          "Description": "Transit gateway shared by the network account"}
            Rs["TransitGatewayAttachment"] = {"Type": "AWS::EC2::TransitGatewayAttachment", "Properties": {
                "TransitGatewayId": ref("TransitGatewayId"), "VpcId": ref("Vpc"),
                "SubnetIds": [ref("PrivateSubnetA"), ref("PrivateSubnetB")]}}
            Rs["PrivateDefaultRoute"] = {"Type": "AWS::EC2::Route", "DependsOn": "TransitGatewayAttachment",
                                         "Properties": {"RouteTableId": ref("PrivateRouteTable"),
                                                        "DestinationCidrBlock": "0.0.0.0/0",
                                                        "TransitGatewayId": ref("TransitGatewayId")}}
        if net == "mixed":
            Rs["PrivateNatRouteTable"] = {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": ref("Vpc")}}
            Rs["PrivateNatDefaultRoute"] = {"Type": "AWS::EC2::Route", "Properties": {
                "RouteTableId": ref("PrivateNatRouteTable"), "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": ref("NatGateway")}}
            assoc("PrivateSubnetA", "PrivateNatRouteTable")
            assoc("PrivateSubnetB", "PrivateRouteTable")
            tables = ["PrivateNatRouteTable", "PrivateRouteTable"]
        elif s.get("no_assoc"):
            tables = ["PrivateRouteTable"]  # the subnets use the VPC's main route table
        else:
            assoc("PrivateSubnetA", "PrivateRouteTable")
            assoc("PrivateSubnetB", "PrivateRouteTable")
            tables = ["PrivateRouteTable"]
    eps = s.get("endpoints", [])
    if any(e != "s3" for e in eps):
        Rs["EndpointSecurityGroup"] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "HTTPS from the VPC to the interface endpoints", "VpcId": ref("Vpc"),
            "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                      "CidrIp": {"Fn::GetAtt": ["Vpc", "CidrBlock"]}}]}}
    Rs["TaskSecurityGroup"] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupDescription": "Fargate task", "VpcId": ref("Vpc"),
        "SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]}}
    names = {"ecr.api": "EcrApiEndpoint", "ecr.dkr": "EcrDkrEndpoint", "s3": "S3Endpoint", "logs": "LogsEndpoint",
             "secretsmanager": "SecretsManagerEndpoint", "ssm": "SsmEndpoint"}
    for e in eps:
        if e == "s3":
            Rs[names[e]] = {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "VpcId": ref("Vpc"), "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"},
                "VpcEndpointType": "Gateway", "RouteTableIds": [ref(t) for t in tables]}}
        else:
            Rs[names[e]] = {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "VpcId": ref("Vpc"), "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}." + e},
                "VpcEndpointType": "Interface", "PrivateDnsEnabled": True,
                "SubnetIds": [ref(x) for x in task_subnets], "SecurityGroupIds": [ref("EndpointSecurityGroup")]}}
    role = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]}}
    secrets = s.get("secrets", [])
    sm = {"Fn::Sub": "arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:app/db-password-AbCdEf"}
    ssm = {"Fn::Sub": "arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/db-password"}
    if secrets:
        stmts = []
        for st in secrets:
            stmts.append({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": sm} if st == "sm"
                         else {"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": ssm})
        role["Properties"]["Policies"] = [{"PolicyName": "read-app-secrets",
                                           "PolicyDocument": {"Version": "2012-10-17", "Statement": stmts}}]
    Rs["ExecutionRole"] = role
    Rs["LogGroup"] = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/ecs/app", "RetentionInDays": 30}}
    Rs["Cluster"] = {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": "main"}}
    image = s["image"]
    if image == ECR_IMAGE:
        image = {"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:1.0"}
    cd = {"Name": "app", "Image": image, "Essential": True,
          "PortMappings": [{"ContainerPort": 8080, "Protocol": "tcp"}]}
    if secrets:
        cd["Secrets"] = [{"Name": "DB_PASSWORD", "ValueFrom": sm if st == "sm" else ssm} for st in secrets]
    cd["LogConfiguration"] = {"LogDriver": "awslogs", "Options": {
        "awslogs-group": ref("LogGroup"), "awslogs-region": ref("AWS::Region"), "awslogs-stream-prefix": "app"}}
    Rs["TaskDefinition"] = {"Type": "AWS::ECS::TaskDefinition", "Properties": {
        "Family": "app", "RequiresCompatibilities": ["FARGATE"], "NetworkMode": "awsvpc", "Cpu": "256",
        "Memory": "512", "ExecutionRoleArn": {"Fn::GetAtt": ["ExecutionRole", "Arn"]}, "ContainerDefinitions": [cd]}}
    awsvpc = {"Subnets": ref("SubnetIds") if task_subnets is None else [ref(x) for x in task_subnets],
              "SecurityGroups": [ref("TaskSecurityGroup")]}
    if s.get("public_ip") is not None:
        awsvpc["AssignPublicIp"] = "ENABLED" if s["public_ip"] else "DISABLED"
    if s.get("site") == "schedule":
        # A scheduled task: an EventBridge rule whose target runs the task on Fargate
        # (AwsVpcConfiguration with a capital V, unlike AWS::ECS::Service).
        Rs["EventsRole"] = {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceEventsRole"]}}
        Rs["NightlyRule"] = {"Type": "AWS::Events::Rule", "Properties": {
            "ScheduleExpression": "cron(0 3 * * ? *)", "State": "ENABLED",
            "Targets": [{"Id": "app", "Arn": {"Fn::GetAtt": ["Cluster", "Arn"]},
                         "RoleArn": {"Fn::GetAtt": ["EventsRole", "Arn"]},
                         "EcsParameters": {"TaskDefinitionArn": ref("TaskDefinition"), "TaskCount": 1,
                                           "LaunchType": "FARGATE",
                                           "NetworkConfiguration": {"AwsVpcConfiguration": awsvpc}}}]}}
    else:
        svc = {"Type": "AWS::ECS::Service", "Properties": {
            "ServiceName": "app", "Cluster": ref("Cluster"), "TaskDefinition": ref("TaskDefinition"),
            "LaunchType": "FARGATE", "DesiredCount": 2}}
        if s.get("platform_version"):
            svc["Properties"]["PlatformVersion"] = s["platform_version"]
        svc["Properties"]["NetworkConfiguration"] = {"AwsvpcConfiguration": awsvpc}
        if net == "nat":
            svc["DependsOn"] = "PrivateDefaultRoute"
        Rs["Service"] = svc
    t = {"AWSTemplateFormatVersion": "2010-09-09", "Description": desc}
    if params:
        t["Parameters"] = params
    t["Resources"] = Rs
    return t


def y_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if v == "" or v in ("true", "false", "yes", "no", "null", "-1") or v[0] in "*&!|>'\"%@`{[#-?:" or ": " in v or v.replace(".", "").replace("-", "").isdigit():
        return "'" + v.replace("'", "''") + "'"
    return v


def y_tag(v):
    if isinstance(v, dict) and len(v) == 1:
        k, x = next(iter(v.items()))
        if k == "Ref":
            return "!Ref " + x
        if k == "Fn::GetAtt":
            return "!GetAtt " + ".".join(x)
        if k == "Fn::Sub" and isinstance(x, str):
            return "!Sub '" + x + "'"
    return None


def y_dump(v, ind=0):
    pad = "  " * ind
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            t = y_tag(x)
            if t:
                out.append(f"{pad}{k}: {t}")
            elif isinstance(x, dict):
                out.append(f"{pad}{k}:")
                out.extend(y_dump(x, ind + 1))
            elif isinstance(x, list):
                out.append(f"{pad}{k}:")
                out.extend(y_dump(x, ind + 1))
            else:
                out.append(f"{pad}{k}: {y_scalar(x)}")
    elif isinstance(v, list):
        for x in v:
            t = y_tag(x)
            if t:
                out.append(f"{pad}- {t}")
            elif isinstance(x, (dict, list)):
                sub = y_dump(x, ind + 1)
                out.append(f"{pad}- " + sub[0].lstrip())
                out.extend(sub[1:])
            else:
                out.append(f"{pad}- {y_scalar(x)}")
    return out


def render_yaml(t, header):
    lines = ["# " + l for l in header.splitlines()]
    body = y_dump(t)
    # a blank line between resources
    res = []
    in_res = False
    for l in body:
        if l == "Resources:":
            in_res = True
        elif in_res and l.startswith("  ") and not l.startswith("   ") and res and res[-1] != "Resources:":
            res.append("")
        res.append(l)
    return "\n".join(lines + res) + "\n"


# --------------------------------------------------------------------------------------------
# Plan

COMPUTED = {
    "aws_vpc": ["arn", "default_network_acl_id", "default_route_table_id", "default_security_group_id",
                "dhcp_options_id", "id", "ipv6_association_id", "ipv6_cidr_block", "main_route_table_id",
                "owner_id", "tags_all"],
    "aws_subnet": ["arn", "id", "ipv6_cidr_block_association_id", "owner_id", "tags_all", "availability_zone_id"],
    "aws_internet_gateway": ["arn", "id", "owner_id", "tags_all"],
    "aws_route_table": ["arn", "id", "owner_id", "propagating_vgws", "tags_all"],
    "aws_route_table_association": ["id"],
    "aws_route": ["id", "instance_id", "instance_owner_id", "network_interface_id", "origin", "state"],
    "aws_eip": ["allocation_id", "arn", "association_id", "carrier_ip", "customer_owned_ip", "id",
                "instance", "network_interface", "private_dns", "private_ip", "public_dns", "public_ip",
                "public_ipv4_pool", "tags_all"],
    "aws_nat_gateway": ["association_id", "id", "network_interface_id", "private_ip", "public_ip",
                        "secondary_allocation_ids", "secondary_private_ip_addresses", "tags_all"],
    "aws_ec2_transit_gateway_vpc_attachment": ["id", "tags_all", "vpc_owner_id"],
    "aws_security_group": ["arn", "id", "owner_id", "tags_all"],
    "aws_vpc_endpoint": ["arn", "cidr_blocks", "dns_entry", "dns_options", "id", "ip_address_type",
                         "network_interface_ids", "owner_id", "policy", "prefix_list_id",
                         "requester_managed", "state", "subnet_configuration", "tags_all"],
    "aws_iam_role": ["arn", "create_date", "id", "inline_policy", "managed_policy_arns", "name_prefix",
                     "tags_all", "unique_id"],
    "aws_iam_role_policy_attachment": ["id"],
    "aws_iam_role_policy": ["id", "name_prefix"],
    "aws_cloudwatch_log_group": ["arn", "id", "log_group_class", "name_prefix", "tags_all"],
    "aws_ecs_cluster": ["arn", "id", "setting", "tags_all"],
    "aws_ecs_task_definition": ["arn", "arn_without_revision", "id", "revision", "tags_all"],
    "aws_ecs_service": ["iam_role", "id", "platform_version", "tags_all", "triggers"],
}


def plan_value(v, variables):
    """The planned value of a written value: UNKNOWN where Terraform knows it only after apply."""
    if isinstance(v, Var):
        return variables[v.path[4:]]
    if isinstance(v, Ref):
        return KNOWN.get(v.path, UNKNOWN)
    if isinstance(v, JsonEnc):
        x = plan_value(v.v, variables)
        if contains_unknown(x):
            return UNKNOWN
        return json.dumps(x, separators=(",", ":"), sort_keys=True)
    if isinstance(v, list):
        return [plan_value(x, variables) for x in v]
    if isinstance(v, dict):
        return {k: plan_value(x, variables) for k, x in v.items()}
    return v


def contains_unknown(x):
    if x is UNKNOWN:
        return True
    if isinstance(x, list):
        return any(contains_unknown(i) for i in x)
    if isinstance(x, dict):
        return any(contains_unknown(i) for i in x.values())
    return False


def split(x):
    """(known value, after_unknown) of a planned value."""
    if x is UNKNOWN:
        return None, True
    if isinstance(x, dict):
        known, unk = {}, {}
        for k, v in x.items():
            kv, uv = split(v)
            if uv is True:
                unk[k] = True
            else:
                known[k] = kv
                if uv not in (False, None) and uv != {} and uv != []:
                    unk[k] = uv
        return known, unk
    if isinstance(x, list):
        if all(not isinstance(i, (dict, list)) for i in x):
            if any(i is UNKNOWN for i in x):
                return None, True
            return x, False
        parts = [split(i) for i in x]
        return [p[0] for p in parts], [p[1] if p[1] not in (None,) else False for p in parts]
    return x, False


def sensitive_shape(v):
    if isinstance(v, dict):
        return {k: sensitive_shape(x) for k, x in v.items() if isinstance(x, (dict, list))}
    if isinstance(v, list):
        return [sensitive_shape(x) if isinstance(x, (dict, list)) else False for x in v] if any(isinstance(x, (dict, list)) for x in v) else []
    return False


def expr(v):
    """A configuration expression of the plan."""
    refs = []

    def walk(x):
        if isinstance(x, Ref):
            p = x.path
            refs.append(p)
            if not p.startswith("var."):
                refs.append(p.rsplit(".", 1)[0])
        elif isinstance(x, JsonEnc):
            walk(x.v)
        elif isinstance(x, list):
            for i in x:
                walk(i)
        elif isinstance(x, dict):
            for i in x.values():
                walk(i)

    if isinstance(v, list) and v and isinstance(v[0], Block):
        return [{k: expr(x) for k, x in b.items()} for b in v]
    walk(v)
    if refs:
        return {"references": refs}
    return {"constant_value": plan_value(v, {})}


def render_plan(s, R, variables, var_values):
    pv, rc, cfg = [], [], []
    varvals = {k: v for k, v in var_values.items()}
    for k, (typ, default, desc) in variables.items():
        if k not in varvals:
            varvals[k] = default
    relevant = set()
    for t, n, attrs, extra in sorted(R, key=lambda r: f"{r[0]}.{r[1]}"):
        addr = f"{t}.{n}"
        planned = {k: plan_value(v, varvals) for k, v in attrs.items()}
        # Defaults the provider fills in.
        if t == "aws_ecs_service":
            nc = planned["network_configuration"][0]
            nc.setdefault("assign_public_ip", False)
        if t == "aws_vpc_endpoint":
            planned.setdefault("private_dns_enabled", False)
            for k in ("subnet_ids", "security_group_ids", "route_table_ids"):
                planned.setdefault(k, UNKNOWN)
        if t == "aws_subnet":
            planned.setdefault("map_public_ip_on_launch", False)
        if t == "aws_route_table" and "route" not in planned:
            planned["route"] = UNKNOWN
        if t == "aws_security_group":
            for k in ("ingress", "egress"):
                if k not in planned:
                    planned[k] = UNKNOWN
                else:
                    for r in planned[k]:
                        for f in ("ipv6_cidr_blocks", "prefix_list_ids", "security_groups"):
                            r.setdefault(f, [])
                        r.setdefault("self", False)
                        r.setdefault("description", "")
        planned["tags"] = None
        for k in COMPUTED.get(t, []):
            if k not in planned:
                planned[k] = UNKNOWN
        known, unk = split(planned)
        sens = sensitive_shape(known)
        pv.append({"address": addr, "mode": "managed", "type": t, "name": n, "provider_name": P,
                   "schema_version": 0, "values": known, "sensitive_values": sens})
        rc.append({"address": addr, "mode": "managed", "type": t, "name": n, "provider_name": P,
                   "change": {"actions": ["create"], "before": None, "after": known, "after_unknown": unk,
                              "before_sensitive": False, "after_sensitive": sens}})
        exprs = {k: expr(v) for k, v in attrs.items()}
        c = {"address": addr, "mode": "managed", "type": t, "name": n, "provider_config_key": "aws",
             "expressions": exprs, "schema_version": 0}
        if extra and extra.startswith("depends_on"):
            c["depends_on"] = [x.strip() for x in extra.split("[", 1)[1].rstrip("]").split(",")]
        cfg.append(c)

        def walk(e):
            if isinstance(e, dict):
                if "references" in e:
                    for r in e["references"]:
                        p = r.split(".")
                        if len(p) == 3 and p[0] != "var":
                            relevant.add((p[0] + "." + p[1], p[2]))
                else:
                    for x in e.values():
                        walk(x)
            elif isinstance(e, list):
                for x in e:
                    walk(x)

        walk(exprs)
    rel = {}
    for r, a in sorted(relevant):
        rel.setdefault(r, []).append(a)
    root = {"resources": cfg}
    if variables:
        root["variables"] = {k: dict({"description": d}, **({"default": df} if df is not None else {}))
                             for k, (typ, df, d) in variables.items()}
    plan = {"format_version": "1.2", "terraform_version": "1.9.5"}
    if variables:
        plan["variables"] = {k: {"value": v} for k, v in varvals.items()}
    plan.update({
        "planned_values": {"root_module": {"resources": pv}},
        "resource_changes": rc,
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": P,
                                                      "expressions": {"region": {"constant_value": REGION}}}},
                          "root_module": root},
        "relevant_attributes": [{"resource": r, "attribute": [a]} for r in sorted(rel) for a in rel[r]],
        "timestamp": "2026-11-28T20:30:00Z", "applyable": True, "complete": True, "errored": False})
    return json.dumps(plan, indent=2) + "\n"


# --------------------------------------------------------------------------------------------

def write(root, rule, case, s):
    d = os.path.join(root, rule, case)
    os.makedirs(d, exist_ok=True)
    fmt = case.split("-")[1]
    header = s["about"]
    R, variables = tf_resources(s)
    if fmt == "tf" or (fmt == "plan" and s.get("sources", True)):
        open(os.path.join(d, "main.tf"), "w").write(render_tf(s, R, variables, header))
    if fmt == "plan":
        if not s.get("sources", True):
            # A plan alone: the header goes into no file; keep it in a README-less case.
            pass
        open(os.path.join(d, "plan.json"), "w").write(render_plan(s, R, variables, s.get("var_values", {})))
    if fmt == "cfn":
        t = cfn_template(s, header.splitlines()[0])
        if s.get("json"):
            open(os.path.join(d, "template.json"), "w").write(json.dumps(t, indent=2) + "\n")
        else:
            open(os.path.join(d, "template.yaml"), "w").write(render_yaml(t, header))
    if s.get("module_installed"):
        write_installed_module(d)


def write_installed_module(d):
    m = os.path.join(d, ".terraform", "modules")
    os.makedirs(os.path.join(m, "vpc_endpoints", "modules", "vpc-endpoints"), exist_ok=True)
    open(os.path.join(m, "modules.json"), "w").write(json.dumps({"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "vpc_endpoints",
         "Source": "registry.terraform.io/terraform-aws-modules/vpc/aws//modules/vpc-endpoints",
         "Version": "6.6.0", "Dir": ".terraform/modules/vpc_endpoints/modules/vpc-endpoints"}]}) + "\n")
    open(os.path.join(m, "vpc_endpoints", "modules", "vpc-endpoints", "main.tf"), "w").write(MODULE)


# A reduced stand-in for terraform-aws-modules/vpc/aws//modules/vpc-endpoints (v6), written for
# this fixture: the same inputs and the same way of building each endpoint (service name through
# `aws_vpc_endpoint_service`, Interface by default, subnets and the module's security group on
# interface endpoints only, route tables on gateway endpoints only).
MODULE = '''# Reduced stand-in for terraform-aws-modules/vpc/aws//modules/vpc-endpoints v6 (the parts a
# Fargate pull path depends on), as `terraform init` would have installed it.
variable "vpc_id" {
  type    = string
  default = null
}

variable "endpoints" {
  type    = any
  default = {}
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "security_group_ids" {
  type    = list(string)
  default = []
}

variable "create_security_group" {
  type    = bool
  default = false
}

variable "security_group_name_prefix" {
  type    = string
  default = null
}

variable "security_group_description" {
  type    = string
  default = null
}

variable "security_group_rules" {
  type    = any
  default = {}
}

locals {
  security_group_ids = var.create_security_group ? concat(var.security_group_ids, [aws_security_group.this[0].id]) : var.security_group_ids
}

data "aws_vpc_endpoint_service" "this" {
  for_each = var.endpoints

  service = try(each.value.service, null)

  filter {
    name   = "service-type"
    values = [try(each.value.service_type, "Interface")]
  }
}

resource "aws_vpc_endpoint" "this" {
  for_each = var.endpoints

  vpc_id            = var.vpc_id
  service_name      = data.aws_vpc_endpoint_service.this[each.key].service_name
  vpc_endpoint_type = try(each.value.service_type, "Interface")

  security_group_ids  = try(each.value.service_type, "Interface") == "Interface" ? local.security_group_ids : null
  subnet_ids          = try(each.value.service_type, "Interface") == "Interface" ? var.subnet_ids : null
  route_table_ids     = try(each.value.service_type, "Interface") == "Gateway" ? lookup(each.value, "route_table_ids", null) : null
  private_dns_enabled = try(each.value.service_type, "Interface") == "Interface" ? try(each.value.private_dns_enabled, null) : null
}

resource "aws_security_group" "this" {
  count = var.create_security_group ? 1 : 0

  name_prefix = var.security_group_name_prefix
  description = var.security_group_description
  vpc_id      = var.vpc_id
}

resource "aws_security_group_rule" "this" {
  for_each = { for k, v in var.security_group_rules : k => v if var.create_security_group }

  security_group_id = aws_security_group.this[0].id
  protocol          = try(each.value.protocol, "tcp")
  from_port         = try(each.value.from_port, 443)
  to_port           = try(each.value.to_port, 443)
  type              = try(each.value.type, "ingress")
  cidr_blocks       = lookup(each.value, "cidr_blocks", null)
}

output "endpoints" {
  value = aws_vpc_endpoint.this
}
'''

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    from fixture_cases import CASES
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for (rule, case), s in CASES.items():
        write(root, rule, case, s)
    print(len(CASES), "cases")
