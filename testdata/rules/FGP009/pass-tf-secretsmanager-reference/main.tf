# The container reads a Secrets Manager secret through Parameter Store
# (`/aws/reference/secretsmanager/...`): the role may call ssm:GetParameters on the reference
# and secretsmanager:GetSecretValue on the secret.
provider "aws" {
  region = "eu-west-1"
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

resource "aws_iam_role_policy" "read_parameters" {
  name = "read-parameters"
  role = aws_iam_role.exec.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "ssm:GetParameters"
        Resource = "arn:aws:ssm:eu-west-1:*:parameter/aws/reference/secretsmanager/*"
      },
      {
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = "arn:aws:secretsmanager:eu-west-1:*:secret:prod/app/db-password-??????"
      },
    ]
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
      { name = "DB_PASSWORD", valueFrom = "/aws/reference/secretsmanager/prod/app/db-password" },
    ]
  }])
}
