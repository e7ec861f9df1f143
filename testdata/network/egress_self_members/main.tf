# Egress only to the task's own group: whether it reaches an endpoint depends on the endpoints'
# groups. `member` shares its group with an endpoint; the groups of the other endpoint are a
# variable, so for `other` it is not known whether an endpoint is a member.

variable "subnet_ids" {
  type = list(string)
}

variable "vpc_id" {
  type = string
}

variable "endpoint_sgs" {
  type = list(string)
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

resource "aws_security_group" "member" {
  vpc_id = var.vpc_id
  egress {
    from_port = 443
    to_port   = 443
    protocol  = "tcp"
    self      = true
  }
}

resource "aws_security_group" "other" {
  vpc_id = var.vpc_id
  egress {
    from_port = 443
    to_port   = 443
    protocol  = "tcp"
    self      = true
  }
}

resource "aws_vpc_endpoint" "ecr_api" {
  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.eu-west-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.member.id]
}

resource "aws_vpc_endpoint" "ecr_dkr" {
  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.eu-west-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = var.subnet_ids
  security_group_ids  = var.endpoint_sgs
}

resource "aws_ecs_service" "member" {
  name            = "member"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.member.id]
  }
}

resource "aws_ecs_service" "other" {
  name            = "other"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.other.id]
  }
}
