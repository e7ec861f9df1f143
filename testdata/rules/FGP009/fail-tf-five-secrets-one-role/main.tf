# Five secrets from Secrets Manager, one execution role with only the managed
# AmazonECSTaskExecutionRolePolicy: one root cause (the role may read no secret), one finding
# listing the five places.
provider "aws" {
  region = "eu-west-1"
}

locals {
  secret_names = ["db-password", "db-user", "api-key", "jwt-secret", "smtp-password"]
}

resource "aws_secretsmanager_secret" "app" {
  for_each = toset(local.secret_names)
  name     = "prod/app/${each.key}"
}

resource "aws_iam_role" "exec" {
  name = "app-exec"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "exec" {
  role       = aws_iam_role.exec.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name      = "app"
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
    essential = true
    secrets = [
      { name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.app["db-password"].arn },
      { name = "DB_USER", valueFrom = aws_secretsmanager_secret.app["db-user"].arn },
      { name = "API_KEY", valueFrom = aws_secretsmanager_secret.app["api-key"].arn },
      { name = "JWT_SECRET", valueFrom = aws_secretsmanager_secret.app["jwt-secret"].arn },
      { name = "SMTP_PASSWORD", valueFrom = aws_secretsmanager_secret.app["smtp-password"].arn },
    ]
  }])
}
