# `execution_role_arn` spells a reference inside quotes: Terraform passes the string as is, and
# RegisterTaskDefinition rejects it ("Role is not valid"), whatever the launch type.
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

resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name   = "app"
    image  = "nginx:1.27"
    memory = 512
  }])
  execution_role_arn = "aws_iam_role.exec.arn"
}
