# The execution role comes from a variable without a value: nothing can be proven.
variable "execution_role_arn" {
  type = string
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = var.execution_role_arn
  container_definitions = jsonencode([{
    name  = "app"
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group  = "/ecs/app"
        awslogs-region = "eu-west-1"
      }
    }
  }])
}

# An existing role read by a data source; the image tag is a variable without value.
data "aws_iam_role" "exec" {
  name = "ecsTaskExecutionRole"
}

variable "tag" {
  type = string
}

resource "aws_ecs_task_definition" "data_role" {
  family                   = "data-role"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = data.aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx:${var.tag}"
  }, {
    name  = "private"
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:${var.tag}"
  }])
}
