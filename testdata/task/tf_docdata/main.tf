# Policy from a data "aws_iam_policy_document", attached through a customer managed policy;
# Fargate through the cluster's default capacity provider strategy.
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "exec" {
  statement {
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
  statement {
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = ["arn:aws:ecr:eu-west-1:123456789012:repository/app"]
  }
}

resource "aws_iam_role" "exec" {
  name               = "exec"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_policy" "exec" {
  name   = "exec"
  policy = data.aws_iam_policy_document.exec.json
}

resource "aws_iam_role_policy_attachment" "exec" {
  role       = aws_iam_role.exec.name
  policy_arn = aws_iam_policy.exec.arn
}

resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = ["FARGATE"]
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 1
  }
}

resource "aws_ecs_task_definition" "app" {
  family             = "app"
  network_mode       = "awsvpc"
  cpu                = "256"
  memory             = "512"
  execution_role_arn = aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name  = "app"
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"
  }, {
    name  = "other"
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/other:1.0"
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.arn
  task_definition = aws_ecs_task_definition.app.family
}
