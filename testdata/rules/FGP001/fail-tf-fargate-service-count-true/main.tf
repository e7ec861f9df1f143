# As pass-tf-fargate-service-count-unknown, with `use_fargate = true` (see `args`): the Fargate
# service is created and the task needs an execution role for awslogs.
variable "use_fargate" {
  type = bool
}
variable "subnets" {
  type = list(string)
}
resource "aws_ecs_service" "fargate" {
  count           = var.use_fargate ? 1 : 0
  name            = "app"
  cluster         = "c"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets          = var.subnets
    assign_public_ip = true
  }
}
resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = [var.use_fargate ? "FARGATE" : "EC2"]
  network_mode             = var.use_fargate ? "awsvpc" : "bridge"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "app"
    image = "amazon/amazon-ecs-sample"
    memory = 256
    logConfiguration = {
      logDriver = "awslogs"
      options = { "awslogs-group" = "app", "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "x" }
    }
  }])
}
