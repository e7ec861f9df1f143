# The image moved from Docker Hub to ECR, but the container still carries the Docker Hub
# `repositoryCredentials`: ECS refuses private-registry credentials on an ECR image.
provider "aws" {
  region = "eu-west-1"
}

resource "aws_secretsmanager_secret" "dockerhub" {
  name = "dockerhub/ci"
}

resource "aws_ecr_repository" "app" {
  name = "app"
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

resource "aws_iam_role_policy" "registry_credentials" {
  name = "registry-credentials"
  role = aws_iam_role.exec.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = aws_secretsmanager_secret.dockerhub.arn
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
    image     = "${aws_ecr_repository.app.repository_url}:2.1"
    essential = true
    repositoryCredentials = {
      credentialsParameter = aws_secretsmanager_secret.dockerhub.arn
    }
  }])
}
