# A registry module that is not installed (no `terraform init`) is given the role: it may
# attach the pull permissions, so the missing ones are unknown, not missing.
provider "aws" {
  region = "eu-west-1"
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

resource "aws_iam_role_policy" "ecr_pull" {
  name = "ecr-pull"
  role = aws_iam_role.exec.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = aws_ecr_repository.app.arn
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
    image     = "${aws_ecr_repository.app.repository_url}:1.0"
    essential = true
  }])
}

module "exec_policies" {
  source    = "acme/ecs-exec-policies/aws"
  version   = "~> 2.0"
  role_name = aws_iam_role.exec.name
}
