# The execution role is managed elsewhere and passed in: its policies are not visible, so
# whether it may read the parameter is unknown and nothing is reported.
provider "aws" {
  region = "eu-west-1"
}

resource "aws_ssm_parameter" "api_token" {
  name  = "/app/api-token"
  type  = "SecureString"
  value = "placeholder-rotated-out-of-band"

  lifecycle {
    ignore_changes = [value]
  }
}

variable "execution_role_arn" {
  type        = string
  description = "Execution role created by the platform team"
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
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
    essential = true
    secrets = [
      { name = "API_TOKEN", valueFrom = aws_ssm_parameter.api_token.arn },
    ]
  }])
}
