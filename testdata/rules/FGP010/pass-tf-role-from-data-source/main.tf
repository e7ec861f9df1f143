# The execution role is read with a data source: its policies are not visible here, so whether
# it may read the registry credentials is unknown and nothing is reported.
provider "aws" {
  region = "eu-west-1"
}

resource "aws_secretsmanager_secret" "dockerhub" {
  name        = "dockerhub/ci"
  description = "Docker Hub pull credentials (JSON with username and password)"
}

data "aws_iam_role" "exec" {
  name = "platform-ecs-task-execution"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = data.aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name      = "app"
    image     = "myorg/private-app:2.1"
    essential = true
    repositoryCredentials = {
      credentialsParameter = aws_secretsmanager_secret.dockerhub.arn
    }
  }])
}
