resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = data.aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  desired_count   = 1

  network_configuration {
    subnets = ["subnet-0123456789abcdef0"]
  }
}

resource "aws_ecs_service" "app_latest" {
  name            = "app-latest"
  cluster         = aws_ecs_cluster.main.id
  task_definition = "${data.aws_ecs_task_definition.app_by_name.family}:${data.aws_ecs_task_definition.app_by_name.revision}"
  launch_type     = "FARGATE"
  desired_count   = 1

  network_configuration {
    subnets = ["subnet-0123456789abcdef0"]
  }
}

resource "aws_ecs_service" "worker" {
  name            = "worker"
  cluster         = aws_ecs_cluster.main.id
  task_definition = data.aws_ecs_task_definition.worker.arn
  launch_type     = "FARGATE"
  desired_count   = 1

  network_configuration {
    subnets = ["subnet-0123456789abcdef0"]
  }
}
