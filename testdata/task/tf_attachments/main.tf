# "boundary": administrator access within an ECR-read-only permissions boundary.
# "misspelt": the managed policy ARN without `service-role/` (does not exist).
# "external": a customer policy of another configuration (not visible).
locals {
  trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  containers = jsonencode([{
    name  = "app"
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group  = "/ecs/app"
        awslogs-region = "eu-west-1"
      }
    }
  }])
}

resource "aws_iam_role" "boundary" {
  name                 = "boundary"
  assume_role_policy   = local.trust
  permissions_boundary = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
}

resource "aws_iam_role_policy_attachment" "boundary" {
  role       = aws_iam_role.boundary.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "misspelt" {
  name               = "misspelt"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy_attachment" "misspelt" {
  role       = aws_iam_role.misspelt.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "external" {
  name               = "external"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy_attachment" "external" {
  role       = aws_iam_role.external.name
  policy_arn = "arn:aws:iam::123456789012:policy/shared-exec"
}

resource "aws_ecs_task_definition" "boundary" {
  family                   = "boundary"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.boundary.arn
  container_definitions    = local.containers
}

resource "aws_ecs_task_definition" "misspelt" {
  family                   = "misspelt"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.misspelt.arn
  container_definitions    = local.containers
}

resource "aws_ecs_task_definition" "external" {
  family                   = "external"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.external.arn
  container_definitions    = local.containers
}
