# awslogs-create-group: the managed policy lacks logs:CreateLogGroup ("with"), a second role adds it ("fixed").
resource "aws_iam_role" "exec" {
  name = "exec"
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

resource "aws_iam_role" "fixed" {
  name = "fixed"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
}

resource "aws_iam_policy" "logs" {
  name = "create-groups"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "logs:CreateLogGroup"
      Resource = "arn:aws:logs:*:*:log-group:/ecs/*"
    }]
  })
}

resource "aws_iam_policy_attachment" "logs" {
  name       = "logs"
  roles      = [aws_iam_role.fixed.name]
  policy_arn = aws_iam_policy.logs.arn
}

locals {
  containers = [{
    name  = "app"
    image = "nginx:1.27"
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group        = "/ecs/new-group"
        awslogs-region       = "eu-west-1"
        awslogs-create-group = "true"
      }
    }
  }]
}

resource "aws_ecs_task_definition" "with" {
  family                   = "with"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.exec.arn
  container_definitions    = jsonencode(local.containers)
}

resource "aws_ecs_task_definition" "fixed" {
  family                   = "fixed"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.fixed.arn
  container_definitions    = jsonencode(local.containers)
}
