# The subnets are created with for_each over a variable that has no value here, and their route
# table associations with `for_each = aws_subnet.public` (the resource object itself): the
# association of each subnet is not known to be missing. The subnets are public (IGW) and the
# task gets a public IP: nothing to report.
provider "aws" {
  region = "eu-west-1"
}

variable "public_subnets" {
  type = list(string)
}

module "vpc" {
  source         = "./modules/vpc"
  public_subnets = var.public_subnets
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx:1.27"
  }])
}

resource "aws_ecs_cluster" "c" {
  name = "c"
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
