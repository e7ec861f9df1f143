# Task security groups with and without egress of their own; the task subnets come from a
# variable (not known), which the "has egress" fact does not need.

variable "subnet_ids" {
  type = list(string)
}

variable "vpc_id" {
  type = string
}

variable "debug" {
  type = bool
}

resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx:1.27"
  }])
}

# No egress block, no rule resource.
resource "aws_security_group" "none" {
  vpc_id = var.vpc_id
}

# Only a rule to the loopback address.
resource "aws_security_group" "loopback" {
  vpc_id = var.vpc_id
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["127.0.0.1/32"]
  }
}

# A rule resource on port 22 only: egress exists (the port does not matter for this fact).
resource "aws_security_group" "ssh" {
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "ssh" {
  security_group_id = aws_security_group.ssh.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "10.0.0.0/8"
}

# Its only egress rule is created under a condition that is not known.
resource "aws_security_group" "maybe" {
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "maybe" {
  count             = var.debug ? 1 : 0
  security_group_id = aws_security_group.maybe.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_ecs_service" "none" {
  name            = "none"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.none.id]
  }
}

resource "aws_ecs_service" "loopback" {
  name            = "loopback"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.loopback.id]
  }
}

resource "aws_ecs_service" "two" {
  name            = "two"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.none.id, aws_security_group.ssh.id]
  }
}

resource "aws_ecs_service" "maybe" {
  name            = "maybe"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.maybe.id]
  }
}

resource "aws_ecs_service" "unknown_groups" {
  name            = "unknown-groups"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = var.subnet_ids
  }
}

# Only TCP 443 to the group itself, and no endpoint is a member of the group.
resource "aws_security_group" "self_only" {
  vpc_id = var.vpc_id
  egress {
    from_port = 443
    to_port   = 443
    protocol  = "tcp"
    self      = true
  }
}

resource "aws_ecs_service" "self_only" {
  name            = "self-only"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.self_only.id]
  }
}

# Only a rule resource to another group of the configuration, which no endpoint is a member of.
resource "aws_security_group" "to_other" {
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "to_other" {
  security_group_id            = aws_security_group.to_other.id
  referenced_security_group_id = aws_security_group.ssh.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_ecs_service" "to_other" {
  name            = "to-other"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.to_other.id]
  }
}

# Only rules to groups whose members the configuration does not all show: an existing group
# (data source) and the VPC's default group, which any endpoint created without a group joins.
data "aws_security_group" "endpoints" {
  name = "vpc-endpoints"
}

resource "aws_default_security_group" "default" {
  vpc_id = var.vpc_id
}

resource "aws_security_group" "to_existing" {
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "to_existing" {
  security_group_id            = aws_security_group.to_existing.id
  referenced_security_group_id = data.aws_security_group.endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_egress_rule" "to_existing_default" {
  security_group_id            = aws_security_group.to_existing.id
  referenced_security_group_id = aws_default_security_group.default.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_ecs_service" "to_existing" {
  name            = "to-existing"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.to_existing.id]
  }
}

resource "aws_security_group" "to_default" {
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "to_default" {
  security_group_id            = aws_security_group.to_default.id
  referenced_security_group_id = aws_default_security_group.default.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_ecs_service" "to_default" {
  name            = "to-default"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.to_default.id]
  }
}
