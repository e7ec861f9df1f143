# One configuration manages the shared ECR registry (account 111111111111, provider aws.shared)
# and a workload in account 222222222222. Both the repository policy and the registry policy let
# only the other workload account 333333333333 pull: tasks of 222222222222 are refused.
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["222222222222"]
}

provider "aws" {
  alias               = "shared"
  region              = "eu-west-1"
  allowed_account_ids = ["111111111111"]
}

data "aws_caller_identity" "current" {}

resource "aws_ecr_repository" "shared" {
  provider = aws.shared
  name     = "shared/app"
}

resource "aws_ecr_repository_policy" "shared" {
  provider   = aws.shared
  repository = aws_ecr_repository.shared.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowPullFromWorkloadAccounts"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::333333333333:root" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}

resource "aws_ecr_registry_policy" "shared" {
  provider = aws.shared
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowPullFromWorkloadAccounts"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::333333333333:root" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      Resource  = "arn:aws:ecr:eu-west-1:111111111111:repository/*"
    }]
  })
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
    image     = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/shared/app:1.4.2"
    essential = true
  }])
}
