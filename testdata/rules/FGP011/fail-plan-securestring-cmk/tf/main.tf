# The configuration plan.json was made from: with the sources beside the plan, attributes the
# provider computes and nobody wrote (the key's default policy) are left out, as in HCL.
resource "aws_kms_key" "app" {
  description             = "app secrets"
  deletion_window_in_days = 7
  enable_key_rotation     = true
}

resource "aws_ssm_parameter" "token" {
  name   = "/app/api-token"
  type   = "SecureString"
  value  = "placeholder"
  key_id = aws_kms_key.app.arn
}

resource "aws_iam_role" "exec" {
  name               = "app-exec"
  assume_role_policy = "{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"}}],\"Version\":\"2012-10-17\"}"
}

resource "aws_iam_role_policy_attachment" "exec" {
  role       = aws_iam_role.exec.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "read-parameters" {
  name   = "read-parameters"
  role   = aws_iam_role.exec.id
  policy = "{\"Statement\":[{\"Action\":\"ssm:GetParameters\",\"Effect\":\"Allow\",\"Resource\":\"arn:aws:ssm:eu-west-1:*:parameter/app/*\"}],\"Version\":\"2012-10-17\"}"
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
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
    essential = true
    secrets   = [{ name = "API_TOKEN", valueFrom = aws_ssm_parameter.token.name }]
  }])
}
