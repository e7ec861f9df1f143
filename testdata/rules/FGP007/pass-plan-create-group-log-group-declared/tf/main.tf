# awslogs-create-group and only the managed execution policy, but the log group is declared:
# the awslogs driver creates the stream first and calls CreateLogGroup only when the group
# does not exist, so the permission is never used.
provider "aws" {
  region = "eu-west-1"
}

resource "aws_iam_role" "exec" {
  name               = "app-exec"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Action    = "sts:AssumeRole"
        Effect    = "Allow"
        Principal = {
          Service = "ecs-tasks.amazonaws.com"
        }
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "exec" {
  role       = aws_iam_role.exec.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/app"
  retention_in_days = 30
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.exec.arn
  container_definitions    = jsonencode([
    {
      name             = "app"
      image            = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"
      essential        = true
      logConfiguration = {
        logDriver = "awslogs"
        options   = {
          "awslogs-group"         = aws_cloudwatch_log_group.app.name
          "awslogs-region"        = "eu-west-1"
          "awslogs-stream-prefix" = "app"
          "awslogs-create-group"  = "true"
        }
      }
    },
  ])
}
