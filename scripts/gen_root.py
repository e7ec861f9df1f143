#!/usr/bin/env python3
"""Writes one Terraform root with N Fargate services (issue 9, items 10 and 11).

Usage: gen_root.py DIR N [--vpcs V] [--findings every|none|all]

The services are spread over V VPCs (default 4). Each VPC has three private subnets (no NAT, no
internet gateway), one route table, an endpoint security group admitting TCP 443 from the VPC,
and the full endpoint set (ecr.api, ecr.dkr, logs, secretsmanager, ssm as interface endpoints,
s3 as a gateway). Each service has its own security group, execution role, log group, task
definition (an ECR image, awslogs, one Secrets Manager secret) and service; 100 services a file.

Findings: `every` (default) puts one service in ten in an extra VPC that has no `logs`
endpoint (an FGP022 finding each); `none` gives none; `all` puts every service there (one
FGP022 finding per service).
"""
import argparse
import os

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("n", type=int)
ap.add_argument("--vpcs", type=int, default=4)
ap.add_argument("--findings", choices=["every", "none", "all"], default="every")
a = ap.parse_args()
os.makedirs(a.dir, exist_ok=True)

SERVICES = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"]


def vpc_of(i):
    """The VPC index of service i; the last VPC (index V) lacks the logs endpoint."""
    if a.findings == "all":
        return a.vpcs
    if a.findings == "every" and i % 10 == 9:
        return a.vpcs
    return i % a.vpcs


with open(os.path.join(a.dir, "network.tf"), "w") as f:
    f.write('provider "aws" {\n  region = "eu-west-1"\n}\n\n')
    vpcs = range(a.vpcs + (0 if a.findings == "none" else 1))
    for v in vpcs:
        f.write(f'''resource "aws_vpc" "v{v}" {{
  cidr_block           = "10.{v}.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}}

resource "aws_route_table" "v{v}" {{
  vpc_id = aws_vpc.v{v}.id
}}

resource "aws_security_group" "endpoints_v{v}" {{
  vpc_id = aws_vpc.v{v}.id
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.v{v}.cidr_block]
  }}
}}

resource "aws_vpc_endpoint" "s3_v{v}" {{
  vpc_id            = aws_vpc.v{v}.id
  service_name      = "com.amazonaws.eu-west-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.v{v}.id]
}}

''')
        for z, az in enumerate("abc"):
            f.write(f'''resource "aws_subnet" "v{v}_{az}" {{
  vpc_id            = aws_vpc.v{v}.id
  cidr_block        = "10.{v}.{z}.0/24"
  availability_zone = "eu-west-1{az}"
}}

resource "aws_route_table_association" "v{v}_{az}" {{
  subnet_id      = aws_subnet.v{v}_{az}.id
  route_table_id = aws_route_table.v{v}.id
}}

''')
        for s in SERVICES:
            if v == a.vpcs and s == "logs":
                continue  # the VPC whose services get a finding
            name = s.replace(".", "_")
            f.write(f'''resource "aws_vpc_endpoint" "{name}_v{v}" {{
  vpc_id              = aws_vpc.v{v}.id
  service_name        = "com.amazonaws.eu-west-1.{s}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.v{v}_a.id, aws_subnet.v{v}_b.id, aws_subnet.v{v}_c.id]
  security_group_ids  = [aws_security_group.endpoints_v{v}.id]
}}

''')
    f.write('''resource "aws_ecs_cluster" "main" {
  name = "main"
}
''')

for start in range(0, a.n, 100):
    with open(os.path.join(a.dir, f"services_{start // 100:04d}.tf"), "w") as f:
        for i in range(start, min(a.n, start + 100)):
            v = vpc_of(i)
            f.write(f'''resource "aws_security_group" "s{i}" {{
  vpc_id = aws_vpc.v{v}.id
  egress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_iam_role" "s{i}" {{
  name = "s{i}-exec"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = "ecs-tasks.amazonaws.com" }}
      Action    = "sts:AssumeRole"
    }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "s{i}" {{
  role       = aws_iam_role.s{i}.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}}

resource "aws_iam_role_policy" "s{i}" {{
  role = aws_iam_role.s{i}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = [aws_secretsmanager_secret.s{i}.arn]
    }}]
  }})
}}

resource "aws_secretsmanager_secret" "s{i}" {{
  name = "s{i}/db"
}}

resource "aws_cloudwatch_log_group" "s{i}" {{
  name = "/ecs/s{i}"
}}

resource "aws_ecs_task_definition" "s{i}" {{
  family                   = "s{i}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.s{i}.arn
  container_definitions = jsonencode([{{
    name      = "app"
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/s{i}:1.0"
    essential = true
    secrets = [{{ name = "DB", valueFrom = aws_secretsmanager_secret.s{i}.arn }}]
    logConfiguration = {{
      logDriver = "awslogs"
      options = {{
        awslogs-group         = aws_cloudwatch_log_group.s{i}.name
        awslogs-region        = "eu-west-1"
        awslogs-stream-prefix = "app"
      }}
    }}
  }}])
}}

resource "aws_ecs_service" "s{i}" {{
  name            = "s{i}"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.s{i}.arn
  launch_type     = "FARGATE"
  desired_count   = 1
  network_configuration {{
    subnets          = [aws_subnet.v{v}_a.id, aws_subnet.v{v}_b.id, aws_subnet.v{v}_c.id]
    security_groups  = [aws_security_group.s{i}.id]
    assign_public_ip = false
  }}
}}

''')
