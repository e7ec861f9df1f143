# The fix of fail-tf-repository-pattern-account-unknown: the pattern names the repository the
# image lives in. Region and account stay unknown, so whether it matches is not decided: no
# finding (the check is unverified).
provider "aws" {
  region = var.aws_region
}

resource "aws_iam_role" "ecs_task_execution" {
  name = "${var.environment}-voting-app-exec"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "ecr" {
  name = "ecr-pull"
  role = aws_iam_role.ecs_task_execution.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "ecr:GetAuthorizationToken"
        Resource = "*"
      },
      {
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
        ]
        Resource = "arn:aws:ecr:${var.aws_region}:${var.aws_account_id}:repository/${var.environment}/example-voting-app-*"
      },
    ]
  })
}

resource "aws_ecs_task_definition" "api" {
  family                   = "${var.environment}-voting-app-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.ecs_task_execution.arn
  container_definitions = jsonencode([{
    name      = "api"
    image     = "${var.aws_account_id}.dkr.ecr.${var.aws_region}.amazonaws.com/${var.environment}/example-voting-app-api:latest"
    essential = true
  }])
}
