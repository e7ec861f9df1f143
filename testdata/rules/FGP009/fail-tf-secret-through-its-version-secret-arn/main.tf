# As fail-tf-secret-through-its-version-arn, with the attribute newer AWS providers prefer,
# `secret_arn`: the same secret, the same missing permission.
provider "aws" {
  region = "eu-west-1"
}

resource "aws_secretsmanager_secret" "db" {
  name_prefix = "app/db-password-"
}

resource "aws_secretsmanager_secret" "api_key" {
  name_prefix = "app/api-key-"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = "initial"
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

resource "aws_iam_role_policy" "secrets" {
  name = "read-secrets"
  role = aws_iam_role.exec.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = [aws_secretsmanager_secret.api_key.arn]
    }]
  })
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
      { name = "API_KEY", valueFrom = aws_secretsmanager_secret.api_key.arn },
      { name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret_version.db.secret_arn },
    ]
  }])
}
