# Writes FGP022/{fail,pass}-plan-child-modules*/plan.json: what `terraform show -json` (Terraform
# 1.9.5, AWS provider 5.x) prints for the common layout of a real repository: a root module that
# calls `./modules/network` (a VPC, private subnets with `count`, their route table associations
# `aws_subnet.private[count.index].id`, interface endpoints on `aws_subnet.private[*].id`, the
# output `private_subnet_ids = aws_subnet.private[*].id`) and `./modules/ecs` (the service reads
# `var.subnet_ids`, which the root sets to `module.network.private_subnet_ids`). Written by hand
# from the plan format like testdata/plan/gen_equivalence_plan.py (there is no terraform here).
# Subnet ids are unknown before apply: the service's `subnets` is `true` in `after_unknown` and
# only the configuration says where it comes from.
#
# Run from the package root: python3 testdata/rules/FGP022/gen_module_plans.py
import json, os

P = "registry.terraform.io/hashicorp/aws"
REGION = "eu-west-1"
IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"


def ref(*parts):
    """`aws_vpc.main.id` -> the references Terraform lists: the traversal, then its subject."""
    out = []
    for p in parts:
        out += [p, p.rsplit(".", 1)[0]]
    return {"references": out}


def raw(*refs):
    return {"references": list(refs)}


def c(v):
    return {"constant_value": v}


def cj(v):
    return json.dumps(v, separators=(",", ":"), sort_keys=True)


EMPTY_RULE = {"description": "", "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": False}
NULL_RULE = {"description": None, "ipv6_cidr_blocks": None, "prefix_list_ids": None, "security_groups": None, "self": None}
SG_UNKNOWN = ["arn", "id", "name", "name_prefix", "owner_id", "tags_all", "vpc_id"]
EP_UNKNOWN = ["arn", "cidr_blocks", "dns_entry", "dns_options", "id", "ip_address_type", "network_interface_ids", "owner_id",
              "policy", "prefix_list_id", "requester_managed", "state", "subnet_configuration", "tags_all", "vpc_id",
              "route_table_ids", "security_group_ids", "subnet_ids"]
EP_SENS = {"cidr_blocks": [], "dns_entry": [], "dns_options": [], "network_interface_ids": [], "route_table_ids": [],
           "security_group_ids": [], "subnet_configuration": [], "subnet_ids": [], "tags_all": {}}
SVC_LISTS = ["alarms", "capacity_provider_strategy", "deployment_circuit_breaker", "deployment_controller", "load_balancer",
             "ordered_placement_strategy", "placement_constraints", "service_connect_configuration", "service_registries",
             "volume_configuration"]


class Module:
    def __init__(self, name):
        self.name = name
        self.R = []  # (type, name, index, schema_version, after, unknown, sensitive, exprs, count_expr)
        self.outputs = {}
        self.variables = {}

    def res(self, t, n, sv, after, unknown, sens, exprs, count=None):
        self.R.append((t, n, sv, after, unknown, sens, exprs, count))


def network(logs_endpoint):
    m = Module("network")
    m.variables = {"vpc_cidr": {}, "private_cidrs": {}}
    m.res("aws_vpc", "main", 1,
          {"assign_generated_ipv6_cidr_block": None, "cidr_block": "10.0.0.0/16", "enable_dns_hostnames": True,
           "enable_dns_support": True, "instance_tenancy": "default", "ipv4_ipam_pool_id": None, "ipv4_netmask_length": None,
           "ipv6_ipam_pool_id": None, "ipv6_netmask_length": None, "tags": None},
          {k: True for k in ["arn", "default_network_acl_id", "default_route_table_id", "default_security_group_id",
                             "dhcp_options_id", "enable_network_address_usage_metrics", "id", "ipv6_association_id",
                             "ipv6_cidr_block", "ipv6_cidr_block_network_border_group", "main_route_table_id", "owner_id", "tags_all"]},
          {"tags_all": {}},
          {"cidr_block": raw("var.vpc_cidr"), "enable_dns_hostnames": c(True), "enable_dns_support": c(True)})
    subnets = []
    for i, cidr in enumerate(["10.0.1.0/24", "10.0.2.0/24"]):
        subnets.append(({"assign_ipv6_address_on_creation": False, "cidr_block": cidr, "customer_owned_ipv4_pool": None,
                         "enable_dns64": False, "enable_lni_at_device_index": None,
                         "enable_resource_name_dns_a_record_on_launch": False,
                         "enable_resource_name_dns_aaaa_record_on_launch": False, "ipv6_cidr_block": None,
                         "ipv6_native": False, "map_customer_owned_ip_on_launch": None, "map_public_ip_on_launch": False,
                         "outpost_arn": None, "tags": None, "timeouts": None}))
    m.res("aws_subnet", "private", 1, subnets,
          {k: True for k in ["arn", "availability_zone", "availability_zone_id", "id", "ipv6_cidr_block_association_id",
                             "owner_id", "private_dns_hostname_type_on_launch", "tags_all", "vpc_id"]},
          {"tags_all": {}},
          {"cidr_block": raw("var.private_cidrs", "count.index"), "vpc_id": ref("aws_vpc.main.id")},
          count=raw("var.private_cidrs"))
    m.res("aws_route_table", "private", 0, {"tags": None, "timeouts": None},
          {k: True for k in ["arn", "id", "owner_id", "propagating_vgws", "route", "tags_all", "vpc_id"]},
          {"propagating_vgws": [], "route": [], "tags_all": {}},
          {"vpc_id": ref("aws_vpc.main.id")})
    m.res("aws_route_table_association", "private", 0, [{"gateway_id": None, "timeouts": None}] * 2,
          {k: True for k in ["id", "route_table_id", "subnet_id"]}, {},
          {"route_table_id": ref("aws_route_table.private.id"),
           "subnet_id": raw("aws_subnet.private", "count.index")},
          count=raw("aws_subnet.private"))
    m.res("aws_security_group", "endpoints", 1,
          {"description": "Managed by Terraform",
           "ingress": [dict(EMPTY_RULE, cidr_blocks=["10.0.0.0/16"], from_port=443, protocol="tcp", to_port=443)],
           "revoke_rules_on_delete": False, "tags": None, "timeouts": None},
          dict({k: True for k in SG_UNKNOWN + ["egress"]},
               ingress=[{"cidr_blocks": [False], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": []}]),
          {"egress": [], "ingress": [{"cidr_blocks": [False], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": []}],
           "tags_all": {}},
          {"ingress": c([dict(NULL_RULE, cidr_blocks=["10.0.0.0/16"], from_port=443, protocol="tcp", to_port=443)]),
           "vpc_id": ref("aws_vpc.main.id")})
    services = [("ecr_api", "ecr.api"), ("ecr_dkr", "ecr.dkr")] + ([("logs", "logs")] if logs_endpoint else [])
    for n, svc in services:
        m.res("aws_vpc_endpoint", n, 0,
              {"auto_accept": None, "private_dns_enabled": True, "service_name": f"com.amazonaws.{REGION}.{svc}",
               "tags": None, "timeouts": None, "vpc_endpoint_type": "Interface"},
              {k: True for k in EP_UNKNOWN}, EP_SENS,
              {"private_dns_enabled": c(True), "security_group_ids": ref("aws_security_group.endpoints.id"),
               "service_name": c(f"com.amazonaws.{REGION}.{svc}"),
               "subnet_ids": raw("aws_subnet.private"), "vpc_endpoint_type": c("Interface"),
               "vpc_id": ref("aws_vpc.main.id")})
    m.res("aws_vpc_endpoint", "s3", 0,
          {"auto_accept": None, "private_dns_enabled": False, "service_name": f"com.amazonaws.{REGION}.s3", "tags": None,
           "timeouts": None, "vpc_endpoint_type": "Gateway"},
          {k: True for k in EP_UNKNOWN}, EP_SENS,
          {"route_table_ids": ref("aws_route_table.private.id"), "service_name": c(f"com.amazonaws.{REGION}.s3"),
           "vpc_endpoint_type": c("Gateway"), "vpc_id": ref("aws_vpc.main.id")})
    m.outputs = {"vpc_id": {"expression": ref("aws_vpc.main.id")},
                 "private_subnet_ids": {"expression": raw("aws_subnet.private")}}
    return m


def ecs():
    m = Module("ecs")
    m.variables = {"vpc_id": {}, "subnet_ids": {}, "name": {"default": "app"}}
    arp = cj({"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}],
              "Version": "2012-10-17"})
    m.res("aws_iam_role", "exec", 0,
          {"assume_role_policy": arp, "description": None, "force_detach_policies": False, "max_session_duration": 3600,
           "name": "app-exec", "path": "/", "permissions_boundary": None, "tags": None},
          {k: True for k in ["arn", "create_date", "id", "inline_policy", "managed_policy_arns", "name_prefix", "tags_all", "unique_id"]},
          {"inline_policy": [], "managed_policy_arns": [], "tags_all": {}},
          {"assume_role_policy": {}, "name": raw("var.name")})
    m.res("aws_iam_role_policy_attachment", "exec", 0,
          {"policy_arn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", "role": "app-exec"},
          {"id": True}, {},
          {"policy_arn": c("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),
           "role": ref("aws_iam_role.exec.name")})
    m.res("aws_cloudwatch_log_group", "app", 0,
          {"kms_key_id": None, "name": "/ecs/app", "retention_in_days": 30, "skip_destroy": False, "tags": None},
          {k: True for k in ["arn", "id", "log_group_class", "name_prefix", "tags_all"]}, {"tags_all": {}},
          {"name": raw("var.name"), "retention_in_days": c(30)})
    m.res("aws_security_group", "task", 1,
          {"description": "Managed by Terraform",
           "egress": [dict(EMPTY_RULE, cidr_blocks=["0.0.0.0/0"], from_port=0, protocol="-1", to_port=0)],
           "revoke_rules_on_delete": False, "tags": None, "timeouts": None},
          dict({k: True for k in SG_UNKNOWN + ["ingress"]},
               egress=[{"cidr_blocks": [False], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": []}]),
          {"egress": [{"cidr_blocks": [False], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": []}],
           "ingress": [], "tags_all": {}},
          {"egress": c([dict(NULL_RULE, cidr_blocks=["0.0.0.0/0"], from_port=0, protocol="-1", to_port=0)]),
           "vpc_id": raw("var.vpc_id")})
    m.res("aws_ecs_cluster", "main", 0,
          {"configuration": [], "name": "app", "service_connect_defaults": [], "tags": None},
          {"arn": True, "configuration": [], "id": True, "service_connect_defaults": [], "setting": True, "tags_all": True},
          {"configuration": [], "service_connect_defaults": [], "setting": [], "tags_all": {}},
          {"name": raw("var.name")})
    cd = cj([{"essential": True, "image": IMAGE, "name": "app",
              "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app", "awslogs-region": REGION,
                                                                       "awslogs-stream-prefix": "app"}}}])
    m.res("aws_ecs_task_definition", "app", 1,
          {"container_definitions": cd, "cpu": "256", "ephemeral_storage": [], "family": "app", "inference_accelerator": [],
           "ipc_mode": None, "memory": "512", "network_mode": "awsvpc", "pid_mode": None, "placement_constraints": [],
           "proxy_configuration": [], "requires_compatibilities": ["FARGATE"], "runtime_platform": [], "skip_destroy": False,
           "tags": None, "task_role_arn": None, "track_latest": False, "volume": []},
          {"arn": True, "arn_without_revision": True, "ephemeral_storage": [], "execution_role_arn": True, "id": True,
           "inference_accelerator": [], "placement_constraints": [], "proxy_configuration": [], "requires_compatibilities": [False],
           "revision": True, "runtime_platform": [], "tags_all": True, "volume": []},
          {"ephemeral_storage": [], "inference_accelerator": [], "placement_constraints": [], "proxy_configuration": [],
           "requires_compatibilities": [False], "runtime_platform": [], "tags_all": {}, "volume": []},
          {"container_definitions": {"references": ["var.name", "aws_cloudwatch_log_group.app.name", "aws_cloudwatch_log_group.app"]},
           "cpu": c("256"), "execution_role_arn": ref("aws_iam_role.exec.arn"), "family": raw("var.name"),
           "memory": c("512"), "network_mode": c("awsvpc"), "requires_compatibilities": c(["FARGATE"])})
    m.res("aws_ecs_service", "app", 0,
          dict({k: [] for k in SVC_LISTS}, **{
              "deployment_maximum_percent": 200, "deployment_minimum_healthy_percent": 100, "desired_count": 1,
              "enable_ecs_managed_tags": False, "enable_execute_command": False, "force_new_deployment": None,
              "health_check_grace_period_seconds": None, "launch_type": "FARGATE", "name": "app",
              "network_configuration": [{"assign_public_ip": False}], "propagate_tags": None, "scheduling_strategy": "REPLICA",
              "tags": None, "timeouts": None, "wait_for_steady_state": False}),
          dict({k: [] for k in SVC_LISTS}, **{
              "cluster": True, "iam_role": True, "id": True, "network_configuration": [{"security_groups": True, "subnets": True}],
              "platform_version": True, "tags_all": True, "task_definition": True, "triggers": True}),
          dict({k: [] for k in SVC_LISTS}, **{"network_configuration": [{"security_groups": [], "subnets": []}],
                                              "tags_all": {}, "triggers": {}}),
          {"cluster": ref("aws_ecs_cluster.main.id"), "desired_count": c(1), "launch_type": c("FARGATE"), "name": raw("var.name"),
           "network_configuration": [{"assign_public_ip": c(False), "security_groups": ref("aws_security_group.task.id"),
                                      "subnets": raw("var.subnet_ids")}],
           "task_definition": ref("aws_ecs_task_definition.app.arn")})
    return m


def plan(logs_endpoint):
    mods = [network(logs_endpoint), ecs()]
    calls = {
        "network": {"source": "./modules/network",
                    "expressions": {"vpc_cidr": c("10.0.0.0/16"), "private_cidrs": c(["10.0.1.0/24", "10.0.2.0/24"])}},
        "ecs": {"source": "./modules/ecs",
                "expressions": {"vpc_id": ref("module.network.vpc_id"),
                                "subnet_ids": ref("module.network.private_subnet_ids")}},
    }
    child_modules, changes = [], []
    for m in mods:
        pv = []
        cfg = []
        for t, n, sv, after, unknown, sens, exprs, count in m.R:
            instances = [(i, a) for i, a in enumerate(after)] if isinstance(after, list) else [(None, after)]
            for i, a in instances:
                addr = f"module.{m.name}.{t}.{n}" + (f"[{i}]" if i is not None else "")
                vals = {k: v for k, v in a.items() if unknown.get(k) is not True}
                entry = {"address": addr, "mode": "managed", "type": t, "name": n}
                if i is not None:
                    entry["index"] = i
                pv.append(dict(entry, provider_name=P, schema_version=sv, values=vals, sensitive_values=sens))
                changes.append(dict(entry, module_address=f"module.{m.name}", provider_name=P,
                                    change={"actions": ["create"], "before": None, "after": vals, "after_unknown": unknown,
                                            "before_sensitive": False, "after_sensitive": sens}))
            c_entry = {"address": f"{t}.{n}", "mode": "managed", "type": t, "name": n,
                       "provider_config_key": "aws", "expressions": exprs, "schema_version": sv}
            if count:
                c_entry["count_expression"] = count
            cfg.append(c_entry)
        child_modules.append({"resources": pv, "address": f"module.{m.name}"})
        calls[m.name]["module"] = {"outputs": m.outputs, "resources": cfg, "variables": m.variables} if m.outputs else \
            {"resources": cfg, "variables": m.variables}
    return {
        "format_version": "1.2", "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"child_modules": child_modules}},
        "resource_changes": changes,
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": P,
                                                      "expressions": {"region": c(REGION)}}},
                          "root_module": {"module_calls": calls}},
        "timestamp": "2026-12-04T16:30:00Z", "applyable": True, "complete": True, "errored": False,
    }


for case, logs in [("fail-plan-child-modules", False), ("pass-plan-child-modules-logs-endpoint", True)]:
    d = os.path.join("testdata/rules/FGP022", case)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "plan.json"), "w") as f:
        json.dump(plan(logs), f, indent=2)
        f.write("\n")
    print(d)


# The sources the plan comes from, given with --tf-root (a plan read alone leaves every computed
# attribute unknown, e.g. the route table's `route`).
ROOT_TF = '''provider "aws" {
  region = "eu-west-1"
}

module "network" {
  source        = "./modules/network"
  vpc_cidr      = "10.0.0.0/16"
  private_cidrs = ["10.0.1.0/24", "10.0.2.0/24"]
}

module "ecs" {
  source     = "./modules/ecs"
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids
}
'''

NETWORK_TF = '''variable "vpc_cidr" {}
variable "private_cidrs" {}

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_hostnames = true
  enable_dns_support   = true
}

resource "aws_subnet" "private" {
  count      = length(var.private_cidrs)
  vpc_id     = aws_vpc.main.id
  cidr_block = var.private_cidrs[count.index]
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  count          = length(aws_subnet.private)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "endpoints" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}
%s
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.eu-west-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}

output "vpc_id" {
  value = aws_vpc.main.id
}

output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}
'''

ENDPOINT_TF = '''
resource "aws_vpc_endpoint" "%s" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.%s"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
}
'''

ECS_TF = '''variable "vpc_id" {}
variable "subnet_ids" {}
variable "name" {
  default = "app"
}

resource "aws_iam_role" "exec" {
  name = "${var.name}-exec"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "exec" {
  role       = aws_iam_role.exec.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${var.name}"
  retention_in_days = 30
}

resource "aws_security_group" "task" {
  vpc_id = var.vpc_id
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ecs_cluster" "main" {
  name = var.name
}

resource "aws_ecs_task_definition" "app" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name      = var.name
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"
    essential = true
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = "eu-west-1"
        awslogs-stream-prefix = "app"
      }
    }
  }])
}

resource "aws_ecs_service" "app" {
  name            = var.name
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 1
  launch_type     = "FARGATE"
  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }
}
'''


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


for case, logs in [("fail-plan-child-modules", False), ("pass-plan-child-modules-logs-endpoint", True)]:
    d = os.path.join("testdata/rules/FGP022", case)
    endpoints = ["ecr_api", "ecr_dkr"] + (["logs"] if logs else [])
    write(os.path.join(d, "tf/main.tf"), ROOT_TF)
    write(os.path.join(d, "tf/modules/network/main.tf"),
          NETWORK_TF % "".join(ENDPOINT_TF % (n, n.replace("_", ".")) for n in endpoints))
    write(os.path.join(d, "tf/modules/ecs/main.tf"), ECS_TF)
    write(os.path.join(d, "args"), f"--tf-root={d}/tf\n")
    write(os.path.join(d, ".pullpathignore"), "# tf/ holds the sources of plan.json, given with --tf-root (see args)\ntf/\n")
