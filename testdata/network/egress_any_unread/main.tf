# The task group has no egress of its own, but a module that is not loaded receives its id and
# may add rules: not known.

variable "subnet_ids" {
  type = list(string)
}

resource "aws_security_group" "task" {
  vpc_id = "vpc-0123456789abcdef0"
}

module "task_rules" {
  source            = "./modules/sg-rules"
  security_group_id = aws_security_group.task.id
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

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = "main"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.task.id]
  }
}
