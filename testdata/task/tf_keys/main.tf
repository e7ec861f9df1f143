# Keys ECS does not know: silently dropped by the Terraform provider.
resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = "arn:aws:iam::123456789012:role/exec"
  container_definitions = jsonencode([{
    name              = "app"
    IMAGE             = "nginx"
    imagePullBehavior = "ALWAYS"
    repositoryCredential = {
      credentialsParameter = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf"
    }
    logConfiguration = { logDriver = "awslogs", option = {} }
  }])
}

# The same as a heredoc: the JSON keys are found too.
resource "aws_ecs_task_definition" "heredoc" {
  family                   = "heredoc"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions    = <<JSON
[{"name": "app", "image": "nginx", "imagePullBehaviour": "ALWAYS", "secret": []}]
JSON
}
