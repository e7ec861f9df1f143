# The fix: no `imagePullBehavior`; `versionConsistency` (a real field) pins the digest resolved
# at deployment for every task of the service.
resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name               = "web"
    image              = "public.ecr.aws/nginx/nginx:1.27"
    essential          = true
    versionConsistency = "enabled"
    portMappings       = [{ containerPort = 80, protocol = "tcp" }]
  }])
}
