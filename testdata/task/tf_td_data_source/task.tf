# The task definition of the configuration, and the services that run it through a data source
# (the latest revision of the family), as deployment pipelines that register revisions do.
resource "aws_iam_role" "execution" {
  name = "app-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name      = "app"
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"
    essential = true
  }])
}

data "aws_ecs_task_definition" "app" {
  task_definition = aws_ecs_task_definition.app.family
}

# By its family name, written as a literal.
data "aws_ecs_task_definition" "app_by_name" {
  task_definition = "app"
}

# A family registered outside this configuration (by the application's pipeline).
data "aws_ecs_task_definition" "worker" {
  task_definition = "worker"
}
