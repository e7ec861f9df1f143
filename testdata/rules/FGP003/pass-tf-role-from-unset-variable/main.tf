# The execution role comes from a variable without a value: nothing can be proven.
provider "aws" {
  region = "eu-west-1"
}

variable "execution_role_arn" {
  type = string
}

resource "aws_ecr_repository" "app" {
  name = "app"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = var.execution_role_arn
  container_definitions = jsonencode([{
    name      = "app"
    image     = "${aws_ecr_repository.app.repository_url}:1.0"
    essential = true
  }])
}
