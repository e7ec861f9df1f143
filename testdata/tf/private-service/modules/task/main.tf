variable "execution_role_arn" {}
variable "image" {}

resource "aws_ecs_task_definition" "this" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  execution_role_arn       = var.execution_role_arn
  container_definitions = jsonencode([{
    name  = "app"
    image = var.image
  }])
}
