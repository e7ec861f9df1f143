# The execution role and its pull policy come from policy documents created under a condition
# whose value is not known here (`count = var.create_role ? 1 : 0`), read with `one(...[*].json)`:
# the role trusts ECS tasks and may pull. Nothing to report.
provider "aws" {
  region = "eu-west-1"
}

variable "create_role" {
  type = bool
}

resource "aws_ecr_repository" "app" {
  name = "app"
}

data "aws_iam_policy_document" "assume" {
  count = var.create_role ? 1 : 0
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "pull" {
  count = var.create_role ? 1 : 0
  statement {
    actions = [
      "ecr:GetAuthorizationToken",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
      "ecr:BatchCheckLayerAvailability",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role" "exec" {
  name               = "app-exec"
  assume_role_policy = one(data.aws_iam_policy_document.assume[*].json)
}

resource "aws_iam_role_policy" "pull" {
  role   = aws_iam_role.exec.id
  policy = one(data.aws_iam_policy_document.pull[*].json)
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
