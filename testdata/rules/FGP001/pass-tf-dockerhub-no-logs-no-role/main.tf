# A public Docker Hub image, no awslogs, no secrets: Fargate needs no execution role.
provider "aws" {
  region = "eu-west-1"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name      = "app"
    image     = "nginx:1.27"
    essential = true
  }])
}
