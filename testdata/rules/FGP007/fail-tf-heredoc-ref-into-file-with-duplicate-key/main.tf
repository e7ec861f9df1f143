# The heredoc container definition interpolates (in `environment` only) an attribute of a
# resource declared in cdn.tf, a file whose object literal writes a key twice (as in
# kazuki04/terraform-ecs-fargate): the file is read all the same (a `duplicate-key` warning), and
# only that value (computed at apply) is unknown. The awslogs driver creates
# its log group, and the execution role has only AmazonECSTaskExecutionRolePolicy.
resource "aws_iam_role" "exec" {
  name = "exec"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.exec.arn
  container_definitions    = <<-EOT
  [
    {
      "name": "app",
      "image": "public.ecr.aws/nginx/nginx:latest",
      "essential": true,
      "environment": [ { "name": "SECRET_KEY_BASE", "value": "${aws_s3_bucket.assets.bucket_domain_name}" } ],
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {
          "awslogs-group": "api",
          "awslogs-region": "eu-west-1",
          "awslogs-create-group": "true",
          "awslogs-stream-prefix": "app"
        }
      }
    }
  ]
  EOT
}
