# Secrets Manager and Parameter Store secrets. "granted" reads both (and decrypts the customer
# key); "bare" only has the managed policy.
resource "aws_kms_key" "secrets" {
  description = "secrets"
}

resource "aws_secretsmanager_secret" "db" {
  name       = "prod/db"
  kms_key_id = aws_kms_key.secrets.arn
}

resource "aws_ssm_parameter" "token" {
  name  = "/app/token"
  type  = "SecureString"
  value = "x"
}

resource "aws_iam_role" "granted" {
  name = "granted"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "granted" {
  role = aws_iam_role.granted.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = aws_secretsmanager_secret.db.arn
      },
      {
        Effect   = "Allow"
        Action   = "ssm:GetParameters"
        Resource = "arn:aws:ssm:eu-west-1:*:parameter/app/*"
      },
      {
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = aws_kms_key.secrets.arn
      },
    ]
  })
}

resource "aws_iam_role" "bare" {
  name = "bare"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "bare" {
  role       = aws_iam_role.bare.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

locals {
  containers = [{
    name  = "app"
    image = "public.ecr.aws/nginx/nginx:latest"
    secrets = [
      { name = "DB", valueFrom = aws_secretsmanager_secret.db.arn },
      { name = "TOKEN", valueFrom = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/token" },
    ]
  }]
}

resource "aws_ecs_task_definition" "granted" {
  family                   = "granted"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.granted.arn
  container_definitions    = jsonencode(local.containers)
}

resource "aws_ecs_task_definition" "bare" {
  family                   = "bare"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.bare.arn
  container_definitions    = jsonencode(local.containers)
}
