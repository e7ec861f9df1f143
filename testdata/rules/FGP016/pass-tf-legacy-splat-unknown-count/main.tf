# Subnets with `count = length(var.public_subnets_cidr)` (no value here) and their associations
# `subnet_id = element(aws_subnet.public.*.id, count.index)` and
# `aws_subnet.public.*.id[count.index]`: each association is one of the subnets, not "no
# association". The subnets are public (IGW) and the task gets a public IP: nothing to report.
provider "aws" {
  region = "eu-west-1"
}

variable "public_subnets_cidr" {
  type = list(string)
}

module "vpc" {
  source              = "./modules/vpc"
  public_subnets_cidr = var.public_subnets_cidr
}

resource "aws_ecs_cluster" "c" {
  name = "c"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "nginx"
    image = "public.ecr.aws/nginx/nginx:alpine-slim"
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.c.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  desired_count   = 1
  network_configuration {
    subnets          = module.vpc.public_subnet_ids
    security_groups  = [module.vpc.task_security_group_id]
    assign_public_ip = true
  }
}
