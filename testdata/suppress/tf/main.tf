# Inline suppressions (README, "Suppressing a finding"). Two findings, both suppressed:
# FGP005 by the comment at the end of the attribute's line, FGP003 by the comment above the
# task definition's block. FGP006 is named but finds nothing: an `unused-ignore` note. The
# heredoc's line is text, not a suppression.
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

resource "aws_iam_role" "batch" {
  name = "batch-exec"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "batch" {
  role       = aws_iam_role.batch.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy" # pullpath:ignore FGP005 fixed in PLAT-1234
}

locals {
  runbook = <<EOT
# pullpath:ignore FGP003 this line is text in a heredoc, not a suppression
EOT
}

# pullpath:ignore FGP003,FGP006 the registry login is granted by a permissions boundary
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

resource "aws_ecs_task_definition" "batch" {
  family                   = "batch"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.batch.arn
  container_definitions = jsonencode([{
    name      = "batch"
    image     = "${aws_ecr_repository.app.repository_url}:1.0"
    essential = true
  }])
}
